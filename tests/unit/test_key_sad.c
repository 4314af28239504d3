/*
 * The SAD's tables: insert, lookup, remove, GETSPI ranges, outbound
 * selection, delete-all, flush, snapshots and references.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "test_key_sad_util.h"
#include "testlib.h"

static void
test_insert_lookup_remove_v4(void)
{
	union key_sockaddr d, other;
	struct ipsec_sa *sa, *dup;

	t_reset();
	sa = t_add(SADB_SATYPE_ESP, "10.0.0.1", "10.0.0.2", 0x1234,
	    SADB_SASTATE_MATURE);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sa);
	CU_ASSERT_EQUAL(sa->proto, IPPROTO_ESP);
	CU_ASSERT_EQUAL(sa->refcnt, 1);
	CU_ASSERT_PTR_EQUAL(key_sad_lookup(t_addr(&d, "10.0.0.2"),
	    IPPROTO_ESP, htonl(0x1234)), sa);
	/* Wrong protocol, SPI byte order, destination or family: no SA. */
	CU_ASSERT_PTR_NULL(key_sad_lookup(&d.sa, IPPROTO_AH, htonl(0x1234)));
	CU_ASSERT_PTR_NULL(key_sad_lookup(&d.sa, IPPROTO_ESP, 0x1234));
	CU_ASSERT_PTR_NULL(key_sad_lookup(t_addr(&other, "10.0.0.1"),
	    IPPROTO_ESP, htonl(0x1234)));
	CU_ASSERT_PTR_NULL(key_sad_lookup(t_addr(&other, "::ffff:10.0.0.2"),
	    IPPROTO_ESP, htonl(0x1234)));
	CU_ASSERT_PTR_NULL(key_sad_lookup(NULL, IPPROTO_ESP, htonl(0x1234)));

	/* The same (dst, proto, spi) from another source is a duplicate. */
	dup = t_make(SADB_SATYPE_ESP, "10.9.9.9", "10.0.0.2", 0x1234,
	    SADB_SASTATE_MATURE);
	CU_ASSERT_EQUAL(key_sad_insert(dup), EEXIST);
	CU_ASSERT_EQUAL(key_sad_insert(sa), EINVAL);
	key_sa_put(dup);
	/* The same SPI under AH is another SA. */
	CU_ASSERT_PTR_NOT_NULL(t_add(SADB_SATYPE_AH, "10.0.0.1", "10.0.0.2",
	    0x1234, SADB_SASTATE_MATURE));
	CU_ASSERT_EQUAL(key_sad_count(0), 2);
	CU_ASSERT_EQUAL(key_sad_count(SADB_SATYPE_ESP), 1);

	key_sa_get(sa);
	key_sad_remove(sa);
	CU_ASSERT_EQUAL(sa->state, SADB_SASTATE_DEAD);
	key_sad_remove(sa);	/* idempotent */
	CU_ASSERT_EQUAL(key_sad_count(0), 1);
	CU_ASSERT_PTR_NULL(key_sad_lookup(&d.sa, IPPROTO_ESP, htonl(0x1234)));
	key_sa_put(sa);
}

static void
test_insert_lookup_v6(void)
{
	union key_sockaddr d;
	struct ipsec_sa *sa;

	t_reset();
	sa = t_add(SADB_SATYPE_ESP, "2001:db8::1", "2001:db8::2", 0x10000,
	    SADB_SASTATE_MATURE);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sa);
	CU_ASSERT_PTR_EQUAL(key_sad_lookup(t_addr(&d, "2001:db8::2"),
	    IPPROTO_ESP, htonl(0x10000)), sa);
	CU_ASSERT_PTR_NULL(key_sad_lookup(t_addr(&d, "2001:db8::3"),
	    IPPROTO_ESP, htonl(0x10000)));
	/* A scope id on one side only still matches. */
	t_addr(&d, "2001:db8::2");
	d.sin6.sin6_scope_id = 3;
	CU_ASSERT_PTR_EQUAL(key_sad_lookup(&d.sa, IPPROTO_ESP,
	    htonl(0x10000)), sa);
	sa->dst.sin6.sin6_scope_id = 4;
	CU_ASSERT_PTR_NULL(key_sad_lookup(&d.sa, IPPROTO_ESP, htonl(0x10000)));
}

