/*
 * libipsec pfkey_* calls over a socketpair standing in for the PF_KEY
 * socket: every message a call sends is validated with key_parse() as
 * the key engine would, and its extensions are checked field by field.
 * Then pfkey_recv() framing, the supported-algorithm lists with the
 * key-length checks, and the soft rates.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <netipsec/ipsec.h>

#include "lib/libipsec/libpfkey.h"
#include "sys/netkey/key_build.h"
#include "sys/netkey/key_parse.h"
#include "testlib.h"
#include "pfkey_msg.h"

static int sv[2];			/* [0] the client, [1] the "kernel" */
static uint64_t rxbuf[KEY_MSG_MAX / 8];
static struct key_msg rx;
static struct sockaddr_in s4, d4;
static struct sockaddr_in6 s6, d6;

static int
setup(void)
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) != 0)
		return -1;
	pfkey_msg_sin(&s4, "192.0.2.1", 0);
	pfkey_msg_sin(&d4, "192.0.2.2", 0);
	pfkey_msg_sin6(&s6, "2001:db8::1", 0);
	pfkey_msg_sin6(&d6, "2001:db8::2", 0);
	return 0;
}

static int
teardown(void)
{
	close(sv[0]);
	close(sv[1]);
	return 0;
}

/* Receive what the call of n bytes sent and validate it as a request. */
static void
take(int n, uint8_t type, uint8_t satype)
{
	ssize_t len;

	CU_ASSERT_FATAL(n > 0);
	len = recv(sv[1], rxbuf, sizeof(rxbuf), 0);
	CU_ASSERT_EQUAL_FATAL(len, n);
	CU_ASSERT_EQUAL_FATAL(key_parse(rxbuf, (size_t)len, &rx), 0);
	CU_ASSERT_EQUAL(rx.hdr->sadb_msg_version, PF_KEY_V2);
	CU_ASSERT_EQUAL(rx.hdr->sadb_msg_type, type);
	CU_ASSERT_EQUAL(rx.hdr->sadb_msg_satype, satype);
	CU_ASSERT_EQUAL(rx.hdr->sadb_msg_pid, (uint32_t)getpid());
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_NO_ERROR);
}

/* Extensions present, as a bitmap. */
static uint32_t
present(void)
{
	uint32_t bits = 0;
	int i;

	for (i = 1; i <= SADB_EXT_MAX; i++)
		if (rx.ext[i] != NULL)
			bits |= KEY_EXT_BIT(i);
	return bits;
}

static void
check_addr(uint16_t type, const void *want, size_t len, uint8_t plen,
    uint8_t proto)
{
	const struct sadb_address *a = KEY_MSG_EXT(&rx, type, sadb_address);

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_EQUAL(a->sadb_address_prefixlen, plen);
	CU_ASSERT_EQUAL(a->sadb_address_proto, proto);
	CU_ASSERT_EQUAL(memcmp(key_msg_sockaddr(a), want, len), 0);
}

