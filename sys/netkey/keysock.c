/*
 * PF_KEY sockets over AF_UNIX SOCK_SEQPACKET connections.
 *
 * Ownership and lifetime: the list of sockets and everything hanging off a
 * socket (its output queue, its dump streams) belong to this file and to
 * the single thread that runs the event loop.  A socket is freed only at
 * the end of its own event callback (or by keysock_detach() and
 * keysock_shutdown()), never while another socket's callback is delivering
 * to it: a send error merely marks it broken, which makes its descriptor
 * report writable, and its own callback then closes it.  So a keysock
 * pointer handed to the key engine stays valid for the whole dispatch of
 * the message.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include <linux/sockios.h>
#include <openssl/crypto.h>

#include "net/pfkeyv2.h"
#include "sys/net/net_event.h"
#include "sys/net/net_unix.h"
#include "sys/netkey/key_dialect.h"
#include "sys/netkey/key_dispatch.h"
#include "sys/netkey/key_var.h"
#include "sys/netkey/keysock.h"

/* Records read per wake-up, so that one busy client cannot starve others. */
#define KEYSOCK_READ_BUDGET	32
/* Dump records produced per wake-up, for the same reason. */
#define KEYSOCK_STREAM_BUDGET	256
/* Kernel send buffer asked for each connection. */
#define KEYSOCK_SNDBUF		(256 * 1024)

struct keysock_record {
	STAILQ_ENTRY(keysock_record) link;
	size_t		len;
	uint8_t		data[];
};

struct keysock_stream {
	STAILQ_ENTRY(keysock_stream) link;
	const struct keysock_stream_ops *ops;
	void		*cursor;
};

struct keysock {
	LIST_ENTRY(keysock) link;
	struct keysock_domain *dom;	/* the domain it belongs to */
	struct net_event_loop *loop;	/* the loop fd is registered on */
	int		 fd;
	pid_t		 pid;
	enum key_dialect dialect;	/* chosen by the endpoint */
	uint32_t	 regmask;	/* bit n: registered for satype n */
	unsigned int	 registered;	/* KAME kp_registered */
	bool		 promisc;
	bool		 broken;	/* send failed: drop all, close */
	bool		 eof;		/* peer done writing: drain */
	uint32_t	 events;	/* current epoll mask */
	size_t		 queued;	/* bytes in outq */
	unsigned int	 nstreams;	/* dumps pending in streams */
	uint64_t	 drops;
	STAILQ_HEAD(, keysock_record) outq;
	STAILQ_HEAD(, keysock_stream) streams;
};

struct keysock_stat keysock_stat;
keysock_log_fn keysock_log;

