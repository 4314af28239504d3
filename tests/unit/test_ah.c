/*
 * The AH transform (xform_ah.c, ah_output.c, ah_input.c) through its row
 * of the transform table:
 *  - every registry authentication algorithm over IPv4 and IPv6: the
 *    header RFC 4302 describes (next header, payload length in 32-bit
 *    words minus 2, SPI, sequence number), the ICV lengths of RFC 2403,
 *    2404, 2857, 3566 and 4868, padding to 32 bits (IPv4) or 64 bits
 *    (IPv6), and a round trip back to the original packet;
 *  - RFC 1826 "ah-old": 8-byte header, 16-byte ICV, no sequence number;
 *  - SAs init refuses, with EINVAL;
 *  - every input drop moves exactly one ahstat counter and tells the
 *    engine its ipsecstat reason: wrong ICV, changed payload, AH cut
 *    short, bad AH length, wrong SPI, replay; output wrap;
 *  - ah_cleartos and ah_offsetmask flipped: a TOS or DF bit changed in
 *    transit verifies exactly when the field is left out of the ICV;
 *  - ESN against Scapy (the high half appended to the ICV input) with a
 *    high half that is not zero, both ways.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include "net/pfkeyv2.h"
#include "sys/crypto/crypto.h"
#include "sys/net/net_endian.h"
#include "sys/net/pbuf.h"
#include "sys/netinet/in_cksum.h"
#include "sys/netipsec/ah_var.h"
#include "sys/netipsec/ipsec_stat.h"
#include "sys/netipsec/ipsec_var.h"
#include "sys/netipsec/replay.h"
#include "esp_sa_util.h"
#include "ip_testpkt.h"
#include "testlib.h"

static uint8_t key[64];

static int
suite_init(void)
{
	esp_fill(key, sizeof(key), 77);
	return esp_suite_init();
}

/* One registry algorithm and what RFC says its AH header looks like. */
struct alg_case {
	const char	*name;
	uint8_t		 alg;
	size_t		 keylen;
	size_t		 icvlen;
};

static const struct alg_case algs[] = {
	{ "hmac-md5", SADB_AALG_MD5HMAC, 16, 12 },		/* 2403 */
	{ "hmac-sha1", SADB_AALG_SHA1HMAC, 20, 12 },		/* 2404 */
	{ "hmac-sha2-256", SADB_X_AALG_SHA2_256, 32, 16 },	/* 4868 */
	{ "hmac-sha2-384", SADB_X_AALG_SHA2_384, 48, 24 },
	{ "hmac-sha2-512", SADB_X_AALG_SHA2_512, 64, 32 },
	{ "hmac-ripemd160", SADB_X_AALG_RIPEMD160HMAC, 20, 12 }, /* 2857 */
	{ "aes-xcbc-mac", SADB_X_AALG_AES_XCBC_MAC, 16, 12 },	/* 3566 */
	{ "keyed-md5", SADB_X_AALG_MD5, 16, 12 },
	{ "keyed-sha1", SADB_X_AALG_SHA, 20, 12 },
	{ "null", SADB_X_AALG_NULL, 0, 0 },
};

static struct ipsec_sa *
ah_sa(uint8_t alg, size_t keylen, uint32_t flags, uint32_t replay,
    int *errp)
{
	struct esp_sa_spec spec = {
		.satype = SADB_SATYPE_AH, .spi = 0x5151, .auth = alg,
		.akey = key, .akeylen = keylen, .flags = flags,
		.replay = replay,
	};

	return esp_sa_make(&spec, errp);
}

static struct ipsec_sa *
ah_sa_ok(uint8_t alg, size_t keylen, uint32_t flags, uint32_t replay)
{
	struct ipsec_sa *sa;
	int error;

	sa = ah_sa(alg, keylen, flags, replay, &error);
	CU_ASSERT_EQUAL(error, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sa);
	return sa;
}

/* A UDP-ish packet of af with len payload bytes, protected by tx. */
static struct pbuf *
signed_packet(struct ipsec_sa *tx, int af, size_t len, struct pbuf **orig)
{
	uint8_t payload[512];
	size_t skip, protoff;
	struct pbuf *pb;

	esp_fill(payload, len, (uint32_t)len + 3);
	pb = esp_pkt_make(esp_pool, af, IPPROTO_UDP, payload, len, &skip,
	    &protoff);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pb);
	if (orig != NULL)
		*orig = esp_pkt_copy(esp_pool, pb);
	CU_ASSERT_EQUAL_FATAL(ipsec_xform_output(tx, pb, skip, protoff, NULL),
	    IPSEC_PASS);
	return pb;
}

