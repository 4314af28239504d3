/*
 * Small helpers shared by the IPsec transforms.
 */
#ifndef SYS_NETIPSEC_IPSEC_UTIL_H
#define SYS_NETIPSEC_IPSEC_UTIL_H

#include <stddef.h>
#include <stdint.h>

struct ipsec_sa;
struct ipsec_xform;
struct pbuf;

/*
 * Make the length fields of the IP header at the front of pb say pb->len:
 * IPv4 total length (and the header checksum, recomputed), or IPv6
 * payload length.  The family comes from the version nibble.  0, or -1
 * when the packet is shorter than its header, is not IPv4 or IPv6, or is
 * too long for the field (65535; IPv6 jumbograms are not made).
 */
int	ipsec_fix_iplen(struct pbuf *pb);

/* The address family (AF_INET, AF_INET6) of the IP header at p, or 0. */
int	ipsec_ip_family(const uint8_t *p, size_t len);

/*
 * The next outbound sequence number of an ESP or AH SA, taken for good:
 * 64 bits with ESN; otherwise 32 bits that stop at 2^32 - 1 (-1: the SA
 * is used up) unless the SA may cycle (IPSEC_XF_CYCSEQ), in which case
 * numbers whose low half is 0 are skipped, since receivers reject 0.
 * Callers on one SA must take turns (the SA's session lock): each number
 * is then taken once.
 */
int	ipsec_seq_next(struct ipsec_sa *sa, const struct ipsec_xform *xf,
	    uint64_t *seqp);

#endif
