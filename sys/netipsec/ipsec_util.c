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

/* The number after last under the SA's rules; 0 when there is none. */
static uint64_t
seq_after(const struct ipsec_xform *xf, uint64_t last)
{
	if (xf->flags & IPSEC_XF_ESN)
		return last + 1;	/* 0 after UINT64_MAX: used up */
	if ((uint32_t)last == UINT32_MAX && !(xf->flags & IPSEC_XF_CYCSEQ))
		return 0;
	last++;
	if ((uint32_t)last == 0)
		last++;
	return last;
}

/*
 * Senders on one SA take turns (the SA's session lock), so taking a
 * number is a load and a store, with no lock prefix; the store is atomic
 * for dumps on the control thread.  The counter never moves past the
 * last number the rules allow, so a used-up SA stays used up and the SA2
 * sequence a dump shows stays true.
 */
int
ipsec_seq_next(struct ipsec_sa *sa, const struct ipsec_xform *xf,
    uint64_t *seqp)
{
	uint64_t seq = seq_after(xf, key_sa_seq_out(sa));

	if (seq == 0)
		return -1;
	__atomic_store_n(&sa->seq_out, seq, __ATOMIC_RELAXED);
	*seqp = seq;
	return 0;
}
