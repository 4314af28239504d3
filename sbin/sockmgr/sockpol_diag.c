/*
 * What the host stack says about its sockets: NETLINK_SOCK_DIAG dumps of
 * the TCP and UDP sockets of a family (inet_diag), and /proc/PID/fd for
 * who holds which socket.  The socket manager runs in the network
 * namespace of the host stack it serves, so the dumps see exactly the
 * sockets whose packets cross it.  It never holds a descriptor of a
 * client's socket (one passed with SCM_RIGHTS would keep the socket open
 * after the client closed it), so a socket that is gone is gone.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "sbin/sockmgr/sockpol.h"

/* Enough for a few hundred sockets per read; the dump takes many reads. */
#define DIAG_BUFSIZ	32768

static void
take_addr(union key_sockaddr *to, int family, const uint32_t *a)
{
	static const uint32_t zero[4];

	memset(to, 0, sizeof(*to));
	if (family == AF_INET && a[0] != 0) {
		to->sin.sin_family = AF_INET;
		memcpy(&to->sin.sin_addr, a, 4);
	} else if (family == AF_INET6 && memcmp(a, zero, 16) != 0) {
		to->sin6.sin6_family = AF_INET6;
		memcpy(&to->sin6.sin6_addr, a, 16);
	}
}

static void
take_sock(const struct inet_diag_msg *d, int proto, struct sockpol_sock *s)
{
	memset(s, 0, sizeof(*s));
	s->ino = d->idiag_inode;
	s->uid = d->idiag_uid;
	s->t.family = d->idiag_family;
	s->t.proto = (uint8_t)proto;
	s->t.listening = proto == IPPROTO_TCP &&
	    d->idiag_state == TCP_LISTEN;
	s->t.lport = ntohs(d->id.idiag_sport);
	s->t.rport = ntohs(d->id.idiag_dport);
	take_addr(&s->t.laddr, d->idiag_family, d->id.idiag_src);
	take_addr(&s->t.raddr, d->idiag_family, d->id.idiag_dst);
}

static int
diag_open(int family, int proto)
{
	struct {
		struct nlmsghdr		nlh;
		struct inet_diag_req_v2	req;
	} rq;
	struct timeval tv = { .tv_sec = 1 };
	int fd;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0)
		return -1;
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	memset(&rq, 0, sizeof(rq));
	rq.nlh.nlmsg_len = sizeof(rq);
	rq.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	rq.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	rq.req.sdiag_family = (uint8_t)family;
	rq.req.sdiag_protocol = (uint8_t)proto;
	rq.req.idiag_states = ~0u;
	if (send(fd, &rq, sizeof(rq), 0) != (ssize_t)sizeof(rq)) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * One read of the dump: 1 when it goes on, 0 at its end, -error on
 * failure; *stop when fn asked to stop.
 */
static int
diag_read(int fd, int proto, sockpol_sock_fn fn, void *arg, bool *stop)
{
	static uint64_t buf[DIAG_BUFSIZ / 8];
	const struct nlmsghdr *h;
	const struct nlmsgerr *err;
	struct sockpol_sock s;
	ssize_t n;
	int len;

	if ((n = recv(fd, buf, sizeof(buf), 0)) <= 0)
		return n == 0 ? -EPROTO : -errno;
	len = (int)n;
	for (h = (const void *)buf; NLMSG_OK(h, (unsigned)len);
	    h = NLMSG_NEXT(h, len)) {
		if (h->nlmsg_type == NLMSG_DONE)
			return 0;
		if (h->nlmsg_type == NLMSG_ERROR) {
			err = NLMSG_DATA(h);
			return err->error < 0 ? err->error : -EPROTO;
		}
		if (*stop || h->nlmsg_len < NLMSG_LENGTH(
		    sizeof(struct inet_diag_msg)))
			continue;
		take_sock(NLMSG_DATA(h), proto, &s);
		if (s.ino != 0 && !fn(&s, arg))
			*stop = true;
	}
	return 1;
}

int
sockpol_diag_walk(int family, int proto, sockpol_sock_fn fn, void *arg)
{
	bool stop = false;
	int fd, rc;

	if ((fd = diag_open(family, proto)) < 0)
		return errno;
	while ((rc = diag_read(fd, proto, fn, arg, &stop)) > 0)
		continue;
	close(fd);
	return -rc;
}

struct find_arg {
	uint64_t		 ino;
	struct sockpol_sock	*out;
	bool			 found;
};

static bool
find_one(const struct sockpol_sock *s, void *arg)
{
	struct find_arg *a = arg;

	if (s->ino != a->ino)
		return true;
	*a->out = *s;
	a->found = true;
	return false;
}

int
sockpol_diag_find(uint64_t ino, int family, struct sockpol_sock *s)
{
	static const int protos[] = { IPPROTO_TCP, IPPROTO_UDP };
	struct find_arg a = { ino, s, false };
	size_t i;
	int error;

	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		error = sockpol_diag_walk(family, protos[i], find_one, &a);
		if (error != 0)
			return error;
		if (a.found)
			return 0;
	}
	return ENOENT;
}

bool
sockpol_pid_holds(pid_t pid, uint64_t ino)
{
	char path[64], want[64], link[64];
	struct dirent *de;
	ssize_t n;
	bool found = false;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%ld/fd", (long)pid);
	snprintf(want, sizeof(want), "socket:[%llu]", (unsigned long long)ino);
	if ((d = opendir(path)) == NULL)
		return false;
	while (!found && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		n = readlinkat(dirfd(d), de->d_name, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		found = strcmp(link, want) == 0;
	}
	closedir(d);
	return found;
}

static int
ino_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Mark the sockets of one process's descriptor directory. */
static void
scan_fds(int procfd, const char *pid, const uint64_t *inos, bool *found,
    size_t n)
{
	char path[64], link[64];
	const uint64_t *hit;
	struct dirent *de;
	uint64_t ino;
	ssize_t len;
	DIR *d;
	int fd;

	if ((size_t)snprintf(path, sizeof(path), "%.32s/fd", pid) >=
	    sizeof(path))
		return;
	if ((fd = openat(procfd, path, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) < 0)
		return;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		len = readlinkat(dirfd(d), de->d_name, link, sizeof(link) - 1);
		if (len <= 0)
			continue;
		link[len] = '\0';
		if (sscanf(link, "socket:[%" SCNu64 "]", &ino) != 1)
			continue;
		hit = bsearch(&ino, inos, n, sizeof(*inos), ino_cmp);
		if (hit != NULL)
			found[hit - inos] = true;
	}
	closedir(d);
}

void
sockpol_proc_scan(const uint64_t *inos, bool *found, size_t n)
{
	struct dirent *de;
	DIR *proc;

	memset(found, 0, n * sizeof(*found));
	if (n == 0 || (proc = opendir("/proc")) == NULL)
		return;
	while ((de = readdir(proc)) != NULL)
		if (de->d_name[0] >= '1' && de->d_name[0] <= '9')
			scan_fds(dirfd(proc), de->d_name, inos, found, n);
	closedir(proc);
}
