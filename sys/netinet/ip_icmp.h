/*
 * ICMP errors the socket manager originates when a packet cannot go out
 * whole: "fragmentation needed" (ICMP type 3 code 4, RFC 792 and RFC 1191)
 * and ICMPv6 "packet too big" (type 2, RFC 4443 section 3.2).  IPsec
 * output uses them when DF forbids fragmenting a packet that protection
 * made too big, announcing the MTU minus the IPsec overhead.
 *
 * The error goes back to the offending packet's source and quotes as much
 * of the packet as fits in 576 bytes (IPv4, RFC 1812 section 4.3.2.3) or
 * 1280 bytes (IPv6).  The rules that forbid an error are applied and
 * counted: never about an ICMP error, a non-first IPv4 fragment, a
 * packet to a broadcast or (IPv4) multicast address, or from an address
 * that is not unicast.  No rate limit is applied here.
 */
#ifndef SYS_NETINET_IP_ICMP_H
#define SYS_NETINET_IP_ICMP_H

#include <netinet/in.h>
#include <stdint.h>

#include "sys/net/pbuf.h"
#include "sys/netinet/ip_hdr.h"

#define ICMP_UNREACH		3
#define ICMP_UNREACH_NEEDFRAG	4
#define ICMP6_PACKET_TOO_BIG	2
#define ICMP_ERROR_QUOTE_MAX4	576	/* whole error datagram, IPv4 */
#define ICMP_ERROR_QUOTE_MAX6	1280	/* whole error datagram, IPv6 */

/*
 * The IPv4 "fragmentation needed" error about the packet at pkt (hi from
 * ip_hdr_parse() on it) announcing next-hop MTU mtu, sent from src (NULL:
 * the offending packet's destination, as a bump in the stack has no
 * address of its own).  A new buffer from pool, or NULL when the rules
 * forbid an error or the pool is empty (icmpstat says which).
 */
struct pbuf *icmp_error_needfrag(struct pbuf_pool *pool, const uint8_t *pkt,
	    const struct ip_hdr_info *hi, uint16_t mtu,
	    const struct in_addr *src);

/* The ICMPv6 "packet too big" error; see above; icmp6stat counts. */
struct pbuf *icmp6_error_toobig(struct pbuf_pool *pool, const uint8_t *pkt,
	    const struct ip_hdr_info *hi, uint32_t mtu,
	    const struct in6_addr *src);

#endif
