/*
 * Hash primitives behind HMAC and the keyed hashes.
 *
 * Why not EVP here: on OpenSSL 3.0 every way of restarting an EVP digest
 * allocates.  Measured with CRYPTO_set_mem_functions on 3.0.19, per
 * packet: EVP_MAC_init(ctx, NULL, 0, NULL) + update + final = 2
 * allocations; EVP_MD_CTX_copy_ex() from a precomputed state = 1;
 * EVP_DigestInit_ex() on a used context = 1 (it frees and re-creates the
 * provider context).  The per-packet path must not allocate, so HMAC keeps
 * its precomputed inner/outer states as plain structs and restores them
 * with a copy.  That is also the cheapest HMAC: two hash blocks fewer per
 * packet than rehashing the padded key.  These functions are the same
 * assembler the default provider calls; they are deprecated in 3.0, hence
 * OPENSSL_SUPPRESS_DEPRECATED in this one file.  Whether an algorithm may
 * be used at all is still decided by fetching its EVP_MD (crypto_alg.c).
 */
#define OPENSSL_SUPPRESS_DEPRECATED

#include "sys/crypto/crypto_var.h"

static void
md5_init(union crypto_hash_state *s)
{
	MD5_Init(&s->md5);
}

static void
md5_update(union crypto_hash_state *s, const void *p, size_t len)
{
	MD5_Update(&s->md5, p, len);
}

static void
md5_final(union crypto_hash_state *s, uint8_t *out)
{
	MD5_Final(out, &s->md5);
}

static void
sha1_init(union crypto_hash_state *s)
{
	SHA1_Init(&s->sha1);
}

static void
sha1_update(union crypto_hash_state *s, const void *p, size_t len)
{
	SHA1_Update(&s->sha1, p, len);
}

static void
sha1_final(union crypto_hash_state *s, uint8_t *out)
{
	SHA1_Final(out, &s->sha1);
}

static void
sha256_init(union crypto_hash_state *s)
{
	SHA256_Init(&s->sha256);
}

static void
sha256_update(union crypto_hash_state *s, const void *p, size_t len)
{
	SHA256_Update(&s->sha256, p, len);
}

static void
sha256_final(union crypto_hash_state *s, uint8_t *out)
{
	SHA256_Final(out, &s->sha256);
}

static void
sha384_init(union crypto_hash_state *s)
{
	SHA384_Init(&s->sha512);
}

/* SHA-384 shares SHA-512's update; only init and output length differ. */
static void
sha512_update(union crypto_hash_state *s, const void *p, size_t len)
{
	SHA512_Update(&s->sha512, p, len);
}

static void
sha384_final(union crypto_hash_state *s, uint8_t *out)
{
	SHA384_Final(out, &s->sha512);
}

static void
sha512_init(union crypto_hash_state *s)
{
	SHA512_Init(&s->sha512);
}

static void
sha512_final(union crypto_hash_state *s, uint8_t *out)
{
	SHA512_Final(out, &s->sha512);
}

static void
rmd160_init(union crypto_hash_state *s)
{
	RIPEMD160_Init(&s->rmd160);
}

static void
rmd160_update(union crypto_hash_state *s, const void *p, size_t len)
{
	RIPEMD160_Update(&s->rmd160, p, len);
}

static void
rmd160_final(union crypto_hash_state *s, uint8_t *out)
{
	RIPEMD160_Final(out, &s->rmd160);
}

static const struct crypto_hash_ops hash_ops[] = {
	[CRYPTO_HASH_MD5] = { 16, 64, md5_init, md5_update, md5_final },
	[CRYPTO_HASH_SHA1] = { 20, 64, sha1_init, sha1_update, sha1_final },
	[CRYPTO_HASH_SHA256] = { 32, 64, sha256_init, sha256_update,
	    sha256_final },
	[CRYPTO_HASH_SHA384] = { 48, 128, sha384_init, sha512_update,
	    sha384_final },
	[CRYPTO_HASH_SHA512] = { 64, 128, sha512_init, sha512_update,
	    sha512_final },
	[CRYPTO_HASH_RMD160] = { 20, 64, rmd160_init, rmd160_update,
	    rmd160_final },
};

_Static_assert(sizeof(hash_ops) / sizeof(hash_ops[0]) ==
    CRYPTO_HASH_RMD160 + 1, "one entry per enum crypto_hash");

const struct crypto_hash_ops *
crypto_hash_ops(enum crypto_hash hash)
{
	if ((size_t)hash >= sizeof(hash_ops) / sizeof(hash_ops[0]) ||
	    hash_ops[hash].init == NULL)
		return NULL;
	return &hash_ops[hash];
}