static void
test_getspi(void)
{
	const struct sadb_spirange *r;
	const struct sadb_x_sa2 *sa2;
	int n;

	n = pfkey_send_getspi(sv[0], SADB_SATYPE_ESP, IPSEC_MODE_TUNNEL,
	    (void *)&s4, (void *)&d4, 0x1000, 0x2000, 7, 42);
	take(n, SADB_GETSPI, SADB_SATYPE_ESP);
	CU_ASSERT_EQUAL(rx.hdr->sadb_msg_seq, 42);
	CU_ASSERT_EQUAL(present(), KEY_EXT_BIT(SADB_X_EXT_SA2) |
	    KEY_EXT_BIT(SADB_EXT_ADDRESS_SRC) |
	    KEY_EXT_BIT(SADB_EXT_ADDRESS_DST) |
	    KEY_EXT_BIT(SADB_EXT_SPIRANGE));
	sa2 = KEY_MSG_EXT(&rx, SADB_X_EXT_SA2, sadb_x_sa2);
	CU_ASSERT_EQUAL(sa2->sadb_x_sa2_mode, IPSEC_MODE_TUNNEL);
	CU_ASSERT_EQUAL(sa2->sadb_x_sa2_reqid, 7);
	r = KEY_MSG_EXT(&rx, SADB_EXT_SPIRANGE, sadb_spirange);
	CU_ASSERT_EQUAL(r->sadb_spirange_min, 0x1000);
	CU_ASSERT_EQUAL(r->sadb_spirange_max, 0x2000);
	check_addr(SADB_EXT_ADDRESS_SRC, &s4, sizeof(s4), 32, 255);
	check_addr(SADB_EXT_ADDRESS_DST, &d4, sizeof(d4), 32, 255);
	/* No range: any SPI. */
	n = pfkey_send_getspi(sv[0], SADB_SATYPE_AH, IPSEC_MODE_TRANSPORT,
	    (void *)&s6, (void *)&d6, 0, 0, 0, 0);
	take(n, SADB_GETSPI, SADB_SATYPE_AH);
	CU_ASSERT_PTR_NULL(rx.ext[SADB_EXT_SPIRANGE]);
	check_addr(SADB_EXT_ADDRESS_SRC, &s6, sizeof(s6), 128, 255);
	/* NAT-T. */
	n = pfkey_send_getspi_nat(sv[0], SADB_SATYPE_ESP, IPSEC_MODE_TUNNEL,
	    (void *)&s4, (void *)&d4, 2, 4500, 4501, 0, 0, 0, 0);
	take(n, SADB_GETSPI, SADB_SATYPE_ESP);
	CU_ASSERT_EQUAL(KEY_MSG_EXT(&rx, SADB_X_EXT_NAT_T_TYPE,
	    sadb_x_nat_t_type)->sadb_x_nat_t_type_type, 2);
	CU_ASSERT_EQUAL(ntohs(KEY_MSG_EXT(&rx, SADB_X_EXT_NAT_T_SPORT,
	    sadb_x_nat_t_port)->sadb_x_nat_t_port_port), 4500);
	CU_ASSERT_EQUAL(ntohs(KEY_MSG_EXT(&rx, SADB_X_EXT_NAT_T_DPORT,
	    sadb_x_nat_t_port)->sadb_x_nat_t_port_port), 4501);
	/* Errors: nothing is sent. */
	CU_ASSERT_EQUAL(pfkey_send_getspi(sv[0], SADB_SATYPE_ESP, 0,
	    (void *)&s4, (void *)&d4, 5, 100, 0, 0), -1);
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_INVAL_SPI);
	CU_ASSERT_EQUAL(pfkey_send_getspi(sv[0], SADB_SATYPE_ESP, 0,
	    (void *)&s4, (void *)&d4, 2000, 1000, 0, 0), -1);
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_INVAL_SPI);
	CU_ASSERT_EQUAL(pfkey_send_getspi(sv[0], 77, 0, (void *)&s4,
	    (void *)&d4, 0, 0, 0, 0), -1);
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_INVAL_SATYPE);
	CU_ASSERT_EQUAL(pfkey_send_getspi(sv[0], SADB_SATYPE_ESP, 9,
	    (void *)&s4, (void *)&d4, 0, 0, 0, 0), -1);
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_INVAL_MODE);
	CU_ASSERT_EQUAL(pfkey_send_getspi(sv[0], SADB_SATYPE_ESP, 0,
	    (void *)&s4, (void *)&d6, 0, 0, 0, 0), -1);
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_FAMILY_MISMATCH);
	CU_ASSERT_EQUAL(pfkey_send_getspi(sv[0], SADB_SATYPE_ESP, 0,
	    NULL, (void *)&d6, 0, 0, 0, 0), -1);
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_INVAL_ARGUMENT);
}

static const uint8_t keymat[16 + 20] = "0123456789abcdefABCDEFGHIJKLMNOPQRST";

static void
check_key(uint16_t type, const uint8_t *want, unsigned bytes)
{
	const struct sadb_key *k = KEY_MSG_EXT(&rx, type, sadb_key);

	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	CU_ASSERT_EQUAL(k->sadb_key_bits, bytes * 8);
	CU_ASSERT_EQUAL(memcmp(k + 1, want, bytes), 0);
}

static void
check_lifetime(uint16_t type, uint32_t alloc, uint64_t bytes,
    uint64_t add, uint64_t use)
{
	const struct sadb_lifetime *l = KEY_MSG_EXT(&rx, type, sadb_lifetime);

	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(l->sadb_lifetime_allocations, alloc);
	CU_ASSERT_EQUAL(l->sadb_lifetime_bytes, bytes);
	CU_ASSERT_EQUAL(l->sadb_lifetime_addtime, add);
	CU_ASSERT_EQUAL(l->sadb_lifetime_usetime, use);
}

