/*
 * Tunnel-mode encapsulation and decapsulation (see xform_ipip.h).
 */
#include <netinet/in.h>
#include <string.h>

#include "sys/net/net_endian.h"
#include "sys/net/pbuf.h"
#include "sys/netinet/in_cksum.h"
#include "sys/netinet/ip_frag.h"
#include "sys/netipsec/ipsec_util.h"
#include "sys/netipsec/ipsec_var.h"
#include "sys/netipsec/xform_ipip.h"

#define IP4_HLEN	20
#define IP6_HLEN	40
#define IP4_DF		0x40		/* in the first byte of ip_off */
#define ECN_MASK	0x03
#define DROP		0xff

/*
 * RFC 6040 section 4.2, indexed [inner][outer] by ECN codepoint
 * (Not-ECT 0, ECT(1) 1, ECT(0) 2, CE 3).  DROP marks the forbidden
 * combination: CE on the outside of a packet whose sender did not
 * negotiate ECN cannot be passed on.  An ECT outer over a Not-ECT inner
 * is unexpected but harmless, and the inner stays Not-ECT.
 */
static const uint8_t decap_table[4][4] = {
	[IPIP_ECN_NOTECT] = { IPIP_ECN_NOTECT, IPIP_ECN_NOTECT,
	    IPIP_ECN_NOTECT, DROP },
	[IPIP_ECN_ECT1] = { IPIP_ECN_ECT1, IPIP_ECN_ECT1, IPIP_ECN_ECT1,
	    IPIP_ECN_CE },
	[IPIP_ECN_ECT0] = { IPIP_ECN_ECT0, IPIP_ECN_ECT1, IPIP_ECN_ECT0,
	    IPIP_ECN_CE },
	[IPIP_ECN_CE] = { IPIP_ECN_CE, IPIP_ECN_CE, IPIP_ECN_CE,
	    IPIP_ECN_CE },
};

size_t
ipip_hdrlen(int af)
{
	return af == AF_INET6 ? IP6_HLEN : IP4_HLEN;
}

uint8_t
ipip_ecn_encap(int af, uint8_t inner)
{
	if (net_tunable_get(&ipsec_af_vars(af)->ecn) != 1)
		return IPIP_ECN_NOTECT;
	return inner & ECN_MASK;
}

int
ipip_ecn_decap(int af, uint8_t outer, uint8_t inner)
{
	inner &= ECN_MASK;
	if (net_tunable_get(&ipsec_af_vars(af)->ecn) != 1)
		return inner;
	if (decap_table[inner][outer & ECN_MASK] == DROP)
		return -1;
	return decap_table[inner][outer & ECN_MASK];
}

/* Traffic class of an IPv6 header. */
static uint8_t
ip6_tclass(const uint8_t *p)
{
	return (uint8_t)((p[0] & 0x0f) << 4 | p[1] >> 4);
}

static void
ip6_set_tclass(uint8_t *p, uint8_t tc)
{
	p[0] = (uint8_t)(0x60 | tc >> 4);
	p[1] = (uint8_t)((tc & 0x0f) << 4 | (p[1] & 0x0f));
}

/* What the outer header takes from the inner one. */
struct inner_view {
	uint8_t	tos;		/* TOS or traffic class */
	uint8_t	ttl;		/* TTL or hop limit */
	uint8_t	proto;		/* IPPROTO_IPV4 or IPPROTO_IPV6 */
	int	df;		/* inner IPv4 DF */
};

static int
inner_view(const struct pbuf *pb, struct inner_view *v)
{
	const uint8_t *p = pb->data;

	switch (ipsec_ip_family(p, pb->len)) {
	case AF_INET:
		if (pb->len < IP4_HLEN)
			return -1;
		v->tos = p[1];
		v->ttl = p[8];
		v->proto = IPPROTO_IPIP;
		v->df = (p[6] & IP4_DF) != 0;
		return 0;
	case AF_INET6:
		if (pb->len < IP6_HLEN)
			return -1;
		v->tos = ip6_tclass(p);
		v->ttl = p[7];
		v->proto = IPPROTO_IPV6;
		v->df = 0;
		return 0;
	default:
		return -1;
	}
}

int
ipip_df(int inner_df)
{
	switch (net_tunable_get(&ipsec_vars.dfbit)) {
	case 1:
		return 1;
	case 2:
		return inner_df != 0;
	default:
		return 0;
	}
}