/* One listening endpoint per dialect: DIR/pfkey and DIR/pfkey.linux. */
struct keysock_listener {
	int		 fd;
	enum key_dialect dialect;
	struct keysock_domain *dom;
	char		 path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

/*
 * A PF_KEY domain: its sockets, its listening endpoints, the descriptor
 * kept in reserve for running out of them (see shed_one()), and the
 * buffers records are received into and dump records produced into
 * (8-byte aligned as PF_KEY structures need; wiped after each record).
 * The domain belongs to the control thread that runs its event loop.  A
 * socket reaches its domain through so->dom and a listener through
 * l->dom; only keysock_attach() and messages the engine originates
 * (keysock_sendup() with from NULL) name the process's domain itself.
 */
struct keysock_domain {
	LIST_HEAD(, keysock) socks;
	struct keysock_listener listeners[KEY_DIALECT_COUNT];
	struct net_event_loop *loop;	/* the listeners' (keysock_listen()) */
	int		 spare_fd;
	uint64_t	 rxbuf[KEYSOCK_MSG_MAX / sizeof(uint64_t)];
	uint64_t	 streambuf[KEYSOCK_MSG_MAX / sizeof(uint64_t)];
};

static const char *const listener_suffix[KEY_DIALECT_COUNT] = {
	[KEY_DIALECT_FREEBSD] = "",
	[KEY_DIALECT_LINUX] = ".linux",
};

static struct keysock_domain keysock_domain = {
	.socks = LIST_HEAD_INITIALIZER(keysock_domain.socks),
	.listeners = {
		[KEY_DIALECT_FREEBSD] = { .fd = -1,
		    .dialect = KEY_DIALECT_FREEBSD, .dom = &keysock_domain },
		[KEY_DIALECT_LINUX] = { .fd = -1,
		    .dialect = KEY_DIALECT_LINUX, .dom = &keysock_domain },
	},
	.spare_fd = -1,
};

static void
logmsg(int prio, const char *fmt, ...)
{
	va_list ap;

	if (keysock_log == NULL)
		return;
	va_start(ap, fmt);
	keysock_log(prio, fmt, ap);
	va_end(ap);
}

size_t
keysock_queue_soft(void)
{
	int recvspace = net_tunable_get(&key_vars.recvspace);
	size_t space;

	space = recvspace > 0 ? (size_t)recvspace : 0;
	return space > KEYSOCK_QUEUE_MIN ? space : KEYSOCK_QUEUE_MIN;
}

/*
 * Whether the socket layer takes more requests from so.  A request may
 * queue replies or start a dump, and each pending dump holds a snapshot
 * of its table: past either bound the socket is not read, so a client
 * that asks without reading stalls only itself.
 */
static bool
may_read(const struct keysock *so)
{
	return !so->eof && !so->broken && so->queued < keysock_queue_soft() &&
	    so->nstreams < KEYSOCK_STREAMS_MAX;
}

static void
update_events(struct keysock *so)
{
	uint32_t want;

	want = 0;
	if (!so->eof)
		want |= EPOLLRDHUP;
	if (may_read(so))
		want |= EPOLLIN;
	if (!STAILQ_EMPTY(&so->outq) || !STAILQ_EMPTY(&so->streams) ||
	    so->broken)
		want |= EPOLLOUT;
	if (want == so->events)
		return;
	if (net_event_modify(so->loop, so->fd, want) == 0)
		so->events = want;
}

static void
record_free(struct keysock_record *r)
{
	OPENSSL_cleanse(r->data, r->len);
	free(r);
}

/*
 * Send one message now if nothing is queued ahead of it.  Returns the
 * bytes sent, 0 when the socket cannot take it (queue it), -1 when the
 * socket is broken.
 */
static int
send_now(struct keysock *so, const struct iovec *iov, int iovcnt)
{
	struct msghdr mh;

	if (!STAILQ_EMPTY(&so->outq))
		return 0;
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = (struct iovec *)(uintptr_t)iov;
	mh.msg_iovlen = iovcnt;
	if (sendmsg(so->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) >= 0)
		return 1;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)
		return 0;
	so->broken = true;
	pfkeystat.sockerr++;
	update_events(so);
	return -1;
}

/*
 * Deliver iov (one PF_KEY message) to so.  reply selects the hard bound
 * instead of the soft one.  Returns 0 or ENOBUFS when it was dropped.
 */
static int
deliver(struct keysock *so, const struct iovec *iov, int iovcnt, bool reply)
{
	struct keysock_record *r;
	size_t len, off;
	int i;

	if (so->broken)
		return 0;
	if (send_now(so, iov, iovcnt) != 0)
		return 0;
	for (len = 0, i = 0; i < iovcnt; i++)
		len += iov[i].iov_len;
	/* The bound counts what a record really costs, header included. */
	if (so->queued + sizeof(*r) + len > (reply ? KEYSOCK_QUEUE_HARD :
	    keysock_queue_soft()) ||
	    (r = malloc(sizeof(*r) + len)) == NULL) {
		so->drops++;
		pfkeystat.in_nomem++;
		return ENOBUFS;
	}
	for (off = 0, i = 0; i < iovcnt; i++) {
		memcpy(r->data + off, iov[i].iov_base, iov[i].iov_len);
		off += iov[i].iov_len;
	}
	r->len = len;
	STAILQ_INSERT_TAIL(&so->outq, r, link);
	so->queued += sizeof(*r) + len;
	update_events(so);
	return 0;
}

