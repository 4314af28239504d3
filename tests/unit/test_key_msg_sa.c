/*
 * SA messages in-process: ADD, GET, UPDATE, GETSPI, DELETE (both forms),
 * FLUSH and DUMP through key_dispatch(), over socketpair clients.  Every
 * refused request is checked for its errno; replies are checked for their
 * targets (ONE or ALL, seen from a second client) and for keys (never in
 * ADD/UPDATE replies, always in GET).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "net/pfkeyv2.h"
#include "netipsec/ipsec.h"
#include "sys/netkey/key_msg_sa.h"
#include "sys/netkey/key_sad.h"
#include "tests/unit/key_sa_client.h"
#include "tests/unit/pfkey_msg.h"
#include "tests/unit/testlib.h"

static struct sa_client A, B;

static void
setup(void)
{
	key_sad_flush(0);
	sa_client_open(&A);
	sa_client_open(&B);
}

static void
teardown(void)
{
	sa_client_close(&A);
	sa_client_close(&B);
	key_sad_flush(0);
}

/* Send r from c; the errno of the answer c gets. */
static int
call(struct sa_client *c, const struct sa_req *r, uint64_t *buf)
{
	struct key_buf b;
	int e;

	CU_ASSERT_FATAL(sa_req_build(&b, r) == 0);
	e = sa_client_call(c, &b, buf);
	key_buf_free(&b);
	return e;
}

static const struct sadb_sa *
reply_sa(const uint64_t *buf)
{
	return (const void *)sa_reply_ext(buf, SADB_EXT_SA);
}

static struct ipsec_sa *
lookup(const char *dst, uint8_t proto, uint32_t spi)
{
	struct sockaddr_in sin;

	pfkey_msg_sin(&sin, dst, 0);
	return key_sad_lookup((void *)&sin, proto, htonl(spi));
}

static void
test_add_get_delete(void)
{
	uint64_t buf[SA_MSGBUF_WORDS];
	const struct sadb_msg *m = (const void *)buf;
	struct sa_req r = sa_req_esp(SADB_ADD, 0x1000);

	setup();
	r.ident = "host.example";
	CU_ASSERT_EQUAL(call(&A, &r, buf), 0);
	CU_ASSERT_EQUAL(m->sadb_msg_type, SADB_ADD);
	CU_ASSERT_PTR_NULL(sa_reply_ext(buf, SADB_EXT_KEY_AUTH));
	CU_ASSERT_PTR_NULL(sa_reply_ext(buf, SADB_EXT_KEY_ENCRYPT));
	CU_ASSERT_PTR_NOT_NULL(sa_reply_ext(buf, SADB_EXT_SA));
	/* ALL: B hears it too, without keys. */
	CU_ASSERT(sa_client_recv(&B, buf) > 0);
	CU_ASSERT_EQUAL(m->sadb_msg_type, SADB_ADD);
	CU_ASSERT_PTR_NULL(sa_reply_ext(buf, SADB_EXT_KEY_ENCRYPT));
	CU_ASSERT_EQUAL(lookup("192.0.2.2", IPPROTO_ESP, 0x1000)->state,
	    SADB_SASTATE_MATURE);
	/* GET: keys and identity, to A alone. */
	r.type = SADB_GET;
	r.akeybits = r.ekeybits = 0;
	r.ident = NULL;
	r.seq = 77;
	CU_ASSERT_EQUAL(call(&A, &r, buf), 0);
	CU_ASSERT_EQUAL(m->sadb_msg_type, SADB_GET);
	CU_ASSERT_EQUAL(m->sadb_msg_seq, 77);
	CU_ASSERT_EQUAL(m->sadb_msg_pid, 4242);
	CU_ASSERT(m->sadb_msg_reserved >= 1);
	CU_ASSERT_PTR_NOT_NULL(sa_reply_ext(buf, SADB_EXT_KEY_AUTH));
	CU_ASSERT_PTR_NOT_NULL(sa_reply_ext(buf, SADB_EXT_KEY_ENCRYPT));
	CU_ASSERT_PTR_NOT_NULL(sa_reply_ext(buf, SADB_EXT_IDENTITY_SRC));
	CU_ASSERT_PTR_NOT_NULL(sa_reply_ext(buf, SADB_EXT_LIFETIME_CURRENT));
	CU_ASSERT_PTR_NOT_NULL(sa_reply_ext(buf, SADB_X_EXT_SA2));
	CU_ASSERT_EQUAL(reply_sa(buf)->sadb_sa_replay, 4);
	CU_ASSERT_EQUAL(reply_sa(buf)->sadb_sa_state, SADB_SASTATE_MATURE);
	CU_ASSERT_EQUAL(sa_client_drain(&B), 0);
	/* Another source names another SA index: ENOENT. */
	r.src = "192.0.2.9";
	CU_ASSERT_EQUAL(call(&A, &r, buf), ENOENT);
	r.type = SADB_DELETE;
	CU_ASSERT_EQUAL(call(&A, &r, buf), ENOENT);
	r.src = "192.0.2.1";
	/* DELETE: to both; then GET and DELETE are ENOENT. */
	CU_ASSERT_EQUAL(call(&A, &r, buf), 0);
	CU_ASSERT_PTR_NOT_NULL(sa_reply_ext(buf, SADB_EXT_SA));
	CU_ASSERT_EQUAL(sa_client_drain(&B), 1);
	CU_ASSERT_PTR_NULL(lookup("192.0.2.2", IPPROTO_ESP, 0x1000));
	CU_ASSERT_EQUAL(call(&A, &r, buf), ENOENT);
	r.type = SADB_GET;
	CU_ASSERT_EQUAL(call(&A, &r, buf), ENOENT);
	CU_ASSERT_EQUAL(m->sadb_msg_len, 2);
	CU_ASSERT_EQUAL(sa_client_drain(&B), 0);
	teardown();
}

