/*
 * The setkey script language: statements against the messages they must
 * produce (every message also has to pass the key engine's own validation,
 * key_parse()), malformed statements against their diagnostics, and every
 * key length of every algorithm of the registry.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <netipsec/ipsec.h>

#include "lib/libipsec/setkey_parse.h"
#include "sys/crypto/crypto.h"
#include "sys/netkey/key_parse.h"
#include "testlib.h"

#define CAPTURE_MAX	16

/* What env.send saw. */
struct capture {
	unsigned	 n;
	uint64_t	 msg[CAPTURE_MAX][1024];
	size_t		 len[CAPTURE_MAX];
	unsigned	 line[CAPTURE_MAX];
	int		 parse_errors;	/* messages key_parse() refused */
};

static struct capture cap;
static char errbuf[4096];

static int
capture_send(void *arg, const struct setkey_request *req)
{
	struct capture *c = arg;
	struct key_msg m;

	if (c->n == CAPTURE_MAX || req->len > sizeof(c->msg[0]))
		return -1;
	memcpy(c->msg[c->n], req->msg, req->len);
	c->len[c->n] = req->len;
	c->line[c->n] = req->line;
	/* Requests from a client: the key engine's own checks apply. */
	if (key_parse(c->msg[c->n], req->len, &m) != 0)
		c->parse_errors++;
	c->n++;
	return 0;
}

/* Run text; returns setkey_run's result, messages in cap, errors in errbuf. */
static int
run(const char *text, struct setkey_env *envp)
{
	struct setkey_env env;
	FILE *err;
	int rv;

	memset(&cap, 0, sizeof(cap));
	memset(errbuf, 0, sizeof(errbuf));
	err = fmemopen(errbuf, sizeof(errbuf) - 1, "w");
	setkey_env_init(&env);
	env.err = err;
	env.flags = SETKEY_F_NUMERIC | SETKEY_F_QUIET;
	env.pid = 4242;
	env.send = capture_send;
	env.arg = &cap;
	rv = setkey_run(&env, text, strlen(text));
	fclose(err);
	if (envp != NULL)
		*envp = env;
	return rv;
}

/* Extension type t of captured message i, or NULL. */
static const struct sadb_ext *
ext_of(unsigned i, unsigned t)
{
	struct key_msg m;

	if (i >= cap.n || key_parse(cap.msg[i], cap.len[i], &m) != 0)
		return NULL;
	return m.ext[t];
}

static const struct sadb_msg *
hdr_of(unsigned i)
{
	return (const struct sadb_msg *)(const void *)cap.msg[i];
}

