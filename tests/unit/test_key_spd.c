/*
 * SPD behaviour: insertion and its errors, update, deletion by selector
 * and by id, flush with persistent policies, KAME's ordered first match in
 * both families, wildcards, ICMP selectors, reqids, snapshots and expiry
 * with the fake clock.  The randomized comparison with a naive matcher and
 * the large tables are in test_key_spd_model.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "sys/net/net_clock.h"
#include "sys/netkey/key_spd.h"
#include "testlib.h"

#define IN	IPSEC_DIR_INBOUND
#define OUT	IPSEC_DIR_OUTBOUND
#define FWD	IPSEC_DIR_FWD
#define ANY	IPSEC_ULPROTO_ANY

static void
addr_set(union key_sockaddr *u, const char *s)
{
	memset(u, 0, sizeof(*u));
	if (strchr(s, ':') != NULL) {
		u->sin6.sin6_family = AF_INET6;
		CU_ASSERT_FATAL(inet_pton(AF_INET6, s,
		    &u->sin6.sin6_addr) == 1);
	} else {
		u->sin.sin_family = AF_INET;
		CU_ASSERT_FATAL(inet_pton(AF_INET, s, &u->sin.sin_addr) == 1);
	}
}

static void
sel_set(struct ipsec_selector *sel, const char *src, int splen,
    const char *dst, int dplen, uint8_t proto, uint16_t sport, uint16_t dport)
{
	memset(sel, 0, sizeof(*sel));
	addr_set(&sel->src, src);
	addr_set(&sel->dst, dst);
	sel->src_plen = (uint8_t)splen;
	sel->dst_plen = (uint8_t)dplen;
	sel->ul_proto = proto;
	sel->sport = sport;
	sel->dport = dport;
}

/* A new unlinked DISCARD policy (caller's reference). */
static struct ipsec_policy *
pol(uint8_t dir, const char *src, int splen, const char *dst, int dplen,
    uint8_t proto, uint16_t sport, uint16_t dport)
{
	struct ipsec_policy *p = key_policy_new();

	CU_ASSERT_FATAL(p != NULL);
	sel_set(&p->sel, src, splen, dst, dplen, proto, sport, dport);
	p->dir = dir;
	p->action = IPSEC_POLICY_DISCARD;
	return p;
}

/* Insert and drop the caller's reference; returns the id or 0. */
static uint32_t
add(struct ipsec_policy *p, bool update)
{
	uint32_t id = key_spd_insert(p, update) == 0 ? p->id : 0;

	key_policy_put(p);
	return id;
}

static uint32_t
add_prio(uint8_t dir, const char *src, int splen, const char *dst,
    int dplen, uint32_t priority)
{
	struct ipsec_policy *p = pol(dir, src, splen, dst, dplen, ANY, 0, 0);

	p->priority = priority;
	return add(p, false);
}

/* The id of the policy a packet hits, 0 for none. */
static uint32_t
hit(uint8_t dir, const char *src, const char *dst, uint8_t proto,
    uint16_t sport, uint16_t dport)
{
	union key_sockaddr s, d;
	struct key_spd_query q = { &s.sa, &d.sa, proto, sport, dport };
	struct ipsec_policy *p;
	uint32_t id;

	addr_set(&s, src);
	addr_set(&d, dst);
	p = key_spd_lookup(dir, &q);
	id = p != NULL ? p->id : 0;
	key_policy_put(p);
	return id;
}

static int
suite_init(void)
{
	key_spd_fini();
	return 0;
}

static int
suite_fini(void)
{
	key_spd_fini();
	net_clock_set_source(NULL);
	return 0;
}

static void
test_insert_get(void)
{
	struct ipsec_policy *p, *g;
	uint32_t a, b;

	key_spd_fini();
	p = pol(OUT, "10.0.0.1", 32, "10.0.0.2", 32, 6, 0, 80);
	key_policy_get(p);
	a = add(p, false);
	CU_ASSERT(a != 0);
	CU_ASSERT(key_policy_linked(p));
	CU_ASSERT(p->refcnt == 2);
	g = key_spd_get(a);
	CU_ASSERT(g == p);
	key_policy_put(g);
	CU_ASSERT(key_spd_insert(p, false) == EEXIST);
	key_policy_put(p);
	/* Same selector in another direction is another policy. */
	b = add(pol(IN, "10.0.0.1", 32, "10.0.0.2", 32, 6, 0, 80), false);
	CU_ASSERT(b != 0 && b != a);
	CU_ASSERT(add(pol(OUT, "10.0.0.1", 32, "10.0.0.2", 32, 6, 0, 80),
	    false) == 0);
	CU_ASSERT(key_spd_count(IPSEC_DIR_ANY) == 2);
	CU_ASSERT(key_spd_count(OUT) == 1);
	CU_ASSERT(key_spd_count(IN) == 1);
	CU_ASSERT(key_spd_count(FWD) == 0);
	CU_ASSERT(key_spd_get(12345) == NULL);
	/* Host bits beyond the prefix make a different selector (KAME). */
	CU_ASSERT(add(pol(OUT, "10.0.0.1", 24, "10.0.0.2", 24, ANY, 0, 0),
	    false) != 0);
	CU_ASSERT(add(pol(OUT, "10.0.0.9", 24, "10.0.0.2", 24, ANY, 0, 0),
	    false) != 0);
	CU_ASSERT(key_spd_count(OUT) == 3);
}

