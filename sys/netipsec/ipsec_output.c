/*
 * The outbound IPsec hook (see ipsec_hooks.h): policy, SA bundle, the
 * MTU decision and the transforms, innermost request first.
 */
#include <netinet/in.h>
#include <string.h>

#include "net/pfkeyv2.h"
#include "sys/net/pbuf.h"
#include "sys/netinet/ip_frag.h"
#include "sys/netipsec/ipsec_hold.h"
#include "sys/netipsec/ipsec_hooks.h"
#include "sys/netipsec/ipsec_policy.h"
#include "sys/netipsec/ipsec_stat.h"
#include "sys/netipsec/ipsec_util.h"
#include "sys/netipsec/ipsec_var.h"
#include "sys/netipsec/xform_ipip.h"
#include "sys/netkey/key_spd.h"

static enum ipsec_verdict
out_drop(int af, struct ipsec_out_result *res, enum ipsecstat_counter c)
{
	res->drop = ipsecstat_inc(af, c);
	return IPSEC_DROP;
}

/*
 * The largest the packet can become through the bundle, and whether its
 * outermost IPv4 header will carry DF (*dfp).
 */
static size_t
bundle_size(const struct ip_hdr_info *hi, const struct ipsec_bundle *b,
    int *dfp)
{
	size_t len = hi->len, skip = hi->ins_off, i;
	int af = hi->af, df = (hi->flags & IP_HDR_F_DF) != 0;
	const struct ipsec_request *r;
	const struct ipsec_xform *xf;

	for (i = 0; i < b->n; i++) {
		r = b->step[i].req;
		xf = ipsec_xform_of(b->step[i].sa);
		if (r->mode == IPSEC_MODE_TUNNEL) {
			df = ipip_df(af == AF_INET && df);
			af = r->tun_dst.sa.sa_family;
			skip = ipip_hdrlen(af);
			len += skip;
		}
		len += xf->ops->overhead(xf, af, len - skip) +
		    udpencap_overhead(&xf->encap);
	}
	*dfp = af == AF_INET && df;
	return len;
}

/*
 * Whether the protected packet must be refused with an ICMP "too big":
 * it exceeds the MTU, nobody may fragment it (inner IPv4 DF, IPv6, or
 * DF on the outer header by net.inet.ipsec.dfbit), and the MTU left for
 * the inner packet is one its sender can use.  Below the family's
 * minimum the packet is protected anyway and the outer packet is left
 * to the caller's fragmentation.
 */
static bool
too_big(const struct ip_hdr_info *hi, const struct ipsec_bundle *b,
    struct ipsec_out_result *res)
{
	size_t mtu = res->mtu != 0 ? res->mtu : IPSEC_DEFAULT_MTU;
	size_t size, overhead, minmtu;
	int outer_df;

	size = bundle_size(hi, b, &outer_df);
	if (size <= mtu)
		return false;
	if (hi->af == AF_INET && !(hi->flags & IP_HDR_F_DF) && !outer_df)
		return false;
	overhead = size - hi->len;
	minmtu = hi->af == AF_INET6 ? IP6_FRAG_MINMTU : IP_FRAG_MINMTU;
	if (mtu < overhead || mtu - overhead < minmtu)
		return false;
	res->icmp_mtu = mtu - overhead;
	return true;
}

/*
 * Apply one step of the bundle to pb; the counter of a failure, or -1.
 * The IP header a tunnel goes around is finished first: its lengths are
 * fixed once, after every transform that worked inside it.
 */
static int
apply_step(struct pbuf *pb, const struct ipsec_bundle_step *st,
    size_t *skip, size_t *protoff)
{
	const struct ipsec_request *r = st->req;
	struct ipsec_xform *xf = ipsec_xform_of(st->sa);
	int why = IPSECS_OUT_INVAL;

	if (r->mode == IPSEC_MODE_TUNNEL) {
		if (ipsec_fix_iplen(pb) != 0)
			return IPSECS_OUT_INVAL;
		if (ipip_output(pb, &r->tun_src.sa, &r->tun_dst.sa) != 0)
			return IPSECS_OUT_NOMEM;
		*skip = ipip_hdrlen(r->tun_dst.sa.sa_family);
		*protoff = r->tun_dst.sa.sa_family == AF_INET6 ? 6 : 9;
	}
	if (xf->ops->output(st->sa, pb, *skip, *protoff, &why) != IPSEC_PASS)
		return why;
	/* ESP in UDP (RFC 3948): the UDP header goes in front of ESP. */
	if (xf->encap.type != 0 &&
	    udpencap_output(&xf->encap, pb, *skip, *protoff) != 0)
		return IPSECS_OUT_NOMEM;
	return -1;
}

