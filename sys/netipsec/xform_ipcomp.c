/*
 * IPComp (RFC 3173): the per-SA transform state, made once when the SA
 * is installed, the CPI rules, the row of the transform table and the
 * IPComp statistics.  The packet paths are ipcomp_output.c and
 * ipcomp_input.c.
 *
 * The state is one compression session (crypto_comp.c: zlib streams set
 * up with KAME's parameters and an output buffer for any IP packet), so
 * the packet path allocates nothing.  IPComp has no keys, no
 * authentication and no sequence numbers: an SA asking for an
 * authentication algorithm or carrying keys is refused, and a replay
 * window given with one is ignored, as KAME and FreeBSD ignore it.
 */
#include <errno.h>
#include <string.h>

#include <netinet/in.h>

#include "net/pfkeyv2.h"
#include "netipsec/ipsec.h"
#include "sys/crypto/crypto.h"
#include "sys/netipsec/ipcomp_var.h"
#include "sys/netipsec/ipsec_stat.h"
#include "sys/netkey/key_sad.h"

NET_COUNTER_SET(ipcompstat_counters, IPCOMPS_NCOUNTERS);
NET_COUNTER_SET(ipcompstat_hist, IPCOMP_ALG_MAX);

static const char *const ipcompstat_names[IPCOMPS_NCOUNTERS] = {
	[IPCOMPS_HDROPS] = "ipcomps_hdrops",
	[IPCOMPS_NOPF] = "ipcomps_nopf",
	[IPCOMPS_NOTDB] = "ipcomps_notdb",
	[IPCOMPS_BADKCR] = "ipcomps_badkcr",
	[IPCOMPS_QFULL] = "ipcomps_qfull",
	[IPCOMPS_NOXFORM] = "ipcomps_noxform",
	[IPCOMPS_WRAP] = "ipcomps_wrap",
	[IPCOMPS_INPUT] = "ipcomps_input",
	[IPCOMPS_OUTPUT] = "ipcomps_output",
	[IPCOMPS_INVALID] = "ipcomps_invalid",
	[IPCOMPS_IBYTES] = "ipcomps_ibytes",
	[IPCOMPS_OBYTES] = "ipcomps_obytes",
	[IPCOMPS_TOOBIG] = "ipcomps_toobig",
	[IPCOMPS_PDROPS] = "ipcomps_pdrops",
	[IPCOMPS_CRYPTO] = "ipcomps_crypto",
	[IPCOMPS_THRESHOLD] = "ipcomps_threshold",
	[IPCOMPS_UNCOMPR] = "ipcomps_uncompr",
};

/*
 * FreeBSD puts the histogram and a version between the fifteen original
 * counters and the two added later; the array keeps all seventeen in a
 * row.
 */
_Static_assert(offsetof(struct ipcompstat, ipcomps_hist) ==
    IPCOMPS_THRESHOLD * sizeof(uint64_t), "ipcompstat layout");
_Static_assert(offsetof(struct ipcompstat, ipcomps_uncompr) ==
    offsetof(struct ipcompstat, ipcomps_threshold) + sizeof(uint64_t),
    "ipcompstat layout");
_Static_assert(SADB_X_CALG_LZS < IPCOMP_ALG_MAX, "a bucket per CALG");

void
ipcompstat_get(struct ipcompstat *st)
{
	uint64_t c[IPCOMPS_NCOUNTERS];

	net_counter_sum_all(&ipcompstat_counters, c);
	memcpy(st, c, IPCOMPS_THRESHOLD * sizeof(uint64_t));
	net_counter_sum_all(&ipcompstat_hist, st->ipcomps_hist);
	st->version = IPCOMPSTAT_VERSION;
	st->ipcomps_threshold = c[IPCOMPS_THRESHOLD];
	st->ipcomps_uncompr = c[IPCOMPS_UNCOMPR];
}

/* What an IPComp drop means to the policy engine's counters. */
static const enum ipsecstat_counter ipcomp_in_reason[IPCOMPS_NCOUNTERS] = {
	[IPCOMPS_NOTDB] = IPSECS_IN_NOSA,
	[IPCOMPS_INVALID] = IPSECS_IN_NOSA,
	[IPCOMPS_QFULL] = IPSECS_IN_NOMEM,
	[IPCOMPS_PDROPS] = IPSECS_IN_POLVIO,
};

static const enum ipsecstat_counter ipcomp_out_reason[IPCOMPS_NCOUNTERS] = {
	[IPCOMPS_INVALID] = IPSECS_OUT_NOSA,
	[IPCOMPS_TOOBIG] = IPSECS_OUT_NOMEM,
};

