/*
 * ESP in UDP (RFC 3948) through the policy engine: the UDP header on
 * output (ports of the SA, checksum 0 over IPv4, a valid checksum over
 * IPv6), decapsulation on input, the non-ESP marker and keepalives left
 * to the host, ESP to a port the SA does not name dropped and counted,
 * the transport-mode checksum recomputed with the packet's addresses,
 * SADB_X_NAT_T_NEW_MAPPING once per new source port, and the SAs the
 * encapsulation refuses.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "net/pfkeyv2.h"
#include "netipsec/ipsec.h"
#include "sys/net/net_endian.h"
#include "sys/net/pbuf.h"
#include "sys/netipsec/ipsec_hooks.h"
#include "sys/netipsec/ipsec_stat.h"
#include "sys/netipsec/udpencap.h"
#include "tests/unit/ip_testpkt.h"
#include "tests/unit/ipsec_test_util.h"
#include "tests/unit/key_sa_client.h"
#include "tests/unit/testlib.h"

#define X4	"192.0.2.1"
#define Y4	"192.0.2.2"
#define X6	"2001:db8::1"
#define Y6	"2001:db8::2"

static uint64_t rbuf[SA_MSGBUF_WORDS];

/* An esp-udp transport SA x -> y with ports sp -> dp, required. */
static void
setup(const char *x, const char *y, uint16_t sp, uint16_t dp)
{
	struct ipt_req r = { IPPROTO_ESP, IPSEC_MODE_TRANSPORT,
	    IPSEC_LEVEL_REQUIRE, 0, NULL, NULL };

	ipt_reset();
	ipt_add_sa_natt(&(struct ipt_sa){ 0x7001, x, y,
	    IPSEC_MODE_TRANSPORT, 0, 0 }, sp, dp);
	ipt_policy1(IPSEC_DIR_OUTBOUND, x, y, r);
	ipt_policy1(IPSEC_DIR_INBOUND, x, y, r);
}

/* A protected UDP datagram x -> y; its UDP header is at *uoff. */
static struct pbuf *
send_one(const char *x, const char *y, size_t *uoff)
{
	struct ipsec_out_result out;
	struct pbuf *pb;

	CU_ASSERT_FATAL(ipt_send(x, y, 100, 0, 64, false, 0, &pb, &out) ==
	    IPSEC_PASS);
	CU_ASSERT(out.protected);
	*uoff = strchr(x, ':') != NULL ? 40 : 20;
	return pb;
}

static void
t_output4(void)
{
	struct pbuf *pb;
	size_t u;
	uint32_t spi;

	setup(X4, Y4, 4500, 31337);
	pb = send_one(X4, Y4, &u);
	CU_ASSERT(pb->data[9] == IPPROTO_UDP);
	CU_ASSERT(be_get16(pb->data + u) == 4500);
	CU_ASSERT(be_get16(pb->data + u + 2) == 31337);
	CU_ASSERT(be_get16(pb->data + u + 4) == pb->len - u);
	CU_ASSERT(be_get16(pb->data + u + 6) == 0);
	CU_ASSERT(be_get16(pb->data + 2) == pb->len);
	CU_ASSERT(tp_naive_cksum(pb->data, 20) == 0);
	memcpy(&spi, pb->data + u + 8, 4);
	CU_ASSERT(ntohl(spi) == 0x7001);
	CU_ASSERT(net_counter_sum(&udpencap_counters, UDPENCAPS_OUTPUT) == 1);
	pbuf_free(pb);
}

static void
t_output6(void)
{
	struct pbuf *pb;
	size_t u;

	setup(X6, Y6, 4500, 4500);
	pb = send_one(X6, Y6, &u);
	CU_ASSERT(pb->data[6] == IPPROTO_UDP);
	CU_ASSERT(be_get16(pb->data + 4) == pb->len - 40);
	CU_ASSERT(be_get16(pb->data + u + 6) != 0);
	CU_ASSERT(tp_naive_cksum_pseudo(AF_INET6, pb->data + 8,
	    pb->data + 24, IPPROTO_UDP, pb->data + u, pb->len - u) == 0);
	{
		struct ipsec_in_result in;

		CU_ASSERT(ipsec_input(&pb, NULL, &in) == IPSEC_PASS);
		CU_ASSERT(in.hi.proto == IPPROTO_UDP && in.hist.n == 1);
	}
	pbuf_free(pb);
}

static void
t_roundtrip(void)
{
	struct ipsec_in_result in;
	struct pbuf *pb;
	size_t u;

	setup(X4, Y4, 4500, 4500);
	pb = send_one(X4, Y4, &u);
	CU_ASSERT_FATAL(ipsec_input(&pb, NULL, &in) == IPSEC_PASS);
	CU_ASSERT(in.hi.proto == IPPROTO_UDP && in.hi.dport == 5000);
	CU_ASSERT(in.hist.n == 1);
	CU_ASSERT(pb->len == 128 && be_get16(pb->data + 2) == 128);
	CU_ASSERT(net_counter_sum(&udpencap_counters, UDPENCAPS_INPUT) == 1);
	pbuf_free(pb);
}

