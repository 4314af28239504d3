/*
 * IPv4 and IPv6 header validation and selector extraction.  Every read is
 * preceded by a length check against the bytes the packet really has; a
 * refused packet moves exactly one counter, the one naming the reason.
 */
#include <string.h>

#include "sys/net/net_endian.h"
#include "sys/netinet/in_cksum.h"
#include "sys/netinet/ip_hdr.h"
#include "sys/netinet/ip_var.h"
#include "sys/netinet6/ip6_var.h"

#define IP4_HDR_MIN	20
#define IP4_OPT_LSRR	131	/* loose source and record route */
#define IP4_OPT_SSRR	137	/* strict source and record route */
#define IP6_HDR_LEN	40
#define IP6_FRAG_LEN	8
#define IP_MAXPACKET	65535

/* What the selector code needs to know about an upper-layer protocol. */
enum ulp_kind {
	ULP_NONE = 0,		/* no selectors beyond the protocol */
	ULP_PORTS,		/* 16-bit source and destination ports */
	ULP_ICMP,		/* type and code */
};

struct ulp_desc {
	uint8_t		kind;	/* enum ulp_kind */
	uint8_t		minlen;	/* smallest valid header */
};

static const struct ulp_desc ulp_table[256] = {
	[IPPROTO_TCP] = { ULP_PORTS, 20 },
	[IPPROTO_UDP] = { ULP_PORTS, 8 },
	[IPPROTO_UDPLITE] = { ULP_PORTS, 8 },
	[IPPROTO_SCTP] = { ULP_PORTS, 12 },
	[IPPROTO_DCCP] = { ULP_PORTS, 12 },
	[IPPROTO_ICMP] = { ULP_ICMP, 8 },
	[IPPROTO_ICMPV6] = { ULP_ICMP, 4 },
};

/* IPv6 extension headers the walk steps over, and how. */
enum ext_kind {
	EXT_STOP = 0,		/* upper layer, AH, ESP, no next header */
	EXT_HBH,		/* hop-by-hop options: first only */
	EXT_DSTOPTS,		/* destination options */
	EXT_ROUTING,		/* routing header */
	EXT_FRAGMENT,		/* fragment header */
};

static const uint8_t ext_table[256] = {
	[IPPROTO_HOPOPTS] = EXT_HBH,
	[IPPROTO_DSTOPTS] = EXT_DSTOPTS,
	[IPPROTO_ROUTING] = EXT_ROUTING,
	[IPPROTO_FRAGMENT] = EXT_FRAGMENT,
};

static int
drop4(struct ip_hdr_info *hi, enum ipstat_counter why)
{
	net_counter_inc(&ipstat, why);
	hi->drop = why;
	return -1;
}

static int
drop6(struct ip_hdr_info *hi, enum ip6stat_counter why)
{
	net_counter_inc(&ip6stat, why);
	hi->drop = why;
	return -1;
}

int
ip_hdr_ulp(const uint8_t *pkt, struct ip_hdr_info *hi)
{
	const struct ulp_desc *d = &ulp_table[hi->proto];
	const uint8_t *u = pkt + hi->ulp_off;
	bool whole = !(hi->flags & IP_HDR_F_FRAG);

	hi->flags &= ~(IP_HDR_F_PORTS | IP_HDR_F_ICMP);
	hi->sport = hi->dport = 0;
	hi->icmp_type = hi->icmp_code = 0;
	if (d->kind == ULP_NONE)
		return 0;
	/* Only the first fragment holds the transport header. */
	if (!whole && hi->frag.off != 0)
		return 0;
	if (hi->ulp_off > hi->len || hi->len - hi->ulp_off < d->minlen)
		return whole ? -1 : 0;
	if (d->kind == ULP_PORTS) {
		hi->sport = be_get16(u);
		hi->dport = be_get16(u + 2);
		hi->flags |= IP_HDR_F_PORTS;
		return 0;
	}
	/* KAME's SPD keeps the ICMP type and code in the port fields. */
	hi->icmp_type = u[0];
	hi->icmp_code = u[1];
	hi->sport = u[0];
	hi->dport = u[1];
	hi->flags |= IP_HDR_F_ICMP | IP_HDR_F_PORTS;
	return 0;
}

