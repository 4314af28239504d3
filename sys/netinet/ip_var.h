/*
 * IPv4 and ICMP counters of the socket manager's INET path, in the sense
 * of KAME's struct ipstat and struct icmpstat (netstat -s -p ip / icmp):
 * one counter per reason a packet was dropped, so that a test (or a user)
 * can tell which check refused a packet.
 *
 * Each is a per-worker counter set (net_counter.h): a worker moves its
 * own row, readers sum the rows.  ipstat_names[] and
 * icmpstat_names[] give the KAME field name of each counter for printing.
 */
#ifndef SYS_NETINET_IP_VAR_H
#define SYS_NETINET_IP_VAR_H

#include <stdint.h>

#include "sys/net/net_counter.h"

enum ipstat_counter {
	IPSTAT_TOTAL,		/* ips_total: packets validated */
	IPSTAT_TOOSMALL,	/* ips_toosmall: shorter than a header */
	IPSTAT_TOOSHORT,	/* ips_tooshort: ip_len beyond the data */
	IPSTAT_BADVERS,		/* ips_badvers: version is not 4 */
	IPSTAT_BADHLEN,		/* ips_badhlen: IHL < 5 or beyond data */
	IPSTAT_BADLEN,		/* ips_badlen: ip_len < header length */
	IPSTAT_BADSUM,		/* ips_badsum: header checksum */
	IPSTAT_BADOPTIONS,	/* ips_badoptions: malformed option list */
	IPSTAT_BADADDR,		/* ips_badaddr: multicast/broadcast src */
	IPSTAT_ULPSHORT,	/* ips_ulpshort: transport header cut */
	IPSTAT_FRAGMENTS,	/* ips_fragments: fragments received */
	IPSTAT_BADFRAGS,	/* ips_badfrags: malformed fragment */
	IPSTAT_TOOLONG,		/* ips_toolong: datagram past 65535 */
	IPSTAT_FRAGOVERLAP,	/* ips_fragoverlap: overlap, queue dropped */
	IPSTAT_FRAGDUP,		/* ips_fragdup: exact duplicate ignored */
	IPSTAT_FRAGDROPPED,	/* ips_fragdropped: fragments dropped */
	IPSTAT_FRAGTIMEOUT,	/* ips_fragtimeout: dropped on timeout */
	IPSTAT_FRAGOVERFLOW,	/* ips_fragoverflow: memory/queue limit */
	IPSTAT_REASSEMBLED,	/* ips_reassembled: datagrams rebuilt */
	IPSTAT_FRAGMENTED,	/* ips_fragmented: datagrams fragmented */
	IPSTAT_OFRAGMENTS,	/* ips_ofragments: fragments created */
	IPSTAT_CANTFRAG,	/* ips_cantfrag: DF set, too big */
	IPSTAT_ODROPPED,	/* ips_odropped: no packet buffer */
	IPSTAT_NSTATS
};

enum icmpstat_counter {
	ICMPSTAT_ERROR,		/* icps_error: errors asked for */
	ICMPSTAT_OLDICMP,	/* icps_oldicmp: not about an ICMP error */
	ICMPSTAT_OLDSHORT,	/* icps_oldshort: offending packet short */
	ICMPSTAT_BADADDR,	/* icps_badaddr: not to/from a unicast */
	ICMPSTAT_NOTFIRST,	/* icps_notfirst: non-first fragment */
	ICMPSTAT_NOBUFS,	/* icps_nobufs: no packet buffer */
	ICMPSTAT_OUT_NEEDFRAG,	/* icps_outhist[3/4]: sent */
	ICMPSTAT_NSTATS
};

extern const struct net_counter_set ipstat;	/* per worker */
extern const struct net_counter_set icmpstat;
extern const char *const ipstat_names[IPSTAT_NSTATS];
extern const char *const icmpstat_names[ICMPSTAT_NSTATS];

#endif