/* An ADD variant and the errno it must get. */
struct add_case {
	const char	*what;
	void		(*edit)(struct sa_req *);
	int		 error;
};

static const uint8_t des_weak[8] = { 1, 1, 1, 1, 1, 1, 1, 1 };

static void e_spi_low(struct sa_req *r) { r->spi = 255; }
static void e_no_enc(struct sa_req *r) { r->enc = 0; r->ekeybits = 0; }
static void e_bad_enc(struct sa_req *r) { r->enc = 99; }
static void e_bad_auth(struct sa_req *r) { r->auth = 99; }
static void e_keylen(struct sa_req *r) { r->ekeybits = 100; }
static void e_no_key(struct sa_req *r) { r->ekeybits = 0; }
static void e_akeylen(struct sa_req *r) { r->akeybits = 128; }
static void e_weak(struct sa_req *r)
{
	r->enc = SADB_EALG_DESCBC;
	r->ekeybits = 64;
	r->ekey = des_weak;
}
static void e_aead_auth(struct sa_req *r)
{
	r->enc = SADB_X_EALG_AESGCM16;
	r->ekeybits = 160;
}
static void e_null_key(struct sa_req *r) { r->enc = SADB_EALG_NULL; }
static void e_auth_key_no_alg(struct sa_req *r) { r->auth = 0; }
static void e_old_deriv(struct sa_req *r)
{
	r->flags = SADB_X_EXT_OLD | SADB_X_EXT_DERIV;
}
/* RFC 1827 ESP: the transform's rules, checked when it is built. */
static void e_old_auth(struct sa_req *r) { r->flags = SADB_X_EXT_OLD; }
static void e_old(struct sa_req *r)
{
	e_old_auth(r);
	r->auth = 0;
	r->akeybits = 0;
}
static void e_old_gcm(struct sa_req *r)
{
	e_old(r);
	r->enc = SADB_X_EALG_AESGCM16;
	r->ekeybits = 160;
}
static void e_iv4b_aes(struct sa_req *r)
{
	e_old(r);
	r->flags |= SADB_X_EXT_IV4B;
}
static void e_iv4b_des(struct sa_req *r)
{
	e_iv4b_aes(r);
	r->enc = SADB_EALG_3DESCBC;
	r->ekeybits = 192;
}
static void e_deriv_des(struct sa_req *r)
{
	e_iv4b_des(r);
	r->flags = SADB_X_EXT_DERIV;
}
static void e_ah_enc(struct sa_req *r)
{
	r->satype = SADB_SATYPE_AH;
	r->ekeybits = 0;
}
static void e_ah_no_auth(struct sa_req *r)
{
	r->satype = SADB_SATYPE_AH;
	r->enc = 0;
	r->ekeybits = 0;
	r->auth = 0;
	r->akeybits = 0;
}
static void e_ah_deriv(struct sa_req *r)
{
	e_ah_enc(r);
	r->enc = 0;
	r->flags = SADB_X_EXT_DERIV;
}
static void e_ah_ok(struct sa_req *r)
{
	e_ah_enc(r);
	r->enc = 0;
}
static void e_ah_ekey(struct sa_req *r)
{
	e_ah_ok(r);
	r->ekeybits = 128;
}
static void e_ipcomp(struct sa_req *r)
{
	r->satype = SADB_X_SATYPE_IPCOMP;
	r->auth = 0;
	r->akeybits = r->ekeybits = 0;
	r->enc = SADB_X_CALG_DEFLATE;
}
static void e_ipcomp_cpi(struct sa_req *r) { e_ipcomp(r); r->spi = 0x10000; }
static void e_ipcomp_raw(struct sa_req *r)
{
	e_ipcomp_cpi(r);
	r->flags = SADB_X_EXT_RAWCPI;
}
static void e_ipcomp_auth(struct sa_req *r)
{
	e_ipcomp(r);
	r->auth = SADB_AALG_SHA1HMAC;
}
static void e_ipcomp_key(struct sa_req *r) { e_ipcomp(r); r->ekeybits = 64; }
static void e_ipcomp_bad(struct sa_req *r) { e_ipcomp(r); r->enc = 77; }
static void e_mode(struct sa_req *r) { r->sa2 = true; r->mode = 9; }
static void e_tcpsig(struct sa_req *r)
{
	e_ah_ok(r);
	r->satype = SADB_X_SATYPE_TCPSIGNATURE;
	r->spi = 0x1000;
	r->auth = SADB_X_AALG_TCP_MD5;
	r->akeybits = 128;
}
static void e_tcpsig_spi(struct sa_req *r) { e_tcpsig(r); r->spi = 0x1001; }
static void e_tcpsig_hmac(struct sa_req *r)
{
	e_tcpsig(r);
	r->dst = "192.0.2.9";	/* not the TCP-MD5 SA added before */
	r->auth = SADB_AALG_SHA1HMAC;
	r->akeybits = 160;
}
static void e_ah_tcpmd5(struct sa_req *r)
{
	e_tcpsig(r);
	r->satype = SADB_SATYPE_AH;
	r->spi = 0x3000;
}
static void e_unspec(struct sa_req *r) { r->satype = 0; }
static void e_bytes(struct sa_req *r)
{
	r->hard_bytes = 1 << 20;
	r->hard_addtime = 100;
	r->soft_addtime = 80;
}
static void e_gcm(struct sa_req *r)
{
	e_aead_auth(r);
	r->auth = 0;
	r->akeybits = 0;
}
static void e_state(struct sa_req *r) { r->state = SADB_SASTATE_DYING; }
static void e_tunnel(struct sa_req *r)
{
	r->sa2 = true;
	r->mode = IPSEC_MODE_TUNNEL;
	r->reqid = 7;
}