static void
test_add_esp(void)
{
	const struct sadb_sa *sa;
	const struct sadb_x_sa2 *sa2;
	const struct sadb_address *a;
	const struct sadb_key *k;

	CU_ASSERT_EQUAL(run("add 10.0.0.1 10.0.0.2 esp 0x1234\n"
	    "\t-m tunnel -u 7 -r 4\n"
	    "\t-E aes-cbc 0x00112233445566778899aabbccddeeff\n"
	    "\t-A hmac-sha1 \"abcdefghijklmnopqrst\";\n", NULL), 0);
	CU_ASSERT_EQUAL(cap.n, 1);
	CU_ASSERT_EQUAL(cap.parse_errors, 0);
	CU_ASSERT_EQUAL(cap.line[0], 4);
	CU_ASSERT_EQUAL(hdr_of(0)->sadb_msg_type, SADB_ADD);
	CU_ASSERT_EQUAL(hdr_of(0)->sadb_msg_satype, SADB_SATYPE_ESP);
	CU_ASSERT_EQUAL(hdr_of(0)->sadb_msg_seq, 0);
	CU_ASSERT_EQUAL(hdr_of(0)->sadb_msg_pid, 4242);
	sa = (const void *)ext_of(0, SADB_EXT_SA);
	CU_ASSERT_FATAL(sa != NULL);
	CU_ASSERT_EQUAL(ntohl(sa->sadb_sa_spi), 0x1234);
	CU_ASSERT_EQUAL(sa->sadb_sa_state, SADB_SASTATE_LARVAL);
	CU_ASSERT_EQUAL(sa->sadb_sa_replay, 4);
	CU_ASSERT_EQUAL(sa->sadb_sa_encrypt, SADB_X_EALG_AESCBC);
	CU_ASSERT_EQUAL(sa->sadb_sa_auth, SADB_AALG_SHA1HMAC);
	CU_ASSERT_EQUAL(sa->sadb_sa_flags, SADB_X_EXT_CYCSEQ);
	sa2 = (const void *)ext_of(0, SADB_X_EXT_SA2);
	CU_ASSERT_FATAL(sa2 != NULL);
	CU_ASSERT_EQUAL(sa2->sadb_x_sa2_mode, IPSEC_MODE_TUNNEL);
	CU_ASSERT_EQUAL(sa2->sadb_x_sa2_reqid, 7);
	a = (const void *)ext_of(0, SADB_EXT_ADDRESS_DST);
	CU_ASSERT_FATAL(a != NULL);
	CU_ASSERT_EQUAL(a->sadb_address_proto, 255);
	CU_ASSERT_EQUAL(a->sadb_address_prefixlen, 32);
	k = (const void *)ext_of(0, SADB_EXT_KEY_AUTH);
	CU_ASSERT_FATAL(k != NULL);
	CU_ASSERT_EQUAL(k->sadb_key_bits, 160);
	CU_ASSERT(memcmp(k + 1, "abcdefghijklmnopqrst", 20) == 0);
	CU_ASSERT(ext_of(0, SADB_EXT_LIFETIME_HARD) == NULL);
}

static void
test_odd_hex_key(void)
{
	const struct sadb_key *k;
	const uint8_t *p;

	/* 31 digits: 16 bytes, the first 0x01. */
	CU_ASSERT_EQUAL(run("add 10.0.0.1 10.0.0.2 ah 300 -A hmac-md5 "
	    "0x123456789abcdef0123456789abcdef;", NULL), 0);
	k = (const void *)ext_of(0, SADB_EXT_KEY_AUTH);
	CU_ASSERT_FATAL(k != NULL);
	CU_ASSERT_EQUAL(k->sadb_key_bits, 128);
	p = (const uint8_t *)(k + 1);
	CU_ASSERT(p[0] == 0x01 && p[15] == 0xef);
	/* 3 digits: a leading 0 nibble makes 2 bytes. */
	CU_ASSERT_EQUAL(run("add 10.0.0.1 10.0.0.2 tcp 0x1000 -A tcp-md5 "
	    "0x123;", NULL), 0);
	k = (const void *)ext_of(0, SADB_EXT_KEY_AUTH);
	CU_ASSERT_FATAL(k != NULL);
	CU_ASSERT_EQUAL(k->sadb_key_bits, 16);
	p = (const uint8_t *)(k + 1);
	CU_ASSERT(p[0] == 0x01 && p[1] == 0x23);
}

static void
test_lifetimes_flags(void)
{
	const struct sadb_lifetime *h, *s;
	const struct sadb_sa *sa;

	CU_ASSERT_EQUAL(run("add 10.0.0.1 10.0.0.2 esp 1000 -f random-pad "
	    "-f nocyclic-seq -lh 3600 -ls 2880 -bh 100000 -esn "
	    "-E null;", NULL), 0);
	h = (const void *)ext_of(0, SADB_EXT_LIFETIME_HARD);
	s = (const void *)ext_of(0, SADB_EXT_LIFETIME_SOFT);
	CU_ASSERT_FATAL(h != NULL && s != NULL);
	CU_ASSERT_EQUAL(h->sadb_lifetime_addtime, 3600);
	CU_ASSERT_EQUAL(h->sadb_lifetime_bytes, 100000);
	CU_ASSERT_EQUAL(s->sadb_lifetime_addtime, 2880);
	CU_ASSERT_EQUAL(s->sadb_lifetime_allocations, 0);
	sa = (const void *)ext_of(0, SADB_EXT_SA);
	CU_ASSERT_FATAL(sa != NULL);
	CU_ASSERT_EQUAL(sa->sadb_sa_flags,
	    SADB_X_EXT_PRAND | SADB_X_SAFLAGS_ESN);
	CU_ASSERT_EQUAL(sa->sadb_sa_encrypt, SADB_EALG_NULL);
	CU_ASSERT(ext_of(0, SADB_EXT_KEY_ENCRYPT) == NULL);
}

