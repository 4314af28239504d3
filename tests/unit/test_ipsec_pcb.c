/*
 * The per-socket policy table (sys/netipsec/ipsec_pcb.c) against the
 * packets the path would ask about: which socket's entry a datagram
 * matches in each direction (the most specific one: a connected socket
 * before its listener), entrust falling back to the SPD through
 * ipsec_policy_lookup(), bypass kept as such, accepted sockets copying
 * their listener's policies, the liveness sweep, and the bound on
 * entries.  Random datagrams are checked against a naive model.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "netipsec/ipsec.h"
#include "sys/netipsec/ipsec_pcb.h"
#include "sys/netipsec/ipsec_policy.h"
#include "sys/netkey/key_spd.h"
#include "tests/unit/testlib.h"

#define IN	IPSEC_DIR_INBOUND
#define OUT	IPSEC_DIR_OUTBOUND

static void
addr(union key_sockaddr *a, const char *text)
{
	memset(a, 0, sizeof(*a));
	if (text == NULL)
		return;
	a->sin.sin_family = AF_INET;
	inet_pton(AF_INET, text, &a->sin.sin_addr);
}

static struct ipsec_pcb_tuple
tuple(unsigned proto, const char *laddr, uint16_t lport, const char *raddr,
    uint16_t rport, bool listening)
{
	struct ipsec_pcb_tuple t;

	memset(&t, 0, sizeof(t));
	t.family = AF_INET;
	t.proto = (uint8_t)proto;
	t.listening = listening;
	t.lport = lport;
	t.rport = rport;
	addr(&t.laddr, laddr);
	addr(&t.raddr, raddr);
	return t;
}

static struct ipsec_policy *
policy(uint8_t action)
{
	struct ipsec_policy *p = key_policy_new();

	CU_ASSERT_FATAL(p != NULL);
	p->action = action;
	if (action == IPSEC_POLICY_IPSEC) {
		p->nreq = 1;
		p->req[0].proto = IPPROTO_ESP;
		p->req[0].mode = IPSEC_MODE_TRANSPORT;
		p->req[0].level = IPSEC_LEVEL_REQUIRE;
	}
	return p;
}

/* A datagram src:sport -> dst:dport. */
static struct ip_hdr_info
packet(unsigned proto, const char *src, uint16_t sport, const char *dst,
    uint16_t dport)
{
	struct ip_hdr_info hi;

	memset(&hi, 0, sizeof(hi));
	hi.af = AF_INET;
	hi.proto = (uint8_t)proto;
	hi.flags = IP_HDR_F_PORTS;
	hi.src.sin.sin_family = AF_INET;
	hi.dst.sin.sin_family = AF_INET;
	inet_pton(AF_INET, src, &hi.src.sin.sin_addr);
	inet_pton(AF_INET, dst, &hi.dst.sin.sin_addr);
	hi.sport = sport;
	hi.dport = dport;
	return hi;
}

/* The action the table gives a packet, or -1 for none (SPD). */
static int
action(uint8_t dir, const struct ip_hdr_info *hi)
{
	struct ipsec_policy *p = ipsec_pcb_lookup(dir, hi);
	int a = p == NULL ? -1 : p->action;

	key_policy_put(p);
	return a;
}

static int
teardown(void)
{
	ipsec_pcb_flush();
	key_spd_flush();
	return 0;
}

static void
test_listener_and_connected(void)
{
	struct ipsec_pcb_tuple l = tuple(IPPROTO_TCP, NULL, 80, NULL, 0, true);
	struct ipsec_pcb_tuple c = tuple(IPPROTO_TCP, "10.0.0.1", 80,
	    "10.0.0.9", 4000, false);
	struct ip_hdr_info in, out, other;

	CU_ASSERT_EQUAL(ipsec_pcb_set(1, &l, IN, policy(IPSEC_POLICY_IPSEC)),
	    0);
	in = packet(IPPROTO_TCP, "10.0.0.9", 4000, "10.0.0.1", 80);
	out = packet(IPPROTO_TCP, "10.0.0.1", 80, "10.0.0.9", 4000);
	other = packet(IPPROTO_TCP, "10.0.0.9", 4000, "10.0.0.1", 81);
	CU_ASSERT_EQUAL(action(IN, &in), IPSEC_POLICY_IPSEC);
	CU_ASSERT_EQUAL(action(OUT, &out), -1);	/* out entrusted */
	CU_ASSERT_EQUAL(action(IN, &other), -1);
	in.proto = IPPROTO_UDP;
	CU_ASSERT_EQUAL(action(IN, &in), -1);
	in.proto = IPPROTO_TCP;
	/* The connected socket is more specific than its listener. */
	CU_ASSERT_EQUAL(ipsec_pcb_set(2, &c, IN, policy(IPSEC_POLICY_BYPASS)),
	    0);
	CU_ASSERT_EQUAL(action(IN, &in), IPSEC_POLICY_BYPASS);
	in = packet(IPPROTO_TCP, "10.0.0.8", 4000, "10.0.0.1", 80);
	CU_ASSERT_EQUAL(action(IN, &in), IPSEC_POLICY_IPSEC);
	CU_ASSERT_EQUAL(ipsec_pcb_count(), 2);
	ipsec_pcb_remove(2);
	ipsec_pcb_remove(2);
	CU_ASSERT_EQUAL(ipsec_pcb_count(), 1);
	CU_ASSERT_EQUAL(ipsec_pcb_set(1, &l, IPSEC_DIR_ANY, NULL), EINVAL);
	ipsec_pcb_flush();
}