/* FreeBSD's order: the histogram between crypto and threshold. */
const struct ipsec_xform_stats ipcomp_stats = {
	.c = &ipcompstat_counters,
	.names = ipcompstat_names,
	.n = IPCOMPS_NCOUNTERS,
	.hist = &ipcompstat_hist,
	.nhist = IPCOMP_ALG_MAX,
	.hist_at = IPCOMPS_THRESHOLD,
	.hist_name = "ipcomps_hist",
	.in_reason = ipcomp_in_reason,
	.out_reason = ipcomp_out_reason,
};

uint16_t
ipcomp_cpi(const struct ipsec_sa *sa)
{
	if (ipsec_xform_of(sa)->flags & IPSEC_XF_RAWCPI)
		return (uint16_t)ntohl(sa->spi);
	return sa->alg_enc;
}

static int
ipcomp_init(struct ipsec_sa *sa, struct ipsec_xform *xf)
{
	const struct crypto_alg *alg;
	int error;

	alg = crypto_alg_byid(CRYPTO_KIND_COMP, sa->alg_enc);
	if (alg == NULL || !crypto_alg_available(alg))
		return EINVAL;
	if (sa->alg_auth != SADB_AALG_NONE || sa->key_auth.len != 0 ||
	    sa->key_enc.len != 0)
		return EINVAL;
	/* A CPI has 16 bits; only -R lets the SPI be anything else. */
	if (!(sa->flags & SADB_X_EXT_RAWCPI) && ntohl(sa->spi) > 0xffff)
		return EINVAL;
	if ((error = crypto_comp_new(alg, 0, &xf->comp)) != 0)
		return error;
	if (sa->flags & SADB_X_EXT_RAWCPI)
		xf->flags |= IPSEC_XF_RAWCPI;
	xf->alg = sa->alg_enc;
	return 0;
}

/* IPComp never makes a packet larger: it sends it as it was instead. */
static size_t
ipcomp_overhead(const struct ipsec_xform *xf, int af, size_t plen)
{
	(void)xf;
	(void)af;
	(void)plen;
	return 0;
}

/*
 * A well-known CPI is the algorithm's number, not the SA's SPI (KAME
 * sends it for every SA added without -R), so the SA it belongs to is
 * the IPComp SA of the packet's addresses with that algorithm.  A
 * negotiated CPI names its SA itself: nothing to find here.
 */
static struct ipsec_sa *
ipcomp_lookup(const struct sockaddr *src, const struct sockaddr *dst,
    uint32_t spi)
{
	static const uint8_t modes[] = {
		IPSEC_MODE_TRANSPORT, IPSEC_MODE_TUNNEL,
	};
	struct ipsec_sa *sa;
	uint32_t cpi = ntohl(spi);
	size_t i;

	if (cpi >= IPCOMP_CPI_NEGOTIATE_MIN)
		return NULL;
	for (i = 0; i < sizeof(modes); i++) {
		sa = key_sad_select(src, dst, IPPROTO_COMP, modes[i], 0);
		if (sa != NULL && sa->alg_enc == cpi &&
		    !(sa->flags & SADB_X_EXT_RAWCPI))
			return sa;
	}
	return NULL;
}

struct ipsec_sa *
ipcomp_tunnel_sa(const struct sockaddr *src, const struct sockaddr *dst,
    uint8_t proto)
{
	struct ipsec_sa *sa;

	if (proto != IPPROTO_IPIP && proto != IPPROTO_IPV6)
		return NULL;
	sa = key_sad_select(src, dst, IPPROTO_COMP, IPSEC_MODE_TUNNEL, 0);
	if (sa == NULL || sa->mode != IPSEC_MODE_TUNNEL ||
	    ipsec_xform_of(sa) == NULL)
		return NULL;
	return sa;
}

const struct ipsec_xform_ops ipcomp_xform_ops = {
	.proto = IPPROTO_COMP,
	.name = "ipcomp",
	.hdrmin = IPCOMP_HLENGTH,
	.spioff = 2,
	.spilen = 2,
	.init = ipcomp_init,
	.overhead = ipcomp_overhead,
	.output = ipcomp_output,
	.input = ipcomp_input,
	.lookup = ipcomp_lookup,
	.stats = &ipcomp_stats,
	.c_hdrops = IPCOMPS_HDROPS,
	.c_notdb = IPCOMPS_NOTDB,
	.c_noxform = IPCOMPS_NOXFORM,
	.c_tunnel = IPCOMPS_HDROPS,
	.in_authsucc = -1,
};