static void
test_add_update(void)
{
	const struct sadb_sa *sa;
	const struct sadb_x_sa2 *sa2;
	int n;

	n = pfkey_send_add(sv[0], SADB_SATYPE_ESP, IPSEC_MODE_TRANSPORT,
	    (void *)&s4, (void *)&d4, htonl(0x1234), 5, 4, keymat,
	    SADB_X_EALG_AESCBC, 16, SADB_AALG_SHA1HMAC, 20,
	    SADB_X_EXT_CYCSEQ, 100, 1000, 3600, 60, 9);
	take(n, SADB_ADD, SADB_SATYPE_ESP);
	CU_ASSERT_EQUAL(rx.hdr->sadb_msg_seq, 9);
	sa = KEY_MSG_EXT(&rx, SADB_EXT_SA, sadb_sa);
	CU_ASSERT_EQUAL(ntohl(sa->sadb_sa_spi), 0x1234);
	CU_ASSERT_EQUAL(sa->sadb_sa_replay, 4);
	CU_ASSERT_EQUAL(sa->sadb_sa_state, SADB_SASTATE_LARVAL);
	CU_ASSERT_EQUAL(sa->sadb_sa_auth, SADB_AALG_SHA1HMAC);
	CU_ASSERT_EQUAL(sa->sadb_sa_encrypt, SADB_X_EALG_AESCBC);
	CU_ASSERT_EQUAL(sa->sadb_sa_flags, SADB_X_EXT_CYCSEQ);
	sa2 = KEY_MSG_EXT(&rx, SADB_X_EXT_SA2, sadb_x_sa2);
	CU_ASSERT_EQUAL(sa2->sadb_x_sa2_mode, IPSEC_MODE_TRANSPORT);
	CU_ASSERT_EQUAL(sa2->sadb_x_sa2_reqid, 5);
	check_key(SADB_EXT_KEY_ENCRYPT, keymat, 16);
	check_key(SADB_EXT_KEY_AUTH, keymat + 16, 20);
	check_lifetime(SADB_EXT_LIFETIME_HARD, 100, 1000, 3600, 60);
	check_lifetime(SADB_EXT_LIFETIME_SOFT, 80, 800, 2880, 48);
	CU_ASSERT_PTR_NULL(rx.ext[SADB_X_EXT_NAT_T_TYPE]);
	/* UPDATE with NAT-T and an original address; AH without enc. */
	n = pfkey_send_update_nat(sv[0], SADB_SATYPE_ESP, IPSEC_MODE_TUNNEL,
	    (void *)&s4, (void *)&d4, htonl(0x5678), 0, 0, keymat,
	    SADB_EALG_NULL, 0, SADB_AALG_SHA1HMAC, 20, 0, 0, 0, 0, 0, 0,
	    2, 4500, 4500, (void *)&s4, 1400);
	take(n, SADB_UPDATE, SADB_SATYPE_ESP);
	CU_ASSERT_PTR_NULL(rx.ext[SADB_EXT_KEY_ENCRYPT]);
	check_key(SADB_EXT_KEY_AUTH, keymat, 20);
	CU_ASSERT_PTR_NOT_NULL(rx.ext[SADB_X_EXT_NAT_T_TYPE]);
	check_addr(SADB_X_EXT_NAT_T_OAI, &s4, sizeof(s4), 32, 255);
	CU_ASSERT_EQUAL(KEY_MSG_EXT(&rx, SADB_X_EXT_NAT_T_FRAG,
	    sadb_x_nat_t_frag)->sadb_x_nat_t_frag_fraglen, 1400);
	n = pfkey_send_add(sv[0], SADB_SATYPE_AH, IPSEC_MODE_ANY,
	    (void *)&s6, (void *)&d6, htonl(0x9999), 0, 0, keymat,
	    SADB_EALG_NONE, 0, SADB_AALG_MD5HMAC, 16, 0, 0, 0, 0, 0, 0);
	take(n, SADB_ADD, SADB_SATYPE_AH);
	check_key(SADB_EXT_KEY_AUTH, keymat, 16);
	CU_ASSERT_PTR_NULL(rx.ext[SADB_EXT_KEY_ENCRYPT]);
	/* IPComp: the CALG in sadb_sa_encrypt, no key. */
	n = pfkey_send_add(sv[0], SADB_X_SATYPE_IPCOMP, IPSEC_MODE_ANY,
	    (void *)&s4, (void *)&d4, htonl(0x4001), 0, 0, NULL,
	    SADB_X_CALG_DEFLATE, 0, SADB_AALG_NONE, 0, 0, 0, 0, 0, 0, 0);
	take(n, SADB_ADD, SADB_X_SATYPE_IPCOMP);
	CU_ASSERT_EQUAL(KEY_MSG_EXT(&rx, SADB_EXT_SA,
	    sadb_sa)->sadb_sa_encrypt, SADB_X_CALG_DEFLATE);
	CU_ASSERT_PTR_NULL(rx.ext[SADB_EXT_KEY_ENCRYPT]);
	CU_ASSERT_PTR_NULL(rx.ext[SADB_EXT_KEY_AUTH]);
}

