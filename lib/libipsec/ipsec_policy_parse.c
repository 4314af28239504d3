/*
 * ipsec_set_policy(3): a policy string turned into the sadb_x_policy
 * extension that setsockopt(IP_IPSEC_POLICY) and SADB_X_SPDADD carry.
 *
 *	policy    := dir [priority] action request*
 *	dir       := "in" | "out" | "fwd"
 *	priority  := ("prio" | "priority")
 *		     (N | ("low" | "def" | "high") [("+" | "-") N])
 *	action    := "discard" | "none" | "ipsec" | "entrust" | "bypass"
 *	request   := proto "/" mode "/" [addrs] ["/" [level]]
 *	addrs     := addr ["[" port "]"] "-" addr ["[" port "]"]
 *		     | "me-any" | "any-me"
 *	level     := "default" | "use" | "require" | "unique" | "unique:" N
 *
 * A hand-written scanner and a recursive-descent parser replace KAME's
 * lex/yacc pair: they keep no global state, so two threads may parse at
 * once (only ipsec_errcode is shared, as in KAME).
 *
 * Decisions where KAME and ipsec-tools differ (see ipsec_set_policy.3):
 * - "fwd" is IPSEC_DIR_FWD (3), as ipsec-tools on Linux; the key engine
 *   decides whether it takes it.
 * - The priority is ipsec-tools' (Linux): the wire value, in
 *   sadb_x_policy_priority, is 0x80000000 - N for "prio N", and
 *   BASE - N / BASE + N for "BASE + N" / "BASE - N" with the bases low
 *   0xc0000000, def 0x80000000, high 0x40000000 (smaller is preferred).
 *   Out-of-range offsets are EIPSEC_INVAL_ARGUMENT.
 * - "ipsec" may have no request (ipsec-tools); other actions take none
 *   (EIPSEC_INVAL_ARGUMENT).  A bare direction is a policy of type 0.
 * - "unique:N" takes N from 1 to IPSEC_MANUAL_REQID_MAX (16383), the
 *   manual reqid range of the key engine, as KAME's setkey(8) documents;
 *   anything else is EIPSEC_INVAL_LEVEL rather than a value the key
 *   engine would silently replace.
 * - Each unknown word gets the code of what was expected there
 *   (EIPSEC_INVAL_DIR, _POLICY, _PROTO, _MODE, _LEVEL, _ADDRESS) instead
 *   of a bare syntax error, and nothing is written to stderr.
 */
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include <netipsec/ipsec.h>

#include "lib/libipsec/libpfkey.h"

#define PRIO_BASE_LOW		0xc0000000u
#define PRIO_BASE_DEF		0x80000000u
#define PRIO_BASE_HIGH		0x40000000u
#define PRIO_PLUS_MAX		0x40000000u	/* "BASE + N" */
#define PRIO_MINUS_MAX		0x3fffffffu	/* "BASE - N" */
#define PRIO_PLAIN_MAX		0x7fffffffu	/* "prio N" */

/* The largest policy: sadb_x_policy_len counts 64-bit words in 16 bits. */
#define POLICY_MAXLEN		(0xffff * 8)

enum tok {
	TOK_END,
	TOK_WORD,	/* [A-Za-z0-9:._]+ with an optional %scope */
	TOK_SLASH,
	TOK_HYPHEN,
	TOK_PLUS,
	TOK_PORT,	/* "[digits]"; the text is the digits */
	TOK_BAD,
};

struct token {
	enum tok	 type;
	const char	*s;
	size_t		 len;
};

struct parser {
	const char	*p;		/* next character to scan */
	struct token	 tok;		/* current token */
	uint8_t		*buf;		/* the policy being built */
	size_t		 len;
	size_t		 cap;
	uint8_t		 dir;
	uint16_t	 type;
};

struct request {
	uint16_t	 proto;
	uint8_t		 mode;
	uint8_t		 level;
	uint16_t	 reqid;
	bool		 has_addrs;
	struct sockaddr_storage src;
	struct sockaddr_storage dst;
};

struct word {
	const char	*name;
	unsigned	 value;
};

