/*
 * setsockopt(IP_IPSEC_POLICY) for programs on Linux, whose kernel knows
 * nothing of KAME policies: these definitions of setsockopt, getsockopt,
 * bind, connect, listen, sendto, sendmsg and close stand in front of the
 * C library's in any program linked with libipsec (the shared library
 * exports them; the installed archive carries them) and in any program
 * run under the preload shim.  The two policy options go to the socket
 * manager; everything else goes to the C library unchanged.
 *
 * Why the other calls: the socket manager finds a socket's traffic by
 * its addresses, which change at bind, listen and connect.  For a socket
 * that has a policy the wrappers tell it after each change, and before a
 * connect() or the first datagram they bind an unbound socket to a port
 * so that its first packet already has an entry to match.  close() tells
 * it so that the entry goes at once when that was the last descriptor
 * (otherwise its once-a-second sweep notices).  Sockets without a policy
 * cost one table probe per call.
 *
 * The table of descriptors with a policy is per process and locked;
 * calls the channel makes itself skip the wrappers (a thread-local flag).
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "lib/libipsec/ipsec_sockpol.h"

/* Descriptors above this are never tracked (their sweeps still work). */
#define TRACK_MAX	65536

struct real_calls {
	int	(*setsockopt)(int, int, int, const void *, socklen_t);
	int	(*getsockopt)(int, int, int, void *, socklen_t *);
	int	(*bind)(int, const struct sockaddr *, socklen_t);
	int	(*connect)(int, const struct sockaddr *, socklen_t);
	int	(*listen)(int, int);
	ssize_t	(*sendto)(int, const void *, size_t, int,
		    const struct sockaddr *, socklen_t);
	ssize_t	(*sendmsg)(int, const struct msghdr *, int);
	int	(*close)(int);
};

static struct real_calls real;
static pthread_once_t real_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t track_lock = PTHREAD_MUTEX_INITIALIZER;
/*
 * By descriptor: the socket's inode (0: no policy) and whether its local
 * port is known to be bound and announced, so that sends do not ask.
 */
struct tracked_fd {
	uint64_t	ino;
	bool		bound;
};

void	(*ipsec_sockopt_sent_hook)(int fd, ssize_t rc);
void	(*ipsec_sockopt_close_hook)(int fd);

static struct tracked_fd *tracked;
static size_t ntracked;
static __thread int in_channel;

static void
resolve(void)
{
	real.setsockopt = (void *)dlsym(RTLD_NEXT, "setsockopt");
	real.getsockopt = (void *)dlsym(RTLD_NEXT, "getsockopt");
	real.bind = (void *)dlsym(RTLD_NEXT, "bind");
	real.connect = (void *)dlsym(RTLD_NEXT, "connect");
	real.listen = (void *)dlsym(RTLD_NEXT, "listen");
	real.sendto = (void *)dlsym(RTLD_NEXT, "sendto");
	real.sendmsg = (void *)dlsym(RTLD_NEXT, "sendmsg");
	real.close = (void *)dlsym(RTLD_NEXT, "close");
}

static const struct real_calls *
calls(void)
{
	pthread_once(&real_once, resolve);
	return &real;
}

/* The inode of fd when it has a policy (0 otherwise), and *bound. */
static uint64_t
track_get(int fd, bool *bound)
{
	uint64_t ino = 0;

	if (bound != NULL)
		*bound = false;
	if (fd < 0 || in_channel)
		return 0;
	pthread_mutex_lock(&track_lock);
	if ((size_t)fd < ntracked) {
		ino = tracked[fd].ino;
		if (bound != NULL)
			*bound = tracked[fd].bound;
	}
	pthread_mutex_unlock(&track_lock);
	return ino;
}

static void
track_bound(int fd)
{
	pthread_mutex_lock(&track_lock);
	if (fd >= 0 && (size_t)fd < ntracked && tracked[fd].ino != 0)
		tracked[fd].bound = true;
	pthread_mutex_unlock(&track_lock);
}

/* Remember (ino != 0) or forget fd; the old inode. */
static uint64_t
track_set(int fd, uint64_t ino)
{
	struct tracked_fd *grown;
	uint64_t old = 0;
	size_t n;

	if (fd < 0 || fd >= TRACK_MAX)
		return 0;
	pthread_mutex_lock(&track_lock);
	if ((size_t)fd >= ntracked && ino != 0) {
		n = (size_t)fd < 64 ? 64 : 2 * (size_t)fd;
		if (n > TRACK_MAX)
			n = TRACK_MAX;
		if ((grown = realloc(tracked, n * sizeof(*grown))) != NULL) {
			memset(grown + ntracked, 0,
			    (n - ntracked) * sizeof(*grown));
			tracked = grown;
			ntracked = n;
		}
	}
	if ((size_t)fd < ntracked) {
		old = tracked[fd].ino;
		tracked[fd].ino = ino;
		tracked[fd].bound = false;
	}
	pthread_mutex_unlock(&track_lock);
	return old;
}

