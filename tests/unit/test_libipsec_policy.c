/*
 * libipsec policy API: every grammar form parsed and dumped back, the
 * EIPSEC code of every error form, the byte layout of the buffer field by
 * field, and ipsec_dump_policy() on hostile buffers.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <netipsec/ipsec.h>

#include "lib/libipsec/libpfkey.h"
#include "sys/netkey/key_parse.h"
#include "testlib.h"

/* Parse, dump with the delimiter, compare, free. */
static void
roundtrip(const char *in, const char *delim, const char *want)
{
	char *pol, *text;

	pol = ipsec_set_policy(in, (int)strlen(in));
	if (pol == NULL)
		fprintf(stderr, "\n%s: %s\n", in, ipsec_strerror());
	CU_ASSERT_PTR_NOT_NULL_FATAL(pol);
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_NO_ERROR);
	text = ipsec_dump_policy(pol, delim);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	if (strcmp(text, want) != 0)
		fprintf(stderr, "\n%s: got [%s] want [%s]\n", in, text, want);
	CU_ASSERT_STRING_EQUAL(text, want);
	free(text);
	free(pol);
}

static void
test_roundtrip_forms(void)
{
	static const char *const same[] = {
		"in discard",
		"out none",
		"in entrust",
		"out bypass",
		"out ipsec",
		"fwd ipsec esp/tunnel/10.0.0.1-10.0.0.2/require",
		"out ipsec esp/transport//require",
		"out ipsec esp/transport//use",
		"out ipsec esp/transport//default",
		"in ipsec ah/transport//unique",
		"in ipsec ah/transport//unique:1",
		"in ipsec ah/transport//unique:16383",
		"out ipsec esp/tunnel/10.1.1.2-10.1.1.1/use",
		"in ipsec ipcomp/transport//use esp/transport//use",
		"out ipsec esp/transport//require ah/transport//require",
		"out ipsec esp/tunnel/2001:db8::1-2001:db8::2/require",
		"out ipsec esp/transport/10.0.0.1-10.0.0.2/require",
		"out prio def ipsec esp/transport//require",
		"out prio def + 10 ipsec esp/transport//require",
		"out prio def - 10 ipsec",
		"in prio low discard",
		"in prio low + 5 none",
		"in prio low - 7 none",
		"out prio high discard",
		"out prio high + 3 discard",
		"out prio high - 3 discard",
		"out ipsec ipcomp/tunnel/192.0.2.1-192.0.2.2/require "
		    "esp/transport//require ah/transport//require "
		    "esp/transport//unique:3",
	};
	size_t i;

	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++)
		roundtrip(same[i], NULL, same[i]);
}

static void
test_roundtrip_normalized(void)
{
	/* Forms that dump in their canonical spelling. */
	roundtrip("out ipsec esp/transport//", NULL,
	    "out ipsec esp/transport//default");
	roundtrip("out ipsec esp/transport/10.0.0.1-10.0.0.2", NULL,
	    "out ipsec esp/transport/10.0.0.1-10.0.0.2/default");
	roundtrip("out ipsec esp/transport/10.0.0.1-10.0.0.2/", NULL,
	    "out ipsec esp/transport/10.0.0.1-10.0.0.2/default");
	roundtrip("  out\tipsec\n esp / transport // require ", NULL,
	    "out ipsec esp/transport//require");
	roundtrip("out priority 10 ipsec", NULL,
	    "out prio def + 10 ipsec");
	roundtrip("out prio 0 ipsec", NULL, "out prio def ipsec");
	roundtrip("out prio def + 0 discard", NULL, "out prio def discard");
	roundtrip("out ipsec esp/transport/me-any/require", NULL,
	    "out ipsec esp/transport//require");
	roundtrip("in ipsec esp/transport/any-me/require", NULL,
	    "in ipsec esp/transport//require");
	/* A bare direction is a policy of type 0 (discard). */
	roundtrip("in", NULL, "in discard");
	/* The delimiter goes before every request. */
	roundtrip("in ipsec esp/transport//require ah/transport//use",
	    "\n\t", "in ipsec\n\tesp/transport//require\n\tah/transport//use");
	/* Only len bytes are read. */
	{
		char *pol = ipsec_set_policy("in discardXXXX", 10);
		char *t;

		CU_ASSERT_PTR_NOT_NULL_FATAL(pol);
		t = ipsec_dump_policy(pol, NULL);
		CU_ASSERT_STRING_EQUAL(t, "in discard");
		free(t);
		free(pol);
	}
}

