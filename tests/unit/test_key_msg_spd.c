/*
 * The SPD's PF_KEY requests in-process: clients over socketpairs talk to
 * key_dispatch() and read what the key engine answers.  Every request
 * type's normal path, delivery targets, and each refusal with its errno.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <netipsec/ipsec.h>

#include "sys/netkey/key_dispatch.h"
#include "sys/netkey/key_msg_spd.h"
#include "sys/netkey/key_spd.h"
#include "tests/unit/key_msg_spd_util.h"
#include "tests/unit/pfkey_msg.h"
#include "tests/unit/testlib.h"

static struct sa_client a, b;
static uint64_t buf[SPDT_MSG_WORDS];

static int
suite_init(void)
{
	key_msg_spd_init();
	return 0;
}

static int
suite_fini(void)
{
	key_spd_fini();
	key_msg_spd_fini();
	return 0;
}

static void
setup(void)
{
	key_spd_fini();
	key_msg_spd_init();
	sa_client_open(&a);
	sa_client_open(&b);
}

static void
teardown(void)
{
	sa_client_close(&a);
	sa_client_close(&b);
}

static uint8_t
reply_errno(void)
{
	const struct sadb_msg *h = (const void *)buf;

	return h->sadb_msg_errno;
}

static const struct sadb_x_policy *
msg_policy(const struct key_msg *m)
{
	return KEY_MSG_EXT(m, SADB_X_EXT_POLICY, sadb_x_policy);
}

/* Add s from a and take both copies of the reply; the new policy's id. */
static uint32_t
add_ok(const struct spdt_spec *s)
{
	struct key_msg m;

	spdt_send(&a, s);
	if (spdt_expect(&a, buf, s->type, s->seq, 0, &m) < 0)
		return 0;
	CU_ASSERT_EQUAL(spdt_drain(&b), 1);
	return msg_policy(&m)->sadb_x_policy_id;
}

static void
expect_error(const struct spdt_spec *s, int error)
{
	struct key_msg m;
	const struct sadb_msg *h = (const void *)buf;

	spdt_send(&a, s);
	CU_ASSERT_EQUAL(spdt_recv(&a, buf), (ssize_t)sizeof(*h));
	CU_ASSERT_EQUAL(h->sadb_msg_type, s->type);
	CU_ASSERT_EQUAL(h->sadb_msg_errno, error);
	if (h->sadb_msg_errno != error)
		fprintf(stderr, "type %u: errno %u, expected %d\n",
		    s->type, h->sadb_msg_errno, error);
	CU_ASSERT_EQUAL(spdt_drain(&b), 0);
	(void)m;
}