/* A UDP datagram x:sp -> y:dp carrying data, through input. */
static enum ipsec_verdict
recv_udp(const char *x, const char *y, uint16_t sp, uint16_t dp,
    const uint8_t *data, size_t len, struct ipsec_in_result *in)
{
	uint8_t udp[256], pkt[512];
	enum ipsec_verdict v;
	struct pbuf *pb;
	size_t n;

	n = tp_udp(udp, sp, dp, len);
	memcpy(udp + 8, data, len);
	n = tp_ip4(pkt, x, y, IPPROTO_UDP, NULL, 0, udp, n, 1, 0);
	pb = tp_pbuf(ipt_pool, pkt, n);
	v = ipsec_input(&pb, NULL, in);
	if (v == IPSEC_PASS)
		CU_ASSERT(pb->len == n && memcmp(pb->data, pkt, n) == 0);
	pbuf_free(pb);
	return v;
}

static void
t_marker_keepalive(void)
{
	static const uint8_t ike[12] = { 0, 0, 0, 0, 0x11, 0x22 };
	static const uint8_t ka[1] = { 0xff };
	struct ipsec_in_result in;

	/* No policy: the IKE daemon's traffic is not ESP's business. */
	ipt_reset();
	ipt_add_sa_natt(&(struct ipt_sa){ 0x7001, X4, Y4,
	    IPSEC_MODE_TRANSPORT, 0, 0 }, 4500, 4500);
	CU_ASSERT(recv_udp(X4, Y4, 4500, 4500, ike, sizeof(ike), &in) ==
	    IPSEC_PASS);
	CU_ASSERT(in.hi.proto == IPPROTO_UDP && in.hist.n == 0);
	CU_ASSERT(net_counter_sum(&udpencap_counters, UDPENCAPS_IKE) == 1);
	CU_ASSERT(recv_udp(X4, Y4, 4500, 4500, ka, sizeof(ka), &in) ==
	    IPSEC_PASS);
	CU_ASSERT(net_counter_sum(&udpencap_counters,
	    UDPENCAPS_KEEPALIVE) == 1);
	CU_ASSERT(net_counter_sum(&udpencap_counters, UDPENCAPS_INPUT) == 0);
	/* Not a port of any SA: plain UDP for the host. */
	CU_ASSERT(recv_udp(X4, Y4, 4500, 4501, ike + 4, 8, &in) ==
	    IPSEC_PASS);
	CU_ASSERT(in.hist.n == 0);
}

static void
t_wrong_port(void)
{
	struct ipsec_in_result in;
	struct pbuf *pb;
	size_t u;

	setup(X4, Y4, 4500, 4500);
	/* A second SA makes 14500 a NAT-T port. */
	ipt_add_sa_natt(&(struct ipt_sa){ 0x7002, X4, Y4,
	    IPSEC_MODE_TRANSPORT, 0, 0 }, 14500, 14500);
	pb = send_one(X4, Y4, &u);
	be_put16(pb->data + u + 2, 14500);
	CU_ASSERT(ipsec_input(&pb, NULL, &in) == IPSEC_DROP);
	CU_ASSERT(in.drop == IPSECS_IN_INVAL);
	CU_ASSERT(net_counter_sum(&udpencap_counters, UDPENCAPS_BADPORT) == 1);
	pbuf_free(pb);
}

/* The NEW_MAPPING messages waiting; the last one's ports in *sp, *dp. */
static int
mappings(uint16_t *sp, uint16_t *dp)
{
	const struct sadb_msg *m = (const void *)rbuf;
	const struct sadb_x_nat_t_port *p;
	const struct sadb_address *a;
	const struct sockaddr_in *sin;
	int n = 0;

	while (sa_client_recv(&ipt_client, rbuf) > 0) {
		if (m->sadb_msg_type != SADB_X_NAT_T_NEW_MAPPING)
			continue;
		n++;
		p = (const void *)sa_reply_ext(rbuf, SADB_X_EXT_NAT_T_SPORT);
		CU_ASSERT_FATAL(p != NULL);
		*sp = ntohs(p->sadb_x_nat_t_port_port);
		p = (const void *)sa_reply_ext(rbuf, SADB_X_EXT_NAT_T_DPORT);
		CU_ASSERT_FATAL(p != NULL);
		*dp = ntohs(p->sadb_x_nat_t_port_port);
		a = (const void *)sa_reply_ext(rbuf, SADB_EXT_ADDRESS_SRC);
		CU_ASSERT_FATAL(a != NULL);
		sin = (const void *)(a + 1);
		CU_ASSERT(ntohs(sin->sin_port) == *sp);
		CU_ASSERT(sa_reply_ext(rbuf, SADB_EXT_SA) != NULL);
	}
	return n;
}

