/*
 * Grammar of setkey statements: one recursive-descent routine per part of
 * a statement, driven by the statement table.  Parsing only records what
 * was written; setkey_check.c judges combinations and key lengths, so the
 * grammar stays readable.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include <netipsec/ipsec.h>

#include "lib/libipsec/setkey_stmt.h"
#include "lib/libipsec/setkey_upper.h"

struct parser {
	struct setkey_lex	*lx;
	struct setkey_stmt	*st;
	char			*why;
	size_t			 whylen;
};

#define S_SA_FULL	(SETKEY_S_SAID | SETKEY_S_ALGS)
#define S_SA_ID		(SETKEY_S_SAID | SETKEY_S_MODE)
#define S_SPD_FULL	(SETKEY_S_SPD | SETKEY_S_POLICY)

static const struct setkey_stmt_desc stmt_table[] = {
	{ "add",	SADB_ADD,		S_SA_FULL },
	{ "update",	SADB_UPDATE,		S_SA_FULL },
	{ "get",	SADB_GET,		S_SA_ID },
	{ "delete",	SADB_DELETE,		S_SA_ID },
	{ "deleteall",	SADB_DELETE,		SETKEY_S_PAIR },
	{ "getspi",	SADB_GETSPI,		S_SA_ID },
	{ "flush",	SADB_FLUSH,		SETKEY_S_PROTO },
	{ "dump",	SADB_DUMP,		SETKEY_S_PROTO },
	{ "spdadd",	SADB_X_SPDADD,		S_SPD_FULL },
	{ "spdupdate",	SADB_X_SPDUPDATE,	S_SPD_FULL },
	{ "spddelete",	SADB_X_SPDDELETE,	S_SPD_FULL },
	{ "spdflush",	SADB_X_SPDFLUSH,	0 },
	{ "spddump",	SADB_X_SPDDUMP,		0 },
	{ "exit",	0,			SETKEY_S_QUIT },
	{ "quit",	0,			SETKEY_S_QUIT },
	{ "bye",	0,			SETKEY_S_QUIT },
};

struct proto_desc {
	const char	*name;
	uint8_t		 satype;
	uint32_t	 flags;		/* SADB_X_EXT_OLD */
	bool		 espudp;
};

static const struct proto_desc proto_table[] = {
	{ "esp",     SADB_SATYPE_ESP,		   0,		   false },
	{ "esp-old", SADB_SATYPE_ESP,		   SADB_X_EXT_OLD, false },
	{ "esp-udp", SADB_SATYPE_ESP,		   0,		   true },
	{ "ah",	     SADB_SATYPE_AH,		   0,		   false },
	{ "ah-old",  SADB_SATYPE_AH,		   SADB_X_EXT_OLD, false },
	{ "ipcomp",  SADB_X_SATYPE_IPCOMP,	   0,		   false },
	{ "tcp",     SADB_X_SATYPE_TCPSIGNATURE, 0,		   false },
};

struct name_value {
	const char	*name;
	unsigned	 value;
};

static const struct name_value mode_table[] = {
	{ "any",	IPSEC_MODE_ANY },
	{ "transport",	IPSEC_MODE_TRANSPORT },
	{ "tunnel",	IPSEC_MODE_TUNNEL },
};

/* -f values: the bits they set and the bits they clear. */
static const struct {
	const char	*name;
	uint32_t	 set;
	uint32_t	 clear;
} flag_table[] = {
	{ "zero-pad",	  SADB_X_EXT_PZERO, SADB_X_EXT_PMASK },
	{ "random-pad",	  SADB_X_EXT_PRAND, SADB_X_EXT_PMASK },
	{ "seq-pad",	  SADB_X_EXT_PSEQ,  SADB_X_EXT_PMASK },
	{ "nocyclic-seq", 0,		    SADB_X_EXT_CYCSEQ },
	{ "cyclic-seq",	  SADB_X_EXT_CYCSEQ, 0 },
};

