/*
 * The INET/INET6 path between the host and the wire drivers (see
 * ip_path.h).  The family matters only where an address is compared or
 * an ICMP error and a fragment header are made; everything else is one
 * code path.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sys/netinet/ip_frag.h"
#include "sys/netinet/ip_hdr.h"
#include "sys/netinet/ip_icmp.h"
#include "sys/netinet/ip_path.h"
#include "sys/netinet/ip_reass.h"
#include "sys/netipsec/ipsec_hold.h"
#include "sys/netipsec/ipsec_hooks.h"
#include "sys/netipsec/ipsec_var.h"

struct ip_path {
	struct pbuf_pool	*pool;
	struct netif		*host;
	struct netif		*wire;
	struct ip_reass		*reass_host;	/* host's fragments */
	struct ip_reass		*reass_wire;	/* wire's fragments */
	struct ip_path_stats	 stats4;
	struct ip_path_stats	 stats6;
	size_t			 naddrs;
	union ip_sockaddr	 addrs[IP_PATH_ADDRS_MAX];
};

static const char *const ip_path_names4[IP_PATH_NSTATS] = {
	[IP_PATH_LOCALOUT] = "ips_localout",
	[IP_PATH_DELIVERED] = "ips_delivered",
	[IP_PATH_CANTFORWARD] = "ips_cantforward",
	[IP_PATH_OPROTECTED] = "ips_oprotected",
	[IP_PATH_OCLEAR] = "ips_oclear",
	[IP_PATH_IPSECDROP_OUT] = "ips_ipsecdrop_out",
	[IP_PATH_IPSECDROP_IN] = "ips_ipsecdrop_in",
	[IP_PATH_TOOBIG] = "ips_toobig",
	[IP_PATH_SRCROUTE] = "ips_srcroute",
};

static const char *const ip_path_names6[IP_PATH_NSTATS] = {
	[IP_PATH_LOCALOUT] = "ip6s_localout",
	[IP_PATH_DELIVERED] = "ip6s_delivered",
	[IP_PATH_CANTFORWARD] = "ip6s_cantforward",
	[IP_PATH_OPROTECTED] = "ip6s_oprotected",
	[IP_PATH_OCLEAR] = "ip6s_oclear",
	[IP_PATH_IPSECDROP_OUT] = "ip6s_ipsecdrop_out",
	[IP_PATH_IPSECDROP_IN] = "ip6s_ipsecdrop_in",
	[IP_PATH_TOOBIG] = "ip6s_toobig",
	[IP_PATH_SRCROUTE] = "ip6s_srcroute",
};

_Static_assert(sizeof(ip_path_names4) / sizeof(ip_path_names4[0]) ==
    IP_PATH_NSTATS, "one IPv4 name per counter");
_Static_assert(sizeof(ip_path_names6) / sizeof(ip_path_names6[0]) ==
    IP_PATH_NSTATS, "one IPv6 name per counter");

static void	ip_path_resend(void *arg, struct pbuf *pb);

struct ip_path *
ip_path_create(struct pbuf_pool *pool, struct netif *host,
    struct netif *wire)
{
	struct ip_path *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->pool = pool;
	p->host = host;
	p->wire = wire;
	p->reass_host = ip_reass_create(pool, NULL);
	p->reass_wire = ip_reass_create(pool, NULL);
	if (p->reass_host == NULL || p->reass_wire == NULL) {
		ip_path_destroy(p);
		return NULL;
	}
	ipsec_hold_set_output(ip_path_resend, p);
	return p;
}

void
ip_path_destroy(struct ip_path *p)
{
	if (p == NULL)
		return;
	/* Held packets may belong to this path's pool. */
	ipsec_hold_set_output(NULL, NULL);
	ipsec_hold_flush();
	if (p->reass_host != NULL)
		ip_reass_destroy(p->reass_host);
	if (p->reass_wire != NULL)
		ip_reass_destroy(p->reass_wire);
	free(p);
}

int
ip_path_add_addr(struct ip_path *p, const struct sockaddr *sa)
{
	size_t len;

	if (sa->sa_family == AF_INET)
		len = sizeof(struct sockaddr_in);
	else if (sa->sa_family == AF_INET6)
		len = sizeof(struct sockaddr_in6);
	else {
		errno = EAFNOSUPPORT;
		return -1;
	}
	if (p->naddrs == IP_PATH_ADDRS_MAX) {
		errno = ENOSPC;
		return -1;
	}
	memset(&p->addrs[p->naddrs], 0, sizeof(p->addrs[0]));
	memcpy(&p->addrs[p->naddrs], sa, len);
	p->naddrs++;
	return 0;
}

const struct ip_path_stats *
ip_path_stats(const struct ip_path *p, int af)
{
	return af == AF_INET6 ? &p->stats6 : &p->stats4;
}

const char *
ip_path_stat_name(int af, enum ip_path_counter c)
{
	if ((unsigned)c >= IP_PATH_NSTATS)
		return NULL;
	return af == AF_INET6 ? ip_path_names6[c] : ip_path_names4[c];
}

