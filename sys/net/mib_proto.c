/*
 * The server side of the control protocol (see mib_proto.h): parse one
 * request, run it against the MIB, write the reply.  Writes are checked
 * whole before anything is stored, so a request with one bad item changes
 * nothing.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "sys/net/mib.h"
#include "sys/net/mib_proto.h"
#include "sys/net/net_tunable.h"

struct reply {
	char	*buf;
	size_t	 cap, len;
	bool	 overflow;
};

struct request {
	char	*word[MIB_PROTO_ITEMS];
	size_t	 nwords;		/* after the verb */
	uid_t	 uid;
};

static void put(struct reply *r, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

static void
put(struct reply *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (r->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(r->buf + r->len, r->cap - r->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= r->cap - r->len)
		r->overflow = true;
	else
		r->len += (size_t)n;
}

/* Start again with a status line "error word". */
static int
fail(struct reply *r, int error, const char *word)
{
	r->len = 0;
	r->overflow = false;
	put(r, "%d %s\n", error, word);
	return error;
}

static void
put_node(struct reply *r, const struct mib_node *n, const char *spelling)
{
	if (n->kind == MIB_STATS) {
		put(r, "%s\tstats\tro\t-\t-\t-\t-\t%s\n", spelling, n->descr);
		return;
	}
	put(r, "%s\tint\t%s\t%d\t%d\t%d\t%d\t%s\n", spelling,
	    n->writable ? "rw" : "ro", n->min, n->max, n->def,
	    net_tunable_get(n->var), n->descr);
}

static int
visit_node(const struct mib_node *n, void *arg)
{
	put_node(arg, n, n->name);
	return 0;
}

static int
do_get(struct request *q, struct reply *r)
{
	const struct mib_node *n;
	const char *name = q->nwords > 0 ? q->word[0] : "";

	if (q->nwords > 1)
		return fail(r, EINVAL, q->word[1]);
	put(r, "0\n");
	if ((n = mib_lookup(name)) != NULL)
		put_node(r, n, name);
	else if (mib_walk(name, visit_node, r) == 0)
		return fail(r, ENOENT, name);
	return 0;
}

/* The node and value of one N=V item, checked as the request is. */
static int
check_item(const struct request *q, char *item, const struct mib_node **np,
    int *vp)
{
	char *eq = strchr(item, '=');
	int error;

	if (eq == NULL)
		return EINVAL;
	*eq = '\0';
	if ((*np = mib_lookup(item)) == NULL)
		error = ENOENT;
	else if ((*np)->kind != MIB_INT || !(*np)->writable)
		error = EROFS;
	else if (q->uid != 0)
		error = EPERM;
	else if (mib_parse_int(eq + 1, vp) != 0)
		error = EINVAL;
	else
		error = mib_check(*np, *vp);
	*eq = '=';
	return error;
}

static int
do_set(struct request *q, struct reply *r)
{
	const struct mib_node *node[MIB_PROTO_ITEMS];
	int value[MIB_PROTO_ITEMS], old, error;
	size_t i;

	if (q->nwords == 0)
		return fail(r, EINVAL, "set");
	for (i = 0; i < q->nwords; i++)
		if ((error = check_item(q, q->word[i], &node[i],
		    &value[i])) != 0)
			return fail(r, error, q->word[i]);
	put(r, "0\n");
	for (i = 0; i < q->nwords; i++) {
		old = net_tunable_get(node[i]->var);
		mib_set(node[i], value[i]);
		*strchr(q->word[i], '=') = '\0';
		put(r, "%s\t%d\t%d\n", q->word[i], old, value[i]);
	}
	return 0;
}

static void
put_counter(void *arg, const char *name, int index, uint64_t value)
{
	if (index < 0)
		put(arg, "%s %llu\n", name, (unsigned long long)value);
	else
		put(arg, "%s[%d] %llu\n", name, index,
		    (unsigned long long)value);
}

static int
do_stats(struct request *q, struct reply *r)
{
	const struct mib_node *n;

	if (q->nwords != 1)
		return fail(r, EINVAL, "stats");
	if ((n = mib_lookup(q->word[0])) == NULL)
		return fail(r, ENOENT, q->word[0]);
	if (n->kind != MIB_STATS)
		return fail(r, EINVAL, q->word[0]);
	put(r, "0\n");
	n->stats->walk(n->stats->ctx, put_counter, r);
	return 0;
}

static int
do_zero(struct request *q, struct reply *r)
{
	const struct mib_node *node[MIB_PROTO_ITEMS];
	size_t i;

	if (q->nwords == 0)
		return fail(r, EINVAL, "zero");
	for (i = 0; i < q->nwords; i++) {
		if ((node[i] = mib_lookup(q->word[i])) == NULL)
			return fail(r, ENOENT, q->word[i]);
		if (node[i]->kind != MIB_STATS)
			return fail(r, EROFS, q->word[i]);
		if (q->uid != 0)
			return fail(r, EPERM, q->word[i]);
	}
	for (i = 0; i < q->nwords; i++)
		mib_zero(node[i]);
	put(r, "0\n");
	return 0;
}

static const struct verb {
	const char	*name;
	int		(*run)(struct request *, struct reply *);
} verbs[] = {
	{ "get", do_get },
	{ "set", do_set },
	{ "stats", do_stats },
	{ "zero", do_zero },
};

/*
 * Split the request in place into the verb, found in verbs[], and the
 * words after it: 0, EINVAL (empty or too many words) or EOPNOTSUPP.
 */
static int
parse(char *text, struct request *q, const struct verb **vp)
{
	char *save, *verb, *w;
	size_t i;

	q->nwords = 0;
	if ((verb = strtok_r(text, " \n", &save)) == NULL)
		return EINVAL;
	while ((w = strtok_r(NULL, " \n", &save)) != NULL) {
		if (q->nwords == MIB_PROTO_ITEMS)
			return EINVAL;
		q->word[q->nwords++] = w;
	}
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(verbs[i].name, verb) == 0) {
			*vp = &verbs[i];
			return 0;
		}
	return EOPNOTSUPP;
}

size_t
mib_proto_serve(const char *req, size_t len, uid_t uid, char *out,
    size_t cap)
{
	static char text[MIB_PROTO_MAX + 1];
	struct reply r = { out, cap, 0, false };
	struct request q;
	const struct verb *v = NULL;
	int error;

	q.uid = uid;
	if (len > MIB_PROTO_MAX || memchr(req, '\0', len) != NULL) {
		fail(&r, EINVAL, "request");
		return r.len;
	}
	memcpy(text, req, len);
	text[len] = '\0';
	if ((error = parse(text, &q, &v)) != 0)
		fail(&r, error, error == EINVAL ? "request" : text);
	else if (v->run(&q, &r) == 0 && r.overflow)
		fail(&r, EMSGSIZE, v->name);
	return r.len;
}
