/*
 * ESP transform: every algorithm of the registry through esp_output and
 * esp_input, IPv4 and IPv6, every padding mode and esp_randpad; then the
 * packets that must be dropped, each with the counter that says why.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "net/pfkeyv2.h"
#include "sys/crypto/crypto.h"
#include "sys/net/net_endian.h"
#include "sys/net/pbuf.h"
#include "sys/netinet/in_cksum.h"
#include "sys/netipsec/esp_var.h"
#include "sys/netipsec/ipsec_xform.h"
#include "sys/netipsec/ipsec_var.h"
#include "esp_sa_util.h"
#include "testlib.h"


/* A pair of SAs with the same keys: one to send with, one to receive. */
struct sa_pair {
	struct ipsec_sa *out, *in;
};

static int
pair_make(struct sa_pair *p, const struct crypto_alg *ealg,
    const struct crypto_alg *aalg, uint32_t flags, uint32_t replay)
{
	uint8_t ekey[64], akey[64];
	struct esp_sa_spec spec = {
		.spi = 0x1234, .enc = ealg->sadb_id, .ekey = ekey,
		.ekeylen = ealg->keymin / 8, .flags = flags, .replay = replay,
	};
	int error;

	esp_fill(ekey, sizeof(ekey), ealg->sadb_id);
	esp_fill(akey, sizeof(akey), 77);
	if (aalg != NULL) {
		spec.auth = aalg->sadb_id;
		spec.akey = akey;
		spec.akeylen = aalg->keymin / 8;
	}
	p->out = esp_sa_make(&spec, &error);
	if (p->out == NULL)
		return error;
	p->in = esp_sa_make(&spec, &error);
	return error;
}

static void
pair_free(struct sa_pair *p)
{
	if (p->out != NULL)
		key_sa_put(p->out);
	if (p->in != NULL)
		key_sa_put(p->in);
}

/* The IPv4 header checksum of the packet at pb verifies. */
static int
ipv4_ok(const struct pbuf *pb)
{
	return in_cksum(pb->data, (pb->data[0] & 15) * 4) == 0 &&
	    be_get16(pb->data + 2) == pb->len;
}

/*
 * Send len payload bytes through p and back; the packet must come back
 * byte for byte, and the ESP packet must look right on the way.
 */
static int
round_trip(struct sa_pair *p, int af, size_t len)
{
	struct ipsec_xform *xf = ipsec_xform_of(p->out);
	uint8_t payload[1500], nxt = 0;
	struct pbuf *pb, *orig;
	size_t skip, protoff, enclen;
	int ok = 1;

	esp_fill(payload, len, (uint32_t)len);
	pb = esp_pkt_make(esp_pool, af, IPPROTO_UDP, payload, len, &skip,
	    &protoff);
	orig = esp_pkt_copy(esp_pool, pb);
	if (ipsec_xform_output(p->out, pb, skip, protoff, NULL) != IPSEC_PASS)
		ok = 0;
	enclen = pb->len - skip - ESP_HDRLEN - xf->ivlen - xf->icvlen;
	if (ok && (pb->data[protoff] != IPPROTO_ESP ||
	    enclen % xf->padbound != 0 || (af == AF_INET && !ipv4_ok(pb))))
		ok = 0;
	if (ok && (ipsec_xform_input(p->in, pb, skip, protoff, &nxt,
	    NULL) != IPSEC_PASS ||
	    nxt != IPPROTO_UDP || pb->len != orig->len ||
	    memcmp(pb->data, orig->data, pb->len) != 0))
		ok = 0;
	pbuf_free(pb);
	pbuf_free(orig);
	return ok;
}

static const size_t lengths[] = { 0, 1, 2, 3, 13, 14, 15, 16, 17, 63, 64,
    100, 255, 256, 1000, 1400 };

