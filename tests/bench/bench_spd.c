/*
 * SPD lookup cost against table size.  Builds SPDs of 10, 1,000 and
 * 100,000 outbound policies of mixed, realistic shapes (host to host,
 * subnet to subnet, with and without protocol and ports, IPv4 and IPv6),
 * then times lookups of packets that hit a policy and of packets that
 * miss them all.
 *
 * Sizes are compared with the same access pattern: the packets go to a
 * fixed random set of active policies (10, or 1,000), in random order,
 * and the same number of policies is active in the small SPD and in the
 * one of 100,000.  That ratio is what the SPD's size costs (groups,
 * probes, the slots' spread), issue 13's target (at most 1.5x for hits
 * and for misses).  Packets to all 100,000 policies are timed too, but
 * not held to a target: their working set is out of every cache, which
 * any structure would pay.  Last, the memory one policy takes with
 * 1,000,000 in the SPD, from malloc's own accounting (mallinfo2 before
 * and after; the requests are inline, so an IPsec policy takes what
 * these do).
 *
 * Each figure is the best of several runs, in CPU time of this thread,
 * which filters out other load on the machine.
 */
#include <arpa/inet.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sys/netkey/key_spd.h"

#define NQUERIES	4096
#define ROUNDS		64
#define RUNS		7
#define NTEMPLATES	8
#define MEM_COUNT	1000000

/* One policy shape: family, prefixes, protocol, ports. */
struct template {
	int		family;
	uint8_t		src_plen;
	uint8_t		dst_plen;
	uint8_t		proto;
	uint16_t	sport;
	uint16_t	dport;
};

static const struct template templates[NTEMPLATES] = {
	{ AF_INET, 32, 32, IPSEC_ULPROTO_ANY, 0, 0 },	/* host to host */
	{ AF_INET, 32, 32, IPPROTO_TCP, 0, 443 },	/* one service */
	{ AF_INET, 24, 24, IPSEC_ULPROTO_ANY, 0, 0 },	/* site to site */
	{ AF_INET, 16, 24, IPSEC_ULPROTO_ANY, 0, 0 },
	{ AF_INET, 24, 32, IPPROTO_UDP, 500, 500 },	/* IKE bypass */
	{ AF_INET6, 128, 128, IPSEC_ULPROTO_ANY, 0, 0 },
	{ AF_INET6, 64, 64, IPSEC_ULPROTO_ANY, 0, 0 },
	{ AF_INET6, 48, 64, IPPROTO_TCP, 0, 22 },
};

struct query {
	union key_sockaddr	src;
	union key_sockaddr	dst;
	struct key_spd_query	q;
};

#define BIG		100000
#define MAXQUERIES	(2 * BIG)

static struct query queries[MAXQUERIES];
static uint32_t active_ids[BIG];
static size_t nq;
static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/*
 * The address of policy i.  Every policy has a destination network of its
 * own (172.0.0.0 + i * 256, or 2001:db8:{8}i::/64), so no two overlap and
 * a destination past the last policy misses them all.  Sources overlap
 * freely.  Packets get random host bits where the prefix leaves some.
 */
static void
policy_addr(union key_sockaddr *u, int family, uint32_t i, bool dst,
    uint8_t plen_for_host_bits)
{
	uint32_t v4 = (dst ? 0xac000000u : 0x0a000000u) + (i << 8);
	uint8_t *a6 = u->sin6.sin6_addr.s6_addr;
	uint64_t r = rnd();

	memset(u, 0, sizeof(*u));
	if (family == AF_INET) {
		if (plen_for_host_bits < 32)
			v4 += (uint32_t)r & 0xff;
		u->sin.sin_family = AF_INET;
		u->sin.sin_addr.s_addr = htonl(v4);
		return;
	}
	u->sin6.sin6_family = AF_INET6;
	a6[0] = 0x20;
	a6[1] = 0x01;
	a6[2] = 0x0d;
	a6[3] = 0xb8;
	a6[4] = (uint8_t)(i >> 16) | (dst ? 0x80 : 0);
	a6[5] = (uint8_t)(i >> 8);
	a6[6] = (uint8_t)i;
	if (plen_for_host_bits < 128)
		memcpy(&a6[8], &r, 8);
}

static void
build(uint32_t n)
{
	const struct template *t;
	struct ipsec_policy *p;
	uint32_t i;

	key_spd_fini();
	for (i = 0; i < n; i++) {
		t = &templates[i % NTEMPLATES];
		p = key_policy_new();
		if (p == NULL)
			abort();
		policy_addr(&p->sel.src, t->family, i, false, 128);
		policy_addr(&p->sel.dst, t->family, i, true, 128);
		p->sel.src_plen = t->src_plen;
		p->sel.dst_plen = t->dst_plen;
		p->sel.ul_proto = t->proto;
		p->sel.sport = t->sport;
		p->sel.dport = t->dport;
		p->dir = IPSEC_DIR_OUTBOUND;
		p->action = IPSEC_POLICY_NONE;
		if (key_spd_insert(p, false) != 0)
			abort();
		key_policy_put(p);
	}
}

