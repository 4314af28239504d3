/*
 * Control protocol client and counter lists (see mib_client.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/un.h>
#include <unistd.h>

#include "sys/net/mib.h"
#include "sys/net/mib_client.h"
#include "sys/net/mib_proto.h"

int
mib_client_open(char *path, size_t len)
{
	struct sockaddr_un sun;
	const char *dir;
	int fd, n, saved;

	dir = getenv(MIB_SOCK_ENV);
	if (dir == NULL || *dir == '\0')
		dir = MIB_SOCK_DIR;
	n = snprintf(path, len, "%s/%s", dir, MIB_SOCK_NAME);
	memset(&sun, 0, sizeof(sun));
	if (n < 0 || (size_t)n >= len || (size_t)n >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

int
mib_client_call(int fd, const char *req, char *buf, size_t cap,
    struct mib_reply *r)
{
	char *end, *nl;
	ssize_t n;
	long status;

	if (send(fd, req, strlen(req), MSG_NOSIGNAL) != (ssize_t)strlen(req))
		return -1;
	n = recv(fd, buf, cap - 1, 0);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	if (n == 0 || (nl = strchr(buf, '\n')) == NULL)
		goto bad;
	*nl = '\0';
	status = strtol(buf, &end, 10);
	if (end == buf || status < 0 || (*end != '\0' && *end != ' '))
		goto bad;
	r->status = (int)status;
	r->word = *end == ' ' ? end + 1 : end;
	r->body = nl + 1;
	return 0;
bad:
	errno = EPROTO;
	return -1;
}

/* Not this program under another name (it may stand first on PATH). */
static int
is_self(const struct stat *st)
{
	struct stat self;

	return stat("/proc/self/exe", &self) == 0 &&
	    self.st_dev == st->st_dev && self.st_ino == st->st_ino;
}

int
mib_client_run_system(const char *const *paths, char *const *argv)
{
	struct stat st;
	pid_t pid;
	int status;

	for (; *paths != NULL; paths++) {
		if (stat(*paths, &st) != 0 || !S_ISREG(st.st_mode) ||
		    is_self(&st))
			continue;
		fflush(stdout);
		if ((pid = fork()) < 0)
			return -1;
		if (pid == 0) {
			execv(*paths, argv);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) < 0)
			return -1;
		return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
	}
	errno = ENOENT;
	return -1;
}

static void
add_counter(void *arg, const char *name, int index, uint64_t value)
{
	struct mib_counters *cs = arg;
	struct mib_counter *c;

	if (cs->n == MIB_COUNTERS_MAX)
		return;
	c = &cs->c[cs->n++];
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->index = index;
	c->value = value;
}

void
mib_counters_from_node(struct mib_counters *cs, const struct mib_node *node)
{
	cs->n = 0;
	node->stats->walk(node->stats->ctx, add_counter, cs);
}

/* One "name value" or "name[index] value" line. */
static int
parse_line(struct mib_counters *cs, char *line)
{
	char *sp, *br, *end;
	unsigned long long v;
	long index = -1;

	if ((sp = strchr(line, ' ')) == NULL)
		return -1;
	*sp = '\0';
	errno = 0;
	v = strtoull(sp + 1, &end, 10);
	if (errno != 0 || end == sp + 1 || *end != '\0')
		return -1;
	if ((br = strchr(line, '[')) != NULL) {
		*br = '\0';
		index = strtol(br + 1, &end, 10);
		if (end == br + 1 || strcmp(end, "]") != 0 || index < 0)
			return -1;
	}
	if (*line == '\0' || strlen(line) >= MIB_COUNTER_NAME)
		return -1;
	add_counter(cs, line, (int)index, v);
	return 0;
}

int
mib_counters_parse(struct mib_counters *cs, char *body)
{
	char *save, *line;

	cs->n = 0;
	for (line = strtok_r(body, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		if (parse_line(cs, line) != 0) {
			errno = EPROTO;
			return -1;
		}
	return 0;
}

uint64_t
mib_counters_get(const struct mib_counters *cs, const char *name, int index)
{
	size_t i;

	for (i = 0; i < cs->n; i++)
		if (cs->c[i].index == index && strcmp(cs->c[i].name, name) == 0)
			return cs->c[i].value;
	return 0;
}
