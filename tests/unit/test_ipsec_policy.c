/*
 * The policy engine through its hooks: SAs and policies installed by real
 * PF_KEY messages, datagrams sent through ipsec_output() and received by
 * ipsec_input().  Transport and tunnel mode of both families and across
 * them, bundles, levels and their defaults, def_policy, ACQUIRE, and the
 * inbound check with the counter every refusal moves.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "net/pfkeyv2.h"
#include "netipsec/ipsec.h"
#include "sys/net/pbuf.h"
#include "sys/netipsec/ah_var.h"
#include "sys/netipsec/esp_var.h"
#include "sys/netipsec/ipsec_xform.h"
#include "sys/netipsec/ipsec_hooks.h"
#include "sys/netipsec/ipsec_policy.h"
#include "sys/netipsec/ipsec_stat.h"
#include "sys/netipsec/ipsec_var.h"
#include "sys/netkey/key_spd.h"
#include "tests/unit/ip_testpkt.h"
#include "tests/unit/ipsec_test_util.h"
#include "tests/unit/testlib.h"

#define X4	"192.0.2.1"
#define Y4	"192.0.2.2"
#define A4	"203.0.113.1"
#define B4	"203.0.113.2"
#define C4	"203.0.113.3"
#define X6	"2001:db8::1"
#define Y6	"2001:db8::2"
#define A6	"2001:db8:1::1"
#define B6	"2001:db8:1::2"

#define ESP	IPPROTO_ESP
#define TRANS	IPSEC_MODE_TRANSPORT
#define TUNNEL	IPSEC_MODE_TUNNEL
#define USE	IPSEC_LEVEL_USE
#define REQUIRE	IPSEC_LEVEL_REQUIRE
#define UNIQUE	IPSEC_LEVEL_UNIQUE
#define DEFLEV	IPSEC_LEVEL_DEFAULT
#define IN	IPSEC_DIR_INBOUND
#define OUT	IPSEC_DIR_OUTBOUND

static int
af_of(const char *a)
{
	return strchr(a, ':') != NULL ? AF_INET6 : AF_INET;
}

static uint64_t
stat_of(const char *a, enum ipsecstat_counter c)
{
	return ipsecstat_value(af_of(a), c);
}

/* The ESP histogram bucket of alg for a's family, summed over workers. */
static uint64_t
esphist_of(const char *a, bool out, uint8_t alg)
{
	struct ipsecstat_set sum;

	ipsecstat_sum(af_of(a), &sum);
	return out ? sum.out_esphist[alg] : sum.in_esphist[alg];
}

static void
policy_action(uint8_t dir, const char *src, const char *dst,
    uint16_t action)
{
	struct ipt_policy p = {
		.dir = dir, .src = src, .dst = dst, .action = action,
	};

	ipt_add_policy(&p);
}

/* The outer header of pb says ESP from src to dst; IPv4 checksum good. */
static void
check_outer(const struct pbuf *pb, const char *src, const char *dst)
{
	uint8_t a[16], b[16];

	if (af_of(src) == AF_INET) {
		inet_pton(AF_INET, src, a);
		inet_pton(AF_INET, dst, b);
		CU_ASSERT(pb->data[0] == 0x45 && pb->data[9] == ESP);
		CU_ASSERT(tp_naive_cksum(pb->data, 20) == 0);
		CU_ASSERT((size_t)(pb->data[2] << 8 | pb->data[3]) == pb->len);
		CU_ASSERT(memcmp(pb->data + 12, a, 4) == 0);
		CU_ASSERT(memcmp(pb->data + 16, b, 4) == 0);
		return;
	}
	inet_pton(AF_INET6, src, a);
	inet_pton(AF_INET6, dst, b);
	CU_ASSERT(pb->data[0] >> 4 == 6 && pb->data[6] == ESP);
	CU_ASSERT((size_t)(pb->data[4] << 8 | pb->data[5]) + 40 == pb->len);
	CU_ASSERT(memcmp(pb->data + 8, a, 16) == 0);
	CU_ASSERT(memcmp(pb->data + 24, b, 16) == 0);
}

/* A 100-byte UDP datagram src -> dst through ipsec_output(). */
static enum ipsec_verdict
send_one(const char *src, const char *dst, struct pbuf **pbp,
    struct ipsec_out_result *out)
{
	return ipt_send(src, dst, 100, 0, 64, false, 0, pbp, out);
}

/*
 * Output and input of one datagram src -> dst.  The output must pass
 * protected (outer header from osrc to odst); on an input pass the
 * datagram must be back byte for byte.  The input verdict.
 */