static void
test_update(void)
{
	struct ipsec_policy *old, *p;
	struct ipsec_selector sel;
	uint32_t a, b, c;

	key_spd_fini();
	a = add(pol(OUT, "10.0.0.0", 8, "0.0.0.0", 0, ANY, 0, 0), false);
	b = add(pol(OUT, "10.1.0.0", 16, "0.0.0.0", 0, ANY, 0, 0), false);
	old = key_spd_get(a);
	CU_ASSERT_FATAL(old != NULL);
	p = pol(OUT, "10.0.0.0", 8, "0.0.0.0", 0, ANY, 0, 0);
	p->action = IPSEC_POLICY_NONE;
	c = add(p, true);
	CU_ASSERT(c != 0 && c != a && c != b);
	CU_ASSERT(!key_policy_linked(old));
	CU_ASSERT(old->action == IPSEC_POLICY_DISCARD);
	key_policy_put(old);
	CU_ASSERT(key_spd_get(a) == NULL);
	CU_ASSERT(key_spd_count(OUT) == 2);
	sel_set(&sel, "10.0.0.0", 8, "0.0.0.0", 0, ANY, 0, 0);
	p = key_spd_find(OUT, &sel);
	CU_ASSERT(p != NULL && p->id == c && p->action == IPSEC_POLICY_NONE);
	key_policy_put(p);
	/* The updated policy goes behind those already there. */
	CU_ASSERT(hit(OUT, "10.1.2.3", "1.2.3.4", 6, 1, 2) == b);
	CU_ASSERT(hit(OUT, "10.2.2.3", "1.2.3.4", 6, 1, 2) == c);
	/* An update with nothing to replace adds. */
	CU_ASSERT(add(pol(OUT, "10.9.0.0", 16, "0.0.0.0", 0, ANY, 0, 0),
	    true) != 0);
	CU_ASSERT(key_spd_count(OUT) == 3);
}

static void
test_delete(void)
{
	struct ipsec_selector sel;
	struct ipsec_policy *p;
	uint32_t a, b;

	key_spd_fini();
	a = add(pol(OUT, "fe80::1", 128, "ff02::1", 128, 58, 135, 0), false);
	b = add(pol(IN, "2001:db8::", 32, "::", 0, ANY, 0, 0), false);
	CU_ASSERT(a != 0 && b != 0);
	sel_set(&sel, "fe80::1", 128, "ff02::1", 128, 58, 135, 0);
	CU_ASSERT(key_spd_delete_selector(IN, &sel) == ENOENT);
	CU_ASSERT(key_spd_delete_selector(OUT, &sel) == 0);
	CU_ASSERT(key_spd_delete_selector(OUT, &sel) == ENOENT);
	CU_ASSERT(key_spd_get(a) == NULL);
	p = key_spd_get(b);
	CU_ASSERT(key_spd_delete_id(b) == 0);
	CU_ASSERT(key_spd_delete_id(b) == ENOENT);
	CU_ASSERT(key_spd_delete(p) == ENOENT);
	CU_ASSERT(!key_policy_linked(p));
	key_policy_put(p);
	CU_ASSERT(key_spd_delete(NULL) == ENOENT);
	CU_ASSERT(key_spd_delete_id(0) == ENOENT);
	CU_ASSERT(key_spd_count(IPSEC_DIR_ANY) == 0);
	CU_ASSERT(hit(IN, "2001:db8::1", "::1", 6, 1, 1) == 0);
}

static void
test_flush_persistent(void)
{
	struct ipsec_policy *p;
	uint32_t keep;
	int i;

	key_spd_fini();
	p = pol(IN, "0.0.0.0", 0, "0.0.0.0", 0, 17, 500, 500);
	p->persistent = true;
	p->action = IPSEC_POLICY_NONE;
	keep = add(p, false);
	for (i = 0; i < 10; i++)
		add_prio(OUT, "10.0.0.0", 8 + i, "0.0.0.0", 0, 0);
	CU_ASSERT(key_spd_count(IPSEC_DIR_ANY) == 11);
	CU_ASSERT(key_spd_flush() == 10);
	CU_ASSERT(key_spd_count(IPSEC_DIR_ANY) == 1);
	CU_ASSERT(hit(IN, "1.1.1.1", "2.2.2.2", 17, 500, 500) == keep);
	CU_ASSERT(hit(OUT, "10.0.0.1", "2.2.2.2", 17, 500, 500) == 0);
	CU_ASSERT(key_spd_flush() == 0);
	key_spd_fini();
	CU_ASSERT(key_spd_count(IPSEC_DIR_ANY) == 0);
}