static size_t
round_up(size_t n, size_t a)
{
	return (n + a - 1) / a * a;
}

static void
test_algorithms(void)
{
	struct ipsec_sa *tx, *rx;
	struct pbuf *pb, *orig;
	size_t i, hlen, skip;
	const uint8_t *ah;
	uint8_t nxt;
	int af;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		tx = ah_sa_ok(algs[i].alg, algs[i].keylen, 0, 32);
		rx = ah_sa_ok(algs[i].alg, algs[i].keylen, 0, 32);
		for (af = AF_INET; af != -1; af = af == AF_INET ? AF_INET6 :
		    -1) {
			skip = af == AF_INET ? 20 : 40;
			pb = signed_packet(tx, af, 100, &orig);
			hlen = round_up(12 + algs[i].icvlen,
			    af == AF_INET ? 4 : 8);
			CU_ASSERT_EQUAL(pb->len, orig->len + hlen);
			ah = pb->data + skip;
			CU_ASSERT_EQUAL(pb->data[af == AF_INET ? 9 : 6],
			    IPPROTO_AH);
			CU_ASSERT_EQUAL(ah[0], IPPROTO_UDP);
			CU_ASSERT_EQUAL((ah[1] + 2) * 4, hlen);
			CU_ASSERT_EQUAL(ah[2] | ah[3], 0);
			CU_ASSERT_EQUAL(be_get16(ah + 4), 0);
			CU_ASSERT_EQUAL(be_get16(ah + 6), 0x5151);
			CU_ASSERT_EQUAL(ah[11], af == AF_INET ? 1 : 2);
			CU_ASSERT_EQUAL(ipsec_xform_input(rx, pb, skip,
			    af == AF_INET ? 9 : 6, &nxt, NULL), IPSEC_PASS);
			CU_ASSERT_EQUAL(nxt, IPPROTO_UDP);
			CU_ASSERT_EQUAL(pb->len, orig->len);
			if (pb->len != orig->len || memcmp(pb->data,
			    orig->data, pb->len) != 0) {
				CU_FAIL("round trip");
				fprintf(stderr, "%s af %d\n", algs[i].name, af);
			}
			pbuf_free(pb);
			pbuf_free(orig);
		}
		key_sa_put(tx);
		key_sa_put(rx);
	}
}

/* RFC 1826: 8-byte header, length of the data only, 16-byte ICV. */
static void
test_old(void)
{
	static const uint8_t old_algs[] = { SADB_X_AALG_MD5, SADB_X_AALG_SHA,
	    SADB_AALG_MD5HMAC, SADB_AALG_SHA1HMAC };
	static const size_t old_keys[] = { 16, 20, 16, 20 };
	struct ipsec_sa *tx, *rx;
	struct pbuf *pb, *orig;
	uint8_t nxt;
	size_t i;

	for (i = 0; i < sizeof(old_algs); i++) {
		tx = ah_sa_ok(old_algs[i], old_keys[i], SADB_X_EXT_OLD, 0);
		rx = ah_sa_ok(old_algs[i], old_keys[i], SADB_X_EXT_OLD, 0);
		pb = signed_packet(tx, AF_INET, 50, &orig);
		CU_ASSERT_EQUAL(pb->len, orig->len + 8 + 16);
		CU_ASSERT_EQUAL(pb->data[21], 4);
		CU_ASSERT_EQUAL(be_get16(pb->data + 26), 0x5151);
		CU_ASSERT_EQUAL(ipsec_xform_input(rx, pb, 20, 9, &nxt, NULL),
		    IPSEC_PASS);
		CU_ASSERT_EQUAL(memcmp(pb->data, orig->data, orig->len), 0);
		pbuf_free(pb);
		pbuf_free(orig);
		/* No sequence number: the same packet is taken again. */
		pb = signed_packet(tx, AF_INET6, 50, NULL);
		CU_ASSERT_EQUAL(pb->data[41], 4);
		orig = esp_pkt_copy(esp_pool, pb);
		CU_ASSERT_EQUAL(ipsec_xform_input(rx, pb, 40, 6, &nxt, NULL),
		    IPSEC_PASS);
		CU_ASSERT_EQUAL(ipsec_xform_input(rx, orig, 40, 6, &nxt,
		    NULL), IPSEC_PASS);
		pbuf_free(pb);
		pbuf_free(orig);
		key_sa_put(tx);
		key_sa_put(rx);
	}
}

