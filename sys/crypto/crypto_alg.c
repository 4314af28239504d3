/*
 * The algorithm registry: one const table describing every algorithm the
 * key engine accepts, lookups by PF_KEY id and by setkey keyword, the
 * key-length rule, and the OpenSSL objects fetched once at crypto_init().
 *
 * OpenSSL 3 keeps DES, Blowfish, CAST and (before 3.0.7) RIPEMD-160 in
 * its "legacy" provider.  We load "default" and "legacy" into a private
 * library context so that the host's openssl.cnf neither removes nor
 * replaces them, and we compute an availability bit per algorithm: what
 * cannot be fetched is unavailable, and the key engine answers EINVAL for
 * it rather than falling back to anything else.
 */
#include <string.h>

#include <openssl/provider.h>

#include "net/pfkeyv2.h"
#include "sys/crypto/crypto_var.h"

#define AES_EVP(m) { "AES-128-" m, "AES-192-" m, "AES-256-" m }

static const struct crypto_alg crypto_algs[] = {
	/* Encryption, SADB_EXT_SUPPORTED_ENCRYPT order. */
	{ .kind = CRYPTO_KIND_ENC, .mode = CRYPTO_MODE_CBC,
	  .sadb_id = SADB_EALG_DESCBC, .name = "des-cbc",
	  .print_name = "des-cbc", .print_name_it = "des-cbc",
	  .evp = { "DES-CBC" }, .keymin = 64, .keymax = 64, .keystep = 64,
	  .ivlen = 8, .blocksize = 8 },
	{ .kind = CRYPTO_KIND_ENC, .mode = CRYPTO_MODE_CBC,
	  .sadb_id = SADB_EALG_3DESCBC, .name = "3des-cbc",
	  .print_name = "3des-cbc", .print_name_it = "3des-cbc",
	  .evp = { "DES-EDE3-CBC" }, .keymin = 192, .keymax = 192,
	  .keystep = 192, .ivlen = 8, .blocksize = 8 },
	{ .kind = CRYPTO_KIND_ENC, .mode = CRYPTO_MODE_CBC,
	  .sadb_id = SADB_X_EALG_CAST128CBC, .name = "cast128-cbc",
	  .print_name = "cast128-cbc", .print_name_it = "cast128-cbc",
	  .evp = { "CAST5-CBC" }, .keymin = 40, .keymax = 128, .keystep = 8,
	  .ivlen = 8, .blocksize = 8 },
	{ .kind = CRYPTO_KIND_ENC, .mode = CRYPTO_MODE_CBC,
	  .sadb_id = SADB_X_EALG_BLOWFISHCBC, .name = "blowfish-cbc",
	  .print_name = "blowfish-cbc", .print_name_it = "blowfish-cbc",
	  .evp = { "BF-CBC" }, .keymin = 40, .keymax = 448, .keystep = 8,
	  .ivlen = 8, .blocksize = 8 },
	{ .kind = CRYPTO_KIND_ENC, .mode = CRYPTO_MODE_NULL,
	  .sadb_id = SADB_EALG_NULL, .name = "null", .print_name = "null",
	  .print_name_it = "null", .aliases = { "simple" },
	  .keymin = 0, .keymax = 2048, .keystep = 8, .blocksize = 1 },
	{ .kind = CRYPTO_KIND_ENC, .mode = CRYPTO_MODE_CBC,
	  .sadb_id = SADB_X_EALG_AESCBC, .name = "aes-cbc",
	  .print_name = "aes-cbc", .print_name_it = "aes-cbc",
	  .aliases = { "rijndael-cbc" }, .evp = AES_EVP("CBC"),
	  .keymin = 128, .keymax = 256, .keystep = 64, .ivlen = 16,
	  .blocksize = 16 },
	{ .kind = CRYPTO_KIND_ENC, .mode = CRYPTO_MODE_CTR,
	  .sadb_id = SADB_X_EALG_AESCTR, .name = "aes-ctr",
	  .print_name = "aes-ctr", .print_name_it = "aes-ctr",
	  .evp = AES_EVP("CTR"), .keymin = 160, .keymax = 288, .keystep = 64,
	  .saltlen = 4, .ivlen = 8, .blocksize = 1 },
	{ .kind = CRYPTO_KIND_ENC, .mode = CRYPTO_MODE_AEAD,
	  .sadb_id = SADB_X_EALG_CHACHA20POLY1305,
	  .name = "chacha20-poly1305", .print_name = "chacha20-poly1305",
	  .print_name_it = "chacha20-poly1305",
	  .evp = { "ChaCha20" }, .evp_mac = "POLY1305", .keymin = 288,
	  .keymax = 288, .keystep = 288, .saltlen = 4, .ivlen = 8, .blocksize = 1,
	  .icvlen = 16 },
	{ .kind = CRYPTO_KIND_ENC, .mode = CRYPTO_MODE_AEAD,
	  .sadb_id = SADB_X_EALG_AESGCM8, .name = "aes-gcm-8",
	  .print_name = "aes-gcm-8", .print_name_it = "aes-gcm-8",
	  .evp = AES_EVP("GCM"), .keymin = 160, .keymax = 288, .keystep = 64,
	  .saltlen = 4, .ivlen = 8, .blocksize = 1, .icvlen = 8 },
	{ .kind = CRYPTO_KIND_ENC, .mode = CRYPTO_MODE_AEAD,
	  .sadb_id = SADB_X_EALG_AESGCM12, .name = "aes-gcm-12",
	  .print_name = "aes-gcm-12", .print_name_it = "aes-gcm-12",
	  .evp = AES_EVP("GCM"), .keymin = 160, .keymax = 288, .keystep = 64,
	  .saltlen = 4, .ivlen = 8, .blocksize = 1, .icvlen = 12 },
	{ .kind = CRYPTO_KIND_ENC, .mode = CRYPTO_MODE_AEAD,
	  .sadb_id = SADB_X_EALG_AESGCM16, .name = "aes-gcm-16",
	  .print_name = "aes-gcm-16", .print_name_it = "aes-gcm-16",
	  .evp = AES_EVP("GCM"), .keymin = 160, .keymax = 288, .keystep = 64,
	  .saltlen = 4, .ivlen = 8, .blocksize = 1, .icvlen = 16 },
	{ .kind = CRYPTO_KIND_ENC, .mode = CRYPTO_MODE_CBC,
	  .sadb_id = SADB_X_EALG_CAMELLIACBC, .name = "camellia-cbc",
	  .print_name = "camellia-cbc", .print_name_it = "camellia-cbc",
	  .evp = { "CAMELLIA-128-CBC", "CAMELLIA-192-CBC",
	      "CAMELLIA-256-CBC" },
	  .keymin = 128, .keymax = 256, .keystep = 64, .ivlen = 16,
	  .blocksize = 16 },
	{ .kind = CRYPTO_KIND_ENC, .mode = CRYPTO_MODE_GMAC,
	  .sadb_id = SADB_X_EALG_AESGMAC, .name = "aes-gmac",
	  .print_name = "aes-gmac", .print_name_it = "aes-gmac",
	  .evp = AES_EVP("GCM"), .keymin = 160, .keymax = 288, .keystep = 64,
	  .saltlen = 4, .ivlen = 8, .blocksize = 1, .icvlen = 16 },

	/*
	 * Authentication.  HMAC-SHA-2 follows RFC 4868 (key as long as the
	 * hash output, ICV half of it) as FreeBSD does, not the 96-bit ICV
	 * of the old draft KAME and ipsec-tools implemented.
	 */
	{ .kind = CRYPTO_KIND_AUTH, .mode = CRYPTO_MODE_HMAC,
	  .sadb_id = SADB_AALG_MD5HMAC, .name = "hmac-md5",
	  .print_name = "hmac-md5", .print_name_it = "hmac-md5",
	  .evp = { "MD5" }, .hash = CRYPTO_HASH_MD5, .keymin = 128,
	  .keymax = 128, .keystep = 128, .icvlen = 12, .icvlen_old = 16 },
	{ .kind = CRYPTO_KIND_AUTH, .mode = CRYPTO_MODE_HMAC,
	  .sadb_id = SADB_AALG_SHA1HMAC, .name = "hmac-sha1",
	  .print_name = "hmac-sha1", .print_name_it = "hmac-sha1",
	  .evp = { "SHA1" }, .hash = CRYPTO_HASH_SHA1, .keymin = 160,
	  .keymax = 160, .keystep = 160, .icvlen = 12, .icvlen_old = 16 },
	{ .kind = CRYPTO_KIND_AUTH, .mode = CRYPTO_MODE_HMAC,
	  .sadb_id = SADB_X_AALG_SHA2_256, .name = "hmac-sha2-256",
	  .print_name = "hmac-sha2-256", .print_name_it = "hmac-sha256",
	  .aliases = { "hmac-sha256" }, .evp = { "SHA2-256" },
	  .hash = CRYPTO_HASH_SHA256, .keymin = 256, .keymax = 256,
	  .keystep = 256, .icvlen = 16 },
	{ .kind = CRYPTO_KIND_AUTH, .mode = CRYPTO_MODE_HMAC,
	  .sadb_id = SADB_X_AALG_SHA2_384, .name = "hmac-sha2-384",
	  .print_name = "hmac-sha2-384", .print_name_it = "hmac-sha384",
	  .aliases = { "hmac-sha384" }, .evp = { "SHA2-384" },
	  .hash = CRYPTO_HASH_SHA384, .keymin = 384, .keymax = 384,
	  .keystep = 384, .icvlen = 24 },
	{ .kind = CRYPTO_KIND_AUTH, .mode = CRYPTO_MODE_HMAC,
	  .sadb_id = SADB_X_AALG_SHA2_512, .name = "hmac-sha2-512",
	  .print_name = "hmac-sha2-512", .print_name_it = "hmac-sha512",
	  .aliases = { "hmac-sha512" }, .evp = { "SHA2-512" },
	  .hash = CRYPTO_HASH_SHA512, .keymin = 512, .keymax = 512,
	  .keystep = 512, .icvlen = 32 },
	{ .kind = CRYPTO_KIND_AUTH, .mode = CRYPTO_MODE_HMAC,
	  .sadb_id = SADB_X_AALG_RIPEMD160HMAC, .name = "hmac-ripemd160",
	  .print_name = "hmac-ripemd160", .print_name_it = "hmac-ripemd160",
	  .evp = { "RIPEMD160" }, .hash = CRYPTO_HASH_RMD160, .keymin = 160,
	  .keymax = 160, .keystep = 160, .icvlen = 12 },
	{ .kind = CRYPTO_KIND_AUTH, .mode = CRYPTO_MODE_XCBC,
	  .sadb_id = SADB_X_AALG_AES_XCBC_MAC, .name = "aes-xcbc-mac",
	  .print_name = "aes-xcbc-mac", .print_name_it = "aes-xcbc-mac",
	  .evp = { "AES-128-ECB" }, .keymin = 128, .keymax = 128,
	  .keystep = 128, .icvlen = 12 },
	/* Keyed hashes: ipsec-tools and KAME both print "md5" and "sha". */
	{ .kind = CRYPTO_KIND_AUTH, .mode = CRYPTO_MODE_KEYED,
	  .sadb_id = SADB_X_AALG_MD5, .name = "keyed-md5",
	  .print_name = "md5", .print_name_it = "md5", .evp = { "MD5" },
	  .hash = CRYPTO_HASH_MD5, .keymin = 128, .keymax = 128,
	  .keystep = 128, .icvlen = 12, .icvlen_old = 16 },
	{ .kind = CRYPTO_KIND_AUTH, .mode = CRYPTO_MODE_KEYED,
	  .sadb_id = SADB_X_AALG_SHA, .name = "keyed-sha1",
	  .print_name = "sha", .print_name_it = "sha", .evp = { "SHA1" },
	  .hash = CRYPTO_HASH_SHA1, .keymin = 160, .keymax = 160,
	  .keystep = 160, .icvlen = 12, .icvlen_old = 16 },
	{ .kind = CRYPTO_KIND_AUTH, .mode = CRYPTO_MODE_NULL,
	  .sadb_id = SADB_X_AALG_NULL, .name = "null", .print_name = "null",
	  .print_name_it = "null", .keymin = 0, .keymax = 2048,
	  .keystep = 8 },
	/* RFC 2385 keys live in the SAD for the host's TCP; no transform. */
	{ .kind = CRYPTO_KIND_AUTH, .mode = CRYPTO_MODE_NONE,
	  .sadb_id = SADB_X_AALG_TCP_MD5, .name = "tcp-md5",
	  .print_name = "tcp-md5", .print_name_it = "tcp-md5",
	  .keymin = 8, .keymax = 640, .keystep = 8, .icvlen = 16 },

	/* Compression (IPComp CALG). */
	{ .kind = CRYPTO_KIND_COMP, .mode = CRYPTO_MODE_DEFLATE,
	  .sadb_id = SADB_X_CALG_DEFLATE, .name = "deflate",
	  .print_name = "deflate", .print_name_it = "deflate",
	  .blocksize = 1 },
};