static void
test_big_replay(void)
{
	const struct sadb_sa *sa;
	const struct sadb_x_sa_replay *r;

	CU_ASSERT_EQUAL(run("add 10.0.0.1 10.0.0.2 esp 1000 -r 1024 "
	    "-E null;", NULL), 0);
	sa = (const void *)ext_of(0, SADB_EXT_SA);
	r = (const void *)ext_of(0, SADB_X_EXT_SA_REPLAY);
	CU_ASSERT_FATAL(sa != NULL && r != NULL);
	CU_ASSERT_EQUAL(sa->sadb_sa_replay, 255);
	CU_ASSERT_EQUAL(r->sadb_x_sa_replay_replay, 8192);
}

static void
test_ipcomp(void)
{
	const struct sadb_sa *sa;

	CU_ASSERT_EQUAL(run("add 10.0.0.1 10.0.0.2 ipcomp 0x4001 "
	    "-C deflate -R;", NULL), 0);
	sa = (const void *)ext_of(0, SADB_EXT_SA);
	CU_ASSERT_FATAL(sa != NULL);
	CU_ASSERT_EQUAL(sa->sadb_sa_encrypt, SADB_X_CALG_DEFLATE);
	CU_ASSERT(sa->sadb_sa_flags & SADB_X_EXT_RAWCPI);
	CU_ASSERT(ext_of(0, SADB_EXT_KEY_ENCRYPT) == NULL);
}

static void
test_natt(void)
{
	const struct sadb_x_nat_t_port *sp, *dp;
	const struct sadb_x_nat_t_type *t;

	CU_ASSERT_EQUAL(run("add 192.0.2.1[4500] 198.51.100.1[4501] esp-udp "
	    "0x2000 -m tunnel -E aes-gcm-16 "
	    "0x00112233445566778899aabbccddeeff00112233;", NULL), 0);
	CU_ASSERT_EQUAL(cap.parse_errors, 0);
	t = (const void *)ext_of(0, SADB_X_EXT_NAT_T_TYPE);
	sp = (const void *)ext_of(0, SADB_X_EXT_NAT_T_SPORT);
	dp = (const void *)ext_of(0, SADB_X_EXT_NAT_T_DPORT);
	CU_ASSERT_FATAL(t != NULL && sp != NULL && dp != NULL);
	CU_ASSERT_EQUAL(t->sadb_x_nat_t_type_type, UDP_ENCAP_ESPINUDP);
	CU_ASSERT_EQUAL(ntohs(sp->sadb_x_nat_t_port_port), 4500);
	CU_ASSERT_EQUAL(ntohs(dp->sadb_x_nat_t_port_port), 4501);
	CU_ASSERT_EQUAL(run("add 192.0.2.1 198.51.100.1 esp 0x2000 "
	    "-natt 10.1.1.1 [4500] 10.2.2.2 [4500] -natt_mtu 1400 "
	    "-E aes-cbc 0x00112233445566778899aabbccddeeff;", NULL), 0);
	CU_ASSERT_EQUAL(cap.parse_errors, 0);
	CU_ASSERT(ext_of(0, SADB_X_EXT_NAT_T_OAI) != NULL);
	CU_ASSERT(ext_of(0, SADB_X_EXT_NAT_T_OAR) != NULL);
	CU_ASSERT(ext_of(0, SADB_X_EXT_NAT_T_FRAG) != NULL);
}

