/*
 * The big-endian loads and stores of sys/net/net_endian.h, at every
 * offset of a buffer (packets put fields at odd addresses), against the
 * network byte order written out byte by byte: the most significant byte
 * first (RFC 791 appendix B, RFC 1700 "Data Notations").
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sys/net/net_endian.h"
#include "testlib.h"

/* A deliberately naive reference: one byte at a time, most significant. */
static uint64_t
naive_get(const uint8_t *p, size_t n)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v * 256 + p[i];
	return v;
}

static void
naive_put(uint8_t *p, size_t n, uint64_t v)
{
	size_t i;

	for (i = n; i > 0; i--) {
		p[i - 1] = (uint8_t)(v % 256);
		v /= 256;
	}
}

static void
test_known_bytes(void)
{
	static const uint8_t b[8] = {
		0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef
	};
	uint8_t out[8];

	CU_ASSERT_EQUAL(be_get16(b), 0x0123);
	CU_ASSERT_EQUAL(be_get32(b), 0x01234567u);
	CU_ASSERT_EQUAL(be_get64(b), 0x0123456789abcdefULL);
	memset(out, 0, sizeof(out));
	be_put64(out, 0x0123456789abcdefULL);
	CU_ASSERT(memcmp(out, b, 8) == 0);
	memset(out, 0, sizeof(out));
	be_put32(out, 0x01234567u);
	CU_ASSERT(memcmp(out, b, 4) == 0);
	be_put16(out + 4, 0x89ab);
	CU_ASSERT(memcmp(out, b, 6) == 0);
}

/*
 * Random values at offsets 0..7 of a guarded buffer: the load matches
 * the reference, the store writes exactly the field's bytes.
 */
static void
test_every_offset(void)
{
	static const size_t width[] = { 2, 4, 8 };
	uint8_t buf[24], want[24];
	unsigned int seed = 13, round;
	size_t off, w, i;
	uint64_t v;

	for (round = 0; round < 200; round++) {
		for (w = 0; w < 3; w++) {
			for (off = 0; off < 8; off++) {
				for (i = 0; i < sizeof(buf); i++)
					buf[i] = (uint8_t)rand_r(&seed);
				memcpy(want, buf, sizeof(buf));
				v = (uint64_t)rand_r(&seed) << 40 ^
				    (uint64_t)rand_r(&seed) << 20 ^
				    (uint64_t)rand_r(&seed);
				if (width[w] < 8)
					v &= (1ULL << (8 * width[w])) - 1;
				naive_put(want + 8 + off, width[w], v);
				if (width[w] == 2) {
					be_put16(buf + 8 + off, (uint16_t)v);
					CU_ASSERT_EQUAL(be_get16(want + 8 +
					    off), v);
				} else if (width[w] == 4) {
					be_put32(buf + 8 + off, (uint32_t)v);
					CU_ASSERT_EQUAL(be_get32(want + 8 +
					    off), v);
				} else {
					be_put64(buf + 8 + off, v);
					CU_ASSERT_EQUAL(be_get64(want + 8 +
					    off), v);
				}
				CU_ASSERT(memcmp(buf, want, sizeof(buf)) == 0);
				CU_ASSERT_EQUAL(naive_get(buf + 8 + off,
				    width[w]), v);
			}
		}
	}
}

static const struct test_case endian_cases[] = {
	{ "known bytes", test_known_bytes },
	{ "every offset against a byte-wise reference", test_every_offset },
	{ NULL, NULL },
};

const struct test_suite test_suites[] = {
	{ "net_endian", NULL, NULL, endian_cases },
	{ NULL, NULL, NULL, NULL },
};
