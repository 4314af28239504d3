/*
 * SADB_DUMP of 1,000,000 SAs through the real socket layer: the client
 * reads slowly (bursts with pauses), and must still get every SA exactly
 * once, sequence numbers counting down to 0 on the last record, and
 * nothing after it.  KEY_DUMP_N overrides the count (the ASan build may
 * lower it; the default is the design target).
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "net/pfkeyv2.h"
#include "sys/netkey/key_parse.h"
#include "sys/netkey/key_sad.h"
#include "tests/unit/key_sa_client.h"
#include "tests/unit/pfkey_msg.h"
#include "tests/unit/testlib.h"

#define DUMP_DEFAULT	1000000
#define SPI_BASE	0x10000
#define BURST		256
#define PAUSE_EVERY	8192
#define PAUSE_US	500

static size_t
dump_count(void)
{
	const char *s = getenv("KEY_DUMP_N");

	return s != NULL && atol(s) > 0 ? (size_t)atol(s) : DUMP_DEFAULT;
}

static void
fill(size_t n)
{
	static const uint8_t key[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	struct sockaddr_in s, d;
	struct ipsec_sa *sa;
	size_t i;

	pfkey_msg_sin(&s, "10.0.0.1", 0);
	pfkey_msg_sin(&d, "10.0.0.2", 0);
	for (i = 0; i < n; i++) {
		d.sin_addr.s_addr = htonl(0x0a000002 + (uint32_t)(i % 1024));
		sa = key_sa_alloc(SADB_SATYPE_ESP, (void *)&s, (void *)&d);
		CU_ASSERT_FATAL(sa != NULL);
		sa->spi = htonl(SPI_BASE + (uint32_t)i);
		sa->state = SADB_SASTATE_MATURE;
		sa->alg_enc = SADB_X_EALG_AESCBC;
		CU_ASSERT_FATAL(key_sa_set_key(&sa->key_enc, key, 128) == 0);
		CU_ASSERT_FATAL(key_sad_insert(sa) == 0);
		key_sa_put(sa);
	}
}

/* Check one record; 0, or -1 when it is wrong. */
static int
check_record(const uint64_t *buf, ssize_t len, size_t n, size_t got,
    uint8_t *seen)
{
	const struct sadb_msg *m = (const void *)buf;
	const struct sadb_sa *sa;
	struct key_msg km;
	uint32_t idx;

	if (len < (ssize_t)sizeof(*m) || m->sadb_msg_type != SADB_DUMP ||
	    m->sadb_msg_errno != 0 || m->sadb_msg_seq != n - 1 - got ||
	    m->sadb_msg_pid != 777)
		return -1;
	if (got % 4096 == 0 && key_parse_reply(buf, (size_t)len, &km) != 0)
		return -1;
	sa = (const void *)sa_reply_ext(buf, SADB_EXT_SA);
	if (sa == NULL)
		return -1;
	idx = ntohl(sa->sadb_sa_spi) - SPI_BASE;
	if (idx >= n || (seen[idx / 8] & (1u << (idx % 8))))
		return -1;
	seen[idx / 8] |= (uint8_t)(1u << (idx % 8));
	return 0;
}

static void
test_dump_million(void)
{
	uint64_t buf[SA_MSGBUF_WORDS];
	size_t n = dump_count(), got = 0, bad = 0, idle = 0;
	struct sa_client c;
	struct key_buf b;
	uint8_t *seen;
	ssize_t len;
	int k;

	key_sad_flush(0);
	fill(n);
	CU_ASSERT_EQUAL_FATAL(key_sad_count(0), n);
	seen = calloc(n / 8 + 1, 1);
	CU_ASSERT_FATAL(seen != NULL);
	sa_client_open(&c);
	key_buf_init_dynamic(&b);
	key_build_begin(&b, SADB_DUMP, SADB_SATYPE_UNSPEC, 1, 777);
	CU_ASSERT_FATAL(key_build_end(&b) == 0);
	CU_ASSERT_FATAL(sa_client_send(&c, &b) == 0);
	key_buf_free(&b);
	/* Slow reader: a burst, then the loop, and now and then a nap. */
	while (got < n && idle < 100000) {
		for (k = 0; k < BURST && got < n; k++) {
			len = sa_client_recv(&c, buf);
			if (len <= 0) {
				idle++;
				break;
			}
			idle = 0;
			bad += check_record(buf, len, n, got, seen) != 0;
			got++;
			if (got % PAUSE_EVERY == 0)
				usleep(PAUSE_US);
		}
	}
	CU_ASSERT_EQUAL(got, n);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT(sa_client_recv(&c, buf) < 0);
	sa_client_close(&c);
	free(seen);
	CU_ASSERT_EQUAL(key_sad_flush(0), n);
}

static const struct test_case dump_cases[] = {
	{ "DUMP of 1,000,000 SAs to a slow reader", test_dump_million },
	{ NULL, NULL }
};

const struct test_suite test_suites[] = {
	{ "SA dump at scale", sa_suite_init, sa_suite_fini, dump_cases },
	{ NULL, NULL, NULL, NULL }
};
