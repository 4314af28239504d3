/*
 * The SAD's tables: the SPI hash, the SA heads, the insertion-order list
 * and the LARVAL list, with insert, remove and the lookups built on them.
 * Outbound selection is in key_sad_select.c, SPI allocation in key_spi.c,
 * lifetimes in key_sad_timer.c.
 *
 * Both hashes are SipHash-2-4 under a key drawn at init, over a packed,
 * zero-padded record of the lookup key, so that a peer choosing SPIs or
 * addresses cannot steer entries into one chain.
 *
 * The SPI table, which every inbound packet probes, is open addressing
 * with linear probing over 16-byte slots that hold each SA's hash and SPI
 * beside its pointer: a lookup reads its slot's cache line, rejects
 * other SAs there without touching them, and reads one SA, the one it
 * returns, whose lookup key leads the structure (key_sa.h).  A chained
 * table instead read every SA ahead in the chain, each a cache miss in a
 * large SAD.  The table is kept at most three quarters full, doubling at
 * insertion (control path only), and deletion shifts the rest of the
 * cluster back, so there are no tombstones and probes stay short.  The
 * head table is chained, as only the control path and outbound selection
 * of one pair use it; it doubles when it holds more heads than buckets.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <net/pfkeyv2.h>

#include "sys/net/siphash.h"
#include "sys/netkey/key_defer.h"
#include "sys/netkey/key_sad_impl.h"

#define SAD_MIN_BUCKETS	256

struct key_sad key_sad;

/*
 * The hashed record.  Both lookups use it: the SPI hash fills a with the
 * destination, the head hash fills a and b with source and destination.
 */
struct sad_hash_rec {
	uint8_t		family;
	uint8_t		proto;
	uint8_t		pad[2];
	uint32_t	spi;
	uint8_t		a[16];
	uint8_t		b[16];
};

/* The hash of (dst, proto, spi), or -1 when dst is no IPv4/IPv6 address. */
static int
spi_hash(const struct sockaddr *dst, uint8_t proto, uint32_t spi,
    uint64_t *h)
{
	struct sad_hash_rec r;
	const uint8_t *p;
	size_t len;

	p = key_sockaddr_bytes(dst, &len);
	if (p == NULL)
		return -1;
	memset(&r, 0, sizeof(r));
	r.family = (uint8_t)dst->sa_family;
	r.proto = proto;
	r.spi = spi;
	memcpy(r.a, p, len);
	*h = siphash24(key_sad.hkey, &r, sizeof(r));
	return 0;
}

int
key_sad_head_hash(const struct sockaddr *src, const struct sockaddr *dst,
    uint8_t proto, uint64_t *h)
{
	struct sad_hash_rec r;
	const uint8_t *ps, *pd;
	size_t ls, ld;

	ps = key_sockaddr_bytes(src, &ls);
	pd = key_sockaddr_bytes(dst, &ld);
	if (ps == NULL || pd == NULL || src->sa_family != dst->sa_family)
		return -1;
	memset(&r, 0, sizeof(r));
	r.family = (uint8_t)dst->sa_family;
	r.proto = proto;
	memcpy(r.a, ps, ls);
	memcpy(r.b, pd, ld);
	*h = siphash24(key_sad.hkey, &r, sizeof(r));
	return 0;
}

bool
key_sad_has_head(const struct sockaddr *src, const struct sockaddr *dst,
    uint8_t proto)
{
	uint64_t h;

	return key_sad_head_hash(src, dst, proto, &h) == 0 &&
	    key_sad_head_find(src, dst, proto, h) != NULL;
}

int
key_sad_init(void)
{
	if (key_sad.inited)
		return 0;
	key_sad.spi_tab = calloc(SAD_MIN_BUCKETS, sizeof(*key_sad.spi_tab));
	key_sad.sah_tab = calloc(SAD_MIN_BUCKETS, sizeof(*key_sad.sah_tab));
	if (key_sad.spi_tab == NULL || key_sad.sah_tab == NULL) {
		free(key_sad.spi_tab);
		free(key_sad.sah_tab);
		key_sad.spi_tab = NULL;
		key_sad.sah_tab = NULL;
		return ENOMEM;
	}
	key_sad.spi_mask = SAD_MIN_BUCKETS - 1;
	key_sad.sah_mask = SAD_MIN_BUCKETS - 1;
	siphash_random_key(key_sad.hkey);
	key_sad.inited = 1;
	return 0;
}

