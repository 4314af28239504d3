/*
 * Known-answer tests of every algorithm, read from the JSON files of tests/vectors
 * and run through the registry and session API (never raw OpenSSL), the
 * way ESP and AH will call it: AAD and nonce are built from the SPI,
 * sequence number and IV fields as ESP builds them.
 */
#include <string.h>

#include <jansson.h>

#include "sys/crypto/crypto.h"
#include "testlib.h"

static const struct crypto_alg *
alg(enum crypto_kind kind, const char *name)
{
	const struct crypto_alg *a = crypto_alg_byname(kind, name);

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_FATAL(crypto_alg_available(a));
	return a;
}

/* Encrypt plaintext, compare, decrypt back, and check a bad ICV fails. */
static void
enc_kat(const struct crypto_alg *a, const uint8_t *key, size_t keylen,
    const uint8_t *iv, const uint8_t *aad, size_t aadlen, const uint8_t *pt,
    const uint8_t *ct, size_t len, const uint8_t *icv, size_t icvlen)
{
	struct crypto_enc *enc;
	uint8_t buf[2048], out[CRYPTO_ICV_MAX], bad[CRYPTO_ICV_MAX];

	CU_ASSERT_FATAL(len <= sizeof(buf));
	CU_ASSERT_EQUAL_FATAL(crypto_enc_new(a, key, keylen, 0, &enc), 0);
	CU_ASSERT_EQUAL(crypto_enc_icvlen(enc), icvlen);
	memcpy(buf, pt, len);
	CU_ASSERT_EQUAL(crypto_encrypt(enc, iv, aad, aadlen, buf, len, out),
	    CRYPTO_OK);
	CU_ASSERT(memcmp(buf, ct, len) == 0);
	CU_ASSERT(icvlen == 0 || memcmp(out, icv, icvlen) == 0);
	CU_ASSERT_EQUAL(crypto_decrypt(enc, iv, aad, aadlen, buf, len, icv),
	    CRYPTO_OK);
	CU_ASSERT(memcmp(buf, pt, len) == 0);
	if (icvlen > 0) {
		memcpy(buf, ct, len);
		memcpy(bad, icv, icvlen);
		bad[icvlen - 1] ^= 0x80;
		CU_ASSERT_EQUAL(crypto_decrypt(enc, iv, aad, aadlen, buf, len,
		    bad), CRYPTO_ERR_ICV);
	}
	crypto_enc_free(enc);
}

static void
test_rfc3602_cipher(void)
{
	json_t *root = test_vector_load("rfc3602.json"), *v;
	uint8_t *key, *iv, *pt, *ct;
	size_t kl, il, pl, cl, i;

	json_array_foreach(json_object_get(root, "cipher_vectors"), i, v) {
		key = test_vector_hex(v, "key", &kl);
		iv = test_vector_hex(v, "iv", &il);
		pt = test_vector_hex(v, "plaintext", &pl);
		ct = test_vector_hex(v, "ciphertext", &cl);
		CU_ASSERT_EQUAL(pl, cl);
		enc_kat(alg(CRYPTO_KIND_ENC, "rijndael-cbc"), key, kl, iv,
		    NULL, 0, pt, ct, pl, NULL, 0);
		free(key), free(iv), free(pt), free(ct);
	}
	CU_ASSERT_EQUAL(i, 4);
	json_decref(root);
}

/* Cases 5-8: the ESP payload (data | padding | pad length | next header). */
static void
test_rfc3602_esp(void)
{
	json_t *root = test_vector_load("rfc3602.json"), *v;
	uint8_t *key, *iv, *pt, *ct, *spiseq;
	size_t kl, il, pl, cl, sl, i;
	struct crypto_enc *enc;
	uint8_t gen[16];

	json_array_foreach(json_object_get(root, "esp_packet_vectors"), i, v) {
		key = test_vector_hex(v, "key", &kl);
		iv = test_vector_hex(v, "iv", &il);
		pt = test_vector_hex(v, "pre_encryption_data", &pl);
		ct = test_vector_hex(v, "encrypted_data", &cl);
		spiseq = test_vector_hex(v, "esp_spi_seq", &sl);
		CU_ASSERT_EQUAL(pl, cl);
		CU_ASSERT_EQUAL(sl, 8);
		/* The IV comes from the test hook, as ESP output would take it. */
		CU_ASSERT_EQUAL_FATAL(crypto_enc_new(alg(CRYPTO_KIND_ENC,
		    "aes-cbc"), key, kl, 0, &enc), 0);
		crypto_enc_set_test_iv(enc, iv);
		CU_ASSERT_EQUAL(crypto_iv_generate(enc, 1, gen), 0);
		CU_ASSERT(memcmp(gen, iv, il) == 0);
		crypto_enc_free(enc);
		enc_kat(alg(CRYPTO_KIND_ENC, "aes-cbc"), key, kl, gen, NULL, 0,
		    pt, ct, pl, NULL, 0);
		free(key), free(iv), free(pt), free(ct), free(spiseq);
	}
	CU_ASSERT_EQUAL(i, 4);
	json_decref(root);
}

