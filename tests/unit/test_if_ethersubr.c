/*
 * The seam between drivers and the layers above: the Ethernet link as an
 * interface stacked on a fake frame driver (its xmit records frames, as
 * the wire driver's socket would send them), with a recorder as the layer
 * above (the IP path's place).  Frames go in through ether_input(), the
 * driver's input callback: IP reaches the recorder without its Ethernet
 * header and with pb->af set, ARP and ND are answered below and never
 * reach it, other types are counted.  IP packets go out through
 * netif_output() on the link and leave as frames through the driver once
 * the next hop is resolved.  Two links over two drivers (two workers'
 * fanout members) share one neighbour cache.
 */
#include <arpa/inet.h>
#include <string.h>

#include "testlib.h"
#include "sys/net/net_clock.h"
#include "sys/net/net_endian.h"
#include "sys/net/netif.h"
#include "sys/net/pbuf.h"
#include "sys/netinet/if_ethersubr.h"
#include "sys/netinet/in_cksum.h"

#define REC_MAX		16

struct rec {
	size_t	n;
	size_t	len[REC_MAX];
	int	af[REC_MAX];
	struct netif *ifp[REC_MAX];	/* wire_out: the driver */
	uint8_t	data[REC_MAX][1600];
};

static struct rec wire_out;	/* frames the driver was given */
static struct rec path_in;	/* packets the layer above received */

static const uint8_t our_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t peer_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };

static int
fake_xmit(struct netif *ifp, const uint8_t *hdr, size_t hlen,
    const uint8_t *pl, size_t plen)
{
	struct rec *r = &wire_out;

	if (r->n == REC_MAX || hlen + plen > sizeof(r->data[0])) {
		ifp->stats.oerrors++;
		return -1;
	}
	memcpy(r->data[r->n], hdr, hlen);
	memcpy(r->data[r->n] + hlen, pl, plen);
	r->ifp[r->n] = ifp;
	r->len[r->n++] = hlen + plen;
	ifp->stats.opackets++;
	return 0;
}

static const struct netif_ops fake_ops = { .xmit = fake_xmit };

static void
path_record(void *arg, struct pbuf *pb)
{
	struct rec *r = arg;

	if (r->n < REC_MAX && pb->len <= sizeof(r->data[0])) {
		memcpy(r->data[r->n], pb->data, pb->len);
		r->af[r->n] = pb->af;
		r->len[r->n++] = pb->len;
	}
	pbuf_free(pb);
}

static struct pbuf_pool *pool;
static struct netif lower;
static struct netif *eth;

static struct ether_ifaddr addrs[2];

static int
stack_up(void)
{
	struct ether_ifaddr *a = addrs;
	struct ether_config cfg = { .naddrs = 2, .addrs = a };
	char err[128];

	memset(&wire_out, 0, sizeof(wire_out));
	memset(&path_in, 0, sizeof(path_in));
	memset(addrs, 0, sizeof(addrs));
	a[0].addr.sin.sin_family = AF_INET;
	inet_pton(AF_INET, "10.0.0.1", &a[0].addr.sin.sin_addr);
	a[0].plen = 24;
	a[1].addr.sin6.sin6_family = AF_INET6;
	inet_pton(AF_INET6, "fd00::1", &a[1].addr.sin6.sin6_addr);
	a[1].plen = 64;
	net_clock_set_fake(1000);
	if ((pool = pbuf_pool_create(64, 2)) == NULL)
		return -1;
	netif_init(&lower, "fake0", 1500, &fake_ops, NULL);
	memcpy(lower.lladdr, our_mac, 6);
	if ((eth = ether_ifattach(&lower, &cfg, err, sizeof(err))) == NULL)
		return -1;
	netif_set_input(&lower, ether_input, eth);
	netif_set_input(eth, path_record, &path_in);
	return 0;
}

static int
stack_down(void)
{
	struct pbuf_pool_stats st;

	netif_detach(eth);
	pbuf_pool_stats(pool, &st);
	pbuf_pool_destroy(pool);
	/* Every buffer handed up came back: nothing leaks at the seam. */
	return st.allocs == st.frees ? 0 : -1;
}

/* A frame from src_mac of type carrying len bytes of pl, in through drv. */
static void
frame_in_on(struct netif *drv, const uint8_t *src_mac, uint16_t type,
    const uint8_t *pl, size_t len)
{
	struct pbuf *pb;
	uint8_t *f;

	pb = pbuf_alloc(pool, ETHER_HDRLEN + len);
	CU_ASSERT_FATAL(pb != NULL);
	f = pbuf_put(pb, ETHER_HDRLEN + len);
	ether_header(f, our_mac, src_mac, type);
	memcpy(f + ETHER_HDRLEN, pl, len);
	netif_input(drv, pb);
}