static void
test_sa_ids(void)
{
	const struct sadb_spirange *r;

	CU_ASSERT_EQUAL(run("get 10.0.0.1 10.0.0.2 esp 1000;\n"
	    "delete -4 10.0.0.1 10.0.0.2 ah 0x300; deleteall 10.0.0.1 "
	    "10.0.0.2 esp;\ngetspi fe80::1%lo fe80::2%lo esp 5000 -m "
	    "tunnel -u 3;\nflush; flush esp; dump ah; dump;\n", NULL), 0);
	CU_ASSERT_EQUAL(cap.n, 8);
	CU_ASSERT_EQUAL(cap.parse_errors, 0);
	CU_ASSERT_EQUAL(hdr_of(0)->sadb_msg_type, SADB_GET);
	CU_ASSERT(ext_of(0, SADB_X_EXT_SA2) != NULL);
	CU_ASSERT_EQUAL(hdr_of(1)->sadb_msg_type, SADB_DELETE);
	CU_ASSERT(ext_of(1, SADB_EXT_SA) != NULL);
	CU_ASSERT_EQUAL(hdr_of(2)->sadb_msg_type, SADB_DELETE);
	CU_ASSERT(ext_of(2, SADB_EXT_SA) == NULL);
	CU_ASSERT_EQUAL(hdr_of(3)->sadb_msg_type, SADB_GETSPI);
	r = (const void *)ext_of(3, SADB_EXT_SPIRANGE);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_EQUAL(r->sadb_spirange_min, 5000);
	CU_ASSERT_EQUAL(r->sadb_spirange_max, 5000);
	CU_ASSERT_EQUAL(hdr_of(4)->sadb_msg_satype, SADB_SATYPE_UNSPEC);
	CU_ASSERT_EQUAL(hdr_of(5)->sadb_msg_satype, SADB_SATYPE_ESP);
	CU_ASSERT_EQUAL(hdr_of(6)->sadb_msg_type, SADB_DUMP);
	CU_ASSERT_EQUAL(hdr_of(6)->sadb_msg_satype, SADB_SATYPE_AH);
	CU_ASSERT_EQUAL(cap.line[7], 4);
}

static void
test_spd(void)
{
	const struct sadb_address *s, *d;
	const struct sockaddr_in6 *sin6;
	const struct sadb_x_policy *xpl;

	CU_ASSERT_EQUAL(run("spdadd 2001:db8::/32[any] 2001:db8:1::1 "
	    "icmp6 135,0 -P out ipsec\n  esp/transport//require;\n"
	    "spdadd 10.0.0.0/24[80] 10.1.0.0/16 tcp -P in none;\n"
	    "spddelete 10.0.0.0/24[80] 10.1.0.0/16 tcp -P in;\n"
	    "spdupdate 10.0.0.0/8 10.1.0.0/8 any -P out discard;\n"
	    "spdflush; spddump;", NULL), 0);
	CU_ASSERT_EQUAL(cap.n, 6);
	CU_ASSERT_EQUAL(cap.parse_errors, 0);
	s = (const void *)ext_of(0, SADB_EXT_ADDRESS_SRC);
	d = (const void *)ext_of(0, SADB_EXT_ADDRESS_DST);
	CU_ASSERT_FATAL(s != NULL && d != NULL);
	CU_ASSERT_EQUAL(s->sadb_address_proto, IPPROTO_ICMPV6);
	CU_ASSERT_EQUAL(s->sadb_address_prefixlen, 32);
	CU_ASSERT_EQUAL(d->sadb_address_prefixlen, 128);
	sin6 = (const void *)(s + 1);
	CU_ASSERT_EQUAL(ntohs(sin6->sin6_port), 135);
	xpl = (const void *)ext_of(0, SADB_X_EXT_POLICY);
	CU_ASSERT_FATAL(xpl != NULL);
	CU_ASSERT_EQUAL(xpl->sadb_x_policy_dir, IPSEC_DIR_OUTBOUND);
	CU_ASSERT_EQUAL(xpl->sadb_x_policy_type, IPSEC_POLICY_IPSEC);
	CU_ASSERT_EQUAL(cap.line[0], 2);
	s = (const void *)ext_of(1, SADB_EXT_ADDRESS_SRC);
	CU_ASSERT_FATAL(s != NULL);
	CU_ASSERT_EQUAL(s->sadb_address_proto, IPPROTO_TCP);
	CU_ASSERT_EQUAL(ntohs(((const struct sockaddr_in *)(const void *)
	    (s + 1))->sin_port), 80);
	CU_ASSERT_EQUAL(hdr_of(2)->sadb_msg_type, SADB_X_SPDDELETE);
	CU_ASSERT_EQUAL(hdr_of(3)->sadb_msg_type, SADB_X_SPDUPDATE);
	CU_ASSERT_EQUAL(hdr_of(5)->sadb_msg_type, SADB_X_SPDDUMP);
}