static void
test_add_args(void)
{
	struct pfkey_send_sa_args a;
	int n;

	memset(&a, 0, sizeof(a));
	a.so = sv[0];
	a.satype = SADB_SATYPE_ESP;
	a.mode = IPSEC_MODE_TUNNEL;
	a.src = (void *)&s4;
	a.dst = (void *)&d4;
	a.spi = htonl(0x777);
	a.reqid = 3;
	a.wsize = 1024;		/* bytes: more than sadb_sa_replay holds */
	a.keymat = keymat;
	a.e_type = SADB_X_EALG_AESCBC;
	a.e_keylen = 16;
	a.a_type = SADB_AALG_SHA1HMAC;
	a.a_keylen = 20;
	a.l_natt_type = 2;
	a.l_natt_sport = 4500;
	a.l_natt_dport = 4500;
	a.l_natt_oar = (void *)&d4;
	n = pfkey_send_add2(&a);
	take(n, SADB_ADD, SADB_SATYPE_ESP);
	CU_ASSERT_EQUAL(KEY_MSG_EXT(&rx, SADB_EXT_SA,
	    sadb_sa)->sadb_sa_replay, 255);
	CU_ASSERT_EQUAL(KEY_MSG_EXT(&rx, SADB_X_EXT_SA_REPLAY,
	    sadb_x_sa_replay)->sadb_x_sa_replay_replay, 1024 * 8);
	check_addr(SADB_X_EXT_NAT_T_OAR, &d4, sizeof(d4), 32, 255);
	n = pfkey_send_update2(&a);
	take(n, SADB_UPDATE, SADB_SATYPE_ESP);
	/* The algorithm rules, nothing sent. */
	a.e_type = SADB_EALG_NONE;
	CU_ASSERT_EQUAL(pfkey_send_add2(&a), -1);
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_NO_ALGS);
	a.satype = SADB_SATYPE_AH;
	a.e_type = SADB_X_EALG_AESCBC;
	CU_ASSERT_EQUAL(pfkey_send_add2(&a), -1);
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_INVAL_ALGS);
	a.e_type = SADB_EALG_NONE;
	a.a_type = SADB_AALG_NONE;
	CU_ASSERT_EQUAL(pfkey_send_add2(&a), -1);
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_NO_ALGS);
	a.satype = SADB_X_SATYPE_IPCOMP;
	CU_ASSERT_EQUAL(pfkey_send_add2(&a), -1);
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_INVAL_ALGS);
	a.satype = SADB_SATYPE_ESP;
	a.e_type = SADB_X_EALG_AESCBC;
	a.keymat = NULL;
	CU_ASSERT_EQUAL(pfkey_send_add2(&a), -1);
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_INVAL_ARGUMENT);
	CU_ASSERT_EQUAL(pfkey_send_add2(NULL), -1);
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_INVAL_ARGUMENT);
}

