/*
 * ACQUIRE and EXPIRE in-process: who gets an ACQUIRE, what its proposal
 * offers, blocking by count and by lifetime on the fake clock, completion
 * by GETSPI/UPDATE with the acquire's seq, the errno form and the user
 * form; soft and hard EXPIRE from the SAD timer, and the DELETE a
 * superseded SA causes, all seen by registered sockets only.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "net/pfkeyv2.h"
#include "netipsec/ipsec.h"
#include "sys/crypto/crypto.h"
#include "sys/net/mib.h"
#include "sys/net/mib_proto.h"
#include "sys/net/net_clock.h"
#include "sys/netkey/key_acquire.h"
#include "sys/netkey/key_sad.h"
#include "sys/netkey/key_var.h"
#include "sys/netkey/keysock.h"
#include "tests/unit/key_sa_client.h"
#include "tests/unit/pfkey_msg.h"
#include "tests/unit/testlib.h"

#define T0	1700000000

static struct sa_client A, B;	/* A registers, B does not */
static struct sockaddr_in src, dst;

static void
setup(uint8_t satype)
{
	key_vars_reset();
	net_clock_set_fake(T0);
	key_sad_flush(0);
	key_acquire_flush();
	sa_client_open(&A);
	sa_client_open(&B);
	if (satype != 0)
		CU_ASSERT_FATAL(keysock_register(A.so, satype) == 0);
	pfkey_msg_sin(&src, "192.0.2.1", 1234);
	pfkey_msg_sin(&dst, "192.0.2.2", 80);
}

static void
teardown(void)
{
	sa_client_close(&A);
	sa_client_close(&B);
	key_sad_flush(0);
	key_acquire_flush();
	net_clock_set_source(NULL);
	key_vars_reset();
}

static struct key_acquire_req
req(uint8_t proto)
{
	struct key_acquire_req r = {
		.src = (void *)&src,
		.dst = (void *)&dst,
		.proto = proto,
		.mode = IPSEC_MODE_TRANSPORT,
		.reqid = 0,
		.policy_id = 42,
		.dir = IPSEC_DIR_OUTBOUND,
	};

	return r;
}

/* Read one ACQUIRE at c: its seq, or 0 when none came. */
static uint32_t
read_acquire(struct sa_client *c, uint64_t *buf)
{
	const struct sadb_msg *m = (const void *)buf;

	if (sa_client_recv(c, buf) <= 0 || m->sadb_msg_type != SADB_ACQUIRE)
		return 0;
	return m->sadb_msg_seq;
}

static const struct sadb_comb *
combs(const uint64_t *buf, size_t *n)
{
	const struct sadb_prop *p = (const void *)sa_reply_ext(buf,
	    SADB_EXT_PROPOSAL);

	*n = 0;
	if (p == NULL)
		return NULL;
	*n = (PFKEY_UNUNIT64((size_t)p->sadb_prop_len) - sizeof(*p)) /
	    sizeof(struct sadb_comb);
	return (const void *)(p + 1);
}

static void
test_targets_and_message(void)
{
	uint64_t buf[SA_MSGBUF_WORDS];
	const struct sadb_msg *m = (const void *)buf;
	const struct sadb_address *a;
	const struct sadb_x_policy *pol;
	const struct sockaddr_in *sin;
	struct key_acquire_req r = req(IPPROTO_ESP);

	setup(0);
	CU_ASSERT_EQUAL(key_acquire(&r), EPROTONOSUPPORT);
	CU_ASSERT_EQUAL(key_acquire_count(), 0);
	CU_ASSERT_EQUAL(sa_client_drain(&A) + sa_client_drain(&B), 0);
	CU_ASSERT_FATAL(keysock_register(A.so, SADB_SATYPE_AH) == 0);
	/* Registered for AH only: ESP is still unsupported. */
	CU_ASSERT_EQUAL(key_acquire(&r), EPROTONOSUPPORT);
	CU_ASSERT_FATAL(keysock_register(A.so, SADB_SATYPE_ESP) == 0);
	CU_ASSERT_EQUAL(key_acquire(&r), 0);
	CU_ASSERT(read_acquire(&A, buf) != 0);
	CU_ASSERT_EQUAL(m->sadb_msg_satype, SADB_SATYPE_ESP);
	CU_ASSERT_EQUAL(m->sadb_msg_pid, 0);
	a = (const void *)sa_reply_ext(buf, SADB_EXT_ADDRESS_DST);
	CU_ASSERT_FATAL(a != NULL);
	sin = (const void *)(a + 1);
	CU_ASSERT_EQUAL(a->sadb_address_prefixlen, 32);
	CU_ASSERT_EQUAL(a->sadb_address_proto, IPSEC_ULPROTO_ANY);
	CU_ASSERT_EQUAL(sin->sin_addr.s_addr, dst.sin_addr.s_addr);
	CU_ASSERT_EQUAL(sin->sin_port, 0);
	pol = (const void *)sa_reply_ext(buf, SADB_X_EXT_POLICY);
	CU_ASSERT_FATAL(pol != NULL);
	CU_ASSERT_EQUAL(pol->sadb_x_policy_id, 42);
	CU_ASSERT_EQUAL(pol->sadb_x_policy_dir, IPSEC_DIR_OUTBOUND);
	CU_ASSERT_EQUAL(sa_client_drain(&B), 0);
	/* Bad requests. */
	r.proto = IPPROTO_TCP;
	CU_ASSERT_EQUAL(key_acquire(&r), EINVAL);
	r = req(IPPROTO_ESP);
	r.dst = NULL;
	CU_ASSERT_EQUAL(key_acquire(&r), EINVAL);
	teardown();
}

