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
#include "fuzz_xform.h"
#include "sys/netipsec/ipcomp_var.h"

#define NSAS	2

static const struct fuzz_xform_spec specs[NSAS] = {
	{ SADB_X_SATYPE_IPCOMP, SADB_X_CALG_DEFLATE, 0, 0, 0, 0x1000, 0, 0,
	    NULL, NULL },
	{ SADB_X_SATYPE_IPCOMP, SADB_X_CALG_DEFLATE, 0, 0, 0, 0x1001,
	    SADB_X_EXT_RAWCPI, 0, NULL, NULL },
};

static struct pbuf_pool *pool;
static struct ipsec_sa *sas[NSAS];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int i;

	(void)argc;
	(void)argv;
	pool = fuzz_xform_init();
	for (i = 0; i < NSAS; i++)
		sas[i] = fuzz_xform_sa(&specs[i]);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t before[IPCOMPS_NCOUNTERS];
	struct pbuf_pool_stats st;
	unsigned long allocs;
	struct ipsec_sa *sa;
	struct pbuf *pb;
	size_t hlen;
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
	hlen = fuzz_xform_ip_header(p, sel & 0x10, IPPROTO_COMP);
	pb->len = hlen + size - 1;
	memcpy(p + hlen, data + 1, size - 1);
	if (!(sel & 0x20) && size - 1 >= IPCOMP_HLENGTH) {
		cpi = ipcomp_cpi(sa);
		p[hlen + 2] = (uint8_t)(cpi >> 8);
		p[hlen + 3] = (uint8_t)cpi;
	}
	net_counter_sum_all(&ipcompstat_counters, before);
	allocs = crypto_comp_allocs();
	if (ipcomp_input(sa, pb, hlen, hlen == 40 ? 6 : 9, &nxt, &why) ==
	    IPSEC_PASS) {
		if (pb->len < hlen || pb->len > IPCOMP_IP_MAXPACKET ||
		    pb->data[hlen == 40 ? 6 : 9] != nxt)
			abort();
	} else
		fuzz_xform_one_reason(before, &ipcompstat_counters);
	pbuf_free(pb);
	pbuf_pool_stats(pool, &st);
	if (st.small_free != 2 || st.large_free != 1 ||
	    crypto_comp_allocs() != allocs)
		abort();
	return 0;
}