static void
test_invalid(void)
{
	struct ipsec_policy *p;

	key_spd_fini();
	p = pol(OUT, "10.0.0.1", 33, "10.0.0.2", 32, ANY, 0, 0);
	CU_ASSERT(key_spd_insert(p, false) == EINVAL);
	p->sel.src_plen = 32;
	addr_set(&p->sel.dst, "::1");
	CU_ASSERT(key_spd_insert(p, false) == EINVAL);
	addr_set(&p->sel.dst, "10.0.0.2");
	p->dir = IPSEC_DIR_ANY;
	CU_ASSERT(key_spd_insert(p, false) == EINVAL);
	p->dir = IPSEC_DIR_INVALID;
	CU_ASSERT(key_spd_insert(p, false) == EINVAL);
	p->dir = OUT;
	p->action = IPSEC_POLICY_ENTRUST;
	CU_ASSERT(key_spd_insert(p, false) == EINVAL);
	p->action = IPSEC_POLICY_BYPASS;
	CU_ASSERT(key_spd_insert(p, false) == EINVAL);
	p->action = 200;
	CU_ASSERT(key_spd_insert(p, false) == EINVAL);
	p->action = IPSEC_POLICY_NONE;
	p->nreq = 1;
	p->req[0].proto = IPPROTO_ESP;
	p->req[0].mode = IPSEC_MODE_TRANSPORT;
	CU_ASSERT(key_spd_insert(p, false) == EINVAL);
	p->action = IPSEC_POLICY_IPSEC;
	p->nreq = IPSEC_MAXREQ + 1;
	CU_ASSERT(key_spd_insert(p, false) == EINVAL);
	p->nreq = 1;
	p->req[0].proto = IPPROTO_UDP;
	CU_ASSERT(key_spd_insert(p, false) == EINVAL);
	p->req[0].proto = IPPROTO_AH;
	p->req[0].mode = IPSEC_MODE_ANY;
	CU_ASSERT(key_spd_insert(p, false) == EINVAL);
	p->req[0].mode = IPSEC_MODE_TUNNEL;
	p->req[0].level = IPSEC_LEVEL_UNIQUE + 1;
	CU_ASSERT(key_spd_insert(p, false) == EINVAL);
	p->req[0].level = IPSEC_LEVEL_REQUIRE;
	addr_set(&p->req[0].tun_src, "192.0.2.1");
	addr_set(&p->req[0].tun_dst, "2001:db8::1");
	CU_ASSERT(key_spd_insert(p, false) == EINVAL);
	addr_set(&p->req[0].tun_dst, "192.0.2.2");
	p->sel.src.sa.sa_family = AF_UNIX;
	CU_ASSERT(key_spd_insert(p, false) == EINVAL);
	p->sel.src.sa.sa_family = AF_INET;
	CU_ASSERT(key_spd_count(IPSEC_DIR_ANY) == 0);
	CU_ASSERT(add(p, false) != 0);
}