static const struct word dir_words[] = {
	{ "in", IPSEC_DIR_INBOUND },
	{ "out", IPSEC_DIR_OUTBOUND },
	{ "fwd", IPSEC_DIR_FWD },
	{ NULL, 0 },
};

static const struct word action_words[] = {
	{ "discard", IPSEC_POLICY_DISCARD },
	{ "none", IPSEC_POLICY_NONE },
	{ "ipsec", IPSEC_POLICY_IPSEC },
	{ "entrust", IPSEC_POLICY_ENTRUST },
	{ "bypass", IPSEC_POLICY_BYPASS },
	{ NULL, 0 },
};

static const struct word prio_words[] = {
	{ "low", PRIO_BASE_LOW },
	{ "def", PRIO_BASE_DEF },
	{ "high", PRIO_BASE_HIGH },
	{ NULL, 0 },
};

static const struct word proto_words[] = {
	{ "esp", IPPROTO_ESP },
	{ "ah", IPPROTO_AH },
	{ "ipcomp", IPPROTO_COMP },	/* IPPROTO_IPCOMP in BSD */
	{ NULL, 0 },
};

static const struct word mode_words[] = {
	{ "transport", IPSEC_MODE_TRANSPORT },
	{ "tunnel", IPSEC_MODE_TUNNEL },
	{ NULL, 0 },
};

static const struct word level_words[] = {
	{ "default", IPSEC_LEVEL_DEFAULT },
	{ "use", IPSEC_LEVEL_USE },
	{ "require", IPSEC_LEVEL_REQUIRE },
	{ "unique", IPSEC_LEVEL_UNIQUE },
	{ NULL, 0 },
};

static bool
word_char(int c)
{
	return isalnum(c) || c == ':' || c == '.' || c == '_';
}

/* Scan the next token into ps->tok. */
static void
next(struct parser *ps)
{
	const char *p = ps->p, *s;

	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	s = p;
	ps->tok.s = s;
	ps->tok.len = 1;
	if (*p == '\0') {
		ps->tok.type = TOK_END;
		ps->tok.len = 0;
	} else if (*p == '/') {
		ps->tok.type = TOK_SLASH;
		p++;
	} else if (*p == '-') {
		ps->tok.type = TOK_HYPHEN;
		p++;
	} else if (*p == '+') {
		ps->tok.type = TOK_PLUS;
		p++;
	} else if (*p == '[') {
		for (p++; isdigit((unsigned char)*p); p++)
			;
		ps->tok.type = (*p == ']' && p > s + 1) ? TOK_PORT : TOK_BAD;
		ps->tok.s = s + 1;
		ps->tok.len = p - s - 1;
		if (*p == ']')
			p++;
	} else if (word_char((unsigned char)*p)) {
		while (word_char((unsigned char)*p))
			p++;
		if (*p == '%' && isalnum((unsigned char)p[1]))
			for (p++; isalnum((unsigned char)*p); p++)
				;
		ps->tok.type = TOK_WORD;
		ps->tok.len = p - s;
	} else {
		ps->tok.type = TOK_BAD;
		p++;
	}
	ps->p = p;
}

static bool
tok_is(const struct token *t, const char *word)
{
	return t->type == TOK_WORD && strlen(word) == t->len &&
	    memcmp(t->s, word, t->len) == 0;
}

/* Look the current word up in a table; false when it is not there. */
static bool
lookup(const struct parser *ps, const struct word *table, unsigned *value)
{
	for (; table->name != NULL; table++) {
		if (tok_is(&ps->tok, table->name)) {
			*value = table->value;
			return true;
		}
	}
	return false;
}

/* A decimal number of at most max; false when not one. */
static bool
number(const char *s, size_t len, unsigned long max, unsigned long *val)
{
	unsigned long v = 0;
	size_t i;

	if (len == 0 || len > 10)
		return false;
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > max)
		return false;
	*val = v;
	return true;
}

static int
append(struct parser *ps, const void *data, size_t len)
{
	uint8_t *nb;
	size_t ncap;

	if (ps->len + len > POLICY_MAXLEN)
		return EIPSEC_INVAL_ARGUMENT;
	if (ps->len + len > ps->cap) {
		ncap = ps->cap * 2;
		while (ncap < ps->len + len)
			ncap *= 2;
		if ((nb = realloc(ps->buf, ncap)) == NULL)
			return EIPSEC_NO_BUFS;
		ps->buf = nb;
		ps->cap = ncap;
	}
	memcpy(ps->buf + ps->len, data, len);
	ps->len += len;
	return EIPSEC_NO_ERROR;
}