void
key_sad_fini(void)
{
	if (!key_sad.inited)
		return;
	key_sad_flush(SADB_SATYPE_UNSPEC);
	free(key_sad.spi_tab);
	free(key_sad.sah_tab);
	key_sad.spi_tab = NULL;
	key_sad.sah_tab = NULL;
	key_sad.inited = 0;
}

void
key_sad_set_events(const struct key_sad_events *ev)
{
	if (ev == NULL)
		memset(&key_sad.ev, 0, sizeof(key_sad.ev));
	else
		key_sad.ev = *ev;
}

struct expire_req {
	struct ipsec_sa	*sa;	/* a reference */
	int		 hard;
};

static void
expire_run(void *data)
{
	struct expire_req *r = data;

	if (key_sad.ev.expire != NULL)
		key_sad.ev.expire(r->sa, r->hard);
	key_sa_put(r->sa);
}

/* A worker's account crossed a lifetime: the message goes from control. */
void
key_sad_event_expire(struct ipsec_sa *sa, int hard)
{
	struct expire_req r;

	if (key_defer_inline()) {
		if (key_sad.ev.expire != NULL)
			key_sad.ev.expire(sa, hard);
		return;
	}
	r.sa = key_sa_get(sa);
	r.hard = hard;
	if (key_defer(expire_run, &r, sizeof(r)) != 0)
		key_sa_put(sa);
}

void
key_sad_event_removed(struct ipsec_sa *sa, int reason)
{
	if (key_sad.ev.removed != NULL)
		key_sad.ev.removed(sa, reason);
}

/* The slot holding (dst, proto, spi), or the empty slot ending its probe. */
static struct key_sad_spi_slot *
spi_probe(const struct sockaddr *dst, uint8_t proto, uint32_t spi,
    uint64_t h)
{
	struct key_sad_spi_slot *s;
	size_t i;

	for (i = h & key_sad.spi_mask;; i = (i + 1) & key_sad.spi_mask) {
		s = &key_sad.spi_tab[i];
		if (s->sa == NULL || (s->hash == (uint32_t)h && s->spi == spi &&
		    s->sa->proto == proto && key_sockaddr_equal(dst, &s->sa->dst)))
			return s;
	}
}

/* The empty slot where an entry of hash h goes. */
static struct key_sad_spi_slot *
spi_free_slot(struct key_sad_spi_slot *tab, size_t mask, uint32_t h)
{
	size_t i;

	for (i = h & mask; tab[i].sa != NULL; i = (i + 1) & mask)
		continue;
	return &tab[i];
}

/*
 * Double the SPI table when one more SA would fill it over three
 * quarters.  ENOMEM leaves it as it was.
 */
static int
spi_tab_reserve(void)
{
	struct key_sad_spi_slot *nt;
	size_t n = key_sad.spi_mask + 1, i;

	if (4 * (key_sad.count + 1) <= 3 * n)
		return 0;
	nt = calloc(n * 2, sizeof(*nt));
	if (nt == NULL)
		return ENOMEM;
	for (i = 0; i < n; i++)
		if (key_sad.spi_tab[i].sa != NULL)
			*spi_free_slot(nt, n * 2 - 1, key_sad.spi_tab[i].hash) =
			    key_sad.spi_tab[i];
	free(key_sad.spi_tab);
	key_sad.spi_tab = nt;
	key_sad.spi_mask = n * 2 - 1;
	return 0;
}

/*
 * Double the head table when it holds more heads than buckets.  Failing
 * to grow is harmless: the chains just get longer until the next try.
 */
static void
sah_tab_grow(void)
{
	struct key_sah **nt, *h, *next;
	size_t n = key_sad.sah_mask + 1, i;

	if (key_sad.nsah < n)
		return;
	nt = calloc(n * 2, sizeof(*nt));
	if (nt == NULL)
		return;
	for (i = 0; i < n; i++) {
		for (h = key_sad.sah_tab[i]; h != NULL; h = next) {
			next = h->next;
			h->next = nt[h->hash & (n * 2 - 1)];
			nt[h->hash & (n * 2 - 1)] = h;
		}
	}
	free(key_sad.sah_tab);
	key_sad.sah_tab = nt;
	key_sad.sah_mask = n * 2 - 1;
}

