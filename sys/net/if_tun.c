/*
 * The TUN driver.  Addresses, MTU and flags are set with the classic
 * interface ioctls (SIOCSIFADDR/SIOCSIFNETMASK on an AF_INET socket,
 * SIOCSIFADDR with struct in6_ifreq on an AF_INET6 socket): no netlink
 * library and no ip(8) process are needed for what is a handful of calls
 * at start-up.
 */
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/ipv6.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "sys/net/if_tun.h"
#include "sys/net/net_event.h"
#include "sys/netinet/ip_path.h"

struct if_tun {
	int			 fd;
	struct pbuf_pool	*pool;
	struct ip_path		*path;
	struct pbuf		*spare;	/* a buffer kept across wakeups */
};

static int
tun_output(struct netif *ifp, const uint8_t *data, size_t len)
{
	struct if_tun *sc = ifp->softc;
	ssize_t n;

	n = write(sc->fd, data, len);
	return n == (ssize_t)len ? 0 : -1;
}

static int
tun_detach(struct netif *ifp)
{
	struct if_tun *sc = ifp->softc;

	if (sc->fd >= 0) {
		if (sc->path != NULL)
			net_event_remove(sc->fd);
		close(sc->fd);
	}
	if (sc->spare != NULL)
		pbuf_free(sc->spare);
	free(sc);
	return 0;
}

static const struct netif_ops tun_ops = {
	.output = tun_output,
	.detach = tun_detach,
};

static int
tun_open(const char *name, char *err, size_t errlen)
{
	struct ifreq ifr;
	int fd;

	if ((fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC)) <
	    0) {
		snprintf(err, errlen, "/dev/net/tun: %s", strerror(errno));
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) != 0) {
		snprintf(err, errlen, "%s: TUNSETIFF: %s", name,
		    strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

struct netif *
if_tun_attach(const char *name, size_t mtu, char *err, size_t errlen)
{
	struct if_tun *sc;
	struct netif *ifp;

	if (strlen(name) >= IFNAMSIZ || strlen(name) >= NETIF_NAMELEN) {
		snprintf(err, errlen, "%s: interface name too long", name);
		return NULL;
	}
	sc = calloc(1, sizeof(*sc));
	ifp = calloc(1, sizeof(*ifp));
	if (sc == NULL || ifp == NULL) {
		snprintf(err, errlen, "%s: out of memory", name);
		free(sc);
		free(ifp);
		return NULL;
	}
	netif_init(ifp, name, mtu, &tun_ops, sc);
	if ((sc->fd = tun_open(name, err, errlen)) < 0) {
		netif_detach(ifp);
		return NULL;
	}
	return ifp;
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

static int
tun_addr4(struct netif *ifp, const struct sockaddr_in *sin,
    unsigned int plen, char *err, size_t errlen)
{
	struct sockaddr_in mask = { .sin_family = AF_INET };
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifp->name);
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

/*
 * Drain the descriptor: read each packet into a pool buffer and hand it
 * to the path.  A buffer left over when the read would block is kept for
 * the next wakeup.
 */
static void
tun_readable(int fd, uint32_t events, void *arg)
{
	struct netif *ifp = arg;
	struct if_tun *sc = ifp->softc;
	struct pbuf *pb;
	unsigned int i;
	ssize_t n;

	(void)events;
	for (i = 0; i < IF_TUN_BATCH; i++) {
		if ((pb = sc->spare) == NULL &&
		    (pb = pbuf_alloc(sc->pool, ifp->mtu)) == NULL) {
			ifp->stats.idrops++;
			return;
		}
		sc->spare = NULL;
		n = read(fd, pb->data, pbuf_tailroom(pb) - PBUF_TAILROOM);
		if (n <= 0) {
			sc->spare = pb;
			return;
		}
		pbuf_put(pb, (size_t)n);
		pb->af = (pb->data[0] >> 4) == 6 ? AF_INET6 : AF_INET;
		netif_input_count(ifp, pb);
		ip_path_from_host(sc->path, pb);
	}
}

int
if_tun_start(struct netif *ifp, struct pbuf_pool *pool,
    struct ip_path *path)
{
	struct if_tun *sc = ifp->softc;

	sc->pool = pool;
	if (net_event_add(sc->fd, EPOLLIN, tun_readable, ifp) != 0)
		return -1;
	sc->path = path;
	return 0;
}
