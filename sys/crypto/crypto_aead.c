/*
 * Combined-mode ESP transforms: AES-GCM (RFC 4106, ICV 8, 12 or 16
 * bytes), ChaCha20-Poly1305 (RFC 7634, handed to crypto_chacha.c) and
 * AES-GMAC (RFC 4543).
 *
 * All three build the 96-bit nonce as salt | explicit IV, the salt being
 * the last 4 bytes of the SA's key.  The ESP layer passes the same AAD for
 * all of them (SPI | seq, or SPI | ESN high | seq low); GMAC differs only
 * inside this file: IV and payload are appended to the AAD and nothing is
 * encrypted.  Only the nonce changes per packet, which OpenSSL takes
 * without allocating.
 *
 * The per-packet sequence is the shortest OpenSSL 3.0 offers, because in
 * 3.0 every EVP call that carries a parameter goes through the provider's
 * get/set_ctx_params, which looks up each name it knows with
 * OSSL_PARAM_locate (a strcmp per name) whatever was passed:
 *
 *	seal:	CIPHER_CTX_set_params(nonce), Update(AAD), Update(payload),
 *		EncryptFinal_ex, CIPHER_CTX_get_params(tag)
 *	open:	CIPHER_CTX_set_params(nonce, tag), Update(AAD),
 *		Update(payload), DecryptFinal_ex (OpenSSL compares the tag
 *		with CRYPTO_memcmp)
 *
 * No init call at all per packet: the key schedule and GHASH key are set
 * once in crypto_enc_new, and the nonce goes in as the whole "fixed" IV
 * (aead_set_nonce below), the parameter behind EVP_CTRL_GCM_SET_IV_FIXED.
 * EVP_EncryptInit_ex2(ctx, NULL, NULL, nonce, NULL), which this replaced,
 * first asks the provider for the IV length (a get_ctx_params pass) and
 * then walks the generic init path to the same copy.  Counted with
 * callgrind on AES-128-GCM at 64 bytes (OpenSSL 3.0.19): crypto_encrypt
 * 2,841 instructions per packet before, 2,362 after; the bare opening
 * sequence 2,722 with DecryptInit_ex2(nonce, tag), 1,936 with the one
 * set_params.  The start-up self-test runs GCM and GMAC vectors through
 * this path, so an OpenSSL that took the parameter differently would stop
 * the socket manager at start rather than seal with a wrong nonce.
 * The tag is fetched with EVP_CIPHER_CTX_get_params and a statically
 * initialised OSSL_PARAM: EVP_CIPHER_CTX_ctrl(GET_TAG/SET_TAG) builds the
 * same array and converts its arguments first.
 *
 * Measured with tests/bench/bench_aead.c (ns per packet, best of 7 runs
 * on a loaded 2-CPU EPYC, the two builds back to back): AES-128-GCM
 * sealed 64/512/1420 bytes in 203/256/416 ns with the init call and in
 * 163/229/376 without; opened in 203/268/409 and 134/196/339.
 *
 * ChaCha20-Poly1305 no longer takes this sequence: OpenSSL 3.0's combined
 * cipher makes three ChaCha20 calls and four Poly1305 updates per packet,
 * each with a fixed cost above a block's work, so crypto_chacha.c builds
 * it from the ChaCha20 cipher and the Poly1305 MAC with one call of each
 * (see there; bench_aead, CPU time per packet: 471/616/1012 ns to seal
 * 64/512/1420 bytes before, 222/402/743 after).  The session says which
 * path it takes: enc->emac is set only for the composed AEAD.
 * `openssl speed -evp chacha20-poly1305` (with or without -aead, in 3.0)
 * times only EVP_EncryptUpdate on a context set up once: no nonce, no
 * Poly1305 key, no AAD, no tag; its ~140 ns at 64 bytes is not a
 * per-packet figure.
 */
#include <limits.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/params.h>

#include "sys/crypto/crypto_var.h"

#define AEAD_NONCE_LEN	12
#define AEAD_TAG_MAX	16

/*
 * Give ctx the packet's nonce, salt | explicit IV, and on the opening side
 * the tag, in one set_params call.  OSSL_CIPHER_PARAM_AEAD_TLS1_IV_FIXED
 * with the data size (size_t)-1 is what EVP_CIPHER_CTX_ctrl() passes for
 * EVP_CTRL_GCM_SET_IV_FIXED with length -1: the whole IV is set and the
 * next update starts from it.  The init call it replaces asks the
 * provider for the IV length and goes through the generic init path
 * before reaching the same copy (see the comment at the top).
 */
static int
aead_set_nonce(const struct crypto_enc *enc, EVP_CIPHER_CTX *ctx,
    const uint8_t *iv, uint8_t *tag)
{
	uint8_t nonce[AEAD_NONCE_LEN];
	OSSL_PARAM params[3] = {
		OSSL_PARAM_octet_string(OSSL_CIPHER_PARAM_AEAD_TLS1_IV_FIXED,
		    nonce, (size_t)-1),
		OSSL_PARAM_END,
		OSSL_PARAM_END
	};

	if (tag != NULL)
		params[1] = (OSSL_PARAM)OSSL_PARAM_octet_string(
		    OSSL_CIPHER_PARAM_AEAD_TAG, tag, enc->icvlen);
	memcpy(nonce, enc->salt, 4);
	memcpy(nonce + 4, iv, 8);
	return EVP_CIPHER_CTX_set_params(ctx, params) == 1 ? CRYPTO_OK :
	    CRYPTO_ERR_INTERNAL;
}

