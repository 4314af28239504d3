/*
 * drivers_mq tun | wire: the drivers' multi-worker capabilities, run as
 * root inside a fresh network namespace (tests/scripts/test_drivers_mq.sh
 * makes it, and the veth pair wa/wb the wire mode needs).
 *
 * tun: a multi-queue TUN with two queues (if_tun_attach_mq(),
 * if_tun_attach_queue()), the address set through the first; the host
 * sends FLOWS UDP flows into it.  Every packet must come out of exactly
 * one queue, each flow out of one queue only, and both queues must carry
 * some.  A single-queue TUN must refuse a second queue.  Detaching either
 * queue leaves the interface, its address and the other queue working;
 * the interface goes with the last.
 *
 * wire: two if_wire instances on wa in one fanout group, split by the
 * driver's classifier; FLOWS UDP flows are sent into wb through a packet
 * socket, FRAG_DGRAMS UDP datagrams in three IPv4 fragments and as many
 * in three IPv6 fragments, and ARP frames.  Every frame must reach
 * exactly one member, each flow one member only, both members some; the
 * fragments arrive as sent (the kernel reassembles nothing), all three
 * of a datagram on one member; ARP on member 0.  Another NIC cannot join
 * the group; each member transmits on its own.
 *
 * Prints "ok: ..." or "FAIL: ..." per check; exits 1 if any failed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sys/net/if_tun.h"
#include "sys/net/if_wire.h"
#include "sys/net/net_endian.h"
#include "sys/net/net_event.h"
#include "sys/net/netif.h"
#include "sys/net/pbuf.h"
#include "sys/netinet/in_cksum.h"

#define FLOWS		32
#define PER_FLOW	8
#define FRAG_DGRAMS	8		/* fragmented datagrams, per family */
#define FRAGS		3		/* fragments of each */
#define FRAG_ID4	0x8000		/* IPv4 ids of the fragmented ones */
#define FRAG_ID6	0x6000		/* and IPv6 identifications */
#define ARPS		16
#define SPORT		20000
#define DPORT		9
#define WAIT_MS		3000
#define FRAG_PAYLOAD	3000		/* UDP payload of a fragmented one */
#define FRAG_SIZE	1200		/* bytes of it per fragment */

static int failures;

static void
check(bool ok, const char *what)
{
	printf("%s: %s\n", ok ? "ok" : "FAIL", what);
	if (!ok)
		failures++;
}

/* What one queue or member received, by flow. */
struct rx {
	unsigned int	flow[FLOWS];
	unsigned int	frag4[FRAG_DGRAMS];	/* fragments, by datagram */
	unsigned int	frag6[FRAG_DGRAMS];
	unsigned int	big;		/* frames longer than 1514 */
	unsigned int	arps;
	unsigned int	total;
	size_t		l3off;		/* 0 on a TUN, 14 on the wire */
	uint32_t	dst;		/* the flows' destination */
};

/* A fragment of one of our fragmented datagrams: counted by datagram. */
static bool
rx_fragment(struct rx *r, const uint8_t *p, size_t len)
{
	unsigned int id;

	if (len >= 14 + 20 && be_get16(p + 12) == 0x0800 &&
	    (be_get16(p + 14 + 6) & 0x3fff) != 0 &&
	    be_get32(p + 14 + 16) == r->dst) {
		id = be_get16(p + 14 + 4) - FRAG_ID4;
		if (id >= FRAG_DGRAMS)
			return false;
		r->frag4[id]++;
		return true;
	}
	if (len >= 14 + 48 && be_get16(p + 12) == 0x86dd &&
	    p[14 + 6] == 44) {
		id = be_get32(p + 14 + 44) - FRAG_ID6;
		if (id >= FRAG_DGRAMS)
			return false;
		r->frag6[id]++;
		return true;
	}
	return false;
}

