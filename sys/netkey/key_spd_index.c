/*
 * The SPD's lookup index: tuple-space search over selector shapes (see
 * key_spd_index.h for the idea).
 *
 * Each group's table uses open addressing with linear probing and slots of
 * one cache line: the masked selector, its hash, and a copy of the
 * (priority, order) of the best policy under it.  A probe that hits or
 * misses thus reads one line in the common case, which is what keeps a
 * lookup in a table of 100,000 policies close to one in a table of ten.
 * Tables stay at most half full, so misses end quickly too.
 *
 * Policies sharing a masked selector (same prefixes, different host bits,
 * or different priorities) hang off their slot in a list ordered by
 * (priority, order).  The list's head points back to its tail through
 * same_prev, so appending a new policy, which always has the highest
 * order, costs O(1) unless its priority is lower than the tail's.
 *
 * Every group remembers a lower bound of the (priority, order) of its
 * policies and the direction's groups are sorted by that bound.  Deleting
 * the policy that set the bound leaves a bound that is merely too low; it
 * is recomputed after enough deletions to pay for the scan.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sys/net/siphash.h"
#include "sys/netkey/key_spd.h"
#include "sys/netkey/key_spd_index.h"

#define WILD_PROTO	0x01
#define WILD_SPORT	0x02
#define WILD_DPORT	0x04

#define SLOTS_MIN	16
#define LOOKUP_BATCH	8	/* groups hashed before probing */

/* A selector masked to a group's shape: hashed and compared whole. */
struct spd_key {
	uint8_t		src[16];
	uint8_t		dst[16];
	uint16_t	sport;
	uint16_t	dport;
	uint8_t		proto;
	uint8_t		pad[3];
};
_Static_assert(sizeof(struct spd_key) == 40, "spd_key has padding");

struct spd_slot {
	struct spd_key		key;
	uint32_t		hash;
	uint32_t		head_priority;
	uint64_t		head_order;
	struct ipsec_policy	*head;		/* NULL: the slot is empty */
};
_Static_assert(sizeof(struct spd_slot) == 64, "spd_slot is a cache line");

struct key_spd_group {
	uint8_t			src_plen;
	uint8_t			dst_plen;
	uint8_t			wild;		/* WILD_* */
	uint64_t		src_mask[2];
	uint64_t		dst_mask[2];
	struct spd_slot		*slots;
	size_t			nslots;		/* a power of two */
	size_t			used;		/* slots in use */
	size_t			npolicies;
	uint32_t		bound_priority;	/* no policy here is */
	uint64_t		bound_order;	/* better than this */
	bool			bound_stale;	/* its holder was removed */
	size_t			removed;	/* since the bound was set */
};

static uint8_t hash_key[SIPHASH_KEY_LEN];

static const size_t family_addr_len[] = { 4, 16 };

int
key_spd_family_slot(int family)
{
	if (family == AF_INET)
		return 0;
	if (family == AF_INET6)
		return 1;
	return -1;
}

const uint8_t *
key_spd_addr_bytes(const struct sockaddr *sa)
{
	const union key_sockaddr *u = (const union key_sockaddr *)sa;

	if (sa->sa_family == AF_INET)
		return (const uint8_t *)&u->sin.sin_addr;
	return u->sin6.sin6_addr.s6_addr;
}

void
key_spd_index_seed(void)
{
	siphash_random_key(hash_key);
}

static bool
before(uint32_t pa, uint64_t oa, uint32_t pb, uint64_t ob)
{
	return pa < pb || (pa == pb && oa < ob);
}

static bool
policy_before(const struct ipsec_policy *a, const struct ipsec_policy *b)
{
	return before(a->priority, a->order, b->priority, b->order);
}

static bool
group_before(const struct key_spd_group *a, const struct key_spd_group *b)
{
	return before(a->bound_priority, a->bound_order, b->bound_priority,
	    b->bound_order);
}

static void
prefix_mask(unsigned int plen, uint64_t mask[2])
{
	uint8_t bytes[16];
	unsigned int i, bits;

	for (i = 0; i < sizeof(bytes); i++) {
		bits = plen > 8 * i ? plen - 8 * i : 0;
		bytes[i] = bits >= 8 ? 0xff : (uint8_t)(0xff00 >> bits);
	}
	memcpy(mask, bytes, sizeof(bytes));
}

static void
mask_addr(uint8_t out[16], const uint8_t in[16], const uint64_t mask[2])
{
	uint64_t w[2];

	memcpy(w, in, sizeof(w));
	w[0] &= mask[0];
	w[1] &= mask[1];
	memcpy(out, w, sizeof(w));
}