/*
 * The priority after "prio"/"priority": a plain offset from the default
 * (larger is preferred, so it is subtracted), or a named base with an
 * optional signed offset.
 */
static int
parse_priority(struct parser *ps, uint32_t *prio)
{
	unsigned long off;
	unsigned base;
	enum tok sign;

	next(ps);
	if (ps->tok.type != TOK_WORD)
		return EIPSEC_INVAL_ARGUMENT;
	if (!lookup(ps, prio_words, &base)) {
		if (!number(ps->tok.s, ps->tok.len, PRIO_PLAIN_MAX, &off))
			return EIPSEC_INVAL_ARGUMENT;
		*prio = PRIO_BASE_DEF - (uint32_t)off;
		next(ps);
		return EIPSEC_NO_ERROR;
	}
	*prio = base;
	next(ps);
	sign = ps->tok.type;
	if (sign != TOK_PLUS && sign != TOK_HYPHEN)
		return EIPSEC_NO_ERROR;
	next(ps);
	if (ps->tok.type != TOK_WORD || !number(ps->tok.s, ps->tok.len,
	    sign == TOK_PLUS ? PRIO_PLUS_MAX : PRIO_MINUS_MAX, &off))
		return EIPSEC_INVAL_ARGUMENT;
	*prio = sign == TOK_PLUS ? base - (uint32_t)off : base + (uint32_t)off;
	next(ps);
	return EIPSEC_NO_ERROR;
}

