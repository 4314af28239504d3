/*
 * The notifications the key engine sends about policies: SADB_X_SPDEXPIRE
 * when the SPD's timer removes a policy (run with the fake clock), and
 * SADB_X_SPDACQUIRE with its per-policy rate limiting.  Both go to the
 * registered sockets only.
 */
#include <errno.h>
#include <string.h>

#include <netipsec/ipsec.h>

#include "sys/net/net_clock.h"
#include "sys/netkey/key_msg_spd.h"
#include "sys/netkey/key_spd.h"
#include "sys/netkey/key_var.h"
#include "sys/netkey/keysock.h"
#include "tests/unit/key_msg_spd_util.h"
#include "tests/unit/testlib.h"

#define T0	1700000000

static struct sa_client reg, other;
static uint64_t buf[SPDT_MSG_WORDS];

static void
setup(void)
{
	net_clock_set_fake(T0);
	key_spd_fini();
	key_msg_spd_fini();
	key_vars_reset();
	key_msg_spd_init();
	sa_client_open(&reg);
	sa_client_open(&other);
	CU_ASSERT_FATAL(keysock_register(reg.so, SADB_SATYPE_ESP) == 0);
}

static void
teardown(void)
{
	sa_client_close(&reg);
	sa_client_close(&other);
	key_spd_fini();
	key_msg_spd_fini();
	net_clock_set_source(NULL);
}

/* Add a policy from the unregistered client; its id. */
static uint32_t
add(const struct spdt_spec *s)
{
	struct key_msg m;
	uint32_t id = 0;

	spdt_send(&other, s);
	if (spdt_expect(&other, buf, s->type, s->seq, 0, &m) > 0)
		id = KEY_MSG_EXT(&m, SADB_X_EXT_POLICY,
		    sadb_x_policy)->sadb_x_policy_id;
	CU_ASSERT_EQUAL(spdt_drain(&reg), 1);
	return id;
}

static void
check_expire(uint32_t id, uint64_t addtime, uint64_t usetime,
    time_t created, time_t lastused)
{
	const struct sadb_lifetime *lc, *lh;
	const struct sadb_x_policy *xpl;
	struct key_msg m;

	CU_ASSERT_FATAL(spdt_expect(&reg, buf, SADB_X_SPDEXPIRE, 0, 0, &m) >
	    0);
	xpl = KEY_MSG_EXT(&m, SADB_X_EXT_POLICY, sadb_x_policy);
	lc = KEY_MSG_EXT(&m, SADB_EXT_LIFETIME_CURRENT, sadb_lifetime);
	lh = KEY_MSG_EXT(&m, SADB_EXT_LIFETIME_HARD, sadb_lifetime);
	CU_ASSERT_FATAL(xpl != NULL && lc != NULL && lh != NULL);
	CU_ASSERT_PTR_NOT_NULL(m.ext[SADB_EXT_ADDRESS_SRC]);
	CU_ASSERT_PTR_NOT_NULL(m.ext[SADB_EXT_ADDRESS_DST]);
	CU_ASSERT_EQUAL(xpl->sadb_x_policy_id, id);
	CU_ASSERT_EQUAL(xpl->sadb_x_policy_type, IPSEC_POLICY_IPSEC);
	CU_ASSERT_PTR_NOT_NULL(key_msg_request_first(xpl));
	CU_ASSERT_EQUAL(lh->sadb_lifetime_addtime, addtime);
	CU_ASSERT_EQUAL(lh->sadb_lifetime_usetime, usetime);
	CU_ASSERT_EQUAL(lc->sadb_lifetime_addtime, (uint64_t)created);
	CU_ASSERT_EQUAL(lc->sadb_lifetime_usetime, (uint64_t)lastused);
	CU_ASSERT_EQUAL(m.hdr->sadb_msg_satype, SADB_SATYPE_UNSPEC);
}

static void
test_expire_lifetime(void)
{
	struct spdt_spec s;
	uint32_t id;

	setup();
	spdt_spec_default(&s);
	s.lifetime = true;
	s.addtime = 100;
	id = add(&s);
	CU_ASSERT_FATAL(id != 0);
	net_clock_advance(100);
	key_spd_timer();
	CU_ASSERT_EQUAL(spdt_drain(&reg), 0);
	CU_ASSERT_EQUAL(key_spd_count(IPSEC_DIR_ANY), 1);
	net_clock_advance(1);
	key_spd_timer();
	check_expire(id, 100, 0, T0, T0);
	/* Registered sockets only. */
	CU_ASSERT_EQUAL(spdt_drain(&other), 0);
	CU_ASSERT_EQUAL(key_spd_count(IPSEC_DIR_ANY), 0);
	teardown();
}

/* validtime counts from the last use; a lookup renews it. */
static void
test_expire_validtime(void)
{
	struct sockaddr_storage src, dst;
	struct key_spd_query q;
	struct ipsec_policy *p;
	struct spdt_spec s;
	uint32_t id;

	setup();
	spdt_spec_default(&s);
	s.lifetime = true;
	s.usetime = 30;
	id = add(&s);
	spdt_sockaddr(&src, "192.0.2.9", 0);
	spdt_sockaddr(&dst, "198.51.100.7", 0);
	q = (struct key_spd_query){ (void *)&src, (void *)&dst, IPPROTO_TCP,
	    40000, 443 };
	net_clock_advance(20);
	p = key_spd_lookup(IPSEC_DIR_OUTBOUND, &q);
	CU_ASSERT_FATAL(p != NULL && p->id == id);
	key_policy_put(p);
	net_clock_advance(20);
	key_spd_timer();
	CU_ASSERT_EQUAL(spdt_drain(&reg), 0);
	net_clock_advance(11);
	key_spd_timer();
	check_expire(id, 0, 30, T0, T0 + 20);
	teardown();
}

