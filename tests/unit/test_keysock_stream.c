/*
 * The PF_KEY socket layer in-process, over socketpairs: delivery targets,
 * promiscuous copies, the output bounds, dump streaming with back-pressure
 * and the event loop's timer hook.  No daemon and no root needed.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/pfkeyv2.h"
#include "sys/net/net_clock.h"
#include "sys/net/net_event.h"
#include "sys/netkey/key_stat.h"
#include "sys/netkey/keysock.h"
#include "tests/unit/testlib.h"

#define NSOCK		3
#define STREAM_LEN	200000
#define REC_LEN		24

/* The loop every socket of the suite runs on (suite_init()). */
static struct net_event_loop *loop;

struct pair {
	struct keysock	*so;
	int		 peer;		/* the client's end */
};

static void
pair_open(struct pair *p)
{
	int sv[2];

	CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0);
	p->so = keysock_attach(loop, sv[0], 0);
	CU_ASSERT_FATAL(p->so != NULL);
	p->peer = sv[1];
}

static void
pair_close(struct pair *p)
{
	keysock_detach(p->so);
	close(p->peer);
}

/* Messages waiting at the client's end (read and discarded). */
static int
count_msgs(int fd, uint8_t *last_type)
{
	uint64_t buf[1024];
	const struct sadb_msg *m = (const void *)buf;
	int n = 0;

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0) {
		*last_type = m->sadb_msg_type;
		n++;
	}
	return n;
}

static void
make_msg(struct sadb_msg *m, uint8_t type, uint32_t seq)
{
	memset(m, 0, sizeof(*m));
	m->sadb_msg_version = PF_KEY_V2;
	m->sadb_msg_type = type;
	m->sadb_msg_len = PFKEY_UNIT64(sizeof(*m));
	m->sadb_msg_seq = seq;
}

static void
test_targets(void)
{
	struct pair p[NSOCK];
	struct sadb_msg m;
	uint64_t total;
	uint8_t t;
	int i;

	for (i = 0; i < NSOCK; i++)
		pair_open(&p[i]);
	make_msg(&m, SADB_ACQUIRE, 1);
	CU_ASSERT_EQUAL(keysock_register(p[0].so, SADB_SATYPE_ESP), 0);
	CU_ASSERT_EQUAL(keysock_register(p[0].so, SADB_SATYPE_ESP), EEXIST);
	CU_ASSERT_EQUAL(keysock_register(p[0].so, 0), EINVAL);
	CU_ASSERT_EQUAL(keysock_registered_count(SADB_SATYPE_ESP), 1);
	CU_ASSERT_EQUAL(keysock_registered_count(SADB_SATYPE_AH), 0);
	total = pfkeystat.in_msgtarget[KEY_SENDUP_REGISTERED];
	/* Engine-originated, REGISTERED: the registered socket only. */
	CU_ASSERT_EQUAL(keysock_sendup(NULL, &m, sizeof(m),
	    KEY_SENDUP_REGISTERED), 0);
	CU_ASSERT_EQUAL(pfkeystat.in_msgtarget[KEY_SENDUP_REGISTERED],
	    total + 1);
	CU_ASSERT_EQUAL(count_msgs(p[0].peer, &t), 1);
	CU_ASSERT_EQUAL(count_msgs(p[1].peer, &t), 0);
	/* REGISTERED from p[1]: the originator too. */
	keysock_sendup(p[1].so, &m, sizeof(m), KEY_SENDUP_REGISTERED);
	CU_ASSERT_EQUAL(count_msgs(p[0].peer, &t), 1);
	CU_ASSERT_EQUAL(count_msgs(p[1].peer, &t), 1);
	CU_ASSERT_EQUAL(count_msgs(p[2].peer, &t), 0);
	/* ONE and ALL. */
	keysock_sendup(p[2].so, &m, sizeof(m), KEY_SENDUP_ONE);
	CU_ASSERT_EQUAL(count_msgs(p[0].peer, &t), 0);
	CU_ASSERT_EQUAL(count_msgs(p[2].peer, &t), 1);
	keysock_sendup(NULL, &m, sizeof(m), KEY_SENDUP_ALL);
	for (i = 0; i < NSOCK; i++)
		CU_ASSERT_EQUAL(count_msgs(p[i].peer, &t), 1);
	/* A promiscuous target gets the message and a wrapped copy. */
	keysock_set_promisc(p[2].so, 1);
	CU_ASSERT(keysock_promisc(p[2].so));
	keysock_sendup(p[1].so, &m, sizeof(m), KEY_SENDUP_ONE);
	CU_ASSERT_EQUAL(count_msgs(p[2].peer, &t), 1);
	CU_ASSERT_EQUAL(t, SADB_X_PROMISC);
	keysock_sendup(NULL, &m, sizeof(m), KEY_SENDUP_ALL);
	CU_ASSERT_EQUAL(count_msgs(p[2].peer, &t), 2);
	/* Too short to be a message. */
	CU_ASSERT_EQUAL(keysock_sendup(NULL, &m, 8, KEY_SENDUP_ALL), EINVAL);
	for (i = 0; i < NSOCK; i++)
		pair_close(&p[i]);
}

