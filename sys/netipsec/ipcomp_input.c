/*
 * IPComp input (RFC 3173 section 2.2): decompress the payload behind the
 * IPComp header and put the result in place of header and payload.
 *
 *	before:	| IP hdr (skip) | nh | flags | CPI | deflate(payload) |
 *	after:	| IP hdr | payload                                  |
 *
 * Decompression is bounded: the result goes into the session's buffer,
 * never more than a 65,535-byte IP packet can carry behind the headers
 * in front, so a stream that inflates further (a zlib bomb) costs at
 * most that much work and is dropped.  Only then does the packet grow,
 * into a larger buffer of its pool when the result does not fit its own.
 * RFC 3173 section 3 forbids IPComp inside IPComp: such a packet is
 * dropped rather than decompressed twice.
 */
#include <string.h>

#include <netinet/in.h>

#include "sys/crypto/crypto.h"
#include "sys/net/net_endian.h"
#include "sys/net/pbuf.h"
#include "sys/netipsec/ipcomp_var.h"
#include "sys/netipsec/ipsec_var.h"

/* Whether the header's CPI is one the SA answers to. */
static bool
cpi_ok(const struct ipsec_sa *sa, const struct ipsec_xform *xf,
    const uint8_t *hdr)
{
	uint16_t cpi = be_get16(hdr + 2);

	if (cpi == ipcomp_cpi(sa))
		return true;
	/* Without -R, the negotiated CPI (the SPI) is the SA's too. */
	return !(xf->flags & IPSEC_XF_RAWCPI) && cpi == ntohl(sa->spi);
}

static enum ipcompstat_counter
inflate_reason(int rc)
{
	return rc == CRYPTO_ERR_NOSPACE ? IPCOMPS_TOOBIG : IPCOMPS_CRYPTO;
}

/*
 * Inflate the clen bytes behind the header at skip and put the result in
 * place of header and payload: true, or false with *bad the counter of
 * the drop.  Under the session lock, since the result waits in the
 * session's buffer until it is copied.
 */
static bool
inflate_in_place(struct ipsec_sa *sa, struct ipsec_xform *xf,
    struct pbuf *pb, size_t skip, size_t clen, size_t *olen,
    enum ipcompstat_counter *bad)
{
	uint8_t *buf = crypto_comp_buffer(xf->comp);
	int rc;

	rc = crypto_decompress(xf->comp, pb->data + skip + IPCOMP_HLENGTH,
	    clen, buf, IPCOMP_IP_MAXPACKET - skip, olen);
	if (rc != CRYPTO_OK) {
		*bad = inflate_reason(rc);
		return false;
	}
	if (key_sa_account(sa, *olen) < 0) {
		*bad = IPCOMPS_INVALID;
		return false;
	}
	if (pbuf_reserve(pb, skip + *olen) != 0) {
		*bad = IPCOMPS_QFULL;
		return false;
	}
	if (skip + *olen > pb->len)
		pbuf_put(pb, skip + *olen - pb->len);
	else
		pbuf_trim(pb, pb->len - skip - *olen);
	memcpy(pb->data + skip, buf, *olen);
	return true;
}

enum ipsec_verdict
ipcomp_input(struct ipsec_sa *sa, struct pbuf *pb, size_t skip,
    size_t protoff, uint8_t *nxt, int *why)
{
	struct ipsec_xform *xf = ipsec_xform_of(sa);
	size_t clen, olen;
	uint8_t *hdr, inner;
	enum ipcompstat_counter bad;
	bool ok;

	if (xf == NULL || xf->ops != &ipcomp_xform_ops)
		return ipcomp_drop_in(why, IPCOMPS_NOXFORM);
	/* net.inet.ipcomp.ipcomp_enable=0 refuses IPComp input (FreeBSD). */
	if (!net_tunable_get(&ipsec_vars.ipcomp_enable))
		return ipcomp_drop_in(why, IPCOMPS_PDROPS);
	if (skip > pb->len || protoff >= skip ||
	    pb->len - skip < IPCOMP_HLENGTH ||
	    skip >= IPCOMP_IP_MAXPACKET)
		return ipcomp_drop_in(why, IPCOMPS_HDROPS);
	hdr = pb->data + skip;
	if (!cpi_ok(sa, xf, hdr))
		return ipcomp_drop_in(why, IPCOMPS_NOTDB);
	inner = hdr[0];
	if (inner == IPPROTO_COMP)
		return ipcomp_drop_in(why, IPCOMPS_PDROPS);
	clen = pb->len - skip - IPCOMP_HLENGTH;
	ipsec_xform_lock(xf);
	ok = inflate_in_place(sa, xf, pb, skip, clen, &olen, &bad);
	ipsec_xform_unlock(xf);
	if (!ok)
		return ipcomp_drop_in(why, bad);
	pb->data[protoff] = inner;
	*nxt = inner;
	net_counter_inc(&ipcompstat_counters, IPCOMPS_INPUT);
	net_counter_add(&ipcompstat_counters, IPCOMPS_IBYTES, clen);
	net_counter_inc(&ipcompstat_hist, xf->alg % IPCOMP_ALG_MAX);
	return IPSEC_PASS;
}
