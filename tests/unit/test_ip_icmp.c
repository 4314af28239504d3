/*
 * ICMP "fragmentation needed" and ICMPv6 "packet too big": layout, quote,
 * checksums recomputed by a naive implementation and by Scapy reading a
 * pcap file of them, and the rules that forbid an error, each with its
 * counter.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sys/net/net_endian.h"
#include "sys/net/pcap_file.h"
#include "sys/netinet/ip_hdr.h"
#include "sys/netinet/ip_icmp.h"
#include "sys/netinet/ip_var.h"
#include "sys/netinet6/ip6_var.h"
#include "ip_testpkt.h"
#include "testlib.h"

static struct pbuf_pool *pool;
static uint8_t pkt[4000];

static int
suite_init(void)
{
	pool = pbuf_pool_create(64, 0);
	return pool == NULL;
}

static int
suite_fini(void)
{
	pbuf_pool_destroy(pool);
	return 0;
}

static size_t
udp4(const char *src, const char *dst, size_t datalen, uint16_t frag)
{
	uint8_t u[4000];
	size_t ul = tp_udp(u, 1111, 2222, datalen);

	return tp_ip4(pkt, src, dst, IPPROTO_UDP, NULL, 0, u, ul, 3, frag);
}

static size_t
udp6(const char *src, const char *dst, size_t datalen)
{
	uint8_t u[4000];
	size_t ul = tp_udp(u, 1111, 2222, datalen);

	return tp_ip6(pkt, src, dst, NULL, 0, IPPROTO_UDP, u, ul);
}

static struct pbuf *
needfrag(size_t len, uint16_t mtu, const char *src)
{
	struct ip_hdr_info hi;
	struct in_addr a;

	if (ip_hdr_parse(pkt, len, &hi) != 0)
		return NULL;
	if (src != NULL)
		inet_pton(AF_INET, src, &a);
	return icmp_error_needfrag(pool, pkt, &hi, mtu,
	    src != NULL ? &a : NULL);
}

static struct pbuf *
toobig(size_t len, uint32_t mtu, const char *src)
{
	struct ip_hdr_info hi;
	struct in6_addr a;

	if (ip_hdr_parse(pkt, len, &hi) != 0)
		return NULL;
	if (src != NULL)
		inet_pton(AF_INET6, src, &a);
	return icmp6_error_toobig(pool, pkt, &hi, mtu,
	    src != NULL ? &a : NULL);
}

static void
test_needfrag(void)
{
	struct ip_hdr_info hi;
	struct pbuf *e;
	uint8_t *p;
	size_t len;
	char a[INET_ADDRSTRLEN];

	len = udp4("192.0.2.10", "198.51.100.20", 1400, 0);
	e = needfrag(len, 1400 - 73, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	p = e->data;
	CU_ASSERT_EQUAL(e->len, 576);
	CU_ASSERT_EQUAL(e->af, AF_INET);
	CU_ASSERT_EQUAL(tp_naive_cksum(p, 20), 0);
	CU_ASSERT_EQUAL(tp_naive_cksum(p + 20, e->len - 20), 0);
	CU_ASSERT_EQUAL(p[20], 3);
	CU_ASSERT_EQUAL(p[21], 4);
	CU_ASSERT_EQUAL(be_get16(p + 26), 1400 - 73);
	CU_ASSERT_EQUAL(memcmp(p + 28, pkt, 548), 0);
	CU_ASSERT_EQUAL_FATAL(ip_hdr_parse(p, e->len, &hi), 0);
	CU_ASSERT_EQUAL(hi.proto, IPPROTO_ICMP);
	CU_ASSERT_EQUAL(hi.icmp_type, 3);
	CU_ASSERT_EQUAL(hi.icmp_code, 4);
	inet_ntop(AF_INET, &hi.dst.sin.sin_addr, a, sizeof(a));
	CU_ASSERT_STRING_EQUAL(a, "192.0.2.10");
	inet_ntop(AF_INET, &hi.src.sin.sin_addr, a, sizeof(a));
	CU_ASSERT_STRING_EQUAL(a, "198.51.100.20");
	pbuf_free(e);

	/* A short packet is quoted whole; an explicit source is used. */
	len = udp4("192.0.2.10", "198.51.100.20", 11, 0);
	e = needfrag(len, 1280, "203.0.113.1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(e->len, 28 + len);
	CU_ASSERT_EQUAL(tp_naive_cksum(e->data + 20, e->len - 20), 0);
	CU_ASSERT_EQUAL(e->data[12], 203);
	pbuf_free(e);
}

