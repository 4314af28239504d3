/*
 * The stack lock (see net_stack_lock.h): glibc's read-write lock with
 * writer preference, one per worker.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "sys/net/net_counter.h"
#include "sys/net/net_stack_lock.h"

struct worker_lock {
	pthread_rwlock_t rw;
} __attribute__((aligned(NET_COUNTER_LINE)));

struct net_stack_lock {
	unsigned int		 n;
	struct worker_lock	*locks;
};

struct net_stack_lock *
net_stack_lock_create(unsigned int n)
{
	struct net_stack_lock *sl;
	pthread_rwlockattr_t attr;
	unsigned int i;

	if (n == 0) {
		errno = EINVAL;
		return NULL;
	}
	if ((sl = calloc(1, sizeof(*sl))) == NULL)
		return NULL;
	if ((sl->locks = aligned_alloc(NET_COUNTER_LINE,
	    n * sizeof(*sl->locks))) == NULL) {
		free(sl);
		return NULL;
	}
	sl->n = n;
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr,
	    PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	for (i = 0; i < n; i++)
		pthread_rwlock_init(&sl->locks[i].rw, &attr);
	pthread_rwlockattr_destroy(&attr);
	return sl;
}

void
net_stack_lock_destroy(struct net_stack_lock *sl)
{
	unsigned int i;

	if (sl == NULL)
		return;
	for (i = 0; i < sl->n; i++)
		pthread_rwlock_destroy(&sl->locks[i].rw);
	free(sl->locks);
	free(sl);
}

void
net_stack_lock_read(struct net_stack_lock *sl, unsigned int i)
{
	pthread_rwlock_rdlock(&sl->locks[i].rw);
}

void
net_stack_unlock_read(struct net_stack_lock *sl, unsigned int i)
{
	pthread_rwlock_unlock(&sl->locks[i].rw);
}

void
net_stack_lock_write(struct net_stack_lock *sl)
{
	unsigned int i;

	for (i = 0; i < sl->n; i++)
		pthread_rwlock_wrlock(&sl->locks[i].rw);
}

void
net_stack_unlock_write(struct net_stack_lock *sl)
{
	unsigned int i;

	for (i = sl->n; i-- > 0;)
		pthread_rwlock_unlock(&sl->locks[i].rw);
}