/* The unmasked key of a packet or a selector. */
static void
key_fill(struct spd_key *k, const struct sockaddr *src,
    const struct sockaddr *dst, uint8_t proto, uint16_t sport,
    uint16_t dport)
{
	size_t alen = family_addr_len[key_spd_family_slot(src->sa_family)];

	memset(k, 0, sizeof(*k));
	memcpy(k->src, key_spd_addr_bytes(src), alen);
	memcpy(k->dst, key_spd_addr_bytes(dst), alen);
	k->proto = proto;
	k->sport = sport;
	k->dport = dport;
}

static void
key_mask(const struct key_spd_group *g, const struct spd_key *in,
    struct spd_key *out)
{
	mask_addr(out->src, in->src, g->src_mask);
	mask_addr(out->dst, in->dst, g->dst_mask);
	out->proto = (g->wild & WILD_PROTO) ? IPSEC_ULPROTO_ANY : in->proto;
	out->sport = (g->wild & WILD_SPORT) ? 0 : in->sport;
	out->dport = (g->wild & WILD_DPORT) ? 0 : in->dport;
	memset(out->pad, 0, sizeof(out->pad));
}

static uint32_t
key_hash(const struct spd_key *k)
{
	return (uint32_t)siphash24(hash_key, k, sizeof(*k));
}

static uint8_t
selector_wild(const struct ipsec_selector *sel)
{
	return (sel->ul_proto == IPSEC_ULPROTO_ANY ? WILD_PROTO : 0) |
	    (sel->sport == 0 ? WILD_SPORT : 0) |
	    (sel->dport == 0 ? WILD_DPORT : 0);
}

static void
selector_key(const struct key_spd_group *g, const struct ipsec_selector *sel,
    struct spd_key *k)
{
	struct spd_key full;

	key_fill(&full, &sel->src.sa, &sel->dst.sa, sel->ul_proto, sel->sport,
	    sel->dport);
	key_mask(g, &full, k);
}

/* The slot holding k, or the empty slot where it would go. */
static struct spd_slot *
group_probe(const struct key_spd_group *g, const struct spd_key *k,
    uint32_t h)
{
	size_t mask = g->nslots - 1;
	size_t i;
	struct spd_slot *s;

	for (i = h & mask;; i = (i + 1) & mask) {
		s = &g->slots[i];
		if (s->head == NULL)
			return s;
		if (s->hash == h && memcmp(&s->key, k, sizeof(*k)) == 0)
			return s;
	}
}

static int
group_resize(struct key_spd_group *g, size_t nslots)
{
	struct spd_slot *old = g->slots, *s, *d;
	size_t oldn = g->nslots, i;

	s = calloc(nslots, sizeof(*s));
	if (s == NULL)
		return ENOMEM;
	g->slots = s;
	g->nslots = nslots;
	for (i = 0; i < oldn; i++) {
		if (old[i].head == NULL)
			continue;
		d = group_probe(g, &old[i].key, old[i].hash);
		*d = old[i];
	}
	free(old);
	return 0;
}

/* Empty slot s, moving later members of its cluster back into the gap. */
static void
group_slot_clear(struct key_spd_group *g, struct spd_slot *s)
{
	size_t mask = g->nslots - 1;
	size_t hole = (size_t)(s - g->slots), j = hole, home;

	for (;;) {
		j = (j + 1) & mask;
		if (g->slots[j].head == NULL)
			break;
		home = g->slots[j].hash & mask;
		/* Slot j may fill the hole unless its home is in (hole, j]. */
		if (hole < j ? home > hole && home <= j :
		    home > hole || home <= j)
			continue;
		g->slots[hole] = g->slots[j];
		hole = j;
	}
	memset(&g->slots[hole], 0, sizeof(g->slots[hole]));
	g->used--;
}

static void
slot_set_head(struct spd_slot *s, struct ipsec_policy *head)
{
	s->head = head;
	s->head_priority = head->priority;
	s->head_order = head->order;
}

/* Put p into the slot's list, ordered by (priority, order). */
static void
slot_list_add(struct spd_slot *s, struct ipsec_policy *p)
{
	struct ipsec_policy *head = s->head, *tail = head->same_prev, *cur;

	for (cur = tail; cur != NULL && policy_before(p, cur);)
		cur = cur == head ? NULL : cur->same_prev;
	if (cur == NULL) {
		p->same_next = head;
		p->same_prev = tail;
		head->same_prev = p;
		slot_set_head(s, p);
		return;
	}
	p->same_next = cur->same_next;
	p->same_prev = cur;
	cur->same_next = p;
	if (p->same_next != NULL)
		p->same_next->same_prev = p;
	else
		head->same_prev = p;
}

