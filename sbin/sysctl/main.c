/*
 * sysctl: read and set the socket manager's MIB over DIR/ctl, in the
 * manner of BSD sysctl(8).  Names outside that MIB go to the system's own
 * sysctl (procps), so this program may stand first on PATH.
 *
 * Every write of one invocation, from the arguments or a -f file, is sent
 * in one request that the socket manager applies all or nothing, so an
 * unknown name, a bad or out-of-range value, a read-only node or a
 * refused peer changes nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sbin/sysctl/sysctl.h"
#include "sys/net/mib_client.h"

static const char *const system_sysctl[] = {
	"/usr/sbin/sysctl", "/sbin/sysctl", NULL
};

/* The trees this MIB owns: unknown names below them are ours to refuse. */
static const char *const our_trees[] = {
	"net.inet.ipsec", "net.inet6.ipsec6", "net.key", "net.inet.esp",
	"net.inet.ah", "net.inet.ipcomp",
};

static bool	 opt_all, opt_descr, opt_value_only, opt_write;
static int	 ctl_fd = -1, ctl_errno;
static char	 ctl_path[128];
static char	 reply_buf[MIB_PROTO_MAX + 1];
static struct sysctl_items items;

static void
usage(void)
{
	fprintf(stderr, "usage: sysctl [-dn] [-w] name[=value] ...\n"
	    "       sysctl [-dn] -a\n"
	    "       sysctl [-n] -f file\n");
	exit(1);
}

static bool
in_our_tree(const char *name)
{
	size_t i, len;

	for (i = 0; i < sizeof(our_trees) / sizeof(our_trees[0]); i++) {
		len = strlen(our_trees[i]);
		if (strncmp(name, our_trees[i], len) == 0 &&
		    (name[len] == '\0' || name[len] == '.'))
			return true;
	}
	return false;
}

/* " at line N" for items of a -f file. */
static const char *
where(const struct sysctl_item *it)
{
	static char buf[32];

	if (it->line == 0)
		return "";
	snprintf(buf, sizeof(buf), " at line %d", it->line);
	return buf;
}

/* The node line is about name itself, not something below it. */
static bool
exact(const char *line, const char *name)
{
	size_t len = strlen(name);

	return strncmp(line, name, len) == 0 && line[len] == '\t';
}

/* One request; a broken exchange ends the program. */
static struct mib_reply
call(const char *req)
{
	struct mib_reply r;

	if (mib_client_call(ctl_fd, req, reply_buf, sizeof(reply_buf),
	    &r) != 0) {
		fprintf(stderr, "sysctl: %s: %s\n", ctl_path, strerror(errno));
		exit(1);
	}
	return r;
}

/*
 * Whether the item is ours, and what it is: a number of the reply's
 * second field.  An unreachable socket manager is fatal for names in its
 * trees and sends the others to the system.
 */
static int
classify(struct sysctl_item *it)
{
	char req[MIB_NAME_MAX + 8];
	struct mib_reply r;

	if (ctl_fd < 0) {
		if (!in_our_tree(it->name) && *it->name != '\0')
			return 0;
		fprintf(stderr, "sysctl: %s: %s\n", ctl_path,
		    strerror(ctl_errno));
		exit(1);
	}
	snprintf(req, sizeof(req), "get %s", it->name);
	r = call(req);
	if (r.status == ENOENT && !in_our_tree(it->name))
		return 0;
	it->ours = true;
	if (r.status != 0) {
		fprintf(stderr, "sysctl: unknown oid '%s'%s\n", it->name,
		    where(it));
		it->failed = true;
		return -1;
	}
	it->stats = exact(r.body, it->name) &&
	    strncmp(r.body + strlen(it->name), "\tstats\t", 7) == 0;
	return 0;
}

/* Checks sysctl makes before asking: writable, a number. */
static int
check_write(const struct sysctl_item *it)
{
	int v;

	if (it->stats || *it->name == '\0') {
		fprintf(stderr, "sysctl: oid '%s' is read only%s\n", it->name,
		    where(it));
		return -1;
	}
	if (mib_parse_int(it->value, &v) != 0) {
		fprintf(stderr, "sysctl: invalid integer '%s'%s\n", it->value,
		    where(it));
		return -1;
	}
	return 0;
}

static const struct sysctl_item *
item_named(const char *text)
{
	int i;

	for (i = 0; i < items.n; i++)
		if (items.v[i].ours && items.v[i].value != NULL &&
		    strcmp(items.v[i].text, text) == 0)
			return &items.v[i];
	return NULL;
}

static void
write_error(const struct mib_reply *r)
{
	const struct sysctl_item *it = item_named(r->word);
	const char *w = it != NULL ? where(it) : "";

	if (r->status == ENOENT)
		fprintf(stderr, "sysctl: unknown oid '%.*s'%s\n",
		    (int)strcspn(r->word, "="), r->word, w);
	else if (r->status == EROFS)
		fprintf(stderr, "sysctl: oid '%.*s' is read only%s\n",
		    (int)strcspn(r->word, "="), r->word, w);
	else
		fprintf(stderr, "sysctl: %s: %s%s\n", r->word,
		    strerror(r->status), w);
}

/* All our writes in one request; the reply's lines are kept in *out. */
static int
send_writes(char **out)
{
	static char req[MIB_PROTO_MAX];
	struct mib_reply r;
	size_t len = 3;
	int i;

	memcpy(req, "set", 4);
	for (i = 0; i < items.n; i++) {
		if (!items.v[i].ours || items.v[i].value == NULL)
			continue;
		if (len + strlen(items.v[i].text) + 2 > sizeof(req)) {
			fprintf(stderr, "sysctl: too many settings\n");
			return -1;
		}
		len += (size_t)sprintf(req + len, " %s", items.v[i].text);
	}
	*out = NULL;
	if (len == 3)
		return 0;
	r = call(req);
	if (r.status != 0) {
		write_error(&r);
		return -1;
	}
	if ((*out = strdup(r.body)) == NULL) {
		perror("sysctl");
		exit(1);
	}
	return 0;
}

