/*
 * IPComp output (RFC 3173 section 2.2): compress the payload behind the
 * IP header (transport) or the whole inner packet (tunnel), then put the
 * IPComp header in front of it.
 *
 *	before:	| IP hdr (skip) | payload                  |
 *	after:	| IP hdr | nh | flags | CPI | deflate(payload) |
 *
 * A payload shorter than KAME's threshold is not worth the work; one
 * whose compressed form plus header would not be smaller than itself
 * must go uncompressed (RFC 3173 section 2.2).  Both leave the packet as
 * it was and pass it on: for IPComp that is success, not a drop, and the
 * receiver's policy accepts it because IPComp's level is always "use".
 * The payload is compressed into the session's buffer, made with the
 * SA, and copied back only when it came out smaller: the packet is never
 * left half-compressed.
 */
#include <string.h>

#include <netinet/in.h>

#include "sys/crypto/crypto.h"
#include "sys/net/pbuf.h"
#include "sys/netipsec/ipcomp_var.h"

enum ipsec_verdict
ipcomp_output(struct ipsec_sa *sa, struct pbuf *pb, size_t skip,
    size_t protoff, int *why)
{
	struct ipsec_xform *xf = ipsec_xform_of(sa);
	size_t plen, clen;
	uint8_t *hdr, *buf;
	uint16_t cpi;
	int rc;

	if (xf == NULL || xf->ops != &ipcomp_xform_ops)
		return ipcomp_drop_out(why, IPCOMPS_NOXFORM);
	if (skip > pb->len || protoff >= skip)
		return ipcomp_drop_out(why, IPCOMPS_HDROPS);
	plen = pb->len - skip;
	/*
	 * The lifetime and the session are the SA's; the session's buffer
	 * holds the result until it is copied back.
	 */
	ipsec_xform_lock(xf);
	if (key_sa_account(sa, plen) < 0) {
		ipsec_xform_unlock(xf);
		return ipcomp_drop_out(why, IPCOMPS_INVALID);
	}
	if (plen < CRYPTO_DEFLATE_MINLEN) {
		ipsec_xform_unlock(xf);
		net_counter_inc(&ipcompstat_counters, IPCOMPS_THRESHOLD);
		return IPSEC_PASS;
	}
	buf = crypto_comp_buffer(xf->comp);
	rc = crypto_compress(xf->comp, pb->data + skip, plen, buf,
	    plen - IPCOMP_HLENGTH - 1, &clen);
	hdr = rc == CRYPTO_OK ? pbuf_insert(pb, skip, IPCOMP_HLENGTH) : NULL;
	if (hdr != NULL)
		memcpy(hdr + IPCOMP_HLENGTH, buf, clen);
	ipsec_xform_unlock(xf);
	if (rc == CRYPTO_ERR_NOSPACE) {
		net_counter_inc(&ipcompstat_counters, IPCOMPS_UNCOMPR);
		return IPSEC_PASS;
	}
	if (rc != CRYPTO_OK)
		return ipcomp_drop_out(why, IPCOMPS_CRYPTO);
	if (hdr == NULL)
		return ipcomp_drop_out(why, IPCOMPS_TOOBIG);
	cpi = ipcomp_cpi(sa);
	hdr[0] = pb->data[protoff];
	hdr[1] = 0;
	hdr[2] = (uint8_t)(cpi >> 8);
	hdr[3] = (uint8_t)cpi;
	pbuf_trim(pb, plen - clen);
	pb->data[protoff] = IPPROTO_COMP;
	net_counter_inc(&ipcompstat_counters, IPCOMPS_OUTPUT);
	net_counter_add(&ipcompstat_counters, IPCOMPS_OBYTES, plen);
	net_counter_inc(&ipcompstat_hist, xf->alg % IPCOMP_ALG_MAX);
	return IPSEC_PASS;
}
