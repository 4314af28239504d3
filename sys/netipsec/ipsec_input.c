/*
 * The inbound IPsec hook (see ipsec_hooks.h): remove the transforms
 * layer by layer through the transform table, decapsulate tunnels, keep
 * the history of what was removed, then check the final packet against
 * the inbound policy.
 */
#include <netinet/in.h>
#include <string.h>

#include "net/pfkeyv2.h"
#include "sys/net/pbuf.h"
#include "sys/netipsec/ipcomp_var.h"
#include "sys/netipsec/ipsec_hooks.h"
#include "sys/netipsec/ipsec_policy.h"
#include "sys/netipsec/ipsec_stat.h"
#include "sys/netipsec/ipsec_util.h"
#include "sys/netipsec/ipsec_var.h"
#include "sys/netipsec/xform_ipip.h"
#include "sys/netkey/key_sad.h"
#include "sys/netkey/key_spd.h"

/* Destination options headers walked after a removed ESP, at most. */
#define DSTOPTS_MAX	4

/* Mark a drop of af's counter c; the return value is the counter. */
static int
in_fail(int af, enum ipsecstat_counter c)
{
	return ipsecstat_inc(af, c);
}

/*
 * The offset of the next-header byte that names the transform header at
 * hi->ulp_off.  The parser's protoff is the transport-mode insertion
 * point's; IPv6 destination options between that point and the header
 * move it on, one header at a time.
 */
static size_t
xform_protoff(const uint8_t *pkt, const struct ip_hdr_info *hi)
{
	size_t off = hi->ins_off, protoff = hi->protoff;

	if (hi->af != AF_INET6)
		return protoff;
	while (off < hi->ulp_off) {
		protoff = off;
		off += ((size_t)pkt[off + 1] + 1) * 8;
	}
	return protoff;
}

/*
 * After a transport-mode transform came off, the parsed view moves on to
 * what was inside it: the protocol, the length and, for IPv6, destination
 * options that followed the transform; then the selectors.
 */
static int
continue_parse(const struct pbuf *pb, struct ip_hdr_info *hi, uint8_t nxt)
{
	const uint8_t *p = pb->data;
	size_t off = hi->ulp_off, elen;
	int n = 0;

	hi->proto = nxt;
	hi->len = (uint32_t)pb->len;
	while (hi->af == AF_INET6 && hi->proto == IPPROTO_DSTOPTS) {
		if (++n > DSTOPTS_MAX || off + 2 > pb->len)
			return -1;
		elen = ((size_t)p[off + 1] + 1) * 8;
		if (elen > pb->len - off)
			return -1;
		hi->proto = p[off];
		off += elen;
	}
	hi->ulp_off = (uint16_t)off;
	return ip_hdr_ulp(p, hi);
}

/* Record what came off and count the success. */
static struct ipsec_history_entry *
record(struct ipsec_in_result *res, const struct ipsec_sa *sa, int af)
{
	const struct ipsec_xform *xf = ipsec_xform_of(sa);

	ipsecstat_inc(af, IPSECS_IN_SUCCESS);
	if (xf->ops->in_authsucc >= 0 &&
	    (xf->flags & (IPSEC_XF_AEAD | IPSEC_XF_AUTH)))
		ipsecstat_inc(af, xf->ops->in_authsucc);
	ipsecstat_hist_inc(af, sa->proto, false, xf->alg);
	return ipsec_history_add(&res->hist, sa->proto, sa->mode, sa->reqid,
	    sa->spi, &sa->src.sa, &sa->dst.sa);
}

/* Take the inner packet out of a tunnel and parse it. */
static int
decapsulate(const struct ipsec_xform_ops *ops, struct pbuf *pb,
    struct ipsec_in_result *res, size_t off, uint8_t nxt)
{
	enum ipsecstat_counter why;
	int af = res->hi.af;

	if (ipip_input(pb, off, nxt, &why) != 0) {
		net_counter_inc(ops->stats->c, ops->c_tunnel);
		return in_fail(af, why);
	}
	/*
	 * An inner fragment (peers may fragment before encapsulating) is
	 * passed on for reassembly; its policy check sees the selectors
	 * it carries (no ports past the first fragment).
	 */
	if (ip_hdr_parse(pb->data, pb->len, &res->hi) != 0) {
		net_counter_inc(ops->stats->c, ops->c_tunnel);
		return in_fail(af, IPSECS_IN_TUNNEL);
	}
	return -1;
}

/*
 * The SPI of the transform header at p: 32 bits as on the wire, or a
 * 16-bit CPI widened to the 32-bit network-order SPI the SAD keeps.
 */
