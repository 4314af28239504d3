/*
 * libFuzzer target for the setkey script language.
 *
 * Each input is run as a script the way `setkey -n` runs one: no socket
 * manager, key lengths checked against the crypto registry, names never
 * looked up (SETKEY_F_NUMERIC, so the fuzzer makes no DNS queries).  It
 * must never crash or leak, and every message a statement turns into must
 * be well framed: key_parse_reply(), the framing and extension checks of
 * the key engine, accepts it.
 *
 * Seeds: tests/fuzz/setkey.seeds/, the golden scripts of tests/setkey/
 * and single statements of every kind.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/libipsec/setkey_parse.h"
#include "sys/netkey/key_parse.h"

static int
check_send(void *arg, const struct setkey_request *req)
{
	struct key_msg m;

	(void)arg;
	if (key_parse_reply(req->msg, req->len, &m) != 0)
		abort();
	return 0;
}

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct setkey_env env;

	if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	setkey_env_init(&env);
	env.err = devnull;
	env.flags = SETKEY_F_NUMERIC | SETKEY_F_QUIET;
	env.pid = 1;
	env.send = check_send;
	setkey_run(&env, (const char *)data, size);
	return 0;
}
