/*
 * ESP in UDP (RFC 3948; see udpencap.h).
 *
 * The ports that installed esp-udp SAs name live in a small table with
 * a reference count per port, so that the input path decides whether a
 * UDP datagram may be ESP with a few comparisons and no SAD lookup.  The
 * table is fixed: an SA that would need a port beyond it is refused.
 */
#include <errno.h>
#include <string.h>

#include <netinet/in.h>

#include "net/pfkeyv2.h"
#include "sys/net/net_endian.h"
#include "sys/net/pbuf.h"
#include "sys/netinet/in_cksum.h"
#include "sys/netinet/ip_hdr.h"
#include "sys/netipsec/ipsec_xform_stat.h"
#include "sys/netipsec/udpencap.h"
#include "sys/netkey/key_natt.h"
#include "sys/netkey/key_sa.h"

#define UDPENCAP_PORTS_MAX	32
#define UDPENCAP_KEEPALIVE	0xff	/* RFC 3948 section 2.3 */
#define UDPENCAP_MARKERLEN	4	/* non-ESP marker, section 2.2 */

NET_COUNTER_SET(udpencap_counters, UDPENCAPS_NCOUNTERS);

static const char *const udpencap_names[UDPENCAPS_NCOUNTERS] = {
	[UDPENCAPS_INPUT] = "udpencap_input",
	[UDPENCAPS_OUTPUT] = "udpencap_output",
	[UDPENCAPS_IKE] = "udpencap_ike",
	[UDPENCAPS_KEEPALIVE] = "udpencap_keepalive",
	[UDPENCAPS_SHORT] = "udpencap_short",
	[UDPENCAPS_BADPORT] = "udpencap_badport",
	[UDPENCAPS_TOOBIG] = "udpencap_toobig",
	[UDPENCAPS_CKSUM] = "udpencap_cksum",
	[UDPENCAPS_MAPPING] = "udpencap_mapping",
};

const struct ipsec_xform_stats udpencap_stats = {
	.c = &udpencap_counters,
	.names = udpencap_names,
	.n = UDPENCAPS_NCOUNTERS,
	.hist_at = UDPENCAPS_NCOUNTERS,
};

static struct {
	uint16_t	port;		/* network order */
	unsigned int	refs;
} ports[UDPENCAP_PORTS_MAX];

static int
port_hold(uint16_t port)
{
	size_t i, free_slot = UDPENCAP_PORTS_MAX;

	for (i = 0; i < UDPENCAP_PORTS_MAX; i++) {
		if (ports[i].refs != 0 && ports[i].port == port) {
			ports[i].refs++;
			return 0;
		}
		if (ports[i].refs == 0 && free_slot == UDPENCAP_PORTS_MAX)
			free_slot = i;
	}
	if (free_slot == UDPENCAP_PORTS_MAX)
		return ENOMEM;
	ports[free_slot].port = port;
	ports[free_slot].refs = 1;
	return 0;
}

static void
port_release(uint16_t port)
{
	size_t i;

	for (i = 0; i < UDPENCAP_PORTS_MAX; i++)
		if (ports[i].refs != 0 && ports[i].port == port) {
			ports[i].refs--;
			return;
		}
}

static bool
port_known(uint16_t port)
{
	size_t i;

	for (i = 0; i < UDPENCAP_PORTS_MAX; i++)
		if (ports[i].refs != 0 && ports[i].port == port)
			return true;
	return false;
}

/* The port of a NAT_T_SPORT/DPORT copy kept by the SA; 4500 if none. */
static uint16_t
sa_port(const struct ipsec_sa *sa, enum key_sa_ext which)
{
	const struct key_blob *b = key_sa_ext(sa, which);
	struct sadb_x_nat_t_port pt;

	if (b == NULL || b->len < sizeof(pt))
		return htons(UDPENCAP_PORT);
	memcpy(&pt, b->data, sizeof(pt));
	return pt.sadb_x_nat_t_port_port != 0 ? pt.sadb_x_nat_t_port_port :
	    htons(UDPENCAP_PORT);
}