/* Overlapping policies: the earlier wins unless priority says otherwise. */
static void
test_order_v4(void)
{
	uint32_t wide, narrow, host, pri;

	key_spd_fini();
	wide = add_prio(OUT, "10.0.0.0", 8, "0.0.0.0", 0, 0);
	narrow = add_prio(OUT, "10.1.0.0", 16, "0.0.0.0", 0, 0);
	CU_ASSERT(hit(OUT, "10.1.2.3", "8.8.8.8", 6, 1, 1) == wide);
	CU_ASSERT(hit(OUT, "10.2.2.3", "8.8.8.8", 6, 1, 1) == wide);
	CU_ASSERT(hit(OUT, "11.1.2.3", "8.8.8.8", 6, 1, 1) == 0);
	CU_ASSERT(hit(IN, "10.1.2.3", "8.8.8.8", 6, 1, 1) == 0);
	host = add_prio(OUT, "10.1.2.3", 32, "8.8.8.8", 32, 0);
	CU_ASSERT(hit(OUT, "10.1.2.3", "8.8.8.8", 6, 1, 1) == wide);
	CU_ASSERT(key_spd_delete_id(wide) == 0);
	CU_ASSERT(hit(OUT, "10.1.2.3", "8.8.8.8", 6, 1, 1) == narrow);
	CU_ASSERT(hit(OUT, "10.2.2.3", "8.8.8.8", 6, 1, 1) == 0);
	/* More specific but added later: still behind. */
	pri = add_prio(OUT, "10.1.2.0", 24, "8.8.0.0", 16, 0);
	CU_ASSERT(hit(OUT, "10.1.2.3", "8.8.8.8", 6, 1, 1) == narrow);
	CU_ASSERT(key_spd_delete_id(pri) == 0);
	CU_ASSERT(key_spd_delete_id(narrow) == 0);
	CU_ASSERT(hit(OUT, "10.1.2.3", "8.8.8.8", 6, 1, 1) == host);
	narrow = add_prio(OUT, "10.1.0.0", 16, "0.0.0.0", 0, 0);
	CU_ASSERT(hit(OUT, "10.1.2.3", "8.8.8.8", 6, 1, 1) == host);
	pri = add_prio(OUT, "0.0.0.0", 0, "0.0.0.0", 0, 0xffffffffu);
	CU_ASSERT(hit(OUT, "10.1.2.3", "8.8.8.8", 6, 1, 1) == host);
	CU_ASSERT(hit(OUT, "1.1.1.1", "2.2.2.2", 6, 1, 1) == pri);
	pri = add_prio(OUT, "10.0.0.0", 8, "0.0.0.0", 0, 0);
	CU_ASSERT(hit(OUT, "10.1.2.3", "8.8.8.8", 6, 1, 1) == host);
	pri = add_prio(OUT, "10.0.0.0", 8, "8.0.0.0", 8, 1);
	CU_ASSERT(hit(OUT, "10.1.2.3", "8.8.8.8", 6, 1, 1) == host);
	pri = add_prio(OUT, "10.0.0.0", 7, "8.0.0.0", 7, 0);
	CU_ASSERT(hit(OUT, "10.1.2.3", "8.8.8.8", 6, 1, 1) == host);
	CU_ASSERT(key_spd_delete_id(host) == 0);
	CU_ASSERT(hit(OUT, "10.1.2.3", "8.8.8.8", 6, 1, 1) == narrow);
}

static void
test_priority(void)
{
	uint32_t low, high, mid;

	key_spd_fini();
	low = add_prio(IN, "192.168.0.0", 16, "0.0.0.0", 0, 100);
	high = add_prio(IN, "192.168.1.1", 32, "0.0.0.0", 0, 200);
	CU_ASSERT(hit(IN, "192.168.1.1", "1.1.1.1", 17, 1, 1) == low);
	mid = add_prio(IN, "0.0.0.0", 0, "1.1.1.0", 24, 50);
	CU_ASSERT(hit(IN, "192.168.1.1", "1.1.1.1", 17, 1, 1) == mid);
	CU_ASSERT(hit(IN, "192.168.1.1", "1.1.2.1", 17, 1, 1) == low);
	CU_ASSERT(key_spd_delete_id(low) == 0);
	CU_ASSERT(hit(IN, "192.168.1.1", "1.1.2.1", 17, 1, 1) == high);
	CU_ASSERT(key_spd_delete_id(mid) == 0);
	CU_ASSERT(hit(IN, "192.168.1.1", "1.1.1.1", 17, 1, 1) == high);
}

static void
test_order_v6(void)
{
	uint32_t a, b, c;

	key_spd_fini();
	a = add_prio(FWD, "2001:db8::", 32, "::", 0, 0);
	b = add_prio(FWD, "2001:db8:1::", 48, "2001:db8:2::", 48, 0);
	c = add_prio(FWD, "2001:db8:1::5", 127, "::", 0, 0);
	CU_ASSERT(hit(FWD, "2001:db8:1::4", "2001:db8:2::1", 6, 1, 1) == a);
	CU_ASSERT(key_spd_delete_id(a) == 0);
	CU_ASSERT(hit(FWD, "2001:db8:1::4", "2001:db8:2::1", 6, 1, 1) == b);
	CU_ASSERT(hit(FWD, "2001:db8:1::5", "2001:db8:3::1", 6, 1, 1) == c);
	CU_ASSERT(hit(FWD, "2001:db8:1::6", "2001:db8:3::1", 6, 1, 1) == 0);
	CU_ASSERT(hit(OUT, "2001:db8:1::4", "2001:db8:2::1", 6, 1, 1) == 0);
	/* Families never match each other. */
	CU_ASSERT(hit(FWD, "32.1.13.184", "0.0.0.0", 6, 1, 1) == 0);
	a = add_prio(FWD, "::", 0, "::", 0, 0);
	CU_ASSERT(hit(FWD, "::1", "::2", 6, 1, 1) == a);
	CU_ASSERT(hit(FWD, "2001:db8:1::4", "2001:db8:2::1", 6, 1, 1) == b);
	CU_ASSERT(hit(FWD, "1.1.1.1", "2.2.2.2", 6, 1, 1) == 0);
}

