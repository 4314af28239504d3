/*
 * ESP packets that must be refused, each with the espstat counter that
 * says why: tampered ciphertext and ICV, replays inside and left of the
 * window, a forged packet that must not move the window, wrong padding,
 * a wrong SPI, every truncation of a valid packet, sequence number
 * exhaustion, a hard lifetime, and SAs ipsec_xform_install() must refuse.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "net/pfkeyv2.h"
#include "sys/crypto/crypto.h"
#include "sys/net/pbuf.h"
#include "sys/netipsec/esp_var.h"
#include "sys/netipsec/ipsec_stat.h"
#include "sys/netipsec/ipsec_xform.h"
#include "sys/netipsec/ipsec_var.h"
#include "esp_sa_util.h"
#include "testlib.h"

static uint8_t key[64];

static int
suite_init(void)
{
	esp_fill(key, sizeof(key), 5);
	return esp_suite_init();
}

struct cfg {
	const char	*name;
	uint8_t		 enc;
	size_t		 ekeylen;
	uint8_t		 auth;
	size_t		 akeylen;
};

/* A combined mode, a cipher with HMAC, and a cipher without ICV. */
static const struct cfg cfgs[] = {
	{ "aes-gcm-16", SADB_X_EALG_AESGCM16, 20, 0, 0 },
	{ "aes-cbc/hmac-sha2-256", SADB_X_EALG_AESCBC, 16,
	    SADB_X_AALG_SHA2_256, 32 },
	{ "aes-cbc", SADB_X_EALG_AESCBC, 16, 0, 0 },
};

static struct ipsec_sa *
sa_new(const struct cfg *c, uint32_t flags, uint32_t replay)
{
	struct esp_sa_spec spec = { .spi = 0x1000, .enc = c->enc,
	    .ekey = key, .ekeylen = c->ekeylen, .auth = c->auth,
	    .akey = key + 32, .akeylen = c->akeylen, .flags = flags,
	    .replay = replay };
	struct ipsec_sa *sa;
	int error;

	sa = esp_sa_make(&spec, &error);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sa);
	return sa;
}

/* An ESP packet of len payload bytes from tx, sequence number seq. */
static struct pbuf *
packet(struct ipsec_sa *tx, size_t len, uint64_t seq)
{
	uint8_t payload[256];
	size_t skip, protoff;
	struct pbuf *pb;

	esp_fill(payload, len, (uint32_t)len);
	pb = esp_pkt_make(esp_pool, AF_INET, IPPROTO_TCP, payload, len, &skip,
	    &protoff);
	tx->seq_out = seq - 1;
	CU_ASSERT_EQUAL(ipsec_xform_output(tx, pb, skip, protoff, NULL),
	    IPSEC_PASS);
	return pb;
}

/* Feed pb to rx: the verdict, and the counter of a drop (or -1). */
static int
feed(struct ipsec_sa *rx, struct pbuf *pb)
{
	uint64_t before[ESPS_NCOUNTERS];
	int moved = -1, n = 0, i, why = -1;
	uint8_t nxt;

	net_counter_sum_all(&espstat_counters, before);
	if (ipsec_xform_input(rx, pb, 20, 9, &nxt, &why) == IPSEC_PASS)
		return -1;
	for (i = 0; i < ESPS_NCOUNTERS; i++)
		if (net_counter_sum(&espstat_counters, i) != before[i]) {
			moved = i;
			n++;
		}
	/* Exactly one counter moved, and the engine is told a reason. */
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT(why >= 0 && why < IPSECS_NCOUNTERS);
	return moved;
}

static int
feed_copy(struct ipsec_sa *rx, const struct pbuf *pb)
{
	struct pbuf *c = esp_pkt_copy(esp_pool, pb);
	int r = feed(rx, c);

	pbuf_free(c);
	return r;
}

