/*
 * The MIB registry (see mib.h).  A handful of tables of a few dozen nodes:
 * a linear search is cheaper than any index would be to keep, and lookups
 * happen per sysctl request, never per packet.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "sys/net/mib.h"
#include "sys/net/net_tunable.h"

struct mib_table {
	const struct mib_node	*nodes;
	size_t			 n;
};

static struct mib_table	tables[MIB_TABLES_MAX];
static size_t		ntables;

int
mib_register(const struct mib_node *tab, size_t n)
{
	size_t i;

	if (ntables == MIB_TABLES_MAX) {
		errno = ENOSPC;
		return -1;
	}
	for (i = 0; i < n; i++)
		if (mib_lookup(tab[i].name) != NULL ||
		    (tab[i].alias != NULL &&
		    mib_lookup(tab[i].alias) != NULL)) {
			errno = EEXIST;
			return -1;
		}
	tables[ntables].nodes = tab;
	tables[ntables].n = n;
	ntables++;
	return 0;
}

void
mib_unregister_all(void)
{
	ntables = 0;
}

const struct mib_node *
mib_lookup(const char *name)
{
	const struct mib_node *node;
	size_t t, i;

	for (t = 0; t < ntables; t++)
		for (i = 0; i < tables[t].n; i++) {
			node = &tables[t].nodes[i];
			if (strcmp(node->name, name) == 0 ||
			    (node->alias != NULL &&
			    strcmp(node->alias, name) == 0))
				return node;
		}
	return NULL;
}

/* name is prefix itself or lies below it, component by component. */
static bool
below(const char *name, const char *prefix)
{
	size_t len = strlen(prefix);

	if (len == 0)
		return true;
	return strncmp(name, prefix, len) == 0 &&
	    (name[len] == '\0' || name[len] == '.');
}

size_t
mib_walk(const char *prefix, mib_visit_fn fn, void *arg)
{
	size_t t, i, visited = 0;

	for (t = 0; t < ntables; t++)
		for (i = 0; i < tables[t].n; i++) {
			if (!below(tables[t].nodes[i].name, prefix))
				continue;
			visited++;
			if (fn(&tables[t].nodes[i], arg) != 0)
				return visited;
		}
	return visited;
}

int
mib_parse_int(const char *s, int *value)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0' || *s == ' ' || *s == '\t' || *s == '+')
		goto bad;
	errno = 0;
	v = strtol(s, &end, 0);
	if (errno != 0 || *end != '\0' || v < INT_MIN || v > INT_MAX)
		goto bad;
	*value = (int)v;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

int
mib_check(const struct mib_node *node, int value)
{
	if (node->kind != MIB_INT || !node->writable)
		return EROFS;
	if (value < node->min || value > node->max)
		return EINVAL;
	return 0;
}

int
mib_set(const struct mib_node *node, int value)
{
	int error;

	if ((error = mib_check(node, value)) != 0)
		return error;
	net_tunable_set(node->var, value);
	return 0;
}

int
mib_set_string(const char *name, const char *value)
{
	const struct mib_node *node;
	int v;

	if ((node = mib_lookup(name)) == NULL)
		return ENOENT;
	if (node->kind != MIB_INT || !node->writable)
		return EROFS;
	if (mib_parse_int(value, &v) != 0)
		return EINVAL;
	return mib_set(node, v);
}

int
mib_zero(const struct mib_node *node)
{
	if (node->kind != MIB_STATS)
		return EROFS;
	node->stats->reset(node->stats->ctx);
	return 0;
}

void
mib_reset_defaults(const struct mib_node *tab, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (tab[i].kind == MIB_INT)
			net_tunable_set(tab[i].var, tab[i].def);
}
