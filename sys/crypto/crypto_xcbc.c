/*
 * AES-XCBC-MAC (RFC 3566).  OpenSSL has no XCBC, so we build it from one
 * AES-128-ECB context: at install the context keyed with K derives
 * K1 = E_K(0x01^16), K2 = E_K(0x02^16), K3 = E_K(0x03^16), then it is
 * rekeyed with K1 and kept for the CBC chain.  The last block is held back
 * until final: a complete one is masked with K2, a short one is padded
 * with 0x80 0x00... and masked with K3.  The caller truncates to 96 bits.
 */
#include <string.h>

#include <openssl/crypto.h>

#include "sys/crypto/crypto_var.h"

#define XCBC_BLOCK	16

static int
ecb_block(EVP_CIPHER_CTX *ctx, const uint8_t *in, uint8_t *out)
{
	int outl;

	if (EVP_EncryptUpdate(ctx, out, &outl, in, XCBC_BLOCK) != 1 ||
	    outl != XCBC_BLOCK)
		return -1;
	return 0;
}

int
crypto_xcbc_setkey(struct crypto_xcbc *x, const uint8_t *key)
{
	const struct crypto_alg *alg;
	const EVP_CIPHER *ecb;
	uint8_t c[XCBC_BLOCK], k1[XCBC_BLOCK];
	int rc = -1;

	alg = crypto_alg_byname(CRYPTO_KIND_AUTH, "aes-xcbc-mac");
	ecb = crypto_alg_cipher(alg, XCBC_BLOCK);
	x->ecb = EVP_CIPHER_CTX_new();
	if (ecb == NULL || x->ecb == NULL ||
	    EVP_EncryptInit_ex2(x->ecb, ecb, key, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(x->ecb, 0) != 1)
		goto out;
	memset(c, 0x01, sizeof(c));
	if (ecb_block(x->ecb, c, k1) != 0)
		goto out;
	memset(c, 0x02, sizeof(c));
	if (ecb_block(x->ecb, c, x->k2) != 0)
		goto out;
	memset(c, 0x03, sizeof(c));
	if (ecb_block(x->ecb, c, x->k3) != 0)
		goto out;
	if (EVP_EncryptInit_ex2(x->ecb, NULL, k1, NULL, NULL) != 1)
		goto out;
	rc = 0;
out:
	OPENSSL_cleanse(k1, sizeof(k1));
	return rc;
}

void
crypto_xcbc_init(struct crypto_xcbc *x)
{
	memset(x->e, 0, sizeof(x->e));
	x->buflen = 0;
}

static void
xor_block(uint8_t *dst, const uint8_t *src)
{
	size_t i;

	for (i = 0; i < XCBC_BLOCK; i++)
		dst[i] ^= src[i];
}

/*
 * Chain full blocks, always keeping the latest (possibly complete) block
 * in buf: only final() knows whether it is the last one.  An EVP failure
 * on one AES block cannot happen with a keyed ECB context; final() still
 * reports it if it did.
 */
void
crypto_xcbc_update(struct crypto_xcbc *x, const uint8_t *p, size_t len)
{
	size_t n;

	while (len > 0) {
		if (x->buflen == XCBC_BLOCK) {
			xor_block(x->e, x->buf);
			if (ecb_block(x->ecb, x->e, x->e) != 0)
				x->buflen = XCBC_BLOCK + 1;	/* poisoned */
			else
				x->buflen = 0;
		}
		if (x->buflen > XCBC_BLOCK)
			return;
		n = XCBC_BLOCK - x->buflen;
		if (n > len)
			n = len;
		memcpy(x->buf + x->buflen, p, n);
		x->buflen += n;
		p += n;
		len -= n;
	}
}

int
crypto_xcbc_final(struct crypto_xcbc *x, uint8_t *mac)
{
	int rc;

	if (x->buflen > XCBC_BLOCK)
		return -1;
	if (x->buflen == XCBC_BLOCK) {
		xor_block(x->e, x->buf);
		xor_block(x->e, x->k2);
	} else {
		x->buf[x->buflen] = 0x80;
		memset(x->buf + x->buflen + 1, 0,
		    XCBC_BLOCK - x->buflen - 1);
		xor_block(x->e, x->buf);
		xor_block(x->e, x->k3);
	}
	rc = ecb_block(x->ecb, x->e, mac);
	OPENSSL_cleanse(x->buf, sizeof(x->buf));
	OPENSSL_cleanse(x->e, sizeof(x->e));
	return rc;
}

void
crypto_xcbc_clear(struct crypto_xcbc *x)
{
	EVP_CIPHER_CTX_free(x->ecb);
	OPENSSL_cleanse(x, sizeof(*x));
}
