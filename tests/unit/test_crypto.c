/*
 * The registry (lookups, names, key-length rule for every algorithm),
 * session life cycle, IV helpers, deflate against Python's zlib output,
 * the self-test, and the no-allocation promise of the packet path.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <zlib.h>

#include "net/pfkeyv2.h"
#include "sys/crypto/crypto.h"
#include "testlib.h"

/*
 * Counts OpenSSL allocations.  Installed before anything touches OpenSSL
 * (this program's first suite init), so every allocation is seen.
 */
static unsigned long nalloc;

static void *
count_malloc(size_t n, const char *file, int line)
{
	(void)file, (void)line;
	nalloc++;
	return malloc(n);
}

static void *
count_realloc(void *p, size_t n, const char *file, int line)
{
	(void)file, (void)line;
	nalloc++;
	return realloc(p, n);
}

static void
count_free(void *p, const char *file, int line)
{
	(void)file, (void)line;
	free(p);
}

static const struct crypto_alg *
get(enum crypto_kind kind, const char *name)
{
	const struct crypto_alg *a = crypto_alg_byname(kind, name);

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	return a;
}

/* A key of n bytes that is no DES weak key. */
static void
fill_key(uint8_t *key, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		key[i] = (uint8_t)(0x11 + 7 * i);
}

static void
test_lookup(void)
{
	const struct crypto_alg *a;

	a = crypto_alg_byid(CRYPTO_KIND_ENC, SADB_X_EALG_AESCBC);
	CU_ASSERT_PTR_EQUAL(a, get(CRYPTO_KIND_ENC, "rijndael-cbc"));
	CU_ASSERT_PTR_EQUAL(a, get(CRYPTO_KIND_ENC, "aes-cbc"));
	CU_ASSERT_STRING_EQUAL(a->print_name, "aes-cbc");
	a = get(CRYPTO_KIND_AUTH, "hmac-sha256");
	CU_ASSERT_EQUAL(a->sadb_id, SADB_X_AALG_SHA2_256);
	CU_ASSERT_STRING_EQUAL(a->name, "hmac-sha2-256");
	CU_ASSERT_STRING_EQUAL(a->print_name, "hmac-sha2-256");
	CU_ASSERT_STRING_EQUAL(a->print_name_it, "hmac-sha256");
	CU_ASSERT_EQUAL(get(CRYPTO_KIND_AUTH, "hmac-sha384")->sadb_id,
	    SADB_X_AALG_SHA2_384);
	CU_ASSERT_EQUAL(get(CRYPTO_KIND_AUTH, "hmac-sha512")->sadb_id,
	    SADB_X_AALG_SHA2_512);
	CU_ASSERT_STRING_EQUAL(get(CRYPTO_KIND_AUTH, "keyed-md5")->print_name,
	    "md5");
	CU_ASSERT_STRING_EQUAL(get(CRYPTO_KIND_AUTH,
	    "keyed-sha1")->print_name, "sha");
	CU_ASSERT_EQUAL(get(CRYPTO_KIND_ENC, "simple")->sadb_id,
	    SADB_EALG_NULL);
	CU_ASSERT_EQUAL(get(CRYPTO_KIND_AUTH, "null")->sadb_id,
	    SADB_X_AALG_NULL);
	CU_ASSERT_EQUAL(get(CRYPTO_KIND_COMP, "deflate")->sadb_id,
	    SADB_X_CALG_DEFLATE);
	CU_ASSERT_EQUAL(crypto_alg_byid(CRYPTO_KIND_ENC,
	    SADB_X_EALG_AESGCM8)->icvlen, 8);
	CU_ASSERT_EQUAL(crypto_alg_byid(CRYPTO_KIND_ENC,
	    SADB_X_EALG_AESGCM12)->icvlen, 12);
	CU_ASSERT_EQUAL(crypto_alg_byid(CRYPTO_KIND_ENC,
	    SADB_X_EALG_AESGCM16)->icvlen, 16);
	/* Names are per kind; unknown ones are not found. */
	CU_ASSERT_PTR_NULL(crypto_alg_byname(CRYPTO_KIND_ENC, "hmac-md5"));
	CU_ASSERT_PTR_NULL(crypto_alg_byname(CRYPTO_KIND_ENC, "twofish-cbc"));
	CU_ASSERT_PTR_NULL(crypto_alg_byname(CRYPTO_KIND_AUTH, NULL));
	CU_ASSERT_PTR_NULL(crypto_alg_byid(CRYPTO_KIND_ENC, 250));
	CU_ASSERT_PTR_NULL(crypto_alg_byid(CRYPTO_KIND_COMP, 3));
	CU_ASSERT_PTR_NULL(crypto_alg_at(crypto_alg_count()));
}

