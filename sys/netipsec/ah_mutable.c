/*
 * The bytes AH's ICV covers in front of the AH header (RFC 4302 section
 * 3.3.3.1): the IP header and the IPv6 extension headers with every
 * field a router may change zeroed, and the fields a source route
 * changes predictably as they will read at the final destination.
 *
 * The bytes go to a sink piece by piece instead of into a copy of the
 * headers, so that headers of any length cost no buffer and the packet
 * is never written.  Only the fixed IPv4 header with its options (60
 * bytes at most) and the fixed IPv6 header are rebuilt on the stack.
 * The IPv6 walk steps over headers with the parser's own length rule
 * (ip6_exthdr_len); ip_hdr_parse() has already validated them on the
 * packet path, but the walk checks every length again because tests and
 * tools hand packets straight to the transform.
 */
#include <string.h>

#include <netinet/in.h>

#include "sys/crypto/crypto.h"
#include "sys/net/net_endian.h"
#include "sys/netinet/ip_hdr.h"
#include "sys/netipsec/ah_var.h"
#include "sys/netipsec/ipsec_var.h"

#define IP4_HDR_MIN	20
#define IP4_HDR_MAX	60
#define IP6_HDR_LEN	40
#define IP6_ADDR_LEN	16

/* Option type bytes RFC 4302 appendix A.1 calls immutable. */
#define IPOPT_EOL	0
#define IPOPT_NOP	1
#define IPOPT_SEC	130
#define IPOPT_LSRR	131
#define IPOPT_ESEC	133
#define IPOPT_CIPSO	134
#define IPOPT_SSRR	137
#define IPOPT_RA	148
#define IPOPT_SDMDD	149

/* IPv6 option types whose third-highest bit is set may change (8200). */
#define IP6OPT_MUTABLE	0x20
#define IP6OPT_PAD1	0

/* Routing types whose final destination we know how to compute. */
#define IP6_RTHDR_TYPE0	0	/* RFC 2460, deprecated by RFC 5095 */
#define IP6_RTHDR_TYPE2	2	/* RFC 6275 Mobile IPv6 */
#define IP6_RTHDR_SRH	4	/* RFC 8754 segment routing */

static const uint8_t zeros[256];

/*
 * Appendix A.1: anything not listed as immutable is zeroed, unknown
 * options included, since a router may change what we cannot judge.
 */
static const uint8_t ip4opt_immutable[256] = {
	[IPOPT_EOL] = 1, [IPOPT_NOP] = 1, [IPOPT_SEC] = 1, [IPOPT_ESEC] = 1,
	[IPOPT_CIPSO] = 1, [IPOPT_RA] = 1, [IPOPT_SDMDD] = 1,
};

/*
 * The final destination a loose or strict source route names: the last
 * address of the list while the route is not used up (pointer inside
 * the list), else the header's destination already.
 */
static void
ip4_finaldst(uint8_t *h, const uint8_t *opt, size_t olen)
{
	if (olen < 3 + 4 || opt[2] > olen)
		return;
	memcpy(h + 16, opt + olen - 4, 4);
}

/* Zero the mutable options of the header copy h (hlen bytes). */
static int
ip4_options(uint8_t *h, size_t hlen)
{
	size_t i = IP4_HDR_MIN, olen;
	uint8_t type;

	while (i < hlen) {
		type = h[i];
		if (type == IPOPT_EOL)
			break;		/* what follows is padding, kept */
		if (type == IPOPT_NOP) {
			i++;
			continue;
		}
		if (hlen - i < 2 || h[i + 1] < 2 || h[i + 1] > hlen - i)
			return -1;
		olen = h[i + 1];
		if (type == IPOPT_LSRR || type == IPOPT_SSRR)
			ip4_finaldst(h, h + i, olen);
		if (!ip4opt_immutable[type])
			memset(h + i, 0, olen);
		i += olen;
	}
	return 0;
}

static int
ip4_input(const uint8_t *pkt, size_t skip, size_t len, ah_sink_fn sink,
    void *arg)
{
	uint8_t h[IP4_HDR_MAX];
	size_t hlen = (size_t)(pkt[0] & 0x0f) * 4;
	uint16_t off;

	if (hlen < IP4_HDR_MIN || hlen != skip || len > 65535)
		return -1;
	memcpy(h, pkt, hlen);
	if (net_tunable_get(&ipsec_vars.ah_cleartos))
		h[1] = 0;
	be_put16(h + 2, (uint16_t)len);
	off = be_get16(h + 6) &
	    (uint16_t)net_tunable_get(&ipsec_vars.ah_offsetmask);
	be_put16(h + 6, off);
	h[8] = 0;			/* TTL */
	h[10] = h[11] = 0;		/* header checksum */
	if (ip4_options(h, hlen) != 0)
		return -1;
	sink(arg, h, hlen);
	return 0;
}

/*
 * One routing header as it will be at the final destination.  Types 0
 * and 2 swap the destination with the next address at each hop, so at
 * the end the list has moved one place on behind the addresses already
 * visited and the first destination is in front of them; segment
 * routing (RFC 8754) keeps its list and ends at its first entry.  Any
 * other type, or a route already used up, is covered as it is.  *fdst
 * receives the final destination (NULL: the header's stays).
 */
struct ah_route {
	const uint8_t	*rh;		/* the routing header, or NULL */
	size_t		 rhlen;
	const uint8_t	*fdst;		/* final destination, or NULL */
};