static void
test_entrust_falls_to_spd(void)
{
	struct ipsec_pcb_tuple u = tuple(IPPROTO_UDP, NULL, 500, NULL, 0,
	    false);
	struct ip_hdr_info hi = packet(IPPROTO_UDP, "10.0.0.1", 500,
	    "10.0.0.2", 500);
	struct ipsec_policy *spd = policy(IPSEC_POLICY_IPSEC), *p;

	spd->dir = OUT;
	spd->sel.src.sin.sin_family = AF_INET;
	spd->sel.dst.sin.sin_family = AF_INET;
	spd->sel.ul_proto = IPSEC_ULPROTO_ANY;
	CU_ASSERT_FATAL(key_spd_insert(spd, false) == 0);
	p = ipsec_policy_lookup(OUT, &hi);
	CU_ASSERT(p == spd);
	key_policy_put(p);
	/* IKE's own socket: bypass wins over the catch-all require. */
	CU_ASSERT_EQUAL(ipsec_pcb_set(7, &u, OUT,
	    policy(IPSEC_POLICY_BYPASS)), 0);
	p = ipsec_policy_lookup(OUT, &hi);
	CU_ASSERT(p != NULL && p->action == IPSEC_POLICY_BYPASS);
	key_policy_put(p);
	/* Entrust again: the SPD decides. */
	CU_ASSERT_EQUAL(ipsec_pcb_set(7, &u, OUT, NULL), 0);
	p = ipsec_policy_lookup(OUT, &hi);
	CU_ASSERT(p == spd);
	key_policy_put(p);
	key_policy_put(spd);
	teardown();
}

static void
test_move_inherit_sweep(void)
{
	struct ipsec_pcb_tuple unbound = tuple(IPPROTO_TCP, NULL, 0, NULL, 0,
	    false);
	struct ipsec_pcb_tuple l = tuple(IPPROTO_TCP, "10.0.0.1", 22, NULL, 0,
	    true);
	struct ipsec_pcb_tuple child = tuple(IPPROTO_TCP, "10.0.0.1", 22,
	    "10.0.0.5", 5555, false);
	struct ipsec_pcb_tuple stranger = tuple(IPPROTO_TCP, "10.0.0.1", 23,
	    "10.0.0.5", 5555, false);
	struct ip_hdr_info in = packet(IPPROTO_TCP, "10.0.0.5", 5555,
	    "10.0.0.1", 22);
	struct ipsec_policy *p;
	bool found;

	CU_ASSERT_EQUAL(ipsec_pcb_set(10, &unbound, IN,
	    policy(IPSEC_POLICY_IPSEC)), 0);
	CU_ASSERT_EQUAL(action(IN, &in), -1);	/* not bound yet */
	CU_ASSERT_EQUAL(ipsec_pcb_move(10, &l), 0);
	CU_ASSERT_EQUAL(ipsec_pcb_move(99, &l), ENOENT);
	CU_ASSERT_EQUAL(action(IN, &in), IPSEC_POLICY_IPSEC);
	CU_ASSERT(!ipsec_pcb_inherit(11, &stranger));
	CU_ASSERT(ipsec_pcb_inherit(11, &child));
	CU_ASSERT(!ipsec_pcb_inherit(11, &child));	/* has one */
	p = ipsec_pcb_get(11, IN, &found);
	CU_ASSERT(found && p != NULL && p->action == IPSEC_POLICY_IPSEC);
	key_policy_put(p);
	CU_ASSERT_PTR_NULL(ipsec_pcb_get(11, OUT, &found));
	CU_ASSERT(found);
	CU_ASSERT_PTR_NULL(ipsec_pcb_get(12, IN, &found));
	CU_ASSERT(!found);
	/* The listener closes; the accepted socket keeps its copy. */
	ipsec_pcb_mark();
	CU_ASSERT(ipsec_pcb_seen(11, &child));
	CU_ASSERT(!ipsec_pcb_seen(12, &child));
	CU_ASSERT_EQUAL(ipsec_pcb_sweep(), 1);
	CU_ASSERT(!ipsec_pcb_exists(10));
	CU_ASSERT_EQUAL(action(IN, &in), IPSEC_POLICY_IPSEC);
	in.sport = 5556;
	CU_ASSERT_EQUAL(action(IN, &in), -1);
	ipsec_pcb_mark();
	CU_ASSERT_EQUAL(ipsec_pcb_sweep(), 1);
	CU_ASSERT_EQUAL(ipsec_pcb_count(), 0);
}

