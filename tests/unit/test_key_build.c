/*
 * key_build: messages of every shape built and parsed back field by field,
 * zero padding, lengths in 64-bit units, sticky errors, growth up to
 * KEY_MSG_MAX, echoing a request, and wiping on free.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <netipsec/ipsec.h>

#include "sys/netkey/key_build.h"
#include "sys/netkey/key_parse.h"
#include "testlib.h"
#include "pfkey_msg.h"

static struct sockaddr_in sin_a, sin_b;
static struct sockaddr_in6 sin6_a, sin6_b;

static int
setup(void)
{
	pfkey_msg_sin(&sin_a, "192.0.2.1", 500);
	pfkey_msg_sin(&sin_b, "192.0.2.2", 4500);
	pfkey_msg_sin6(&sin6_a, "2001:db8::1", 0);
	pfkey_msg_sin6(&sin6_b, "2001:db8::2", 0);
	return 0;
}

/* Every extension length adds up to the header's, in 64-bit units. */
static void
check_lengths(const void *msg, size_t len)
{
	const uint8_t *p = msg;
	const struct sadb_msg *h = msg;
	const struct sadb_ext *e;
	size_t off;

	CU_ASSERT_EQUAL(len % 8, 0);
	CU_ASSERT_EQUAL(PFKEY_UNUNIT64((size_t)h->sadb_msg_len), len);
	for (off = sizeof(*h); off < len; off += PFKEY_EXTLEN(e)) {
		e = (const void *)(p + off);
		CU_ASSERT_FATAL(e->sadb_ext_len != 0);
	}
	CU_ASSERT_EQUAL(off, len);
}

