/*
 * Validation of IPv4 and IPv6 packets and extraction of their selectors.
 *
 * ip_hdr_parse() is the first thing every packet meets on both paths
 * (from the host and from the wire).  It checks every length before
 * reading, walks IPv4 options and IPv6 extension headers, and fills a
 * parsed view that the fragment, ICMP and IPsec code read instead of
 * parsing again: the selectors for the SPD (addresses, upper-layer
 * protocol, ports or ICMP type and code), where a transport-mode ESP or AH
 * header goes, and which next-header byte then has to change.
 *
 * IPv6 transport-mode placement follows RFC 8200 section 4.1 and RFC 4303
 * section 3.1.1: ESP/AH come after hop-by-hop options, a routing header,
 * destination options that precede a routing header, and a fragment
 * header; destination options after the last of those stay behind ESP
 * (they are for the final destination only).  The walk stops at AH or
 * ESP (already protected: proto says which) and at any protocol that is
 * not an extension header.
 *
 * Offsets are from the first byte of the IP header.  Ports are in host
 * order.  A packet whose ports or ICMP type are not available (a non-first
 * fragment, a first fragment too short to hold them, a protocol without
 * ports) has IP_HDR_F_PORTS clear and zeros there.
 */
#ifndef SYS_NETINET_IP_HDR_H
#define SYS_NETINET_IP_HDR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Same shape as the key engine's union key_sockaddr: pass &src.sa. */
union ip_sockaddr {
	struct sockaddr		sa;
	struct sockaddr_in	sin;
	struct sockaddr_in6	sin6;
};

#define IP_HDR_F_PORTS		0x01	/* sport/dport are valid */
#define IP_HDR_F_ICMP		0x02	/* icmp_type/icmp_code are valid */
#define IP_HDR_F_FRAG		0x04	/* a fragment (not a whole datagram) */
#define IP_HDR_F_FIRSTFRAG	0x08	/* fragment at offset 0 */
#define IP_HDR_F_DF		0x10	/* IPv4 don't-fragment bit */
#define IP_HDR_F_SRCRT		0x20	/* IPv4 LSRR or SSRR option */
#define IP_HDR_F_SRCRT_MORE	0x40	/* ...with addresses still to visit */

struct ip_frag_info {
	uint32_t	id;		/* IPv4: 16 bits; IPv6: 32 bits */
	uint16_t	off;		/* payload offset in bytes */
	bool		more;		/* more fragments follow */
	uint16_t	hdr_off;	/* IPv6: the fragment header */
	uint16_t	hdr_protoff;	/* IPv6: next-header byte naming it */
	uint16_t	data_off;	/* first byte of fragment payload */
};

struct ip_hdr_info {
	int		af;		/* AF_INET or AF_INET6 */
	union ip_sockaddr src;
	union ip_sockaddr dst;
	uint32_t	len;		/* bytes of the datagram (IP length) */
	uint8_t		proto;		/* upper-layer protocol, AH or ESP */
	uint8_t		flags;		/* IP_HDR_F_* */
	uint8_t		ttl;		/* TTL or hop limit */
	uint8_t		tos;		/* TOS or traffic class */
	uint16_t	hlen;		/* IPv4 header with options / 40 */
	uint16_t	ulp_off;	/* upper-layer (or AH/ESP) header */
	uint16_t	ins_off;	/* transport-mode ESP/AH goes here */
	uint16_t	protoff;	/* next-header byte to rewrite */
	uint16_t	sport;		/* host order; ICMP type for the SPD */
	uint16_t	dport;		/* host order; ICMP code for the SPD */
	uint8_t		icmp_type;
	uint8_t		icmp_code;
	struct ip_frag_info frag;	/* when IP_HDR_F_FRAG */
	int		drop;		/* on failure: the counter that moved */
};

/*
 * Validate the packet of len bytes at pkt (IPv4 or IPv6 by its version
 * nibble) and fill *hi.  Returns 0, or -1 with hi->drop set to the
 * ipstat_counter (AF_INET) or ip6stat_counter (AF_INET6) that was
 * incremented; hi->af is 0 when not even the version could be read.
 * Bytes beyond the IP length (link padding) are allowed: hi->len says
 * where the datagram ends.
 */
int	ip_hdr_parse(const uint8_t *pkt, size_t len, struct ip_hdr_info *hi);

/* The same for a packet known to be IPv4 or IPv6. */
int	ip4_hdr_parse(const uint8_t *pkt, size_t len, struct ip_hdr_info *hi);
int	ip6_hdr_parse(const uint8_t *pkt, size_t len, struct ip_hdr_info *hi);

/*
 * Fill the selector fields (ports or ICMP type/code) from the upper-layer
 * header at hi->ulp_off; used by the parsers, and again after reassembly
 * or decapsulation.  Returns -1 when a whole (unfragmented) datagram is
 * too short for its transport header.
 */
int	ip_hdr_ulp(const uint8_t *pkt, struct ip_hdr_info *hi);

/*
 * The length of the IPv6 extension header of type nh (hop-by-hop,
 * destination options, routing, fragment) at off, for a walk that must
 * end at end; 0 when nh is not one of those or the header runs past end.
 */
size_t	ip6_exthdr_len(const uint8_t *pkt, size_t off, uint8_t nh,
	    size_t end);

#endif