static void
t_new_mapping(void)
{
	struct ipsec_in_result in;
	uint16_t sp = 0, dp = 0;
	struct pbuf *pb;
	int i;
	size_t u;

	setup(X4, Y4, 4500, 4500);
	pb = send_one(X4, Y4, &u);
	CU_ASSERT(ipsec_input(&pb, NULL, &in) == IPSEC_PASS);
	pbuf_free(pb);
	CU_ASSERT(mappings(&sp, &dp) == 0);
	/* The NAT moved the peer to port 40000: reported once. */
	for (i = 0; i < 2; i++) {
		pb = send_one(X4, Y4, &u);
		be_put16(pb->data + u, 40000);
		CU_ASSERT(ipsec_input(&pb, NULL, &in) == IPSEC_PASS);
		pbuf_free(pb);
	}
	CU_ASSERT(mappings(&sp, &dp) == 1);
	CU_ASSERT(sp == 40000 && dp == 4500);
	CU_ASSERT(net_counter_sum(&udpencap_counters, UDPENCAPS_MAPPING) == 1);
	/* A packet that fails authentication reports nothing. */
	pb = send_one(X4, Y4, &u);
	be_put16(pb->data + u, 40001);
	pb->data[pb->len - 1] ^= 1;
	CU_ASSERT(ipsec_input(&pb, NULL, &in) == IPSEC_DROP);
	pbuf_free(pb);
	CU_ASSERT(mappings(&sp, &dp) == 0);
}

/*
 * The peer behind a NAT made its UDP checksum with its private address
 * 10.0.0.7: after ESP is removed the checksum is right for the packet's.
 */
static void
t_transport_cksum(void)
{
	struct ipsec_in_result in;
	uint8_t udp[256], pkt[512], priv[4], dst[4];
	struct ipsec_out_result out;
	struct pbuf *pb;
	size_t n;

	setup(X4, Y4, 4500, 4500);
	inet_pton(AF_INET, "10.0.0.7", priv);
	inet_pton(AF_INET, Y4, dst);
	n = tp_udp(udp, 4000, 5000, 64);
	be_put16(udp + 6, tp_naive_cksum_pseudo(AF_INET, priv, dst,
	    IPPROTO_UDP, udp, n));
	n = tp_ip4(pkt, X4, Y4, IPPROTO_UDP, NULL, 0, udp, n, 1, 0);
	pb = tp_pbuf(ipt_pool, pkt, n);
	memset(&out, 0, sizeof(out));
	CU_ASSERT_FATAL(ipsec_output(&pb, NULL, &out) == IPSEC_PASS);
	CU_ASSERT_FATAL(ipsec_input(&pb, NULL, &in) == IPSEC_PASS);
	CU_ASSERT(tp_naive_cksum_pseudo(AF_INET, pb->data + 12,
	    pb->data + 16, IPPROTO_UDP, pb->data + 20, pb->len - 20) == 0);
	CU_ASSERT(net_counter_sum(&udpencap_counters, UDPENCAPS_CKSUM) == 1);
	pbuf_free(pb);
}

/* NAT-T on AH, or a type other than RFC 3948's, refuses the SA. */
static void
t_refused(void)
{
	struct sa_req r = sa_req_esp(SADB_ADD, 0x7100);
	struct key_buf b;

	ipt_reset();
	r.natt_type = UDP_ENCAP_ESPINUDP_NON_IKE;
	r.natt_sport = r.natt_dport = 4500;
	CU_ASSERT_FATAL(sa_req_build(&b, &r) == 0);
	CU_ASSERT(sa_client_call(&ipt_client, &b, rbuf) == EINVAL);
	key_buf_free(&b);
	r = sa_req_esp(SADB_ADD, 0x7101);
	r.satype = SADB_SATYPE_AH;
	r.enc = 0;
	r.ekeybits = 0;
	r.natt_type = UDP_ENCAP_ESPINUDP;
	CU_ASSERT_FATAL(sa_req_build(&b, &r) == 0);
	CU_ASSERT(sa_client_call(&ipt_client, &b, rbuf) == EINVAL);
	key_buf_free(&b);
}

static const struct test_case udpencap_cases[] = {
	{ "IPv4 output: ports, length, checksum 0", t_output4 },
	{ "IPv6 output: checksum", t_output6 },
	{ "output then input", t_roundtrip },
	{ "non-ESP marker, keepalive, other ports", t_marker_keepalive },
	{ "ESP to a port the SA does not name", t_wrong_port },
	{ "NEW_MAPPING once per new port", t_new_mapping },
	{ "transport checksum recomputed", t_transport_cksum },
	{ "SAs the encapsulation refuses", t_refused },
	{ NULL, NULL }
};

const struct test_suite test_suites[] = {
	{ "udpencap", ipt_suite_init, ipt_suite_fini, udpencap_cases },
	{ NULL, NULL, NULL, NULL }
};