static void
test_ports_proto(void)
{
	uint32_t web, dns_any, tcp, all;

	key_spd_fini();
	web = add(pol(OUT, "0.0.0.0", 0, "192.0.2.1", 32, 6, 0, 80), false);
	dns_any = add(pol(OUT, "0.0.0.0", 0, "192.0.2.1", 32, ANY, 0, 53),
	    false);
	tcp = add(pol(OUT, "0.0.0.0", 0, "192.0.2.1", 32, 6, 1024, 0), false);
	CU_ASSERT(hit(OUT, "1.2.3.4", "192.0.2.1", 6, 5555, 80) == web);
	CU_ASSERT(hit(OUT, "1.2.3.4", "192.0.2.1", 17, 5555, 80) == 0);
	CU_ASSERT(hit(OUT, "1.2.3.4", "192.0.2.1", 6, 5555, 81) == 0);
	CU_ASSERT(hit(OUT, "1.2.3.4", "192.0.2.1", 6, 5555, 53) == dns_any);
	CU_ASSERT(hit(OUT, "1.2.3.4", "192.0.2.1", 17, 5555, 53) == dns_any);
	CU_ASSERT(hit(OUT, "1.2.3.4", "192.0.2.1", 132, 5555, 53) == dns_any);
	CU_ASSERT(hit(OUT, "1.2.3.4", "192.0.2.1", 6, 1024, 80) == web);
	CU_ASSERT(hit(OUT, "1.2.3.4", "192.0.2.1", 6, 1024, 81) == tcp);
	CU_ASSERT(hit(OUT, "1.2.3.4", "192.0.2.1", 17, 1024, 81) == 0);
	all = add(pol(OUT, "0.0.0.0", 0, "0.0.0.0", 0, ANY, 0, 0), false);
	CU_ASSERT(hit(OUT, "1.2.3.4", "192.0.2.1", 17, 1024, 81) == all);
	CU_ASSERT(hit(OUT, "1.2.3.4", "192.0.2.1", 6, 5555, 80) == web);
	CU_ASSERT(hit(OUT, "1.2.3.4", "192.0.2.2", 6, 5555, 80) == all);
	CU_ASSERT(hit(OUT, "1.2.3.4", "192.0.2.1", 47, 0, 0) == all);
}

/* ICMP selectors: type in the source port, code in the destination. */
static void
test_icmp(void)
{
	uint32_t echo, unreach_frag, ns6;

	key_spd_fini();
	echo = add(pol(IN, "0.0.0.0", 0, "0.0.0.0", 0, IPPROTO_ICMP, 8, 0),
	    false);
	unreach_frag = add(pol(IN, "0.0.0.0", 0, "0.0.0.0", 0, IPPROTO_ICMP,
	    3, 4), false);
	ns6 = add(pol(IN, "::", 0, "::", 0, IPPROTO_ICMPV6, 135, 0), false);
	CU_ASSERT(hit(IN, "1.1.1.1", "2.2.2.2", IPPROTO_ICMP, 8, 0) == echo);
	CU_ASSERT(hit(IN, "1.1.1.1", "2.2.2.2", IPPROTO_ICMP, 0, 0) == 0);
	CU_ASSERT(hit(IN, "1.1.1.1", "2.2.2.2", IPPROTO_ICMP, 3, 4) ==
	    unreach_frag);
	CU_ASSERT(hit(IN, "1.1.1.1", "2.2.2.2", IPPROTO_ICMP, 3, 1) == 0);
	CU_ASSERT(hit(IN, "1.1.1.1", "2.2.2.2", IPPROTO_UDP, 3, 4) == 0);
	CU_ASSERT(hit(IN, "fe80::1", "ff02::1:ff00:1", IPPROTO_ICMPV6, 135,
	    0) == ns6);
	CU_ASSERT(hit(IN, "fe80::1", "ff02::1", IPPROTO_ICMPV6, 136, 0) == 0);
}

static void
test_lastused(void)
{
	struct ipsec_policy *p;
	uint32_t id;

	key_spd_fini();
	net_clock_set_fake(5000);
	id = add_prio(OUT, "0.0.0.0", 0, "0.0.0.0", 0, 0);
	p = key_spd_get(id);
	CU_ASSERT(p->created == 5000 && p->lastused == 5000);
	net_clock_advance(7);
	CU_ASSERT(hit(OUT, "1.1.1.1", "2.2.2.2", 6, 1, 1) == id);
	CU_ASSERT(p->lastused == 5007);
	key_policy_put(p);
	net_clock_set_source(NULL);
}