/* The wrapped copy of KAME's key_sendup0(..., promisc = 1). */
static void
deliver_promisc(struct keysock *so, const void *msg, size_t len)
{
	struct sadb_msg hdr;
	struct iovec iov[2];

	memset(&hdr, 0, sizeof(hdr));
	hdr.sadb_msg_version = PF_KEY_V2;
	hdr.sadb_msg_type = SADB_X_PROMISC;
	hdr.sadb_msg_len = PFKEY_UNIT64(sizeof(hdr) + len);
	iov[0].iov_base = &hdr;
	iov[0].iov_len = sizeof(hdr);
	iov[1].iov_base = (void *)(uintptr_t)msg;
	iov[1].iov_len = len;
	pfkeystat.in_msgtype[SADB_X_PROMISC]++;
	deliver(so, iov, 2, false);
}

static bool
is_target(const struct keysock *so, enum key_sendup_target target)
{
	switch (target) {
	case KEY_SENDUP_ALL:
		return true;
	case KEY_SENDUP_REGISTERED:
		return so->registered > 0;
	case KEY_SENDUP_ONE:
	default:
		return false;
	}
}

/*
 * The message in each dialect, translated once per delivery and only for
 * the dialects some socket speaks.
 */
struct sendup_forms {
	const void	*msg;
	size_t		 len;
	bool		 tried[KEY_DIALECT_COUNT];
	int		 error[KEY_DIALECT_COUNT];
	struct iovec	 iov[KEY_DIALECT_COUNT];
};

static const struct iovec *
form_of(struct sendup_forms *f, enum key_dialect d)
{
	const void *res;
	size_t reslen;

	if (!f->tried[d]) {
		f->tried[d] = true;
		f->error[d] = key_dialect_out(d, f->msg, f->len, &res,
		    &reslen);
		f->iov[d].iov_base = (void *)(uintptr_t)res;
		f->iov[d].iov_len = reslen;
		if (f->error[d] != 0)
			pfkeystat.sockerr++;
	}
	return f->error[d] == 0 ? &f->iov[d] : NULL;
}

/* Translated copies may hold keys, as the original does. */
static void
forms_wipe(struct sendup_forms *f)
{
	unsigned int d;

	for (d = 0; d < KEY_DIALECT_COUNT; d++)
		if (f->tried[d] && f->error[d] == 0 &&
		    f->iov[d].iov_base != f->msg)
			OPENSSL_cleanse(f->iov[d].iov_base, f->iov[d].iov_len);
}

int
keysock_sendup(struct keysock *from, const void *msg, size_t len,
    enum key_sendup_target target)
{
	struct keysock_domain *dom = from != NULL ? from->dom :
	    &keysock_domain;
	const struct sadb_msg *hdr = msg;
	struct sendup_forms forms = { .msg = msg, .len = len };
	const struct iovec *iov;
	struct keysock *so;
	int error = 0;

	if (msg == NULL || len < sizeof(*hdr) || len > 0xffff * 8 ||
	    (unsigned)target > KEY_SENDUP_REGISTERED)
		return EINVAL;
	pfkeystat.in_total++;
	pfkeystat.in_bytes += len;
	pfkeystat.in_msgtype[hdr->sadb_msg_type]++;
	pfkeystat.in_msgtarget[target]++;
	LIST_FOREACH(so, &dom->socks, link) {
		if ((iov = form_of(&forms, so->dialect)) == NULL) {
			if (so == from)
				error = forms.error[so->dialect];
			continue;
		}
		if (so->promisc)
			deliver_promisc(so, iov->iov_base, iov->iov_len);
		if (so == from)
			error = deliver(so, iov, 1, true);
		else if (is_target(so, target))
			deliver(so, iov, 1, false);
	}
	forms_wipe(&forms);
	return error;
}

/* Send queued records until the socket would block. */
static void
flush_queue(struct keysock *so)
{
	struct keysock_record *r;
	ssize_t n;

	while ((r = STAILQ_FIRST(&so->outq)) != NULL) {
		n = send(so->fd, r->data, r->len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == ENOBUFS))
			break;
		if (n < 0) {
			so->broken = true;
			pfkeystat.sockerr++;
		}
		STAILQ_REMOVE_HEAD(&so->outq, link);
		so->queued -= sizeof(*r) + r->len;
		record_free(r);
	}
	if (so->broken)
		while ((r = STAILQ_FIRST(&so->outq)) != NULL) {
			STAILQ_REMOVE_HEAD(&so->outq, link);
			so->queued -= sizeof(*r) + r->len;
			record_free(r);
		}
}