static void
test_delete_get(void)
{
	int n;

	n = pfkey_send_delete(sv[0], SADB_SATYPE_ESP, IPSEC_MODE_ANY,
	    (void *)&s4, (void *)&d4, htonl(0x1234));
	take(n, SADB_DELETE, SADB_SATYPE_ESP);
	CU_ASSERT_EQUAL(present(), KEY_EXT_BIT(SADB_EXT_SA) |
	    KEY_EXT_BIT(SADB_EXT_ADDRESS_SRC) |
	    KEY_EXT_BIT(SADB_EXT_ADDRESS_DST));
	CU_ASSERT_EQUAL(ntohl(KEY_MSG_EXT(&rx, SADB_EXT_SA,
	    sadb_sa)->sadb_sa_spi), 0x1234);
	n = pfkey_send_delete_all(sv[0], SADB_SATYPE_AH, IPSEC_MODE_ANY,
	    (void *)&s6, (void *)&d6);
	take(n, SADB_DELETE, SADB_SATYPE_AH);
	CU_ASSERT_EQUAL(present(), KEY_EXT_BIT(SADB_EXT_ADDRESS_SRC) |
	    KEY_EXT_BIT(SADB_EXT_ADDRESS_DST));
	n = pfkey_send_get(sv[0], SADB_SATYPE_ESP, IPSEC_MODE_ANY,
	    (void *)&s4, (void *)&d4, htonl(0x42));
	take(n, SADB_GET, SADB_SATYPE_ESP);
	CU_ASSERT_EQUAL(ntohl(KEY_MSG_EXT(&rx, SADB_EXT_SA,
	    sadb_sa)->sadb_sa_spi), 0x42);
}

static void
test_headers(void)
{
	int n;

	n = pfkey_send_flush(sv[0], SADB_SATYPE_UNSPEC);
	take(n, SADB_FLUSH, SADB_SATYPE_UNSPEC);
	CU_ASSERT_EQUAL(n, 16);
	n = pfkey_send_flush(sv[0], SADB_SATYPE_ESP);
	take(n, SADB_FLUSH, SADB_SATYPE_ESP);
	n = pfkey_send_dump(sv[0], SADB_SATYPE_AH);
	take(n, SADB_DUMP, SADB_SATYPE_AH);
	n = pfkey_send_register(sv[0], SADB_SATYPE_UNSPEC);
	take(n, SADB_REGISTER, SADB_SATYPE_UNSPEC);
	n = pfkey_send_promisc_toggle(sv[0], 1);
	take(n, SADB_X_PROMISC, 1);
	n = pfkey_send_promisc_toggle(sv[0], 0);
	take(n, SADB_X_PROMISC, 0);
	n = pfkey_send_spdflush(sv[0]);
	take(n, SADB_X_SPDFLUSH, SADB_SATYPE_UNSPEC);
	CU_ASSERT_EQUAL(n, 16);
	n = pfkey_send_spddump(sv[0]);
	take(n, SADB_X_SPDDUMP, SADB_SATYPE_UNSPEC);
	CU_ASSERT_EQUAL(pfkey_send_dump(sv[0], 200), -1);
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_INVAL_SATYPE);
	CU_ASSERT_EQUAL(pfkey_send_flush(-1, SADB_SATYPE_UNSPEC), -1);
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_SYSTEM_ERROR);
	CU_ASSERT_EQUAL(errno, EBADF);
}

