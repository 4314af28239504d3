/*
 * The TUN driver: the host side of the packet path in live mode.  The
 * socket manager creates (or attaches to) a TUN interface in IFF_TUN |
 * IFF_NO_PI mode, gives it the host's addresses with their prefix lengths
 * and an MTU, and brings it up; the host stack then routes the on-link
 * prefixes through it.  Reading is driven by the event loop: each wakeup
 * drains the descriptor until it would block, up to IF_TUN_BATCH reads.
 * The host's TCP may hand over 64 KiB super-packets (segmentation
 * offload through a virtio-net header), which the driver cuts into
 * MTU-sized segments; every packet goes in its own pool buffer to the
 * input callback given at start (the packet path, in the socket
 * manager).  Toward the host, TCP segments of one flow written within
 * one wakeup are coalesced into super-packets (if_tun_gro.h), the
 * reverse of that cut.  The interface disappears when the driver is
 * detached (it is not made persistent).
 *
 * With worker threads the TUN is multi-queue: if_tun_attach_mq() opens
 * the first queue and if_tun_attach_queue() one more per worker, each a
 * netif of its own (descriptor, coalescing state, scratch buffer,
 * counters) that one worker starts on its own loop and pool and alone
 * touches afterwards.  The kernel spreads the host's packets over the
 * queues by flow: to the queue that last wrote a packet of that flow, so
 * replies follow the worker that delivered, else by hash.  Addresses,
 * MTU and link state belong to the device: they are set once, through
 * the first queue.  Detaching a queue closes only that queue; the
 * interface disappears with the last one.
 */
#ifndef SYS_NET_IF_TUN_H
#define SYS_NET_IF_TUN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "sys/net/if_tun_gro.h"
#include "sys/net/net_event.h"
#include "sys/net/netif.h"
#include "sys/net/pbuf.h"

/* Packets read per wakeup before other descriptors get their turn. */
#define IF_TUN_BATCH	256

/*
 * Create or attach the TUN interface name with MTU mtu, non-blocking,
 * single-queue.  NULL on failure with a message in err.
 */
struct netif *if_tun_attach(const char *name, size_t mtu, char *err,
	    size_t errlen);

/*
 * The same, multi-queue (IFF_MULTI_QUEUE): the first queue of name.  An
 * existing single-queue TUN of that name cannot be attached this way.
 */
struct netif *if_tun_attach_mq(const char *name, size_t mtu, char *err,
	    size_t errlen);

/*
 * One more queue of the multi-queue TUN first (from if_tun_attach_mq()):
 * same name, MTU, flags and offloads, its own state.  Linux allows 256
 * queues.  NULL on failure with a message in err.
 */
struct netif *if_tun_attach_queue(struct netif *first, char *err,
	    size_t errlen);

/*
 * Give the interface the address sa (AF_INET or AF_INET6) with prefix
 * length plen; the kernel then routes the prefix through it.  Any queue
 * will do, the address is the device's.  0, or -1 with a message in err.
 */
int	if_tun_add_addr(struct netif *ifp, const struct sockaddr *sa,
	    unsigned int plen, char *err, size_t errlen);

/* Set the MTU and bring the interface up; 0, or -1 with a message. */
int	if_tun_up(struct netif *ifp, char *err, size_t errlen);

/*
 * Start reading: packets go to input(arg, pb) in buffers from pool, with
 * pb->af set.  Registers the descriptor and the end-of-wakeup flush
 * with loop, the loop of the thread that owns the interface; 0, or -1
 * with errno.
 */
int	if_tun_start(struct netif *ifp, struct net_event_loop *loop,
	    struct pbuf_pool *pool, netif_input_fn input, void *arg);

/* How many super-packets from the host were cut into segments. */
uint64_t if_tun_segmented(const struct netif *ifp);

/* Coalescing toward the host: segments merged, super-packets written. */
const struct tun_gro_stats *if_tun_gro_stats(const struct netif *ifp);

#endif