/* SPDADD: the reply goes to everyone and carries the new id. */
static void
test_add_get(void)
{
	const struct sadb_x_ipsecrequest *xr;
	const struct sadb_lifetime *lh, *lc;
	const struct sadb_address *sa;
	struct sockaddr_in *sin;
	struct spdt_spec s;
	struct key_msg m;
	struct ipsec_policy *p;
	uint32_t id;

	setup();
	spdt_spec_default(&s);
	s.lifetime = true;
	s.addtime = 3600;
	s.usetime = 600;
	s.priority = 77;
	spdt_send(&a, &s);
	CU_ASSERT_FATAL(spdt_expect(&a, buf, SADB_X_SPDADD, 1, 0, &m) > 0);
	id = msg_policy(&m)->sadb_x_policy_id;
	CU_ASSERT(id != 0);
	CU_ASSERT_EQUAL(msg_policy(&m)->sadb_x_policy_priority, 77);
	CU_ASSERT_PTR_NOT_NULL(m.ext[SADB_EXT_LIFETIME_HARD]);
	CU_ASSERT_FATAL(spdt_expect(&b, buf, SADB_X_SPDADD, 1, 0, &m) > 0);
	CU_ASSERT_EQUAL(msg_policy(&m)->sadb_x_policy_id, id);
	p = key_spd_get(id);
	CU_ASSERT_FATAL(p != NULL);
	CU_ASSERT_EQUAL(p->sel.dport, 443);
	CU_ASSERT_EQUAL(p->sel.ul_proto, IPPROTO_TCP);
	CU_ASSERT_EQUAL(p->lifetime, 3600);
	CU_ASSERT_EQUAL(p->validtime, 600);
	CU_ASSERT_EQUAL(p->nreq, 2);
	key_policy_put(p);
	/* SPDGET: the sender alone gets the whole record. */
	s.type = SADB_X_SPDGET;
	s.seq = 2;
	s.no_addrs = true;
	s.lifetime = false;
	s.nreq = 0;
	s.id = id;
	s.action = IPSEC_POLICY_DISCARD;
	spdt_send(&a, &s);
	CU_ASSERT_FATAL(spdt_expect(&a, buf, SADB_X_SPDGET, 2, 0, &m) > 0);
	CU_ASSERT_EQUAL(spdt_drain(&b), 0);
	CU_ASSERT_EQUAL(m.hdr->sadb_msg_reserved, 1);
	CU_ASSERT_EQUAL(m.hdr->sadb_msg_pid, 4242);
	CU_ASSERT_EQUAL(msg_policy(&m)->sadb_x_policy_id, id);
	CU_ASSERT_EQUAL(msg_policy(&m)->sadb_x_policy_type,
	    IPSEC_POLICY_IPSEC);
	CU_ASSERT_EQUAL(msg_policy(&m)->sadb_x_policy_dir,
	    IPSEC_DIR_OUTBOUND);
	sa = KEY_MSG_EXT(&m, SADB_EXT_ADDRESS_DST, sadb_address);
	CU_ASSERT_FATAL(sa != NULL);
	sin = (void *)(sa + 1);
	CU_ASSERT_EQUAL(ntohs(sin->sin_port), 443);
	CU_ASSERT_EQUAL(sa->sadb_address_prefixlen, 32);
	CU_ASSERT_EQUAL(sa->sadb_address_proto, IPPROTO_TCP);
	xr = key_msg_request_first(msg_policy(&m));
	CU_ASSERT_FATAL(xr != NULL);
	CU_ASSERT_EQUAL(xr->sadb_x_ipsecrequest_proto, IPPROTO_ESP);
	CU_ASSERT_EQUAL(xr->sadb_x_ipsecrequest_mode, IPSEC_MODE_TUNNEL);
	CU_ASSERT(xr->sadb_x_ipsecrequest_len > sizeof(*xr));
	xr = key_msg_request_next(msg_policy(&m), xr);
	CU_ASSERT_FATAL(xr != NULL);
	CU_ASSERT_EQUAL(xr->sadb_x_ipsecrequest_proto, IPPROTO_AH);
	CU_ASSERT_EQUAL(xr->sadb_x_ipsecrequest_len, sizeof(*xr));
	CU_ASSERT_PTR_NULL(key_msg_request_next(msg_policy(&m), xr));
	lh = KEY_MSG_EXT(&m, SADB_EXT_LIFETIME_HARD, sadb_lifetime);
	lc = KEY_MSG_EXT(&m, SADB_EXT_LIFETIME_CURRENT, sadb_lifetime);
	CU_ASSERT_FATAL(lh != NULL && lc != NULL);
	CU_ASSERT_EQUAL(lh->sadb_lifetime_addtime, 3600);
	CU_ASSERT_EQUAL(lh->sadb_lifetime_usetime, 600);
	CU_ASSERT(lc->sadb_lifetime_addtime != 0);
	CU_ASSERT_EQUAL(lc->sadb_lifetime_usetime, lc->sadb_lifetime_addtime);
	teardown();
}

