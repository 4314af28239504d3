/*
 * Fragment reassembly for IPv4 and IPv6.
 *
 * Data layout: a table of queues (one per datagram in progress) and a
 * table of fragment records, each with an index-linked free list.  A
 * queue's fragments form a list sorted by offset.  Queues are found by a
 * SipHash of (family, addresses, protocol, id) under a random key, so the
 * wire cannot aim its fragments at one chain, and are kept on one list
 * per family in arrival order: with a fixed timeout per family that is
 * also expiry order, so the timer and eviction look only at list heads.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sys/net/net_clock.h"
#include "sys/net/net_endian.h"
#include "sys/net/siphash.h"
#include "sys/netinet/in_cksum.h"
#include "sys/netinet/ip_reass.h"
#include "sys/netinet/ip_var.h"
#include "sys/netinet6/ip6_var.h"

#define NIL		(-1)
#define IP_MAXPACKET	65535

struct reass_frag {
	struct pbuf	*pb;
	uint32_t	 start;		/* payload range in the datagram */
	uint32_t	 end;
	uint16_t	 data_off;	/* payload in pb->data */
	int32_t		 next;		/* by offset, or free list */
};

struct reass_key {
	uint8_t		src[16];
	uint8_t		dst[16];
	uint32_t	id;
	uint8_t		af;		/* 4 or 6 */
	uint8_t		proto;		/* IPv4 only; 0 for IPv6 */
	uint8_t		pad[2];
};

struct reass_queue {
	struct reass_key key;
	bool		 used;
	bool		 have_last;
	uint32_t	 total;		/* payload bytes, once last seen */
	uint32_t	 bytes;		/* buffer bytes held */
	uint32_t	 nfrags;
	uint16_t	 protoff;	/* IPv6: byte naming the frag header */
	time_t		 expire;
	int32_t		 frags;		/* sorted fragment list */
	int32_t		 hnext;		/* hash chain, or free list */
	int32_t		 prev, next;	/* age list of its family */
};

struct age_list {
	int32_t		 head, tail;
};

struct ip_reass {
	struct pbuf_pool *pool;
	struct ip_reass_limits lim;
	struct reass_queue *queues;
	struct reass_frag *frags;
	int32_t		*buckets;
	size_t		 nbuckets;	/* power of two */
	int32_t		 free_q, free_f;
	struct age_list	 age[2];	/* [0] IPv4, [1] IPv6 */
	size_t		 nqueues, nfrags, bytes;
	uint8_t		 hkey[SIPHASH_KEY_LEN];
};

/* Family-neutral reasons, mapped to each family's counters. */
enum reass_reason {
	RR_FRAGMENTS, RR_BADFRAGS, RR_TOOLONG, RR_OVERLAP, RR_DUP,
	RR_DROPPED, RR_TIMEOUT, RR_OVERFLOW, RR_REASSEMBLED, RR_ODROPPED,
	RR_NREASONS
};

static const uint8_t reason4[RR_NREASONS] = {
	[RR_FRAGMENTS] = IPSTAT_FRAGMENTS, [RR_BADFRAGS] = IPSTAT_BADFRAGS,
	[RR_TOOLONG] = IPSTAT_TOOLONG, [RR_OVERLAP] = IPSTAT_FRAGOVERLAP,
	[RR_DUP] = IPSTAT_FRAGDUP, [RR_DROPPED] = IPSTAT_FRAGDROPPED,
	[RR_TIMEOUT] = IPSTAT_FRAGTIMEOUT, [RR_OVERFLOW] = IPSTAT_FRAGOVERFLOW,
	[RR_REASSEMBLED] = IPSTAT_REASSEMBLED, [RR_ODROPPED] = IPSTAT_ODROPPED,
};

static const uint8_t reason6[RR_NREASONS] = {
	[RR_FRAGMENTS] = IP6STAT_FRAGMENTS, [RR_BADFRAGS] = IP6STAT_BADFRAGS,
	[RR_TOOLONG] = IP6STAT_TOOLONG, [RR_OVERLAP] = IP6STAT_FRAGOVERLAP,
	[RR_DUP] = IP6STAT_FRAGDUP, [RR_DROPPED] = IP6STAT_FRAGDROPPED,
	[RR_TIMEOUT] = IP6STAT_FRAGTIMEOUT,
	[RR_OVERFLOW] = IP6STAT_FRAGOVERFLOW,
	[RR_REASSEMBLED] = IP6STAT_REASSEMBLED,
	[RR_ODROPPED] = IP6STAT_ODROPPED,
};

