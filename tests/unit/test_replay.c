/*
 * Anti-replay windows against a deliberately naive model: the set of
 * numbers accepted so far (a sorted array searched linearly) and the
 * highest of them.  The model judges a number the way RFC 4303 3.4.3
 * words it: new if above the highest, too old if at least a window below
 * it, a duplicate if in the set.  Random walks of sequence numbers (mostly
 * forward, with jumps, reorders and replays) must get the same verdict
 * from both, for window sizes from 1 to the maximum, for 32-bit numbers
 * and for ESN across 2^32 boundaries, where the model is told the full
 * number and the window must infer it from the low half.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys/netipsec/replay.h"
#include "testlib.h"

struct model {
	uint64_t *seen;
	size_t	  n, cap;
	uint64_t  top;
	uint32_t  size;
};

static bool
model_seen(const struct model *m, uint64_t s)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (m->seen[i] == s)
			return true;
	return false;
}

static enum ipsec_replay_status
model_check(const struct model *m, uint64_t s)
{
	if (s == 0)
		return IPSEC_REPLAY_ZERO;
	if (s > m->top)
		return IPSEC_REPLAY_OK;
	if (m->top - s >= m->size)
		return IPSEC_REPLAY_OLD;
	return model_seen(m, s) ? IPSEC_REPLAY_DUP : IPSEC_REPLAY_OK;
}

/* Keep only what can still matter: numbers inside the window. */
static void
model_commit(struct model *m, uint64_t s)
{
	size_t i, j;

	if (s > m->top)
		m->top = s;
	if (m->n == m->cap) {
		for (i = j = 0; i < m->n; i++)
			if (m->top - m->seen[i] < m->size)
				m->seen[j++] = m->seen[i];
		m->n = j;
	}
	if (m->n == m->cap) {
		m->cap = m->cap * 2 + 64;
		m->seen = realloc(m->seen, m->cap * sizeof(uint64_t));
	}
	m->seen[m->n++] = s;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* The next number a sender/network would deliver, near the top. */
static uint64_t
next_number(uint64_t top, uint32_t size)
{
	uint64_t r = rng() % 100, d;

	if (r < 60)
		return top + 1 + rng() % 4;
	if (r < 70)
		return top + 1 + rng() % (4 * (uint64_t)size + 8);
	d = rng() % (2 * (uint64_t)size + 8);
	return d >= top ? top + 1 : top - d;
}

static void
run_walk(uint32_t size, bool esn, uint64_t start, int steps)
{
	struct ipsec_replay *rp = ipsec_replay_new(size, esn);
	struct model m = { .size = size, .top = start };
	enum ipsec_replay_status got, want;
	uint64_t s, full;
	int i, mismatches = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(rp);
	ipsec_replay_reset(rp, start);
	if (start != 0)
		model_commit(&m, start);
	for (i = 0; i < steps; i++) {
		s = next_number(m.top, size);
		if (!esn)
			s &= 0xffffffffu;
		want = model_check(&m, s);
		got = ipsec_replay_check(rp, (uint32_t)s, &full);
		/*
		 * With ESN, a number left of the window is placed in the
		 * next epoch (RFC 4303 A2.2): it passes the check as another
		 * number, whose ICV then fails.  Never as itself.
		 */
		if (esn && want == IPSEC_REPLAY_OLD && got == IPSEC_REPLAY_OK &&
		    full != s)
			got = IPSEC_REPLAY_OLD;
		if (got != want || (want == IPSEC_REPLAY_OK && full != s)) {
			if (mismatches++ == 0)
				fprintf(stderr, "size %u top %llx s %llx "
				    "got %d want %d full %llx\n", size,
				    (unsigned long long)m.top,
				    (unsigned long long)s, got, want,
				    (unsigned long long)full);
		}
		if (want == IPSEC_REPLAY_OK && rng() % 8 != 0) {
			ipsec_replay_commit(rp, full);
			model_commit(&m, s);
		}
		CU_ASSERT_EQUAL(ipsec_replay_top(rp), m.top);
	}
	CU_ASSERT_EQUAL(mismatches, 0);
	free(m.seen);
	ipsec_replay_free(rp);
}

static void
test_model_32(void)
{
	static const uint32_t sizes[] = { 1, 2, 32, 63, 64, 65, 128, 1000,
	    2040, 4096, 32768, IPSEC_REPLAY_MAX };
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		run_walk(sizes[i], false, 0, 20000);
		/* At the end of the 32-bit space nothing wraps around. */
		run_walk(sizes[i], false, 0xffffff00u, 2000);
	}
}

static void
test_model_esn(void)
{
	static const uint32_t sizes[] = { 1, 64, 100, 4096, 32768 };
	size_t i;

	/* Start just below an epoch boundary, and at the end of epoch 0x7f. */
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		run_walk(sizes[i], true, 0xfffff000u, 20000);
		run_walk(sizes[i], true, 0x7fffffff00ULL, 20000);
		run_walk(sizes[i], true, 0, 5000);
	}
}

