/*
 * The MIB registry and the control protocol's server side: both tables
 * registered as sockmgr registers them, their defaults against the
 * variables' initial values, both spellings, ranges, all-or-nothing
 * writes, root-only writes and zeroing, statistics walks, and a write
 * seen by a thread that is polling the variable.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sys/net/mib.h"
#include "sys/net/mib_client.h"
#include "sys/net/mib_proto.h"
#include "sys/netipsec/esp_var.h"
#include "sys/netipsec/ipsec_stat.h"
#include "sys/netipsec/ipsec_var.h"
#include "sys/netkey/key_stat.h"
#include "sys/netkey/key_var.h"
#include "testlib.h"

static char reply[MIB_PROTO_MAX];

static int
setup(void)
{
	mib_unregister_all();
	if (mib_register(key_var_mib, key_var_mib_count) != 0 ||
	    mib_register(ipsec_var_mib, ipsec_var_mib_count) != 0)
		return -1;
	return 0;
}

static const char *
serve(const char *req, uid_t uid)
{
	size_t n = mib_proto_serve(req, strlen(req), uid, reply,
	    sizeof(reply) - 1);

	reply[n] = '\0';
	return reply;
}

/* Runs first: nothing has written a variable yet. */
static void
test_defaults_are_initial_values(void)
{
	const struct mib_node *tabs[] = { key_var_mib, ipsec_var_mib };
	size_t counts[] = { key_var_mib_count, ipsec_var_mib_count };
	size_t t, i;

	for (t = 0; t < 2; t++)
		for (i = 0; i < counts[t]; i++)
			if (tabs[t][i].kind == MIB_INT) {
				CU_ASSERT_EQUAL(*tabs[t][i].var,
				    tabs[t][i].def);
				CU_ASSERT(tabs[t][i].min <= tabs[t][i].def &&
				    tabs[t][i].def <= tabs[t][i].max);
			}
}

static void
test_lookup_spellings(void)
{
	const char *pairs[][2] = {
		{ "net.key.spi_trycnt", "net.key.spi_try" },
		{ "net.key.spi_minval", "net.key.spi_min_value" },
		{ "net.key.spi_maxval", "net.key.spi_max_value" },
		{ "net.key.preferred_oldsa", "net.key.prefered_oldsa" },
		{ "net.inet.ipsec.stats", "net.inet.ipsec.ipsecstats" },
		{ "net.inet.ipsec.ah_cleartos", "net.inet.ah.ah_cleartos" },
	};
	size_t i;

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		CU_ASSERT_PTR_NOT_NULL(mib_lookup(pairs[i][0]));
		CU_ASSERT_PTR_EQUAL(mib_lookup(pairs[i][0]),
		    mib_lookup(pairs[i][1]));
	}
	CU_ASSERT_PTR_NULL(mib_lookup("net.inet6.ipsec6.dfbit"));
	CU_ASSERT_PTR_NULL(mib_lookup("net.key"));
	/* A table cannot be registered twice. */
	CU_ASSERT_EQUAL(mib_register(key_var_mib, key_var_mib_count), -1);
	CU_ASSERT_EQUAL(errno, EEXIST);
}

static int
count_node(const struct mib_node *n, void *arg)
{
	(void)n;
	(*(int *)arg)++;
	return 0;
}

static void
test_walk_prefix(void)
{
	int n = 0;

	/*
	 * net.inet.ipsec: stats + 8 per family + 3 IPv4-only, the udpencap
	 * stats, the hold queue's three variables and its stats.
	 */
	CU_ASSERT_EQUAL(mib_walk("net.inet.ipsec", count_node, &n), 17);
	CU_ASSERT_EQUAL(n, 17);
	CU_ASSERT_EQUAL(mib_walk("net.inet6.ipsec6", count_node, &n), 9);
	CU_ASSERT_EQUAL(mib_walk("net.inet.ipse", count_node, &n), 0);
	CU_ASSERT_EQUAL(mib_walk("", count_node, &n),
	    key_var_mib_count + ipsec_var_mib_count);
}