static const struct add_case add_cases[] = {
	{ "ESP SPI in 0..255", e_spi_low, EINVAL },
	{ "ESP without encryption", e_no_enc, EINVAL },
	{ "unknown encryption", e_bad_enc, EINVAL },
	{ "unknown authentication", e_bad_auth, EINVAL },
	{ "AES key of 100 bits", e_keylen, EINVAL },
	{ "AES without a key", e_no_key, EINVAL },
	{ "HMAC-SHA1 key of 128 bits", e_akeylen, EINVAL },
	{ "weak DES key", e_weak, EINVAL },
	{ "AEAD with an auth algorithm", e_aead_auth, EINVAL },
	{ "null encryption with a key", e_null_key, EINVAL },
	{ "auth key without auth algorithm", e_auth_key_no_alg, EINVAL },
	{ "OLD and DERIV", e_old_deriv, EINVAL },
	{ "old ESP with authentication", e_old_auth, EINVAL },
	{ "old ESP with AES-GCM", e_old_gcm, EINVAL },
	{ "old ESP, 4-byte IV on AES", e_iv4b_aes, EINVAL },
	{ "old ESP", e_old, 0 },
	{ "old ESP, 4-byte IV on 3DES", e_iv4b_des, 0 },
	{ "derived IV on 3DES", e_deriv_des, 0 },
	{ "AH with an encryption algorithm", e_ah_enc, EINVAL },
	{ "AH without an auth algorithm", e_ah_no_auth, EINVAL },
	{ "AH with DERIV", e_ah_deriv, EINVAL },
	{ "AH with an encryption key", e_ah_ekey, EINVAL },
	{ "IPComp CPI over 16 bits", e_ipcomp_cpi, EINVAL },
	{ "IPComp with an auth algorithm", e_ipcomp_auth, EINVAL },
	{ "IPComp with a key", e_ipcomp_key, EINVAL },
	{ "IPComp unknown CALG", e_ipcomp_bad, EINVAL },
	{ "SA2 mode out of range", e_mode, EINVAL },
	{ "satype UNSPEC", e_unspec, EINVAL },
	{ "AH", e_ah_ok, 0 },
	{ "TCP-MD5 at SPI 0x1000", e_tcpsig, 0 },
	{ "TCP-MD5 at another SPI", e_tcpsig_spi, EINVAL },
	{ "TCP signature with HMAC-SHA1", e_tcpsig_hmac, EINVAL },
	{ "AH with TCP-MD5", e_ah_tcpmd5, EINVAL },
	{ "IPComp", e_ipcomp, 0 },
	{ "IPComp raw CPI over 16 bits", e_ipcomp_raw, 0 },
	{ "byte lifetimes", e_bytes, 0 },
	{ "AES-GCM alone", e_gcm, 0 },
	{ "sadb_sa_state ignored", e_state, 0 },
	{ "tunnel mode and reqid", e_tunnel, 0 },
};