static int
ip6_route(const uint8_t *rh, size_t rhlen, struct ah_route *rt)
{
	size_t n = (rhlen - 8) / IP6_ADDR_LEN, segleft = rh[3];

	if (segleft == 0)
		return 0;
	switch (rh[2]) {
	case IP6_RTHDR_TYPE0:
	case IP6_RTHDR_TYPE2:
		if (segleft > n)
			return -1;
		rt->rh = rh;
		rt->rhlen = rhlen;
		rt->fdst = rh + 8 + (n - 1) * IP6_ADDR_LEN;
		return 0;
	case IP6_RTHDR_SRH:
		if (n == 0 || segleft > n - 1)
			return -1;
		rt->rh = rh;
		rt->rhlen = rhlen;
		rt->fdst = rh + 8;
		return 0;
	default:
		return 0;
	}
}

static void
ip6_route_emit(const uint8_t *pkt, const struct ah_route *rt,
    ah_sink_fn sink, void *arg)
{
	const uint8_t *rh = rt->rh, *list = rh + 8;
	size_t n = (rt->rhlen - 8) / IP6_ADDR_LEN, first, k;
	uint8_t fixed[8];

	memcpy(fixed, rh, sizeof(fixed));
	fixed[3] = 0;			/* segments left */
	sink(arg, fixed, sizeof(fixed));
	if (rh[2] == IP6_RTHDR_SRH) {
		sink(arg, list, rt->rhlen - 8);
		return;
	}
	first = n - rh[3];
	for (k = 0; k < n; k++) {
		if (k < first)
			sink(arg, list + k * IP6_ADDR_LEN, IP6_ADDR_LEN);
		else if (k == first)
			sink(arg, pkt + 24, IP6_ADDR_LEN);
		else
			sink(arg, list + (k - 1) * IP6_ADDR_LEN, IP6_ADDR_LEN);
	}
	/* Bytes past the last whole address, if any, as they are. */
	sink(arg, list + n * IP6_ADDR_LEN, rt->rhlen - 8 - n * IP6_ADDR_LEN);
}

/* Hop-by-hop or destination options with mutable data zeroed. */
static int
ip6_options_emit(const uint8_t *eh, size_t elen, ah_sink_fn sink,
    void *arg)
{
	size_t i = 2, olen;

	sink(arg, eh, 2);
	while (i < elen) {
		if (eh[i] == IP6OPT_PAD1) {
			sink(arg, eh + i, 1);
			i++;
			continue;
		}
		if (elen - i < 2 || (size_t)eh[i + 1] + 2 > elen - i)
			return -1;
		olen = eh[i + 1];
		sink(arg, eh + i, 2);
		sink(arg, (eh[i] & IP6OPT_MUTABLE) ? zeros : eh + i + 2, olen);
		i += olen + 2;
	}
	return 0;
}

/*
 * Walk the extension headers in [40, skip): with emit false only check
 * them and find a routing header; with emit true hand them to the sink.
 */
static int
ip6_walk_ext(const uint8_t *pkt, size_t skip, bool emit,
    struct ah_route *rt, ah_sink_fn sink, void *arg)
{
	size_t off = IP6_HDR_LEN, elen;
	uint8_t nh = pkt[6];

	while (off < skip) {
		elen = ip6_exthdr_len(pkt, off, nh, skip);
		if (elen == 0)
			return -1;
		if (!emit && nh == IPPROTO_ROUTING &&
		    ip6_route(pkt + off, elen, rt) != 0)
			return -1;
		if (emit && (nh == IPPROTO_HOPOPTS || nh == IPPROTO_DSTOPTS)) {
			if (ip6_options_emit(pkt + off, elen, sink, arg) != 0)
				return -1;
		} else if (emit && rt->rh == pkt + off) {
			ip6_route_emit(pkt, rt, sink, arg);
		} else if (emit) {
			sink(arg, pkt + off, elen);
		}
		nh = pkt[off];
		off += elen;
	}
	return 0;
}

static int
ip6_input(const uint8_t *pkt, size_t skip, size_t len, ah_sink_fn sink,
    void *arg)
{
	struct ah_route rt = { NULL, 0, NULL };
	uint8_t h[IP6_HDR_LEN];

	if (skip < IP6_HDR_LEN || len - IP6_HDR_LEN > 65535 ||
	    ip6_walk_ext(pkt, skip, false, &rt, sink, arg) != 0)
		return -1;
	memcpy(h, pkt, IP6_HDR_LEN);
	h[0] = 0x60;			/* version; class and flow zeroed */
	h[1] = h[2] = h[3] = 0;
	be_put16(h + 4, (uint16_t)(len - IP6_HDR_LEN));
	h[7] = 0;			/* hop limit */
	if (rt.fdst != NULL)
		memcpy(h + 24, rt.fdst, IP6_ADDR_LEN);
	sink(arg, h, IP6_HDR_LEN);
	return ip6_walk_ext(pkt, skip, true, &rt, sink, arg);
}

int
ah_mutable_input(const uint8_t *pkt, size_t skip, size_t len,
    ah_sink_fn sink, void *arg)
{
	if (skip == 0 || skip > len)
		return -1;
	switch (pkt[0] >> 4) {
	case 4:
		return ip4_input(pkt, skip, len, sink, arg);
	case 6:
		return ip6_input(pkt, skip, len, sink, arg);
	default:
		return -1;
	}
}

static void
auth_sink(void *arg, const void *p, size_t n)
{
	crypto_auth_update(arg, p, n);
}

static void
null_sink(void *arg, const void *p, size_t n)
{
	(void)arg;
	(void)p;
	(void)n;
}

int
ah_mutable_auth(struct crypto_auth *auth, const uint8_t *pkt, size_t skip,
    size_t len)
{
	return ah_mutable_input(pkt, skip, len, auth != NULL ? auth_sink :
	    null_sink, auth);
}
