/*
 * Fragment reassembly: in order, out of order, duplicates, overlaps
 * (RFC 5722: the datagram is dropped), malformed sequences, timeouts on
 * the fake clock, memory bounds under a flood of fragment starts, and the
 * largest datagram a packet buffer holds.  Fragments are built here field
 * by field; the expected result is the same datagram built unfragmented.
 */
#include <stdlib.h>
#include <string.h>

#include "sys/net/net_clock.h"
#include "sys/netinet/ip_hdr.h"
#include "sys/netinet/ip_reass.h"
#include "sys/netinet/ip_var.h"
#include "sys/netinet6/ip6_var.h"
#include "ip_testpkt.h"
#include "testlib.h"

static struct pbuf_pool *pool;
static uint8_t payload[70000];
static uint8_t whole[70000];
static uint8_t frag[70000];

static int
suite_init(void)
{
	size_t i;

	pool = pbuf_pool_create(1024, 24);
	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 13 + i / 256);
	net_clock_set_fake(1000000);
	return pool == NULL;
}

/* Runs last: every buffer came back, nothing leaked from the queues. */
static void
test_no_leak(void)
{
	struct pbuf_pool_stats st;

	pbuf_pool_stats(pool, &st);
	CU_ASSERT_EQUAL(st.small_free, 1024);
	CU_ASSERT_EQUAL(st.large_free, 24);
}

static int
suite_fini(void)
{
	pbuf_pool_destroy(pool);
	net_clock_set_source(NULL);
	return 0;
}

/* The fragment [off, off + len) of a datagram of family 4 or 6. */
static size_t
make_frag(int fam, uint32_t id, const uint8_t *p, size_t off, size_t len,
    bool more)
{
	struct tp_ext fh = { IPPROTO_FRAGMENT, 8, (uint16_t)off, more, id };

	if (fam == 4)
		return tp_ip4(frag, "192.0.2.1", "192.0.2.2", IPPROTO_UDP,
		    NULL, 0, p + off, len, (uint16_t)id,
		    (uint16_t)((more ? 0x2000 : 0) | off / 8));
	return tp_ip6(frag, "2001:db8::1", "2001:db8::2", &fh, 1,
	    IPPROTO_UDP, p + off, len);
}

static size_t
make_whole(int fam, uint32_t id, const uint8_t *p, size_t len)
{
	if (fam == 4)
		return tp_ip4(whole, "192.0.2.1", "192.0.2.2", IPPROTO_UDP,
		    NULL, 0, p, len, (uint16_t)id, 0);
	return tp_ip6(whole, "2001:db8::1", "2001:db8::2", NULL, 0,
	    IPPROTO_UDP, p, len);
}

/* Parse and hand one fragment over; the result, *out if done. */
static enum ip_reass_result
feed(struct ip_reass *r, size_t len, struct pbuf **out)
{
	struct ip_hdr_info hi;
	struct pbuf *pb;

	*out = NULL;
	if (ip_hdr_parse(frag, len, &hi) != 0)
		return IP_REASS_DROPPED;
	pb = tp_pbuf(pool, frag, len);
	if (pb == NULL)
		return IP_REASS_DROPPED;
	return ip_reass_input(r, pb, &hi, out);
}

static enum ip_reass_result
feed_frag(struct ip_reass *r, int fam, uint32_t id, size_t off, size_t len,
    bool more, struct pbuf **out)
{
	return feed(r, make_frag(fam, id, payload, off, len, more), out);
}

/* Whether out is the datagram of plen payload bytes, then free it. */
static bool
is_whole(int fam, uint32_t id, size_t plen, struct pbuf *out)
{
	size_t wl = make_whole(fam, id, payload, plen);
	bool ok;

	ok = out != NULL && out->len == wl &&
	    memcmp(out->data, whole, wl) == 0 &&
	    out->af == (fam == 4 ? AF_INET : AF_INET6);
	pbuf_free(out);
	return ok;
}

/* Send the fragments of plen bytes in chunks of step, in order perm. */
static struct pbuf *
run_order(struct ip_reass *r, int fam, uint32_t id, size_t plen, size_t step,
    const size_t *perm, size_t n)
{
	struct pbuf *out = NULL;
	size_t i, off, len;

	for (i = 0; i < n; i++) {
		off = perm[i] * step;
		len = off + step < plen ? step : plen - off;
		if (feed_frag(r, fam, id, off, len, off + len < plen,
		    &out) == IP_REASS_DONE)
			break;
	}
	return out;
}

