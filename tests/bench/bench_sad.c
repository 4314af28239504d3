/*
 * The SAD by size: the cost of an inbound lookup by SPI (key_sad_lookup,
 * what every ESP packet from the wire pays) with 100,000 SAs against 1,
 * and the memory one SA takes with 1,000,000 in the SAD, from malloc's
 * own accounting (mallinfo2 before and after).
 *
 * The SAs are ESP, AES-128-GCM keyed, between 1,000 peers and one local
 * address, with random distinct SPIs; the lookups take SAs in random
 * order, so the large SAD is measured out of cache, as a busy gateway
 * sees it.  An entry's memory is the SA, its key bytes and the SAD's
 * indices; the transform state ipsec_xform_install adds at SADB_ADD
 * (OpenSSL's cipher contexts) is printed on its own, measured on 10,000
 * SAs.  Times are CPU time of this thread, best of several runs.  Issue
 * 13's target: 100,000 SAs at most 1.3x the cost of 1.
 */
#include <arpa/inet.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "net/pfkeyv2.h"
#include "sys/crypto/crypto.h"
#include "sys/netipsec/ipsec_xform.h"
#include "sys/netkey/key_sa.h"
#include "sys/netkey/key_sad.h"

#define NQUERIES	4096
#define ROUNDS		64
#define RUNS		7
#define NPEERS		1000
#define MEM_COUNT	1000000
#define XFORM_COUNT	10000

static const uint8_t key[20] = { 0x11, 0x22, 0x33, 0x44, 0x55 };
static struct ipsec_sa **sas;
static struct sockaddr_in dsts[NQUERIES];
static uint32_t spis[NQUERIES];
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
peer(struct sockaddr_in *sin, size_t i)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(0x0a000000u | (uint32_t)(i % NPEERS));
}

/* One SA from peer i to us, SPI chosen at random until free. */
static struct ipsec_sa *
make_sa(size_t i)
{
	struct sockaddr_in src, dst;
	struct ipsec_sa *sa;

	peer(&src, i);
	memset(&dst, 0, sizeof(dst));
	dst.sin_family = AF_INET;
	dst.sin_addr.s_addr = htonl(0xc0a80001u);
	sa = key_sa_alloc(SADB_SATYPE_ESP, (struct sockaddr *)&src,
	    (struct sockaddr *)&dst);
	if (sa == NULL || key_sa_set_key(&sa->key_enc, key, 160) != 0)
		exit(1);
	sa->state = SADB_SASTATE_MATURE;
	sa->alg_enc = SADB_X_EALG_AESGCM16;
	do
		sa->spi = htonl((uint32_t)rnd() | 0x1000);
	while (key_sad_insert(sa) != 0);
	return sa;
}

static void
fill(size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sas[i] = make_sa(i);
}

static void
drain(size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		key_sad_remove(sas[i]);
		key_sa_put(sas[i]);
	}
}

/* Best ns per lookup over the queries, n SAs in the SAD. */
static double
time_lookups(size_t n)
{
	double t0, t, best = 0;
	unsigned long bad = 0;
	int r, k;
	size_t q;

	for (q = 0; q < NQUERIES; q++) {
		const struct ipsec_sa *sa = sas[rnd() % n];

		memcpy(&dsts[q], &sa->dst, sizeof(dsts[q]));
		spis[q] = sa->spi;
	}
	for (r = 0; r < RUNS; r++) {
		t0 = cpu_now();
		for (k = 0; k < ROUNDS; k++)
			for (q = 0; q < NQUERIES; q++)
				if (key_sad_lookup((struct sockaddr *)&dsts[q],
				    IPPROTO_ESP, spis[q]) == NULL)
					bad++;
		t = (cpu_now() - t0) * 1e9 / ((double)ROUNDS * NQUERIES);
		if (best == 0 || t < best)
			best = t;
	}
	if (bad != 0) {
		fprintf(stderr, "bench_sad: %lu lookups missed\n", bad);
		exit(1);
	}
	return best;
}

/* Bytes malloc holds for n SAs (install: with transform state). */
static double
bytes_per_sa(size_t n, bool install)
{
	struct mallinfo2 m0, m1;
	size_t i;

	m0 = mallinfo2();
	fill(n);
	for (i = 0; install && i < n; i++)
		if (ipsec_xform_install(sas[i]) != 0)
			exit(1);
	m1 = mallinfo2();
	drain(n);
	return ((double)(m1.uordblks + m1.hblkhd) -
	    (double)(m0.uordblks + m0.hblkhd)) / (double)n;
}

int
main(void)
{
	double one, big, entry, full;

	sas = calloc(MEM_COUNT, sizeof(*sas));
	if (sas == NULL || crypto_init() != 0 || key_sad_init() != 0)
		return 1;
	fill(1);
	one = time_lookups(1);
	drain(1);
	fill(100000);
	big = time_lookups(100000);
	drain(100000);
	printf("SAD lookup by SPI, best of %d runs (CPU time)\n", RUNS);
	printf("%10s %12s\n", "SAs", "lookup ns");
	printf("%10d %12.1f\n%10d %12.1f\n", 1, one, 100000, big);
	printf("ratio 100000/1: %.2f (target <= 1.30: %s)\n", big / one,
	    big / one <= 1.3 ? "met" : "NOT met");
	entry = bytes_per_sa(MEM_COUNT, false);
	full = bytes_per_sa(XFORM_COUNT, true);
	printf("memory per SA at %d SAs: %.0f bytes (SA, key, indices)\n",
	    MEM_COUNT, entry);
	printf("with its aes-gcm-16 transform state (%d SAs): %.0f bytes\n",
	    XFORM_COUNT, full);
	key_sad_fini();
	crypto_fini();
	free(sas);
	return 0;
}
