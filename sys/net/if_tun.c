/*
 * The TUN driver.  Addresses, MTU and flags are set with the classic
 * interface ioctls (SIOCSIFADDR/SIOCSIFNETMASK on an AF_INET socket,
 * SIOCSIFADDR with struct in6_ifreq on an AF_INET6 socket): no netlink
 * library and no ip(8) process are needed for what is a handful of calls
 * at start-up.
 *
 * The interface is opened with a virtio-net header and TCP segmentation
 * offload (TUNSETOFFLOAD TSO4/TSO6 with checksum offload): the host's TCP
 * hands over up to 64 KiB per read instead of one MTU, which saves the
 * host stack and us a system call per segment.  Such a super-packet is
 * read into a scratch buffer and cut here into MTU-sized TCP segments,
 * each in its own pool buffer, with IP lengths and identifiers, sequence
 * numbers, flags and checksums as the kernel's own segmentation would
 * write them; the policy then sees ordinary packets.  A packet with only
 * its checksum offloaded gets the checksum completed.  Toward the host,
 * in-order TCP segments of one flow written in one wakeup are coalesced
 * into one super-packet with a GSO header (if_tun_gro.c), flushed at the
 * end of the wakeup; every other packet carries an all-zero header.
 *
 * A multi-queue TUN (IFF_MULTI_QUEUE) is one interface with one
 * descriptor per queue: each open with the same name and flags adds a
 * queue (up to 256), each queue is a struct if_tun of its own, and the
 * kernel spreads what the host sends over the queues by flow.  Linux
 * remembers which queue last wrote a packet of a flow (its symmetric hash,
 * for a few seconds) and sends the host's packets of that flow to that
 * queue; other flows go by their hash modulo the number of queues.  The
 * interface-wide settings (addresses, MTU, up) are made once, through any
 * queue, since they are the device's.
 */
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/ipv6.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include "sys/net/if_tun.h"
#include "sys/net/if_tun_gro.h"
#include "sys/net/net_endian.h"
#include "sys/net/net_event.h"
#include "sys/netinet/in_cksum.h"

#define TUN_VNET_HDRLEN	sizeof(struct virtio_net_hdr)
#define TUN_SCRATCH	65536
#define TUN_FLAGS	(IFF_TUN | IFF_NO_PI | IFF_VNET_HDR)
#define TCP_FIN		0x01
#define TCP_PSH		0x08
#define TCP_CWR		0x80

struct if_tun {
	int			 fd;
	int			 flags;		/* TUNSETIFF flags */
	unsigned int		 offloads;	/* TUNSETOFFLOAD (all queues) */
	struct pbuf_pool	*pool;
	struct net_event_loop	*loop;		/* NULL until started */
	struct netif		*ifp;
	struct tun_gro		*gro;
	uint64_t		 segmented;	/* super-packets cut */
	uint8_t			 scratch[TUN_SCRATCH];
};

/* One packet with its virtio-net header. */
static int
tun_write(void *arg, const struct virtio_net_hdr *vh, const uint8_t *pkt,
    size_t len)
{
	struct if_tun *sc = arg;
	struct iovec iov[2] = {
		{ .iov_base = (void *)(uintptr_t)vh,
		  .iov_len = TUN_VNET_HDRLEN },
		{ .iov_base = (void *)(uintptr_t)pkt, .iov_len = len },
	};

	return writev(sc->fd, iov, 2) == (ssize_t)(TUN_VNET_HDRLEN + len) ?
	    0 : -1;
}

/*
 * Through the coalescing once the event loop flushes it at the end of
 * each wakeup; before the driver is started, straight out.
 */
static int
tun_output(struct netif *ifp, const uint8_t *data, size_t len)
{
	static const struct virtio_net_hdr none;
	struct if_tun *sc = ifp->softc;

	if (sc->loop == NULL)
		return tun_write(sc, &none, data, len);
	return tun_gro_output(sc->gro, data, len);
}