static void
try_pair(const struct crypto_alg *ealg, const struct crypto_alg *aalg,
    uint32_t flags)
{
	struct sa_pair p = { NULL, NULL };
	size_t i;
	int error, fails = 0;

	error = pair_make(&p, ealg, aalg, flags, 64);
	CU_ASSERT_EQUAL(error, 0);
	if (error != 0) {
		fprintf(stderr, "esp_init %s/%s: %d\n", ealg->name,
		    aalg != NULL ? aalg->name : "-", error);
		pair_free(&p);
		return;
	}
	for (i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
		fails += !round_trip(&p, AF_INET, lengths[i]);
		fails += !round_trip(&p, AF_INET6, lengths[i]);
	}
	if (fails != 0)
		fprintf(stderr, "round trip %s/%s flags %#x: %d failed\n",
		    ealg->name, aalg != NULL ? aalg->name : "-", flags, fails);
	CU_ASSERT_EQUAL(fails, 0);
	pair_free(&p);
}

static bool
usable(const struct crypto_alg *alg, enum crypto_kind kind)
{
	return alg->kind == kind && crypto_alg_available(alg) &&
	    alg->mode != CRYPTO_MODE_NONE && alg->mode != CRYPTO_MODE_DEFLATE;
}

static bool
combined(const struct crypto_alg *alg)
{
	return alg->mode == CRYPTO_MODE_AEAD || alg->mode == CRYPTO_MODE_GMAC;
}

/* Every encryption algorithm with every authenticator (or none). */
static void
test_all_algorithms(void)
{
	const struct crypto_alg *e, *a;
	size_t i, j, pairs = 0;

	for (i = 0; i < crypto_alg_count(); i++) {
		e = crypto_alg_at(i);
		if (!usable(e, CRYPTO_KIND_ENC))
			continue;
		try_pair(e, NULL, 0);
		try_pair(e, NULL, SADB_X_SAFLAGS_ESN);
		pairs += 2;
		for (j = 0; !combined(e) && j < crypto_alg_count(); j++) {
			a = crypto_alg_at(j);
			if (!usable(a, CRYPTO_KIND_AUTH))
				continue;
			try_pair(e, a, 0);
			try_pair(e, a, SADB_X_SAFLAGS_ESN);
			pairs += 2;
		}
	}
	CU_ASSERT(pairs > 40);
}

static const struct crypto_alg *
alg(enum crypto_kind kind, const char *name)
{
	const struct crypto_alg *a = crypto_alg_byname(kind, name);

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	return a;
}

static void
test_padding_modes(void)
{
	static const uint32_t modes[] = { SADB_X_EXT_PSEQ, SADB_X_EXT_PRAND,
	    SADB_X_EXT_PZERO };
	size_t i;

	for (i = 0; i < 3; i++) {
		try_pair(alg(CRYPTO_KIND_ENC, "aes-cbc"),
		    alg(CRYPTO_KIND_AUTH, "hmac-sha2-256"), modes[i]);
		try_pair(alg(CRYPTO_KIND_ENC, "aes-gcm-16"), NULL, modes[i]);
		try_pair(alg(CRYPTO_KIND_ENC, "3des-cbc"), NULL, modes[i]);
	}
}

/* Padding bytes of the ESP packet pb (sent by p.out), decrypted. */
static size_t
sent_padlen(struct sa_pair *p, struct pbuf *pb, size_t skip,
    size_t protoff)
{
	uint8_t nxt;
	size_t before = pb->len;
	size_t plen = before - skip - ESP_HDRLEN -
	    ipsec_xform_of(p->in)->ivlen - ipsec_xform_of(p->in)->icvlen;

	CU_ASSERT_EQUAL(ipsec_xform_input(p->in, pb, skip, protoff, &nxt, NULL),
	    IPSEC_PASS);
	return plen - (pb->len - skip) - ESP_TRAILERLEN;
}

