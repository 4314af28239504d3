/*
 * SPD messages against the running socket manager: clients connect with
 * pfkey_open() (SOCK pointing at a temporary directory) to a
 * `sockmgr -d -S DIR` started here.  An SPDADD from one client reaches
 * another, SPDDUMP streams what was added, SPDDELETE2 removes by id.
 * Needs root: the socket manager refuses anyone else, so without it the
 * tests fail rather than pass silently.  Every wait is bounded and the
 * directory is removed at the end.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <netipsec/ipsec.h>

#include "lib/libipsec/libpfkey.h"
#include "tests/unit/key_msg_spd_util.h"
#include "tests/unit/sockmgr_proc.h"
#include "tests/unit/testlib.h"

#define WAIT_MS		5000
#define QUIET_MS	200
#define NPOLICIES	50

static struct test_sockmgr sm;
static uint64_t	buf[SPDT_MSG_WORDS];

/* One record within ms, or -1. */
static ssize_t
recv_within(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	if (poll(&pfd, 1, ms) != 1)
		return -1;
	return recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
}

/* Skip records until one of type and seq; its length or -1. */
static ssize_t
wait_for(int fd, uint8_t type, uint32_t seq)
{
	const struct sadb_msg *h = (const void *)buf;
	ssize_t n;
	int i;

	for (i = 0; i < 1000; i++) {
		if ((n = recv_within(fd, WAIT_MS)) < 0)
			return -1;
		if (n >= (ssize_t)sizeof(*h) && h->sadb_msg_type == type &&
		    h->sadb_msg_seq == seq)
			return n;
	}
	return -1;
}

static int
send_spec(int fd, const struct spdt_spec *s)
{
	struct key_buf b;
	ssize_t n;

	if (spdt_build(&b, s) != 0)
		return -1;
	n = send(fd, key_buf_data(&b), key_buf_len(&b), 0);
	key_buf_free(&b);
	return n > 0 ? 0 : -1;
}

static int
send_hdr(int fd, uint8_t type, uint32_t seq)
{
	struct sadb_msg q;

	memset(&q, 0, sizeof(q));
	q.sadb_msg_version = PF_KEY_V2;
	q.sadb_msg_type = type;
	q.sadb_msg_len = PFKEY_UNIT64(sizeof(q));
	q.sadb_msg_seq = seq;
	return send(fd, &q, sizeof(q), 0) == (ssize_t)sizeof(q) ? 0 : -1;
}

static int
suite_init(void)
{
	return test_sockmgr_start(&sm, "test_key_msg_spd_sock");
}

static int
suite_fini(void)
{
	return test_sockmgr_stop(&sm);
}

static uint32_t
reply_policy_id(ssize_t n)
{
	const struct sadb_x_policy *xpl;
	struct key_msg m;

	if (n < 0 || key_parse_reply(buf, (size_t)n, &m) != 0)
		return 0;
	xpl = KEY_MSG_EXT(&m, SADB_X_EXT_POLICY, sadb_x_policy);
	return xpl != NULL ? xpl->sadb_x_policy_id : 0;
}

static void
test_add_dump_delete2(void)
{
	const struct sadb_msg *h = (const void *)buf;
	struct spdt_spec s;
	uint32_t ids[NPOLICIES], id;
	bool got[NPOLICIES] = { false };
	int a, b, i, k, seen = 0;
	ssize_t n;

	CU_ASSERT_FATAL(geteuid() == 0);
	a = pfkey_open();
	b = pfkey_open();
	CU_ASSERT_FATAL(a >= 0 && b >= 0);
	spdt_spec_default(&s);
	for (i = 0; i < NPOLICIES; i++) {
		s.seq = (uint32_t)(i + 1);
		s.dport = (uint16_t)(1000 + i);
		CU_ASSERT_FATAL(send_spec(a, &s) == 0);
		ids[i] = reply_policy_id(wait_for(a, SADB_X_SPDADD, s.seq));
		CU_ASSERT(ids[i] != 0);
		/* b sees the same reply (KEY_SENDUP_ALL). */
		CU_ASSERT_EQUAL(reply_policy_id(wait_for(b, SADB_X_SPDADD,
		    s.seq)), ids[i]);
	}
	/* SPDDUMP: every policy, seq down to 0, to a alone. */
	CU_ASSERT_FATAL(send_hdr(a, SADB_X_SPDDUMP, 500) == 0);
	for (i = NPOLICIES - 1; i >= 0; i--) {
		n = recv_within(a, WAIT_MS);
		CU_ASSERT_FATAL(n > 0);
		CU_ASSERT_EQUAL(h->sadb_msg_type, SADB_X_SPDDUMP);
		CU_ASSERT_EQUAL(h->sadb_msg_seq, (uint32_t)i);
		id = reply_policy_id(n);
		for (k = 0; k < NPOLICIES; k++)
			if (ids[k] == id && !got[k]) {
				got[k] = true;
				seen++;
			}
	}
	CU_ASSERT_EQUAL(seen, NPOLICIES);
	CU_ASSERT(recv_within(b, QUIET_MS) < 0);
	/* SPDDELETE2 of the first: both hear it; SPDGET then fails. */
	s.type = SADB_X_SPDDELETE2;
	s.no_addrs = true;
	s.nreq = 0;
	s.id = ids[0];
	s.seq = 600;
	CU_ASSERT_FATAL(send_spec(a, &s) == 0);
	CU_ASSERT_EQUAL(reply_policy_id(wait_for(a, SADB_X_SPDDELETE2, 600)),
	    ids[0]);
	CU_ASSERT_EQUAL(h->sadb_msg_errno, 0);
	CU_ASSERT_EQUAL(reply_policy_id(wait_for(b, SADB_X_SPDDELETE2, 600)),
	    ids[0]);
	s.type = SADB_X_SPDGET;
	s.seq = 601;
	CU_ASSERT_FATAL(send_spec(b, &s) == 0);
	CU_ASSERT(wait_for(b, SADB_X_SPDGET, 601) > 0);
	CU_ASSERT_EQUAL(h->sadb_msg_errno, ENOENT);
	/* Flush, then the dump is empty. */
	CU_ASSERT_FATAL(send_hdr(a, SADB_X_SPDFLUSH, 602) == 0);
	CU_ASSERT(wait_for(b, SADB_X_SPDFLUSH, 602) > 0);
	CU_ASSERT_FATAL(send_hdr(a, SADB_X_SPDDUMP, 603) == 0);
	CU_ASSERT(wait_for(a, SADB_X_SPDDUMP, 603) > 0);
	CU_ASSERT_EQUAL(h->sadb_msg_errno, ENOENT);
	pfkey_close(a);
	pfkey_close(b);
}

static const struct test_case sock_cases[] = {
	{ "SPDADD seen by another client, SPDDUMP, SPDDELETE2",
	    test_add_dump_delete2 },
	{ NULL, NULL }
};

const struct test_suite test_suites[] = {
	{ "key_msg_spd_sock", suite_init, suite_fini, sock_cases },
	{ NULL, NULL, NULL, NULL }
};