/* Take p out of its slot's list; false when the list became empty. */
static bool
slot_list_remove(struct spd_slot *s, struct ipsec_policy *p)
{
	struct ipsec_policy *head = s->head;

	if (p == head) {
		if (p->same_next == NULL)
			return false;
		p->same_next->same_prev = p->same_prev;
		slot_set_head(s, p->same_next);
	} else {
		p->same_prev->same_next = p->same_next;
		if (p->same_next != NULL)
			p->same_next->same_prev = p->same_prev;
		else
			head->same_prev = p->same_prev;
	}
	p->same_prev = p->same_next = NULL;
	return true;
}

static int
group_add(struct key_spd_group *g, struct ipsec_policy *p)
{
	struct spd_key k;
	struct spd_slot *s;
	uint32_t h;

	selector_key(g, &p->sel, &k);
	h = key_hash(&k);
	s = group_probe(g, &k, h);
	if (s->head == NULL && 2 * (g->used + 1) > g->nslots) {
		if (group_resize(g, 2 * g->nslots) != 0)
			return ENOMEM;
		s = group_probe(g, &k, h);
	}
	p->hash = h;
	p->group = g;
	if (s->head == NULL) {
		s->key = k;
		s->hash = h;
		p->same_prev = p;
		p->same_next = NULL;
		slot_set_head(s, p);
		g->used++;
	} else
		slot_list_add(s, p);
	if (g->npolicies++ == 0 || before(p->priority, p->order,
	    g->bound_priority, g->bound_order)) {
		g->bound_priority = p->priority;
		g->bound_order = p->order;
	}
	return 0;
}

/* Make the bound exact again: the best head of all slots. */
static void
group_rebound(struct key_spd_group *g)
{
	struct spd_slot *s;
	bool first = true;
	size_t i;

	for (i = 0; i < g->nslots; i++) {
		s = &g->slots[i];
		if (s->head == NULL || !(first || before(s->head_priority,
		    s->head_order, g->bound_priority, g->bound_order)))
			continue;
		g->bound_priority = s->head_priority;
		g->bound_order = s->head_order;
		first = false;
	}
	g->bound_stale = false;
	g->removed = 0;
}

static void
group_remove(struct key_spd_group *g, struct ipsec_policy *p)
{
	struct spd_key k;
	struct spd_slot *s;

	selector_key(g, &p->sel, &k);
	s = group_probe(g, &k, p->hash);
	if (!slot_list_remove(s, p))
		group_slot_clear(g, s);
	p->group = NULL;
	g->npolicies--;
	g->removed++;
	if (p->priority == g->bound_priority && p->order == g->bound_order)
		g->bound_stale = true;
	if (g->npolicies == 0)
		return;
	if (8 * g->used < g->nslots && g->nslots > SLOTS_MIN)
		(void)group_resize(g, g->nslots / 2);
	if (g->bound_stale && 4 * g->removed > g->npolicies)
		group_rebound(g);
}

static struct key_spd_group *
group_new(const struct ipsec_selector *sel)
{
	struct key_spd_group *g;

	g = calloc(1, sizeof(*g));
	if (g == NULL)
		return NULL;
	g->slots = calloc(SLOTS_MIN, sizeof(*g->slots));
	if (g->slots == NULL) {
		free(g);
		return NULL;
	}
	g->nslots = SLOTS_MIN;
	g->src_plen = sel->src_plen;
	g->dst_plen = sel->dst_plen;
	g->wild = selector_wild(sel);
	prefix_mask(sel->src_plen, g->src_mask);
	prefix_mask(sel->dst_plen, g->dst_mask);
	return g;
}

static void
group_free(struct key_spd_group *g)
{
	free(g->slots);
	free(g);
}

static size_t
index_position(const struct key_spd_index *ix, const struct key_spd_group *g)
{
	size_t i;

	for (i = 0; ix->groups[i] != g; i++)
		continue;
	return i;
}

/* Restore the order of the groups after g's bound changed. */
static void
index_reorder(struct key_spd_index *ix, struct key_spd_group *g)
{
	size_t i = index_position(ix, g);

	while (i > 0 && group_before(g, ix->groups[i - 1])) {
		ix->groups[i] = ix->groups[i - 1];
		ix->groups[--i] = g;
	}
	while (i + 1 < ix->ngroups && group_before(ix->groups[i + 1], g)) {
		ix->groups[i] = ix->groups[i + 1];
		ix->groups[++i] = g;
	}
}