static bool
got_acquire(uint32_t id)
{
	const struct sadb_x_policy *xpl;
	struct key_msg m;

	if (spdt_expect(&reg, buf, SADB_X_SPDACQUIRE, 0, 0, &m) < 0)
		return false;
	xpl = KEY_MSG_EXT(&m, SADB_X_EXT_POLICY, sadb_x_policy);
	CU_ASSERT_FATAL(xpl != NULL);
	CU_ASSERT_EQUAL(xpl->sadb_x_policy_id, id);
	CU_ASSERT_EQUAL(xpl->sadb_x_policy_dir, IPSEC_DIR_OUTBOUND);
	CU_ASSERT_PTR_NULL(key_msg_request_first(xpl));
	CU_ASSERT_PTR_NOT_NULL(m.ext[SADB_EXT_ADDRESS_SRC]);
	return true;
}

/*
 * KAME's spacq blocking: after a message, blockacq_count + 1 triggers are
 * swallowed, then one goes again; after blockacq_lifetime seconds the
 * entry is forgotten and the next trigger sends at once.
 */
static void
test_acquire_rate(void)
{
	struct ipsec_policy *p, *full;
	struct spdt_spec s;
	uint32_t id, id2;
	int i;

	setup();
	spdt_spec_default(&s);
	s.type = SADB_X_SPDSETIDX;
	s.nreq = 0;
	id = add(&s);
	s.dport = 80;
	id2 = add(&s);
	p = key_spd_get(id);
	CU_ASSERT_FATAL(p != NULL);
	CU_ASSERT_EQUAL(key_spdacquire(p), 0);
	CU_ASSERT(got_acquire(id));
	CU_ASSERT_EQUAL(spdt_drain(&other), 0);
	for (i = 0; i <= key_vars.blockacq_count; i++)
		CU_ASSERT_EQUAL(key_spdacquire(p), 0);
	CU_ASSERT_EQUAL(spdt_drain(&reg), 0);
	CU_ASSERT_EQUAL(key_spdacquire(p), 0);
	CU_ASSERT(got_acquire(id));
	/* Another policy has its own entry. */
	full = key_spd_get(id2);
	CU_ASSERT_EQUAL(key_spdacquire(full), 0);
	CU_ASSERT(got_acquire(id2));
	key_policy_put(full);
	CU_ASSERT_EQUAL(key_spdacquire_count(), 2);
	/* Blocked again; then the block ages out. */
	CU_ASSERT_EQUAL(key_spdacquire(p), 0);
	CU_ASSERT_EQUAL(spdt_drain(&reg), 0);
	net_clock_advance(key_vars.blockacq_lifetime + 1);
	CU_ASSERT_EQUAL(key_spdacquire(p), 0);
	CU_ASSERT(got_acquire(id));
	/* The timer forgets stale entries. */
	net_clock_advance(key_vars.blockacq_lifetime + 1);
	key_spdacquire_timer();
	CU_ASSERT_EQUAL(key_spdacquire_count(), 0);
	key_policy_put(p);
	teardown();
}

/* Only an IPSEC policy without requests asks for them. */
static void
test_acquire_refused(void)
{
	const struct sadb_msg *h;
	struct ipsec_policy *p;
	struct spdt_spec s;
	uint32_t id;

	setup();
	spdt_spec_default(&s);
	id = add(&s);
	p = key_spd_get(id);
	CU_ASSERT_FATAL(p != NULL);
	CU_ASSERT_EQUAL(key_spdacquire(p), EINVAL);
	key_policy_put(p);
	s.type = SADB_X_SPDUPDATE;
	s.action = IPSEC_POLICY_DISCARD;
	s.nreq = 0;
	id = add(&s);
	p = key_spd_get(id);
	CU_ASSERT_FATAL(p != NULL);
	CU_ASSERT_EQUAL(key_spdacquire(p), EINVAL);
	key_policy_put(p);
	CU_ASSERT_EQUAL(key_spdacquire(NULL), EINVAL);
	CU_ASSERT_EQUAL(spdt_drain(&reg), 0);
	CU_ASSERT_EQUAL(key_spdacquire_count(), 0);
	/* A client may not send the engine's notifications. */
	spdt_spec_default(&s);
	s.type = SADB_X_SPDEXPIRE;
	spdt_send(&other, &s);
	CU_ASSERT_EQUAL(spdt_recv(&other, buf),
	    (ssize_t)sizeof(struct sadb_msg));
	h = (const void *)buf;
	CU_ASSERT_EQUAL(h->sadb_msg_errno, EINVAL);
	teardown();
}

static const struct test_case notify_cases[] = {
	{ "SPDEXPIRE on lifetime, registered only", test_expire_lifetime },
	{ "SPDEXPIRE on validtime after use", test_expire_validtime },
	{ "SPDACQUIRE rate limited per policy", test_acquire_rate },
	{ "SPDACQUIRE only for request-less IPSEC", test_acquire_refused },
	{ NULL, NULL }
};

const struct test_suite test_suites[] = {
	{ "key_msg_spd_notify", NULL, NULL, notify_cases },
	{ NULL, NULL, NULL, NULL }
};