static void
test_in_order(void)
{
	static const size_t order[] = { 0, 1, 2, 3 };
	struct ip_reass *r = ip_reass_create(pool, NULL);
	uint64_t r4 = net_counter_sum(&ipstat, IPSTAT_REASSEMBLED);
	uint64_t r6 = net_counter_sum(&ip6stat, IP6STAT_REASSEMBLED);
	struct pbuf *out;

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	out = run_order(r, 4, 77, 1000, 256, order, 4);
	CU_ASSERT(is_whole(4, 77, 1000, out));
	out = run_order(r, 6, 77, 1000, 256, order, 4);
	CU_ASSERT(is_whole(6, 77, 1000, out));
	CU_ASSERT_EQUAL(net_counter_sum(&ipstat, IPSTAT_REASSEMBLED) - r4, 1);
	CU_ASSERT_EQUAL(net_counter_sum(&ip6stat, IP6STAT_REASSEMBLED) - r6, 1);
	CU_ASSERT_EQUAL(ip_reass_queues(r), 0);
	CU_ASSERT_EQUAL(ip_reass_bytes(r), 0);
	ip_reass_destroy(r);
}

static void
test_out_of_order(void)
{
	struct ip_reass *r = ip_reass_create(pool, NULL);
	size_t perm[64], n, i, j, t, plen;
	struct pbuf *out;
	int iter, fam;

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	for (iter = 0; iter < 200; iter++) {
		fam = iter % 2 ? 6 : 4;
		plen = 257 + (size_t)random() % 6000;
		n = (plen + 255) / 256;
		for (i = 0; i < n; i++)
			perm[i] = i;
		for (i = n; i > 1; i--) {
			j = (size_t)random() % i;
			t = perm[i - 1];
			perm[i - 1] = perm[j];
			perm[j] = t;
		}
		out = run_order(r, fam, (uint32_t)iter, plen, 256, perm, n);
		CU_ASSERT(is_whole(fam, (uint32_t)iter, plen, out));
	}
	CU_ASSERT_EQUAL(ip_reass_queues(r), 0);
	ip_reass_destroy(r);
}

/* Interleaved datagrams with the same id from other sources stay apart. */
static void
test_interleaved(void)
{
	struct ip_reass *r = ip_reass_create(pool, NULL);
	struct pbuf *out;

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(feed_frag(r, 4, 5, 0, 16, true, &out), IP_REASS_HELD);
	CU_ASSERT_EQUAL(feed_frag(r, 6, 5, 0, 16, true, &out), IP_REASS_HELD);
	CU_ASSERT_EQUAL(feed_frag(r, 4, 6, 16, 16, false, &out),
	    IP_REASS_HELD);
	CU_ASSERT_EQUAL(ip_reass_queues(r), 3);
	CU_ASSERT_EQUAL(feed_frag(r, 6, 5, 16, 8, false, &out), IP_REASS_DONE);
	CU_ASSERT(is_whole(6, 5, 24, out));
	CU_ASSERT_EQUAL(feed_frag(r, 4, 5, 16, 4, false, &out), IP_REASS_DONE);
	CU_ASSERT(is_whole(4, 5, 20, out));
	CU_ASSERT_EQUAL(ip_reass_queues(r), 1);
	ip_reass_destroy(r);
}

static void
test_duplicates(void)
{
	struct ip_reass *r = ip_reass_create(pool, NULL);
	uint64_t d4 = net_counter_sum(&ipstat, IPSTAT_FRAGDUP);
	uint64_t d6 = net_counter_sum(&ip6stat, IP6STAT_FRAGDUP);
	struct pbuf *out;
	int fam;

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	for (fam = 4; fam <= 6; fam += 2) {
		CU_ASSERT_EQUAL(feed_frag(r, fam, 9, 0, 64, true, &out),
		    IP_REASS_HELD);
		CU_ASSERT_EQUAL(feed_frag(r, fam, 9, 0, 64, true, &out),
		    IP_REASS_HELD);
		CU_ASSERT_EQUAL(feed_frag(r, fam, 9, 64, 64, true, &out),
		    IP_REASS_HELD);
		CU_ASSERT_EQUAL(feed_frag(r, fam, 9, 64, 64, true, &out),
		    IP_REASS_HELD);
		CU_ASSERT_EQUAL(feed_frag(r, fam, 9, 128, 10, false, &out),
		    IP_REASS_DONE);
		CU_ASSERT(is_whole(fam, 9, 138, out));
	}
	CU_ASSERT_EQUAL(net_counter_sum(&ipstat, IPSTAT_FRAGDUP) - d4, 2);
	CU_ASSERT_EQUAL(net_counter_sum(&ip6stat, IP6STAT_FRAGDUP) - d6, 2);
	ip_reass_destroy(r);
}

