/*
 * Per-packet cost of crypto_encrypt and crypto_decrypt for the AEAD
 * transforms, in nanoseconds, without the ESP layer around them: what
 * sys/crypto/crypto_aead.c adds to OpenSSL's own work.
 *
 * Encryption runs in place over one buffer again and again (ciphertext is
 * as good as plaintext for timing).  Decryption needs a valid tag every
 * time, so each run first copies the sealed packet back into the buffer;
 * the copy is timed on its own and subtracted.  Each figure is the best of
 * several runs, which is what a quiet machine would show.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "net/pfkeyv2.h"
#include "sys/crypto/crypto.h"

#define RUNS		7
#define RUN_SECONDS	0.1
#define BATCH		256

struct config {
	const char	*name;
	uint8_t		 sadb_id;
	size_t		 keylen;	/* bytes, salt included */
};

static const struct config configs[] = {
	{ "chacha20-poly1305", SADB_X_EALG_CHACHA20POLY1305, 36 },
	{ "aes-128-gcm", SADB_X_EALG_AESGCM16, 20 },
	{ "aes-256-gcm", SADB_X_EALG_AESGCM16, 36 },
	{ "aes-128-gmac", SADB_X_EALG_AESGMAC, 20 },
};

static const size_t sizes[] = { 64, 512, 1420 };

enum op { OP_ENCRYPT, OP_DECRYPT, OP_COPY };

static const uint8_t aad[8] = { 0, 0, 0x42, 0x42, 0, 0, 0, 1 };
static const uint8_t iv[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Best nanoseconds per packet of op over len bytes. */
static double
run(struct crypto_enc *enc, enum op op, uint8_t *buf, const uint8_t *sealed,
    size_t len, const uint8_t *icv)
{
	uint8_t tag[CRYPTO_ICV_MAX];
	double t0, t, best = 0;
	unsigned long n;
	int i, r, rc;

	for (r = 0; r < RUNS; r++) {
		t0 = now();
		n = 0;
		do {
			for (i = 0; i < BATCH; i++, n++) {
				rc = CRYPTO_OK;
				if (op != OP_ENCRYPT)
					memcpy(buf, sealed, len);
				if (op == OP_ENCRYPT)
					rc = crypto_encrypt(enc, iv, aad,
					    sizeof(aad), buf, len, tag);
				else if (op == OP_DECRYPT)
					rc = crypto_decrypt(enc, iv, aad,
					    sizeof(aad), buf, len, icv);
				if (rc != CRYPTO_OK) {
					fprintf(stderr, "bench_aead: %d\n", rc);
					exit(1);
				}
			}
			t = now() - t0;
		} while (t < RUN_SECONDS);
		if (best == 0 || t * 1e9 / (double)n < best)
			best = t * 1e9 / (double)n;
	}
	return best;
}

int
main(void)
{
	static uint8_t key[64] = { 0x11, 0x22, 0x33, 0x44, 0x55 };
	static uint8_t buf[2048], sealed[2048];
	uint8_t icv[CRYPTO_ICV_MAX];
	const struct crypto_alg *alg;
	struct crypto_enc *enc;
	double e, d, c;
	size_t i, j;

	if (crypto_init() != 0)
		return 1;
	printf("%-20s %5s %10s %10s\n", "algorithm", "bytes", "encrypt ns",
	    "decrypt ns");
	for (i = 0; i < sizeof(configs) / sizeof(configs[0]); i++) {
		alg = crypto_alg_byid(CRYPTO_KIND_ENC, configs[i].sadb_id);
		if (alg == NULL || crypto_enc_new(alg, key, configs[i].keylen,
		    0, &enc) != 0) {
			fprintf(stderr, "bench_aead: %s unavailable\n",
			    configs[i].name);
			continue;
		}
		for (j = 0; j < sizeof(sizes) / sizeof(sizes[0]); j++) {
			memset(sealed, 0x5a, sizes[j]);
			if (crypto_encrypt(enc, iv, aad, sizeof(aad), sealed,
			    sizes[j], icv) != CRYPTO_OK)
				return 1;
			e = run(enc, OP_ENCRYPT, buf, sealed, sizes[j], icv);
			d = run(enc, OP_DECRYPT, buf, sealed, sizes[j], icv);
			c = run(enc, OP_COPY, buf, sealed, sizes[j], icv);
			printf("%-20s %5zu %10.1f %10.1f\n", configs[i].name,
			    sizes[j], e, d - c);
			fflush(stdout);
		}
		crypto_enc_free(enc);
	}
	crypto_fini();
	return 0;
}
