/*
 * LD_PRELOAD shim: socket(PF_KEY, SOCK_RAW, PF_KEY_V2) in an unmodified
 * program returns a connection to the socket manager's PF_KEY endpoint
 * instead of a kernel socket.  Every other socket() call goes to the C
 * library untouched.
 *
 * The shim cannot call pfkey_open() of libipsec (it is preloaded into
 * programs that do not link libipsec), so it repeats the few lines that
 * find the endpoint.  The programs it serves are built against Linux's
 * <linux/pfkeyv2.h>, so it connects to the Linux dialect's endpoint,
 * $SOCK/pfkey.linux (or /var/run/sockmgr/pfkey.linux), where the socket
 * manager speaks that ABI byte for byte (pfkey(4)).
 *
 * A kernel PF_KEY socket has the reply to a request queued by the time
 * send() returns, and clients rely on it: racoon and charon read their
 * sockets non-blocking right after writing.  The socket manager answers
 * from its event loop, so after a successful send(), write(), writev(),
 * sendto() or sendmsg() on a PF_KEY descriptor the shim waits until the
 * descriptor is readable, at most SHIM_REPLY_WAIT_MS (every request is
 * answered; the bound is for a socket manager that stopped).
 *
 * Errors follow Linux's af_key, which unmodified Linux programs expect:
 * a type other than SOCK_RAW is ESOCKTNOSUPPORT, a protocol other than
 * PF_KEY_V2 is EPROTONOSUPPORT (RFC 2367 section 1.3), and a caller that
 * is not root gets EPERM.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/libipsec/ipsec_sockpol.h"
#include "net/pfkeyv2.h"

#define SHIM_SOCK_ENV		"SOCK"
#define SHIM_SOCK_DIR		"/var/run/sockmgr"
#define SHIM_ENDPOINT		"pfkey.linux"
#define SHIM_REPLY_WAIT_MS	2000
/* PF_KEY descriptors above this get no wait for their replies. */
#define SHIM_FD_MAX		65536

typedef int (*socket_fn)(int, int, int);

/* Bit fd: the descriptor is a PF_KEY socket this shim made. */
static unsigned char pfkey_fds[SHIM_FD_MAX / 8];

static void
fd_mark(int fd, int on)
{
	unsigned char bit;

	if (fd < 0 || fd >= SHIM_FD_MAX)
		return;
	bit = (unsigned char)(1u << (fd % 8));
	if (on)
		__atomic_fetch_or(&pfkey_fds[fd / 8], bit, __ATOMIC_RELAXED);
	else
		__atomic_fetch_and(&pfkey_fds[fd / 8], (unsigned char)~bit,
		    __ATOMIC_RELAXED);
}

static int
fd_is_pfkey(int fd)
{
	return fd >= 0 && fd < SHIM_FD_MAX &&
	    (__atomic_load_n(&pfkey_fds[fd / 8], __ATOMIC_RELAXED) &
	    (1u << (fd % 8))) != 0;
}

/* After a request went out on a PF_KEY descriptor: wait for its reply. */
static void
await_reply(int fd, ssize_t rc)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int saved = errno;

	if (rc < 0 || !fd_is_pfkey(fd))
		return;
	while (poll(&pfd, 1, SHIM_REPLY_WAIT_MS) < 0 && errno == EINTR)
		continue;
	errno = saved;
}

static void
forget_fd(int fd)
{
	fd_mark(fd, 0);
}

__attribute__((constructor))
static void
shim_init(void)
{
	ipsec_sockopt_sent_hook = await_reply;
	ipsec_sockopt_close_hook = forget_fd;
}

static void *
real_fn(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

static socket_fn
real_socket(void)
{
	static socket_fn fn;

	if (fn == NULL)
		fn = (socket_fn)real_fn("socket");
	return fn;
}

static int
shim_connect(int fd)
{
	struct sockaddr_un sun;
	const char *dir;
	int n;

	dir = getenv(SHIM_SOCK_ENV);
	if (dir == NULL || *dir == '\0')
		dir = SHIM_SOCK_DIR;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	n = snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/%s", dir,
	    SHIM_ENDPOINT);
	if (n < 0 || (size_t)n >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return connect(fd, (struct sockaddr *)&sun, sizeof(sun));
}

static int
pfkey_socket(int type, int protocol)
{
	socket_fn fn = real_socket();
	int flags, fd, saved;

	flags = type & (SOCK_NONBLOCK | SOCK_CLOEXEC);
	if ((type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) != SOCK_RAW) {
		errno = ESOCKTNOSUPPORT;
		return -1;
	}
	if (protocol != PF_KEY_V2) {
		errno = EPROTONOSUPPORT;
		return -1;
	}
	if (geteuid() != 0) {
		errno = EPERM;
		return -1;
	}
	if (fn == NULL) {
		errno = ENOSYS;
		return -1;
	}
	/* Connect blocking; the caller's SOCK_NONBLOCK applies afterwards. */
	fd = fn(AF_UNIX, SOCK_SEQPACKET | (flags & SOCK_CLOEXEC), 0);
	if (fd < 0)
		return -1;
	if (shim_connect(fd) != 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	if ((flags & SOCK_NONBLOCK) != 0 &&
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	fd_mark(fd, 1);
	return fd;
}

int
socket(int domain, int type, int protocol)
{
	socket_fn fn;

	if (domain == PF_KEY)
		return pfkey_socket(type, protocol);
	if ((fn = real_socket()) == NULL) {
		errno = ENOSYS;
		return -1;
	}
	return fn(domain, type, protocol);
}

ssize_t
send(int fd, const void *buf, size_t len, int flags)
{
	static ssize_t (*fn)(int, const void *, size_t, int);
	ssize_t rc;

	if (fn == NULL && (fn = (ssize_t (*)(int, const void *, size_t,
	    int))real_fn("send")) == NULL) {
		errno = ENOSYS;
		return -1;
	}
	rc = fn(fd, buf, len, flags);
	await_reply(fd, rc);
	return rc;
}

ssize_t
write(int fd, const void *buf, size_t len)
{
	static ssize_t (*fn)(int, const void *, size_t);
	ssize_t rc;

	if (fn == NULL && (fn = (ssize_t (*)(int, const void *,
	    size_t))real_fn("write")) == NULL) {
		errno = ENOSYS;
		return -1;
	}
	rc = fn(fd, buf, len);
	await_reply(fd, rc);
	return rc;
}

ssize_t
writev(int fd, const struct iovec *iov, int iovcnt)
{
	static ssize_t (*fn)(int, const struct iovec *, int);
	ssize_t rc;

	if (fn == NULL && (fn = (ssize_t (*)(int, const struct iovec *,
	    int))real_fn("writev")) == NULL) {
		errno = ENOSYS;
		return -1;
	}
	rc = fn(fd, iov, iovcnt);
	await_reply(fd, rc);
	return rc;
}