static void
test_overlap(void)
{
	struct ip_reass *r = ip_reass_create(pool, NULL);
	uint64_t o6 = net_counter_sum(&ip6stat, IP6STAT_FRAGOVERLAP);
	uint64_t o4 = net_counter_sum(&ipstat, IPSTAT_FRAGOVERLAP);
	uint64_t dr6 = net_counter_sum(&ip6stat, IP6STAT_FRAGDROPPED);
	struct pbuf *out;
	size_t len;

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	/* [0,64) then [56,120): the whole datagram goes (RFC 5722). */
	CU_ASSERT_EQUAL(feed_frag(r, 6, 1, 0, 64, true, &out), IP_REASS_HELD);
	CU_ASSERT_EQUAL(feed_frag(r, 6, 1, 56, 64, true, &out),
	    IP_REASS_DROPPED);
	CU_ASSERT_EQUAL(net_counter_sum(&ip6stat, IP6STAT_FRAGOVERLAP) - o6, 1);
	CU_ASSERT_EQUAL(net_counter_sum(&ip6stat,
	    IP6STAT_FRAGDROPPED) - dr6, 2);
	CU_ASSERT_EQUAL(ip_reass_queues(r), 0);
	/* The rest arriving later cannot complete it. */
	CU_ASSERT_EQUAL(feed_frag(r, 6, 1, 120, 8, false, &out),
	    IP_REASS_HELD);
	CU_ASSERT_PTR_NULL(out);

	/* A fragment inside another one. */
	CU_ASSERT_EQUAL(feed_frag(r, 6, 2, 0, 128, true, &out), IP_REASS_HELD);
	CU_ASSERT_EQUAL(feed_frag(r, 6, 2, 16, 8, true, &out),
	    IP_REASS_DROPPED);
	CU_ASSERT_EQUAL(net_counter_sum(&ip6stat, IP6STAT_FRAGOVERLAP) - o6, 2);

	/* Same range, other bytes: not a duplicate but an overlap. */
	CU_ASSERT_EQUAL(feed_frag(r, 4, 3, 0, 64, true, &out), IP_REASS_HELD);
	len = make_frag(4, 3, payload + 1, 0, 64, true);
	CU_ASSERT_EQUAL(feed(r, len, &out), IP_REASS_DROPPED);
	CU_ASSERT_EQUAL(net_counter_sum(&ipstat, IPSTAT_FRAGOVERLAP) - o4, 1);
	ip_reass_destroy(r);
}

/* Lengths that contradict each other drop the datagram. */
static void
test_bad_sequences(void)
{
	struct ip_reass *r = ip_reass_create(pool, NULL);
	uint64_t b4 = net_counter_sum(&ipstat, IPSTAT_BADFRAGS);
	struct pbuf *out, *pb;
	struct ip_hdr_info hi;
	size_t len;

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	/* Two last fragments with different ends. */
	CU_ASSERT_EQUAL(feed_frag(r, 4, 1, 64, 8, false, &out), IP_REASS_HELD);
	CU_ASSERT_EQUAL(feed_frag(r, 4, 1, 80, 8, false, &out),
	    IP_REASS_DROPPED);
	/* A last fragment ending before data already held. */
	CU_ASSERT_EQUAL(feed_frag(r, 4, 2, 64, 64, true, &out),
	    IP_REASS_HELD);
	CU_ASSERT_EQUAL(feed_frag(r, 4, 2, 8, 8, false, &out),
	    IP_REASS_DROPPED);
	/* A fragment past the end the last one fixed. */
	CU_ASSERT_EQUAL(feed_frag(r, 4, 3, 16, 8, false, &out),
	    IP_REASS_HELD);
	CU_ASSERT_EQUAL(feed_frag(r, 4, 3, 24, 8, true, &out),
	    IP_REASS_DROPPED);
	CU_ASSERT_EQUAL(net_counter_sum(&ipstat, IPSTAT_BADFRAGS) - b4, 3);
	CU_ASSERT_EQUAL(ip_reass_queues(r), 0);

	/* Not a fragment: handed back at once. */
	len = make_whole(4, 1, payload, 100);
	CU_ASSERT_EQUAL_FATAL(ip_hdr_parse(whole, len, &hi), 0);
	pb = tp_pbuf(pool, whole, len);
	CU_ASSERT_EQUAL(ip_reass_input(r, pb, &hi, &out), IP_REASS_DONE);
	CU_ASSERT_PTR_EQUAL(out, pb);
	pbuf_free(out);
	ip_reass_destroy(r);
}

