/*
 * Helpers shared by the IPsec transforms: IP length fields after a
 * transform grew or shrank the packet, and outbound sequence numbers.
 */
#include <sys/socket.h>

#include "sys/net/net_endian.h"
#include "sys/net/pbuf.h"
#include "sys/netinet/in_cksum.h"
#include "sys/netipsec/ipsec_util.h"
#include "sys/netipsec/ipsec_xform.h"

#define IPV4_MINHDR	20
#define IPV6_HDRLEN	40
#define IP_MAXLEN	65535

int
ipsec_ip_family(const uint8_t *p, size_t len)
{
	if (len < 1)
		return 0;
	switch (p[0] >> 4) {
	case 4:
		return AF_INET;
	case 6:
		return AF_INET6;
	default:
		return 0;
	}
}

static int
fix_ipv4(uint8_t *ip, size_t len)
{
	size_t hlen;

	if (len < IPV4_MINHDR || len > IP_MAXLEN)
		return -1;
	hlen = (size_t)(ip[0] & 0x0f) * 4;
	if (hlen < IPV4_MINHDR || hlen > len)
		return -1;
	be_put16(ip + 2, (uint16_t)len);
	be_put16(ip + 10, 0);
	be_put16(ip + 10, in_cksum(ip, hlen));
	return 0;
}

static int
fix_ipv6(uint8_t *ip, size_t len)
{
	if (len < IPV6_HDRLEN || len - IPV6_HDRLEN > IP_MAXLEN)
		return -1;
	be_put16(ip + 4, (uint16_t)(len - IPV6_HDRLEN));
	return 0;
}

int
ipsec_fix_iplen(struct pbuf *pb)
{
	switch (ipsec_ip_family(pb->data, pb->len)) {
	case AF_INET:
		return fix_ipv4(pb->data, pb->len);
	case AF_INET6:
		return fix_ipv6(pb->data, pb->len);
	default:
		return -1;
	}
}

int
ipsec_seq_next(struct ipsec_sa *sa, const struct ipsec_xform *xf,
    uint64_t *seqp)
{
	uint64_t seq = sa->seq_out;

	if (xf->flags & IPSEC_XF_ESN) {
		if (seq == UINT64_MAX)
			return -1;
		seq++;
	} else {
		if ((uint32_t)seq == UINT32_MAX &&
		    !(xf->flags & IPSEC_XF_CYCSEQ))
			return -1;
		seq++;
		if ((uint32_t)seq == 0)
			seq++;
	}
	sa->seq_out = seq;
	*seqp = seq;
	return 0;
}