int
udpencap_init(const struct ipsec_sa *sa, struct udpencap_sa *u)
{
	const struct key_blob *b = key_sa_ext(sa, KEY_SA_EXT_NAT_T_TYPE);
	struct sadb_x_nat_t_type t;

	memset(u, 0, sizeof(*u));
	if (b == NULL || b->len < sizeof(t))
		return 0;
	memcpy(&t, b->data, sizeof(t));
	/* FreeBSD takes only RFC 3948 encapsulation, for ESP only. */
	if (t.sadb_x_nat_t_type_type != UDP_ENCAP_ESPINUDP ||
	    sa->proto != IPPROTO_ESP)
		return EINVAL;
	u->sport = sa_port(sa, KEY_SA_EXT_NAT_T_SPORT);
	u->dport = sa_port(sa, KEY_SA_EXT_NAT_T_DPORT);
	if (port_hold(u->sport) != 0)
		return ENOMEM;
	if (port_hold(u->dport) != 0) {
		port_release(u->sport);
		return ENOMEM;
	}
	if (pthread_spin_init(&u->lock, PTHREAD_PROCESS_PRIVATE) != 0) {
		port_release(u->dport);
		port_release(u->sport);
		return ENOMEM;
	}
	u->type = t.sadb_x_nat_t_type_type;
	return 0;
}

void
udpencap_fini(struct udpencap_sa *u)
{
	if (u->type == 0)
		return;
	port_release(u->sport);
	port_release(u->dport);
	pthread_spin_destroy(&u->lock);
	u->type = 0;
}

int
udpencap_move(const struct ipsec_sa *sa, struct udpencap_sa *u)
{
	uint16_t sport = sa_port(sa, KEY_SA_EXT_NAT_T_SPORT);
	uint16_t dport = sa_port(sa, KEY_SA_EXT_NAT_T_DPORT);

	if (u->type == 0)
		return EINVAL;
	if (port_hold(sport) != 0)
		return ENOMEM;
	if (port_hold(dport) != 0) {
		port_release(sport);
		return ENOMEM;
	}
	port_release(u->sport);
	port_release(u->dport);
	pthread_spin_lock(&u->lock);
	u->sport = sport;
	u->dport = dport;
	u->reported = false;
	pthread_spin_unlock(&u->lock);
	return 0;
}

int
udpencap_output(const struct udpencap_sa *u, struct pbuf *pb, size_t skip,
    size_t protoff)
{
	size_t ulen = pb->len - skip + UDPENCAP_HDRLEN;
	uint8_t *uh;
	uint16_t sum;

	if (pbuf_headroom(pb) < UDPENCAP_HDRLEN || ulen > 65535 - skip ||
	    (uh = pbuf_insert(pb, skip, UDPENCAP_HDRLEN)) == NULL) {
		net_counter_inc(&udpencap_counters, UDPENCAPS_TOOBIG);
		return -1;
	}
	memcpy(uh, &u->sport, 2);
	memcpy(uh + 2, &u->dport, 2);
	be_put16(uh + 4, (uint16_t)ulen);
	be_put16(uh + 6, 0);
	pb->data[protoff] = IPPROTO_UDP;
	/*
	 * IPv4: checksum 0 (RFC 3948 section 3.1.1; ESP protects the
	 * payload).  IPv6 forbids a zero UDP checksum (RFC 8200 8.1).
	 */
	if ((pb->data[0] >> 4) == 6) {
		sum = in_cksum_upper(AF_INET6, pb->data + 8, pb->data + 24,
		    IPPROTO_UDP, uh, (uint32_t)ulen);
		be_put16(uh + 6, sum == 0 ? 0xffff : sum);
	}
	net_counter_inc(&udpencap_counters, UDPENCAPS_OUTPUT);
	return 0;
}

enum udpencap_class
udpencap_input(struct pbuf *pb, struct ip_hdr_info *hi, size_t protoff,
    struct udpencap_in *in)
{
	size_t off = hi->ulp_off, plen;
	const uint8_t *uh = pb->data + off;
	static const uint8_t marker[UDPENCAP_MARKERLEN];