static void
test_timeouts(void)
{
	struct ip_reass *r = ip_reass_create(pool, NULL);
	uint64_t t4 = net_counter_sum(&ipstat, IPSTAT_FRAGTIMEOUT);
	uint64_t t6 = net_counter_sum(&ip6stat, IP6STAT_FRAGTIMEOUT);
	struct pbuf *out;

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(feed_frag(r, 4, 1, 0, 64, true, &out), IP_REASS_HELD);
	CU_ASSERT_EQUAL(feed_frag(r, 6, 1, 0, 64, true, &out), IP_REASS_HELD);
	net_clock_advance(IP_REASS_DEF_TIMEOUT4 - 1);
	ip_reass_timer(r);
	CU_ASSERT_EQUAL(ip_reass_queues(r), 2);
	net_clock_advance(1);
	ip_reass_timer(r);
	CU_ASSERT_EQUAL(ip_reass_queues(r), 1);
	CU_ASSERT_EQUAL(net_counter_sum(&ipstat, IPSTAT_FRAGTIMEOUT) - t4, 1);
	/* The IPv4 rest now starts a new datagram that cannot finish. */
	CU_ASSERT_EQUAL(feed_frag(r, 4, 1, 64, 8, false, &out), IP_REASS_HELD);
	net_clock_advance(IP_REASS_DEF_TIMEOUT6 - IP_REASS_DEF_TIMEOUT4 - 1);
	CU_ASSERT_EQUAL(feed_frag(r, 6, 1, 64, 8, false, &out), IP_REASS_DONE);
	CU_ASSERT(is_whole(6, 1, 72, out));
	CU_ASSERT_EQUAL(feed_frag(r, 6, 2, 0, 64, true, &out), IP_REASS_HELD);
	net_clock_advance(IP_REASS_DEF_TIMEOUT6);
	/* Expiry also runs on input, without the timer. */
	CU_ASSERT_EQUAL(feed_frag(r, 4, 9, 0, 8, true, &out), IP_REASS_HELD);
	CU_ASSERT_EQUAL(ip_reass_queues(r), 1);
	CU_ASSERT_EQUAL(net_counter_sum(&ip6stat, IP6STAT_FRAGTIMEOUT) - t6, 1);
	CU_ASSERT_EQUAL(net_counter_sum(&ipstat, IPSTAT_FRAGTIMEOUT) - t4, 2);
	ip_reass_destroy(r);
}

/*
 * An attacker sends fragment starts of ever new datagrams: the state held
 * never passes the limits, the pool never runs dry, and a legitimate
 * datagram still gets through.
 */
static void
test_flood_bounded(void)
{
	struct ip_reass_limits lim = {
		.max_queues = 16, .max_frags = 40, .max_per_queue = 64,
		.max_bytes = 64 * 1024,
	};
	static const size_t order[] = { 0, 1, 2, 3, 4 };
	struct ip_reass *r = ip_reass_create(pool, &lim);
	uint64_t ov = net_counter_sum(&ipstat, IPSTAT_FRAGOVERFLOW);
	struct pbuf_pool_stats st;
	struct pbuf *out;
	size_t maxbytes = 0, maxq = 0;
	uint32_t i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	for (i = 0; i < 20000; i++) {
		feed_frag(r, i % 3 ? 4 : 6, 1000 + i, (i % 5) * 8, 8 + i % 2 *
		    8, true, &out);
		if (ip_reass_bytes(r) > maxbytes)
			maxbytes = ip_reass_bytes(r);
		if (ip_reass_queues(r) > maxq)
			maxq = ip_reass_queues(r);
	}
	CU_ASSERT(maxbytes <= lim.max_bytes);
	CU_ASSERT(maxq <= lim.max_queues);
	CU_ASSERT(net_counter_sum(&ipstat, IPSTAT_FRAGOVERFLOW) - ov > 1000);
	pbuf_pool_stats(pool, &st);
	CU_ASSERT(st.small_free >= 1024 - 40);
	out = run_order(r, 4, 42, 1200, 256, order, 5);
	CU_ASSERT(is_whole(4, 42, 1200, out));

	/* One datagram cut into more pieces than allowed is dropped. */
	for (i = 0; i < 70; i++)
		feed_frag(r, 6, 7, i * 8, 8, true, &out);
	CU_ASSERT(ip_reass_bytes(r) <= lim.max_bytes);
	ip_reass_destroy(r);
}