static void
test_set_ranges(void)
{
	CU_ASSERT_EQUAL(mib_set_string("net.inet.ipsec.dfbit", "2"), 0);
	CU_ASSERT_EQUAL(ipsec_vars.dfbit, 2);
	CU_ASSERT_EQUAL(mib_set_string("net.inet.ipsec.dfbit", "3"), EINVAL);
	CU_ASSERT_EQUAL(mib_set_string("net.inet.ipsec.dfbit", "1x"), EINVAL);
	CU_ASSERT_EQUAL(mib_set_string("net.inet.ipsec.dfbit", ""), EINVAL);
	CU_ASSERT_EQUAL(mib_set_string("net.inet.ipsec.dfbit",
	    "99999999999"), EINVAL);
	CU_ASSERT_EQUAL(ipsec_vars.dfbit, 2);
	CU_ASSERT_EQUAL(mib_set_string("net.inet.ipsec.def_policy", "2"),
	    EINVAL);
	CU_ASSERT_EQUAL(mib_set_string("net.inet.ipsec.ecn", "-1"), 0);
	CU_ASSERT_EQUAL(ipsec_af_vars(AF_INET)->ecn, -1);
	CU_ASSERT_EQUAL(ipsec_af_vars(AF_INET6)->ecn, 0);
	CU_ASSERT_EQUAL(mib_set_string("net.key.spi_max_value", "0x1000"), 0);
	CU_ASSERT_EQUAL(key_vars.spi_maxval, 0x1000);
	CU_ASSERT_EQUAL(mib_set_string("net.inet.esp.stats", "0"), EROFS);
	CU_ASSERT_EQUAL(mib_set_string("net.inet.nothing", "0"), ENOENT);
	ipsec_vars_reset();
	key_vars_reset();
	CU_ASSERT_EQUAL(ipsec_vars.dfbit, 0);
	CU_ASSERT_EQUAL(key_vars.spi_maxval, 0x0fffffff);
}

static void
test_proto_get(void)
{
	CU_ASSERT_STRING_EQUAL(serve("get net.key.prefered_oldsa", 1000),
	    "0\nnet.key.prefered_oldsa\tint\trw\t0\t1\t1\t1\t"
	    "Outbound packets use the oldest of several SAs\n");
	CU_ASSERT_STRING_EQUAL(serve("get net.inet.ipsec.nothing", 0),
	    "2 net.inet.ipsec.nothing\n");
	CU_ASSERT(strncmp(serve("get net.inet.esp", 0),
	    "0\nnet.inet.esp.esp_enable\tint\trw\t0\t1\t1\t1\t", 40) == 0);
	CU_ASSERT(strstr(reply, "\nnet.inet.esp.stats\tstats\tro\t") != NULL);
	CU_ASSERT_STRING_EQUAL(serve("frob x", 0), "95 frob\n");
	CU_ASSERT_STRING_EQUAL(serve("", 0), "22 request\n");
}

static void
test_proto_set_all_or_nothing(void)
{
	CU_ASSERT_STRING_EQUAL(serve("set net.inet.ipsec.dfbit=1 "
	    "net.key.blockacq_count=3", 0),
	    "0\nnet.inet.ipsec.dfbit\t0\t1\nnet.key.blockacq_count\t10\t3\n");
	CU_ASSERT_EQUAL(ipsec_vars.dfbit, 1);
	CU_ASSERT_EQUAL(key_vars.blockacq_count, 3);
	/* One bad item: nothing is stored. */
	CU_ASSERT_STRING_EQUAL(serve("set net.inet.ipsec.dfbit=2 "
	    "net.inet.ipsec.ecn=5", 0), "22 net.inet.ipsec.ecn=5\n");
	CU_ASSERT_EQUAL(ipsec_vars.dfbit, 1);
	CU_ASSERT_STRING_EQUAL(serve("set net.inet.ipsec.dfbit=2 "
	    "net.inet.ipsec.bogus=1", 0), "2 net.inet.ipsec.bogus=1\n");
	CU_ASSERT_STRING_EQUAL(serve("set net.inet.ipsec.stats=0", 0),
	    "30 net.inet.ipsec.stats=0\n");
	CU_ASSERT_STRING_EQUAL(serve("set net.inet.ipsec.dfbit", 0),
	    "22 net.inet.ipsec.dfbit\n");
	/* Not root: refused, whatever the value. */
	CU_ASSERT_STRING_EQUAL(serve("set net.inet.ipsec.dfbit=2", 65534),
	    "1 net.inet.ipsec.dfbit=2\n");
	CU_ASSERT_EQUAL(ipsec_vars.dfbit, 1);
	ipsec_vars_reset();
	key_vars_reset();
}

