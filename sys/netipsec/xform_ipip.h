/*
 * Tunnel-mode encapsulation: IPv4 or IPv6 inside IPv4 or IPv6 (4-in-4,
 * 6-in-6, 4-in-6, 6-in-4), the outer header built in the packet's
 * headroom.
 *
 * Outer header fields (RFC 4301 section 5.1.2): TTL or hop limit and DSCP
 * copied from the inner header; IPv4 DF per net.inet.ipsec.dfbit (0 clear,
 * 1 set, 2 copied from an inner IPv4 header, clear for an inner IPv6
 * one); identification from ip_frag_id(); the header checksum computed.
 *
 * ECN per net.inet.ipsec.ecn or net.inet6.ipsec6.ecn of the outer
 * header's family, with KAME's three values:
 *  1 (allowed): RFC 6040 normal mode.  Encapsulation copies the inner ECN
 *    field, CE included (RFC 3168's reset of CE to ECT(0) is gone in RFC
 *    6040); decapsulation combines outer
 *    and inner by RFC 6040 section 4.2 and drops the one forbidden
 *    combination (outer CE over a Not-ECT inner packet).
 *  0 (forbidden) and -1 (ignore): the outer ECN field is Not-ECT and the
 *    inner packet is left as it came, whatever the outer says.  KAME
 *    treats these two the same way on both sides, and so do we.
 */
#ifndef SYS_NETIPSEC_XFORM_IPIP_H
#define SYS_NETIPSEC_XFORM_IPIP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "sys/netipsec/ipsec_stat.h"

struct pbuf;

#define IPIP_ECN_NOTECT	0x0
#define IPIP_ECN_ECT1	0x1
#define IPIP_ECN_ECT0	0x2
#define IPIP_ECN_CE	0x3

/* The length of the outer header for the family of dst (20 or 40). */
size_t	ipip_hdrlen(int af);

/*
 * The DF bit an outer IPv4 header gets over an inner packet whose own DF
 * is inner_df (0 for an inner IPv6 packet), by net.inet.ipsec.dfbit.
 */
int	ipip_df(int inner_df);

/*
 * Put an outer header from src to dst (one family, either) in front of
 * the IPv4 or IPv6 packet in pb.  0, or -1 when the headroom is short,
 * the result too long or the addresses unusable.
 */
int	ipip_output(struct pbuf *pb, const struct sockaddr *src,
	    const struct sockaddr *dst);

/*
 * Take the inner packet out of pb: it starts off bytes in, behind the
 * outer header whose protocol field said nxt (IPPROTO_IPV4 or
 * IPPROTO_IPV6).  The inner header must be of that version and its length
 * must fit; bytes behind it (TFC padding) are cut.  The outer ECN field is
 * merged as described above.  0, or -1 with *why set (IPSECS_IN_TUNNEL,
 * IPSECS_IN_ECN).
 */
int	ipip_input(struct pbuf *pb, size_t off, uint8_t nxt,
	    enum ipsecstat_counter *why);

/*
 * The ECN rules alone, by the ecn setting of af (the outer family): the
 * outer ECN field for an inner one, and the inner field after
 * decapsulation (-1: drop).
 */
uint8_t	ipip_ecn_encap(int af, uint8_t inner);
int	ipip_ecn_decap(int af, uint8_t outer, uint8_t inner);

#endif
