/*
 * Per-worker counter rows (see net_counter.h).
 */
#include <errno.h>

#include "sys/net/net_counter.h"

__thread unsigned int net_worker_index
    __attribute__((tls_model("initial-exec")));

unsigned int net_workers = 1;

int
net_workers_set(unsigned int n)
{
	if (n == 0 || n > NET_WORKERS_MAX) {
		errno = EINVAL;
		return -1;
	}
	net_workers = n;
	return 0;
}

int
net_worker_set(unsigned int i)
{
	if (i >= NET_WORKERS_MAX) {
		errno = EINVAL;
		return -1;
	}
	net_worker_index = i;
	return 0;
}

uint64_t
net_counter_sum(const struct net_counter_set *s, size_t i)
{
	uint64_t sum = 0;
	size_t w;

	if (i >= s->n)
		return 0;
	for (w = 0; w < NET_WORKERS_MAX; w++)
		sum += __atomic_load_n(&s->rows[w * s->stride + i],
		    __ATOMIC_RELAXED);
	return sum;
}

void
net_counter_sum_all(const struct net_counter_set *s, uint64_t *out)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		out[i] = net_counter_sum(s, i);
}

void
net_counter_zero(const struct net_counter_set *s)
{
	size_t i;

	for (i = 0; i < NET_WORKERS_MAX * s->stride; i++)
		__atomic_store_n(&s->rows[i], 0, __ATOMIC_RELAXED);
}
