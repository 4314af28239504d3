/*
 * Neighbour solicitation and advertisement on the wire (RFC 4861).  The
 * messages we send are built whole in a stack buffer and leave through
 * ether_output(), so a solicitation goes to its solicited-node group and
 * an advertisement to a neighbour the cache has just learnt.
 */
#include <string.h>

#include "sys/net/net_endian.h"
#include "sys/netinet/in_cksum.h"
#include "sys/netinet6/nd6.h"

#define IP6_HLEN		40
#define ND_NS			135
#define ND_NA			136
#define ND_MSGLEN		24	/* type .. target */
#define ND_OPT_SLLA		1
#define ND_OPT_TLLA		2
#define ND_NA_SOLICITED		0x40
#define ND_NA_OVERRIDE		0x20
#define ND_PKTLEN		(IP6_HLEN + ND_MSGLEN + 8)

static const uint8_t all_nodes[16] = {
	0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1
};

static bool
is_unspecified(const uint8_t *a)
{
	static const uint8_t zero[16];

	return memcmp(a, zero, 16) == 0;
}

/*
 * An NS or NA from src to dst about target with a link-layer address
 * option of type opt, into pkt (ND_PKTLEN bytes), and out.
 */
static int
nd6_send(struct ether_link *l, uint8_t type, uint8_t flags,
    const uint8_t *src, const uint8_t *dst, const uint8_t *target,
    uint8_t opt)
{
	uint8_t pkt[ND_PKTLEN], *icmp = pkt + IP6_HLEN;

	memset(pkt, 0, sizeof(pkt));
	pkt[0] = 0x60;
	be_put16(pkt + 4, ND_MSGLEN + 8);
	pkt[6] = 58;
	pkt[7] = 255;
	memcpy(pkt + 8, src, 16);
	memcpy(pkt + 24, dst, 16);
	icmp[0] = type;
	icmp[4] = flags;
	memcpy(icmp + 8, target, 16);
	icmp[ND_MSGLEN] = opt;
	icmp[ND_MSGLEN + 1] = 1;
	memcpy(icmp + ND_MSGLEN + 2, l->mac, ETHER_ADDRLEN);
	be_put16(icmp + 2, in_cksum_upper(AF_INET6, src, dst, 58, icmp,
	    ND_MSGLEN + 8));
	return ether_output(l, AF_INET6, pkt, sizeof(pkt));
}

int
nd6_solicit(struct ether_link *l, const uint8_t *target)
{
	uint8_t group[16] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff };
	const uint8_t *src;

	if ((src = ether_link_source(l, AF_INET6, target)) == NULL)
		return -1;
	memcpy(group + 13, target + 13, 3);
	return nd6_send(l, ND_NS, 0, src, group, target, ND_OPT_SLLA);
}

/*
 * The link-layer address option of type want among the options of len
 * bytes at opt; NULL when absent.  -1 in *bad when an option has length
 * zero (RFC 4861 section 4.6: the message is discarded).
 */
static const uint8_t *
nd6_option(const uint8_t *opt, size_t len, uint8_t want, bool *bad)
{
	const uint8_t *found = NULL;
	size_t olen;

	while (len >= 2) {
		olen = (size_t)opt[1] * 8;
		if (olen == 0 || olen > len) {
			*bad = true;
			return NULL;
		}
		if (opt[0] == want && olen >= 8)
			found = opt + 2;
		opt += olen;
		len -= olen;
	}
	return found;
}

static void
nd6_ns(struct ether_link *l, const uint8_t *ip6, const uint8_t *target,
    const uint8_t *lla)
{
	const uint8_t *src = ip6 + 8;

	if (!ether_link_ours(l, AF_INET6, target))
		return;
	if (is_unspecified(src)) {
		/* Duplicate address detection: answer all nodes. */
		if (nd6_send(l, ND_NA, ND_NA_OVERRIDE, target, all_nodes,
		    target, ND_OPT_TLLA) == 0)
			l->c[ETHER_C_ND_ANSWERED]++;
		return;
	}
	if (lla != NULL)
		ether_nbr_learn(l, AF_INET6, src, lla, true);
	if (nd6_send(l, ND_NA, ND_NA_SOLICITED | ND_NA_OVERRIDE, target, src,
	    target, ND_OPT_TLLA) == 0)
		l->c[ETHER_C_ND_ANSWERED]++;
}

/* RFC 4861 sections 7.1.1 and 7.1.2 checks common to NS and NA. */
static bool
nd6_valid(const uint8_t *ip6, const uint8_t *icmp, size_t ilen)
{
	if (ip6[7] != 255 || icmp[1] != 0 || ilen < ND_MSGLEN)
		return false;
	if (in_cksum_upper(AF_INET6, ip6 + 8, ip6 + 24, 58, icmp,
	    (uint32_t)ilen) != 0)
		return false;
	return icmp[8] != 0xff;		/* target not multicast */
}

bool
nd6_input(struct ether_link *l, const uint8_t *pkt, size_t len)
{
	const uint8_t *icmp = pkt + IP6_HLEN, *lla;
	size_t ilen;
	bool bad = false;

	if (len < IP6_HLEN + 4 || (pkt[0] >> 4) != 6 || pkt[6] != 58 ||
	    (icmp[0] != ND_NS && icmp[0] != ND_NA))
		return false;
	l->c[ETHER_C_ND_IN]++;
	ilen = be_get16(pkt + 4);
	if (ilen > len - IP6_HLEN || !nd6_valid(pkt, icmp, ilen)) {
		l->c[ETHER_C_ND_BAD]++;
		return true;
	}
	lla = nd6_option(icmp + ND_MSGLEN, ilen - ND_MSGLEN,
	    icmp[0] == ND_NS ? ND_OPT_SLLA : ND_OPT_TLLA, &bad);
	if (bad || (icmp[0] == ND_NS && is_unspecified(pkt + 8) &&
	    (lla != NULL || pkt[24] != 0xff))) {
		l->c[ETHER_C_ND_BAD]++;
		return true;
	}
	if (icmp[0] == ND_NS)
		nd6_ns(l, pkt, icmp + 8, lla);
	else if (lla != NULL && !ether_link_ours(l, AF_INET6, icmp + 8))
		ether_nbr_learn(l, AF_INET6, icmp + 8, lla, false);
	return true;
}
