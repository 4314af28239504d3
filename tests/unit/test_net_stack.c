/*
 * What worker threads stand on: posts between event loops
 * (net_event_post()), wakeup sections, stopping a loop from another
 * thread, the stack lock (sys/net/net_stack_lock.h) and the key engine's
 * deferral of packet-path requests (sys/netkey/key_defer.h).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "sys/net/net_event.h"
#include "sys/net/net_stack_lock.h"
#include "sys/netkey/key_defer.h"
#include "testlib.h"

#define POSTERS		3
#define POSTS		2000

struct post_msg {
	unsigned int	from;
	unsigned int	seq;
};

static struct net_event_loop *target;
static unsigned int got, last_seq[POSTERS], out_of_order;

/* Runs on the target loop's thread only: plain variables suffice. */
static void
on_post(void *data)
{
	struct post_msg *m = data;

	if (m->seq != last_seq[m->from] + 1)
		out_of_order++;
	last_seq[m->from] = m->seq;
	got++;
}

static void *
poster(void *arg)
{
	struct post_msg m = { (unsigned int)(uintptr_t)arg, 0 };

	for (m.seq = 1; m.seq <= POSTS; m.seq++)
		while (net_event_post(target, on_post, &m, sizeof(m)) != 0) {
			if (errno != ENOBUFS)
				return NULL;
			sched_yield();	/* the inbox is full: let it drain */
		}
	return arg;
}

static void
test_posts_in_order(void)
{
	pthread_t t[POSTERS];
	unsigned int i;
	void *ret;

	CU_ASSERT_FATAL((target = net_event_loop_create()) != NULL);
	got = out_of_order = 0;
	memset(last_seq, 0, sizeof(last_seq));
	for (i = 0; i < POSTERS; i++)
		CU_ASSERT_FATAL(pthread_create(&t[i], NULL, poster,
		    (void *)(uintptr_t)i) == 0);
	while (got < POSTERS * POSTS)
		CU_ASSERT_FATAL(net_event_run_once(target, 1000) == 0);
	for (i = 0; i < POSTERS; i++) {
		CU_ASSERT(pthread_join(t[i], &ret) == 0);
		CU_ASSERT(ret == (void *)(uintptr_t)i);
		CU_ASSERT_EQUAL(last_seq[i], POSTS);
	}
	CU_ASSERT_EQUAL(got, POSTERS * POSTS);
	CU_ASSERT_EQUAL(out_of_order, 0);
	net_event_loop_destroy(target);
}

static void
test_post_on_own_thread(void)
{
	struct post_msg m = { 0, 1 };
	char big[NET_EVENT_POST_MAX + 1] = { 0 };

	CU_ASSERT_FATAL((target = net_event_loop_create()) != NULL);
	got = 0;
	memset(last_seq, 0, sizeof(last_seq));
	CU_ASSERT(net_event_on_thread(target));
	CU_ASSERT(net_event_post(target, on_post, &m, sizeof(m)) == 0);
	CU_ASSERT_EQUAL(got, 1);	/* ran at once, not queued */
	CU_ASSERT(net_event_post(target, on_post, big, sizeof(big)) == -1 &&
	    errno == EMSGSIZE);
	CU_ASSERT_EQUAL(got, 1);
	net_event_loop_destroy(target);
}

static void *
full_inbox(void *arg)
{
	struct post_msg m = { 0, 0 };
	unsigned int i, ok = 0;

	(void)arg;
	for (i = 0; i < NET_EVENT_POSTS + 10; i++) {
		m.seq = i + 1;
		if (net_event_post(target, on_post, &m, sizeof(m)) == 0)
			ok++;
		else if (errno != ENOBUFS)
			return NULL;
	}
	return (void *)(uintptr_t)ok;
}

/* Nobody drains: the inbox takes NET_EVENT_POSTS and refuses the rest. */
static void
test_inbox_bounded(void)
{
	pthread_t t;
	void *ret;

	CU_ASSERT_FATAL((target = net_event_loop_create()) != NULL);
	got = out_of_order = 0;
	memset(last_seq, 0, sizeof(last_seq));
	CU_ASSERT_FATAL(pthread_create(&t, NULL, full_inbox, NULL) == 0);
	CU_ASSERT(pthread_join(t, &ret) == 0);
	CU_ASSERT_EQUAL((uintptr_t)ret, NET_EVENT_POSTS);
	CU_ASSERT(net_event_run_once(target, 1000) == 0);
	CU_ASSERT_EQUAL(got, NET_EVENT_POSTS);
	CU_ASSERT_EQUAL(out_of_order, 0);
	net_event_loop_destroy(target);
}

static void *
stopper(void *arg)
{
	net_event_stop(arg);
	return NULL;
}

/* A loop with no timer sleeps without a timeout; a stop must wake it. */
static void
test_stop_wakes(void)
{
	struct net_event_loop *loop;
	pthread_t t;

	CU_ASSERT_FATAL((loop = net_event_loop_create()) != NULL);
	CU_ASSERT_FATAL(pthread_create(&t, NULL, stopper, loop) == 0);
	CU_ASSERT(net_event_run(loop) == 0);
	CU_ASSERT(pthread_join(t, NULL) == 0);
	net_event_loop_destroy(loop);
}