/*
 * A loose or strict source route (RFC 791 3.1): type, length, a 1-origin
 * pointer of at least 4 to the next address.  The route is over when the
 * pointer is past the last address (BSD ip_dooptions()).
 */
static bool
ip4_srcroute(const uint8_t *opt, size_t olen, struct ip_hdr_info *hi)
{
	if (olen < 3 || opt[2] < 4)
		return false;
	hi->flags |= IP_HDR_F_SRCRT;
	if ((size_t)opt[2] + 3 <= olen)
		hi->flags |= IP_HDR_F_SRCRT_MORE;
	return true;
}

/*
 * The option list of an IPv4 header must end inside the header; source
 * routes are noted in hi.
 */
static bool
ip4_options_ok(const uint8_t *opt, size_t len, struct ip_hdr_info *hi)
{
	size_t i = 0, olen;

	while (i < len) {
		if (opt[i] == 0)		/* end of option list */
			return true;
		if (opt[i] == 1) {		/* no operation */
			i++;
			continue;
		}
		if (len - i < 2)
			return false;
		olen = opt[i + 1];
		if (olen < 2 || olen > len - i)
			return false;
		if ((opt[i] == IP4_OPT_LSRR || opt[i] == IP4_OPT_SSRR) &&
		    !ip4_srcroute(opt + i, olen, hi))
			return false;
		i += olen;
	}
	return true;
}

static void
ip4_addrs(const uint8_t *pkt, struct ip_hdr_info *hi)
{
	hi->src.sin.sin_family = AF_INET;
	memcpy(&hi->src.sin.sin_addr, pkt + 12, 4);
	hi->dst.sin.sin_family = AF_INET;
	memcpy(&hi->dst.sin.sin_addr, pkt + 16, 4);
}

/* Fragment fields of an IPv4 header; -1 with the counter on bad ones. */
static int
ip4_frag(const uint8_t *pkt, struct ip_hdr_info *hi)
{
	uint16_t fo = be_get16(pkt + 6);
	uint32_t plen = hi->len - hi->hlen;

	if (fo & 0x4000)
		hi->flags |= IP_HDR_F_DF;
	hi->frag.off = (uint16_t)((fo & 0x1fff) << 3);
	hi->frag.more = (fo & 0x2000) != 0;
	if (hi->frag.off == 0 && !hi->frag.more)
		return 0;
	hi->flags |= IP_HDR_F_FRAG;
	if (hi->frag.off == 0)
		hi->flags |= IP_HDR_F_FIRSTFRAG;
	hi->frag.id = be_get16(pkt + 4);
	hi->frag.data_off = hi->hlen;
	if (hi->frag.off + plen > IP_MAXPACKET)
		return drop4(hi, IPSTAT_TOOLONG);
	/* Every fragment but the last carries a non-empty multiple of 8. */
	if (hi->frag.more && (plen == 0 || plen % 8 != 0))
		return drop4(hi, IPSTAT_BADFRAGS);
	return 0;
}

int
ip4_hdr_parse(const uint8_t *pkt, size_t len, struct ip_hdr_info *hi)
{
	memset(hi, 0, sizeof(*hi));
	hi->af = AF_INET;
	net_counter_inc(&ipstat, IPSTAT_TOTAL);
	if (len < IP4_HDR_MIN)
		return drop4(hi, IPSTAT_TOOSMALL);
	if (pkt[0] >> 4 != 4)
		return drop4(hi, IPSTAT_BADVERS);
	hi->hlen = (uint16_t)((pkt[0] & 0x0f) * 4);
	if (hi->hlen < IP4_HDR_MIN || hi->hlen > len)
		return drop4(hi, IPSTAT_BADHLEN);
	hi->len = be_get16(pkt + 2);
	if (hi->len < hi->hlen)
		return drop4(hi, IPSTAT_BADLEN);
	if (hi->len > len)
		return drop4(hi, IPSTAT_TOOSHORT);
	if (in_cksum(pkt, hi->hlen) != 0)
		return drop4(hi, IPSTAT_BADSUM);
	if (!ip4_options_ok(pkt + IP4_HDR_MIN, hi->hlen - IP4_HDR_MIN, hi))
		return drop4(hi, IPSTAT_BADOPTIONS);
	/* A multicast or limited-broadcast source is never legitimate. */
	if (pkt[12] >= 224)
		return drop4(hi, IPSTAT_BADADDR);
	ip4_addrs(pkt, hi);
	hi->tos = pkt[1];
	hi->ttl = pkt[8];
	hi->proto = pkt[9];
	hi->ulp_off = hi->ins_off = hi->hlen;
	hi->protoff = 9;
	if (ip4_frag(pkt, hi) != 0)
		return -1;
	if (ip_hdr_ulp(pkt, hi) != 0)
		return drop4(hi, IPSTAT_ULPSHORT);
	return 0;
}