static void
test_rfc3686(void)
{
	json_t *root = test_vector_load("rfc3686.json"), *v;
	uint8_t *key, *nonce, *iv, *pt, *ct, keymat[40];
	size_t kl, nl, il, pl, cl, i;

	json_array_foreach(json_object_get(root, "vectors"), i, v) {
		key = test_vector_hex(v, "key", &kl);
		nonce = test_vector_hex(v, "nonce", &nl);
		iv = test_vector_hex(v, "iv", &il);
		pt = test_vector_hex(v, "plaintext", &pl);
		ct = test_vector_hex(v, "ciphertext", &cl);
		/* ESP keying material: AES key | 32-bit nonce (RFC 3686 5.1). */
		memcpy(keymat, key, kl);
		memcpy(keymat + kl, nonce, nl);
		CU_ASSERT_EQUAL(il, 8);
		enc_kat(alg(CRYPTO_KIND_ENC, "aes-ctr"), keymat, kl + nl, iv,
		    NULL, 0, pt, ct, pl, NULL, 0);
		free(key), free(nonce), free(iv), free(pt), free(ct);
	}
	CU_ASSERT_EQUAL(i, 9);
	json_decref(root);
}

/* AAD as ESP builds it: SPI | seq, or SPI | ESN high | ESN low. */
static size_t
esp_aad(json_t *v, uint8_t *aad)
{
	uint8_t *spi, *seq;
	size_t sl, ql, n;

	spi = test_vector_hex(v, "spi", &sl);
	seq = test_vector_hex(v, "seq", &ql);
	CU_ASSERT_EQUAL(sl, 4);
	CU_ASSERT_EQUAL(ql, json_is_true(json_object_get(v, "esn")) ? 8 : 4);
	memcpy(aad, spi, 4);
	memcpy(aad + 4, seq, ql);
	n = 4 + ql;
	free(spi), free(seq);
	return n;
}

static void
test_gcm_esp(void)
{
	json_t *root = test_vector_load("gcm-esp.json"), *v;
	uint8_t *km, *iv, *pt, *ct, *icv, *want, aad[12];
	size_t kml, il, pl, cl, tl, wl, al, i, ngcm = 0, nesn = 0;
	const char *id;

	json_array_foreach(json_object_get(root, "vectors"), i, v) {
		id = json_string_value(json_object_get(v, "id"));
		if (strncmp(id, "gcm-", 4) != 0)
			continue;
		km = test_vector_hex(v, "keymat", &kml);
		iv = test_vector_hex(v, "iv", &il);
		pt = test_vector_hex(v, "plaintext", &pl);
		ct = test_vector_hex(v, "ciphertext", &cl);
		icv = test_vector_hex(v, "icv", &tl);
		want = test_vector_hex(v, "aad", &wl);
		al = esp_aad(v, aad);
		CU_ASSERT(al == wl && memcmp(aad, want, al) == 0);
		enc_kat(alg(CRYPTO_KIND_ENC, "aes-gcm-16"), km, kml, iv, aad,
		    al, pt, ct, pl, icv, 16);
		/* The 8- and 12-byte ICV variants are its truncations. */
		enc_kat(alg(CRYPTO_KIND_ENC, "aes-gcm-12"), km, kml, iv, aad,
		    al, pt, ct, pl, icv, 12);
		enc_kat(alg(CRYPTO_KIND_ENC, "aes-gcm-8"), km, kml, iv, aad,
		    al, pt, ct, pl, icv, 8);
		ngcm++;
		nesn += al == 12;
		free(km), free(iv), free(pt), free(ct), free(icv), free(want);
	}
	CU_ASSERT_EQUAL(ngcm, 16);
	CU_ASSERT(nesn >= 10);
	json_decref(root);
}

