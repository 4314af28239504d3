/*
 * The Security Policy Database: policy reference counts, insertion and
 * removal, the id table, reqid allocation, flush and dump snapshots.  The
 * lookup index lives in key_spd_index.c, expiry in key_spd_timer.c.
 *
 * Each linked policy is on:
 *  - the index of its direction and family (lookups, exact finds);
 *  - its direction's list in insertion order (flush, snapshots);
 *  - the id hash chain (SPDGET, SPDDELETE2);
 *  - the timer's list when it has a lifetime or validtime.
 * All four are updated together by spd_link() and spd_unlink(), and the
 * SPD's one reference is taken and dropped there too.
 *
 * Ids count up from 1 and are not reused while the socket manager runs;
 * only after 2^32 - 1 insertions do they wrap, and from then on ids still
 * in use are skipped.  The insertion order is a 64-bit counter that never
 * wraps in practice.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sys/net/net_clock.h"
#include "sys/netkey/key_spd.h"
#include "sys/netkey/key_spd_index.h"
#include "sys/netkey/key_spd_timer.h"

#define NDIR		(IPSEC_DIR_FWD + 1)	/* indexed by direction */
#define NFAMILY		2
#define ID_BUCKETS_MIN	64
#define REQID_AUTO_MIN	(IPSEC_MANUAL_REQID_MAX + 1)
#define REQID_AUTO_MAX	0xffff
#define REQID_AUTO_N	(REQID_AUTO_MAX - REQID_AUTO_MIN + 1)

struct spd_dir {
	struct ipsec_policy	*head;		/* insertion order */
	struct ipsec_policy	*tail;
	size_t			count;
};

static struct {
	bool			seeded;
	struct key_spd_index	index[NDIR][NFAMILY];
	struct spd_dir		dirs[NDIR];
	struct ipsec_policy	**id_buckets;
	size_t			id_nbuckets;	/* a power of two */
	size_t			count;
	uint32_t		last_id;
	bool			id_wrapped;
	uint64_t		last_order;
	uint32_t		*reqid_use;	/* per auto-range reqid */
	uint32_t		last_reqid;
} spd;

/* Actions the SPD takes; ENTRUST and BYPASS are per-socket only. */
static const bool action_valid[] = {
	[IPSEC_POLICY_DISCARD] = true,
	[IPSEC_POLICY_NONE] = true,
	[IPSEC_POLICY_IPSEC] = true,
};

static const bool mode_valid[] = {
	[IPSEC_MODE_TRANSPORT] = true,
	[IPSEC_MODE_TUNNEL] = true,
};

static const uint8_t family_max_plen[NFAMILY] = { 32, 128 };

struct ipsec_policy *
key_policy_new(void)
{
	struct ipsec_policy *p;

	p = calloc(1, sizeof(*p));
	if (p != NULL)
		p->refcnt = 1;
	return p;
}

struct ipsec_policy *
key_policy_get(struct ipsec_policy *p)
{
	if (p != NULL)
		__atomic_add_fetch(&p->refcnt, 1, __ATOMIC_RELAXED);
	return p;
}

