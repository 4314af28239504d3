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

static int		 epfd = -1;
static struct event_slot *slots;
static size_t		 nslots;
static uint32_t		 next_gen = 1;
static struct event_timer timers[NET_EVENT_TIMERS];
static size_t		 ntimers;
static struct event_timer flushes[NET_EVENT_FLUSHES];
static size_t		 nflushes;
static time_t		 last_tick;
static volatile int	 stopping;

static int
loop_open(void)
{
	if (epfd >= 0)
		return 0;
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0)
		return -1;
	last_tick = net_time_now();
	return 0;
}

/* Grow the slot table so that fd indexes it. */
static int
slots_reserve(int fd)
{
	struct event_slot *n;
	size_t want;

	if ((size_t)fd < nslots)
		return 0;
	want = nslots == 0 ? 64 : nslots;
	while (want <= (size_t)fd)
		want *= 2;
	n = realloc(slots, want * sizeof(*n));
	if (n == NULL)
		return -1;
	memset(n + nslots, 0, (want - nslots) * sizeof(*n));
	slots = n;
	nslots = want;
	return 0;
}

static uint64_t
slot_key(int fd, uint32_t gen)
{
	return (uint64_t)gen << 32 | (uint32_t)fd;
}

int
net_event_add(int fd, uint32_t events, net_event_fn cb, void *arg)
{
	struct epoll_event ev;
	struct event_slot *s;

	if (fd < 0 || cb == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (loop_open() != 0 || slots_reserve(fd) != 0)
		return -1;
	s = &slots[fd];
	if (s->used) {
		errno = EEXIST;
		return -1;
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.u64 = slot_key(fd, next_gen);
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) != 0)
		return -1;
	s->cb = cb;
	s->arg = arg;
	s->gen = next_gen++;
	s->used = true;
	return 0;
}

int
net_event_modify(int fd, uint32_t events)
{
	struct epoll_event ev;

	if (fd < 0 || (size_t)fd >= nslots || !slots[fd].used) {
		errno = ENOENT;
		return -1;
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.u64 = slot_key(fd, slots[fd].gen);
	return epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev);
}

int
net_event_remove(int fd)
{
	if (fd < 0 || (size_t)fd >= nslots || !slots[fd].used) {
		errno = ENOENT;
		return -1;
	}
	memset(&slots[fd], 0, sizeof(slots[fd]));
	return epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
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
	if (loop_open() != 0)
		return -1;
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
net_event_timer_add(net_event_timer_fn cb, void *arg)
{
	return hook_add(timers, &ntimers, NET_EVENT_TIMERS, cb, arg);
}

int
net_event_timer_remove(net_event_timer_fn cb, void *arg)
{
	return hook_remove(timers, &ntimers, cb, arg);
}

int
net_event_flush_add(net_event_timer_fn cb, void *arg)
{
	return hook_add(flushes, &nflushes, NET_EVENT_FLUSHES, cb, arg);
}

int
net_event_flush_remove(net_event_timer_fn cb, void *arg)
{
	return hook_remove(flushes, &nflushes, cb, arg);
}

/*
 * Run the timers once for every second that passed.  A clock that jumped
 * far ahead (a test advancing a fake clock by hours) fires them once per
 * call rather than thousands of times: each timer looks at
 * net_time_now() itself, so one call catches up.
 */
static void
timers_run(void)
{
	time_t now;
	size_t i;

	now = net_time_now();
	if (now == last_tick)
		return;
	last_tick = now;
	for (i = 0; i < ntimers; i++)
		timers[i].cb(timers[i].arg);
}

static void
dispatch(const struct epoll_event *ev)
{
	struct event_slot *s;
	int fd;

	fd = (int)(uint32_t)ev->data.u64;
	if ((size_t)fd >= nslots)
		return;
	s = &slots[fd];
	if (!s->used || s->gen != (uint32_t)(ev->data.u64 >> 32))
		return;
	s->cb(fd, ev->events, s->arg);
}

int
net_event_run_once(int timeout_ms)
{
	struct epoll_event evs[NET_EVENT_BATCH];
	int i, n;

	if (loop_open() != 0)
		return -1;
	/* Never sleep past the next timer tick. */
	if (ntimers > 0 && (timeout_ms < 0 || timeout_ms > 1000))
		timeout_ms = 1000;
	n = epoll_wait(epfd, evs, NET_EVENT_BATCH, timeout_ms);
	if (n < 0) {
		if (errno != EINTR)
			return -1;
		n = 0;
	}
	for (i = 0; i < n; i++)
		dispatch(&evs[i]);
	timers_run();
	for (i = 0; (size_t)i < nflushes; i++)
		flushes[i].cb(flushes[i].arg);
	return 0;
}

int
net_event_run(void)
{
	stopping = 0;
	while (!stopping)
		if (net_event_run_once(-1) != 0)
			return -1;
	return 0;
}

void
net_event_stop(void)
{
	stopping = 1;
}

void
net_event_shutdown(void)
{
	if (epfd >= 0)
		close(epfd);
	epfd = -1;
	free(slots);
	slots = NULL;
	nslots = 0;
	ntimers = 0;
	nflushes = 0;
}
