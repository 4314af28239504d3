/*
 * The socket manager's event loop: one epoll instance, callbacks per file
 * descriptor, a once-a-second timer hook for the key engine's lifetimes
 * and the links' housekeeping, and end-of-wakeup hooks through which
 * batching drivers flush what the wakeup's callbacks queued.  Everything
 * runs in one thread; callbacks must not block.
 *
 * The loop is created on first use, so code that only registers
 * descriptors (unit tests over a socketpair) need not set anything up.
 */
#ifndef SYS_NET_NET_EVENT_H
#define SYS_NET_NET_EVENT_H

#include <stdint.h>

/* events is the EPOLLIN/EPOLLOUT/... mask epoll reported. */
typedef void (*net_event_fn)(int fd, uint32_t events, void *arg);
typedef void (*net_event_timer_fn)(void *arg);

/*
 * Watch fd for events (EPOLLIN, EPOLLOUT, level-triggered).  One callback
 * per descriptor: adding a descriptor twice fails with EEXIST.  The
 * functions return 0, or -1 with errno set.
 */
int	net_event_add(int fd, uint32_t events, net_event_fn cb, void *arg);
int	net_event_modify(int fd, uint32_t events);
/* Forget fd.  Safe to call from fd's own callback; the caller closes fd. */
int	net_event_remove(int fd);

/*
 * Call cb(arg) about once a second (driven by net_time_now(), so a fake
 * clock advanced by a test fires it too).  Timers run in the order added.
 */
int	net_event_timer_add(net_event_timer_fn cb, void *arg);
int	net_event_timer_remove(net_event_timer_fn cb, void *arg);

/*
 * Call cb(arg) at the end of every wakeup, after the descriptors' and the
 * timers' callbacks of that wakeup have run: a driver queues output while
 * the callbacks run and writes it in one system call here.  At most
 * NET_EVENT_FLUSHES hooks (ENOSPC beyond), run in the order added; a
 * hook does not add or remove hooks.
 */
#define NET_EVENT_FLUSHES	16
int	net_event_flush_add(net_event_timer_fn cb, void *arg);
int	net_event_flush_remove(net_event_timer_fn cb, void *arg);

/*
 * Dispatch events until net_event_stop() is called (from a callback or a
 * signal handler).  net_event_run_once() waits at most timeout_ms (-1:
 * until something happens) and dispatches one batch, then runs the flush
 * hooks; both return 0, or -1 with errno set when epoll itself fails.
 */
int	net_event_run(void);
int	net_event_run_once(int timeout_ms);
void	net_event_stop(void);

/* Close the epoll descriptor and forget every registration. */
void	net_event_shutdown(void);

#endif