/* The histogram of the transform that was applied. */
static void
count_step(int af, const struct ipsec_sa *sa)
{
	ipsecstat_hist_inc(af, sa->proto, true, ipsec_xform_of(sa)->alg);
}

static enum ipsec_verdict
protect(const struct ipsec_policy *p, const struct ip_hdr_info *hi,
    struct pbuf *pb, struct ipsec_out_result *res)
{
	size_t skip = hi->ins_off, protoff = hi->protoff, i;
	enum ipsecstat_counter why;
	struct ipsec_bundle b;
	int rc = -1;

	if (ipsec_policy_bundle(p, hi, &b, &why) != 0) {
		/* The SA is being negotiated: wait for it (ipsec_hold.h). */
		if (why == IPSECS_OUT_NOSA && b.acquiring &&
		    ipsec_hold_put(pb, b.miss_src, b.miss_dst,
		    b.miss_proto) == 0)
			return IPSEC_CONSUMED;
		return out_drop(hi->af, res, why);
	}
	if (too_big(hi, &b, res)) {
		ipsec_bundle_release(&b);
		ipsecstat_inc(hi->af, IPSECS_OUT_TOOBIG);
		return IPSEC_TOOBIG;
	}
	for (i = 0; i < b.n && rc < 0; i++) {
		rc = apply_step(pb, &b.step[i], &skip, &protoff);
		if (rc < 0) {
			count_step(hi->af, b.step[i].sa);
			res->nxform++;
		}
	}
	ipsec_bundle_release(&b);
	if (rc < 0 && res->nxform > 0 && ipsec_fix_iplen(pb) != 0)
		rc = IPSECS_OUT_INVAL;
	if (rc >= 0)
		return out_drop(hi->af, res, (enum ipsecstat_counter)rc);
	res->protected = res->nxform > 0;
	if (res->protected)
		ipsecstat_inc(hi->af, IPSECS_OUT_SUCCESS);
	return IPSEC_PASS;
}

/* No policy matched: the family's def_policy decides. */
static enum ipsec_verdict
no_policy(const struct ip_hdr_info *hi, struct ipsec_out_result *res)
{
	if (net_tunable_get(&ipsec_af_vars(hi->af)->def_policy) ==
	    IPSEC_POLICY_DISCARD)
		return out_drop(hi->af, res, IPSECS_OUT_POLVIO);
	return IPSEC_PASS;
}

static enum ipsec_verdict
apply_policy(const struct ipsec_policy *p, const struct ip_hdr_info *hi,
    struct pbuf *pb, struct ipsec_out_result *res)
{
	switch (p->action) {
	case IPSEC_POLICY_NONE:
	case IPSEC_POLICY_BYPASS:	/* a socket's own (ipsec_pcb.h) */
		return IPSEC_PASS;
	case IPSEC_POLICY_IPSEC:
		return protect(p, hi, pb, res);
	default:
		return out_drop(hi->af, res, IPSECS_OUT_POLVIO);
	}
}

enum ipsec_verdict
ipsec_output(struct pbuf **pbp, const struct ip_hdr_info *hip,
    struct ipsec_out_result *res)
{
	struct pbuf *pb = *pbp;
	struct ip_hdr_info parsed;
	const struct ip_hdr_info *hi = hip;
	struct ipsec_policy *p;
	enum ipsec_verdict v;

	res->drop = -1;
	res->icmp_mtu = 0;
	res->protected = false;
	res->nxform = 0;
	if (hi == NULL) {
		if (ip_hdr_parse(pb->data, pb->len, &parsed) != 0)
			return out_drop(parsed.af, res, IPSECS_OUT_INVAL);
		hi = &parsed;
	}
	/* Link padding behind the datagram is not ours to encrypt. */
	if (pb->len > hi->len)
		pbuf_trim(pb, pb->len - hi->len);
	p = ipsec_policy_lookup(IPSEC_DIR_OUTBOUND, hi);
	if (p == NULL)
		return no_policy(hi, res);
	v = apply_policy(p, hi, pb, res);
	key_policy_put(p);
	return v;
}