/*
 * A socket nobody reads: broadcasts stop at the soft bound and are
 * counted; replies to it go on to the hard cap.
 */
static void
test_bounds(void)
{
	struct pair p;
	struct sadb_msg m;
	uint64_t nomem;
	int i;

	pair_open(&p);
	make_msg(&m, SADB_X_PROMISC, 0);
	nomem = pfkeystat.in_nomem;
	for (i = 0; i < 100000; i++)
		keysock_sendup(NULL, &m, sizeof(m), KEY_SENDUP_ALL);
	CU_ASSERT(keysock_queued(p.so) <= keysock_queue_soft());
	CU_ASSERT(keysock_queued(p.so) > keysock_queue_soft() / 2);
	CU_ASSERT(keysock_drops(p.so) > 0);
	CU_ASSERT_EQUAL(pfkeystat.in_nomem - nomem, keysock_drops(p.so));
	/* Replies still queue past the soft bound... */
	for (i = 0; i < 1000; i++)
		CU_ASSERT_EQUAL(keysock_sendup(p.so, &m, sizeof(m),
		    KEY_SENDUP_ONE), 0);
	CU_ASSERT(keysock_queued(p.so) > keysock_queue_soft());
	/* ...up to the hard cap, and then the sender hears ENOBUFS. */
	for (i = 0; i < 1000000 && keysock_sendup(p.so, &m, sizeof(m),
	    KEY_SENDUP_ONE) == 0; i++)
		continue;
	CU_ASSERT(i < 1000000);
	CU_ASSERT(keysock_queued(p.so) <= KEYSOCK_QUEUE_HARD);
	pair_close(&p);
}

struct cursor {
	uint32_t	left;		/* records still to produce */
	uint32_t	produced;
	uint32_t	tag;		/* written into sadb_msg_pid */
	int		released;
};

static long
produce(void *arg, void *buf, size_t cap)
{
	struct cursor *c = arg;
	struct sadb_msg *m = buf;

	if (c->left == 0)
		return 0;
	if (cap < REC_LEN)
		return -ENOBUFS;
	memset(buf, 0, REC_LEN);
	m->sadb_msg_version = PF_KEY_V2;
	m->sadb_msg_type = SADB_DUMP;
	m->sadb_msg_len = PFKEY_UNIT64(REC_LEN);
	m->sadb_msg_seq = --c->left;
	m->sadb_msg_pid = c->tag;
	c->produced++;
	return REC_LEN;
}

static void
release(void *arg)
{
	((struct cursor *)arg)->released++;
}

static const struct keysock_stream_ops cursor_ops = { produce, release };

/*
 * Read what is waiting: every record must continue the count-down of
 * *next (from the stream tagged tag).  Returns the records read.
 */
static uint32_t
read_stream(int fd, uint32_t tag, uint32_t *next, bool *order_ok)
{
	uint64_t buf[8];
	struct sadb_msg *m = (struct sadb_msg *)buf;
	uint32_t n = 0;

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) == REC_LEN) {
		if (m->sadb_msg_seq != *next - 1 || m->sadb_msg_pid != tag)
			*order_ok = false;
		*next = m->sadb_msg_seq;
		n++;
	}
	return n;
}

