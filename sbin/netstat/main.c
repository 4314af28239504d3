/*
 * netstat -s [-p ipsec|ipsec6|esp|ah|ipcomp|pfkey] [-z] [-j | --libxo
 * json]: the socket manager's IPsec statistics as FreeBSD's and KAME's
 * netstat print them, read over DIR/ctl.  Any other use goes to the
 * system's netstat.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/libipsec/ipsec_netstat.h"
#include "sys/net/mib.h"
#include "sys/net/mib_client.h"
#include "sys/net/mib_proto.h"

static const char *const system_netstat[] = {
	"/usr/bin/netstat", "/bin/netstat", NULL
};

struct options {
	int		 sflag;		/* -s, -ss: also skip zeros */
	bool		 zero;		/* -z */
	bool		 json;		/* -j, --libxo json */
	const char	*proto;		/* -p */
};

static int	 ctl_fd = -1;
static char	 ctl_path[128];
static char	 reply_buf[MIB_PROTO_MAX + 1];
static struct mib_counters counters;

/* Not a use of ours: hand the whole command line to the system. */
static int
hand_over(char **argv)
{
	int rc;

	argv[0] = "netstat";
	if ((rc = mib_client_run_system(system_netstat, argv)) >= 0)
		return rc;
	fprintf(stderr, "netstat: only -s [-p ipsec|ipsec6|esp|ah|ipcomp|"
	    "pfkey] [-z] [-j] is handled here, and no system netstat is "
	    "installed (Debian: net-tools)\n");
	return 1;
}

/* --libxo json or --libxo=json, removed from argv; false if another. */
static bool
take_libxo(int *argc, char **argv, struct options *o)
{
	int i, j, skip;

	for (i = 1; i < *argc; i++) {
		if (strcmp(argv[i], "--libxo=json") == 0)
			skip = 1;
		else if (strcmp(argv[i], "--libxo") == 0 && i + 1 < *argc &&
		    strcmp(argv[i + 1], "json") == 0)
			skip = 2;
		else if (strncmp(argv[i], "--libxo", 7) == 0)
			return false;
		else
			continue;
		o->json = true;
		for (j = i; j + skip <= *argc; j++)
			argv[j] = argv[j + skip];
		*argc -= skip;
		i--;
	}
	return true;
}

/* Our options only; false sends the command line to the system. */
static bool
parse(int argc, char **argv, struct options *o)
{
	int ch;

	memset(o, 0, sizeof(*o));
	if (!take_libxo(&argc, argv, o))
		return false;
	opterr = 0;
	while ((ch = getopt(argc, argv, "jp:sz")) != -1) {
		switch (ch) {
		case 'j':
			o->json = true;
			break;
		case 'p':
			o->proto = optarg;
			break;
		case 's':
			o->sflag++;
			break;
		case 'z':
			o->zero = true;
			break;
		default:
			return false;
		}
	}
	if (optind != argc || (o->sflag == 0 && !o->zero))
		return false;
	return o->proto == NULL || ipsec_netstat_byname(o->proto) != NULL;
}

static struct mib_reply
call(const char *req)
{
	struct mib_reply r;

	if (mib_client_call(ctl_fd, req, reply_buf, sizeof(reply_buf),
	    &r) != 0) {
		fprintf(stderr, "netstat: %s: %s\n", ctl_path, strerror(errno));
		exit(1);
	}
	return r;
}

/* The counters of p: 0, or ENOENT when the socket manager lacks it. */
static int
fetch(const struct ipsec_netstat_proto *p)
{
	char req[MIB_NAME_MAX + 8];
	struct mib_reply r;

	snprintf(req, sizeof(req), "stats %s", ipsec_netstat_node(p));
	r = call(req);
	if (r.status != 0)
		return r.status;
	if (mib_counters_parse(&counters, r.body) != 0) {
		fprintf(stderr, "netstat: %s: malformed reply\n", ctl_path);
		exit(1);
	}
	return 0;
}

static bool
selected(const struct options *o, const struct ipsec_netstat_proto *p)
{
	return o->proto == NULL || strcmp(o->proto, ipsec_netstat_name(p)) == 0;
}

static int
show(const struct options *o)
{
	const struct ipsec_netstat_proto *p;
	size_t i;
	int found = 0;

	if (o->json)
		ipsec_netstat_json_begin(stdout);
	for (i = 0; (p = ipsec_netstat_at(i)) != NULL; i++) {
		if (!selected(o, p) || fetch(p) != 0)
			continue;
		found++;
		if (o->json)
			ipsec_netstat_json(stdout, p, &counters, o->sflag > 1);
		else
			ipsec_netstat_print(stdout, p, &counters, o->sflag > 1);
	}
	if (o->json)
		ipsec_netstat_json_end(stdout);
	if (found == 0 && o->proto != NULL) {
		fprintf(stderr, "netstat: %s: no statistics in this socket "
		    "manager\n", o->proto);
		return 1;
	}
	return 0;
}

/* Zero every selected node in one request, all or nothing. */
static int
zero(const struct options *o)
{
	const struct ipsec_netstat_proto *p;
	char req[512];
	struct mib_reply r;
	size_t i, len = 4;

	memcpy(req, "zero", 5);
	for (i = 0; (p = ipsec_netstat_at(i)) != NULL; i++) {
		if (!selected(o, p) || fetch(p) != 0)
			continue;
		len += (size_t)snprintf(req + len, sizeof(req) - len, " %s",
		    ipsec_netstat_node(p));
	}
	if (len == 4)
		return 0;
	r = call(req);
	if (r.status != 0) {
		fprintf(stderr, "netstat: zeroing %s: %s\n", r.word,
		    strerror(r.status));
		return 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct options o;
	char **copy;
	int i, rc = 0;

	if ((copy = calloc((size_t)argc + 1, sizeof(*copy))) == NULL)
		return 1;
	for (i = 0; i < argc; i++)
		copy[i] = argv[i];
	if (!parse(argc, copy, &o))
		return hand_over(argv);
	free(copy);
	if ((ctl_fd = mib_client_open(ctl_path, sizeof(ctl_path))) < 0) {
		fprintf(stderr, "netstat: %s: %s\n", ctl_path, strerror(errno));
		return 1;
	}
	if (o.sflag > 0)
		rc = show(&o);
	if (rc == 0 && o.zero)
		rc = zero(&o);
	close(ctl_fd);
	return rc;
}
