/*
 * Helpers of the SPD message tests (see key_msg_spd_util.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <netipsec/ipsec.h>

#include "sys/net/net_event.h"
#include "sys/netkey/key_dispatch.h"
#include "sys/netkey/keysock.h"
#include "tests/unit/key_msg_spd_util.h"
#include "tests/unit/testlib.h"

#define RECV_TRIES	50

ssize_t
spdt_recv(struct sa_client *c, uint64_t *buf)
{
	ssize_t n;
	int i;

	for (i = 0; i < RECV_TRIES; i++) {
		n = recv(c->fd, buf, SPDT_MSG_WORDS * 8, MSG_DONTWAIT);
		if (n >= 0)
			return n;
		net_event_run_once(c->loop, 0);
	}
	return -1;
}

int
spdt_drain(struct sa_client *c)
{
	uint64_t buf[SPDT_MSG_WORDS];
	int n = 0;

	while (spdt_recv(c, buf) >= 0)
		n++;
	return n;
}

void
spdt_sockaddr(struct sockaddr_storage *ss, const char *addr, uint16_t port)
{
	struct sockaddr_in *sin = (void *)ss;
	struct sockaddr_in6 *sin6 = (void *)ss;

	memset(ss, 0, sizeof(*ss));
	if (strchr(addr, ':') != NULL) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		CU_ASSERT_FATAL(inet_pton(AF_INET6, addr,
		    &sin6->sin6_addr) == 1);
	} else {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		CU_ASSERT_FATAL(inet_pton(AF_INET, addr, &sin->sin_addr) == 1);
	}
}

void
spdt_spec_default(struct spdt_spec *s)
{
	memset(s, 0, sizeof(*s));
	s->type = SADB_X_SPDADD;
	s->seq = 1;
	s->src = "192.0.2.0";
	s->dst = "198.51.100.7";
	s->splen = 24;
	s->dplen = 32;
	s->ul_proto = IPPROTO_TCP;
	s->sport = 0;
	s->dport = 443;
	s->action = IPSEC_POLICY_IPSEC;
	s->dir = IPSEC_DIR_OUTBOUND;
	s->nreq = 2;
	s->req[0] = (struct spdt_req){ IPPROTO_ESP, IPSEC_MODE_TUNNEL,
	    IPSEC_LEVEL_REQUIRE, 0, "203.0.113.1", "203.0.113.2" };
	s->req[1] = (struct spdt_req){ IPPROTO_AH, IPSEC_MODE_TRANSPORT,
	    IPSEC_LEVEL_USE, 0, NULL, NULL };
}

int
spdt_build(struct key_buf *b, const struct spdt_spec *s)
{
	struct sockaddr_storage src, dst, ts, td;
	const struct spdt_req *r;
	unsigned int i;

	key_buf_init_dynamic(b);
	key_build_begin(b, s->type, s->satype, s->seq, 4242);
	if (!s->no_addrs) {
		spdt_sockaddr(&src, s->src, s->sport);
		spdt_sockaddr(&dst, s->dst, s->dport);
		key_build_address(b, SADB_EXT_ADDRESS_SRC, (void *)&src,
		    s->splen, s->ul_proto);
		key_build_address(b, SADB_EXT_ADDRESS_DST, (void *)&dst,
		    s->dplen, s->ul_proto);
	}
	if (s->lifetime)
		key_build_lifetime(b, SADB_EXT_LIFETIME_HARD, 0, 0, s->addtime,
		    s->usetime);
	key_build_policy(b, s->action, s->dir, s->id, s->priority);
	for (i = 0; i < s->nreq; i++) {
		r = &s->req[i];
		if (r->tsrc != NULL) {
			spdt_sockaddr(&ts, r->tsrc, 0);
			spdt_sockaddr(&td, r->tdst, 0);
		}
		key_build_ipsecrequest(b, r->proto, r->mode, r->level,
		    r->reqid, r->tsrc != NULL ? (void *)&ts : NULL,
		    r->tsrc != NULL ? (void *)&td : NULL);
	}
	return key_build_end(b);
}

void
spdt_send(struct sa_client *c, const struct spdt_spec *s)
{
	struct key_buf b;

	CU_ASSERT_FATAL(spdt_build(&b, s) == 0);
	CU_ASSERT(key_dispatch(c->so, b.base, key_buf_len(&b)) == 0);
	key_buf_free(&b);
}

void
spdt_send_hdr(struct sa_client *c, uint8_t type, uint8_t satype,
    uint32_t seq)
{
	struct key_buf b;

	key_buf_init_dynamic(&b);
	key_build_begin(&b, type, satype, seq, 4242);
	CU_ASSERT_FATAL(key_build_end(&b) == 0);
	CU_ASSERT(key_dispatch(c->so, b.base, key_buf_len(&b)) == 0);
	key_buf_free(&b);
}

ssize_t
spdt_expect(struct sa_client *c, uint64_t *buf, uint8_t type,
    uint32_t seq, int error, struct key_msg *m)
{
	const struct sadb_msg *h = (const void *)buf;
	ssize_t n;

	n = spdt_recv(c, buf);
	CU_ASSERT(n >= (ssize_t)sizeof(*h));
	if (n < (ssize_t)sizeof(*h))
		return -1;
	CU_ASSERT_EQUAL(h->sadb_msg_type, type);
	CU_ASSERT_EQUAL(h->sadb_msg_seq, seq);
	CU_ASSERT_EQUAL(h->sadb_msg_errno, error);
	if (h->sadb_msg_type != type || h->sadb_msg_errno != error)
		return -1;
	CU_ASSERT_FATAL(key_parse_reply(buf, (size_t)n, m) == 0);
	return n;
}