static void
test_basic(void)
{
	struct ipsec_replay *rp = ipsec_replay_new(64, false);
	uint64_t s;

	CU_ASSERT_PTR_NOT_NULL_FATAL(rp);
	CU_ASSERT_EQUAL(ipsec_replay_size(rp), 64);
	CU_ASSERT_EQUAL(ipsec_replay_check(rp, 0, &s), IPSEC_REPLAY_ZERO);
	CU_ASSERT_EQUAL(ipsec_replay_check(rp, 1, &s), IPSEC_REPLAY_OK);
	CU_ASSERT_EQUAL(s, 1);
	/* Checking does not record. */
	CU_ASSERT_EQUAL(ipsec_replay_check(rp, 1, &s), IPSEC_REPLAY_OK);
	ipsec_replay_commit(rp, 1);
	CU_ASSERT_EQUAL(ipsec_replay_check(rp, 1, &s), IPSEC_REPLAY_DUP);
	ipsec_replay_commit(rp, 100);
	CU_ASSERT_EQUAL(ipsec_replay_check(rp, 36, &s), IPSEC_REPLAY_OLD);
	CU_ASSERT_EQUAL(ipsec_replay_check(rp, 37, &s), IPSEC_REPLAY_OK);
	CU_ASSERT_EQUAL(ipsec_replay_check(rp, 100, &s), IPSEC_REPLAY_DUP);
	/* The last 32-bit number is accepted once. */
	ipsec_replay_commit(rp, 0xffffffffu);
	CU_ASSERT_EQUAL(ipsec_replay_check(rp, 0xffffffffu, &s),
	    IPSEC_REPLAY_DUP);
	CU_ASSERT_EQUAL(ipsec_replay_check(rp, 1, &s), IPSEC_REPLAY_OLD);
	ipsec_replay_free(rp);
}

static void
test_esn_infer(void)
{
	struct ipsec_replay *rp = ipsec_replay_new(64, true);
	uint64_t s;

	CU_ASSERT_PTR_NOT_NULL_FATAL(rp);
	/* Top at the end of epoch 0x87654320: low 0 is the next epoch. */
	ipsec_replay_reset(rp, 0x87654320ffffffffULL);
	CU_ASSERT_EQUAL(ipsec_replay_check(rp, 0, &s), IPSEC_REPLAY_OK);
	CU_ASSERT_EQUAL(s, 0x8765432100000000ULL);
	CU_ASSERT_EQUAL(ipsec_replay_check(rp, 0xfffffff0u, &s),
	    IPSEC_REPLAY_OK);
	CU_ASSERT_EQUAL(s, 0x87654320fffffff0ULL);
	ipsec_replay_commit(rp, 0x8765432100000005ULL);
	/* Window straddles the boundary: high low halves are epoch - 1. */
	CU_ASSERT_EQUAL(ipsec_replay_check(rp, 0xfffffff0u, &s),
	    IPSEC_REPLAY_OK);
	CU_ASSERT_EQUAL(s, 0x87654320fffffff0ULL);
	CU_ASSERT_EQUAL(ipsec_replay_check(rp, 0xffffffffu, &s),
	    IPSEC_REPLAY_DUP);
	CU_ASSERT_EQUAL(ipsec_replay_check(rp, 6, &s), IPSEC_REPLAY_OK);
	CU_ASSERT_EQUAL(s, 0x8765432100000006ULL);
	/* Full number 0 never appears. */
	ipsec_replay_reset(rp, 0);
	CU_ASSERT_EQUAL(ipsec_replay_check(rp, 0, &s), IPSEC_REPLAY_ZERO);
	ipsec_replay_free(rp);
}

static void
test_no_window(void)
{
	struct ipsec_replay *rp = ipsec_replay_new(0, true);
	uint64_t s;

	CU_ASSERT_PTR_NOT_NULL_FATAL(rp);
	ipsec_replay_commit(rp, 5);
	/* No window: a replay passes, but ESN still infers. */
	CU_ASSERT_EQUAL(ipsec_replay_check(rp, 5, &s), IPSEC_REPLAY_OK);
	ipsec_replay_reset(rp, 0x1fffffff0ULL);
	CU_ASSERT_EQUAL(ipsec_replay_check(rp, 3, &s), IPSEC_REPLAY_OK);
	CU_ASSERT_EQUAL(s, 0x200000003ULL);
	ipsec_replay_free(rp);
}

static void
test_limits(void)
{
	struct ipsec_replay *rp;

	errno = 0;
	CU_ASSERT_PTR_NULL(ipsec_replay_new(IPSEC_REPLAY_MAX + 1, false));
	CU_ASSERT_EQUAL(errno, EINVAL);
	rp = ipsec_replay_new(IPSEC_REPLAY_MAX, true);
	CU_ASSERT_PTR_NOT_NULL(rp);
	ipsec_replay_free(rp);
}

static const struct test_case replay_cases[] = {
	{ "basic", test_basic },
	{ "esn inference", test_esn_infer },
	{ "no window", test_no_window },
	{ "limits", test_limits },
	{ "model, 32-bit", test_model_32 },
	{ "model, ESN", test_model_esn },
	{ NULL, NULL },
};

const struct test_suite test_suites[] = {
	{ "replay", NULL, NULL, replay_cases },
	{ NULL, NULL, NULL, NULL },
};
