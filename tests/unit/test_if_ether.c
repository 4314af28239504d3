/*
 * The Ethernet link of live mode: ARP and neighbour discovery answers,
 * next-hop resolution with held packets, the bounds of the hold queue, the
 * retry timer on a fake clock, multicast mapping, routing to the gateway,
 * malformed or random input, and two links (two workers) sharing one
 * cache.  Frames the links transmit are recorded by the test's xmit
 * callback (the driver's place), with the link that sent them, and decoded
 * here.  test_if_ether_workers runs shared links on threads.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "sys/net/net_clock.h"
#include "sys/net/net_counter.h"
#include "sys/net/net_endian.h"
#include "sys/netinet/if_ether.h"
#include "sys/netinet/in_cksum.h"
#include "sys/netinet6/nd6.h"

#define SENT_MAX	64

static struct {
	size_t	n;
	size_t	len[SENT_MAX];
	int	link[SENT_MAX];		/* the xmit arg: 0, or 1 and 2 */
	uint8_t	frame[SENT_MAX][1600];
} sent;

static const uint8_t our_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t peer_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };

static int
record(void *arg, const uint8_t *hdr, const uint8_t *pl, size_t len)
{
	if (sent.n == SENT_MAX || len + ETHER_HDRLEN > sizeof(sent.frame[0]))
		return -1;
	sent.link[sent.n] = (int)(intptr_t)arg;
	memcpy(sent.frame[sent.n], hdr, ETHER_HDRLEN);
	memcpy(sent.frame[sent.n] + ETHER_HDRLEN, pl, len);
	sent.len[sent.n++] = ETHER_HDRLEN + len;
	return 0;
}

static void
add_addr(struct ether_link *l, const char *s, unsigned int plen)
{
	union ip_sockaddr *a = &l->addrs[l->naddrs].addr;

	if (inet_pton(AF_INET, s, &a->sin.sin_addr) == 1)
		a->sin.sin_family = AF_INET;
	else {
		CU_ASSERT_FATAL(inet_pton(AF_INET6, s, &a->sin6.sin6_addr) ==
		    1);
		a->sin6.sin6_family = AF_INET6;
	}
	l->addrs[l->naddrs++].plen = plen;
}

static void
link_fill(struct ether_link *l)
{
	memset(l, 0, sizeof(*l));
	memcpy(l->mac, our_mac, 6);
	l->mtu = 1500;
	l->xmit = record;
	add_addr(l, "10.0.0.1", 24);
	add_addr(l, "fd00::1", 64);
}

static void
link_make(struct ether_link *l)
{
	link_fill(l);
	memset(&sent, 0, sizeof(sent));
	net_clock_set_fake(1000);
	CU_ASSERT_FATAL(ether_link_init(l) == 0);
}

/* Links 1 and 2, as two workers' links over one NIC: 2 shares 1's cache. */
static void
links_make_shared(struct ether_link *l1, struct ether_link *l2)
{
	link_make(l1);
	l1->arg = (void *)(intptr_t)1;
	link_fill(l2);
	l2->arg = (void *)(intptr_t)2;
	CU_ASSERT_FATAL(ether_link_init_shared(l2, l1) == 0);
}

/* An IPv4 packet of 28 bytes to dst. */
static size_t
ip4_packet(uint8_t *p, const char *dst)
{
	memset(p, 0, 28);
	p[0] = 0x45;
	p[3] = 28;
	p[8] = 64;
	p[9] = 17;
	inet_pton(AF_INET, "10.0.0.1", p + 12);
	inet_pton(AF_INET, dst, p + 16);
	return 28;
}

static void
arp_make(uint8_t *a, unsigned int op, const uint8_t *sha, const char *spa,
    const char *tpa)
{
	static const uint8_t fixed[8] = { 0, 1, 8, 0, 6, 4, 0, 0 };

	memcpy(a, fixed, 8);
	a[7] = (uint8_t)op;
	memcpy(a + 8, sha, 6);
	inet_pton(AF_INET, spa, a + 14);
	memset(a + 18, 0, 6);
	inet_pton(AF_INET, tpa, a + 24);
}

