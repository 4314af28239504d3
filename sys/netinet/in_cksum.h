/*
 * The Internet checksum (RFC 1071): the ones' complement of the ones'
 * complement sum of 16-bit big-endian words.  Sums are kept unfolded in a
 * 64-bit accumulator so that pieces (a pseudo-header, a header, a payload)
 * can be added separately and folded once.  Checksum values are returned
 * as host-order integers of the big-endian field: store them with
 * be_put16() (sys/net/net_endian.h).
 */
#ifndef SYS_NETINET_IN_CKSUM_H
#define SYS_NETINET_IN_CKSUM_H

#include <stddef.h>
#include <stdint.h>

/*
 * Add len bytes at data to an unfolded sum.  Pieces are word-aligned in
 * the checksummed stream: only the last piece may have an odd length (its
 * final byte is padded with a zero).
 */
uint64_t	in_cksum_add(uint64_t sum, const void *data, size_t len);

/* Fold a sum to 16 bits and complement it: the value of the field. */
uint16_t	in_cksum_fold(uint64_t sum);

/* The checksum of one buffer (IPv4 header, ICMP message). */
uint16_t	in_cksum(const void *data, size_t len);

/*
 * The sum of the pseudo-header of TCP, UDP (RFC 768/9293) and ICMPv6
 * (RFC 8200 section 8.1) for af AF_INET (4-byte addresses) or AF_INET6
 * (16-byte addresses), upper-layer length ulen and protocol proto.  Add
 * the upper-layer bytes with in_cksum_add() and fold.
 */
uint64_t	in_cksum_pseudo(int af, const void *src, const void *dst,
		    uint8_t proto, uint32_t ulen);

/*
 * The checksum of an upper-layer message of ulen bytes at ulp, with its
 * pseudo-header; the checksum field inside must hold zero (or the value
 * to verify: a correct message then yields 0).
 */
uint16_t	in_cksum_upper(int af, const void *src, const void *dst,
		    uint8_t proto, const void *ulp, uint32_t ulen);

/*
 * Incremental update (RFC 1624 equation 3) of checksum field value cksum
 * when one 16-bit word of the covered data changes from old to new.
 */
uint16_t	in_cksum_update16(uint16_t cksum, uint16_t old, uint16_t new);

/* The same for a 32-bit word (two 16-bit halves). */
uint16_t	in_cksum_update32(uint16_t cksum, uint32_t old, uint32_t new);

#endif
