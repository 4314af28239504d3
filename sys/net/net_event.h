/*
 * The socket manager's event loops: a loop is one epoll instance,
 * callbacks per file descriptor, a once-a-second timer hook for the key
 * engine's lifetimes and the links' housekeeping, and end-of-wakeup hooks
 * through which batching drivers flush what the wakeup's callbacks
 * queued.  A loop is an object that one thread runs: the daemon creates
 * the control loop and hands it to what registers on it (the PF_KEY and
 * control sockets, the key engine's timers, the drivers); whoever must
 * later unregister keeps the pointer in its own context.  Callbacks must
 * not block.  Loops share nothing, so each thread may run its own.
 */
#ifndef SYS_NET_NET_EVENT_H
#define SYS_NET_NET_EVENT_H

#include <stdint.h>

struct net_event_loop;

/* A new loop with nothing registered: NULL with errno set on failure. */
struct net_event_loop *net_event_loop_create(void);
/*
 * Close the loop's epoll descriptor and free it (NULL is a no-op).  What
 * is still registered is forgotten; its descriptors stay open.
 */
void	net_event_loop_destroy(struct net_event_loop *loop);

/* events is the EPOLLIN/EPOLLOUT/... mask epoll reported. */
typedef void (*net_event_fn)(int fd, uint32_t events, void *arg);
typedef void (*net_event_timer_fn)(void *arg);

/*
 * Watch fd for events (EPOLLIN, EPOLLOUT, level-triggered).  One callback
 * per descriptor: adding a descriptor twice fails with EEXIST.  The
 * functions return 0, or -1 with errno set.
 */
int	net_event_add(struct net_event_loop *loop, int fd, uint32_t events,
	    net_event_fn cb, void *arg);
int	net_event_modify(struct net_event_loop *loop, int fd, uint32_t events);
/* Forget fd.  Safe to call from fd's own callback; the caller closes fd. */
int	net_event_remove(struct net_event_loop *loop, int fd);

/*
 * Call cb(arg) about once a second (driven by net_time_now(), so a fake
 * clock advanced by a test fires it too).  Timers run in the order added.
 */
int	net_event_timer_add(struct net_event_loop *loop,
	    net_event_timer_fn cb, void *arg);
int	net_event_timer_remove(struct net_event_loop *loop,
	    net_event_timer_fn cb, void *arg);

/*
 * Call cb(arg) at the end of every wakeup, after the descriptors' and the
 * timers' callbacks of that wakeup have run: a driver queues output while
 * the callbacks run and writes it in one system call here.  At most
 * NET_EVENT_FLUSHES hooks (ENOSPC beyond), run in the order added; a
 * hook does not add or remove hooks.
 */
#define NET_EVENT_FLUSHES	16
int	net_event_flush_add(struct net_event_loop *loop,
	    net_event_timer_fn cb, void *arg);
int	net_event_flush_remove(struct net_event_loop *loop,
	    net_event_timer_fn cb, void *arg);

/*
 * Dispatch events until net_event_stop() is called: from a callback, a
 * signal handler or another thread (the loop then stops after its
 * current or next wakeup).  net_event_run_once() waits at most
 * timeout_ms (-1: until something happens) and dispatches one batch,
 * then runs the flush hooks; both return 0, or -1 with errno set when
 * epoll itself fails.
 */
int	net_event_run(struct net_event_loop *loop);
int	net_event_run_once(struct net_event_loop *loop, int timeout_ms);
void	net_event_stop(struct net_event_loop *loop);

#endif
