/*
 * The wire driver: the socket manager's side of a real NIC in live mode.
 *
 * Why an AF_PACKET socket rather than libpcap: frames from virtual NICs
 * (veth, and others with transmit checksum offload) reach packet sockets
 * with their TCP/UDP checksum not yet computed, and only the kernel's
 * per-frame status says so (TP_STATUS_CSUMNOTREADY); libpcap does not
 * pass it on.  A TPACKET_V3 receive ring gives that status with every
 * frame, and hands over whole blocks of frames per wakeup with no system
 * call per packet.  Such frames get their checksum completed here before
 * the layer above sees them.
 *
 * Frames to send are copied into a queue of preallocated slots (one
 * MTU-sized frame each, per driver instance: no allocation per packet,
 * nothing shared between instances) and written with one sendmmsg() per
 * batch: when IF_WIRE_TX_BATCH frames are queued, and at the end of every
 * event-loop wakeup (a net_event flush hook).  A frame the kernel refuses
 * is counted (oerrors) and the rest of the batch still goes.  Frames go
 * through the qdisc layer, so captures on the NIC see them; with
 * cfg->qdisc_bypass (PACKET_QDISC_BYPASS) they skip it, which saves the
 * qdisc's locking per frame but hides our frames from tcpdump on the NIC
 * and from traffic control: off by default.
 *
 * The driver moves whole frames and knows no protocol above Ethernet
 * framing: every frame it reads goes, in a pool buffer, to the input
 * callback given at start (the Ethernet link, sys/netinet/if_ethersubr.h,
 * in the socket manager), and the netif's xmit takes a frame.  Frames the
 * kernel itself sends on the NIC are ignored, and frames for other
 * stations are not ours.
 *
 * The driver does not keep the host kernel off the NIC: the socket
 * manager does that (an nftables ingress chain, see sbin/sockmgr/live.c).
 *
 * Worker threads: each worker attaches its own instance on the same NIC
 * (socket, ring, transmit queue, counters: nothing shared) and alone
 * touches it afterwards.  With cfg->fanout the instances join one
 * PACKET_FANOUT group, which hands every received frame to exactly one
 * member, chosen by our own classic-BPF classifier (PACKET_FANOUT_CBPF,
 * if_wire_fanout_prog()) rather than the kernel's flow hash.  Fragments,
 * IPv4 and IPv6, hash by addresses and the datagram's identification, so
 * all fragments of one datagram reach one member, as they arrived (the
 * kernel reassembles nothing: the path's own bounded reassembly and its
 * counters see every fragment).  Other packets hash by addresses and
 * ports, the SPI for ESP and AH, so flows spread over the members and a
 * flow, and an SA, stays on one.  A flow's fragmented and whole packets
 * may reach different members: that reorders them, nothing worse.  An
 * IPv6 datagram with extension headers before its fragment header goes
 * by its addresses only, all its fragments alike.
 * Frames that are not IP, ARP above all, land on member 0, and neighbour
 * discovery on whichever member its addresses hash to: either way a
 * neighbour cache must be shared by the workers, not per instance.
 * Transmission is per socket and needs no group: any worker sends on its
 * own instance.
 */
#ifndef SYS_NET_IF_WIRE_H
#define SYS_NET_IF_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sys/net/net_event.h"
#include "sys/net/netif.h"
#include "sys/net/pbuf.h"

/* Ring geometry: IF_WIRE_BLOCKS blocks of IF_WIRE_BLOCK_SIZE bytes. */
#define IF_WIRE_BLOCK_SIZE	(1u << 18)
#define IF_WIRE_BLOCKS		32
/* Milliseconds before the kernel hands over a block not yet full. */
#define IF_WIRE_BLOCK_TMO	1
/* Frames queued before a sendmmsg() even within one wakeup. */
#define IF_WIRE_TX_BATCH	64

struct if_wire_config {
	const char		*name;		/* the NIC */
	bool			 qdisc_bypass;	/* PACKET_QDISC_BYPASS */
	/*
	 * PACKET_FANOUT group to join, 0 for none.  The id is per network
	 * namespace, so it must be unique to this NIC's workers there (a
	 * process's pid, made nonzero); every member passes the same one.
	 * Linux takes up to 256 members by default.
	 */
	uint16_t		 fanout;
};

struct if_wire_stats {
	uint64_t	cksum_completed;	/* CSUMNOTREADY fixed */
	uint64_t	truncated;		/* longer than the MTU */
	uint64_t	ignored;		/* runts, VLAN tags */
	uint64_t	tx_calls;		/* sendmmsg() calls */
};

/*
 * Open the NIC cfg->name: its MAC (the netif's lladdr) and MTU, a
 * TPACKET_V3 receive ring, all multicast frames, and the fanout group
 * cfg->fanout once bound.  NULL on failure with a message in err.
 */
struct netif *if_wire_attach(const struct if_wire_config *cfg, char *err,
	    size_t errlen);

/*
 * Start receiving: every frame goes to input(arg, pb) in a buffer from
 * pool, Ethernet header first.  Registers the socket and the end-of-wakeup
 * flush with loop, the loop of the thread that owns the interface
 * (before, each frame is written at once); 0, or -1 with errno.
 */
int	if_wire_start(struct netif *ifp, struct net_event_loop *loop,
	    struct pbuf_pool *pool, netif_input_fn input, void *arg);

/*
 * The fanout group's classifier: n instructions of classic BPF, run by
 * the kernel on each frame from its network header on.  Exposed for the
 * unit test (tests/unit/test_if_wire_fanout.c).
 */
struct sock_filter;
const struct sock_filter *if_wire_fanout_prog(size_t *n);

/* The driver's own counters. */
const struct if_wire_stats *if_wire_stats(const struct netif *ifp);

/*
 * Add the frames the kernel dropped because the receive ring was full
 * (PACKET_STATISTICS) to the interface's input drops; the kernel keeps
 * counting until asked, so callers printing the counters do it first.
 */
void	if_wire_collect(struct netif *ifp);

#endif
