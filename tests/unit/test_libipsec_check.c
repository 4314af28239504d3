/*
 * pfkey_check(), pfkey_set_buffer_size() and pfkey_send_migrate(): every
 * EIPSEC code pfkey_check() can give, against the rules of ipsec-tools'
 * libpfkey (SA types per message type, address agreement), the buffer
 * size in KiB, and MIGRATE on the wire as the key engine parses it.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include <netipsec/ipsec.h>

#include "lib/libipsec/libpfkey.h"
#include "sys/netkey/key_parse.h"
#include "testlib.h"
#include "pfkey_msg.h"

struct addr_ext {
	struct sadb_address	hdr;
	struct sockaddr_in6	sa;	/* room for either family */
};

static struct sadb_msg msg;
static struct addr_ext src, dst;
static caddr_t mhp[SADB_EXT_MAX + 1];

static int
check(unsigned type, unsigned satype)
{
	memset(&msg, 0, sizeof(msg));
	memset(mhp, 0, sizeof(mhp));
	msg.sadb_msg_version = PF_KEY_V2;
	msg.sadb_msg_type = (uint8_t)type;
	msg.sadb_msg_satype = (uint8_t)satype;
	mhp[0] = (caddr_t)&msg;
	ipsec_errcode = -1;
	return pfkey_check(mhp);
}

struct satype_case {
	unsigned	type;
	unsigned	satype;
	int		code;
};

static const struct satype_case satype_cases[] = {
	{ SADB_ADD, SADB_SATYPE_ESP, EIPSEC_NO_ERROR },
	{ SADB_ADD, SADB_SATYPE_AH, EIPSEC_NO_ERROR },
	{ SADB_GETSPI, SADB_X_SATYPE_IPCOMP, EIPSEC_NO_ERROR },
	{ SADB_DUMP, SADB_SATYPE_UNSPEC, EIPSEC_NO_ERROR },
	{ SADB_FLUSH, SADB_SATYPE_UNSPEC, EIPSEC_NO_ERROR },
	{ SADB_REGISTER, SADB_SATYPE_ESP, EIPSEC_NO_ERROR },
	{ SADB_X_SPDADD, SADB_SATYPE_UNSPEC, EIPSEC_NO_ERROR },
	{ SADB_X_PROMISC, 1, EIPSEC_NO_ERROR },
	{ SADB_X_NAT_T_NEW_MAPPING, SADB_SATYPE_ESP, EIPSEC_NO_ERROR },
	{ SADB_ADD, SADB_SATYPE_UNSPEC, EIPSEC_INVAL_SATYPE },
	{ SADB_GETSPI, SADB_SATYPE_UNSPEC, EIPSEC_INVAL_SATYPE },
	{ SADB_EXPIRE, SADB_SATYPE_UNSPEC, EIPSEC_INVAL_SATYPE },
	{ SADB_X_SPDADD, SADB_SATYPE_ESP, EIPSEC_INVAL_SATYPE },
	{ SADB_X_SPDFLUSH, SADB_SATYPE_AH, EIPSEC_INVAL_SATYPE },
	{ SADB_X_NAT_T_NEW_MAPPING, SADB_SATYPE_AH, EIPSEC_INVAL_SATYPE },
	{ SADB_X_NAT_T_NEW_MAPPING, SADB_SATYPE_UNSPEC,
	    EIPSEC_INVAL_SATYPE },
	{ SADB_ADD, 1, EIPSEC_INVAL_SATYPE },
	{ SADB_ADD, 200, EIPSEC_INVAL_SATYPE },
	{ SADB_ADD, SADB_SATYPE_RSVP, EIPSEC_NOT_SUPPORTED },
	{ SADB_ADD, SADB_SATYPE_OSPFV2, EIPSEC_NOT_SUPPORTED },
	{ SADB_ADD, SADB_SATYPE_RIPV2, EIPSEC_NOT_SUPPORTED },
	{ SADB_ADD, SADB_SATYPE_MIP, EIPSEC_NOT_SUPPORTED },
	{ SADB_MAX + 1, SADB_SATYPE_ESP, EIPSEC_INVAL_MSGTYPE },
};

static void
test_satypes(void)
{
	const struct satype_case *c;
	size_t i;

	for (i = 0; i < sizeof(satype_cases) / sizeof(satype_cases[0]);
	    i++) {
		c = &satype_cases[i];
		CU_ASSERT_EQUAL(check(c->type, c->satype),
		    c->code == EIPSEC_NO_ERROR ? 0 : -1);
		CU_ASSERT_EQUAL(ipsec_errcode, c->code);
	}
}

static void
test_header(void)
{
	CU_ASSERT_EQUAL(pfkey_check(NULL), -1);
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_INVAL_ARGUMENT);
	memset(mhp, 0, sizeof(mhp));
	CU_ASSERT_EQUAL(pfkey_check(mhp), -1);
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_INVAL_ARGUMENT);
	check(SADB_ADD, SADB_SATYPE_ESP);
	msg.sadb_msg_version = 1;
	CU_ASSERT_EQUAL(pfkey_check(mhp), -1);
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_INVAL_VERSION);
}