static void
test_roundtrip_ports(void)
{
	const char *in = "out ipsec "
	    "esp/transport/10.0.0.1[4500]-10.0.0.2[4501]/require";
	char *pol, *t;

	pol = ipsec_set_policy(in, (int)strlen(in));
	CU_ASSERT_PTR_NOT_NULL_FATAL(pol);
	t = ipsec_dump_policy(pol, NULL);
	CU_ASSERT_STRING_EQUAL(t,
	    "out ipsec esp/transport/10.0.0.1-10.0.0.2/require");
	free(t);
	t = ipsec_dump_policy_withports(pol, NULL);
	CU_ASSERT_STRING_EQUAL(t, in);
	free(t);
	free(pol);
	/* Without ports the port dump shows [0]. */
	in = "out ipsec esp/tunnel/2001:db8::1-2001:db8::2/use";
	pol = ipsec_set_policy(in, (int)strlen(in));
	CU_ASSERT_PTR_NOT_NULL_FATAL(pol);
	t = ipsec_dump_policy_withports(pol, " ");
	CU_ASSERT_STRING_EQUAL(t,
	    "out ipsec esp/tunnel/2001:db8::1[0]-2001:db8::2[0]/use");
	free(t);
	free(pol);
}

struct bad_case {
	const char	*policy;
	int		 code;
};

static const struct bad_case bad_cases[] = {
	{ "", EIPSEC_INVAL_DIR },
	{ "inbound discard", EIPSEC_INVAL_DIR },
	{ "any discard", EIPSEC_INVAL_DIR },
	{ "in drop", EIPSEC_INVAL_POLICY },
	{ "in discard esp/transport//require", EIPSEC_INVAL_ARGUMENT },
	{ "out none ah/transport//use", EIPSEC_INVAL_ARGUMENT },
	{ "out ipsec esp", EIPSEC_FEW_ARGUMENTS },
	{ "out ipsec esp/", EIPSEC_FEW_ARGUMENTS },
	{ "out ipsec esp/transport", EIPSEC_FEW_ARGUMENTS },
	{ "out ipsec esp/transport/", EIPSEC_FEW_ARGUMENTS },
	{ "out ipsec esp ah/transport//use", EIPSEC_FEW_ARGUMENTS },
	{ "out ipsec esp//", EIPSEC_FEW_ARGUMENTS },
	{ "out ipsec gre/transport//require", EIPSEC_INVAL_PROTO },
	{ "out ipsec esp/transport//require/", EIPSEC_INVAL_PROTO },
	{ "out ipsec esp/beet//require", EIPSEC_INVAL_MODE },
	{ "out ipsec esp/any//require", EIPSEC_INVAL_MODE },
	{ "out ipsec esp/transport//must", EIPSEC_INVAL_LEVEL },
	{ "out ipsec esp/transport//unique:0", EIPSEC_INVAL_LEVEL },
	{ "out ipsec esp/transport//unique:16384", EIPSEC_INVAL_LEVEL },
	{ "out ipsec esp/transport//unique:99999999999", EIPSEC_INVAL_LEVEL },
	{ "out ipsec esp/transport//require:5", EIPSEC_INVAL_LEVEL },
	{ "out ipsec esp/transport//unique:x", EIPSEC_INVAL_LEVEL },
	{ "out ipsec esp/tunnel//require", EIPSEC_INVAL_ADDRESS },
	{ "out ipsec esp/tunnel/me-any/require", EIPSEC_INVAL_ADDRESS },
	{ "out ipsec esp/tunnel/10.0.0.1/require", EIPSEC_INVAL_ADDRESS },
	{ "out ipsec esp/tunnel/10.0.0.1-/require", EIPSEC_INVAL_ADDRESS },
	{ "out ipsec esp/tunnel/10.0.0.300-10.0.0.1/require",
	    EIPSEC_INVAL_ADDRESS },
	{ "out ipsec esp/tunnel/host.example-10.0.0.1/require",
	    EIPSEC_INVAL_ADDRESS },
	{ "out ipsec esp/tunnel/10.0.0.1[1]-10.0.0.2/require",
	    EIPSEC_INVAL_ADDRESS },
	{ "out ipsec esp/tunnel/10.0.0.1[65536]-10.0.0.2[1]/require",
	    EIPSEC_INVAL_ADDRESS },
	{ "out ipsec esp/tunnel/10.0.0.1[]-10.0.0.2[1]/require",
	    EIPSEC_INVAL_ADDRESS },
	{ "out ipsec esp/tunnel/10.0.0.1-2001:db8::1/require",
	    EIPSEC_FAMILY_MISMATCH },
	{ "out ipsec esp/tunnel/2001:db8::1-10.0.0.1/require",
	    EIPSEC_FAMILY_MISMATCH },
	{ "in ipsec esp/transport/me-any/require", EIPSEC_INVAL_DIR },
	{ "out ipsec esp/transport/any-me/require", EIPSEC_INVAL_DIR },
	{ "out ipsec esp/transport/me-me/require", EIPSEC_INVAL_ADDRESS },
	{ "out prio", EIPSEC_INVAL_ARGUMENT },
	{ "out prio ipsec", EIPSEC_INVAL_ARGUMENT },
	{ "out prio 2147483648 ipsec", EIPSEC_INVAL_ARGUMENT },
	{ "out prio def + 1073741825 ipsec", EIPSEC_INVAL_ARGUMENT },
	{ "out prio low - 1073741824 ipsec", EIPSEC_INVAL_ARGUMENT },
	{ "out prio def + ipsec", EIPSEC_INVAL_ARGUMENT },
	{ "out prio 5", EIPSEC_INVAL_POLICY },
	{ "out ipsec esp/transport//require;", EIPSEC_INVAL_PROTO },
	{ "out ipsec esp/transport//require $", EIPSEC_INVAL_PROTO },
};