static void
test_add_errors(void)
{
	uint64_t buf[SA_MSGBUF_WORDS];
	struct sa_req r;
	size_t i, added = 0;
	int e;

	setup();
	for (i = 0; i < sizeof(add_cases) / sizeof(add_cases[0]); i++) {
		r = sa_req_esp(SADB_ADD, 0x2000 + (uint32_t)i);
		add_cases[i].edit(&r);
		e = call(&A, &r, buf);
		if (e != add_cases[i].error)
			fprintf(stderr, "ADD %s: errno %d, want %d\n",
			    add_cases[i].what, e, add_cases[i].error);
		CU_ASSERT_EQUAL(e, add_cases[i].error);
		/* Errors go to A only; successes to B as well. */
		CU_ASSERT_EQUAL(sa_client_drain(&B), e == 0 ? 1 : 0);
		if (add_cases[i].error == 0)
			added++;
	}
	CU_ASSERT_EQUAL(key_sad_count(0), added);
	/* The same (dst, proto, spi) again. */
	r = sa_req_esp(SADB_ADD, 0x2000);
	CU_ASSERT_EQUAL(call(&A, &r, buf), 0);
	CU_ASSERT_EQUAL(call(&A, &r, buf), EEXIST);
	teardown();
}

static void
test_replay_window(void)
{
	uint64_t buf[SA_MSGBUF_WORDS];
	struct sa_req r = sa_req_esp(SADB_ADD, 0x3000);
	const struct sadb_x_sa_replay *rp;

	setup();
	CU_ASSERT_EQUAL(call(&A, &r, buf), 0);
	CU_ASSERT_EQUAL(lookup("192.0.2.2", IPPROTO_ESP, 0x3000)->replay, 32);
	r.spi = 0x3001;
	r.sa_replay = 5000;
	CU_ASSERT_EQUAL(call(&A, &r, buf), 0);
	CU_ASSERT_EQUAL(lookup("192.0.2.2", IPPROTO_ESP, 0x3001)->replay,
	    5000);
	r.type = SADB_GET;
	r.sa_replay = 0;
	r.akeybits = r.ekeybits = 0;
	CU_ASSERT_EQUAL(call(&A, &r, buf), 0);
	CU_ASSERT_EQUAL(reply_sa(buf)->sadb_sa_replay, 255);
	rp = (const void *)sa_reply_ext(buf, SADB_X_EXT_SA_REPLAY);
	CU_ASSERT_FATAL(rp != NULL);
	CU_ASSERT_EQUAL(rp->sadb_x_sa_replay_replay, 5000);
	r.spi = 0x3000;
	CU_ASSERT_EQUAL(call(&A, &r, buf), 0);
	CU_ASSERT_PTR_NULL(sa_reply_ext(buf, SADB_X_EXT_SA_REPLAY));
	teardown();
}