static void
rx_input(void *arg, struct pbuf *pb)
{
	struct rx *r = arg;
	const uint8_t *p = pb->data;
	size_t len = pb->len;
	unsigned int sport;

	if (len > 1514)
		r->big++;
	if (r->l3off != 0 && len >= 14 && be_get16(p + 12) == 0x0806) {
		r->arps++;
		r->total++;
	} else if (r->l3off != 0 && rx_fragment(r, p, len)) {
		r->total++;
	} else if (len >= r->l3off + 28 && (r->l3off == 0 ||
	    be_get16(p + 12) == 0x0800)) {
		p += r->l3off;
		sport = be_get16(p + 20);
		if ((p[0] >> 4) == 4 && p[9] == IPPROTO_UDP &&
		    be_get32(p + 16) == r->dst && be_get16(p + 22) == DPORT &&
		    sport >= SPORT && sport < SPORT + FLOWS) {
			r->flow[sport - SPORT]++;
			r->total++;
		}
	}
	pbuf_free(pb);
}

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Run loop until the receivers hold want packets together, or time out. */
static void
drain(struct net_event_loop *loop, struct rx *a, struct rx *b,
    unsigned int want)
{
	long end = now_ms() + WAIT_MS;

	while ((a->total + (b != NULL ? b->total : 0)) < want &&
	    now_ms() < end)
		net_event_run_once(loop, 50);
	/* Anything extra would be a duplicate: give it a moment. */
	net_event_run_once(loop, 100);
}

/* Each flow on one receiver only, and a count of receivers used. */
static bool
flows_apart(const struct rx *a, const struct rx *b, unsigned int *used_a,
    unsigned int *used_b)
{
	unsigned int i;
	bool ok = true;

	*used_a = *used_b = 0;
	for (i = 0; i < FLOWS; i++) {
		if (a->flow[i] > 0 && b->flow[i] > 0)
			ok = false;
		if (a->flow[i] > 0)
			(*used_a)++;
		if (b->flow[i] > 0)
			(*used_b)++;
	}
	return ok;
}

/* ---- TUN ---- */

/* n packets of each flow from the host toward dst through the TUN. */
static int
tun_send(uint32_t dst, unsigned int n)
{
	struct sockaddr_in to = { .sin_family = AF_INET,
	    .sin_port = htons(DPORT), .sin_addr.s_addr = htonl(dst) };
	struct sockaddr_in from = { .sin_family = AF_INET };
	unsigned int i, k;
	int s;

	for (i = 0; i < FLOWS; i++) {
		if ((s = socket(AF_INET, SOCK_DGRAM, 0)) < 0)
			return -1;
		from.sin_port = htons(SPORT + i);
		if (bind(s, (struct sockaddr *)&from, sizeof(from)) != 0) {
			close(s);
			return -1;
		}
		for (k = 0; k < n; k++)
			if (sendto(s, "mq", 2, 0, (struct sockaddr *)&to,
			    sizeof(to)) != 2) {
				close(s);
				return -1;
			}
		close(s);
	}
	return 0;
}

/* The IPv4 address of name in host order, 0 if none (or no interface). */
static uint32_t
if_addr4(const char *name)
{
	struct ifreq ifr;
	uint32_t a = 0;
	int s;

	if ((s = socket(AF_INET, SOCK_DGRAM, 0)) < 0)
		return 0;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (ioctl(s, SIOCGIFADDR, &ifr) == 0)
		a = ntohl(((struct sockaddr_in *)(void *)&ifr.ifr_addr)->
		    sin_addr.s_addr);
	close(s);
	return a;
}

/*
 * A two-queue TUN name at 10.N.0.1/24, both queues started on loop.
 * 0, or -1 with the reason printed.
 */
static int
tun_pair(const char *name, unsigned int net, struct net_event_loop *loop,
    struct pbuf_pool *pool, struct netif *q[2], struct rx rx[2])
{
	struct sockaddr_in a = { .sin_family = AF_INET,
	    .sin_addr.s_addr = htonl(0x0a000001u | net << 16) };
	char err[256];
	int i;

	memset(rx, 0, 2 * sizeof(*rx));
	if ((q[0] = if_tun_attach_mq(name, 1400, err, sizeof(err))) ==
	    NULL || (q[1] = if_tun_attach_queue(q[0], err, sizeof(err))) ==
	    NULL || if_tun_up(q[0], err, sizeof(err)) != 0 ||
	    if_tun_add_addr(q[0], (struct sockaddr *)&a, 24, err,
	    sizeof(err)) != 0) {
		printf("FAIL: %s\n", err);
		return -1;
	}
	for (i = 0; i < 2; i++) {
		rx[i].dst = 0x0a000002u | net << 16;
		if (if_tun_start(q[i], loop, pool, rx_input, &rx[i]) != 0) {
			printf("FAIL: start: %s\n", strerror(errno));
			return -1;
		}
	}
	return 0;
}

