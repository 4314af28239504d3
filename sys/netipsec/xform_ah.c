/*
 * AH (RFC 4302; RFC 2402 behaviour; RFC 1826 "ah-old"): the per-SA
 * transform state, made once when the SA is installed (its row of the
 * transform table), and the AH statistics.  The packet paths are
 * ah_output.c and ah_input.c; the bytes in front of the AH header that
 * the ICV covers come from ah_mutable.c.
 *
 * What varies between SAs is settled here: the authentication session
 * (HMAC, AES-XCBC-MAC, the old keyed hashes, or none for the null
 * algorithm), the ICV length (RFC 2404/4868/3566 lengths; 16 bytes for
 * an RFC 1826 SA, already a multiple of 4), RFC 1826 or RFC 4302 header,
 * 32-bit or extended sequence numbers, whether the 32-bit counter may
 * cycle, and the replay window.
 */
#include <errno.h>
#include <string.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include "net/pfkeyv2.h"
#include "sys/crypto/crypto.h"
#include "sys/netipsec/ah_var.h"
#include "sys/netipsec/ipsec_stat.h"
#include "sys/netipsec/replay.h"
#include "sys/netkey/key_sa.h"

NET_COUNTER_SET(ahstat_counters, AHS_NCOUNTERS);
NET_COUNTER_SET(ahstat_hist, AH_ALG_MAX);

static const char *const ahstat_names[AHS_NCOUNTERS] = {
	[AHS_HDROPS] = "ahs_hdrops",
	[AHS_NOPF] = "ahs_nopf",
	[AHS_NOTDB] = "ahs_notdb",
	[AHS_BADKCR] = "ahs_badkcr",
	[AHS_BADAUTH] = "ahs_badauth",
	[AHS_NOXFORM] = "ahs_noxform",
	[AHS_QFULL] = "ahs_qfull",
	[AHS_WRAP] = "ahs_wrap",
	[AHS_REPLAY] = "ahs_replay",
	[AHS_BADAUTHL] = "ahs_badauthl",
	[AHS_INPUT] = "ahs_input",
	[AHS_OUTPUT] = "ahs_output",
	[AHS_INVALID] = "ahs_invalid",
	[AHS_IBYTES] = "ahs_ibytes",
	[AHS_OBYTES] = "ahs_obytes",
	[AHS_TOOBIG] = "ahs_toobig",
	[AHS_PDROPS] = "ahs_pdrops",
	[AHS_CRYPTO] = "ahs_crypto",
	[AHS_TUNNEL] = "ahs_tunnel",
};

/* The counters must map one to one onto FreeBSD's struct. */
_Static_assert(offsetof(struct ahstat, ahs_hist) ==
    AHS_NCOUNTERS * sizeof(uint64_t), "ahstat layout");

void
ahstat_get(struct ahstat *st)
{
	net_counter_sum_all(&ahstat_counters, (uint64_t *)(void *)st);
	net_counter_sum_all(&ahstat_hist, st->ahs_hist);
}

/*
 * What an AH drop means to the policy engine's counters, by direction;
 * a reason without an entry is an invalid packet or SA.
 */
static const enum ipsecstat_counter ah_in_reason[AHS_NCOUNTERS] = {
	[AHS_NOTDB] = IPSECS_IN_NOSA,
	[AHS_INVALID] = IPSECS_IN_NOSA,
	[AHS_REPLAY] = IPSECS_IN_AHREPLAY,
	[AHS_BADAUTH] = IPSECS_IN_AHAUTHFAIL,
};

static const enum ipsecstat_counter ah_out_reason[AHS_NCOUNTERS] = {
	[AHS_INVALID] = IPSECS_OUT_NOSA,
	[AHS_TOOBIG] = IPSECS_OUT_NOMEM,
};

const struct ipsec_xform_stats ah_stats = {
	.c = &ahstat_counters,
	.names = ahstat_names,
	.n = AHS_NCOUNTERS,
	.hist = &ahstat_hist,
	.nhist = AH_ALG_MAX,
	.hist_at = AHS_NCOUNTERS,
	.hist_name = "ahs_hist",
	.in_reason = ah_in_reason,
	.out_reason = ah_out_reason,
};