static void
test_alloc_rejects(void)
{
	union key_sockaddr s, d;
	struct sockaddr bad = { .sa_family = AF_UNIX };

	t_reset();
	CU_ASSERT_PTR_NULL(key_sa_alloc(SADB_SATYPE_UNSPEC,
	    t_addr(&s, "10.0.0.1"), t_addr(&d, "10.0.0.2")));
	CU_ASSERT_PTR_NULL(key_sa_alloc(SADB_SATYPE_RSVP, &s.sa, &d.sa));
	CU_ASSERT_PTR_NULL(key_sa_alloc(200, &s.sa, &d.sa));
	CU_ASSERT_PTR_NULL(key_sa_alloc(SADB_SATYPE_ESP, &s.sa,
	    t_addr(&d, "::1")));
	CU_ASSERT_PTR_NULL(key_sa_alloc(SADB_SATYPE_ESP, &bad, &bad));
	CU_ASSERT_PTR_NULL(key_sa_alloc(SADB_SATYPE_ESP, NULL, &d.sa));
	CU_ASSERT_EQUAL(key_satype_to_proto(SADB_X_SATYPE_IPCOMP),
	    IPPROTO_COMP);
	CU_ASSERT_EQUAL(key_proto_to_satype(IPPROTO_AH), SADB_SATYPE_AH);
	CU_ASSERT_EQUAL(key_proto_to_satype(IPPROTO_UDP), 0);
}

/*
 * Many SAs to one destination whose SPIs differ in a few bits, and many
 * destinations with one SPI: every one is found, none is found twice.
 */
static void
test_many_sas(void)
{
	union key_sockaddr d;
	char dst[32];
	uint32_t i, n = 20000;
	int ok = 1;

	t_reset();
	for (i = 0; i < n; i++)
		if (t_add(SADB_SATYPE_ESP, "10.0.0.1", "10.0.0.2", 0x100 + i,
		    SADB_SASTATE_MATURE) == NULL)
			ok = 0;
	for (i = 0; i < n; i++) {
		snprintf(dst, sizeof(dst), "10.1.%u.%u", i >> 8, i & 0xff);
		if (t_add(SADB_SATYPE_ESP, "10.0.0.1", dst, 0x100,
		    SADB_SASTATE_MATURE) == NULL)
			ok = 0;
	}
	CU_ASSERT(ok);
	CU_ASSERT_EQUAL(key_sad_count(0), 2 * n);
	t_addr(&d, "10.0.0.2");
	for (i = 0; i < n; i++) {
		struct ipsec_sa *sa = key_sad_lookup(&d.sa, IPPROTO_ESP,
		    htonl(0x100 + i));
		if (sa == NULL || sa->spi != htonl(0x100 + i))
			ok = 0;
	}
	for (i = 0; i < n; i++) {
		snprintf(dst, sizeof(dst), "10.1.%u.%u", i >> 8, i & 0xff);
		if (key_sad_lookup(t_addr(&d, dst), IPPROTO_ESP,
		    htonl(0x100)) == NULL)
			ok = 0;
	}
	CU_ASSERT(ok);
	CU_ASSERT_PTR_NULL(key_sad_lookup(t_addr(&d, "10.0.0.2"), IPPROTO_ESP,
	    htonl(0x100 + n)));
	/* Remove every other one; the rest stay reachable. */
	t_addr(&d, "10.0.0.2");
	for (i = 0; i < n; i += 2)
		key_sad_remove(key_sad_lookup(&d.sa, IPPROTO_ESP,
		    htonl(0x100 + i)));
	for (i = 0; i < n; i++)
		if ((key_sad_lookup(&d.sa, IPPROTO_ESP,
		    htonl(0x100 + i)) != NULL) != (i % 2 == 1))
			ok = 0;
	CU_ASSERT(ok);
	CU_ASSERT_EQUAL(key_sad_flush(0), n + n / 2);
}

/*
 * Churn against a model: random inserts and removes over a small space
 * of (dst, SPI) pairs, so the SPI table grows, fills its clusters and
 * shifts entries back on every delete; after each step the one changed
 * pair, and every pair after each batch, must be found exactly when the
 * model holds it.
 */
