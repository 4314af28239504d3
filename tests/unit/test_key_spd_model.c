/*
 * The indexed SPD against a deliberately naive model: a list of policies in
 * insertion order, scanned linearly with a bit-by-bit prefix matcher, the
 * first of the lowest priority winning.  Random policies (both families,
 * every prefix length, wildcards, priorities, all directions), random
 * packets near them, random deletes, updates and flushes in between; the
 * seed is fixed so that a failure repeats.
 *
 * Then the scale test: KEY_SPD_TEST_POLICIES policies (default 1,000,000;
 * set it lower under sanitizers if memory or time is short) inserted,
 * looked up and snapshotted completely, every entry exactly once.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sys/netkey/key_spd.h"
#include "testlib.h"

#define MODEL_MAX	8192
#define NPROTO		16

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static unsigned int
rnd_below(unsigned int n)
{
	return (unsigned int)(rnd() % n);
}

/* A few prototype addresses per family, so that random prefixes overlap. */
static uint8_t protos[2][NPROTO][16];

static void
protos_reset(void)
{
	unsigned int f, i, b;

	for (f = 0; f < 2; f++)
		for (i = 0; i < NPROTO; i++)
			for (b = 0; b < 16; b++)
				protos[f][i][b] = (uint8_t)rnd();
}

/* A prototype with a few random bits flipped, mostly low ones. */
static void
rnd_addr(int fam, union key_sockaddr *u)
{
	unsigned int alen = fam == 0 ? 4 : 16, flips, bit, i;
	uint8_t a[16];

	memcpy(a, protos[fam][rnd_below(NPROTO)], sizeof(a));
	flips = rnd_below(4);
	for (i = 0; i < flips; i++) {
		bit = rnd_below(2) ? 8 * alen - 1 - rnd_below(8) :
		    rnd_below(8 * alen);
		a[bit / 8] ^= (uint8_t)(0x80 >> (bit % 8));
	}
	memset(u, 0, sizeof(*u));
	if (fam == 0) {
		u->sin.sin_family = AF_INET;
		memcpy(&u->sin.sin_addr, a, 4);
	} else {
		u->sin6.sin6_family = AF_INET6;
		memcpy(&u->sin6.sin6_addr, a, 16);
	}
}

static uint8_t
rnd_plen(int fam)
{
	unsigned int max = fam == 0 ? 32 : 128;

	switch (rnd_below(5)) {
	case 0:
		return 0;
	case 1:
		return (uint8_t)max;
	case 2:
		return (uint8_t)(8 * rnd_below(max / 8 + 1));
	default:
		return (uint8_t)rnd_below(max + 1);
	}
}

static uint8_t
rnd_proto(int fam)
{
	static const uint8_t p[] = { IPSEC_ULPROTO_ANY, IPSEC_ULPROTO_ANY,
	    IPPROTO_TCP, IPPROTO_UDP, 0 };
	uint8_t v = p[rnd_below(sizeof(p))];

	return v != 0 ? v : (fam == 0 ? IPPROTO_ICMP : IPPROTO_ICMPV6);
}

static uint16_t
rnd_port(bool wild)
{
	static const uint16_t p[] = { 1, 2, 80, 500 };

	if (wild && rnd_below(2) == 0)
		return 0;
	return p[rnd_below(4)];
}

static struct ipsec_policy *
rnd_policy(void)
{
	struct ipsec_policy *p = key_policy_new();
	int fam = (int)rnd_below(2);

	CU_ASSERT_FATAL(p != NULL);
	rnd_addr(fam, &p->sel.src);
	rnd_addr(fam, &p->sel.dst);
	p->sel.src_plen = rnd_plen(fam);
	p->sel.dst_plen = rnd_plen(fam);
	p->sel.ul_proto = rnd_proto(fam);
	p->sel.sport = rnd_port(true);
	p->sel.dport = rnd_port(true);
	p->dir = (uint8_t)(IPSEC_DIR_INBOUND + rnd_below(3));
	p->action = (uint8_t)rnd_below(2);
	p->priority = rnd_below(3) != 0 ? 0 : rnd_below(4);
	p->persistent = rnd_below(50) == 0;
	return p;
}

static struct ipsec_policy *model[MODEL_MAX];
static size_t nmodel;
static unsigned long match_disagreements;
static unsigned long model_hits;

