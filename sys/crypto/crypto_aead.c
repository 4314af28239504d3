/*
 * Combined-mode ESP transforms: AES-GCM (RFC 4106, ICV 8, 12 or 16
 * bytes), ChaCha20-Poly1305 (RFC 7634) and AES-GMAC (RFC 4543).
 *
 * All three build the 96-bit nonce as salt | explicit IV, the salt being
 * the last 4 bytes of the SA's key.  The ESP layer passes the same AAD for
 * all of them (SPI | seq, or SPI | ESN high | seq low); GMAC differs only
 * inside this file: IV and payload are appended to the AAD and nothing is
 * encrypted.  Only the nonce changes per packet, which OpenSSL takes
 * without allocating.
 */
#include <limits.h>
#include <string.h>

#include <openssl/crypto.h>

#include "sys/crypto/crypto_var.h"

#define AEAD_NONCE_LEN	12

static int
aead_start(struct crypto_enc *enc, EVP_CIPHER_CTX *ctx, const uint8_t *iv,
    const uint8_t *aad, size_t aadlen, size_t len)
{
	uint8_t nonce[AEAD_NONCE_LEN];
	int outl;

	if (len > INT_MAX || aadlen > INT_MAX)
		return CRYPTO_ERR_LEN;
	memcpy(nonce, enc->salt, 4);
	memcpy(nonce + 4, iv, 8);
	if (EVP_CipherInit_ex2(ctx, NULL, NULL, nonce, -1, NULL) != 1)
		return CRYPTO_ERR_INTERNAL;
	if (aadlen > 0 &&
	    EVP_CipherUpdate(ctx, NULL, &outl, aad, (int)aadlen) != 1)
		return CRYPTO_ERR_INTERNAL;
	return CRYPTO_OK;
}

/* RFC 4543: the IV and the payload are authenticated, not encrypted. */
static int
gmac_absorb(EVP_CIPHER_CTX *ctx, const uint8_t *iv, const uint8_t *buf,
    size_t len)
{
	int outl;

	if (EVP_CipherUpdate(ctx, NULL, &outl, iv, 8) != 1)
		return CRYPTO_ERR_INTERNAL;
	if (len > 0 && EVP_CipherUpdate(ctx, NULL, &outl, buf, (int)len) != 1)
		return CRYPTO_ERR_INTERNAL;
	return CRYPTO_OK;
}

/* Run the encrypting context over a packet and leave its tag in icv. */
static int
aead_seal(struct crypto_enc *enc, const uint8_t *iv, const uint8_t *aad,
    size_t aadlen, uint8_t *buf, size_t len, uint8_t *icv)
{
	EVP_CIPHER_CTX *ctx = enc->ectx;
	uint8_t fin[16];
	int outl, rc;

	rc = aead_start(enc, ctx, iv, aad, aadlen, len);
	if (rc != CRYPTO_OK)
		return rc;
	if (enc->alg->mode == CRYPTO_MODE_GMAC)
		rc = gmac_absorb(ctx, iv, buf, len);
	else if (len > 0 && (EVP_CipherUpdate(ctx, buf, &outl, buf,
	    (int)len) != 1 || (size_t)outl != len))
		rc = CRYPTO_ERR_INTERNAL;
	if (rc != CRYPTO_OK)
		return rc;
	if (EVP_CipherFinal_ex(ctx, fin, &outl) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, (int)enc->icvlen,
	    icv) != 1)
		return CRYPTO_ERR_INTERNAL;
	return CRYPTO_OK;
}

int
crypto_aead_encrypt(struct crypto_enc *enc, const uint8_t *iv,
    const uint8_t *aad, size_t aadlen, uint8_t *buf, size_t len,
    uint8_t *icv_out)
{
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
	uint8_t tag[16], fin[16];
	int outl, rc;

	if (enc->alg->mode == CRYPTO_MODE_GMAC) {
		rc = aead_seal(enc, iv, aad, aadlen, buf, len, tag);
		if (rc == CRYPTO_OK &&
		    CRYPTO_memcmp(tag, icv_in, enc->icvlen) != 0)
			rc = CRYPTO_ERR_ICV;
		return rc;
	}
	rc = aead_start(enc, ctx, iv, aad, aadlen, len);
	if (rc != CRYPTO_OK)
		return rc;
	memcpy(tag, icv_in, enc->icvlen);
	if (len > 0 && (EVP_CipherUpdate(ctx, buf, &outl, buf, (int)len) != 1 ||
	    (size_t)outl != len))
		return CRYPTO_ERR_INTERNAL;
	if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, (int)enc->icvlen,
	    tag) != 1)
		return CRYPTO_ERR_INTERNAL;
	if (EVP_CipherFinal_ex(ctx, fin, &outl) != 1)
		return CRYPTO_ERR_ICV;
	return CRYPTO_OK;
}