static struct ipsec_policy *
pol_unique(const char *src, uint32_t reqid0, uint32_t reqid1)
{
	struct ipsec_policy *p = pol(OUT, src, 32, "0.0.0.0", 0, ANY, 0, 0);

	p->action = IPSEC_POLICY_IPSEC;
	p->nreq = 2;
	p->req[0].proto = IPPROTO_ESP;
	p->req[0].mode = IPSEC_MODE_TUNNEL;
	p->req[0].level = IPSEC_LEVEL_UNIQUE;
	p->req[0].reqid = reqid0;
	addr_set(&p->req[0].tun_src, "192.0.2.1");
	addr_set(&p->req[0].tun_dst, "192.0.2.2");
	p->req[1].proto = IPPROTO_AH;
	p->req[1].mode = IPSEC_MODE_TRANSPORT;
	p->req[1].level = IPSEC_LEVEL_REQUIRE;
	p->req[1].reqid = reqid1;
	return p;
}

static void
test_reqid(void)
{
	struct ipsec_policy *p, *q;
	uint32_t r;

	key_spd_fini();
	p = pol_unique("10.0.0.1", 0, 0);
	CU_ASSERT(key_spd_insert(p, false) == 0);
	CU_ASSERT(p->req[0].reqid > IPSEC_MANUAL_REQID_MAX);
	CU_ASSERT(p->req[0].reqid <= 0xffff);
	CU_ASSERT(p->req[1].reqid == 0);
	q = pol_unique("10.0.0.2", 0, 0);
	CU_ASSERT(key_spd_insert(q, false) == 0);
	CU_ASSERT(q->req[0].reqid > IPSEC_MANUAL_REQID_MAX);
	CU_ASSERT(q->req[0].reqid != p->req[0].reqid);
	key_policy_put(q);
	/* A manual reqid is kept; one in the automatic range is replaced. */
	q = pol_unique("10.0.0.3", 77, 0);
	CU_ASSERT(key_spd_insert(q, false) == 0);
	CU_ASSERT(q->req[0].reqid == 77);
	key_policy_put(q);
	q = pol_unique("10.0.0.4", 0x5000, 0);
	CU_ASSERT(key_spd_insert(q, false) == 0);
	CU_ASSERT(q->req[0].reqid != 0x5000 &&
	    q->req[0].reqid > IPSEC_MANUAL_REQID_MAX);
	key_policy_put(q);
	/* Allocation wraps after 0xffff and skips reqids in use. */
	CU_ASSERT(p->req[0].reqid == 0x4000);
	for (r = key_spd_newreqid(); r != 0xffff; r = key_spd_newreqid())
		CU_ASSERT_FATAL(r > IPSEC_MANUAL_REQID_MAX && r < 0xffff);
	CU_ASSERT(key_spd_newreqid() == 0x4003);
	CU_ASSERT(key_spd_delete(p) == 0);
	for (r = key_spd_newreqid(); r != 0xffff; r = key_spd_newreqid())
		continue;
	CU_ASSERT(key_spd_newreqid() == 0x4000);
	key_policy_put(p);
}

static void
test_snapshot(void)
{
	struct key_spd_snapshot snap;
	struct ipsec_policy *p;
	uint32_t o1, o2, o3, i1, f1;
	size_t i;

	key_spd_fini();
	CU_ASSERT(key_spd_snapshot(IPSEC_DIR_ANY, &snap) == 0);
	CU_ASSERT(snap.count == 0);
	key_spd_snapshot_free(&snap);
	f1 = add_prio(FWD, "10.0.0.0", 8, "0.0.0.0", 0, 0);
	o1 = add_prio(OUT, "10.0.0.0", 8, "0.0.0.0", 0, 5);
	o2 = add_prio(OUT, "10.1.0.0", 16, "0.0.0.0", 0, 0);
	o3 = add_prio(OUT, "10.2.0.0", 16, "0.0.0.0", 0, 5);
	i1 = add_prio(IN, "10.0.0.0", 8, "0.0.0.0", 0, 9);
	CU_ASSERT_FATAL(key_spd_snapshot(IPSEC_DIR_ANY, &snap) == 0);
	CU_ASSERT_FATAL(snap.count == 5);
	CU_ASSERT(snap.policies[0]->id == i1);
	CU_ASSERT(snap.policies[1]->id == o2);
	CU_ASSERT(snap.policies[2]->id == o1);
	CU_ASSERT(snap.policies[3]->id == o3);
	CU_ASSERT(snap.policies[4]->id == f1);
	/* Deleted while dumped: still readable until the snapshot goes. */
	CU_ASSERT(key_spd_flush() == 5);
	for (i = 0; i < snap.count; i++) {
		p = snap.policies[i];
		CU_ASSERT(!key_policy_linked(p));
		CU_ASSERT(p->refcnt == 1);
		CU_ASSERT(p->sel.src.sa.sa_family == AF_INET);
	}
	key_spd_snapshot_free(&snap);
	CU_ASSERT(snap.policies == NULL && snap.count == 0);
	add_prio(FWD, "10.0.0.0", 8, "0.0.0.0", 0, 0);
	add_prio(OUT, "10.0.0.0", 8, "0.0.0.0", 0, 0);
	CU_ASSERT_FATAL(key_spd_snapshot(FWD, &snap) == 0);
	CU_ASSERT(snap.count == 1 && snap.policies[0]->dir == FWD);
	key_spd_snapshot_free(&snap);
}