static void
stream_end(struct keysock *so)
{
	struct keysock_stream *st;

	st = STAILQ_FIRST(&so->streams);
	STAILQ_REMOVE_HEAD(&so->streams, link);
	so->nstreams--;
	st->ops->release(st->cursor);
	free(st);
}

/*
 * Pull dump records while the socket takes them without queueing: at most
 * one record of a stream ever waits in the output queue, so a dump of any
 * size costs one record of memory however slowly the client reads.
 */
static void
pump_streams(struct keysock *so)
{
	uint64_t *buf = so->dom->streambuf;
	size_t cap = sizeof(so->dom->streambuf);
	struct keysock_stream *st;
	int budget = KEYSOCK_STREAM_BUDGET;
	long n;

	while ((st = STAILQ_FIRST(&so->streams)) != NULL && budget-- > 0) {
		if (so->broken || !STAILQ_EMPTY(&so->outq))
			break;
		n = st->ops->produce(st->cursor, buf, cap);
		if (n == 0) {
			stream_end(so);
			continue;
		}
		if (n < (long)sizeof(struct sadb_msg) ||
		    n > (long)cap) {
			pfkeystat.sockerr++;
			stream_end(so);
			continue;
		}
		keysock_stat.stream_records++;
		keysock_sendup(so, buf, (size_t)n, KEY_SENDUP_ONE);
		OPENSSL_cleanse(buf, (size_t)n);
	}
}

int
keysock_stream(struct keysock *so, const struct keysock_stream_ops *ops,
    void *cursor)
{
	struct keysock_stream *st;

	if (so == NULL || ops == NULL || ops->produce == NULL ||
	    ops->release == NULL) {
		if (ops != NULL && ops->release != NULL)
			ops->release(cursor);
		return EINVAL;
	}
	if ((st = malloc(sizeof(*st))) == NULL) {
		ops->release(cursor);
		return ENOBUFS;
	}
	st->ops = ops;
	st->cursor = cursor;
	STAILQ_INSERT_TAIL(&so->streams, st, link);
	so->nstreams++;
	keysock_stat.streams++;
	/* The records flow from the event loop once the socket is writable. */
	update_events(so);
	return 0;
}

static void
keysock_free(struct keysock *so)
{
	struct keysock_record *r;

	while (!STAILQ_EMPTY(&so->streams))
		stream_end(so);
	while ((r = STAILQ_FIRST(&so->outq)) != NULL) {
		STAILQ_REMOVE_HEAD(&so->outq, link);
		record_free(r);
	}
	logmsg(LOG_INFO, "pfkey: connection of pid %ld closed, %llu copies "
	    "dropped", (long)so->pid, (unsigned long long)so->drops);
	net_event_remove(so->loop, so->fd);
	close(so->fd);
	LIST_REMOVE(so, link);
	keysock_stat.closed++;
	free(so);
}

/*
 * recv() returns 0 both for a zero-length record and at the end of the
 * connection, and the events of the wake-up are no guide: the peer may
 * shut down its side while a burst is being read.  It is the end only if
 * the peer has shut down and no byte is left to read (a trailing run of
 * empty records before the end is then taken for the end too, and goes
 * unanswered).
 */
static bool
at_eof(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLRDHUP };
	int inq;

	if (poll(&pfd, 1, 0) != 1 ||
	    (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR)) == 0)
		return false;
	return ioctl(fd, SIOCINQ, &inq) != 0 || inq == 0;
}

/*
 * Take one record.  SEQPACKET keeps record boundaries and MSG_TRUNC
 * reports the real length of one that did not fit, so an oversized
 * message is answered (ENOBUFS, as KAME answers one over MCLBYTES) rather
 * than read as pieces.  Returns false when there is nothing more to read
 * now.
 */