static enum ipsec_verdict
round_trip(const char *src, const char *dst, const char *osrc,
    const char *odst, struct ipsec_in_result *in)
{
	struct ipsec_out_result out;
	uint8_t orig[2048];
	enum ipsec_verdict v;
	struct pbuf *pb;
	size_t n;

	pb = ipt_udp(src, dst, 100, 0, 64, false, orig, &n);
	CU_ASSERT_FATAL(pb != NULL);
	memset(&out, 0, sizeof(out));
	CU_ASSERT_FATAL(ipsec_output(&pb, NULL, &out) == IPSEC_PASS);
	CU_ASSERT(out.protected && out.drop == -1);
	check_outer(pb, osrc, odst);
	v = ipsec_input(&pb, NULL, in);
	if (v == IPSEC_PASS)
		CU_ASSERT(pb->len == n && memcmp(pb->data, orig, n) == 0);
	pbuf_free(pb);
	return v;
}

static void
setup_transport(const char *x, const char *y, uint8_t level)
{
	ipt_reset();
	ipt_add_sa(&(struct ipt_sa){ 0x1001, x, y, TRANS, 0, 0 });
	ipt_add_sa(&(struct ipt_sa){ 0x1002, y, x, TRANS, 0, 0 });
	ipt_policy1(OUT, x, y, (struct ipt_req){ ESP, TRANS, level, 0, 0, 0 });
	ipt_policy1(IN, x, y, (struct ipt_req){ ESP, TRANS, level, 0, 0, 0 });
}

static void
transport(const char *x, const char *y)
{
	struct ipsec_in_result in;

	setup_transport(x, y, REQUIRE);
	CU_ASSERT(round_trip(x, y, x, y, &in) == IPSEC_PASS);
	CU_ASSERT(in.drop == -1 && in.hist.n == 1);
	CU_ASSERT(in.hist.e[0].proto == ESP && !in.hist.e[0].decap);
	CU_ASSERT(in.hist.e[0].spi == htonl(0x1001));
	CU_ASSERT(in.hi.proto == IPPROTO_UDP && in.hi.dport == 5000);
	CU_ASSERT(stat_of(x, IPSECS_OUT_SUCCESS) == 1);
	CU_ASSERT(stat_of(x, IPSECS_IN_SUCCESS) == 1);
	CU_ASSERT(stat_of(x, IPSECS_IN_ESPAUTHSUCC) == 1);
	CU_ASSERT(esphist_of(x, true, SADB_X_EALG_AESCBC) == 1);
	CU_ASSERT(esphist_of(x, false, SADB_X_EALG_AESCBC) == 1);
}

static void
t_transport4(void)
{
	transport(X4, Y4);
}

static void
t_transport6(void)
{
	transport(X6, Y6);
}

/* Inner x -> y through a tunnel a -> b, any family over any family. */
static void
tunnel(const char *x, const char *y, const char *a, const char *b)
{
	struct ipt_req r = { ESP, TUNNEL, REQUIRE, 0, a, b };
	struct ipsec_in_result in;

	ipt_reset();
	ipt_add_sa(&(struct ipt_sa){ 0x2001, a, b, TUNNEL, 0, 0 });
	ipt_policy1(OUT, x, y, r);
	ipt_policy1(IN, x, y, r);
	CU_ASSERT(round_trip(x, y, a, b, &in) == IPSEC_PASS);
	CU_ASSERT(in.hist.n == 1 && in.hist.e[0].decap);
	CU_ASSERT(in.hi.af == af_of(x));
	CU_ASSERT(stat_of(a, IPSECS_IN_SUCCESS) == 1);
}

static void
t_tunnel(void)
{
	tunnel(X4, Y4, A4, B4);
	tunnel(X6, Y6, A6, B6);
	tunnel(X4, Y4, A6, B6);
	tunnel(X6, Y6, A4, B4);
}

/* ESP transport inside an ESP tunnel: request 0 innermost. */
static void
setup_bundle(void)
{
	struct ipt_policy p = {
		.dir = OUT, .src = X4, .dst = Y4,
		.action = IPSEC_POLICY_IPSEC, .nreq = 2,
		.req = { { ESP, TRANS, REQUIRE, 0, 0, 0 },
		    { ESP, TUNNEL, REQUIRE, 0, A4, B4 } },
	};

	ipt_reset();
	ipt_add_sa(&(struct ipt_sa){ 0x3001, X4, Y4, TRANS, 0, 0 });
	ipt_add_sa(&(struct ipt_sa){ 0x3002, A4, B4, TUNNEL, 0, 0 });
	ipt_add_policy(&p);
	p.dir = IN;
	ipt_add_policy(&p);
}