/* Every (kind, id) and (kind, name) appears once; REGISTER relies on it. */
static void
test_table_unique(void)
{
	const struct crypto_alg *a, *b;
	size_t i, j, n = crypto_alg_count();

	for (i = 0; i < n; i++) {
		a = crypto_alg_at(i);
		CU_ASSERT_PTR_EQUAL(crypto_alg_byid(a->kind, a->sadb_id), a);
		CU_ASSERT_PTR_EQUAL(crypto_alg_byname(a->kind, a->name), a);
		CU_ASSERT_PTR_NOT_NULL(a->print_name);
		CU_ASSERT_PTR_NOT_NULL(a->print_name_it);
		CU_ASSERT(a->ivlen <= CRYPTO_IV_MAX);
		CU_ASSERT(a->icvlen <= CRYPTO_ICV_MAX);
		CU_ASSERT(a->saltlen <= CRYPTO_SALT_MAX);
		for (j = 0; j < i; j++) {
			b = crypto_alg_at(j);
			CU_ASSERT(a->kind != b->kind ||
			    a->sadb_id != b->sadb_id);
		}
	}
}

static void
test_available(void)
{
	const struct crypto_alg *tcp = get(CRYPTO_KIND_AUTH, "tcp-md5");
	struct crypto_auth *auth;
	uint8_t key[16] = { 1 };
	size_t i;

	/* This machine has the legacy provider: all but tcp-md5 work. */
	for (i = 0; i < crypto_alg_count(); i++)
		CU_ASSERT(crypto_alg_available(crypto_alg_at(i)) ==
		    (crypto_alg_at(i) != tcp));
	CU_ASSERT(crypto_alg_listed(tcp));
	CU_ASSERT(!crypto_alg_available(tcp));
	CU_ASSERT(crypto_alg_keylen_ok(tcp, 8));
	CU_ASSERT(crypto_alg_keylen_ok(tcp, 640));
	CU_ASSERT(!crypto_alg_keylen_ok(tcp, 648));
	CU_ASSERT_EQUAL(crypto_auth_new(tcp, key, 16, 0, &auth), EINVAL);
	CU_ASSERT_PTR_NULL(auth);
}