static void
test_arp_answer(void)
{
	struct ether_link l;
	uint8_t a[28], pkt[28], ip[4];

	link_make(&l);
	arp_make(a, 1, peer_mac, "10.0.0.2", "10.0.0.1");
	arp_input(&l, a, sizeof(a));
	CU_ASSERT_EQUAL_FATAL(sent.n, 1);
	CU_ASSERT(memcmp(sent.frame[0], peer_mac, 6) == 0);
	CU_ASSERT(memcmp(sent.frame[0] + 6, our_mac, 6) == 0);
	CU_ASSERT(be_get16(sent.frame[0] + 12) == ETHER_TYPE_ARP);
	CU_ASSERT(sent.frame[0][14 + 7] == 2);
	CU_ASSERT(memcmp(sent.frame[0] + 14 + 8, our_mac, 6) == 0);
	inet_pton(AF_INET, "10.0.0.1", ip);
	CU_ASSERT(memcmp(sent.frame[0] + 14 + 14, ip, 4) == 0);
	CU_ASSERT(memcmp(sent.frame[0] + 14 + 18, peer_mac, 6) == 0);
	CU_ASSERT(l.c[ETHER_C_ARP_REPLIED] == 1);
	/* The requester was learnt: a packet to it leaves at once. */
	ether_output(&l, AF_INET, pkt, ip4_packet(pkt, "10.0.0.2"));
	CU_ASSERT_EQUAL(sent.n, 2);
	CU_ASSERT(memcmp(sent.frame[1], peer_mac, 6) == 0);
	/* A request for someone else: no answer, nobody learnt. */
	arp_make(a, 1, peer_mac, "10.0.0.3", "10.0.0.9");
	arp_input(&l, a, sizeof(a));
	CU_ASSERT_EQUAL(sent.n, 2);
	ether_output(&l, AF_INET, pkt, ip4_packet(pkt, "10.0.0.3"));
	CU_ASSERT(l.c[ETHER_C_HELD] == 1);
	ether_link_fini(&l);
}

static void
test_arp_resolve_and_hold(void)
{
	struct ether_link l;
	uint8_t a[28], pkt[28];
	int i;

	link_make(&l);
	for (i = 0; i < ETHER_HOLD_PER_NBR + 2; i++)
		ether_output(&l, AF_INET, pkt, ip4_packet(pkt, "10.0.0.7"));
	/* One broadcast request, the rest held up to the bound. */
	CU_ASSERT_EQUAL_FATAL(sent.n, 1);
	CU_ASSERT(memcmp(sent.frame[0], "\xff\xff\xff\xff\xff\xff", 6) == 0);
	CU_ASSERT(sent.frame[0][14 + 7] == 1);
	CU_ASSERT(l.c[ETHER_C_HELD] == ETHER_HOLD_PER_NBR);
	CU_ASSERT(l.c[ETHER_C_HOLDDROP] == 2);
	arp_make(a, 2, peer_mac, "10.0.0.7", "10.0.0.1");
	arp_input(&l, a, sizeof(a));
	CU_ASSERT_EQUAL(sent.n, 1 + ETHER_HOLD_PER_NBR);
	CU_ASSERT(memcmp(sent.frame[1], peer_mac, 6) == 0);
	CU_ASSERT(be_get16(sent.frame[1] + 12) == ETHER_TYPE_IP);
	CU_ASSERT(l.c[ETHER_C_RESOLVED] == 1);
	ether_link_fini(&l);
}