static void
test_spd(void)
{
	const char *ps = "out ipsec esp/transport//require";
	const struct sadb_x_policy *xpl;
	struct sockaddr_in a = s4, b = d4;
	char *pol;
	int n, plen;

	pol = ipsec_set_policy(ps, (int)strlen(ps));
	CU_ASSERT_PTR_NOT_NULL_FATAL(pol);
	plen = ipsec_get_policylen(pol);
	a.sin_port = htons(80);
	n = pfkey_send_spdadd(sv[0], (void *)&a, 24, (void *)&b, 32,
	    IPPROTO_TCP, pol, plen, 11);
	take(n, SADB_X_SPDADD, SADB_SATYPE_UNSPEC);
	CU_ASSERT_EQUAL(rx.hdr->sadb_msg_seq, 11);
	CU_ASSERT_EQUAL(present(), KEY_EXT_BIT(SADB_EXT_ADDRESS_SRC) |
	    KEY_EXT_BIT(SADB_EXT_ADDRESS_DST) |
	    KEY_EXT_BIT(SADB_X_EXT_POLICY));
	check_addr(SADB_EXT_ADDRESS_SRC, &a, sizeof(a), 24, IPPROTO_TCP);
	check_addr(SADB_EXT_ADDRESS_DST, &b, sizeof(b), 32, IPPROTO_TCP);
	xpl = KEY_MSG_EXT(&rx, SADB_X_EXT_POLICY, sadb_x_policy);
	CU_ASSERT_EQUAL(memcmp(xpl, pol, (size_t)plen), 0);
	n = pfkey_send_spdadd2(sv[0], (void *)&a, 24, (void *)&b, 32,
	    IPPROTO_TCP, 3600, 600, pol, plen, 0);
	take(n, SADB_X_SPDADD, SADB_SATYPE_UNSPEC);
	check_lifetime(SADB_EXT_LIFETIME_HARD, 0, 0, 3600, 600);
	n = pfkey_send_spdupdate(sv[0], (void *)&a, 24, (void *)&b, 32,
	    IPPROTO_TCP, pol, plen, 0);
	take(n, SADB_X_SPDUPDATE, SADB_SATYPE_UNSPEC);
	n = pfkey_send_spdupdate2(sv[0], (void *)&a, 24, (void *)&b, 32,
	    IPPROTO_TCP, 1, 2, pol, plen, 0);
	take(n, SADB_X_SPDUPDATE, SADB_SATYPE_UNSPEC);
	check_lifetime(SADB_EXT_LIFETIME_HARD, 0, 0, 1, 2);
	n = pfkey_send_spddelete(sv[0], (void *)&a, 24, (void *)&b, 32,
	    IPPROTO_TCP, pol, plen, 0);
	take(n, SADB_X_SPDDELETE, SADB_SATYPE_UNSPEC);
	n = pfkey_send_spdsetidx(sv[0], (void *)&a, 24, (void *)&b, 32,
	    IPPROTO_TCP, pol, plen, 0);
	take(n, SADB_X_SPDSETIDX, SADB_SATYPE_UNSPEC);
	n = pfkey_send_spddelete2(sv[0], 77);
	take(n, SADB_X_SPDDELETE2, SADB_SATYPE_UNSPEC);
	CU_ASSERT_EQUAL(KEY_MSG_EXT(&rx, SADB_X_EXT_POLICY,
	    sadb_x_policy)->sadb_x_policy_id, 77);
	n = pfkey_send_spdget(sv[0], 78);
	take(n, SADB_X_SPDGET, SADB_SATYPE_UNSPEC);
	CU_ASSERT_EQUAL(KEY_MSG_EXT(&rx, SADB_X_EXT_POLICY,
	    sadb_x_policy)->sadb_x_policy_id, 78);
	/* Errors. */
	CU_ASSERT_EQUAL(pfkey_send_spdadd(sv[0], (void *)&a, 33, (void *)&b,
	    32, 255, pol, plen, 0), -1);
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_INVAL_PREFIXLEN);
	CU_ASSERT_EQUAL(pfkey_send_spdadd(sv[0], (void *)&a, 32, (void *)&b,
	    32, 255, pol, plen - 8, 0), -1);
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_INVAL_ARGUMENT);
	CU_ASSERT_EQUAL(pfkey_send_spdadd(sv[0], (void *)&a, 32, (void *)&s6,
	    32, 255, pol, plen, 0), -1);
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_FAMILY_MISMATCH);
	CU_ASSERT_EQUAL(pfkey_send_spdadd(sv[0], (void *)&a, 32, (void *)&b,
	    32, 255, NULL, 16, 0), -1);
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_INVAL_ARGUMENT);
	free(pol);
}

/* pfkey_recv(): one record, its length checked against the header. */
static void
test_recv(void)
{
	struct key_buf b;
	struct sadb_msg *m, bad;

	key_buf_init_dynamic(&b);
	CU_ASSERT_EQUAL_FATAL(pfkey_msg_sample(&b, SADB_ADD, 2), 0);
	CU_ASSERT_EQUAL(send(sv[1], key_buf_data(&b), key_buf_len(&b), 0),
	    (ssize_t)key_buf_len(&b));
	m = pfkey_recv(sv[0]);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(memcmp(m, key_buf_data(&b), key_buf_len(&b)), 0);
	free(m);
	key_buf_free(&b);
	/* A header whose length is not the record's: dropped. */
	memset(&bad, 0, sizeof(bad));
	bad.sadb_msg_version = PF_KEY_V2;
	bad.sadb_msg_len = 4;
	CU_ASSERT_EQUAL(send(sv[1], &bad, sizeof(bad), 0), 16);
	CU_ASSERT_PTR_NULL(pfkey_recv(sv[0]));
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_INVAL_SADBMSG);
	/* A short record. */
	CU_ASSERT_EQUAL(send(sv[1], &bad, 8, 0), 8);
	CU_ASSERT_PTR_NULL(pfkey_recv(sv[0]));
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_INVAL_SADBMSG);
	/* The next good record still arrives whole. */
	bad.sadb_msg_len = 2;
	CU_ASSERT_EQUAL(send(sv[1], &bad, sizeof(bad), 0), 16);
	m = pfkey_recv(sv[0]);
	CU_ASSERT_PTR_NOT_NULL(m);
	free(m);
	/* Nothing there: the caller's timeout. */
	CU_ASSERT_PTR_NULL(pfkey_recv(-1));
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_SYSTEM_ERROR);
}