/* "unique" without a usable reqid gets one from the SPD. */
static void
test_unique_reqid(void)
{
	const struct sadb_x_ipsecrequest *xr;
	struct spdt_spec s;
	struct key_msg m;
	uint16_t got[4];
	unsigned int i;

	setup();
	spdt_spec_default(&s);
	s.nreq = 4;
	s.req[0].level = IPSEC_LEVEL_UNIQUE;		/* reqid 0 */
	s.req[1].level = IPSEC_LEVEL_UNIQUE;
	s.req[1].reqid = 5;				/* kept */
	s.req[2] = s.req[1];
	s.req[2].proto = IPPROTO_COMP;
	s.req[2].reqid = IPSEC_MANUAL_REQID_MAX + 10;	/* replaced */
	s.req[3] = s.req[1];
	s.req[3].proto = IPPROTO_ESP;
	s.req[3].level = IPSEC_LEVEL_REQUIRE;		/* dropped */
	s.req[3].reqid = 9;
	spdt_send(&a, &s);
	CU_ASSERT_FATAL(spdt_expect(&a, buf, SADB_X_SPDADD, 1, 0, &m) > 0);
	for (i = 0, xr = key_msg_request_first(msg_policy(&m)); xr != NULL &&
	    i < 4; i++, xr = key_msg_request_next(msg_policy(&m), xr))
		got[i] = xr->sadb_x_ipsecrequest_reqid;
	CU_ASSERT_EQUAL_FATAL(i, 4);
	CU_ASSERT(got[0] > IPSEC_MANUAL_REQID_MAX);
	CU_ASSERT_EQUAL(got[1], 5);
	CU_ASSERT(got[2] > IPSEC_MANUAL_REQID_MAX && got[2] != got[0]);
	CU_ASSERT_EQUAL(got[3], 0);
	/* SPDGET shows the same reqids. */
	spdt_spec_default(&s);
	s.type = SADB_X_SPDGET;
	s.no_addrs = true;
	s.nreq = 0;
	s.id = msg_policy(&m)->sadb_x_policy_id;
	spdt_send(&a, &s);
	spdt_drain(&b);
	CU_ASSERT_FATAL(spdt_expect(&a, buf, SADB_X_SPDGET, 1, 0, &m) > 0);
	xr = key_msg_request_first(msg_policy(&m));
	CU_ASSERT_FATAL(xr != NULL);
	CU_ASSERT_EQUAL(xr->sadb_x_ipsecrequest_reqid, got[0]);
	teardown();
}

/* SPDUPDATE replaces, with a new id; with nothing to replace, adds. */
static void
test_update(void)
{
	struct ipsec_policy *p;
	struct spdt_spec s;
	uint32_t id1, id2;

	setup();
	spdt_spec_default(&s);
	s.type = SADB_X_SPDUPDATE;
	id1 = add_ok(&s);
	CU_ASSERT(id1 != 0);
	s.action = IPSEC_POLICY_NONE;
	s.nreq = 0;
	s.seq = 2;
	id2 = add_ok(&s);
	CU_ASSERT(id2 != 0 && id2 != id1);
	CU_ASSERT_EQUAL(key_spd_count(IPSEC_DIR_ANY), 1);
	CU_ASSERT_PTR_NULL(key_spd_get(id1));
	p = key_spd_get(id2);
	CU_ASSERT_FATAL(p != NULL);
	CU_ASSERT_EQUAL(p->action, IPSEC_POLICY_NONE);
	key_policy_put(p);
	/* SPDADD of the same selector and direction: EEXIST. */
	s.type = SADB_X_SPDADD;
	expect_error(&s, EEXIST);
	/* The other direction is another policy. */
	s.dir = IPSEC_DIR_INBOUND;
	CU_ASSERT(add_ok(&s) != 0);
	/* SPDSETIDX: IPSEC with no requests, EEXIST like SPDADD. */
	s.type = SADB_X_SPDSETIDX;
	s.action = IPSEC_POLICY_IPSEC;
	s.dport = 80;
	CU_ASSERT(add_ok(&s) != 0);
	expect_error(&s, EEXIST);
	CU_ASSERT_EQUAL(key_spd_count(IPSEC_DIR_ANY), 3);
	teardown();
}