static void
test_timeout(void)
{
	struct ether_link l;
	uint8_t pkt[28];
	int i;

	link_make(&l);
	ether_output(&l, AF_INET, pkt, ip4_packet(pkt, "10.0.0.8"));
	for (i = 0; i < 5; i++) {
		net_clock_advance(1);
		ether_link_timer(&l);
	}
	CU_ASSERT_EQUAL(sent.n, ETHER_NBR_TRIES);
	CU_ASSERT(l.c[ETHER_C_TIMEOUT] == 1);
	CU_ASSERT(l.c[ETHER_C_HOLDDROP] == 1);
	/* The slot came back: many more resolutions still hold packets. */
	for (i = 0; i < ETHER_HOLD_MAX; i++) {
		char dst[32];

		snprintf(dst, sizeof(dst), "10.0.0.%d", 10 + i % 200);
		ether_output(&l, AF_INET, pkt, ip4_packet(pkt, dst));
	}
	CU_ASSERT(l.c[ETHER_C_HELD] == 1 + ETHER_HOLD_MAX);
	ether_link_fini(&l);
}

static void
test_routes_and_groups(void)
{
	struct ether_link l;
	uint8_t pkt[48];

	link_make(&l);
	CU_ASSERT(ether_output(&l, AF_INET, pkt, ip4_packet(pkt,
	    "192.0.2.1")) == -1);
	CU_ASSERT(l.c[ETHER_C_NOROUTE] == 1);
	l.gw4.sin.sin_family = AF_INET;
	inet_pton(AF_INET, "10.0.0.254", &l.gw4.sin.sin_addr);
	ether_output(&l, AF_INET, pkt, ip4_packet(pkt, "192.0.2.1"));
	CU_ASSERT_EQUAL_FATAL(sent.n, 1);
	CU_ASSERT(memcmp(sent.frame[0] + 14 + 24,
	    &l.gw4.sin.sin_addr, 4) == 0);
	ether_output(&l, AF_INET, pkt, ip4_packet(pkt, "224.1.2.3"));
	CU_ASSERT(memcmp(sent.frame[1], "\x01\x00\x5e\x01\x02\x03", 6) == 0);
	ether_output(&l, AF_INET, pkt, ip4_packet(pkt, "10.0.0.255"));
	CU_ASSERT(memcmp(sent.frame[2], "\xff\xff\xff\xff\xff\xff", 6) == 0);
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = 0x60;
	inet_pton(AF_INET6, "ff02::1:ff00:1234", pkt + 24);
	ether_output(&l, AF_INET6, pkt, 40);
	CU_ASSERT(memcmp(sent.frame[3], "\x33\x33\xff\x00\x12\x34", 6) == 0);
	CU_ASSERT(ether_output(&l, AF_INET, pkt, 10) == -1);
	ether_link_fini(&l);
}

/* An NS from src for target with a source link-layer option. */
static size_t
ns_make(uint8_t *p, const char *src, const char *dst, const char *target,
    uint8_t hlim)
{
	uint8_t *icmp = p + 40;

	memset(p, 0, 72);
	p[0] = 0x60;
	p[5] = 32;
	p[6] = 58;
	p[7] = hlim;
	inet_pton(AF_INET6, src, p + 8);
	inet_pton(AF_INET6, dst, p + 24);
	icmp[0] = 135;
	inet_pton(AF_INET6, target, icmp + 8);
	icmp[24] = 1;
	icmp[25] = 1;
	memcpy(icmp + 26, peer_mac, 6);
	be_put16(icmp + 2, in_cksum_upper(AF_INET6, p + 8, p + 24, 58,
	    icmp, 32));
	return 72;
}

/*
 * fd00::5's answer to our NS: an NA (solicited, override) carrying the
 * peer's MAC as its target link-layer option.
 */
static void
na_make(uint8_t *na)
{
	ns_make(na, "fd00::5", "fd00::1", "fd00::5", 255);
	na[40] = 136;
	na[44] = 0x60;
	na[64] = 2;
	na[42] = na[43] = 0;
	be_put16(na + 42, in_cksum_upper(AF_INET6, na + 8, na + 24, 58,
	    na + 40, 32));
}