static bool
read_one(struct keysock *so)
{
	uint64_t *rxbuf = so->dom->rxbuf;
	size_t cap = sizeof(so->dom->rxbuf), used;
	ssize_t n;

	n = recv(so->fd, rxbuf, cap, MSG_DONTWAIT | MSG_TRUNC);
	if (n < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			so->broken = true;
		return false;
	}
	if (n == 0 && at_eof(so->fd)) {
		so->eof = true;
		return false;
	}
	used = (size_t)n < cap ? (size_t)n : cap;
	if ((size_t)n > cap) {
		keysock_stat.oversize++;
		pfkeystat.out_nomem++;
		key_senderror(so, rxbuf, used, ENOBUFS);
	} else
		key_dispatch(so, rxbuf, used);
	/* The record may have carried keys. */
	OPENSSL_cleanse(rxbuf, used);
	return true;
}

/*
 * A peer that stopped writing still gets its queued replies and the rest
 * of its dumps (shutdown(SHUT_WR) is legal); one that cannot be written to
 * any more is closed at once.
 */
static bool
finished(const struct keysock *so)
{
	return so->broken || (so->eof && STAILQ_EMPTY(&so->outq) &&
	    STAILQ_EMPTY(&so->streams));
}

static void
keysock_event(int fd, uint32_t events, void *arg)
{
	struct keysock *so = arg;
	int budget = KEYSOCK_READ_BUDGET;

	(void)fd;
	if (events & (EPOLLOUT | EPOLLHUP | EPOLLERR)) {
		flush_queue(so);
		pump_streams(so);
	}
	if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
		while (may_read(so) && budget-- > 0 && read_one(so))
			continue;
	if (finished(so)) {
		keysock_free(so);
		return;
	}
	update_events(so);
}

static struct keysock *
domain_attach(struct keysock_domain *dom, struct net_event_loop *loop,
    int fd, pid_t pid)
{
	struct keysock *so;
	int sndbuf = KEYSOCK_SNDBUF;

	if (fd < 0) {
		errno = EBADF;
		return NULL;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	if ((so = calloc(1, sizeof(*so))) == NULL)
		return NULL;
	so->dom = dom;
	so->loop = loop;
	so->fd = fd;
	so->pid = pid;
	so->dialect = KEY_DIALECT_FREEBSD;
	so->events = EPOLLIN | EPOLLRDHUP;
	STAILQ_INIT(&so->outq);
	STAILQ_INIT(&so->streams);
	if (net_event_add(loop, fd, so->events, keysock_event, so) != 0) {
		free(so);
		return NULL;
	}
	LIST_INSERT_HEAD(&so->dom->socks, so, link);
	keysock_stat.accepted++;
	return so;
}

struct keysock *
keysock_attach(struct net_event_loop *loop, int fd, pid_t pid)
{
	return domain_attach(&keysock_domain, loop, fd, pid);
}

void
keysock_set_dialect(struct keysock *so, enum key_dialect d)
{
	if ((unsigned)d < KEY_DIALECT_COUNT)
		so->dialect = d;
}

enum key_dialect
keysock_dialect(const struct keysock *so)
{
	return so != NULL ? so->dialect : KEY_DIALECT_FREEBSD;
}

void
keysock_detach(struct keysock *so)
{
	if (so != NULL)
		keysock_free(so);
}

/*
 * Only root may hold a PF_KEY socket (RFC 2367 section 1.3).  False when
 * nothing more can be accepted now.
 */
static bool
accept_one(const struct keysock_listener *l)
{
	struct keysock *so;
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	bool shed;
	int fd;

	fd = net_unix_accept(l->fd, SOCK_NONBLOCK | SOCK_CLOEXEC,
	    &l->dom->spare_fd, &shed);
	if (fd < 0 && shed) {
		keysock_stat.shed++;
		pfkeystat.sockerr++;
		logmsg(LOG_WARNING, "pfkey: out of descriptors, connection "
		    "closed");
	}
	if (fd < 0)
		return shed;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) != 0 ||
	    cred.uid != 0) {
		keysock_stat.refused++;
		logmsg(LOG_WARNING, "pfkey: refused connection of uid %ld "
		    "pid %ld", clen == sizeof(cred) ? (long)cred.uid : -1L,
		    clen == sizeof(cred) ? (long)cred.pid : -1L);
		close(fd);
		return true;
	}
	if ((so = domain_attach(l->dom, l->dom->loop, fd, cred.pid)) == NULL) {
		pfkeystat.sockerr++;
		close(fd);
		return true;
	}
	keysock_set_dialect(so, l->dialect);
	logmsg(LOG_INFO, "pfkey: connection of pid %ld%s", (long)cred.pid,
	    l->dialect == KEY_DIALECT_LINUX ? " (Linux dialect)" : "");
	return true;
}

