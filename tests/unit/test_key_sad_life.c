/*
 * SA lifetimes with the fake clock: larval reaping, soft and hard limits
 * in addtime, usetime, bytes and allocations, and the events they fire.
 */
#include "test_key_sad_util.h"
#include "testlib.h"

static struct ipsec_sa *
mature_sa(uint32_t spi)
{
	struct ipsec_sa *sa = t_add(SADB_SATYPE_ESP, "10.0.0.1", "10.0.0.2",
	    spi, SADB_SASTATE_MATURE);

	if (sa != NULL)
		key_sa_get(sa);		/* the test's own reference */
	return sa;
}

static void
test_larval_reaped(void)
{
	struct ipsec_sa *a, *b;

	t_reset();
	a = t_add(SADB_SATYPE_ESP, "10.0.0.1", "10.0.0.2", 0x100,
	    SADB_SASTATE_LARVAL);
	key_sa_get(a);
	net_clock_advance(20);
	b = t_add(SADB_SATYPE_ESP, "10.0.0.1", "10.0.0.2", 0x101,
	    SADB_SASTATE_LARVAL);
	net_clock_advance(10);		/* a is 30 s old: not yet */
	key_sad_timer();
	CU_ASSERT_EQUAL(key_sad_count(0), 2);
	net_clock_advance(1);
	key_sad_timer();
	CU_ASSERT_EQUAL(key_sad_count(0), 1);
	CU_ASSERT_EQUAL_FATAL(t_nevents, 1);
	CU_ASSERT_PTR_EQUAL(t_events[0].sa, a);
	CU_ASSERT_EQUAL(t_events[0].kind, 'r');
	CU_ASSERT_EQUAL(t_events[0].reason, KEY_SAD_RM_LARVAL_REAPED);
	CU_ASSERT_EQUAL(a->state, SADB_SASTATE_DEAD);
	CU_ASSERT_PTR_EQUAL(key_sad_find_larval_seq(0), b);
	key_sa_put(a);
	/* A mature SA is never reaped as larval; the tunable is honoured. */
	key_sad_set_state(b, SADB_SASTATE_MATURE);
	key_vars.larval_lifetime = 5;
	net_clock_advance(100);
	key_sad_timer();
	CU_ASSERT_EQUAL(key_sad_count(0), 1);
	CU_ASSERT_EQUAL(t_nevents, 1);
	t_add(SADB_SATYPE_AH, "10.0.0.1", "10.0.0.2", 0x102,
	    SADB_SASTATE_LARVAL);
	net_clock_advance(6);
	key_sad_timer();
	CU_ASSERT_EQUAL(key_sad_count(SADB_SATYPE_AH), 0);
}

static void
test_addtime_soft_hard(void)
{
	struct ipsec_sa *sa;

	t_reset();
	sa = mature_sa(0x200);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sa);
	sa->soft.addtime = 80;
	sa->hard.addtime = 100;
	net_clock_advance(80);
	key_sad_timer();
	CU_ASSERT_EQUAL(sa->state, SADB_SASTATE_MATURE);
	CU_ASSERT_EQUAL(t_nevents, 0);
	net_clock_advance(1);
	key_sad_timer();
	CU_ASSERT_EQUAL(sa->state, SADB_SASTATE_DYING);
	CU_ASSERT_EQUAL_FATAL(t_nevents, 1);
	CU_ASSERT_EQUAL(t_events[0].kind, 's');
	CU_ASSERT_EQUAL(t_events[0].state, SADB_SASTATE_DYING);
	/* Soft fires once; a never-used SA is kept (FreeBSD behaviour). */
	net_clock_advance(5);
	key_sad_timer();
	CU_ASSERT_EQUAL(t_nevents, 1);
	CU_ASSERT(sa->linked);
	net_clock_advance(15);
	key_sad_timer();
	CU_ASSERT_EQUAL_FATAL(t_nevents, 3);
	CU_ASSERT_EQUAL(t_events[1].kind, 'h');
	CU_ASSERT_EQUAL(t_events[1].state, SADB_SASTATE_DEAD);
	CU_ASSERT_EQUAL(t_events[2].kind, 'r');
	CU_ASSERT_EQUAL(t_events[2].reason, KEY_SAD_RM_HARD_EXPIRED);
	CU_ASSERT(!sa->linked);
	CU_ASSERT_EQUAL(key_sad_count(0), 0);
	key_sa_put(sa);
}

