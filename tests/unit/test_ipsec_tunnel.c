/*
 * Tunnel mode and the output decisions around it: outer header fields
 * (DSCP, TTL/hop limit, DF by net.inet.ipsec.dfbit, checksum), ECN on
 * both sides by the ecn variables (the RFC 6040 table, end to end too),
 * the "too big" verdict with the MTU the sender must use, and SA
 * lifetimes counted per packet until a hard byte limit stops output.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "net/pfkeyv2.h"
#include "netipsec/ipsec.h"
#include "sys/net/pbuf.h"
#include "sys/netipsec/esp_var.h"
#include "sys/netipsec/ipsec_hooks.h"
#include "sys/netipsec/ipsec_stat.h"
#include "sys/netipsec/ipsec_var.h"
#include "sys/netipsec/xform_ipip.h"
#include "sys/netkey/key_sa.h"
#include "tests/unit/ip_testpkt.h"
#include "tests/unit/ipsec_test_util.h"
#include "tests/unit/testlib.h"

#define X4	"192.0.2.1"
#define Y4	"192.0.2.2"
#define A4	"203.0.113.1"
#define B4	"203.0.113.2"
#define X6	"2001:db8::1"
#define Y6	"2001:db8::2"
#define A6	"2001:db8:1::1"
#define B6	"2001:db8:1::2"

#define NOTECT	0
#define ECT1	1
#define ECT0	2
#define CE	3

/* A tunnel x -> y over a -> b, required both ways. */
static void
setup_tunnel(const char *x, const char *y, const char *a, const char *b)
{
	struct ipt_req r = { IPPROTO_ESP, IPSEC_MODE_TUNNEL,
	    IPSEC_LEVEL_REQUIRE, 0, a, b };

	ipt_reset();
	ipt_add_sa(&(struct ipt_sa){ 0x5001, a, b, IPSEC_MODE_TUNNEL, 0, 0 });
	ipt_policy1(IPSEC_DIR_OUTBOUND, x, y, r);
	ipt_policy1(IPSEC_DIR_INBOUND, x, y, r);
}

static void
setup_transport(const char *x, const char *y, uint64_t hard_bytes)
{
	struct ipt_req r = { IPPROTO_ESP, IPSEC_MODE_TRANSPORT,
	    IPSEC_LEVEL_REQUIRE, 0, NULL, NULL };

	ipt_reset();
	ipt_add_sa(&(struct ipt_sa){ 0x6001, x, y, IPSEC_MODE_TRANSPORT, 0,
	    hard_bytes });
	ipt_policy1(IPSEC_DIR_OUTBOUND, x, y, r);
}

static uint8_t
tclass(const uint8_t *p)
{
	return (uint8_t)((p[0] & 0x0f) << 4 | p[1] >> 4);
}

/* DSCP and TTL/hop limit copied, any family over any family. */
static void
outer_fields(const char *x, const char *y, const char *a, const char *b)
{
	struct ipsec_out_result out;
	struct pbuf *pb;

	setup_tunnel(x, y, a, b);
	CU_ASSERT_FATAL(ipt_send(x, y, 200, 0xb8 | ECT0, 17, false, 0, &pb,
	    &out) == IPSEC_PASS);
	if (strchr(a, ':') == NULL) {
		CU_ASSERT(pb->data[1] == 0xb8);
		CU_ASSERT(pb->data[8] == 17);
		CU_ASSERT(tp_naive_cksum(pb->data, 20) == 0);
		CU_ASSERT(pb->data[9] == IPPROTO_ESP);
	} else {
		CU_ASSERT(tclass(pb->data) == 0xb8);
		CU_ASSERT(pb->data[7] == 17);
		CU_ASSERT((pb->data[1] & 0x0f) == 0 && pb->data[2] == 0 &&
		    pb->data[3] == 0);
	}
	pbuf_free(pb);
}

static void
t_outer_fields(void)
{
	outer_fields(X4, Y4, A4, B4);
	outer_fields(X6, Y6, A6, B6);
	outer_fields(X4, Y4, A6, B6);
	outer_fields(X6, Y6, A4, B4);
}

