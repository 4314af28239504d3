/*
 * Arguments and -f files into items.  A file's lines are kept for the
 * life of the program, since items point into them.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sbin/sysctl/sysctl.h"

int
sysctl_item_add(struct sysctl_items *items, const char *text, int line)
{
	struct sysctl_item *it;
	const char *eq = strchr(text, '=');
	size_t len = eq != NULL ? (size_t)(eq - text) : strlen(text);

	if (items->n == SYSCTL_ITEMS_MAX) {
		fprintf(stderr, "sysctl: more than %d names\n",
		    SYSCTL_ITEMS_MAX);
		return -1;
	}
	if (len >= MIB_NAME_MAX || (len == 0 && eq != NULL)) {
		fprintf(stderr, "sysctl: unknown oid '%.*s'\n", (int)len, text);
		return -1;
	}
	it = &items->v[items->n++];
	memset(it, 0, sizeof(*it));
	memcpy(it->name, text, len);
	it->name[len] = '\0';
	it->value = eq != NULL ? eq + 1 : NULL;
	it->text = text;
	it->line = line;
	return 0;
}

/* Cut blanks from both ends of s in place. */
static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* One line: "name = value" becomes "name=value" in place. */
static char *
setting(char *line)
{
	char *eq, *name, *value;
	size_t nlen, vlen;

	if ((eq = strchr(line, '=')) == NULL)
		return NULL;
	*eq = '\0';
	name = trim(line);
	value = trim(eq + 1);
	nlen = strlen(name);
	vlen = strlen(value);
	if (nlen == 0 || vlen == 0)
		return NULL;
	memmove(line, name, nlen);
	line[nlen] = '=';
	memmove(line + nlen + 1, value, vlen + 1);
	return line;
}

int
sysctl_file_read(struct sysctl_items *items, const char *path)
{
	FILE *f;
	char *line = NULL, *s, *hash, *copy;
	size_t cap = 0;
	int n = 0, start = items->n, rc = 0;

	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "sysctl: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (rc == 0 && getline(&line, &cap, f) >= 0) {
		n++;
		if ((hash = strchr(line, '#')) != NULL)
			*hash = '\0';
		s = trim(line);
		if (*s == '\0')
			continue;
		if ((copy = strdup(s)) == NULL || setting(copy) == NULL) {
			fprintf(stderr, "sysctl: %s: line %d: expected "
			    "name=value, got '%s'\n", path, n, s);
			free(copy);
			rc = -1;
		} else if (sysctl_item_add(items, copy, n) != 0)
			rc = -1;
	}
	free(line);
	fclose(f);
	if (rc != 0)
		items->n = start;
	return rc;
}
