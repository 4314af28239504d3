/*
 * DIR/ctl (see mib_sock.h).  A request is one record and its reply one
 * record, so a connection has no state beyond its descriptor and its
 * peer's user id.  Replies are sent without waiting: a client that sends
 * requests without reading the replies has its connection closed rather
 * than holding the loop.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sys/net/mib_proto.h"
#include "sys/net/mib_sock.h"
#include "sys/net/net_event.h"
#include "sys/net/net_unix.h"

struct ctl_conn {
	int	fd;			/* -1: slot free */
	uid_t	uid;
};

/*
 * The endpoint's state, one per process today; the loop is the one
 * mib_sock_listen() was handed, on which the listener and every
 * connection are registered.
 */
static struct net_event_loop *ctl_loop;
static struct ctl_conn	conns[MIB_SOCK_CONNS];
static int		listen_fd = -1;
static int		spare_fd = -1;	/* see net_unix_accept() */
static char		listen_path[108];	/* sun_path */
static char		reqbuf[MIB_PROTO_MAX];
static char		replybuf[MIB_PROTO_MAX];

static void
conn_close(struct ctl_conn *c)
{
	net_event_remove(ctl_loop, c->fd);
	close(c->fd);
	c->fd = -1;
}

static void
conn_event(int fd, uint32_t events, void *arg)
{
	struct ctl_conn *c = arg;
	size_t rlen;
	ssize_t n;

	(void)fd;
	(void)events;
	n = recv(c->fd, reqbuf, sizeof(reqbuf), MSG_DONTWAIT | MSG_TRUNC);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		conn_close(c);
		return;
	}
	/* A truncated request is refused whole, never half read. */
	rlen = mib_proto_serve(reqbuf, (size_t)n > sizeof(reqbuf) ?
	    sizeof(reqbuf) + 1 : (size_t)n, c->uid, replybuf,
	    sizeof(replybuf));
	if (send(c->fd, replybuf, rlen, MSG_DONTWAIT | MSG_NOSIGNAL) !=
	    (ssize_t)rlen)
		conn_close(c);
}

static struct ctl_conn *
free_slot(void)
{
	size_t i;

	for (i = 0; i < MIB_SOCK_CONNS; i++)
		if (conns[i].fd < 0)
			return &conns[i];
	return NULL;
}

static void
listen_event(int lfd, uint32_t events, void *arg)
{
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	struct ctl_conn *c;
	bool shed;
	int fd;

	(void)events;
	(void)arg;
	fd = net_unix_accept(lfd, SOCK_NONBLOCK | SOCK_CLOEXEC, &spare_fd,
	    &shed);
	if (fd < 0)
		return;
	if ((c = free_slot()) == NULL ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) != 0 ||
	    net_event_add(ctl_loop, fd, EPOLLIN, conn_event, c) != 0) {
		close(fd);
		return;
	}
	c->fd = fd;
	c->uid = cred.uid;
}

int
mib_sock_listen(struct net_event_loop *loop, const char *path)
{
	size_t i;
	int fd;

	if (listen_fd >= 0 || strlen(path) >= sizeof(listen_path)) {
		errno = listen_fd >= 0 ? EBUSY : ENAMETOOLONG;
		return -1;
	}
	for (i = 0; i < MIB_SOCK_CONNS; i++)
		conns[i].fd = -1;
	if ((fd = net_unix_listen(loop, path, listen_event, NULL)) < 0)
		return -1;
	ctl_loop = loop;
	listen_fd = fd;
	strcpy(listen_path, path);
	net_unix_spare(&spare_fd);
	return 0;
}

void
mib_sock_shutdown(void)
{
	size_t i;

	if (listen_fd < 0)
		return;
	for (i = 0; i < MIB_SOCK_CONNS; i++)
		if (conns[i].fd >= 0)
			conn_close(&conns[i]);
	net_event_remove(ctl_loop, listen_fd);
	close(listen_fd);
	unlink(listen_path);
	listen_fd = -1;
	ctl_loop = NULL;
	if (spare_fd >= 0)
		close(spare_fd);
	spare_fd = -1;
}
