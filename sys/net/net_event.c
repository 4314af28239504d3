/*
 * Event loop over one epoll instance.  Registrations live in a table
 * indexed by descriptor number, so dispatch needs no search and removing a
 * descriptor from inside its own callback (or another's, in the same batch)
 * is safe: epoll hands back only the descriptor, and a slot that was
 * cleared since the batch was fetched is skipped.  A descriptor closed and
 * reopened within one batch could be mistaken for the old one, so each
 * slot carries a generation number that the epoll data word repeats.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
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

/*
 * One loop; one thread runs it.  Only stopping may be written from
 * elsewhere (another thread, a signal handler), so it is atomic.
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
};

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
	return loop;
}

void
net_event_loop_destroy(struct net_event_loop *loop)
{
	if (loop == NULL)
		return;
	close(loop->epfd);
	free(loop->slots);
	free(loop);
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
	for (i = 0; i < n; i++)
		dispatch(loop, &evs[i]);
	timers_run(loop);
	for (j = 0; j < loop->nflushes; j++)
		loop->flushes[j].cb(loop->flushes[j].arg);
	return 0;
}

int
net_event_run(struct net_event_loop *loop)
{
	atomic_store(&loop->stopping, false);
	while (!atomic_load(&loop->stopping))
		if (net_event_run_once(loop, -1) != 0)
			return -1;
	return 0;
}

void
net_event_stop(struct net_event_loop *loop)
{
	atomic_store(&loop->stopping, true);
}
