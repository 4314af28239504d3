/*
 * Crypto transform layer of the socket manager: the algorithm registry
 * (one const table, looked up by PF_KEY id or setkey name), per-SA
 * encryption, authentication and compression sessions over OpenSSL and
 * zlib, IV generation, and the start-up known-answer self-test.
 *
 * Lifetime: crypto_init() once before anything else (it loads the OpenSSL
 * providers into a private library context and fetches every algorithm);
 * sessions are made from a key when an SA is installed and freed with the
 * matching *_free() when it goes (that path wipes every key byte);
 * crypto_fini() last.  A session is used by one thread at a time: the
 * per-packet calls keep state in the session and never allocate.
 */
#ifndef SYS_CRYPTO_CRYPTO_H
#define SYS_CRYPTO_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

enum crypto_kind {
	CRYPTO_KIND_ENC,	/* SADB_EXT_SUPPORTED_ENCRYPT, sadb_sa_encrypt */
	CRYPTO_KIND_AUTH,	/* SADB_EXT_SUPPORTED_AUTH, sadb_sa_auth */
	CRYPTO_KIND_COMP,	/* IPComp CALG, carried in sadb_sa_encrypt */
};

/* How an algorithm processes a packet; chosen once per session. */
enum crypto_mode {
	CRYPTO_MODE_NONE,	/* registered, no packet transform (tcp-md5) */
	CRYPTO_MODE_NULL,	/* null encryption or null authentication */
	CRYPTO_MODE_CBC,	/* block cipher, explicit IV = first block */
	CRYPTO_MODE_CTR,	/* RFC 3686 AES-CTR */
	CRYPTO_MODE_AEAD,	/* RFC 4106 GCM, RFC 7634 ChaCha20-Poly1305 */
	CRYPTO_MODE_GMAC,	/* RFC 4543: GCM with everything as AAD */
	CRYPTO_MODE_HMAC,	/* RFC 2104 HMAC, ICV truncated */
	CRYPTO_MODE_KEYED,	/* RFC 1828/1852 keyed hash (KAME ah_core) */
	CRYPTO_MODE_XCBC,	/* RFC 3566 AES-XCBC-MAC-96 */
	CRYPTO_MODE_DEFLATE,	/* RFC 2394 raw deflate */
};

/* Hash behind an HMAC or keyed-hash authenticator. */
enum crypto_hash {
	CRYPTO_HASH_NONE,
	CRYPTO_HASH_MD5,
	CRYPTO_HASH_SHA1,
	CRYPTO_HASH_SHA256,
	CRYPTO_HASH_SHA384,
	CRYPTO_HASH_SHA512,
	CRYPTO_HASH_RMD160,
};

#define CRYPTO_ALIASES_MAX	3
#define CRYPTO_EVP_VARIANTS	3	/* AES and Camellia: 128/192/256 */
#define CRYPTO_IV_MAX		16
#define CRYPTO_ICV_MAX		32
#define CRYPTO_SALT_MAX		4

/*
 * One algorithm.  Key lengths are in bits as PF_KEY carries them
 * (sadb_key_bits) and include the trailing salt/nonce of CTR, GCM, GMAC
 * and ChaCha20 keying material; a key is valid when
 * keymin <= bits <= keymax and (bits - keymin) % keystep == 0.
 */
struct crypto_alg {
	enum crypto_kind kind;
	enum crypto_mode mode;
	uint8_t		 sadb_id;	/* SADB_*ALG_* */
	const char	*name;		/* setkey keyword, canonical */
	const char	*print_name;	/* setkey -D, KAME/FreeBSD */
	const char	*print_name_it;	/* setkey -D, ipsec-tools */
	/* Other setkey keywords that mean this algorithm; NULL ended. */
	const char	*aliases[CRYPTO_ALIASES_MAX + 1];
	/*
	 * OpenSSL fetch names.  AES and Camellia have one per key size,
	 * evp[0..2] for 128/192/256 bits; others use evp[0] only.
	 */
	const char	*evp[CRYPTO_EVP_VARIANTS];
	/*
	 * The MAC composed with a stream cipher into an AEAD by
	 * sys/crypto/crypto_chacha.c (RFC 8439 ChaCha20 with Poly1305).
	 */
	const char	*evp_mac;
	enum crypto_hash hash;		/* HMAC and keyed hashes */
	uint16_t	 keymin;	/* bits, salt included */
	uint16_t	 keymax;
	uint16_t	 keystep;
	uint8_t		 saltlen;	/* bytes at the end of the key */
	uint8_t		 ivlen;		/* explicit IV bytes in the packet */
	uint8_t		 blocksize;	/* cipher block; 1 for stream/AEAD */
	uint8_t		 icvlen;	/* ICV bytes (RFC 2402/4302 AH, ESP) */
	uint8_t		 icvlen_old;	/* ICV bytes with SADB_X_EXT_OLD */
};

/*
 * Status of a per-packet call.  Every failure is a drop; the ESP/AH/IPComp
 * layer maps each one to its own counter.
 */