static void
test_keylen_spots(void)
{
	static const struct {
		enum crypto_kind kind;
		const char *name;
		unsigned bits;
		bool ok;
	} spots[] = {
		{ CRYPTO_KIND_ENC, "aes-cbc", 128, true },
		{ CRYPTO_KIND_ENC, "aes-cbc", 136, false },
		{ CRYPTO_KIND_ENC, "aes-cbc", 160, false },
		{ CRYPTO_KIND_ENC, "aes-cbc", 192, true },
		{ CRYPTO_KIND_ENC, "aes-cbc", 256, true },
		{ CRYPTO_KIND_ENC, "aes-ctr", 128, false },
		{ CRYPTO_KIND_ENC, "aes-ctr", 160, true },
		{ CRYPTO_KIND_ENC, "aes-ctr", 224, true },
		{ CRYPTO_KIND_ENC, "aes-ctr", 288, true },
		{ CRYPTO_KIND_ENC, "aes-gcm-16", 256, false },
		{ CRYPTO_KIND_ENC, "aes-gmac", 224, true },
		{ CRYPTO_KIND_ENC, "chacha20-poly1305", 256, false },
		{ CRYPTO_KIND_ENC, "chacha20-poly1305", 288, true },
		{ CRYPTO_KIND_ENC, "blowfish-cbc", 40, true },
		{ CRYPTO_KIND_ENC, "blowfish-cbc", 448, true },
		{ CRYPTO_KIND_ENC, "blowfish-cbc", 41, false },
		{ CRYPTO_KIND_ENC, "cast128-cbc", 32, false },
		{ CRYPTO_KIND_ENC, "cast128-cbc", 136, false },
		{ CRYPTO_KIND_ENC, "des-cbc", 56, false },
		{ CRYPTO_KIND_ENC, "3des-cbc", 128, false },
		{ CRYPTO_KIND_ENC, "null", 0, true },
		{ CRYPTO_KIND_ENC, "camellia-cbc", 200, false },
		{ CRYPTO_KIND_AUTH, "null", 0, true },
		{ CRYPTO_KIND_AUTH, "null", 2048, true },
		{ CRYPTO_KIND_AUTH, "hmac-sha2-256", 160, false },
		{ CRYPTO_KIND_AUTH, "hmac-sha2-512", 512, true },
		{ CRYPTO_KIND_AUTH, "aes-xcbc-mac", 256, false },
	};
	size_t i;

	for (i = 0; i < sizeof(spots) / sizeof(spots[0]); i++)
		CU_ASSERT(crypto_alg_keylen_ok(get(spots[i].kind,
		    spots[i].name), spots[i].bits) == spots[i].ok);
	CU_ASSERT(!crypto_alg_keylen_ok(NULL, 128));
}

/* Make a session of alg with a key of bits; returns the error. */
static int
try_session(const struct crypto_alg *a, unsigned bits)
{
	uint8_t key[300];
	struct crypto_enc *enc;
	struct crypto_auth *auth;
	int error;

	if (bits % 8 != 0 || bits / 8 > sizeof(key))
		return EINVAL;
	fill_key(key, bits / 8);
	if (a->kind == CRYPTO_KIND_ENC) {
		error = crypto_enc_new(a, key, bits / 8, 0, &enc);
		crypto_enc_free(enc);
	} else {
		error = crypto_auth_new(a, key, bits / 8, 0, &auth);
		crypto_auth_free(auth);
	}
	return error;
}

/*
 * For every algorithm: the bounds pass, one step below and above fail,
 * so does a length between two valid ones, through both the registry
 * rule and session creation.
 */
static void
test_keylen_every_alg(void)
{
	const struct crypto_alg *a;
	size_t i;

	for (i = 0; i < crypto_alg_count(); i++) {
		a = crypto_alg_at(i);
		if (a->kind == CRYPTO_KIND_COMP)
			continue;
		CU_ASSERT(crypto_alg_keylen_ok(a, a->keymin));
		CU_ASSERT(crypto_alg_keylen_ok(a, a->keymax));
		CU_ASSERT(!crypto_alg_keylen_ok(a, a->keymax + 8));
		CU_ASSERT(!crypto_alg_keylen_ok(a, a->keymin + 1));
		if (a->keymin >= 8)
			CU_ASSERT(!crypto_alg_keylen_ok(a, a->keymin - 8));
		if (a->keystep > 8)
			CU_ASSERT(!crypto_alg_keylen_ok(a, a->keymin + 8));
		if (!crypto_alg_available(a))
			continue;
		CU_ASSERT_EQUAL(try_session(a, a->keymin), 0);
		CU_ASSERT_EQUAL(try_session(a, a->keymax), 0);
		CU_ASSERT_EQUAL(try_session(a, a->keymax + 8), EINVAL);
		if (a->keymin >= 8)
			CU_ASSERT_EQUAL(try_session(a, a->keymin - 8), EINVAL);
		if (a->keystep > 8)
			CU_ASSERT_EQUAL(try_session(a, a->keymin + 8), EINVAL);
	}
}