static void
test_stream_backpressure(void)
{
	struct cursor c = { .left = STREAM_LEN, .tag = 7 };
	uint32_t got = 0, next = STREAM_LEN;
	bool order_ok = true;
	struct pair p;
	int i;

	pair_open(&p);
	CU_ASSERT_FATAL(keysock_stream(p.so, &cursor_ops, &c) == 0);
	/* Nobody reads: production stops at what the kernel buffers. */
	for (i = 0; i < 200; i++)
		net_event_run_once(loop, 0);
	CU_ASSERT(c.produced > 0 && c.produced < STREAM_LEN);
	CU_ASSERT(keysock_queued(p.so) <= 256);
	/* Reading lets it finish: every record, in order, down to 0. */
	for (i = 0; i < 10000000 && c.released == 0; i++) {
		net_event_run_once(loop, 0);
		got += read_stream(p.peer, 7, &next, &order_ok);
		CU_ASSERT_FATAL(keysock_queued(p.so) <= 256);
	}
	got += read_stream(p.peer, 7, &next, &order_ok);
	CU_ASSERT_EQUAL(got, STREAM_LEN);
	CU_ASSERT_EQUAL(next, 0);
	CU_ASSERT(order_ok);
	CU_ASSERT_EQUAL(c.released, 1);
	pair_close(&p);
}

static void
test_stream_order(void)
{
	struct cursor a = { .left = 10, .tag = 1 };
	struct cursor b = { .left = 10, .tag = 2 };
	uint64_t buf[8];
	const struct sadb_msg *m = (const void *)buf;
	struct pair p;
	int i;

	pair_open(&p);
	CU_ASSERT_FATAL(keysock_stream(p.so, &cursor_ops, &a) == 0);
	CU_ASSERT_FATAL(keysock_stream(p.so, &cursor_ops, &b) == 0);
	for (i = 0; i < 100 && b.released == 0; i++)
		net_event_run_once(loop, 0);
	CU_ASSERT(a.released == 1 && b.released == 1);
	/* The first stream comes out whole before the second starts. */
	for (i = 0; i < 20; i++) {
		CU_ASSERT_FATAL(recv(p.peer, buf, sizeof(buf), MSG_DONTWAIT) ==
		    REC_LEN);
		CU_ASSERT_EQUAL(m->sadb_msg_pid, i < 10 ? 1u : 2u);
		CU_ASSERT_EQUAL(m->sadb_msg_seq, (uint32_t)(9 - i % 10));
	}
	CU_ASSERT(recv(p.peer, buf, sizeof(buf), MSG_DONTWAIT) < 0);
	/* Bad arguments: not started, but the cursor is released. */
	CU_ASSERT_EQUAL(keysock_stream(p.so, NULL, &a), EINVAL);
	CU_ASSERT_EQUAL(keysock_stream(NULL, &cursor_ops, &a), EINVAL);
	CU_ASSERT_EQUAL(a.released, 2);
	pair_close(&p);
}

/* A peer that goes away mid-dump: the cursor is released, nothing leaks. */
static void
test_stream_disconnect(void)
{
	struct cursor c = { .left = 1000000, .tag = 3 };
	struct pair p;
	int i;

	pair_open(&p);
	CU_ASSERT_FATAL(keysock_stream(p.so, &cursor_ops, &c) == 0);
	for (i = 0; i < 50; i++)
		net_event_run_once(loop, 0);
	close(p.peer);
	for (i = 0; i < 1000 && c.released == 0; i++)
		net_event_run_once(loop, 0);
	CU_ASSERT_EQUAL(c.released, 1);
	CU_ASSERT(c.produced < 1000000);
	/* The socket freed itself with the connection. */
}

/* Detaching with a stream pending releases it too. */
static void
test_stream_detach(void)
{
	struct cursor c = { .left = 5, .tag = 4 };
	struct pair p;

	pair_open(&p);
	CU_ASSERT_FATAL(keysock_stream(p.so, &cursor_ops, &c) == 0);
	pair_close(&p);
	CU_ASSERT_EQUAL(c.released, 1);
}