static struct ipsec_policy *expired[8];
static size_t nexpired;

static void
on_expire(struct ipsec_policy *p)
{
	CU_ASSERT(!key_policy_linked(p));
	if (nexpired < 8)
		expired[nexpired++] = key_policy_get(p);
}

static void
expired_clear(void)
{
	while (nexpired > 0)
		key_policy_put(expired[--nexpired]);
}

static void
test_lifetime(void)
{
	static const struct key_spd_events ev = { on_expire };
	struct ipsec_policy *p;
	uint32_t life, forever;

	key_spd_fini();
	key_spd_set_events(&ev);
	net_clock_set_fake(100000);
	p = pol(OUT, "10.0.0.0", 8, "0.0.0.0", 0, ANY, 0, 0);
	p->lifetime = 10;
	life = add(p, false);
	forever = add_prio(OUT, "11.0.0.0", 8, "0.0.0.0", 0, 0);
	net_clock_advance(10);
	key_spd_timer();
	CU_ASSERT(nexpired == 0);
	CU_ASSERT(hit(OUT, "10.0.0.1", "1.1.1.1", 6, 1, 1) == life);
	net_clock_advance(1);
	key_spd_timer();
	CU_ASSERT_FATAL(nexpired == 1);
	CU_ASSERT(expired[0]->id == life);
	CU_ASSERT(key_spd_get(life) == NULL);
	CU_ASSERT(hit(OUT, "10.0.0.1", "1.1.1.1", 6, 1, 1) == 0);
	CU_ASSERT(key_spd_count(OUT) == 1);
	expired_clear();
	net_clock_advance(1000000);
	key_spd_timer();
	CU_ASSERT(nexpired == 0);
	CU_ASSERT(hit(OUT, "11.0.0.1", "1.1.1.1", 6, 1, 1) == forever);
	key_spd_fini();
	net_clock_set_source(NULL);
}

static void
test_validtime(void)
{
	static const struct key_spd_events ev = { on_expire };
	struct ipsec_policy *p;
	uint32_t valid, both;

	key_spd_fini();
	key_spd_set_events(&ev);
	net_clock_set_fake(200000);
	p = pol(OUT, "10.0.0.0", 8, "0.0.0.0", 0, ANY, 0, 0);
	p->validtime = 5;
	valid = add(p, false);
	p = pol(OUT, "12.0.0.0", 8, "0.0.0.0", 0, ANY, 0, 0);
	p->validtime = 6;
	p->lifetime = 20;
	both = add(p, false);
	net_clock_advance(4);
	CU_ASSERT(hit(OUT, "10.0.0.1", "1.1.1.1", 6, 1, 1) == valid);
	CU_ASSERT(hit(OUT, "12.0.0.1", "1.1.1.1", 6, 1, 1) == both);
	net_clock_advance(4);
	key_spd_timer();
	CU_ASSERT(nexpired == 0);
	CU_ASSERT(hit(OUT, "12.0.0.1", "1.1.1.1", 6, 1, 1) == both);
	net_clock_advance(2);
	key_spd_timer();
	CU_ASSERT_FATAL(nexpired == 1);
	CU_ASSERT(expired[0]->id == valid);
	expired_clear();
	/* Used every second, the lifetime still ends it. */
	while (nexpired == 0) {
		net_clock_advance(1);
		(void)hit(OUT, "12.0.0.1", "1.1.1.1", 6, 1, 1);
		key_spd_timer();
	}
	CU_ASSERT(expired[0]->id == both);
	CU_ASSERT(net_time_now() - expired[0]->created == 21);
	expired_clear();
	/* Limits too large for time_t never expire. */
	p = pol(OUT, "10.0.0.0", 8, "0.0.0.0", 0, ANY, 0, 0);
	p->lifetime = UINT64_MAX;
	p->validtime = (uint64_t)1 << 63;
	valid = add(p, false);
	net_clock_advance(1000000);
	key_spd_timer();
	CU_ASSERT(nexpired == 0);
	CU_ASSERT(key_spd_delete_id(valid) == 0);
	/* Without an event the policy just goes. */
	key_spd_set_events(NULL);
	p = pol(OUT, "10.0.0.0", 8, "0.0.0.0", 0, ANY, 0, 0);
	p->validtime = 1;
	add(p, false);
	net_clock_advance(2);
	key_spd_timer();
	CU_ASSERT(nexpired == 0);
	CU_ASSERT(key_spd_count(IPSEC_DIR_ANY) == 0);
	net_clock_set_source(NULL);
}