static void
test_delete(void)
{
	struct spdt_spec s;
	struct key_msg m;
	uint32_t id;

	setup();
	spdt_spec_default(&s);
	s.sport = 1234;
	id = add_ok(&s);
	/* SPDDELETE by selector and direction, x_policy without requests. */
	s.type = SADB_X_SPDDELETE;
	s.nreq = 0;
	s.seq = 9;
	spdt_send(&a, &s);
	CU_ASSERT_FATAL(spdt_expect(&a, buf, SADB_X_SPDDELETE, 9, 0, &m) > 0);
	CU_ASSERT_EQUAL(msg_policy(&m)->sadb_x_policy_id, id);
	CU_ASSERT_PTR_NOT_NULL(m.ext[SADB_EXT_ADDRESS_SRC]);
	CU_ASSERT_FATAL(spdt_expect(&b, buf, SADB_X_SPDDELETE, 9, 0, &m) > 0);
	CU_ASSERT_EQUAL(msg_policy(&m)->sadb_x_policy_id, id);
	CU_ASSERT_EQUAL(key_spd_count(IPSEC_DIR_ANY), 0);
	/* Gone: KAME and FreeBSD answer EINVAL. */
	expect_error(&s, EINVAL);
	/* SPDDELETE2 by id: <base, x_policy> to everyone. */
	spdt_spec_default(&s);
	id = add_ok(&s);
	s.type = SADB_X_SPDDELETE2;
	s.no_addrs = true;
	s.nreq = 0;
	s.id = id;
	s.seq = 10;
	spdt_send(&a, &s);
	CU_ASSERT_FATAL(spdt_expect(&a, buf, SADB_X_SPDDELETE2, 10, 0, &m) >
	    0);
	CU_ASSERT_EQUAL(msg_policy(&m)->sadb_x_policy_id, id);
	CU_ASSERT_PTR_NULL(m.ext[SADB_EXT_ADDRESS_SRC]);
	CU_ASSERT_FATAL(spdt_expect(&b, buf, SADB_X_SPDDELETE2, 10, 0, &m) >
	    0);
	CU_ASSERT_EQUAL(key_spd_count(IPSEC_DIR_ANY), 0);
	expect_error(&s, EINVAL);
	s.type = SADB_X_SPDGET;
	expect_error(&s, ENOENT);
	teardown();
}

/* Persistent (built-in) policies: SPDFLUSH keeps them, deletes EPERM. */
static void
test_flush_persistent(void)
{
	struct ipsec_policy *p;
	struct spdt_spec s;
	struct key_msg m;
	uint32_t pid;
	int i;

	setup();
	p = key_policy_new();
	CU_ASSERT_FATAL(p != NULL);
	p->sel.src.sin.sin_family = AF_INET;
	p->sel.dst.sin.sin_family = AF_INET;
	p->sel.ul_proto = IPSEC_ULPROTO_ANY;
	p->dir = IPSEC_DIR_INBOUND;
	p->action = IPSEC_POLICY_NONE;
	p->persistent = true;
	CU_ASSERT_FATAL(key_spd_insert(p, false) == 0);
	pid = p->id;
	key_policy_put(p);
	spdt_spec_default(&s);
	for (i = 0; i < 5; i++) {
		s.dport = (uint16_t)(1000 + i);
		CU_ASSERT(add_ok(&s) != 0);
	}
	spdt_send_hdr(&a, SADB_X_SPDFLUSH, 0, 33);
	CU_ASSERT_FATAL(spdt_expect(&a, buf, SADB_X_SPDFLUSH, 33, 0, &m) ==
	    (ssize_t)sizeof(struct sadb_msg));
	CU_ASSERT(spdt_expect(&b, buf, SADB_X_SPDFLUSH, 33, 0, &m) ==
	    (ssize_t)sizeof(struct sadb_msg));
	CU_ASSERT_EQUAL(key_spd_count(IPSEC_DIR_ANY), 1);
	/* The survivor resists deletion and replacement. */
	spdt_spec_default(&s);
	s.type = SADB_X_SPDDELETE2;
	s.no_addrs = true;
	s.nreq = 0;
	s.id = pid;
	expect_error(&s, EPERM);
	spdt_spec_default(&s);
	s.src = s.dst = "0.0.0.0";
	s.splen = s.dplen = 0;
	s.ul_proto = IPSEC_ULPROTO_ANY;
	s.dport = 0;
	s.dir = IPSEC_DIR_INBOUND;
	s.type = SADB_X_SPDDELETE;
	s.nreq = 0;
	expect_error(&s, EPERM);
	s.type = SADB_X_SPDUPDATE;
	s.action = IPSEC_POLICY_DISCARD;
	expect_error(&s, EPERM);
	CU_ASSERT_EQUAL(key_spd_count(IPSEC_DIR_ANY), 1);
	teardown();
}