struct key_sah *
key_sad_head_find(const struct sockaddr *src, const struct sockaddr *dst,
    uint8_t proto, uint64_t h)
{
	struct key_sah *sah;

	if (!key_sad.inited)
		return NULL;
	for (sah = key_sad.sah_tab[h & key_sad.sah_mask]; sah != NULL;
	    sah = sah->next)
		if (sah->hash == h && sah->proto == proto &&
		    key_sockaddr_equal(src, &sah->src) &&
		    key_sockaddr_equal(dst, &sah->dst))
			return sah;
	return NULL;
}

static struct key_sah *
sah_get(struct ipsec_sa *sa)
{
	struct key_sah *sah;
	uint64_t h;

	if (key_sad_head_hash(&sa->src.sa, &sa->dst.sa, sa->proto, &h) != 0)
		return NULL;
	sah = key_sad_head_find(&sa->src.sa, &sa->dst.sa, sa->proto, h);
	if (sah != NULL)
		return sah;
	sah = calloc(1, sizeof(*sah));
	if (sah == NULL)
		return NULL;
	sah->src = sa->src;
	sah->dst = sa->dst;
	sah->proto = sa->proto;
	sah->hash = h;
	sah->next = key_sad.sah_tab[h & key_sad.sah_mask];
	key_sad.sah_tab[h & key_sad.sah_mask] = sah;
	key_sad.nsah++;
	sah_tab_grow();
	return sah;
}

static void
sah_release(struct key_sah *sah)
{
	struct key_sah **pp;

	if (sah->first != NULL)
		return;
	for (pp = &key_sad.sah_tab[sah->hash & key_sad.sah_mask]; *pp != NULL;
	    pp = &(*pp)->next) {
		if (*pp == sah) {
			*pp = sah->next;
			break;
		}
	}
	key_sad.nsah--;
	free(sah);
}

struct ipsec_sa *
key_sad_lookup(const struct sockaddr *dst, uint8_t proto, uint32_t spi)
{
	uint64_t h;

	if (!key_sad.inited || spi_hash(dst, proto, spi, &h) != 0)
		return NULL;
	return spi_probe(dst, proto, spi, h)->sa;
}

static void
larval_link(struct ipsec_sa *sa)
{
	sa->larval_prev = NULL;
	sa->larval_next = key_sad.larval_first;
	if (key_sad.larval_first != NULL)
		key_sad.larval_first->larval_prev = sa;
	key_sad.larval_first = sa;
}

static void
larval_unlink(struct ipsec_sa *sa)
{
	if (sa->larval_prev != NULL)
		sa->larval_prev->larval_next = sa->larval_next;
	else
		key_sad.larval_first = sa->larval_next;
	if (sa->larval_next != NULL)
		sa->larval_next->larval_prev = sa->larval_prev;
	sa->larval_prev = sa->larval_next = NULL;
}

/* Append to the head's list and to the insertion-order list. */
static void
lists_link(struct ipsec_sa *sa, struct key_sah *sah)
{
	sa->sah = sah;
	sa->sah_next = NULL;
	sa->sah_prev = sah->last;
	if (sah->last != NULL)
		sah->last->sah_next = sa;
	else
		sah->first = sa;
	sah->last = sa;

	sa->all_next = NULL;
	sa->all_prev = key_sad.all_last;
	if (key_sad.all_last != NULL)
		key_sad.all_last->all_next = sa;
	else
		key_sad.all_first = sa;
	key_sad.all_last = sa;
}

static void
lists_unlink(struct ipsec_sa *sa)
{
	struct key_sah *sah = sa->sah;

	if (sa->sah_prev != NULL)
		sa->sah_prev->sah_next = sa->sah_next;
	else
		sah->first = sa->sah_next;
	if (sa->sah_next != NULL)
		sa->sah_next->sah_prev = sa->sah_prev;
	else
		sah->last = sa->sah_prev;
	sa->sah = NULL;
	sa->sah_prev = sa->sah_next = NULL;

	if (sa->all_prev != NULL)
		sa->all_prev->all_next = sa->all_next;
	else
		key_sad.all_first = sa->all_next;
	if (sa->all_next != NULL)
		sa->all_next->all_prev = sa->all_prev;
	else
		key_sad.all_last = sa->all_prev;
	sa->all_prev = sa->all_next = NULL;
	sah_release(sah);
}

