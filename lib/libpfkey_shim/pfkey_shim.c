/*
 * LD_PRELOAD shim: socket(PF_KEY, SOCK_RAW, PF_KEY_V2) in an unmodified
 * program returns a connection to the socket manager's PF_KEY endpoint
 * instead of a kernel socket.  Every other socket() call goes to the C
 * library untouched.
 *
 * The shim cannot call pfkey_open() of libipsec (it is preloaded into
 * programs that do not link libipsec), so it repeats the few lines that
 * find the endpoint: $SOCK/pfkey, or /var/run/sockmgr/pfkey.
 *
 * Errors follow Linux's af_key, which unmodified Linux programs expect:
 * a type other than SOCK_RAW is ESOCKTNOSUPPORT, a protocol other than
 * PF_KEY_V2 is EPROTONOSUPPORT (RFC 2367 section 1.3), and a caller that
 * is not root gets EPERM.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "net/pfkeyv2.h"

#define SHIM_SOCK_ENV	"SOCK"
#define SHIM_SOCK_DIR	"/var/run/sockmgr"

typedef int (*socket_fn)(int, int, int);

static socket_fn
real_socket(void)
{
	static socket_fn fn;

	if (fn == NULL)
		fn = (socket_fn)dlsym(RTLD_NEXT, "socket");
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
	n = snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/pfkey", dir);
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