/*
 * A client that shuts down its sending side still gets the reply to its
 * last request and the whole of its dump; then the socket closes.
 */
static void
test_half_close(void)
{
	struct cursor c = { .left = 3000, .tag = 5 };
	uint64_t buf[8];
	const struct sadb_msg *r = (const void *)buf;
	struct sadb_msg m;
	uint32_t got = 0;
	struct pair p;
	ssize_t n;
	int i;

	pair_open(&p);
	CU_ASSERT_FATAL(keysock_stream(p.so, &cursor_ops, &c) == 0);
	make_msg(&m, SADB_X_PROMISC, 77);
	CU_ASSERT_FATAL(send(p.peer, &m, sizeof(m), 0) == sizeof(m));
	CU_ASSERT_FATAL(shutdown(p.peer, SHUT_WR) == 0);
	for (i = 0; i < 100000; i++) {
		net_event_run_once(loop, 0);
		n = recv(p.peer, buf, sizeof(buf), MSG_DONTWAIT);
		if (n == 0)
			break;
		if (n == REC_LEN)
			got++;
		else if (n == sizeof(m))
			CU_ASSERT_EQUAL(r->sadb_msg_seq, 77);
	}
	CU_ASSERT_EQUAL(n, 0);		/* closed by the socket layer */
	CU_ASSERT_EQUAL(got, 3000);
	CU_ASSERT_EQUAL(c.released, 1);
	close(p.peer);
}

#define HALF_RUNS	400
#define HALF_REQS	24

static void *
half_close_client(void *arg)
{
	int fd = *(int *)arg;
	struct sadb_msg m;
	int i;

	for (i = 0; i < HALF_REQS; i++) {
		make_msg(&m, SADB_X_PROMISC, (uint32_t)i + 1);
		if (send(fd, &m, sizeof(m), 0) != sizeof(m))
			break;
	}
	shutdown(fd, SHUT_WR);
	return NULL;
}

/*
 * The end of the connection must never be taken for zero-length
 * records.  A client sends requests and shuts down its side while the
 * socket layer is still reading them (a second thread makes the timing
 * vary): every reply must answer one request, none may be a type-0
 * EINVAL, and there are exactly as many replies as requests.  Before the
 * fix, an end of file met in the middle of a read burst was answered as
 * up to a whole read budget of empty records.
 */
static void
test_half_close_race(void)
{
	uint64_t buf[8];
	const struct sadb_msg *r = (const void *)buf;
	int run, i, phantom = 0, wrong = 0;
	pthread_t th;
	struct pair p;
	struct sadb_msg m;
	ssize_t n;
	int got;

	/* A real empty record before the shutdown is still answered. */
	pair_open(&p);
	make_msg(&m, SADB_X_PROMISC, 5);
	CU_ASSERT_FATAL(send(p.peer, &m, 0, 0) == 0);
	CU_ASSERT_FATAL(send(p.peer, &m, sizeof(m), 0) == sizeof(m));
	CU_ASSERT_FATAL(shutdown(p.peer, SHUT_WR) == 0);
	for (i = 0; i < 100; i++)
		net_event_run_once(loop, 0);
	CU_ASSERT_FATAL(recv(p.peer, buf, sizeof(buf), MSG_DONTWAIT) ==
	    sizeof(*r));
	CU_ASSERT(r->sadb_msg_type == 0 && r->sadb_msg_errno == EINVAL);
	CU_ASSERT_FATAL(recv(p.peer, buf, sizeof(buf), MSG_DONTWAIT) ==
	    sizeof(*r));
	CU_ASSERT(r->sadb_msg_type == SADB_X_PROMISC &&
	    r->sadb_msg_seq == 5);
	CU_ASSERT_EQUAL(recv(p.peer, buf, sizeof(buf), MSG_DONTWAIT), 0);
	close(p.peer);

	for (run = 0; run < HALF_RUNS; run++) {
		pair_open(&p);
		got = 0;
		CU_ASSERT_FATAL(pthread_create(&th, NULL, half_close_client,
		    &p.peer) == 0);
		for (i = 0; i < 1000000; i++) {
			net_event_run_once(loop, 0);
			n = recv(p.peer, buf, sizeof(buf), MSG_DONTWAIT);
			if (n == 0)
				break;
			if (n < (ssize_t)sizeof(*r))
				continue;
			if (r->sadb_msg_type == 0)
				phantom++;
			else
				got++;
		}
		pthread_join(th, NULL);
		if (got != HALF_REQS)
			wrong++;
		close(p.peer);
	}
	CU_ASSERT_EQUAL(phantom, 0);
	CU_ASSERT_EQUAL(wrong, 0);
}