static void
test_align(void)
{
	struct key_buf b;
	caddr_t mhp[SADB_EXT_MAX + 1];
	struct sadb_msg *m;

	key_buf_init_dynamic(&b);
	CU_ASSERT_EQUAL_FATAL(pfkey_msg_sample(&b, SADB_ADD, 0), 0);
	m = (struct sadb_msg *)(uintptr_t)key_buf_data(&b);
	CU_ASSERT_EQUAL(pfkey_align(m, mhp), 0);
	CU_ASSERT_PTR_EQUAL(mhp[0], (caddr_t)m);
	CU_ASSERT_PTR_NOT_NULL(mhp[SADB_EXT_SA]);
	CU_ASSERT_PTR_NOT_NULL(mhp[SADB_EXT_ADDRESS_SRC]);
	CU_ASSERT_PTR_NULL(mhp[SADB_X_EXT_POLICY]);
	m->sadb_msg_len++;
	CU_ASSERT_EQUAL(pfkey_align(m, mhp), -1);
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_INVAL_SADBMSG);
	key_buf_free(&b);
}

/* A REGISTER reply of this process read back, then the checks. */
static void
test_register(void)
{
	static const struct sadb_alg auth[] = {
		{ SADB_AALG_SHA1HMAC, 0, 160, 160, 0 },
		{ SADB_X_AALG_SHA2_256, 0, 256, 256, 0 },
	};
	static const struct sadb_alg enc[] = {
		{ SADB_X_EALG_AESCBC, 16, 128, 256, 0 },
		{ SADB_EALG_NULL, 0, 0, 2048, 0 },
	};
	struct sadb_alg got;
	struct key_buf b;

	CU_ASSERT_EQUAL(ipsec_check_keylen(SADB_EXT_SUPPORTED_AUTH,
	    SADB_AALG_SHA1HMAC, 160), -1);
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_DO_GET_SUPP_LIST);
	/* Another process's reply first: skipped. */
	key_buf_init_dynamic(&b);
	key_build_begin(&b, SADB_REGISTER, 0, 0, (uint32_t)getpid() + 1);
	CU_ASSERT_EQUAL(key_build_end(&b), 0);
	send(sv[1], key_buf_data(&b), key_buf_len(&b), 0);
	key_build_begin(&b, SADB_REGISTER, 0, 0, (uint32_t)getpid());
	key_build_supported(&b, SADB_EXT_SUPPORTED_AUTH, auth, 2);
	key_build_supported(&b, SADB_EXT_SUPPORTED_ENCRYPT, enc, 2);
	CU_ASSERT_EQUAL(key_build_end(&b), 0);
	send(sv[1], key_buf_data(&b), key_buf_len(&b), 0);
	key_buf_free(&b);
	CU_ASSERT_EQUAL(pfkey_recv_register(sv[0]), 0);
	CU_ASSERT_EQUAL(ipsec_check_keylen(SADB_EXT_SUPPORTED_AUTH,
	    SADB_AALG_SHA1HMAC, 160), 0);
	CU_ASSERT_EQUAL(ipsec_check_keylen(SADB_EXT_SUPPORTED_AUTH,
	    SADB_AALG_SHA1HMAC, 128), -1);
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_INVAL_KEYLEN);
	CU_ASSERT_EQUAL(ipsec_check_keylen(SADB_EXT_SUPPORTED_AUTH,
	    SADB_AALG_MD5HMAC, 128), -1);
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_INVAL_ALGS);
	CU_ASSERT_EQUAL(ipsec_check_keylen2(SADB_SATYPE_ESP,
	    SADB_X_EALG_AESCBC, 192), 0);
	/* Inside min..max but not a size AES has. */
	CU_ASSERT_EQUAL(ipsec_check_keylen2(SADB_SATYPE_ESP,
	    SADB_X_EALG_AESCBC, 136), -1);
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_INVAL_KEYLEN);
	CU_ASSERT_EQUAL(ipsec_check_keylen2(SADB_SATYPE_ESP,
	    SADB_X_EALG_AESCBC, 512), -1);
	CU_ASSERT_EQUAL(ipsec_check_keylen2(SADB_SATYPE_AH,
	    SADB_X_AALG_SHA2_256, 256), 0);
	CU_ASSERT_EQUAL(ipsec_check_keylen2(SADB_X_SATYPE_IPCOMP, 2, 0), -1);
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_INVAL_SATYPE);
	CU_ASSERT_EQUAL(ipsec_check_keylen(SADB_EXT_KEY_AUTH, 2, 160), -1);
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_INVAL_EXTTYPE);
	CU_ASSERT_EQUAL(ipsec_get_keylen(SADB_EXT_SUPPORTED_ENCRYPT,
	    SADB_X_EALG_AESCBC, &got), 0);
	CU_ASSERT_EQUAL(got.sadb_alg_ivlen, 16);
	CU_ASSERT_EQUAL(got.sadb_alg_minbits, 128);
	CU_ASSERT_EQUAL(got.sadb_alg_maxbits, 256);
	CU_ASSERT_EQUAL(ipsec_get_keylen(SADB_EXT_SUPPORTED_ENCRYPT,
	    SADB_X_EALG_AESCBC, NULL), -1);
	/* An error reply. */
	key_buf_init_dynamic(&b);
	key_build_begin(&b, SADB_REGISTER, 0, 0, (uint32_t)getpid());
	key_build_set_errno(&b, EPERM);
	CU_ASSERT_EQUAL(key_build_end(&b), 0);
	send(sv[1], key_buf_data(&b), key_buf_len(&b), 0);
	key_buf_free(&b);
	CU_ASSERT_EQUAL(pfkey_recv_register(sv[0]), -1);
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_SYSTEM_ERROR);
	CU_ASSERT_EQUAL(errno, EPERM);
	CU_ASSERT_EQUAL(pfkey_set_supported(NULL, 16), -1);
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_INVAL_SADBMSG);
}