static void
test_des_weak(void)
{
	static const uint8_t weak[8] = { 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
		0x01, 0x01 };
	static const uint8_t semi[8] = { 0x01, 0xfe, 0x01, 0xfe, 0x01, 0xfe,
		0x01, 0xfe };
	uint8_t k3[24];
	struct crypto_enc *enc;

	CU_ASSERT_EQUAL(crypto_enc_new(get(CRYPTO_KIND_ENC, "des-cbc"), weak,
	    8, 0, &enc), EINVAL);
	CU_ASSERT_EQUAL(crypto_enc_new(get(CRYPTO_KIND_ENC, "des-cbc"), semi,
	    8, 0, &enc), EINVAL);
	fill_key(k3, 24);
	memcpy(k3 + 8, weak, 8);
	CU_ASSERT_EQUAL(crypto_enc_new(get(CRYPTO_KIND_ENC, "3des-cbc"), k3,
	    24, 0, &enc), EINVAL);
	CU_ASSERT_PTR_NULL(enc);
}

static void
test_wrong_kind(void)
{
	uint8_t key[32] = { 0 };
	struct crypto_enc *enc;
	struct crypto_auth *auth;
	struct crypto_comp *comp;

	CU_ASSERT_EQUAL(crypto_enc_new(get(CRYPTO_KIND_AUTH, "hmac-sha1"),
	    key, 20, 0, &enc), EINVAL);
	CU_ASSERT_EQUAL(crypto_auth_new(get(CRYPTO_KIND_ENC, "aes-cbc"), key,
	    16, 0, &auth), EINVAL);
	CU_ASSERT_EQUAL(crypto_comp_new(get(CRYPTO_KIND_ENC, "null"), 0,
	    &comp), EINVAL);
	CU_ASSERT_EQUAL(crypto_enc_new(NULL, key, 16, 0, &enc), EINVAL);
}

static void
test_cbc_bad_length(void)
{
	uint8_t key[16], iv[16] = { 0 }, buf[40] = { 0 };
	struct crypto_enc *enc;

	fill_key(key, 16);
	CU_ASSERT_EQUAL_FATAL(crypto_enc_new(get(CRYPTO_KIND_ENC, "aes-cbc"),
	    key, 16, 0, &enc), 0);
	CU_ASSERT_EQUAL(crypto_encrypt(enc, iv, NULL, 0, buf, 40, NULL),
	    CRYPTO_ERR_LEN);
	CU_ASSERT_EQUAL(crypto_decrypt(enc, iv, NULL, 0, buf, 17, NULL),
	    CRYPTO_ERR_LEN);
	CU_ASSERT_EQUAL(crypto_encrypt(enc, iv, NULL, 0, buf, 32, NULL),
	    CRYPTO_OK);
	crypto_enc_free(enc);
}

static void
test_iv(void)
{
	static const uint8_t fixed[16] = { 9, 8, 7, 6, 5, 4, 3, 2, 1 };
	uint8_t key[36], a[16], b[16];
	struct crypto_enc *cbc, *gcm;

	fill_key(key, 36);
	crypto_iv_from_seq(a, 0x0102030405060708ULL);
	CU_ASSERT(memcmp(a, "\x01\x02\x03\x04\x05\x06\x07\x08", 8) == 0);
	CU_ASSERT_EQUAL_FATAL(crypto_enc_new(get(CRYPTO_KIND_ENC, "aes-cbc"),
	    key, 16, 0, &cbc), 0);
	CU_ASSERT_EQUAL_FATAL(crypto_enc_new(get(CRYPTO_KIND_ENC,
	    "aes-gcm-16"), key, 20, 0, &gcm), 0);
	CU_ASSERT_EQUAL(crypto_enc_ivlen(cbc), 16);
	CU_ASSERT_EQUAL(crypto_enc_ivlen(gcm), 8);
	/* CBC: random, so two IVs differ (2^-128 chance of a false alarm). */
	CU_ASSERT_EQUAL(crypto_iv_generate(cbc, 1, a), 0);
	CU_ASSERT_EQUAL(crypto_iv_generate(cbc, 1, b), 0);
	CU_ASSERT(memcmp(a, b, 16) != 0);
	/* GCM: the sequence number. */
	CU_ASSERT_EQUAL(crypto_iv_generate(gcm, 0x1122334455667788ULL, a), 0);
	CU_ASSERT(memcmp(a, "\x11\x22\x33\x44\x55\x66\x77\x88", 8) == 0);
	crypto_enc_set_test_iv(gcm, fixed);
	CU_ASSERT_EQUAL(crypto_iv_generate(gcm, 5, a), 0);
	CU_ASSERT(memcmp(a, fixed, 8) == 0);
	crypto_enc_set_test_iv(gcm, NULL);
	CU_ASSERT_EQUAL(crypto_iv_generate(gcm, 5, a), 0);
	CU_ASSERT(memcmp(a, "\0\0\0\0\0\0\0\x05", 8) == 0);
	crypto_enc_free(cbc);
	crypto_enc_free(gcm);
	crypto_enc_free(NULL);
}

