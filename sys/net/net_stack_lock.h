/*
 * The stack lock: what lets the control thread change the SAD, the SPD,
 * the per-socket policy tables and every other structure the workers
 * read, without the workers taking a lock per packet.  A big-reader lock
 * (the model of Linux's old brlock): one read-write lock per worker, on a
 * cache line of its own.  A worker holds its own for reading around each
 * wakeup of its event loop (net_event_set_section()), so the lock costs
 * it one uncontended acquire and release per batch of packets, and no
 * two workers ever touch the same lock.  The control thread holds all of
 * them for writing around each of its own wakeups: while it handles a
 * PF_KEY message, a sysctl write or its timers, no worker is inside a
 * batch, so a deleted SA or policy is unlinked and freed (its keys
 * wiped) only when no worker can hold a pointer to it that is not a
 * counted reference.  Writers are preferred, so that a worker that keeps
 * finding packets waiting does not starve the control thread.
 *
 * A worker must not wait for the control thread while it holds its read
 * side: what it needs done there it posts (net_event_post()).  Lock
 * order: the write side takes the workers' locks in index order.
 */
#ifndef SYS_NET_NET_STACK_LOCK_H
#define SYS_NET_NET_STACK_LOCK_H

struct net_stack_lock;

/* A lock for n workers (1 <= n): NULL with errno set. */
struct net_stack_lock *net_stack_lock_create(unsigned int n);
void	net_stack_lock_destroy(struct net_stack_lock *sl);

/* Worker i's read side (i < n). */
void	net_stack_lock_read(struct net_stack_lock *sl, unsigned int i);
void	net_stack_unlock_read(struct net_stack_lock *sl, unsigned int i);

/* Every worker's, for the control thread. */
void	net_stack_lock_write(struct net_stack_lock *sl);
void	net_stack_unlock_write(struct net_stack_lock *sl);

#endif