static void
test_tamper(void)
{
	struct ipsec_sa *tx, *rx;
	struct pbuf *pb;
	size_t i, off;

	for (i = 0; i < 2; i++) {
		tx = sa_new(&cfgs[i], 0, 64);
		rx = sa_new(&cfgs[i], 0, 64);
		pb = packet(tx, 100, 1);
		/* Every byte from the SPI's end to the last (ICV). */
		for (off = 24; off < pb->len; off += 7) {
			pb->data[off] ^= 0x40;
			CU_ASSERT_EQUAL(feed_copy(rx, pb), ESPS_BADAUTH);
			pb->data[off] ^= 0x40;
		}
		pb->data[pb->len - 1] ^= 1;
		CU_ASSERT_EQUAL(feed_copy(rx, pb), ESPS_BADAUTH);
		pb->data[pb->len - 1] ^= 1;
		CU_ASSERT_EQUAL(feed_copy(rx, pb), -1);
		pbuf_free(pb);
		key_sa_put(tx);
		key_sa_put(rx);
	}
}

static void
test_replay(void)
{
	struct ipsec_sa *tx = sa_new(&cfgs[0], 0, 32);
	struct ipsec_sa *rx = sa_new(&cfgs[0], 0, 32);
	struct pbuf *p1 = packet(tx, 40, 1), *p50 = packet(tx, 40, 50);
	struct pbuf *p20 = packet(tx, 40, 20), *p100 = packet(tx, 40, 100);
	struct pbuf *p30 = packet(tx, 40, 30);

	CU_ASSERT_EQUAL(feed_copy(rx, p1), -1);
	CU_ASSERT_EQUAL(feed_copy(rx, p1), ESPS_REPLAY);
	CU_ASSERT_EQUAL(feed_copy(rx, p50), -1);
	/* 20 is inside the window (50 - 32, 50] but 1 is not. */
	CU_ASSERT_EQUAL(feed_copy(rx, p20), -1);
	CU_ASSERT_EQUAL(feed_copy(rx, p20), ESPS_REPLAY);
	/* A forged 100 fails its ICV and leaves the window alone. */
	p100->data[30] ^= 1;
	CU_ASSERT_EQUAL(feed_copy(rx, p100), ESPS_BADAUTH);
	CU_ASSERT_EQUAL(feed_copy(rx, p30), -1);
	p100->data[30] ^= 1;
	CU_ASSERT_EQUAL(feed_copy(rx, p100), -1);
	/* Now 30 and 50 are left of (68, 100]. */
	CU_ASSERT_EQUAL(feed_copy(rx, p50), ESPS_REPLAY);
	pbuf_free(p1);
	pbuf_free(p20);
	pbuf_free(p30);
	pbuf_free(p50);
	pbuf_free(p100);
	key_sa_put(tx);
	key_sa_put(rx);
}

/* Sent with zero padding, received by an SA expecting 1, 2, 3... */
static void
test_padding(void)
{
	size_t i;
	struct ipsec_sa *tx, *rx, *rxr;
	struct pbuf *pb;

	for (i = 0; i < 3; i++) {
		tx = sa_new(&cfgs[i], SADB_X_EXT_PZERO, 0);
		rx = sa_new(&cfgs[i], 0, 0);
		rxr = sa_new(&cfgs[i], SADB_X_EXT_PRAND, 0);
		pb = packet(tx, 41, 1);
		CU_ASSERT_EQUAL(feed_copy(rx, pb), ESPS_BADENC);
		/* Random padding is not checked; zero is checked as zero. */
		CU_ASSERT_EQUAL(feed_copy(rxr, pb), -1);
		CU_ASSERT_EQUAL(feed_copy(tx, pb), -1);
		pbuf_free(pb);
		key_sa_put(tx);
		key_sa_put(rx);
		key_sa_put(rxr);
	}
}

/*
 * A pad length longer than the payload.  Only an SA without ICV lets such
 * a packet reach the trailer, so it is built by hand: one AES-CBC block
 * whose trailer claims 200 bytes of padding.
 */
