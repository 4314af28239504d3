/*
 * The socket manager's event loops: a loop is one epoll instance,
 * callbacks per file descriptor, a once-a-second timer hook for the key
 * engine's lifetimes and the links' housekeeping, and end-of-wakeup hooks
 * through which batching drivers flush what the wakeup's callbacks
 * queued.  A loop is an object that one thread runs: the daemon creates
 * the control loop and hands it to what registers on it (the PF_KEY and
 * control sockets, the key engine's timers, the drivers); whoever must
 * later unregister keeps the pointer in its own context.  Callbacks must
 * not block.  Loops share nothing, so each thread may run its own; what
 * one thread asks of another's loop goes through net_event_post(), and
 * net_event_stop() may be called from anywhere.
 */
#ifndef SYS_NET_NET_EVENT_H
#define SYS_NET_NET_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct net_event_loop;

/*
 * A new loop with nothing registered, run by the calling thread: NULL
 * with errno set on failure.
 */
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
 * Dispatch events until net_event_stop() is called, before or during
 * the run: from a callback, a signal handler or another thread (the
 * loop then stops after its current or next wakeup).
 * net_event_run_once() waits at most timeout_ms (-1: until something
 * happens) and dispatches one batch, then runs the flush hooks; both
 * return 0, or -1 with errno set when epoll itself fails.
 */
int	net_event_run(struct net_event_loop *loop);
int	net_event_run_once(struct net_event_loop *loop, int timeout_ms);
void	net_event_stop(struct net_event_loop *loop);

/*
 * The calling thread runs loop from now on (a worker adopts the loop
 * the daemon made for it); net_event_on_thread() says whether the caller
 * is the loop's thread.
 */
void	net_event_adopt(struct net_event_loop *loop);
bool	net_event_on_thread(const struct net_event_loop *loop);

/*
 * Have the loop's thread call fn(copy of the len bytes at data), from
 * any thread: at once when the caller is that thread, else in the
 * loop's next wakeup, posts from one thread in the order made.  This is
 * how a worker hands the control thread what only the control thread
 * may do (a PF_KEY message to send).  0, or -1 with errno EMSGSIZE
 * (len > NET_EVENT_POST_MAX) or ENOBUFS (NET_EVENT_POSTS already
 * waiting: the caller counts the loss).
 */
#define NET_EVENT_POST_MAX	128
#define NET_EVENT_POSTS		256
typedef void (*net_event_post_fn)(void *data);
int	net_event_post(struct net_event_loop *loop, net_event_post_fn fn,
	    const void *data, size_t len);

/*
 * Call enter(arg) before the first callback of every wakeup and
 * leave(arg) after its flush hooks: the daemon wraps each wakeup of a
 * worker in its read side of the stack lock and each of the control
 * thread's in the write side (sys/net/net_stack_lock.h), so that the
 * control thread changes the databases only while no worker is between
 * the two.  NULL enter and leave: none (the default).
 */
typedef void (*net_event_section_fn)(void *arg);
void	net_event_set_section(struct net_event_loop *loop,
	    net_event_section_fn enter, net_event_section_fn leave, void *arg);

#endif