enum crypto_status {
	CRYPTO_OK = 0,
	CRYPTO_ERR_LEN = -1,	/* length not a multiple of the block */
	CRYPTO_ERR_ICV = -2,	/* authentication failed */
	CRYPTO_ERR_NOSPACE = -3, /* output does not fit the buffer */
	CRYPTO_ERR_DATA = -4,	/* corrupt compressed data */
	CRYPTO_ERR_INTERNAL = -5, /* OpenSSL or zlib refused */
};

/* Session flags. */
#define CRYPTO_F_OLD	0x01	/* RFC 1826/1827 SA (SADB_X_EXT_OLD) */
#define CRYPTO_F_ANYKEY	0x02	/* skip the key-length rule: KATs only */

/* KAME compresses only payloads of at least this many bytes (IPComp). */
#define CRYPTO_DEFLATE_MINLEN	90

struct crypto_enc;
struct crypto_auth;
struct crypto_comp;

/* Registry (crypto_alg.c). */
int	 crypto_init(void);
void	 crypto_fini(void);
size_t	 crypto_alg_count(void);
const struct crypto_alg *crypto_alg_at(size_t i);
const struct crypto_alg *crypto_alg_byid(enum crypto_kind kind, unsigned id);
const struct crypto_alg *crypto_alg_byname(enum crypto_kind kind,
	    const char *name);
bool	 crypto_alg_available(const struct crypto_alg *alg);
bool	 crypto_alg_listed(const struct crypto_alg *alg);
bool	 crypto_alg_keylen_ok(const struct crypto_alg *alg, unsigned bits);

/* Encryption, AEAD and GMAC sessions (crypto_cipher.c, crypto_aead.c). */
int	 crypto_enc_new(const struct crypto_alg *alg, const uint8_t *key,
	    size_t keylen, unsigned flags, struct crypto_enc **encp);
void	 crypto_enc_free(struct crypto_enc *enc);
const struct crypto_alg *crypto_enc_alg(const struct crypto_enc *enc);
size_t	 crypto_enc_ivlen(const struct crypto_enc *enc);
size_t	 crypto_enc_icvlen(const struct crypto_enc *enc);
int	 crypto_encrypt(struct crypto_enc *enc, const uint8_t *iv,
	    const uint8_t *aad, size_t aadlen, uint8_t *buf, size_t len,
	    uint8_t *icv_out);
int	 crypto_decrypt(struct crypto_enc *enc, const uint8_t *iv,
	    const uint8_t *aad, size_t aadlen, uint8_t *buf, size_t len,
	    const uint8_t *icv_in);
int	 crypto_iv_generate(struct crypto_enc *enc, uint64_t seq,
	    uint8_t *iv);
void	 crypto_enc_set_test_iv(struct crypto_enc *enc, const uint8_t *iv);
int	 crypto_iv_random(uint8_t *iv, size_t len);
void	 crypto_iv_from_seq(uint8_t *iv, uint64_t seq);

/* Authentication sessions (crypto_auth.c, crypto_xcbc.c). */
int	 crypto_auth_new(const struct crypto_alg *alg, const uint8_t *key,
	    size_t keylen, unsigned flags, struct crypto_auth **authp);
void	 crypto_auth_free(struct crypto_auth *auth);
const struct crypto_alg *crypto_auth_alg(const struct crypto_auth *auth);
size_t	 crypto_auth_icvlen(const struct crypto_auth *auth);
void	 crypto_auth_init(struct crypto_auth *auth);
void	 crypto_auth_update(struct crypto_auth *auth, const void *data,
	    size_t len);
int	 crypto_auth_final(struct crypto_auth *auth, uint8_t *icv);
int	 crypto_auth_verify_final(struct crypto_auth *auth,
	    const uint8_t *icv);
int	 crypto_auth_compute(struct crypto_auth *auth, const struct iovec *iov,
	    int iovcnt, uint8_t *icv);
int	 crypto_auth_verify(struct crypto_auth *auth, const struct iovec *iov,
	    int iovcnt, const uint8_t *icv);

/*
 * Compression sessions (crypto_comp.c).  crypto_comp_buffer() is the
 * session's own scratch space of CRYPTO_COMP_BUFLEN bytes, made with it,
 * for a result on its way back into a packet.
 */
#define CRYPTO_COMP_BUFLEN	65535
int	 crypto_comp_new(const struct crypto_alg *alg, unsigned flags,
	    struct crypto_comp **compp);
void	 crypto_comp_free(struct crypto_comp *comp);
uint8_t	*crypto_comp_buffer(struct crypto_comp *comp);
/* How many times zlib has asked for memory in this process. */
unsigned long crypto_comp_allocs(void);
int	 crypto_compress(struct crypto_comp *comp, const uint8_t *in,
	    size_t inlen, uint8_t *out, size_t outcap, size_t *outlen);
int	 crypto_decompress(struct crypto_comp *comp, const uint8_t *in,
	    size_t inlen, uint8_t *out, size_t outcap, size_t *outlen);

/* Start-up known answers (crypto_selftest.c). */
int	 crypto_selftest(const char **failed);

#endif