/* The outer DF of a tunnel packet over an inner one (v6: no DF). */
static int
outer_df(const char *x, const char *y, bool inner_df)
{
	struct ipsec_out_result out;
	struct pbuf *pb;
	int df;

	CU_ASSERT_FATAL(ipt_send(x, y, 100, 0, 64, inner_df, 0, &pb, &out) ==
	    IPSEC_PASS);
	CU_ASSERT(tp_naive_cksum(pb->data, 20) == 0);
	df = (pb->data[6] & 0x40) != 0;
	pbuf_free(pb);
	return df;
}

static void
t_dfbit(void)
{
	static const struct {
		int dfbit, inner, outer;
	} tab[] = {
		{ 0, 0, 0 }, { 0, 1, 0 }, { 1, 0, 1 }, { 1, 1, 1 },
		{ 2, 0, 0 }, { 2, 1, 1 },
	};
	size_t i;

	setup_tunnel(X4, Y4, A4, B4);
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		ipsec_vars.dfbit = tab[i].dfbit;
		CU_ASSERT(outer_df(X4, Y4, tab[i].inner) == tab[i].outer);
	}
	setup_tunnel(X6, Y6, A4, B4);
	ipsec_vars.dfbit = 2;
	CU_ASSERT(outer_df(X6, Y6, false) == 0);
	ipsec_vars.dfbit = 1;
	CU_ASSERT(outer_df(X6, Y6, false) == 1);
}

/*
 * RFC 6040 decapsulation, written as its rules read: CE outside marks
 * the inner packet (which must be ECN-capable), ECT(1) outside over
 * ECT(0) inside is passed on, anything else leaves the inner field.
 */
static int
rfc6040_decap(int outer, int inner)
{
	if (outer == CE)
		return inner == NOTECT ? -1 : CE;
	if (outer == ECT1 && inner == ECT0)
		return ECT1;
	return inner;
}

static void
t_ecn_table(void)
{
	int o, i, mode;

	ipsec_vars_reset();
	for (mode = -1; mode <= 1; mode++) {
		ipsec_vars.inet.ecn = mode;
		ipsec_vars.inet6.ecn = mode;
		for (i = 0; i < 4; i++) {
			CU_ASSERT(ipip_ecn_encap(AF_INET, (uint8_t)i) ==
			    (mode == 1 ? i : NOTECT));
			CU_ASSERT(ipip_ecn_encap(AF_INET6, (uint8_t)i) ==
			    (mode == 1 ? i : NOTECT));
			for (o = 0; o < 4; o++)
				CU_ASSERT(ipip_ecn_decap(AF_INET, (uint8_t)o,
				    (uint8_t)i) == (mode == 1 ?
				    rfc6040_decap(o, i) : i));
		}
	}
	/* Each family has its own variable. */
	ipsec_vars.inet.ecn = 0;
	CU_ASSERT(ipip_ecn_encap(AF_INET, ECT0) == NOTECT);
	CU_ASSERT(ipip_ecn_encap(AF_INET6, ECT0) == ECT0);
	ipsec_vars_reset();
}

/* Rewrite the outer IPv4 ECN field (it is outside ESP's protection). */
static void
mark_outer(struct pbuf *pb, uint8_t ecn)
{
	pb->data[1] = (uint8_t)((pb->data[1] & ~3) | ecn);
	pb->data[10] = pb->data[11] = 0;
	pb->data[10] = (uint8_t)(tp_naive_cksum(pb->data, 20) >> 8);
	pb->data[11] = (uint8_t)tp_naive_cksum(pb->data, 20);
}

/* Through the tunnel with ecn=mode: inner ECN in, outer marked on the way. */
static enum ipsec_verdict
ecn_trip(int mode, uint8_t inner, uint8_t mark, uint8_t *got,
    struct ipsec_in_result *in)
{
	struct ipsec_out_result out;
	enum ipsec_verdict v;
	struct pbuf *pb;

