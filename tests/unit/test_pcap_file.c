/*
 * The pcap file driver against independent tools: Scapy writes raw,
 * Ethernet (with 802.1Q and QinQ tags), Linux cooked and unsupported
 * captures that we read; tshark reads the LINKTYPE_RAW files we write.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sys/net/net_clock.h"
#include "sys/net/pcap_file.h"
#include "ip_testpkt.h"
#include "testlib.h"

static struct pbuf_pool *pool;
static char out[16384];

static int
suite_init(void)
{
	pool = pbuf_pool_create(16, 1);
	return pool == NULL;
}

static int
suite_fini(void)
{
	pbuf_pool_destroy(pool);
	return 0;
}

static void
hex(const uint8_t *p, size_t n, char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(s + 2 * i, "%02x", p[i]);
	s[2 * n] = '\0';
}

/*
 * Read every packet of path; each must appear in the generator's output
 * as "IP <hex>" (the IP layer bytes it wrote), in order.  Returns the
 * count, -1 on a mismatch.
 */
static int
read_all(const char *path, const char *expect, struct pcap_file_stats *st)
{
	char err[256], line[70000 * 2 + 8];
	const char *cur = expect, *hit;
	struct pcap_file *pf;
	struct pbuf *pb;
	int n = 0, rc;

	pf = pcap_file_open_read(path, err, sizeof(err));
	if (pf == NULL)
		return -1;
	while ((rc = pcap_file_read(pf, pool, &pb, NULL, err,
	    sizeof(err))) == 1) {
		memcpy(line, "IP ", 3);
		hex(pb->data, pb->len, line + 3);
		strcat(line, "\n");
		hit = strstr(cur, line);
		if (hit == NULL || pb->af != ((pb->data[0] >> 4) == 6 ?
		    AF_INET6 : AF_INET))
			n = -1000;
		else
			cur = hit + strlen(line);
		pbuf_free(pb);
		n++;
	}
	pcap_file_stats(pf, st);
	pcap_file_close(pf);
	return rc == 0 && n >= 0 ? n : -1;
}

static const char gen_raw[] =
	"import sys\n"
	"from scapy.all import *\n"
	"pk = [IP(src='192.0.2.1', dst='192.0.2.2')/UDP(sport=500, dport=4500)"
	"/Raw(b'x' * 30),\n"
	"      IPv6(src='2001:db8::1', dst='2001:db8::2')/TCP(dport=22),\n"
	"      IP(src='10.1.1.1', dst='10.2.2.2')/ICMP()/Raw(b'ping')]\n"
	"w = PcapWriter(sys.argv[1], linktype=101)\n"
	"for p in pk:\n"
	"    w.write(p)\n"
	"w.close()\n"
	"for p in pk:\n"
	"    print('IP', bytes(p).hex())\n";

static void
test_read_raw(void)
{
	struct pcap_file_stats st;
	char path[256];

	tp_tmpname(path, sizeof(path), ".pcap");
	CU_ASSERT_EQUAL_FATAL(tp_python(gen_raw, path, out, sizeof(out)), 0);
	CU_ASSERT_EQUAL(read_all(path, out, &st), 3);
	CU_ASSERT_EQUAL(st.ip4, 2);
	CU_ASSERT_EQUAL(st.ip6, 1);
	CU_ASSERT_EQUAL(st.frames, 3);
	unlink(path);
}

/*
 * Ethernet: plain, one 802.1Q tag, 802.1ad + 802.1Q, an ARP frame
 * (skipped), and a record cut by the snap length (skipped).
 */