static void
t_bundle(void)
{
	struct ipsec_in_result in;

	setup_bundle();
	CU_ASSERT(round_trip(X4, Y4, A4, B4, &in) == IPSEC_PASS);
	CU_ASSERT_FATAL(in.hist.n == 2);
	CU_ASSERT(in.hist.e[0].decap && in.hist.e[0].spi == htonl(0x3002));
	CU_ASSERT(!in.hist.e[1].decap && in.hist.e[1].spi == htonl(0x3001));
	CU_ASSERT(stat_of(X4, IPSECS_IN_SUCCESS) == 2);
	CU_ASSERT(stat_of(X4, IPSECS_OUT_SUCCESS) == 1);
}

/* `use' without an SA sends clear and asks; `require' drops and asks. */
static void
t_use_require(void)
{
	struct ipsec_out_result out;
	struct ipsec_in_result in;
	struct pbuf *pb;

	ipt_reset();
	ipt_policy1(OUT, X4, Y4, (struct ipt_req){ ESP, TRANS, USE, 0, 0, 0 });
	CU_ASSERT(send_one(X4, Y4, &pb, &out) == IPSEC_PASS);
	CU_ASSERT(!out.protected && pb->data[9] == IPPROTO_UDP);
	pbuf_free(pb);

	ipt_reset();
	ipt_policy1(OUT, X4, Y4, (struct ipt_req){ ESP, TRANS, REQUIRE, 0, 0,
	    0 });
	CU_ASSERT(send_one(X4, Y4, &pb, &out) == IPSEC_DROP);
	CU_ASSERT(out.drop == IPSECS_OUT_NOSA);
	CU_ASSERT(stat_of(X4, IPSECS_OUT_NOSA) == 1);
	ipt_add_sa(&(struct ipt_sa){ 0x1001, X4, Y4, TRANS, 0, 0 });
	CU_ASSERT(round_trip(X4, Y4, X4, Y4, &in) == IPSEC_PASS);
}

/* unique binds the SA by reqid, both ways. */
static void
t_unique(void)
{
	struct ipt_req u7 = { ESP, TRANS, UNIQUE, 7, 0, 0 };
	struct ipsec_out_result out;
	struct ipsec_in_result in;
	struct pbuf *pb;

	ipt_reset();
	ipt_add_sa(&(struct ipt_sa){ 0x4001, X4, Y4, TRANS, 8, 0 });
	ipt_policy1(OUT, X4, Y4, u7);
	CU_ASSERT(send_one(X4, Y4, &pb, &out) == IPSEC_DROP);
	CU_ASSERT(out.drop == IPSECS_OUT_NOSA);
	ipt_add_sa(&(struct ipt_sa){ 0x4002, X4, Y4, TRANS, 7, 0 });
	CU_ASSERT_FATAL(send_one(X4, Y4, &pb, &out) == IPSEC_PASS);
	CU_ASSERT(ntohl(*(uint32_t *)(void *)(pb->data + 20)) == 0x4002);
	pbuf_free(pb);

	/* Received under the reqid-8 SA, the unique:7 inbound policy fails. */
	ipt_reset();
	ipt_add_sa(&(struct ipt_sa){ 0x4001, X4, Y4, TRANS, 8, 0 });
	ipt_policy1(OUT, X4, Y4, (struct ipt_req){ ESP, TRANS, REQUIRE, 0, 0,
	    0 });
	ipt_policy1(IN, X4, Y4, u7);
	CU_ASSERT(round_trip(X4, Y4, X4, Y4, &in) == IPSEC_DROP);
	CU_ASSERT(in.drop == IPSECS_IN_POLVIO);
	CU_ASSERT(stat_of(X4, IPSECS_IN_POLVIO) == 1);
}

static void
t_def_policy(void)
{
	struct ipsec_out_result out;
	struct ipsec_in_result in;
	struct pbuf *pb;

	ipt_reset();
	CU_ASSERT(send_one(X4, Y4, &pb, &out) == IPSEC_PASS);
	CU_ASSERT(!out.protected);
	CU_ASSERT(ipsec_input(&pb, NULL, &in) == IPSEC_PASS);
	pbuf_free(pb);
	ipsec_vars.inet.def_policy = IPSEC_POLICY_DISCARD;
	CU_ASSERT(send_one(X4, Y4, &pb, &out) == IPSEC_DROP);
	CU_ASSERT(out.drop == IPSECS_OUT_POLVIO);
	/* IPv6 has its own variable. */
	CU_ASSERT(send_one(X6, Y6, &pb, &out) == IPSEC_PASS);
	ipsec_vars.inet6.def_policy = IPSEC_POLICY_DISCARD;
	CU_ASSERT(ipsec_input(&pb, NULL, &in) == IPSEC_DROP);
	CU_ASSERT(in.drop == IPSECS_IN_POLVIO);
	CU_ASSERT(ipsecstat_value(AF_INET6, IPSECS_IN_POLVIO) == 1);
	CU_ASSERT(ipsecstat_value(AF_INET, IPSECS_OUT_POLVIO) == 1);
	pbuf_free(pb);
}