/*
 * A full queue table of one family: the other family's list is empty and
 * the oldest datagram must still be found (the fuzzer found this).
 */
static void
test_full_one_family(void)
{
	struct ip_reass_limits lim = { .max_queues = 4 };
	struct ip_reass *r = ip_reass_create(pool, &lim);
	uint64_t ov = net_counter_sum(&ip6stat, IP6STAT_FRAGOVERFLOW);
	struct pbuf *out;
	uint32_t i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	for (i = 0; i < 10; i++) {
		CU_ASSERT_EQUAL(feed_frag(r, 6, i, 0, 8, true, &out),
		    IP_REASS_HELD);
		net_clock_advance(1);
	}
	CU_ASSERT_EQUAL(ip_reass_queues(r), 4);
	CU_ASSERT_EQUAL(net_counter_sum(&ip6stat,
	    IP6STAT_FRAGOVERFLOW) - ov, 6);
	/* The survivors are the newest: 9 completes, 0 does not. */
	CU_ASSERT_EQUAL(feed_frag(r, 6, 9, 8, 8, false, &out), IP_REASS_DONE);
	pbuf_free(out);
	CU_ASSERT_EQUAL(feed_frag(r, 6, 0, 8, 8, false, &out), IP_REASS_HELD);
	ip_reass_destroy(r);
}

/* The largest datagrams: 65535 bytes rebuilt; one byte more refused. */
static void
test_64k(void)
{
	struct ip_reass *r = ip_reass_create(pool, NULL);
	uint64_t tl = net_counter_sum(&ipstat, IPSTAT_TOOLONG);
	size_t perm[64], n, i;
	struct pbuf *out;

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	n = (65515 + 1479) / 1480;
	for (i = 0; i < n; i++)
		perm[i] = n - 1 - i;
	out = run_order(r, 4, 64, 65515, 1480, perm, n);
	CU_ASSERT_PTR_NOT_NULL(out);
	if (out != NULL)
		CU_ASSERT_EQUAL(out->len, 65535);
	CU_ASSERT(is_whole(4, 64, 65515, out));
	n = (65495 + 1231) / 1232;
	for (i = 0; i < n; i++)
		perm[i] = i;
	out = run_order(r, 6, 64, 65495, 1232, perm, n);
	CU_ASSERT(is_whole(6, 64, 65495, out));

	/* Fragments adding up to 20 + 65528 bytes: too long. */
	n = 65528 / 7280;
	for (i = 0; i <= n; i++)
		perm[i] = i;
	out = run_order(r, 4, 65, 65528, 7280, perm, n + 1);
	CU_ASSERT_PTR_NULL(out);
	CU_ASSERT_EQUAL(net_counter_sum(&ipstat, IPSTAT_TOOLONG) - tl, 1);
	CU_ASSERT_EQUAL(ip_reass_queues(r), 0);
	ip_reass_destroy(r);
}

static const struct test_case reass_cases[] = {
	{ "in order, IPv4 and IPv6", test_in_order },
	{ "random order, random sizes", test_out_of_order },
	{ "interleaved datagrams keep apart", test_interleaved },
	{ "exact duplicates ignored", test_duplicates },
	{ "overlaps drop the datagram (RFC 5722)", test_overlap },
	{ "contradicting lengths", test_bad_sequences },
	{ "timeouts on the fake clock", test_timeouts },
	{ "flood of fragment starts stays bounded", test_flood_bounded },
	{ "full queue table of one family", test_full_one_family },
	{ "64 KiB datagrams", test_64k },
	{ "every buffer returned to the pool", test_no_leak },
	{ NULL, NULL }
};

const struct test_suite test_suites[] = {
	{ "ip_reass", suite_init, suite_fini, reass_cases },
	{ NULL, NULL, NULL, NULL }
};