/* One node line of a get reply. */
static void
print_node(char *line, bool listing)
{
	char *f[8], *save = NULL;
	int n;

	for (n = 0; n < 8; n++)
		if ((f[n] = strtok_r(n == 0 ? line : NULL, "\t", &save)) ==
		    NULL)
			return;
	if (opt_descr)
		printf("%s: %s\n", f[0], f[7]);
	else if (strcmp(f[1], "stats") != 0) {
		if (opt_value_only)
			printf("%s\n", f[6]);
		else
			printf("%s: %s\n", f[0], f[6]);
	} else if (!listing) {
		char req[MIB_NAME_MAX + 8], *c, *sp;
		struct mib_reply r;

		snprintf(req, sizeof(req), "stats %s", f[0]);
		r = call(req);
		for (c = strtok_r(r.body, "\n", &save); c != NULL;
		    c = strtok_r(NULL, "\n", &save)) {
			if ((sp = strchr(c, ' ')) == NULL)
				continue;
			*sp = '\0';
			if (opt_value_only)
				printf("%s\n", sp + 1);
			else
				printf("%s.%s: %s\n", f[0], c, sp + 1);
		}
	}
}

static int
print_read(const struct sysctl_item *it)
{
	char req[MIB_NAME_MAX + 8], *body, *line, *save;
	struct mib_reply r;

	snprintf(req, sizeof(req), "get %s", it->name);
	r = call(req);
	if (r.status != 0) {
		fprintf(stderr, "sysctl: unknown oid '%s'\n", it->name);
		return -1;
	}
	if ((body = strdup(r.body)) == NULL) {
		perror("sysctl");
		exit(1);
	}
	for (line = strtok_r(body, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		print_node(line, !exact(line, it->name));
	free(body);
	return 0;
}

/* "name TAB old TAB new" lines of the set reply, in item order. */
static void
print_write(char **lines)
{
	char *line = strtok_r(NULL, "\n", lines), *t1, *t2;

	if (line == NULL || (t1 = strchr(line, '\t')) == NULL ||
	    (t2 = strchr(t1 + 1, '\t')) == NULL)
		return;
	*t1 = *t2 = '\0';
	if (opt_value_only)
		printf("%s -> %s\n", t1 + 1, t2 + 1);
	else
		printf("%s: %s -> %s\n", line, t1 + 1, t2 + 1);
}

/* What is not ours goes to the system's sysctl, with our flags. */
static int
run_system(void)
{
	char *argv[SYSCTL_ITEMS_MAX + 8];
	int argc = 0, i, rc;

	argv[argc++] = "sysctl";
	if (opt_value_only)
		argv[argc++] = "-n";
	if (opt_write)
		argv[argc++] = "-w";
	for (i = 0; i < items.n; i++)
		if (!items.v[i].ours && *items.v[i].name != '\0')
			argv[argc++] = (char *)items.v[i].text;
	if (opt_all)
		argv[argc++] = "-a";
	if (argc == 1 + opt_value_only + opt_write)
		return 0;
	argv[argc] = NULL;
	rc = mib_client_run_system(system_sysctl, argv);
	if (rc < 0) {
		for (i = 1; i < argc; i++)
			if (argv[i][0] != '-')
				fprintf(stderr, "sysctl: unknown oid '%s' (no "
				    "system sysctl to ask)\n", argv[i]);
		return 1;
	}
	return rc;
}

static void
parse_options(int argc, char **argv)
{
	int ch;

	while ((ch = getopt(argc, argv, "adf:hnNw")) != -1) {
		switch (ch) {
		case 'a':
			opt_all = true;
			break;
		case 'd':
			opt_descr = true;
			break;
		case 'f':
			if (sysctl_file_read(&items, optarg) != 0)
				exit(1);
			break;
		case 'n':
			opt_value_only = true;
			break;
		case 'w':
			opt_write = true;
			break;
		default:
			usage();
		}
	}
	for (; optind < argc; optind++)
		if (sysctl_item_add(&items, argv[optind], 0) != 0)
			exit(1);
	if (opt_all && sysctl_item_add(&items, "", 0) != 0)
		exit(1);
	if (items.n == 0)
		usage();
}

int
main(int argc, char **argv)
{
	char *set_lines, *save = NULL;
	int i, rc = 0, bad_writes = 0;

	parse_options(argc, argv);
	if ((ctl_fd = mib_client_open(ctl_path, sizeof(ctl_path))) < 0)
		ctl_errno = errno;
	for (i = 0; i < items.n; i++) {
		if (classify(&items.v[i]) != 0) {
			rc = 1;
			bad_writes += items.v[i].value != NULL;
		} else if (items.v[i].ours && items.v[i].value != NULL &&
		    check_write(&items.v[i]) != 0) {
			rc = 1;
			bad_writes++;
		}
	}
	if (bad_writes > 0 || send_writes(&set_lines) != 0)
		return 1;
	save = set_lines;
	for (i = 0; i < items.n; i++) {
		if (!items.v[i].ours || items.v[i].failed)
			continue;
		if (items.v[i].value != NULL)
			print_write(&save);
		else if (print_read(&items.v[i]) != 0)
			rc = 1;
	}
	free(set_lines);
	if (run_system() != 0)
		rc = 1;
	return rc;
}