/* An SA message with every SA-side builder, parsed back field by field. */
static void
test_sa_fields(void)
{
	static const uint8_t key[20] = "abcdefghijklmnopqrst";
	const struct sadb_sa *sa;
	const struct sadb_x_sa2 *sa2;
	const struct sadb_lifetime *lt;
	const struct sadb_address *ad;
	const struct sadb_key *k;
	const struct sadb_ident *id;
	const struct sadb_x_nat_t_port *pt;
	struct key_msg m;
	struct key_buf b;

	key_buf_init_dynamic(&b);
	key_build_begin(&b, SADB_UPDATE, SADB_SATYPE_ESP, 77, 99);
	key_build_sa(&b, htonl(0xdeadbeef), 8, SADB_SASTATE_MATURE,
	    SADB_X_AALG_SHA2_256, SADB_X_EALG_AESGCM16, SADB_X_EXT_CYCSEQ);
	key_build_sa2(&b, IPSEC_MODE_TUNNEL, 0x3fff, 123);
	key_build_lifetime(&b, SADB_EXT_LIFETIME_HARD, 10, 1u << 30,
	    86400, 28800);
	key_build_address(&b, SADB_EXT_ADDRESS_SRC, (void *)&sin_a, 32, 17);
	key_build_address(&b, SADB_EXT_ADDRESS_DST, (void *)&sin_b, 24, 17);
	key_build_key(&b, SADB_EXT_KEY_ENCRYPT, key, 160);
	key_build_identity(&b, SADB_EXT_IDENTITY_SRC, SADB_IDENTTYPE_FQDN, 5,
	    "host.example");
	key_build_nat_t_type(&b, UDP_ENCAP_ESPINUDP);
	key_build_nat_t_port(&b, SADB_X_EXT_NAT_T_SPORT, htons(4500));
	key_build_nat_t_frag(&b, 1280);
	key_build_sa_replay(&b, 1u << 20);
	key_build_address(&b, SADB_X_EXT_NEW_ADDRESS_DST, (void *)&sin_a, 32,
	    17);
	CU_ASSERT_EQUAL_FATAL(key_build_end(&b), 0);
	check_lengths(key_buf_data(&b), key_buf_len(&b));
	CU_ASSERT_EQUAL_FATAL(key_parse(key_buf_data(&b), key_buf_len(&b), &m),
	    0);

	CU_ASSERT_EQUAL(m.hdr->sadb_msg_seq, 77);
	CU_ASSERT_EQUAL(m.hdr->sadb_msg_pid, 99);
	sa = KEY_MSG_EXT(&m, SADB_EXT_SA, sadb_sa);
	CU_ASSERT_EQUAL(ntohl(sa->sadb_sa_spi), 0xdeadbeef);
	CU_ASSERT_EQUAL(sa->sadb_sa_replay, 8);
	CU_ASSERT_EQUAL(sa->sadb_sa_encrypt, SADB_X_EALG_AESGCM16);
	CU_ASSERT_EQUAL(sa->sadb_sa_flags, SADB_X_EXT_CYCSEQ);
	sa2 = KEY_MSG_EXT(&m, SADB_X_EXT_SA2, sadb_x_sa2);
	CU_ASSERT_EQUAL(sa2->sadb_x_sa2_mode, IPSEC_MODE_TUNNEL);
	CU_ASSERT_EQUAL(sa2->sadb_x_sa2_reqid, 0x3fff);
	CU_ASSERT_EQUAL(sa2->sadb_x_sa2_sequence, 123);
	lt = KEY_MSG_EXT(&m, SADB_EXT_LIFETIME_HARD, sadb_lifetime);
	CU_ASSERT_EQUAL(lt->sadb_lifetime_allocations, 10);
	CU_ASSERT_EQUAL(lt->sadb_lifetime_bytes, 1u << 30);
	CU_ASSERT_EQUAL(lt->sadb_lifetime_addtime, 86400);
	CU_ASSERT_EQUAL(lt->sadb_lifetime_usetime, 28800);
	ad = KEY_MSG_EXT(&m, SADB_EXT_ADDRESS_DST, sadb_address);
	CU_ASSERT_EQUAL(ad->sadb_address_prefixlen, 24);
	CU_ASSERT_EQUAL(ad->sadb_address_proto, 17);
	CU_ASSERT(memcmp(key_msg_sockaddr(ad), &sin_b, sizeof(sin_b)) == 0);
	k = KEY_MSG_EXT(&m, SADB_EXT_KEY_ENCRYPT, sadb_key);
	CU_ASSERT_EQUAL(k->sadb_key_bits, 160);
	CU_ASSERT_EQUAL(PFKEY_EXTLEN(k), 8 + 24);
	CU_ASSERT(memcmp(k + 1, key, 20) == 0);
	id = KEY_MSG_EXT(&m, SADB_EXT_IDENTITY_SRC, sadb_ident);
	CU_ASSERT_EQUAL(id->sadb_ident_id, 5);
	CU_ASSERT_STRING_EQUAL((const char *)(id + 1), "host.example");
	pt = KEY_MSG_EXT(&m, SADB_X_EXT_NAT_T_SPORT, sadb_x_nat_t_port);
	CU_ASSERT_EQUAL(ntohs(pt->sadb_x_nat_t_port_port), 4500);
	CU_ASSERT_EQUAL(KEY_MSG_EXT(&m, SADB_X_EXT_NAT_T_FRAG,
	    sadb_x_nat_t_frag)->sadb_x_nat_t_frag_fraglen, 1280);
	CU_ASSERT_EQUAL(KEY_MSG_EXT(&m, SADB_X_EXT_SA_REPLAY,
	    sadb_x_sa_replay)->sadb_x_sa_replay_replay, 1u << 20);
	CU_ASSERT_EQUAL(KEY_MSG_EXT(&m, SADB_X_EXT_NAT_T_TYPE,
	    sadb_x_nat_t_type)->sadb_x_nat_t_type_type, UDP_ENCAP_ESPINUDP);
	key_buf_free(&b);
}

