/*
 * Reassembly of IPv4 and IPv6 fragments (RFC 791, RFC 8200 section 4.5),
 * one module for both families.
 *
 * Held fragments stay in the packet buffers they arrived in; the queues
 * and fragment records that track them come from tables allocated once by
 * ip_reass_create(), so input never calls the allocator.  Memory is
 * bounded three ways: datagrams in progress (max_queues), fragments held
 * (max_frags, and max_per_queue in one datagram) and bytes held
 * (max_bytes).  When a new fragment would exceed a bound, the oldest
 * datagrams are dropped first (ips_fragoverflow), so a flood of fragment
 * starts can only push out earlier state, never grow it.
 *
 * Overlapping fragments drop the whole datagram, as RFC 5722 requires for
 * IPv6; IPv4 is treated the same way (as Linux does since 2018): an
 * overlap has no legitimate use and trimming rules are an evasion tool.
 * An exact duplicate (same range, same bytes) is ignored (RFC 8200).
 * Datagrams not complete within the timeout (net_time_now(); 30 s for
 * IPv4, 60 s for IPv6 by default, as BSD) are dropped.
 *
 * The module belongs to the packet-path thread; nothing is locked.
 */
#ifndef SYS_NETINET_IP_REASS_H
#define SYS_NETINET_IP_REASS_H

#include <stddef.h>
#include <time.h>

#include "sys/net/pbuf.h"
#include "sys/netinet/ip_hdr.h"

struct ip_reass_limits {
	size_t	max_queues;	/* datagrams in progress */
	size_t	max_frags;	/* fragments held, all datagrams */
	size_t	max_per_queue;	/* fragments held for one datagram */
	size_t	max_bytes;	/* bytes of held fragment buffers */
	time_t	timeout4;	/* seconds an IPv4 datagram may take */
	time_t	timeout6;	/* seconds an IPv6 datagram may take */
};

#define IP_REASS_DEF_QUEUES	256
#define IP_REASS_DEF_FRAGS	2048
#define IP_REASS_DEF_PERQUEUE	128
#define IP_REASS_DEF_BYTES	(4u << 20)
#define IP_REASS_DEF_TIMEOUT4	30
#define IP_REASS_DEF_TIMEOUT6	60

enum ip_reass_result {
	IP_REASS_HELD,		/* fragment kept (or ignored duplicate) */
	IP_REASS_DONE,		/* *out is the whole datagram */
	IP_REASS_DROPPED,	/* fragment dropped, counter moved */
};

struct ip_reass;

/*
 * A reassembly context drawing its output buffers from pool.  lim NULL
 * means the defaults above; zero fields also take their default.  NULL
 * when out of memory.
 */
struct ip_reass *ip_reass_create(struct pbuf_pool *pool,
	    const struct ip_reass_limits *lim);
/* Frees every held fragment, then the context. */
void	ip_reass_destroy(struct ip_reass *r);

/*
 * Take the packet pb, described by hi from ip_hdr_parse() on pb->data.
 * pb is always consumed.  A packet that is not a fragment is returned in
 * *out at once (IP_REASS_DONE).  When a fragment completes its datagram,
 * the datagram is built in one new buffer from the pool (fragment header
 * removed, lengths and IPv4 checksum fixed) and returned in *out; the
 * caller parses it again.
 */
enum ip_reass_result ip_reass_input(struct ip_reass *r, struct pbuf *pb,
	    const struct ip_hdr_info *hi, struct pbuf **out);

/* Drop datagrams whose time is up; call once a second. */
void	ip_reass_timer(struct ip_reass *r);

/* Datagrams in progress and bytes held, for tests and statistics. */
size_t	ip_reass_queues(const struct ip_reass *r);
size_t	ip_reass_bytes(const struct ip_reass *r);

#endif