/* Options of a hop-by-hop or destination options header are TLVs. */
static bool
ip6_options_ok(const uint8_t *opt, size_t len)
{
	size_t i = 0;

	while (i < len) {
		if (opt[i] == 0) {		/* Pad1 */
			i++;
			continue;
		}
		if (len - i < 2 || (size_t)opt[i + 1] + 2 > len - i)
			return false;
		i += (size_t)opt[i + 1] + 2;
	}
	return true;
}

/* The fragment header at off; the walk goes on only for a first one. */
static int
ip6_frag(const uint8_t *pkt, size_t off, size_t nhoff,
    struct ip_hdr_info *hi)
{
	const uint8_t *f = pkt + off;
	uint32_t plen;

	if (hi->frag.hdr_off != 0)
		return drop6(hi, IP6STAT_BADFRAGS);
	hi->frag.hdr_off = (uint16_t)off;
	hi->frag.hdr_protoff = (uint16_t)nhoff;
	hi->frag.data_off = (uint16_t)(off + IP6_FRAG_LEN);
	hi->frag.off = be_get16(f + 2) & 0xfff8;
	hi->frag.more = (f[3] & 1) != 0;
	hi->frag.id = be_get32(f + 4);
	/* An atomic fragment (RFC 6946) is a whole datagram. */
	if (hi->frag.off == 0 && !hi->frag.more)
		return 0;
	hi->flags |= IP_HDR_F_FRAG;
	if (hi->frag.off == 0)
		hi->flags |= IP_HDR_F_FIRSTFRAG;
	plen = hi->len - hi->frag.data_off;
	if (hi->frag.off + plen > IP_MAXPACKET)
		return drop6(hi, IP6STAT_TOOLONG);
	if (hi->frag.more && (plen == 0 || plen % 8 != 0))
		return drop6(hi, IP6STAT_BADFRAGS);
	return 0;
}

/* Length of the extension header at off, or 0 if it does not fit. */
static size_t
ip6_ext_len(const uint8_t *pkt, size_t off, uint8_t kind, size_t end)
{
	size_t elen;

	if (off >= end)
		return 0;
	if (kind == EXT_FRAGMENT)
		elen = IP6_FRAG_LEN;
	else if (end - off < 2)
		return 0;
	else
		elen = ((size_t)pkt[off + 1] + 1) * 8;
	return end - off < elen ? 0 : elen;
}

static int
ip6_check_ext(const uint8_t *pkt, size_t off, size_t elen, uint8_t kind,
    struct ip_hdr_info *hi)
{
	if (kind == EXT_HBH && off != IP6_HDR_LEN)
		return drop6(hi, IP6STAT_BADOPTIONS);
	if ((kind == EXT_HBH || kind == EXT_DSTOPTS) &&
	    !ip6_options_ok(pkt + off + 2, elen - 2))
		return drop6(hi, IP6STAT_BADOPTIONS);
	return 0;
}

size_t
ip6_exthdr_len(const uint8_t *pkt, size_t off, uint8_t nh, size_t end)
{
	uint8_t kind = ext_table[nh];

	return kind == EXT_STOP ? 0 : ip6_ext_len(pkt, off, kind, end);
}