static void
set_addr(struct addr_ext *a, int family, unsigned proto)
{
	memset(a, 0, sizeof(*a));
	a->hdr.sadb_address_proto = (uint8_t)proto;
	a->sa.sin6_family = (sa_family_t)family;
}

static int
check_addrs(int sfam, unsigned sproto, int dfam, unsigned dproto)
{
	check(SADB_ADD, SADB_SATYPE_ESP);
	set_addr(&src, sfam, sproto);
	set_addr(&dst, dfam, dproto);
	mhp[SADB_EXT_ADDRESS_SRC] = (caddr_t)&src;
	mhp[SADB_EXT_ADDRESS_DST] = (caddr_t)&dst;
	pfkey_check(mhp);
	return ipsec_errcode;
}

static void
test_addresses(void)
{
	CU_ASSERT_EQUAL(check_addrs(AF_INET, 6, AF_INET, 6), EIPSEC_NO_ERROR);
	CU_ASSERT_EQUAL(check_addrs(AF_INET6, 255, AF_INET6, 255),
	    EIPSEC_NO_ERROR);
	CU_ASSERT_EQUAL(check_addrs(AF_INET, 6, AF_INET, 17),
	    EIPSEC_PROTO_MISMATCH);
	CU_ASSERT_EQUAL(check_addrs(AF_INET, 6, AF_INET6, 6),
	    EIPSEC_FAMILY_MISMATCH);
	CU_ASSERT_EQUAL(check_addrs(AF_UNIX, 6, AF_UNIX, 6),
	    EIPSEC_INVAL_FAMILY);
	/* One address alone is not judged (ipsec-tools). */
	check(SADB_ADD, SADB_SATYPE_ESP);
	mhp[SADB_EXT_ADDRESS_SRC] = (caddr_t)&src;
	CU_ASSERT_EQUAL(pfkey_check(mhp), 0);
}

static void
test_buffer_size(void)
{
	int sv[2], kb;

	CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0);
	kb = pfkey_set_buffer_size(sv[0], 0);
	CU_ASSERT(kb > 0);
	/* Linux doubles the request; rmem_max may cap it, never below. */
	CU_ASSERT(pfkey_set_buffer_size(sv[0], 100) >= (kb < 100 ? kb : 100));
	CU_ASSERT_EQUAL(pfkey_set_buffer_size(sv[0], -1), -1);
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_INVAL_ARGUMENT);
	CU_ASSERT_EQUAL(pfkey_set_buffer_size(-1, 0), -1);
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_SYSTEM_ERROR);
	close(sv[0]);
	close(sv[1]);
}

static void
test_migrate(void)
{
	struct sockaddr_in a, b;
	struct sockaddr_in6 c;
	uint64_t buf[KEY_MSG_MAX / 8];
	struct key_msg m;
	char *pol;
	int sv[2], len;
	ssize_t n;

	CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0);
	pfkey_msg_sin(&a, "192.0.2.1", 0);
	pfkey_msg_sin(&b, "192.0.2.2", 0);
	pfkey_msg_sin6(&c, "2001:db8::1", 0);
	pol = ipsec_set_policy("out ipsec esp/transport//require", 32);
	CU_ASSERT_FATAL(pol != NULL);
	len = ipsec_get_policylen(pol);
	CU_ASSERT_EQUAL(pfkey_send_migrate(sv[0], (void *)&a, (void *)&c,
	    (void *)&a, 32, (void *)&b, 32, 255, pol, len, 7), -1);
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_FAMILY_MISMATCH);
	CU_ASSERT_EQUAL(pfkey_send_migrate(sv[0], NULL, (void *)&b,
	    (void *)&a, 32, (void *)&b, 32, 255, pol, len, 7), -1);
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_INVAL_ARGUMENT);
	CU_ASSERT(pfkey_send_migrate(sv[0], (void *)&a, (void *)&b,
	    (void *)&a, 32, (void *)&b, 32, 255, pol, len, 7) > 0);
	n = recv(sv[1], buf, sizeof(buf), 0);
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL(key_parse(buf, (size_t)n, &m), 0);
	CU_ASSERT_EQUAL(m.hdr->sadb_msg_type, SADB_X_MIGRATE);
	CU_ASSERT_EQUAL(m.hdr->sadb_msg_seq, 7);
	CU_ASSERT_PTR_NOT_NULL(m.ext[SADB_EXT_ADDRESS_SRC]);
	CU_ASSERT_PTR_NOT_NULL(m.ext[SADB_X_EXT_POLICY]);
	free(pol);
	close(sv[0]);
	close(sv[1]);
}

static const struct test_case check_cases[] = {
	{ "SA type by message type", test_satypes },
	{ "version, type and arguments", test_header },
	{ "address agreement", test_addresses },
	{ "pfkey_set_buffer_size", test_buffer_size },
	{ "SADB_X_MIGRATE on the wire", test_migrate },
	{ NULL, NULL },
};

const struct test_suite test_suites[] = {
	{ "libipsec pfkey_check and friends", NULL, NULL, check_cases },
	{ NULL, NULL, NULL, NULL },
};