static void
test_bad_queries(void)
{
	union key_sockaddr s, d;
	struct key_spd_query q = { &s.sa, &d.sa, 6, 1, 1 };

	key_spd_fini();
	add_prio(OUT, "0.0.0.0", 0, "0.0.0.0", 0, 0);
	addr_set(&s, "1.1.1.1");
	addr_set(&d, "::1");
	CU_ASSERT(key_spd_lookup(OUT, &q) == NULL);
	addr_set(&d, "1.1.1.2");
	CU_ASSERT(key_spd_lookup(0, &q) == NULL);
	CU_ASSERT(key_spd_lookup(9, &q) == NULL);
	s.sa.sa_family = AF_UNIX;
	CU_ASSERT(key_spd_lookup(OUT, &q) == NULL);
	CU_ASSERT(key_spd_count(200) == 0);
	key_spd_fini();
}

/*
 * The same packet again after every kind of change: the index remembers
 * its last answer per thread, and every change must make it forget.
 */
static void
test_repeat_sees_changes(void)
{
	uint32_t wide, narrow, high;

	key_spd_fini();
	wide = add_prio(OUT, "10.0.0.0", 8, "10.1.0.0", 16, 10);
	CU_ASSERT(hit(OUT, "10.0.0.1", "10.1.0.1", 6, 1, 2) == wide);
	CU_ASSERT(hit(OUT, "10.0.0.1", "10.1.0.1", 6, 1, 2) == wide);
	narrow = add_prio(OUT, "10.0.0.1", 32, "10.1.0.1", 32, 10);
	CU_ASSERT(hit(OUT, "10.0.0.1", "10.1.0.1", 6, 1, 2) == wide);
	high = add_prio(OUT, "10.0.0.1", 32, "10.1.0.0", 24, 5);
	CU_ASSERT(hit(OUT, "10.0.0.1", "10.1.0.1", 6, 1, 2) == high);
	CU_ASSERT(key_spd_delete_id(high) == 0);
	CU_ASSERT(hit(OUT, "10.0.0.1", "10.1.0.1", 6, 1, 2) == wide);
	CU_ASSERT(key_spd_delete_id(wide) == 0);
	CU_ASSERT(hit(OUT, "10.0.0.1", "10.1.0.1", 6, 1, 2) == narrow);
	/* A lookup in another direction keeps its own memo. */
	CU_ASSERT(hit(IN, "10.1.0.1", "10.0.0.1", 6, 2, 1) == 0);
	CU_ASSERT(hit(OUT, "10.0.0.1", "10.1.0.1", 6, 1, 2) == narrow);
	key_spd_flush();
	CU_ASSERT(hit(OUT, "10.0.0.1", "10.1.0.1", 6, 1, 2) == 0);
	narrow = add_prio(OUT, "10.0.0.1", 32, "10.1.0.1", 32, 10);
	CU_ASSERT(hit(OUT, "10.0.0.1", "10.1.0.1", 6, 1, 2) == narrow);
	key_spd_fini();
	CU_ASSERT(hit(OUT, "10.0.0.1", "10.1.0.1", 6, 1, 2) == 0);
}

static const struct test_case spd_cases[] = {
	{ "insert, EEXIST, get", test_insert_get },
	{ "update replaces with a new id", test_update },
	{ "delete by selector, id, pointer", test_delete },
	{ "flush keeps persistent policies", test_flush_persistent },
	{ "invalid policies refused", test_invalid },
	{ "IPv4 first match in insertion order", test_order_v4 },
	{ "priority before insertion order", test_priority },
	{ "IPv6 first match", test_order_v6 },
	{ "port and protocol wildcards", test_ports_proto },
	{ "ICMP type and code selectors", test_icmp },
	{ "lookup records lastused", test_lastused },
	{ "reqid allocation", test_reqid },
	{ "snapshot order and references", test_snapshot },
	{ "lifetime expiry", test_lifetime },
	{ "validtime expiry", test_validtime },
	{ "bad queries", test_bad_queries },
	{ "a repeated lookup sees every change", test_repeat_sees_changes },
	{ NULL, NULL }
};

const struct test_suite test_suites[] = {
	{ "key_spd", suite_init, suite_fini, spd_cases },
	{ NULL, NULL, NULL, NULL }
};
