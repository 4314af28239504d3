/*
 * Network interfaces of the socket manager: the drivers at the two ends
 * of the packet path, and the layers stacked on them.  One driver faces
 * the host stack (TUN, or a pcap file in offline mode), one faces the
 * wire (an AF_PACKET socket on a NIC, or a pcap file); on a live wire the
 * Ethernet link (sys/netinet/if_ethersubr.h) is itself an interface
 * between the frame driver and the packet path.  The packet path sees
 * only this interface: a name, an MTU, an output function and counters,
 * so live and offline traffic run through the same code.
 *
 * Input goes up through a callback, never by name: whoever stacks the
 * layers (sbin/sockmgr) gives each interface the function and argument
 * of the layer above (netif_set_input()), and the driver hands every
 * packet or frame it reads to netif_input().  So sys/net knows nothing of
 * ARP, neighbour discovery or IP, and a test plugs in any receiver.
 *
 * Output goes down: netif_output() writes one packet from a buffer and
 * consumes it; netif_xmit() writes one frame given as a link header and
 * its payload, which a batching driver may queue until the end of the
 * event-loop wakeup (net_event_flush_add()).
 *
 * Ownership: netif_output() and netif_input() consume the packet whatever
 * happens.  A driver is created by its own constructor
 * (if_pcapfile_attach(), ...) and freed by netif_detach(); an interface
 * does not own the one above or below it.  Single-threaded, like the
 * packet path: all state is per interface, none global, and each
 * interface belongs to one thread (with worker threads, each worker owns
 * its own driver instances: a TUN queue, a wire fanout member).
 */
#ifndef SYS_NET_NETIF_H
#define SYS_NET_NETIF_H

#include <stddef.h>
#include <stdint.h>

#include "sys/net/pbuf.h"

#define NETIF_NAMELEN		16
#define NETIF_MTU_DEFAULT	1500
#define NETIF_LLADDRLEN		6

struct netif_stats {
	uint64_t	ipackets;	/* read and handed to the layer above */
	uint64_t	ibytes;
	uint64_t	idrops;		/* read but unusable (no buffer) */
	uint64_t	opackets;	/* packets written */
	uint64_t	obytes;
	uint64_t	oerrors;	/* the driver failed to write */
	uint64_t	odiscards;	/* no sink on this side (offline) */
};

struct netif;

/* The layer above: takes pb (consumed). */
typedef void (*netif_input_fn)(void *arg, struct pbuf *pb);

struct netif_ops {
	/*
	 * Write the len bytes at data; 0, or -1 when the write failed.
	 * NULL: the side has no sink and packets are discarded (counted).
	 */
	int	(*output)(struct netif *ifp, const uint8_t *data,
		    size_t len);
	/*
	 * Write (or queue) one frame made of hlen header bytes at hdr and
	 * plen payload bytes at pl; 0, or -1 when it cannot be sent.  The
	 * driver counts opackets, obytes and oerrors itself, since a
	 * batching driver learns only at its flush whether a frame left.
	 * NULL: the interface takes no frames.
	 */
	int	(*xmit)(struct netif *ifp, const uint8_t *hdr, size_t hlen,
		    const uint8_t *pl, size_t plen);
	/* Release the driver's state; 0, or -1 if flushing failed. */
	int	(*detach)(struct netif *ifp);
};

struct netif {
	char			 name[NETIF_NAMELEN];
	size_t			 mtu;	/* largest packet written */
	const struct netif_ops	*ops;
	void			*softc;	/* the driver's state */
	uint8_t			 lladdr[NETIF_LLADDRLEN]; /* link address */
	netif_input_fn		 input;	/* the layer above, or NULL */
	void			*input_arg;
	struct netif_stats	 stats;
};

/*
 * Fill in the common part of a driver's interface: name (truncated to
 * NETIF_NAMELEN - 1), mtu (0: NETIF_MTU_DEFAULT), ops and softc.
 */
void	netif_init(struct netif *ifp, const char *name, size_t mtu,
	    const struct netif_ops *ops, void *softc);

/*
 * Send pb out of ifp and free it.  Returns 0, or -1 when the driver
 * failed (oerrors) or the side has no sink (odiscards).
 */
int	netif_output(struct netif *ifp, struct pbuf *pb);

/*
 * Send one frame (header and payload, see netif_ops.xmit) out of ifp.
 * Returns 0, or -1 when the driver failed or takes no frames (oerrors).
 */
int	netif_xmit(struct netif *ifp, const uint8_t *hdr, size_t hlen,
	    const uint8_t *pl, size_t plen);

/* Make fn(arg, pb) receive what ifp reads; fn NULL: drop it (idrops). */
void	netif_set_input(struct netif *ifp, netif_input_fn fn, void *arg);

/*
 * Count a packet (or frame) ifp read and hand it to the layer above;
 * consumed.
 */
void	netif_input(struct netif *ifp, struct pbuf *pb);

/* Detach the driver and free ifp; 0, or -1 if the driver's detach failed. */
int	netif_detach(struct netif *ifp);

#endif