static void
test_bad_padlen(void)
{
	struct ipsec_sa *rx = sa_new(&cfgs[2], SADB_X_EXT_PRAND, 0);
	struct crypto_enc *enc;
	uint8_t payload[8 + 16 + 16], *iv = payload + 8, *blk = iv + 16;
	size_t skip, protoff;
	struct pbuf *pb;

	CU_ASSERT_EQUAL_FATAL(crypto_enc_new(crypto_alg_byid(CRYPTO_KIND_ENC,
	    SADB_X_EALG_AESCBC), key, 16, 0, &enc), 0);
	memset(payload, 0, sizeof(payload));
	*(uint32_t *)payload = htonl(0x1000);
	*(uint32_t *)(payload + 4) = htonl(1);
	esp_fill(iv, 16, 9);
	blk[14] = 200;
	blk[15] = IPPROTO_TCP;
	CU_ASSERT_EQUAL(crypto_encrypt(enc, iv, NULL, 0, blk, 16, NULL),
	    CRYPTO_OK);
	pb = esp_pkt_make(esp_pool, AF_INET, IPPROTO_ESP, payload,
	    sizeof(payload), &skip, &protoff);
	CU_ASSERT_EQUAL(feed_copy(rx, pb), ESPS_BADILEN);
	/* The same block claiming 14 bytes passes (random padding). */
	blk = pb->data + skip + 24;
	CU_ASSERT_EQUAL(crypto_decrypt(enc, iv, NULL, 0, blk, 16, NULL),
	    CRYPTO_OK);
	blk[14] = 14;
	CU_ASSERT_EQUAL(crypto_encrypt(enc, iv, NULL, 0, blk, 16, NULL),
	    CRYPTO_OK);
	CU_ASSERT_EQUAL(feed_copy(rx, pb), -1);
	crypto_enc_free(enc);
	pbuf_free(pb);
	key_sa_put(rx);
}

static void
test_esp_disabled(void)
{
	struct ipsec_sa *tx = sa_new(&cfgs[0], 0, 0);
	struct pbuf *pb = packet(tx, 10, 1);

	ipsec_vars.esp_enable = 0;
	CU_ASSERT_EQUAL(feed_copy(tx, pb), ESPS_PDROPS);
	ipsec_vars.esp_enable = 1;
	CU_ASSERT_EQUAL(feed_copy(tx, pb), -1);
	pbuf_free(pb);
	key_sa_put(tx);
}

static void
test_wrong_spi(void)
{
	struct ipsec_sa *tx = sa_new(&cfgs[0], 0, 0);
	struct ipsec_sa *rx = sa_new(&cfgs[0], 0, 0);
	struct pbuf *pb = packet(tx, 10, 1);

	pb->data[23] ^= 1;
	CU_ASSERT_EQUAL(feed_copy(rx, pb), ESPS_NOTDB);
	pbuf_free(pb);
	key_sa_put(tx);
	key_sa_put(rx);
}

/* Every prefix of a valid packet, for each configuration. */
static void
test_truncated(void)
{
	struct ipsec_sa *tx, *rx;
	struct ipsec_xform *xf;
	struct pbuf *pb, *c;
	size_t i, len, min;
	int r, want;

	for (i = 0; i < 3; i++) {
		tx = sa_new(&cfgs[i], 0, 0);
		rx = sa_new(&cfgs[i], 0, 0);
		xf = ipsec_xform_of(rx);
		pb = packet(tx, 61, 1);
		min = 20 + ESP_HDRLEN + xf->ivlen + xf->icvlen + 2;
		for (len = 20; len < pb->len; len++) {
			c = esp_pkt_copy(esp_pool, pb);
			pbuf_trim(c, pb->len - len);
			r = feed(rx, c);
			want = len < 28 ? ESPS_HDROPS : len < min ?
			    ESPS_BADILEN : -2;
			if (want != -2) {
				CU_ASSERT_EQUAL(r, want);
			} else {
				CU_ASSERT(r == ESPS_BADILEN ||
				    r == ESPS_BADAUTH || r == ESPS_BADENC);
			}
			pbuf_free(c);
		}
		pbuf_free(pb);
		key_sa_put(tx);
		key_sa_put(rx);
	}
}

