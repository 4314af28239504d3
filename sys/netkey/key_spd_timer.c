/*
 * Policy lifetimes.  KAME gives a policy two optional limits, both in
 * seconds: lifetime, counted from its creation, and validtime, counted
 * from its last use (lastused starts at the creation time, as in FreeBSD).
 * Once a second key_spd_timer() removes the policies past either limit and
 * reports each to the expire event, which the PF_KEY layer turns into
 * SADB_X_SPDEXPIRE.
 *
 * Only policies with a limit are on the timer's list.  Expired policies
 * are first all removed from the SPD and collected, then reported: the
 * event may change the SPD (even delete other policies) without upsetting
 * the walk.  A limit is exceeded when more than its seconds have passed,
 * as in KAME.
 */
#include <stddef.h>

#include "sys/net/net_clock.h"
#include "sys/netkey/key_spd.h"
#include "sys/netkey/key_spd_timer.h"

static struct ipsec_policy *timed_head;
static struct key_spd_events events;

void
key_spd_timer_link(struct ipsec_policy *p)
{
	if (p->lifetime == 0 && p->validtime == 0)
		return;
	p->timed_prev = NULL;
	p->timed_next = timed_head;
	if (timed_head != NULL)
		timed_head->timed_prev = p;
	timed_head = p;
}

void
key_spd_timer_unlink(struct ipsec_policy *p)
{
	if (p->lifetime == 0 && p->validtime == 0)
		return;
	if (p->timed_prev != NULL)
		p->timed_prev->timed_next = p->timed_next;
	else
		timed_head = p->timed_next;
	if (p->timed_next != NULL)
		p->timed_next->timed_prev = p->timed_prev;
	p->timed_prev = p->timed_next = NULL;
}

void
key_spd_set_events(const struct key_spd_events *ev)
{
	if (ev != NULL)
		events = *ev;
	else
		events.expire = NULL;
}

/* Whether more than limit seconds (0: no limit) have passed since t. */
static bool
past(time_t now, time_t t, uint64_t limit)
{
	return limit != 0 && now > t && (uint64_t)(now - t) > limit;
}

static bool
policy_expired(const struct ipsec_policy *p, time_t now)
{
	return past(now, p->created, p->lifetime) ||
	    past(now, key_policy_lastused(p), p->validtime);
}

void
key_spd_timer(void)
{
	struct ipsec_policy *p, *next, *expired = NULL;
	time_t now = net_time_now();

	for (p = timed_head; p != NULL; p = next) {
		next = p->timed_next;
		if (!policy_expired(p, now))
			continue;
		key_policy_get(p);
		key_spd_delete(p);
		/* Unlinked from the timer's list: reuse the link. */
		p->timed_next = expired;
		expired = p;
	}
	for (p = expired; p != NULL; p = next) {
		next = p->timed_next;
		p->timed_next = NULL;
		if (events.expire != NULL)
			events.expire(p);
		key_policy_put(p);
	}
}