static enum ipsec_verdict
send_verdict(const char *x, const char *y, struct ipsec_out_result *out)
{
	struct pbuf *pb;
	enum ipsec_verdict v;

	v = send_one(x, y, &pb, out);
	if (pb != NULL)
		pbuf_free(pb);
	return v;
}

/*
 * `default' follows the deflev variable of its protocol and mode at the
 * time of use.  AH reads ah_trans_deflev (KAME's fall-through would make
 * it `use' and send the packet clear).
 */
static void
t_default_level(void)
{
	struct ipsec_out_result out;

	ipt_reset();
	ipt_policy1(OUT, X4, Y4, (struct ipt_req){ ESP, TRANS, DEFLEV, 0, 0,
	    0 });
	ipt_policy1(OUT, X4, C4, (struct ipt_req){ ESP, TUNNEL, DEFLEV, 0, A4,
	    B4 });
	ipt_policy1(OUT, X4, A4, (struct ipt_req){ IPPROTO_AH, TRANS, DEFLEV, 0,
	    0, 0 });
	CU_ASSERT(send_verdict(X4, Y4, &out) == IPSEC_PASS);
	CU_ASSERT(send_verdict(X4, C4, &out) == IPSEC_PASS);
	CU_ASSERT(send_verdict(X4, A4, &out) == IPSEC_PASS);
	ipsec_vars.inet.esp_trans_deflev = IPSEC_LEVEL_REQUIRE;
	CU_ASSERT(send_verdict(X4, Y4, &out) == IPSEC_DROP);
	CU_ASSERT(out.drop == IPSECS_OUT_NOSA);
	CU_ASSERT(send_verdict(X4, C4, &out) == IPSEC_PASS);
	ipsec_vars.inet.esp_net_deflev = IPSEC_LEVEL_REQUIRE;
	CU_ASSERT(send_verdict(X4, C4, &out) == IPSEC_DROP);
	CU_ASSERT(out.drop == IPSECS_OUT_NOSA);
	ipsec_vars.inet.ah_trans_deflev = IPSEC_LEVEL_REQUIRE;
	CU_ASSERT(send_verdict(X4, A4, &out) == IPSEC_DROP);
	CU_ASSERT(out.drop == IPSECS_OUT_NOSA);
	/* The IPv6 variables are separate. */
	ipt_reset();
	ipt_policy1(OUT, X6, Y6, (struct ipt_req){ ESP, TRANS, DEFLEV, 0, 0,
	    0 });
	ipsec_vars.inet.esp_trans_deflev = IPSEC_LEVEL_REQUIRE;
	CU_ASSERT(send_verdict(X6, Y6, &out) == IPSEC_PASS);
	ipsec_vars.inet6.esp_trans_deflev = IPSEC_LEVEL_REQUIRE;
	CU_ASSERT(send_verdict(X6, Y6, &out) == IPSEC_DROP);
}

static void
t_discard_none(void)
{
	struct ipsec_out_result out;
	struct ipsec_in_result in;
	struct pbuf *pb;

	ipt_reset();
	policy_action(OUT, X4, Y4, IPSEC_POLICY_DISCARD);
	policy_action(OUT, X4, C4, IPSEC_POLICY_NONE);
	policy_action(IN, X4, C4, IPSEC_POLICY_DISCARD);
	CU_ASSERT(send_verdict(X4, Y4, &out) == IPSEC_DROP);
	CU_ASSERT(out.drop == IPSECS_OUT_POLVIO);
	CU_ASSERT(send_one(X4, C4, &pb, &out) == IPSEC_PASS);
	CU_ASSERT(!out.protected);
	CU_ASSERT(ipsec_input(&pb, NULL, &in) == IPSEC_DROP);
	CU_ASSERT(in.drop == IPSECS_IN_POLVIO);
	pbuf_free(pb);
}

