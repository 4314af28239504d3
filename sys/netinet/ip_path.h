/*
 * The socket manager's INET/INET6 path: every packet between the host
 * stack and the wire crosses it, so outbound and inbound IPsec policy
 * applies to all traffic, clear or protected (RFC 4301 section 3.3,
 * "bump in the stack").  One path serves both families.
 *
 * Host to wire (ip_path_from_host()): validate (ip_hdr_parse), reassemble
 * fragments the host sent so that the SPD sees whole datagrams, apply the
 * outbound policy (ipsec_output); a packet that protection made too big
 * and that may not be fragmented is answered toward the host with ICMP
 * "fragmentation needed" or ICMPv6 "packet too big" carrying the MTU the
 * policy engine computed; otherwise the outer packet is fragmented to the
 * wire's MTU when the header allows and handed to the wire driver.
 *
 * Wire to host (ip_path_from_wire()): validate, drop packets not
 * addressed to one of the host's addresses (when any were configured:
 * counted as cantforward, as a host that does not forward would),
 * reassemble, remove IPsec and apply the inbound policy (ipsec_input),
 * and hand the result to the host driver.
 *
 * Ownership: both entry points consume the packet.  Single-threaded, one
 * path per packet-path thread; nothing allocates per packet (buffers
 * come from the path's pool).
 */
#ifndef SYS_NETINET_IP_PATH_H
#define SYS_NETINET_IP_PATH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "sys/net/netif.h"
#include "sys/net/pbuf.h"

/* Addresses the host may own (-a options). */
#define IP_PATH_ADDRS_MAX	64

/*
 * The path's own counters per family, KAME ipstat/ip6stat fields that
 * the validation and fragment modules do not keep.
 */
enum ip_path_counter {
	IP_PATH_LOCALOUT,	/* ips_localout: datagrams from the host */
	IP_PATH_DELIVERED,	/* ips_delivered: datagrams to the host */
	IP_PATH_CANTFORWARD,	/* ips_cantforward: not for this host */
	IP_PATH_OPROTECTED,	/* ips_oprotected: sent with IPsec applied */
	IP_PATH_OCLEAR,		/* ips_oclear: sent clear by policy */
	IP_PATH_IPSECDROP_OUT,	/* ips_ipsecdrop_out: refused by output */
	IP_PATH_IPSECDROP_IN,	/* ips_ipsecdrop_in: refused by input */
	IP_PATH_TOOBIG,		/* ips_toobig: answered with ICMP */
	IP_PATH_SRCROUTE,	/* ips_srcroute: source route refused */
	IP_PATH_NSTATS
};

struct ip_path_stats {
	uint64_t	c[IP_PATH_NSTATS];
};

struct ip_path;

/*
 * A path between the drivers host and wire (not owned), drawing buffers
 * from pool (not owned).  The wire driver's MTU is the route MTU of every
 * outbound packet.  NULL when out of memory.
 */
struct ip_path *ip_path_create(struct pbuf_pool *pool, struct netif *host,
	    struct netif *wire);
/* Free held fragments and the path. */
void	ip_path_destroy(struct ip_path *p);

/*
 * Add one of the host's addresses (AF_INET or AF_INET6).  Once any is
 * added, wire packets to other unicast addresses are refused.  0, or -1
 * (EAFNOSUPPORT, ENOSPC beyond IP_PATH_ADDRS_MAX).
 */
int	ip_path_add_addr(struct ip_path *p, const struct sockaddr *sa);

/* A packet the host sent (pb->af set by the driver); consumed. */
void	ip_path_from_host(struct ip_path *p, struct pbuf *pb);
/* A packet from the wire; consumed. */
void	ip_path_from_wire(struct ip_path *p, struct pbuf *pb);
/*
 * The same two entries shaped as netif input callbacks (netif_input_fn,
 * arg the path), for the interfaces below to be given at start.
 */
void	ip_path_input_host(void *arg, struct pbuf *pb);
void	ip_path_input_wire(void *arg, struct pbuf *pb);

/* Reassembly timeouts; call once a second. */
void	ip_path_timer(struct ip_path *p);

/* The path's counters of af (AF_INET or AF_INET6). */
const struct ip_path_stats *ip_path_stats(const struct ip_path *p, int af);
/* "ips_localout" or "ip6s_localout", ...; NULL out of range. */
const char *ip_path_stat_name(int af, enum ip_path_counter c);

#endif