#define CHURN_SPACE	6000
#define CHURN_STEPS	60000

static uint64_t churn_rng = 0x6a09e667f3bcc909ull;

static uint32_t
churn_next(void)
{
	churn_rng ^= churn_rng << 13;
	churn_rng ^= churn_rng >> 7;
	churn_rng ^= churn_rng << 17;
	return (uint32_t)churn_rng;
}

/* Pair k: destination 10.2.0.(k % 3), SPI 0x1000 + k / 3. */
static const char *
churn_text(uint32_t k)
{
	static const char *const dsts[] = { "10.2.0.0", "10.2.0.1",
	    "10.2.0.2" };

	return dsts[k % 3];
}

static void
test_churn_model(void)
{
	static struct ipsec_sa *model[CHURN_SPACE];
	union key_sockaddr d;
	uint32_t step, k, wrong = 0;
	size_t live = 0;

	t_reset();
	memset(model, 0, sizeof(model));
	for (step = 0; step < CHURN_STEPS; step++) {
		k = churn_next() % CHURN_SPACE;
		if (model[k] != NULL) {
			key_sad_remove(model[k]);
			model[k] = NULL;
			live--;
		} else {
			model[k] = t_add(SADB_SATYPE_ESP, "10.0.0.1",
			    churn_text(k), 0x1000 + k / 3,
			    SADB_SASTATE_MATURE);
			wrong += model[k] == NULL;
			live++;
		}
		wrong += key_sad_lookup(t_addr(&d, churn_text(k)), IPPROTO_ESP,
		    htonl(0x1000 + k / 3)) != model[k];
		if (step % 5000 != 4999)
			continue;
		for (k = 0; k < CHURN_SPACE; k++)
			wrong += key_sad_lookup(t_addr(&d, churn_text(k)), IPPROTO_ESP,
			    htonl(0x1000 + k / 3)) != model[k];
		wrong += key_sad_count(0) != live;
	}
	CU_ASSERT_EQUAL(wrong, 0);
	CU_ASSERT_EQUAL(key_sad_flush(0), live);
}

static void
test_getspi_ranges(void)
{
	union key_sockaddr d;
	uint32_t spi, i;

	t_reset();
	t_addr(&d, "10.0.0.2");
	/* No SPIRANGE: [spi_minval, spi_maxval]. */
	for (i = 0; i < 200; i++) {
		CU_ASSERT_EQUAL(key_sad_getspi(&d.sa, IPPROTO_ESP, 0, 0, &spi),
		    0);
		CU_ASSERT(ntohl(spi) >= 0x100 && ntohl(spi) <= 0x0fffffff);
	}
	key_vars.spi_minval = 5000;
	key_vars.spi_maxval = 5003;
	for (i = 0; i < 50; i++) {
		CU_ASSERT_EQUAL(key_sad_getspi(&d.sa, IPPROTO_ESP, 0, 0, &spi),
		    0);
		CU_ASSERT(ntohl(spi) >= 5000 && ntohl(spi) <= 5003);
	}
	/* An explicit range and an exact SPI. */
	CU_ASSERT_EQUAL(key_sad_getspi(&d.sa, IPPROTO_ESP, 7000, 7010, &spi),
	    0);
	CU_ASSERT(ntohl(spi) >= 7000 && ntohl(spi) <= 7010);
	CU_ASSERT_EQUAL(key_sad_getspi(&d.sa, IPPROTO_ESP, 9999, 9999, &spi),
	    0);
	CU_ASSERT_EQUAL(spi, htonl(9999));
	CU_ASSERT_PTR_NOT_NULL(t_add(SADB_SATYPE_ESP, "10.0.0.1", "10.0.0.2",
	    9999, SADB_SASTATE_LARVAL));
	CU_ASSERT_EQUAL(key_sad_getspi(&d.sa, IPPROTO_ESP, 9999, 9999, &spi),
	    EEXIST);
	/* Taken under ESP is free under AH. */
	CU_ASSERT_EQUAL(key_sad_getspi(&d.sa, IPPROTO_AH, 9999, 9999, &spi),
	    0);
	/* Reserved and empty ranges. */
	CU_ASSERT_EQUAL(key_sad_getspi(&d.sa, IPPROTO_ESP, 1, 255, &spi),
	    EINVAL);
	CU_ASSERT_EQUAL(key_sad_getspi(&d.sa, IPPROTO_AH, 7, 7, &spi), EINVAL);
	CU_ASSERT_EQUAL(key_sad_getspi(&d.sa, IPPROTO_ESP, 8000, 7000, &spi),
	    EINVAL);
	CU_ASSERT_EQUAL(key_sad_getspi(&d.sa, IPPROTO_ESP, 0, 256, &spi), 0);
	CU_ASSERT_EQUAL(spi, htonl(256));
	CU_ASSERT_EQUAL(key_sad_getspi(NULL, IPPROTO_ESP, 0, 0, &spi), EINVAL);
}

