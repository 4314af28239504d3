/*
 * Running a setkey script: statement by statement, parse, check, resolve
 * the addresses, build every message, and only then hand them over.  A
 * malformed statement ends the run with "line N: WHAT at [TOKEN]" and
 * "parse failed, line N."; a refused message is counted and the run goes
 * on.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "lib/libipsec/setkey_parse.h"
#include "lib/libipsec/setkey_stmt.h"

#define SETKEY_FILE_MAX		(16u << 20)	/* bytes of one script */

/* Everything one statement needs, on the heap (keys, addresses). */
struct stmt_work {
	struct setkey_stmt	 st;
	struct sockaddr_storage	 src[SETKEY_MSGS_MAX];
	struct sockaddr_storage	 dst[SETKEY_MSGS_MAX];
	struct key_buf		 msgs[SETKEY_MSGS_MAX];
	unsigned		 nmsgs;
	char			 why[512];
};

void
setkey_env_init(struct setkey_env *env)
{
	memset(env, 0, sizeof(*env));
}

static FILE *
err_stream(const struct setkey_env *env)
{
	return env->err != NULL ? env->err : stderr;
}

static void
report(struct setkey_env *env, unsigned line, const char *why,
    const char *token)
{
	FILE *f = err_stream(env);

	if (env->fname != NULL)
		fprintf(f, "%s: ", env->fname);
	if (token != NULL)
		fprintf(f, "line %u: %s at [%s]\n", line, why, token);
	else
		fprintf(f, "line %u: %s\n", line, why);
	fprintf(f, "parse failed, line %u.\n", line);
	env->parse_error = true;
}

static void
free_msgs(struct stmt_work *w)
{
	unsigned i;

	for (i = 0; i < w->nmsgs; i++)
		key_buf_free(&w->msgs[i]);
	w->nmsgs = 0;
}

static bool
prefix_fits(const struct setkey_stmt *st, const struct sockaddr_storage *s,
    const struct sockaddr_storage *d)
{
	int smax = s->ss_family == AF_INET ? 32 : 128;
	int dmax = d->ss_family == AF_INET ? 32 : 128;

	return st->src.plen <= smax && st->dst.plen <= dmax;
}

/* One message per src x dst pair of one family. */
static int
build_all(struct setkey_env *env, struct stmt_work *w)
{
	const struct setkey_stmt *st = &w->st;
	bool numeric = st->numeric || (env->flags & SETKEY_F_NUMERIC);
	uint32_t pid = env->pid != 0 ? env->pid : (uint32_t)getpid();
	int ns = 1, nd = 1, i, j;

	if (st->src.given &&
	    ((ns = setkey_addr_resolve(&st->src, st->family, numeric, w->src,
	    SETKEY_MSGS_MAX, w->why, sizeof(w->why))) < 0 ||
	    (nd = setkey_addr_resolve(&st->dst, st->family, numeric, w->dst,
	    SETKEY_MSGS_MAX, w->why, sizeof(w->why))) < 0))
		return -1;
	for (i = 0; i < ns; i++)
		for (j = 0; j < nd; j++) {
			if (st->src.given &&
			    w->src[i].ss_family != w->dst[j].ss_family)
				continue;
			if (st->src.given && !prefix_fits(st, &w->src[i],
			    &w->dst[j])) {
				snprintf(w->why, sizeof(w->why),
				    "invalid prefix length");
				return -1;
			}
			if (w->nmsgs == SETKEY_MSGS_MAX) {
				snprintf(w->why, sizeof(w->why),
				    "too many address pairs");
				return -1;
			}
			key_buf_init_dynamic(&w->msgs[w->nmsgs]);
			setkey_msg_build(st, st->src.given ?
			    (struct sockaddr *)&w->src[i] : NULL,
			    st->src.given ? (struct sockaddr *)&w->dst[j] :
			    NULL, pid, &w->msgs[w->nmsgs]);
			if (key_build_end(&w->msgs[w->nmsgs++]) != 0) {
				snprintf(w->why, sizeof(w->why),
				    "message too large");
				return -1;
			}
		}
	if (w->nmsgs == 0) {
		snprintf(w->why, sizeof(w->why),
		    "source and destination of different families");
		return -1;
	}
	return 0;
}