	setup_tunnel(X4, Y4, A4, B4);
	ipsec_vars.inet.ecn = mode;
	CU_ASSERT_FATAL(ipt_send(X4, Y4, 60, 0x20 | inner, 64, false, 0, &pb,
	    &out) == IPSEC_PASS);
	CU_ASSERT((pb->data[1] & 3) == (mode == 1 ? inner : NOTECT));
	mark_outer(pb, mark);
	v = ipsec_input(&pb, NULL, in);
	if (v == IPSEC_PASS) {
		*got = pb->data[1];
		CU_ASSERT(tp_naive_cksum(pb->data, 20) == 0);
	}
	pbuf_free(pb);
	return v;
}

static void
t_ecn_tunnel(void)
{
	struct ipsec_in_result in;
	uint8_t got = 0;

	CU_ASSERT(ecn_trip(1, ECT0, CE, &got, &in) == IPSEC_PASS);
	CU_ASSERT(got == (0x20 | CE));
	CU_ASSERT(ecn_trip(1, ECT0, ECT1, &got, &in) == IPSEC_PASS);
	CU_ASSERT(got == (0x20 | ECT1));
	CU_ASSERT(ecn_trip(1, NOTECT, CE, &got, &in) == IPSEC_DROP);
	CU_ASSERT(in.drop == IPSECS_IN_ECN);
	CU_ASSERT(ipsecstat_value(AF_INET, IPSECS_IN_ECN) == 1);
	CU_ASSERT(net_counter_sum(&espstat_counters, ESPS_TUNNEL) == 1);
	CU_ASSERT(ecn_trip(0, NOTECT, CE, &got, &in) == IPSEC_PASS);
	CU_ASSERT(got == 0x20);
	CU_ASSERT(ecn_trip(-1, ECT0, CE, &got, &in) == IPSEC_PASS);
	CU_ASSERT(got == (0x20 | ECT0));
}

/*
 * The MTU verdict.  AES-128-CBC with HMAC-SHA1-96 adds at most 8 (ESP
 * header) + 16 (IV) + 12 (ICV) + 2 (trailer) + 15 (padding) = 53 bytes,
 * plus 20 or 40 for a tunnel header.
 */
static void
t_mtu(void)
{
	struct ipsec_out_result out;
	struct pbuf *pb;

	/* IPv4 tunnel, 1400-byte datagram (UDP payload 1372) with DF. */
	setup_tunnel(X4, Y4, A4, B4);
	CU_ASSERT(ipt_send(X4, Y4, 1372, 0, 64, true, 1400, &pb, &out) ==
	    IPSEC_TOOBIG);
	CU_ASSERT(out.icmp_mtu == 1400 - 73);
	CU_ASSERT(ipsecstat_value(AF_INET, IPSECS_OUT_TOOBIG) == 1);
	/* What the sender is told fits. */
	CU_ASSERT(ipt_send(X4, Y4, 1327 - 28, 0, 64, true, 1400, &pb,
	    &out) == IPSEC_PASS);
	CU_ASSERT(pb->len <= 1400);
	pbuf_free(pb);
	/* Without DF the caller fragments the outer packet. */
	CU_ASSERT(ipt_send(X4, Y4, 1372, 0, 64, false, 1400, &pb, &out) ==
	    IPSEC_PASS);
	CU_ASSERT(pb->len > 1400);
	pbuf_free(pb);
	/* ... unless dfbit sets DF on the outer header. */
	ipsec_vars.dfbit = 1;
	CU_ASSERT(ipt_send(X4, Y4, 1372, 0, 64, false, 1400, &pb, &out) ==
	    IPSEC_TOOBIG);
	/* Default MTU 1500. */
	CU_ASSERT(ipt_send(X4, Y4, 1372, 0, 64, true, 0, &pb, &out) ==
	    IPSEC_PASS);
	pbuf_free(pb);

	/* IPv6 transport: never fragmented by us. */
	setup_transport(X6, Y6, 0);
	CU_ASSERT(ipt_send(X6, Y6, 1352, 0, 64, false, 1400, &pb, &out) ==
	    IPSEC_TOOBIG);
	CU_ASSERT(out.icmp_mtu == 1400 - 53);
	CU_ASSERT(ipsecstat_value(AF_INET6, IPSECS_OUT_TOOBIG) == 1);
	/* Below 1280 for the sender: protected and left to fragmentation. */
	CU_ASSERT(ipt_send(X6, Y6, 1352, 0, 64, false, 1300, &pb, &out) ==
	    IPSEC_PASS);
	pbuf_free(pb);
}