static void
test_nd(void)
{
	struct ether_link l;
	uint8_t p[72], *na, *icmp;

	link_make(&l);
	CU_ASSERT(nd6_input(&l, p, ns_make(p, "fd00::2", "ff02::1:ff00:1",
	    "fd00::1", 255)));
	CU_ASSERT_EQUAL_FATAL(sent.n, 1);
	na = sent.frame[0];
	icmp = na + 14 + 40;
	CU_ASSERT(memcmp(na, peer_mac, 6) == 0);
	CU_ASSERT(icmp[0] == 136 && icmp[4] == 0x60);
	CU_ASSERT(icmp[24] == 2 && memcmp(icmp + 26, our_mac, 6) == 0);
	CU_ASSERT(in_cksum_upper(AF_INET6, na + 14 + 8, na + 14 + 24, 58,
	    icmp, 32) == 0);
	CU_ASSERT(l.c[ETHER_C_ND_ANSWERED] == 1);
	/* Hop limit below 255, bad checksum, someone else's target. */
	CU_ASSERT(nd6_input(&l, p, ns_make(p, "fd00::2", "ff02::1:ff00:1",
	    "fd00::1", 64)));
	ns_make(p, "fd00::2", "ff02::1:ff00:1", "fd00::1", 255);
	p[50] ^= 1;
	CU_ASSERT(nd6_input(&l, p, sizeof(p)));
	CU_ASSERT(l.c[ETHER_C_ND_BAD] == 2);
	CU_ASSERT(nd6_input(&l, p, ns_make(p, "fd00::2", "ff02::1:ff00:9",
	    "fd00::9", 255)));
	CU_ASSERT_EQUAL(sent.n, 1);
	/* Not ND: left to the packet path. */
	p[40] = 128;
	CU_ASSERT(!nd6_input(&l, p, sizeof(p)));
	ether_link_fini(&l);
}

static void
test_nd_resolve(void)
{
	struct ether_link l;
	uint8_t pkt[40], na[72];

	link_make(&l);
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = 0x60;
	inet_pton(AF_INET6, "fd00::5", pkt + 24);
	ether_output(&l, AF_INET6, pkt, sizeof(pkt));
	CU_ASSERT_EQUAL_FATAL(sent.n, 1);
	/* An NS to the solicited-node group of fd00::5. */
	CU_ASSERT(memcmp(sent.frame[0], "\x33\x33\xff\x00\x00\x05", 6) == 0);
	CU_ASSERT(sent.frame[0][14 + 40] == 135);
	/* The answer: an NA with the target's link-layer address. */
	na_make(na);
	CU_ASSERT(nd6_input(&l, na, sizeof(na)));
	CU_ASSERT_EQUAL(sent.n, 2);
	CU_ASSERT(memcmp(sent.frame[1], peer_mac, 6) == 0);
	ether_link_fini(&l);
}

static void
test_random_input(void)
{
	struct ether_link l;
	uint8_t buf[128];
	int i;
	size_t j;

	link_make(&l);
	srand(7);
	for (i = 0; i < 20000; i++) {
		size_t len = (size_t)rand() % sizeof(buf);

		for (j = 0; j < len; j++)
			buf[j] = (uint8_t)rand();
		if (i % 2 == 0) {
			buf[0] = 0x60;
			if (len > 40)
				buf[6] = 58;
			if (len > 41)
				buf[40] = (uint8_t)(135 + i % 4 / 2);
			nd6_input(&l, buf, len);
		} else {
			if (len >= 8)
				memcpy(buf, "\x00\x01\x08\x00\x06\x04\x00", 7);
			arp_input(&l, buf, len);
		}
		sent.n = 0;
	}
	CU_ASSERT(l.c[ETHER_C_ARP_BAD] > 0 && l.c[ETHER_C_ND_BAD] > 0);
	ether_link_fini(&l);
}