/* REGISTER and ACQUIRE replies: supported lists, proposals, policies. */
static void
test_kernel_fields(void)
{
	struct sadb_alg algs[3];
	struct sadb_comb combs[2];
	const struct sadb_supported *sup;
	const struct sadb_prop *prop;
	const struct sadb_x_policy *pol;
	const struct sadb_x_ipsecrequest *req;
	const struct sockaddr *s, *d;
	struct key_msg m;
	struct key_buf b;

	memset(algs, 0, sizeof(algs));
	memset(combs, 0, sizeof(combs));
	algs[0].sadb_alg_id = SADB_AALG_SHA1HMAC;
	algs[2].sadb_alg_maxbits = 512;
	combs[1].sadb_comb_hard_usetime = 28800;
	key_buf_init_dynamic(&b);
	key_build_begin(&b, SADB_ACQUIRE, SADB_SATYPE_ESP, 9, 0);
	key_build_set_reserved(&b, 3);
	key_build_supported(&b, SADB_EXT_SUPPORTED_AUTH, algs, 3);
	key_build_supported(&b, SADB_EXT_SUPPORTED_ENCRYPT, NULL, 0);
	key_build_proposal(&b, 4, combs, 2);
	key_build_address(&b, SADB_EXT_ADDRESS_SRC, (void *)&sin6_a, 128,
	    255);
	key_build_address(&b, SADB_EXT_ADDRESS_DST, (void *)&sin6_b, 128,
	    255);
	key_build_policy(&b, IPSEC_POLICY_IPSEC, IPSEC_DIR_OUTBOUND, 42, 7);
	key_build_ipsecrequest(&b, IPPROTO_ESP, IPSEC_MODE_TUNNEL,
	    IPSEC_LEVEL_REQUIRE, 3, (void *)&sin6_a, (void *)&sin6_b);
	key_build_ipsecrequest(&b, IPPROTO_COMP, IPSEC_MODE_TRANSPORT,
	    IPSEC_LEVEL_USE, 0, NULL, NULL);
	key_build_spirange(&b, 256, 511);
	CU_ASSERT_EQUAL_FATAL(key_build_end(&b), 0);
	check_lengths(key_buf_data(&b), key_buf_len(&b));
	CU_ASSERT_EQUAL_FATAL(key_parse_reply(key_buf_data(&b),
	    key_buf_len(&b), &m), 0);

	CU_ASSERT_EQUAL(m.hdr->sadb_msg_reserved, 3);
	sup = KEY_MSG_EXT(&m, SADB_EXT_SUPPORTED_AUTH, sadb_supported);
	CU_ASSERT_EQUAL(PFKEY_EXTLEN(sup), 8 + 3 * 8);
	CU_ASSERT_EQUAL(((const struct sadb_alg *)(sup + 1))[2].
	    sadb_alg_maxbits, 512);
	CU_ASSERT_EQUAL(PFKEY_EXTLEN(m.ext[SADB_EXT_SUPPORTED_ENCRYPT]), 8);
	prop = KEY_MSG_EXT(&m, SADB_EXT_PROPOSAL, sadb_prop);
	CU_ASSERT_EQUAL(prop->sadb_prop_replay, 4);
	CU_ASSERT_EQUAL(PFKEY_EXTLEN(prop), 8 + 2 * 72);
	CU_ASSERT_EQUAL(((const struct sadb_comb *)(prop + 1))[1].
	    sadb_comb_hard_usetime, 28800);
	pol = KEY_MSG_EXT(&m, SADB_X_EXT_POLICY, sadb_x_policy);
	CU_ASSERT_EQUAL(pol->sadb_x_policy_id, 42);
	CU_ASSERT_EQUAL(pol->sadb_x_policy_priority, 7);
	CU_ASSERT_EQUAL(PFKEY_EXTLEN(pol), 16 + 64 + 8);
	req = key_msg_request_first(pol);
	CU_ASSERT_EQUAL(req->sadb_x_ipsecrequest_len, 64);
	CU_ASSERT_EQUAL(key_msg_request_addrs(req, &s, &d), 2);
	CU_ASSERT(memcmp(d, &sin6_b, sizeof(sin6_b)) == 0);
	req = key_msg_request_next(pol, req);
	CU_ASSERT_EQUAL(req->sadb_x_ipsecrequest_proto, IPPROTO_COMP);
	CU_ASSERT_EQUAL(req->sadb_x_ipsecrequest_len, 8);
	CU_ASSERT_PTR_NULL(key_msg_request_next(pol, req));
	CU_ASSERT_EQUAL(KEY_MSG_EXT(&m, SADB_EXT_SPIRANGE, sadb_spirange)->
	    sadb_spirange_max, 511);
	key_buf_free(&b);
}

