/*
 * SADB_X_SPDDUMP at scale: 1,000,000 policies streamed through
 * keysock_stream() to a client that reads slowly.  Every policy must
 * arrive exactly once, sadb_msg_seq must count down to 0, and the
 * socket's queue must stay bounded the whole time.  Policies deleted
 * while the dump runs still arrive (the dump works on a snapshot).
 *
 * KEY_MSG_SPD_DUMP_N sets the number of policies (the ASan run may lower
 * it; the default is the full million).
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <netipsec/ipsec.h>

#include "sys/net/net_event.h"
#include "sys/netkey/key_msg_spd.h"
#include "sys/netkey/key_spd.h"
#include "sys/netkey/keysock.h"
#include "tests/unit/key_msg_spd_util.h"
#include "tests/unit/testlib.h"

#define DUMP_N_DEFAULT	1000000
#define READ_BATCH	64	/* records the slow client takes per turn */

static uint32_t
dump_n(void)
{
	const char *env = getenv("KEY_MSG_SPD_DUMP_N");
	long n = env != NULL ? strtol(env, NULL, 10) : DUMP_N_DEFAULT;

	return n > 0 && n <= 10000000 ? (uint32_t)n : DUMP_N_DEFAULT;
}

/* Policy i: 10.0.0.0/8 + i to 192.0.2.1, any protocol, outbound. */
static void
insert_policies(uint32_t n)
{
	struct ipsec_policy *p;
	uint32_t i;

	for (i = 0; i < n; i++) {
		p = key_policy_new();
		CU_ASSERT_FATAL(p != NULL);
		p->sel.src.sin.sin_family = AF_INET;
		p->sel.src.sin.sin_addr.s_addr = htonl(0x0a000000u + i);
		p->sel.dst.sin.sin_family = AF_INET;
		p->sel.dst.sin.sin_addr.s_addr = htonl(0xc0000201u);
		p->sel.src_plen = 32;
		p->sel.dst_plen = 32;
		p->sel.ul_proto = IPSEC_ULPROTO_ANY;
		p->dir = i % 2 ? IPSEC_DIR_INBOUND : IPSEC_DIR_OUTBOUND;
		p->action = IPSEC_POLICY_DISCARD;
		CU_ASSERT_FATAL(key_spd_insert(p, false) == 0);
		key_policy_put(p);
	}
}

struct tally {
	uint8_t		*seen;		/* by policy id */
	uint32_t	n;
	uint32_t	got;
	uint32_t	next_seq;	/* the seq the next record must have */
	uint32_t	dups, bad;
	size_t		max_queued;
};

static void
take_record(struct tally *t, const uint64_t *rec, ssize_t len)
{
	const struct sadb_msg *h = (const void *)rec;
	const struct sadb_x_policy *xpl;
	struct key_msg m;

	if (key_parse_reply(rec, (size_t)len, &m) != 0 ||
	    h->sadb_msg_type != SADB_X_SPDDUMP || h->sadb_msg_errno != 0 ||
	    h->sadb_msg_seq != t->next_seq || h->sadb_msg_pid != 4242) {
		t->bad++;
		return;
	}
	xpl = KEY_MSG_EXT(&m, SADB_X_EXT_POLICY, sadb_x_policy);
	if (xpl == NULL || xpl->sadb_x_policy_id == 0 ||
	    xpl->sadb_x_policy_id > t->n) {
		t->bad++;
		return;
	}
	if (t->seen[xpl->sadb_x_policy_id]++ != 0)
		t->dups++;
	t->got++;
	t->next_seq--;
}

static void
test_dump_million(void)
{
	static uint64_t rec[SPDT_MSG_WORDS];
	struct sa_client c;
	struct tally t;
	uint32_t n = dump_n(), i, deleted = 0;
	long turns;
	ssize_t len;
	int k;

	key_spd_fini();
	insert_policies(n);
	memset(&t, 0, sizeof(t));
	t.n = n;
	t.next_seq = n - 1;
	t.seen = calloc((size_t)n + 1, 1);
	CU_ASSERT_FATAL(t.seen != NULL);
	sa_client_open(&c);
	spdt_send_hdr(&c, SADB_X_SPDDUMP, 0, 77);
	for (turns = 0; t.got < n && turns < 100L * n; turns++) {
		net_event_run_once(c.loop, 0);
		if (keysock_queued(c.so) > t.max_queued)
			t.max_queued = keysock_queued(c.so);
		/* Slow reader: a few records per turn of the loop. */
		for (k = 0; k < READ_BATCH; k++) {
			len = recv(c.fd, rec, sizeof(rec), MSG_DONTWAIT);
			if (len <= 0)
				break;
			take_record(&t, rec, len);
		}
		/* Mid-dump deletions must not shorten the dump. */
		if (t.got > n / 2 && deleted == 0)
			for (i = 1; i <= n && deleted < 1000; i += 2, deleted++)
				(void)key_spd_delete_id(i);
	}
	CU_ASSERT_EQUAL(t.got, n);
	CU_ASSERT_EQUAL(t.bad, 0);
	CU_ASSERT_EQUAL(t.dups, 0);
	CU_ASSERT_EQUAL(t.next_seq, UINT32_MAX);	/* last one was 0 */
	for (i = 1; i <= n; i++)
		if (t.seen[i] != 1)
			break;
	CU_ASSERT_EQUAL(i, n + 1);
	CU_ASSERT(t.max_queued < keysock_queue_soft());
	CU_ASSERT_EQUAL(spdt_drain(&c), 0);
	CU_ASSERT(deleted > 0 || n < 4);
	free(t.seen);
	sa_client_close(&c);
	key_spd_fini();
}

static const struct test_case dump_cases[] = {
	{ "SPDDUMP of 1,000,000 policies to a slow reader", test_dump_million },
	{ NULL, NULL }
};

const struct test_suite test_suites[] = {
	{ "key_msg_spd_dump", NULL, NULL, dump_cases },
	{ NULL, NULL, NULL, NULL }
};
