/*
 * SA messages against the running socket manager: two clients through
 * pfkey_open(), ADD from one seen by both without keys, GET with keys to
 * the asker alone, DUMP streamed to the asker, DELETE seen by both.
 * Needs root (the daemon refuses anyone else); without it the tests fail
 * loudly.  The daemon is $SOCKMGR, else $BUILD/sbin/sockmgr; every wait
 * is bounded and the temporary directory is removed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/libipsec/libpfkey.h"
#include "net/pfkeyv2.h"
#include "sys/netkey/key_build.h"
#include "sys/netkey/key_parse.h"
#include "tests/unit/key_sa_client.h"
#include "tests/unit/sockmgr_proc.h"
#include "tests/unit/testlib.h"

#define REPLY_MS	5000
#define QUIET_MS	200
#define NDUMP		500

static struct test_sockmgr sm;

static int
suite_init(void)
{
	return test_sockmgr_start(&sm, "test_key_msg_sa_sock");
}

static int
suite_fini(void)
{
	return test_sockmgr_stop(&sm);
}

static ssize_t
recv_ms(int fd, uint64_t *buf, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, ms) != 1)
		return -1;
	return recv(fd, buf, SA_MSGBUF_WORDS * 8, MSG_DONTWAIT);
}

/* Send r on fd; the answer's errno (reply kept in buf), or -1. */
static int
request(int fd, const struct sa_req *r, uint64_t *buf)
{
	const struct sadb_msg *m = (const void *)buf;
	struct key_buf b;
	ssize_t n;

	CU_ASSERT_FATAL(sa_req_build(&b, r) == 0);
	n = send(fd, key_buf_data(&b), key_buf_len(&b), 0);
	key_buf_free(&b);
	if (n < 0 || recv_ms(fd, buf, REPLY_MS) < (ssize_t)sizeof(*m))
		return -1;
	return m->sadb_msg_errno;
}

static void
test_two_clients(void)
{
	uint64_t buf[SA_MSGBUF_WORDS];
	const struct sadb_msg *m = (const void *)buf;
	struct sa_req r = sa_req_esp(SADB_ADD, 0x1001);
	int a, b;

	CU_ASSERT_FATAL(geteuid() == 0);
	a = pfkey_open();
	b = pfkey_open();
	CU_ASSERT_FATAL(a >= 0 && b >= 0);
	CU_ASSERT_EQUAL(request(a, &r, buf), 0);
	CU_ASSERT_PTR_NULL(sa_reply_ext(buf, SADB_EXT_KEY_ENCRYPT));
	CU_ASSERT(recv_ms(b, buf, REPLY_MS) > 0);
	CU_ASSERT_EQUAL(m->sadb_msg_type, SADB_ADD);
	CU_ASSERT_PTR_NULL(sa_reply_ext(buf, SADB_EXT_KEY_ENCRYPT));
	CU_ASSERT_EQUAL(request(a, &r, buf), EEXIST);
	/* GET from b: keys, to b alone. */
	r.type = SADB_GET;
	r.akeybits = r.ekeybits = 0;
	CU_ASSERT_EQUAL(request(b, &r, buf), 0);
	CU_ASSERT_PTR_NOT_NULL(sa_reply_ext(buf, SADB_EXT_KEY_ENCRYPT));
	CU_ASSERT(recv_ms(a, buf, QUIET_MS) < 0);
	/* DELETE from b: both hear it; GET is then ENOENT. */
	r.type = SADB_DELETE;
	CU_ASSERT_EQUAL(request(b, &r, buf), 0);
	CU_ASSERT(recv_ms(a, buf, REPLY_MS) > 0);
	CU_ASSERT_EQUAL(m->sadb_msg_type, SADB_DELETE);
	r.type = SADB_GET;
	CU_ASSERT_EQUAL(request(a, &r, buf), ENOENT);
	pfkey_close(a);
	pfkey_close(b);
}

static void
test_dump(void)
{
	uint64_t buf[SA_MSGBUF_WORDS];
	const struct sadb_msg *m = (const void *)buf;
	struct sa_req r;
	struct key_buf kb;
	uint32_t i, want = NDUMP - 1;
	int a, b, ok = 1;

	CU_ASSERT_FATAL(geteuid() == 0);
	a = pfkey_open();
	b = pfkey_open();
	CU_ASSERT_FATAL(a >= 0 && b >= 0);
	for (i = 0; i < NDUMP; i++) {
		r = sa_req_esp(SADB_ADD, 0x2000 + i);
		CU_ASSERT_EQUAL(request(a, &r, buf), 0);
	}
	while (recv_ms(b, buf, QUIET_MS) > 0)
		continue;
	key_buf_init_dynamic(&kb);
	key_build_begin(&kb, SADB_DUMP, SADB_SATYPE_ESP, 3, 99);
	CU_ASSERT_FATAL(key_build_end(&kb) == 0);
	CU_ASSERT_FATAL(send(b, key_buf_data(&kb), key_buf_len(&kb), 0) > 0);
	for (i = 0; i < NDUMP && ok; i++) {
		ok = recv_ms(b, buf, REPLY_MS) > 0 &&
		    m->sadb_msg_type == SADB_DUMP && m->sadb_msg_seq == want &&
		    m->sadb_msg_pid == 99 &&
		    sa_reply_ext(buf, SADB_EXT_KEY_AUTH) != NULL;
		want--;
	}
	CU_ASSERT(ok);
	CU_ASSERT_EQUAL(i, NDUMP);
	CU_ASSERT(recv_ms(a, buf, QUIET_MS) < 0);
	/* FLUSH, then the dump is ENOENT. */
	key_build_begin(&kb, SADB_FLUSH, SADB_SATYPE_UNSPEC, 4, 99);
	CU_ASSERT_FATAL(key_build_end(&kb) == 0);
	CU_ASSERT_FATAL(send(b, key_buf_data(&kb), key_buf_len(&kb), 0) > 0);
	CU_ASSERT(recv_ms(b, buf, REPLY_MS) > 0 &&
	    m->sadb_msg_type == SADB_FLUSH);
	CU_ASSERT(recv_ms(a, buf, REPLY_MS) > 0 &&
	    m->sadb_msg_type == SADB_FLUSH);
	key_build_begin(&kb, SADB_DUMP, SADB_SATYPE_UNSPEC, 5, 99);
	CU_ASSERT_FATAL(key_build_end(&kb) == 0);
	CU_ASSERT_FATAL(send(b, key_buf_data(&kb), key_buf_len(&kb), 0) > 0);
	CU_ASSERT(recv_ms(b, buf, REPLY_MS) > 0 &&
	    m->sadb_msg_errno == ENOENT);
	key_buf_free(&kb);
	pfkey_close(a);
	pfkey_close(b);
}

static const struct test_case sock_cases[] = {
	{ "ADD/GET/DELETE from two clients", test_two_clients },
	{ "DUMP and FLUSH through the daemon", test_dump },
	{ NULL, NULL }
};

const struct test_suite test_suites[] = {
	{ "SA messages via sockmgr", suite_init, suite_fini, sock_cases },
	{ NULL, NULL, NULL, NULL }
};