/* A small dump: every policy once, seq down to 0, inbound first. */
static void
test_dump_small(void)
{
	const struct sadb_msg *h = (const void *)buf;
	struct spdt_spec s;
	struct key_msg m;
	uint32_t ids[3];
	int i;

	setup();
	spdt_send_hdr(&a, SADB_X_SPDDUMP, 0, 5);
	CU_ASSERT_EQUAL(spdt_recv(&a, buf), (ssize_t)sizeof(*h));
	CU_ASSERT_EQUAL(h->sadb_msg_errno, ENOENT);
	spdt_spec_default(&s);
	ids[1] = add_ok(&s);
	s.dport = 22;
	ids[2] = add_ok(&s);
	s.dir = IPSEC_DIR_INBOUND;
	ids[0] = add_ok(&s);
	spdt_send_hdr(&a, SADB_X_SPDDUMP, 0, 5);
	for (i = 0; i < 3; i++) {
		CU_ASSERT_FATAL(spdt_expect(&a, buf, SADB_X_SPDDUMP,
		    (uint32_t)(2 - i), 0, &m) > 0);
		CU_ASSERT_EQUAL(msg_policy(&m)->sadb_x_policy_id, ids[i]);
		CU_ASSERT_EQUAL(h->sadb_msg_pid, 4242);
		CU_ASSERT_EQUAL(h->sadb_msg_reserved, 1);
		CU_ASSERT_PTR_NOT_NULL(m.ext[SADB_EXT_LIFETIME_CURRENT]);
	}
	CU_ASSERT_EQUAL(spdt_drain(&a), 0);
	CU_ASSERT_EQUAL(spdt_drain(&b), 0);
	teardown();
}

/* Every valid sample message of the SPDADD family is accepted. */
static void
test_samples(void)
{
	static const uint8_t types[] = { SADB_X_SPDADD, SADB_X_SPDUPDATE,
	    SADB_X_SPDSETIDX };
	struct key_buf kb;
	unsigned int t, v;

	setup();
	for (t = 0; t < sizeof(types); t++)
		for (v = 0; v < PFKEY_MSG_VARIANTS; v++) {
			key_spd_fini();
			key_buf_init_dynamic(&kb);
			CU_ASSERT_FATAL(pfkey_msg_sample(&kb, types[t], v) ==
			    0);
			CU_ASSERT(key_dispatch(a.so, kb.base,
			    key_buf_len(&kb)) == 0);
			key_buf_free(&kb);
			CU_ASSERT_FATAL(spdt_recv(&a, buf) > 0);
			CU_ASSERT_EQUAL(reply_errno(),
			    0);
			CU_ASSERT_EQUAL(key_spd_count(IPSEC_DIR_ANY), 1);
			spdt_drain(&b);
		}
	teardown();
}

/* Refusals, each with its errno; mutations of the default SPDADD. */
typedef void (*spec_fn)(struct spdt_spec *);