/* RFC 4543: the IV and the payload are authenticated, not encrypted. */
static int
gmac_absorb(EVP_CIPHER_CTX *ctx, const uint8_t *iv, const uint8_t *buf,
    size_t len)
{
	int outl;

	if (EVP_EncryptUpdate(ctx, NULL, &outl, iv, 8) != 1)
		return CRYPTO_ERR_INTERNAL;
	if (len > 0 && EVP_EncryptUpdate(ctx, NULL, &outl, buf, (int)len) != 1)
		return CRYPTO_ERR_INTERNAL;
	return CRYPTO_OK;
}

/* Run the encrypting context over a packet and leave its tag in icv. */
static int
aead_seal(struct crypto_enc *enc, const uint8_t *iv, const uint8_t *aad,
    size_t aadlen, uint8_t *buf, size_t len, uint8_t *icv)
{
	EVP_CIPHER_CTX *ctx = enc->ectx;
	OSSL_PARAM tag[2] = {
		OSSL_PARAM_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, icv,
		    enc->icvlen),
		OSSL_PARAM_END
	};
	uint8_t fin[AEAD_TAG_MAX];
	int outl, rc;

	if (len > INT_MAX || aadlen > INT_MAX)
		return CRYPTO_ERR_LEN;
	if (aead_set_nonce(enc, ctx, iv, NULL) != CRYPTO_OK ||
	    (aadlen > 0 &&
	    EVP_EncryptUpdate(ctx, NULL, &outl, aad, (int)aadlen) != 1))
		return CRYPTO_ERR_INTERNAL;
	if (enc->alg->mode == CRYPTO_MODE_GMAC)
		rc = gmac_absorb(ctx, iv, buf, len);
	else if (len > 0 && (EVP_EncryptUpdate(ctx, buf, &outl, buf,
	    (int)len) != 1 || (size_t)outl != len))
		rc = CRYPTO_ERR_INTERNAL;
	else
		rc = CRYPTO_OK;
	if (rc != CRYPTO_OK)
		return rc;
	if (EVP_EncryptFinal_ex(ctx, fin, &outl) != 1 ||
	    EVP_CIPHER_CTX_get_params(ctx, tag) != 1)
		return CRYPTO_ERR_INTERNAL;
	return CRYPTO_OK;
}

int
crypto_aead_encrypt(struct crypto_enc *enc, const uint8_t *iv,
    const uint8_t *aad, size_t aadlen, uint8_t *buf, size_t len,
    uint8_t *icv_out)
{
	if (enc->emac != NULL)
		return crypto_chacha_seal(enc, iv, aad, aadlen, buf, len,
		    icv_out);
	return aead_seal(enc, iv, aad, aadlen, buf, len, icv_out);
}

/*
 * GCM and ChaCha20-Poly1305 decrypt in place and let OpenSSL compare the
 * tag (it uses CRYPTO_memcmp); on CRYPTO_ERR_ICV the buffer holds
 * unauthenticated plaintext and must be dropped.  GMAC computes the tag
 * with the sealing context and compares it here.
 */
int
crypto_aead_decrypt(struct crypto_enc *enc, const uint8_t *iv,
    const uint8_t *aad, size_t aadlen, uint8_t *buf, size_t len,
    const uint8_t *icv_in)
{
	EVP_CIPHER_CTX *ctx = enc->dctx;
	uint8_t tag[AEAD_TAG_MAX], fin[AEAD_TAG_MAX];
	int outl, rc;

	if (enc->dmac != NULL)
		return crypto_chacha_open(enc, iv, aad, aadlen, buf, len,
		    icv_in);
	if (enc->icvlen > sizeof(tag))
		return CRYPTO_ERR_INTERNAL;
	if (enc->alg->mode == CRYPTO_MODE_GMAC) {
		rc = aead_seal(enc, iv, aad, aadlen, buf, len, tag);
		if (rc == CRYPTO_OK &&
		    CRYPTO_memcmp(tag, icv_in, enc->icvlen) != 0)
			rc = CRYPTO_ERR_ICV;
		return rc;
	}
	if (len > INT_MAX || aadlen > INT_MAX)
		return CRYPTO_ERR_LEN;
	/* A copy: OSSL_PARAM wants a writable pointer, icv_in is const. */
	memcpy(tag, icv_in, enc->icvlen);
	if (aead_set_nonce(enc, ctx, iv, tag) != CRYPTO_OK ||
	    (aadlen > 0 &&
	    EVP_DecryptUpdate(ctx, NULL, &outl, aad, (int)aadlen) != 1))
		return CRYPTO_ERR_INTERNAL;
	if (len > 0 && (EVP_DecryptUpdate(ctx, buf, &outl, buf,
	    (int)len) != 1 || (size_t)outl != len))
		return CRYPTO_ERR_INTERNAL;
	if (EVP_DecryptFinal_ex(ctx, fin, &outl) != 1)
		return CRYPTO_ERR_ICV;
	return CRYPTO_OK;
}