static const char gen_ether[] =
	"import sys, struct\n"
	"from scapy.all import *\n"
	"e = Ether(src='02:00:00:00:00:01', dst='02:00:00:00:00:02')\n"
	"a = IP(src='192.0.2.1', dst='192.0.2.2')/UDP(dport=53)/Raw(b'q' * 9)\n"
	"b = IPv6(src='2001:db8::1', dst='2001:db8::2')/UDP(dport=123)\n"
	"c = IP(src='198.51.100.1', dst='198.51.100.2')/TCP(sport=80)\n"
	"fr = [e/a, e/Dot1Q(vlan=5)/b, Ether(type=0x88a8)/Dot1Q(vlan=7)"
	"/Dot1Q(vlan=8)/c,\n"
	"      e/ARP(pdst='192.0.2.2')]\n"
	"wrpcap(sys.argv[1], fr)\n"
	"with open(sys.argv[1], 'ab') as f:\n"
	"    cut = bytes(e/a)[:20]\n"
	"    f.write(struct.pack('<IIII', 1, 0, len(cut), 60) + cut)\n"
	"for p in (a, b, c):\n"
	"    print('IP', bytes(p).hex())\n";

static void
test_read_ether(void)
{
	struct pcap_file_stats st;
	char path[256];

	tp_tmpname(path, sizeof(path), ".pcap");
	CU_ASSERT_EQUAL_FATAL(tp_python(gen_ether, path, out, sizeof(out)),
	    0);
	CU_ASSERT_EQUAL(read_all(path, out, &st), 3);
	CU_ASSERT_EQUAL(st.frames, 5);
	CU_ASSERT_EQUAL(st.nonip, 1);
	CU_ASSERT_EQUAL(st.truncated, 1);
	CU_ASSERT_EQUAL(st.ip6, 1);
	unlink(path);
}

static const char gen_sll[] =
	"import sys\n"
	"from scapy.all import *\n"
	"a = IPv6(src='2001:db8::7', dst='2001:db8::8')/ICMPv6EchoRequest()\n"
	"b = IP(src='192.0.2.7', dst='192.0.2.8')/UDP()\n"
	"wrpcap(sys.argv[1], [CookedLinux(proto=0x86dd)/a, "
	"CookedLinux(proto=0x800)/b])\n"
	"print('IP', bytes(a).hex())\n"
	"print('IP', bytes(b).hex())\n";

static void
test_read_sll(void)
{
	struct pcap_file_stats st;
	char path[256];

	tp_tmpname(path, sizeof(path), ".pcap");
	CU_ASSERT_EQUAL_FATAL(tp_python(gen_sll, path, out, sizeof(out)), 0);
	CU_ASSERT_EQUAL(read_all(path, out, &st), 2);
	unlink(path);
}

static const char gen_wifi[] =
	"import sys\n"
	"from scapy.all import *\n"
	"wrpcap(sys.argv[1], [Dot11()/LLC()/SNAP()/IP()], linktype=105)\n";

