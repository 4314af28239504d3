/*
 * Policy-engine test helpers (see ipsec_test_util.h).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "net/pfkeyv2.h"
#include "netipsec/ipsec.h"
#include "sys/net/net_clock.h"
#include "sys/net/net_endian.h"
#include "sys/net/pbuf.h"
#include "sys/netinet/ip_hdr.h"
#include "sys/netipsec/ah_var.h"
#include "sys/netipsec/esp_var.h"
#include "sys/netipsec/ipsec_xform_stat.h"
#include "sys/netipsec/ipsec_hold.h"
#include "sys/netipsec/ipsec_hooks.h"
#include "sys/netipsec/ipsec_stat.h"
#include "sys/netipsec/ipsec_var.h"
#include "sys/netkey/key_acquire.h"
#include "sys/netkey/key_msg_spd.h"
#include "sys/netkey/key_sad.h"
#include "sys/netkey/key_spd.h"
#include "sys/netkey/key_var.h"
#include "sys/netkey/keysock.h"
#include "tests/unit/ip_testpkt.h"
#include "tests/unit/ipsec_test_util.h"
#include "tests/unit/key_msg_spd_util.h"
#include "tests/unit/testlib.h"

struct pbuf_pool *ipt_pool;
struct sa_client ipt_client;

static uint64_t msgbuf[SA_MSGBUF_WORDS];

int
ipt_suite_init(void)
{
	if (sa_suite_init() != 0)
		return -1;
	key_msg_spd_init();
	ipt_pool = pbuf_pool_create(32, 2);
	return ipt_pool == NULL ? -1 : 0;
}

int
ipt_suite_fini(void)
{
	if (ipt_client.so != NULL)
		sa_client_close(&ipt_client);
	memset(&ipt_client, 0, sizeof(ipt_client));
	key_spd_fini();
	key_msg_spd_fini();
	pbuf_pool_destroy(ipt_pool);
	return sa_suite_fini();
}

/*
 * The client is opened inside the first test (its helpers assert, which
 * CUnit allows only within a test) and registered for ESP.
 */
void
ipt_reset(void)
{
	if (ipt_client.so == NULL) {
		sa_client_open(&ipt_client);
		CU_ASSERT_FATAL(keysock_register(ipt_client.so,
		    SADB_SATYPE_ESP) == 0);
	}
	key_sad_flush(0);
	key_spd_flush();
	key_acquire_flush();
	ipsec_hold_flush();
	ipsec_xform_stats_reset(&ipsec_hold_stats);
	key_vars_reset();
	ipsec_vars_reset();
	ipsecstat_reset();
	ipsec_xform_stats_reset(&esp_stats);
	ipsec_xform_stats_reset(&ah_stats);
	ipsec_xform_stats_reset(&udpencap_stats);
	sa_client_drain(&ipt_client);
}

void
ipt_add_sa(const struct ipt_sa *s)
{
	ipt_add_sa_natt(s, 0, 0);
}

void
ipt_add_sa_natt(const struct ipt_sa *s, uint16_t sport, uint16_t dport)
{
	struct sa_req r = sa_req_esp(SADB_ADD, s->spi);
	struct key_buf b;

	r.src = s->src;
	r.dst = s->dst;
	r.sa2 = true;
	r.mode = s->mode;
	r.reqid = s->reqid;
	r.hard_bytes = s->hard_bytes;
	r.replay = 8;
	if (sport != 0 || dport != 0) {
		r.natt_type = UDP_ENCAP_ESPINUDP;
		r.natt_sport = sport;
		r.natt_dport = dport;
	}
	CU_ASSERT_FATAL(sa_req_build(&b, &r) == 0);
	CU_ASSERT_FATAL(sa_client_call(&ipt_client, &b, msgbuf) == 0);
	key_buf_free(&b);
	sa_client_drain(&ipt_client);
}