/* Clear under require: dropped; protected under none: accepted. */
static void
t_inbound_clear_protected(void)
{
	struct ipsec_out_result out;
	struct ipsec_in_result in;
	struct pbuf *pb;

	ipt_reset();
	ipt_policy1(IN, X4, Y4, (struct ipt_req){ ESP, TRANS, REQUIRE, 0, 0,
	    0 });
	CU_ASSERT(send_one(X4, Y4, &pb, &out) == IPSEC_PASS);
	CU_ASSERT(ipsec_input(&pb, NULL, &in) == IPSEC_DROP);
	CU_ASSERT(in.drop == IPSECS_IN_POLVIO && in.hist.n == 0);
	CU_ASSERT(stat_of(X4, IPSECS_IN_POLVIO) == 1);
	pbuf_free(pb);

	ipt_reset();
	ipt_add_sa(&(struct ipt_sa){ 0x1001, X4, Y4, TRANS, 0, 0 });
	ipt_policy1(OUT, X4, Y4, (struct ipt_req){ ESP, TRANS, REQUIRE, 0, 0,
	    0 });
	policy_action(IN, X4, Y4, IPSEC_POLICY_NONE);
	CU_ASSERT(round_trip(X4, Y4, X4, Y4, &in) == IPSEC_PASS);
	CU_ASSERT(in.hist.n == 1);
}

/* The inbound tunnel must be the policy's, and a tunnel at all. */
static void
t_inbound_endpoints(void)
{
	struct ipt_req ab = { ESP, TUNNEL, REQUIRE, 0, A4, B4 };
	struct ipt_req cb = { ESP, TUNNEL, REQUIRE, 0, C4, B4 };
	struct ipsec_in_result in;

	ipt_reset();
	ipt_add_sa(&(struct ipt_sa){ 0x2001, A4, B4, TUNNEL, 0, 0 });
	ipt_policy1(OUT, X4, Y4, ab);
	ipt_policy1(IN, X4, Y4, cb);
	CU_ASSERT(round_trip(X4, Y4, A4, B4, &in) == IPSEC_DROP);
	CU_ASSERT(in.drop == IPSECS_IN_POLVIO);

	/* Transport protection does not satisfy a tunnel request. */
	ipt_reset();
	ipt_add_sa(&(struct ipt_sa){ 0x1001, X4, Y4, TRANS, 0, 0 });
	ipt_policy1(OUT, X4, Y4, (struct ipt_req){ ESP, TRANS, REQUIRE, 0, 0,
	    0 });
	ipt_policy1(IN, X4, Y4, ab);
	CU_ASSERT(round_trip(X4, Y4, X4, Y4, &in) == IPSEC_DROP);
	CU_ASSERT(in.drop == IPSECS_IN_POLVIO);
}

/*
 * KAME documents mixes of tunnel and transport requests with use and
 * require as rejected wrongly (ipsec(4) BUGS).  With the history the
 * tunnel is judged by its endpoints and the optional transport may be
 * there or not; transport without the tunnel stays refused.
 */
static void
t_inbound_mixed(void)
{
	struct ipt_policy in_p = {
		.dir = IN, .src = X4, .dst = Y4,
		.action = IPSEC_POLICY_IPSEC, .nreq = 2,
		.req = { { ESP, TRANS, USE, 0, 0, 0 },
		    { ESP, TUNNEL, REQUIRE, 0, A4, B4 } },
	};
	struct ipsec_in_result in;

	setup_bundle();
	key_spd_flush();
	ipt_add_policy(&in_p);
	ipt_policy1(OUT, X4, Y4, (struct ipt_req){ ESP, TUNNEL, REQUIRE, 0, A4,
	    B4 });
	CU_ASSERT(round_trip(X4, Y4, A4, B4, &in) == IPSEC_PASS);
	CU_ASSERT(in.hist.n == 1);

	key_spd_flush();
	ipt_add_policy(&in_p);
	in_p.dir = OUT;
	ipt_add_policy(&in_p);
	CU_ASSERT(round_trip(X4, Y4, A4, B4, &in) == IPSEC_PASS);
	CU_ASSERT(in.hist.n == 2);

	key_spd_flush();
	in_p.dir = IN;
	ipt_add_policy(&in_p);
	ipt_policy1(OUT, X4, Y4, (struct ipt_req){ ESP, TRANS, REQUIRE, 0, 0,
	    0 });
	CU_ASSERT(round_trip(X4, Y4, X4, Y4, &in) == IPSEC_DROP);
	CU_ASSERT(in.drop == IPSECS_IN_POLVIO);
}

