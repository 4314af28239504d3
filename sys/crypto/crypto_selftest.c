/*
 * Start-up known-answer self-test: one short vector per algorithm, run
 * through the same session API the packet path uses, so that a broken
 * OpenSSL build, a missing provider or a table error stops the socket
 * manager before it installs any SA.  The vectors are copies of ones the
 * unit tests check in full (tests/vectors/: RFC 2202, 3566, 3602,
 * 3686, 4868, 7634, draft-mcgrew-gcm-test-01, FIPS 81 for DES, and the
 * independently generated extra-*.json and deflate.json).  Algorithms that
 * crypto_init() found unavailable are skipped: the key engine refuses them.
 */
#include <stdlib.h>
#include <string.h>

#include "sys/crypto/crypto_var.h"

struct selftest {
	enum crypto_kind kind;
	const char	*alg;
	const char	*key;	/* hex, all of them */
	const char	*iv;
	const char	*aad;	/* ESP AAD: SPI | seq */
	const char	*in;	/* plaintext, MAC input, compressed data */
	const char	*out;	/* ciphertext, decompressed data */
	const char	*icv;
};

static const struct selftest selftests[] = {
	{ CRYPTO_KIND_ENC, "des-cbc",
	  .key = "0123456789abcdef",
	  .iv = "1234567890abcdef",
	  .in = "4e6f77206973207468652074696d6520666f7220616c6c20",
	  .out = "e5c7cdde872bf27c43e934008c389c0f683788499a7c05f6",
	},
	{ CRYPTO_KIND_ENC, "3des-cbc",
	  .key = "bac897fe8507d0899ec2253783a79ee33b54f7329b0e97ec",
	  .iv = "6420ac1489bbf212",
	  .in = "89228f45a3e24cfbaf5bca93520592871e440f9e962478f1d6b473c9"
	      "ce4127cc",
	  .out = "b353eb7959a13f2399bbb4ee352bf87e2f1ec5d91d8bead745fa5482"
	      "4a918d74",
	},
	{ CRYPTO_KIND_ENC, "cast128-cbc",
	  .key = "b24ecf027b",
	  .iv = "3d40337220d850d2",
	  .in = "5c6027940ef2fbe97c237b036e72fd03dfa5dda086632c5f7d6d11dc"
	      "d540603b",
	  .out = "8d4a9a082f661d3a1d7e0e95e817cadb37b65ca232498b9321986884"
	      "9f668e17",
	},
	{ CRYPTO_KIND_ENC, "blowfish-cbc",
	  .key = "a06a699fd3",
	  .iv = "8d9f795c19e21a12",
	  .in = "da23c1326f811cfde6f2adff822c4d86ee204e380b0d23c6eac93dd2"
	      "0b6404c4",
	  .out = "2df5a8f7b9861479436a45bf2011c9647fe58e68878b30714b16572b"
	      "cbe9c23a",
	},
	{ CRYPTO_KIND_ENC, "camellia-cbc",
	  .key = "7fb252174ad019e6116d9031ab01eb0c",
	  .iv = "1f24d490057177d162df145acb168be0",
	  .in = "7f44dd530b610c6e9dc23c2fe2da7b7251b68f2286c55979fde994dc"
	      "36945ccd",
	  .out = "bad66e64feedd3be6c61096838034ae465b47f38969ba0e8d32d2f41"
	      "6a8ebb8a",
	},
	{ CRYPTO_KIND_ENC, "aes-cbc",
	  .key = "06a9214036b8a15b512e03d534120006",
	  .iv = "3dafba429d9eb430b422da802c9fac41",
	  .in = "53696e676c6520626c6f636b206d7367",
	  .out = "e353779c1079aeb82708942dbe77181a",
	},
	{ CRYPTO_KIND_ENC, "aes-ctr",
	  .key = "ae6852f8121067cc4bf7a5765577f39e00000030",
	  .iv = "0000000000000000",
	  .in = "53696e676c6520626c6f636b206d7367",
	  .out = "e4095d4fb7a7b3792d6175a3261311b8",
	},
	{ CRYPTO_KIND_ENC, "aes-gcm-16",
	  .key = "7d773d00c144c525ac619d18c84a3f47d9664267",
	  .iv = "43457e9182443bc6",
	  .aad = "335467aeffffffff",
	  .in = "01020201",
	  .out = "437f866b",
	  .icv = "cb3f699fe9b0822bac961c4504bef270",
	},
	{ CRYPTO_KIND_ENC, "aes-gcm-12",
	  .key = "7d773d00c144c525ac619d18c84a3f47d9664267",
	  .iv = "43457e9182443bc6",
	  .aad = "335467aeffffffff",
	  .in = "01020201",
	  .out = "437f866b",
	  .icv = "cb3f699fe9b0822bac961c45",
	},
	{ CRYPTO_KIND_ENC, "aes-gcm-8",
	  .key = "7d773d00c144c525ac619d18c84a3f47d9664267",
	  .iv = "43457e9182443bc6",
	  .aad = "335467aeffffffff",
	  .in = "01020201",
	  .out = "437f866b",
	  .icv = "cb3f699fe9b0822b",
	},
	{ CRYPTO_KIND_ENC, "aes-gmac",
	  .key = "4c80cdefbb5d10da906ac73c3613a63422433c64",
	  .iv = "0000000000000000",
	  .aad = "0000432100000007",
	  .in = "45000030da3a00008001df3bc0a80005c0a800010800c6cd02000700"
	      "6162636465666768696a6b6c6d6e6f707172737401020201",
	  .out = "45000030da3a00008001df3bc0a80005c0a800010800c6cd02000700"
	      "6162636465666768696a6b6c6d6e6f707172737401020201",
	  .icv = "f2a9a836e155106aa8dcd618e4099aaa",
	},
	{ CRYPTO_KIND_ENC, "chacha20-poly1305",
	  .key = "808182838485868788898a8b8c8d8e8f909192939495969798999a9b"
	      "9c9d9e9fa0a1a2a3",
	  .iv = "1011121314151617",
	  .aad = "c0c1c2c3c4c5c6c7d0d1d2d3d4d5d6d72e2025000000000900000045"
	      "29000029",
	  .in = "0000000c000040010000000a00",
	  .out = "610394701f8d017f7c12924889",
	  .icv = "6b71bfe25236efd7cdc67066906315b2",
	},
	{ CRYPTO_KIND_ENC, "null",
	  .in = "00112233",
	  .out = "00112233",
	},
	{ CRYPTO_KIND_AUTH, "hmac-md5",
	  .key = "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
	  .in = "4869205468657265",
	  .icv = "9294727a3638bb1c13f48ef8",
	},
	{ CRYPTO_KIND_AUTH, "hmac-sha1",
	  .key = "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
	  .in = "4869205468657265",
	  .icv = "b617318655057264e28bc0b6",
	},
	{ CRYPTO_KIND_AUTH, "hmac-sha2-256",
	  .key = "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"
	      "0b0b0b0b",
	  .in = "4869205468657265",
	  .icv = "198a607eb44bfbc69903a0f1cf2bbdc5",
	},
	{ CRYPTO_KIND_AUTH, "hmac-sha2-384",
	  .key = "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"
	      "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
	  .in = "4869205468657265",
	  .icv = "b6a8d5636f5c6a7224f9977dcf7ee6c7fb6d0c48cbdee973",
	},
	{ CRYPTO_KIND_AUTH, "hmac-sha2-512",
	  .key = "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"
	      "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"
	      "0b0b0b0b0b0b0b0b",
	  .in = "4869205468657265",
	  .icv = "637edc6e01dce7e6742a99451aae82df23da3e92439e590e43e761b3"
	      "3e910fb8",
	},
	{ CRYPTO_KIND_AUTH, "aes-xcbc-mac",
	  .key = "000102030405060708090a0b0c0d0e0f",
	  .in = "000102",
	  .icv = "5b376580ae2f19afe7219cee",
	},
	{ CRYPTO_KIND_AUTH, "hmac-ripemd160",
	  .key = "00ce6db86865122e8d82c48294043fe16c734dc5",
	  .in = "b55318477385850c",
	  .icv = "b1f915daae655ea551f86c09",
	},
	{ CRYPTO_KIND_AUTH, "keyed-md5",
	  .key = "644c67cb9af4f43729203100613924cb",
	  .in = "ac9d5815d2a827c1",
	  .icv = "02c2034e45c4ebf50426ff51",
	},
	{ CRYPTO_KIND_AUTH, "keyed-sha1",
	  .key = "b4a46a316b17a82d604fe0cff480047425d9ac80",
	  .in = "d4b224ce29d93099",
	  .icv = "e9ac27cca920c719f4d4ff3c",
	},
	{ CRYPTO_KIND_AUTH, "null",
	  .in = "00",
	},
	{ CRYPTO_KIND_COMP, "deflate",
	  .in = "4b4ca4150000",
	  .out = "61616161616161616161616161616161616161616161616161616161"
	      "61616161616161616161616161616161616161616161616161616161"
	      "61616161616161616161616161616161616161616161616161616161"
	      "616161616161",
	},
};