/* Padding is zero even over a dirty buffer. */
static void
test_padding(void)
{
	static uint64_t mem[64];
	static const uint8_t key[2] = { 0xff, 0xff };
	uint8_t *p = (uint8_t *)mem;
	struct key_buf b;

	memset(mem, 0xaa, sizeof(mem));
	key_buf_init(&b, mem, sizeof(mem));
	key_build_begin(&b, SADB_ADD, SADB_SATYPE_AH, 0, 0);
	/* 16 + 8 + 2 key bytes: 6 bytes of padding. */
	key_build_key(&b, SADB_EXT_KEY_AUTH, key, 13);
	/* 16 + 16 + 4 ("abc" and NUL): 4 bytes of padding. */
	key_build_identity(&b, SADB_EXT_IDENTITY_SRC, SADB_IDENTTYPE_FQDN, 0,
	    "abc");
	/* 16 + 32 + 40: IPv6 sockaddr of 28 bytes, 4 of padding. */
	key_build_address(&b, SADB_EXT_ADDRESS_SRC, (void *)&sin6_a, 128, 0);
	CU_ASSERT_EQUAL_FATAL(key_build_end(&b), 0);
	CU_ASSERT_EQUAL(key_buf_len(&b), 16 + 16 + 24 + 40);
	CU_ASSERT_EQUAL(p[16 + 8], 0xff);
	CU_ASSERT_EQUAL(p[16 + 9], 0xff);
	CU_ASSERT(memcmp(p + 26, "\0\0\0\0\0\0", 6) == 0);
	CU_ASSERT(memcmp(p + 32 + 16, "abc\0\0\0\0\0", 8) == 0);
	CU_ASSERT(memcmp(p + 56 + 8 + 28, "\0\0\0\0", 4) == 0);
	CU_ASSERT_EQUAL(p[key_buf_len(&b)], 0xaa);
	check_lengths(mem, key_buf_len(&b));
	key_buf_free(&b);
}

/* One failure sticks; later appends do nothing; begin starts over. */
static void
test_sticky(void)
{
	uint64_t mem[5];
	struct key_buf b;

	key_buf_init(&b, mem, sizeof(mem));
	key_build_begin(&b, SADB_GET, SADB_SATYPE_ESP, 1, 2);
	key_build_sa(&b, 0, 0, 0, 0, 0, 0);
	CU_ASSERT_EQUAL(key_buf_len(&b), 32);
	key_build_address(&b, SADB_EXT_ADDRESS_SRC, (void *)&sin_a, 32, 0);
	CU_ASSERT_EQUAL(b.error, ENOBUFS);
	key_build_nat_t_type(&b, 1);	/* would fit: still refused */
	CU_ASSERT_EQUAL(key_buf_len(&b), 32);
	key_build_set_errno(&b, 5);
	CU_ASSERT_EQUAL(key_build_end(&b), ENOBUFS);
	key_build_begin(&b, SADB_FLUSH, 0, 1, 2);
	key_build_nat_t_type(&b, 1);
	CU_ASSERT_EQUAL(key_build_end(&b), 0);
	CU_ASSERT_EQUAL(key_buf_len(&b), 24);
	key_buf_free(&b);
}

static void
test_bad_arguments(void)
{
	struct sockaddr_un sun;
	struct key_buf b;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	key_buf_init_dynamic(&b);

	/* An extension before any header. */
	key_build_sa(&b, 0, 0, 0, 0, 0, 0);
	CU_ASSERT_EQUAL(key_build_end(&b), EINVAL);

	key_build_begin(&b, SADB_ADD, SADB_SATYPE_ESP, 0, 0);
	key_build_address(&b, SADB_EXT_ADDRESS_SRC, (void *)&sun, 0, 0);
	CU_ASSERT_EQUAL(key_build_end(&b), EAFNOSUPPORT);

	key_build_begin(&b, SADB_ADD, SADB_SATYPE_ESP, 0, 0);
	key_build_key(&b, SADB_EXT_KEY_AUTH, "k", 0);
	CU_ASSERT_EQUAL(key_build_end(&b), EINVAL);

	/* Requests need an x_policy just before them. */
	key_build_begin(&b, SADB_X_SPDADD, 0, 0, 0);
	key_build_ipsecrequest(&b, IPPROTO_ESP, 1, 1, 0, NULL, NULL);
	CU_ASSERT_EQUAL(key_build_end(&b), EINVAL);
	key_build_begin(&b, SADB_X_SPDADD, 0, 0, 0);
	key_build_policy(&b, IPSEC_POLICY_IPSEC, IPSEC_DIR_INBOUND, 0, 0);
	key_build_lifetime(&b, SADB_EXT_LIFETIME_HARD, 0, 0, 1, 1);
	key_build_ipsecrequest(&b, IPPROTO_ESP, 1, 1, 0, NULL, NULL);
	CU_ASSERT_EQUAL(key_build_end(&b), EINVAL);

	key_build_begin(&b, SADB_X_SPDADD, 0, 0, 0);
	key_build_policy(&b, IPSEC_POLICY_IPSEC, IPSEC_DIR_INBOUND, 0, 0);
	key_build_ipsecrequest(&b, IPPROTO_ESP, 2, 1, 0, (void *)&sin_a,
	    (void *)&sin6_b);
	CU_ASSERT_EQUAL(key_build_end(&b), EINVAL);
	key_build_begin(&b, SADB_X_SPDADD, 0, 0, 0);
	key_build_policy(&b, IPSEC_POLICY_IPSEC, IPSEC_DIR_INBOUND, 0, 0);
	key_build_ipsecrequest(&b, IPPROTO_ESP, 2, 1, 0, (void *)&sin_a,
	    NULL);
	CU_ASSERT_EQUAL(key_build_end(&b), EINVAL);
	key_build_begin(&b, SADB_X_SPDADD, 0, 0, 0);
	key_build_policy(&b, IPSEC_POLICY_IPSEC, IPSEC_DIR_INBOUND, 0, 0);
	key_build_ipsecrequest(&b, IPPROTO_ESP, 2, 1, 0, (void *)&sun,
	    (void *)&sun);
	CU_ASSERT_EQUAL(key_build_end(&b), EAFNOSUPPORT);

	/* A fixed buffer without memory. */
	key_buf_free(&b);
	key_buf_init(&b, NULL, 0);
	key_build_begin(&b, SADB_FLUSH, 0, 0, 0);
	CU_ASSERT_EQUAL(key_build_end(&b), EINVAL);
	key_buf_free(&b);
}

