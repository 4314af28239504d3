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
#include "fuzz_xform.h"
#include "sys/netipsec/esp_var.h"

#define NSAS	4

static const uint8_t key[64] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };

static const struct fuzz_xform_spec specs[NSAS] = {
	{ SADB_SATYPE_ESP, SADB_X_EALG_AESGCM16, 0, 160, 0, 0x100, 0, 64,
	    key, NULL },
	{ SADB_SATYPE_ESP, SADB_X_EALG_AESCBC, SADB_X_AALG_SHA2_256, 128, 256,
	    0x101, SADB_X_SAFLAGS_ESN, 128, key, key + 32 },
	{ SADB_SATYPE_ESP, SADB_X_EALG_AESCBC, 0, 128, 0, 0x102, 0, 0,
	    key, NULL },
	{ SADB_SATYPE_ESP, SADB_EALG_NULL, 0, 0, 0, 0x103, SADB_X_EXT_PZERO,
	    32, NULL, NULL },
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
	uint64_t before[ESPS_NCOUNTERS];
	struct ipsec_sa *sa;
	struct pbuf *pb;
	size_t hlen;
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
	hlen = fuzz_xform_ip_header(p, sel & 0x10, IPPROTO_ESP);
	pb->len = hlen + size - 1;
	memcpy(p + hlen, data + 1, size - 1);
	if (!(sel & 0x20) && size - 1 >= 4)
		memcpy(p + hlen, &sa->spi, 4);
	net_counter_sum_all(&espstat_counters, before);
	if (ipsec_xform_input(sa, pb, hlen, hlen == 40 ? 6 : 9, &nxt,
	    NULL) == IPSEC_PASS) {
		if (pb->len >= hlen + size - 1)
			abort();
	} else
		fuzz_xform_one_reason(before, &espstat_counters);
	pbuf_free(pb);
	return 0;
}