static void
frame_in(const uint8_t *src_mac, uint16_t type, const uint8_t *pl,
    size_t len)
{
	frame_in_on(&lower, src_mac, type, pl, len);
}

static size_t
ip4_packet(uint8_t *p, const char *src, const char *dst)
{
	memset(p, 0, 40);
	p[0] = 0x45;
	p[3] = 40;
	p[8] = 64;
	p[9] = 17;
	inet_pton(AF_INET, src, p + 12);
	inet_pton(AF_INET, dst, p + 16);
	be_put16(p + 10, in_cksum(p, 20));
	memcpy(p + 20, "payload-bytes-of-udp", 20);
	return 40;
}

static void
arp_make(uint8_t *a, unsigned int op, const char *spa, const char *tpa)
{
	static const uint8_t fixed[8] = { 0, 1, 8, 0, 6, 4, 0, 0 };

	memcpy(a, fixed, 8);
	a[7] = (uint8_t)op;
	memcpy(a + 8, peer_mac, 6);
	inet_pton(AF_INET, spa, a + 14);
	memset(a + 18, 0, 6);
	inet_pton(AF_INET, tpa, a + 24);
}

static void
test_input_dispatch(void)
{
	const struct ether_link *l;
	uint8_t ip[40], ip6[48], arp[28];
	size_t len;

	CU_ASSERT_FATAL(stack_up() == 0);
	l = ether_iflink(eth);
	len = ip4_packet(ip, "10.0.0.2", "10.0.0.1");
	frame_in(peer_mac, ETHER_TYPE_IP, ip, len);
	CU_ASSERT_EQUAL_FATAL(path_in.n, 1);
	CU_ASSERT_EQUAL(path_in.af[0], AF_INET);
	CU_ASSERT_EQUAL(path_in.len[0], len);
	CU_ASSERT(memcmp(path_in.data[0], ip, len) == 0);
	/* An IPv6 packet that is not ND goes up as well. */
	memset(ip6, 0, sizeof(ip6));
	ip6[0] = 0x60;
	ip6[5] = 8;
	ip6[6] = 17;
	ip6[7] = 64;
	frame_in(peer_mac, ETHER_TYPE_IPV6, ip6, sizeof(ip6));
	CU_ASSERT_EQUAL_FATAL(path_in.n, 2);
	CU_ASSERT_EQUAL(path_in.af[1], AF_INET6);
	CU_ASSERT_EQUAL(path_in.len[1], sizeof(ip6));
	/* ARP is answered below the path, through the driver. */
	arp_make(arp, 1, "10.0.0.2", "10.0.0.1");
	frame_in(peer_mac, ETHER_TYPE_ARP, arp, sizeof(arp));
	CU_ASSERT_EQUAL(path_in.n, 2);
	CU_ASSERT_EQUAL_FATAL(wire_out.n, 1);
	CU_ASSERT(memcmp(wire_out.data[0], peer_mac, 6) == 0);
	CU_ASSERT(memcmp(wire_out.data[0] + 6, our_mac, 6) == 0);
	CU_ASSERT(wire_out.data[0][ETHER_HDRLEN + 7] == 2);
	CU_ASSERT(l->c[ETHER_C_ARP_REPLIED] == 1);
	/* Other EtherTypes and runts are counted and freed. */
	frame_in(peer_mac, 0x88cc, arp, sizeof(arp));
	CU_ASSERT(l->c[ETHER_C_NOPROTO] == 1);
	CU_ASSERT_EQUAL(path_in.n, 2);
	/* Counters: frames in on the driver, packets in on the link. */
	CU_ASSERT_EQUAL(lower.stats.ipackets, 4);
	CU_ASSERT_EQUAL(eth->stats.ipackets, 2);
	CU_ASSERT(stack_down() == 0);
}