/* Old (RFC 1826) SAs get 16-byte ICVs only where KAME gave them. */
static void
test_old_icv(void)
{
	uint8_t key[32];
	struct crypto_auth *a;

	fill_key(key, 32);
	CU_ASSERT_EQUAL_FATAL(crypto_auth_new(get(CRYPTO_KIND_AUTH,
	    "hmac-md5"), key, 16, CRYPTO_F_OLD, &a), 0);
	CU_ASSERT_EQUAL(crypto_auth_icvlen(a), 16);
	crypto_auth_free(a);
	CU_ASSERT_EQUAL_FATAL(crypto_auth_new(get(CRYPTO_KIND_AUTH,
	    "hmac-sha2-256"), key, 32, CRYPTO_F_OLD, &a), 0);
	CU_ASSERT_EQUAL(crypto_auth_icvlen(a), 16);
	crypto_auth_free(a);
	CU_ASSERT_EQUAL_FATAL(crypto_auth_new(get(CRYPTO_KIND_AUTH, "null"),
	    NULL, 0, 0, &a), 0);
	CU_ASSERT_EQUAL(crypto_auth_icvlen(a), 0);
	crypto_auth_free(a);
}

static void
test_selftest(void)
{
	const char *failed = "x";

	CU_ASSERT_EQUAL(crypto_selftest(&failed), 0);
	CU_ASSERT_PTR_NULL(failed);
}

/* Inflate raw deflate with a z_stream of our own, as any peer would. */
static int
zlib_inflate(const uint8_t *in, size_t inlen, uint8_t *out, size_t cap,
    size_t *outlen)
{
	z_stream z;
	int rc;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, -MAX_WBITS) != Z_OK)
		return -1;
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)inlen;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	rc = inflate(&z, Z_FINISH);
	*outlen = cap - z.avail_out;
	inflateEnd(&z);
	return rc == Z_STREAM_END ? 0 : -1;
}

/*
 * Python's zlib output inflates with ours; ours inflates with zlib; and
 * with the same zlib version and parameters the bytes are Python's.
 */
