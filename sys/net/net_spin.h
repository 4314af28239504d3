/*
 * The packet path's spinlock: for state several workers write in turn
 * for a short while (an SA's per-packet fields and crypto contexts, the
 * shared neighbour cache).  Uncontended it costs one atomic exchange, a
 * mutex about twice that; with one packet thread (net_workers) nothing
 * is shared and no lock is taken at all.  A waiter yields every
 * NET_SPINS tries, so that on a host with more runnable threads than
 * cores a holder that lost its core gets it back rather than the waiter
 * spinning its slice away.
 */
#ifndef SYS_NET_NET_SPIN_H
#define SYS_NET_NET_SPIN_H

#include <pthread.h>
#include <sched.h>

#include "sys/net/net_counter.h"

#define NET_SPINS	64

static inline void
net_spin_lock(pthread_spinlock_t *l)
{
	unsigned int n = 0;

	if (net_workers > 1)
		while (pthread_spin_trylock(l) != 0)
			if (++n % NET_SPINS == 0)
				sched_yield();
}

static inline void
net_spin_unlock(pthread_spinlock_t *l)
{
	if (net_workers > 1)
		pthread_spin_unlock(l);
}

#endif
