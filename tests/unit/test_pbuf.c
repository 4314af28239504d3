/*
 * Packet buffers: pool accounting, bounds of every edit, the deepest
 * encapsulation fitting in place, and random edit sequences checked against
 * a naive model (a plain byte array rebuilt by copying).
 */
#include <stdlib.h>
#include <string.h>

#include "sys/net/pbuf.h"
#include "testlib.h"

static void
test_pool_accounting(void)
{
	struct pbuf_pool *pool = pbuf_pool_create(2, 1);
	struct pbuf_pool_stats st;
	struct pbuf *a, *b, *c, *d;

	CU_ASSERT_PTR_NOT_NULL_FATAL(pool);
	a = pbuf_alloc(pool, 100);
	b = pbuf_alloc(pool, 1500);
	/* Small class exhausted: a small request spills into the large one. */
	c = pbuf_alloc(pool, 60);
	d = pbuf_alloc(pool, 60);
	CU_ASSERT_PTR_NOT_NULL(a);
	CU_ASSERT_PTR_NOT_NULL(b);
	CU_ASSERT_PTR_NOT_NULL(c);
	CU_ASSERT_PTR_NULL(d);
	CU_ASSERT(c != NULL && c->cap > a->cap);
	pbuf_pool_stats(pool, &st);
	CU_ASSERT_EQUAL(st.allocs, 3);
	CU_ASSERT_EQUAL(st.failures, 1);
	CU_ASSERT_EQUAL(st.small_free, 0);
	CU_ASSERT_EQUAL(st.large_free, 0);
	pbuf_free(a);
	pbuf_free(b);
	pbuf_free(c);
	pbuf_free(NULL);
	pbuf_pool_stats(pool, &st);
	CU_ASSERT_EQUAL(st.frees, 3);
	CU_ASSERT_EQUAL(st.small_free, 2);
	CU_ASSERT_EQUAL(st.large_free, 1);
	pbuf_pool_destroy(pool);
}

static void
test_size_limits(void)
{
	struct pbuf_pool *pool = pbuf_pool_create(1, 1);
	struct pbuf *pb;

	CU_ASSERT_PTR_NULL(pbuf_alloc(pool, PBUF_LARGE_DATA + 1));
	pb = pbuf_alloc(pool, PBUF_LARGE_DATA);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pb);
	CU_ASSERT_PTR_NOT_NULL(pbuf_put(pb, PBUF_LARGE_DATA));
	CU_ASSERT_EQUAL(pbuf_headroom(pb), PBUF_HEADROOM);
	CU_ASSERT_EQUAL(pbuf_tailroom(pb), PBUF_TAILROOM);
	pbuf_free(pb);
	pbuf_pool_destroy(pool);
}