/*
 * Closing a queue's descriptor takes only that queue off the device: the
 * kernel removes the interface, with its addresses, when its last queue
 * is closed, whichever it is.  So a worker's queue goes alone, and the
 * first one may go before or after the others.
 */
static int
tun_detach(struct netif *ifp)
{
	struct if_tun *sc = ifp->softc;

	if (sc->fd >= 0) {
		if (sc->loop != NULL) {
			tun_gro_flush(sc->gro);
			net_event_flush_remove(sc->loop, tun_gro_flush,
			    sc->gro);
			net_event_remove(sc->loop, sc->fd);
		}
		close(sc->fd);
	}
	tun_gro_destroy(sc->gro);
	free(sc);
	return 0;
}

static const struct netif_ops tun_ops = {
	.output = tun_output,
	.detach = tun_detach,
};

/*
 * Open one queue of the TUN name.  With IFF_MULTI_QUEUE every open adds a
 * queue to the device; the flags and offloads are the device's, not the
 * queue's (each TUNSETIFF rewrites them for all queues), so every queue
 * passes the same ones.
 */
static int
tun_open(const char *name, int flags, unsigned int offloads, char *err,
    size_t errlen)
{
	struct ifreq ifr;
	int fd;

	if ((fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC)) <
	    0) {
		snprintf(err, errlen, "/dev/net/tun: %s", strerror(errno));
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = (short)flags;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) != 0 ||
	    ioctl(fd, TUNSETOFFLOAD, offloads) != 0) {
		snprintf(err, errlen, "%s: TUNSETIFF: %s", name,
		    errno == EINVAL && (flags & IFF_MULTI_QUEUE) != 0 ?
		    "exists without multi-queue, or other flags" :
		    strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* A queue's driver state and interface; fd not yet open. */
static struct netif *
tun_alloc(const char *name, size_t mtu, int flags, unsigned int offloads,
    char *err, size_t errlen)
{
	struct if_tun *sc;
	struct netif *ifp;

	sc = calloc(1, sizeof(*sc));
	ifp = calloc(1, sizeof(*ifp));
	if (sc == NULL || ifp == NULL) {
		snprintf(err, errlen, "%s: out of memory", name);
		free(sc);
		free(ifp);
		return NULL;
	}
	netif_init(ifp, name, mtu, &tun_ops, sc);
	sc->ifp = ifp;
	sc->fd = -1;
	sc->flags = flags;
	sc->offloads = offloads;
	if ((sc->gro = tun_gro_create(tun_write, sc)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", name);
		netif_detach(ifp);
		return NULL;
	}
	if ((sc->fd = tun_open(name, flags, offloads, err, errlen)) < 0) {
		netif_detach(ifp);
		return NULL;
	}
	return ifp;
}

static struct netif *
tun_attach(const char *name, size_t mtu, int flags, char *err,
    size_t errlen)
{
	if (strlen(name) >= IFNAMSIZ || strlen(name) >= NETIF_NAMELEN) {
		snprintf(err, errlen, "%s: interface name too long", name);
		return NULL;
	}
	return tun_alloc(name, mtu, flags, TUN_F_CSUM | TUN_F_TSO4 |
	    TUN_F_TSO6, err, errlen);
}

struct netif *
if_tun_attach(const char *name, size_t mtu, char *err, size_t errlen)
{
	return tun_attach(name, mtu, TUN_FLAGS, err, errlen);
}

struct netif *
if_tun_attach_mq(const char *name, size_t mtu, char *err, size_t errlen)
{
	return tun_attach(name, mtu, TUN_FLAGS | IFF_MULTI_QUEUE, err,
	    errlen);
}

struct netif *
if_tun_attach_queue(struct netif *first, char *err, size_t errlen)
{
	const struct if_tun *fsc = first->softc;

	if ((fsc->flags & IFF_MULTI_QUEUE) == 0) {
		snprintf(err, errlen, "%s: not a multi-queue TUN",
		    first->name);
		return NULL;
	}
	return tun_alloc(first->name, first->mtu, fsc->flags, fsc->offloads,
	    err, errlen);
}

/* One interface ioctl on a fresh socket of family af. */
static int
tun_ioctl(int af, unsigned long req, void *arg, const char *what,
    const char *name, char *err, size_t errlen)
{
	int s, rc;

	if ((s = socket(af, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0) {
		snprintf(err, errlen, "%s: socket: %s", name,
		    strerror(errno));
		return -1;
	}
	rc = ioctl(s, req, arg);
	if (rc != 0)
		snprintf(err, errlen, "%s: %s: %s", name, what,
		    strerror(errno));
	close(s);
	return rc;
}

/*
 * SIOCSIFADDR on the interface itself replaces its IPv4 address, so the
 * second and later ones go on the first free alias label, NAME:N, which
 * the kernel keeps as a secondary address of the same interface (an IKE
 * daemon binds to the tunnel endpoint while the host also holds an inner
 * address).  Writes the label to use into name.
 */
static void
tun_addr4_label(const struct netif *ifp, char name[IFNAMSIZ])
{
	struct ifreq ifr;
	unsigned int n;
	int s;

	snprintf(name, IFNAMSIZ, "%s", ifp->name);
	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return;
	for (n = 0; n < 64; n++) {
		memset(&ifr, 0, sizeof(ifr));
		if (n == 0)
			snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifp->name);
		else
			snprintf(ifr.ifr_name, IFNAMSIZ, "%.10s:%u",
			    ifp->name, n);
		if (ioctl(s, SIOCGIFADDR, &ifr) != 0) {
			memcpy(name, ifr.ifr_name, IFNAMSIZ);
			break;
		}
	}
	close(s);
}

static int
tun_addr4(struct netif *ifp, const struct sockaddr_in *sin,
    unsigned int plen, char *err, size_t errlen)
{
	struct sockaddr_in mask = { .sin_family = AF_INET };
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	tun_addr4_label(ifp, ifr.ifr_name);
	memcpy(&ifr.ifr_addr, sin, sizeof(*sin));
	if (tun_ioctl(AF_INET, SIOCSIFADDR, &ifr, "SIOCSIFADDR", ifp->name,
	    err, errlen) != 0)
		return -1;
	mask.sin_addr.s_addr = plen == 0 ? 0 : htonl(0xffffffffu <<
	    (32 - plen));
	memcpy(&ifr.ifr_netmask, &mask, sizeof(mask));
	return tun_ioctl(AF_INET, SIOCSIFNETMASK, &ifr, "SIOCSIFNETMASK",
	    ifp->name, err, errlen);
}

static int
tun_addr6(struct netif *ifp, const struct sockaddr_in6 *sin6,
    unsigned int plen, char *err, size_t errlen)
{
	struct in6_ifreq ifr6;
	int index;

	if ((index = (int)if_nametoindex(ifp->name)) == 0) {
		snprintf(err, errlen, "%s: %s", ifp->name, strerror(errno));
		return -1;
	}
	memset(&ifr6, 0, sizeof(ifr6));
	ifr6.ifr6_addr = sin6->sin6_addr;
	ifr6.ifr6_prefixlen = plen;
	ifr6.ifr6_ifindex = index;
	return tun_ioctl(AF_INET6, SIOCSIFADDR, &ifr6, "SIOCSIFADDR",
	    ifp->name, err, errlen);
}

int
if_tun_add_addr(struct netif *ifp, const struct sockaddr *sa,
    unsigned int plen, char *err, size_t errlen)
{
	if (sa->sa_family == AF_INET && plen <= 32)
		return tun_addr4(ifp, (const struct sockaddr_in *)
		    (const void *)sa, plen, err, errlen);
	if (sa->sa_family == AF_INET6 && plen <= 128)
		return tun_addr6(ifp, (const struct sockaddr_in6 *)
		    (const void *)sa, plen, err, errlen);
	snprintf(err, errlen, "%s: bad address family or prefix length",
	    ifp->name);
	return -1;
}

int
if_tun_up(struct netif *ifp, char *err, size_t errlen)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifp->name);
	ifr.ifr_mtu = (int)ifp->mtu;
	if (tun_ioctl(AF_INET, SIOCSIFMTU, &ifr, "SIOCSIFMTU", ifp->name,
	    err, errlen) != 0)
		return -1;
	if (tun_ioctl(AF_INET, SIOCGIFFLAGS, &ifr, "SIOCGIFFLAGS", ifp->name,
	    err, errlen) != 0)
		return -1;
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	return tun_ioctl(AF_INET, SIOCSIFFLAGS, &ifr, "SIOCSIFFLAGS",
	    ifp->name, err, errlen);
}

/* A packet of len bytes at pkt into a pool buffer and up. */
static void
tun_deliver(struct if_tun *sc, const uint8_t *pkt, size_t len)
{
	struct pbuf *pb;

	if ((pb = pbuf_alloc(sc->pool, len)) == NULL) {
		sc->ifp->stats.idrops++;
		return;
	}
	memcpy(pbuf_put(pb, len), pkt, len);
	pb->af = (pkt[0] >> 4) == 6 ? AF_INET6 : AF_INET;
	netif_input(sc->ifp, pb);
}

/*
 * Complete an offloaded checksum: the field at start + off holds the
 * pseudo-header sum, so the checksum is the folded sum from start on.
 */
static int
tun_csum(uint8_t *pkt, size_t len, size_t start, size_t off)
{
	if (start >= len || off + 2 > len - start)
		return -1;
	be_put16(pkt + start + off, in_cksum_fold(in_cksum_add(0,
	    pkt + start, len - start)));
	return 0;
}

/*
 * One TCP segment of a super-packet: headers hdrs (hlen bytes, IP header
 * ip_hlen of them) followed by seg payload bytes at off in the stream.
 */
static void
tun_segment(struct if_tun *sc, uint8_t *hdrs, size_t ip_hlen, size_t hlen,
    const uint8_t *payload, size_t off, size_t seg, unsigned int i,
    bool last)
{
	uint8_t *tcp = hdrs + ip_hlen, *out;
	uint8_t flags = tcp[13];
	struct pbuf *pb;
	bool v6 = (hdrs[0] >> 4) == 6;
	uint32_t seq = be_get32(tcp + 4);

	if ((pb = pbuf_alloc(sc->pool, hlen + seg)) == NULL) {
		sc->ifp->stats.idrops++;
		return;
	}
	out = pbuf_put(pb, hlen + seg);
	memcpy(out, hdrs, hlen);
	memcpy(out + hlen, payload + off, seg);
	tcp = out + ip_hlen;
	if (v6)
		be_put16(out + 4, (uint16_t)(hlen + seg - 40));
	else {
		be_put16(out + 2, (uint16_t)(hlen + seg));
		be_put16(out + 4, (uint16_t)(be_get16(hdrs + 4) + i));
		be_put16(out + 10, 0);
		be_put16(out + 10, in_cksum(out, ip_hlen));
	}
	be_put32(tcp + 4, seq + (uint32_t)off);
	tcp[13] = (uint8_t)(flags & ~((last ? 0 : TCP_FIN | TCP_PSH) |
	    (i == 0 ? 0 : TCP_CWR)));
	be_put16(tcp + 16, 0);
	be_put16(tcp + 16, in_cksum_upper(v6 ? AF_INET6 : AF_INET,
	    out + (v6 ? 8 : 12), out + (v6 ? 24 : 16), IPPROTO_TCP, tcp,
	    (uint32_t)(hlen - ip_hlen + seg)));
	pb->af = v6 ? AF_INET6 : AF_INET;
	netif_input(sc->ifp, pb);
}

/*
 * Cut a TCP super-packet of len bytes into segments of mss payload
 * bytes.  Only TCP directly after the IP header is offloaded to us
 * (TSO4/TSO6); anything else is dropped.
 */
static void
tun_gso(struct if_tun *sc, uint8_t *pkt, size_t len, size_t mss)
{
	size_t ip_hlen, hlen, payload, off;
	unsigned int i;
	bool v6 = (pkt[0] >> 4) == 6;

	ip_hlen = v6 ? 40 : (size_t)(pkt[0] & 0x0f) * 4;
	if (len < ip_hlen + 20 || ip_hlen < 20 || mss == 0 ||
	    pkt[v6 ? 6 : 9] != IPPROTO_TCP) {
		sc->ifp->stats.idrops++;
		return;
	}
	hlen = ip_hlen + (size_t)(pkt[ip_hlen + 12] >> 4) * 4;
	if (hlen < ip_hlen + 20 || hlen > len) {
		sc->ifp->stats.idrops++;
		return;
	}
	payload = len - hlen;
	sc->segmented++;
	for (off = 0, i = 0; off < payload; off += mss, i++)
		tun_segment(sc, pkt, ip_hlen, hlen, pkt + hlen, off,
		    payload - off < mss ? payload - off : mss, i,
		    off + mss >= payload);
}

/* One packet read with its virtio-net header. */
static void
tun_packet(struct if_tun *sc, size_t len)
{
	const struct virtio_net_hdr *vh = (const void *)sc->scratch;
	uint8_t *pkt = sc->scratch + TUN_VNET_HDRLEN;

	if (len == 0) {
		sc->ifp->stats.idrops++;
		return;
	}
	if ((vh->gso_type & ~VIRTIO_NET_HDR_GSO_ECN) ==
	    VIRTIO_NET_HDR_GSO_TCPV4 ||
	    (vh->gso_type & ~VIRTIO_NET_HDR_GSO_ECN) ==
	    VIRTIO_NET_HDR_GSO_TCPV6) {
		tun_gso(sc, pkt, len, vh->gso_size);
		return;
	}
	if (vh->gso_type != VIRTIO_NET_HDR_GSO_NONE ||
	    ((vh->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) != 0 &&
	    tun_csum(pkt, len, vh->csum_start, vh->csum_offset) != 0)) {
		sc->ifp->stats.idrops++;
		return;
	}
	tun_deliver(sc, pkt, len);
}

/*
 * Drain the descriptor, up to IF_TUN_BATCH packets per wakeup, so the
 * wire gets its turn under a flood from the host.
 */
static void
tun_readable(int fd, uint32_t events, void *arg)
{
	struct netif *ifp = arg;
	struct if_tun *sc = ifp->softc;
	unsigned int i;
	ssize_t n;

	(void)events;
	for (i = 0; i < IF_TUN_BATCH; i++) {
		n = read(fd, sc->scratch, sizeof(sc->scratch));
		if (n < (ssize_t)TUN_VNET_HDRLEN)
			return;
		tun_packet(sc, (size_t)n - TUN_VNET_HDRLEN);
	}
}

int
if_tun_start(struct netif *ifp, struct net_event_loop *loop,
    struct pbuf_pool *pool, netif_input_fn input, void *arg)
{
	struct if_tun *sc = ifp->softc;

	sc->pool = pool;
	netif_set_input(ifp, input, arg);
	if (net_event_add(loop, sc->fd, EPOLLIN, tun_readable, ifp) != 0)
		return -1;
	if (net_event_flush_add(loop, tun_gro_flush, sc->gro) != 0) {
		net_event_remove(loop, sc->fd);
		return -1;
	}
	sc->loop = loop;
	return 0;
}

const struct tun_gro_stats *
if_tun_gro_stats(const struct netif *ifp)
{
	const struct if_tun *sc = ifp->softc;

	return tun_gro_stats(sc->gro);
}

uint64_t
if_tun_segmented(const struct netif *ifp)
{
	const struct if_tun *sc = ifp->softc;

	return sc->segmented;
}