static uint32_t
header_spi(const struct ipsec_xform_ops *ops, const uint8_t *p)
{
	uint32_t spi;
	uint16_t cpi;

	if (ops->spilen == 2) {
		memcpy(&cpi, p + ops->spioff, sizeof(cpi));
		return htonl(ntohs(cpi));
	}
	memcpy(&spi, p + ops->spioff, sizeof(spi));
	return spi;
}

/* The SA for the transform header at off, referenced; or NULL, *why. */
static struct ipsec_sa *
header_sa(const struct ipsec_xform_ops *ops, const struct pbuf *pb,
    const struct ip_hdr_info *hi, size_t off, int *why)
{
	struct ipsec_sa *sa;
	uint32_t spi;
	uint8_t state;

	if (hi->len < off + ops->hdrmin) {
		net_counter_inc(ops->stats->c, ops->c_hdrops);
		*why = in_fail(hi->af, IPSECS_IN_INVAL);
		return NULL;
	}
	spi = header_spi(ops, pb->data + off);
	sa = key_sad_lookup(&hi->dst.sa, ops->proto, spi);
	if (sa == NULL && ops->lookup != NULL)
		sa = ops->lookup(&hi->src.sa, &hi->dst.sa, spi);
	if (sa == NULL) {
		net_counter_inc(ops->stats->c, ops->c_notdb);
		*why = in_fail(hi->af, IPSECS_IN_NOSA);
		return NULL;
	}
	state = key_sa_state(sa);
	if (state != SADB_SASTATE_MATURE && state != SADB_SASTATE_DYING) {
		net_counter_inc(ops->stats->c, ops->c_notdb);
		*why = in_fail(hi->af, IPSECS_IN_BADSPI);
		return NULL;
	}
	if (ipsec_xform_of(sa) == NULL) {
		net_counter_inc(ops->stats->c, ops->c_noxform);
		*why = in_fail(hi->af, IPSECS_IN_INVAL);
		return NULL;
	}
	return key_sa_get(sa);
}

/*
 * ipsec_common_input: remove the transform header of protocol ops->proto
 * at res->hi.ulp_off, whatever the family.  -1 when done (res->hi
 * describes what is left), or the counter of the drop.
 */
static int
ipsec_common_input(const struct ipsec_xform_ops *ops, struct pbuf *pb,
    struct ipsec_in_result *res, const struct udpencap_in *enc)
{
	struct ip_hdr_info *hi = &res->hi;
	struct ipsec_history_entry *e;
	size_t off = hi->ulp_off;
	struct ipsec_xform *xf;
	struct ipsec_sa *sa;
	int af = hi->af, why = -1;
	uint8_t nxt;

	if (res->hist.n >= IPSEC_HISTORY_MAX || (hi->flags & IP_HDR_F_FRAG))
		return in_fail(af, IPSECS_IN_INVAL);
	sa = header_sa(ops, pb, hi, off, &why);
	if (sa == NULL)
		return why;
	xf = ipsec_xform_of(sa);
	if (!udpencap_check(&xf->encap, enc)) {
		key_sa_put(sa);
		return in_fail(af, IPSECS_IN_INVAL);
	}
	if (ops->input(sa, pb, off, xform_protoff(pb->data, hi), &nxt,
	    &why) != IPSEC_PASS) {
		key_sa_put(sa);
		return in_fail(af, (enum ipsecstat_counter)why);
	}
	udpencap_mapping(sa, &xf->encap, enc);
	e = record(res, sa, af);
	if ((nxt == IPPROTO_IPIP || nxt == IPPROTO_IPV6) &&
	    (sa->mode == IPSEC_MODE_TUNNEL || sa->mode == IPSEC_MODE_ANY)) {
		e->decap = true;
		why = decapsulate(ops, pb, res, off, nxt);
	} else if (continue_parse(pb, hi, nxt) != 0) {
		why = in_fail(af, IPSECS_IN_INVAL);
	} else if (hi->proto == IPPROTO_NONE) {
		/*
		 * A dummy packet (RFC 4303 section 2.6): traffic flow
		 * confidentiality filler the peer may send on any SA, tunnel
		 * or transport.  It authenticated, but carries nothing for
		 * the host and must be discarded without an error.
		 */
		why = in_fail(af, IPSECS_IN_DUMMY);
	} else if (enc->encap) {
		/* Transport mode through a NAT (RFC 3948 3.1.2). */
		udpencap_fix_cksum(pb, hi);
	}
	key_sa_put(sa);
	return why;
}

/*
 * An IPComp tunnel sends a packet that does not compress as plain IP in
 * IP (RFC 3173 section 2.2).  Take it out of the tunnel as the IPComp SA
 * between the outer addresses would have, so that the inner packet meets
 * its policy with the tunnel recorded.  -1 when done, or the counter of
 * the drop.
 */
static int
remove_plain_tunnel(struct ipsec_sa *sa, struct pbuf *pb,
    struct ipsec_in_result *res)
{
	struct ipsec_history_entry *e;