static void
test_comments_and_lines(void)
{
	struct setkey_env env;

	CU_ASSERT_EQUAL(run("# a comment; with a semicolon\n"
	    "flush;  # trailing\n\n"
	    "spdflush\n;\n;;dump esp\n;", &env), 0);
	CU_ASSERT_EQUAL(cap.n, 3);
	CU_ASSERT_EQUAL(cap.line[0], 2);
	CU_ASSERT_EQUAL(cap.line[1], 5);
	CU_ASSERT_EQUAL(cap.line[2], 7);
	CU_ASSERT_EQUAL(env.nstmts, 3);
	CU_ASSERT_EQUAL(run("flush; exit; flush;", &env), 0);
	CU_ASSERT_EQUAL(cap.n, 1);
	CU_ASSERT(env.quit);
}

/* A malformed statement: nothing sent from it, a line-numbered message. */
struct bad_case {
	const char	*text;
	unsigned	 line;
	const char	*expect;	/* substring of the diagnostic */
};

static const struct bad_case bad_cases[] = {
	{ "frobnicate;", 1, "unknown statement at [frobnicate]" },
	{ "flush;\nadd 10.0.0.1 10.0.0.2 esp 1000 -E foo 0x00;", 2,
	  "unknown algorithm at [foo]" },
	{ "add 10.0.0.1 10.0.0.2 esp 1000 -E des-cbc 0x0011;", 1,
	  "invalid key length 16 bits for des-cbc" },
	{ "add 10.0.0.1 10.0.0.2 esp 1000\n-A hmac-md5 "
	  "0x00112233445566778899aabbccddeeff;", 2,
	  "esp needs an encryption (-E) algorithm" },
	{ "add 10.0.0.1 10.0.0.2 ah 1000 -E null;", 1,
	  "ah takes no encryption algorithm" },
	{ "add 10.0.0.1 10.0.0.2 esp 1000 -E aes-gcm-16 "
	  "0x00112233445566778899aabbccddeeff00112233 -A null;", 1,
	  "no -A with it" },
	{ "add 10.0.0.1 10.0.0.2 esp 0x100000000 -E null;", 1,
	  "invalid SPI" },
	{ "add 10.0.0.1 10.0.0.2 esp 1000 -E null", 1, "';' missing" },
	{ "add 10.0.0.1 10.0.0.2 esp 1000 -m sideways -E null;", 1,
	  "unknown mode at [sideways]" },
	{ "add 10.0.0.1 10.0.0.2 esp 1000 -E null -Q 1;", 1,
	  "unknown option at [-Q]" },
	{ "add 10.0.0.1 10.0.0.2 esp 1000 -E aes-cbc 0xzz;", 1,
	  "invalid hex key" },
	{ "add 10.0.0.1 10.0.0.2 esp 1000 -E aes-cbc \"abc;", 1,
	  "unterminated string" },
	{ "add 10.0.0.1 ::1 esp 1000 -E null;", 1, "different families" },
	{ "add 10.0.0.1/24 10.0.0.2 esp 1000 -E null;", 1,
	  "prefix length not allowed" },
	{ "add host.example 10.0.0.2 esp 1000 -E null;", 1,
	  "not a numeric address" },
	{ "add 10.0.0.1 10.0.0.2 ipcomp 70000 -C deflate;", 1,
	  "16 bits" },
	{ "add 10.0.0.1 10.0.0.2 esp-old 1000 -r 4 -E des-cbc "
	  "0x0011223344556677;", 1, "replay" },
	{ "get 10.0.0.1 10.0.0.2 esp 1000 -E null;", 1,
	  "option not allowed in get" },
	{ "add 10.0.0.1[70000] 10.0.0.2 esp 1000 -E null;", 1,
	  "invalid port" },
	{ "spdadd 10.0.0.0/33 10.0.0.1 any -P out none;", 1,
	  "invalid prefix length" },
	{ "spdadd 10.0.0.0/24 10.0.0.1 nosuchproto -P out none;", 1,
	  "unknown upper-layer protocol" },
	{ "spdadd 10.0.0.0/24 10.0.0.1 any;", 1, "policy (-P ...) missing" },
	{ "spdadd 10.0.0.0/24 10.0.0.1 any -P sideways none;", 1,
	  "at [sideways none]" },
	{ "spdadd 10.0.0.0/24 10.0.0.1 any -P out bypass;", 1,
	  "not allowed in setkey" },
	{ "spdadd ::/0 ::/0 icmp6 135 -P out none;", 1, "type,code" },
	{ "spdadd 10.0.0.0/24 10.0.0.1 any -P out none", 1,
	  "not terminated" },
	{ "dump esp-old;", 1, "old protocols" },
	{ "delete -4 -6 10.0.0.1 10.0.0.2 esp 1000;", 1, "-4 and -6" },
	{ "flush;\nflush\0;", 2, "NUL" },
};