static int
run_tun(void)
{
	struct net_event_loop *loop;
	struct pbuf_pool *pool;
	struct netif *q[2], *sq;
	struct rx rx[2];
	unsigned int ua, ub;
	char err[256];

	if ((loop = net_event_loop_create()) == NULL ||
	    (pool = pbuf_pool_create(256, 4)) == NULL) {
		perror("drivers_mq");
		return 1;
	}

	/* A single-queue TUN is as before, and takes no second queue. */
	sq = if_tun_attach("mqs0", 1400, err, sizeof(err));
	check(sq != NULL, "single-queue TUN attached");
	if (sq != NULL) {
		check(if_tun_attach_queue(sq, err, sizeof(err)) == NULL,
		    "single-queue TUN refuses a second queue");
		netif_detach(sq);
	}
	check(if_nametoindex("mqs0") == 0, "single-queue TUN gone on detach");

	/* Two queues: the host's flows spread over both, none split. */
	if (tun_pair("mqt0", 77, loop, pool, q, rx) != 0)
		return 1;
	check(tun_send(0x0a4d0002u, PER_FLOW) == 0, "host sent the flows");
	drain(loop, &rx[0], &rx[1], FLOWS * PER_FLOW);
	printf("queue 0: %u packets, queue 1: %u packets\n", rx[0].total,
	    rx[1].total);
	check(rx[0].total + rx[1].total == FLOWS * PER_FLOW,
	    "the two queues together received every packet once");
	check(flows_apart(&rx[0], &rx[1], &ua, &ub),
	    "each flow came out of one queue only");
	printf("flows: %u on queue 0, %u on queue 1\n", ua, ub);
	check(ua > 0 && ub > 0, "both queues carried flows");

	/* The second queue goes alone: device, address, first queue stay. */
	netif_detach(q[1]);
	check(if_nametoindex("mqt0") != 0 && if_addr4("mqt0") == 0x0a4d0001u,
	    "detaching the second queue keeps the device and its address");
	memset(&rx[0].flow, 0, sizeof(rx[0].flow));
	rx[0].total = 0;
	check(tun_send(0x0a4d0002u, 2) == 0, "host sent the flows again");
	drain(loop, &rx[0], NULL, FLOWS * 2);
	check(rx[0].total == FLOWS * 2, "the first queue now gets every flow");
	netif_detach(q[0]);
	check(if_nametoindex("mqt0") == 0, "the last queue takes the device");

	/* The first queue goes first: the second carries on alone. */
	if (tun_pair("mqt1", 78, loop, pool, q, rx) != 0)
		return 1;
	netif_detach(q[0]);
	check(if_nametoindex("mqt1") != 0 && if_addr4("mqt1") == 0x0a4e0001u,
	    "detaching the first queue keeps the device and its address");
	check(tun_send(0x0a4e0002u, 2) == 0, "host sent the flows");
	drain(loop, &rx[1], NULL, FLOWS * 2);
	check(rx[1].total == FLOWS * 2 && rx[0].total == 0,
	    "the second queue gets every flow");
	netif_detach(q[1]);
	check(if_nametoindex("mqt1") == 0, "the last queue takes the device");

	net_event_loop_destroy(loop);
	pbuf_pool_destroy(pool);
	return failures != 0;
}

/* ---- wire ---- */

#define W_SRC	0x0a4f0002u	/* 10.79.0.2, behind wb */
#define W_DST	0x0a4f0001u	/* 10.79.0.1, toward wa */

struct sender {
	int		fd;
	int		ifindex;
	uint8_t		mac[6];		/* wb's */
	uint8_t		dmac[6];	/* wa's */
};

static int
sender_open(struct sender *s, const char *name, const uint8_t *dmac)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	struct ifreq ifr;

	if ((s->fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL))) < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (ioctl(s->fd, SIOCGIFINDEX, &ifr) != 0)
		return -1;
	s->ifindex = ifr.ifr_ifindex;
	if (ioctl(s->fd, SIOCGIFHWADDR, &ifr) != 0)
		return -1;
	memcpy(s->mac, ifr.ifr_hwaddr.sa_data, 6);
	memcpy(s->dmac, dmac, 6);
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = s->ifindex;
	/* Our own frames would fill the receive buffer before the replies. */
	if (setsockopt(s->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &(int){ 1 },
	    sizeof(int)) != 0)
		return -1;
	return bind(s->fd, (struct sockaddr *)&sll, sizeof(sll));
}