static int
fail(struct parser *ps, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ps->why, ps->whylen, fmt, ap);
	va_end(ap);
	return -1;
}

/* A lexer error token becomes the reason; anything else gets what. */
static int
fail_token(struct parser *ps, const char *what)
{
	if (ps->lx->tok == SETKEY_TOK_ERROR)
		return fail(ps, "%s", ps->lx->text);
	return fail(ps, "%s", what);
}

static const struct name_value *
lookup(const struct name_value *t, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return &t[i];
	return NULL;
}

/* A decimal (or, with base 0, also 0x hex) number up to max. */
static int
number(struct parser *ps, int base, uint64_t max, uint64_t *out,
    const char *what)
{
	const char *s = ps->lx->text;
	char *end;
	unsigned long long v;

	if (ps->lx->tok != SETKEY_TOK_WORD || s[0] < '0' || s[0] > '9')
		return fail_token(ps, what);
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno != 0 || *end != '\0' || v > max)
		return fail(ps, "%s", what);
	*out = v;
	setkey_lex_next(ps->lx);
	return 0;
}

/* '[' port ']' after an address; port is a number or "any". */
static int
port_part(struct parser *ps, struct setkey_addrspec *a)
{
	uint64_t v;

	if (ps->lx->tok != SETKEY_TOK_LBRACK)
		return 0;
	setkey_lex_next(ps->lx);
	if (setkey_lex_is(ps->lx, "any")) {
		a->port = 0;
		setkey_lex_next(ps->lx);
	} else if (number(ps, 10, 65535, &v, "invalid port") == 0)
		a->port = (int)v;
	else
		return -1;
	if (ps->lx->tok != SETKEY_TOK_RBRACK)
		return fail_token(ps, "']' expected");
	setkey_lex_next(ps->lx);
	return 0;
}

static int
host_part(struct parser *ps, struct setkey_addrspec *a)
{
	if (ps->lx->tok != SETKEY_TOK_WORD || ps->lx->text[0] == '-')
		return fail_token(ps, "address expected");
	memcpy(a->host, ps->lx->text, ps->lx->len + 1);
	a->given = true;
	a->plen = -1;
	a->port = -1;
	setkey_lex_next(ps->lx);
	return 0;
}

/* An SA endpoint: address[port]. */
static int
sa_address(struct parser *ps, struct setkey_addrspec *a)
{
	if (host_part(ps, a) != 0)
		return -1;
	if (ps->lx->tok == SETKEY_TOK_SLASH)
		return fail(ps, "prefix length not allowed in an SA address");
	return port_part(ps, a);
}

/* A selector range: address[/prefixlen][port]. */
static int
range_address(struct parser *ps, struct setkey_addrspec *a)
{
	uint64_t v;

	if (host_part(ps, a) != 0)
		return -1;
	if (ps->lx->tok == SETKEY_TOK_SLASH) {
		setkey_lex_next(ps->lx);
		if (number(ps, 10, 128, &v, "invalid prefix length") != 0)
			return -1;
		a->plen = (int)v;
	}
	return port_part(ps, a);
}

/* -4, -6, -n and their combinations right after the keyword. */
static int
address_options(struct parser *ps)
{
	const char *s;

	while (ps->lx->tok == SETKEY_TOK_WORD && ps->lx->text[0] == '-' &&
	    strspn(ps->lx->text + 1, "46n") == ps->lx->len - 1 &&
	    ps->lx->len > 1) {
		for (s = ps->lx->text + 1; *s != '\0'; s++) {
			if (*s == 'n')
				ps->st->numeric = true;
			else if (ps->st->family != 0 &&
			    ps->st->family != (*s == '4' ? AF_INET : AF_INET6))
				return fail(ps, "-4 and -6 together");
			else
				ps->st->family = *s == '4' ? AF_INET : AF_INET6;
		}
		setkey_lex_next(ps->lx);
	}
	return 0;
}

static int
protocol(struct parser *ps)
{
	size_t i;