static void
test_output_resolves(void)
{
	struct pbuf *pb;
	uint8_t ip[40], arp[28];
	size_t len;

	CU_ASSERT_FATAL(stack_up() == 0);
	len = ip4_packet(ip, "10.0.0.1", "10.0.0.7");
	pb = pbuf_alloc(pool, len);
	CU_ASSERT_FATAL(pb != NULL);
	memcpy(pbuf_put(pb, len), ip, len);
	CU_ASSERT(netif_output(eth, pb) == 0);
	/* Held; the driver sent a broadcast ARP request. */
	CU_ASSERT_EQUAL_FATAL(wire_out.n, 1);
	CU_ASSERT(memcmp(wire_out.data[0], "\xff\xff\xff\xff\xff\xff", 6) ==
	    0);
	CU_ASSERT(be_get16(wire_out.data[0] + 12) == ETHER_TYPE_ARP);
	arp_make(arp, 2, "10.0.0.7", "10.0.0.1");
	frame_in(peer_mac, ETHER_TYPE_ARP, arp, sizeof(arp));
	/* The held packet leaves framed to the neighbour, bytes intact. */
	CU_ASSERT_EQUAL_FATAL(wire_out.n, 2);
	CU_ASSERT_EQUAL(wire_out.len[1], ETHER_HDRLEN + len);
	CU_ASSERT(memcmp(wire_out.data[1], peer_mac, 6) == 0);
	CU_ASSERT(memcmp(wire_out.data[1] + 6, our_mac, 6) == 0);
	CU_ASSERT(be_get16(wire_out.data[1] + 12) == ETHER_TYPE_IP);
	CU_ASSERT(memcmp(wire_out.data[1] + ETHER_HDRLEN, ip, len) == 0);
	CU_ASSERT_EQUAL(lower.stats.opackets, 2);
	CU_ASSERT_EQUAL(eth->stats.opackets, 1);
	CU_ASSERT(stack_down() == 0);
}

static void
test_no_receiver(void)
{
	uint8_t ip[40];

	CU_ASSERT_FATAL(stack_up() == 0);
	netif_set_input(eth, NULL, NULL);
	frame_in(peer_mac, ETHER_TYPE_IP, ip, ip4_packet(ip, "10.0.0.2",
	    "10.0.0.1"));
	CU_ASSERT_EQUAL(path_in.n, 0);
	CU_ASSERT_EQUAL(eth->stats.idrops, 1);
	CU_ASSERT(stack_down() == 0);
}

/*
 * A second link over its own driver sharing the first one's cache: the
 * first solicits, the reply comes in through the second driver, and the
 * held packet leaves through it.  Either may be detached first.
 */
static void
test_shared_cache(void)
{
	struct ether_config cfg = { .naddrs = 2, .addrs = addrs };
	struct netif lower2, *eth2;
	struct pbuf *pb;
	uint8_t ip[40], arp[28];
	char err[128];
	size_t len;

	CU_ASSERT_FATAL(stack_up() == 0);
	netif_init(&lower2, "fake1", 1500, &fake_ops, NULL);
	memcpy(lower2.lladdr, our_mac, 6);
	cfg.share_nbr = &lower;
	CU_ASSERT(ether_ifattach(&lower2, &cfg, err, sizeof(err)) == NULL);
	CU_ASSERT(strstr(err, "share") != NULL);
	cfg.share_nbr = eth;
	eth2 = ether_ifattach(&lower2, &cfg, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(eth2);
	netif_set_input(&lower2, ether_input, eth2);
	len = ip4_packet(ip, "10.0.0.1", "10.0.0.7");
	pb = pbuf_alloc(pool, len);
	CU_ASSERT_FATAL(pb != NULL);
	memcpy(pbuf_put(pb, len), ip, len);
	CU_ASSERT(netif_output(eth, pb) == 0);
	CU_ASSERT_EQUAL_FATAL(wire_out.n, 1);
	CU_ASSERT(wire_out.ifp[0] == &lower);
	arp_make(arp, 2, "10.0.0.7", "10.0.0.1");
	frame_in_on(&lower2, peer_mac, ETHER_TYPE_ARP, arp, sizeof(arp));
	CU_ASSERT_EQUAL_FATAL(wire_out.n, 2);
	CU_ASSERT(wire_out.ifp[1] == &lower2);
	CU_ASSERT(memcmp(wire_out.data[1], peer_mac, 6) == 0);
	CU_ASSERT(memcmp(wire_out.data[1] + ETHER_HDRLEN, ip, len) == 0);
	CU_ASSERT(ether_iflink(eth2)->c[ETHER_C_RESOLVED] == 1);
	CU_ASSERT(ether_iflink(eth)->c[ETHER_C_HELD] == 1);
	CU_ASSERT(stack_down() == 0);
	netif_detach(eth2);
}

static const struct test_case ethersubr_cases[] = {
	{ "frames up: IP to the path, ARP answered, others counted",
	    test_input_dispatch },
	{ "IP down: resolved, framed, through the driver",
	    test_output_resolves },
	{ "no layer above: dropped and counted", test_no_receiver },
	{ "two links, one neighbour cache", test_shared_cache },
	{ NULL, NULL }
};

const struct test_suite test_suites[] = {
	{ "if_ethersubr", NULL, NULL, ethersubr_cases },
	{ NULL, NULL, NULL, NULL }
};