static const struct sadb_comb *
find_comb(const struct sadb_comb *c, size_t n, uint8_t enc, uint8_t auth)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (c[i].sadb_comb_encrypt == enc &&
		    c[i].sadb_comb_auth == auth)
			return &c[i];
	return NULL;
}

static void
test_proposals(void)
{
	uint64_t buf[SA_MSGBUF_WORDS];
	struct key_acquire_req r = req(IPPROTO_ESP);
	const struct sadb_comb *c, *x;
	size_t i, n;

	setup(SADB_SATYPE_ESP);
	CU_ASSERT_FATAL(keysock_register(A.so, SADB_SATYPE_AH) == 0);
	CU_ASSERT_FATAL(keysock_register(A.so, SADB_X_SATYPE_IPCOMP) == 0);
	CU_ASSERT_EQUAL(key_acquire(&r), 0);
	CU_ASSERT(read_acquire(&A, buf) != 0);
	c = combs(buf, &n);
	CU_ASSERT_FATAL(n > 0);
	for (i = 0; i < n; i++) {
		CU_ASSERT(c[i].sadb_comb_encrypt_maxbits >= 256);
		CU_ASSERT(c[i].sadb_comb_encrypt_minbits >= 256);
		CU_ASSERT_EQUAL(c[i].sadb_comb_auth, 0);
		CU_ASSERT_NOT_EQUAL(c[i].sadb_comb_encrypt, SADB_EALG_NULL);
		CU_ASSERT_EQUAL(c[i].sadb_comb_hard_addtime, 86400);
		CU_ASSERT_EQUAL(c[i].sadb_comb_soft_addtime, 69120);
		CU_ASSERT_EQUAL(c[i].sadb_comb_hard_usetime, 28800);
		CU_ASSERT_EQUAL(c[i].sadb_comb_soft_usetime, 23040);
		CU_ASSERT_EQUAL(c[i].sadb_comb_hard_allocations, 1);
	}
	x = find_comb(c, n, SADB_X_EALG_AESCBC, 0);
	CU_ASSERT_FATAL(x != NULL);
	CU_ASSERT_EQUAL(x->sadb_comb_encrypt_minbits, 256);
	/* GCM: 256 is no GCM length; 288 (key and salt) is the next. */
	x = find_comb(c, n, SADB_X_EALG_AESGCM16, 0);
	CU_ASSERT_FATAL(x != NULL);
	CU_ASSERT_EQUAL(x->sadb_comb_encrypt_minbits, 288);
	CU_ASSERT_PTR_NULL(find_comb(c, n, SADB_EALG_DESCBC, 0));
	/* esp_auth: CBC crossed with the AH list, AEAD alone. */
	key_vars.esp_auth = 1;
	dst.sin_addr.s_addr ^= htonl(1);
	CU_ASSERT_EQUAL(key_acquire(&r), 0);
	CU_ASSERT(read_acquire(&A, buf) != 0);
	c = combs(buf, &n);
	x = find_comb(c, n, SADB_X_EALG_AESCBC, SADB_AALG_SHA1HMAC);
	CU_ASSERT_FATAL(x != NULL);
	CU_ASSERT_EQUAL(x->sadb_comb_auth_minbits, 160);
	CU_ASSERT_PTR_NULL(find_comb(c, n, SADB_X_EALG_AESCBC, 0));
	CU_ASSERT_PTR_NOT_NULL(find_comb(c, n, SADB_X_EALG_AESGCM16, 0));
	CU_ASSERT_PTR_NULL(find_comb(c, n, SADB_X_EALG_AESGCM16,
	    SADB_AALG_SHA1HMAC));
	/* AH and IPComp. */
	r.proto = IPPROTO_AH;
	CU_ASSERT_EQUAL(key_acquire(&r), 0);
	CU_ASSERT(read_acquire(&A, buf) != 0);
	c = combs(buf, &n);
	CU_ASSERT_PTR_NOT_NULL(find_comb(c, n, 0, SADB_AALG_SHA1HMAC));
	CU_ASSERT_PTR_NOT_NULL(find_comb(c, n, 0, SADB_X_AALG_SHA2_256));
	CU_ASSERT_PTR_NULL(find_comb(c, n, 0, SADB_X_AALG_NULL));
	CU_ASSERT_PTR_NULL(find_comb(c, n, 0, SADB_X_AALG_TCP_MD5));
	r.proto = IPPROTO_COMP;
	CU_ASSERT_EQUAL(key_acquire(&r), 0);
	CU_ASSERT(read_acquire(&A, buf) != 0);
	c = combs(buf, &n);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_PTR_NOT_NULL(find_comb(c, n, SADB_X_CALG_DEFLATE, 0));
	teardown();
}