void
ipt_add_policy(const struct ipt_policy *p)
{
	struct spdt_spec s;
	struct key_msg m;
	unsigned int i;
	bool v6 = strchr(p->src, ':') != NULL;

	spdt_spec_default(&s);
	s.type = p->setidx ? SADB_X_SPDSETIDX : SADB_X_SPDADD;
	s.src = p->src;
	s.dst = p->dst;
	s.splen = s.dplen = v6 ? 128 : 32;
	s.ul_proto = IPSEC_ULPROTO_ANY;
	s.dport = 0;
	s.action = p->action;
	s.dir = p->dir;
	s.nreq = p->nreq;
	for (i = 0; i < p->nreq; i++) {
		s.req[i].proto = p->req[i].proto;
		s.req[i].mode = p->req[i].mode;
		s.req[i].level = p->req[i].level;
		s.req[i].reqid = p->req[i].reqid;
		s.req[i].tsrc = p->req[i].tsrc;
		s.req[i].tdst = p->req[i].tdst;
	}
	spdt_send(&ipt_client, &s);
	CU_ASSERT(spdt_expect(&ipt_client, msgbuf, s.type, s.seq, 0, &m) >
	    0);
	sa_client_drain(&ipt_client);
}

void
ipt_policy1(uint8_t dir, const char *src, const char *dst,
    struct ipt_req r)
{
	struct ipt_policy p = {
		.dir = dir, .src = src, .dst = dst,
		.action = IPSEC_POLICY_IPSEC, .nreq = 1, .req = { r },
	};

	ipt_add_policy(&p);
}

struct pbuf *
ipt_udp(const char *src, const char *dst, size_t len, uint8_t tos,
    uint8_t ttl, bool df, uint8_t *buf, size_t *lenp)
{
	uint8_t udp[2048];
	size_t ulen, n;

	ulen = tp_udp(udp, 4000, 5000, len);
	if (strchr(src, ':') == NULL) {
		n = tp_ip4(buf, src, dst, IPPROTO_UDP, NULL, 0, udp, ulen,
		    0x1234, df ? 0x4000 : 0);
		buf[1] = tos;
		buf[8] = ttl;
		be_put16(buf + 10, 0);
		be_put16(buf + 10, tp_naive_cksum(buf, 20));
	} else {
		n = tp_ip6(buf, src, dst, NULL, 0, IPPROTO_UDP, udp, ulen);
		buf[0] = (uint8_t)(0x60 | tos >> 4);
		buf[1] = (uint8_t)((tos & 0x0f) << 4 | (buf[1] & 0x0f));
		buf[7] = ttl;
	}
	*lenp = n;
	return tp_pbuf(ipt_pool, buf, n);
}

enum ipsec_verdict
ipt_send(const char *src, const char *dst, size_t len, uint8_t tos,
    uint8_t ttl, bool df, size_t mtu, struct pbuf **pbp,
    struct ipsec_out_result *out)
{
	uint8_t buf[2048];
	enum ipsec_verdict v;
	size_t n;

	*pbp = ipt_udp(src, dst, len, tos, ttl, df, buf, &n);
	CU_ASSERT_FATAL(*pbp != NULL);
	memset(out, 0, sizeof(*out));
	out->mtu = mtu;
	v = ipsec_output(pbp, NULL, out);
	if (v == IPSEC_CONSUMED)
		*pbp = NULL;	/* the hold queue has it */
	else if (v != IPSEC_PASS) {
		pbuf_free(*pbp);
		*pbp = NULL;
	}
	return v;
}

bool
ipt_saw(uint8_t type)
{
	const struct sadb_msg *m = (const void *)msgbuf;
	ssize_t n;

	while ((n = sa_client_recv(&ipt_client, msgbuf)) > 0)
		if (m->sadb_msg_type == type)
			return true;
	return false;
}

struct ipsec_sa *
ipt_sa_lookup(const char *dst, uint32_t spi)
{
	union ip_sockaddr a;

	memset(&a, 0, sizeof(a));
	if (strchr(dst, ':') != NULL) {
		a.sin6.sin6_family = AF_INET6;
		inet_pton(AF_INET6, dst, &a.sin6.sin6_addr);
	} else {
		a.sin.sin_family = AF_INET;
		inet_pton(AF_INET, dst, &a.sin.sin_addr);
	}
	return key_sad_lookup(&a.sa, IPPROTO_ESP, htonl(spi));
}