static void m_dir_fwd(struct spdt_spec *s) { s->dir = IPSEC_DIR_FWD; }
static void m_dir_any(struct spdt_spec *s) { s->dir = IPSEC_DIR_ANY; }
static void m_dir_bad(struct spdt_spec *s) { s->dir = IPSEC_DIR_INVALID; }
static void m_entrust(struct spdt_spec *s)
{
	s->action = IPSEC_POLICY_ENTRUST;
}
static void m_bypass(struct spdt_spec *s) { s->action = IPSEC_POLICY_BYPASS; }
static void m_type_bad(struct spdt_spec *s) { s->action = 77; }
static void m_no_req(struct spdt_spec *s) { s->nreq = 0; }
static void m_upd_no_req(struct spdt_spec *s)
{
	s->type = SADB_X_SPDUPDATE;
	s->nreq = 0;
}
static void m_too_many(struct spdt_spec *s)
{
	int i;

	s->nreq = IPSEC_MAXREQ + 1;
	for (i = 0; i < IPSEC_MAXREQ + 1; i++)
		s->req[i] = s->req[1];
}
static void m_req_udp(struct spdt_spec *s) { s->req[1].proto = IPPROTO_UDP; }
static void m_mode_any(struct spdt_spec *s)
{
	s->req[1].mode = IPSEC_MODE_ANY;
}
static void m_mode_bad(struct spdt_spec *s) { s->req[1].mode = 3; }
static void m_level_bad(struct spdt_spec *s) { s->req[1].level = 4; }
static void m_tunnel_bare(struct spdt_spec *s)
{
	s->req[0].tsrc = s->req[0].tdst = NULL;
}
static void m_setidx_fwd(struct spdt_spec *s)
{
	s->type = SADB_X_SPDSETIDX;
	s->nreq = 0;
	s->dir = IPSEC_DIR_FWD;
}
static void m_del_missing(struct spdt_spec *s)
{
	s->type = SADB_X_SPDDELETE;
}
static void m_del_fwd(struct spdt_spec *s)
{
	s->type = SADB_X_SPDDELETE;
	s->dir = IPSEC_DIR_FWD;
}
static void m_del_bypass(struct spdt_spec *s)
{
	s->type = SADB_X_SPDDELETE;
	s->action = IPSEC_POLICY_BYPASS;
}
static void m_del2_missing(struct spdt_spec *s)
{
	s->type = SADB_X_SPDDELETE2;
	s->no_addrs = true;
	s->nreq = 0;
	s->id = 999999;
}
static void m_get_missing(struct spdt_spec *s)
{
	m_del2_missing(s);
	s->type = SADB_X_SPDGET;
}
static void m_no_policy_addr(struct spdt_spec *s)
{
	s->no_addrs = true;	/* key_parse: required extensions missing */
}
static void m_satype_esp(struct spdt_spec *s)
{
	s->satype = SADB_SATYPE_ESP;	/* key_parse: SPD messages */
}
static void m_prefix_bad(struct spdt_spec *s)
{
	s->splen = 33;			/* key_parse: beyond the family */
}

static const struct {
	const char	*name;
	spec_fn		 mutate;
	int		 error;
} refusals[] = {
	{ "direction forward (FreeBSD)", m_dir_fwd, EINVAL },
	{ "direction any", m_dir_any, EINVAL },
	{ "direction invalid", m_dir_bad, EINVAL },
	{ "type entrust", m_entrust, EINVAL },
	{ "type bypass", m_bypass, EINVAL },
	{ "type unknown", m_type_bad, EINVAL },
	{ "ipsec without requests", m_no_req, EINVAL },
	{ "update ipsec without requests", m_upd_no_req, EINVAL },
	{ "more than IPSEC_MAXREQ requests", m_too_many, EINVAL },
	{ "request protocol udp", m_req_udp, EPROTONOSUPPORT },
	{ "request mode any", m_mode_any, EINVAL },
	{ "request mode unknown", m_mode_bad, EINVAL },
	{ "request level unknown", m_level_bad, EINVAL },
	{ "tunnel without endpoints", m_tunnel_bare, EINVAL },
	{ "setidx direction forward", m_setidx_fwd, EINVAL },
	{ "delete of nothing", m_del_missing, EINVAL },
	{ "delete direction forward", m_del_fwd, EINVAL },
	{ "delete type bypass", m_del_bypass, EINVAL },
	{ "delete2 of an unknown id", m_del2_missing, EINVAL },
	{ "get of an unknown id", m_get_missing, ENOENT },
	{ "add without addresses", m_no_policy_addr, EINVAL },
	{ "satype esp", m_satype_esp, EINVAL },
	{ "prefix beyond 32", m_prefix_bad, EINVAL },
};