/* An IPSEC policy without requests asks for them: SPDACQUIRE. */
static void
t_spdacquire(void)
{
	struct ipt_policy p = {
		.dir = OUT, .src = X4, .dst = Y4,
		.action = IPSEC_POLICY_IPSEC, .setidx = true,
	};
	struct ipsec_out_result out;

	ipt_reset();
	ipt_add_policy(&p);
	CU_ASSERT(send_verdict(X4, Y4, &out) == IPSEC_DROP);
	CU_ASSERT(out.drop == IPSECS_OUT_NOSA);
	CU_ASSERT(ipt_saw(SADB_X_SPDACQUIRE));
}

/*
 * AH goes through the table like ESP: a require without an SA drops as
 * out_nosa, an AH packet nobody has an SA for drops as in_nosa with
 * ahs_notdb.
 */
static void
t_ah_without_sa(void)
{
	struct ipsec_out_result out;
	struct ipsec_in_result in;
	uint8_t buf[256], ah[64];
	struct pbuf *pb;
	size_t n;

	ipt_reset();
	ipt_policy1(OUT, X4, Y4, (struct ipt_req){ IPPROTO_AH, TRANS, REQUIRE,
	    0, 0, 0 });
	CU_ASSERT(send_verdict(X4, Y4, &out) == IPSEC_DROP);
	CU_ASSERT(out.drop == IPSECS_OUT_NOSA);
	memset(ah, 0, sizeof(ah));
	ah[0] = IPPROTO_UDP;
	ah[1] = 4;
	ah[7] = 0x99;
	n = tp_ip4(buf, X4, Y4, IPPROTO_AH, NULL, 0, ah, sizeof(ah), 1, 0);
	pb = tp_pbuf(ipt_pool, buf, n);
	CU_ASSERT(ipsec_input(&pb, NULL, &in) == IPSEC_DROP);
	CU_ASSERT(in.drop == IPSECS_IN_NOSA);
	CU_ASSERT(net_counter_sum(&ahstat_counters, AHS_NOTDB) == 1);
	pbuf_free(pb);
}

/* Unknown SPI, tampering and replays, each with its counter. */
static void
t_inbound_errors(void)
{
	struct ipsec_out_result out;
	struct ipsec_in_result in;
	struct pbuf *pb, *copy;

	setup_transport(X4, Y4, REQUIRE);
	CU_ASSERT_FATAL(send_one(X4, Y4, &pb, &out) == IPSEC_PASS);
	copy = tp_pbuf(ipt_pool, pb->data, pb->len);
	CU_ASSERT(ipsec_input(&pb, NULL, &in) == IPSEC_PASS);
	pbuf_free(pb);
	CU_ASSERT(ipsec_input(&copy, NULL, &in) == IPSEC_DROP);
	CU_ASSERT(in.drop == IPSECS_IN_ESPREPLAY);
	CU_ASSERT(net_counter_sum(&espstat_counters, ESPS_REPLAY) == 1);
	pbuf_free(copy);

	CU_ASSERT_FATAL(send_one(X4, Y4, &pb, &out) == IPSEC_PASS);
	pb->data[pb->len - 1] ^= 1;
	CU_ASSERT(ipsec_input(&pb, NULL, &in) == IPSEC_DROP);
	CU_ASSERT(in.drop == IPSECS_IN_ESPAUTHFAIL);
	CU_ASSERT(net_counter_sum(&espstat_counters, ESPS_BADAUTH) == 1);
	pbuf_free(pb);

	CU_ASSERT_FATAL(send_one(X4, Y4, &pb, &out) == IPSEC_PASS);
	pb->data[23] ^= 0x55;
	CU_ASSERT(ipsec_input(&pb, NULL, &in) == IPSEC_DROP);
	CU_ASSERT(in.drop == IPSECS_IN_NOSA);
	CU_ASSERT(stat_of(X4, IPSECS_IN_NOSA) == 1);
	CU_ASSERT(net_counter_sum(&espstat_counters, ESPS_NOTDB) == 1);
	pbuf_free(pb);
}

/* An ESP datagram X4 -> Y4 of SPI spi with len bytes after the SPI. */
static enum ipsec_verdict
receive_esp(uint32_t spi, size_t len, struct ipsec_in_result *in)
{
	uint8_t esp[64], buf[128];
	enum ipsec_verdict v;
	struct pbuf *pb;
	size_t n;

	memset(esp, 0xa5, sizeof(esp));
	spi = htonl(spi);
	memcpy(esp, &spi, 4);
	n = tp_ip4(buf, X4, Y4, ESP, NULL, 0, esp, 4 + len, 9, 0);
	pb = tp_pbuf(ipt_pool, buf, n);
	v = ipsec_input(&pb, NULL, in);
	pbuf_free(pb);
	return v;
}