static void
count(int fam6, enum reass_reason why, uint64_t n)
{
	if (fam6)
		net_counter_add(&ip6stat, reason6[why], n);
	else
		net_counter_add(&ipstat, reason4[why], n);
}

static void
limits_fill(struct ip_reass_limits *l, const struct ip_reass_limits *in)
{
	static const struct ip_reass_limits def = {
		.max_queues = IP_REASS_DEF_QUEUES,
		.max_frags = IP_REASS_DEF_FRAGS,
		.max_per_queue = IP_REASS_DEF_PERQUEUE,
		.max_bytes = IP_REASS_DEF_BYTES,
		.timeout4 = IP_REASS_DEF_TIMEOUT4,
		.timeout6 = IP_REASS_DEF_TIMEOUT6,
	};

	*l = in != NULL ? *in : def;
	l->max_queues = l->max_queues ? l->max_queues : def.max_queues;
	l->max_frags = l->max_frags ? l->max_frags : def.max_frags;
	l->max_per_queue = l->max_per_queue ? l->max_per_queue :
	    def.max_per_queue;
	l->max_bytes = l->max_bytes ? l->max_bytes : def.max_bytes;
	l->timeout4 = l->timeout4 ? l->timeout4 : def.timeout4;
	l->timeout6 = l->timeout6 ? l->timeout6 : def.timeout6;
}

static void
tables_init(struct ip_reass *r)
{
	size_t i;

	for (i = 0; i < r->nbuckets; i++)
		r->buckets[i] = NIL;
	for (i = 0; i < r->lim.max_queues; i++)
		r->queues[i].hnext = i + 1 < r->lim.max_queues ?
		    (int32_t)(i + 1) : NIL;
	for (i = 0; i < r->lim.max_frags; i++)
		r->frags[i].next = i + 1 < r->lim.max_frags ?
		    (int32_t)(i + 1) : NIL;
	r->free_q = r->free_f = 0;
	r->age[0].head = r->age[0].tail = NIL;
	r->age[1].head = r->age[1].tail = NIL;
}

struct ip_reass *
ip_reass_create(struct pbuf_pool *pool, const struct ip_reass_limits *lim)
{
	struct ip_reass *r;

	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return NULL;
	r->pool = pool;
	limits_fill(&r->lim, lim);
	if (r->lim.max_queues > INT32_MAX / 4 ||
	    r->lim.max_frags > INT32_MAX) {
		free(r);
		return NULL;
	}
	r->nbuckets = 1;
	while (r->nbuckets < r->lim.max_queues * 2)
		r->nbuckets <<= 1;
	r->queues = calloc(r->lim.max_queues, sizeof(*r->queues));
	r->frags = calloc(r->lim.max_frags, sizeof(*r->frags));
	r->buckets = calloc(r->nbuckets, sizeof(*r->buckets));
	if (r->queues == NULL || r->frags == NULL || r->buckets == NULL) {
		ip_reass_destroy(r);
		return NULL;
	}
	tables_init(r);
	siphash_random_key(r->hkey);
	return r;
}

static size_t
bucket_of(const struct ip_reass *r, const struct reass_key *k)
{
	return siphash24(r->hkey, k, sizeof(*k)) & (r->nbuckets - 1);
}

static void
age_unlink(struct ip_reass *r, int32_t qi)
{
	struct reass_queue *q = &r->queues[qi];
	struct age_list *l = &r->age[q->key.af == 6];

	if (q->prev != NIL)
		r->queues[q->prev].next = q->next;
	else
		l->head = q->next;
	if (q->next != NIL)
		r->queues[q->next].prev = q->prev;
	else
		l->tail = q->prev;
}

static void
hash_unlink(struct ip_reass *r, int32_t qi)
{
	int32_t *pp = &r->buckets[bucket_of(r, &r->queues[qi].key)];

	while (*pp != qi)
		pp = &r->queues[*pp].hnext;
	*pp = r->queues[qi].hnext;
}