static enum ipsec_verdict
send_one(struct ipsec_sa *tx, uint32_t *seqp)
{
	uint8_t payload[8] = { 0 };
	size_t skip, protoff;
	enum ipsec_verdict v;
	struct pbuf *pb;

	pb = esp_pkt_make(esp_pool, AF_INET, IPPROTO_TCP, payload, 8, &skip,
	    &protoff);
	v = ipsec_xform_output(tx, pb, skip, protoff, NULL);
	*seqp = ntohl(*(uint32_t *)(pb->data + skip + 4));
	pbuf_free(pb);
	return v;
}

static void
test_seq_exhaustion(void)
{
	struct ipsec_sa *tx = sa_new(&cfgs[0], 0, 0);
	struct ipsec_sa *cyc = sa_new(&cfgs[0], SADB_X_EXT_CYCSEQ, 0);
	struct ipsec_sa *esn = sa_new(&cfgs[0], SADB_X_SAFLAGS_ESN, 0);
	uint64_t wraps = net_counter_sum(&espstat_counters, ESPS_WRAP);
	uint32_t seq;

	tx->seq_out = 0xfffffffeu;
	CU_ASSERT_EQUAL(send_one(tx, &seq), IPSEC_PASS);
	CU_ASSERT_EQUAL(seq, 0xffffffffu);
	CU_ASSERT_EQUAL(send_one(tx, &seq), IPSEC_DROP);
	CU_ASSERT_EQUAL(net_counter_sum(&espstat_counters, ESPS_WRAP),
	    wraps + 1);
	/* A cycling SA goes on, skipping sequence number 0. */
	cyc->seq_out = 0xffffffffu;
	CU_ASSERT_EQUAL(send_one(cyc, &seq), IPSEC_PASS);
	CU_ASSERT_EQUAL(seq, 1);
	CU_ASSERT_EQUAL(cyc->seq_out, 0x100000001ULL);
	/* ESN crosses 2^32 (low half 0 is fine) and stops at 2^64 - 1. */
	esn->seq_out = 0xffffffffu;
	CU_ASSERT_EQUAL(send_one(esn, &seq), IPSEC_PASS);
	CU_ASSERT_EQUAL(seq, 0);
	esn->seq_out = UINT64_MAX;
	CU_ASSERT_EQUAL(send_one(esn, &seq), IPSEC_DROP);
	CU_ASSERT_EQUAL(net_counter_sum(&espstat_counters, ESPS_WRAP),
	    wraps + 2);
	key_sa_put(tx);
	key_sa_put(cyc);
	key_sa_put(esn);
}

static void
test_hard_lifetime(void)
{
	struct ipsec_sa *tx = sa_new(&cfgs[0], 0, 0);
	uint64_t inval = net_counter_sum(&espstat_counters, ESPS_INVALID);
	uint32_t seq;

	tx->hard.allocations = 2;
	CU_ASSERT_EQUAL(send_one(tx, &seq), IPSEC_PASS);
	CU_ASSERT_EQUAL(send_one(tx, &seq), IPSEC_PASS);
	CU_ASSERT_EQUAL(send_one(tx, &seq), IPSEC_DROP);
	CU_ASSERT_EQUAL(net_counter_sum(&espstat_counters, ESPS_INVALID),
	    inval + 1);
	CU_ASSERT_EQUAL(tx->state, SADB_SASTATE_DEAD);
	key_sa_put(tx);
}