/* Hard and soft due at the same tick: only the hard expire fires. */
static void
test_hard_wins_tie(void)
{
	struct ipsec_sa *sa;

	t_reset();
	sa = mature_sa(0x201);
	sa->soft.addtime = 50;
	sa->hard.addtime = 50;
	net_clock_advance(51);
	key_sad_timer();
	CU_ASSERT_EQUAL_FATAL(t_nevents, 2);
	CU_ASSERT_EQUAL(t_events[0].kind, 'h');
	CU_ASSERT_EQUAL(t_events[1].kind, 'r');
	key_sa_put(sa);
}

static void
test_usetime(void)
{
	struct ipsec_sa *sa;

	t_reset();
	sa = mature_sa(0x300);
	sa->soft.usetime = 10;
	sa->hard.usetime = 20;
	/* Unused: no usetime expiry however long it waits. */
	net_clock_advance(1000);
	key_sad_timer();
	CU_ASSERT_EQUAL(t_nevents, 0);
	CU_ASSERT_EQUAL(sa->cur.usetime, 0);
	CU_ASSERT_EQUAL(key_sa_account(sa, 100), 0);
	CU_ASSERT_EQUAL(sa->cur.usetime, T_NOW + 1000);
	net_clock_advance(5);
	CU_ASSERT_EQUAL(key_sa_account(sa, 100), 0);
	CU_ASSERT_EQUAL(sa->cur.usetime, T_NOW + 1000);	/* first use */
	net_clock_advance(6);
	key_sad_timer();
	CU_ASSERT_EQUAL(sa->state, SADB_SASTATE_DYING);
	CU_ASSERT_EQUAL(t_nevents, 1);
	net_clock_advance(10);
	key_sad_timer();
	CU_ASSERT_EQUAL(t_nevents, 3);
	CU_ASSERT(!sa->linked);
	CU_ASSERT_EQUAL(key_sa_account(sa, 1), -1);
	key_sa_put(sa);
}

static void
test_bytes(void)
{
	struct ipsec_sa *sa;

	t_reset();
	sa = mature_sa(0x400);
	sa->soft.bytes = 1000;
	sa->hard.bytes = 1500;
	CU_ASSERT_EQUAL(key_sa_account(sa, 1000), 0);
	CU_ASSERT_EQUAL(sa->state, SADB_SASTATE_MATURE);
	CU_ASSERT_EQUAL(key_sa_account(sa, 1), 0);
	CU_ASSERT_EQUAL(sa->state, SADB_SASTATE_DYING);
	CU_ASSERT_EQUAL(t_nevents, 1);
	CU_ASSERT_EQUAL(t_events[0].kind, 's');
	CU_ASSERT_EQUAL(key_sa_account(sa, 499), 0);
	/* The packet that crosses the hard limit is refused. */
	CU_ASSERT_EQUAL(key_sa_account(sa, 1), -1);
	CU_ASSERT_EQUAL(sa->state, SADB_SASTATE_DEAD);
	CU_ASSERT_EQUAL_FATAL(t_nevents, 2);
	CU_ASSERT_EQUAL(t_events[1].kind, 'h');
	CU_ASSERT_EQUAL(key_sa_account(sa, 1), -1);
	CU_ASSERT_EQUAL(t_nevents, 2);
	CU_ASSERT_EQUAL(sa->cur.bytes, 1501);
	/* Still linked until the timer; selection skips it meanwhile. */
	CU_ASSERT(sa->linked);
	CU_ASSERT_PTR_NULL(key_sad_select(&sa->src.sa, &sa->dst.sa,
	    IPPROTO_ESP, IPSEC_MODE_TRANSPORT, 0));
	key_sad_timer();
	CU_ASSERT(!sa->linked);
	CU_ASSERT_EQUAL_FATAL(t_nevents, 3);
	CU_ASSERT_EQUAL(t_events[2].kind, 'r');
	CU_ASSERT_EQUAL(t_events[2].reason, KEY_SAD_RM_HARD_EXPIRED);
	key_sa_put(sa);
}