static void
test_refused(void)
{
	struct esp_sa_spec spec = {
		.satype = SADB_SATYPE_AH, .spi = 0x777, .auth =
		    SADB_X_AALG_SHA2_256, .akey = key, .akeylen = 32,
		.enc = SADB_EALG_3DESCBC, .ekey = key, .ekeylen = 24,
	};
	int error;

	CU_ASSERT_PTR_NULL(esp_sa_make(&spec, &error));
	CU_ASSERT_EQUAL(error, EINVAL);
	CU_ASSERT_PTR_NULL(ah_sa(SADB_X_AALG_TCP_MD5, 16, 0, 0, &error));
	CU_ASSERT_EQUAL(error, EINVAL);
	CU_ASSERT_PTR_NULL(ah_sa(SADB_X_AALG_SHA2_256, 20, 0, 0, &error));
	CU_ASSERT_EQUAL(error, EINVAL);
	CU_ASSERT_PTR_NULL(ah_sa(SADB_X_AALG_MD5, 16, SADB_X_EXT_OLD, 4,
	    &error));
	CU_ASSERT_EQUAL(error, EINVAL);
	CU_ASSERT_PTR_NULL(ah_sa(SADB_X_AALG_MD5, 16, SADB_X_EXT_OLD |
	    SADB_X_SAFLAGS_ESN, 0, &error));
	CU_ASSERT_EQUAL(error, EINVAL);
	CU_ASSERT_PTR_NULL(ah_sa(SADB_X_AALG_SHA2_256, 32, SADB_X_EXT_DERIV,
	    0, &error));
	CU_ASSERT_EQUAL(error, EINVAL);
}

/* Feed a copy of pb to rx: -1 on pass, else the one counter that moved. */
static int
feed(struct ipsec_sa *rx, const struct pbuf *pb, size_t skip, int *whyp)
{
	uint64_t before[AHS_NCOUNTERS];
	struct pbuf *c = esp_pkt_copy(esp_pool, pb);
	int moved = -1, n = 0, i, why = -1;
	uint8_t nxt;

	net_counter_sum_all(&ahstat_counters, before);
	if (ipsec_xform_input(rx, c, skip, skip == 20 ? 9 : 6, &nxt,
	    &why) == IPSEC_PASS) {
		pbuf_free(c);
		return -1;
	}
	pbuf_free(c);
	for (i = 0; i < AHS_NCOUNTERS; i++)
		if (net_counter_sum(&ahstat_counters, i) != before[i]) {
			moved = i;
			n++;
		}
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT(why >= 0 && why < IPSECS_NCOUNTERS);
	if (whyp != NULL)
		*whyp = why;
	return moved;
}

static void
test_drops(void)
{
	struct ipsec_sa *tx, *rx;
	struct pbuf *pb, *p2;
	int why;

	tx = ah_sa_ok(SADB_X_AALG_SHA2_256, 32, 0, 8);
	rx = ah_sa_ok(SADB_X_AALG_SHA2_256, 32, 0, 8);
	pb = signed_packet(tx, AF_INET, 64, NULL);
	pb->data[20 + 12] ^= 0x80;		/* ICV */
	CU_ASSERT_EQUAL(feed(rx, pb, 20, &why), AHS_BADAUTH);
	CU_ASSERT_EQUAL(why, IPSECS_IN_AHAUTHFAIL);
	pb->data[20 + 12] ^= 0x80;
	pb->data[pb->len - 1] ^= 1;		/* payload */
	CU_ASSERT_EQUAL(feed(rx, pb, 20, NULL), AHS_BADAUTH);
	pb->data[pb->len - 1] ^= 1;
	pb->data[15] ^= 1;			/* source address */
	CU_ASSERT_EQUAL(feed(rx, pb, 20, NULL), AHS_BADAUTH);
	pb->data[15] ^= 1;
	pb->data[21] = 4;			/* 24; the SA's is 28 */
	CU_ASSERT_EQUAL(feed(rx, pb, 20, NULL), AHS_BADAUTHL);
	pb->data[21] = 7;			/* 36 */
	CU_ASSERT_EQUAL(feed(rx, pb, 20, NULL), AHS_BADAUTHL);
	pb->data[21] = 5;
	pb->data[27] ^= 1;			/* SPI */
	CU_ASSERT_EQUAL(feed(rx, pb, 20, &why), AHS_NOTDB);
	CU_ASSERT_EQUAL(why, IPSECS_IN_NOSA);
	pb->data[27] ^= 1;
	p2 = esp_pkt_copy(esp_pool, pb);
	pbuf_trim(p2, p2->len - 20 - 27);	/* AH cut short */
	CU_ASSERT_EQUAL(feed(rx, p2, 20, NULL), AHS_HDROPS);
	pbuf_trim(p2, p2->len - 20 - 7);
	CU_ASSERT_EQUAL(feed(rx, p2, 20, NULL), AHS_HDROPS);
	pbuf_free(p2);
	CU_ASSERT_EQUAL(feed(rx, pb, 20, NULL), -1);
	CU_ASSERT_EQUAL(feed(rx, pb, 20, &why), AHS_REPLAY);
	CU_ASSERT_EQUAL(why, IPSECS_IN_AHREPLAY);
	pbuf_free(pb);
	/* A 32-bit SA that may not cycle stops at 2^32 - 1. */
	tx->seq_out = UINT32_MAX;
	pb = esp_pkt_make(esp_pool, AF_INET, IPPROTO_UDP, key, 8, &(size_t){
	    0 }, &(size_t){ 0 });
	{
		uint64_t wraps = net_counter_sum(&ahstat_counters, AHS_WRAP);

		CU_ASSERT_EQUAL(ipsec_xform_output(tx, pb, 20, 9, &why),
		    IPSEC_DROP);
		CU_ASSERT_EQUAL(net_counter_sum(&ahstat_counters, AHS_WRAP),
		    wraps + 1);
	}
	pbuf_free(pb);
	key_sa_put(tx);
	key_sa_put(rx);
}