static uint32_t
getspi(struct sa_client *c, uint32_t min, uint32_t max, int *error)
{
	uint64_t buf[SA_MSGBUF_WORDS];
	struct sa_req r = sa_req_esp(SADB_GETSPI, 0);
	const struct sadb_msg *m;

	r.no_sa = true;
	r.akeybits = r.ekeybits = 0;
	r.spirange = min != 0 || max != 0;
	r.spimin = min;
	r.spimax = max;
	r.seq = 9;
	*error = call(c, &r, buf);
	if (*error != 0)
		return 0;
	m = (const void *)buf;
	CU_ASSERT_EQUAL(m->sadb_msg_type, SADB_GETSPI);
	CU_ASSERT_PTR_NOT_NULL(sa_reply_ext(buf, SADB_EXT_ADDRESS_DST));
	return ntohl(reply_sa(buf)->sadb_sa_spi);
}

static void
test_getspi_update(void)
{
	uint64_t buf[SA_MSGBUF_WORDS];
	struct sa_req r = sa_req_esp(SADB_UPDATE, 0x1234);
	struct ipsec_sa *sa;
	uint32_t spi;
	int e;

	setup();
	CU_ASSERT_EQUAL(getspi(&A, 0x1234, 0x1234, &e), 0x1234);
	CU_ASSERT_EQUAL(e, 0);
	CU_ASSERT_EQUAL(sa_client_drain(&B), 0);	/* ONE */
	sa = lookup("192.0.2.2", IPPROTO_ESP, 0x1234);
	CU_ASSERT_FATAL(sa != NULL);
	CU_ASSERT_EQUAL(sa->state, SADB_SASTATE_LARVAL);
	CU_ASSERT_EQUAL(sa->msg_seq, 9);
	/* Taken, and an empty range: EINVAL as KAME. */
	getspi(&A, 0x1234, 0x1234, &e);
	CU_ASSERT_EQUAL(e, EINVAL);
	getspi(&A, 0x5000, 0x4000, &e);
	CU_ASSERT_EQUAL(e, EINVAL);
	spi = getspi(&A, 0, 0, &e);
	CU_ASSERT(e == 0 && spi >= 256);
	/* UPDATE: another pid, an unknown SPI, another source. */
	r.pid = 1;
	CU_ASSERT_EQUAL(call(&A, &r, buf), EINVAL);
	r.pid = 4242;
	r.spi = 0x9999;
	CU_ASSERT_EQUAL(call(&A, &r, buf), ENOENT);
	r.spi = 0x1234;
	r.src = "192.0.2.9";
	CU_ASSERT_EQUAL(call(&A, &r, buf), ESRCH);
	r.src = "192.0.2.1";
	r.ekeybits = 99;
	CU_ASSERT_EQUAL(call(&A, &r, buf), EINVAL);
	CU_ASSERT_EQUAL(lookup("192.0.2.2", IPPROTO_ESP, 0x1234)->state,
	    SADB_SASTATE_LARVAL);
	r.ekeybits = 128;
	CU_ASSERT_EQUAL(sa_client_drain(&B), 0);
	CU_ASSERT_EQUAL(call(&A, &r, buf), 0);
	CU_ASSERT_PTR_NULL(sa_reply_ext(buf, SADB_EXT_KEY_ENCRYPT));
	CU_ASSERT_EQUAL(sa_client_drain(&B), 1);	/* ALL */
	sa = lookup("192.0.2.2", IPPROTO_ESP, 0x1234);
	CU_ASSERT_FATAL(sa != NULL);
	CU_ASSERT_EQUAL(sa->state, SADB_SASTATE_MATURE);
	CU_ASSERT_EQUAL(sa->msg_seq, 9);
	CU_ASSERT_EQUAL(sa->key_enc.bits, 128);
	/* MATURE: lifetimes only. */
	CU_ASSERT_EQUAL(call(&A, &r, buf), EINVAL);
	r.akeybits = r.ekeybits = 0;
	r.hard_addtime = 3600;
	CU_ASSERT_EQUAL(call(&A, &r, buf), 0);
	CU_ASSERT_EQUAL(sa->hard.addtime, 3600);
	r.hard_addtime = 0;
	r.soft_addtime = 1800;
	CU_ASSERT_EQUAL(call(&A, &r, buf), 0);
	CU_ASSERT_EQUAL(sa->hard.addtime, 3600);
	CU_ASSERT_EQUAL(sa->soft.addtime, 1800);
	r.enc = SADB_X_EALG_AESGCM16;
	CU_ASSERT_EQUAL(call(&A, &r, buf), EINVAL);
	teardown();
}