static void
test_edit_bounds(void)
{
	struct pbuf_pool *pool = pbuf_pool_create(1, 0);
	struct pbuf *pb = pbuf_alloc(pool, 10);
	uint8_t *p;

	CU_ASSERT_PTR_NOT_NULL_FATAL(pb);
	CU_ASSERT_EQUAL(pbuf_append(pb, "0123456789", 10), 0);
	CU_ASSERT_PTR_NULL(pbuf_pull(pb, 11));
	CU_ASSERT_EQUAL(pbuf_trim(pb, 11), -1);
	CU_ASSERT_PTR_NULL(pbuf_push(pb, PBUF_HEADROOM + 1));
	CU_ASSERT_PTR_NULL(pbuf_insert(pb, 11, 4));
	CU_ASSERT_EQUAL(pbuf_remove(pb, 8, 3), -1);
	CU_ASSERT_EQUAL(pb->len, 10);
	CU_ASSERT_PTR_NULL(pbuf_put(pb, PBUF_SMALL_DATA + PBUF_TAILROOM));

	p = pbuf_insert(pb, 4, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	memcpy(p, "xy", 2);
	CU_ASSERT_EQUAL(pb->len, 12);
	CU_ASSERT(memcmp(pb->data, "0123xy456789", 12) == 0);
	CU_ASSERT_EQUAL(pbuf_remove(pb, 4, 2), 0);
	CU_ASSERT(memcmp(pb->data, "0123456789", 10) == 0);
	CU_ASSERT_EQUAL(pbuf_trim(pb, 10), 0);
	CU_ASSERT_EQUAL(pb->len, 0);
	pbuf_free(pb);
	pbuf_pool_destroy(pool);
}

/*
 * The deepest case the stack builds: a full-size IPv6 packet carried in an
 * IPv6 tunnel with ESP (max padding, largest ICV) inside AH, NAT-T
 * encapsulated, then all of it tunnelled once more.
 */
static void
test_deepest_encapsulation(void)
{
	static const size_t heads[] = {
		40 + 8 + 16,		/* inner tunnel IPv6 + ESP header + IV */
		12 + 32,		/* AH with a 256-bit ICV */
		8,			/* UDP encapsulation */
		40 + 160,		/* outer IPv6 with extension headers */
		40 + 8 + 16 + 8,	/* a second tunnel with ESP, NAT-T */
	};
	struct pbuf_pool *pool = pbuf_pool_create(1, 1);
	struct pbuf *pb = pbuf_alloc(pool, 1500);
	size_t i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(pb);
	CU_ASSERT_PTR_NOT_NULL(pbuf_put(pb, 1500));
	CU_ASSERT_PTR_NOT_NULL(pbuf_put(pb, 255 + 2 + 32));
	for (i = 0; i < sizeof(heads) / sizeof(heads[0]); i++)
		CU_ASSERT_PTR_NOT_NULL(pbuf_push(pb, heads[i]));
	pbuf_free(pb);
	pbuf_pool_destroy(pool);
}

/*
 * Random edits applied both to a pbuf and to a model array; after each the
 * two must hold the same bytes and agree on success.
 */
static void
test_random_against_model(void)
{
	struct pbuf_pool *pool = pbuf_pool_create(1, 0);
	uint8_t model[PBUF_HEADROOM + PBUF_SMALL_DATA + PBUF_TAILROOM];
	uint8_t tmp[sizeof(model)];
	size_t mlen = 0, off, n, i;
	struct pbuf *pb = pbuf_alloc(pool, 0);
	int op, ok_model, ok_pb, mismatches = 0;
	uint8_t *p;

	CU_ASSERT_PTR_NOT_NULL_FATAL(pb);
	srand(2367);
	for (i = 0; i < 20000; i++) {
		op = rand() % 5;
		n = (size_t)(rand() % 300);
		off = mlen > 0 ? (size_t)rand() % (mlen + 1) : 0;
		switch (op) {
		case 0:	/* push n bytes of a marker value */
			ok_model = n <= pbuf_headroom(pb);
			p = pbuf_push(pb, n);
			ok_pb = p != NULL;
			if (ok_model) {
				memmove(model + n, model, mlen);
				memset(model, (int)(i & 0xff), n);
				memset(p, (int)(i & 0xff), n);
				mlen += n;
			}
			break;
		case 1:	/* pull */
			ok_model = n <= mlen;
			ok_pb = pbuf_pull(pb, n) != NULL;
			if (ok_model) {
				memmove(model, model + n, mlen - n);
				mlen -= n;
			}
			break;
		case 2:	/* append */
			ok_model = n <= pbuf_tailroom(pb);
			memset(tmp, (int)(~i & 0xff), n);
			ok_pb = pbuf_append(pb, tmp, n) == 0;
			if (ok_model) {
				memcpy(model + mlen, tmp, n);
				mlen += n;
			}
			break;
		case 3:	/* insert a gap at off */
			ok_model = n <= pbuf_headroom(pb);
			p = pbuf_insert(pb, off, n);
			ok_pb = p != NULL;
			if (ok_model) {
				memmove(model + off + n, model + off,
				    mlen - off);
				memset(model + off, 0xa5, n);
				memset(p, 0xa5, n);
				mlen += n;
			}
			break;
		default: /* remove a gap at off */
			ok_model = n <= mlen - off;
			ok_pb = pbuf_remove(pb, off, n) == 0;
			if (ok_model) {
				memmove(model + off, model + off + n,
				    mlen - off - n);
				mlen -= n;
			}
			break;
		}
		if (ok_model != ok_pb || pb->len != mlen ||
		    memcmp(pb->data, model, mlen) != 0)
			mismatches++;
		/* Emptying the packet regains headroom for later pushes. */
		if (pbuf_headroom(pb) < 64 && mlen > 0) {
			pbuf_pull(pb, mlen);
			mlen = 0;
		}
	}
	CU_ASSERT_EQUAL(mismatches, 0);
	pbuf_free(pb);
	pbuf_pool_destroy(pool);
}

/*
 * pbuf_reserve: a packet that fits stays where it is; one that does not
 * moves into a large buffer with its bytes and the standard headroom,
 * the small buffer goes back to its class, and a pool without a large
 * buffer free refuses.  Both buffers return to the right class.
 */
static void
test_reserve(void)
{
	struct pbuf_pool *pool = pbuf_pool_create(2, 1);
	struct pbuf_pool_stats st;
	struct pbuf *pb, *other;
	uint8_t *old, bytes[100];
	size_t i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(pool);
	for (i = 0; i < sizeof(bytes); i++)
		bytes[i] = (uint8_t)(i * 7);
	pb = pbuf_alloc(pool, sizeof(bytes));
	CU_ASSERT_EQUAL(pbuf_append(pb, bytes, sizeof(bytes)), 0);
	old = pb->data;
	CU_ASSERT_EQUAL(pbuf_reserve(pb, PBUF_SMALL_DATA), 0);
	CU_ASSERT_PTR_EQUAL(pb->data, old);
	CU_ASSERT_EQUAL(pbuf_reserve(pb, 60000), 0);
	CU_ASSERT_PTR_NOT_EQUAL(pb->data, old);
	CU_ASSERT_EQUAL(pb->len, sizeof(bytes));
	CU_ASSERT_EQUAL(memcmp(pb->data, bytes, sizeof(bytes)), 0);
	CU_ASSERT_EQUAL(pbuf_headroom(pb), PBUF_HEADROOM);
	CU_ASSERT_PTR_NOT_NULL(pbuf_put(pb, 60000 - sizeof(bytes)));
	pbuf_pool_stats(pool, &st);
	CU_ASSERT_EQUAL(st.small_free, 2);
	CU_ASSERT_EQUAL(st.large_free, 0);
	/* No large buffer left: the second packet cannot grow. */
	other = pbuf_alloc(pool, 10);
	CU_ASSERT_PTR_NOT_NULL_FATAL(other);
	CU_ASSERT_EQUAL(pbuf_reserve(other, 5000), -1);
	CU_ASSERT_EQUAL(pbuf_reserve(other, PBUF_LARGE_DATA + 1), -1);
	pbuf_free(other);
	pbuf_free(pb);
	pbuf_pool_stats(pool, &st);
	CU_ASSERT_EQUAL(st.small_free, 2);
	CU_ASSERT_EQUAL(st.large_free, 1);
	CU_ASSERT_EQUAL(st.allocs, st.frees);
	pb = pbuf_alloc(pool, 40000);
	CU_ASSERT_PTR_NOT_NULL(pb);
	CU_ASSERT_PTR_NOT_NULL(pbuf_put(pb, 40000));
	pbuf_free(pb);
	pbuf_pool_destroy(pool);
}

static const struct test_case pbuf_cases[] = {
	{ "pool accounting and class spill", test_pool_accounting },
	{ "size limits", test_size_limits },
	{ "bounds of every edit", test_edit_bounds },
	{ "deepest encapsulation fits in place", test_deepest_encapsulation },
	{ "random edits against a model", test_random_against_model },
	{ "reserve moves a packet into a larger buffer", test_reserve },
	{ NULL, NULL },
};

const struct test_suite test_suites[] = {
	{ "pbuf", NULL, NULL, pbuf_cases },
	{ NULL, NULL, NULL, NULL },
};