/* RFC 4543: SPI | seq as AAD, and the payload is authenticated only. */
static void
test_gmac_esp(void)
{
	json_t *root = test_vector_load("gcm-esp.json"), *v;
	uint8_t *km, *iv, *payload, *icv, *full, aad[12];
	size_t kml, il, pl, tl, fl, al, i, n = 0;

	json_array_foreach(json_object_get(root, "vectors"), i, v) {
		if (strcmp(json_string_value(json_object_get(v, "id")),
		    "gmac-01") != 0)
			continue;
		km = test_vector_hex(v, "keymat", &kml);
		iv = test_vector_hex(v, "iv", &il);
		payload = test_vector_hex(v, "esp_payload_cleartext", &pl);
		icv = test_vector_hex(v, "icv", &tl);
		full = test_vector_hex(v, "aad", &fl);
		al = esp_aad(v, aad);
		/* The draft's AAD is exactly what the transform absorbs. */
		CU_ASSERT_EQUAL(fl, al + il + pl);
		CU_ASSERT(memcmp(full, aad, al) == 0);
		CU_ASSERT(memcmp(full + al, iv, il) == 0);
		CU_ASSERT(memcmp(full + al + il, payload, pl) == 0);
		enc_kat(alg(CRYPTO_KIND_ENC, "aes-gmac"), km, kml, iv, aad,
		    al, payload, payload, pl, icv, 16);
		n++;
		free(km), free(iv), free(payload), free(icv), free(full);
	}
	CU_ASSERT_EQUAL(n, 1);
	json_decref(root);
}

static void
test_rfc7634(void)
{
	json_t *root = test_vector_load("rfc7634.json"), *v;
	uint8_t *km, *iv, *aad, *pt, *ct, *icv, esp[12];
	size_t kml, il, al, pl, cl, tl, i;

	json_array_foreach(json_object_get(root, "vectors"), i, v) {
		km = test_vector_hex(v, "keymat", &kml);
		iv = test_vector_hex(v, "iv", &il);
		aad = test_vector_hex(v, "aad", &al);
		pt = test_vector_hex(v, "plaintext", &pl);
		ct = test_vector_hex(v, "ciphertext", &cl);
		icv = test_vector_hex(v, "icv", &tl);
		if (json_object_get(v, "spi") != NULL)
			CU_ASSERT(esp_aad(v, esp) == al &&
			    memcmp(esp, aad, al) == 0);
		enc_kat(alg(CRYPTO_KIND_ENC, "chacha20-poly1305"), km, kml,
		    iv, aad, al, pt, ct, pl, icv, 16);
		free(km), free(iv), free(aad), free(pt), free(ct), free(icv);
	}
	CU_ASSERT_EQUAL(i, 2);
	json_decref(root);
}

/*
 * One MAC three ways: one buffer, an iovec split in odd places, and the
 * verify call with a good and a corrupted ICV.
 */
static void
auth_kat(const struct crypto_alg *a, const uint8_t *key, size_t keylen,
    unsigned flags, const uint8_t *data, size_t len, const char *icvhex)
{
	struct crypto_auth *auth;
	struct iovec iov[3];
	uint8_t *icv, out[CRYPTO_ICV_MAX];
	size_t icvlen;

	icv = test_hex(icvhex, &icvlen);
	CU_ASSERT_PTR_NOT_NULL_FATAL(icv);
	CU_ASSERT_EQUAL_FATAL(crypto_auth_new(a, key, keylen, flags, &auth),
	    0);
	CU_ASSERT_EQUAL(crypto_auth_icvlen(auth), icvlen);
	crypto_auth_init(auth);
	crypto_auth_update(auth, data, len);
	CU_ASSERT_EQUAL(crypto_auth_final(auth, out), CRYPTO_OK);
	CU_ASSERT(memcmp(out, icv, icvlen) == 0);
	iov[0].iov_base = (void *)(uintptr_t)data;
	iov[0].iov_len = len / 3;
	iov[1].iov_base = (void *)(uintptr_t)(data + len / 3);
	iov[1].iov_len = len / 2 - len / 3;
	iov[2].iov_base = (void *)(uintptr_t)(data + len / 2);
	iov[2].iov_len = len - len / 2;
	memset(out, 0, sizeof(out));
	CU_ASSERT_EQUAL(crypto_auth_compute(auth, iov, 3, out), CRYPTO_OK);
	CU_ASSERT(memcmp(out, icv, icvlen) == 0);
	CU_ASSERT_EQUAL(crypto_auth_verify(auth, iov, 3, icv), CRYPTO_OK);
	if (icvlen > 0) {
		icv[0] ^= 1;
		CU_ASSERT_EQUAL(crypto_auth_verify(auth, iov, 3, icv),
		    CRYPTO_ERR_ICV);
	}
	crypto_auth_free(auth);
	free(icv);
}