static int timer_fired;

static void
count_tick(void *arg)
{
	(void)arg;
	timer_fired++;
}

static void
test_timer(void)
{
	net_clock_set_fake(1000000);
	net_event_run_once(loop, 0);
	CU_ASSERT_FATAL(net_event_timer_add(loop, count_tick, NULL) == 0);
	timer_fired = 0;
	net_event_run_once(loop, 0);
	CU_ASSERT_EQUAL(timer_fired, 0);
	net_clock_advance(1);
	net_event_run_once(loop, 0);
	CU_ASSERT_EQUAL(timer_fired, 1);
	net_event_run_once(loop, 0);
	CU_ASSERT_EQUAL(timer_fired, 1);
	net_clock_advance(3600);
	net_event_run_once(loop, 0);
	CU_ASSERT_EQUAL(timer_fired, 2);
	CU_ASSERT_EQUAL(net_event_timer_remove(loop, count_tick, NULL), 0);
	CU_ASSERT_EQUAL(net_event_timer_remove(loop, count_tick, NULL), -1);
	net_clock_advance(1);
	net_event_run_once(loop, 0);
	CU_ASSERT_EQUAL(timer_fired, 2);
	net_clock_set_source(NULL);
}

static int fd_events;

static void
count_fd(int fd, uint32_t events, void *arg)
{
	char c;

	(void)arg;
	if (events & EPOLLIN)
		fd_events++;
	(void)read(fd, &c, 1);
}

static void
test_fd_callbacks(void)
{
	int sv[2];

	CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CU_ASSERT_FATAL(net_event_add(loop, sv[0], EPOLLIN, count_fd,
	    NULL) == 0);
	CU_ASSERT_EQUAL(net_event_add(loop, sv[0], EPOLLIN, count_fd, NULL),
	    -1);
	CU_ASSERT_EQUAL(errno, EEXIST);
	fd_events = 0;
	CU_ASSERT(write(sv[1], "x", 1) == 1);
	net_event_run_once(loop, 100);
	CU_ASSERT_EQUAL(fd_events, 1);
	CU_ASSERT_EQUAL(net_event_modify(loop, sv[0], 0), 0);
	CU_ASSERT(write(sv[1], "x", 1) == 1);
	net_event_run_once(loop, 0);
	CU_ASSERT_EQUAL(fd_events, 1);
	CU_ASSERT_EQUAL(net_event_remove(loop, sv[0]), 0);
	CU_ASSERT_EQUAL(net_event_remove(loop, sv[0]), -1);
	close(sv[0]);
	close(sv[1]);
}

/*
 * Two loops share nothing: a descriptor, a timer and a flush hook
 * registered on one never run from the other, and the same descriptor
 * may be watched by both (one worker's loop and the control loop).
 */
