/*
 * Source-routed IPv4 from the wire (issue 12, finding 5).  BSD stacks
 * drop packets carrying a loose or strict source route (LSRR, SSRR) by
 * default: net.inet.ip.accept_sourceroute 0 refuses those whose route ends
 * at this host, net.inet.ip.sourceroute 0 those still to be routed on.
 * The packets are Scapy's (IPOption_LSRR, IPOption_SSRR), so the option
 * encoding is not our own; each must be dropped and counted in
 * ips_srcroute by default, reach the host once its variable is 1, while
 * a plain packet and one with another option (record route) pass.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys/net/netif.h"
#include "sys/net/pbuf.h"
#include "sys/netinet/ip_path.h"
#include "sys/netipsec/ipsec_var.h"
#include "tests/unit/ip_path_cap.h"
#include "tests/unit/ip_testpkt.h"
#include "tests/unit/testlib.h"

enum { PLAIN, LSRR_END, SSRR_END, LSRR_ON, SSRR_ON, RR, NPKT };

static const char gen[] =
"import sys\n"
"from scapy.all import IP, UDP, Raw, IPOption_LSRR, IPOption_SSRR, "
"IPOption_RR\n"
"d = '192.0.2.2'\n"
"pkts = [IP(src='192.0.2.1', dst=d),\n"
"  IP(src='192.0.2.1', dst=d, options=[IPOption_LSRR(routers=['198.51.100.1'],"
" pointer=8)]),\n"
"  IP(src='192.0.2.1', dst=d, options=[IPOption_SSRR(routers=['198.51.100.1'],"
" pointer=8)]),\n"
"  IP(src='192.0.2.1', dst=d, options=[IPOption_LSRR(routers=['198.51.100.1'],"
" pointer=4)]),\n"
"  IP(src='192.0.2.1', dst=d, options=[IPOption_SSRR(routers=['198.51.100.1',"
" '198.51.100.2'], pointer=4)]),\n"
"  IP(src='192.0.2.1', dst=d, options=[IPOption_RR(routers=['0.0.0.0'])])]\n"
"for p in pkts:\n"
"    print(bytes(p / UDP(sport=1000, dport=2000) / Raw(b'sr' * 8)).hex())\n";

static uint8_t pkt[NPKT][128];
static size_t pktlen[NPKT];
static struct pbuf_pool *pool;
static struct ip_path *path;

static int
suite_init(void)
{
	char out[4096], *line, *save = NULL;
	size_t i, n;

	if (tp_python(gen, NULL, out, sizeof(out)) != 0)
		return -1;
	for (i = 0, line = strtok_r(out, "\n", &save); line != NULL &&
	    i < NPKT; i++, line = strtok_r(NULL, "\n", &save)) {
		n = strlen(line) / 2;
		if (n > sizeof(pkt[i]))
			return -1;
		for (pktlen[i] = 0; pktlen[i] < n; pktlen[i]++)
			if (sscanf(line + 2 * pktlen[i], "%2hhx",
			    &pkt[i][pktlen[i]]) != 1)
				return -1;
	}
	if (i != NPKT)
		return -1;
	if ((pool = pbuf_pool_create(64, 4)) == NULL ||
	    (path = ipc_path_create(pool)) == NULL)
		return -1;
	return 0;
}

static int
suite_fini(void)
{
	ip_path_destroy(path);
	pbuf_pool_destroy(pool);
	ipsec_vars_reset();
	return 0;
}

static int
set_var(const char *name, int value)
{
	size_t i;

	for (i = 0; i < ipsec_var_mib_count; i++)
		if (strcmp(ipsec_var_mib[i].name, name) == 0)
			return mib_set(&ipsec_var_mib[i], value) == 0 ? 0 : -1;
	CU_FAIL_FATAL("no such variable");
	return -1;
}

/* Whether packet i, from the wire, reached the host; drops counted. */
static bool
passes(int i, uint64_t *dropped)
{
	uint64_t before = ip_path_stats(path, AF_INET)->c[IP_PATH_SRCROUTE];

	ipc_clear();
	ip_path_from_wire(path, ipc_packet(pool, pkt[i], pktlen[i]));
	*dropped += ip_path_stats(path, AF_INET)->c[IP_PATH_SRCROUTE] -
	    before;
	return ipc_host.n == 1 && ipc_host.len[0] == pktlen[i] &&
	    memcmp(ipc_host.pkt[0], pkt[i], pktlen[i]) == 0;
}

static void
test_default_drop(void)
{
	uint64_t dropped = 0;
	int i;

	ipsec_vars_reset();
	CU_ASSERT(passes(PLAIN, &dropped));
	CU_ASSERT(passes(RR, &dropped));
	CU_ASSERT_EQUAL(dropped, 0);
	for (i = LSRR_END; i <= SSRR_ON; i++)
		CU_ASSERT(!passes(i, &dropped));
	CU_ASSERT_EQUAL(dropped, 4);
	CU_ASSERT_STRING_EQUAL(ip_path_stat_name(AF_INET, IP_PATH_SRCROUTE),
	    "ips_srcroute");
}

static void
test_switches(void)
{
	uint64_t dropped = 0;

	ipsec_vars_reset();
	/* A route that ends here: accept_sourceroute alone decides. */
	CU_ASSERT_EQUAL(set_var("net.inet.ip.accept_sourceroute", 1), 0);
	CU_ASSERT(passes(LSRR_END, &dropped));
	CU_ASSERT(passes(SSRR_END, &dropped));
	CU_ASSERT(!passes(LSRR_ON, &dropped));
	CU_ASSERT(!passes(SSRR_ON, &dropped));
	CU_ASSERT_EQUAL(dropped, 2);
	/* A route still to follow: sourceroute decides. */
	CU_ASSERT_EQUAL(set_var("net.inet.ip.accept_sourceroute", 0), 0);
	CU_ASSERT_EQUAL(set_var("net.inet.ip.sourceroute", 1), 0);
	CU_ASSERT(passes(LSRR_ON, &dropped));
	CU_ASSERT(passes(SSRR_ON, &dropped));
	CU_ASSERT(!passes(LSRR_END, &dropped));
	CU_ASSERT_EQUAL(dropped, 3);
	CU_ASSERT_EQUAL(set_var("net.inet.ip.sourceroute", 2), -1);
	ipsec_vars_reset();
}

static const struct test_case srcroute_cases[] = {
	{ "LSRR and SSRR dropped and counted by default", test_default_drop },
	{ "accept_sourceroute and sourceroute let them in", test_switches },
	{ NULL, NULL }
};

const struct test_suite test_suites[] = {
	{ "IPv4 source routes", suite_init, suite_fini, srcroute_cases },
	{ NULL, NULL, NULL, NULL }
};
