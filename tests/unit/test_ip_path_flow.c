/*
 * The packet path's own work around the IPsec hooks, driven through the
 * capture drivers with SAs and policies installed by PF_KEY messages:
 * fragments the host sends are reassembled before the policy sees them,
 * a protected packet beyond the wire's MTU leaves in fragments (IPv4, and
 * IPv6 when this stack made the outer header) which the inbound path
 * reassembles before ESP, clear packets too big for the wire are answered
 * toward the host with ICMP errors naming the MTU, link padding is cut,
 * malformed packets are dropped with the parser's counter, and with host
 * addresses configured, wire packets for other addresses are refused.
 */
#include <arpa/inet.h>
#include <string.h>

#include "netipsec/ipsec.h"
#include "sys/net/net_endian.h"
#include "sys/net/pbuf.h"
#include "sys/netinet/ip_path.h"
#include "sys/netinet/ip_var.h"
#include "sys/netinet6/ip6_var.h"
#include "sys/netipsec/ipsec_stat.h"
#include "tests/unit/ip_path_cap.h"
#include "tests/unit/ip_testpkt.h"
#include "tests/unit/ipsec_test_util.h"
#include "tests/unit/testlib.h"

#define A	"192.0.2.1"
#define B	"192.0.2.2"
#define A6	"2001:db8::1"
#define B6	"2001:db8::2"
#define GW_A6	"2001:db8:ff::1"
#define GW_B6	"2001:db8:ff::2"

static struct ip_path *path;
static uint8_t whole[4096], frag[2048];

static int
suite_init(void)
{
	if (ipt_suite_init() != 0)
		return -1;
	return (path = ipc_path_create(ipt_pool)) == NULL ? -1 : 0;
}

static int
suite_fini(void)
{
	ip_path_destroy(path);
	return ipt_suite_fini();
}

/* A transport-mode ESP pair A -> B with require policies both ways. */
static void
transport_ab(void)
{
	struct ipt_sa sa = { .spi = 0x600, .src = A, .dst = B,
	    .mode = IPSEC_MODE_TRANSPORT };
	struct ipt_req r = { .proto = IPPROTO_ESP,
	    .mode = IPSEC_MODE_TRANSPORT, .level = IPSEC_LEVEL_REQUIRE };

	ipt_reset();
	ipc_clear();
	ipt_add_sa(&sa);
	ipt_policy1(IPSEC_DIR_OUTBOUND, A, B, r);
	ipt_policy1(IPSEC_DIR_INBOUND, A, B, r);
}

/* A UDP datagram A -> B of n payload bytes into whole; its length. */
static size_t
udp4(size_t n, uint16_t id, uint16_t frag_field)
{
	uint8_t udp[4096];
	size_t ulen = tp_udp(udp, 1000, 2000, n);

	return tp_ip4(whole, A, B, IPPROTO_UDP, NULL, 0, udp, ulen, id,
	    frag_field);
}

static void
test_host_fragments(void)
{
	uint64_t reassembled = net_counter_sum(&ipstat, IPSTAT_REASSEMBLED);
	size_t len, off, chunk, plen;
	uint8_t udp[4096];

	transport_ab();
	plen = tp_udp(udp, 1000, 2000, 3000);
	len = udp4(3000, 77, 0);
	/* The host's own fragments of it, 1480 payload bytes each. */
	for (off = 0; off < plen; off += chunk) {
		chunk = plen - off > 1480 ? 1480 : plen - off;
		tp_ip4(frag, A, B, IPPROTO_UDP, NULL, 0, udp + off, chunk, 77,
		    (uint16_t)((off + chunk < plen ? 0x2000 : 0) | off / 8));
		ip_path_from_host(path, ipc_packet(ipt_pool, frag,
		    20 + chunk));
	}
	CU_ASSERT_EQUAL(net_counter_sum(&ipstat, IPSTAT_REASSEMBLED),
	    reassembled + 1);
	CU_ASSERT_EQUAL(ipsecstat_value(AF_INET, IPSECS_OUT_SUCCESS), 1);
	/* ESP made it 3000 + bytes: three fragments of at most 1500. */
	CU_ASSERT_EQUAL(ipc_wire.n, 3);
	CU_ASSERT(ipc_wire.len[0] <= 1500 && ipc_wire.len[1] <= 1500);
	CU_ASSERT_EQUAL(ipc_wire.pkt[0][9], IPPROTO_ESP);
	ipc_wire_loop(path, ipt_pool);
	CU_ASSERT_EQUAL(ipsecstat_value(AF_INET, IPSECS_IN_SUCCESS), 1);
	CU_ASSERT_EQUAL_FATAL(ipc_host.n, 1);
	CU_ASSERT_EQUAL(ipc_host.len[0], len);
	CU_ASSERT(memcmp(ipc_host.pkt[0], whole, len) == 0);
}