static void
test_proto_stats_and_zero(void)
{
	struct mib_counters cs;
	char *body;

	/* Two workers' rows: the walk reports their sum. */
	net_counter_add(&espstat_counters, ESPS_INPUT, 2);
	CU_ASSERT(net_worker_set(5) == 0);
	net_counter_add(&espstat_counters, ESPS_INPUT, 3);
	CU_ASSERT(net_worker_set(0) == 0);
	net_counter_add(&espstat_hist, 12, 4);
	ipsecstat_inc(AF_INET6, IPSECS_OUT_SUCCESS);
	pfkeystat.in_msgtarget[2] = 7;
	serve("stats net.inet.esp.stats", 1000);
	CU_ASSERT(strncmp(reply, "0\nesps_hdrops 0\n", 16) == 0);
	CU_ASSERT(strstr(reply, "\nesps_input 5\n") != NULL);
	CU_ASSERT(strstr(reply, "\nesps_hist[12] 4\n") != NULL);
	body = strchr(reply, '\n') + 1;
	CU_ASSERT_EQUAL_FATAL(mib_counters_parse(&cs, body), 0);
	CU_ASSERT_EQUAL(mib_counters_get(&cs, "esps_input", -1), 5);
	CU_ASSERT_EQUAL(mib_counters_get(&cs, "esps_hist", 12), 4);
	CU_ASSERT_EQUAL(mib_counters_get(&cs, "esps_hist", 3), 0);
	mib_counters_from_node(&cs, mib_lookup("net.inet6.ipsec6.stats"));
	CU_ASSERT_EQUAL(mib_counters_get(&cs, "out_success", -1), 1);
	mib_counters_from_node(&cs, mib_lookup("net.inet.ipsec.stats"));
	CU_ASSERT_EQUAL(mib_counters_get(&cs, "out_success", -1), 0);
	serve("stats net.key.stats", 0);
	CU_ASSERT(strstr(reply, "\nin_msgtarget[2] 7\n") != NULL);
	CU_ASSERT_STRING_EQUAL(serve("stats net.inet.ipsec.dfbit", 0),
	    "22 net.inet.ipsec.dfbit\n");

	CU_ASSERT_STRING_EQUAL(serve("zero net.inet.esp.stats", 1000),
	    "1 net.inet.esp.stats\n");
	CU_ASSERT_EQUAL(net_counter_sum(&espstat_counters, ESPS_INPUT), 5);
	CU_ASSERT_STRING_EQUAL(serve("zero net.inet.esp.stats "
	    "net.inet.ipsec.dfbit", 0), "30 net.inet.ipsec.dfbit\n");
	CU_ASSERT_EQUAL(net_counter_sum(&espstat_counters, ESPS_INPUT), 5);
	CU_ASSERT_STRING_EQUAL(serve("zero net.inet.esp.stats "
	    "net.inet6.ipsec6.stats net.key.stats", 0), "0\n");
	CU_ASSERT_EQUAL(net_counter_sum(&espstat_counters, ESPS_INPUT), 0);
	CU_ASSERT_EQUAL(net_counter_sum(&espstat_hist, 12), 0);
	CU_ASSERT_EQUAL(ipsecstat_value(AF_INET6, IPSECS_OUT_SUCCESS), 0);
	CU_ASSERT_EQUAL(pfkeystat.in_msgtarget[2], 0);
}

static void
test_counters_parse_rejects(void)
{
	struct mib_counters cs;
	char bad1[] = "esps_input\n", bad2[] = "esps_input x\n",
	    bad3[] = "esps_hist[ 1\n", bad4[] = "a[-1] 1\n";

	CU_ASSERT_EQUAL(mib_counters_parse(&cs, bad1), -1);
	CU_ASSERT_EQUAL(mib_counters_parse(&cs, bad2), -1);
	CU_ASSERT_EQUAL(mib_counters_parse(&cs, bad3), -1);
	CU_ASSERT_EQUAL(mib_counters_parse(&cs, bad4), -1);
}

