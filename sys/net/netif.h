/*
 * Network interface drivers of the socket manager: the two ends of the
 * packet path.  One driver faces the host stack (TUN, or a pcap file in
 * offline mode), one faces the wire (libpcap live capture, or a pcap
 * file).  The packet path sees only this interface: a name, an MTU, an
 * output function and counters, so live and offline traffic run through
 * the same code.
 *
 * Input is the driver's business: it hands each packet it reads to the
 * path (ip_path_from_host() or ip_path_from_wire()) with pb->af set.
 *
 * Ownership: netif_output() consumes the packet whatever happens.  A
 * driver is created by its own constructor (if_pcapfile_attach(), ...)
 * and freed by netif_detach().  Single-threaded, like the packet path.
 */
#ifndef SYS_NET_NETIF_H
#define SYS_NET_NETIF_H

#include <stddef.h>
#include <stdint.h>

#include "sys/net/pbuf.h"

#define NETIF_NAMELEN		16
#define NETIF_MTU_DEFAULT	1500

struct netif_stats {
	uint64_t	ipackets;	/* read and handed to the path */
	uint64_t	ibytes;
	uint64_t	idrops;		/* read but unusable (no buffer) */
	uint64_t	opackets;	/* packets written */
	uint64_t	obytes;
	uint64_t	oerrors;	/* the driver failed to write */
	uint64_t	odiscards;	/* no sink on this side (offline) */
};

struct netif;

struct netif_ops {
	/*
	 * Write the len bytes at data; 0, or -1 when the write failed.
	 * NULL: the side has no sink and packets are discarded (counted).
	 */
	int	(*output)(struct netif *ifp, const uint8_t *data,
		    size_t len);
	/* Release the driver's state; 0, or -1 if flushing failed. */
	int	(*detach)(struct netif *ifp);
};

struct netif {
	char			 name[NETIF_NAMELEN];
	size_t			 mtu;	/* largest packet written */
	const struct netif_ops	*ops;
	void			*softc;	/* the driver's state */
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

/* Count a packet the driver read and hands to the packet path. */
void	netif_input_count(struct netif *ifp, const struct pbuf *pb);

/* Detach the driver and free ifp; 0, or -1 if the driver's detach failed. */
int	netif_detach(struct netif *ifp);

#endif