int
key_sad_insert(struct ipsec_sa *sa)
{
	struct key_sad_spi_slot *slot;
	struct key_sah *sah;
	uint64_t h;

	if (sa == NULL || sa->linked)
		return EINVAL;
	if (!key_sad.inited && key_sad_init() != 0)
		return ENOMEM;
	if (spi_hash(&sa->dst.sa, sa->proto, sa->spi, &h) != 0)
		return EINVAL;
	if (spi_probe(&sa->dst.sa, sa->proto, sa->spi, h)->sa != NULL)
		return EEXIST;
	if (spi_tab_reserve() != 0)
		return ENOMEM;
	sah = sah_get(sa);
	if (sah == NULL)
		return ENOMEM;
	slot = spi_free_slot(key_sad.spi_tab, key_sad.spi_mask, (uint32_t)h);
	slot->hash = (uint32_t)h;
	slot->spi = sa->spi;
	slot->sa = sa;
	lists_link(sa, sah);
	if (sa->state == SADB_SASTATE_LARVAL)
		larval_link(sa);
	sa->linked = 1;
	key_sa_get(sa);
	key_sad.count++;
	key_sad.count_by_satype[sa->satype]++;
	return 0;
}

/*
 * Empty sa's slot, moving later members of its cluster back into the
 * hole unless their home lies in (hole, j], so that every entry stays
 * reachable from its home without tombstones.
 */
static void
spi_unlink(struct ipsec_sa *sa)
{
	size_t mask = key_sad.spi_mask, hole, j, home;
	struct key_sad_spi_slot *tab = key_sad.spi_tab;
	uint64_t h;

	if (spi_hash(&sa->dst.sa, sa->proto, sa->spi, &h) != 0)
		return;
	for (hole = h & mask; tab[hole].sa != sa; hole = (hole + 1) & mask)
		if (tab[hole].sa == NULL)
			return;
	for (j = hole;;) {
		j = (j + 1) & mask;
		if (tab[j].sa == NULL)
			break;
		home = tab[j].hash & mask;
		if (hole < j ? home > hole && home <= j :
		    home > hole || home <= j)
			continue;
		tab[hole] = tab[j];
		hole = j;
	}
	memset(&tab[hole], 0, sizeof(tab[hole]));
}

void
key_sad_remove(struct ipsec_sa *sa)
{
	if (sa == NULL || !sa->linked)
		return;
	spi_unlink(sa);
	if (sa->state == SADB_SASTATE_LARVAL)
		larval_unlink(sa);
	lists_unlink(sa);
	__atomic_store_n(&sa->state, SADB_SASTATE_DEAD, __ATOMIC_RELAXED);
	sa->linked = 0;
	key_sa_clear_keys(sa);
	key_sad.count--;
	key_sad.count_by_satype[sa->satype]--;
	key_sa_put(sa);
}

void
key_sad_set_state(struct ipsec_sa *sa, uint8_t state)
{
	if (sa->linked && sa->state != state) {
		if (sa->state == SADB_SASTATE_LARVAL)
			larval_unlink(sa);
		else if (state == SADB_SASTATE_LARVAL)
			larval_link(sa);
	}
	__atomic_store_n(&sa->state, state, __ATOMIC_RELAXED);
}

bool
key_sad_claim_state(struct ipsec_sa *sa, unsigned int from, uint8_t to)
{
	uint8_t s = key_sa_state(sa);

	do {
		if (s > SADB_SASTATE_MAX || !(from & 1u << s))
			return false;
	} while (!__atomic_compare_exchange_n(&sa->state, &s, to, true,
	    __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	return true;
}

struct ipsec_sa *
key_sad_find_larval_seq(uint32_t seq)
{
	struct ipsec_sa *sa;

	for (sa = key_sad.larval_first; sa != NULL; sa = sa->larval_next)
		if (sa->msg_seq == seq)
			return sa;
	return NULL;
}

struct ipsec_sa *
key_sad_first(void)
{
	return key_sad.all_first;
}

struct ipsec_sa *
key_sad_first_larval(void)
{
	return key_sad.larval_first;
}

size_t
key_sad_count(uint8_t satype)
{
	if (satype == SADB_SATYPE_UNSPEC)
		return key_sad.count;
	if (satype > SADB_SATYPE_MAX)
		return 0;
	return key_sad.count_by_satype[satype];
}