static void
build_ip4(uint8_t *h, size_t total, const struct inner_view *v,
    const struct sockaddr *src, const struct sockaddr *dst)
{
	const struct sockaddr_in *s = (const void *)src, *d = (const void *)dst;
	uint16_t id = (uint16_t)ip_frag_id();

	memset(h, 0, IP4_HLEN);
	h[0] = 0x45;
	h[1] = (uint8_t)((v->tos & ~ECN_MASK) | ipip_ecn_encap(AF_INET,
	    v->tos));
	be_put16(h + 2, (uint16_t)total);
	be_put16(h + 4, id);
	h[6] = ipip_df(v->df) ? IP4_DF : 0;
	h[8] = v->ttl;
	h[9] = v->proto;
	memcpy(h + 12, &s->sin_addr, 4);
	memcpy(h + 16, &d->sin_addr, 4);
	be_put16(h + 10, in_cksum(h, IP4_HLEN));
}

static void
build_ip6(uint8_t *h, size_t plen, const struct inner_view *v,
    const struct sockaddr *src, const struct sockaddr *dst)
{
	const struct sockaddr_in6 *s = (const void *)src;
	const struct sockaddr_in6 *d = (const void *)dst;

	memset(h, 0, IP6_HLEN);
	ip6_set_tclass(h, (uint8_t)((v->tos & ~ECN_MASK) |
	    ipip_ecn_encap(AF_INET6, v->tos)));
	be_put16(h + 4, (uint16_t)plen);
	h[6] = v->proto;
	h[7] = v->ttl;
	memcpy(h + 8, &s->sin6_addr, 16);
	memcpy(h + 24, &d->sin6_addr, 16);
}

int
ipip_output(struct pbuf *pb, const struct sockaddr *src,
    const struct sockaddr *dst)
{
	struct inner_view v;
	size_t hlen;
	uint8_t *h;

	if (src->sa_family != dst->sa_family || (dst->sa_family != AF_INET &&
	    dst->sa_family != AF_INET6) || inner_view(pb, &v) != 0)
		return -1;
	hlen = ipip_hdrlen(dst->sa_family);
	if (pb->len + hlen > 65535 || (dst->sa_family == AF_INET6 &&
	    pb->len > 65535))
		return -1;
	h = pbuf_push(pb, hlen);
	if (h == NULL)
		return -1;
	if (dst->sa_family == AF_INET)
		build_ip4(h, pb->len, &v, src, dst);
	else
		build_ip6(h, pb->len - IP6_HLEN, &v, src, dst);
	pb->af = dst->sa_family;
	return 0;
}

/* The outer TOS or traffic class of the header at p. */
static uint8_t
outer_tos(const uint8_t *p)
{
	return (p[0] >> 4) == 6 ? ip6_tclass(p) : p[1];
}

/*
 * Write the ECN field of the inner header at p; an IPv4 header checksum
 * is updated for the changed word.
 */
static void
set_inner_ecn(uint8_t *p, uint8_t ecn)
{
	uint16_t old, new;

	if ((p[0] >> 4) == 6) {
		ip6_set_tclass(p, (uint8_t)((ip6_tclass(p) & ~ECN_MASK) |
		    ecn));
		return;
	}
	old = be_get16(p);
	p[1] = (uint8_t)((p[1] & ~ECN_MASK) | ecn);
	new = be_get16(p);
	be_put16(p + 10, in_cksum_update16(be_get16(p + 10), old,
	    new));
}

/* The inner packet's own length, or 0 when its header is not whole. */
static size_t
inner_length(const uint8_t *p, size_t avail, uint8_t nxt)
{
	if (nxt == IPPROTO_IPIP && avail >= IP4_HLEN && (p[0] >> 4) == 4)
		return be_get16(p + 2);
	if (nxt == IPPROTO_IPV6 && avail >= IP6_HLEN && (p[0] >> 4) == 6)
		return IP6_HLEN + (size_t)be_get16(p + 4);
	return 0;
}

int
ipip_input(struct pbuf *pb, size_t off, uint8_t nxt,
    enum ipsecstat_counter *why)
{
	uint8_t *inner, otos;
	size_t ilen;
	int ecn, af;

	if (off > pb->len) {
		*why = IPSECS_IN_TUNNEL;
		return -1;
	}
	inner = pb->data + off;
	ilen = inner_length(inner, pb->len - off, nxt);
	if (ilen == 0 || ilen > pb->len - off ||
	    ilen < (nxt == IPPROTO_IPIP ? IP4_HLEN : IP6_HLEN)) {
		*why = IPSECS_IN_TUNNEL;
		return -1;
	}
	/* The outer header's family chooses the setting, as in KAME. */
	af = ipsec_ip_family(pb->data, off);
	otos = outer_tos(pb->data);
	ecn = ipip_ecn_decap(af, otos, nxt == IPPROTO_IPIP ? inner[1] :
	    ip6_tclass(inner));
	if (ecn < 0) {
		*why = IPSECS_IN_ECN;
		return -1;
	}
	set_inner_ecn(inner, (uint8_t)ecn);
	pbuf_pull(pb, off);
	pbuf_trim(pb, pb->len - ilen);
	pb->af = nxt == IPPROTO_IPIP ? AF_INET : AF_INET6;
	return 0;
}
