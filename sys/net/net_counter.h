/*
 * Counters the packet path moves on every packet, one row per worker
 * thread (the model of FreeBSD's counter(9) and OpenBSD's counters_inc):
 * a worker writes only its own row, so two cores never write the same
 * cache line, and a reader (the MIB statistics walk, netstat, the tests)
 * sums the rows.  Rows start on a cache line of their own.
 *
 * A set is a const descriptor over static storage, defined once with
 * NET_COUNTER_SET().  A thread names its row with net_worker_set(); the
 * control thread, offline mode and every test are worker 0, so until
 * worker threads exist a sum is exactly the one row there is.
 *
 * The owner's update is a relaxed atomic load and store (a plain add on
 * the hosts we build for: no lock prefix), so that a reader on another
 * thread never sees a torn value; a sum taken while workers run may miss
 * updates in flight, as any statistics snapshot does.  Zeroing is for
 * the control thread (sysctl -z, tests).
 */
#ifndef SYS_NET_NET_COUNTER_H
#define SYS_NET_NET_COUNTER_H

#include <stddef.h>
#include <stdint.h>

#define NET_WORKERS_MAX		16	/* rows per set */
#define NET_COUNTER_LINE	64	/* bytes of a cache line */
#define NET_COUNTER_STRIDE(n) \
	(((n) + NET_COUNTER_LINE / 8 - 1) / (NET_COUNTER_LINE / 8) * \
	    (NET_COUNTER_LINE / 8))

struct net_counter_set {
	uint64_t	*rows;		/* NET_WORKERS_MAX rows */
	size_t		 n;		/* counters in a row */
	size_t		 stride;	/* uint64_t from a row to the next */
};

/* Define the set name of n counters and its (file-local) storage. */
#define NET_COUNTER_SET(name, n)					\
	static uint64_t							\
	    name##_rows[NET_WORKERS_MAX * NET_COUNTER_STRIDE(n)]	\
	    __attribute__((aligned(NET_COUNTER_LINE)));			\
	const struct net_counter_set name = {				\
		name##_rows, (n), NET_COUNTER_STRIDE(n)			\
	}

/*
 * The calling thread's row index.  Initial-exec TLS: one load relative
 * to the thread pointer, also in the position-independent build.
 */
extern __thread unsigned int net_worker_index
    __attribute__((tls_model("initial-exec")));

/* Make the calling thread worker i: 0, or -1 (EINVAL) out of range. */
int	net_worker_set(unsigned int i);

/*
 * How many threads run the packet path: 1 (the control thread, offline
 * mode, every single-threaded test) until net_workers_set() says more.
 * With one, the packet path takes no per-SA lock, since nobody shares
 * its SAs (ipsec_xform_lock()).  Set it before any worker thread starts
 * and leave it while they run: a thread created afterwards sees it.
 */
extern unsigned int net_workers;

/* 0, or -1 (EINVAL) unless 1 <= n <= NET_WORKERS_MAX. */
int	net_workers_set(unsigned int n);

/* The calling thread's row of s. */
static inline uint64_t *
net_counter_row(const struct net_counter_set *s)
{
	return s->rows + (size_t)net_worker_index * s->stride;
}

/* Add v to counter i of the calling thread's row (i < s->n). */
static inline void
net_counter_add(const struct net_counter_set *s, size_t i, uint64_t v)
{
	uint64_t *c = net_counter_row(s) + i;

	__atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + v,
	    __ATOMIC_RELAXED);
}

static inline void
net_counter_inc(const struct net_counter_set *s, size_t i)
{
	net_counter_add(s, i, 1);
}

/* Counter i summed over every row; 0 for i out of range. */
uint64_t net_counter_sum(const struct net_counter_set *s, size_t i);

/* Every counter summed over the rows, into out[0 .. s->n - 1]. */
void	net_counter_sum_all(const struct net_counter_set *s, uint64_t *out);

/* Zero every row. */
void	net_counter_zero(const struct net_counter_set *s);

#endif