/*
 * Walk the extension headers from the fixed header to the first header
 * that is not one, recording the transport-mode insertion point.
 */
static int
ip6_walk(const uint8_t *pkt, struct ip_hdr_info *hi)
{
	size_t off = IP6_HDR_LEN, nhoff = 6, elen;
	uint8_t nh = pkt[6], kind;
	int count = 0;

	hi->ins_off = IP6_HDR_LEN;
	hi->protoff = 6;
	while ((kind = ext_table[nh]) != EXT_STOP) {
		if (++count > IP6_MAX_EXTHDRS)
			return drop6(hi, IP6STAT_TOOMANYHDR);
		elen = ip6_ext_len(pkt, off, kind, hi->len);
		if (elen == 0)
			return drop6(hi, IP6STAT_EXTSHORT);
		if (ip6_check_ext(pkt, off, elen, kind, hi) != 0)
			return -1;
		if (kind == EXT_FRAGMENT && ip6_frag(pkt, off, nhoff, hi) != 0)
			return -1;
		if (kind != EXT_DSTOPTS) {
			hi->ins_off = (uint16_t)(off + elen);
			hi->protoff = (uint16_t)off;
		}
		nhoff = off;
		nh = pkt[off];
		off += elen;
		/* Past a non-first fragment's header there are no headers. */
		if (kind == EXT_FRAGMENT && hi->frag.off != 0)
			break;
	}
	hi->proto = nh;
	hi->ulp_off = (uint16_t)off;
	return 0;
}

static void
ip6_addrs(const uint8_t *pkt, struct ip_hdr_info *hi)
{
	hi->src.sin6.sin6_family = AF_INET6;
	memcpy(&hi->src.sin6.sin6_addr, pkt + 8, 16);
	hi->dst.sin6.sin6_family = AF_INET6;
	memcpy(&hi->dst.sin6.sin6_addr, pkt + 24, 16);
}

int
ip6_hdr_parse(const uint8_t *pkt, size_t len, struct ip_hdr_info *hi)
{
	uint32_t plen;

	memset(hi, 0, sizeof(*hi));
	hi->af = AF_INET6;
	net_counter_inc(&ip6stat, IP6STAT_TOTAL);
	if (len < IP6_HDR_LEN)
		return drop6(hi, IP6STAT_TOOSMALL);
	if (pkt[0] >> 4 != 6)
		return drop6(hi, IP6STAT_BADVERS);
	plen = be_get16(pkt + 4);
	/* Payload length 0 behind hop-by-hop options is a jumbogram. */
	if (plen == 0 && pkt[6] == IPPROTO_HOPOPTS)
		return drop6(hi, IP6STAT_JUMBO);
	if (plen > len - IP6_HDR_LEN)
		return drop6(hi, IP6STAT_TOOSHORT);
	if (pkt[8] == 0xff)
		return drop6(hi, IP6STAT_BADSCOPE);
	hi->len = IP6_HDR_LEN + plen;
	hi->hlen = IP6_HDR_LEN;
	ip6_addrs(pkt, hi);
	hi->tos = (uint8_t)((pkt[0] & 0x0f) << 4 | pkt[1] >> 4);
	hi->ttl = pkt[7];
	if (ip6_walk(pkt, hi) != 0)
		return -1;
	if (ip_hdr_ulp(pkt, hi) != 0)
		return drop6(hi, IP6STAT_ULPSHORT);
	return 0;
}

int
ip_hdr_parse(const uint8_t *pkt, size_t len, struct ip_hdr_info *hi)
{
	if (len >= 1 && pkt[0] >> 4 == 6)
		return ip6_hdr_parse(pkt, len, hi);
	if (len >= 1 && pkt[0] >> 4 == 4)
		return ip4_hdr_parse(pkt, len, hi);
	/* Neither family: counted as an IPv4 packet, as KAME's ipintr does. */
	memset(hi, 0, sizeof(*hi));
	net_counter_inc(&ipstat, IPSTAT_TOTAL);
	return drop4(hi, len == 0 ? IPSTAT_TOOSMALL : IPSTAT_BADVERS);
}