static void
count(struct ip_path *p, int af, enum ip_path_counter c)
{
	(af == AF_INET6 ? &p->stats6 : &p->stats4)->c[c]++;
}

void
ip_path_timer(struct ip_path *p)
{
	ip_reass_timer(p->reass_host);
	ip_reass_timer(p->reass_wire);
	ipsec_hold_timer();
}

/*
 * Validate pb: 0 with *hi filled, or -1 when the parser refused it (its
 * counter moved) and the packet was freed.
 */
static int
ip_path_parse(struct pbuf *pb, struct ip_hdr_info *hi)
{
	if (ip_hdr_parse(pb->data, pb->len, hi) != 0) {
		pbuf_free(pb);
		return -1;
	}
	return 0;
}

/*
 * Make the validated packet pb whole: cut link-layer padding and
 * reassemble a fragment.  Returns the datagram with *hi describing it
 * (a reassembled datagram is parsed again, and counted again in
 * ips_total), or NULL when it was dropped (a counter of reassembly
 * moved) or is held waiting for the rest.
 */
static struct pbuf *
ip_path_whole(struct ip_reass *r, struct pbuf *pb, struct ip_hdr_info *hi)
{
	struct pbuf *out;

	if (pb->len > hi->len)
		pbuf_trim(pb, pb->len - hi->len);
	pb->af = hi->af;
	if (!(hi->flags & IP_HDR_F_FRAG))
		return pb;
	if (ip_reass_input(r, pb, hi, &out) != IP_REASS_DONE)
		return NULL;
	if (ip_hdr_parse(out->data, out->len, hi) != 0) {
		pbuf_free(out);
		return NULL;
	}
	out->af = hi->af;
	return out;
}

/*
 * The ICMP error telling the host that pb (described by hi) does not fit
 * in mtu bytes; the packet itself is freed.
 */
static void
ip_path_toobig(struct ip_path *p, struct pbuf *pb,
    const struct ip_hdr_info *hi, size_t mtu)
{
	struct pbuf *err;

	count(p, hi->af, IP_PATH_TOOBIG);
	if (hi->af == AF_INET)
		err = icmp_error_needfrag(p->pool, pb->data, hi,
		    mtu > UINT16_MAX ? UINT16_MAX : (uint16_t)mtu, NULL);
	else
		err = icmp6_error_toobig(p->pool, pb->data, hi,
		    (uint32_t)mtu, NULL);
	pbuf_free(pb);
	if (err != NULL) {
		err->af = hi->af;
		err->flags |= PBUF_F_FROM_WIRE;
		netif_output(p->host, err);
	}
}

static void
emit_wire(void *arg, struct pbuf *pb)
{
	struct ip_path *p = arg;

	netif_output(p->wire, pb);
}

/*
 * Send pb to the wire, fragmenting it to the wire's MTU.  IPv4 datagrams
 * are split unless DF forbids it; IPv6 packets are split only when IPsec
 * made them (this stack is then their source).  Otherwise a clear packet
 * is answered toward the host with an ICMP error naming the MTU; a
 * protected one (an outer header with DF set by net.inet.ipsec.dfbit) is
 * dropped, counted by the fragmenter, since an error quoting the outer
 * header would go to this stack's own tunnel address.
 */
static void
ip_path_to_wire(struct ip_path *p, struct pbuf *pb, bool protected)
{
	size_t mtu = p->wire->mtu;
	struct ip_hdr_info hi;
	int error;

	if (pb->len <= mtu) {
		netif_output(p->wire, pb);
		return;
	}
	if (ip_hdr_parse(pb->data, pb->len, &hi) != 0) {
		pbuf_free(pb);
		return;
	}
	if (hi.af == AF_INET)
		error = ip_frag_output(p->pool, pb, &hi, mtu, emit_wire, p);
	else if (protected)
		error = ip6_frag_output(p->pool, pb, &hi, mtu, ip_frag_id(),
		    emit_wire, p);
	else
		error = EMSGSIZE;
	if (error == EMSGSIZE && !protected)
		ip_path_toobig(p, pb, &hi, mtu);
	else if (error != 0)
		pbuf_free(pb);
}

/* A whole datagram from the host through IPsec output to the wire. */
static void
ip_path_output(struct ip_path *p, struct pbuf *pb, struct ip_hdr_info *hi)
{
	struct ipsec_out_result res;

	memset(&res, 0, sizeof(res));
	res.mtu = p->wire->mtu;
	switch (ipsec_output(&pb, hi, &res)) {
	case IPSEC_PASS:
		count(p, hi->af, res.protected ? IP_PATH_OPROTECTED :
		    IP_PATH_OCLEAR);
		ip_path_to_wire(p, pb, res.protected);
		break;
	case IPSEC_TOOBIG:
		ip_path_toobig(p, pb, hi, res.icmp_mtu);
		break;
	case IPSEC_CONSUMED:	/* held until its SA comes (ipsec_hold.h) */
		break;
	case IPSEC_DROP:
	default:
		count(p, hi->af, IP_PATH_IPSECDROP_OUT);
		pbuf_free(pb);
		break;
	}
}

static bool	ip_path_ours(const struct ip_path *, const union ip_sockaddr *);