static void
test_blocking(void)
{
	uint64_t buf[SA_MSGBUF_WORDS];
	struct key_acquire_req r = req(IPPROTO_ESP);
	uint32_t seq, seq2;
	unsigned int count;
	int i;

	setup(SADB_SATYPE_ESP);
	CU_ASSERT_EQUAL(key_acquire(&r), 0);
	CU_ASSERT_FATAL((seq = read_acquire(&A, buf)) != 0);
	/* blockacq_count (10) + 1 triggers are absorbed, then one goes. */
	for (i = 0; i < key_vars.blockacq_count + 1; i++)
		CU_ASSERT_EQUAL(key_acquire(&r), 0);
	CU_ASSERT_EQUAL(sa_client_drain(&A), 0);
	CU_ASSERT(key_acquire_blocked(seq, &count));
	CU_ASSERT_EQUAL(count, 11);
	CU_ASSERT_EQUAL(key_acquire(&r), 0);
	CU_ASSERT_EQUAL(read_acquire(&A, buf), seq);
	CU_ASSERT(key_acquire_blocked(seq, &count));
	CU_ASSERT_EQUAL(count, 0);
	/* Another SA index is not blocked by this one. */
	r.reqid = 5;
	CU_ASSERT_EQUAL(key_acquire(&r), 0);
	CU_ASSERT_FATAL((seq2 = read_acquire(&A, buf)) != 0);
	CU_ASSERT_NOT_EQUAL(seq2, seq);
	CU_ASSERT_EQUAL(key_acquire_count(), 2);
	/* blockacq_lifetime (20 s): kept at 20, gone after. */
	net_clock_advance(20);
	key_acquire_timer();
	CU_ASSERT_EQUAL(key_acquire_count(), 2);
	net_clock_advance(1);
	key_acquire_timer();
	CU_ASSERT_EQUAL(key_acquire_count(), 0);
	r.reqid = 0;
	CU_ASSERT_EQUAL(key_acquire(&r), 0);
	CU_ASSERT_NOT_EQUAL(read_acquire(&A, buf), 0);
	teardown();
}

/*
 * net.key.blockacq_count written as sysctl writes it (the control
 * protocol's set, as root) applies to the next trigger; an out-of-range
 * write is refused and keeps the value.
 */
