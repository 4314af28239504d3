/*
 * The size limits of the SAD and the SPD (issue 12, finding 7):
 * net.key.sad_max and net.key.spd_max.  Past them, requests that would
 * add an entry (ADD, GETSPI; SPDADD, SPDSETIDX, an SPDUPDATE that
 * inserts) are refused with ENOBUFS and counted in pfkeystat.out_sadfull
 * and out_spdfull; requests that replace or remove entries still work,
 * and room freed is usable again.  Before the limits, a client could
 * grow both tables until the daemon ran out of memory.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "net/pfkeyv2.h"
#include "netipsec/ipsec.h"
#include "sys/netkey/key_msg_spd.h"
#include "sys/netkey/key_sad.h"
#include "sys/netkey/key_spd.h"
#include "sys/netkey/key_stat.h"
#include "sys/netkey/key_var.h"
#include "tests/unit/key_msg_spd_util.h"
#include "tests/unit/key_sa_client.h"
#include "tests/unit/testlib.h"

static struct sa_client c;

static int
suite_init(void)
{
	if (sa_suite_init() != 0)
		return -1;
	key_msg_spd_init();
	return 0;
}

static int
suite_fini(void)
{
	key_spd_fini();
	key_msg_spd_fini();
	key_vars_reset();
	return sa_suite_fini();
}

/* The net.key MIB node called name ("sad_max"). */
static const struct mib_node *
node(const char *name)
{
	char full[MIB_NAME_MAX];
	size_t i;

	snprintf(full, sizeof(full), "net.key.%s", name);
	for (i = 0; i < key_var_mib_count; i++)
		if (strcmp(key_var_mib[i].name, full) == 0)
			return &key_var_mib[i];
	return NULL;
}

static void
set_var(const char *name, int value)
{
	const struct mib_node *d = node(name);

	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL_FATAL(mib_set(d, value), 0);
}

static int
sa_call(uint8_t type, uint32_t spi)
{
	struct sa_req r = sa_req_esp(type, spi);
	struct key_buf b;
	int error;

	if (type == SADB_GETSPI) {
		r.no_sa = true;
		r.akeybits = r.ekeybits = 0;
		r.spirange = true;
		r.spimin = r.spimax = spi;
	} else if (type == SADB_DELETE)
		r.akeybits = r.ekeybits = 0;
	CU_ASSERT_FATAL(sa_req_build(&b, &r) == 0);
	error = sa_client_call(&c, &b, NULL);
	key_buf_free(&b);
	sa_client_drain(&c);
	return error;
}

static void
test_sad_limit(void)
{
	uint64_t full = pfkeystat.out_sadfull;
	uint32_t i;

	key_sad_flush(0);
	sa_client_open(&c);
	set_var("sad_max", 5);
	for (i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(sa_call(SADB_ADD, 0x1000 + i), 0);
	CU_ASSERT_EQUAL(sa_call(SADB_GETSPI, 0x2000), 0);
	CU_ASSERT_EQUAL(key_sad_count(0), 5);
	CU_ASSERT_EQUAL(sa_call(SADB_ADD, 0x1004), ENOBUFS);
	CU_ASSERT_EQUAL(sa_call(SADB_GETSPI, 0x2001), ENOBUFS);
	CU_ASSERT_EQUAL(pfkeystat.out_sadfull - full, 2);
	CU_ASSERT_EQUAL(key_sad_count(0), 5);
	/* UPDATE of the larval SA replaces it: allowed when full. */
	CU_ASSERT_EQUAL(sa_call(SADB_UPDATE, 0x2000), 0);
	CU_ASSERT_EQUAL(sa_call(SADB_DELETE, 0x1000), 0);
	CU_ASSERT_EQUAL(sa_call(SADB_ADD, 0x1004), 0);
	CU_ASSERT_EQUAL(sa_call(SADB_ADD, 0x1005), ENOBUFS);
	CU_ASSERT_EQUAL(pfkeystat.out_sadfull - full, 3);
	key_vars_reset();
	CU_ASSERT_EQUAL(sa_call(SADB_ADD, 0x1005), 0);
	sa_client_close(&c);
	key_sad_flush(0);
}

static int
spd_call(uint8_t type, uint16_t dport)
{
	uint64_t buf[SPDT_MSG_WORDS];
	const struct sadb_msg *h = (const void *)buf;
	struct spdt_spec s;

	spdt_spec_default(&s);
	s.type = type;
	s.dport = dport;
	spdt_send(&c, &s);
	if (spdt_recv(&c, buf) < (ssize_t)sizeof(*h))
		return -1;
	spdt_drain(&c);
	return h->sadb_msg_errno;
}

static void
test_spd_limit(void)
{
	uint64_t full = pfkeystat.out_spdfull;
	size_t base;
	uint16_t i;

	key_spd_fini();
	key_msg_spd_init();
	sa_client_open(&c);
	base = key_spd_count(IPSEC_DIR_ANY);
	set_var("spd_max", (int)base + 3);
	for (i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(spd_call(SADB_X_SPDADD, 1000 + i), 0);
	CU_ASSERT_EQUAL(spd_call(SADB_X_SPDADD, 1003), ENOBUFS);
	CU_ASSERT_EQUAL(spd_call(SADB_X_SPDSETIDX, 1003), ENOBUFS);
	CU_ASSERT_EQUAL(spd_call(SADB_X_SPDUPDATE, 1003), ENOBUFS);
	CU_ASSERT_EQUAL(pfkeystat.out_spdfull - full, 3);
	/* Replacing a policy does not grow the SPD. */
	CU_ASSERT_EQUAL(spd_call(SADB_X_SPDUPDATE, 1001), 0);
	CU_ASSERT_EQUAL(key_spd_count(IPSEC_DIR_ANY), base + 3);
	CU_ASSERT_EQUAL(spd_call(SADB_X_SPDDELETE, 1000), 0);
	CU_ASSERT_EQUAL(spd_call(SADB_X_SPDADD, 1003), 0);
	CU_ASSERT_EQUAL(pfkeystat.out_spdfull - full, 3);
	key_vars_reset();
	CU_ASSERT_EQUAL(spd_call(SADB_X_SPDADD, 1004), 0);
	sa_client_close(&c);
	key_spd_fini();
	key_msg_spd_init();
}

/* The defaults are generous: a million of each. */
static void
test_defaults(void)
{
	key_vars_reset();
	CU_ASSERT(key_vars.sad_max >= 1000000);
	CU_ASSERT(key_vars.spd_max >= 1000000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(node("sad_max"));
	CU_ASSERT_PTR_NOT_NULL(node("spd_max"));
	CU_ASSERT_EQUAL(mib_set(node("sad_max"), 0), EINVAL);
}

static const struct test_case limit_cases[] = {
	{ "net.key.sad_max: ENOBUFS and out_sadfull", test_sad_limit },
	{ "net.key.spd_max: ENOBUFS and out_spdfull", test_spd_limit },
	{ "generous defaults", test_defaults },
	{ NULL, NULL }
};

const struct test_suite test_suites[] = {
	{ "database limits", suite_init, suite_fini, limit_cases },
	{ NULL, NULL, NULL, NULL }
};