static int entered, left, flushed_inside;

static void
enter_fn(void *arg)
{
	(void)arg;
	entered++;
}

static void
leave_fn(void *arg)
{
	(void)arg;
	left++;
}

static void
flush_fn(void *arg)
{
	(void)arg;
	flushed_inside += entered == left + 1;
}

static void
test_section_wraps_wakeup(void)
{
	struct net_event_loop *loop;

	CU_ASSERT_FATAL((loop = net_event_loop_create()) != NULL);
	entered = left = flushed_inside = 0;
	net_event_set_section(loop, enter_fn, leave_fn, NULL);
	CU_ASSERT(net_event_flush_add(loop, flush_fn, NULL) == 0);
	CU_ASSERT(net_event_run_once(loop, 0) == 0);
	CU_ASSERT(entered == 1 && left == 1 && flushed_inside == 1);
	net_event_set_section(loop, NULL, NULL, NULL);
	CU_ASSERT(net_event_run_once(loop, 0) == 0);
	CU_ASSERT(entered == 1 && left == 1 && flushed_inside == 1);
	net_event_loop_destroy(loop);
}

#define READERS		2
#define WRITES		300

static struct net_stack_lock *stack;
/* Written only under the write side, read under a read side. */
static unsigned long pair_a, pair_b;
static atomic_bool writing_done;

static void *
reader(void *arg)
{
	unsigned int i = (unsigned int)(uintptr_t)arg;
	unsigned long torn = 0, reads = 0;

	while (!atomic_load(&writing_done) || reads == 0) {
		net_stack_lock_read(stack, i);
		torn += pair_a != pair_b;
		net_stack_unlock_read(stack, i);
		reads++;
	}
	return (void *)(uintptr_t)torn;
}

/* A writer's change is whole to every reader; writers are not starved. */
static void
test_stack_lock(void)
{
	pthread_t t[READERS];
	unsigned int i, w;
	void *ret;

	CU_ASSERT(net_stack_lock_create(0) == NULL && errno == EINVAL);
	CU_ASSERT_FATAL((stack = net_stack_lock_create(READERS)) != NULL);
	pair_a = pair_b = 0;
	atomic_store(&writing_done, false);
	for (i = 0; i < READERS; i++)
		CU_ASSERT_FATAL(pthread_create(&t[i], NULL, reader,
		    (void *)(uintptr_t)i) == 0);
	for (w = 0; w < WRITES; w++) {
		net_stack_lock_write(stack);
		pair_a++;
		sched_yield();
		pair_b++;
		net_stack_unlock_write(stack);
	}
	atomic_store(&writing_done, true);
	for (i = 0; i < READERS; i++) {
		CU_ASSERT(pthread_join(t[i], &ret) == 0);
		CU_ASSERT_EQUAL((uintptr_t)ret, 0);
	}
	CU_ASSERT(pair_a == WRITES && pair_b == WRITES);
	net_stack_lock_destroy(stack);
}

static int deferred;

static void
on_defer(void *data)
{
	deferred += *(int *)data;
}

static void *
defer_from_worker(void *arg)
{
	int one = 1;

	(void)arg;
	if (key_defer_inline())
		return NULL;
	return key_defer(on_defer, &one, sizeof(one)) == 0 ? arg : NULL;
}

/*
 * Without a loop named, and on the loop's own thread, requests run in
 * place; from another thread they wait for the loop's next wakeup.
 */
static void
test_key_defer(void)
{
	struct net_event_loop *loop;
	pthread_t t;
	void *ret;

	CU_ASSERT(key_defer_inline());
	CU_ASSERT_FATAL((loop = net_event_loop_create()) != NULL);
	key_defer_set_loop(loop);
	CU_ASSERT(key_defer_inline());
	deferred = 0;
	CU_ASSERT_FATAL(pthread_create(&t, NULL, defer_from_worker,
	    &deferred) == 0);
	CU_ASSERT(pthread_join(t, &ret) == 0);
	CU_ASSERT(ret == &deferred);
	CU_ASSERT_EQUAL(deferred, 0);		/* queued, not run */
	CU_ASSERT(net_event_run_once(loop, 1000) == 0);
	CU_ASSERT_EQUAL(deferred, 1);
	key_defer_set_loop(NULL);
	net_event_loop_destroy(loop);
}

static const struct test_case post_cases[] = {
	{ "posts from threads arrive, each thread's in order",
	    test_posts_in_order },
	{ "a post on the loop's own thread runs at once",
	    test_post_on_own_thread },
	{ "the inbox is bounded and refuses with ENOBUFS", test_inbox_bounded },
	{ "net_event_stop from another thread wakes the loop",
	    test_stop_wakes },
	{ "a section wraps the wakeup and its flushes",
	    test_section_wraps_wakeup },
	{ NULL, NULL },
};

static const struct test_case lock_cases[] = {
	{ "writers exclude every reader", test_stack_lock },
	{ "key_defer runs in place or posts", test_key_defer },
	{ NULL, NULL },
};

const struct test_suite test_suites[] = {
	{ "net_event_post", NULL, NULL, post_cases },
	{ "net_stack_lock", NULL, NULL, lock_cases },
	{ NULL, NULL, NULL, NULL },
};
