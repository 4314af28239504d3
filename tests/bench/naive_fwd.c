/*
 * The reference hop of the live benchmark (bench_live.sh): a naive
 * TUN <-> UDP forwarder with no crypto.  One thread, poll(2) on the two
 * descriptors, one read and one write per packet: every IP packet the
 * host writes to the TUN goes to the peer as one UDP datagram, and every
 * datagram from the peer is written to the TUN as it came.  It is what a
 * user-space tunnel costs without batching, offloads or threads, so that
 * the bench can say how far ours is from the simplest possible one.
 *
 *	naive_fwd tun_if local_addr port peer_addr port
 *
 * Creates tun_if (IFF_TUN, no packet information), binds the UDP socket,
 * prints "ready" and runs until SIGTERM or SIGINT; the caller sets the
 * TUN's addresses, MTU and routes.  IPv4 addresses only.  Packets from
 * anyone but the peer are dropped.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define PKT_MAX	65536

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int
tun_open(const char *name)
{
	struct ifreq ifr;
	int fd;

	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
sin_parse(struct sockaddr_in *sin, const char *addr, const char *port)
{
	char *end;
	long p;

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	p = strtol(port, &end, 10);
	if (*end != '\0' || p <= 0 || p > 65535 ||
	    inet_pton(AF_INET, addr, &sin->sin_addr) != 1)
		return -1;
	sin->sin_port = htons((uint16_t)p);
	return 0;
}

static int
udp_open(const struct sockaddr_in *local)
{
	int fd, sz = 4 << 20;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	if (bind(fd, (const struct sockaddr *)local, sizeof(*local)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* One packet from the TUN to the peer. */
static void
tun_to_udp(int tun, int udp, const struct sockaddr_in *peer, uint8_t *buf)
{
	ssize_t n;

	n = read(tun, buf, PKT_MAX);
	if (n > 0)
		(void)sendto(udp, buf, (size_t)n, 0,
		    (const struct sockaddr *)peer, sizeof(*peer));
}

/* One datagram from the peer to the TUN. */
static void
udp_to_tun(int udp, int tun, const struct sockaddr_in *peer, uint8_t *buf)
{
	struct sockaddr_in from;
	socklen_t fromlen = sizeof(from);
	ssize_t n;

	n = recvfrom(udp, buf, PKT_MAX, 0, (struct sockaddr *)&from,
	    &fromlen);
	if (n > 0 && from.sin_addr.s_addr == peer->sin_addr.s_addr &&
	    from.sin_port == peer->sin_port)
		(void)write(tun, buf, (size_t)n);
}

int
main(int argc, char **argv)
{
	static uint8_t buf[PKT_MAX];
	struct sockaddr_in local, peer;
	struct pollfd pfd[2];
	int tun, udp;

	if (argc != 6 || sin_parse(&local, argv[2], argv[3]) != 0 ||
	    sin_parse(&peer, argv[4], argv[5]) != 0) {
		fprintf(stderr, "usage: naive_fwd tun_if local_addr port "
		    "peer_addr port\n");
		return 2;
	}
	if ((tun = tun_open(argv[1])) < 0 || (udp = udp_open(&local)) < 0) {
		fprintf(stderr, "naive_fwd: %s\n", strerror(errno));
		return 1;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	printf("ready\n");
	fflush(stdout);
	pfd[0] = (struct pollfd){ .fd = tun, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = udp, .events = POLLIN };
	while (!stop) {
		if (poll(pfd, 2, 500) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[0].revents & POLLIN)
			tun_to_udp(tun, udp, &peer, buf);
		if (pfd[1].revents & POLLIN)
			udp_to_tun(udp, tun, &peer, buf);
	}
	close(udp);
	close(tun);
	return 0;
}
