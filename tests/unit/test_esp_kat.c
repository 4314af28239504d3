/*
 * Known answers through the real ESP paths: the full ESP packets of RFC
 * 3602 (AES-CBC, no ICV; cases 5-8), draft-mcgrew-gcm-test-01 (AES-GCM
 * with 128/192/256-bit keys, ESN cases, the RFC 4543 GMAC case) and RFC
 * 7634 appendix A (ChaCha20-Poly1305) are rebuilt byte for byte by
 * esp_output (the test hook fixes the IV and the sequence number) and
 * taken back by esp_input, which must return the original packet.
 *
 * RFC 3602 prints whole IPv4 packets: transport cases go through as
 * printed; tunnel cases get the outer header the RFC prints (protocol
 * 4, IP-in-IP) in front of the inner packet.  The GCM and ChaCha20
 * vectors start at the SPI; they get a 20-byte IPv4 header whose
 * protocol is the vector's next header, which esp_output turns into 50
 * and which is cut off before comparing.
 */
#include <arpa/inet.h>
#include <string.h>

#include <jansson.h>

#include "net/pfkeyv2.h"
#include "sys/crypto/crypto.h"
#include "sys/net/pbuf.h"
#include "sys/netipsec/esp_var.h"
#include "sys/netipsec/ipsec_xform.h"
#include "sys/netipsec/ipsec_util.h"
#include "sys/netipsec/replay.h"
#include "esp_sa_util.h"
#include "testlib.h"

static uint64_t
hexnum(json_t *obj, const char *name)
{
	size_t len, i;
	uint8_t *p = test_vector_hex(obj, name, &len);
	uint64_t v = 0;

	for (i = 0; i < len; i++)
		v = v << 8 | p[i];
	free(p);
	return v;
}

/*
 * One vector: the packet in (skip bytes of IP header, protocol at
 * protoff) must become want[0..wantlen) from byte wantoff on, and come
 * back unchanged.
 */
struct kat {
	const char	*id;
	uint8_t		 enc;
	uint8_t		*key;
	size_t		 keylen;
	uint32_t	 spi;
	uint64_t	 seq;
	uint32_t	 flags;
	uint8_t		*iv;
	uint8_t		*in;
	size_t		 inlen;
	uint8_t		*want;
	size_t		 wantlen;
	size_t		 wantoff;
};

static void
kat_run(const struct kat *k)
{
	struct esp_sa_spec spec = { .spi = k->spi, .enc = k->enc,
	    .ekey = k->key, .ekeylen = k->keylen, .flags = k->flags,
	    .replay = 64 };
	struct ipsec_sa *tx, *rx;
	struct pbuf *pb, *again;
	uint64_t replays;
	uint8_t nxt;
	int error;

	tx = esp_sa_make(&spec, &error);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tx);
	rx = esp_sa_make(&spec, &error);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rx);
	esp_test_set_output(tx, k->iv, k->seq);
	/* The receiver has seen the packet before this one. */
	ipsec_replay_reset(ipsec_xform_of(rx)->replay, k->seq - 1);
	pb = pbuf_alloc(esp_pool, k->inlen);
	pbuf_append(pb, k->in, k->inlen);
	CU_ASSERT_EQUAL(ipsec_xform_output(tx, pb, 20, 9, NULL), IPSEC_PASS);
	CU_ASSERT_EQUAL(pb->len, k->wantoff + k->wantlen);
	if (pb->len != k->wantoff + k->wantlen ||
	    memcmp(pb->data + k->wantoff, k->want, k->wantlen) != 0) {
		CU_FAIL("output differs from the vector");
		fprintf(stderr, "%s: output differs\n", k->id);
	}
	again = esp_pkt_copy(esp_pool, pb);
	CU_ASSERT_EQUAL(ipsec_xform_input(rx, pb, 20, 9, &nxt, NULL),
	    IPSEC_PASS);
	CU_ASSERT_EQUAL(nxt, k->in[9]);
	CU_ASSERT_EQUAL(pb->len, k->inlen);
	CU_ASSERT(pb->len == k->inlen &&
	    memcmp(pb->data, k->in, k->inlen) == 0);
	/* The same packet again is a replay. */
	replays = net_counter_sum(&espstat_counters, ESPS_REPLAY);
	CU_ASSERT_EQUAL(ipsec_xform_input(rx, again, 20, 9, &nxt, NULL),
	    IPSEC_DROP);
	CU_ASSERT_EQUAL(net_counter_sum(&espstat_counters, ESPS_REPLAY),
	    replays + 1);
	pbuf_free(again);
	pbuf_free(pb);
	key_sa_put(tx);
	key_sa_put(rx);
}

static void
kat_free(struct kat *k)
{
	free(k->key);
	free(k->iv);
	free(k->in);
	free(k->want);
}

/* Give the IPv4 header in front of pkt its own length and checksum. */
static void
fix_len(uint8_t *pkt, size_t len)
{
	struct pbuf *pb = pbuf_alloc(esp_pool, len);

	pbuf_append(pb, pkt, len);
	CU_ASSERT_EQUAL(ipsec_fix_iplen(pb), 0);
	memcpy(pkt, pb->data, len);
	pbuf_free(pb);
}