/* Drop the policies the SPD no longer holds, keeping insertion order. */
static void
model_sync(void)
{
	size_t i, j = 0;

	for (i = 0; i < nmodel; i++) {
		if (key_policy_linked(model[i]))
			model[j++] = model[i];
		else
			key_policy_put(model[i]);
	}
	nmodel = j;
}

static bool
naive_prefix(const uint8_t *a, const uint8_t *b, unsigned int plen)
{
	unsigned int bit;

	for (bit = 0; bit < plen; bit++)
		if (((a[bit / 8] ^ b[bit / 8]) >> (7 - bit % 8)) & 1)
			return false;
	return true;
}

static const uint8_t *
addr(const struct sockaddr *sa)
{
	const union key_sockaddr *u = (const union key_sockaddr *)sa;

	return sa->sa_family == AF_INET ? (const uint8_t *)&u->sin.sin_addr :
	    u->sin6.sin6_addr.s6_addr;
}

static bool
naive_match(const struct ipsec_policy *p, const struct key_spd_query *q)
{
	const struct ipsec_selector *s = &p->sel;

	return s->src.sa.sa_family == q->src->sa_family &&
	    (s->ul_proto == IPSEC_ULPROTO_ANY || s->ul_proto == q->ul_proto) &&
	    (s->sport == 0 || s->sport == q->sport) &&
	    (s->dport == 0 || s->dport == q->dport) &&
	    naive_prefix(addr(&s->src.sa), addr(q->src), s->src_plen) &&
	    naive_prefix(addr(&s->dst.sa), addr(q->dst), s->dst_plen);
}

static struct ipsec_policy *
model_lookup(uint8_t dir, const struct key_spd_query *q)
{
	struct ipsec_policy *best = NULL;
	bool m;
	size_t i;

	for (i = 0; i < nmodel; i++) {
		if (model[i]->dir != dir)
			continue;
		m = naive_match(model[i], q);
		match_disagreements += m != key_spd_match(model[i], q);
		if (m && (best == NULL || model[i]->priority < best->priority))
			best = model[i];
	}
	return best;
}

static void
model_insert(void)
{
	struct ipsec_policy *p = rnd_policy();
	bool update = rnd_below(4) == 0;
	int error;

	error = key_spd_insert(p, update);
	CU_ASSERT(error == 0 || (error == EEXIST && !update));
	if (error == 0 && nmodel < MODEL_MAX) {
		model_sync();
		model[nmodel++] = p;
	} else
		key_policy_put(p);
}

static void
model_delete(void)
{
	struct ipsec_policy *p;

	if (nmodel == 0)
		return;
	p = model[rnd_below((unsigned int)nmodel)];
	switch (rnd_below(3)) {
	case 0:
		CU_ASSERT(key_spd_delete_id(p->id) == 0);
		break;
	case 1:
		CU_ASSERT(key_spd_delete_selector(p->dir, &p->sel) == 0);
		break;
	default:
		CU_ASSERT(key_spd_delete(p) == 0);
	}
	CU_ASSERT(key_spd_delete(p) == ENOENT);
	model_sync();
}

/*
 * A packet near a prototype; ports from the policies' small set.  One in
 * three repeats the previous packet, as a flow does, so that the index's
 * per-thread memo of its last answer is met across inserts and deletes.
 */
static unsigned long
model_query(void)
{
	static union key_sockaddr s, d;
	static struct key_spd_query q = { &s.sa, &d.sa, 0, 0, 0 };
	static uint8_t dir;
	static bool have;
	struct ipsec_policy *want, *got;
	int fam = (int)rnd_below(2);

	if (!have || rnd_below(3) != 0) {
		dir = (uint8_t)(IPSEC_DIR_INBOUND + rnd_below(3));
		rnd_addr(fam, &s);
		rnd_addr(fam, &d);
		q.ul_proto = rnd_below(8) == 0 ? (uint8_t)rnd() :
		    rnd_proto(fam);
		if (q.ul_proto == IPSEC_ULPROTO_ANY)
			q.ul_proto = IPPROTO_TCP;
		q.sport = rnd_below(8) == 0 ? (uint16_t)rnd() :
		    rnd_port(true);
		q.dport = rnd_below(8) == 0 ? (uint16_t)rnd() :
		    rnd_port(true);
		have = true;
	}
	want = model_lookup(dir, &q);
	got = key_spd_lookup(dir, &q);
	key_policy_put(got);
	model_hits += want != NULL;
	return want != got;
}

