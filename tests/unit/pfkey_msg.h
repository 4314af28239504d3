/*
 * Sample PF_KEY messages for the tests and the fuzzing seed generator:
 * for every message type, valid messages as a PF_KEY client would write
 * them, built with key_build.  Variants differ in address family (odd
 * variants use IPv6) and in how many optional extensions they carry
 * (variants 2 and 3 carry every extension the type allows that a client
 * would plausibly send).
 */
#ifndef TESTS_PFKEY_MSG_H
#define TESTS_PFKEY_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netinet/in.h>

#include "sys/netkey/key_build.h"

#define PFKEY_MSG_VARIANTS	4

/*
 * Build variant (0 .. PFKEY_MSG_VARIANTS - 1) of a valid message of type
 * into b (after key_buf_init*), ending it.  Returns key_build_end()'s
 * value.
 */
int	pfkey_msg_sample(struct key_buf *b, uint8_t type,
	    unsigned int variant);

/* Sockaddrs from text; port in host order. */
void	pfkey_msg_sin(struct sockaddr_in *sin, const char *addr,
	    uint16_t port);
void	pfkey_msg_sin6(struct sockaddr_in6 *sin6, const char *addr,
	    uint16_t port);

/*
 * The first extension of a type in a message of len bytes at msg, or NULL.
 * Only follows extension lengths while they stay inside the message.
 */
struct sadb_ext *pfkey_msg_find(void *msg, size_t len, uint16_t type);

#endif