/* Free a queue and every fragment it holds; count them under why. */
static void
queue_drop(struct ip_reass *r, int32_t qi, enum reass_reason why)
{
	struct reass_queue *q = &r->queues[qi];
	int32_t fi, next;

	for (fi = q->frags; fi != NIL; fi = next) {
		next = r->frags[fi].next;
		pbuf_free(r->frags[fi].pb);
		r->frags[fi].pb = NULL;
		r->frags[fi].next = r->free_f;
		r->free_f = fi;
	}
	if (why != RR_REASSEMBLED) {
		count(q->key.af == 6, why, 1);
		count(q->key.af == 6, RR_DROPPED, q->nfrags);
	}
	r->nfrags -= q->nfrags;
	r->bytes -= q->bytes;
	r->nqueues--;
	hash_unlink(r, qi);
	age_unlink(r, qi);
	q->used = false;
	q->hnext = r->free_q;
	r->free_q = qi;
}

void
ip_reass_destroy(struct ip_reass *r)
{
	if (r == NULL)
		return;
	if (r->queues != NULL) {
		while (r->age[0].head != NIL)
			queue_drop(r, r->age[0].head, RR_REASSEMBLED);
		while (r->age[1].head != NIL)
			queue_drop(r, r->age[1].head, RR_REASSEMBLED);
	}
	free(r->queues);
	free(r->frags);
	free(r->buckets);
	free(r);
}

static void
expire(struct ip_reass *r, time_t now)
{
	int f;

	for (f = 0; f < 2; f++)
		while (r->age[f].head != NIL &&
		    r->queues[r->age[f].head].expire <= now)
			queue_drop(r, r->age[f].head, RR_TIMEOUT);
}

void
ip_reass_timer(struct ip_reass *r)
{
	expire(r, net_time_now());
}

/* The oldest datagram other than keep, or NIL. */
static int32_t
oldest(const struct ip_reass *r, int32_t keep)
{
	int32_t c[2];
	int f;

	for (f = 0; f < 2; f++) {
		c[f] = r->age[f].head;
		if (keep != NIL && c[f] == keep)
			c[f] = r->queues[keep].next;
	}
	if (c[0] == NIL)
		return c[1];
	if (c[1] == NIL)
		return c[0];
	/* Arrival time is expiry minus the family's timeout. */
	return r->queues[c[0]].expire - r->lim.timeout4 <=
	    r->queues[c[1]].expire - r->lim.timeout6 ? c[0] : c[1];
}

/* Evict old datagrams until a fragment of len bytes fits next to keep. */
static bool
make_room(struct ip_reass *r, int32_t keep, size_t len)
{
	int32_t victim;

	while (r->bytes + len > r->lim.max_bytes ||
	    r->nfrags >= r->lim.max_frags) {
		victim = oldest(r, keep);
		if (victim == NIL)
			return false;
		queue_drop(r, victim, RR_OVERFLOW);
	}
	return true;
}

static void
key_fill(struct reass_key *k, const struct ip_hdr_info *hi)
{
	memset(k, 0, sizeof(*k));
	k->id = hi->frag.id;
	if (hi->af == AF_INET6) {
		k->af = 6;
		memcpy(k->src, &hi->src.sin6.sin6_addr, 16);
		memcpy(k->dst, &hi->dst.sin6.sin6_addr, 16);
	} else {
		k->af = 4;
		k->proto = hi->proto;
		memcpy(k->src, &hi->src.sin.sin_addr, 4);
		memcpy(k->dst, &hi->dst.sin.sin_addr, 4);
	}
}

static int32_t
queue_find(struct ip_reass *r, const struct reass_key *k)
{
	int32_t qi;

	for (qi = r->buckets[bucket_of(r, k)]; qi != NIL;
	    qi = r->queues[qi].hnext)
		if (memcmp(&r->queues[qi].key, k, sizeof(*k)) == 0)
			return qi;
	return NIL;
}