static void
test_toobig(void)
{
	struct ip_hdr_info hi;
	struct pbuf *e;
	uint8_t *p;
	size_t len;

	len = udp6("2001:db8::10", "2001:db8::20", 1500);
	e = toobig(len, 1500 - 73, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	p = e->data;
	CU_ASSERT_EQUAL(e->len, 1280);
	CU_ASSERT_EQUAL(e->af, AF_INET6);
	CU_ASSERT_EQUAL(be_get16(p + 4), 1240);
	CU_ASSERT_EQUAL(tp_naive_cksum_pseudo(AF_INET6, p + 8, p + 24, 58,
	    p + 40, 1240), 0);
	CU_ASSERT_EQUAL(p[40], 2);
	CU_ASSERT_EQUAL(p[41], 0);
	CU_ASSERT_EQUAL(be_get16(p + 46), 1500 - 73);
	CU_ASSERT_EQUAL(memcmp(p + 48, pkt, 1232), 0);
	CU_ASSERT_EQUAL(memcmp(p + 24, pkt + 8, 16), 0);
	CU_ASSERT_EQUAL(ip_hdr_parse(p, e->len, &hi), 0);
	CU_ASSERT_EQUAL(hi.icmp_type, 2);
	pbuf_free(e);

	/* Packet too big may answer a multicast destination. */
	len = udp6("2001:db8::10", "ff0e::1", 1500);
	e = toobig(len, 1280, "2001:db8::1");
	CU_ASSERT_PTR_NOT_NULL(e);
	pbuf_free(e);
}

static void
test_suppressed(void)
{
	uint64_t i4[ICMPSTAT_NSTATS], i6[ICMP6STAT_NSTATS];
	uint8_t u[200];
	size_t len, ul;
	struct pbuf *pb;

	net_counter_sum_all(&icmpstat, i4);
	net_counter_sum_all(&icmp6stat, i6);
	/* About an ICMP error. */
	ul = tp_icmp(u, 3, 1, 28);
	len = tp_ip4(pkt, "192.0.2.1", "192.0.2.2", IPPROTO_ICMP, NULL, 0, u,
	    ul, 1, 0);
	CU_ASSERT_PTR_NULL(needfrag(len, 576, NULL));
	/* About an echo request: allowed. */
	ul = tp_icmp(u, 8, 0, 28);
	len = tp_ip4(pkt, "192.0.2.1", "192.0.2.2", IPPROTO_ICMP, NULL, 0, u,
	    ul, 1, 0);
	pb = needfrag(len, 576, NULL);
	CU_ASSERT_PTR_NOT_NULL(pb);
	pbuf_free(pb);
	/* A non-first fragment; a multicast destination; source 0. */
	len = udp4("192.0.2.1", "192.0.2.2", 100, 0x0010);
	CU_ASSERT_PTR_NULL(needfrag(len, 576, NULL));
	len = udp4("192.0.2.1", "224.0.0.5", 100, 0);
	CU_ASSERT_PTR_NULL(needfrag(len, 576, NULL));
	len = udp4("0.0.0.0", "192.0.2.2", 100, 0);
	CU_ASSERT_PTR_NULL(needfrag(len, 576, NULL));
	CU_ASSERT_EQUAL(net_counter_sum(&icmpstat,
	    ICMPSTAT_ERROR) - i4[ICMPSTAT_ERROR], 5);
	CU_ASSERT_EQUAL(net_counter_sum(&icmpstat,
	    ICMPSTAT_OLDICMP) - i4[ICMPSTAT_OLDICMP], 1);
	CU_ASSERT_EQUAL(net_counter_sum(&icmpstat,
	    ICMPSTAT_NOTFIRST) - i4[ICMPSTAT_NOTFIRST],
	    1);
	CU_ASSERT_EQUAL(net_counter_sum(&icmpstat,
	    ICMPSTAT_BADADDR) - i4[ICMPSTAT_BADADDR], 2);
	CU_ASSERT_EQUAL(net_counter_sum(&icmpstat, ICMPSTAT_OUT_NEEDFRAG) -
	    i4[ICMPSTAT_OUT_NEEDFRAG], 1);

	/* IPv6: about an ICMPv6 error; from the unspecified address. */
	ul = tp_icmp(u, 1, 0, 40);
	len = tp_ip6(pkt, "2001:db8::1", "2001:db8::2", NULL, 0,
	    IPPROTO_ICMPV6, u, ul);
	CU_ASSERT_PTR_NULL(toobig(len, 1280, NULL));
	len = udp6("::", "2001:db8::2", 100);
	CU_ASSERT_PTR_NULL(toobig(len, 1280, NULL));
	/* To a multicast group with no source of our own to use. */
	len = udp6("2001:db8::1", "ff02::1", 100);
	CU_ASSERT_PTR_NULL(toobig(len, 1280, NULL));
	CU_ASSERT_EQUAL(net_counter_sum(&icmp6stat, ICMP6STAT_CANTERROR) -
	    i6[ICMP6STAT_CANTERROR], 1);
	CU_ASSERT_EQUAL(net_counter_sum(&icmp6stat, ICMP6STAT_BADADDR) -
	    i6[ICMP6STAT_BADADDR], 2);
}

static void
test_nobufs(void)
{
	struct pbuf_pool *saved = pool;
	uint64_t n4 = net_counter_sum(&icmpstat, ICMPSTAT_NOBUFS);
	uint64_t n6 = net_counter_sum(&icmp6stat, ICMP6STAT_NOBUFS);
	size_t len;

	pool = pbuf_pool_create(0, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pool);
	len = udp4("192.0.2.1", "192.0.2.2", 100, 0);
	CU_ASSERT_PTR_NULL(needfrag(len, 576, NULL));
	len = udp6("2001:db8::1", "2001:db8::2", 100);
	CU_ASSERT_PTR_NULL(toobig(len, 1280, NULL));
	CU_ASSERT_EQUAL(net_counter_sum(&icmpstat, ICMPSTAT_NOBUFS) - n4, 1);
	CU_ASSERT_EQUAL(net_counter_sum(&icmp6stat, ICMP6STAT_NOBUFS) - n6, 1);
	pbuf_pool_destroy(pool);
	pool = saved;
}

/*
 * Scapy reads the errors from a LINKTYPE_RAW file we write and checks
 * every checksum with its own code: the ones' complement sum over a
 * message with a correct checksum field (and the pseudo-header for
 * ICMPv6) is zero.
 */
static const char scapy_check[] =
	"import sys\n"
	"from scapy.all import rdpcap, IP, IPv6, ICMP, ICMPv6PacketTooBig\n"
	"from scapy.utils import checksum\n"
	"from scapy.layers.inet6 import in6_chksum\n"
	"for p in rdpcap(sys.argv[1]):\n"
	"    if IP in p:\n"
	"        ip = p[IP]\n"
	"        hdr = bytes(ip)[:ip.ihl * 4]\n"
	"        ic = bytes(ip.payload)\n"
	"        print('RESULT4', p[ICMP].type, p[ICMP].code,\n"
	"              p[ICMP].nexthopmtu, checksum(hdr) == 0,\n"
	"              checksum(ic) == 0, ip.len)\n"
	"    else:\n"
	"        ip = p[IPv6]\n"
	"        tb = p[ICMPv6PacketTooBig]\n"
	"        ok = in6_chksum(58, ip, bytes(ip.payload)) == 0\n"
	"        print('RESULT6', tb.type, tb.code, tb.mtu, ok, ip.plen)\n";

static void
test_scapy_checksums(void)
{
	char path[256], out[4096], err[256];
	struct pcap_file *pf;
	struct pbuf *e;
	size_t len;

	tp_tmpname(path, sizeof(path), ".pcap");
	pf = pcap_file_open_write(path, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(pf);
	len = udp4("192.0.2.10", "198.51.100.20", 1400, 0);
	e = needfrag(len, 1327, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	pcap_file_write(pf, e->data, e->len, NULL);
	pbuf_free(e);
	len = udp4("192.0.2.10", "198.51.100.20", 33, 0);
	e = needfrag(len, 576, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	pcap_file_write(pf, e->data, e->len, NULL);
	pbuf_free(e);
	len = udp6("2001:db8::10", "2001:db8::20", 1500);
	e = toobig(len, 1427, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	pcap_file_write(pf, e->data, e->len, NULL);
	pbuf_free(e);
	len = udp6("2001:db8::10", "2001:db8::20", 77);
	e = toobig(len, 1280, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	pcap_file_write(pf, e->data, e->len, NULL);
	pbuf_free(e);
	CU_ASSERT_EQUAL(pcap_file_close(pf), 0);

	CU_ASSERT_EQUAL(tp_python(scapy_check, path, out, sizeof(out)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out,
	    "RESULT4 3 4 1327 True True 576\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "RESULT4 3 4 576 True True 89\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "RESULT6 2 0 1427 True 1240\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "RESULT6 2 0 1280 True 133\n"));
	if (strstr(out, "RESULT6 2 0 1280 True 133\n") == NULL)
		fprintf(stderr, "scapy said:\n%s\n", out);
	unlink(path);
}

static const struct test_case icmp_cases[] = {
	{ "fragmentation needed: layout, quote, checksums", test_needfrag },
	{ "packet too big: layout, quote, checksum", test_toobig },
	{ "errors that must not be sent", test_suppressed },
	{ "no buffer", test_nobufs },
	{ "Scapy verifies the checksums", test_scapy_checksums },
	{ NULL, NULL }
};

const struct test_suite test_suites[] = {
	{ "ip_icmp", suite_init, suite_fini, icmp_cases },
	{ NULL, NULL, NULL, NULL }
};