static int
sender_frame(struct sender *s, const uint8_t *f, size_t len)
{
	return send(s->fd, f, len, 0) == (ssize_t)len ? 0 : -1;
}

/* An Ethernet + IPv4 header for len IP bytes, fragment field frag. */
static void
ip_frame(struct sender *s, uint8_t *f, size_t iplen, uint16_t id,
    uint16_t frag)
{
	uint8_t *ip = f + 14;

	memcpy(f, s->dmac, 6);
	memcpy(f + 6, s->mac, 6);
	be_put16(f + 12, 0x0800);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	be_put16(ip + 2, (uint16_t)iplen);
	be_put16(ip + 4, id);
	be_put16(ip + 6, frag);
	ip[8] = 64;
	ip[9] = IPPROTO_UDP;
	be_put32(ip + 12, W_SRC);
	be_put32(ip + 16, W_DST);
	be_put16(ip + 10, in_cksum(ip, 20));
}

/* One unfragmented UDP datagram of flow i. */
static int
send_udp(struct sender *s, unsigned int i, uint16_t id)
{
	uint8_t f[14 + 20 + 8 + 16];
	uint8_t *udp = f + 34;

	ip_frame(s, f, sizeof(f) - 14, id, 0);
	be_put16(udp, (uint16_t)(SPORT + i));
	be_put16(udp + 2, DPORT);
	be_put16(udp + 4, 8 + 16);
	be_put16(udp + 6, 0);
	memset(udp + 8, 'u', 16);
	return sender_frame(s, f, sizeof(f));
}

/* The UDP datagram a fragmented one carries: flow i, FRAG_PAYLOAD bytes. */
static size_t
frag_dgram(uint8_t *d, unsigned int i)
{
	size_t total = 8 + FRAG_PAYLOAD;

	be_put16(d, (uint16_t)(SPORT + i));
	be_put16(d + 2, DPORT);
	be_put16(d + 4, (uint16_t)total);
	be_put16(d + 6, 0);
	memset(d + 8, 'f', FRAG_PAYLOAD);
	return total;
}

/* Datagram k of flow i in FRAGS IPv4 fragments of FRAG_SIZE bytes. */
static int
send_fragmented(struct sender *s, unsigned int i, unsigned int k)
{
	static uint8_t dgram[8 + FRAG_PAYLOAD];
	uint8_t f[14 + 20 + FRAG_SIZE];
	size_t total = frag_dgram(dgram, i), off, n;

	for (off = 0; off < total; off += n) {
		n = total - off > FRAG_SIZE ? FRAG_SIZE : total - off;
		ip_frame(s, f, 20 + n, (uint16_t)(FRAG_ID4 + k),
		    (uint16_t)((off / 8) | (off + n < total ? 0x2000 : 0)));
		memcpy(f + 34, dgram + off, n);
		if (sender_frame(s, f, 34 + n) != 0)
			return -1;
	}
	return 0;
}

/*
 * The same in IPv6 fragments: fixed header, fragment header (RFC 8200
 * section 4.5: next header, reserved, offset and M, identification).
 */
static int
send_fragmented6(struct sender *s, unsigned int i, unsigned int k)
{
	static const uint8_t src[16] = { 0xfd, 0, 0, 0x79, [15] = 2 };
	static const uint8_t dst[16] = { 0xfd, 0, 0, 0x79, [15] = 1 };
	static uint8_t dgram[8 + FRAG_PAYLOAD];
	uint8_t f[14 + 40 + 8 + FRAG_SIZE], *ip6 = f + 14;
	size_t total = frag_dgram(dgram, i), off, n;

	memcpy(f, s->dmac, 6);
	memcpy(f + 6, s->mac, 6);
	be_put16(f + 12, 0x86dd);
	for (off = 0; off < total; off += n) {
		n = total - off > FRAG_SIZE ? FRAG_SIZE : total - off;
		memset(ip6, 0, 48);
		ip6[0] = 0x60;
		be_put16(ip6 + 4, (uint16_t)(8 + n));
		ip6[6] = 44;
		ip6[7] = 64;
		memcpy(ip6 + 8, src, 16);
		memcpy(ip6 + 24, dst, 16);
		ip6[40] = IPPROTO_UDP;
		be_put16(ip6 + 42, (uint16_t)(off | (off + n < total ? 1 : 0)));
		be_put32(ip6 + 44, FRAG_ID6 + k);
		memcpy(ip6 + 48, dgram + off, n);
		if (sender_frame(s, f, 14 + 48 + n) != 0)
			return -1;
	}
	return 0;
}

