/*
 * libFuzzer target for ESP input.
 *
 * The first input byte picks one of a few fixed SAs (a combined mode, a
 * cipher with HMAC and ESN, a cipher without ICV, null encryption without
 * ICV: the last two let random bytes reach the trailer and padding
 * checks) and IPv4 or IPv6; the rest is the ESP packet behind a valid IP
 * header, with the SA's SPI written over its first four bytes unless the
 * selector byte says otherwise, so that most inputs get past the SPI
 * check.  esp_input must never crash, must count exactly one reason for
 * every drop, and what it passes must be shorter than what it got.
 *
 * Seeds: tests/fuzz/esp_input.seeds/ (valid packets of each SA, made by
 * esp_output, and short ones).
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/pfkeyv2.h"
#include "sys/crypto/crypto.h"
#include "sys/net/pbuf.h"
#include "sys/netipsec/esp_var.h"
#include "sys/netipsec/ipsec_xform.h"
#include "sys/netkey/key_sa.h"

#define NSAS	4

static struct pbuf_pool *pool;
static struct ipsec_sa *sas[NSAS];

static const struct {
	uint8_t		enc, auth;
	uint8_t		ekeylen, akeylen;
	uint32_t	flags, replay;
} specs[NSAS] = {
	{ SADB_X_EALG_AESGCM16, 0, 20, 0, 0, 64 },
	{ SADB_X_EALG_AESCBC, SADB_X_AALG_SHA2_256, 16, 32,
	    SADB_X_SAFLAGS_ESN, 128 },
	{ SADB_X_EALG_AESCBC, 0, 16, 0, 0, 0 },
	{ SADB_EALG_NULL, 0, 0, 0, SADB_X_EXT_PZERO, 32 },
};

static struct ipsec_sa *
make_sa(int i)
{
	static const uint8_t key[64] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct ipsec_sa *sa;

	sa = key_sa_alloc(SADB_SATYPE_ESP, (struct sockaddr *)&a,
	    (struct sockaddr *)&a);
	if (sa == NULL)
		abort();
	sa->spi = htonl(0x100 + i);
	sa->state = SADB_SASTATE_MATURE;
	sa->alg_enc = specs[i].enc;
	sa->alg_auth = specs[i].auth;
	sa->flags = specs[i].flags;
	sa->replay = specs[i].replay;
	if (key_sa_set_key(&sa->key_enc, key, specs[i].ekeylen * 8) != 0 ||
	    key_sa_set_key(&sa->key_auth, key + 32,
	    specs[i].akeylen * 8) != 0 ||
	    ipsec_xform_install(sa) != 0)
		abort();
	return sa;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int i;

	(void)argc;
	(void)argv;
	if (crypto_init() != 0 || (pool = pbuf_pool_create(2, 1)) == NULL)
		abort();
	for (i = 0; i < NSAS; i++)
		sas[i] = make_sa(i);
	return 0;
}

static size_t
ip_header(uint8_t *p, int v6)
{
	if (v6) {
		memset(p, 0, 40);
		p[0] = 0x60;
		p[6] = IPPROTO_ESP;
		p[7] = 64;
		return 40;
	}
	memset(p, 0, 20);
	p[0] = 0x45;
	p[8] = 64;
	p[9] = IPPROTO_ESP;
	return 20;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t before[ESPS_NCOUNTERS], moved = 0;
	struct ipsec_sa *sa;
	struct pbuf *pb;
	size_t hlen, i;
	uint8_t *p, nxt;
	int sel;

	if (size < 1 || size > 4000)
		return 0;
	sel = data[0];
	sa = sas[sel % NSAS];
	pb = pbuf_alloc(pool, 40 + size - 1);
	if (pb == NULL)
		abort();
	p = pbuf_put(pb, 40 + size - 1);
	hlen = ip_header(p, sel & 0x10);
	pb->len = hlen + size - 1;
	memcpy(p + hlen, data + 1, size - 1);
	if (!(sel & 0x20) && size - 1 >= 4)
		memcpy(p + hlen, &sa->spi, 4);
	memcpy(before, espstat_counters, sizeof(before));
	if (ipsec_xform_input(sa, pb, hlen, hlen == 40 ? 6 : 9, &nxt,
	    NULL) == IPSEC_PASS) {
		if (pb->len >= hlen + size - 1)
			abort();
	} else {
		for (i = 0; i < ESPS_NCOUNTERS; i++)
			moved += espstat_counters[i] != before[i];
		if (moved != 1)
			abort();
	}
	pbuf_free(pb);
	return 0;
}