static struct key_spd_group *
index_group(const struct key_spd_index *ix, const struct ipsec_selector *sel)
{
	struct key_spd_group *g;
	uint8_t wild = selector_wild(sel);
	size_t i;

	for (i = 0; i < ix->ngroups; i++) {
		g = ix->groups[i];
		if (g->src_plen == sel->src_plen &&
		    g->dst_plen == sel->dst_plen && g->wild == wild)
			return g;
	}
	return NULL;
}

/* Append a new group for sel's shape; NULL when out of memory. */
static struct key_spd_group *
index_group_new(struct key_spd_index *ix, const struct ipsec_selector *sel)
{
	struct key_spd_group **groups, *g;
	size_t cap;

	if (ix->ngroups == ix->cap) {
		cap = ix->cap != 0 ? 2 * ix->cap : 8;
		groups = realloc(ix->groups, cap * sizeof(*groups));
		if (groups == NULL)
			return NULL;
		ix->groups = groups;
		ix->cap = cap;
	}
	g = group_new(sel);
	if (g != NULL)
		ix->groups[ix->ngroups++] = g;
	return g;
}

static void
index_group_drop(struct key_spd_index *ix, struct key_spd_group *g)
{
	size_t i = index_position(ix, g);

	memmove(&ix->groups[i], &ix->groups[i + 1],
	    (ix->ngroups - i - 1) * sizeof(ix->groups[0]));
	ix->ngroups--;
	group_free(g);
}

/*
 * A lookup's answer depends only on the index and the packet's key, so
 * each thread remembers its last answer per index: the segments the TUN
 * driver cuts from one super-packet, and a flow's packets in general,
 * then cost a 40-byte compare instead of a SipHash and a probe per
 * group.  Any change to any index moves the generation (the control
 * thread, while no worker is inside a batch), which forgets every
 * thread's memo at once; a memo holds no reference, and its policy is
 * never touched once the generation moved.
 */
#define MEMO_SLOTS	8

struct lookup_memo {
	const struct key_spd_index *ix;
	uint64_t		 gen;		/* 0: empty */
	struct spd_key		 key;
	struct ipsec_policy	*p;
};

static uint64_t index_gen = 1;
static _Thread_local struct lookup_memo memo[MEMO_SLOTS];

static void
index_changed(void)
{
	__atomic_add_fetch(&index_gen, 1, __ATOMIC_RELAXED);
}

static struct lookup_memo *
memo_slot(const struct key_spd_index *ix)
{
	return &memo[((uintptr_t)ix / sizeof(*ix)) % MEMO_SLOTS];
}

int
key_spd_index_add(struct key_spd_index *ix, struct ipsec_policy *p)
{
	struct key_spd_group *g;
	bool fresh = false;

	g = index_group(ix, &p->sel);
	if (g == NULL) {
		g = index_group_new(ix, &p->sel);
		if (g == NULL)
			return ENOMEM;
		fresh = true;
	}
	if (group_add(g, p) != 0) {
		if (fresh)
			index_group_drop(ix, g);
		return ENOMEM;
	}
	index_reorder(ix, g);
	index_changed();
	return 0;
}

void
key_spd_index_remove(struct key_spd_index *ix, struct ipsec_policy *p)
{
	struct key_spd_group *g = p->group;

	group_remove(g, p);
	if (g->npolicies == 0)
		index_group_drop(ix, g);
	else
		index_reorder(ix, g);
	index_changed();
}

static bool
selector_equal(const struct ipsec_selector *a, const struct ipsec_selector *b)
{
	size_t alen;

	if (a->src.sa.sa_family != b->src.sa.sa_family ||
	    a->src_plen != b->src_plen || a->dst_plen != b->dst_plen ||
	    a->ul_proto != b->ul_proto || a->sport != b->sport ||
	    a->dport != b->dport)
		return false;
	alen = family_addr_len[key_spd_family_slot(a->src.sa.sa_family)];
	return memcmp(key_spd_addr_bytes(&a->src.sa),
	    key_spd_addr_bytes(&b->src.sa), alen) == 0 &&
	    memcmp(key_spd_addr_bytes(&a->dst.sa),
	    key_spd_addr_bytes(&b->dst.sa), alen) == 0;
}