static int32_t
queue_new(struct ip_reass *r, const struct reass_key *k, time_t now)
{
	struct age_list *l = &r->age[k->af == 6];
	struct reass_queue *q;
	int32_t qi, victim;
	size_t b;

	if (r->free_q == NIL) {
		victim = oldest(r, NIL);
		queue_drop(r, victim, RR_OVERFLOW);
	}
	qi = r->free_q;
	q = &r->queues[qi];
	r->free_q = q->hnext;
	memset(q, 0, sizeof(*q));
	q->key = *k;
	q->used = true;
	q->frags = NIL;
	q->expire = now + (k->af == 6 ? r->lim.timeout6 : r->lim.timeout4);
	b = bucket_of(r, k);
	q->hnext = r->buckets[b];
	r->buckets[b] = qi;
	q->next = NIL;
	q->prev = l->tail;
	if (l->tail != NIL)
		r->queues[l->tail].next = qi;
	else
		l->head = qi;
	l->tail = qi;
	r->nqueues++;
	return qi;
}

/*
 * Where the payload [start, end) goes among q's fragments: 0 with *prevp
 * the record to link after (NIL: at the head), 1 for an exact duplicate,
 * -1 for an overlap.
 */
static int
frag_place(const struct ip_reass *r, const struct reass_queue *q,
    const uint8_t *data, uint32_t start, uint32_t end, int32_t *prevp)
{
	const struct reass_frag *f;
	int32_t fi, prev = NIL;

	for (fi = q->frags; fi != NIL; prev = fi, fi = f->next) {
		f = &r->frags[fi];
		if (f->end <= start)
			continue;
		if (f->start >= end)
			break;
		if (f->start == start && f->end == end &&
		    memcmp(f->pb->data + f->data_off, data, end - start) == 0)
			return 1;
		return -1;
	}
	*prevp = prev;
	return 0;
}

/* The end of the last fragment held (0 when none). */
static uint32_t
queue_maxend(const struct ip_reass *r, const struct reass_queue *q)
{
	int32_t fi;
	uint32_t end = 0;

	for (fi = q->frags; fi != NIL; fi = r->frags[fi].next)
		end = r->frags[fi].end;
	return end;
}

/* A last fragment fixes the length; nothing may end beyond it. */
static bool
bounds_ok(const struct ip_reass *r, const struct reass_queue *q,
    uint32_t end, bool more)
{
	if (!more)
		return (!q->have_last || end == q->total) &&
		    queue_maxend(r, q) <= end;
	return !q->have_last || end <= q->total;
}

static bool
queue_complete(const struct ip_reass *r, const struct reass_queue *q)
{
	int32_t fi;
	uint32_t next = 0;

	if (!q->have_last)
		return false;
	for (fi = q->frags; fi != NIL; fi = r->frags[fi].next) {
		if (r->frags[fi].start != next)
			return false;
		next = r->frags[fi].end;
	}
	return next == q->total;
}

/* Rewrite the rebuilt header: lengths, fragment fields, checksum. */
static void
header_fixup(uint8_t *p, size_t unfrag, size_t dlen, bool fam6,
    uint16_t protoff, uint8_t nh)
{
	if (fam6) {
		be_put16(p + 4, (uint16_t)(dlen - 40));
		p[protoff] = nh;
		return;
	}
	be_put16(p + 2, (uint16_t)dlen);
	be_put16(p + 6, be_get16(p + 6) & 0x4000);
	be_put16(p + 10, 0);
	be_put16(p + 10, in_cksum(p, unfrag));
}

/* The datagram in one new buffer, or NULL with the reason in *why. */
static struct pbuf *
queue_build(struct ip_reass *r, const struct reass_queue *q,
    enum reass_reason *why)
{
	const struct reass_frag *first = &r->frags[q->frags], *f;
	bool fam6 = q->key.af == 6;
	size_t unfrag, dlen;
	struct pbuf *out;
	uint8_t *p;
	int32_t fi;

