/*
 * Event loop over one epoll instance.  Registrations live in a table
 * indexed by descriptor number, so dispatch needs no search and removing a
 * descriptor from inside its own callback (or another's, in the same batch)
 * is safe: epoll hands back only the descriptor, and a slot that was
 * cleared since the batch was fetched is skipped.  A descriptor closed and
 * reopened within one batch could be mistaken for the old one, so each
 * slot carries a generation number that the epoll data word repeats.
 *
 * Each loop has an inbox: a ring of posts under a mutex and an eventfd in
 * the loop's own epoll set, written by a post and by net_event_stop() so
 * that a loop asleep in epoll_wait() wakes for either.  The mutex is taken
 * only by posts (workers' rare requests) and the drain, never by the
 * descriptors' callbacks.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "sys/net/net_clock.h"
#include "sys/net/net_event.h"

#define NET_EVENT_BATCH		64
#define NET_EVENT_TIMERS	16

struct event_slot {
	net_event_fn	 cb;
	void		*arg;
	uint32_t	 gen;
	bool		 used;
};

struct event_timer {
	net_event_timer_fn cb;
	void		*arg;
};

struct event_post {
	net_event_post_fn fn;
	size_t		 len;
	_Alignas(max_align_t) unsigned char data[NET_EVENT_POST_MAX];
};

struct event_inbox {
	pthread_mutex_t	 mu;
	struct event_post *ring;	/* NET_EVENT_POSTS */
	size_t		 head, n;
	int		 efd;		/* eventfd, in the loop's epoll set */
};

/*
 * One loop; one thread (owner) runs it.  Only stopping may be written
 * from elsewhere (another thread, a signal handler), so it is atomic;
 * the inbox has its own lock.
 */
struct net_event_loop {
	int		 epfd;
	struct event_slot *slots;	/* indexed by descriptor */
	size_t		 nslots;
	uint32_t	 next_gen;
	struct event_timer timers[NET_EVENT_TIMERS];
	size_t		 ntimers;
	struct event_timer flushes[NET_EVENT_FLUSHES];
	size_t		 nflushes;
	time_t		 last_tick;
	atomic_bool	 stopping;
	pthread_t	 owner;
	struct event_inbox inbox;
	net_event_section_fn enter, leave;
	void		*section_arg;
};

static void inbox_drain(int fd, uint32_t events, void *arg);

static int
inbox_init(struct net_event_loop *loop)
{
	struct event_inbox *in = &loop->inbox;

	in->efd = -1;
	if ((in->ring = calloc(NET_EVENT_POSTS, sizeof(*in->ring))) == NULL)
		return -1;
	if ((in->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0)
		return -1;
	pthread_mutex_init(&in->mu, NULL);
	return net_event_add(loop, in->efd, EPOLLIN, inbox_drain, loop);
}

struct net_event_loop *
net_event_loop_create(void)
{
	struct net_event_loop *loop;

	if ((loop = calloc(1, sizeof(*loop))) == NULL)
		return NULL;
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0) {
		free(loop);
		return NULL;
	}
	loop->next_gen = 1;
	loop->last_tick = net_time_now();
	loop->owner = pthread_self();
	if (inbox_init(loop) != 0) {
		int error = errno;

		net_event_loop_destroy(loop);
		errno = error;
		return NULL;
	}
	return loop;
}

void
net_event_loop_destroy(struct net_event_loop *loop)
{
	if (loop == NULL)
		return;
	if (loop->inbox.efd >= 0) {
		close(loop->inbox.efd);
		pthread_mutex_destroy(&loop->inbox.mu);
	}
	free(loop->inbox.ring);
	close(loop->epfd);
	free(loop->slots);
	free(loop);
}

void
net_event_adopt(struct net_event_loop *loop)
{
	loop->owner = pthread_self();
}

bool
net_event_on_thread(const struct net_event_loop *loop)
{
	return pthread_equal(loop->owner, pthread_self()) != 0;
}

/* Wake the loop from epoll_wait(); async-signal-safe. */
static void
inbox_kick(struct net_event_loop *loop)
{
	uint64_t one = 1;
	ssize_t n;

	n = write(loop->inbox.efd, &one, sizeof(one));
	(void)n;	/* full counter: the loop is awake anyway */
}