/* Short ESP headers and SAs still in negotiation (LARVAL). */
static void
t_inbound_bad_esp(void)
{
	struct sa_req r = sa_req_esp(SADB_GETSPI, 0);
	struct ipsec_in_result in;
	static uint64_t reply[SA_MSGBUF_WORDS];
	struct key_buf b;

	ipt_reset();
	CU_ASSERT(receive_esp(0x7001, 2, &in) == IPSEC_DROP);
	CU_ASSERT(in.drop == IPSECS_IN_INVAL);
	CU_ASSERT(net_counter_sum(&espstat_counters, ESPS_HDROPS) == 1);
	r.no_sa = true;
	r.akeybits = r.ekeybits = 0;
	r.spirange = true;
	r.spimin = r.spimax = 0x7001;
	CU_ASSERT_FATAL(sa_req_build(&b, &r) == 0);
	CU_ASSERT(sa_client_call(&ipt_client, &b, reply) == 0);
	key_buf_free(&b);
	CU_ASSERT(receive_esp(0x7001, 40, &in) == IPSEC_DROP);
	CU_ASSERT(in.drop == IPSECS_IN_BADSPI);
	CU_ASSERT(stat_of(X4, IPSECS_IN_BADSPI) == 1);
}

/*
 * A dummy packet (next header 59, RFC 4303 section 2.6) authenticates
 * but carries nothing: discarded with its own counter, never delivered,
 * on a transport or a tunnel SA.
 */
static void
dummy(const char *a, const char *b, uint8_t mode)
{
	struct ipsec_in_result in;
	struct ipsec_sa *sa;
	uint8_t buf[2048];
	size_t n, skip, protoff;
	struct pbuf *pb;

	ipt_reset();
	ipt_add_sa(&(struct ipt_sa){ 0x2001, a, b, mode, 0, 0 });
	sa = ipt_sa_lookup(b, 0x2001);
	CU_ASSERT_FATAL(sa != NULL && ipsec_xform_of(sa) != NULL);
	pb = ipt_udp(a, b, 0, 0, 64, false, buf, &n);
	CU_ASSERT_FATAL(pb != NULL);
	skip = af_of(a) == AF_INET ? 20 : 40;
	protoff = af_of(a) == AF_INET ? 9 : 6;
	pb->data[protoff] = IPPROTO_NONE;
	CU_ASSERT_FATAL(ipsec_xform_output(sa, pb, skip, protoff,
	    NULL) == IPSEC_PASS);
	CU_ASSERT(ipsec_input(&pb, NULL, &in) == IPSEC_DROP);
	CU_ASSERT(in.drop == IPSECS_IN_DUMMY);
	CU_ASSERT(stat_of(a, IPSECS_IN_DUMMY) == 1);
	CU_ASSERT(stat_of(a, IPSECS_IN_POLVIO) == 0);
	pbuf_free(pb);
}

static void
t_dummy(void)
{
	dummy(X4, Y4, TRANS);
	dummy(X6, Y6, TRANS);
	dummy(A4, B4, TUNNEL);
	dummy(A6, B6, TUNNEL);
}

/*
 * IPv6 transport mode puts ESP after hop-by-hop options and before
 * destination options, and input walks the options ESP protected.
 */
static void
t_ipv6_exthdrs(void)
{
	struct tp_ext ext[2] = { { IPPROTO_HOPOPTS, 8, 0, 0, 0 },
	    { IPPROTO_DSTOPTS, 16, 0, 0, 0 } };
	struct ipsec_out_result out;
	struct ipsec_in_result in;
	uint8_t udp[256], orig[512];
	struct pbuf *pb;
	size_t ulen, n;

	setup_transport(X6, Y6, REQUIRE);
	ulen = tp_udp(udp, 4000, 5000, 50);
	n = tp_ip6(orig, X6, Y6, ext, 2, IPPROTO_UDP, udp, ulen);
	pb = tp_pbuf(ipt_pool, orig, n);
	CU_ASSERT_FATAL(ipsec_output(&pb, NULL, &out) == IPSEC_PASS);
	CU_ASSERT(pb->data[6] == IPPROTO_HOPOPTS && pb->data[40] == ESP);
	CU_ASSERT(ipsec_input(&pb, NULL, &in) == IPSEC_PASS);
	CU_ASSERT(in.hi.proto == IPPROTO_UDP && in.hi.ulp_off == 64);
	CU_ASSERT(in.hi.dport == 5000);
	CU_ASSERT(pb->len == n && memcmp(pb->data, orig, n) == 0);
	pbuf_free(pb);
}