#define CRYPTO_NALGS (sizeof(crypto_algs) / sizeof(crypto_algs[0]))
_Static_assert(CRYPTO_NALGS == 13 + 11 + 1,
    "13 encryption, 11 authentication, 1 compression algorithm");

/* What crypto_init() found; indexed like crypto_algs[]. */
struct alg_state {
	bool		 available;
	EVP_CIPHER	*cipher[CRYPTO_EVP_VARIANTS];
	EVP_MD		*md;
	EVP_MAC		*mac;
};

static struct alg_state	 alg_state[CRYPTO_NALGS];
static OSSL_LIB_CTX	*libctx;
static OSSL_PROVIDER	*prov_default;
static OSSL_PROVIDER	*prov_legacy;
static bool		 initialized;

OSSL_LIB_CTX *
crypto_libctx(void)
{
	return libctx;
}

size_t
crypto_alg_count(void)
{
	return CRYPTO_NALGS;
}

const struct crypto_alg *
crypto_alg_at(size_t i)
{
	return i < CRYPTO_NALGS ? &crypto_algs[i] : NULL;
}

static size_t
alg_index(const struct crypto_alg *alg)
{
	return (size_t)(alg - crypto_algs);
}

const struct crypto_alg *
crypto_alg_byid(enum crypto_kind kind, unsigned id)
{
	size_t i;

	for (i = 0; i < CRYPTO_NALGS; i++)
		if (crypto_algs[i].kind == kind && crypto_algs[i].sadb_id == id)
			return &crypto_algs[i];
	return NULL;
}

