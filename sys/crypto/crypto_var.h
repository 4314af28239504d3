/*
 * Internals shared by the files of sys/crypto: the OpenSSL objects the
 * registry fetched at crypto_init(), the hash primitives behind HMAC and
 * keyed hashes, and the auth session layout.  Nothing outside sys/crypto
 * includes this.
 */
#ifndef SYS_CRYPTO_CRYPTO_VAR_H
#define SYS_CRYPTO_CRYPTO_VAR_H

#include <openssl/evp.h>
#include <openssl/md5.h>
#include <openssl/ripemd.h>
#include <openssl/sha.h>

#include "sys/crypto/crypto.h"

/* Registry state (crypto_alg.c). */
OSSL_LIB_CTX	*crypto_libctx(void);
const EVP_CIPHER *crypto_alg_cipher(const struct crypto_alg *alg,
		    size_t keybytes);
EVP_MAC		*crypto_alg_mac(const struct crypto_alg *alg);

/*
 * Hash primitives (crypto_hash.c).  One state holds any of the hashes so
 * that an HMAC session can keep its precomputed inner and outer states by
 * value and restore them per packet with a struct copy: no allocation.
 */
#define CRYPTO_HASH_BLOCK_MAX	128
#define CRYPTO_HASH_OUT_MAX	64

union crypto_hash_state {
	MD5_CTX		md5;
	SHA_CTX		sha1;
	SHA256_CTX	sha256;
	SHA512_CTX	sha512;
	RIPEMD160_CTX	rmd160;
};

struct crypto_hash_ops {
	size_t	outlen;
	size_t	blocklen;
	void	(*init)(union crypto_hash_state *);
	void	(*update)(union crypto_hash_state *, const void *, size_t);
	void	(*final)(union crypto_hash_state *, uint8_t *);
};

const struct crypto_hash_ops *crypto_hash_ops(enum crypto_hash hash);

/* AES-XCBC-MAC state (crypto_xcbc.c). */
struct crypto_xcbc {
	EVP_CIPHER_CTX	*ecb;		/* AES keyed with K1 */
	uint8_t		 k2[16];
	uint8_t		 k3[16];
	uint8_t		 e[16];		/* chaining value */
	uint8_t		 buf[16];	/* last, possibly partial, block */
	size_t		 buflen;
};

int	crypto_xcbc_setkey(struct crypto_xcbc *x, const uint8_t *key);
void	crypto_xcbc_init(struct crypto_xcbc *x);
void	crypto_xcbc_update(struct crypto_xcbc *x, const uint8_t *p,
	    size_t len);
int	crypto_xcbc_final(struct crypto_xcbc *x, uint8_t *mac);
void	crypto_xcbc_clear(struct crypto_xcbc *x);

/* Encryption session; the AEAD half lives in crypto_aead.c. */
struct crypto_enc {
	const struct crypto_alg *alg;
	EVP_CIPHER_CTX	*ectx;		/* keyed for encryption */
	EVP_CIPHER_CTX	*dctx;		/* keyed for decryption */
	EVP_MAC_CTX	*emac;		/* composed AEAD's MAC, sealing */
	EVP_MAC_CTX	*dmac;		/* and opening */
	size_t		 icvlen;
	uint8_t		 salt[CRYPTO_SALT_MAX];
	uint8_t		 test_iv[CRYPTO_IV_MAX];
	bool		 test_iv_set;
};

int	crypto_aead_encrypt(struct crypto_enc *enc, const uint8_t *iv,
	    const uint8_t *aad, size_t aadlen, uint8_t *buf, size_t len,
	    uint8_t *icv_out);
int	crypto_aead_decrypt(struct crypto_enc *enc, const uint8_t *iv,
	    const uint8_t *aad, size_t aadlen, uint8_t *buf, size_t len,
	    const uint8_t *icv_in);

/* ChaCha20-Poly1305 from its two halves (crypto_chacha.c). */
int	crypto_chacha_seal(struct crypto_enc *enc, const uint8_t *iv,
	    const uint8_t *aad, size_t aadlen, uint8_t *buf, size_t len,
	    uint8_t *icv_out);
int	crypto_chacha_open(struct crypto_enc *enc, const uint8_t *iv,
	    const uint8_t *aad, size_t aadlen, uint8_t *buf, size_t len,
	    const uint8_t *icv_in);
void	crypto_chacha_mac_free(EVP_MAC_CTX *mac);

#endif