/* Requests no client sends: refused whole, nothing changed or read. */
static void
test_proto_bad_requests(void)
{
	static char big[MIB_PROTO_MAX + 2];
	char nul[] = "set net.inet.ipsec.dfbit=1\0x";
	size_t n, i, len;

	memset(big, 'a', sizeof(big) - 1);
	n = mib_proto_serve(big, sizeof(big) - 1, 0, reply, sizeof(reply));
	reply[n] = '\0';
	CU_ASSERT_STRING_EQUAL(reply, "22 request\n");
	n = mib_proto_serve(nul, sizeof(nul) - 1, 0, reply, sizeof(reply));
	reply[n] = '\0';
	CU_ASSERT_STRING_EQUAL(reply, "22 request\n");
	CU_ASSERT_EQUAL(ipsec_vars.dfbit, 0);
	/* One word more than a request may carry. */
	len = (size_t)snprintf(big, sizeof(big), "set");
	for (i = 0; i <= MIB_PROTO_ITEMS; i++)
		len += (size_t)snprintf(big + len, sizeof(big) - len,
		    " net.inet.ipsec.dfbit=1");
	CU_ASSERT_STRING_EQUAL(serve(big, 0), "22 request\n");
	CU_ASSERT_EQUAL(ipsec_vars.dfbit, 0);
	/* A reply that would not fit its buffer is EMSGSIZE, not cut. */
	n = mib_proto_serve("get", 3, 0, reply, 64);
	reply[n] = '\0';
	CU_ASSERT_STRING_EQUAL(reply, "90 get\n");
	CU_ASSERT_STRING_EQUAL(serve("get a b", 0), "22 b\n");
	CU_ASSERT_STRING_EQUAL(serve("zero", 0), "22 zero\n");
	CU_ASSERT_STRING_EQUAL(serve("set =1", 0), "2 =1\n");
}

static atomic_bool poll_give_up;

/*
 * A worker's view: poll net.inet.ipsec.dfbit until it reads 2.  A plain
 * int read here could be hoisted out of the loop by the compiler and the
 * write never seen; the relaxed atomic load is made on every turn.
 */
static void *
poll_dfbit(void *arg)
{
	unsigned long *turns = arg;

	while (!atomic_load_explicit(&poll_give_up, memory_order_relaxed)) {
		(*turns)++;
		if (net_tunable_get(&ipsec_vars.dfbit) == 2)
			return (void *)1;
	}
	return NULL;
}

static void
test_write_seen_by_other_thread(void)
{
	struct timespec deadline;
	unsigned long turns = 0;
	pthread_t t;
	void *seen = NULL;

	ipsec_vars_reset();
	atomic_store(&poll_give_up, false);
	CU_ASSERT_FATAL(pthread_create(&t, NULL, poll_dfbit, &turns) == 0);
	usleep(10000);
	CU_ASSERT_EQUAL(mib_set_string("net.inet.ipsec.dfbit", "2"), 0);
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 5;
	if (pthread_timedjoin_np(t, &seen, &deadline) != 0) {
		atomic_store(&poll_give_up, true);
		pthread_join(t, &seen);
	}
	CU_ASSERT(seen == (void *)1);
	CU_ASSERT(turns > 0);
	ipsec_vars_reset();
}

static const struct test_case mib_cases[] = {
	{ "defaults are the initial values", test_defaults_are_initial_values },
	{ "both spellings", test_lookup_spellings },
	{ "prefix walk", test_walk_prefix },
	{ "ranges and read-only", test_set_ranges },
	{ "get", test_proto_get },
	{ "set is all or nothing, root only", test_proto_set_all_or_nothing },
	{ "stats and zero", test_proto_stats_and_zero },
	{ "malformed counter lines", test_counters_parse_rejects },
	{ "malformed requests", test_proto_bad_requests },
	{ "a write is seen by another thread",
	    test_write_seen_by_other_thread },
	{ NULL, NULL },
};

const struct test_suite test_suites[] = {
	{ "mib", setup, NULL, mib_cases },
	{ NULL, NULL, NULL, NULL },
};