static void
test_rfc2202(void)
{
	static const char *const sets[][2] = { { "hmac_md5", "hmac-md5" },
		{ "hmac_sha1", "hmac-sha1" } };
	json_t *root = test_vector_load("rfc2202.json"), *v;
	uint8_t *key, *data;
	size_t kl, dl, i, s, n = 0;

	for (s = 0; s < 2; s++) {
		json_array_foreach(json_object_get(root, sets[s][0]), i, v) {
			key = test_vector_hex(v, "key", &kl);
			data = test_vector_hex(v, "data", &dl);
			/* Test keys of 80 bytes exceed the IPsec key size. */
			auth_kat(alg(CRYPTO_KIND_AUTH, sets[s][1]), key, kl,
			    CRYPTO_F_ANYKEY, data, dl, json_string_value(
			    json_object_get(v, "ipsec_truncated_96_derived")));
			n++;
			free(key), free(data);
		}
	}
	CU_ASSERT_EQUAL(n, 14);
	json_decref(root);
}

static void
test_rfc4231(void)
{
	static const char *const algs[][2] = {
		{ "hmac_sha256_128", "hmac-sha256" },
		{ "hmac_sha384_192", "hmac-sha384" },
		{ "hmac_sha512_256", "hmac-sha512" } };
	json_t *root = test_vector_load("rfc4231.json"), *v, *t;
	uint8_t *key, *data;
	size_t kl, dl, i, a, n = 0;

	json_array_foreach(json_object_get(root, "test_cases"), i, v) {
		key = test_vector_hex(v, "key", &kl);
		data = test_vector_hex(v, "data", &dl);
		t = json_object_get(v, "ipsec_truncated_derived");
		for (a = 0; a < 3; a++) {
			if (json_object_get(t, algs[a][0]) == NULL)
				continue;
			/* RFC 4231 keys are not RFC 4868 sized: ANYKEY. */
			auth_kat(alg(CRYPTO_KIND_AUTH, algs[a][1]), key, kl,
			    CRYPTO_F_ANYKEY, data, dl, json_string_value(
			    json_object_get(t, algs[a][0])));
			n++;
		}
		free(key), free(data);
	}
	CU_ASSERT_EQUAL(n, 19);
	json_decref(root);
}

static void
test_rfc4868(void)
{
	json_t *root = test_vector_load("rfc4868.json"), *v;
	uint8_t *key, *data;
	const char *hash, *icv;
	char field[32], name[32];
	size_t kl, dl, i;

	json_array_foreach(json_object_get(root, "auth_vectors"), i, v) {
		hash = json_string_value(json_object_get(v, "hash"));
		key = test_vector_hex(v, "key", &kl);
		data = test_vector_hex(v, "data", &dl);
		snprintf(name, sizeof(name), "hmac-sha2-%s", hash + 3);
		snprintf(field, sizeof(field), "hmac_%s_%s", hash,
		    strcmp(hash, "sha256") == 0 ? "128" :
		    strcmp(hash, "sha384") == 0 ? "192" : "256");
		icv = json_string_value(json_object_get(v, field));
		CU_ASSERT_PTR_NOT_NULL_FATAL(icv);
		/* Full-length keys: the key-length rule must accept them. */
		auth_kat(alg(CRYPTO_KIND_AUTH, name), key, kl, 0, data, dl,
		    icv);
		free(key), free(data);
	}
	CU_ASSERT_EQUAL(i, 12);
	json_decref(root);
}