	for (i = 0; i < sizeof(proto_table) / sizeof(proto_table[0]); i++)
		if (setkey_lex_is(ps->lx, proto_table[i].name))
			break;
	if (i == sizeof(proto_table) / sizeof(proto_table[0]))
		return fail_token(ps, "unknown protocol");
	ps->st->satype = proto_table[i].satype;
	ps->st->saflags |= proto_table[i].flags;
	ps->st->espudp = proto_table[i].espudp;
	setkey_lex_next(ps->lx);
	return 0;
}

/* esp-udp may name the original address before the SPI. */
static int
espudp_oa(struct parser *ps)
{
	struct setkey_stmt *st = ps->st;

	if (!st->espudp || ps->lx->tok != SETKEY_TOK_WORD ||
	    (strchr(ps->lx->text, '.') == NULL &&
	    strchr(ps->lx->text, ':') == NULL))
		return 0;
	if (host_part(ps, &st->oa) != 0)
		return -1;
	if (setkey_addr_resolve(&st->oa, st->family, true, &st->oa_ss, 1,
	    ps->why, ps->whylen) < 0)
		return -1;
	return 0;
}

static int
sa_id(struct parser *ps)
{
	struct setkey_stmt *st = ps->st;
	uint64_t spi;

	if (sa_address(ps, &st->src) != 0 || sa_address(ps, &st->dst) != 0 ||
	    protocol(ps) != 0)
		return -1;
	if (!(st->desc->parts & SETKEY_S_SAID))
		return 0;
	if (espudp_oa(ps) != 0)
		return -1;
	if (number(ps, 0, UINT32_MAX, &spi, "invalid SPI") != 0)
		return -1;
	st->spi = (uint32_t)spi;
	return 0;
}

/* Optional protocol of flush and dump. */
static int
sa_proto(struct parser *ps)
{
	if (ps->lx->tok != SETKEY_TOK_WORD)
		return 0;
	if (protocol(ps) != 0)
		return -1;
	if (ps->st->saflags & SADB_X_EXT_OLD)
		return fail(ps, "old protocols cannot be flushed or dumped "
		    "apart");
	return 0;
}

static int
spd_selector(struct parser *ps)
{
	struct setkey_stmt *st = ps->st;

	if (range_address(ps, &st->src) != 0 ||
	    range_address(ps, &st->dst) != 0)
		return -1;
	if (ps->lx->tok != SETKEY_TOK_WORD || ps->lx->text[0] == '-')
		return fail_token(ps, "upper-layer protocol expected");
	if (setkey_upper_lookup(ps->lx->text, &st->upper) != 0)
		return fail(ps, "unknown upper-layer protocol");
	setkey_lex_next(ps->lx);
	if (setkey_upper_has_types(st->upper) &&
	    ps->lx->tok == SETKEY_TOK_WORD && ps->lx->text[0] >= '0' &&
	    ps->lx->text[0] <= '9') {
		if (setkey_upper_typecode(ps->lx->text, &st->icmp_type,
		    &st->icmp_code) != 0)
			return fail(ps, "invalid type,code");
		st->icmp_given = true;
		setkey_lex_next(ps->lx);
	}
	return 0;
}

/*
 * Everything after -P up to ';' goes to ipsec_set_policy(), as
 * ipsec-tools does; setkey does not take the per-socket types.
 */
static int
policy(struct parser *ps)
{
	struct setkey_stmt *st = ps->st;
	char text[SETKEY_POLICY_MAX];
	const struct sadb_x_policy *xpl;

	if (st->policy != NULL)
		return fail(ps, "more than one policy");
	if (!setkey_lex_rest(ps->lx, text, sizeof(text)))
		return fail(ps, "%s", ps->lx->text);
	snprintf(ps->lx->text, sizeof(ps->lx->text), "%.*s",
	    SETKEY_TOKEN_MAX, text);
	st->policy = ipsec_set_policy(text, (int)strlen(text));
	if (st->policy == NULL)
		return fail(ps, "%s", ipsec_strerror());
	st->policylen = (size_t)ipsec_get_policylen(st->policy);
	xpl = (const struct sadb_x_policy *)(const void *)st->policy;
	if (xpl->sadb_x_policy_type == IPSEC_POLICY_ENTRUST ||
	    xpl->sadb_x_policy_type == IPSEC_POLICY_BYPASS)
		return fail(ps, "policy type not allowed in setkey");
	return 0;
}

