/*
 * AH input (RFC 4302 section 3.4): length checks, replay check, ICV,
 * replay commit, then the AH header is cut out of the packet in place.
 *
 * As for ESP, the replay check runs before any crypto work and the
 * window moves only once the ICV verified.  The ICV is checked where it
 * lies: the computation reads zeros in its place rather than zeroing the
 * packet, and the padding behind it is covered as received (RFC 4302
 * section 3.3.3.2.1 counts it in).  The header length must be the SA's:
 * the ICV length rounded up to 32 bits, or over IPv6 to the 64 bits RFC
 * 4302 asks for; both are accepted over IPv6 because KAME and FreeBSD
 * peers pad to 32 bits there.  Anything else is ahs_badauthl, as in KAME.
 */
#include <string.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include "sys/crypto/crypto.h"
#include "sys/net/net_endian.h"
#include "sys/net/pbuf.h"
#include "sys/netipsec/ah_var.h"
#include "sys/netipsec/ipsec_util.h"
#include "sys/netipsec/ipsec_var.h"
#include "sys/netipsec/replay.h"

static const uint8_t zero_icv[CRYPTO_ICV_MAX];


/* The header length the AH header at ah says; 0 when it cannot be. */
static size_t
header_length(const struct ipsec_xform *xf, const uint8_t *ah, int af)
{
	size_t len, want = xf->hdrlen + xf->icvlen;

	if (xf->flags & IPSEC_XF_OLD)
		len = AH_OLD_HDRLEN + (size_t)ah[1] * 4;
	else
		len = ((size_t)ah[1] + 2) * 4;
	if (len == ah_hdrlen(xf, af) || len == (want + 3) / 4 * 4)
		return len;
	return 0;
}

/*
 * Verify the ICV of the packet whose AH header starts at skip: the bytes
 * ah_output() signed, with the ICV field read as zeros.  *ok says whether
 * it verified; if not, the counter that explains why is returned.
 */
static enum ahstat_counter
verify(struct ipsec_xform *xf, const struct pbuf *pb, size_t skip,
    uint64_t seq, bool *ok)
{
	const uint8_t *ah = pb->data + skip, *icv = ah + xf->hdrlen;
	uint8_t hi[4];

	*ok = false;
	if (!(xf->flags & IPSEC_XF_AUTH)) {
		if (ah_mutable_auth(NULL, pb->data, skip, pb->len) != 0)
			return AHS_HDROPS;
		*ok = true;
		return AHS_INPUT;
	}
	crypto_auth_init(xf->auth);
	if (ah_mutable_auth(xf->auth, pb->data, skip, pb->len) != 0)
		return AHS_HDROPS;
	crypto_auth_update(xf->auth, ah, xf->hdrlen);
	crypto_auth_update(xf->auth, zero_icv, xf->icvlen);
	crypto_auth_update(xf->auth, icv + xf->icvlen, pb->len - skip -
	    xf->hdrlen - xf->icvlen);
	if (xf->flags & IPSEC_XF_ESN) {
		be_put32(hi, (uint32_t)(seq >> 32));
		crypto_auth_update(xf->auth, hi, sizeof(hi));
	}
	switch (crypto_auth_verify_final(xf->auth, icv)) {
	case CRYPTO_OK:
		*ok = true;
		return AHS_INPUT;
	case CRYPTO_ERR_ICV:
		return AHS_BADAUTH;
	default:
		return AHS_CRYPTO;
	}
}

/*
 * Everything input writes in the SA (the authenticator's session, the
 * replay window, judged again for a copy another worker accepted since
 * the check, the lifetime), under the SA's session lock.
 */
static bool
verify_and_commit(struct ipsec_sa *sa, struct ipsec_xform *xf,
    struct pbuf *pb, size_t skip, uint64_t seq, size_t plen,
    enum ahstat_counter *bad)
{
	bool ok;

	*bad = verify(xf, pb, skip, seq, &ok);
	if (!ok)
		return false;
	*bad = AHS_REPLAY;
	if (xf->replay != NULL &&
	    ipsec_replay_commit(xf->replay, seq) != IPSEC_REPLAY_OK)
		return false;
	*bad = AHS_INVALID;
	return key_sa_account(sa, plen) == 0;
}

enum ipsec_verdict
ah_input(struct ipsec_sa *sa, struct pbuf *pb, size_t skip, size_t protoff,
    uint8_t *nxt, int *why)
{
	struct ipsec_xform *xf = ipsec_xform_of(sa);
	enum ahstat_counter bad;
	size_t hlen, plen;
	uint64_t seq = 0;
	uint8_t *ah;
	bool ok;
	int af;

	/* net.inet.ah.ah_enable=0 refuses AH input (FreeBSD). */
	if (!net_tunable_get(&ipsec_vars.ah_enable))
		return ah_drop_in(why, AHS_PDROPS);
	if (skip > pb->len || protoff >= skip ||
	    pb->len - skip < xf->hdrlen)
		return ah_drop_in(why, AHS_HDROPS);
	if ((af = ipsec_ip_family(pb->data, skip)) == 0)
		return ah_drop_in(why, AHS_NOPF);
	ah = pb->data + skip;
	if (memcmp(ah + 4, &sa->spi, 4) != 0)
		return ah_drop_in(why, AHS_NOTDB);
	if ((hlen = header_length(xf, ah, af)) == 0)
		return ah_drop_in(why, AHS_BADAUTHL);
	if (pb->len - skip < hlen)
		return ah_drop_in(why, AHS_HDROPS);
	if (xf->replay != NULL && ipsec_replay_check(xf->replay,
	    be_get32(ah + 8), &seq) != IPSEC_REPLAY_OK)
		return ah_drop_in(why, AHS_REPLAY);
	plen = pb->len - skip - hlen;
	ipsec_xform_lock(xf);
	ok = verify_and_commit(sa, xf, pb, skip, seq, plen, &bad);
	ipsec_xform_unlock(xf);
	if (!ok)
		return ah_drop_in(why, bad);
	*nxt = ah[0];
	pbuf_remove(pb, skip, hlen);
	pb->data[protoff] = *nxt;
	net_counter_inc(&ahstat_counters, AHS_INPUT);
	net_counter_add(&ahstat_counters, AHS_IBYTES, plen);
	net_counter_inc(&ahstat_hist, xf->alg);
	return IPSEC_PASS;
}