static void
test_getspi_ipcomp(void)
{
	union key_sockaddr d;
	uint32_t spi, i;

	t_reset();
	t_addr(&d, "10.0.0.2");
	/* The default range is clamped to a 16-bit CPI. */
	for (i = 0; i < 100; i++) {
		CU_ASSERT_EQUAL(key_sad_getspi(&d.sa, IPPROTO_COMP, 0, 0, &spi),
		    0);
		CU_ASSERT(ntohl(spi) >= 0x100 && ntohl(spi) <= 0xffff);
	}
	CU_ASSERT_EQUAL(key_sad_getspi(&d.sa, IPPROTO_COMP, 0x20000, 0x30000,
	    &spi), 0);
	CU_ASSERT_EQUAL(spi, htonl(0xffff));
	/* CPIs below 256 are allowed for IPComp (well-known CPIs). */
	CU_ASSERT_EQUAL(key_sad_getspi(&d.sa, IPPROTO_COMP, 2, 2, &spi), 0);
	CU_ASSERT_EQUAL(spi, htonl(2));
}

static void
test_getspi_exhaustion(void)
{
	union key_sockaddr d;
	uint32_t spi, i;

	t_reset();
	t_addr(&d, "10.0.0.2");
	for (i = 6000; i <= 6009; i++)
		CU_ASSERT_PTR_NOT_NULL(t_add(SADB_SATYPE_ESP, "10.0.0.1",
		    "10.0.0.2", i, SADB_SASTATE_MATURE));
	CU_ASSERT_EQUAL(key_sad_getspi(&d.sa, IPPROTO_ESP, 6000, 6009, &spi),
	    EAGAIN);
	/* One free SPI is found among the tries. */
	key_sad_remove(key_sad_lookup(&d.sa, IPPROTO_ESP, htonl(6004)));
	CU_ASSERT_EQUAL(key_sad_getspi(&d.sa, IPPROTO_ESP, 6000, 6009, &spi),
	    0);
	CU_ASSERT_EQUAL(spi, htonl(6004));
	/* With a single try, a nearly full range usually fails. */
	key_vars.spi_trycnt = 1;
	for (i = 0; i < 20; i++)
		if (key_sad_getspi(&d.sa, IPPROTO_ESP, 6000, 6009, &spi) ==
		    EAGAIN)
			break;
	CU_ASSERT(i < 20);
}

/* Three SAs of one pair: A oldest (DYING), B, C newest (MATURE). */
static void
make_generations(struct ipsec_sa **a, struct ipsec_sa **b,
    struct ipsec_sa **c)
{
	*a = t_add(SADB_SATYPE_ESP, "10.0.0.1", "10.0.0.2", 0x1001,
	    SADB_SASTATE_DYING);
	net_clock_advance(10);
	*b = t_add(SADB_SATYPE_ESP, "10.0.0.1", "10.0.0.2", 0x1002,
	    SADB_SASTATE_MATURE);
	/* Same second as B: insertion order decides. */
	*c = t_add(SADB_SATYPE_ESP, "10.0.0.1", "10.0.0.2", 0x1003,
	    SADB_SASTATE_MATURE);
	/* Noise: another pair, a LARVAL SA, another protocol. */
	t_add(SADB_SATYPE_ESP, "10.0.0.1", "10.0.0.3", 0x1004,
	    SADB_SASTATE_MATURE);
	t_add(SADB_SATYPE_ESP, "10.0.0.1", "10.0.0.2", 0x1005,
	    SADB_SASTATE_LARVAL);
	t_add(SADB_SATYPE_AH, "10.0.0.1", "10.0.0.2", 0x1006,
	    SADB_SASTATE_MATURE);
}

