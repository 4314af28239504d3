/*
 * AH output (RFC 4302 section 3.3): sequence number, then the ICV over
 * the whole packet with the mutable fields zeroed, in place in the packet
 * buffer.
 *
 *	before:	| IP hdr, ext hdrs (skip) | payload                  |
 *	after:	| IP hdr, ext hdrs | nh len 0 SPI seq ICV pad | payload |
 *
 * The header goes in with ICV and padding zeroed, which is what the ICV
 * computation covers for them (the padding is sent as zeros, so the RFC's
 * "padding included" and KAME's "padding zeroed" agree on our packets).
 * The next-header byte in front already says AH when the ICV is
 * computed, as the receiver will see it.  The IP lengths are written by
 * the policy engine afterwards; the ICV takes them from pb->len.
 * Sequence numbers follow ESP's rules (taken before any crypto work,
 * never given back; 32-bit SAs stop at 2^32 - 1 unless they may cycle,
 * and a cycling SA skips 0).  An RFC 1826 SA sends no sequence number.
 */
#include <string.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include "sys/crypto/crypto.h"
#include "sys/net/net_endian.h"
#include "sys/net/pbuf.h"
#include "sys/netipsec/ah_var.h"
#include "sys/netipsec/ipsec_util.h"

/*
 * The ICV of the packet whose AH header (ICV field zero) starts at skip,
 * written into the header: the headers in front with their mutable
 * fields zeroed, the AH header, the payload, then the ESN high half (RFC
 * 4302 section 3.3.3.1, Appendix B).  0, AH_SIGN_HDR when the headers in
 * front cannot be walked, AH_SIGN_CRYPTO when the MAC fails.
 */
#define AH_SIGN_HDR	1
#define AH_SIGN_CRYPTO	2

static int
sign(struct ipsec_xform *xf, struct pbuf *pb, size_t skip, uint64_t seq)
{
	uint8_t hi[4], *ah = pb->data + skip;

	if (!(xf->flags & IPSEC_XF_AUTH))
		return ah_mutable_auth(NULL, pb->data, skip, pb->len) != 0 ?
		    AH_SIGN_HDR : 0;
	crypto_auth_init(xf->auth);
	if (ah_mutable_auth(xf->auth, pb->data, skip, pb->len) != 0)
		return AH_SIGN_HDR;
	crypto_auth_update(xf->auth, ah, pb->len - skip);
	if (xf->flags & IPSEC_XF_ESN) {
		be_put32(hi, (uint32_t)(seq >> 32));
		crypto_auth_update(xf->auth, hi, sizeof(hi));
	}
	return crypto_auth_final(xf->auth, ah + xf->hdrlen) == CRYPTO_OK ?
	    0 : AH_SIGN_CRYPTO;
}

/* The AH header in front of the payload, ICV and padding zeroed. */
static void
put_header(const struct ipsec_sa *sa, const struct ipsec_xform *xf,
    uint8_t *ah, size_t hlen, uint8_t nxt, uint64_t seq)
{
	memset(ah, 0, hlen);
	ah[0] = nxt;
	/* 32-bit words: RFC 1826 of the data, RFC 4302 of it all, less 2. */
	ah[1] = (uint8_t)((xf->flags & IPSEC_XF_OLD) ? (hlen - AH_OLD_HDRLEN) /
	    4 : hlen / 4 - 2);
	memcpy(ah + 4, &sa->spi, 4);
	if (!(xf->flags & IPSEC_XF_OLD))
		be_put32(ah + 8, (uint32_t)seq);
}

/*
 * Everything output writes in the SA (lifetime, sequence number, the
 * authenticator's session), under the SA's session lock.
 */
static enum ipsec_verdict
encapsulate(struct ipsec_sa *sa, struct ipsec_xform *xf, struct pbuf *pb,
    size_t skip, size_t protoff, size_t hlen, int *why)
{
	uint64_t seq = 0;
	uint8_t *ah, nxt;
	int rc;

	if (key_sa_account(sa, pb->len - skip) < 0)
		return ah_drop_out(why, AHS_INVALID);
	if (!(xf->flags & IPSEC_XF_OLD) && ipsec_seq_next(sa, xf, &seq) < 0)
		return ah_drop_out(why, AHS_WRAP);
	nxt = pb->data[protoff];
	ah = pbuf_insert(pb, skip, hlen);
	put_header(sa, xf, ah, hlen, nxt, seq);
	pb->data[protoff] = IPPROTO_AH;
	if ((rc = sign(xf, pb, skip, seq)) != 0)
		return ah_drop_out(why, rc == AH_SIGN_HDR ? AHS_HDROPS :
		    AHS_CRYPTO);
	return IPSEC_PASS;
}

enum ipsec_verdict
ah_output(struct ipsec_sa *sa, struct pbuf *pb, size_t skip,
    size_t protoff, int *why)
{
	struct ipsec_xform *xf = ipsec_xform_of(sa);
	size_t plen, hlen, iplen;
	enum ipsec_verdict v;
	int af;

	if (skip > pb->len || protoff >= skip)
		return ah_drop_out(why, AHS_HDROPS);
	af = ipsec_ip_family(pb->data, skip);
	if (af == 0)
		return ah_drop_out(why, AHS_NOPF);
	plen = pb->len - skip;
	hlen = ah_hdrlen(xf, af);
	/* The IP length field: IPv4 total length, IPv6 payload length. */
	iplen = pb->len + hlen - (af == AF_INET6 ? 40 : 0);
	if (pbuf_headroom(pb) < hlen || iplen > 65535)
		return ah_drop_out(why, AHS_TOOBIG);
	ipsec_xform_lock(xf);
	v = encapsulate(sa, xf, pb, skip, protoff, hlen, why);
	ipsec_xform_unlock(xf);
	if (v != IPSEC_PASS)
		return v;
	net_counter_inc(&ahstat_counters, AHS_OUTPUT);
	net_counter_add(&ahstat_counters, AHS_OBYTES, plen);
	net_counter_inc(&ahstat_hist, xf->alg);
	return IPSEC_PASS;
}
