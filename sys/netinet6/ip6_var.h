/*
 * IPv6 and ICMPv6 counters of the socket manager's INET6 path, in the
 * sense of KAME's struct ip6stat and struct icmp6stat: one counter per
 * drop reason, as per-worker counter sets (net_counter.h);
 * ip6stat_names[] and icmp6stat_names[] give the KAME field names.
 */
#ifndef SYS_NETINET6_IP6_VAR_H
#define SYS_NETINET6_IP6_VAR_H

#include <stdint.h>

#include "sys/net/net_counter.h"

/* More extension headers than this in one packet is an attack. */
#define IP6_MAX_EXTHDRS		16

enum ip6stat_counter {
	IP6STAT_TOTAL,		/* ip6s_total: packets validated */
	IP6STAT_TOOSMALL,	/* ip6s_toosmall: shorter than 40 bytes */
	IP6STAT_TOOSHORT,	/* ip6s_tooshort: plen beyond the data */
	IP6STAT_BADVERS,	/* ip6s_badvers: version is not 6 */
	IP6STAT_BADSCOPE,	/* ip6s_badscope: multicast source */
	IP6STAT_JUMBO,		/* ip6s_jumbo: jumbogram, unsupported */
	IP6STAT_EXTSHORT,	/* ip6s_extshort: extension header cut */
	IP6STAT_BADOPTIONS,	/* ip6s_badoptions: misplaced HBH, bad TLV */
	IP6STAT_TOOMANYHDR,	/* ip6s_toomanyhdr: > IP6_MAX_EXTHDRS */
	IP6STAT_ULPSHORT,	/* ip6s_ulpshort: transport header cut */
	IP6STAT_FRAGMENTS,	/* ip6s_fragments: fragments received */
	IP6STAT_BADFRAGS,	/* ip6s_badfrags: malformed fragment */
	IP6STAT_TOOLONG,	/* ip6s_toolong: datagram past 65535 */
	IP6STAT_FRAGOVERLAP,	/* ip6s_fragoverlap: RFC 5722 drop */
	IP6STAT_FRAGDUP,	/* ip6s_fragdup: exact duplicate ignored */
	IP6STAT_FRAGDROPPED,	/* ip6s_fragdropped: fragments dropped */
	IP6STAT_FRAGTIMEOUT,	/* ip6s_fragtimeout: dropped on timeout */
	IP6STAT_FRAGOVERFLOW,	/* ip6s_fragoverflow: memory/queue limit */
	IP6STAT_REASSEMBLED,	/* ip6s_reassembled: datagrams rebuilt */
	IP6STAT_FRAGMENTED,	/* ip6s_fragmented: datagrams fragmented */
	IP6STAT_OFRAGMENTS,	/* ip6s_ofragments: fragments created */
	IP6STAT_CANTFRAG,	/* ip6s_cantfrag: cannot be fragmented */
	IP6STAT_ODROPPED,	/* ip6s_odropped: no packet buffer */
	IP6STAT_NSTATS
};

enum icmp6stat_counter {
	ICMP6STAT_ERROR,	/* icp6s_error: errors asked for */
	ICMP6STAT_CANTERROR,	/* icp6s_canterror: about an ICMPv6 error */
	ICMP6STAT_OLDSHORT,	/* icp6s_oldshort: offending packet short */
	ICMP6STAT_BADADDR,	/* icp6s_badaddr: unspecified/mcast src */
	ICMP6STAT_NOBUFS,	/* icp6s_nobufs: no packet buffer */
	ICMP6STAT_OUT_PKTTOOBIG, /* icp6s_outhist[2]: sent */
	ICMP6STAT_NSTATS
};

extern const struct net_counter_set ip6stat;	/* per worker */
extern const struct net_counter_set icmp6stat;
extern const char *const ip6stat_names[IP6STAT_NSTATS];
extern const char *const icmp6stat_names[ICMP6STAT_NSTATS];

#endif