static void
test_errors(void)
{
	size_t i;
	char *pol;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];

		ipsec_errcode = EIPSEC_NO_ERROR;
		pol = ipsec_set_policy(c->policy, (int)strlen(c->policy));
		if (pol != NULL || ipsec_errcode != c->code)
			fprintf(stderr, "\n[%s]: got %d (%s) want %d\n",
			    c->policy, ipsec_errcode, ipsec_strerror(),
			    c->code);
		CU_ASSERT_PTR_NULL(pol);
		CU_ASSERT_EQUAL(ipsec_errcode, c->code);
		free(pol);
	}
	CU_ASSERT_PTR_NULL(ipsec_set_policy(NULL, 4));
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_INVAL_ARGUMENT);
	CU_ASSERT_PTR_NULL(ipsec_set_policy("in discard", -1));
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_INVAL_ARGUMENT);
	CU_ASSERT_EQUAL(ipsec_get_policylen(NULL), -1);
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_INVAL_ARGUMENT);
}

/* The byte layout of a two-request policy, field by field. */
static void
test_layout(void)
{
	const char *in = "out prio def + 10 ipsec "
	    "esp/tunnel/192.0.2.1[500]-192.0.2.2[4500]/unique:7 "
	    "ah/transport//use";
	const struct sadb_x_policy *xpl;
	const struct sadb_x_ipsecrequest *r;
	const struct sockaddr_in *s, *d;
	char *pol;

	pol = ipsec_set_policy(in, (int)strlen(in));
	CU_ASSERT_PTR_NOT_NULL_FATAL(pol);
	xpl = (const void *)pol;
	CU_ASSERT_EQUAL(ipsec_get_policylen(pol), 16 + 40 + 8);
	CU_ASSERT_EQUAL(xpl->sadb_x_policy_len, (16 + 40 + 8) / 8);
	CU_ASSERT_EQUAL(xpl->sadb_x_policy_exttype, SADB_X_EXT_POLICY);
	CU_ASSERT_EQUAL(xpl->sadb_x_policy_type, IPSEC_POLICY_IPSEC);
	CU_ASSERT_EQUAL(xpl->sadb_x_policy_dir, IPSEC_DIR_OUTBOUND);
	CU_ASSERT_EQUAL(xpl->sadb_x_policy_reserved, 0);
	CU_ASSERT_EQUAL(xpl->sadb_x_policy_id, 0);
	CU_ASSERT_EQUAL(xpl->sadb_x_policy_priority, 0x80000000u - 10);
	r = (const void *)(pol + 16);
	CU_ASSERT_EQUAL(r->sadb_x_ipsecrequest_len, 40);
	CU_ASSERT_EQUAL(r->sadb_x_ipsecrequest_proto, IPPROTO_ESP);
	CU_ASSERT_EQUAL(r->sadb_x_ipsecrequest_mode, IPSEC_MODE_TUNNEL);
	CU_ASSERT_EQUAL(r->sadb_x_ipsecrequest_level, IPSEC_LEVEL_UNIQUE);
	CU_ASSERT_EQUAL(r->sadb_x_ipsecrequest_reqid, 7);
	s = (const void *)(pol + 24);
	d = (const void *)(pol + 40);
	CU_ASSERT_EQUAL(s->sin_family, AF_INET);
	CU_ASSERT_EQUAL(ntohs(s->sin_port), 500);
	CU_ASSERT_EQUAL(ntohl(s->sin_addr.s_addr), 0xc0000201);
	CU_ASSERT_EQUAL(d->sin_family, AF_INET);
	CU_ASSERT_EQUAL(ntohs(d->sin_port), 4500);
	CU_ASSERT_EQUAL(ntohl(d->sin_addr.s_addr), 0xc0000202);
	r = (const void *)(pol + 56);
	CU_ASSERT_EQUAL(r->sadb_x_ipsecrequest_len, 8);
	CU_ASSERT_EQUAL(r->sadb_x_ipsecrequest_proto, IPPROTO_AH);
	CU_ASSERT_EQUAL(r->sadb_x_ipsecrequest_mode, IPSEC_MODE_TRANSPORT);
	CU_ASSERT_EQUAL(r->sadb_x_ipsecrequest_level, IPSEC_LEVEL_USE);
	CU_ASSERT_EQUAL(r->sadb_x_ipsecrequest_reqid, 0);
	free(pol);
}

