/*
 * Authentication sessions for AH and ESP: HMAC (RFC 2104; truncated as
 * RFC 2403/2404/2857/4868 say), KAME's keyed MD5/SHA-1 of RFC 1828/1852,
 * AES-XCBC-MAC-96 (crypto_xcbc.c) and null.
 *
 * Everything keyed is computed at install: HMAC keeps the hash state after
 * the ipad block and after the opad block; a keyed hash keeps the state
 * after key|padding.  Per packet the saved state is copied into the work
 * state, so the packet path neither allocates nor rehashes the key.
 *
 * Keyed hash, as KAME's ah_keyed_md5_init/ah_keyed_sha1_init compute it:
 *	H(key | 0x80 | zeros | bitlen(key) as 8 bytes little-endian
 *	  | data | key)
 * where key|0x80|zeros|bitlen fills exactly 64 bytes (128 if the key
 * were 56 bytes or longer).  The length is little-endian for SHA-1 too:
 * KAME wrote the same four bytes for both, which is what peers check.
 * The ICV is the first 12 bytes (16 with SADB_X_EXT_OLD, RFC 1826 AH).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "sys/crypto/crypto_var.h"

#define KEYED_KEY_MAX	CRYPTO_HASH_BLOCK_MAX

struct crypto_auth {
	const struct crypto_alg		*alg;
	const struct crypto_hash_ops	*ops;
	size_t				 icvlen;
	union crypto_hash_state		 start;	/* after ipad or key|pad */
	union crypto_hash_state		 outer;	/* HMAC: after opad */
	union crypto_hash_state		 work;
	struct crypto_xcbc		 xcbc;
	uint8_t				 key[KEYED_KEY_MAX]; /* keyed tail */
	size_t				 keylen;
};

static void
hmac_setkey(struct crypto_auth *a, const uint8_t *key, size_t keylen)
{
	const struct crypto_hash_ops *h = a->ops;
	uint8_t pad[CRYPTO_HASH_BLOCK_MAX], hk[CRYPTO_HASH_OUT_MAX];
	size_t i;

	if (keylen > h->blocklen) {
		h->init(&a->work);
		h->update(&a->work, key, keylen);
		h->final(&a->work, hk);
		key = hk;
		keylen = h->outlen;
	}
	memset(pad, 0, h->blocklen);
	memcpy(pad, key, keylen);
	for (i = 0; i < h->blocklen; i++)
		pad[i] ^= 0x36;
	h->init(&a->start);
	h->update(&a->start, pad, h->blocklen);
	for (i = 0; i < h->blocklen; i++)
		pad[i] ^= 0x36 ^ 0x5c;
	h->init(&a->outer);
	h->update(&a->outer, pad, h->blocklen);
	OPENSSL_cleanse(pad, sizeof(pad));
	OPENSSL_cleanse(hk, sizeof(hk));
	OPENSSL_cleanse(&a->work, sizeof(a->work));
}

static void
keyed_setkey(struct crypto_auth *a, const uint8_t *key, size_t keylen)
{
	const struct crypto_hash_ops *h = a->ops;
	uint8_t pad[2 * 64];
	uint64_t bits = (uint64_t)keylen * 8;
	size_t total, i;

	total = keylen < 56 ? 64 : 128;
	memset(pad, 0, sizeof(pad));
	memcpy(pad, key, keylen);
	pad[keylen] = 0x80;
	for (i = 0; i < 8; i++)
		pad[total - 8 + i] = (uint8_t)(bits >> (8 * i));
	h->init(&a->start);
	h->update(&a->start, pad, total);
	memcpy(a->key, key, keylen);
	a->keylen = keylen;
	OPENSSL_cleanse(pad, sizeof(pad));
}

static int
auth_setkey(struct crypto_auth *a, const uint8_t *key, size_t keylen)
{
	switch (a->alg->mode) {
	case CRYPTO_MODE_NULL:
		return 0;
	case CRYPTO_MODE_HMAC:
		hmac_setkey(a, key, keylen);
		return 0;
	case CRYPTO_MODE_KEYED:
		/* 2 * 64 - 9 leaves room for the 0x80 and the length. */
		if (keylen > 2 * 64 - 9)
			return EINVAL;
		keyed_setkey(a, key, keylen);
		return 0;
	case CRYPTO_MODE_XCBC:
		return keylen == 16 && crypto_xcbc_setkey(&a->xcbc, key) == 0 ?
		    0 : EINVAL;
	default:
		return EINVAL;
	}
}

