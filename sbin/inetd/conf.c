/*
 * inetd.conf, BSD format with KAME's IPsec lines:
 *
 *	service socktype protocol wait|nowait[.max] user[:group] server args
 *
 * service is a name from services(5) or a port number; socktype stream or
 * dgram; protocol tcp, udp, tcp6 or udp6 (tcp4, udp4 too); user may be
 * followed by ":group" or ".group"; server is a path, or "internal" for
 * a built-in service named by service.  `#' starts a comment, except
 * that a line starting with `#@' holds IPsec policy strings separated by
 * `;', which apply to every service line below it until the next `#@'
 * line; a bare `#@' clears them.  Each string is checked with
 * ipsec_set_policy(3) here; a bad one is logged with its line and the
 * services under it are not started.
 */
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <netdb.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include <netipsec/ipsec.h>

#include "sbin/inetd/inetd.h"

/* The `#@' line in force while reading. */
struct policy_block {
	int	 line;			/* 0: none */
	bool	 bad;
	int	 n;
	char	*s[INETD_POLICIES_MAX];
};

struct proto_desc {
	const char	*name;
	int		 socktype;	/* what the protocol carries */
	int		 family;
};

static const struct proto_desc protos[] = {
	{ "tcp", SOCK_STREAM, AF_INET },
	{ "tcp4", SOCK_STREAM, AF_INET },
	{ "tcp6", SOCK_STREAM, AF_INET6 },
	{ "udp", SOCK_DGRAM, AF_INET },
	{ "udp4", SOCK_DGRAM, AF_INET },
	{ "udp6", SOCK_DGRAM, AF_INET6 },
};

static const char *conf_path;

static void
block_clear(struct policy_block *b)
{
	int i;

	for (i = 0; i < b->n; i++)
		free(b->s[i]);
	memset(b, 0, sizeof(*b));
}

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

/* A policy string as ipsec_set_policy(3) takes it; false when bad. */
static bool
policy_ok(const char *s, int line)
{
	char *buf = ipsec_set_policy(s, (int)strlen(s));

	if (buf == NULL) {
		inetd_log(LOG_ERR, "%s: line %d: invalid ipsec policy \"%s\": "
		    "%s", conf_path, line, s, ipsec_strerror());
		return false;
	}
	free(buf);
	return true;
}

/* A `#@' line: the policies for the services below it. */
static void
policy_line(struct policy_block *b, char *text, int line)
{
	char *tok, *save = NULL, *s;

	block_clear(b);
	b->line = line;
	for (tok = strtok_r(text, ";", &save); tok != NULL;
	    tok = strtok_r(NULL, ";", &save)) {
		s = trim(tok);
		if (*s == '\0')
			continue;
		if (b->n == INETD_POLICIES_MAX) {
			inetd_log(LOG_ERR, "%s: line %d: more than %d ipsec "
			    "policies", conf_path, line, INETD_POLICIES_MAX);
			b->bad = true;
			break;
		}
		if (!policy_ok(s, line))
			b->bad = true;
		if ((b->s[b->n] = strdup(s)) == NULL) {
			b->bad = true;
			break;
		}
		b->n++;
	}
	if (b->n == 0 && !b->bad)
		b->line = 0;
}

static int
lookup_port(const char *name, const char *proto, uint16_t *port)
{
	struct servent *se;
	char *end;
	long n;

	n = strtol(name, &end, 10);
	if (*end == '\0' && end != name) {
		if (n <= 0 || n > 65535)
			return -1;
		*port = (uint16_t)n;
		return 0;
	}
	if ((se = getservbyname(name, proto)) == NULL)
		return -1;
	*port = ntohs((uint16_t)se->s_port);
	return 0;
}

static const struct proto_desc *
lookup_proto(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (strcmp(protos[i].name, name) == 0)
			return &protos[i];
	return NULL;
}

static void
service_free(struct service *s)
{
	int i;

	free(s->name);
	free(s->user);
	free(s->server);
	for (i = 0; s->argv[i] != NULL; i++)
		free(s->argv[i]);
	for (i = 0; i < s->npolicies; i++)
		free(s->policies[i]);
	free(s);
}

/* "user", "user:group" or "user.group"; the user must exist. */
static int
take_user(struct service *s, const char *field)
{
	char *sep;

	if ((s->user = strdup(field)) == NULL)
		return -1;
	if ((sep = strpbrk(s->user, ":.")) != NULL) {
		*sep = '\0';
		s->group = sep + 1;
		if (getgrnam(s->group) == NULL)
			return -1;
	}
	return getpwnam(s->user) == NULL ? -1 : 0;
}