static void
test_blockacq_count_by_sysctl(void)
{
	static const char set2[] = "set net.key.blockacq_count=2";
	static const char bad[] = "set net.key.blockacq_count=-1";
	uint64_t buf[SA_MSGBUF_WORDS];
	struct key_acquire_req r = req(IPPROTO_ESP);
	char reply[256];
	size_t n;
	int i;

	setup(SADB_SATYPE_ESP);
	mib_unregister_all();
	CU_ASSERT_FATAL(mib_register(key_var_mib, key_var_mib_count) == 0);
	n = mib_proto_serve(set2, sizeof(set2) - 1, 0, reply, sizeof(reply));
	CU_ASSERT(n > 0 && strncmp(reply, "0\n", 2) == 0);
	n = mib_proto_serve(bad, sizeof(bad) - 1, 0, reply, sizeof(reply));
	CU_ASSERT(n > 2 && strncmp(reply, "22 ", 3) == 0);
	CU_ASSERT_EQUAL(key_vars.blockacq_count, 2);
	CU_ASSERT_EQUAL(key_acquire(&r), 0);
	CU_ASSERT(read_acquire(&A, buf) != 0);
	/* Three triggers absorbed (count 0, 1, 2), the fourth sends. */
	for (i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(key_acquire(&r), 0);
	CU_ASSERT_EQUAL(sa_client_drain(&A), 0);
	CU_ASSERT_EQUAL(key_acquire(&r), 0);
	CU_ASSERT(read_acquire(&A, buf) != 0);
	mib_unregister_all();
	teardown();
}

static int
send_hdr(struct sa_client *c, uint8_t type, uint8_t satype, uint32_t seq,
    uint8_t error, uint64_t *buf)
{
	struct key_buf b;
	struct sadb_msg *m;
	int e;

	key_buf_init_dynamic(&b);
	key_build_begin(&b, type, satype, seq, 4242);
	CU_ASSERT_FATAL(key_build_end(&b) == 0);
	m = (void *)b.base;
	m->sadb_msg_errno = error;
	e = sa_client_call(c, &b, buf);
	key_buf_free(&b);
	return e;
}

static void
test_completion(void)
{
	uint64_t buf[SA_MSGBUF_WORDS];
	struct key_acquire_req r = req(IPPROTO_ESP);
	struct sa_req q = sa_req_esp(SADB_GETSPI, 0);
	struct key_buf b;
	uint32_t seq;

	setup(SADB_SATYPE_ESP);
	pfkey_msg_sin(&src, "192.0.2.1", 0);
	CU_ASSERT_EQUAL(key_acquire(&r), 0);
	CU_ASSERT_FATAL((seq = read_acquire(&A, buf)) != 0);
	/* GETSPI with the seq restarts the block's clock. */
	net_clock_advance(15);
	q.no_sa = true;
	q.akeybits = q.ekeybits = 0;
	q.seq = seq;
	q.spirange = true;
	q.spimin = q.spimax = 0x8000;
	CU_ASSERT_FATAL(sa_req_build(&b, &q) == 0);
	CU_ASSERT_EQUAL(sa_client_call(&A, &b, buf), 0);
	key_buf_free(&b);
	net_clock_advance(15);
	key_acquire_timer();
	CU_ASSERT(key_acquire_blocked(seq, NULL));
	/* UPDATE with the seq completes it. */
	q = sa_req_esp(SADB_UPDATE, 0x8000);
	q.seq = seq;
	CU_ASSERT_FATAL(sa_req_build(&b, &q) == 0);
	CU_ASSERT_EQUAL(sa_client_call(&A, &b, buf), 0);
	key_buf_free(&b);
	CU_ASSERT(!key_acquire_blocked(seq, NULL));
	CU_ASSERT_EQUAL(key_acquire_count(), 0);
	/* ADD with a seq completes too. */
	r.reqid = 3;
	CU_ASSERT_EQUAL(key_acquire(&r), 0);
	CU_ASSERT_FATAL((seq = read_acquire(&A, buf)) != 0);
	q = sa_req_esp(SADB_ADD, 0x8001);
	q.seq = seq;
	CU_ASSERT_FATAL(sa_req_build(&b, &q) == 0);
	CU_ASSERT_EQUAL(sa_client_call(&A, &b, buf), 0);
	key_buf_free(&b);
	CU_ASSERT(!key_acquire_blocked(seq, NULL));
	teardown();
}

static void
test_errno_form(void)
{
	uint64_t buf[SA_MSGBUF_WORDS];
	struct key_acquire_req r = req(IPPROTO_ESP);
	unsigned int count;
	uint32_t seq;

	setup(SADB_SATYPE_ESP);
	CU_ASSERT_EQUAL(key_acquire(&r), 0);
	CU_ASSERT_FATAL((seq = read_acquire(&A, buf)) != 0);
	CU_ASSERT_EQUAL(key_acquire(&r), 0);
	net_clock_advance(15);
	/* No reply, to anyone; the entry restarts. */
	CU_ASSERT_EQUAL(send_hdr(&B, SADB_ACQUIRE, SADB_SATYPE_ESP, seq,
	    ETIMEDOUT, buf), -1);
	CU_ASSERT_EQUAL(sa_client_drain(&A), 0);
	CU_ASSERT(key_acquire_blocked(seq, &count));
	CU_ASSERT_EQUAL(count, 0);
	net_clock_advance(15);
	key_acquire_timer();
	CU_ASSERT(key_acquire_blocked(seq, NULL));
	net_clock_advance(6);
	key_acquire_timer();
	CU_ASSERT(!key_acquire_blocked(seq, NULL));
	/* An unknown seq is ignored quietly. */
	CU_ASSERT_EQUAL(send_hdr(&B, SADB_ACQUIRE, SADB_SATYPE_ESP, 999,
	    EINVAL, buf), -1);
	/* Errno form without a seq is malformed. */
	CU_ASSERT_EQUAL(send_hdr(&B, SADB_ACQUIRE, SADB_SATYPE_ESP, 0,
	    EINVAL, buf), EINVAL);
	teardown();
}

static int
user_acquire(struct sa_client *c, uint64_t *buf)
{
	struct sadb_comb comb;
	struct key_buf b;
	int e;

	memset(&comb, 0, sizeof(comb));
	comb.sadb_comb_encrypt = SADB_X_EALG_AESCBC;
	comb.sadb_comb_encrypt_minbits = 128;
	comb.sadb_comb_encrypt_maxbits = 256;
	key_buf_init_dynamic(&b);
	key_build_begin(&b, SADB_ACQUIRE, SADB_SATYPE_ESP, 31, 4242);
	key_build_address(&b, SADB_EXT_ADDRESS_SRC, (void *)&src, 32, 255);
	key_build_address(&b, SADB_EXT_ADDRESS_DST, (void *)&dst, 32, 255);
	key_build_proposal(&b, 32, &comb, 1);
	CU_ASSERT_FATAL(key_build_end(&b) == 0);
	e = sa_client_call(c, &b, buf);
	key_buf_free(&b);
	return e;
}

static void
test_user_form(void)
{
	uint64_t buf[SA_MSGBUF_WORDS];
	const struct sadb_msg *m = (const void *)buf;
	struct sa_req q = sa_req_esp(SADB_ADD, 0x9000);
	struct key_buf b;

	setup(0);
	pfkey_msg_sin(&src, "192.0.2.1", 0);
	pfkey_msg_sin(&dst, "192.0.2.2", 0);
	CU_ASSERT_EQUAL(user_acquire(&B, buf), EPROTONOSUPPORT);
	CU_ASSERT_FATAL(keysock_register(A.so, SADB_SATYPE_ESP) == 0);
	/* The engine's ACQUIRE (seq of its own), then the echo (seq 31). */
	CU_ASSERT_EQUAL(user_acquire(&B, buf), 0);
	CU_ASSERT_EQUAL(m->sadb_msg_seq, 31);
	CU_ASSERT_NOT_EQUAL(read_acquire(&A, buf), 0);
	CU_ASSERT_NOT_EQUAL(m->sadb_msg_seq, 31);
	CU_ASSERT_EQUAL(read_acquire(&A, buf), 31);
	CU_ASSERT_EQUAL(key_acquire_count(), 1);
	/* With an SA for (src, dst, ESP): EEXIST. */
	CU_ASSERT_FATAL(sa_req_build(&b, &q) == 0);
	CU_ASSERT_EQUAL(sa_client_call(&A, &b, buf), 0);
	key_buf_free(&b);
	sa_client_drain(&B);
	CU_ASSERT_EQUAL(user_acquire(&B, buf), EEXIST);
	teardown();
}

static void
add_with_lifetimes(uint32_t spi, uint64_t soft, uint64_t hard)
{
	uint64_t buf[SA_MSGBUF_WORDS];
	struct sa_req q = sa_req_esp(SADB_ADD, spi);
	struct key_buf b;

	q.soft_addtime = soft;
	q.hard_addtime = hard;
	CU_ASSERT_FATAL(sa_req_build(&b, &q) == 0);
	CU_ASSERT_EQUAL(sa_client_call(&B, &b, buf), 0);
	key_buf_free(&b);
	sa_client_drain(&A);
	sa_client_drain(&B);
}

static const struct sadb_lifetime *
lifetime(const uint64_t *buf, uint16_t type)
{
	return (const void *)sa_reply_ext(buf, type);
}

static void
test_expire(void)
{
	uint64_t buf[SA_MSGBUF_WORDS];
	const struct sadb_msg *m = (const void *)buf;
	struct sockaddr_in d;

	setup(SADB_SATYPE_AH);
	add_with_lifetimes(0xa000, 10, 20);
	net_clock_advance(10);
	key_sad_timer();
	CU_ASSERT_EQUAL(sa_client_drain(&A), 0);
	net_clock_advance(1);
	key_sad_timer();
	CU_ASSERT_FATAL(sa_client_recv(&A, buf) > 0);
	CU_ASSERT_EQUAL(m->sadb_msg_type, SADB_EXPIRE);
	CU_ASSERT_EQUAL(m->sadb_msg_satype, SADB_SATYPE_ESP);
	CU_ASSERT_PTR_NOT_NULL(lifetime(buf, SADB_EXT_LIFETIME_CURRENT));
	CU_ASSERT_PTR_NOT_NULL(lifetime(buf, SADB_EXT_LIFETIME_SOFT));
	CU_ASSERT_PTR_NULL(lifetime(buf, SADB_EXT_LIFETIME_HARD));
	CU_ASSERT_EQUAL(lifetime(buf, SADB_EXT_LIFETIME_SOFT)->
	    sadb_lifetime_addtime, 10);
	CU_ASSERT_PTR_NOT_NULL(sa_reply_ext(buf, SADB_X_EXT_SA2));
	CU_ASSERT_PTR_NULL(sa_reply_ext(buf, SADB_EXT_KEY_ENCRYPT));
	CU_ASSERT_EQUAL(sa_client_drain(&B), 0);
	net_clock_advance(10);
	key_sad_timer();
	CU_ASSERT_FATAL(sa_client_recv(&A, buf) > 0);
	CU_ASSERT_EQUAL(m->sadb_msg_type, SADB_EXPIRE);
	CU_ASSERT_PTR_NOT_NULL(lifetime(buf, SADB_EXT_LIFETIME_HARD));
	CU_ASSERT_PTR_NULL(lifetime(buf, SADB_EXT_LIFETIME_SOFT));
	CU_ASSERT_EQUAL(sa_client_drain(&B), 0);
	pfkey_msg_sin(&d, "192.0.2.2", 0);
	CU_ASSERT_PTR_NULL(key_sad_lookup((void *)&d, IPPROTO_ESP,
	    htonl(0xa000)));
	teardown();
}

static void
test_superseded(void)
{
	uint64_t buf[SA_MSGBUF_WORDS];
	const struct sadb_msg *m = (const void *)buf;
	struct sockaddr_in s, d;

	setup(SADB_SATYPE_ESP);
	key_vars.preferred_oldsa = 0;
	add_with_lifetimes(0xb000, 0, 3600);
	net_clock_advance(1);
	add_with_lifetimes(0xb001, 0, 3600);
	pfkey_msg_sin(&s, "192.0.2.1", 0);
	pfkey_msg_sin(&d, "192.0.2.2", 0);
	CU_ASSERT_PTR_NOT_NULL(key_sad_select((void *)&s, (void *)&d,
	    IPPROTO_ESP, IPSEC_MODE_ANY, 0));
	CU_ASSERT_FATAL(sa_client_recv(&A, buf) > 0);
	CU_ASSERT_EQUAL(m->sadb_msg_type, SADB_DELETE);
	CU_ASSERT_EQUAL(((const struct sadb_sa *)(const void *)sa_reply_ext(
	    buf, SADB_EXT_SA))->sadb_sa_spi, htonl(0xb000));
	CU_ASSERT_EQUAL(sa_client_drain(&B), 0);
	teardown();
}

static const struct test_case acquire_cases[] = {
	{ "ACQUIRE goes to registered sockets", test_targets_and_message },
	{ "proposals from the registry", test_proposals },
	{ "blocking by count and lifetime", test_blocking },
	{ "blockacq_count set by sysctl", test_blockacq_count_by_sysctl },
	{ "GETSPI, UPDATE and ADD complete it", test_completion },
	{ "errno form restarts the block", test_errno_form },
	{ "user form: ACQUIRE, echo, EEXIST", test_user_form },
	{ NULL, NULL }
};

static const struct test_case expire_cases[] = {
	{ "soft then hard EXPIRE", test_expire },
	{ "superseded SA: DELETE", test_superseded },
	{ NULL, NULL }
};

const struct test_suite test_suites[] = {
	{ "ACQUIRE", sa_suite_init, sa_suite_fini, acquire_cases },
	{ "EXPIRE", sa_suite_init, sa_suite_fini, expire_cases },
	{ NULL, NULL, NULL, NULL }
};