static void
test_init_refusals(void)
{
	struct esp_sa_spec spec = { .spi = 1, .enc = SADB_X_EALG_AESGCM16,
	    .ekey = key, .ekeylen = 20 };
	int error;

	spec.auth = SADB_AALG_SHA1HMAC;
	spec.akey = key;
	spec.akeylen = 20;
	CU_ASSERT_PTR_NULL(esp_sa_make(&spec, &error));
	CU_ASSERT_EQUAL(error, EINVAL);
	spec.auth = 0;
	spec.ekeylen = 17;
	CU_ASSERT_PTR_NULL(esp_sa_make(&spec, &error));
	CU_ASSERT_EQUAL(error, EINVAL);
	spec.ekeylen = 20;
	spec.flags = SADB_X_EXT_OLD;
	CU_ASSERT_PTR_NULL(esp_sa_make(&spec, &error));
	CU_ASSERT_EQUAL(error, EINVAL);
	spec.flags = 0;
	spec.replay = 1u << 20;
	CU_ASSERT_PTR_NULL(esp_sa_make(&spec, &error));
	CU_ASSERT_EQUAL(error, EINVAL);
	spec.replay = 0;
	spec.enc = 250;
	CU_ASSERT_PTR_NULL(esp_sa_make(&spec, &error));
	CU_ASSERT_EQUAL(error, EINVAL);
}

static void
test_no_xform(void)
{
	struct ipsec_sa *sa = sa_new(&cfgs[0], 0, 0);
	struct ipsec_sa *bare;
	struct pbuf *pb = packet(sa, 10, 1);
	uint64_t n = net_counter_sum(&espstat_counters, ESPS_NOXFORM);
	uint8_t nxt;

	bare = key_sa_alloc(SADB_SATYPE_ESP, &sa->src.sa, &sa->dst.sa);
	CU_ASSERT_EQUAL(ipsec_xform_input(bare, pb, 20, 9, &nxt, NULL),
	    IPSEC_DROP);
	CU_ASSERT_EQUAL(ipsec_xform_output(bare, pb, 20, 9, NULL), IPSEC_DROP);
	CU_ASSERT_EQUAL(net_counter_sum(&espstat_counters, ESPS_NOXFORM),
	    n + 2);
	pbuf_free(pb);
	key_sa_put(bare);
	key_sa_put(sa);
}

static void
test_stats_and_vars(void)
{
	struct espstat st;

	ipsec_xform_stats_reset(&esp_stats);
	net_counter_add(&espstat_counters, ESPS_BADAUTH, 7);
	net_counter_add(&espstat_hist, SADB_X_EALG_AESGCM16, 3);
	espstat_get(&st);
	CU_ASSERT_EQUAL(st.esps_badauth, 7);
	CU_ASSERT_EQUAL(st.esps_hist[SADB_X_EALG_AESGCM16], 3);
	CU_ASSERT_STRING_EQUAL(ipsec_xform_stats_name(&esp_stats, ESPS_TUNNEL),
	    "esps_tunnel");
	CU_ASSERT_PTR_NULL(ipsec_xform_stats_name(&esp_stats, ESPS_NCOUNTERS));
	ipsec_xform_stats_reset(&esp_stats);
	espstat_get(&st);
	CU_ASSERT_EQUAL(st.esps_badauth, 0);

	CU_ASSERT_EQUAL(ipsec_vars.inet.def_policy, 1);
	CU_ASSERT_EQUAL(ipsec_vars.inet6.esp_randpad, -1);
	CU_ASSERT_EQUAL(ipsec_vars.ah_cleartos, 1);
	CU_ASSERT_EQUAL(ipsec_vars.esp_enable, 1);
	ipsec_vars.dfbit = 2;
	ipsec_vars_reset();
	CU_ASSERT_EQUAL(ipsec_vars.dfbit, 0);
}

static const struct test_case drop_cases[] = {
	{ "tampered ciphertext and ICV", test_tamper },
	{ "replays", test_replay },
	{ "padding contents", test_padding },
	{ "pad length", test_bad_padlen },
	{ "wrong SPI", test_wrong_spi },
	{ "net.inet.esp.esp_enable=0", test_esp_disabled },
	{ "truncated at every length", test_truncated },
	{ "sequence number exhaustion", test_seq_exhaustion },
	{ "hard lifetime", test_hard_lifetime },
	{ "transform refusals", test_init_refusals },
	{ "no transform", test_no_xform },
	{ "statistics and variables", test_stats_and_vars },
	{ NULL, NULL },
};

const struct test_suite test_suites[] = {
	{ "esp drops", suite_init, esp_suite_fini, drop_cases },
	{ NULL, NULL, NULL, NULL },
};