static void
listen_event(int fd, uint32_t events, void *arg)
{
	const struct keysock_listener *l = arg;
	int i;

	(void)fd;
	(void)events;
	for (i = 0; i < 16 && accept_one(l); i++)
		continue;
}

static void
listener_close(struct keysock_listener *l)
{
	if (l->fd < 0)
		return;
	net_event_remove(l->dom->loop, l->fd);
	close(l->fd);
	unlink(l->path);
	l->fd = -1;
}

int
keysock_listen(struct net_event_loop *loop, const char *path)
{
	struct keysock_domain *dom = &keysock_domain;
	struct keysock_listener *l;
	unsigned int d;
	int n, saved;

	if (dom->listeners[KEY_DIALECT_FREEBSD].fd >= 0) {
		errno = EBUSY;
		return -1;
	}
	dom->loop = loop;
	for (d = 0; d < KEY_DIALECT_COUNT; d++) {
		l = &dom->listeners[d];
		n = snprintf(l->path, sizeof(l->path), "%s%s", path,
		    listener_suffix[d]);
		if (n < 0 || (size_t)n >= sizeof(l->path)) {
			errno = ENAMETOOLONG;
			goto fail;
		}
		/*
		 * The directory (mode 0700) is the first gate; SO_PEERCRED
		 * is the second, so the socket file itself may be open to
		 * all.
		 */
		if ((l->fd = net_unix_listen(loop, l->path, listen_event,
		    l)) < 0)
			goto fail;
	}
	net_unix_spare(&dom->spare_fd);
	return 0;
fail:
	saved = errno;
	for (d = 0; d < KEY_DIALECT_COUNT; d++)
		listener_close(&dom->listeners[d]);
	errno = saved;
	return -1;
}

void
keysock_shutdown(void)
{
	struct keysock_domain *dom = &keysock_domain;
	unsigned int d;

	while (!LIST_EMPTY(&dom->socks))
		keysock_free(LIST_FIRST(&dom->socks));
	for (d = 0; d < KEY_DIALECT_COUNT; d++)
		listener_close(&dom->listeners[d]);
	if (dom->spare_fd >= 0)
		close(dom->spare_fd);
	dom->spare_fd = -1;
}

int
keysock_is_registered(const struct keysock *so, unsigned int satype)
{
	return satype < 32 && (so->regmask & (1u << satype)) != 0;
}

int
keysock_register(struct keysock *so, unsigned int satype)
{
	if (satype == SADB_SATYPE_UNSPEC || satype > SADB_SATYPE_MAX)
		return EINVAL;
	if (keysock_is_registered(so, satype))
		return EEXIST;
	so->regmask |= 1u << satype;
	so->registered++;
	return 0;
}

int
keysock_set_promisc(struct keysock *so, int on)
{
	so->promisc = on != 0;
	return 0;
}

int
keysock_promisc(const struct keysock *so)
{
	return so->promisc;
}

unsigned int
keysock_registered_count(unsigned int satype)
{
	const struct keysock *so;
	unsigned int n = 0;

	LIST_FOREACH(so, &keysock_domain.socks, link)
		if (satype == 0 ? so->registered > 0 :
		    keysock_is_registered(so, satype))
			n++;
	return n;
}

pid_t
keysock_pid(const struct keysock *so)
{
	return so->pid;
}

size_t
keysock_queued(const struct keysock *so)
{
	return so->queued;
}

uint64_t
keysock_drops(const struct keysock *so)
{
	return so->drops;
}
