/*
 * The driver interface shared by every packet driver and layer: counting,
 * the output, input and detach paths.
 */
#include <stdlib.h>
#include <string.h>

#include "sys/net/netif.h"

void
netif_init(struct netif *ifp, const char *name, size_t mtu,
    const struct netif_ops *ops, void *softc)
{
	memset(ifp, 0, sizeof(*ifp));
	strncpy(ifp->name, name, sizeof(ifp->name) - 1);
	ifp->mtu = mtu != 0 ? mtu : NETIF_MTU_DEFAULT;
	ifp->ops = ops;
	ifp->softc = softc;
}

int
netif_output(struct netif *ifp, struct pbuf *pb)
{
	int rc = 0;

	if (ifp->ops->output == NULL) {
		ifp->stats.odiscards++;
		rc = -1;
	} else if (ifp->ops->output(ifp, pb->data, pb->len) != 0) {
		ifp->stats.oerrors++;
		rc = -1;
	} else {
		ifp->stats.opackets++;
		ifp->stats.obytes += pb->len;
	}
	pbuf_free(pb);
	return rc;
}

int
netif_xmit(struct netif *ifp, const uint8_t *hdr, size_t hlen,
    const uint8_t *pl, size_t plen)
{
	if (ifp->ops->xmit == NULL) {
		ifp->stats.oerrors++;
		return -1;
	}
	return ifp->ops->xmit(ifp, hdr, hlen, pl, plen);
}

void
netif_set_input(struct netif *ifp, netif_input_fn fn, void *arg)
{
	ifp->input = fn;
	ifp->input_arg = arg;
}

void
netif_input(struct netif *ifp, struct pbuf *pb)
{
	if (ifp->input == NULL) {
		ifp->stats.idrops++;
		pbuf_free(pb);
		return;
	}
	ifp->stats.ipackets++;
	ifp->stats.ibytes += pb->len;
	ifp->input(ifp->input_arg, pb);
}

int
netif_detach(struct netif *ifp)
{
	int rc = 0;

	if (ifp == NULL)
		return 0;
	if (ifp->ops->detach != NULL)
		rc = ifp->ops->detach(ifp);
	free(ifp);
	return rc;
}