	e = ipsec_history_add(&res->hist, sa->proto, sa->mode, sa->reqid,
	    sa->spi, &sa->src.sa, &sa->dst.sa);
	if (e == NULL)
		return in_fail(res->hi.af, IPSECS_IN_INVAL);
	e->decap = true;
	ipsecstat_inc(res->hi.af, IPSECS_IN_SUCCESS);
	return decapsulate(&ipcomp_xform_ops, pb, res, res->hi.ulp_off,
	    res->hi.proto);
}

/* The policy a final packet meets: see struct ipsec_locality. */
static struct ipsec_policy *
in_policy(const struct ip_hdr_info *hi, const struct ipsec_locality *loc)
{
	struct ipsec_policy *p;

	if (loc != NULL && !loc->is_local(loc->arg, &hi->dst) &&
	    (p = ipsec_policy_lookup(IPSEC_DIR_FWD, hi)) != NULL)
		return p;
	return ipsec_policy_lookup(IPSEC_DIR_INBOUND, hi);
}

/* Whether p lets a packet with history hist in. */
static int
policy_verdict(struct ipsec_policy *p, const struct ip_hdr_info *hi,
    const struct ipsec_history *hist)
{
	int why = -1;

	/*
	 * A `none' policy accepts protected packets too, as KAME does: the
	 * protection was the peer's choice and costs us nothing.
	 */
	if (p->action == IPSEC_POLICY_DISCARD ||
	    (p->action == IPSEC_POLICY_IPSEC &&
	    !ipsec_policy_check_in(p, hi, hist)))
		why = in_fail(hi->af, IPSECS_IN_POLVIO);
	key_policy_put(p);
	return why;
}

int
ipsec_forward_check(const struct ip_hdr_info *hi)
{
	struct ipsec_history none;
	struct ipsec_policy *p;

	if ((p = ipsec_policy_lookup(IPSEC_DIR_FWD, hi)) == NULL)
		return -1;
	ipsec_history_clear(&none);
	return policy_verdict(p, hi, &none);
}

/* The inbound policy for the final packet; -1 (accept) or a counter. */
static int
check_policy(const struct ipsec_in_result *res,
    const struct ipsec_locality *loc)
{
	const struct ip_hdr_info *hi = &res->hi;
	struct ipsec_policy *p;
	int why = -1;

	p = in_policy(hi, loc);
	if (p == NULL) {
		if (net_tunable_get(&ipsec_af_vars(hi->af)->def_policy) ==
		    IPSEC_POLICY_DISCARD)
			why = in_fail(hi->af, IPSECS_IN_POLVIO);
		return why;
	}
	return policy_verdict(p, hi, &res->hist);
}

enum ipsec_verdict
ipsec_input(struct pbuf **pbp, const struct ip_hdr_info *hi,
    struct ipsec_in_result *res)
{
	return ipsec_input_local(pbp, hi, res, NULL);
}

enum ipsec_verdict
ipsec_input_local(struct pbuf **pbp, const struct ip_hdr_info *hi,
    struct ipsec_in_result *res, const struct ipsec_locality *loc)
{
	const struct ipsec_xform_ops *ops;
	struct pbuf *pb = *pbp;
	struct udpencap_in enc = { .encap = false };
	struct ipsec_sa *sa;
	int why = -1;

	res->drop = -1;
	ipsec_history_clear(&res->hist);
	if (hi != NULL)
		res->hi = *hi;
	else if (ip_hdr_parse(pb->data, pb->len, &res->hi) != 0) {
		res->drop = in_fail(res->hi.af, IPSECS_IN_INVAL);
		return IPSEC_DROP;
	}
	if (pb->len > res->hi.len)
		pbuf_trim(pb, pb->len - res->hi.len);
	while (why < 0) {
		if ((ops = ipsec_xform_lookup(res->hi.proto)) != NULL) {
			why = ipsec_common_input(ops, pb, res, &enc);
			enc.encap = false;
		} else if (udpencap_input(pb, &res->hi,
		    xform_protoff(pb->data, &res->hi), &enc) == UDPENCAP_ESP)
			continue;
		else if ((sa = ipcomp_tunnel_sa(&res->hi.src.sa,
		    &res->hi.dst.sa, res->hi.proto)) != NULL)
			why = remove_plain_tunnel(sa, pb, res);
		else
			break;
	}
	/* The lengths of the header that is left, once for all layers. */
	if (why < 0 && ipsec_history_protected(&res->hist) &&
	    ipsec_fix_iplen(pb) != 0)
		why = in_fail(res->hi.af, IPSECS_IN_INVAL);
	if (why < 0)
		why = check_policy(res, loc);
	res->drop = why;
	return why < 0 ? IPSEC_PASS : IPSEC_DROP;
}
