/*
 * Per-worker counter sets (sys/net/net_counter.h): threads that each own
 * a row count concurrently without losing an update, a reader sums the
 * rows, rows sit on cache lines of their own, zeroing clears every row.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>

#include "sys/net/net_counter.h"
#include "testlib.h"

#define THREADS	4
#define ROUNDS	200000

NET_COUNTER_SET(test_set, 3);

static void *
count(void *arg)
{
	unsigned int w = (unsigned int)(uintptr_t)arg;
	size_t i;

	if (net_worker_set(w) != 0)
		return NULL;
	for (i = 0; i < ROUNDS; i++) {
		net_counter_inc(&test_set, 0);
		net_counter_add(&test_set, 2, w);
	}
	return arg;
}

static void
test_threads_sum(void)
{
	pthread_t t[THREADS];
	unsigned int i;
	uint64_t out[3], want2 = 0;
	void *ret;

	net_counter_zero(&test_set);
	for (i = 0; i < THREADS; i++)
		CU_ASSERT_FATAL(pthread_create(&t[i], NULL, count,
		    (void *)(uintptr_t)(i + 1)) == 0);
	for (i = 0; i < THREADS; i++) {
		CU_ASSERT(pthread_join(t[i], &ret) == 0);
		CU_ASSERT(ret == (void *)(uintptr_t)(i + 1));
		want2 += (uint64_t)(i + 1) * ROUNDS;
	}
	/* This thread never counted: its row (worker 0) is empty. */
	CU_ASSERT_EQUAL(net_counter_row(&test_set)[0], 0);
	CU_ASSERT_EQUAL(net_counter_sum(&test_set, 0),
	    (uint64_t)THREADS * ROUNDS);
	CU_ASSERT_EQUAL(net_counter_sum(&test_set, 1), 0);
	CU_ASSERT_EQUAL(net_counter_sum(&test_set, 2), want2);
	net_counter_sum_all(&test_set, out);
	CU_ASSERT(out[0] == (uint64_t)THREADS * ROUNDS && out[1] == 0 &&
	    out[2] == want2);
	CU_ASSERT_EQUAL(net_counter_sum(&test_set, 3), 0);	/* past n */
	net_counter_zero(&test_set);
	CU_ASSERT(net_counter_sum(&test_set, 0) == 0 &&
	    net_counter_sum(&test_set, 2) == 0);
}

static void
test_rows_and_workers(void)
{
	uintptr_t r0, r1;

	CU_ASSERT_EQUAL(test_set.n, 3);
	CU_ASSERT_EQUAL(test_set.stride * sizeof(uint64_t), NET_COUNTER_LINE);
	r0 = (uintptr_t)net_counter_row(&test_set);
	CU_ASSERT_EQUAL(r0 % NET_COUNTER_LINE, 0);
	CU_ASSERT(net_worker_set(NET_WORKERS_MAX - 1) == 0);
	r1 = (uintptr_t)net_counter_row(&test_set);
	CU_ASSERT_EQUAL(r1 - r0, (NET_WORKERS_MAX - 1) * NET_COUNTER_LINE);
	errno = 0;
	CU_ASSERT(net_worker_set(NET_WORKERS_MAX) == -1 && errno == EINVAL);
	CU_ASSERT((uintptr_t)net_counter_row(&test_set) == r1);
	CU_ASSERT(net_worker_set(0) == 0);
}

static const struct test_case counter_cases[] = {
	{ "threads count their own rows, sums add them", test_threads_sum },
	{ "row geometry and worker indexes", test_rows_and_workers },
	{ NULL, NULL },
};

const struct test_suite test_suites[] = {
	{ "net_counter", NULL, NULL, counter_cases },
	{ NULL, NULL, NULL, NULL },
};