_Static_assert(sizeof(selftests) / sizeof(selftests[0]) == 24,
    "one vector per algorithm with a transform (tcp-md5 has none)");

#define ST_BUF	512

static int
unhex(const char *s, uint8_t *out, size_t *lenp)
{
	size_t i, n;
	unsigned v;

	n = s == NULL ? 0 : strlen(s);
	if (n % 2 != 0 || n / 2 > ST_BUF)
		return -1;
	for (i = 0; i < n; i++) {
		v = (unsigned)(s[i] >= 'a' ? s[i] - 'a' + 10 : s[i] - '0');
		if (v > 15)
			return -1;
		if (i % 2 == 0)
			out[i / 2] = (uint8_t)(v << 4);
		else
			out[i / 2] |= (uint8_t)v;
	}
	*lenp = n / 2;
	return 0;
}

/* Decoded copy of one vector. */
struct st_bufs {
	uint8_t	key[ST_BUF], iv[ST_BUF], aad[ST_BUF];
	uint8_t	in[ST_BUF], out[ST_BUF], icv[ST_BUF], work[ST_BUF];
	size_t	keylen, ivlen, aadlen, inlen, outlen, icvlen;
};

static int
st_decode(const struct selftest *t, struct st_bufs *b)
{
	return unhex(t->key, b->key, &b->keylen) | unhex(t->iv, b->iv,
	    &b->ivlen) | unhex(t->aad, b->aad, &b->aadlen) | unhex(t->in,
	    b->in, &b->inlen) | unhex(t->out, b->out, &b->outlen) |
	    unhex(t->icv, b->icv, &b->icvlen);
}