/* The fragments of each datagram all on one member, none lost. */
static bool
frags_together(const unsigned int *a, const unsigned int *b,
    unsigned int *on_a, unsigned int *on_b)
{
	unsigned int k;
	bool ok = true;

	*on_a = *on_b = 0;
	for (k = 0; k < FRAG_DGRAMS; k++) {
		if (!((a[k] == FRAGS && b[k] == 0) ||
		    (a[k] == 0 && b[k] == FRAGS)))
			ok = false;
		*on_a += a[k] == FRAGS;
		*on_b += b[k] == FRAGS;
	}
	return ok;
}

/*
 * The member the classifier's hash, written out plainly, picks for the
 * IPv4 flow i, IPv4 datagram k, IPv6 datagram k: the kernel must agree,
 * which shows it runs the program on the offsets the program expects.
 */
static unsigned int
member_of(uint32_t h)
{
	h ^= h >> 16;
	h ^= h >> 8;
	return h % 2;
}

static bool
on_expected(const struct rx *r, unsigned int want)
{
	unsigned int i, k;

	for (i = 0; i < FLOWS; i++)
		if (r[1 - member_of(W_SRC ^ W_DST ^ (uint32_t)(SPORT + i) <<
		    16 ^ DPORT)].flow[i] != 0)
			return false;
	for (k = 0; k < FRAG_DGRAMS; k++) {
		if (r[1 - member_of(W_SRC ^ W_DST ^ (FRAG_ID4 + k))].frag4[k]
		    != 0)
			return false;
		/* fd00:79::2 ^ fd00:79::1: the fd000079 words cancel. */
		if (r[1 - member_of(3 ^ (FRAG_ID6 + k))].frag6[k] != 0)
			return false;
	}
	return want == r[0].total + r[1].total;
}

static int
send_arp(struct sender *s, unsigned int i)
{
	uint8_t f[60];

	memset(f, 0, sizeof(f));
	memset(f, 0xff, 6);
	memcpy(f + 6, s->mac, 6);
	be_put16(f + 12, 0x0806);
	be_put16(f + 14, 1);		/* Ethernet */
	be_put16(f + 16, 0x0800);
	f[18] = 6;
	f[19] = 4;
	be_put16(f + 20, 1);		/* request */
	memcpy(f + 22, s->mac, 6);
	be_put32(f + 28, W_SRC);
	be_put32(f + 38, W_DST + i + 1);
	return sender_frame(s, f, sizeof(f));
}

/* Frames from wa's members seen on wb within a moment. */
static unsigned int
sender_count_from(struct sender *s, const uint8_t *mac)
{
	uint8_t f[2048];
	unsigned int n = 0;
	struct pollfd pfd = { .fd = s->fd, .events = POLLIN };
	ssize_t len;

	while (poll(&pfd, 1, 300) == 1) {
		if ((len = recv(s->fd, f, sizeof(f), 0)) < 14)
			break;
		if (memcmp(f + 6, mac, 6) == 0 && be_get16(f + 12) == 0x88b5)
			n++;
	}
	return n;
}