/* Fields 1-5 of a service line; the reason when they do not fit. */
static const char *
take_fields(struct service *s, char **f)
{
	const struct proto_desc *pd;
	const char *proto;

	if ((s->name = strdup(f[0])) == NULL)
		return "out of memory";
	if (strcmp(f[1], "stream") == 0)
		s->socktype = SOCK_STREAM;
	else if (strcmp(f[1], "dgram") == 0)
		s->socktype = SOCK_DGRAM;
	else
		return "unknown socket type";
	if ((pd = lookup_proto(f[2])) == NULL || pd->socktype != s->socktype)
		return "unknown protocol for the socket type";
	s->family = pd->family;
	proto = s->socktype == SOCK_STREAM ? "tcp" : "udp";
	if (lookup_port(f[0], proto, &s->port) != 0)
		return "unknown service";
	if (strncmp(f[3], "wait", 4) == 0 && (f[3][4] == '\0' ||
	    f[3][4] == '.'))
		s->wait = true;
	else if (strncmp(f[3], "nowait", 6) != 0 || (f[3][6] != '\0' &&
	    f[3][6] != '.'))
		return "neither wait nor nowait";
	if (take_user(s, f[4]) != 0)
		return "unknown user or group";
	return NULL;
}

/* The server and its arguments (fields 6 on). */
static const char *
take_server(struct service *s, char **f, int nf)
{
	int i;

	if ((s->server = strdup(f[5])) == NULL)
		return "out of memory";
	if (strcmp(s->server, "internal") == 0) {
		if ((s->builtin = inetd_builtin(s->name)) == NULL)
			return "no such internal service";
		return NULL;
	}
	if (s->server[0] != '/')
		return "server is not an absolute path";
	if (nf - 6 > INETD_ARGS_MAX)
		return "too many arguments";
	for (i = 6; i < nf; i++)
		if ((s->argv[i - 6] = strdup(f[i])) == NULL)
			return "out of memory";
	if (s->argv[0] == NULL && (s->argv[0] = strdup(s->server)) == NULL)
		return "out of memory";
	if (s->socktype == SOCK_DGRAM && !s->wait)
		return "a datagram server must be wait";
	return NULL;
}

/* One service line; NULL when it cannot be used (logged). */
static struct service *
service_line(char *text, int line, const struct policy_block *b)
{
	char *f[6 + INETD_ARGS_MAX + 1], *save = NULL, *tok;
	const char *why;
	struct service *s;
	int nf = 0, i;

	for (tok = strtok_r(text, " \t", &save); tok != NULL &&
	    nf < (int)(sizeof(f) / sizeof(f[0])); tok = strtok_r(NULL, " \t",
	    &save))
		f[nf++] = tok;
	if (nf < 6) {
		inetd_log(LOG_ERR, "%s: line %d: too few fields", conf_path,
		    line);
		return NULL;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->line = line;
	s->fd = -1;
	if ((why = take_fields(s, f)) == NULL)
		why = take_server(s, f, nf);
	if (why == NULL && b->bad)
		why = "the ipsec policy above it is invalid";
	for (i = 0; why == NULL && i < b->n; i++)
		if ((s->policies[s->npolicies++] = strdup(b->s[i])) == NULL)
			why = "out of memory";
	s->policy_line = b->line;
	if (why != NULL) {
		inetd_log(LOG_ERR, "%s: line %d: %s: %s, not started",
		    conf_path, line, f[0], why);
		service_free(s);
		return NULL;
	}
	return s;
}

struct service *
inetd_conf_read(const char *path, bool *failed)
{
	struct service *head = NULL, **tail = &head, *s;
	struct policy_block b = { 0 };
	char *text = NULL;
	size_t cap = 0;
	int line = 0;
	FILE *f;

	conf_path = path;
	*failed = false;
	if ((f = fopen(path, "re")) == NULL) {
		inetd_log(LOG_ERR, "%s: %s", path, strerror(errno));
		*failed = true;
		return NULL;
	}
	while (getline(&text, &cap, f) >= 0) {
		line++;
		text[strcspn(text, "\n")] = '\0';
		if (strncmp(text, "#@", 2) == 0) {
			policy_line(&b, text + 2, line);
			continue;
		}
		if (*trim(text) == '\0' || *trim(text) == '#')
			continue;
		if ((s = service_line(text, line, &b)) == NULL)
			continue;
		*tail = s;
		tail = &s->next;
	}
	free(text);
	block_clear(&b);
	fclose(f);
	return head;
}

void
inetd_conf_free(struct service *list)
{
	struct service *next;

	for (; list != NULL; list = next) {
		next = list->next;
		service_free(list);
	}
}