void
key_policy_put(struct ipsec_policy *p)
{
	if (p == NULL ||
	    __atomic_sub_fetch(&p->refcnt, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	free(p);
}

bool
key_policy_linked(const struct ipsec_policy *p)
{
	return p->linked;
}

static bool
proto_valid(uint8_t proto)
{
	return proto == IPPROTO_ESP || proto == IPPROTO_AH ||
	    proto == IPPROTO_COMP;
}

static bool
request_valid(const struct ipsec_request *r)
{
	int family = r->tun_src.sa.sa_family;

	if (!proto_valid(r->proto) || r->mode >= sizeof(mode_valid) ||
	    !mode_valid[r->mode] || r->level > IPSEC_LEVEL_UNIQUE)
		return false;
	/* Endpoints are optional; given, they must form a pair. */
	if (family == AF_UNSPEC && r->tun_dst.sa.sa_family == AF_UNSPEC)
		return true;
	return key_spd_family_slot(family) >= 0 &&
	    r->tun_dst.sa.sa_family == family;
}

static int
policy_validate(const struct ipsec_policy *p)
{
	const struct ipsec_selector *sel = &p->sel;
	int slot = key_spd_family_slot(sel->src.sa.sa_family);
	unsigned int i;

	if (slot < 0 || sel->dst.sa.sa_family != sel->src.sa.sa_family ||
	    sel->src_plen > family_max_plen[slot] ||
	    sel->dst_plen > family_max_plen[slot])
		return EINVAL;
	if (p->dir < IPSEC_DIR_INBOUND || p->dir > IPSEC_DIR_FWD ||
	    p->action >= sizeof(action_valid) || !action_valid[p->action])
		return EINVAL;
	if (p->nreq > IPSEC_MAXREQ ||
	    (p->action != IPSEC_POLICY_IPSEC && p->nreq != 0))
		return EINVAL;
	for (i = 0; i < p->nreq; i++)
		if (!request_valid(&p->req[i]))
			return EINVAL;
	return 0;
}

static struct key_spd_index *
policy_index(uint8_t dir, int family)
{
	return &spd.index[dir][key_spd_family_slot(family)];
}

static struct ipsec_policy **
id_bucket(uint32_t id)
{
	return &spd.id_buckets[id & (spd.id_nbuckets - 1)];
}

static struct ipsec_policy *
id_lookup(uint32_t id)
{
	struct ipsec_policy *p;

	if (spd.id_buckets == NULL)
		return NULL;
	for (p = *id_bucket(id); p != NULL && p->id != id; p = p->id_next)
		continue;
	return p;
}

/* Grow the id table toward one bucket per policy; failure is harmless. */
static int
id_table_grow(void)
{
	struct ipsec_policy **nb, *p, *next;
	size_t n = spd.id_nbuckets != 0 ? 2 * spd.id_nbuckets : ID_BUCKETS_MIN;
	size_t i;

	nb = calloc(n, sizeof(*nb));
	if (nb == NULL)
		return ENOMEM;
	for (i = 0; i < spd.id_nbuckets; i++)
		for (p = spd.id_buckets[i]; p != NULL; p = next) {
			next = p->id_next;
			p->id_next = nb[p->id & (n - 1)];
			nb[p->id & (n - 1)] = p;
		}
	free(spd.id_buckets);
	spd.id_buckets = nb;
	spd.id_nbuckets = n;
	return 0;
}

static uint32_t
id_new(void)
{
	uint32_t id;

	do {
		id = ++spd.last_id;
		if (id == 0) {
			spd.id_wrapped = true;
			id = spd.last_id = 1;
		}
	} while (spd.id_wrapped && id_lookup(id) != NULL);
	return id;
}

static void
id_unlink(struct ipsec_policy *p)
{
	struct ipsec_policy **pp;

	for (pp = id_bucket(p->id); *pp != p; pp = &(*pp)->id_next)
		continue;
	*pp = p->id_next;
	p->id_next = NULL;
}

static bool
reqid_tracked(uint32_t reqid)
{
	return reqid >= REQID_AUTO_MIN && reqid <= REQID_AUTO_MAX;
}

static void
reqid_count(const struct ipsec_policy *p, int delta)
{
	unsigned int i;
	uint32_t r;

	for (i = 0; i < p->nreq; i++) {
		r = p->req[i].reqid;
		if (reqid_tracked(r))
			spd.reqid_use[r - REQID_AUTO_MIN] += delta;
	}
}

uint32_t
key_spd_newreqid(void)
{
	uint32_t r;
	unsigned int tries;

	if (spd.reqid_use == NULL)
		return 0;
	for (tries = 0; tries < REQID_AUTO_N; tries++) {
		r = spd.last_reqid + 1;
		if (r < REQID_AUTO_MIN || r > REQID_AUTO_MAX)
			r = REQID_AUTO_MIN;
		spd.last_reqid = r;
		if (spd.reqid_use[r - REQID_AUTO_MIN] == 0)
			return r;
	}
	return 0;
}

/*
 * Give every "unique" request without a usable reqid one of its own.  As
 * in KAME, a unique reqid above IPSEC_MANUAL_REQID_MAX is not the client's
 * to choose and is replaced.  On failure the reqids are restored.
 */
static int
reqids_assign(struct ipsec_policy *p)
{
	uint32_t saved[IPSEC_MAXREQ];
	unsigned int i;

	for (i = 0; i < p->nreq; i++)
		saved[i] = p->req[i].reqid;
	for (i = 0; i < p->nreq; i++) {
		if (p->req[i].level != IPSEC_LEVEL_UNIQUE ||
		    (p->req[i].reqid != 0 &&
		    p->req[i].reqid <= IPSEC_MANUAL_REQID_MAX))
			continue;
		p->req[i].reqid = key_spd_newreqid();
		if (p->req[i].reqid == 0)
			break;
	}
	if (i == p->nreq)
		return 0;
	for (i = 0; i < p->nreq; i++)
		p->req[i].reqid = saved[i];
	return ENOBUFS;
}

/* The hash key and the tables every insertion needs. */
static int
spd_setup(void)
{
	if (!spd.seeded) {
		key_spd_index_seed();
		spd.seeded = true;
	}
	if (spd.reqid_use == NULL) {
		spd.reqid_use = calloc(REQID_AUTO_N, sizeof(*spd.reqid_use));
		if (spd.reqid_use == NULL)
			return ENOMEM;
	}
	if (spd.id_buckets == NULL)
		return id_table_grow();
	return 0;
}

/* Everything but the index, which the caller did first. */
static void
spd_link(struct ipsec_policy *p)
{
	struct spd_dir *d = &spd.dirs[p->dir];
	struct ipsec_policy **bucket;

	p->id = id_new();
	bucket = id_bucket(p->id);
	p->id_next = *bucket;
	*bucket = p;
	p->dir_prev = d->tail;
	p->dir_next = NULL;
	if (d->tail != NULL)
		d->tail->dir_next = p;
	else
		d->head = p;
	d->tail = p;
	d->count++;
	spd.count++;
	key_spd_timer_link(p);
	reqid_count(p, 1);
	p->linked = true;
	key_policy_get(p);
	if (spd.count > spd.id_nbuckets)
		(void)id_table_grow();
}

static void
spd_unlink(struct ipsec_policy *p)
{
	struct spd_dir *d = &spd.dirs[p->dir];

	key_spd_index_remove(policy_index(p->dir, p->sel.src.sa.sa_family), p);
	id_unlink(p);
	if (p->dir_prev != NULL)
		p->dir_prev->dir_next = p->dir_next;
	else
		d->head = p->dir_next;
	if (p->dir_next != NULL)
		p->dir_next->dir_prev = p->dir_prev;
	else
		d->tail = p->dir_prev;
	p->dir_prev = p->dir_next = NULL;
	d->count--;
	spd.count--;
	key_spd_timer_unlink(p);
	reqid_count(p, -1);
	p->linked = false;
	key_policy_put(p);
}

int
key_spd_insert(struct ipsec_policy *p, bool update)
{
	struct key_spd_index *ix;
	struct ipsec_policy *old;
	int error;

	if (p->linked)
		return EEXIST;
	error = policy_validate(p);
	if (error != 0)
		return error;
	error = spd_setup();
	if (error != 0)
		return error;
	ix = policy_index(p->dir, p->sel.src.sa.sa_family);
	old = key_spd_index_find(ix, &p->sel);
	if (old != NULL && !update)
		return EEXIST;
	error = reqids_assign(p);
	if (error != 0)
		return error;
	p->order = ++spd.last_order;
	p->created = net_time_now();
	p->lastused = p->created;
	/* The new policy is indexed before the old one goes: no gap. */
	error = key_spd_index_add(ix, p);
	if (error != 0)
		return error;
	if (old != NULL)
		spd_unlink(old);
	spd_link(p);
	return 0;
}

int
key_spd_delete(struct ipsec_policy *p)
{
	if (p == NULL || !p->linked)
		return ENOENT;
	spd_unlink(p);
	return 0;
}

int
key_spd_delete_id(uint32_t id)
{
	return key_spd_delete(id_lookup(id));
}

int
key_spd_delete_selector(uint8_t dir, const struct ipsec_selector *sel)
{
	struct ipsec_policy *p = key_spd_find(dir, sel);
	int error;

	error = key_spd_delete(p);
	key_policy_put(p);
	return error;
}

struct ipsec_policy *
key_spd_get(uint32_t id)
{
	return key_policy_get(id_lookup(id));
}

struct ipsec_policy *
key_spd_find(uint8_t dir, const struct ipsec_selector *sel)
{
	int family = sel->src.sa.sa_family;

	if (dir < IPSEC_DIR_INBOUND || dir > IPSEC_DIR_FWD ||
	    key_spd_family_slot(family) < 0 || sel->dst.sa.sa_family != family)
		return NULL;
	return key_policy_get(key_spd_index_find(policy_index(dir, family),
	    sel));
}

struct ipsec_policy *
key_spd_lookup(uint8_t dir, const struct key_spd_query *q)
{
	struct ipsec_policy *p;
	int family = q->src->sa_family;

	if (dir < IPSEC_DIR_INBOUND || dir > IPSEC_DIR_FWD ||
	    key_spd_family_slot(family) < 0 || q->dst->sa_family != family)
		return NULL;
	p = key_spd_index_lookup(policy_index(dir, family), q);
	if (p == NULL)
		return NULL;
	key_policy_touch(p);
	return key_policy_get(p);
}

size_t
key_spd_flush(void)
{
	struct ipsec_policy *p, *next;
	size_t n = 0;
	unsigned int dir;

	for (dir = IPSEC_DIR_INBOUND; dir < NDIR; dir++)
		for (p = spd.dirs[dir].head; p != NULL; p = next) {
			next = p->dir_next;
			if (p->persistent)
				continue;
			spd_unlink(p);
			n++;
		}
	return n;
}

size_t
key_spd_count(uint8_t dir)
{
	if (dir == IPSEC_DIR_ANY)
		return spd.count;
	if (dir > IPSEC_DIR_FWD)
		return 0;
	return spd.dirs[dir].count;
}

static int
snapshot_cmp(const void *a, const void *b)
{
	const struct ipsec_policy *pa = *(struct ipsec_policy * const *)a;
	const struct ipsec_policy *pb = *(struct ipsec_policy * const *)b;

	if (pa->priority != pb->priority)
		return pa->priority < pb->priority ? -1 : 1;
	return pa->order < pb->order ? -1 : pa->order > pb->order;
}

/* Append one direction in KAME order; sorted only if priorities differ. */
static void
snapshot_dir(struct key_spd_snapshot *snap, unsigned int dir)
{
	struct ipsec_policy *p, **start = snap->policies + snap->count;
	bool mixed = false;

	for (p = spd.dirs[dir].head; p != NULL; p = p->dir_next) {
		mixed |= p->priority != spd.dirs[dir].head->priority;
		snap->policies[snap->count++] = key_policy_get(p);
	}
	if (mixed)
		qsort(start, spd.dirs[dir].count, sizeof(*start),
		    snapshot_cmp);
}

int
key_spd_snapshot(uint8_t dir, struct key_spd_snapshot *snap)
{
	unsigned int d;
	size_t n = key_spd_count(dir);

	snap->count = 0;
	snap->policies = malloc((n != 0 ? n : 1) * sizeof(*snap->policies));
	if (snap->policies == NULL)
		return ENOMEM;
	for (d = IPSEC_DIR_INBOUND; d < NDIR; d++)
		if (dir == IPSEC_DIR_ANY || dir == d)
			snapshot_dir(snap, d);
	return 0;
}

void
key_spd_snapshot_free(struct key_spd_snapshot *snap)
{
	size_t i;

	for (i = 0; i < snap->count; i++)
		key_policy_put(snap->policies[i]);
	free(snap->policies);
	snap->policies = NULL;
	snap->count = 0;
}

void
key_spd_fini(void)
{
	unsigned int dir, fam;

	for (dir = IPSEC_DIR_INBOUND; dir < NDIR; dir++)
		while (spd.dirs[dir].head != NULL)
			spd_unlink(spd.dirs[dir].head);
	for (dir = 0; dir < NDIR; dir++)
		for (fam = 0; fam < NFAMILY; fam++)
			key_spd_index_free(&spd.index[dir][fam]);
	free(spd.id_buckets);
	free(spd.reqid_use);
	memset(&spd, 0, sizeof(spd));
	key_spd_set_events(NULL);
}