/* Rewrite an IPv4 header field as a router would, checksum fixed. */
static void
router_rewrite(struct pbuf *pb, size_t off, uint8_t val, uint8_t mask)
{
	pb->data[off] = (uint8_t)((pb->data[off] & ~mask) | val);
	pb->data[10] = pb->data[11] = 0;
	be_put16(pb->data + 10, in_cksum(pb->data, 20));
}

/*
 * Sender and receiver with the same settings; TOS (DSCP), DF and TTL
 * changed in transit.  Each verifies exactly when its field is left out.
 */
static void
test_in_transit(void)
{
	static const struct {
		int	 cleartos, offsetmask;
		size_t	 off;
		uint8_t	 val, mask;
		int	 want;
	} t[] = {
		{ 1, 0, 1, 0x28, 0xff, -1 },		/* TOS, cleared */
		{ 0, 0, 1, 0x28, 0xff, AHS_BADAUTH },	/* TOS, kept */
		{ 1, 0, 6, 0x40, 0x40, -1 },		/* DF, masked out */
		{ 1, 0xffff, 6, 0x40, 0x40, AHS_BADAUTH },
		{ 1, 0xbfff, 6, 0x40, 0x40, -1 },	/* DF out of mask */
		{ 0, 0xffff, 8, 3, 0xff, -1 },		/* TTL: never */
	};
	struct ipsec_sa *tx, *rx;
	struct pbuf *pb;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ipsec_vars.ah_cleartos = t[i].cleartos;
		ipsec_vars.ah_offsetmask = t[i].offsetmask;
		tx = ah_sa_ok(SADB_AALG_SHA1HMAC, 20, 0, 0);
		rx = ah_sa_ok(SADB_AALG_SHA1HMAC, 20, 0, 0);
		pb = signed_packet(tx, AF_INET, 30, NULL);
		CU_ASSERT_EQUAL(feed(rx, pb, 20, NULL), -1);
		router_rewrite(pb, t[i].off, t[i].val, t[i].mask);
		if (feed(rx, pb, 20, NULL) != t[i].want) {
			CU_FAIL("in transit");
			fprintf(stderr, "case %zu\n", i);
		}
		pbuf_free(pb);
		key_sa_put(tx);
		key_sa_put(rx);
	}
	ipsec_vars_reset();
}

/*
 * ESN with a high half of 5 against Scapy: Scapy signs sequence number
 * 5:10 (esn_en, esn=5), our receiver, its window at 5:9, verifies it;
 * ours signs 5:11 and Scapy verifies it with esn=5, and not with esn=4.
 */
static const char scapy_esn[] =
"import sys, warnings\n"
"warnings.filterwarnings('ignore')\n"
"from scapy.layers.inet import IP, UDP\n"
"from scapy.layers.ipsec import AH, SecurityAssociation\n"
"k = bytes.fromhex(sys.argv[1][:64])\n"
"sa = SecurityAssociation(AH, spi=0x5151, auth_algo='SHA2-256-128', "
"auth_key=k, esn_en=True, esn=5)\n"
"if len(sys.argv[1]) == 64:\n"
"    p = IP(src='192.0.2.1', dst='192.0.2.2') / UDP() / (b'e' * 20)\n"
"    print('PKT', bytes(sa.encrypt(IP(bytes(p)), seq_num=10)).hex())\n"
"else:\n"
"    pkt = IP(bytes.fromhex(sys.argv[1][64:]))\n"
"    sa.decrypt(IP(bytes(pkt)))\n"
"    try:\n"
"        sa.decrypt(IP(bytes(pkt)), esn=4)\n"
"        print('WRONG esn=4 verified')\n"
"    except Exception:\n"
"        print('VERIFIED', pkt[AH].seq)\n";