static bool
alg_has_name(const struct crypto_alg *alg, const char *name)
{
	const char *const *a;

	if (strcmp(alg->name, name) == 0)
		return true;
	for (a = alg->aliases; *a != NULL; a++)
		if (strcmp(*a, name) == 0)
			return true;
	return false;
}

const struct crypto_alg *
crypto_alg_byname(enum crypto_kind kind, const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < CRYPTO_NALGS; i++)
		if (crypto_algs[i].kind == kind &&
		    alg_has_name(&crypto_algs[i], name))
			return &crypto_algs[i];
	return NULL;
}

/* A packet transform can be made for this algorithm. */
bool
crypto_alg_available(const struct crypto_alg *alg)
{
	if (alg == NULL || alg_index(alg) >= CRYPTO_NALGS)
		return false;
	return alg_state[alg_index(alg)].available;
}

/*
 * The algorithm belongs in SADB_REGISTER's supported lists and its keys
 * may be stored: available, or (tcp-md5) kept only for the host's use.
 */
bool
crypto_alg_listed(const struct crypto_alg *alg)
{
	if (alg == NULL || alg_index(alg) >= CRYPTO_NALGS)
		return false;
	return alg->mode == CRYPTO_MODE_NONE ? initialized :
	    alg_state[alg_index(alg)].available;
}