/* A numeric address, with the port of a following "[port]" token. */
static int
parse_addr(struct parser *ps, struct sockaddr_storage *ss, bool *has_port)
{
	struct addrinfo hints, *res;
	char host[NI_MAXHOST];
	unsigned long port = 0;
	int error;

	if (ps->tok.type != TOK_WORD || ps->tok.len >= sizeof(host))
		return EIPSEC_INVAL_ADDRESS;
	memcpy(host, ps->tok.s, ps->tok.len);
	host[ps->tok.len] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICHOST;
	error = getaddrinfo(host, NULL, &hints, &res);
	if (error != 0)
		return EIPSEC_INVAL_ADDRESS;
	if ((res->ai_family != AF_INET && res->ai_family != AF_INET6) ||
	    res->ai_addrlen > sizeof(*ss)) {
		freeaddrinfo(res);
		return EIPSEC_INVAL_FAMILY;
	}
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	next(ps);
	*has_port = ps->tok.type == TOK_PORT;
	if (*has_port) {
		if (!number(ps->tok.s, ps->tok.len, 65535, &port))
			return EIPSEC_INVAL_ADDRESS;
		if (ss->ss_family == AF_INET)
			((struct sockaddr_in *)ss)->sin_port = htons(port);
		else
			((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
		next(ps);
	}
	return EIPSEC_NO_ERROR;
}

/*
 * "src-dst", or KAME's "me-any" (outbound only) and "any-me" (inbound
 * only), which name no endpoint and so leave the request without one.
 */
static int
parse_addrs(struct parser *ps, struct request *rq)
{
	bool sport, dport;
	int error;

	if (tok_is(&ps->tok, "me") || tok_is(&ps->tok, "any")) {
		bool me_any = tok_is(&ps->tok, "me");

		next(ps);
		if (ps->tok.type != TOK_HYPHEN)
			return EIPSEC_INVAL_ADDRESS;
		next(ps);
		if (!tok_is(&ps->tok, me_any ? "any" : "me"))
			return EIPSEC_INVAL_ADDRESS;
		if (ps->dir != (me_any ? IPSEC_DIR_OUTBOUND :
		    IPSEC_DIR_INBOUND))
			return EIPSEC_INVAL_DIR;
		next(ps);
		return EIPSEC_NO_ERROR;
	}
	if ((error = parse_addr(ps, &rq->src, &sport)) != 0)
		return error;
	if (ps->tok.type != TOK_HYPHEN)
		return EIPSEC_INVAL_ADDRESS;
	next(ps);
	if ((error = parse_addr(ps, &rq->dst, &dport)) != 0)
		return error;
	if (sport != dport)
		return EIPSEC_INVAL_ADDRESS;
	if (rq->src.ss_family != rq->dst.ss_family)
		return EIPSEC_FAMILY_MISMATCH;
	rq->has_addrs = true;
	return EIPSEC_NO_ERROR;
}

static int
parse_level(struct parser *ps, struct request *rq)
{
	static const char uniq[] = "unique:";
	unsigned long reqid;
	unsigned level;

	if (ps->tok.type != TOK_WORD)
		return EIPSEC_INVAL_LEVEL;
	if (ps->tok.len > sizeof(uniq) - 1 &&
	    memcmp(ps->tok.s, uniq, sizeof(uniq) - 1) == 0) {
		if (!number(ps->tok.s + sizeof(uniq) - 1,
		    ps->tok.len - (sizeof(uniq) - 1), IPSEC_MANUAL_REQID_MAX,
		    &reqid) || reqid == 0)
			return EIPSEC_INVAL_LEVEL;
		rq->level = IPSEC_LEVEL_UNIQUE;
		rq->reqid = (uint16_t)reqid;
	} else if (lookup(ps, level_words, &level)) {
		rq->level = (uint8_t)level;
	} else {
		return EIPSEC_INVAL_LEVEL;
	}
	next(ps);
	return EIPSEC_NO_ERROR;
}

/*
 * Is the current token the level of this request, rather than the start
 * of the next one?  A request always starts "proto/", so a word followed
 * by anything but a slash is a level (or a bad one).
 */
static bool
at_level(const struct parser *ps)
{
	struct parser look = *ps;

	if (ps->tok.type != TOK_WORD)
		return false;
	next(&look);
	return look.tok.type != TOK_SLASH;
}

/* After "proto/mode/": the endpoints and the level, both optional. */
static int
parse_request_tail(struct parser *ps, struct request *rq)
{
	int error;

	if (ps->tok.type == TOK_END)
		return EIPSEC_FEW_ARGUMENTS;
	if (ps->tok.type != TOK_SLASH) {
		if ((error = parse_addrs(ps, rq)) != 0)
			return error;
		if (ps->tok.type != TOK_SLASH)
			return EIPSEC_NO_ERROR;
	}
	next(ps);
	if (at_level(ps))
		return parse_level(ps, rq);
	return EIPSEC_NO_ERROR;
}

static int
parse_request(struct parser *ps, struct request *rq)
{
	unsigned v;

	memset(rq, 0, sizeof(*rq));
	if (!lookup(ps, proto_words, &v))
		return EIPSEC_INVAL_PROTO;
	rq->proto = (uint16_t)v;
	next(ps);
	if (ps->tok.type != TOK_SLASH)
		return EIPSEC_FEW_ARGUMENTS;
	next(ps);
	if (ps->tok.type == TOK_END || ps->tok.type == TOK_SLASH)
		return EIPSEC_FEW_ARGUMENTS;
	if (!lookup(ps, mode_words, &v))
		return EIPSEC_INVAL_MODE;
	rq->mode = (uint8_t)v;
	next(ps);
	if (ps->tok.type != TOK_SLASH)
		return EIPSEC_FEW_ARGUMENTS;
	next(ps);
	return parse_request_tail(ps, rq);
}

/* Append one sadb_x_ipsecrequest, its endpoints and padding. */
static int
emit_request(struct parser *ps, const struct request *rq)
{
	static const uint8_t zero[8];
	struct sadb_x_ipsecrequest xisr;
	size_t slen = 0, dlen = 0, len;
	int error;

	if (rq->mode == IPSEC_MODE_TUNNEL && !rq->has_addrs)
		return EIPSEC_INVAL_ADDRESS;
	if (rq->has_addrs) {
		slen = pfkey_sockaddr_len((const struct sockaddr *)&rq->src);
		dlen = pfkey_sockaddr_len((const struct sockaddr *)&rq->dst);
	}
	len = sizeof(xisr) + slen + dlen;
	memset(&xisr, 0, sizeof(xisr));
	xisr.sadb_x_ipsecrequest_len = (uint16_t)PFKEY_ALIGN8(len);
	xisr.sadb_x_ipsecrequest_proto = rq->proto;
	xisr.sadb_x_ipsecrequest_mode = rq->mode;
	xisr.sadb_x_ipsecrequest_level = rq->level;
	xisr.sadb_x_ipsecrequest_reqid = rq->reqid;
	if ((error = append(ps, &xisr, sizeof(xisr))) != 0 ||
	    (error = append(ps, &rq->src, slen)) != 0 ||
	    (error = append(ps, &rq->dst, dlen)) != 0)
		return error;
	return append(ps, zero, PFKEY_ALIGN8(len) - len);
}

/* Direction, priority and action; the x_policy header goes out. */
static int
parse_head(struct parser *ps)
{
	struct sadb_x_policy xpl;
	uint32_t prio = 0;
	unsigned v;
	int error;

	next(ps);
	if (!lookup(ps, dir_words, &v))
		return EIPSEC_INVAL_DIR;
	ps->dir = (uint8_t)v;
	next(ps);
	if (tok_is(&ps->tok, "prio") || tok_is(&ps->tok, "priority")) {
		if ((error = parse_priority(ps, &prio)) != 0)
			return error;
		if (ps->tok.type == TOK_END)
			return EIPSEC_INVAL_POLICY;
	}
	if (ps->tok.type != TOK_END) {
		if (!lookup(ps, action_words, &v))
			return EIPSEC_INVAL_POLICY;
		ps->type = (uint16_t)v;
		next(ps);
	}
	memset(&xpl, 0, sizeof(xpl));
	xpl.sadb_x_policy_exttype = SADB_X_EXT_POLICY;
	xpl.sadb_x_policy_type = ps->type;
	xpl.sadb_x_policy_dir = ps->dir;
	xpl.sadb_x_policy_priority = prio;
	return append(ps, &xpl, sizeof(xpl));
}

static int
parse_policy(struct parser *ps)
{
	struct request rq;
	int error;

	if ((error = parse_head(ps)) != 0)
		return error;
	while (ps->tok.type != TOK_END) {
		if (ps->type != IPSEC_POLICY_IPSEC)
			return EIPSEC_INVAL_ARGUMENT;
		if ((error = parse_request(ps, &rq)) != 0 ||
		    (error = emit_request(ps, &rq)) != 0)
			return error;
	}
	((struct sadb_x_policy *)(void *)ps->buf)->sadb_x_policy_len =
	    (uint16_t)PFKEY_UNIT64(ps->len);
	return EIPSEC_NO_ERROR;
}

char *
ipsec_set_policy(const char *policy, int len)
{
	struct parser ps;
	char *str;
	size_t n;
	int error;

	if (policy == NULL || len < 0) {
		ipsec_errcode = EIPSEC_INVAL_ARGUMENT;
		return NULL;
	}
	n = strnlen(policy, (size_t)len);
	memset(&ps, 0, sizeof(ps));
	ps.cap = 64;
	str = malloc(n + 1);
	ps.buf = malloc(ps.cap);
	if (str == NULL || ps.buf == NULL) {
		free(str);
		free(ps.buf);
		ipsec_errcode = EIPSEC_NO_BUFS;
		return NULL;
	}
	memcpy(str, policy, n);
	str[n] = '\0';
	ps.p = str;
	error = parse_policy(&ps);
	free(str);
	if (error != EIPSEC_NO_ERROR) {
		free(ps.buf);
		ipsec_errcode = error;
		return NULL;
	}
	ipsec_errcode = EIPSEC_NO_ERROR;
	return (char *)ps.buf;
}

int
ipsec_get_policylen(const char *buf)
{
	const struct sadb_x_policy *xpl = (const void *)buf;

	if (buf == NULL) {
		ipsec_errcode = EIPSEC_INVAL_ARGUMENT;
		return -1;
	}
	ipsec_errcode = EIPSEC_NO_ERROR;
	return (int)PFKEY_UNUNIT64(xpl->sadb_x_policy_len);
}