/*
 * Packets inside the policies of a random active set of `active' of the
 * n, or (miss) just outside all of them: 4096 packets, or two for every
 * active policy when there are more.
 */
static void
make_queries(uint32_t n, uint32_t active, bool miss)
{
	const struct template *t;
	struct query *x;
	uint32_t i, k;

	for (k = 0; k < active; k++)
		active_ids[k] = active == n ? k : (uint32_t)(rnd() % n);
	nq = active > NQUERIES / 2 ? 2 * (size_t)active : NQUERIES;
	for (k = 0; k < nq; k++) {
		x = &queries[k];
		i = active_ids[rnd() % active];
		t = &templates[i % NTEMPLATES];
		/* A policy number past the table lands in nobody's prefix. */
		policy_addr(&x->src, t->family, i, false, t->src_plen);
		policy_addr(&x->dst, t->family, miss ? i + n + NTEMPLATES : i,
		    true, t->dst_plen);
		x->q.src = &x->src.sa;
		x->q.dst = &x->dst.sa;
		x->q.ul_proto = t->proto != IPSEC_ULPROTO_ANY ? t->proto :
		    IPPROTO_TCP;
		x->q.sport = t->sport != 0 ? t->sport : 40000;
		x->q.dport = t->dport != 0 ? t->dport : 8080;
	}
}

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Best average ns per lookup over RUNS runs; checks hit or miss. */
static double
time_lookups(bool miss)
{
	struct ipsec_policy *p;
	double best = 1e30, t0, ns;
	unsigned int run, round, wrong = 0;
	unsigned int rounds = (unsigned int)(ROUNDS * NQUERIES / nq);
	size_t k;

	for (run = 0; run < RUNS; run++) {
		t0 = now_ns();
		for (round = 0; round < rounds; round++)
			for (k = 0; k < nq; k++) {
				p = key_spd_lookup(IPSEC_DIR_OUTBOUND,
				    &queries[k].q);
				wrong += (p == NULL) != miss;
				key_policy_put(p);
			}
		ns = (now_ns() - t0) / ((double)rounds * nq);
		if (ns < best)
			best = ns;
	}
	if (wrong != 0) {
		fprintf(stderr, "bench_spd: %u lookups gave the wrong answer\n",
		    wrong);
		exit(1);
	}
	return best;
}

/* Bytes malloc holds per policy with n in the SPD. */
static double
bytes_per_policy(uint32_t n)
{
	struct mallinfo2 m0, m1;

	key_spd_fini();
	m0 = mallinfo2();
	build(n);
	m1 = mallinfo2();
	key_spd_fini();
	return ((double)(m1.uordblks + m1.hblkhd) -
	    (double)(m0.uordblks + m0.hblkhd)) / (double)n;
}

/* Hit and miss ns with `active' of n policies active. */
static void
time_both(uint32_t n, uint32_t active, double *hit, double *miss)
{
	make_queries(n, active, false);
	*hit = time_lookups(false);
	make_queries(n, active, true);
	*miss = time_lookups(true);
}

int
main(void)
{
	static const uint32_t actives[] = { 10, 1000 };
	double hit[2], miss[2], hit_big[2], miss_big[2], hit_all, miss_all;
	unsigned int s;

	for (s = 0; s < 2; s++) {
		build(actives[s]);
		time_both(actives[s], actives[s], &hit[s], &miss[s]);
	}
	build(BIG);
	for (s = 0; s < 2; s++)
		time_both(BIG, actives[s], &hit_big[s], &miss_big[s]);
	time_both(BIG, BIG, &hit_all, &miss_all);
	key_spd_fini();
	printf("SPD lookup, %d selector shapes, outbound, best of %d runs, "
	    "ns\n", NTEMPLATES, RUNS);
	printf("%8s %10s %10s %12s %12s %6s %6s\n", "active", "hit SPD=",
	    "miss SPD=", "hit 100000", "miss 100000", "hit x", "miss x");
	for (s = 0; s < 2; s++)
		printf("%8u %10.1f %10.1f %12.1f %12.1f %6.2f %6.2f\n",
		    actives[s], hit[s], miss[s], hit_big[s], miss_big[s],
		    hit_big[s] / hit[s], miss_big[s] / miss[s]);
	for (s = 0; s < 2; s++)
		printf("ratio 100000/%u, same %u active: hit %.2f, miss %.2f "
		    "(target <= 1.50: %s)\n", actives[s], actives[s],
		    hit_big[s] / hit[s], miss_big[s] / miss[s],
		    hit_big[s] / hit[s] <= 1.5 && miss_big[s] / miss[s] <= 1.5 ?
		    "met" : "NOT met");
	printf("all %d active (out of cache, memory-bound, no target): hit "
	    "%.1f, miss %.1f\n", BIG, hit_all, miss_all);
	printf("memory per policy at %d policies: %.0f bytes\n", MEM_COUNT,
	    bytes_per_policy(MEM_COUNT));
	return 0;
}