bool
crypto_alg_keylen_ok(const struct crypto_alg *alg, unsigned bits)
{
	if (alg == NULL || bits < alg->keymin || bits > alg->keymax)
		return false;
	return alg->keystep == 0 || (bits - alg->keymin) % alg->keystep == 0;
}

/*
 * The cipher for a key of keybytes bytes, salt included; NULL when the
 * size has no variant or the variant could not be fetched.
 */
const EVP_CIPHER *
crypto_alg_cipher(const struct crypto_alg *alg, size_t keybytes)
{
	size_t v = 0;

	if (alg->evp[1] != NULL) {
		v = (keybytes - alg->saltlen - 16) / 8;
		if (v >= CRYPTO_EVP_VARIANTS)
			return NULL;
	}
	return alg_state[alg_index(alg)].cipher[v];
}

/* The MAC of a composed AEAD (alg->evp_mac), or NULL. */
EVP_MAC *
crypto_alg_mac(const struct crypto_alg *alg)
{
	return alg_state[alg_index(alg)].mac;
}

static bool
fetch_alg(const struct crypto_alg *alg, struct alg_state *st)
{
	size_t v;

	switch (alg->mode) {
	case CRYPTO_MODE_NONE:
		return false;
	case CRYPTO_MODE_NULL:
	case CRYPTO_MODE_DEFLATE:
		return true;
	case CRYPTO_MODE_HMAC:
	case CRYPTO_MODE_KEYED:
		/*
		 * The packet path uses OpenSSL's hash functions directly
		 * (see crypto_hash.c); fetching the EVP_MD asks the
		 * providers whether the algorithm is allowed at all.
		 */
		st->md = EVP_MD_fetch(libctx, alg->evp[0], NULL);
		return st->md != NULL && crypto_hash_ops(alg->hash) != NULL;
	default:
		for (v = 0; v < CRYPTO_EVP_VARIANTS && alg->evp[v]; v++) {
			st->cipher[v] = EVP_CIPHER_fetch(libctx, alg->evp[v],
			    NULL);
			if (st->cipher[v] == NULL)
				return false;
		}
		if (alg->evp_mac != NULL)
			st->mac = EVP_MAC_fetch(libctx, alg->evp_mac, NULL);
		return alg->evp_mac == NULL || st->mac != NULL;
	}
}