static void
test_loops_apart(void)
{
	struct net_event_loop *other;
	int sv[2];

	CU_ASSERT_FATAL((other = net_event_loop_create()) != NULL);
	CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	net_clock_set_fake(2000000);
	net_event_run_once(loop, 0);
	net_event_run_once(other, 0);
	CU_ASSERT_FATAL(net_event_add(other, sv[0], EPOLLIN, count_fd,
	    NULL) == 0);
	CU_ASSERT_FATAL(net_event_timer_add(other, count_tick, NULL) == 0);
	CU_ASSERT_FATAL(net_event_flush_add(other, count_tick, NULL) == 0);
	fd_events = timer_fired = 0;
	CU_ASSERT(write(sv[1], "x", 1) == 1);
	net_clock_advance(1);
	net_event_run_once(loop, 0);
	CU_ASSERT_EQUAL(fd_events, 0);
	CU_ASSERT_EQUAL(timer_fired, 0);
	CU_ASSERT_EQUAL(net_event_remove(loop, sv[0]), -1);
	CU_ASSERT_EQUAL(errno, ENOENT);
	CU_ASSERT_EQUAL(net_event_timer_remove(loop, count_tick, NULL), -1);
	/* The other loop: the descriptor, the timer, then its flush. */
	net_event_run_once(other, 100);
	CU_ASSERT_EQUAL(fd_events, 1);
	CU_ASSERT_EQUAL(timer_fired, 2);
	CU_ASSERT_FATAL(net_event_add(loop, sv[0], EPOLLIN, count_fd,
	    NULL) == 0);
	CU_ASSERT(write(sv[1], "x", 1) == 1);
	net_event_run_once(loop, 100);
	CU_ASSERT_EQUAL(fd_events, 2);
	CU_ASSERT_EQUAL(net_event_remove(loop, sv[0]), 0);
	net_event_loop_destroy(other);
	net_event_loop_destroy(NULL);
	net_clock_set_source(NULL);
	close(sv[0]);
	close(sv[1]);
}

struct stopper {
	struct net_event_loop *loop;
	int		 wake;		/* written after each stop */
	atomic_bool	 done;		/* the loop returned */
};

/*
 * Stop, and write to a watched socket too, until the loop has returned.
 */
static void *
stop_from_thread(void *arg)
{
	struct stopper *st = arg;

	while (!atomic_load(&st->done)) {
		usleep(10000);
		net_event_stop(st->loop);
		if (write(st->wake, "x", 1) != 1)
			return NULL;
	}
	return arg;
}

/*
 * Another thread stops a loop blocked in epoll_wait(): the stop itself
 * wakes the loop (through its inbox), which returns after that wakeup,
 * whether or not the socket's byte came first.  Should the stop be lost,
 * SIGALRM ends the program, which the runner counts as a failure.
 */
static void
test_stop_from_thread(void)
{
	struct stopper st = { .loop = loop };
	pthread_t t;
	void *ret = NULL;
	int sv[2];

	CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	st.wake = sv[1];
	atomic_init(&st.done, false);
	CU_ASSERT_FATAL(net_event_add(loop, sv[0], EPOLLIN, count_fd,
	    NULL) == 0);
	fd_events = 0;
	alarm(10);
	CU_ASSERT_FATAL(pthread_create(&t, NULL, stop_from_thread, &st) ==
	    0);
	CU_ASSERT_EQUAL(net_event_run(loop), 0);
	atomic_store(&st.done, true);
	alarm(0);
	CU_ASSERT(pthread_join(t, &ret) == 0 && ret == &st);
	CU_ASSERT_EQUAL(net_event_remove(loop, sv[0]), 0);
	close(sv[0]);
	close(sv[1]);
}

static int
suite_init(void)
{
	return (loop = net_event_loop_create()) != NULL ? 0 : -1;
}

static int
suite_fini(void)
{
	net_event_loop_destroy(loop);
	return 0;
}

static const struct test_case stream_cases[] = {
	{ "sendup targets and promiscuous copies", test_targets },
	{ "soft and hard output bounds", test_bounds },
	{ "a dump streams with back-pressure", test_stream_backpressure },
	{ "streams of one socket run in order", test_stream_order },
	{ "peer gone mid-dump releases the cursor", test_stream_disconnect },
	{ "detach releases a pending stream", test_stream_detach },
	{ "a half-closed peer gets its answers", test_half_close },
	{ "the end of a connection is no empty record",
	    test_half_close_race },
	{ "timer hook follows the injectable clock", test_timer },
	{ "descriptor callbacks", test_fd_callbacks },
	{ "two loops share nothing", test_loops_apart },
	{ "another thread stops a loop", test_stop_from_thread },
	{ NULL, NULL }
};

const struct test_suite test_suites[] = {
	{ "keysock_stream", suite_init, suite_fini, stream_cases },
	{ NULL, NULL, NULL, NULL }
};