/* Destination options in front of ESP on input: the byte naming ESP. */
static void
t_ipv6_dstopts_before_esp(void)
{
	struct ipsec_out_result out;
	struct ipsec_in_result in;
	struct pbuf *pb;
	uint8_t *opt;
	size_t plen;

	setup_transport(X6, Y6, REQUIRE);
	CU_ASSERT_FATAL(send_one(X6, Y6, &pb, &out) == IPSEC_PASS);
	opt = pbuf_insert(pb, 40, 8);
	CU_ASSERT_FATAL(opt != NULL);
	memset(opt, 0, 8);
	opt[0] = ESP;
	opt[2] = 1;		/* PadN over the rest */
	opt[3] = 4;
	pb->data[6] = IPPROTO_DSTOPTS;
	plen = pb->len - 40;
	pb->data[4] = (uint8_t)(plen >> 8);
	pb->data[5] = (uint8_t)plen;
	CU_ASSERT(ipsec_input(&pb, NULL, &in) == IPSEC_PASS);
	CU_ASSERT(pb->data[40] == IPPROTO_UDP);
	CU_ASSERT(in.hi.proto == IPPROTO_UDP && in.hi.dport == 5000);
	pbuf_free(pb);
}

/* The counters in KAME's struct ipsecstat, per family, with names. */
static void
t_kame_layout(void)
{
	struct ipsec_out_result out;
	struct ipsecstat st;
	int i;

	ipt_reset();
	ipsec_vars.inet.def_policy = IPSEC_POLICY_DISCARD;
	CU_ASSERT(send_verdict(X4, Y4, &out) == IPSEC_DROP);
	CU_ASSERT(send_verdict(X4, Y4, &out) == IPSEC_DROP);
	ipsecstat_inc(AF_INET, IPSECS_IN_SUCCESS);
	ipsecstat_inc(AF_INET, IPSECS_OUT_NOROUTE);
	ipsecstat_inc(AF_INET6, IPSECS_IN_BADSPI);
	/* Counted by another worker: the snapshot sums the rows. */
	CU_ASSERT(net_worker_set(3) == 0);
	for (i = 0; i < 5; i++)
		ipsecstat_hist_inc(AF_INET, IPPROTO_ESP, true, 12);
	CU_ASSERT(net_worker_set(0) == 0);
	ipsecstat_get(AF_INET, &st);
	CU_ASSERT(st.out_polvio == 2 && st.in_success == 1);
	CU_ASSERT(st.out_noroute == 1 && st.in_badspi == 0);
	CU_ASSERT(st.out_esphist[12] == 5 && st.spdcachelookup == 0);
	ipsecstat_get(AF_INET6, &st);
	CU_ASSERT(st.in_badspi == 1 && st.out_polvio == 0);
	CU_ASSERT(strcmp(ipsecstat_name(IPSECS_IN_ESPREPLAY),
	    "in_espreplay") == 0);
	CU_ASSERT(ipsecstat_name(IPSECS_NCOUNTERS) == NULL);
	CU_ASSERT(ipsecstat_value(AF_INET, IPSECS_NCOUNTERS) == 0);
}

static const struct test_case policy_cases[] = {
	{ "transport IPv4", t_transport4 },
	{ "transport IPv6", t_transport6 },
	{ "tunnel 4in4 6in6 4in6 6in4", t_tunnel },
	{ "bundle: transport inside tunnel", t_bundle },
	{ "use and require without SA", t_use_require },
	{ "unique binds by reqid", t_unique },
	{ "def_policy per family", t_def_policy },
	{ "default level from deflev", t_default_level },
	{ "discard and none", t_discard_none },
	{ "inbound clear and protected", t_inbound_clear_protected },
	{ "inbound tunnel endpoints", t_inbound_endpoints },
	{ "inbound use/require tunnel mix", t_inbound_mixed },
	{ "SPDACQUIRE for an empty policy", t_spdacquire },
	{ "AH without an SA", t_ah_without_sa },
	{ "inbound SPI, ICV, replay", t_inbound_errors },
	{ "inbound short ESP, larval SA", t_inbound_bad_esp },
	{ "dummy packets (next header 59)", t_dummy },
	{ "IPv6 extension headers around ESP", t_ipv6_exthdrs },
	{ "IPv6 destination options before ESP", t_ipv6_dstopts_before_esp },
	{ "KAME ipsecstat layout", t_kame_layout },
	{ NULL, NULL }
};

const struct test_suite test_suites[] = {
	{ "ipsec policy", ipt_suite_init, ipt_suite_fini, policy_cases },
	{ NULL, NULL, NULL, NULL }
};