/*
 * Link 1 solicits, the reply lands on link 2 (another fanout member): the
 * entry is resolved for both, link 1's held packets leave through link 2,
 * and each link counts what it did itself.
 */
static void
test_shared_resolve(void)
{
	struct ether_link l1, l2;
	uint8_t a[28], pkt[28];
	int i;

	links_make_shared(&l1, &l2);
	for (i = 0; i < 3; i++)
		ether_output(&l1, AF_INET, pkt, ip4_packet(pkt, "10.0.0.7"));
	CU_ASSERT_EQUAL_FATAL(sent.n, 1);
	CU_ASSERT(sent.link[0] == 1 && sent.frame[0][14 + 7] == 1);
	/* Link 2 wanting it too holds behind the same solicitation. */
	ether_output(&l2, AF_INET, pkt, ip4_packet(pkt, "10.0.0.7"));
	CU_ASSERT_EQUAL(sent.n, 1);
	CU_ASSERT(l1.c[ETHER_C_HELD] == 3 && l2.c[ETHER_C_HELD] == 1);
	arp_make(a, 2, peer_mac, "10.0.0.7", "10.0.0.1");
	arp_input(&l2, a, sizeof(a));
	CU_ASSERT_EQUAL_FATAL(sent.n, 5);
	for (i = 1; i < 5; i++) {
		CU_ASSERT(sent.link[i] == 2);
		CU_ASSERT(memcmp(sent.frame[i], peer_mac, 6) == 0);
		CU_ASSERT(be_get16(sent.frame[i] + 12) == ETHER_TYPE_IP);
		CU_ASSERT(memcmp(sent.frame[i] + 14, pkt, sizeof(pkt)) == 0);
	}
	CU_ASSERT(l2.c[ETHER_C_RESOLVED] == 1 && l1.c[ETHER_C_RESOLVED] == 0);
	CU_ASSERT(l2.c[ETHER_C_ARP_IN] == 1 && l1.c[ETHER_C_ARP_IN] == 0);
	CU_ASSERT(l1.c[ETHER_C_SOLICIT] == 1 && l2.c[ETHER_C_SOLICIT] == 0);
	/* Resolved for link 1 too: its next packet leaves at once. */
	ether_output(&l1, AF_INET, pkt, ip4_packet(pkt, "10.0.0.7"));
	CU_ASSERT_EQUAL_FATAL(sent.n, 6);
	CU_ASSERT(sent.link[5] == 1 && memcmp(sent.frame[5], peer_mac, 6) == 0);
	CU_ASSERT(l1.c[ETHER_C_HELD] == 3);
	ether_link_fini(&l1);
	ether_link_fini(&l2);
}

/* The same over ND: an NS from link 1, the NA on link 2. */
static void
test_shared_nd(void)
{
	struct ether_link l1, l2;
	uint8_t pkt[40], na[72];

	links_make_shared(&l1, &l2);
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = 0x60;
	inet_pton(AF_INET6, "fd00::5", pkt + 24);
	ether_output(&l1, AF_INET6, pkt, sizeof(pkt));
	CU_ASSERT_EQUAL_FATAL(sent.n, 1);
	CU_ASSERT(sent.link[0] == 1 && sent.frame[0][14 + 40] == 135);
	na_make(na);
	CU_ASSERT(nd6_input(&l2, na, sizeof(na)));
	CU_ASSERT_EQUAL_FATAL(sent.n, 2);
	CU_ASSERT(sent.link[1] == 2 && memcmp(sent.frame[1], peer_mac, 6) == 0);
	CU_ASSERT(memcmp(sent.frame[1] + 14, pkt, sizeof(pkt)) == 0);
	ether_output(&l1, AF_INET6, pkt, sizeof(pkt));
	CU_ASSERT(sent.n == 3 && sent.link[2] == 1);
	ether_link_fini(&l2);
	ether_link_fini(&l1);
}

/*
 * Both links run the timer: the second call in a second finds nothing
 * due, so retries stay one a second and the entry times out once.
 */
