/*
 * The Ethernet link as an interface (the role of BSD's if_ethersubr.c):
 * the layer between a frame driver below (the live wire,
 * sys/net/if_wire.h) and the IP path above.
 *
 * Down: its netif output takes an IP packet, resolves the next hop
 * through the link's neighbour cache (if_ether.h) and hands the framed
 * packet to netif_xmit() of the driver.  Up: ether_input() is the
 * driver's input callback; it takes whole frames, answers ARP and
 * neighbour discovery itself (below IPsec, as RFC 4301 section 4.4.1.1
 * lets ND bypass the SPD) and passes IPv4 and IPv6 packets, Ethernet
 * header removed and pb->af set, to the interface's own input callback
 * (netif_set_input(), the IP path).
 *
 * Ownership: the interface does not own the driver below; netif_detach()
 * frees the link and lets go of its cache, which the last link using it
 * frees (if_ether.h), so interfaces sharing a cache (share_nbr) may be
 * detached in any order.  The caller runs ether_iftimer() once a second
 * (resolution retries, expiry), on at least one of the interfaces that
 * share a cache; running it on each of them is harmless.
 */
#ifndef SYS_NETINET_IF_ETHERSUBR_H
#define SYS_NETINET_IF_ETHERSUBR_H

#include <stddef.h>

#include "sys/net/netif.h"
#include "sys/net/pbuf.h"
#include "sys/netinet/if_ether.h"

struct ether_config {
	size_t			 naddrs;	/* the host's addresses */
	const struct ether_ifaddr *addrs;
	union ip_sockaddr	 gw4;		/* family 0: none */
	union ip_sockaddr	 gw6;
	/*
	 * NULL: a neighbour cache of its own.  Else an interface made by
	 * ether_ifattach() (one per worker, over the same NIC) whose cache
	 * this one shares, and whose MTU is at least lower's.
	 */
	struct netif		*share_nbr;
};

/*
 * The link over lower, with lower's name, MTU and link address, speaking
 * for the addresses of cfg (at most ETHER_ADDRS_MAX).  NULL on failure
 * with a message in err.
 */
struct netif *ether_ifattach(struct netif *lower,
	    const struct ether_config *cfg, char *err, size_t errlen);

/* A frame from the driver (arg: the link's netif); consumed. */
void	ether_input(void *arg, struct pbuf *pb);

/* Once a second (arg: the link's netif); a net_event_timer_fn. */
void	ether_iftimer(void *arg);

/* The link behind the interface (its counters). */
const struct ether_link *ether_iflink(const struct netif *ifp);

#endif