static void
test_bad_statements(void)
{
	struct setkey_env env;
	char want[256];
	size_t i, len;
	int rv;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *bc = &bad_cases[i];

		memset(&cap, 0, sizeof(cap));
		memset(errbuf, 0, sizeof(errbuf));
		/* One case carries a NUL: give its true length. */
		len = strlen(bc->text);
		if (strstr(bc->expect, "NUL") != NULL)
			len += 2;
		{
			FILE *err = fmemopen(errbuf, sizeof(errbuf) - 1, "w");

			setkey_env_init(&env);
			env.err = err;
			env.flags = SETKEY_F_NUMERIC | SETKEY_F_QUIET;
			env.send = capture_send;
			env.arg = &cap;
			rv = setkey_run(&env, bc->text, len);
			fclose(err);
		}
		CU_ASSERT_EQUAL(rv, -1);
		CU_ASSERT(env.parse_error);
		snprintf(want, sizeof(want), "line %u: ", bc->line);
		if (strstr(errbuf, want) == NULL ||
		    strstr(errbuf, bc->expect) == NULL ||
		    strstr(errbuf, "parse failed") == NULL) {
			fprintf(stderr, "case %zu: got \"%s\"\n", i, errbuf);
			CU_FAIL("diagnostic");
		}
		/* Only statements before the bad one went out. */
		CU_ASSERT_EQUAL(cap.n,
		    strncmp(bc->text, "flush;", 6) == 0 ? 1u : 0u);
	}
}