static void
test_shared_timer(void)
{
	struct ether_link l1, l2;
	uint8_t pkt[28];
	int i;

	links_make_shared(&l1, &l2);
	ether_output(&l1, AF_INET, pkt, ip4_packet(pkt, "10.0.0.8"));
	for (i = 0; i < 5; i++) {
		net_clock_advance(1);
		ether_link_timer(&l2);
		ether_link_timer(&l1);
		ether_link_timer(&l2);
	}
	CU_ASSERT_EQUAL(sent.n, ETHER_NBR_TRIES);
	CU_ASSERT(sent.link[1] == 2 && sent.link[2] == 2);
	CU_ASSERT(l1.c[ETHER_C_SOLICIT] == 1 && l2.c[ETHER_C_SOLICIT] == 2);
	CU_ASSERT(l1.c[ETHER_C_TIMEOUT] + l2.c[ETHER_C_TIMEOUT] == 1);
	CU_ASSERT(l1.c[ETHER_C_HOLDDROP] + l2.c[ETHER_C_HOLDDROP] == 1);
	ether_link_fini(&l1);
	ether_link_fini(&l2);
}

/*
 * Teardown in any order: the cache outlives the link that made it, and
 * goes with the last (ASan sees the rest).  A link with a larger MTU
 * than the hold slots cannot share.
 */
static void
test_shared_teardown(void)
{
	struct ether_link l1, l2, l3;
	uint8_t a[28], pkt[28];

	links_make_shared(&l1, &l2);
	link_fill(&l3);
	l3.mtu = 9000;
	CU_ASSERT(ether_link_init_shared(&l3, &l1) == -1);
	l3.mtu = 1400;
	CU_ASSERT_FATAL(ether_link_init_shared(&l3, &l2) == 0);
	ether_output(&l1, AF_INET, pkt, ip4_packet(pkt, "10.0.0.9"));
	ether_output(&l3, AF_INET, pkt, ip4_packet(pkt, "10.0.0.10"));
	ether_link_fini(&l1);
	CU_ASSERT_PTR_NULL(l1.nbr);
	ether_link_fini(&l1);
	arp_make(a, 2, peer_mac, "10.0.0.9", "10.0.0.1");
	arp_input(&l2, a, sizeof(a));
	CU_ASSERT_EQUAL_FATAL(sent.n, 3);
	CU_ASSERT(sent.link[2] == 2 && memcmp(sent.frame[2], peer_mac, 6) == 0);
	ether_output(&l3, AF_INET, pkt, ip4_packet(pkt, "10.0.0.9"));
	CU_ASSERT(sent.n == 4 && sent.link[3] == 0);
	ether_link_fini(&l3);
	/* 10.0.0.10's packet is still held in the cache l2 alone keeps. */
	ether_link_fini(&l2);
}

/* Whether l holds a copy of an entry with mac. */
static bool
memo_has(const struct ether_link *l, const uint8_t *mac)
{
	size_t i;

	for (i = 0; i < ETHER_HOP_MEMO; i++)
		if (l->hops[i].gen != 0 && memcmp(l->hops[i].mac, mac, 6) == 0)
			return true;
	return false;
}

/*
 * With several workers a link sends to a resolved hop from its own copy
 * of the entry: a new MAC learnt on the other link, the entry's expiry
 * and its eviction each make the copy stale at once.
 */
