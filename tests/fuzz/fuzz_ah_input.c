/*
 * libFuzzer target for AH input and the ICV input builder in front of it.
 *
 * The first input byte picks one of a few fixed SAs (HMAC-SHA2-256 with
 * ESN and a window, HMAC-SHA1-96 without, RFC 1826 keyed MD5, and null
 * authentication, which lets random bytes through to the strip) and the
 * shape of the packet:
 *  - bit 0x40 clear: the rest is the AH packet behind a fixed IPv4 or
 *    (bit 0x10) IPv6 header, with the SA's SPI written over bytes 4-7
 *    unless bit 0x20 says otherwise, so that most inputs get past the SPI
 *    check;
 *  - bit 0x40 set: the second byte is the offset of AH and the rest is
 *    the whole packet, IP header, options and extension headers
 *    included, so that ah_mutable_input() walks whatever the fuzzer
 *    makes (the version nibble is forced to 4 or 6 by bit 0x10).
 * ah_input must never crash, must count exactly one reason for every
 * drop, and what it passes must be shorter than what it got.
 *
 * Seeds: tests/fuzz/ah_input.seeds/ (valid packets of each SA, made by
 * ah_output, with and without IPv6 extension headers, and short ones).
 */
#include "fuzz_xform.h"
#include "sys/netipsec/ah_var.h"

#define NSAS	4

static const uint8_t key[32] = { 9, 8, 7, 6, 5, 4, 3, 2, 1 };

static const struct fuzz_xform_spec specs[NSAS] = {
	{ SADB_SATYPE_AH, 0, SADB_X_AALG_SHA2_256, 0, 256, 0x200,
	    SADB_X_SAFLAGS_ESN, 128, NULL, key },
	{ SADB_SATYPE_AH, 0, SADB_AALG_SHA1HMAC, 0, 160, 0x201, 0, 0,
	    NULL, key },
	{ SADB_SATYPE_AH, 0, SADB_X_AALG_MD5, 0, 128, 0x202, SADB_X_EXT_OLD,
	    0, NULL, key },
	{ SADB_SATYPE_AH, 0, SADB_X_AALG_NULL, 0, 0, 0x203, 0, 32,
	    NULL, NULL },
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

/*
 * The packet of the input in pb: its AH offset, or 0 when the input is
 * too short for its shape.  protoff is a byte in front of AH (the
 * transform writes the inner protocol there; which one does not matter).
 */
static size_t
build(struct pbuf *pb, const uint8_t *data, size_t size, int sel,
    const struct ipsec_sa *sa)
{
	uint8_t *p = pb->data;
	size_t hlen;

	if (sel & 0x40) {
		if (size < 3 || data[1] == 0)
			return 0;
		memcpy(p, data + 2, size - 2);
		pb->len = size - 2;
		p[0] = (uint8_t)((sel & 0x10 ? 0x60 : 0x40) | (p[0] & 0x0f));
		return data[1] <= pb->len ? data[1] : 0;
	}
	hlen = fuzz_xform_ip_header(p, sel & 0x10, IPPROTO_AH);
	memcpy(p + hlen, data + 1, size - 1);
	pb->len = hlen + size - 1;
	if (!(sel & 0x20) && size - 1 >= 8)
		memcpy(p + hlen + 4, &sa->spi, 4);
	return hlen;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t before[AHS_NCOUNTERS];
	struct ipsec_sa *sa;
	struct pbuf *pb;
	size_t skip, len;
	uint8_t nxt;
	int sel;

	if (size < 1 || size > 4000)
		return 0;
	sel = data[0];
	sa = sas[sel % NSAS];
	pb = pbuf_alloc(pool, 40 + size);
	if (pb == NULL)
		abort();
	pbuf_put(pb, 40 + size);
	skip = build(pb, data, size, sel, sa);
	if (skip == 0) {
		pbuf_free(pb);
		return 0;
	}
	len = pb->len;
	net_counter_sum_all(&ahstat_counters, before);
	if (ipsec_xform_input(sa, pb, skip, skip - 1, &nxt, NULL) ==
	    IPSEC_PASS) {
		if (pb->len >= len)
			abort();
	} else
		fuzz_xform_one_reason(before, &ahstat_counters);
	pbuf_free(pb);
	return 0;
}
