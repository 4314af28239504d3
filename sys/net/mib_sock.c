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
#include <stdlib.h>
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
	struct mib_sock	*ms;
	int		 fd;		/* -1: slot free */
	uid_t		 uid;
};

/*
 * One endpoint: the loop it was handed, on which the listener and every
 * connection are registered, the descriptor kept for running out of
 * them (net_unix_accept()) and the request and reply buffers.
 */
struct mib_sock {
	struct net_event_loop *loop;
	int		 listen_fd;
	int		 spare_fd;
	char		 path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct ctl_conn	 conns[MIB_SOCK_CONNS];
	char		 reqbuf[MIB_PROTO_MAX];
	char		 replybuf[MIB_PROTO_MAX];
};

static void
conn_close(struct ctl_conn *c)
{
	net_event_remove(c->ms->loop, c->fd);
	close(c->fd);
	c->fd = -1;
}

static void
conn_event(int fd, uint32_t events, void *arg)
{
	struct ctl_conn *c = arg;
	struct mib_sock *ms = c->ms;
	size_t rlen;
	ssize_t n;

	(void)fd;
	(void)events;
	n = recv(c->fd, ms->reqbuf, sizeof(ms->reqbuf),
	    MSG_DONTWAIT | MSG_TRUNC);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		conn_close(c);
		return;
	}
	/* A truncated request is refused whole, never half read. */
	rlen = mib_proto_serve(ms->reqbuf, (size_t)n > sizeof(ms->reqbuf) ?
	    sizeof(ms->reqbuf) + 1 : (size_t)n, c->uid, ms->replybuf,
	    sizeof(ms->replybuf));
	if (send(c->fd, ms->replybuf, rlen, MSG_DONTWAIT | MSG_NOSIGNAL) !=
	    (ssize_t)rlen)
		conn_close(c);
}

static struct ctl_conn *
free_slot(struct mib_sock *ms)
{
	size_t i;

	for (i = 0; i < MIB_SOCK_CONNS; i++)
		if (ms->conns[i].fd < 0)
			return &ms->conns[i];
	return NULL;
}

static void
listen_event(int lfd, uint32_t events, void *arg)
{
	struct mib_sock *ms = arg;
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	struct ctl_conn *c;
	bool shed;
	int fd;

	(void)events;
	fd = net_unix_accept(lfd, SOCK_NONBLOCK | SOCK_CLOEXEC, &ms->spare_fd,
	    &shed);
	if (fd < 0)
		return;
	if ((c = free_slot(ms)) == NULL ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) != 0 ||
	    net_event_add(ms->loop, fd, EPOLLIN, conn_event, c) != 0) {
		close(fd);
		return;
	}
	c->fd = fd;
	c->uid = cred.uid;
}

struct mib_sock *
mib_sock_listen(struct net_event_loop *loop, const char *path)
{
	struct mib_sock *ms;
	size_t i;

	if (strlen(path) >= sizeof(ms->path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	if ((ms = calloc(1, sizeof(*ms))) == NULL)
		return NULL;
	ms->loop = loop;
	ms->spare_fd = -1;
	for (i = 0; i < MIB_SOCK_CONNS; i++) {
		ms->conns[i].ms = ms;
		ms->conns[i].fd = -1;
	}
	if ((ms->listen_fd = net_unix_listen(loop, path, listen_event,
	    ms)) < 0) {
		free(ms);
		return NULL;
	}
	strcpy(ms->path, path);
	net_unix_spare(&ms->spare_fd);
	return ms;
}

void
mib_sock_close(struct mib_sock *ms)
{
	size_t i;

	if (ms == NULL)
		return;
	for (i = 0; i < MIB_SOCK_CONNS; i++)
		if (ms->conns[i].fd >= 0)
			conn_close(&ms->conns[i]);
	net_event_remove(ms->loop, ms->listen_fd);
	close(ms->listen_fd);
	unlink(ms->path);
	if (ms->spare_fd >= 0)
		close(ms->spare_fd);
	free(ms);
}