static void
test_delete_all(void)
{
	uint64_t buf[SA_MSGBUF_WORDS];
	const struct sadb_msg *m = (const void *)buf;
	struct sa_req r;
	int e;
	uint32_t i;

	setup();
	for (i = 0; i < 3; i++) {
		r = sa_req_esp(SADB_ADD, 0x4000 + i);
		CU_ASSERT_EQUAL(call(&A, &r, buf), 0);
	}
	r = sa_req_esp(SADB_ADD, 0x4100);
	r.dst = "192.0.2.3";
	CU_ASSERT_EQUAL(call(&A, &r, buf), 0);
	getspi(&A, 0x4200, 0x4200, &e);
	CU_ASSERT_EQUAL(key_sad_count(0), 5);
	sa_client_drain(&B);
	r = sa_req_esp(SADB_DELETE, 0);
	r.no_sa = true;
	r.akeybits = r.ekeybits = 0;
	CU_ASSERT_EQUAL(call(&A, &r, buf), 0);
	CU_ASSERT_EQUAL(m->sadb_msg_type, SADB_DELETE);
	CU_ASSERT_PTR_NULL(sa_reply_ext(buf, SADB_EXT_SA));
	CU_ASSERT_PTR_NOT_NULL(sa_reply_ext(buf, SADB_EXT_ADDRESS_SRC));
	CU_ASSERT_EQUAL(sa_client_drain(&B), 1);
	/* The LARVAL SA and the other pair's SA stay. */
	CU_ASSERT_EQUAL(key_sad_count(0), 2);
	CU_ASSERT_PTR_NOT_NULL(lookup("192.0.2.2", IPPROTO_ESP, 0x4200));
	/* Nothing left to delete: still a success, as in KAME. */
	CU_ASSERT_EQUAL(call(&A, &r, buf), 0);
	teardown();
}

static void
test_flush(void)
{
	uint64_t buf[SA_MSGBUF_WORDS];
	const struct sadb_msg *m = (const void *)buf;
	struct sa_req r = sa_req_esp(SADB_ADD, 0x5000);
	struct key_buf b;

	setup();
	CU_ASSERT_EQUAL(call(&A, &r, buf), 0);
	e_ah_ok(&r);
	CU_ASSERT_EQUAL(call(&A, &r, buf), 0);
	sa_client_drain(&B);
	key_buf_init_dynamic(&b);
	key_build_begin(&b, SADB_FLUSH, SADB_SATYPE_AH, 5, 4242);
	CU_ASSERT_FATAL(key_build_end(&b) == 0);
	CU_ASSERT_EQUAL(sa_client_call(&A, &b, buf), 0);
	CU_ASSERT_EQUAL(m->sadb_msg_type, SADB_FLUSH);
	CU_ASSERT_EQUAL(m->sadb_msg_len, 2);
	CU_ASSERT_EQUAL(sa_client_drain(&B), 1);
	CU_ASSERT_EQUAL(key_sad_count(0), 1);
	key_build_begin(&b, SADB_FLUSH, 0, 6, 4242);
	CU_ASSERT_FATAL(key_build_end(&b) == 0);
	CU_ASSERT_EQUAL(sa_client_call(&A, &b, buf), 0);
	CU_ASSERT_EQUAL(key_sad_count(0), 0);
	key_buf_free(&b);
	teardown();
}

