/*
 * SipHash-2-4 written from the definition in the SipHash paper: four 64-bit
 * words of state initialised from the key and the constants
 * "somepseudorandomlygeneratedbytes", two SipRounds per 8-byte message
 * word, the length in the top byte of the final word, and four SipRounds
 * of finalisation after xoring 0xff into v2.
 */
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "sys/net/siphash.h"

struct sip_state {
	uint64_t v0, v1, v2, v3;
};

static inline uint64_t
rotl64(uint64_t x, int b)
{
	return (x << b) | (x >> (64 - b));
}

static inline uint64_t
load_le64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static inline void
sip_round(struct sip_state *s)
{
	s->v0 += s->v1;
	s->v1 = rotl64(s->v1, 13);
	s->v1 ^= s->v0;
	s->v0 = rotl64(s->v0, 32);
	s->v2 += s->v3;
	s->v3 = rotl64(s->v3, 16);
	s->v3 ^= s->v2;
	s->v0 += s->v3;
	s->v3 = rotl64(s->v3, 21);
	s->v3 ^= s->v0;
	s->v2 += s->v1;
	s->v1 = rotl64(s->v1, 17);
	s->v1 ^= s->v2;
	s->v2 = rotl64(s->v2, 32);
}

static inline void
sip_compress(struct sip_state *s, uint64_t m)
{
	s->v3 ^= m;
	sip_round(s);
	sip_round(s);
	s->v0 ^= m;
}

uint64_t
siphash24(const uint8_t key[16], const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t k0 = load_le64(key), k1 = load_le64(key + 8);
	struct sip_state s = {
		.v0 = k0 ^ 0x736f6d6570736575ULL,
		.v1 = k1 ^ 0x646f72616e646f6dULL,
		.v2 = k0 ^ 0x6c7967656e657261ULL,
		.v3 = k1 ^ 0x7465646279746573ULL,
	};
	uint64_t last;
	size_t left;

	for (left = len; left >= 8; left -= 8, p += 8)
		sip_compress(&s, load_le64(p));
	/* The final word: remaining bytes, zero padding, length mod 256. */
	last = (uint64_t)(len & 0xff) << 56;
	while (left > 0) {
		left--;
		last |= (uint64_t)p[left] << (8 * left);
	}
	sip_compress(&s, last);
	s.v2 ^= 0xff;
	sip_round(&s);
	sip_round(&s);
	sip_round(&s);
	sip_round(&s);
	return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

void
siphash_random_key(uint8_t key[16])
{
	struct timespec ts;
	uint64_t mix[2];

	if (RAND_bytes(key, SIPHASH_KEY_LEN) == 1)
		return;
	/*
	 * No entropy from OpenSSL: still produce a key that differs between
	 * runs, since a fixed key would make the tables predictable.
	 */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	mix[0] = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32);
	mix[1] = (uint64_t)(uintptr_t)key ^ (uint64_t)time(NULL);
	memcpy(key, mix, SIPHASH_KEY_LEN);
}
