/*
 * Encryption sessions: the CBC ciphers, RFC 3686 AES-CTR and null; the
 * AEAD and GMAC modes are handed to crypto_aead.c behind the same two
 * calls.  Both OpenSSL contexts (one keyed to encrypt, one to decrypt,
 * because a CBC decryption key schedule differs) are made when the SA is
 * installed; per packet we only set the IV, which allocates nothing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "net/pfkeyv2.h"
#include "sys/net/net_endian.h"
#include "sys/crypto/crypto_var.h"

/*
 * DES weak and semi-weak keys (FIPS 74).  KAME refuses them at SA
 * install (esp_des_schedule), comparing the key bytes exactly.
 */
static const uint8_t des_weak_keys[16][8] = {
	{ 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01 },
	{ 0xfe, 0xfe, 0xfe, 0xfe, 0xfe, 0xfe, 0xfe, 0xfe },
	{ 0x1f, 0x1f, 0x1f, 0x1f, 0x0e, 0x0e, 0x0e, 0x0e },
	{ 0xe0, 0xe0, 0xe0, 0xe0, 0xf1, 0xf1, 0xf1, 0xf1 },
	{ 0x01, 0xfe, 0x01, 0xfe, 0x01, 0xfe, 0x01, 0xfe },
	{ 0xfe, 0x01, 0xfe, 0x01, 0xfe, 0x01, 0xfe, 0x01 },
	{ 0x1f, 0xe0, 0x1f, 0xe0, 0x0e, 0xf1, 0x0e, 0xf1 },
	{ 0xe0, 0x1f, 0xe0, 0x1f, 0xf1, 0x0e, 0xf1, 0x0e },
	{ 0x01, 0xe0, 0x01, 0xe0, 0x01, 0xf1, 0x01, 0xf1 },
	{ 0xe0, 0x01, 0xe0, 0x01, 0xf1, 0x01, 0xf1, 0x01 },
	{ 0x1f, 0xfe, 0x1f, 0xfe, 0x0e, 0xfe, 0x0e, 0xfe },
	{ 0xfe, 0x1f, 0xfe, 0x1f, 0xfe, 0x0e, 0xfe, 0x0e },
	{ 0x01, 0x1f, 0x01, 0x1f, 0x01, 0x0e, 0x01, 0x0e },
	{ 0x1f, 0x01, 0x1f, 0x01, 0x0e, 0x01, 0x0e, 0x01 },
	{ 0xe0, 0xfe, 0xe0, 0xfe, 0xf1, 0xfe, 0xf1, 0xfe },
	{ 0xfe, 0xe0, 0xfe, 0xe0, 0xfe, 0xf1, 0xfe, 0xf1 },
};

static bool
des_key_weak(const uint8_t *key, size_t keylen)
{
	size_t i, k;

	for (k = 0; k + 8 <= keylen; k += 8)
		for (i = 0; i < 16; i++)
			if (memcmp(key + k, des_weak_keys[i], 8) == 0)
				return true;
	return false;
}

