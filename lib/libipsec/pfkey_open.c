/*
 * pfkey_open(): connect to the socket manager's PF_KEY endpoint.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/libipsec/libpfkey.h"

/*
 * KAME's libipsec raised both buffers to 128 KiB so that dumps would not
 * be truncated; the socket manager streams dumps instead, but a larger
 * send buffer still lets a client write bursts without blocking.
 */
#define PFKEY_BUFSIZ	(128 * 1024)

int
pfkey_socket_path(char *buf, size_t len)
{
	struct sockaddr_un sun;
	const char *dir;
	int n;

	dir = getenv(PFKEY_SOCK_ENV);
	if (dir == NULL || *dir == '\0')
		dir = PFKEY_SOCK_DIR;
	n = snprintf(buf, len, "%s/%s", dir, PFKEY_SOCK_NAME);
	if (n < 0 || (size_t)n >= len || (size_t)n >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int
pfkey_open(void)
{
	struct sockaddr_un sun;
	int fd, bufsiz = PFKEY_BUFSIZ, saved;

	if (geteuid() != 0) {
		errno = EPERM;
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (pfkey_socket_path(sun.sun_path, sizeof(sun.sun_path)) != 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bufsiz, sizeof(bufsiz));
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsiz, sizeof(bufsiz));
	return fd;
}

void
pfkey_close(int fd)
{
	if (fd >= 0)
		close(fd);
}