static void
test_deflate_python(void)
{
	json_t *root = test_vector_load("deflate.json"), *v;
	struct crypto_comp *c;
	uint8_t *data, *ours, *peer, out[4096];
	size_t dl, ol, pl, n = 0, m = 0, i;
	const char *ver;

	ver = json_string_value(json_object_get(root, "zlib_version"));
	CU_ASSERT_EQUAL_FATAL(crypto_comp_new(get(CRYPTO_KIND_COMP,
	    "deflate"), 0, &c), 0);
	json_array_foreach(json_object_get(root, "vectors"), i, v) {
		data = test_vector_hex(v, "data", &dl);
		ours = test_vector_hex(v, "deflate_w12_m9_l6", &ol);
		peer = test_vector_hex(v, "deflate_w15_m8_l9", &pl);
		CU_ASSERT_EQUAL(crypto_decompress(c, peer, pl, out,
		    sizeof(out), &n), CRYPTO_OK);
		CU_ASSERT(n == dl && memcmp(out, data, dl) == 0);
		CU_ASSERT_EQUAL(crypto_decompress(c, ours, ol, out,
		    sizeof(out), &n), CRYPTO_OK);
		CU_ASSERT(n == dl && memcmp(out, data, dl) == 0);
		CU_ASSERT_EQUAL(crypto_compress(c, data, dl, out, sizeof(out),
		    &n), CRYPTO_OK);
		if (ver != NULL && strcmp(ver, zlibVersion()) == 0)
			CU_ASSERT(n == ol && memcmp(out, ours, ol) == 0);
		CU_ASSERT_EQUAL(zlib_inflate(out, n, out + 2048, 2048, &m), 0);
		CU_ASSERT(m == dl && memcmp(out + 2048, data, dl) == 0);
		free(data), free(ours), free(peer);
	}
	CU_ASSERT_EQUAL(i, 4);
	crypto_comp_free(c);
	json_decref(root);
}

static void
test_deflate_limits(void)
{
	struct crypto_comp *c;
	uint8_t in[1400], out[1600], back[1400];
	size_t n, m, i;

	for (i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i % 13);
	CU_ASSERT_EQUAL_FATAL(crypto_comp_new(get(CRYPTO_KIND_COMP,
	    "deflate"), 0, &c), 0);
	CU_ASSERT_EQUAL(crypto_compress(c, in, sizeof(in), out, sizeof(out),
	    &n), CRYPTO_OK);
	CU_ASSERT(n < sizeof(in));
	/* Output that would not shrink: IPComp then sends it as it is. */
	CU_ASSERT_EQUAL(crypto_compress(c, in, sizeof(in), out, 10, &m),
	    CRYPTO_ERR_NOSPACE);
	/* Room for less than the original: refused, not truncated. */
	CU_ASSERT_EQUAL(crypto_decompress(c, out, n, back, 100, &m),
	    CRYPTO_ERR_NOSPACE);
	CU_ASSERT_EQUAL(crypto_decompress(c, out, n, back, sizeof(back), &m),
	    CRYPTO_OK);
	CU_ASSERT(m == sizeof(in) && memcmp(back, in, m) == 0);
	/* Truncated and corrupt streams. */
	CU_ASSERT_EQUAL(crypto_decompress(c, out, n / 2, back, sizeof(back),
	    &m), CRYPTO_ERR_DATA);
	memset(out, 0xff, 16);
	CU_ASSERT_EQUAL(crypto_decompress(c, out, n, back, sizeof(back), &m),
	    CRYPTO_ERR_DATA);
	crypto_comp_free(c);
}

/* One packet through every kind of session. */
static void
one_packet(const struct crypto_alg *a, void *sess, uint8_t *buf, size_t len,
    uint64_t seq)
{
	static const uint8_t aad[8] = { 0, 0, 0x12, 0x34, 0, 0, 0, 1 };
	uint8_t iv[CRYPTO_IV_MAX], icv[CRYPTO_ICV_MAX], out[2048];
	struct iovec iov[2] = { { buf, 20 }, { buf + 20, len - 20 } };
	size_t n = 0, m = 0;

	if (a->kind == CRYPTO_KIND_ENC) {
		CU_ASSERT_EQUAL(crypto_iv_generate(sess, seq, iv), 0);
		CU_ASSERT_EQUAL(crypto_encrypt(sess, iv, aad, 8, buf, len,
		    icv), CRYPTO_OK);
		CU_ASSERT_EQUAL(crypto_decrypt(sess, iv, aad, 8, buf, len,
		    icv), CRYPTO_OK);
	} else if (a->kind == CRYPTO_KIND_AUTH) {
		CU_ASSERT_EQUAL(crypto_auth_compute(sess, iov, 2, icv),
		    CRYPTO_OK);
		CU_ASSERT_EQUAL(crypto_auth_verify(sess, iov, 2, icv),
		    CRYPTO_OK);
	} else {
		CU_ASSERT_EQUAL(crypto_compress(sess, buf, len, out,
		    sizeof(out), &n), CRYPTO_OK);
		CU_ASSERT_EQUAL(crypto_decompress(sess, out, n, buf, len, &m),
		    CRYPTO_OK);
	}
}

