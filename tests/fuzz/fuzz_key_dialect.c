/*
 * libFuzzer target for the Linux PF_KEY dialect (key_dialect_linux.c).
 *
 * Each input is a request from a Linux client.  Its translation must not
 * read or write out of bounds, and a translated copy must be framed (its
 * header length is its length).  When key_parse() accepts the copy, the
 * copy is a message of the internal form, and the way back to a Linux
 * client must succeed and come back again: translated to Linux and in
 * again, it parses, with the same extensions below the types where the
 * dialects differ (24 and up).
 *
 * Seeds: tests/fuzz/key_dialect.seeds/, requests of key_parse.seeds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sys/netkey/key_dialect.h"
#include "sys/netkey/key_parse.h"

/* Both dialects' messages want 8-byte alignment. */
static uint64_t inbuf[KEY_MSG_MAX / 8];
static uint64_t internal[KEY_DIALECT_OUT_MAX / 8];
static uint64_t linuxbuf[KEY_DIALECT_OUT_MAX / 8];

/* Types 1-23 mean the same in both dialects. */
#define SHARED_MAX	23

static void
check_framed(const void *msg, size_t len)
{
	const struct sadb_msg *h = msg;

	if (len < sizeof(*h) || PFKEY_UNUNIT64((size_t)h->sadb_msg_len) !=
	    len || len > KEY_DIALECT_OUT_MAX)
		abort();
}

static void
round_trip(size_t len, const struct key_msg *m)
{
	struct key_msg again;
	const void *res;
	size_t n, t;

	if (key_dialect_out(KEY_DIALECT_LINUX, internal, len, &res, &n) != 0)
		abort();
	check_framed(res, n);
	memcpy(linuxbuf, res, n);
	if (key_dialect_in(KEY_DIALECT_LINUX, linuxbuf, n, &res, &n) != 0)
		abort();
	check_framed(res, n);
	memcpy(internal, res, n);
	if (key_parse(internal, n, &again) != 0)
		abort();
	for (t = 1; t <= SHARED_MAX; t++)
		if ((m->ext[t] == NULL) != (again.ext[t] == NULL))
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct key_msg m;
	const void *res;
	size_t n;

	if (size > sizeof(inbuf))
		return 0;
	memcpy(inbuf, data, size);
	if (key_dialect_in(KEY_DIALECT_LINUX, inbuf, size, &res, &n) != 0)
		return 0;
	if (res != inbuf)
		check_framed(res, n);
	memcpy(internal, res, n);
	if (key_parse(internal, n, &m) == 0)
		round_trip(n, &m);
	return 0;
}