int
crypto_init(void)
{
	size_t i;

	if (initialized)
		return 0;
	libctx = OSSL_LIB_CTX_new();
	if (libctx == NULL)
		return -1;
	prov_default = OSSL_PROVIDER_load(libctx, "default");
	if (prov_default == NULL) {
		OSSL_LIB_CTX_free(libctx);
		libctx = NULL;
		return -1;
	}
	/* Missing legacy provider: DES, CAST, Blowfish become unavailable. */
	prov_legacy = OSSL_PROVIDER_load(libctx, "legacy");
	for (i = 0; i < CRYPTO_NALGS; i++)
		alg_state[i].available = fetch_alg(&crypto_algs[i],
		    &alg_state[i]);
	initialized = true;
	return 0;
}

void
crypto_fini(void)
{
	size_t i, v;

	if (!initialized)
		return;
	for (i = 0; i < CRYPTO_NALGS; i++) {
		for (v = 0; v < CRYPTO_EVP_VARIANTS; v++)
			EVP_CIPHER_free(alg_state[i].cipher[v]);
		EVP_MD_free(alg_state[i].md);
		EVP_MAC_free(alg_state[i].mac);
		memset(&alg_state[i], 0, sizeof(alg_state[i]));
	}
	if (prov_legacy != NULL)
		OSSL_PROVIDER_unload(prov_legacy);
	OSSL_PROVIDER_unload(prov_default);
	OSSL_LIB_CTX_free(libctx);
	prov_legacy = prov_default = NULL;
	libctx = NULL;
	initialized = false;
}
