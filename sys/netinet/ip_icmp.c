/*
 * Building ICMP "fragmentation needed" and ICMPv6 "packet too big".
 */
#include <stdbool.h>
#include <string.h>

#include "sys/net/net_endian.h"
#include "sys/netinet/in_cksum.h"
#include "sys/netinet/ip_frag.h"
#include "sys/netinet/ip_icmp.h"
#include "sys/netinet/ip_var.h"
#include "sys/netinet6/ip6_var.h"

#define IP4_HDR_LEN	20
#define IP6_HDR_LEN	40
#define ICMP_HDR_LEN	8
#define ERROR_TTL	64

/* ICMP types that are errors (RFC 1122 section 3.2.2). */
static const bool icmp_is_error[256] = {
	[3] = true, [4] = true, [5] = true, [11] = true, [12] = true,
};

/*
 * A buffer for an error message: hdrs bytes of IP and ICMP header, zeroed,
 * then as much of the offending datagram as keeps the whole within max;
 * the quoted length in *quotep.  NULL when the pool is empty.
 */
static struct pbuf *
error_buf(struct pbuf_pool *pool, const uint8_t *pkt,
    const struct ip_hdr_info *hi, size_t hdrs, size_t max, size_t *quotep)
{
	size_t quote = hi->len < max - hdrs ? hi->len : max - hdrs;
	struct pbuf *pb;
	uint8_t *p;

	pb = pbuf_alloc(pool, hdrs + quote);
	if (pb == NULL)
		return NULL;
	p = pbuf_put(pb, hdrs + quote);
	memset(p, 0, hdrs);
	memcpy(p + hdrs, pkt, quote);
	*quotep = quote;
	return pb;
}

static bool
ip4_unicast(const uint8_t *a)
{
	return a[0] != 0 && a[0] < 224;
}

/* Whether an error may be sent about this IPv4 packet; counts if not. */
static bool
icmp_error_allowed(const struct ip_hdr_info *hi)
{
	const uint8_t *src = (const uint8_t *)&hi->src.sin.sin_addr;
	const uint8_t *dst = (const uint8_t *)&hi->dst.sin.sin_addr;

	if ((hi->flags & IP_HDR_F_FRAG) && hi->frag.off != 0) {
		net_counter_inc(&icmpstat, ICMPSTAT_NOTFIRST);
		return false;
	}
	if (hi->proto == IPPROTO_ICMP && (!(hi->flags & IP_HDR_F_ICMP) ||
	    icmp_is_error[hi->icmp_type])) {
		net_counter_inc(&icmpstat, ICMPSTAT_OLDICMP);
		return false;
	}
	if (!ip4_unicast(src) || !ip4_unicast(dst)) {
		net_counter_inc(&icmpstat, ICMPSTAT_BADADDR);
		return false;
	}
	return true;
}

struct pbuf *
icmp_error_needfrag(struct pbuf_pool *pool, const uint8_t *pkt,
    const struct ip_hdr_info *hi, uint16_t mtu, const struct in_addr *src)
{
	struct pbuf *pb;
	size_t quote;
	uint8_t *p, *ic;

	net_counter_inc(&icmpstat, ICMPSTAT_ERROR);
	if (!icmp_error_allowed(hi))
		return NULL;
	pb = error_buf(pool, pkt, hi, IP4_HDR_LEN + ICMP_HDR_LEN,
	    ICMP_ERROR_QUOTE_MAX4, &quote);
	if (pb == NULL) {
		net_counter_inc(&icmpstat, ICMPSTAT_NOBUFS);
		return NULL;
	}
	p = pb->data;
	p[0] = 0x45;
	be_put16(p + 2, (uint16_t)pb->len);
	be_put16(p + 4, (uint16_t)ip_frag_id());
	p[8] = ERROR_TTL;
	p[9] = IPPROTO_ICMP;
	memcpy(p + 12, src != NULL ? (const void *)src :
	    (const void *)&hi->dst.sin.sin_addr, 4);
	memcpy(p + 16, &hi->src.sin.sin_addr, 4);
	be_put16(p + 10, in_cksum(p, IP4_HDR_LEN));
	ic = p + IP4_HDR_LEN;
	ic[0] = ICMP_UNREACH;
	ic[1] = ICMP_UNREACH_NEEDFRAG;
	be_put16(ic + 6, mtu);
	be_put16(ic + 2, in_cksum(ic, ICMP_HDR_LEN + quote));
	pb->af = AF_INET;
	net_counter_inc(&icmpstat, ICMPSTAT_OUT_NEEDFRAG);
	return pb;
}

/*
 * RFC 4443 section 2.4 (e): no error about an ICMPv6 error (types below
 * 128) or one whose type cannot be read, nor to an address that is not
 * unicast.  Packet too big may answer a multicast destination.
 */
static bool
icmp6_error_allowed(const struct ip_hdr_info *hi, const struct in6_addr *src)
{
	const struct in6_addr *from = src != NULL ? src :
	    &hi->dst.sin6.sin6_addr;

	if (hi->proto == IPPROTO_ICMPV6 && (!(hi->flags & IP_HDR_F_ICMP) ||
	    hi->icmp_type < 128)) {
		net_counter_inc(&icmp6stat, ICMP6STAT_CANTERROR);
		return false;
	}
	if (IN6_IS_ADDR_UNSPECIFIED(&hi->src.sin6.sin6_addr) ||
	    IN6_IS_ADDR_MULTICAST(&hi->src.sin6.sin6_addr) ||
	    IN6_IS_ADDR_MULTICAST(from) || IN6_IS_ADDR_UNSPECIFIED(from)) {
		net_counter_inc(&icmp6stat, ICMP6STAT_BADADDR);
		return false;
	}
	return true;
}

struct pbuf *
icmp6_error_toobig(struct pbuf_pool *pool, const uint8_t *pkt,
    const struct ip_hdr_info *hi, uint32_t mtu, const struct in6_addr *src)
{
	struct pbuf *pb;
	size_t quote;
	uint8_t *p, *ic;

	net_counter_inc(&icmp6stat, ICMP6STAT_ERROR);
	if (!icmp6_error_allowed(hi, src))
		return NULL;
	pb = error_buf(pool, pkt, hi, IP6_HDR_LEN + ICMP_HDR_LEN,
	    ICMP_ERROR_QUOTE_MAX6, &quote);
	if (pb == NULL) {
		net_counter_inc(&icmp6stat, ICMP6STAT_NOBUFS);
		return NULL;
	}
	p = pb->data;
	p[0] = 0x60;
	be_put16(p + 4, (uint16_t)(pb->len - IP6_HDR_LEN));
	p[6] = IPPROTO_ICMPV6;
	p[7] = ERROR_TTL;
	memcpy(p + 8, src != NULL ? src : &hi->dst.sin6.sin6_addr, 16);
	memcpy(p + 24, &hi->src.sin6.sin6_addr, 16);
	ic = p + IP6_HDR_LEN;
	ic[0] = ICMP6_PACKET_TOO_BIG;
	be_put16(ic + 4, (uint16_t)(mtu >> 16));
	be_put16(ic + 6, (uint16_t)mtu);
	be_put16(ic + 2, in_cksum_upper(AF_INET6, p + 8, p + 24,
	    IPPROTO_ICMPV6, ic, (uint32_t)(ICMP_HDR_LEN + quote)));
	pb->af = AF_INET6;
	net_counter_inc(&icmp6stat, ICMP6STAT_OUT_PKTTOOBIG);
	return pb;
}
