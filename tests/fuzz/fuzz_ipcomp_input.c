/*
 * libFuzzer target for IPComp input.
 *
 * The first input byte picks one of two fixed SAs (well-known CPI, raw
 * CPI), IPv4 or IPv6, and whether the SA's own CPI is written over the
 * header's so that most inputs reach the inflater; the rest is the
 * IPComp header and payload behind a valid IP header.  ipcomp_input must
 * never crash, must count exactly one reason for every drop, and what it
 * passes must be an IP packet of at most 65,535 bytes holding what zlib
 * inflated, and zlib must never allocate.  The pool has one large
 * buffer, so growth is exercised and always given back.
 *
 * Seeds: tests/fuzz/ipcomp_input.seeds/ (gen_ipcomp_input_seeds.py:
 * zlib's raw deflate of text, noise and zeros, a bomb, cut streams).
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/pfkeyv2.h"
#include "sys/crypto/crypto.h"
#include "sys/net/pbuf.h"
#include "sys/netipsec/ipcomp_var.h"
#include "sys/netkey/key_sa.h"

#define NSAS	2

static struct pbuf_pool *pool;
static struct ipsec_sa *sas[NSAS];

static struct ipsec_sa *
make_sa(int i)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct ipsec_sa *sa;

	sa = key_sa_alloc(SADB_X_SATYPE_IPCOMP, (struct sockaddr *)&a,
	    (struct sockaddr *)&a);
	if (sa == NULL)
		abort();
	sa->spi = htonl(0x1000 + i);
	sa->state = SADB_SASTATE_MATURE;
	sa->alg_enc = SADB_X_CALG_DEFLATE;
	sa->flags = i == 1 ? SADB_X_EXT_RAWCPI : 0;
	if (ipsec_xform_install(sa) != 0)
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
		p[6] = IPPROTO_COMP;
		p[7] = 64;
		return 40;
	}
	memset(p, 0, 20);
	p[0] = 0x45;
	p[8] = 64;
	p[9] = IPPROTO_COMP;
	return 20;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t before[IPCOMPS_NCOUNTERS], moved = 0;
	struct pbuf_pool_stats st;
	unsigned long allocs;
	struct ipsec_sa *sa;
	struct pbuf *pb;
	size_t hlen, i;
	uint16_t cpi;
	uint8_t *p, nxt;
	int sel, why;

	if (size < 1 || size > 2000)
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
	if (!(sel & 0x20) && size - 1 >= IPCOMP_HLENGTH) {
		cpi = ipcomp_cpi(sa);
		p[hlen + 2] = (uint8_t)(cpi >> 8);
		p[hlen + 3] = (uint8_t)cpi;
	}
	memcpy(before, ipcompstat_counters, sizeof(before));
	allocs = crypto_comp_allocs();
	if (ipcomp_input(sa, pb, hlen, hlen == 40 ? 6 : 9, &nxt, &why) ==
	    IPSEC_PASS) {
		if (pb->len < hlen || pb->len > IPCOMP_IP_MAXPACKET ||
		    pb->data[hlen == 40 ? 6 : 9] != nxt)
			abort();
	} else {
		for (i = 0; i < IPCOMPS_NCOUNTERS; i++)
			moved += ipcompstat_counters[i] != before[i];
		if (moved != 1)
			abort();
	}
	pbuf_free(pb);
	pbuf_pool_stats(pool, &st);
	if (st.small_free != 2 || st.large_free != 1 ||
	    crypto_comp_allocs() != allocs)
		abort();
	return 0;
}
