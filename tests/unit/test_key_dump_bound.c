/*
 * Dumps to clients that do not read (issue 12, finding 1): the pending
 * dump streams of one socket are bounded (the socket layer stops reading
 * the requests of a socket that has KEYSOCK_STREAMS_MAX of them), an SA
 * deleted or flushed while a dump streams is never sent afterwards, and
 * its key bytes are wiped when it is deleted, not when the last dump
 * snapshot lets it go.
 */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/pfkeyv2.h"
#include "sys/net/net_event.h"
#include "sys/netkey/key_parse.h"
#include "sys/netkey/key_sad.h"
#include "sys/netkey/keysock.h"
#include "tests/unit/key_sa_client.h"
#include "tests/unit/pfkey_msg.h"
#include "tests/unit/testlib.h"

#define NSA		4000
#define SPI_BASE	0x20000
#define NDUMPS		64

static const uint8_t dump_key[16] = {
	0xd5, 0x4b, 0x1e, 0x77, 0x90, 0x3c, 0xa2, 0x68,
	0x0f, 0xe1, 0x5d, 0x29, 0xb6, 0x84, 0x13, 0xcb,
};

static struct ipsec_sa *
fill(size_t n)
{
	struct sockaddr_in s, d;
	struct ipsec_sa *sa, *first = NULL;
	size_t i;

	pfkey_msg_sin(&s, "10.1.0.1", 0);
	pfkey_msg_sin(&d, "10.1.0.2", 0);
	for (i = 0; i < n; i++) {
		sa = key_sa_alloc(SADB_SATYPE_ESP, (void *)&s, (void *)&d);
		CU_ASSERT_FATAL(sa != NULL);
		sa->spi = htonl(SPI_BASE + (uint32_t)i);
		sa->state = SADB_SASTATE_MATURE;
		sa->alg_enc = SADB_X_EALG_AESCBC;
		CU_ASSERT_FATAL(key_sa_set_key(&sa->key_enc, dump_key, 128) ==
		    0);
		CU_ASSERT_FATAL(key_sad_insert(sa) == 0);
		if (i == n - 1)
			first = key_sa_get(sa);
		key_sa_put(sa);
	}
	return first;
}

/* Write one SADB_DUMP request on the client's end, as a client would. */
static void
send_dump(int fd, uint32_t seq)
{
	struct sadb_msg m;

	memset(&m, 0, sizeof(m));
	m.sadb_msg_version = PF_KEY_V2;
	m.sadb_msg_type = SADB_DUMP;
	m.sadb_msg_satype = SADB_SATYPE_UNSPEC;
	m.sadb_msg_len = PFKEY_UNIT64(sizeof(m));
	m.sadb_msg_seq = seq;
	m.sadb_msg_pid = 999;
	CU_ASSERT_FATAL(send(fd, &m, sizeof(m), MSG_DONTWAIT) ==
	    (ssize_t)sizeof(m));
}

/*
 * 64 DUMPs from a client that never reads: before the bound every one of
 * them took a snapshot of the whole SAD; now at most KEYSOCK_STREAMS_MAX
 * do, and the rest wait unread in the client's own socket.
 */
static void
test_streams_bounded(void)
{
	struct ipsec_sa *last;
	struct sa_client c;
	uint64_t before;
	int i;

	last = fill(NSA);
	key_sa_put(last);
	sa_client_open(&c);
	before = keysock_stat.streams;
	for (i = 0; i < NDUMPS; i++)
		send_dump(c.fd, (uint32_t)i + 1);
	for (i = 0; i < 500; i++)
		net_event_run_once(c.loop, 0);
	CU_ASSERT(keysock_stat.streams - before >= 1);
	CU_ASSERT(keysock_stat.streams - before <= KEYSOCK_STREAMS_MAX);
	/* Reading lets every request through, in turn. */
	while (sa_client_drain(&c) > 0)
		continue;
	for (i = 0; i < 200; i++)
		sa_client_drain(&c);
	CU_ASSERT_EQUAL(keysock_stat.streams - before, NDUMPS);
	sa_client_close(&c);
	CU_ASSERT_EQUAL(key_sad_flush(0), NSA);
}

/*
 * A dump stalls part way; the SAD is flushed; the client then reads the
 * rest.  Nothing it reads after the flush may be an SA record, the last
 * message must still carry seq 0 so that the client knows the dump
 * ended, and the SA still held by the dump snapshot has lost its key.
 */
static void
test_flushed_not_dumped(void)
{
	uint64_t buf[SA_MSGBUF_WORDS];
	const struct sadb_msg *m = (const void *)buf;
	struct ipsec_sa *last;
	struct sa_client c;
	size_t early = 0, late = 0;
	ssize_t len;
	uint32_t lastseq = 1;
	int i, idle;

	last = fill(NSA);
	sa_client_open(&c);
	send_dump(c.fd, 1);
	for (i = 0; i < 100; i++)
		net_event_run_once(c.loop, 0);
	/* Some records are waiting in the socket; the dump is not done. */
	while (recv(c.fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		early++;
	CU_ASSERT(early > 0 && early < NSA);
	CU_ASSERT_EQUAL(key_sad_flush(0), NSA);
	CU_ASSERT(last->key_enc.data == NULL);
	CU_ASSERT_EQUAL(last->key_enc.len, 0);
	key_sa_put(last);
	for (idle = 0; idle < 2000; ) {
		len = sa_client_recv(&c, buf);
		if (len <= 0) {
			idle++;
			continue;
		}
		idle = 0;
		lastseq = m->sadb_msg_seq;
		if (m->sadb_msg_errno == 0 &&
		    sa_reply_ext(buf, SADB_EXT_SA) != NULL)
			late++;
	}
	/* At most the one record that sat in the output queue. */
	CU_ASSERT(late <= 1);
	CU_ASSERT_EQUAL(lastseq, 0);
	sa_client_close(&c);
}

static const struct test_case bound_cases[] = {
	{ "pending dump streams are bounded per socket",
	    test_streams_bounded },
	{ "a flushed SA is never dumped later, its key is wiped",
	    test_flushed_not_dumped },
	{ NULL, NULL }
};

const struct test_suite test_suites[] = {
	{ "dump bounds", sa_suite_init, sa_suite_fini, bound_cases },
	{ NULL, NULL, NULL, NULL }
};
