/*
 * Client side of the per-socket policy channel (ipsec_sockpol.h): one
 * connection to DIR/sockpol per request.  The checks here only save a
 * round trip; the socket manager makes every one again.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>

#include <netipsec/ipsec.h>

#include "lib/libipsec/ipsec_sockpol.h"
#include "lib/libipsec/libpfkey.h"

/* How long a client waits for the socket manager's answer. */
#define SOCKPOL_TIMEOUT_S	5

int
ipsec_sockpol_option(int level, int optname)
{
	return (level == IPPROTO_IP && optname == IP_IPSEC_POLICY) ||
	    (level == IPPROTO_IPV6 && optname == IPV6_IPSEC_POLICY);
}

static int
channel_open(void)
{
	struct sockaddr_un sun;
	struct timeval tv = { .tv_sec = SOCKPOL_TIMEOUT_S };
	const char *dir;
	int fd, n, saved;

	dir = getenv(PFKEY_SOCK_ENV);
	if (dir == NULL || *dir == '\0')
		dir = PFKEY_SOCK_DIR;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	n = snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/%s", dir,
	    SOCKPOL_NAME);
	if (n < 0 || (size_t)n >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* One request, one reply; 0 or -1 with errno (the reply's, or ours). */
static int
call(const struct sockpol_req *rq, struct sockpol_reply *rp)
{
	ssize_t n;
	int fd, saved;

	if ((fd = channel_open()) < 0)
		return -1;
	n = send(fd, rq, SOCKPOL_REQ_LEN(rq), MSG_NOSIGNAL);
	if (n == (ssize_t)SOCKPOL_REQ_LEN(rq))
		n = recv(fd, rp, sizeof(*rp), 0);
	else if (n >= 0) {
		n = -1;
		errno = EMSGSIZE;
	}
	saved = errno;
	close(fd);
	if (n < 0) {
		errno = saved == EAGAIN ? ETIMEDOUT : saved;
		return -1;
	}
	if ((size_t)n < offsetof(struct sockpol_reply, policy) ||
	    rp->policy_len > sizeof(rp->policy) ||
	    (size_t)n < offsetof(struct sockpol_reply, policy) +
	    rp->policy_len) {
		errno = EPROTO;
		return -1;
	}
	if (rp->error != 0) {
		errno = rp->error;
		return -1;
	}
	return 0;
}

/* The inode and family of socket fd; -1 with errno otherwise. */
static int
describe(int fd, struct sockpol_req *rq)
{
	struct stat st;
	socklen_t len = sizeof(int), llen = sizeof(rq->local);
	int domain, proto;

	memset(rq, 0, offsetof(struct sockpol_req, policy));
	if (fstat(fd, &st) != 0)
		return -1;
	if (!S_ISSOCK(st.st_mode)) {
		errno = ENOTSOCK;
		return -1;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0)
		return -1;
	len = sizeof(int);
	if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) != 0)
		return -1;
	rq->ino = (uint64_t)st.st_ino;
	rq->family = (uint32_t)domain;
	rq->proto = (uint32_t)proto;
	if (getsockname(fd, (struct sockaddr *)&rq->local, &llen) != 0)
		memset(&rq->local, 0, sizeof(rq->local));
	return 0;
}

static int
level_ok(const struct sockpol_req *rq, int level)
{
	if ((rq->family == AF_INET && level == IPPROTO_IP) ||
	    (rq->family == AF_INET6 && level == IPPROTO_IPV6))
		return 0;
	errno = ENOPROTOOPT;
	return -1;
}

int
ipsec_sockpol_set(int fd, int level, const void *buf, socklen_t len)
{
	const struct sadb_x_policy *xpl = buf;
	struct sockpol_req rq;
	struct sockpol_reply rp;

	if (describe(fd, &rq) != 0 || level_ok(&rq, level) != 0)
		return -1;
	if (buf == NULL || len < sizeof(*xpl) || len > sizeof(rq.policy) ||
	    (socklen_t)PFKEY_EXTLEN(xpl) != len) {
		errno = EINVAL;
		return -1;
	}
	rq.op = SOCKPOL_SET;
	rq.policy_len = len;
	memcpy(rq.policy, buf, len);
	return call(&rq, &rp);
}

int
ipsec_sockpol_get(int fd, int level, void *buf, socklen_t *len)
{
	const struct sadb_x_policy *xpl = buf;
	struct sockpol_req rq;
	struct sockpol_reply rp;

	if (describe(fd, &rq) != 0 || level_ok(&rq, level) != 0)
		return -1;
	if (buf == NULL || len == NULL || *len < sizeof(*xpl)) {
		errno = EINVAL;
		return -1;
	}
	rq.op = SOCKPOL_GET;
	rq.dir = xpl->sadb_x_policy_dir;
	if (call(&rq, &rp) != 0)
		return -1;
	if (rp.policy_len > *len) {
		errno = EINVAL;
		return -1;
	}
	memcpy(buf, rp.policy, rp.policy_len);
	*len = rp.policy_len;
	return 0;
}

int
ipsec_sockpol_refresh(int fd, const struct sockaddr *remote, socklen_t len)
{
	struct sockpol_req rq;
	struct sockpol_reply rp;

	if (describe(fd, &rq) != 0)
		return -1;
	rq.op = SOCKPOL_REFRESH;
	if (remote != NULL && len <= sizeof(rq.remote) &&
	    remote->sa_family == rq.family)
		memcpy(&rq.remote, remote, len);
	return call(&rq, &rp);
}

void
ipsec_sockpol_closed(uint64_t ino)
{
	struct sockpol_req rq;
	struct sockpol_reply rp;
	int saved = errno;

	memset(&rq, 0, offsetof(struct sockpol_req, policy));
	rq.op = SOCKPOL_CLOSED;
	rq.ino = ino;
	(void)call(&rq, &rp);
	errno = saved;
}