/*
 * Header, ICV and the padding RFC 4302 section 3.3.3.2.1 asks for: the
 * whole header a multiple of 32 bits over IPv4 and of 64 bits over IPv6.
 */
size_t
ah_hdrlen(const struct ipsec_xform *xf, int af)
{
	size_t len = xf->hdrlen + xf->icvlen, align = af == AF_INET6 ? 8 : 4;

	return (len + align - 1) / align * align;
}

/* Key bytes of k; a key-less algorithm (null) gets an empty buffer. */
static const uint8_t *
key_bytes(const struct ipsec_sa_key *k)
{
	static const uint8_t none[1];

	return k->data != NULL ? k->data : none;
}

/*
 * The SA's algorithm must transform packets (not TCP-MD5's) and no
 * cipher may come with it.  An RFC 1826 SA has no sequence number, so
 * neither ESN nor a replay window can be honoured: refused rather than
 * silently ignored as KAME did.
 */
static int
ah_check(const struct ipsec_sa *sa, const struct crypto_alg **algp)
{
	const struct crypto_alg *alg;

	alg = crypto_alg_byid(CRYPTO_KIND_AUTH, sa->alg_auth);
	if (alg == NULL || !crypto_alg_available(alg) ||
	    alg->mode == CRYPTO_MODE_NONE || sa->alg_enc != SADB_EALG_NONE)
		return EINVAL;
	if ((sa->flags & SADB_X_EXT_DERIV) || ((sa->flags & SADB_X_EXT_OLD) &&
	    (sa->replay != 0 || (sa->flags & SADB_X_SAFLAGS_ESN))))
		return EINVAL;
	*algp = alg;
	return 0;
}

static int
ah_init(struct ipsec_sa *sa, struct ipsec_xform *xf)
{
	const struct crypto_alg *alg;
	bool old = (sa->flags & SADB_X_EXT_OLD) != 0;
	int error;

	if ((error = ah_check(sa, &alg)) != 0)
		return error;
	if (alg->mode != CRYPTO_MODE_NULL) {
		error = crypto_auth_new(alg, key_bytes(&sa->key_auth),
		    sa->key_auth.len, old ? CRYPTO_F_OLD : 0, &xf->auth);
		if (error != 0)
			return error;
		xf->flags |= IPSEC_XF_AUTH;
		xf->icvlen = (uint8_t)crypto_auth_icvlen(xf->auth);
	}
	if (!old && (sa->replay != 0 || (sa->flags & SADB_X_SAFLAGS_ESN))) {
		xf->replay = ipsec_replay_new(sa->replay,
		    (sa->flags & SADB_X_SAFLAGS_ESN) != 0);
		if (xf->replay == NULL)
			return errno == ENOMEM ? ENOMEM : EINVAL;
	}
	if (old)
		xf->flags |= IPSEC_XF_OLD;
	if (sa->flags & SADB_X_SAFLAGS_ESN)
		xf->flags |= IPSEC_XF_ESN;
	if (sa->flags & SADB_X_EXT_CYCSEQ)
		xf->flags |= IPSEC_XF_CYCSEQ;
	xf->hdrlen = old ? AH_OLD_HDRLEN : AH_HDRLEN;
	/* RFC 1826 3: the authentication data is a multiple of 32 bits. */
	if (old && xf->icvlen % 4 != 0)
		return EINVAL;
	xf->blocksize = 1;
	xf->alg = sa->alg_auth;
	return 0;
}

/* AH adds the same header to every packet of a family. */
static size_t
ah_overhead(const struct ipsec_xform *xf, int af, size_t plen)
{
	(void)plen;
	return ah_hdrlen(xf, af);
}

const struct ipsec_xform_ops ah_xform_ops = {
	.proto = IPPROTO_AH,
	.name = "ah",
	.hdrmin = AH_OLD_HDRLEN,
	.spioff = 4,
	.spilen = 4,
	.init = ah_init,
	.overhead = ah_overhead,
	.output = ah_output,
	.input = ah_input,
	.stats = &ah_stats,
	.c_hdrops = AHS_HDROPS,
	.c_notdb = AHS_NOTDB,
	.c_noxform = AHS_NOXFORM,
	.c_tunnel = AHS_TUNNEL,
	.in_authsucc = IPSECS_IN_AHAUTHSUCC,
};