static void
test_refusals(void)
{
	struct spdt_spec s;
	size_t i;

	setup();
	for (i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		spdt_spec_default(&s);
		s.seq = (uint32_t)(100 + i);
		refusals[i].mutate(&s);
		expect_error(&s, refusals[i].error);
		if (key_spd_count(IPSEC_DIR_ANY) != 0)
			fprintf(stderr, "refusal \"%s\" changed the SPD\n",
			    refusals[i].name);
		CU_ASSERT_EQUAL(key_spd_count(IPSEC_DIR_ANY), 0);
	}
	/* SPDFLUSH with anything after the header (key_parse). */
	spdt_spec_default(&s);
	s.type = SADB_X_SPDFLUSH;
	s.no_addrs = true;
	s.nreq = 0;
	expect_error(&s, EINVAL);
	/* SPDDUMP must name no satype. */
	spdt_send_hdr(&a, SADB_X_SPDDUMP, SADB_SATYPE_ESP, 1);
	CU_ASSERT_EQUAL(spdt_recv(&a, buf), (ssize_t)sizeof(struct sadb_msg));
	CU_ASSERT_EQUAL(reply_errno(), EINVAL);
	teardown();
}

/* Transport endpoints are kept; ICMP type/code travel as ports. */
static void
test_selectors(void)
{
	const struct sadb_x_ipsecrequest *xr;
	struct ipsec_policy *p;
	struct spdt_spec s;
	struct key_msg m;
	uint32_t id;

	setup();
	spdt_spec_default(&s);
	s.src = "2001:db8::";
	s.dst = "2001:db8:1::5";
	s.splen = 32;
	s.dplen = 128;
	s.ul_proto = IPPROTO_ICMPV6;
	s.sport = 135;
	s.dport = 0;
	s.nreq = 1;
	s.req[0] = (struct spdt_req){ IPPROTO_ESP, IPSEC_MODE_TRANSPORT,
	    IPSEC_LEVEL_DEFAULT, 0, "2001:db8::1", "2001:db8:1::5" };
	id = add_ok(&s);
	CU_ASSERT_FATAL(id != 0);
	p = key_spd_get(id);
	CU_ASSERT_FATAL(p != NULL);
	CU_ASSERT_EQUAL(p->sel.sport, 135);
	CU_ASSERT_EQUAL(p->sel.src.sin6.sin6_port, 0);
	CU_ASSERT_EQUAL(p->req[0].tun_src.sa.sa_family, AF_INET6);
	key_policy_put(p);
	s.type = SADB_X_SPDGET;
	s.no_addrs = true;
	s.nreq = 0;
	s.id = id;
	spdt_send(&a, &s);
	CU_ASSERT_FATAL(spdt_expect(&a, buf, SADB_X_SPDGET, 1, 0, &m) > 0);
	xr = key_msg_request_first(msg_policy(&m));
	CU_ASSERT_FATAL(xr != NULL);
	CU_ASSERT(xr->sadb_x_ipsecrequest_len > sizeof(*xr));
	teardown();
}

static const struct test_case spd_cases[] = {
	{ "SPDADD to all, SPDGET to one, same id", test_add_get },
	{ "unique gets an automatic reqid", test_unique_reqid },
	{ "SPDUPDATE replaces, SPDSETIDX, EEXIST", test_update },
	{ "SPDDELETE and SPDDELETE2", test_delete },
	{ "SPDFLUSH keeps persistent policies, EPERM", test_flush_persistent },
	{ "SPDDUMP of a few policies, ENOENT empty", test_dump_small },
	{ "sample SPDADD-like messages accepted", test_samples },
	{ "refusals and their errno", test_refusals },
	{ "IPv6, ICMPv6 type, transport endpoints", test_selectors },
	{ NULL, NULL }
};

const struct test_suite test_suites[] = {
	{ "key_msg_spd", suite_init, suite_fini, spd_cases },
	{ NULL, NULL, NULL, NULL }
};