static void
test_read_refused(void)
{
	char path[256], err[256] = "";
	struct pbuf_pool *none;
	struct pcap_file *pf;
	struct pbuf *pb;
	FILE *f;

	tp_tmpname(path, sizeof(path), ".pcap");
	CU_ASSERT_EQUAL_FATAL(tp_python(gen_wifi, path, out, sizeof(out)), 0);
	CU_ASSERT_PTR_NULL(pcap_file_open_read(path, err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "unsupported link type"));
	unlink(path);
	err[0] = '\0';
	CU_ASSERT_PTR_NULL(pcap_file_open_read(path, err, sizeof(err)));
	CU_ASSERT(err[0] != '\0');

	/* Not a capture at all. */
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("this is not a pcap file, not even close\n", f);
	fclose(f);
	CU_ASSERT_PTR_NULL(pcap_file_open_read(path, err, sizeof(err)));
	unlink(path);

	/* An empty pool loses the packet with a clear error. */
	CU_ASSERT_EQUAL_FATAL(tp_python(gen_raw, path, out, sizeof(out)), 0);
	none = pbuf_pool_create(0, 0);
	pf = pcap_file_open_read(path, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(pf);
	CU_ASSERT_EQUAL(pcap_file_read(pf, none, &pb, NULL, err, sizeof(err)),
	    -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no packet buffer"));
	pcap_file_close(pf);
	pbuf_pool_destroy(none);
	unlink(path);
}

/* Five packets written; tshark must see five, with the right fields. */
static void
test_write_tshark(void)
{
	struct tp_ext fh = { 44, 8, 0, 1, 0x55 };
	uint8_t pkt[1600], u[1600];
	struct timeval ts = { 1700000000, 250000 }, rts;
	char path[256], cmd[512], err[256];
	struct pcap_file *pf;
	struct pbuf *pb;
	size_t len, ul;
	int i, n = 0;

	tp_tmpname(path, sizeof(path), ".pcap");
	pf = pcap_file_open_write(path, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(pf);
	CU_ASSERT_EQUAL(pcap_file_linktype(pf), DLT_RAW);
	for (i = 0; i < 3; i++) {
		ul = tp_udp(u, 1000, (uint16_t)(5000 + i), 20);
		len = tp_ip4(pkt, "192.0.2.1", "192.0.2.99", 17, NULL, 0, u,
		    ul, (uint16_t)i, 0);
		CU_ASSERT_EQUAL(pcap_file_write(pf, pkt, len, &ts), 0);
	}
	ul = tp_udp(u, 1000, 6000, 1200);
	len = tp_ip6(pkt, "2001:db8::1", "2001:db8::99", &fh, 1, 17, u, 1200);
	CU_ASSERT_EQUAL(pcap_file_write(pf, pkt, len, &ts), 0);
	net_clock_set_fake(1800000000);
	len = tp_ip6(pkt, "2001:db8::1", "2001:db8::98", NULL, 0, 17, u, ul);
	CU_ASSERT_EQUAL(pcap_file_write(pf, pkt, len, NULL), 0);
	net_clock_set_source(NULL);
	CU_ASSERT_EQUAL(pcap_file_close(pf), 0);

	snprintf(cmd, sizeof(cmd), "tshark -r %s -T fields -E separator=, "
	    "-e frame.protocols -e ip.dst -e ipv6.dst -e udp.dstport "
	    "-e frame.time_epoch 2>/dev/null", path);
	CU_ASSERT_EQUAL(tp_shell(cmd, out, sizeof(out)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out,
	    "raw:ip:udp:data,192.0.2.99,,5000,1700000000.250000000\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, ",192.0.2.99,,5002,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "raw:ipv6:ipv6.fraghdr"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out,
	    ",,2001:db8::98,6000,1800000000.000000000\n"));
	for (i = 0; out[i] != '\0'; i++)
		n += out[i] == '\n';
	CU_ASSERT_EQUAL(n, 5);
	if (n != 5)
		fprintf(stderr, "tshark said:\n%s\n", out);

	/* And we read back what we wrote, time stamps included. */
	pf = pcap_file_open_read(path, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(pf);
	for (n = 0; pcap_file_read(pf, pool, &pb, &rts, err,
	    sizeof(err)) == 1; n++) {
		if (n == 0)
			CU_ASSERT(rts.tv_sec == ts.tv_sec &&
			    rts.tv_usec == ts.tv_usec);
		pbuf_free(pb);
	}
	CU_ASSERT_EQUAL(n, 5);
	pcap_file_close(pf);
	unlink(path);
}

static const struct test_case pcap_cases[] = {
	{ "LINKTYPE_RAW written by Scapy", test_read_raw },
	{ "Ethernet with VLAN and QinQ tags by Scapy", test_read_ether },
	{ "Linux cooked capture by Scapy", test_read_sll },
	{ "unsupported, missing and garbage files", test_read_refused },
	{ "written files read by tshark", test_write_tshark },
	{ NULL, NULL }
};

const struct test_suite test_suites[] = {
	{ "pcap_file", suite_init, suite_fini, pcap_cases },
	{ NULL, NULL, NULL, NULL }
};