static void
test_bound(void)
{
	struct ipsec_pcb_tuple t;
	uint64_t i;

	for (i = 0; i < IPSEC_PCB_MAX; i++) {
		t = tuple(IPPROTO_UDP, NULL, (uint16_t)(i + 1), NULL, 0, false);
		CU_ASSERT_EQUAL_FATAL(ipsec_pcb_set(100 + i, &t, IN,
		    policy(IPSEC_POLICY_BYPASS)), 0);
	}
	CU_ASSERT_EQUAL(ipsec_pcb_set(1, &t, IN,
	    policy(IPSEC_POLICY_BYPASS)), ENOBUFS);
	/* An existing entry may still change. */
	CU_ASSERT_EQUAL(ipsec_pcb_set(100, &t, OUT,
	    policy(IPSEC_POLICY_BYPASS)), 0);
	ipsec_pcb_flush();
	CU_ASSERT_EQUAL(ipsec_pcb_count(), 0);
}

/*
 * Random sockets and datagrams against a linear scan that applies the
 * matching rule as written: same protocol and local port, each address
 * and the remote port either unspecified or equal, most specific first.
 */
#define NMODEL	40		/* of 8 (proto, port) x 6 scores */

struct model {
	struct ipsec_pcb_tuple	t;
	int			score;
};

static const char *const hosts[] = { NULL, "10.1.0.1", "10.1.0.2" };

static int
model_lookup(const struct model *m, size_t n, const struct ip_hdr_info *hi)
{
	int best = -1, score = -1;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct ipsec_pcb_tuple *t = &m[i].t;

		if (t->proto != hi->proto || t->lport != hi->dport ||
		    (t->rport != 0 && t->rport != hi->sport) ||
		    (t->laddr.sa.sa_family != AF_UNSPEC &&
		    t->laddr.sin.sin_addr.s_addr != hi->dst.sin.sin_addr.s_addr) ||
		    (t->raddr.sa.sa_family != AF_UNSPEC &&
		    t->raddr.sin.sin_addr.s_addr != hi->src.sin.sin_addr.s_addr))
			continue;
		if (m[i].score > score) {
			score = m[i].score;
			best = (int)i;
		}
	}
	return best;
}

static void
test_model(void)
{
	static struct model m[NMODEL];
	struct ip_hdr_info hi;
	struct ipsec_policy *p;
	int i, j, want, used[8] = { 0 };

	srand(9);
	for (i = 0; i < NMODEL; i++) {
		/*
		 * One entry per specificity and (proto, lport) keeps the
		 * model's choice unique.
		 */
		do {
			m[i].t = tuple(rand() % 2 ? IPPROTO_TCP : IPPROTO_UDP,
			    hosts[rand() % 3], (uint16_t)(1 + rand() % 4),
			    hosts[rand() % 3], (uint16_t)(rand() % 3), false);
			m[i].score = (m[i].t.laddr.sa.sa_family != 0) +
			    2 * (m[i].t.raddr.sa.sa_family != 0) +
			    2 * (m[i].t.rport != 0);
			j = (m[i].t.proto == IPPROTO_TCP) * 4 +
			    m[i].t.lport - 1;
		} while (used[j] & (1 << m[i].score));
		used[j] |= 1 << m[i].score;
		p = policy(IPSEC_POLICY_IPSEC);
		p->priority = (uint32_t)i;
		CU_ASSERT_EQUAL_FATAL(ipsec_pcb_set((uint64_t)i + 1, &m[i].t,
		    IN, p), 0);
	}
	for (i = 0; i < 5000; i++) {
		hi = packet(rand() % 2 ? IPPROTO_TCP : IPPROTO_UDP,
		    hosts[1 + rand() % 2], (uint16_t)(rand() % 3),
		    hosts[1 + rand() % 2], (uint16_t)(1 + rand() % 4));
		want = model_lookup(m, NMODEL, &hi);
		p = ipsec_pcb_lookup(IN, &hi);
		CU_ASSERT_EQUAL(p == NULL ? -1 : (int)p->priority, want);
		key_policy_put(p);
	}
	ipsec_pcb_flush();
}

static const struct test_case pcb_cases[] = {
	{ "listener and connected socket", test_listener_and_connected },
	{ "entrust and bypass against the SPD", test_entrust_falls_to_spd },
	{ "bind, accept, sweep", test_move_inherit_sweep },
	{ "at most IPSEC_PCB_MAX entries", test_bound },
	{ "random datagrams against a linear model", test_model },
	{ NULL, NULL },
};

const struct test_suite test_suites[] = {
	{ "per-socket policies", NULL, teardown, pcb_cases },
	{ NULL, NULL, NULL, NULL },
};