static void
test_randpad(void)
{
	struct sa_pair p = { NULL, NULL };
	uint8_t payload[64] = { 0 };
	size_t skip, protoff, pad, maxpad = 0, minpad = 255;
	struct pbuf *pb;
	int i;

	CU_ASSERT_EQUAL_FATAL(pair_make(&p, alg(CRYPTO_KIND_ENC, "aes-cbc"),
	    alg(CRYPTO_KIND_AUTH, "hmac-sha1"), 0, 0), 0);
	ipsec_vars.inet.esp_randpad = 200;
	for (i = 0; i < 200; i++) {
		pb = esp_pkt_make(esp_pool, AF_INET, IPPROTO_UDP, payload, 30,
		    &skip, &protoff);
		CU_ASSERT_EQUAL(ipsec_xform_output(p.out, pb, skip, protoff,
		    NULL),
		    IPSEC_PASS);
		pad = sent_padlen(&p, pb, skip, protoff);
		/* 30 + 2 needs 0 mod 16 padding: 0, 16, ... up to 200. */
		CU_ASSERT_EQUAL(pad % 16, 0);
		CU_ASSERT(30 + pad + 2 <= 200);
		maxpad = pad > maxpad ? pad : maxpad;
		minpad = pad < minpad ? pad : minpad;
		pbuf_free(pb);
	}
	CU_ASSERT_EQUAL(minpad, 0);
	CU_ASSERT(maxpad >= 128);
	/* IPv6 has its own knob, still off. */
	pb = esp_pkt_make(esp_pool, AF_INET6, IPPROTO_UDP, payload, 30, &skip,
	    &protoff);
	CU_ASSERT_EQUAL(ipsec_xform_output(p.out, pb, skip, protoff, NULL),
	    IPSEC_PASS);
	CU_ASSERT_EQUAL(sent_padlen(&p, pb, skip, protoff), 0);
	pbuf_free(pb);
	/* Longer than the knob: minimal padding only. */
	pb = esp_pkt_make(esp_pool, AF_INET, IPPROTO_UDP, payload, 62, &skip,
	    &protoff);
	CU_ASSERT_EQUAL(ipsec_xform_output(p.out, pb, skip, protoff, NULL),
	    IPSEC_PASS);
	ipsec_vars_reset();
	pbuf_free(pb);
	pair_free(&p);
}

/*
 * IPv6 transport mode behind a hop-by-hop header: ESP goes after it, the
 * hop-by-hop header's next header becomes 50, the IPv6 header's stays.
 */
static void
test_ipv6_ext(void)
{
	static const uint8_t hbh[8] = { IPPROTO_UDP, 0, 1, 4, 0, 0, 0, 0 };
	uint8_t payload[8 + 100], nxt;
	struct sa_pair p = { NULL, NULL };
	struct pbuf *pb, *orig;
	size_t skip, protoff;

	CU_ASSERT_EQUAL_FATAL(pair_make(&p, alg(CRYPTO_KIND_ENC,
	    "aes-gcm-16"), NULL, 0, 64), 0);
	memcpy(payload, hbh, sizeof(hbh));
	esp_fill(payload + 8, 100, 3);
	pb = esp_pkt_make(esp_pool, AF_INET6, IPPROTO_HOPOPTS, payload,
	    sizeof(payload), &skip, &protoff);
	orig = esp_pkt_copy(esp_pool, pb);
	CU_ASSERT_EQUAL(ipsec_xform_output(p.out, pb, 48, 40, NULL),
	    IPSEC_PASS);
	CU_ASSERT_EQUAL(pb->data[6], IPPROTO_HOPOPTS);
	CU_ASSERT_EQUAL(pb->data[40], IPPROTO_ESP);
	CU_ASSERT_EQUAL(be_get16(pb->data + 4), pb->len - 40);
	CU_ASSERT_EQUAL(memcmp(pb->data + 41, hbh + 1, 7), 0);
	CU_ASSERT_EQUAL(ipsec_xform_input(p.in, pb, 48, 40, &nxt, NULL),
	    IPSEC_PASS);
	CU_ASSERT_EQUAL(nxt, IPPROTO_UDP);
	CU_ASSERT(pb->len == orig->len &&
	    memcmp(pb->data, orig->data, pb->len) == 0);
	pbuf_free(pb);
	pbuf_free(orig);
	pair_free(&p);
}

static const struct test_case esp_cases[] = {
	{ "IPv6 extension header", test_ipv6_ext },
	{ "every algorithm round trip", test_all_algorithms },
	{ "padding modes", test_padding_modes },
	{ "esp_randpad", test_randpad },
	{ NULL, NULL },
};

const struct test_suite test_suites[] = {
	{ "esp", esp_suite_init, esp_suite_fini, esp_cases },
	{ NULL, NULL, NULL, NULL },
};