/* 4-in-6: the outer IPv6 packet is ours to fragment. */
static void
test_tunnel6_fragments(void)
{
	struct ipt_sa sa = { .spi = 0x601, .src = GW_A6, .dst = GW_B6,
	    .mode = IPSEC_MODE_TUNNEL };
	struct ipt_req r = { .proto = IPPROTO_ESP, .mode = IPSEC_MODE_TUNNEL,
	    .level = IPSEC_LEVEL_REQUIRE, .tsrc = GW_A6, .tdst = GW_B6 };
	uint64_t fragmented = net_counter_sum(&ip6stat, IP6STAT_FRAGMENTED);
	uint64_t reassembled = net_counter_sum(&ip6stat, IP6STAT_REASSEMBLED);
	size_t len;

	ipt_reset();
	ipc_clear();
	ipt_add_sa(&sa);
	ipt_policy1(IPSEC_DIR_OUTBOUND, A, B, r);
	ipt_policy1(IPSEC_DIR_INBOUND, A, B, r);
	len = udp4(1472 - 8, 78, 0);
	ip_path_from_host(path, ipc_packet(ipt_pool, whole, len));
	CU_ASSERT_EQUAL(net_counter_sum(&ip6stat, IP6STAT_FRAGMENTED),
	    fragmented + 1);
	CU_ASSERT_EQUAL_FATAL(ipc_wire.n, 2);
	CU_ASSERT_EQUAL(ipc_wire.pkt[0][0] >> 4, 6);
	CU_ASSERT_EQUAL(ipc_wire.pkt[0][6], IPPROTO_FRAGMENT);
	CU_ASSERT(ipc_wire.len[0] <= 1500);
	ipc_wire_loop(path, ipt_pool);
	CU_ASSERT_EQUAL(net_counter_sum(&ip6stat, IP6STAT_REASSEMBLED),
	    reassembled + 1);
	CU_ASSERT_EQUAL_FATAL(ipc_host.n, 1);
	CU_ASSERT(ipc_host.len[0] == len &&
	    memcmp(ipc_host.pkt[0], whole, len) == 0);
}

/* No policy (def_policy none): clear, and too big for the wire. */
static void
test_clear_too_big(void)
{
	uint64_t frags = net_counter_sum(&ipstat, IPSTAT_OFRAGMENTS);
	size_t len;

	ipt_reset();
	ipc_clear();
	len = udp4(1600, 79, 0x4000);
	ip_path_from_host(path, ipc_packet(ipt_pool, whole, len));
	CU_ASSERT_EQUAL(ipc_wire.n, 0);
	CU_ASSERT_EQUAL_FATAL(ipc_host.n, 1);
	/* ICMP unreachable, need fragmentation, next-hop MTU 1500. */
	CU_ASSERT_EQUAL(ipc_host.pkt[0][9], IPPROTO_ICMP);
	CU_ASSERT_EQUAL(ipc_host.pkt[0][20], 3);
	CU_ASSERT_EQUAL(ipc_host.pkt[0][21], 4);
	CU_ASSERT_EQUAL(ipc_host.pkt[0][26] << 8 | ipc_host.pkt[0][27],
	    1500);
	CU_ASSERT(memcmp(ipc_host.pkt[0] + 16, whole + 12, 4) == 0);
	/* Without DF it is fragmented, clear. */
	ipc_clear();
	len = udp4(1600, 80, 0);
	ip_path_from_host(path, ipc_packet(ipt_pool, whole, len));
	CU_ASSERT_EQUAL(ipc_host.n, 0);
	CU_ASSERT_EQUAL(ipc_wire.n, 2);
	CU_ASSERT_EQUAL(net_counter_sum(&ipstat, IPSTAT_OFRAGMENTS), frags + 2);
}