static void *
make_session(const struct crypto_alg *a)
{
	uint8_t key[64];
	void *s = NULL;

	int error;

	fill_key(key, sizeof(key));
	if (a->kind == CRYPTO_KIND_ENC)
		error = crypto_enc_new(a, key, a->keymax / 8, 0,
		    (struct crypto_enc **)&s);
	else if (a->kind == CRYPTO_KIND_AUTH)
		error = crypto_auth_new(a, key, a->keymin / 8, 0,
		    (struct crypto_auth **)&s);
	else
		error = crypto_comp_new(a, 0, (struct crypto_comp **)&s);
	CU_ASSERT_EQUAL(error, 0);
	return s;
}

static void
free_session(const struct crypto_alg *a, void *s)
{
	if (a->kind == CRYPTO_KIND_ENC)
		crypto_enc_free(s);
	else if (a->kind == CRYPTO_KIND_AUTH)
		crypto_auth_free(s);
	else
		crypto_comp_free(s);
}

/*
 * The per-packet path allocates nothing: after one warm-up packet (the
 * first RAND_bytes of a thread sets up its generator), ten more packets
 * of every algorithm leave OpenSSL's allocation count unchanged.
 */
static void
test_no_alloc_per_packet(void)
{
	const struct crypto_alg *a;
	uint8_t buf[1408];
	unsigned long before;
	size_t i;
	void *s;
	int k;

	for (i = 0; i < crypto_alg_count(); i++) {
		a = crypto_alg_at(i);
		if (!crypto_alg_available(a))
			continue;
		s = make_session(a);
		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		memset(buf, 0x5a, sizeof(buf));
		one_packet(a, s, buf, sizeof(buf), 1);
		before = nalloc;
		for (k = 2; k < 12; k++)
			one_packet(a, s, buf, sizeof(buf), (uint64_t)k);
		if (nalloc != before)
			fprintf(stderr, "%s: %lu allocations per 10 packets\n",
			    a->name, nalloc - before);
		CU_ASSERT_EQUAL(nalloc, before);
		free_session(a, s);
	}
}

static int
suite_init(void)
{
	static bool hooked;

	/* Must precede OpenSSL's first allocation in this process. */
	if (!hooked && CRYPTO_set_mem_functions(count_malloc, count_realloc,
	    count_free) != 1)
		return -1;
	hooked = true;
	return crypto_init();
}

static int
suite_fini(void)
{
	crypto_fini();
	return 0;
}

static const struct test_case registry_cases[] = {
	{ "lookup by id, name, alias", test_lookup },
	{ "table entries unique", test_table_unique },
	{ "availability, tcp-md5 listed only", test_available },
	{ "key lengths: spot checks", test_keylen_spots },
	{ "key lengths: every algorithm", test_keylen_every_alg },
	{ "DES weak keys refused", test_des_weak },
	{ "algorithm of the wrong kind", test_wrong_kind },
	{ NULL, NULL }
};

static const struct test_case session_cases[] = {
	{ "CBC length not a block multiple", test_cbc_bad_length },
	{ "IV generation and test IV", test_iv },
	{ "ICV lengths, old AH", test_old_icv },
	{ "deflate vs Python zlib", test_deflate_python },
	{ "deflate limits and corrupt input", test_deflate_limits },
	{ "no allocation per packet", test_no_alloc_per_packet },
	{ "start-up self-test", test_selftest },
	{ NULL, NULL }
};

const struct test_suite test_suites[] = {
	{ "crypto registry", suite_init, suite_fini, registry_cases },
	{ "crypto sessions", suite_init, suite_fini, session_cases },
	{ NULL, NULL, NULL, NULL }
};