static void
test_rfc3602(void)
{
	json_t *root = test_vector_load("rfc3602.json"), *v;
	uint8_t *inner, *outer;
	size_t i, innerlen, outerlen, n = 0;
	struct kat k;

	json_array_foreach(json_object_get(root, "esp_packet_vectors"), i, v) {
		memset(&k, 0, sizeof(k));
		k.id = json_string_value(json_object_get(v, "id"));
		k.enc = SADB_X_EALG_AESCBC;
		k.key = test_vector_hex(v, "key", &k.keylen);
		k.spi = (uint32_t)hexnum(v, "spi");
		k.seq = json_integer_value(json_object_get(v,
		    "sequence_number"));
		k.iv = test_vector_hex(v, "iv", &outerlen);
		k.want = test_vector_hex(v, "esp_packet", &k.wantlen);
		inner = test_vector_hex(v, "original_packet", &innerlen);
		if (strcmp(json_string_value(json_object_get(v, "mode")),
		    "tunnel") == 0) {
			outer = test_vector_hex(v, "post_encryption_ip_header",
			    &outerlen);
			k.inlen = outerlen + innerlen;
			k.in = malloc(k.inlen);
			memcpy(k.in, outer, outerlen);
			memcpy(k.in + outerlen, inner, innerlen);
			k.in[9] = IPPROTO_IPIP;
			free(outer);
			free(inner);
			fix_len(k.in, k.inlen);
		} else {
			k.in = inner;
			k.inlen = innerlen;
		}
		kat_run(&k);
		kat_free(&k);
		n++;
	}
	CU_ASSERT_EQUAL(n, 4);
	json_decref(root);
}

/* The vector's plaintext without its trailer, behind an IPv4 header. */
static void
kat_from_plaintext(struct kat *k, const uint8_t *pt, size_t ptlen)
{
	size_t body = ptlen - 2 - pt[ptlen - 2];

	k->inlen = 20 + body;
	k->in = calloc(1, k->inlen);
	k->in[0] = 0x45;
	k->in[8] = 64;
	k->in[9] = pt[ptlen - 1];
	memcpy(k->in + 20, pt, body);
	fix_len(k->in, k->inlen);
	k->wantoff = 20;
}

static void
kat_aead_file(const char *file, const char *ptname, const char *pktname,
    size_t *np)
{
	json_t *root = test_vector_load(file), *v;
	const char *alg;
	size_t i, ptlen, ivlen;
	uint8_t *pt;
	struct kat k;

	json_array_foreach(json_object_get(root, "vectors"), i, v) {
		if (json_object_get(v, "spi") == NULL)
			continue;	/* RFC 7634 B: IKEv2, not ESP */
		memset(&k, 0, sizeof(k));
		k.id = json_string_value(json_object_get(v, "id"));
		alg = json_string_value(json_object_get(v, "algorithm"));
		k.enc = strcmp(file, "rfc7634.json") == 0 ?
		    SADB_X_EALG_CHACHA20POLY1305 :
		    strstr(alg, "GMAC") != NULL ? SADB_X_EALG_AESGMAC :
		    SADB_X_EALG_AESGCM16;
		k.key = test_vector_hex(v, "keymat", &k.keylen);
		k.spi = (uint32_t)hexnum(v, "spi");
		k.seq = hexnum(v, "seq");
		if (json_is_true(json_object_get(v, "esn")))
			k.flags = SADB_X_SAFLAGS_ESN;
		k.iv = test_vector_hex(v, "iv", &ivlen);
		k.want = test_vector_hex(v, pktname, &k.wantlen);
		pt = test_vector_hex(v, k.enc == SADB_X_EALG_AESGMAC ?
		    "esp_payload_cleartext" : ptname, &ptlen);
		kat_from_plaintext(&k, pt, ptlen);
		free(pt);
		kat_run(&k);
		kat_free(&k);
		(*np)++;
	}
	json_decref(root);
}

static void
test_gcm(void)
{
	size_t n = 0;

	kat_aead_file("gcm-esp.json", "plaintext", "esp_packet", &n);
	CU_ASSERT_EQUAL(n, 17);
}

static void
test_rfc7634(void)
{
	size_t n = 0;

	kat_aead_file("rfc7634.json", "plaintext", "esp_from_spi", &n);
	CU_ASSERT_EQUAL(n, 1);
}

static const struct test_case kat_cases[] = {
	{ "RFC 3602 ESP packets", test_rfc3602 },
	{ "draft-mcgrew-gcm-test-01 packets", test_gcm },
	{ "RFC 7634 ESP packet", test_rfc7634 },
	{ NULL, NULL },
};

const struct test_suite test_suites[] = {
	{ "esp known answers", esp_suite_init, esp_suite_fini, kat_cases },
	{ NULL, NULL, NULL, NULL },
};