/* IPv6 requests: 8 + 28 + 28 = 64 bytes, no padding needed. */
static void
test_layout_v6(void)
{
	const char *in = "in ipsec esp/tunnel/2001:db8::1-2001:db8::2/require";
	const struct sadb_x_ipsecrequest *r;
	const struct sockaddr_in6 *s;
	char *pol;

	pol = ipsec_set_policy(in, (int)strlen(in));
	CU_ASSERT_PTR_NOT_NULL_FATAL(pol);
	CU_ASSERT_EQUAL(ipsec_get_policylen(pol), 16 + 64);
	r = (const void *)(pol + 16);
	CU_ASSERT_EQUAL(r->sadb_x_ipsecrequest_len, 64);
	s = (const void *)(pol + 24);
	CU_ASSERT_EQUAL(s->sin6_family, AF_INET6);
	CU_ASSERT_EQUAL(s->sin6_addr.s6_addr[0], 0x20);
	CU_ASSERT_EQUAL(s->sin6_addr.s6_addr[15], 1);
	free(pol);
}

/* What the parser makes, key_parse() takes as an SPDADD policy. */
static void
test_priority_values(void)
{
	static const struct {
		const char	*in;
		uint32_t	 prio;
	} cases[] = {
		{ "out discard", 0 },
		{ "out prio 0 discard", 0x80000000u },
		{ "out prio 10 discard", 0x7ffffff6u },
		{ "out prio 2147483647 discard", 1 },
		{ "out prio low discard", 0xc0000000u },
		{ "out prio high discard", 0x40000000u },
		{ "out prio low - 1073741823 discard", 0xffffffffu },
		{ "out prio def - 5 discard", 0x80000005u },
		{ "out prio high + 1073741824 discard", 0 },
	};
	const struct sadb_x_policy *xpl;
	size_t i;
	char *pol;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pol = ipsec_set_policy(cases[i].in, (int)strlen(cases[i].in));
		CU_ASSERT_PTR_NOT_NULL_FATAL(pol);
		xpl = (const void *)pol;
		CU_ASSERT_EQUAL(xpl->sadb_x_policy_priority, cases[i].prio);
		free(pol);
	}
}

