/*
 * IPComp (RFC 3173, deflate RFC 2394): the transform row against zlib
 * used directly with KAME's raw-deflate parameters (window bits -12, the
 * reference the interop test also uses), the threshold and "not smaller"
 * rules, the CPI on the wire, every input drop with exactly one
 * ipcompstat counter, growth into a large buffer, and the statistics in
 * FreeBSD's layout.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <zlib.h>

#include "net/pfkeyv2.h"
#include "sys/crypto/crypto.h"
#include "sys/net/pbuf.h"
#include "sys/netipsec/ipcomp_var.h"
#include "sys/netipsec/ipsec_stat.h"
#include "sys/netipsec/ipsec_var.h"
#include "sys/netkey/key_sa.h"
#include "esp_sa_util.h"
#include "testlib.h"

#define TEXT_MAX	8192

static uint8_t text[TEXT_MAX];

static int
suite_init(void)
{
	size_t i, n;
	int len;

	for (i = 0, n = 0; n < sizeof(text); i++) {
		char line[64];

		len = snprintf(line, sizeof(line),
		    "line %04zu: the quick brown fox jumps over the dog\n", i);
		memcpy(text + n, line, (size_t)len < sizeof(text) - n ?
		    (size_t)len : sizeof(text) - n);
		n += (size_t)len;
	}
	return esp_suite_init();
}

/* An installed IPComp SA (deflate) with SPI spi and sadb_sa_flags. */
static struct ipsec_sa *
sa_new(uint32_t spi, uint32_t flags, int *errp)
{
	struct sockaddr_in src = { .sin_family = AF_INET };
	struct sockaddr_in dst = { .sin_family = AF_INET };
	struct ipsec_sa *sa;

	inet_pton(AF_INET, "192.0.2.1", &src.sin_addr);
	inet_pton(AF_INET, "192.0.2.2", &dst.sin_addr);
	sa = key_sa_alloc(SADB_X_SATYPE_IPCOMP, (struct sockaddr *)&src,
	    (struct sockaddr *)&dst);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sa);
	sa->spi = htonl(spi);
	sa->state = SADB_SASTATE_MATURE;
	sa->alg_enc = SADB_X_CALG_DEFLATE;
	sa->flags = flags;
	*errp = ipsec_xform_install(sa);
	if (*errp != 0) {
		key_sa_put(sa);
		return NULL;
	}
	return sa;
}

static struct ipsec_sa *
sa_ok(uint32_t spi, uint32_t flags)
{
	int error;
	struct ipsec_sa *sa = sa_new(spi, flags, &error);

	CU_ASSERT_EQUAL_FATAL(error, 0);
	return sa;
}