void
ip_path_from_host(struct ip_path *p, struct pbuf *pb)
{
	struct ip_hdr_info hi;

	pb->flags |= PBUF_F_FROM_HOST;
	if (ip_path_parse(pb, &hi) != 0 ||
	    (pb = ip_path_whole(p->reass_host, pb, &hi)) == NULL)
		return;
	count(p, hi.af, IP_PATH_LOCALOUT);
	/* The host forwards it: Linux's forward policies apply first. */
	if (!ip_path_ours(p, &hi.src) && ipsec_forward_check(&hi) >= 0) {
		count(p, hi.af, IP_PATH_IPSECDROP_OUT);
		pbuf_free(pb);
		return;
	}
	ip_path_output(p, pb, &hi);
}

/*
 * A packet the hold queue kept while its SA was negotiated: the whole
 * datagram, already counted as sent by the host, through output again.
 */
static void
ip_path_resend(void *arg, struct pbuf *pb)
{
	struct ip_path *p = arg;
	struct ip_hdr_info hi;

	if (ip_path_parse(pb, &hi) == 0)
		ip_path_output(p, pb, &hi);
}

static bool
is_multicast(const union ip_sockaddr *a)
{
	if (a->sa.sa_family == AF_INET)
		return IN_MULTICAST(ntohl(a->sin.sin_addr.s_addr)) ||
		    a->sin.sin_addr.s_addr == htonl(INADDR_BROADCAST);
	return IN6_IS_ADDR_MULTICAST(&a->sin6.sin6_addr);
}

/*
 * Whether dst is this host's: always when no address was configured
 * (offline captures are taken as addressed to us), else one of the
 * configured addresses or a multicast/broadcast group.
 */
static bool
ip_path_ours(const struct ip_path *p, const union ip_sockaddr *dst)
{
	const union ip_sockaddr *a;
	size_t i;

	if (p->naddrs == 0 || is_multicast(dst))
		return true;
	for (i = 0; i < p->naddrs; i++) {
		a = &p->addrs[i];
		if (a->sa.sa_family != dst->sa.sa_family)
			continue;
		if (a->sa.sa_family == AF_INET &&
		    a->sin.sin_addr.s_addr == dst->sin.sin_addr.s_addr)
			return true;
		if (a->sa.sa_family == AF_INET6 &&
		    IN6_ARE_ADDR_EQUAL(&a->sin6.sin6_addr,
		    &dst->sin6.sin6_addr))
			return true;
	}
	return false;
}

/*
 * Source-routed IPv4 from the wire is refused unless allowed, as BSD
 * stacks do: net.inet.ip.accept_sourceroute for a route that ends here,
 * net.inet.ip.sourceroute for one the host would carry on.  Refused
 * packets are freed and counted.
 */
static bool
ip_path_srcroute_refused(struct ip_path *p, struct pbuf *pb,
    const struct ip_hdr_info *hi)
{
	int allow;

	if (!(hi->flags & IP_HDR_F_SRCRT))
		return false;
	allow = net_tunable_get((hi->flags & IP_HDR_F_SRCRT_MORE) ?
	    &ipsec_vars.ip_sourceroute : &ipsec_vars.ip_accept_sourceroute);
	if (allow)
		return false;
	count(p, hi->af, IP_PATH_SRCROUTE);
	pbuf_free(pb);
	return true;
}

static bool
ip_path_is_local(const void *arg, const union ip_sockaddr *addr)
{
	return ip_path_ours(arg, addr);
}

void
ip_path_from_wire(struct ip_path *p, struct pbuf *pb)
{
	const struct ipsec_locality loc = { ip_path_is_local, p };
	struct ipsec_in_result res;
	struct ip_hdr_info hi;

	pb->flags |= PBUF_F_FROM_WIRE;
	if (ip_path_parse(pb, &hi) != 0)
		return;
	if (!ip_path_ours(p, &hi.dst)) {
		count(p, hi.af, IP_PATH_CANTFORWARD);
		pbuf_free(pb);
		return;
	}
	if ((pb = ip_path_whole(p->reass_wire, pb, &hi)) == NULL ||
	    ip_path_srcroute_refused(p, pb, &hi))
		return;
	memset(&res, 0, sizeof(res));
	switch (ipsec_input_local(&pb, &hi, &res, &loc)) {
	case IPSEC_PASS:
		/* The packet a tunnel carried is checked as if received. */
		if (ip_path_srcroute_refused(p, pb, &res.hi))
			break;
		count(p, res.hi.af, IP_PATH_DELIVERED);
		netif_output(p->host, pb);
		break;
	case IPSEC_CONSUMED:
		break;
	case IPSEC_DROP:
	case IPSEC_TOOBIG:
	default:
		count(p, hi.af, IP_PATH_IPSECDROP_IN);
		pbuf_free(pb);
		break;
	}
}

void
ip_path_input_host(void *arg, struct pbuf *pb)
{
	ip_path_from_host(arg, pb);
}

void
ip_path_input_wire(void *arg, struct pbuf *pb)
{
	ip_path_from_wire(arg, pb);
}