static void
test_select_prefer_old(void)
{
	union key_sockaddr s, d;
	struct ipsec_sa *a, *b, *c;

	t_reset();
	make_generations(&a, &b, &c);
	t_addr(&s, "10.0.0.1");
	t_addr(&d, "10.0.0.2");
	CU_ASSERT_EQUAL(key_vars.preferred_oldsa, 1);
	CU_ASSERT_PTR_EQUAL(key_sad_select(&s.sa, &d.sa, IPPROTO_ESP,
	    IPSEC_MODE_TRANSPORT, 0), a);
	key_sad_remove(a);
	CU_ASSERT_PTR_EQUAL(key_sad_select(&s.sa, &d.sa, IPPROTO_ESP,
	    IPSEC_MODE_TRANSPORT, 0), b);
	key_sad_remove(b);
	key_sad_remove(c);
	CU_ASSERT_PTR_NULL(key_sad_select(&s.sa, &d.sa, IPPROTO_ESP,
	    IPSEC_MODE_TRANSPORT, 0));
	CU_ASSERT_PTR_NULL(key_sad_select(&d.sa, &s.sa, IPPROTO_AH,
	    IPSEC_MODE_TRANSPORT, 0));
	CU_ASSERT_EQUAL(t_nevents, 0);
}

static void
test_select_prefer_new(void)
{
	union key_sockaddr s, d;
	struct ipsec_sa *a, *b, *c;

	t_reset();
	key_vars.preferred_oldsa = 0;
	make_generations(&a, &b, &c);
	t_addr(&s, "10.0.0.1");
	t_addr(&d, "10.0.0.2");
	/* B has no hard addtime: it loses but stays. */
	CU_ASSERT_PTR_EQUAL(key_sad_select(&s.sa, &d.sa, IPPROTO_ESP,
	    IPSEC_MODE_TUNNEL, 0), c);
	CU_ASSERT_EQUAL(t_nevents, 0);
	CU_ASSERT_EQUAL(key_sad_count(0), 6);
	/* With a hard addtime, the loser is retired as KAME does. */
	b->hard.addtime = 3600;
	key_sa_get(b);
	CU_ASSERT_PTR_EQUAL(key_sad_select(&s.sa, &d.sa, IPPROTO_ESP,
	    IPSEC_MODE_TUNNEL, 0), c);
	CU_ASSERT_EQUAL_FATAL(t_nevents, 1);
	CU_ASSERT_PTR_EQUAL(t_events[0].sa, b);
	CU_ASSERT_EQUAL(t_events[0].kind, 'r');
	CU_ASSERT_EQUAL(t_events[0].reason, KEY_SAD_RM_SUPERSEDED);
	CU_ASSERT_EQUAL(b->state, SADB_SASTATE_DEAD);
	CU_ASSERT(!b->linked);
	key_sa_put(b);
	/* The DYING A is used only when no MATURE SA is left. */
	key_sad_remove(c);
	CU_ASSERT_PTR_EQUAL(key_sad_select(&s.sa, &d.sa, IPPROTO_ESP,
	    IPSEC_MODE_TUNNEL, 0), a);
}