static int
run_wire(const char *wa, const char *wb)
{
	struct if_wire_config cfg = { .name = wa };
	struct net_event_loop *loop;
	struct pbuf_pool *pool;
	struct netif *m[2], *other;
	struct sender snd;
	struct rx rx[2];
	uint8_t tx[64];
	unsigned int i, k, ua, ub, want;
	uint16_t id = 1;
	char err[256];

	cfg.fanout = (uint16_t)(getpid() | 1);
	if ((loop = net_event_loop_create()) == NULL ||
	    (pool = pbuf_pool_create(256, 16)) == NULL) {
		perror("drivers_mq");
		return 1;
	}
	memset(rx, 0, sizeof(rx));
	for (i = 0; i < 2; i++) {
		if ((m[i] = if_wire_attach(&cfg, err, sizeof(err))) == NULL) {
			printf("FAIL: member %u: %s\n", i, err);
			return 1;
		}
		rx[i].l3off = 14;
		rx[i].dst = W_DST;
		if (if_wire_start(m[i], loop, pool, rx_input, &rx[i]) != 0) {
			printf("FAIL: start: %s\n", strerror(errno));
			return 1;
		}
	}
	check(true, "two members joined the fanout group");
	cfg.name = wb;
	other = if_wire_attach(&cfg, err, sizeof(err));
	check(other == NULL, "another NIC cannot join the group");
	if (other != NULL)
		netif_detach(other);
	else
		printf("(%s)\n", err);

	if (sender_open(&snd, wb, m[0]->lladdr) != 0) {
		printf("FAIL: %s: %s\n", wb, strerror(errno));
		return 1;
	}
	for (k = 0; k < PER_FLOW; k++)
		for (i = 0; i < FLOWS; i++) {
			if (send_udp(&snd, i, id++) != 0 ||
			    (k == PER_FLOW / 2 && i < FRAG_DGRAMS &&
			    (send_fragmented(&snd, i, i) != 0 ||
			    send_fragmented6(&snd, i, i) != 0))) {
				printf("FAIL: send: %s\n", strerror(errno));
				return 1;
			}
		}
	for (i = 0; i < ARPS; i++)
		if (send_arp(&snd, i) != 0) {
			printf("FAIL: send: %s\n", strerror(errno));
			return 1;
		}
	want = FLOWS * PER_FLOW + 2 * FRAG_DGRAMS * FRAGS + ARPS;
	drain(loop, &rx[0], &rx[1], want);
	printf("member 0: %u frames (%u ARP), member 1: %u frames (%u ARP)\n",
	    rx[0].total, rx[0].arps, rx[1].total, rx[1].arps);
	check(rx[0].total + rx[1].total == want,
	    "the two members together received every frame once");
	check(rx[0].arps == ARPS && rx[1].arps == 0,
	    "every ARP frame reached member 0");
	check(flows_apart(&rx[0], &rx[1], &ua, &ub),
	    "each flow reached one member only");
	printf("flows: %u on member 0, %u on member 1\n", ua, ub);
	check(ua > 0 && ub > 0, "both members carried flows");
	check(rx[0].big + rx[1].big == 0,
	    "fragments arrived as sent, none reassembled by the kernel");
	check(frags_together(rx[0].frag4, rx[1].frag4, &ua, &ub),
	    "the IPv4 fragments of each datagram reached one member");
	printf("IPv4 fragmented datagrams: %u on member 0, %u on member 1\n",
	    ua, ub);
	check(frags_together(rx[0].frag6, rx[1].frag6, &ua, &ub),
	    "the IPv6 fragments of each datagram reached one member");
	printf("IPv6 fragmented datagrams: %u on member 0, %u on member 1\n",
	    ua, ub);
	check(on_expected(rx, want),
	    "each flow and datagram on the member the classifier's hash picks");

	/* Transmission is per member. */
	memset(tx, 0, sizeof(tx));
	memcpy(tx, snd.mac, 6);
	memcpy(tx + 6, m[0]->lladdr, 6);
	be_put16(tx + 12, 0x88b5);	/* local experimental */
	for (i = 0; i < 2; i++)
		netif_xmit(m[i], tx, 14, tx + 14, sizeof(tx) - 14);
	net_event_run_once(loop, 0);
	check(m[0]->stats.opackets == 1 && m[1]->stats.opackets == 1 &&
	    sender_count_from(&snd, m[0]->lladdr) == 2,
	    "each member transmits on its own socket");

	close(snd.fd);
	netif_detach(m[0]);
	netif_detach(m[1]);
	net_event_loop_destroy(loop);
	pbuf_pool_destroy(pool);
	return failures != 0;
}

int
main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && strcmp(argv[1], "tun") == 0)
		return run_tun();
	if (argc == 4 && strcmp(argv[1], "wire") == 0)
		return run_wire(argv[2], argv[3]);
	fprintf(stderr, "usage: drivers_mq tun | wire NIC PEER\n");
	return 64;
}