static void
test_softrate(void)
{
	CU_ASSERT_EQUAL(pfkey_get_softrate(SADB_X_LIFETIME_BYTES), 80);
	CU_ASSERT_EQUAL(pfkey_set_softrate(SADB_X_LIFETIME_BYTES, 50), 0);
	CU_ASSERT_EQUAL(pfkey_get_softrate(SADB_X_LIFETIME_BYTES), 50);
	CU_ASSERT_EQUAL(pfkey_set_softrate(SADB_X_LIFETIME_BYTES, 0), 0);
	CU_ASSERT_EQUAL(pfkey_get_softrate(SADB_X_LIFETIME_BYTES), 100);
	CU_ASSERT_EQUAL(pfkey_set_softrate(SADB_X_LIFETIME_BYTES, 101), 0);
	CU_ASSERT_EQUAL(pfkey_get_softrate(SADB_X_LIFETIME_BYTES), 100);
	CU_ASSERT_EQUAL(pfkey_set_softrate(9, 50), 1);
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_INVAL_ARGUMENT);
	CU_ASSERT_EQUAL(pfkey_get_softrate(9), ~0u);
	CU_ASSERT_EQUAL(pfkey_set_softrate(SADB_X_LIFETIME_BYTES,
	    PFKEY_SOFT_LIFETIME_RATE), 0);
}

static const struct test_case pfkey_cases[] = {
	{ "GETSPI and its NAT-T form", test_getspi },
	{ "ADD and UPDATE field by field", test_add_update },
	{ "ADD and UPDATE from the argument block", test_add_args },
	{ "DELETE, delete-all and GET", test_delete_get },
	{ "header-only messages", test_headers },
	{ "SPD messages", test_spd },
	{ "pfkey_recv framing", test_recv },
	{ "pfkey_align", test_align },
	{ "REGISTER and key lengths", test_register },
	{ "soft lifetime rates", test_softrate },
	{ NULL, NULL },
};

const struct test_suite test_suites[] = {
	{ "libipsec pfkey calls", setup, teardown, pfkey_cases },
	{ NULL, NULL, NULL, NULL },
};