static void
test_clear6_too_big(void)
{
	uint8_t udp[2048];
	size_t len;

	ipt_reset();
	ipc_clear();
	len = tp_ip6(whole, A6, B6, NULL, 0, IPPROTO_UDP, udp,
	    tp_udp(udp, 1, 2, 1600));
	ip_path_from_host(path, ipc_packet(ipt_pool, whole, len));
	CU_ASSERT_EQUAL(ipc_wire.n, 0);
	CU_ASSERT_EQUAL_FATAL(ipc_host.n, 1);
	CU_ASSERT_EQUAL(ipc_host.pkt[0][6], IPPROTO_ICMPV6);
	CU_ASSERT_EQUAL(ipc_host.pkt[0][40], 2);
	CU_ASSERT_EQUAL(ipc_host.pkt[0][44] << 24 | ipc_host.pkt[0][45] << 16
	    | ipc_host.pkt[0][46] << 8 | ipc_host.pkt[0][47], 1500);
	CU_ASSERT(memcmp(ipc_host.pkt[0] + 24, whole + 8, 16) == 0);
}

static void
test_link_padding(void)
{
	size_t len;

	ipt_reset();
	ipc_clear();
	len = udp4(20, 81, 0);
	memset(whole + len, 0xee, 6);
	ip_path_from_wire(path, ipc_packet(ipt_pool, whole, len + 6));
	CU_ASSERT_EQUAL_FATAL(ipc_host.n, 1);
	CU_ASSERT_EQUAL(ipc_host.len[0], len);
}

static void
test_malformed(void)
{
	static const uint8_t junk[] = { 0x45, 0, 0, 10, 1, 2, 3, 4, 5, 6 };

	ipt_reset();
	ipc_clear();
	net_counter_zero(&ipstat);
	ip_path_from_host(path, ipc_packet(ipt_pool, junk, sizeof(junk)));
	ip_path_from_wire(path, ipc_packet(ipt_pool, junk, sizeof(junk)));
	CU_ASSERT_EQUAL(ipc_host.n + ipc_wire.n, 0);
	CU_ASSERT_EQUAL(net_counter_sum(&ipstat, IPSTAT_TOOSMALL), 2);
}

/* Readdress the IPv4 datagram in whole to dst. */
static void
redirect(const char *dst)
{
	inet_pton(AF_INET, dst, whole + 16);
	whole[10] = whole[11] = 0;
	be_put16(whole + 10, tp_naive_cksum(whole, 20));
}

/* With host addresses, a wire packet must be for one of them. */
static void
test_host_addresses(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	const struct ip_path_stats *st;
	struct ip_path *p;
	size_t len;

	ipt_reset();
	ipc_clear();
	p = ipc_path_create(ipt_pool);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	inet_pton(AF_INET, B, &a.sin_addr);
	CU_ASSERT_EQUAL(ip_path_add_addr(p, (struct sockaddr *)&a), 0);
	len = udp4(10, 82, 0);			/* to B: ours */
	ip_path_from_wire(p, ipc_packet(ipt_pool, whole, len));
	redirect("192.0.2.99");
	ip_path_from_wire(p, ipc_packet(ipt_pool, whole, len));
	redirect("224.0.0.1");
	ip_path_from_wire(p, ipc_packet(ipt_pool, whole, len));
	st = ip_path_stats(p, AF_INET);
	CU_ASSERT_EQUAL(st->c[IP_PATH_CANTFORWARD], 1);
	CU_ASSERT_EQUAL(st->c[IP_PATH_DELIVERED], 2);
	CU_ASSERT_EQUAL(ipc_host.n, 2);
	ip_path_destroy(p);
}

static const struct test_case flow_cases[] = {
	{ "host fragments reassembled, ESP fragmented and back",
	    test_host_fragments },
	{ "4-in-6 tunnel: outer IPv6 fragments and back",
	    test_tunnel6_fragments },
	{ "clear IPv4 too big: needfrag with DF, fragments without",
	    test_clear_too_big },
	{ "clear IPv6 too big: packet too big", test_clear6_too_big },
	{ "link padding cut", test_link_padding },
	{ "malformed packets dropped with the parser's counter",
	    test_malformed },
	{ "host addresses: foreign unicast refused, multicast taken",
	    test_host_addresses },
	{ NULL, NULL },
};

const struct test_suite test_suites[] = {
	{ "ip_path flows", suite_init, suite_fini, flow_cases },
	{ NULL, NULL, NULL, NULL },
};
