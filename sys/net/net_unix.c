/*
 * Listening AF_UNIX endpoints (see net_unix.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "sys/net/net_unix.h"

/* A socket file nobody answers on is left over from a crash. */
static int
clear_stale(const struct sockaddr_un *sun)
{
	int fd, rc;

	if ((fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	rc = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	close(fd);
	if (rc == 0) {
		errno = EADDRINUSE;
		return -1;
	}
	if (errno == ENOENT)
		return 0;
	return unlink(sun->sun_path);
}

int
net_unix_listen(struct net_event_loop *loop, const char *path,
    net_event_fn cb, void *arg)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (path == NULL || strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sun.sun_path, path);
	if (clear_stale(&sun) != 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0 ||
	    chmod(path, 0666) != 0 || listen(fd, 64) != 0 ||
	    net_event_add(loop, fd, EPOLLIN, cb, arg) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

void
net_unix_spare(int *spare)
{
	if (*spare < 0)
		*spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

int
net_unix_accept(int lfd, int flags, int *spare, bool *shed)
{
	int fd, saved;

	*shed = false;
	if ((fd = accept4(lfd, NULL, NULL, flags)) >= 0)
		return fd;
	if ((errno != EMFILE && errno != ENFILE) || *spare < 0)
		return -1;
	saved = errno;
	close(*spare);
	*spare = -1;
	if ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
		close(fd);
		*shed = true;
	}
	net_unix_spare(spare);
	errno = saved;
	return -1;
}
