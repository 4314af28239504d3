/*
 * ChaCha20-Poly1305 as sys/crypto/crypto_chacha.c composes it, against
 * OpenSSL's own combined "ChaCha20-Poly1305" cipher (an independent
 * implementation of RFC 8439) at every payload length from 0 to 2,200
 * bytes and some far beyond, with the 8- and 12-byte AADs of ESP and a
 * longer one: both the one-pass frame (up to 2,048 bytes) and the path
 * with separate calls.  Opening must restore the plaintext, and refuse a
 * changed tag, AAD, nonce or ciphertext without touching the buffer.
 * The RFC 7634 vectors themselves are in test_crypto_kat.c.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "net/pfkeyv2.h"
#include "sys/crypto/crypto.h"
#include "testlib.h"

#define MAXLEN	9000

static uint8_t key[36];
static uint8_t *pt, *buf, *ref;

/* OpenSSL's combined cipher over pt: ciphertext in ref, tag in tag. */
static void
reference_seal(const uint8_t *iv, const uint8_t *aad, size_t aadlen,
    size_t len, uint8_t *tag)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	uint8_t nonce[12];
	int outl;

	memcpy(nonce, key + 32, 4);
	memcpy(nonce + 4, iv, 8);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	CU_ASSERT_FATAL(EVP_EncryptInit_ex(ctx, EVP_chacha20_poly1305(), NULL,
	    key, nonce) == 1);
	CU_ASSERT_FATAL(EVP_EncryptUpdate(ctx, NULL, &outl, aad,
	    (int)aadlen) == 1);
	CU_ASSERT_FATAL(EVP_EncryptUpdate(ctx, ref, &outl, pt,
	    (int)len) == 1);
	CU_ASSERT_FATAL(EVP_EncryptFinal_ex(ctx, ref + outl, &outl) == 1);
	CU_ASSERT_FATAL(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16,
	    tag) == 1);
	EVP_CIPHER_CTX_free(ctx);
}

/* Seal len bytes, compare with OpenSSL, open, and refuse changes. */
static void
check_len(struct crypto_enc *enc, const uint8_t *aad, size_t aadlen,
    size_t len)
{
	uint8_t iv[8], tag[16], icv[16], bad[16], aad2[32];
	size_t i;

	for (i = 0; i < 8; i++)
		iv[i] = (uint8_t)(len * 7 + i);
	reference_seal(iv, aad, aadlen, len, tag);
	memcpy(buf, pt, len);
	CU_ASSERT_EQUAL_FATAL(crypto_encrypt(enc, iv, aad, aadlen, buf, len,
	    icv), CRYPTO_OK);
	CU_ASSERT_FATAL(memcmp(buf, ref, len) == 0);
	CU_ASSERT_FATAL(memcmp(icv, tag, 16) == 0);
	memcpy(bad, icv, 16);
	bad[len % 16] ^= 0x01;
	CU_ASSERT_EQUAL(crypto_decrypt(enc, iv, aad, aadlen, buf, len, bad),
	    CRYPTO_ERR_ICV);
	CU_ASSERT(memcmp(buf, ref, len) == 0);
	memcpy(aad2, aad, aadlen);
	aad2[aadlen - 1] ^= 0x80;
	CU_ASSERT_EQUAL(crypto_decrypt(enc, iv, aad2, aadlen, buf, len, icv),
	    CRYPTO_ERR_ICV);
	iv[0] ^= 1;
	CU_ASSERT_EQUAL(crypto_decrypt(enc, iv, aad, aadlen, buf, len, icv),
	    CRYPTO_ERR_ICV);
	iv[0] ^= 1;
	if (len > 0) {
		buf[len / 2] ^= 0x10;
		CU_ASSERT_EQUAL(crypto_decrypt(enc, iv, aad, aadlen, buf, len,
		    icv), CRYPTO_ERR_ICV);
		buf[len / 2] ^= 0x10;
	}
	CU_ASSERT_FATAL(memcmp(buf, ref, len) == 0);
	CU_ASSERT_EQUAL_FATAL(crypto_decrypt(enc, iv, aad, aadlen, buf, len,
	    icv), CRYPTO_OK);
	CU_ASSERT_FATAL(memcmp(buf, pt, len) == 0);
}

static void
run_aad(size_t aadlen)
{
	static const size_t big[] = { 2047, 2048, 2049, 4000, 8191, MAXLEN };
	const struct crypto_alg *a;
	struct crypto_enc *enc;
	uint8_t aad[32];
	size_t len, i;

	for (i = 0; i < sizeof(aad); i++)
		aad[i] = (uint8_t)(0xa0 + i);
	a = crypto_alg_byid(CRYPTO_KIND_ENC, SADB_X_EALG_CHACHA20POLY1305);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_EQUAL_FATAL(crypto_enc_new(a, key, sizeof(key), 0, &enc), 0);
	for (len = 0; len <= 2200; len++)
		check_len(enc, aad, aadlen, len);
	for (i = 0; i < sizeof(big) / sizeof(big[0]); i++)
		check_len(enc, aad, aadlen, big[i]);
	crypto_enc_free(enc);
}

static void
test_aad8(void)
{
	run_aad(8);
}

static void
test_aad12(void)
{
	run_aad(12);
}

static void
test_aad20(void)
{
	run_aad(20);
}

static int
suite_init(void)
{
	size_t i;

	pt = malloc(MAXLEN);
	buf = malloc(MAXLEN);
	ref = malloc(MAXLEN + 16);
	if (pt == NULL || buf == NULL || ref == NULL)
		return -1;
	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(0x80 + i * 3);
	for (i = 0; i < MAXLEN; i++)
		pt[i] = (uint8_t)(i * 31 + 5);
	return crypto_init();
}

static int
suite_fini(void)
{
	crypto_fini();
	free(pt);
	free(buf);
	free(ref);
	return 0;
}

static const struct test_case chacha_cases[] = {
	{ "ESP AAD (SPI|seq), 0-2200 B and beyond", test_aad8 },
	{ "ESN AAD (SPI|seq hi|seq lo)", test_aad12 },
	{ "AAD longer than a Poly1305 block", test_aad20 },
	{ NULL, NULL }
};

const struct test_suite test_suites[] = {
	{ "chacha20-poly1305 vs OpenSSL's combined cipher", suite_init,
	    suite_fini, chacha_cases },
	{ NULL, NULL, NULL, NULL }
};
