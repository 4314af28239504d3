/*
 * One worker of live mode: a thread with its own event loop, buffer pool,
 * TUN queue, wire socket (a member of the NIC's fanout group), Ethernet
 * link and packet path, so that two workers share no packet state.  What
 * they do share is read-only to them or locked where it is written: the
 * SAD and SPD (changed by the control thread under the write side of the
 * stack lock, which excludes every worker's batch), the per-SA fields a
 * packet writes (ipsec_xform_lock()), the neighbour cache of the wire's
 * links (if_ether.h), the counters (one row per worker).
 *
 * The daemon builds every worker's objects on its own thread, in index
 * order, then starts the threads; it stops and joins them before it
 * prints the statistics and destroys the objects, in the reverse order
 * (worker 1 owns the TUN's first queue and the shared neighbour cache).
 */
#ifndef SBIN_SOCKMGR_LIVE_WORKER_H
#define SBIN_SOCKMGR_LIVE_WORKER_H

#include <pthread.h>
#include <stdbool.h>

#include "sys/net/if_wire.h"
#include "sys/netinet/if_ethersubr.h"

struct ip_path;
struct net_event_loop;
struct net_stack_lock;
struct netif;
struct pbuf_pool;
struct sockmgr_options;

struct live_worker {
	unsigned int		 index;		/* counter row: 1, 2, ... */
	struct net_event_loop	*loop;
	struct pbuf_pool	*pool;
	struct netif		*wire;		/* the frame driver */
	struct netif		*ether;		/* the Ethernet link over it */
	struct netif		*tun;		/* its queue of the TUN */
	struct ip_path		*path;
	struct net_stack_lock	*lock;
	pthread_t		 thread;
	bool			 running;
};

/*
 * Attach worker w's wire socket and Ethernet link (w->index, w->lock
 * set): with first NULL the link has its own neighbour cache, else it
 * shares first's.  0, or -1 after logging.
 */
int	live_worker_attach_wire(struct live_worker *w,
	    const struct if_wire_config *wcfg, const struct ether_config *ecfg,
	    const struct live_worker *first);

/*
 * The rest, once w->tun is set: the pool, the path with the host's
 * addresses, the drivers started on the worker's own loop.  0, or -1
 * after logging.
 */
int	live_worker_build(struct live_worker *w,
	    const struct sockmgr_options *o);

/* Start the thread; 0, or -1 with errno. */
int	live_worker_start(struct live_worker *w);
/* Stop its loop and join it (no-op when not running). */
void	live_worker_stop(struct live_worker *w);
/* Free what it holds (stopped first); w is left zeroed but for index. */
void	live_worker_destroy(struct live_worker *w);

#endif