static void
test_allocations(void)
{
	struct ipsec_sa *sa;
	int i;

	t_reset();
	sa = mature_sa(0x500);
	sa->soft.allocations = 3;
	sa->hard.allocations = 5;
	for (i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(key_sa_account(sa, 0), 0);
	CU_ASSERT_EQUAL(t_nevents, 0);
	CU_ASSERT_EQUAL(key_sa_account(sa, 0), 0);
	CU_ASSERT_EQUAL(t_nevents, 1);
	CU_ASSERT_EQUAL(key_sa_account(sa, 0), 0);
	CU_ASSERT_EQUAL(key_sa_account(sa, 0), -1);
	CU_ASSERT_EQUAL(sa->cur.allocations, 6);
	CU_ASSERT_EQUAL(t_nevents, 2);
	key_sa_put(sa);
}

/* A limit lowered below the count (an UPDATE) is caught by the timer. */
static void
test_timer_checks_counts(void)
{
	struct ipsec_sa *sa;

	t_reset();
	sa = mature_sa(0x600);
	CU_ASSERT_EQUAL(key_sa_account(sa, 5000), 0);
	sa->soft.bytes = 100;
	key_sad_timer();
	CU_ASSERT_EQUAL(sa->state, SADB_SASTATE_DYING);
	sa->hard.bytes = 200;
	key_sad_timer();
	CU_ASSERT(!sa->linked);
	CU_ASSERT_EQUAL(t_nevents, 3);
	key_sa_put(sa);
}

/* Without registered events the state changes still happen. */
static void
test_no_events(void)
{
	struct ipsec_sa *sa;

	t_reset();
	key_sad_set_events(NULL);
	sa = mature_sa(0x700);
	sa->soft.addtime = 1;
	sa->hard.addtime = 3;
	net_clock_advance(2);
	key_sad_timer();
	CU_ASSERT_EQUAL(sa->state, SADB_SASTATE_DYING);
	net_clock_advance(2);
	key_sad_timer();
	CU_ASSERT_EQUAL(sa->state, SADB_SASTATE_DEAD);
	CU_ASSERT(!sa->linked);
	CU_ASSERT_EQUAL(t_nevents, 0);
	key_sa_put(sa);
}

/* Limits of 0 mean none; SAs without limits live forever. */
static void
test_no_limits(void)
{
	struct ipsec_sa *sa;
	int i;

	t_reset();
	sa = mature_sa(0x800);
	for (i = 0; i < 1000; i++)
		CU_ASSERT_EQUAL(key_sa_account(sa, 65535), 0);
	net_clock_advance(10 * 365 * 86400);
	key_sad_timer();
	CU_ASSERT_EQUAL(sa->state, SADB_SASTATE_MATURE);
	CU_ASSERT_EQUAL(t_nevents, 0);
	key_sa_put(sa);
}

static const struct test_case life_cases[] = {
	{ "larval SAs reaped", test_larval_reaped },
	{ "addtime soft then hard", test_addtime_soft_hard },
	{ "hard wins a tie", test_hard_wins_tie },
	{ "usetime from first use", test_usetime },
	{ "byte limits", test_bytes },
	{ "allocation limits", test_allocations },
	{ "timer checks lowered count limits", test_timer_checks_counts },
	{ "no events registered", test_no_events },
	{ "no limits", test_no_limits },
	{ NULL, NULL },
};

const struct test_suite test_suites[] = {
	{ "key_sad lifetimes", t_suite_init, t_suite_fini, life_cases },
	{ NULL, NULL, NULL, NULL },
};
