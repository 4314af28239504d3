/*
 * The SAD at scale: 1,000,000 SAs inserted, each found by SPI, dumped
 * through a snapshot that holds every SA exactly once in insertion order,
 * then flushed.  KEY_SAD_SCALE_N overrides the count (default 1,000,000
 * in every build: about 1.5 s plain and 4 s under AddressSanitizer, with
 * some 370 MB resident in the plain build).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "test_key_sad_util.h"
#include "testlib.h"

#define SCALE_DEFAULT	1000000

static size_t
scale_n(void)
{
	const char *s = getenv("KEY_SAD_SCALE_N");
	long v;

	if (s == NULL)
		return SCALE_DEFAULT;
	v = strtol(s, NULL, 10);
	return v > 0 ? (size_t)v : SCALE_DEFAULT;
}

static double
elapsed(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/*
 * SA i: destination 10.x.y.z or 2001:db8::x:y (every fourth one IPv6),
 * 64 SAs per destination, SPI 0x1000 + i so that it names i.
 */
static struct ipsec_sa *
scale_sa(size_t i)
{
	union key_sockaddr s, d;
	struct ipsec_sa *sa;
	uint32_t host = (uint32_t)(i / 64);

	if (i % 4 == 3) {
		t_addr(&s, "2001:db8::1");
		t_addr(&d, "2001:db8::");
		d.sin6.sin6_addr.s6_addr[14] = (uint8_t)(host >> 8);
		d.sin6.sin6_addr.s6_addr[15] = (uint8_t)host;
		d.sin6.sin6_addr.s6_addr[13] = (uint8_t)(host >> 16);
	} else {
		t_addr(&s, "192.0.2.1");
		d.sin.sin_family = AF_INET;
		d.sin.sin_addr.s_addr = htonl(0x0a000000 | host);
	}
	sa = key_sa_alloc(SADB_SATYPE_ESP, &s.sa, &d.sa);
	if (sa != NULL) {
		sa->spi = htonl(0x1000 + (uint32_t)i);
		sa->state = SADB_SASTATE_MATURE;
	}
	return sa;
}

static void
test_million(void)
{
	struct ipsec_sa **v, *sa;
	struct timespec t0;
	size_t n = scale_n(), i, got, bad = 0;
	uint8_t *seen;

	t_reset();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		sa = scale_sa(i);
		if (sa == NULL || key_sad_insert(sa) != 0)
			bad++;
		key_sa_put(sa);
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL_FATAL(key_sad_count(0), n);
	printf("\n  %zu SAs inserted in %.2f s", n, elapsed(&t0));

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		struct ipsec_sa *probe = scale_sa(i);

		sa = key_sad_lookup(&probe->dst.sa, IPPROTO_ESP, probe->spi);
		if (sa == NULL || sa->spi != probe->spi)
			bad++;
		key_sa_put(probe);
	}
	CU_ASSERT_EQUAL(bad, 0);
	printf(", looked up in %.2f s", elapsed(&t0));

	clock_gettime(CLOCK_MONOTONIC, &t0);
	CU_ASSERT_EQUAL_FATAL(key_sad_snapshot(0, &v, &got), 0);
	CU_ASSERT_EQUAL_FATAL(got, n);
	seen = calloc(n, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(seen);
	for (i = 0; i < got; i++) {
		size_t idx = ntohl(v[i]->spi) - 0x1000;

		if (idx >= n || seen[idx] || idx != i)
			bad++;
		else
			seen[idx] = 1;
	}
	CU_ASSERT_EQUAL(bad, 0);
	free(seen);
	/* Flushed while the dump is in progress: the dump stays valid. */
	CU_ASSERT_EQUAL(key_sad_flush(0), n);
	CU_ASSERT_EQUAL(key_sad_count(0), 0);
	for (i = 0; i < got; i++)
		if (v[i]->state != SADB_SASTATE_DEAD || v[i]->refcnt != 1)
			bad++;
	CU_ASSERT_EQUAL(bad, 0);
	key_sad_snapshot_free(v, got);
	printf(", snapshot and flush in %.2f s\n", elapsed(&t0));
}

/* A timer tick over a full table without limits changes nothing. */
static void
test_timer_large(void)
{
	struct ipsec_sa *sa;
	size_t n = scale_n() / 10, i;

	t_reset();
	for (i = 0; i < n; i++) {
		sa = scale_sa(i);
		key_sad_insert(sa);
		key_sa_put(sa);
	}
	net_clock_advance(3600);
	key_sad_timer();
	CU_ASSERT_EQUAL(key_sad_count(0), n);
	CU_ASSERT_EQUAL(t_nevents, 0);
	key_sad_flush(0);
}

static const struct test_case scale_cases[] = {
	{ "1,000,000 SAs: insert, lookup, snapshot, flush", test_million },
	{ "timer over a large table", test_timer_large },
	{ NULL, NULL },
};

const struct test_suite test_suites[] = {
	{ "key_sad scale", t_suite_init, t_suite_fini, scale_cases },
	{ NULL, NULL, NULL, NULL },
};