static void
test_rfc3566(void)
{
	json_t *root = test_vector_load("rfc3566.json"), *v;
	uint8_t *key, *msg;
	size_t kl, ml, i;

	json_array_foreach(json_object_get(root, "vectors"), i, v) {
		key = test_vector_hex(v, "key", &kl);
		msg = test_vector_hex(v, "message", &ml);
		auth_kat(alg(CRYPTO_KIND_AUTH, "aes-xcbc-mac"), key, kl, 0,
		    msg, ml, json_string_value(json_object_get(v,
		    "aes_xcbc_mac_96")));
		free(key), free(msg);
	}
	CU_ASSERT_EQUAL(i, 7);
	json_decref(root);
}

static void
test_extra_cipher(void)
{
	json_t *root = test_vector_load("extra-cipher.json"), *v;
	uint8_t *key, *iv, *pt, *ct;
	size_t kl, il, pl, cl, i;

	json_array_foreach(json_object_get(root, "vectors"), i, v) {
		key = test_vector_hex(v, "key", &kl);
		iv = test_vector_hex(v, "iv", &il);
		pt = test_vector_hex(v, "plaintext", &pl);
		ct = test_vector_hex(v, "ciphertext", &cl);
		enc_kat(alg(CRYPTO_KIND_ENC, json_string_value(
		    json_object_get(v, "alg"))), key, kl, iv, NULL, 0, pt, ct,
		    pl, NULL, 0);
		free(key), free(iv), free(pt), free(ct);
	}
	CU_ASSERT_EQUAL(i, 13);
	json_decref(root);
}

static void
test_extra_auth(void)
{
	json_t *root = test_vector_load("extra-auth.json"), *v;
	const struct crypto_alg *a;
	uint8_t *key, *data;
	size_t kl, dl, i;

	json_array_foreach(json_object_get(root, "vectors"), i, v) {
		a = alg(CRYPTO_KIND_AUTH, json_string_value(
		    json_object_get(v, "alg")));
		key = test_vector_hex(v, "key", &kl);
		data = test_vector_hex(v, "data", &dl);
		auth_kat(a, key, kl, 0, data, dl, json_string_value(
		    json_object_get(v, "icv")));
		/* RFC 1826 AH (SADB_X_EXT_OLD): 16-byte keyed-hash ICV. */
		if (a->mode == CRYPTO_MODE_KEYED)
			auth_kat(a, key, kl, CRYPTO_F_OLD, data, dl,
			    json_string_value(json_object_get(v, "icv_old")));
		free(key), free(data);
	}
	CU_ASSERT_EQUAL(i, 18);
	json_decref(root);
}

static int
suite_init(void)
{
	return crypto_init();
}

static int
suite_fini(void)
{
	crypto_fini();
	return 0;
}

static const struct test_case kat_cases[] = {
	{ "RFC 3602 AES-CBC cases 1-4", test_rfc3602_cipher },
	{ "RFC 3602 ESP payloads 5-8", test_rfc3602_esp },
	{ "RFC 3686 AES-CTR 1-9", test_rfc3686 },
	{ "draft-mcgrew-gcm-test-01 GCM (8/12/16 ICV)", test_gcm_esp },
	{ "draft-mcgrew-gcm-test-01 GMAC", test_gmac_esp },
	{ "RFC 7634 ChaCha20-Poly1305", test_rfc7634 },
	{ "RFC 2202 HMAC-MD5-96/SHA1-96", test_rfc2202 },
	{ "RFC 4231 truncated HMAC-SHA2", test_rfc4231 },
	{ "RFC 4868 HMAC-SHA2 AUTH vectors", test_rfc4868 },
	{ "RFC 3566 AES-XCBC-MAC-96", test_rfc3566 },
	{ "DES/3DES/CAST/Blowfish/Camellia (generated)", test_extra_cipher },
	{ "HMAC-RIPEMD160, keyed MD5/SHA1 (generated)", test_extra_auth },
	{ NULL, NULL }
};

const struct test_suite test_suites[] = {
	{ "crypto known answers", suite_init, suite_fini, kat_cases },
	{ NULL, NULL, NULL, NULL }
};