static int
channel(int (*fn)(int, const void *, const void *), int fd, const void *a,
    const void *b)
{
	int rc;

	in_channel++;
	rc = fn(fd, a, b);
	in_channel--;
	return rc;
}

static int
do_refresh(int fd, const void *remote, const void *lenp)
{
	return ipsec_sockpol_refresh(fd, remote,
	    lenp == NULL ? 0 : *(const socklen_t *)lenp);
}

/*
 * Before the first packet of an unbound socket with a policy: bind it to
 * the wildcard address and a port of the kernel's choice, as the kernel
 * would at connect() or the first send, and tell the socket manager.
 */
static void
bind_first(int fd, const struct sockaddr *remote, socklen_t len)
{
	struct sockaddr_in6 me;
	socklen_t mlen = sizeof(me);
	int saved = errno;

	memset(&me, 0, sizeof(me));
	if (getsockname(fd, (struct sockaddr *)&me, &mlen) == 0 &&
	    (me.sin6_family == AF_INET || me.sin6_family == AF_INET6) &&
	    me.sin6_port == 0) {
		/* Same offset in sockaddr_in and sockaddr_in6. */
		memset((char *)&me + sizeof(sa_family_t), 0,
		    sizeof(me) - sizeof(sa_family_t));
		(void)calls()->bind(fd, (struct sockaddr *)&me,
		    me.sin6_family == AF_INET ? sizeof(struct sockaddr_in) :
		    sizeof(me));
	}
	if (channel(do_refresh, fd, remote, remote == NULL ? NULL : &len) ==
	    0)
		track_bound(fd);
	errno = saved;
}

static void
refresh_after(int fd)
{
	int saved = errno;

	if (channel(do_refresh, fd, NULL, NULL) == 0)
		track_bound(fd);
	errno = saved;
}

static int
do_set(int fd, const void *level, const void *arg)
{
	const struct { const void *buf; socklen_t len; } *a = arg;

	return ipsec_sockpol_set(fd, *(const int *)level, a->buf, a->len);
}

int
setsockopt(int fd, int level, int optname, const void *val, socklen_t len)
{
	struct { const void *buf; socklen_t len; } a = { val, len };
	struct stat st;

	if (in_channel || !ipsec_sockpol_option(level, optname))
		return calls()->setsockopt(fd, level, optname, val, len);
	if (channel(do_set, fd, &level, &a) != 0)
		return -1;
	if (fstat(fd, &st) == 0)
		(void)track_set(fd, (uint64_t)st.st_ino);
	return 0;
}

static int
do_get(int fd, const void *level, const void *arg)
{
	const struct { void *buf; socklen_t *len; } *a = arg;

	return ipsec_sockpol_get(fd, *(const int *)level, a->buf, a->len);
}

int
getsockopt(int fd, int level, int optname, void *val, socklen_t *len)
{
	struct { void *buf; socklen_t *len; } a = { val, len };

	if (in_channel || !ipsec_sockpol_option(level, optname))
		return calls()->getsockopt(fd, level, optname, val, len);
	return channel(do_get, fd, &level, &a);
}

int
bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	int rc = calls()->bind(fd, addr, len);

	if (rc == 0 && track_get(fd, NULL) != 0)
		refresh_after(fd);
	return rc;
}

int
listen(int fd, int backlog)
{
	int rc = calls()->listen(fd, backlog);

	if (rc == 0 && track_get(fd, NULL) != 0)
		refresh_after(fd);
	return rc;
}

int
connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	int rc, tracked_fd = track_get(fd, NULL) != 0;

	if (tracked_fd && addr != NULL)
		bind_first(fd, addr, len);
	rc = calls()->connect(fd, addr, len);
	if (tracked_fd && (rc == 0 || errno == EINPROGRESS))
		refresh_after(fd);
	return rc;
}

ssize_t
sendto(int fd, const void *buf, size_t n, int flags,
    const struct sockaddr *to, socklen_t tolen)
{
	ssize_t rc;
	bool bound;

	if (track_get(fd, &bound) != 0 && !bound)
		bind_first(fd, NULL, 0);
	rc = calls()->sendto(fd, buf, n, flags, to, tolen);
	if (ipsec_sockopt_sent_hook != NULL)
		ipsec_sockopt_sent_hook(fd, rc);
	return rc;
}

ssize_t
sendmsg(int fd, const struct msghdr *msg, int flags)
{
	ssize_t rc;
	bool bound;

	if (track_get(fd, &bound) != 0 && !bound)
		bind_first(fd, NULL, 0);
	rc = calls()->sendmsg(fd, msg, flags);
	if (ipsec_sockopt_sent_hook != NULL)
		ipsec_sockopt_sent_hook(fd, rc);
	return rc;
}

int
close(int fd)
{
	uint64_t ino = in_channel ? 0 : track_set(fd, 0);
	int rc;

	if (ipsec_sockopt_close_hook != NULL)
		ipsec_sockopt_close_hook(fd);
	rc = calls()->close(fd);

	if (ino != 0) {
		in_channel++;
		ipsec_sockpol_closed(ino);
		in_channel--;
	}
	return rc;
}