/* Every key length 0..keymax+16 bits in bytes, valid or not, per algorithm. */
static void
test_every_key_length(void)
{
	static const char hexd[] = "0123456789abcdef";
	const struct crypto_alg *alg;
	char text[1024], key[600];
	unsigned bytes, bad = 0, good = 0;
	size_t i, j;
	bool ok;
	int rv;

	for (i = 0; i < crypto_alg_count(); i++) {
		alg = crypto_alg_at(i);
		if (alg->kind == CRYPTO_KIND_COMP)
			continue;
		for (bytes = 1; bytes * 8 <= alg->keymax + 16u &&
		    bytes * 2 < sizeof(key) - 3; bytes++) {
			key[0] = '0';
			key[1] = 'x';
			for (j = 0; j < bytes * 2; j++)
				key[2 + j] = hexd[(j * 7 + bytes) % 16];
			key[2 + j] = '\0';
			if (alg->kind == CRYPTO_KIND_ENC)
				snprintf(text, sizeof(text), "add 10.0.0.1 "
				    "10.0.0.2 esp 1000 -E %s %s;", alg->name,
				    key);
			else if (alg->sadb_id == SADB_X_AALG_TCP_MD5)
				snprintf(text, sizeof(text), "add 10.0.0.1 "
				    "10.0.0.2 tcp 0x1000 -A %s %s;",
				    alg->name, key);
			else
				snprintf(text, sizeof(text), "add 10.0.0.1 "
				    "10.0.0.2 ah 1000 -A %s %s;", alg->name,
				    key);
			ok = crypto_alg_keylen_ok(alg, bytes * 8);
			rv = run(text, NULL);
			if (ok) {
				good++;
				CU_ASSERT_EQUAL(rv, 0);
				CU_ASSERT_EQUAL(cap.parse_errors, 0);
			} else {
				bad++;
				CU_ASSERT_EQUAL(rv, -1);
				CU_ASSERT_EQUAL(cap.n, 0);
				CU_ASSERT(strstr(errbuf, "line 1: invalid key "
				    "length") != NULL);
			}
		}
	}
	CU_ASSERT(good > 20);
	CU_ASSERT(bad > 200);
}

/* An engine that refuses: counted, and the run goes on. */
static int
refuse_send(void *arg, const struct setkey_request *req)
{
	(void)arg;
	return req->msg->sadb_msg_type == SADB_FLUSH ? -1 : 0;
}

static void
test_refused_statement(void)
{
	struct setkey_env env;
	const char *text = "flush; spdflush; flush; spddump;";

	setkey_env_init(&env);
	env.send = refuse_send;
	CU_ASSERT_EQUAL(setkey_run(&env, text, strlen(text)), -1);
	CU_ASSERT_EQUAL(env.nstmts, 4);
	CU_ASSERT_EQUAL(env.nfailed, 2);
	CU_ASSERT(!env.parse_error);
}

/* Line numbers go on across calls, as in an interactive session. */
static void
test_line_by_line(void)
{
	struct setkey_env env;
	FILE *err;

	memset(errbuf, 0, sizeof(errbuf));
	err = fmemopen(errbuf, sizeof(errbuf) - 1, "w");
	setkey_env_init(&env);
	env.err = err;
	CU_ASSERT_EQUAL(setkey_run(&env, "flush;\n", 7), 0);
	CU_ASSERT_EQUAL(setkey_run(&env, "\n", 1), 0);
	CU_ASSERT_EQUAL(setkey_run(&env, "bogus;\n", 7), -1);
	fclose(err);
	CU_ASSERT(strstr(errbuf, "line 3: unknown statement") != NULL);
}

static const struct test_case setkey_cases[] = {
	{ "add esp: every field on the wire", test_add_esp },
	{ "hex keys, odd length", test_odd_hex_key },
	{ "lifetimes and flags", test_lifetimes_flags },
	{ "replay window over 255 octets", test_big_replay },
	{ "ipcomp", test_ipcomp },
	{ "NAT-T: esp-udp and -natt", test_natt },
	{ "get, delete, deleteall, getspi, flush, dump", test_sa_ids },
	{ "spdadd, spddelete, spdupdate, spdflush, spddump", test_spd },
	{ "comments, lines, several per line, exit", test_comments_and_lines },
	{ "malformed statements", test_bad_statements },
	{ "every key length of every algorithm", test_every_key_length },
	{ "refused statements are counted", test_refused_statement },
	{ "line numbers across calls", test_line_by_line },
	{ NULL, NULL },
};

const struct test_suite test_suites[] = {
	{ "setkey", NULL, NULL, setkey_cases },
	{ NULL, NULL, NULL, NULL },
};