static void
test_select_mode_reqid(void)
{
	union key_sockaddr s, d;
	struct ipsec_sa *t1, *t2, *any;

	t_reset();
	t1 = t_add(SADB_SATYPE_ESP, "2001:db8::1", "2001:db8::2", 0x2001,
	    SADB_SASTATE_MATURE);
	t1->mode = IPSEC_MODE_TUNNEL;
	t1->reqid = 7;
	t2 = t_add(SADB_SATYPE_ESP, "2001:db8::1", "2001:db8::2", 0x2002,
	    SADB_SASTATE_MATURE);
	t2->mode = IPSEC_MODE_TRANSPORT;
	t2->reqid = 8;
	t_addr(&s, "2001:db8::1");
	t_addr(&d, "2001:db8::2");
	CU_ASSERT_PTR_EQUAL(key_sad_select(&s.sa, &d.sa, IPPROTO_ESP,
	    IPSEC_MODE_TUNNEL, 0), t1);
	CU_ASSERT_PTR_EQUAL(key_sad_select(&s.sa, &d.sa, IPPROTO_ESP,
	    IPSEC_MODE_TRANSPORT, 0), t2);
	CU_ASSERT_PTR_NULL(key_sad_select(&s.sa, &d.sa, IPPROTO_ESP,
	    IPSEC_MODE_TUNNEL, 8));
	CU_ASSERT_PTR_EQUAL(key_sad_select(&s.sa, &d.sa, IPPROTO_ESP,
	    IPSEC_MODE_TUNNEL, 7), t1);
	/* An SA of mode ANY serves either mode. */
	key_sad_remove(t1);
	any = t_add(SADB_SATYPE_ESP, "2001:db8::1", "2001:db8::2", 0x2003,
	    SADB_SASTATE_MATURE);
	any->mode = IPSEC_MODE_ANY;
	CU_ASSERT_PTR_EQUAL(key_sad_select(&s.sa, &d.sa, IPPROTO_ESP,
	    IPSEC_MODE_TUNNEL, 0), any);
	CU_ASSERT_PTR_NULL(key_sad_select(&s.sa, NULL, IPPROTO_ESP,
	    IPSEC_MODE_TUNNEL, 0));
}

static void
test_delete_all(void)
{
	union key_sockaddr s, d;
	struct ipsec_sa *larval;

	t_reset();
	t_add(SADB_SATYPE_ESP, "10.0.0.1", "10.0.0.2", 0x3001,
	    SADB_SASTATE_MATURE);
	t_add(SADB_SATYPE_ESP, "10.0.0.1", "10.0.0.2", 0x3002,
	    SADB_SASTATE_DYING);
	larval = t_add(SADB_SATYPE_ESP, "10.0.0.1", "10.0.0.2", 0x3003,
	    SADB_SASTATE_LARVAL);
	t_add(SADB_SATYPE_ESP, "10.0.0.2", "10.0.0.1", 0x3004,
	    SADB_SASTATE_MATURE);
	t_add(SADB_SATYPE_AH, "10.0.0.1", "10.0.0.2", 0x3005,
	    SADB_SASTATE_MATURE);
	t_addr(&s, "10.0.0.1");
	t_addr(&d, "10.0.0.2");
	CU_ASSERT_EQUAL(key_sad_delete_all(&s.sa, &d.sa, IPPROTO_ESP), 2);
	CU_ASSERT_EQUAL(key_sad_count(0), 3);
	CU_ASSERT_PTR_EQUAL(key_sad_lookup(&d.sa, IPPROTO_ESP, htonl(0x3003)),
	    larval);
	CU_ASSERT_EQUAL(key_sad_delete_all(&s.sa, &d.sa, IPPROTO_ESP), 0);
	CU_ASSERT_EQUAL(key_sad_delete_all(&s.sa, &d.sa, IPPROTO_AH), 1);
	CU_ASSERT_EQUAL(key_sad_delete_all(&s.sa, NULL, IPPROTO_AH), 0);
}

static void
test_flush_by_satype(void)
{
	t_reset();
	t_add(SADB_SATYPE_ESP, "10.0.0.1", "10.0.0.2", 0x4001,
	    SADB_SASTATE_MATURE);
	t_add(SADB_SATYPE_ESP, "10.0.0.1", "10.0.0.3", 0x4002,
	    SADB_SASTATE_LARVAL);
	t_add(SADB_SATYPE_AH, "10.0.0.1", "10.0.0.2", 0x4003,
	    SADB_SASTATE_MATURE);
	t_add(SADB_X_SATYPE_IPCOMP, "10.0.0.1", "10.0.0.2", 0x4004,
	    SADB_SASTATE_MATURE);
	CU_ASSERT_EQUAL(key_sad_flush(SADB_SATYPE_AH), 1);
	CU_ASSERT_EQUAL(key_sad_count(SADB_SATYPE_AH), 0);
	CU_ASSERT_EQUAL(key_sad_flush(SADB_SATYPE_ESP), 2);
	CU_ASSERT_EQUAL(key_sad_count(0), 1);
	CU_ASSERT_EQUAL(key_sad_flush(SADB_SATYPE_ESP), 0);
	CU_ASSERT_EQUAL(key_sad_flush(0), 1);
	CU_ASSERT_EQUAL(key_sad_count(0), 0);
	CU_ASSERT_PTR_NULL(key_sad_find_larval_seq(0));
}