static EVP_CIPHER_CTX *
cipher_ctx_new(const EVP_CIPHER *cipher, const uint8_t *key, size_t keylen,
    int encrypt)
{
	EVP_CIPHER_CTX *ctx;

	ctx = EVP_CIPHER_CTX_new();
	if (ctx == NULL)
		return NULL;
	/*
	 * Blowfish and CAST take the key length from the SA: set it before
	 * the key, or OpenSSL would read its default length.
	 */
	if (EVP_CipherInit_ex2(ctx, cipher, NULL, NULL, encrypt, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_key_length(ctx, (int)keylen) != 1 ||
	    EVP_CipherInit_ex2(ctx, NULL, key, NULL, encrypt, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(ctx, 0) != 1) {
		EVP_CIPHER_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

int
crypto_enc_new(const struct crypto_alg *alg, const uint8_t *key,
    size_t keylen, unsigned flags, struct crypto_enc **encp)
{
	struct crypto_enc *enc;
	const EVP_CIPHER *cipher = NULL;
	size_t ckeylen;

	*encp = NULL;
	if (alg == NULL || alg->kind != CRYPTO_KIND_ENC ||
	    !crypto_alg_available(alg))
		return EINVAL;
	if (!(flags & CRYPTO_F_ANYKEY) &&
	    (keylen > UINT16_MAX / 8 || !crypto_alg_keylen_ok(alg,
	    (unsigned)keylen * 8)))
		return EINVAL;
	if (keylen < alg->saltlen)
		return EINVAL;
	ckeylen = keylen - alg->saltlen;
	if (alg->mode != CRYPTO_MODE_NULL) {
		cipher = crypto_alg_cipher(alg, keylen);
		if (cipher == NULL)
			return EINVAL;
		if ((alg->sadb_id == SADB_EALG_DESCBC ||
		    alg->sadb_id == SADB_EALG_3DESCBC) &&
		    des_key_weak(key, ckeylen))
			return EINVAL;
	}
	enc = calloc(1, sizeof(*enc));
	if (enc == NULL)
		return ENOMEM;
	enc->alg = alg;
	enc->icvlen = alg->icvlen;
	memcpy(enc->salt, key + ckeylen, alg->saltlen);
	if (cipher != NULL) {
		enc->ectx = cipher_ctx_new(cipher, key, ckeylen, 1);
		enc->dctx = cipher_ctx_new(cipher, key, ckeylen, 0);
		if (enc->ectx == NULL || enc->dctx == NULL) {
			crypto_enc_free(enc);
			return EINVAL;
		}
	}
	if (crypto_alg_mac(alg) != NULL) {
		enc->emac = EVP_MAC_CTX_new(crypto_alg_mac(alg));
		enc->dmac = EVP_MAC_CTX_new(crypto_alg_mac(alg));
		if (enc->emac == NULL || enc->dmac == NULL) {
			crypto_enc_free(enc);
			return ENOMEM;
		}
	}
	*encp = enc;
	return 0;
}

/* The one way an encryption session dies: contexts freed, keys wiped. */
void
crypto_enc_free(struct crypto_enc *enc)
{
	if (enc == NULL)
		return;
	EVP_CIPHER_CTX_free(enc->ectx);	/* cleanses the key schedule */
	EVP_CIPHER_CTX_free(enc->dctx);
	crypto_chacha_mac_free(enc->emac);
	crypto_chacha_mac_free(enc->dmac);
	OPENSSL_cleanse(enc, sizeof(*enc));
	free(enc);
}

const struct crypto_alg *
crypto_enc_alg(const struct crypto_enc *enc)
{
	return enc->alg;
}

size_t
crypto_enc_ivlen(const struct crypto_enc *enc)
{
	return enc->alg->ivlen;
}

size_t
crypto_enc_icvlen(const struct crypto_enc *enc)
{
	return enc->icvlen;
}

/* RFC 3686 counter block: nonce | IV | 32-bit block counter from 1. */
static void
ctr_block(const struct crypto_enc *enc, const uint8_t *iv, uint8_t *blk)
{
	memcpy(blk, enc->salt, 4);
	memcpy(blk + 4, iv, 8);
	blk[12] = blk[13] = blk[14] = 0;
	blk[15] = 1;
}

static int
cipher_run(struct crypto_enc *enc, EVP_CIPHER_CTX *ctx, const uint8_t *iv,
    uint8_t *buf, size_t len)
{
	uint8_t blk[16];
	int outl;

	if (len % enc->alg->blocksize != 0)
		return CRYPTO_ERR_LEN;
	if (len > INT32_MAX)
		return CRYPTO_ERR_LEN;
	if (enc->alg->mode == CRYPTO_MODE_CTR) {
		ctr_block(enc, iv, blk);
		iv = blk;
	}
	if (EVP_CipherInit_ex2(ctx, NULL, NULL, iv, -1, NULL) != 1 ||
	    EVP_CipherUpdate(ctx, buf, &outl, buf, (int)len) != 1 ||
	    (size_t)outl != len)
		return CRYPTO_ERR_INTERNAL;
	return CRYPTO_OK;
}

/*
 * Encrypt len bytes of buf in place.  iv is the explicit IV as it goes in
 * the packet (alg->ivlen bytes).  For AEAD, aad is SPI|seq (or SPI|ESN
 * high|seq low) and the ICV goes to icv_out; for GMAC, aad is the same and
 * buf is only authenticated (RFC 4543 AAD = aad|IV|buf).  CBC and CTR
 * ignore aad and icv_out.
 */
int
crypto_encrypt(struct crypto_enc *enc, const uint8_t *iv, const uint8_t *aad,
    size_t aadlen, uint8_t *buf, size_t len, uint8_t *icv_out)
{
	switch (enc->alg->mode) {
	case CRYPTO_MODE_NULL:
		return CRYPTO_OK;
	case CRYPTO_MODE_CBC:
	case CRYPTO_MODE_CTR:
		return cipher_run(enc, enc->ectx, iv, buf, len);
	default:
		return crypto_aead_encrypt(enc, iv, aad, aadlen, buf, len,
		    icv_out);
	}
}

/* The inverse; AEAD and GMAC check icv_in in constant time. */
int
crypto_decrypt(struct crypto_enc *enc, const uint8_t *iv, const uint8_t *aad,
    size_t aadlen, uint8_t *buf, size_t len, const uint8_t *icv_in)
{
	switch (enc->alg->mode) {
	case CRYPTO_MODE_NULL:
		return CRYPTO_OK;
	case CRYPTO_MODE_CBC:
	case CRYPTO_MODE_CTR:
		return cipher_run(enc, enc->dctx, iv, buf, len);
	default:
		return crypto_aead_decrypt(enc, iv, aad, aadlen, buf, len,
		    icv_in);
	}
}

int
crypto_iv_random(uint8_t *iv, size_t len)
{
	if (len == 0)
		return 0;
	return RAND_bytes_ex(crypto_libctx(), iv, len, 0) == 1 ? 0 : -1;
}

/* 64-bit sequence number, big-endian: unique per packet of an SA. */
void
crypto_iv_from_seq(uint8_t *iv, uint64_t seq)
{
	be_put64(iv, seq);
}

/*
 * The IV for the next outbound packet.  CBC needs an unpredictable IV
 * (RFC 3602), so it is random; CTR, GCM, GMAC and ChaCha20 need only a
 * unique one per key (RFC 3686, 4106, 7634), so the sequence number,
 * never repeated within an SA, serves.  A test IV overrides both.
 */
int
crypto_iv_generate(struct crypto_enc *enc, uint64_t seq, uint8_t *iv)
{
	size_t ivlen = enc->alg->ivlen;

	if (enc->test_iv_set) {
		memcpy(iv, enc->test_iv, ivlen);
		return 0;
	}
	switch (enc->alg->mode) {
	case CRYPTO_MODE_NULL:
		return 0;
	case CRYPTO_MODE_CBC:
		return crypto_iv_random(iv, ivlen);
	default:
		crypto_iv_from_seq(iv, seq);
		return 0;
	}
}

/* Known-answer tests only: make crypto_iv_generate() return iv. */
void
crypto_enc_set_test_iv(struct crypto_enc *enc, const uint8_t *iv)
{
	enc->test_iv_set = iv != NULL;
	if (iv != NULL)
		memcpy(enc->test_iv, iv, enc->alg->ivlen);
}
