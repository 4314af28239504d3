/*
 * Outbound SA selection (KAME key_allocsa_policy semantics) over the SA
 * head of (src, dst, proto), so the cost is that of the SAs of one
 * address pair, not of the whole SAD.
 *
 * States are tried in order, the first state with a candidate wins:
 * DYING then MATURE when net.key.preferred_oldsa is 1 (the old SA is used
 * up first), MATURE then DYING when it is 0.  Within a state the oldest
 * (preferred_oldsa 1) or newest (0) SA wins, by cur.addtime and then by
 * insertion order, since several SAs are often added within one second.
 * With preferred_oldsa 0, KAME also retires each SA that lost to a newer
 * one when it has a hard addtime limit (it would die anyway); such an SA
 * is reported through removed(.., KEY_SAD_RM_SUPERSEDED) and unlinked.
 */
#include <netipsec/ipsec.h>

#include "sys/netkey/key_defer.h"
#include "sys/netkey/key_sad_impl.h"
#include "sys/netkey/key_var.h"

static const uint8_t order_prefer_old[] = {
	SADB_SASTATE_DYING, SADB_SASTATE_MATURE
};
static const uint8_t order_prefer_new[] = {
	SADB_SASTATE_MATURE, SADB_SASTATE_DYING
};

/*
 * Whether `earlier', which precedes `later' on the head's list, is the
 * older of the two.  The list is in insertion order, so between SAs
 * added within the same second the earlier one is the older.
 */
static int
sa_older(const struct ipsec_sa *earlier, const struct ipsec_sa *later)
{
	return earlier->cur.addtime <= later->cur.addtime;
}

static int
sa_fits(const struct ipsec_sa *sa, uint8_t state, uint8_t mode,
    uint32_t reqid)
{
	if (sa->state != state)
		return 0;
	if (sa->mode != IPSEC_MODE_ANY && sa->mode != mode)
		return 0;
	return reqid == 0 || sa->reqid == reqid;
}

static struct ipsec_sa *
pick_oldest(struct key_sah *sah, uint8_t state, uint8_t mode, uint32_t reqid)
{
	struct ipsec_sa *sa, *best = NULL;

	for (sa = sah->first; sa != NULL; sa = sa->sah_next)
		if (sa_fits(sa, state, mode, reqid) &&
		    (best == NULL || !sa_older(best, sa)))
			best = sa;
	return best;
}

static void
retire_now(struct ipsec_sa *loser)
{
	if (!loser->linked)
		return;		/* deleted meanwhile: nothing to supersede */
	key_sad_event_removed(loser, KEY_SAD_RM_SUPERSEDED);
	key_sad_remove(loser);
}

static void
retire_run(void *data)
{
	struct ipsec_sa *loser = *(struct ipsec_sa **)data;

	retire_now(loser);
	key_sa_put(loser);
}

/*
 * A worker only reads the SAD: the superseded SA is removed by the
 * control thread (key_defer.h), and until then it is simply not chosen.
 */
static void
retire(struct ipsec_sa *loser)
{
	struct ipsec_sa *ref;

	if (loser->hard.addtime == 0)
		return;
	if (key_defer_inline()) {
		retire_now(loser);
		return;
	}
	ref = key_sa_get(loser);
	if (key_defer(retire_run, &ref, sizeof(ref)) != 0)
		key_sa_put(ref);
}

/*
 * The winner always stays on the head, so removing losers never frees
 * the head under the walk; next is read before a loser goes.
 */
static struct ipsec_sa *
pick_newest(struct key_sah *sah, uint8_t state, uint8_t mode, uint32_t reqid)
{
	struct ipsec_sa *sa, *next, *best = NULL, *loser;

	for (sa = sah->first; sa != NULL; sa = next) {
		next = sa->sah_next;
		if (!sa_fits(sa, state, mode, reqid))
			continue;
		if (best == NULL) {
			best = sa;
			continue;
		}
		if (sa_older(best, sa)) {
			loser = best;
			best = sa;
		} else
			loser = sa;
		retire(loser);
	}
	return best;
}

struct ipsec_sa *
key_sad_select(const struct sockaddr *src, const struct sockaddr *dst,
    uint8_t proto, uint8_t mode, uint32_t reqid)
{
	const uint8_t *order;
	struct key_sah *sah;
	struct ipsec_sa *sa;
	uint64_t h;
	size_t i;
	bool old;

	if (key_sad_head_hash(src, dst, proto, &h) != 0)
		return NULL;
	sah = key_sad_head_find(src, dst, proto, h);
	if (sah == NULL)
		return NULL;
	/* One reading of the tunable for the whole choice. */
	old = net_tunable_get(&key_vars.preferred_oldsa) != 0;
	order = old ? order_prefer_old : order_prefer_new;
	for (i = 0; i < sizeof(order_prefer_old); i++) {
		sa = old ?
		    pick_oldest(sah, order[i], mode, reqid) :
		    pick_newest(sah, order[i], mode, reqid);
		if (sa != NULL)
			return sa;
	}
	return NULL;
}
