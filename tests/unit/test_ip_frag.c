/*
 * Fragmentation: fragments respect the MTU, carry only what they may
 * (copied IPv4 options; the IPv6 unfragmentable part), and reassemble into
 * the original datagram, for many sizes and MTUs; DF, bad MTUs and an
 * empty pool are refused with their counters.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sys/netinet/ip_frag.h"
#include "sys/netinet/ip_hdr.h"
#include "sys/netinet/ip_reass.h"
#include "sys/netinet/ip_var.h"
#include "sys/netinet6/ip6_var.h"
#include "ip_testpkt.h"
#include "testlib.h"

#define MAXFRAGS	1400

static struct pbuf_pool *pool;
static uint8_t pkt[70000];
static uint8_t body[70000];

/* What the emit function collected. */
struct frags {
	struct pbuf	*pb[MAXFRAGS];
	size_t		 n;
};

static struct frags got;

static void
collect(void *arg, struct pbuf *pb)
{
	struct frags *f = arg;

	if (f->n < MAXFRAGS)
		f->pb[f->n++] = pb;
	else
		pbuf_free(pb);
}

static void
frags_free(struct frags *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		pbuf_free(f->pb[i]);
	f->n = 0;
}

static int
suite_init(void)
{
	size_t i;

	pool = pbuf_pool_create(2048, 8);
	for (i = 0; i < sizeof(body); i++)
		body[i] = (uint8_t)(i ^ i >> 8);
	return pool == NULL;
}

static int
suite_fini(void)
{
	pbuf_pool_destroy(pool);
	return 0;
}

/*
 * Check every fragment (parses, fits mtu, payload a multiple of 8 but for
 * the last, hlen as expected for later ones), reassemble them in reverse
 * and compare with the original of len bytes at orig.
 */
static bool
check_roundtrip(const uint8_t *orig, size_t len, size_t mtu, size_t hlen2)
{
	struct ip_reass *r = ip_reass_create(pool, NULL);
	struct ip_hdr_info hi;
	struct pbuf *out = NULL;
	bool ok = r != NULL && got.n > 1;
	size_t i;

	for (i = 0; ok && i < got.n; i++) {
		ok = ip_hdr_parse(got.pb[i]->data, got.pb[i]->len, &hi) == 0 &&
		    got.pb[i]->len <= mtu && (hi.flags & IP_HDR_F_FRAG) &&
		    (i + 1 == got.n || (hi.len - hi.frag.data_off) % 8 == 0) &&
		    (i == 0 || hlen2 == 0 || hi.hlen == hlen2);
	}
	for (i = got.n; ok && i-- > 0;) {
		ip_hdr_parse(got.pb[i]->data, got.pb[i]->len, &hi);
		ok = ip_reass_input(r, got.pb[i], &hi, &out) ==
		    (i == 0 ? IP_REASS_DONE : IP_REASS_HELD);
		got.pb[i] = NULL;
	}
	if (ok)
		ok = out != NULL && out->len == len &&
		    memcmp(out->data, orig, len) == 0;
	pbuf_free(out);
	frags_free(&got);
	ip_reass_destroy(r);
	return ok;
}

static size_t
udp4(size_t datalen, uint16_t frag, const uint8_t *opt, size_t optlen)
{
	uint8_t u[70000];

	memcpy(u, body, datalen + 8);
	tp_udp(u, 7, 9, 0);
	return tp_ip4(pkt, "203.0.113.5", "203.0.113.6", IPPROTO_UDP, opt,
	    optlen, u, datalen + 8, 0x1234, frag);
}