/* A dynamic buffer grows, keeps its content, and stops at KEY_MSG_MAX. */
static void
test_growth_and_cap(void)
{
	size_t n = (KEY_MSG_MAX - 16 - 8) / 8, i;
	struct sadb_alg *algs = calloc(n + 1, sizeof(*algs));
	const struct sadb_alg *got;
	struct key_msg m;
	struct key_buf b;

	CU_ASSERT_FATAL(algs != NULL);
	for (i = 0; i <= n; i++)
		algs[i].sadb_alg_id = (uint8_t)i;
	key_buf_init_dynamic(&b);
	key_build_begin(&b, SADB_REGISTER, SADB_SATYPE_ESP, 1, 1);
	key_build_supported(&b, SADB_EXT_SUPPORTED_AUTH, algs, n);
	CU_ASSERT_EQUAL_FATAL(key_build_end(&b), 0);
	CU_ASSERT_EQUAL(key_buf_len(&b), KEY_MSG_MAX);
	CU_ASSERT_EQUAL_FATAL(key_parse_reply(key_buf_data(&b),
	    key_buf_len(&b), &m), 0);
	got = (const void *)((const uint8_t *)m.ext[SADB_EXT_SUPPORTED_AUTH] +
	    sizeof(struct sadb_supported));
	CU_ASSERT_EQUAL(got[n - 1].sadb_alg_id, (uint8_t)(n - 1));
	CU_ASSERT_EQUAL(m.hdr->sadb_msg_type, SADB_REGISTER);

	/* One more byte's worth does not fit. */
	key_build_begin(&b, SADB_REGISTER, SADB_SATYPE_ESP, 1, 1);
	key_build_supported(&b, SADB_EXT_SUPPORTED_AUTH, algs, n + 1);
	CU_ASSERT_EQUAL(key_build_end(&b), ENOBUFS);
	key_build_begin(&b, SADB_REGISTER, SADB_SATYPE_ESP, 1, 1);
	key_build_supported(&b, SADB_EXT_SUPPORTED_AUTH, algs, SIZE_MAX / 4);
	CU_ASSERT_EQUAL(key_build_end(&b), ENOBUFS);
	key_buf_free(&b);
	free(algs);
}