static void
test_larval_seq(void)
{
	struct ipsec_sa *a, *b;

	t_reset();
	a = t_make(SADB_SATYPE_ESP, "10.0.0.1", "10.0.0.2", 0x5001,
	    SADB_SASTATE_LARVAL);
	a->msg_seq = 77;
	CU_ASSERT_EQUAL(key_sad_insert(a), 0);
	key_sa_put(a);
	b = t_make(SADB_SATYPE_ESP, "10.0.0.1", "10.0.0.2", 0x5002,
	    SADB_SASTATE_LARVAL);
	b->msg_seq = 78;
	CU_ASSERT_EQUAL(key_sad_insert(b), 0);
	key_sa_put(b);
	CU_ASSERT_PTR_EQUAL(key_sad_find_larval_seq(77), a);
	CU_ASSERT_PTR_EQUAL(key_sad_find_larval_seq(78), b);
	CU_ASSERT_PTR_NULL(key_sad_find_larval_seq(79));
	/* Once mature, an SA no longer answers for its acquire. */
	key_sad_set_state(a, SADB_SASTATE_MATURE);
	CU_ASSERT_PTR_NULL(key_sad_find_larval_seq(77));
	key_sad_set_state(a, SADB_SASTATE_LARVAL);
	CU_ASSERT_PTR_EQUAL(key_sad_find_larval_seq(77), a);
	key_sad_remove(b);
	CU_ASSERT_PTR_NULL(key_sad_find_larval_seq(78));
}

/*
 * A snapshot keeps removed SAs valid, but not their keys: those are wiped
 * when the SA leaves the SAD.  The transform goes at the last put, and
 * exactly once.
 */
static void
test_snapshot_refs(void)
{
	static const uint8_t keybytes[20] = { 1, 2, 3, 4, 5 };
	struct ipsec_sa **v, *sa;
	size_t n, i;
	int xform_token;

	t_reset();
	for (i = 0; i < 5; i++) {
		sa = t_add(i == 2 ? SADB_SATYPE_AH : SADB_SATYPE_ESP,
		    "10.0.0.1", "10.0.0.2", 0x6000 + (uint32_t)i,
		    SADB_SASTATE_MATURE);
		sa->xform = &xform_token;
		sa->xform_free = t_xform_free;
		CU_ASSERT_EQUAL(key_sa_set_key(&sa->key_enc, keybytes, 160), 0);
		CU_ASSERT_EQUAL(key_sa_set_ext(sa, KEY_SA_EXT_KMPRIVATE,
		    keybytes, 8), 0);
	}
	CU_ASSERT_EQUAL(key_sad_snapshot(SADB_SATYPE_ESP, &v, &n), 0);
	CU_ASSERT_EQUAL_FATAL(n, 4);
	for (i = 1; i < n; i++)
		CU_ASSERT(ntohl(v[i - 1]->spi) < ntohl(v[i]->spi));
	CU_ASSERT_EQUAL(v[0]->spi, htonl(0x6000));
	CU_ASSERT_EQUAL(v[2]->spi, htonl(0x6003));
	CU_ASSERT_EQUAL(key_sad_flush(0), 5);
	/* The AH SA had no other holder: freed now. */
	CU_ASSERT_EQUAL(t_xform_frees, 1);
	for (i = 0; i < n; i++) {
		CU_ASSERT_EQUAL(v[i]->state, SADB_SASTATE_DEAD);
		CU_ASSERT_EQUAL(v[i]->key_enc.len, 0);
		CU_ASSERT_PTR_NULL(v[i]->key_enc.data);
		CU_ASSERT_PTR_NOT_NULL(key_sa_ext(v[i], KEY_SA_EXT_KMPRIVATE));
	}
	key_sad_snapshot_free(v, n);
	CU_ASSERT_EQUAL(t_xform_frees, 5);
	CU_ASSERT_EQUAL(key_sad_snapshot(0, &v, &n), 0);
	CU_ASSERT_PTR_NULL(v);
	CU_ASSERT_EQUAL(n, 0);
}