/* Hand the statement's messages over; 0 when all of them worked. */
static int
deliver(struct setkey_env *env, struct stmt_work *w)
{
	struct setkey_request req;
	int failed = 0;
	unsigned i;

	for (i = 0; i < w->nmsgs; i++) {
		req.line = w->st.line;
		req.stmt = w->st.desc->name;
		req.msg = key_buf_data(&w->msgs[i]);
		req.len = key_buf_len(&w->msgs[i]);
		req.index = i;
		req.count = w->nmsgs;
		if (env->send != NULL && env->send(env->arg, &req) != 0)
			failed = -1;
	}
	return failed;
}

/* Parse, check, build and deliver the statement at the current token. */
static int
statement(struct setkey_env *env, struct setkey_lex *lx, struct stmt_work *w)
{
	unsigned whyline;

	setkey_stmt_init(&w->st);
	if (setkey_stmt_parse(lx, &w->st, w->why, sizeof(w->why)) != 0) {
		/* A lexer error says all; there is no token to show. */
		report(env, lx->tokline, w->why, lx->tok == SETKEY_TOK_ERROR ?
		    NULL : setkey_lex_shown(lx));
		return -1;
	}
	if (w->st.desc->parts & SETKEY_S_QUIT) {
		env->quit = true;
		return 0;
	}
	if (setkey_stmt_check(&w->st, env->alg_check, env->arg, w->why,
	    sizeof(w->why), &whyline) != 0) {
		report(env, whyline, w->why, NULL);
		return -1;
	}
	if (build_all(env, w) != 0) {
		report(env, w->st.line, w->why, NULL);
		return -1;
	}
	if (w->st.desc->type == SADB_DELETE && w->st.mode_given &&
	    !(env->flags & SETKEY_F_QUIET))
		fprintf(err_stream(env), "WARNING: mode is obsolete.\n");
	env->nstmts++;
	if (deliver(env, w) != 0)
		env->nfailed++;
	return 0;
}

static unsigned
count_lines(const char *text, size_t len)
{
	unsigned n = 0;

	while (len-- > 0)
		n += *text++ == '\n';
	return n;
}

int
setkey_run(struct setkey_env *env, const char *text, size_t len)
{
	struct setkey_lex *lx;
	struct stmt_work *w;
	unsigned failed0 = env->nfailed;
	int rv = 0;

	lx = malloc(sizeof(*lx));
	w = calloc(1, sizeof(*w));
	if (lx == NULL || w == NULL) {
		free(lx);
		free(w);
		fprintf(err_stream(env), "setkey: out of memory\n");
		env->parse_error = true;
		return -1;
	}
	setkey_lex_init(lx, text, len, env->line + 1);
	while (rv == 0 && !env->quit) {
		setkey_lex_next(lx);
		if (lx->tok == SETKEY_TOK_EOF)
			break;
		if (lx->tok == SETKEY_TOK_SEMI)
			continue;
		if (lx->tok == SETKEY_TOK_ERROR) {
			report(env, lx->tokline, lx->text, NULL);
			rv = -1;
			break;
		}
		rv = statement(env, lx, w);
		free_msgs(w);
		setkey_stmt_clear(&w->st);
	}
	env->line += count_lines(text, len);
	free(lx);
	OPENSSL_cleanse(w, sizeof(*w));
	free(w);
	return rv == 0 && env->nfailed == failed0 ? 0 : -1;
}

int
setkey_run_file(struct setkey_env *env, FILE *fp)
{
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	int rv;

	for (;;) {
		if (cap - len < 4096) {
			char *nb;

			if (cap >= SETKEY_FILE_MAX ||
			    (nb = realloc(buf, cap + 65536)) == NULL) {
				fprintf(err_stream(env), "setkey: %s\n",
				    cap >= SETKEY_FILE_MAX ? "script too large"
				    : strerror(ENOMEM));
				free(buf);
				env->parse_error = true;
				return -1;
			}
			buf = nb;
			cap += 65536;
		}
		n = fread(buf + len, 1, cap - len, fp);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(fp)) {
		fprintf(err_stream(env), "setkey: read error\n");
		free(buf);
		env->parse_error = true;
		return -1;
	}
	rv = setkey_run(env, buf != NULL ? buf : "", len);
	OPENSSL_cleanse(buf, cap);
	free(buf);
	return rv;
}