static void
test_against_model(void)
{
	unsigned long wrong = 0, queries = 0;
	unsigned int round, i;

	key_spd_fini();
	for (round = 0; round < 40; round++) {
		protos_reset();
		if (round % 7 == 6)
			key_spd_flush();
		model_sync();
		for (i = 0; i < 150; i++)
			model_insert();
		for (i = 0; i < 40; i++)
			model_delete();
		for (i = 0; i < 1500; i++) {
			if (i % 100 == 99)
				model_insert();
			if (i % 150 == 149)
				model_delete();
			wrong += model_query();
			queries++;
		}
		CU_ASSERT(key_spd_count(IPSEC_DIR_ANY) == nmodel);
	}
	/* Enough packets hit something for the test not to be vacuous. */
	CU_ASSERT(model_hits > queries / 5);
	CU_ASSERT(model_hits < queries);
	CU_ASSERT(wrong == 0);
	CU_ASSERT(match_disagreements == 0);
	fprintf(stderr, "spd model: %lu lookups, %lu hits, %lu differ\n",
	    queries, model_hits, wrong);
	key_spd_fini();
	model_sync();
}

static void
host_policy(struct ipsec_policy *p, uint32_t i)
{
	uint32_t s = htonl(0x0a000000u + i), d = htonl(0xac100000u + i);

	p->sel.src.sin.sin_family = AF_INET;
	p->sel.dst.sin.sin_family = AF_INET;
	memcpy(&p->sel.src.sin.sin_addr, &s, 4);
	memcpy(&p->sel.dst.sin.sin_addr, &d, 4);
	p->sel.src_plen = 32;
	p->sel.dst_plen = i % 3 == 0 ? 24 : 32;
	p->sel.ul_proto = i % 2 == 0 ? IPPROTO_TCP : IPSEC_ULPROTO_ANY;
	p->sel.dport = i % 5 == 0 ? 443 : 0;
	p->dir = IPSEC_DIR_OUTBOUND;
	p->action = IPSEC_POLICY_NONE;
}

static uint32_t
policy_count(void)
{
	const char *env = getenv("KEY_SPD_TEST_POLICIES");

	return env != NULL ? (uint32_t)strtoul(env, NULL, 10) : 1000000;
}

static void
test_million(void)
{
	struct key_spd_snapshot snap;
	struct ipsec_policy *p, *hit;
	union key_sockaddr s, d;
	struct key_spd_query q = { &s.sa, &d.sa, IPPROTO_TCP, 1000, 443 };
	uint32_t n = policy_count(), i, bad = 0, first = 0;
	clock_t t0 = clock();

	key_spd_fini();
	for (i = 0; i < n; i++) {
		p = key_policy_new();
		CU_ASSERT_FATAL(p != NULL);
		host_policy(p, i);
		bad += key_spd_insert(p, false) != 0;
		if (i == 0)
			first = p->id;
		/* Check a sample of lookups as the table grows. */
		if (i % 997 == 0) {
			s = p->sel.src;
			d = p->sel.dst;
			hit = key_spd_lookup(IPSEC_DIR_OUTBOUND, &q);
			bad += hit != p;
			key_policy_put(hit);
		}
		key_policy_put(p);
	}
	CU_ASSERT(bad == 0);
	CU_ASSERT_FATAL(key_spd_count(IPSEC_DIR_OUTBOUND) == n);
	CU_ASSERT_FATAL(key_spd_snapshot(IPSEC_DIR_ANY, &snap) == 0);
	CU_ASSERT_FATAL(snap.count == n);
	/* Insertion order, every id once, each policy still in the SPD. */
	for (i = 0; i < n; i++)
		bad += snap.policies[i]->id != first + i ||
		    !key_policy_linked(snap.policies[i]) ||
		    snap.policies[i]->refcnt != 2;
	CU_ASSERT(bad == 0);
	key_spd_snapshot_free(&snap);
	key_spd_fini();
	fprintf(stderr, "spd: %u policies inserted, dumped, freed in %.2f s\n",
	    n, (double)(clock() - t0) / CLOCKS_PER_SEC);
}

static int
suite_fini(void)
{
	key_spd_fini();
	return 0;
}

static const struct test_case model_cases[] = {
	{ "indexed lookup equals the naive model", test_against_model },
	{ "a million policies inserted and snapshotted", test_million },
	{ NULL, NULL }
};

const struct test_suite test_suites[] = {
	{ "key_spd_model", NULL, suite_fini, model_cases },
	{ NULL, NULL, NULL, NULL }
};