int
crypto_auth_new(const struct crypto_alg *alg, const uint8_t *key,
    size_t keylen, unsigned flags, struct crypto_auth **authp)
{
	struct crypto_auth *a;
	int error;

	*authp = NULL;
	if (alg == NULL || alg->kind != CRYPTO_KIND_AUTH ||
	    !crypto_alg_available(alg))
		return EINVAL;
	if (!(flags & CRYPTO_F_ANYKEY) &&
	    (keylen > UINT16_MAX / 8 || !crypto_alg_keylen_ok(alg,
	    (unsigned)keylen * 8)))
		return EINVAL;
	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return ENOMEM;
	a->alg = alg;
	a->ops = crypto_hash_ops(alg->hash);
	a->icvlen = (flags & CRYPTO_F_OLD) && alg->icvlen_old != 0 ?
	    alg->icvlen_old : alg->icvlen;
	error = auth_setkey(a, key, keylen);
	if (error != 0) {
		crypto_auth_free(a);
		return error;
	}
	*authp = a;
	return 0;
}

/* The one way an auth session dies: every keyed byte wiped. */
void
crypto_auth_free(struct crypto_auth *a)
{
	if (a == NULL)
		return;
	crypto_xcbc_clear(&a->xcbc);
	OPENSSL_cleanse(a, sizeof(*a));
	free(a);
}

const struct crypto_alg *
crypto_auth_alg(const struct crypto_auth *a)
{
	return a->alg;
}

size_t
crypto_auth_icvlen(const struct crypto_auth *a)
{
	return a->icvlen;
}

void
crypto_auth_init(struct crypto_auth *a)
{
	switch (a->alg->mode) {
	case CRYPTO_MODE_HMAC:
	case CRYPTO_MODE_KEYED:
		a->work = a->start;
		break;
	case CRYPTO_MODE_XCBC:
		crypto_xcbc_init(&a->xcbc);
		break;
	default:
		break;
	}
}

void
crypto_auth_update(struct crypto_auth *a, const void *data, size_t len)
{
	switch (a->alg->mode) {
	case CRYPTO_MODE_HMAC:
	case CRYPTO_MODE_KEYED:
		a->ops->update(&a->work, data, len);
		break;
	case CRYPTO_MODE_XCBC:
		crypto_xcbc_update(&a->xcbc, data, len);
		break;
	default:
		break;
	}
}

/* Finish into a full-length MAC; returns its length or -1. */
static int
auth_finish(struct crypto_auth *a, uint8_t *mac)
{
	const struct crypto_hash_ops *h = a->ops;
	uint8_t inner[CRYPTO_HASH_OUT_MAX];

	switch (a->alg->mode) {
	case CRYPTO_MODE_NULL:
		return 0;
	case CRYPTO_MODE_HMAC:
		h->final(&a->work, inner);
		a->work = a->outer;
		h->update(&a->work, inner, h->outlen);
		h->final(&a->work, mac);
		OPENSSL_cleanse(inner, sizeof(inner));
		return (int)h->outlen;
	case CRYPTO_MODE_KEYED:
		h->update(&a->work, a->key, a->keylen);
		h->final(&a->work, mac);
		return (int)h->outlen;
	case CRYPTO_MODE_XCBC:
		return crypto_xcbc_final(&a->xcbc, mac) == 0 ? 16 : -1;
	default:
		return -1;
	}
}

/* Write the ICV (crypto_auth_icvlen() bytes, the truncated MAC). */
int
crypto_auth_final(struct crypto_auth *a, uint8_t *icv)
{
	uint8_t mac[CRYPTO_HASH_OUT_MAX];

	if (auth_finish(a, mac) < 0)
		return CRYPTO_ERR_INTERNAL;
	memcpy(icv, mac, a->icvlen);
	OPENSSL_cleanse(mac, sizeof(mac));
	return CRYPTO_OK;
}

int
crypto_auth_verify_final(struct crypto_auth *a, const uint8_t *icv)
{
	uint8_t mac[CRYPTO_HASH_OUT_MAX];
	int rc = CRYPTO_OK;

	if (auth_finish(a, mac) < 0)
		rc = CRYPTO_ERR_INTERNAL;
	else if (CRYPTO_memcmp(mac, icv, a->icvlen) != 0)
		rc = CRYPTO_ERR_ICV;
	OPENSSL_cleanse(mac, sizeof(mac));
	return rc;
}

static void
auth_iov(struct crypto_auth *a, const struct iovec *iov, int iovcnt)
{
	int i;

	crypto_auth_init(a);
	for (i = 0; i < iovcnt; i++)
		crypto_auth_update(a, iov[i].iov_base, iov[i].iov_len);
}

/* One call over the pieces of a packet (AH: headers, zeroed ICV, rest). */
int
crypto_auth_compute(struct crypto_auth *a, const struct iovec *iov,
    int iovcnt, uint8_t *icv)
{
	auth_iov(a, iov, iovcnt);
	return crypto_auth_final(a, icv);
}

int
crypto_auth_verify(struct crypto_auth *a, const struct iovec *iov,
    int iovcnt, const uint8_t *icv)
{
	auth_iov(a, iov, iovcnt);
	return crypto_auth_verify_final(a, icv);
}