/* The transform hook runs before the keys are wiped. */
static int key_seen_by_hook;

static void
hook_reads_key(void *xform)
{
	const struct ipsec_sa *sa = xform;

	key_seen_by_hook = sa->key_enc.data != NULL &&
	    sa->key_enc.data[0] == 0xaa;
}

static void
test_keys_and_exts(void)
{
	static const uint8_t k[3] = { 0xaa, 0xbb, 0xcc };
	struct ipsec_sa *sa;

	t_reset();
	sa = t_make(SADB_SATYPE_ESP, "10.0.0.1", "10.0.0.2", 0x7000,
	    SADB_SASTATE_MATURE);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sa);
	/* 20 bits take 3 bytes. */
	CU_ASSERT_EQUAL(key_sa_set_key(&sa->key_auth, k, 20), 0);
	CU_ASSERT_EQUAL(sa->key_auth.len, 3);
	CU_ASSERT_EQUAL(sa->key_auth.bits, 20);
	CU_ASSERT_EQUAL(key_sa_set_key(&sa->key_auth, NULL, 0), 0);
	CU_ASSERT_PTR_NULL(sa->key_auth.data);
	CU_ASSERT_PTR_NULL(key_sa_ext(sa, KEY_SA_EXT_IDENTITY_SRC));
	CU_ASSERT_EQUAL(key_sa_set_ext(sa, KEY_SA_EXT_IDENTITY_SRC, k, 3), 0);
	CU_ASSERT_EQUAL(key_sa_ext(sa, KEY_SA_EXT_IDENTITY_SRC)->len, 3);
	CU_ASSERT_EQUAL(key_sa_set_ext(sa, KEY_SA_EXT_IDENTITY_SRC, k, 2), 0);
	CU_ASSERT_EQUAL(key_sa_ext(sa, KEY_SA_EXT_IDENTITY_SRC)->len, 2);
	CU_ASSERT_EQUAL(key_sa_set_ext(sa, KEY_SA_EXT_IDENTITY_SRC, NULL, 0),
	    0);
	CU_ASSERT_PTR_NULL(key_sa_ext(sa, KEY_SA_EXT_IDENTITY_SRC));
	CU_ASSERT_EQUAL(key_sa_set_ext(sa, KEY_SA_EXT_COUNT, k, 1), EINVAL);
	CU_ASSERT_EQUAL(key_sa_ext_type(KEY_SA_EXT_NAT_T_OAR),
	    SADB_X_EXT_NAT_T_OAR);
	CU_ASSERT_EQUAL(key_sa_set_key(&sa->key_enc, k, 24), 0);
	sa->xform = sa;
	sa->xform_free = hook_reads_key;
	key_seen_by_hook = 0;
	key_sa_put(sa);
	CU_ASSERT(key_seen_by_hook);
}

static const struct test_case sad_cases[] = {
	{ "insert, lookup, remove (IPv4)", test_insert_lookup_remove_v4 },
	{ "insert, lookup (IPv6)", test_insert_lookup_v6 },
	{ "alloc rejects bad types and addresses", test_alloc_rejects },
	{ "many SAs, close SPIs and addresses", test_many_sas },
	{ "insert/remove churn against a model", test_churn_model },
	{ "getspi ranges", test_getspi_ranges },
	{ "getspi IPComp CPIs", test_getspi_ipcomp },
	{ "getspi exhaustion", test_getspi_exhaustion },
	{ "select, preferred_oldsa 1", test_select_prefer_old },
	{ "select, preferred_oldsa 0", test_select_prefer_new },
	{ "select by mode and reqid", test_select_mode_reqid },
	{ "delete-all of a pair", test_delete_all },
	{ "flush by satype", test_flush_by_satype },
	{ "larval SA by acquire seq", test_larval_seq },
	{ "snapshot keeps removed SAs", test_snapshot_refs },
	{ "keys and extension copies", test_keys_and_exts },
	{ NULL, NULL },
};

const struct test_suite test_suites[] = {
	{ "key_sad", t_suite_init, t_suite_fini, sad_cases },
	{ NULL, NULL, NULL, NULL },
};