static void
test_ip4_sizes(void)
{
	static const size_t mtus[] = { 68, 576, 1280, 1500, 4000 };
	struct ip_hdr_info hi;
	struct pbuf *pb;
	size_t i, len, mtu;
	int iter, bad = 0;

	for (iter = 0; iter < 100; iter++) {
		mtu = mtus[iter % 5];
		len = udp4(mtu + (size_t)random() % (mtu * 4), 0, NULL, 0);
		CU_ASSERT_EQUAL_FATAL(ip_hdr_parse(pkt, len, &hi), 0);
		pb = tp_pbuf(pool, pkt, len);
		if (ip_frag_output(pool, pb, &hi, mtu, collect, &got) != 0) {
			bad++;
			continue;
		}
		if (!check_roundtrip(pkt, len, mtu, 20))
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);

	/* Fits: passed on unchanged, the same buffer. */
	len = udp4(100, 0, NULL, 0);
	ip_hdr_parse(pkt, len, &hi);
	pb = tp_pbuf(pool, pkt, len);
	CU_ASSERT_EQUAL(ip_frag_output(pool, pb, &hi, 1500, collect, &got), 0);
	CU_ASSERT_EQUAL(got.n, 1);
	CU_ASSERT_PTR_EQUAL(got.pb[0], pb);
	frags_free(&got);

	/*
	 * The largest datagram at the smallest MTU: 1366 fragments, more
	 * than reassembly accepts for one datagram (IP_REASS_DEF_PERQUEUE),
	 * so only their sizes and offsets are checked; at 576 it
	 * reassembles.
	 */
	len = udp4(65535 - 28, 0, NULL, 0);
	ip_hdr_parse(pkt, len, &hi);
	pb = tp_pbuf(pool, pkt, len);
	CU_ASSERT_EQUAL(ip_frag_output(pool, pb, &hi, 68, collect, &got), 0);
	CU_ASSERT_EQUAL_FATAL(got.n, (65535 - 20 + 47) / 48);
	for (i = 0; i < got.n; i++) {
		CU_ASSERT_EQUAL(ip_hdr_parse(got.pb[i]->data, got.pb[i]->len,
		    &hi), 0);
		CU_ASSERT(got.pb[i]->len <= 68);
		CU_ASSERT_EQUAL(hi.frag.off, i * 48);
	}
	frags_free(&got);
	pb = tp_pbuf(pool, pkt, len);
	ip_hdr_parse(pkt, len, &hi);
	CU_ASSERT_EQUAL(ip_frag_output(pool, pb, &hi, 576, collect, &got), 0);
	CU_ASSERT(check_roundtrip(pkt, len, 576, 20));
}

/* Record route is not copied into later fragments; router alert is. */
static void
test_ip4_options(void)
{
	static const uint8_t opts[12] = { 7, 7, 4, 0, 0, 0, 0, 1,
		148, 4, 0, 0 };
	struct ip_hdr_info hi;
	struct pbuf *pb;
	size_t len;

	len = udp4(3000, 0, opts, sizeof(opts));
	CU_ASSERT_EQUAL_FATAL(ip_hdr_parse(pkt, len, &hi), 0);
	pb = tp_pbuf(pool, pkt, len);
	CU_ASSERT_EQUAL_FATAL(ip_frag_output(pool, pb, &hi, 1000, collect,
	    &got), 0);
	CU_ASSERT_EQUAL(got.pb[0]->data[0], 0x48);
	CU_ASSERT_EQUAL(got.pb[1]->data[0], 0x46);
	CU_ASSERT_EQUAL(got.pb[1]->data[20], 148);
	CU_ASSERT(check_roundtrip(pkt, len, 1000, 24));
}