	in->encap = false;
	if (hi->proto != IPPROTO_UDP || (hi->flags & IP_HDR_F_FRAG) ||
	    hi->len < off + UDPENCAP_HDRLEN || !port_known(htons(hi->dport)))
		return UDPENCAP_HOST;
	plen = hi->len - off - UDPENCAP_HDRLEN;
	if (plen == 1 && uh[UDPENCAP_HDRLEN] == UDPENCAP_KEEPALIVE) {
		net_counter_inc(&udpencap_counters, UDPENCAPS_KEEPALIVE);
		return UDPENCAP_HOST;
	}
	if (plen < UDPENCAP_MARKERLEN) {
		net_counter_inc(&udpencap_counters, UDPENCAPS_SHORT);
		return UDPENCAP_HOST;
	}
	if (memcmp(uh + UDPENCAP_HDRLEN, marker, sizeof(marker)) == 0) {
		net_counter_inc(&udpencap_counters, UDPENCAPS_IKE);
		return UDPENCAP_HOST;
	}
	memcpy(&in->src, &hi->src, sizeof(in->src));
	memcpy(&in->sport, uh, 2);
	memcpy(&in->dport, uh + 2, 2);
	in->src.sin.sin_port = in->sport;	/* sin6_port: same offset */
	if (pbuf_remove(pb, off, UDPENCAP_HDRLEN) != 0)
		return UDPENCAP_HOST;
	pb->data[protoff] = IPPROTO_ESP;
	hi->proto = IPPROTO_ESP;
	hi->len -= UDPENCAP_HDRLEN;
	in->encap = true;
	net_counter_inc(&udpencap_counters, UDPENCAPS_INPUT);
	return UDPENCAP_ESP;
}

bool
udpencap_check(const struct udpencap_sa *u, const struct udpencap_in *in)
{
	if (!in->encap || (u->type != 0 && u->dport == in->dport))
		return true;
	net_counter_inc(&udpencap_counters, UDPENCAPS_BADPORT);
	return false;
}

/* Record in's source as the mapping reported; false if it already was. */
static bool
claim_mapping(struct udpencap_sa *u, const struct udpencap_in *in)
{
	bool fresh;

	pthread_spin_lock(&u->lock);
	fresh = !u->reported || in->sport != u->mapped.sin.sin_port ||
	    !key_sockaddr_equal(&in->src.sa, &u->mapped);
	if (fresh) {
		memcpy(&u->mapped, &in->src, sizeof(u->mapped));
		u->reported = true;
	}
	pthread_spin_unlock(&u->lock);
	return fresh;
}

void
udpencap_mapping(const struct ipsec_sa *sa, struct udpencap_sa *u,
    const struct udpencap_in *in)
{
	const struct sockaddr *src = &in->src.sa;

	if (!in->encap || u->type == 0)
		return;
	if (in->sport == u->sport && key_sockaddr_equal(src, &sa->src))
		return;
	if (!claim_mapping(u, in))
		return;
	if (key_natt_new_mapping(sa, src, in->sport, u->dport) == 0)
		net_counter_inc(&udpencap_counters, UDPENCAPS_MAPPING);
}

void
udpencap_fix_cksum(struct pbuf *pb, const struct ip_hdr_info *hi)
{
	size_t off = hi->ulp_off, ulen = hi->len - off, at;
	const void *s, *d;
	uint8_t *p = pb->data + off;
	uint16_t sum;

	if (hi->proto == IPPROTO_TCP && ulen >= 20)
		at = 16;
	else if (hi->proto == IPPROTO_UDP && ulen >= UDPENCAP_HDRLEN)
		at = 6;
	else
		return;
	if (hi->proto == IPPROTO_UDP && hi->af == AF_INET &&
	    be_get16(p + at) == 0)
		return;
	if (hi->af == AF_INET) {
		s = &hi->src.sin.sin_addr;
		d = &hi->dst.sin.sin_addr;
	} else {
		s = &hi->src.sin6.sin6_addr;
		d = &hi->dst.sin6.sin6_addr;
	}
	be_put16(p + at, 0);
	sum = in_cksum_upper(hi->af, s, d, hi->proto, p, (uint32_t)ulen);
	if (sum == 0 && hi->proto == IPPROTO_UDP)
		sum = 0xffff;
	be_put16(p + at, sum);
	net_counter_inc(&udpencap_counters, UDPENCAPS_CKSUM);
}