struct ipsec_policy *
key_spd_index_find(const struct key_spd_index *ix,
    const struct ipsec_selector *sel)
{
	struct key_spd_group *g;
	struct ipsec_policy *p;
	struct spd_key k;
	struct spd_slot *s;

	g = index_group(ix, sel);
	if (g == NULL)
		return NULL;
	selector_key(g, sel, &k);
	s = group_probe(g, &k, key_hash(&k));
	for (p = s->head; p != NULL; p = p->same_next)
		if (selector_equal(&p->sel, sel))
			return p;
	return NULL;
}

/*
 * A lookup works through the groups in batches.  For every group of a
 * batch it first masks and hashes the packet and prefetches the slot,
 * then probes them all: in a large SPD the slots are cache misses, and
 * this way they overlap instead of following one another.  Between
 * batches the lookup stops once no later group can hold a better policy.
 */
struct spd_probe {
	struct spd_key		key;
	uint32_t		hash;
};

static void
batch_prepare(const struct key_spd_group *const *groups, size_t n,
    const struct spd_key *full, struct spd_probe *pr)
{
	const struct key_spd_group *g;
	size_t i;

	for (i = 0; i < n; i++) {
		g = groups[i];
		key_mask(g, full, &pr[i].key);
		pr[i].hash = key_hash(&pr[i].key);
		__builtin_prefetch(&g->slots[pr[i].hash & (g->nslots - 1)]);
	}
}

struct ipsec_policy *
key_spd_index_lookup(const struct key_spd_index *ix,
    const struct key_spd_query *q)
{
	struct spd_probe pr[LOOKUP_BATCH];
	struct ipsec_policy *best = NULL;
	uint32_t best_priority = 0;
	uint64_t best_order = 0;
	const struct key_spd_group *g;
	uint64_t gen = __atomic_load_n(&index_gen, __ATOMIC_RELAXED);
	struct lookup_memo *m = memo_slot(ix);
	struct spd_key full;
	struct spd_slot *s;
	size_t i, j, n;

	key_fill(&full, q->src, q->dst, q->ul_proto, q->sport, q->dport);
	if (m->gen == gen && m->ix == ix &&
	    memcmp(&m->key, &full, sizeof(full)) == 0)
		return m->p;
	for (i = 0; i < ix->ngroups; i += n) {
		g = ix->groups[i];
		if (best != NULL && !before(g->bound_priority, g->bound_order,
		    best_priority, best_order))
			break;
		n = ix->ngroups - i < LOOKUP_BATCH ? ix->ngroups - i :
		    LOOKUP_BATCH;
		batch_prepare((const struct key_spd_group *const *)
		    &ix->groups[i], n, &full, pr);
		for (j = 0; j < n; j++) {
			s = group_probe(ix->groups[i + j], &pr[j].key,
			    pr[j].hash);
			if (s->head == NULL || (best != NULL &&
			    !before(s->head_priority, s->head_order,
			    best_priority, best_order)))
				continue;
			best = s->head;
			best_priority = s->head_priority;
			best_order = s->head_order;
			__builtin_prefetch(best, 1);
		}
	}
	m->ix = ix;
	m->gen = gen;
	m->key = full;
	m->p = best;
	return best;
}

void
key_spd_index_free(struct key_spd_index *ix)
{
	size_t i;

	for (i = 0; i < ix->ngroups; i++)
		group_free(ix->groups[i]);
	free(ix->groups);
	memset(ix, 0, sizeof(*ix));
	index_changed();
}

static bool
prefix_match(const uint8_t *a, const uint8_t *b, unsigned int plen)
{
	unsigned int whole = plen / 8, rest = plen % 8;
	uint8_t mask;

	if (memcmp(a, b, whole) != 0)
		return false;
	if (rest == 0)
		return true;
	mask = (uint8_t)(0xff00 >> rest);
	return ((a[whole] ^ b[whole]) & mask) == 0;
}

bool
key_spd_match(const struct ipsec_policy *p, const struct key_spd_query *q)
{
	const struct ipsec_selector *sel = &p->sel;
	int family = sel->src.sa.sa_family;

	if (q->src->sa_family != family || q->dst->sa_family != family ||
	    key_spd_family_slot(family) < 0)
		return false;
	if (sel->ul_proto != IPSEC_ULPROTO_ANY && sel->ul_proto != q->ul_proto)
		return false;
	if ((sel->sport != 0 && sel->sport != q->sport) ||
	    (sel->dport != 0 && sel->dport != q->dport))
		return false;
	return prefix_match(key_spd_addr_bytes(&sel->src.sa),
	    key_spd_addr_bytes(q->src), sel->src_plen) &&
	    prefix_match(key_spd_addr_bytes(&sel->dst.sa),
	    key_spd_addr_bytes(q->dst), sel->dst_plen);
}