static void
test_shared_memo(void)
{
	static const uint8_t mac2[6] = { 0x02, 0, 0, 0, 0, 0x22 };
	struct ether_link l1, l2;
	uint8_t a[28], pkt[28];

	CU_ASSERT_FATAL(net_workers_set(2) == 0);
	links_make_shared(&l1, &l2);
	arp_make(a, 2, peer_mac, "10.0.0.7", "10.0.0.1");
	ether_output(&l1, AF_INET, pkt, ip4_packet(pkt, "10.0.0.7"));
	arp_input(&l2, a, sizeof(a));
	CU_ASSERT_EQUAL_FATAL(sent.n, 2);
	/* Copied on the first locked lookup, used on the second. */
	ether_output(&l1, AF_INET, pkt, ip4_packet(pkt, "10.0.0.7"));
	ether_output(&l1, AF_INET, pkt, ip4_packet(pkt, "10.0.0.7"));
	CU_ASSERT_EQUAL_FATAL(sent.n, 4);
	CU_ASSERT(memcmp(sent.frame[3], peer_mac, 6) == 0);
	CU_ASSERT(memo_has(&l1, peer_mac) && !memo_has(&l2, peer_mac));
	/* The neighbour's MAC changes; link 1 follows at once. */
	memcpy(a + 8, mac2, 6);
	arp_input(&l2, a, sizeof(a));
	ether_output(&l1, AF_INET, pkt, ip4_packet(pkt, "10.0.0.7"));
	CU_ASSERT_EQUAL_FATAL(sent.n, 5);
	CU_ASSERT(memcmp(sent.frame[4], mac2, 6) == 0);
	ether_output(&l1, AF_INET, pkt, ip4_packet(pkt, "10.0.0.7"));
	CU_ASSERT(sent.n == 6 && memcmp(sent.frame[5], mac2, 6) == 0);
	CU_ASSERT(memo_has(&l1, mac2) && !memo_has(&l1, peer_mac));
	/* Expired: solicited again, the packet held, not sent. */
	net_clock_advance(ETHER_NBR_KEEP);
	ether_output(&l1, AF_INET, pkt, ip4_packet(pkt, "10.0.0.7"));
	CU_ASSERT_EQUAL_FATAL(sent.n, 7);
	CU_ASSERT(sent.frame[6][14 + 7] == 1);
	CU_ASSERT(l1.c[ETHER_C_HELD] == 2);
	/* Resolved again, then freed by the timer on link 2. */
	arp_input(&l2, a, sizeof(a));
	ether_output(&l1, AF_INET, pkt, ip4_packet(pkt, "10.0.0.7"));
	ether_output(&l1, AF_INET, pkt, ip4_packet(pkt, "10.0.0.7"));
	CU_ASSERT_EQUAL_FATAL(sent.n, 10);
	net_clock_advance(ETHER_NBR_KEEP);
	ether_link_timer(&l2);
	net_clock_advance(-(time_t)ETHER_NBR_KEEP);
	ether_output(&l1, AF_INET, pkt, ip4_packet(pkt, "10.0.0.7"));
	CU_ASSERT_EQUAL(sent.n, 11);
	CU_ASSERT(sent.frame[10][14 + 7] == 1);
	ether_link_fini(&l1);
	ether_link_fini(&l2);
	net_workers_set(1);
}

static const struct test_case ether_cases[] = {
	{ "ARP requests for our addresses answered", test_arp_answer },
	{ "ARP resolution with a bounded hold", test_arp_resolve_and_hold },
	{ "resolution timeout frees held packets", test_timeout },
	{ "gateway, no route, multicast and broadcast",
	    test_routes_and_groups },
	{ "NS answered, bad NS refused", test_nd },
	{ "ND resolution", test_nd_resolve },
	{ "random ARP and ND input", test_random_input },
	{ "shared cache: solicited on one link, answered on the other",
	    test_shared_resolve },
	{ "shared cache: NS on one link, NA on the other", test_shared_nd },
	{ "shared cache: every link's timer, one retry a second",
	    test_shared_timer },
	{ "shared cache: teardown in any order, MTU bound",
	    test_shared_teardown },
	{ "shared cache: a link's copies of resolved entries go stale",
	    test_shared_memo },
	{ NULL, NULL }
};

const struct test_suite test_suites[] = {
	{ "if_ether", NULL, NULL, ether_cases },
	{ NULL, NULL, NULL, NULL }
};