/* Bytes and allocations counted on the SA; a hard byte limit stops it. */
static void
t_lifetime(void)
{
	struct ipsec_out_result out;
	struct ipsec_sa *sa;
	struct pbuf *pb;
	int sent = 0;

	setup_transport(X4, Y4, 1000);
	sa = ipt_sa_lookup(Y4, 0x6001);
	CU_ASSERT_FATAL(sa != NULL);
	while (sent < 20 && ipt_send(X4, Y4, 100, 0, 64, false, 0, &pb,
	    &out) == IPSEC_PASS) {
		pbuf_free(pb);
		sent++;
		if (sent == 3)
			CU_ASSERT(sa->cur.allocations == 3 &&
			    sa->cur.bytes == 3 * 108);
	}
	/* 108 bytes (UDP header and payload) each: the 10th crosses 1000. */
	CU_ASSERT(sent == 9);
	CU_ASSERT(out.drop == IPSECS_OUT_NOSA);
	CU_ASSERT(net_counter_sum(&espstat_counters, ESPS_INVALID) == 1);
	CU_ASSERT(sa->state == SADB_SASTATE_DEAD);
	ipt_saw(0);
	CU_ASSERT(ipt_send(X4, Y4, 100, 0, 64, false, 0, &pb, &out) ==
	    IPSEC_DROP);
	CU_ASSERT(out.drop == IPSECS_OUT_NOSA);
	CU_ASSERT(ipsecstat_value(AF_INET, IPSECS_OUT_NOSA) == 2);
	CU_ASSERT(ipt_saw(SADB_ACQUIRE));
}

/* A tunnel may carry an inner fragment; it comes out as one. */
static void
t_inner_fragment(void)
{
	struct ipsec_out_result out;
	struct ipsec_in_result in;
	uint8_t udp[256], orig[512];
	struct pbuf *pb;
	size_t n;

	setup_tunnel(X4, Y4, A4, B4);
	n = tp_udp(udp, 4000, 5000, 96);
	n = tp_ip4(orig, X4, Y4, IPPROTO_UDP, NULL, 0, udp, n, 77, 0x2000);
	pb = tp_pbuf(ipt_pool, orig, n);
	CU_ASSERT_FATAL(ipsec_output(&pb, NULL, &out) == IPSEC_PASS);
	CU_ASSERT(out.protected);
	CU_ASSERT(ipsec_input(&pb, NULL, &in) == IPSEC_PASS);
	CU_ASSERT(in.hi.flags & IP_HDR_F_FRAG);
	CU_ASSERT(pb->len == n && memcmp(pb->data, orig, n) == 0);
	pbuf_free(pb);
}

static const struct test_case tunnel_cases[] = {
	{ "outer DSCP, TTL, checksum", t_outer_fields },
	{ "dfbit 0, 1, 2", t_dfbit },
	{ "ECN rules by variable", t_ecn_table },
	{ "ECN through the tunnel", t_ecn_tunnel },
	{ "MTU verdict", t_mtu },
	{ "lifetime in bytes", t_lifetime },
	{ "inner fragment through a tunnel", t_inner_fragment },
	{ NULL, NULL }
};

const struct test_suite test_suites[] = {
	{ "ipsec tunnel", ipt_suite_init, ipt_suite_fini, tunnel_cases },
	{ NULL, NULL, NULL, NULL }
};