static int
key_value(struct parser *ps, struct setkey_keyspec *k)
{
	const char *s = ps->lx->text;
	size_t n, i, odd;
	int hi, lo;

	if (ps->lx->tok == SETKEY_TOK_STRING) {
		if (ps->lx->len > SETKEY_KEY_MAX)
			return fail(ps, "key too long");
		memcpy(k->key, s, ps->lx->len);
		k->keylen = ps->lx->len;
		return 0;
	}
	if (ps->lx->tok != SETKEY_TOK_WORD || s[0] != '0' ||
	    (s[1] != 'x' && s[1] != 'X'))
		return fail_token(ps, "key expected (0x... or \"...\")");
	s += 2;
	n = strlen(s);
	odd = n % 2;
	if (n == 0 || (n + odd) / 2 > SETKEY_KEY_MAX)
		return fail(ps, n == 0 ? "empty key" : "key too long");
	for (i = 0; i < n + odd; i += 2) {
		/* An odd number of digits has an implicit leading 0. */
		hi = i == 0 && odd ? 0 : OPENSSL_hexchar2int(s[i - odd]);
		lo = OPENSSL_hexchar2int(s[i + 1 - odd]);
		if (hi < 0 || lo < 0)
			return fail(ps, "invalid hex key");
		k->key[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	k->keylen = (n + odd) / 2;
	return 0;
}

/* -E, -A or -C: an algorithm name, then its key unless it takes none. */
static int
algorithm(struct parser *ps, struct setkey_keyspec *k, enum crypto_kind kind)
{
	if (k->alg != NULL)
		return fail(ps, "algorithm given twice");
	if (ps->lx->tok != SETKEY_TOK_WORD)
		return fail_token(ps, "algorithm expected");
	k->alg = crypto_alg_byname(kind, ps->lx->text);
	if (k->alg == NULL)
		return fail(ps, "unknown algorithm");
	k->line = ps->lx->tokline;
	k->name = k->alg->name;
	setkey_lex_next(ps->lx);
	if (kind == CRYPTO_KIND_COMP)
		return 0;
	/* Null algorithms take no key, or an explicit one. */
	if (k->alg->mode == CRYPTO_MODE_NULL &&
	    ps->lx->tok != SETKEY_TOK_STRING &&
	    !(ps->lx->tok == SETKEY_TOK_WORD && ps->lx->text[0] == '0'))
		return 0;
	if (key_value(ps, k) != 0)
		return -1;
	setkey_lex_next(ps->lx);
	return 0;
}


static int
opt_mode(struct parser *ps)
{
	const struct name_value *nv;

	if (ps->lx->tok != SETKEY_TOK_WORD ||
	    (nv = lookup(mode_table, sizeof(mode_table) /
	    sizeof(mode_table[0]), ps->lx->text)) == NULL)
		return fail_token(ps, "unknown mode");
	ps->st->mode = (uint8_t)nv->value;
	ps->st->mode_given = true;
	setkey_lex_next(ps->lx);
	return 0;
}

static int
opt_reqid(struct parser *ps)
{
	uint64_t v;

	if (number(ps, 10, UINT32_MAX, &v, "invalid reqid") != 0)
		return -1;
	ps->st->reqid = (uint32_t)v;
	return 0;
}

static int
opt_replay(struct parser *ps)
{
	uint64_t v;

	/* Octets of bitmap; the SA_REPLAY extension carries it in bits. */
	if (number(ps, 10, UINT32_MAX / 8, &v, "invalid replay size") != 0)
		return -1;
	ps->st->replay = (uint32_t)v;
	return 0;
}

static int
opt_flag(struct parser *ps)
{
	size_t i;

	for (i = 0; i < sizeof(flag_table) / sizeof(flag_table[0]); i++)
		if (setkey_lex_is(ps->lx, flag_table[i].name))
			break;
	if (i == sizeof(flag_table) / sizeof(flag_table[0]))
		return fail_token(ps, "unknown flag");
	ps->st->saflags &= ~flag_table[i].clear;
	ps->st->saflags |= flag_table[i].set;
	setkey_lex_next(ps->lx);
	return 0;
}

static int
lifetime(struct parser *ps, uint64_t *out, bool *given)
{
	if (number(ps, 10, UINT64_MAX, out, "invalid lifetime") != 0)
		return -1;
	*given = true;
	return 0;
}

static int
opt_lh(struct parser *ps)
{
	return lifetime(ps, &ps->st->hard_time, &ps->st->hard_given);
}

static int
opt_ls(struct parser *ps)
{
	return lifetime(ps, &ps->st->soft_time, &ps->st->soft_given);
}

static int
opt_bh(struct parser *ps)
{
	return lifetime(ps, &ps->st->hard_bytes, &ps->st->hard_given);
}

static int
opt_bs(struct parser *ps)
{
	return lifetime(ps, &ps->st->soft_bytes, &ps->st->soft_given);
}

static int
opt_enc(struct parser *ps)
{
	return algorithm(ps, &ps->st->enc, CRYPTO_KIND_ENC);
}

static int
opt_auth(struct parser *ps)
{
	return algorithm(ps, &ps->st->auth, CRYPTO_KIND_AUTH);
}

static int
opt_comp(struct parser *ps)
{
	return algorithm(ps, &ps->st->comp, CRYPTO_KIND_COMP);
}

static int
opt_rawcpi(struct parser *ps)
{
	ps->st->saflags |= SADB_X_EXT_RAWCPI;
	return 0;
}

static int
opt_esn(struct parser *ps)
{
	ps->st->saflags |= SADB_X_SAFLAGS_ESN;
	return 0;
}

/* One -natt endpoint: address [port], resolved numerically. */
static int
natt_endpoint(struct parser *ps, struct setkey_addrspec *a,
    struct sockaddr_storage *ss, uint16_t *port)
{
	if (host_part(ps, a) != 0 || port_part(ps, a) != 0)
		return -1;
	if (a->port < 0)
		return fail_token(ps, "-natt needs [port] after each address");
	*port = (uint16_t)a->port;
	if (setkey_addr_resolve(a, ps->st->family, true, ss, 1, ps->why,
	    ps->whylen) < 0)
		return -1;
	return 0;
}

/* FreeBSD: -natt oai [sport] oar [dport]. */
static int
opt_natt(struct parser *ps)
{
	struct setkey_stmt *st = ps->st;

	if (natt_endpoint(ps, &st->natt_oai, &st->natt_oai_ss,
	    &st->natt_sport) != 0 ||
	    natt_endpoint(ps, &st->natt_oar, &st->natt_oar_ss,
	    &st->natt_dport) != 0)
		return -1;
	if (st->natt_oai_ss.ss_family != st->natt_oar_ss.ss_family)
		return fail(ps, "-natt addresses of different families");
	st->natt = true;
	return 0;
}

static int
opt_natt_mtu(struct parser *ps)
{
	uint64_t v;

	if (number(ps, 10, 65535, &v, "invalid NAT-T fragment size") != 0)
		return -1;
	ps->st->natt_mtu = (int)v;
	return 0;
}

/* SA options; algs_only ones are for add and update alone. */
static const struct {
	const char	*name;
	bool		 algs_only;
	int		(*parse)(struct parser *);
} opt_table[] = {
	{ "-m",		false,	opt_mode },
	{ "-u",		false,	opt_reqid },
	{ "-r",		true,	opt_replay },
	{ "-f",		true,	opt_flag },
	{ "-lh",	true,	opt_lh },
	{ "-ls",	true,	opt_ls },
	{ "-bh",	true,	opt_bh },
	{ "-bs",	true,	opt_bs },
	{ "-E",		true,	opt_enc },
	{ "-A",		true,	opt_auth },
	{ "-C",		true,	opt_comp },
	{ "-R",		true,	opt_rawcpi },
	{ "-esn",	true,	opt_esn },
	{ "-natt",	true,	opt_natt },
	{ "-natt_mtu",	true,	opt_natt_mtu },
};

static int
sa_option(struct parser *ps)
{
	size_t i;

	for (i = 0; i < sizeof(opt_table) / sizeof(opt_table[0]); i++)
		if (setkey_lex_is(ps->lx, opt_table[i].name))
			break;
	if (i == sizeof(opt_table) / sizeof(opt_table[0]))
		return fail(ps, "unknown option");
	if (opt_table[i].algs_only && !(ps->st->desc->parts & SETKEY_S_ALGS))
		return fail(ps, "option not allowed in %s",
		    ps->st->desc->name);
	setkey_lex_next(ps->lx);
	return opt_table[i].parse(ps);
}

static int
statement_parts(struct parser *ps)
{
	struct setkey_stmt *st = ps->st;
	unsigned parts = st->desc->parts;

	if (parts & (SETKEY_S_SAID | SETKEY_S_PAIR | SETKEY_S_SPD))
		if (address_options(ps) != 0)
			return -1;
	if ((parts & (SETKEY_S_SAID | SETKEY_S_PAIR)) && sa_id(ps) != 0)
		return -1;
	if ((parts & SETKEY_S_PROTO) && sa_proto(ps) != 0)
		return -1;
	if ((parts & SETKEY_S_SPD) && spd_selector(ps) != 0)
		return -1;
	while (ps->lx->tok == SETKEY_TOK_WORD && ps->lx->text[0] == '-') {
		if ((parts & SETKEY_S_POLICY) && setkey_lex_is(ps->lx, "-P")) {
			if (policy(ps) != 0)
				return -1;
			continue;
		}
		if (!(parts & (SETKEY_S_ALGS | SETKEY_S_MODE)))
			break;
		if (sa_option(ps) != 0)
			return -1;
	}
	/* exit, quit and bye end the input; a ';' after them is optional. */
	if (parts & SETKEY_S_QUIT) {
		st->line = ps->lx->tokline;
		return 0;
	}
	if (ps->lx->tok != SETKEY_TOK_SEMI)
		return fail_token(ps, ps->lx->tok == SETKEY_TOK_EOF ?
		    "';' missing at the end of the statement" :
		    "syntax error");
	if ((parts & SETKEY_S_POLICY) && st->policy == NULL)
		return fail(ps, "policy (-P ...) missing");
	st->line = ps->lx->tokline;
	return 0;
}

int
setkey_stmt_parse(struct setkey_lex *lx, struct setkey_stmt *st, char *why,
    size_t whylen)
{
	struct parser ps = { lx, st, why, whylen };
	size_t i;

	for (i = 0; i < sizeof(stmt_table) / sizeof(stmt_table[0]); i++)
		if (setkey_lex_is(lx, stmt_table[i].name))
			break;
	if (i == sizeof(stmt_table) / sizeof(stmt_table[0]))
		return fail_token(&ps, "unknown statement");
	st->desc = &stmt_table[i];
	st->line = lx->tokline;
	setkey_lex_next(lx);
	return statement_parts(&ps);
}

void
setkey_stmt_init(struct setkey_stmt *st)
{
	memset(st, 0, sizeof(*st));
	st->saflags = SADB_X_EXT_CYCSEQ;
	st->upper = IPSEC_ULPROTO_ANY;
	st->natt_mtu = -1;
}

void
setkey_stmt_clear(struct setkey_stmt *st)
{
	free(st->policy);
	OPENSSL_cleanse(st, sizeof(*st));
}
