/*
 * What a setkey statement must satisfy beyond its grammar: the algorithms
 * a protocol takes, options that exclude each other, and key lengths as
 * the key engine (or, without one, the crypto registry) accepts them.
 * Every check runs before any message of the statement is sent.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include <netipsec/ipsec.h>

#include "lib/libipsec/setkey_parse.h"
#include "lib/libipsec/setkey_stmt.h"

struct checker {
	char		*why;
	size_t		 whylen;
	unsigned	*whyline;
};

static int
refuse(struct checker *c, unsigned line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->why, c->whylen, fmt, ap);
	va_end(ap);
	*c->whyline = line;
	return -1;
}

/* Which algorithm groups each SA type takes: required, allowed. */
#define ALG_E	0x1
#define ALG_A	0x2
#define ALG_C	0x4

static const struct {
	uint8_t		 satype;
	unsigned	 required;
	unsigned	 allowed;
	const char	*name;
} satype_algs[] = {
	{ SADB_SATYPE_ESP,		ALG_E, ALG_E | ALG_A, "esp" },
	{ SADB_SATYPE_AH,		ALG_A, ALG_A,	      "ah" },
	{ SADB_X_SATYPE_IPCOMP,		ALG_C, ALG_C,	      "ipcomp" },
	{ SADB_X_SATYPE_TCPSIGNATURE,	ALG_A, ALG_A,	      "tcp" },
};

static int
check_groups(struct checker *c, const struct setkey_stmt *st)
{
	unsigned given = 0, i;

	for (i = 0; i < sizeof(satype_algs) / sizeof(satype_algs[0]); i++)
		if (satype_algs[i].satype == st->satype)
			break;
	if (i == sizeof(satype_algs) / sizeof(satype_algs[0]))
		return refuse(c, st->line, "unknown SA type");
	given |= st->enc.alg != NULL ? ALG_E : 0;
	given |= st->auth.alg != NULL ? ALG_A : 0;
	given |= st->comp.alg != NULL ? ALG_C : 0;
	if (given & ~satype_algs[i].allowed)
		return refuse(c, st->line, "%s takes no %s algorithm",
		    satype_algs[i].name, (given & ~satype_algs[i].allowed &
		    ALG_E) ? "encryption" : (given & ~satype_algs[i].allowed &
		    ALG_A) ? "authentication" : "compression");
	if ((given & satype_algs[i].required) != satype_algs[i].required)
		return refuse(c, st->line, "%s needs %s algorithm",
		    satype_algs[i].name, satype_algs[i].required == ALG_E ?
		    "an encryption (-E)" : satype_algs[i].required == ALG_A ?
		    "an authentication (-A)" : "a compression (-C)");
	return 0;
}

static int
check_options(struct checker *c, const struct setkey_stmt *st)
{
	bool old = (st->saflags & SADB_X_EXT_OLD) != 0;

	if (old && st->auth.alg != NULL && st->satype == SADB_SATYPE_ESP)
		return refuse(c, st->line, "esp-old takes no authentication");
	if (old && st->replay != 0)
		return refuse(c, st->line, "old protocols have no replay "
		    "window (-r)");
	if (st->enc.alg != NULL && st->auth.alg != NULL &&
	    (st->enc.alg->mode == CRYPTO_MODE_AEAD ||
	    st->enc.alg->mode == CRYPTO_MODE_GMAC))
		return refuse(c, st->auth.line, "%s authenticates itself: "
		    "no -A with it", st->enc.name);
	if ((st->saflags & SADB_X_EXT_RAWCPI) &&
	    st->satype != SADB_X_SATYPE_IPCOMP)
		return refuse(c, st->line, "-R is for ipcomp only");
	if (st->satype == SADB_X_SATYPE_IPCOMP && st->spi > 0xffff)
		return refuse(c, st->line, "an IPComp CPI has 16 bits");
	if ((st->natt || st->espudp || st->natt_mtu >= 0) &&
	    st->satype != SADB_SATYPE_ESP)
		return refuse(c, st->line, "NAT-T is for ESP only");
	if (st->natt && st->espudp)
		return refuse(c, st->line, "esp-udp and -natt together");
	return 0;
}

static int
check_key(struct checker *c, const struct setkey_keyspec *k,
    enum crypto_kind kind,
    int (*check)(void *, enum crypto_kind, unsigned, unsigned), void *arg)
{
	unsigned bits = (unsigned)k->keylen * 8;
	int error;

	if (k->alg == NULL)
		return 0;
	error = check(arg, kind, k->alg->sadb_id, bits);
	if (error == ENOENT)
		return refuse(c, k->line, "unsupported algorithm %s", k->name);
	if (error != 0)
		return refuse(c, k->line, "invalid key length %u bits for %s",
		    bits, k->name);
	return 0;
}

int
setkey_stmt_check(const struct setkey_stmt *st,
    int (*check)(void *, enum crypto_kind, unsigned, unsigned), void *arg,
    char *why, size_t whylen, unsigned *whyline)
{
	struct checker c = { why, whylen, whyline };

	if (check == NULL)
		check = setkey_registry_check;
	if (!(st->desc->parts & SETKEY_S_ALGS))
		return 0;
	if (check_groups(&c, st) != 0 || check_options(&c, st) != 0)
		return -1;
	if (check_key(&c, &st->enc, CRYPTO_KIND_ENC, check, arg) != 0 ||
	    check_key(&c, &st->auth, CRYPTO_KIND_AUTH, check, arg) != 0 ||
	    check_key(&c, &st->comp, CRYPTO_KIND_COMP, check, arg) != 0)
		return -1;
	return 0;
}

int
setkey_registry_check(void *arg, enum crypto_kind kind, unsigned id,
    unsigned bits)
{
	const struct crypto_alg *alg = crypto_alg_byid(kind, id);

	(void)arg;
	if (alg == NULL)
		return ENOENT;
	if (kind == CRYPTO_KIND_COMP)
		return 0;
	return crypto_alg_keylen_ok(alg, bits) ? 0 : EINVAL;
}