/* Hostile buffers: every length checked before it is followed. */
static void
test_dump_bad(void)
{
	uint64_t mem[16];
	struct sadb_x_policy *xpl = (void *)mem;
	struct sadb_x_ipsecrequest *r = (void *)(xpl + 1);

	CU_ASSERT_PTR_NULL(ipsec_dump_policy(NULL, NULL));
	memset(mem, 0, sizeof(mem));
	xpl->sadb_x_policy_len = 2;
	xpl->sadb_x_policy_exttype = SADB_EXT_SA;
	CU_ASSERT_PTR_NULL(ipsec_dump_policy((char *)mem, NULL));
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_INVAL_EXTTYPE);
	xpl->sadb_x_policy_exttype = SADB_X_EXT_POLICY;
	xpl->sadb_x_policy_dir = IPSEC_DIR_INVALID;
	CU_ASSERT_PTR_NULL(ipsec_dump_policy((char *)mem, NULL));
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_INVAL_DIR);
	xpl->sadb_x_policy_dir = IPSEC_DIR_INBOUND;
	xpl->sadb_x_policy_type = 9;
	CU_ASSERT_PTR_NULL(ipsec_dump_policy((char *)mem, NULL));
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_INVAL_POLICY);
	xpl->sadb_x_policy_type = IPSEC_POLICY_IPSEC;
	xpl->sadb_x_policy_len = 1;
	CU_ASSERT_PTR_NULL(ipsec_dump_policy((char *)mem, NULL));
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_INVAL_SADBMSG);
	/* A request of length 0 would loop forever in KAME. */
	xpl->sadb_x_policy_len = 3;
	CU_ASSERT_PTR_NULL(ipsec_dump_policy((char *)mem, NULL));
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_INVAL_SADBMSG);
	r->sadb_x_ipsecrequest_len = 16;
	CU_ASSERT_PTR_NULL(ipsec_dump_policy((char *)mem, NULL));
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_INVAL_SADBMSG);
	r->sadb_x_ipsecrequest_len = 8;
	r->sadb_x_ipsecrequest_proto = 99;
	CU_ASSERT_PTR_NULL(ipsec_dump_policy((char *)mem, NULL));
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_INVAL_PROTO);
	r->sadb_x_ipsecrequest_proto = IPPROTO_ESP;
	r->sadb_x_ipsecrequest_mode = 7;
	CU_ASSERT_PTR_NULL(ipsec_dump_policy((char *)mem, NULL));
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_INVAL_MODE);
	r->sadb_x_ipsecrequest_mode = IPSEC_MODE_ANY;
	r->sadb_x_ipsecrequest_level = 9;
	CU_ASSERT_PTR_NULL(ipsec_dump_policy((char *)mem, NULL));
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_INVAL_LEVEL);
	/* Endpoints of an unknown family, then truncated ones. */
	r->sadb_x_ipsecrequest_level = IPSEC_LEVEL_REQUIRE;
	xpl->sadb_x_policy_len = 2 + 5;
	r->sadb_x_ipsecrequest_len = 40;
	CU_ASSERT_PTR_NULL(ipsec_dump_policy((char *)mem, NULL));
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_INVAL_ADDRESS);
	((struct sockaddr_in *)(r + 1))->sin_family = AF_INET;
	((struct sockaddr_in *)(r + 1) + 1)->sin_family = AF_INET6;
	CU_ASSERT_PTR_NULL(ipsec_dump_policy((char *)mem, NULL));
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_INVAL_ADDRESS);
	((struct sockaddr_in *)(r + 1) + 1)->sin_family = AF_INET;
	{
		char *t = ipsec_dump_policy((char *)mem, NULL);

		CU_ASSERT_PTR_NOT_NULL_FATAL(t);
		CU_ASSERT_STRING_EQUAL(t,
		    "in ipsec esp/any/0.0.0.0-0.0.0.0/require");
		free(t);
	}
	/* Kernel-assigned reqids print with '#'. */
	r->sadb_x_ipsecrequest_reqid = 16384;
	{
		char *t = ipsec_dump_policy((char *)mem, NULL);

		CU_ASSERT_STRING_EQUAL(t,
		    "in ipsec esp/any/0.0.0.0-0.0.0.0/require#16384");
		free(t);
	}
}

static void
test_strerror(void)
{
	ipsec_set_errcode(EIPSEC_NO_ERROR);
	CU_ASSERT_STRING_EQUAL(ipsec_strerror(), "Success");
	ipsec_set_errcode(EIPSEC_FEW_ARGUMENTS);
	CU_ASSERT_STRING_EQUAL(ipsec_strerror(), "Too few arguments");
	ipsec_set_errcode(EIPSEC_INVAL_SPI);
	CU_ASSERT_STRING_EQUAL(ipsec_strerror(), "SPI range violation");
	ipsec_set_syserr(ENOENT);
	CU_ASSERT_EQUAL(ipsec_errcode, EIPSEC_SYSTEM_ERROR);
	CU_ASSERT_STRING_EQUAL(ipsec_strerror(), strerror(ENOENT));
	ipsec_set_errcode(EIPSEC_MAX);
	CU_ASSERT_STRING_EQUAL(ipsec_strerror(), "Unknown error");
	ipsec_set_errcode(-3);
	CU_ASSERT_STRING_EQUAL(ipsec_strerror(), "Unknown error");
	ipsec_set_errcode(EIPSEC_NO_ERROR);
}

static const struct test_case policy_cases[] = {
	{ "roundtrip: every form", test_roundtrip_forms },
	{ "roundtrip: canonical spellings", test_roundtrip_normalized },
	{ "roundtrip: ports", test_roundtrip_ports },
	{ "errors: EIPSEC code of every bad form", test_errors },
	{ "layout: IPv4 requests field by field", test_layout },
	{ "layout: IPv6 request", test_layout_v6 },
	{ "priority: wire values", test_priority_values },
	{ "dump: hostile buffers", test_dump_bad },
	{ "strerror: messages", test_strerror },
	{ NULL, NULL },
};

const struct test_suite test_suites[] = {
	{ "libipsec policy", NULL, NULL, policy_cases },
	{ NULL, NULL, NULL, NULL },
};
