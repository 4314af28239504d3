/*
 * SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF",
 * 2012): a keyed 64-bit hash for tables whose keys the wire can choose
 * (SPIs, policy selectors).  With a secret random key an attacker cannot
 * aim many entries at one bucket.
 */
#ifndef SYS_NET_SIPHASH_H
#define SYS_NET_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

#define SIPHASH_KEY_LEN	16

/* The 64-bit SipHash-2-4 of len bytes at data under a 128-bit key. */
uint64_t	siphash24(const uint8_t key[16], const void *data, size_t len);

/*
 * Fill key with bytes from OpenSSL's RAND_bytes().  Should the generator
 * fail, the key falls back to clock and address entropy rather than zeros,
 * so that a table still works (with weaker collision resistance).
 */
void	siphash_random_key(uint8_t key[16]);

#endif
