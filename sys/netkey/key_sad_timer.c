/*
 * SA lifetimes: the once-a-second timer and per-packet accounting.
 *
 * The rules (FreeBSD's key_flush_sad and key_expire, which differ from
 * KAME's on purpose in two places, noted):
 *  - LARVAL: removed once older than net.key.larval_lifetime seconds;
 *    removed(.., LARVAL_REAPED), no EXPIRE.
 *  - Hard limit (MATURE or DYING; KAME checked DYING only): the SA goes
 *    DEAD, expire(sa, 1) fires (KAME sent no hard EXPIRE), then
 *    removed(.., HARD_EXPIRED) and it is unlinked.
 *  - Soft limit (MATURE only): the SA goes DYING and expire(sa, 0) fires.
 *    KAME deleted a soft-expired SA that had never been used instead; we
 *    keep it and tell the key manager, as FreeBSD does, so that the
 *    daemon's view of the SAD stays exact.
 *  - A limit field of 0 is no limit.  addtime counts from creation,
 *    usetime from first use (an SA never used has no usetime expiry).
 *    A time limit is over when more than that many seconds have passed
 *    (KAME's comparison); a count limit when the count exceeds it.  Hard
 *    wins when both are over at the same tick.
 *  - Byte and allocation limits are checked as packets are accounted,
 *    so a hard count limit stops the packet path at once; the timer
 *    checks them too, for limits lowered by an UPDATE.
 *  - Packets of one SA may be accounted on several threads, one at a
 *    time (the packet path holds the SA's session lock), beside the
 *    timer: the counts are stored whole (atomic stores, no lock prefix),
 *    and every state move is a key_sad_claim_state(), so each expire
 *    fires once, from whichever thread made the move.
 */
#include "sys/net/net_clock.h"
#include "sys/netkey/key_sad_impl.h"
#include "sys/netkey/key_var.h"

static int
counts_over(const struct ipsec_sa_lifetime *lim, uint64_t bytes,
    uint32_t allocations)
{
	return (lim->bytes != 0 && bytes > lim->bytes) ||
	    (lim->allocations != 0 && allocations > lim->allocations);
}

static int
limit_over(const struct ipsec_sa_lifetime *lim,
    const struct ipsec_sa_lifetime *cur, uint64_t now)
{
	if (lim->addtime != 0 && now > cur->addtime &&
	    now - cur->addtime > lim->addtime)
		return 1;
	if (lim->usetime != 0 && cur->usetime != 0 &&
	    now > cur->usetime && now - cur->usetime > lim->usetime)
		return 1;
	return counts_over(lim, cur->bytes, cur->allocations);
}

/* MATURE or DYING to DEAD; the thread that moved it sends the expire. */
static void
expire_hard(struct ipsec_sa *sa)
{
	if (key_sad_claim_state(sa, KEY_SA_ALIVE, SADB_SASTATE_DEAD))
		key_sad_event_expire(sa, 1);
}

static void
expire_soft(struct ipsec_sa *sa)
{
	if (key_sad_claim_state(sa, 1u << SADB_SASTATE_MATURE,
	    SADB_SASTATE_DYING))
		key_sad_event_expire(sa, 0);
}

static void
reap(struct ipsec_sa *sa, int reason)
{
	key_sad_event_removed(sa, reason);
	key_sad_remove(sa);
}

static void
tick_larval(struct ipsec_sa *sa, uint64_t now)
{
	uint64_t larval = (uint64_t)net_tunable_get(&key_vars.larval_lifetime);

	if (now > sa->cur.addtime && now - sa->cur.addtime > larval)
		reap(sa, KEY_SAD_RM_LARVAL_REAPED);
}

/* MATURE and DYING: hard limits, then (MATURE only) soft ones. */
static void
tick_alive(struct ipsec_sa *sa, uint64_t now)
{
	struct ipsec_sa_lifetime cur;

	key_sa_cur(sa, &cur);
	if (limit_over(&sa->hard, &cur, now)) {
		expire_hard(sa);
		reap(sa, KEY_SAD_RM_HARD_EXPIRED);
	} else if (limit_over(&sa->soft, &cur, now))
		expire_soft(sa);
}

/* Made DEAD by key_sa_account(): the hard expire has been sent. */
static void
tick_dead(struct ipsec_sa *sa, uint64_t now)
{
	(void)now;
	reap(sa, KEY_SAD_RM_HARD_EXPIRED);
}

static void (*const tick_by_state[SADB_SASTATE_MAX + 1])(struct ipsec_sa *,
    uint64_t) = {
	[SADB_SASTATE_LARVAL] = tick_larval,
	[SADB_SASTATE_MATURE] = tick_alive,
	[SADB_SASTATE_DYING] = tick_alive,
	[SADB_SASTATE_DEAD] = tick_dead,
};

void
key_sad_timer(void)
{
	struct ipsec_sa *sa, *next;
	uint64_t now = (uint64_t)net_time_now();

	uint8_t state;

	for (sa = key_sad_first(); sa != NULL; sa = next) {
		next = sa->all_next;
		state = key_sa_state(sa);
		if (state <= SADB_SASTATE_MAX)
			tick_by_state[state](sa, now);
	}
}

/*
 * Callers of one SA take turns, so an add is a load and a store; they
 * are atomic so that the timer and dumps on the control thread read
 * whole values.
 */
int
key_sa_account(struct ipsec_sa *sa, size_t n)
{
	uint64_t bytes;
	uint32_t allocations;

	if (key_sa_state(sa) == SADB_SASTATE_DEAD)
		return -1;
	bytes = __atomic_load_n(&sa->cur.bytes, __ATOMIC_RELAXED) + n;
	__atomic_store_n(&sa->cur.bytes, bytes, __ATOMIC_RELAXED);
	allocations = __atomic_load_n(&sa->cur.allocations,
	    __ATOMIC_RELAXED) + 1;
	__atomic_store_n(&sa->cur.allocations, allocations, __ATOMIC_RELAXED);
	if (__atomic_load_n(&sa->cur.usetime, __ATOMIC_RELAXED) == 0)
		__atomic_store_n(&sa->cur.usetime, (uint64_t)net_time_now(),
		    __ATOMIC_RELAXED);
	if (counts_over(&sa->hard, bytes, allocations)) {
		expire_hard(sa);
		return -1;
	}
	if (counts_over(&sa->soft, bytes, allocations))
		expire_soft(sa);
	return 0;
}