/* A fragment split again keeps its offset; the last keeps MF. */
static void
test_ip4_refragment(void)
{
	struct ip_hdr_info hi;
	struct frags first = { .n = 0 };
	struct pbuf *pb, *out = NULL;
	struct ip_reass *r = ip_reass_create(pool, NULL);
	size_t len, i, k;
	bool ok = true;

	len = udp4(3992, 0, NULL, 0);
	memcpy(body + 5000, pkt, len);
	ip_hdr_parse(pkt, len, &hi);
	pb = tp_pbuf(pool, pkt, len);
	CU_ASSERT_EQUAL_FATAL(ip_frag_output(pool, pb, &hi, 1500, collect,
	    &first), 0);
	CU_ASSERT_EQUAL_FATAL(first.n, 3);
	/* Split each 1500-byte fragment again at 576 and reassemble all. */
	for (i = 0; i < first.n; i++) {
		ip_hdr_parse(first.pb[i]->data, first.pb[i]->len, &hi);
		CU_ASSERT_EQUAL(ip_frag_output(pool, first.pb[i], &hi, 576,
		    collect, &got), 0);
		for (k = 0; k < got.n; k++) {
			ip_hdr_parse(got.pb[k]->data, got.pb[k]->len, &hi);
			ok &= got.pb[k]->len <= 576;
			if (ip_reass_input(r, got.pb[k], &hi, &out) ==
			    IP_REASS_DONE)
				ok &= i + 1 == first.n && k + 1 == got.n;
		}
		got.n = 0;
	}
	CU_ASSERT(ok);
	CU_ASSERT(out != NULL && out->len == len &&
	    memcmp(out->data, body + 5000, len) == 0);
	pbuf_free(out);
	ip_reass_destroy(r);
}

static void
test_ip4_refused(void)
{
	struct pbuf_pool *tiny = pbuf_pool_create(2, 0);
	uint64_t cf = net_counter_sum(&ipstat, IPSTAT_CANTFRAG);
	uint64_t od = net_counter_sum(&ipstat, IPSTAT_ODROPPED);
	struct ip_hdr_info hi;
	struct pbuf *pb;
	size_t len;

	len = udp4(2000, 0x4000, NULL, 0);
	ip_hdr_parse(pkt, len, &hi);
	pb = tp_pbuf(pool, pkt, len);
	CU_ASSERT_EQUAL(ip_frag_output(pool, pb, &hi, 1500, collect, &got),
	    EMSGSIZE);
	CU_ASSERT_EQUAL(net_counter_sum(&ipstat, IPSTAT_CANTFRAG) - cf, 1);
	CU_ASSERT_EQUAL(got.n, 0);
	/* Still the caller's: it is intact. */
	CU_ASSERT_EQUAL(memcmp(pb->data, pkt, len), 0);
	pbuf_free(pb);

	len = udp4(2000, 0, NULL, 0);
	ip_hdr_parse(pkt, len, &hi);
	pb = tp_pbuf(pool, pkt, len);
	CU_ASSERT_EQUAL(ip_frag_output(pool, pb, &hi, 67, collect, &got),
	    EINVAL);
	CU_ASSERT_EQUAL(ip_frag_output(tiny, pb, &hi, 576, collect, &got),
	    ENOBUFS);
	CU_ASSERT_EQUAL(net_counter_sum(&ipstat, IPSTAT_ODROPPED) - od, 1);
	CU_ASSERT_EQUAL(got.n, 2);
	frags_free(&got);
	pbuf_free(pb);
	pbuf_pool_destroy(tiny);
}

#define HBH8	{ IPPROTO_HOPOPTS, 8, 0, 0, 0 }
#define RT24	{ IPPROTO_ROUTING, 24, 0, 0, 0 }
#define DST16	{ IPPROTO_DSTOPTS, 16, 0, 0, 0 }

static size_t
udp6(const struct tp_ext *e, size_t n, size_t datalen)
{
	uint8_t u[70000];

	memcpy(u, body, datalen + 8);
	tp_udp(u, 7, 9, 0);
	return tp_ip6(pkt, "2001:db8::5", "2001:db8::6", e, n, IPPROTO_UDP,
	    u, datalen + 8);
}

