/*
 * The Ethernet link's interface: frame input dispatched by EtherType
 * through a table, IP output through the neighbour cache.  The frame
 * arrives in a pool buffer; its Ethernet header is pulled off in place,
 * so an IP packet reaches the path in the buffer the driver filled.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys/net/net_endian.h"
#include "sys/netinet/if_ethersubr.h"
#include "sys/netinet6/nd6.h"

/* What one EtherType's payload becomes; false when consumed here. */
typedef bool (*ether_proto_fn)(struct ether_link *l, struct pbuf *pb);

static bool
ether_arp(struct ether_link *l, struct pbuf *pb)
{
	arp_input(l, pb->data, pb->len);
	return false;
}

static bool
ether_ip(struct ether_link *l, struct pbuf *pb)
{
	(void)l;
	pb->af = AF_INET;
	return true;
}

static bool
ether_ip6(struct ether_link *l, struct pbuf *pb)
{
	if (nd6_input(l, pb->data, pb->len))
		return false;
	pb->af = AF_INET6;
	return true;
}

static const struct {
	uint16_t	type;
	ether_proto_fn	input;
} ether_protos[] = {
	{ ETHER_TYPE_IP, ether_ip },
	{ ETHER_TYPE_IPV6, ether_ip6 },
	{ ETHER_TYPE_ARP, ether_arp },
};

void
ether_input(void *arg, struct pbuf *pb)
{
	struct netif *ifp = arg;
	struct ether_link *l = ifp->softc;
	uint16_t type;
	size_t i;

	if (pb->len < ETHER_HDRLEN) {
		l->c[ETHER_C_NOPROTO]++;
		pbuf_free(pb);
		return;
	}
	type = be_get16(pb->data + 12);
	pbuf_pull(pb, ETHER_HDRLEN);
	for (i = 0; i < sizeof(ether_protos) / sizeof(ether_protos[0]); i++)
		if (ether_protos[i].type == type)
			break;
	if (i == sizeof(ether_protos) / sizeof(ether_protos[0])) {
		l->c[ETHER_C_NOPROTO]++;
		pbuf_free(pb);
	} else if (ether_protos[i].input(l, pb))
		netif_input(ifp, pb);
	else
		pbuf_free(pb);
}

/* The link's frames go to the driver below as header and payload. */
static int
ether_lower_xmit(void *arg, const uint8_t *hdr, const uint8_t *pl,
    size_t pllen)
{
	return netif_xmit(arg, hdr, ETHER_HDRLEN, pl, pllen);
}

static int
ether_if_output(struct netif *ifp, const uint8_t *data, size_t len)
{
	if (len == 0)
		return -1;
	return ether_output(ifp->softc, (data[0] >> 4) == 6 ? AF_INET6 :
	    AF_INET, data, len);
}

static int
ether_if_detach(struct netif *ifp)
{
	struct ether_link *l = ifp->softc;

	if (l != NULL)
		ether_link_fini(l);
	free(l);
	return 0;
}

static const struct netif_ops ether_ops = {
	.output = ether_if_output,
	.detach = ether_if_detach,
};

struct netif *
ether_ifattach(struct netif *lower, const struct ether_config *cfg,
    char *err, size_t errlen)
{
	struct ether_link *l;
	struct netif *ifp;

	l = calloc(1, sizeof(*l));
	ifp = calloc(1, sizeof(*ifp));
	if (l == NULL || ifp == NULL) {
		free(l);
		free(ifp);
		snprintf(err, errlen, "%s: out of memory", lower->name);
		return NULL;
	}
	netif_init(ifp, lower->name, lower->mtu, &ether_ops, l);
	memcpy(ifp->lladdr, lower->lladdr, NETIF_LLADDRLEN);
	memcpy(l->mac, lower->lladdr, ETHER_ADDRLEN);
	l->mtu = lower->mtu;
	l->naddrs = cfg->naddrs < ETHER_ADDRS_MAX ? cfg->naddrs :
	    ETHER_ADDRS_MAX;
	memcpy(l->addrs, cfg->addrs, l->naddrs * sizeof(*cfg->addrs));
	l->gw4 = cfg->gw4;
	l->gw6 = cfg->gw6;
	l->xmit = ether_lower_xmit;
	l->arg = lower;
	if (cfg->share_nbr != NULL) {
		if (cfg->share_nbr->ops != &ether_ops ||
		    ether_link_init_shared(l, cfg->share_nbr->softc) != 0) {
			snprintf(err, errlen, "%s: cannot share the neighbour "
			    "cache of %s", lower->name, cfg->share_nbr->name);
			netif_detach(ifp);
			return NULL;
		}
	} else if (ether_link_init(l) != 0) {
		snprintf(err, errlen, "%s: neighbour cache: out of memory",
		    lower->name);
		netif_detach(ifp);
		return NULL;
	}
	return ifp;
}

void
ether_iftimer(void *arg)
{
	struct netif *ifp = arg;

	ether_link_timer(ifp->softc);
}

const struct ether_link *
ether_iflink(const struct netif *ifp)
{
	return ifp->softc;
}