/* Raw deflate by zlib itself, as KAME and the RFC's peers make it. */
static size_t
zdeflate(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
	z_stream z;

	memset(&z, 0, sizeof(z));
	CU_ASSERT_EQUAL_FATAL(deflateInit2(&z, Z_DEFAULT_COMPRESSION,
	    Z_DEFLATED, -12, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	CU_ASSERT_EQUAL(deflate(&z, Z_FINISH), Z_STREAM_END);
	deflateEnd(&z);
	return cap - z.avail_out;
}

static size_t
zinflate(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
	z_stream z;
	int rc;

	memset(&z, 0, sizeof(z));
	CU_ASSERT_EQUAL_FATAL(inflateInit2(&z, -12), Z_OK);
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	rc = inflate(&z, Z_FINISH);
	inflateEnd(&z);
	return rc == Z_STREAM_END ? cap - z.avail_out : 0;
}

/* An IPComp packet of af carrying body behind the header (nxt, cpi). */
static struct pbuf *
comp_packet(int af, uint8_t nxt, uint16_t cpi, const uint8_t *body,
    size_t len)
{
	static uint8_t buf[IPCOMP_HLENGTH + 65535];
	size_t skip, protoff;

	buf[0] = nxt;
	buf[1] = 0;
	buf[2] = (uint8_t)(cpi >> 8);
	buf[3] = (uint8_t)cpi;
	memcpy(buf + IPCOMP_HLENGTH, body, len);
	return esp_pkt_make(esp_pool, af, IPPROTO_COMP, buf,
	    IPCOMP_HLENGTH + len, &skip, &protoff);
}

/* Feed pb to sa: the verdict, and the ipcompstat counter of a drop. */
static int
feed(struct ipsec_sa *sa, struct pbuf *pb, uint8_t *nxt)
{
	uint64_t before[IPCOMPS_NCOUNTERS];
	int moved = -1, n = 0, i, why = -1;
	size_t skip = (pb->data[0] >> 4) == 6 ? 40 : 20;

	net_counter_sum_all(&ipcompstat_counters, before);
	if (ipsec_xform_input(sa, pb, skip, skip == 40 ? 6 : 9, nxt, &why) ==
	    IPSEC_PASS)
		return -1;
	for (i = 0; i < IPCOMPS_NCOUNTERS; i++)
		if (net_counter_sum(&ipcompstat_counters, i) != before[i]) {
			moved = i;
			n++;
		}
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT(why >= 0 && why < IPSECS_NCOUNTERS);
	return moved;
}

/*
 * Output: the packet leaves as IP | IPComp | deflate whose stream zlib
 * inflates to the payload, with lengths fixed; input takes it back to
 * the original bytes.  Both families, well-known and raw CPI.
 */
static void
test_round_trip(void)
{
	static uint8_t out[65535];
	static const int afs[] = { AF_INET, AF_INET6 };
	struct ipsec_sa *sa, *raw;
	struct pbuf *pb, *orig;
	size_t skip, protoff, n, i;
	uint8_t nxt;

	sa = sa_ok(0x1000, 0);
	raw = sa_ok(0x1234, SADB_X_EXT_RAWCPI);
	for (i = 0; i < 4; i++) {
		struct ipsec_sa *s = i & 1 ? raw : sa;

		pb = esp_pkt_make(esp_pool, afs[i / 2], IPPROTO_UDP, text,
		    1400, &skip, &protoff);
		orig = esp_pkt_copy(esp_pool, pb);
		CU_ASSERT_EQUAL(ipsec_xform_output(s, pb, skip, protoff, NULL),
		    IPSEC_PASS);
		CU_ASSERT(pb->len < orig->len);
		CU_ASSERT_EQUAL(pb->data[protoff], IPPROTO_COMP);
		CU_ASSERT_EQUAL(pb->data[skip], IPPROTO_UDP);
		CU_ASSERT_EQUAL(pb->data[skip + 1], 0);
		CU_ASSERT_EQUAL(pb->data[skip + 2] << 8 | pb->data[skip + 3],
		    i & 1 ? 0x1234 : SADB_X_CALG_DEFLATE);
		if (afs[i / 2] == AF_INET) {
			CU_ASSERT_EQUAL(pb->data[2] << 8 | pb->data[3],
			    (int)pb->len);
		} else {
			CU_ASSERT_EQUAL(pb->data[4] << 8 | pb->data[5],
			    (int)pb->len - 40);
		}
		n = zinflate(pb->data + skip + IPCOMP_HLENGTH,
		    pb->len - skip - IPCOMP_HLENGTH, out, sizeof(out));
		CU_ASSERT_EQUAL(n, 1400);
		CU_ASSERT_EQUAL(memcmp(out, text, 1400), 0);
		CU_ASSERT_EQUAL(feed(s, pb, &nxt), -1);
		CU_ASSERT_EQUAL(nxt, IPPROTO_UDP);
		CU_ASSERT_EQUAL(pb->len, orig->len);
		CU_ASSERT_EQUAL(memcmp(pb->data, orig->data, orig->len), 0);
		pbuf_free(pb);
		pbuf_free(orig);
	}
	key_sa_put(sa);
	key_sa_put(raw);
}

/*
 * Below 90 bytes nothing is compressed; a payload that does not shrink
 * by more than the header goes as it was.  Both are passes, counted.
 */
static void
test_threshold_and_uncompr(void)
{
	struct ipsec_sa *sa = sa_ok(0x1000, 0);
	uint64_t thr = net_counter_sum(&ipcompstat_counters, IPCOMPS_THRESHOLD);
	uint64_t unc = net_counter_sum(&ipcompstat_counters, IPCOMPS_UNCOMPR);
	uint64_t outp = net_counter_sum(&ipcompstat_counters, IPCOMPS_OUTPUT);
	uint8_t noise[600];
	struct pbuf *pb, *orig;
	size_t skip, protoff;

	pb = esp_pkt_make(esp_pool, AF_INET, IPPROTO_UDP, text,
	    CRYPTO_DEFLATE_MINLEN - 1, &skip, &protoff);
	orig = esp_pkt_copy(esp_pool, pb);
	CU_ASSERT_EQUAL(ipsec_xform_output(sa, pb, skip, protoff, NULL),
	    IPSEC_PASS);
	CU_ASSERT(pb->len == orig->len &&
	    memcmp(pb->data, orig->data, pb->len) == 0);
	CU_ASSERT_EQUAL(net_counter_sum(&ipcompstat_counters,
	    IPCOMPS_THRESHOLD), thr + 1);
	pbuf_free(pb);
	pbuf_free(orig);
	pb = esp_pkt_make(esp_pool, AF_INET, IPPROTO_UDP, text,
	    CRYPTO_DEFLATE_MINLEN, &skip, &protoff);
	CU_ASSERT_EQUAL(ipsec_xform_output(sa, pb, skip, protoff, NULL),
	    IPSEC_PASS);
	CU_ASSERT_EQUAL(pb->data[protoff], IPPROTO_COMP);
	CU_ASSERT_EQUAL(net_counter_sum(&ipcompstat_counters, IPCOMPS_OUTPUT),
	    outp + 1);
	pbuf_free(pb);
	esp_fill(noise, sizeof(noise), 7);
	pb = esp_pkt_make(esp_pool, AF_INET6, IPPROTO_UDP, noise,
	    sizeof(noise), &skip, &protoff);
	orig = esp_pkt_copy(esp_pool, pb);
	CU_ASSERT_EQUAL(ipsec_xform_output(sa, pb, skip, protoff, NULL),
	    IPSEC_PASS);
	CU_ASSERT(pb->len == orig->len &&
	    memcmp(pb->data, orig->data, pb->len) == 0);
	CU_ASSERT_EQUAL(net_counter_sum(&ipcompstat_counters, IPCOMPS_UNCOMPR),
	    unc + 1);
	pbuf_free(pb);
	pbuf_free(orig);
	key_sa_put(sa);
}

/* zlib's own output, with a well-known and a negotiated CPI, inflates. */
static void
test_zlib_input(void)
{
	static uint8_t z[16384];
	struct ipsec_sa *sa = sa_ok(0x1000, 0);
	struct ipsec_sa *raw = sa_ok(0x1234, SADB_X_EXT_RAWCPI);
	struct pbuf *pb;
	size_t n;
	uint8_t nxt;

	n = zdeflate(text, 1000, z, sizeof(z));
	pb = comp_packet(AF_INET, IPPROTO_TCP, SADB_X_CALG_DEFLATE, z, n);
	CU_ASSERT_EQUAL(feed(sa, pb, &nxt), -1);
	CU_ASSERT(nxt == IPPROTO_TCP && pb->len == 1020 &&
	    memcmp(pb->data + 20, text, 1000) == 0 && pb->data[9] == 6);
	pbuf_free(pb);
	pb = comp_packet(AF_INET6, IPPROTO_TCP, 0x1000, z, n);
	CU_ASSERT_EQUAL(feed(sa, pb, &nxt), -1);
	pbuf_free(pb);
	/* A raw-CPI SA answers to its own CPI only. */
	pb = comp_packet(AF_INET, IPPROTO_TCP, 0x1234, z, n);
	CU_ASSERT_EQUAL(feed(raw, pb, &nxt), -1);
	pbuf_free(pb);
	pb = comp_packet(AF_INET, IPPROTO_TCP, SADB_X_CALG_DEFLATE, z, n);
	CU_ASSERT_EQUAL(feed(raw, pb, &nxt), IPCOMPS_NOTDB);
	pbuf_free(pb);
	/*
	 * 8 KB from one small buffer: the packet moves into a large one.
	 */
	n = zdeflate(text, sizeof(text), z, sizeof(z));
	pb = comp_packet(AF_INET, IPPROTO_UDP, SADB_X_CALG_DEFLATE, z, n);
	CU_ASSERT(pb->cap < sizeof(text));
	CU_ASSERT_EQUAL(feed(sa, pb, &nxt), -1);
	CU_ASSERT(pb->len == 20 + sizeof(text) &&
	    memcmp(pb->data + 20, text, sizeof(text)) == 0);
	pbuf_free(pb);
	key_sa_put(sa);
	key_sa_put(raw);
}

/* Every refused packet moves its one counter. */
static void
test_input_drops(void)
{
	static uint8_t z[65536], big[65536];
	struct ipsec_sa *sa = sa_ok(0x1000, 0);
	struct pbuf *pb, *hold[2];
	size_t n, skip, protoff;
	uint8_t nxt;

	n = zdeflate(text, 1000, z, sizeof(z));
	pb = comp_packet(AF_INET, IPPROTO_UDP, 0x3333, z, n);
	CU_ASSERT_EQUAL(feed(sa, pb, &nxt), IPCOMPS_NOTDB);
	pbuf_free(pb);
	pb = comp_packet(AF_INET, IPPROTO_UDP, 2, z, n / 2);
	CU_ASSERT_EQUAL(feed(sa, pb, &nxt), IPCOMPS_CRYPTO);
	pbuf_free(pb);
	memset(big, 0xff, 64);
	pb = comp_packet(AF_INET, IPPROTO_UDP, 2, big, 64);
	CU_ASSERT_EQUAL(feed(sa, pb, &nxt), IPCOMPS_CRYPTO);
	pbuf_free(pb);
	pb = comp_packet(AF_INET, IPPROTO_COMP, 2, z, n);
	CU_ASSERT_EQUAL(feed(sa, pb, &nxt), IPCOMPS_PDROPS);
	pbuf_free(pb);
	pb = esp_pkt_make(esp_pool, AF_INET, IPPROTO_COMP, z, 3, &skip,
	    &protoff);
	CU_ASSERT_EQUAL(feed(sa, pb, &nxt), IPCOMPS_HDROPS);
	pbuf_free(pb);
	/* One byte past the largest IP packet, and the bomb. */
	memset(big, 0, sizeof(big));
	n = zdeflate(big, 65535 - 20 + 1, z, sizeof(z));
	pb = comp_packet(AF_INET, IPPROTO_UDP, 2, z, n);
	CU_ASSERT_EQUAL(feed(sa, pb, &nxt), IPCOMPS_TOOBIG);
	pbuf_free(pb);
	n = zdeflate(big, 65535 - 20, z, sizeof(z));
	pb = comp_packet(AF_INET, IPPROTO_UDP, 2, z, n);
	CU_ASSERT_EQUAL(feed(sa, pb, &nxt), -1);
	CU_ASSERT_EQUAL(pb->len, 65535);
	pbuf_free(pb);
	/* No large buffer free: the packet cannot grow. */
	hold[0] = pbuf_alloc(esp_pool, 60000);
	hold[1] = pbuf_alloc(esp_pool, 60000);
	n = zdeflate(text, sizeof(text), z, sizeof(z));
	pb = comp_packet(AF_INET, IPPROTO_UDP, 2, z, n);
	CU_ASSERT_EQUAL(feed(sa, pb, &nxt), IPCOMPS_QFULL);
	pbuf_free(pb);
	pbuf_free(hold[0]);
	pbuf_free(hold[1]);
	/* net.inet.ipcomp.ipcomp_enable=0 refuses IPComp input. */
	ipsec_vars.ipcomp_enable = 0;
	pb = comp_packet(AF_INET, IPPROTO_UDP, 2, z, n);
	CU_ASSERT_EQUAL(feed(sa, pb, &nxt), IPCOMPS_PDROPS);
	pbuf_free(pb);
	ipsec_vars.ipcomp_enable = 1;
	key_sa_put(sa);
}

static void
test_bomb(void)
{
	static uint8_t zeros[1 << 20], z[4096];
	struct ipsec_sa *sa = sa_ok(0x1000, 0);
	struct pbuf *pb;
	size_t n;
	uint8_t nxt;

	n = zdeflate(zeros, sizeof(zeros), z, sizeof(z));
	CU_ASSERT(n < 1400);
	pb = comp_packet(AF_INET6, IPPROTO_UDP, 2, z, n);
	CU_ASSERT_EQUAL(feed(sa, pb, &nxt), IPCOMPS_TOOBIG);
	pbuf_free(pb);
	key_sa_put(sa);
}

/* What init refuses; IPComp never gets a replay window. */
static void
test_init(void)
{
	struct ipsec_sa *sa;
	int error;

	sa = sa_new(0x10000, 0, &error);
	CU_ASSERT_PTR_NULL(sa);
	CU_ASSERT_EQUAL(error, EINVAL);
	sa = sa_ok(0x10000, SADB_X_EXT_RAWCPI);
	key_sa_put(sa);
	sa = sa_ok(0x1000, 0);
	CU_ASSERT_PTR_NULL(ipsec_xform_of(sa)->replay);
	/* A window (and ESN) asked for is ignored, as KAME ignores it. */
	sa->replay = 64;
	sa->flags |= SADB_X_SAFLAGS_ESN;
	CU_ASSERT_EQUAL(ipsec_xform_install(sa), 0);
	CU_ASSERT_PTR_NULL(ipsec_xform_of(sa)->replay);
	sa->replay = 0;
	sa->flags &= ~SADB_X_SAFLAGS_ESN;
	CU_ASSERT_PTR_NOT_NULL(ipsec_xform_of(sa)->comp);
	CU_ASSERT_EQUAL(ipsec_xform_of(sa)->ops, &ipcomp_xform_ops);
	/* An algorithm that is not a compression algorithm, or auth. */
	sa->alg_enc = SADB_X_CALG_OUI;
	CU_ASSERT_EQUAL(ipsec_xform_install(sa), EINVAL);
	sa->alg_enc = SADB_X_CALG_DEFLATE;
	sa->alg_auth = SADB_AALG_SHA1HMAC;
	CU_ASSERT_EQUAL(ipsec_xform_install(sa), EINVAL);
	/* The refused rebuilds left the working state in place. */
	CU_ASSERT_EQUAL(ipsec_xform_of(sa)->ops, &ipcomp_xform_ops);
	key_sa_put(sa);
	CU_ASSERT_PTR_EQUAL(ipsec_xform_lookup(IPPROTO_COMP),
	    &ipcomp_xform_ops);
	CU_ASSERT_EQUAL(ipcomp_xform_ops.spilen, 2);
	CU_ASSERT_EQUAL(ipcomp_xform_ops.spioff, 2);
	CU_ASSERT_EQUAL(ipcomp_xform_ops.hdrmin, IPCOMP_HLENGTH);
}

static size_t walked;

/* The walk: ..., crypto, hist[2], threshold, uncompr, in that order. */
static void
walk_one(void *arg, const char *name, int index, uint64_t value)
{
	static const char *const order[] = {
		"ipcomps_crypto", "ipcomps_hist", "ipcomps_threshold",
		"ipcomps_uncompr",
	};

	(void)arg;
	if (walked >= IPCOMPS_CRYPTO && walked - IPCOMPS_CRYPTO < 4)
		CU_ASSERT_STRING_EQUAL(name, order[walked - IPCOMPS_CRYPTO]);
	if (strcmp(name, "ipcomps_hist") == 0) {
		CU_ASSERT(index == SADB_X_CALG_DEFLATE && value == 2);
	} else {
		CU_ASSERT_EQUAL(index, -1);
	}
	walked++;
}

static const struct mib_node *
mib_node(const char *name)
{
	size_t i;

	for (i = 0; i < ipsec_var_mib_count; i++)
		if (strcmp(ipsec_var_mib[i].name, name) == 0)
			return &ipsec_var_mib[i];
	return NULL;
}

static void
test_stats(void)
{
	struct ipcompstat st;

	ipsec_xform_stats_reset(&ipcomp_stats);
	net_counter_add(&ipcompstat_counters, IPCOMPS_CRYPTO, 5);
	net_counter_add(&ipcompstat_counters, IPCOMPS_THRESHOLD, 6);
	net_counter_add(&ipcompstat_counters, IPCOMPS_UNCOMPR, 7);
	net_counter_add(&ipcompstat_hist, SADB_X_CALG_DEFLATE, 3);
	ipcompstat_get(&st);
	CU_ASSERT_EQUAL(st.ipcomps_crypto, 5);
	CU_ASSERT_EQUAL(st.ipcomps_threshold, 6);
	CU_ASSERT_EQUAL(st.ipcomps_uncompr, 7);
	CU_ASSERT_EQUAL(st.ipcomps_hist[SADB_X_CALG_DEFLATE], 3);
	CU_ASSERT_EQUAL(st.version, IPCOMPSTAT_VERSION);
	CU_ASSERT_STRING_EQUAL(ipsec_xform_stats_name(&ipcomp_stats,
	    IPCOMPS_HDROPS), "ipcomps_hdrops");
	CU_ASSERT_STRING_EQUAL(ipsec_xform_stats_name(&ipcomp_stats,
	    IPCOMPS_UNCOMPR), "ipcomps_uncompr");
	CU_ASSERT_PTR_NULL(ipsec_xform_stats_name(&ipcomp_stats,
	    IPCOMPS_NCOUNTERS));
	ipsec_xform_stats_reset(&ipcomp_stats);
	ipcompstat_get(&st);
	CU_ASSERT_EQUAL(st.ipcomps_crypto + st.ipcomps_uncompr +
	    st.ipcomps_hist[SADB_X_CALG_DEFLATE], 0);
	CU_ASSERT_EQUAL(ipsec_vars.ipcomp_enable, 1);
	/* The MIB walk keeps FreeBSD's order and names the histogram. */
	net_counter_add(&ipcompstat_counters, IPCOMPS_CRYPTO, 1);
	net_counter_add(&ipcompstat_hist, SADB_X_CALG_DEFLATE, 2);
	net_counter_add(&ipcompstat_counters, IPCOMPS_UNCOMPR, 3);
	walked = 0;
	ipsec_xform_stats_walk(&ipcomp_stats, walk_one, NULL);
	CU_ASSERT_EQUAL(walked, IPCOMPS_NCOUNTERS + 1);
	ipsec_xform_stats_reset(&ipcomp_stats);
	CU_ASSERT(mib_node("net.inet.ipcomp.ipcomp_enable") != NULL &&
	    mib_node("net.inet.ipcomp.ipcomp_enable")->var ==
	    &ipsec_vars.ipcomp_enable &&
	    mib_node("net.inet.ipcomp.ipcomp_enable")->def == 1);
	CU_ASSERT(mib_node("net.inet.ipcomp.stats") != NULL &&
	    mib_node("net.inet.ipcomp.stats")->kind == MIB_STATS);
}

/*
 * The packet path allocates nothing: zlib's allocator is not called
 * over many packets of every kind (compressed, below the threshold,
 * incompressible, inflated into a large buffer, refused), and every
 * packet buffer returns to the pool.
 */
static void
test_no_allocation(void)
{
	static uint8_t z[16384], noise[1400];
	struct ipsec_sa *sa = sa_ok(0x1000, 0);
	struct pbuf_pool_stats before, after;
	unsigned long allocs;
	size_t skip, protoff, n, zlen, i;
	struct pbuf *pb;
	uint8_t nxt;
	int why;

	esp_fill(noise, sizeof(noise), 3);
	zlen = zdeflate(text, sizeof(text), z, sizeof(z));
	pbuf_pool_stats(esp_pool, &before);
	allocs = crypto_comp_allocs();
	for (i = 0; i < 400; i++) {
		n = i % 4 == 1 ? 40 : 200 + i * 3;
		pb = esp_pkt_make(esp_pool, i & 1 ? AF_INET6 : AF_INET,
		    IPPROTO_UDP, i % 4 == 3 ? noise : text, n, &skip,
		    &protoff);
		CU_ASSERT_EQUAL(ipsec_xform_output(sa, pb, skip, protoff,
		    &why), IPSEC_PASS);
		if (pb->data[protoff] == IPPROTO_COMP)
			CU_ASSERT_EQUAL(feed(sa, pb, &nxt), -1);
		pbuf_free(pb);
		pb = comp_packet(AF_INET, IPPROTO_UDP, 2, z, i % 5 == 0 ?
		    zlen / 2 : zlen);
		CU_ASSERT_EQUAL(feed(sa, pb, &nxt), i % 5 == 0 ?
		    IPCOMPS_CRYPTO : -1);
		pbuf_free(pb);
	}
	CU_ASSERT_EQUAL(crypto_comp_allocs(), allocs);
	pbuf_pool_stats(esp_pool, &after);
	CU_ASSERT_EQUAL(after.allocs - before.allocs,
	    after.frees - before.frees);
	CU_ASSERT_EQUAL(after.failures, before.failures);
	/* Making a session does call it: the counter is alive. */
	key_sa_put(sa);
	sa = sa_ok(0x1001, 0);
	CU_ASSERT(crypto_comp_allocs() > allocs);
	key_sa_put(sa);
}

static const struct test_case ipcomp_cases[] = {
	{ "round trip against zlib, both families and CPIs", test_round_trip },
	{ "threshold and incompressible payloads", test_threshold_and_uncompr },
	{ "zlib's raw deflate inflates; growth into a large buffer",
	    test_zlib_input },
	{ "input drops, one counter each", test_input_drops },
	{ "a zlib bomb is bounded and dropped", test_bomb },
	{ "the packet path allocates nothing", test_no_allocation },
	{ "init: CPI range, algorithms, no replay window", test_init },
	{ "ipcompstat in FreeBSD's layout", test_stats },
	{ NULL, NULL },
};

const struct test_suite test_suites[] = {
	{ "ipcomp", suite_init, esp_suite_fini, ipcomp_cases },
	{ NULL, NULL, NULL, NULL },
};