static void
test_dump_small(void)
{
	uint64_t buf[SA_MSGBUF_WORDS];
	const struct sadb_msg *m = (const void *)buf;
	struct sa_req r;
	struct key_buf b;
	uint32_t i, want = 3;
	int e;

	setup();
	key_buf_init_dynamic(&b);
	key_build_begin(&b, SADB_DUMP, 0, 8, 4343);
	CU_ASSERT_FATAL(key_build_end(&b) == 0);
	CU_ASSERT_EQUAL(sa_client_call(&A, &b, buf), ENOENT);
	for (i = 0; i < 3; i++) {
		r = sa_req_esp(SADB_ADD, 0x6000 + i);
		CU_ASSERT_EQUAL(call(&A, &r, buf), 0);
	}
	getspi(&A, 0x6100, 0x6100, &e);
	sa_client_drain(&B);
	CU_ASSERT_EQUAL(sa_client_send(&A, &b), 0);
	for (i = 0; i < 4; i++) {
		CU_ASSERT_FATAL(sa_client_recv(&A, buf) > 0);
		CU_ASSERT_EQUAL(m->sadb_msg_type, SADB_DUMP);
		CU_ASSERT_EQUAL(m->sadb_msg_seq, want--);
		CU_ASSERT_EQUAL(m->sadb_msg_pid, 4343);
		CU_ASSERT(m->sadb_msg_reserved >= 2);
		CU_ASSERT_EQUAL(sa_reply_ext(buf, SADB_EXT_KEY_ENCRYPT) !=
		    NULL, i < 3);
	}
	CU_ASSERT(sa_client_recv(&A, buf) < 0);
	CU_ASSERT_EQUAL(sa_client_drain(&B), 0);
	/* A filter by satype with no match is ENOENT too. */
	key_build_begin(&b, SADB_DUMP, SADB_SATYPE_AH, 9, 4343);
	CU_ASSERT_FATAL(key_build_end(&b) == 0);
	CU_ASSERT_EQUAL(sa_client_call(&A, &b, buf), ENOENT);
	key_buf_free(&b);
	teardown();
}

static void
test_ipv6(void)
{
	uint64_t buf[SA_MSGBUF_WORDS];
	struct sa_req r = sa_req_esp(SADB_ADD, 0x7000);

	setup();
	r.src = "2001:db8::1";
	r.dst = "2001:db8::2";
	CU_ASSERT_EQUAL(call(&A, &r, buf), 0);
	r.type = SADB_GET;
	r.akeybits = r.ekeybits = 0;
	CU_ASSERT_EQUAL(call(&A, &r, buf), 0);
	CU_ASSERT_PTR_NOT_NULL(sa_reply_ext(buf, SADB_EXT_KEY_AUTH));
	r.dst = "2001:db8::3";
	CU_ASSERT_EQUAL(call(&A, &r, buf), ENOENT);
	teardown();
}

static const struct test_case sa_cases[] = {
	{ "ADD, GET, DELETE and their targets", test_add_get_delete },
	{ "ADD validation, one errno per rule", test_add_errors },
	{ "replay window in bytes and SA_REPLAY", test_replay_window },
	{ "GETSPI then UPDATE, with its errors", test_getspi_update },
	{ "DELETE without SA: KAME delete-all", test_delete_all },
	{ "FLUSH by satype and all", test_flush },
	{ "DUMP: records, seq, pid, ENOENT", test_dump_small },
	{ "IPv6 SAs", test_ipv6 },
	{ NULL, NULL }
};

const struct test_suite test_suites[] = {
	{ "SA messages", sa_suite_init, sa_suite_fini, sa_cases },
	{ NULL, NULL, NULL, NULL }
};