	/* IPv6 drops the 8-byte fragment header from the first fragment. */
	unfrag = fam6 ? first->data_off - 8u : first->data_off;
	dlen = unfrag + q->total;
	if (dlen > IP_MAXPACKET) {
		*why = RR_TOOLONG;
		return NULL;
	}
	out = pbuf_alloc(r->pool, dlen);
	if (out == NULL) {
		*why = RR_ODROPPED;
		return NULL;
	}
	p = pbuf_put(out, dlen);
	memcpy(p, first->pb->data, unfrag);
	for (fi = q->frags; fi != NIL; fi = f->next) {
		f = &r->frags[fi];
		memcpy(p + unfrag + f->start, f->pb->data + f->data_off,
		    f->end - f->start);
	}
	header_fixup(p, unfrag, dlen, fam6, q->protoff,
	    first->pb->data[unfrag]);
	out->af = fam6 ? AF_INET6 : AF_INET;
	out->flags = first->pb->flags;
	return out;
}

static void
frag_link(struct ip_reass *r, int32_t qi, int32_t prev, struct pbuf *pb,
    const struct ip_hdr_info *hi)
{
	struct reass_queue *q = &r->queues[qi];
	struct reass_frag *f;
	int32_t fi = r->free_f;

	f = &r->frags[fi];
	r->free_f = f->next;
	f->pb = pb;
	f->start = hi->frag.off;
	f->end = hi->frag.off + (hi->len - hi->frag.data_off);
	f->data_off = hi->frag.data_off;
	if (prev == NIL) {
		f->next = q->frags;
		q->frags = fi;
	} else {
		f->next = r->frags[prev].next;
		r->frags[prev].next = fi;
	}
	if (f->start == 0)
		q->protoff = hi->frag.hdr_protoff;
	if (!hi->frag.more) {
		q->have_last = true;
		q->total = f->end;
	}
	q->nfrags++;
	q->bytes += pb->cap;
	r->nfrags++;
	r->bytes += pb->cap;
}

/* Drop the fragment and its whole datagram. */
static enum ip_reass_result
reject(struct ip_reass *r, int32_t qi, struct pbuf *pb,
    enum reass_reason why)
{
	count(r->queues[qi].key.af == 6, RR_DROPPED, 1);
	pbuf_free(pb);
	queue_drop(r, qi, why);
	return IP_REASS_DROPPED;
}

enum ip_reass_result
ip_reass_input(struct ip_reass *r, struct pbuf *pb,
    const struct ip_hdr_info *hi, struct pbuf **out)
{
	struct reass_key k;
	uint32_t start = hi->frag.off, end;
	enum reass_reason why;
	int32_t qi, prev = NIL;
	time_t now;
	int place;

	*out = NULL;
	if (!(hi->flags & IP_HDR_F_FRAG)) {
		*out = pb;
		return IP_REASS_DONE;
	}
	count(hi->af == AF_INET6, RR_FRAGMENTS, 1);
	now = net_time_now();
	expire(r, now);
	end = start + (hi->len - hi->frag.data_off);
	key_fill(&k, hi);
	qi = queue_find(r, &k);
	if (qi == NIL)
		qi = queue_new(r, &k, now);
	if (!bounds_ok(r, &r->queues[qi], end, hi->frag.more))
		return reject(r, qi, pb, RR_BADFRAGS);
	place = frag_place(r, &r->queues[qi], pb->data + hi->frag.data_off,
	    start, end, &prev);
	if (place > 0) {
		count(k.af == 6, RR_DUP, 1);
		pbuf_free(pb);
		return IP_REASS_HELD;
	}
	if (place < 0)
		return reject(r, qi, pb, RR_OVERLAP);
	if (r->queues[qi].nfrags >= r->lim.max_per_queue ||
	    !make_room(r, qi, pb->cap))
		return reject(r, qi, pb, RR_OVERFLOW);
	frag_link(r, qi, prev, pb, hi);
	if (!queue_complete(r, &r->queues[qi]))
		return IP_REASS_HELD;
	*out = queue_build(r, &r->queues[qi], &why);
	if (*out == NULL) {
		queue_drop(r, qi, why);
		return IP_REASS_DROPPED;
	}
	queue_drop(r, qi, RR_REASSEMBLED);
	count(k.af == 6, RR_REASSEMBLED, 1);
	return IP_REASS_DONE;
}

size_t
ip_reass_queues(const struct ip_reass *r)
{
	return r->nqueues;
}

size_t
ip_reass_bytes(const struct ip_reass *r)
{
	return r->bytes;
}
