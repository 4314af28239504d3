/*
 * What the transform fuzzers (ESP, AH, IPComp input) share: the start-up,
 * a mature SA built the way SADB_ADD builds one, the plain IP header put
 * in front of the fuzzed bytes, and the check that a drop moved exactly
 * one of the transform's counters.  Header-only because each target is
 * one translation unit linked against the whole stack.
 */
#ifndef FUZZ_XFORM_H
#define FUZZ_XFORM_H

#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/pfkeyv2.h"
#include "sys/crypto/crypto.h"
#include "sys/net/net_counter.h"
#include "sys/net/pbuf.h"
#include "sys/netipsec/ipsec_xform.h"
#include "sys/netkey/key_sa.h"

/* Two small buffers and a large one: each input holds at most one. */
static inline struct pbuf_pool *
fuzz_xform_init(void)
{
	struct pbuf_pool *pool;

	if (crypto_init() != 0 || (pool = pbuf_pool_create(2, 1)) == NULL)
		abort();
	return pool;
}

/*
 * One SA of a target: its type, SPI (or CPI), algorithms and keys.  The
 * keys are the target's own, since its seeds were made with them.
 */
struct fuzz_xform_spec {
	uint8_t		 satype, enc, auth;
	uint16_t	 ebits, abits;
	uint32_t	 spi, flags, replay;
	const uint8_t	*ekey, *akey;
};

/*
 * The SA of spec, mature, its transform state built by the installer
 * SADB_ADD runs.  Any refusal is a bug in the target.
 */
static inline struct ipsec_sa *
fuzz_xform_sa(const struct fuzz_xform_spec *spec)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct ipsec_sa *sa;

	sa = key_sa_alloc(spec->satype, (struct sockaddr *)&a,
	    (struct sockaddr *)&a);
	if (sa == NULL)
		abort();
	sa->spi = htonl(spec->spi);
	sa->state = SADB_SASTATE_MATURE;
	sa->alg_enc = spec->enc;
	sa->alg_auth = spec->auth;
	sa->flags = spec->flags;
	sa->replay = spec->replay;
	if ((spec->ebits != 0 &&
	    key_sa_set_key(&sa->key_enc, spec->ekey, spec->ebits) != 0) ||
	    (spec->abits != 0 &&
	    key_sa_set_key(&sa->key_auth, spec->akey, spec->abits) != 0) ||
	    ipsec_xform_install(sa) != 0)
		abort();
	return sa;
}

/* A minimal IPv4 or IPv6 header carrying proto; returns its length. */
static inline size_t
fuzz_xform_ip_header(uint8_t *p, int v6, uint8_t proto)
{
	if (v6) {
		memset(p, 0, 40);
		p[0] = 0x60;
		p[6] = proto;
		p[7] = 64;
		return 40;
	}
	memset(p, 0, 20);
	p[0] = 0x45;
	p[8] = 64;
	p[9] = proto;
	return 20;
}

/* Every drop is counted under exactly one reason. */
static inline void
fuzz_xform_one_reason(const uint64_t *before,
    const struct net_counter_set *now)
{
	size_t i, moved = 0;

	for (i = 0; i < now->n; i++)
		moved += net_counter_sum(now, i) != before[i];
	if (moved != 1)
		abort();
}

#endif