static int
st_enc(const struct crypto_alg *alg, struct st_bufs *b)
{
	struct crypto_enc *enc;
	uint8_t icv[CRYPTO_ICV_MAX];
	int rc = -1;

	if (crypto_enc_new(alg, b->key, b->keylen, 0, &enc) != 0)
		return -1;
	memcpy(b->work, b->in, b->inlen);
	if (crypto_encrypt(enc, b->iv, b->aad, b->aadlen, b->work, b->inlen,
	    icv) != CRYPTO_OK || memcmp(b->work, b->out, b->outlen) != 0 ||
	    memcmp(icv, b->icv, b->icvlen) != 0)
		goto out;
	if (crypto_decrypt(enc, b->iv, b->aad, b->aadlen, b->work, b->inlen,
	    b->icv) != CRYPTO_OK || memcmp(b->work, b->in, b->inlen) != 0)
		goto out;
	/* A flipped ICV bit must be caught. */
	icv[0] = (uint8_t)(b->icv[0] ^ 1);
	if (b->icvlen > 0 && crypto_decrypt(enc, b->iv, b->aad, b->aadlen,
	    b->work, b->outlen, icv) != CRYPTO_ERR_ICV)
		goto out;
	rc = 0;
out:
	crypto_enc_free(enc);
	return rc;
}

static int
st_auth(const struct crypto_alg *alg, struct st_bufs *b)
{
	struct crypto_auth *auth;
	uint8_t icv[CRYPTO_ICV_MAX];
	int rc = -1;

	if (crypto_auth_new(alg, b->key, b->keylen, 0, &auth) != 0)
		return -1;
	crypto_auth_init(auth);
	crypto_auth_update(auth, b->in, b->inlen);
	if (crypto_auth_final(auth, icv) == CRYPTO_OK &&
	    crypto_auth_icvlen(auth) == b->icvlen &&
	    memcmp(icv, b->icv, b->icvlen) == 0)
		rc = 0;
	crypto_auth_free(auth);
	return rc;
}

static int
st_comp(const struct crypto_alg *alg, struct st_bufs *b)
{
	struct crypto_comp *comp;
	size_t n, m;
	int rc = -1;

	if (crypto_comp_new(alg, 0, &comp) != 0)
		return -1;
	if (crypto_decompress(comp, b->in, b->inlen, b->work, ST_BUF, &n) !=
	    CRYPTO_OK || n != b->outlen || memcmp(b->work, b->out, n) != 0)
		goto out;
	/* Round trip through our own deflate. */
	if (crypto_compress(comp, b->out, b->outlen, b->in, ST_BUF, &n) !=
	    CRYPTO_OK || crypto_decompress(comp, b->in, n, b->work, ST_BUF,
	    &m) != CRYPTO_OK || m != b->outlen ||
	    memcmp(b->work, b->out, m) != 0)
		goto out;
	rc = 0;
out:
	crypto_comp_free(comp);
	return rc;
}

static int
st_run(const struct selftest *t, const struct crypto_alg *alg)
{
	struct st_bufs *b;
	int rc = -1;

	b = calloc(1, sizeof(*b));
	if (b == NULL)
		return -1;
	if (st_decode(t, b) == 0) {
		if (t->kind == CRYPTO_KIND_ENC)
			rc = st_enc(alg, b);
		else if (t->kind == CRYPTO_KIND_AUTH)
			rc = st_auth(alg, b);
		else
			rc = st_comp(alg, b);
	}
	free(b);
	return rc;
}

/*
 * Run every vector of an available algorithm.  Returns 0, or -1 with
 * *failed naming the first algorithm that gave a wrong answer.
 */
int
crypto_selftest(const char **failed)
{
	const struct selftest *t;
	const struct crypto_alg *alg;
	size_t i;

	for (i = 0; i < sizeof(selftests) / sizeof(selftests[0]); i++) {
		t = &selftests[i];
		alg = crypto_alg_byname(t->kind, t->alg);
		if (alg == NULL || (crypto_alg_available(alg) &&
		    st_run(t, alg) != 0)) {
			if (failed != NULL)
				*failed = t->alg;
			return -1;
		}
	}
	if (failed != NULL)
		*failed = NULL;
	return 0;
}