static void
test_esn_scapy(void)
{
	static char out[8192], arg[4096];
	struct ipsec_sa *tx, *rx;
	struct pbuf *pb;
	uint8_t *pkt;
	size_t len, i, n;
	char *p;

	for (i = 0; i < 32; i++)
		sprintf(arg + 2 * i, "%02x", key[i]);
	CU_ASSERT_EQUAL_FATAL(tp_python(scapy_esn, arg, out, sizeof(out)), 0);
	p = strstr(out, "PKT ");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	p[4 + strcspn(p + 4, "\n")] = '\0';
	pkt = test_hex(p + 4, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pkt);
	rx = ah_sa_ok(SADB_X_AALG_SHA2_256, 32, SADB_X_SAFLAGS_ESN, 64);
	ipsec_replay_reset(ipsec_xform_of(rx)->replay, (5ULL << 32) + 9);
	pb = tp_pbuf(esp_pool, pkt, len);
	CU_ASSERT_EQUAL(feed(rx, pb, 20, NULL), -1);
	/* Inferred into the wrong epoch, the ICV cannot verify. */
	ipsec_replay_reset(ipsec_xform_of(rx)->replay, (6ULL << 32) + 1);
	CU_ASSERT_EQUAL(feed(rx, pb, 20, NULL), AHS_BADAUTH);
	pbuf_free(pb);
	free(pkt);

	tx = ah_sa_ok(SADB_X_AALG_SHA2_256, 32, SADB_X_SAFLAGS_ESN, 64);
	tx->seq_out = (5ULL << 32) + 10;
	pb = signed_packet(tx, AF_INET, 20, NULL);
	n = 64;
	for (i = 0; i < pb->len && n + 2 < sizeof(arg); i++, n += 2)
		sprintf(arg + n, "%02x", pb->data[i]);
	CU_ASSERT_EQUAL(tp_python(scapy_esn, arg, out, sizeof(out)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "VERIFIED 11\n"));
	if (strstr(out, "VERIFIED 11\n") == NULL)
		fprintf(stderr, "scapy said:\n%s\n", out);
	pbuf_free(pb);
	key_sa_put(tx);
	key_sa_put(rx);
}

static void
test_stats(void)
{
	struct ahstat st;

	ipsec_xform_stats_reset(&ah_stats);
	net_counter_add(&ahstat_counters, AHS_BADAUTHL, 7);
	net_counter_add(&ahstat_hist, SADB_X_AALG_SHA2_256, 3);
	ahstat_get(&st);
	CU_ASSERT_EQUAL(st.ahs_badauthl, 7);
	CU_ASSERT_EQUAL(st.ahs_hist[SADB_X_AALG_SHA2_256], 3);
	CU_ASSERT_STRING_EQUAL(ipsec_xform_stats_name(&ah_stats, AHS_TUNNEL),
	    "ahs_tunnel");
	CU_ASSERT_STRING_EQUAL(ipsec_xform_stats_name(&ah_stats, AHS_HDROPS),
	    "ahs_hdrops");
	CU_ASSERT_PTR_NULL(ipsec_xform_stats_name(&ah_stats, AHS_NCOUNTERS));
	ipsec_xform_stats_reset(&ah_stats);
	ahstat_get(&st);
	CU_ASSERT_EQUAL(st.ahs_badauthl, 0);
}

static const struct test_case ah_cases[] = {
	{ "every algorithm, IPv4 and IPv6, RFC header", test_algorithms },
	{ "RFC 1826 ah-old", test_old },
	{ "SAs init refuses", test_refused },
	{ "each drop with its counter", test_drops },
	{ "TOS and DF in transit vs ah_cleartos, ah_offsetmask",
	    test_in_transit },
	{ "ESN high half against Scapy", test_esn_scapy },
	{ "ahstat layout and names", test_stats },
	{ NULL, NULL },
};

const struct test_suite test_suites[] = {
	{ "ah", suite_init, esp_suite_fini, ah_cases },
	{ NULL, NULL, NULL, NULL },
};