static void
test_error_reply(void)
{
	struct sadb_msg req = {
		.sadb_msg_version = PF_KEY_V2,
		.sadb_msg_type = SADB_GET,
		.sadb_msg_satype = SADB_SATYPE_AH,
		.sadb_msg_len = 9,
		.sadb_msg_seq = 31,
		.sadb_msg_pid = 32,
	};
	const struct sadb_msg *h;
	struct key_buf b;

	key_buf_init_dynamic(&b);
	key_build_error(&b, &req, ENOENT);
	CU_ASSERT_EQUAL_FATAL(key_build_end(&b), 0);
	CU_ASSERT_EQUAL(key_buf_len(&b), sizeof(req));
	h = key_buf_data(&b);
	CU_ASSERT_EQUAL(h->sadb_msg_errno, ENOENT);
	CU_ASSERT_EQUAL(h->sadb_msg_len, 2);
	CU_ASSERT_EQUAL(h->sadb_msg_type, SADB_GET);
	CU_ASSERT_EQUAL(h->sadb_msg_satype, SADB_SATYPE_AH);
	CU_ASSERT_EQUAL(h->sadb_msg_seq, 31);
	CU_ASSERT_EQUAL(h->sadb_msg_pid, 32);
	key_buf_free(&b);
}

/* key_buf_free() leaves no key byte behind in the caller's memory. */
static void
test_free_wipes(void)
{
	static uint64_t mem[32];
	static const uint8_t key[16] = "0123456789abcdef";
	struct key_buf b;
	size_t i;
	int nonzero = 0;

	key_buf_init(&b, mem, sizeof(mem));
	key_build_begin(&b, SADB_ADD, SADB_SATYPE_ESP, 0, 0);
	key_build_key(&b, SADB_EXT_KEY_ENCRYPT, key, 128);
	CU_ASSERT_EQUAL_FATAL(key_build_end(&b), 0);
	CU_ASSERT(memmem(mem, sizeof(mem), key, sizeof(key)) != NULL);
	key_buf_free(&b);
	for (i = 0; i < sizeof(mem) / sizeof(mem[0]); i++)
		nonzero |= mem[i] != 0;
	CU_ASSERT_EQUAL(nonzero, 0);
	CU_ASSERT_PTR_NULL(b.base);
	CU_ASSERT_EQUAL(b.cap, 0);
}

/*
 * Every sample of every type, parsed and echoed whole, comes back byte for
 * byte; echoed without keys it still parses and has no key left.
 */
static void
test_echo_every_sample(void)
{
	struct key_buf b, e;
	struct key_msg m, em;
	unsigned int type, v;

	for (type = 1; type <= SADB_MAX; type++) {
		for (v = 0; v < PFKEY_MSG_VARIANTS; v++) {
			key_buf_init_dynamic(&b);
			key_buf_init_dynamic(&e);
			CU_ASSERT_EQUAL_FATAL(pfkey_msg_sample(&b, type, v), 0);
			check_lengths(key_buf_data(&b), key_buf_len(&b));
			CU_ASSERT_EQUAL_FATAL(key_parse(key_buf_data(&b),
			    key_buf_len(&b), &m), 0);
			key_build_echo(&e, &m, KEY_EXT_ALL);
			CU_ASSERT_EQUAL_FATAL(key_build_end(&e), 0);
			CU_ASSERT_EQUAL(key_buf_len(&e), key_buf_len(&b));
			CU_ASSERT(memcmp(key_buf_data(&e), key_buf_data(&b),
			    key_buf_len(&b)) == 0);
			key_build_echo(&e, &m, KEY_EXT_ALL &
			    ~KEY_EXT_BIT(SADB_EXT_KEY_AUTH) &
			    ~KEY_EXT_BIT(SADB_EXT_KEY_ENCRYPT));
			CU_ASSERT_EQUAL_FATAL(key_build_end(&e), 0);
			CU_ASSERT_EQUAL_FATAL(key_parse(key_buf_data(&e),
			    key_buf_len(&e), &em), 0);
			CU_ASSERT_PTR_NULL(em.ext[SADB_EXT_KEY_AUTH]);
			CU_ASSERT_PTR_NULL(em.ext[SADB_EXT_KEY_ENCRYPT]);
			key_buf_free(&e);
			key_buf_free(&b);
		}
	}
}

static const struct test_case build_cases[] = {
	{ "SA fields round trip", test_sa_fields },
	{ "kernel message fields round trip", test_kernel_fields },
	{ "zero padding", test_padding },
	{ "sticky errors", test_sticky },
	{ "bad arguments", test_bad_arguments },
	{ "growth and KEY_MSG_MAX", test_growth_and_cap },
	{ "error reply", test_error_reply },
	{ "free wipes", test_free_wipes },
	{ "echo of every sample", test_echo_every_sample },
	{ NULL, NULL },
};

const struct test_suite test_suites[] = {
	{ "key_build", setup, NULL, build_cases },
	{ NULL, NULL, NULL, NULL },
};