int
net_event_post(struct net_event_loop *loop, net_event_post_fn fn,
    const void *data, size_t len)
{
	struct event_inbox *in = &loop->inbox;
	struct event_post *p;

	if (len > NET_EVENT_POST_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	if (net_event_on_thread(loop)) {
		struct event_post now;

		memcpy(now.data, data, len);
		fn(now.data);
		return 0;
	}
	pthread_mutex_lock(&in->mu);
	if (in->n == NET_EVENT_POSTS) {
		pthread_mutex_unlock(&in->mu);
		errno = ENOBUFS;
		return -1;
	}
	p = &in->ring[(in->head + in->n++) % NET_EVENT_POSTS];
	p->fn = fn;
	p->len = len;
	memcpy(p->data, data, len);
	pthread_mutex_unlock(&in->mu);
	inbox_kick(loop);
	return 0;
}

/*
 * The posts waiting when the wakeup began, each copied out and run with
 * the lock released (a post may itself post); later ones wait for the
 * next wakeup, which the eventfd guarantees.
 */
static void
inbox_drain(int fd, uint32_t events, void *arg)
{
	struct net_event_loop *loop = arg;
	struct event_inbox *in = &loop->inbox;
	struct event_post p;
	uint64_t v;
	size_t todo;
	ssize_t n;

	(void)events;
	n = read(fd, &v, sizeof(v));
	(void)n;
	pthread_mutex_lock(&in->mu);
	todo = in->n;
	pthread_mutex_unlock(&in->mu);
	while (todo-- > 0) {
		pthread_mutex_lock(&in->mu);
		p.fn = in->ring[in->head].fn;
		p.len = in->ring[in->head].len;
		memcpy(p.data, in->ring[in->head].data, p.len);
		in->head = (in->head + 1) % NET_EVENT_POSTS;
		in->n--;
		pthread_mutex_unlock(&in->mu);
		p.fn(p.data);
	}
}

void
net_event_set_section(struct net_event_loop *loop, net_event_section_fn enter,
    net_event_section_fn leave, void *arg)
{
	loop->enter = enter;
	loop->leave = leave;
	loop->section_arg = arg;
}

/* Grow the slot table so that fd indexes it. */
static int
slots_reserve(struct net_event_loop *loop, int fd)
{
	struct event_slot *n;
	size_t want;

	if ((size_t)fd < loop->nslots)
		return 0;
	want = loop->nslots == 0 ? 64 : loop->nslots;
	while (want <= (size_t)fd)
		want *= 2;
	n = realloc(loop->slots, want * sizeof(*n));
	if (n == NULL)
		return -1;
	memset(n + loop->nslots, 0, (want - loop->nslots) * sizeof(*n));
	loop->slots = n;
	loop->nslots = want;
	return 0;
}

/* The live registration of fd, or NULL. */
static struct event_slot *
slot_of(struct net_event_loop *loop, int fd)
{
	if (fd < 0 || (size_t)fd >= loop->nslots || !loop->slots[fd].used)
		return NULL;
	return &loop->slots[fd];
}

static uint64_t
slot_key(int fd, uint32_t gen)
{
	return (uint64_t)gen << 32 | (uint32_t)fd;
}

int
net_event_add(struct net_event_loop *loop, int fd, uint32_t events,
    net_event_fn cb, void *arg)
{
	struct epoll_event ev;
	struct event_slot *s;

	if (fd < 0 || cb == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (slots_reserve(loop, fd) != 0)
		return -1;
	s = &loop->slots[fd];
	if (s->used) {
		errno = EEXIST;
		return -1;
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.u64 = slot_key(fd, loop->next_gen);
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) != 0)
		return -1;
	s->cb = cb;
	s->arg = arg;
	s->gen = loop->next_gen++;
	s->used = true;
	return 0;
}

int
net_event_modify(struct net_event_loop *loop, int fd, uint32_t events)
{
	struct epoll_event ev;
	struct event_slot *s;

	if ((s = slot_of(loop, fd)) == NULL) {
		errno = ENOENT;
		return -1;
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.u64 = slot_key(fd, s->gen);
	return epoll_ctl(loop->epfd, EPOLL_CTL_MOD, fd, &ev);
}

int
net_event_remove(struct net_event_loop *loop, int fd)
{
	struct event_slot *s;

	if ((s = slot_of(loop, fd)) == NULL) {
		errno = ENOENT;
		return -1;
	}
	memset(s, 0, sizeof(*s));
	return epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL);
}

/* Add cb(arg) to a hook table of max entries holding *n. */
static int
hook_add(struct event_timer *tab, size_t *n, size_t max,
    net_event_timer_fn cb, void *arg)
{
	if (cb == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (*n == max) {
		errno = ENOSPC;
		return -1;
	}
	tab[*n].cb = cb;
	tab[*n].arg = arg;
	(*n)++;
	return 0;
}

static int
hook_remove(struct event_timer *tab, size_t *n, net_event_timer_fn cb,
    void *arg)
{
	size_t i;

	for (i = 0; i < *n; i++) {
		if (tab[i].cb != cb || tab[i].arg != arg)
			continue;
		memmove(&tab[i], &tab[i + 1], (*n - i - 1) * sizeof(tab[0]));
		(*n)--;
		return 0;
	}
	errno = ENOENT;
	return -1;
}

int
net_event_timer_add(struct net_event_loop *loop, net_event_timer_fn cb,
    void *arg)
{
	return hook_add(loop->timers, &loop->ntimers, NET_EVENT_TIMERS, cb,
	    arg);
}

int
net_event_timer_remove(struct net_event_loop *loop, net_event_timer_fn cb,
    void *arg)
{
	return hook_remove(loop->timers, &loop->ntimers, cb, arg);
}

int
net_event_flush_add(struct net_event_loop *loop, net_event_timer_fn cb,
    void *arg)
{
	return hook_add(loop->flushes, &loop->nflushes, NET_EVENT_FLUSHES,
	    cb, arg);
}

int
net_event_flush_remove(struct net_event_loop *loop, net_event_timer_fn cb,
    void *arg)
{
	return hook_remove(loop->flushes, &loop->nflushes, cb, arg);
}

/*
 * Run the timers once for every second that passed.  A clock that jumped
 * far ahead (a test advancing a fake clock by hours) fires them once per
 * call rather than thousands of times: each timer looks at
 * net_time_now() itself, so one call catches up.
 */
static void
timers_run(struct net_event_loop *loop)
{
	time_t now;
	size_t i;

	now = net_time_now();
	if (now == loop->last_tick)
		return;
	loop->last_tick = now;
	for (i = 0; i < loop->ntimers; i++)
		loop->timers[i].cb(loop->timers[i].arg);
}

static void
dispatch(struct net_event_loop *loop, const struct epoll_event *ev)
{
	struct event_slot *s;
	int fd;

	fd = (int)(uint32_t)ev->data.u64;
	if ((s = slot_of(loop, fd)) == NULL ||
	    s->gen != (uint32_t)(ev->data.u64 >> 32))
		return;
	s->cb(fd, ev->events, s->arg);
}

int
net_event_run_once(struct net_event_loop *loop, int timeout_ms)
{
	struct epoll_event evs[NET_EVENT_BATCH];
	size_t j;
	int i, n;

	/* Never sleep past the next timer tick. */
	if (loop->ntimers > 0 && (timeout_ms < 0 || timeout_ms > 1000))
		timeout_ms = 1000;
	n = epoll_wait(loop->epfd, evs, NET_EVENT_BATCH, timeout_ms);
	if (n < 0) {
		if (errno != EINTR)
			return -1;
		n = 0;
	}
	if (loop->enter != NULL)
		loop->enter(loop->section_arg);
	for (i = 0; i < n; i++)
		dispatch(loop, &evs[i]);
	timers_run(loop);
	for (j = 0; j < loop->nflushes; j++)
		loop->flushes[j].cb(loop->flushes[j].arg);
	if (loop->leave != NULL)
		loop->leave(loop->section_arg);
	return 0;
}

/*
 * A stop that comes before the run (a thread stopped as soon as it was
 * started) ends the run at once; the flag is cleared on the way out, so
 * that the loop may be run again.
 */
int
net_event_run(struct net_event_loop *loop)
{
	int rc = 0;

	while (!atomic_load(&loop->stopping))
		if ((rc = net_event_run_once(loop, -1)) != 0)
			break;
	atomic_store(&loop->stopping, false);
	return rc;
}

void
net_event_stop(struct net_event_loop *loop)
{
	atomic_store(&loop->stopping, true);
	inbox_kick(loop);
}