static void
test_ip6_sizes(void)
{
	static const struct tp_ext chain[] = { HBH8, RT24, DST16 };
	struct ip_hdr_info hi;
	struct pbuf *pb;
	size_t len, mtu, n;
	int iter, bad = 0;

	for (iter = 0; iter < 100; iter++) {
		mtu = 1280 + (size_t)(iter % 3) * 220;
		n = (size_t)iter % 4;
		len = udp6(chain, n, mtu + (size_t)random() % 20000);
		CU_ASSERT_EQUAL_FATAL(ip_hdr_parse(pkt, len, &hi), 0);
		pb = tp_pbuf(pool, pkt, len);
		if (ip6_frag_output(pool, pb, &hi, mtu, ip_frag_id(), collect,
		    &got) != 0) {
			bad++;
			continue;
		}
		if (!check_roundtrip(pkt, len, mtu, 0))
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
}

/* The unfragmentable part (HBH, routing) leads every fragment. */
static void
test_ip6_layout(void)
{
	static const struct tp_ext chain[] = { HBH8, RT24, DST16 };
	struct ip_hdr_info hi;
	struct pbuf *pb;
	size_t len, i;

	len = udp6(chain, 3, 3000);
	ip_hdr_parse(pkt, len, &hi);
	pb = tp_pbuf(pool, pkt, len);
	CU_ASSERT_EQUAL_FATAL(ip6_frag_output(pool, pb, &hi, 1280, 0xabcdef01,
	    collect, &got), 0);
	CU_ASSERT_EQUAL(got.n, 3);
	for (i = 0; i < got.n; i++) {
		ip_hdr_parse(got.pb[i]->data, got.pb[i]->len, &hi);
		CU_ASSERT_EQUAL(hi.frag.hdr_off, 72);
		CU_ASSERT_EQUAL(hi.frag.hdr_protoff, 48);
		CU_ASSERT_EQUAL(hi.frag.id, 0xabcdef01);
		CU_ASSERT_EQUAL(got.pb[i]->data[6], IPPROTO_HOPOPTS);
		CU_ASSERT_EQUAL(got.pb[i]->data[48], IPPROTO_FRAGMENT);
		/* The final destination options travel in the first. */
		CU_ASSERT_EQUAL(got.pb[i]->data[72], IPPROTO_DSTOPTS);
	}
	CU_ASSERT(check_roundtrip(pkt, len, 1280, 0));
}

static void
test_ip6_refused(void)
{
	static const struct tp_ext fh[] = { { IPPROTO_FRAGMENT, 8, 0, 0, 1 } };
	uint64_t cf = net_counter_sum(&ip6stat, IP6STAT_CANTFRAG);
	struct ip_hdr_info hi;
	struct pbuf *pb;
	size_t len;
	uint32_t a, b;

	len = udp6(NULL, 0, 2000);
	ip_hdr_parse(pkt, len, &hi);
	pb = tp_pbuf(pool, pkt, len);
	CU_ASSERT_EQUAL(ip6_frag_output(pool, pb, &hi, 1279, 1, collect,
	    &got), EINVAL);
	pbuf_free(pb);
	len = udp6(fh, 1, 2000);
	ip_hdr_parse(pkt, len, &hi);
	pb = tp_pbuf(pool, pkt, len);
	CU_ASSERT_EQUAL(ip6_frag_output(pool, pb, &hi, 1280, 1, collect,
	    &got), EINVAL);
	CU_ASSERT_EQUAL(net_counter_sum(&ip6stat, IP6STAT_CANTFRAG) - cf, 1);
	CU_ASSERT_EQUAL(got.n, 0);
	pbuf_free(pb);
	a = ip_frag_id();
	b = ip_frag_id();
	CU_ASSERT_NOT_EQUAL(a, b);
}

static const struct test_case frag_cases[] = {
	{ "IPv4: sizes and MTUs, reassembled equal", test_ip4_sizes },
	{ "IPv4: only copied options in later fragments", test_ip4_options },
	{ "IPv4: fragments split again", test_ip4_refragment },
	{ "IPv4: DF, small MTU, empty pool", test_ip4_refused },
	{ "IPv6: sizes, MTUs, chains, reassembled equal", test_ip6_sizes },
	{ "IPv6: unfragmentable part and fragment header", test_ip6_layout },
	{ "IPv6: small MTU, already fragmented", test_ip6_refused },
	{ NULL, NULL }
};

const struct test_suite test_suites[] = {
	{ "ip_frag", suite_init, suite_fini, frag_cases },
	{ NULL, NULL, NULL, NULL }
};
