/*
 * libFuzzer target for the libipsec text and record code: the policy
 * parser, the policy dump, the SAD/SPD printers and kdebug_sadb.
 *
 * The first byte picks what the rest is:
 *	0: a policy string.  It must parse or fail with an EIPSEC code; what
 *	   parses must dump, and the dump (with ports) must parse back to the
 *	   same bytes.
 *	1: an x_policy extension, given to ipsec_dump_policy() as a peer or
 *	   the key engine might send it.
 *	2: a PF_KEY message, given to every printer (those that validate it
 *	   first, and kdebug_sadb, which walks it raw).
 * Nothing may crash, leak or read out of bounds.
 *
 * Seeds: tests/fuzz/ipsec_policy.seeds/.  Needs the lib/libipsec sources in
 * the make fuzz link, as fuzz_setkey does.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netipsec/ipsec.h>

#include "lib/libipsec/libpfkey.h"

#define FUZZ_MAX	4096

static FILE *devnull;

/* Parse, dump with ports, parse again: the same policy bytes. */
static void
policy_string(const uint8_t *data, size_t size)
{
	char *pol, *text, *again;
	int len;

	pol = ipsec_set_policy((const char *)data, (int)size);
	if (pol == NULL) {
		if (ipsec_errcode <= EIPSEC_NO_ERROR ||
		    ipsec_errcode >= EIPSEC_MAX)
			abort();
		return;
	}
	len = ipsec_get_policylen(pol);
	text = ipsec_dump_policy_withports(pol, "\n\t");
	if (text == NULL)
		abort();
	again = ipsec_set_policy(text, (int)strlen(text));
	if (again == NULL || ipsec_get_policylen(again) != len ||
	    memcmp(pol, again, (size_t)len) != 0)
		abort();
	free(again);
	free(text);
	text = ipsec_dump_policy(pol, NULL);
	if (text == NULL)
		abort();
	free(text);
	free(pol);
}

/* Raw bytes as an x_policy extension whose length covers them. */
static void
policy_record(const uint8_t *data, size_t size)
{
	uint64_t buf[FUZZ_MAX / 8];
	struct sadb_x_policy *xpl = (void *)buf;
	size_t len = (size + 7) / 8 * 8;
	char *text;

	if (len < sizeof(*xpl) || len > sizeof(buf))
		return;
	memset(buf, 0, len);
	memcpy(buf, data, size);
	xpl->sadb_x_policy_len = (uint16_t)(len / 8);
	xpl->sadb_x_policy_exttype = SADB_X_EXT_POLICY;
	text = ipsec_dump_policy((const char *)buf, " ");
	free(text);
	text = ipsec_dump_policy_withports(buf, NULL);
	free(text);
}

/* Raw bytes as a message whose header length covers them. */
static void
message(const uint8_t *data, size_t size)
{
	uint64_t buf[FUZZ_MAX / 8];
	struct sadb_msg *m = (void *)buf;
	size_t len = (size + 7) / 8 * 8;

	if (len < sizeof(*m) || len > sizeof(buf))
		return;
	memset(buf, 0, len);
	memcpy(buf, data, size);
	m->sadb_msg_len = (uint16_t)(len / 8);
	kdebug_sadb_fp(devnull, m);
	pfkey_sadump_fp(devnull, m, 0);
	pfkey_sadump_fp(devnull, m, PFKEY_DUMP_PORTS);
	pfkey_spdump_fp(devnull, m, 0);
	pfkey_spdump_fp(devnull, m, PFKEY_DUMP_PORTS);
	pfkey_sadump_short_fp(devnull, m, 0);
}

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	if (size == 0 || size > FUZZ_MAX)
		return 0;
	pfkey_dump_set_now(1764232200);
	switch (data[0] % 3) {
	case 0:
		policy_string(data + 1, size - 1);
		break;
	case 1:
		policy_record(data + 1, size - 1);
		break;
	default:
		message(data + 1, size - 1);
		break;
	}
	return 0;
}
