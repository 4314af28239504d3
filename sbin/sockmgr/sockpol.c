/*
 * The per-socket policy channel: DIR/sockpol, one request record and one
 * reply record per connection (lib/libipsec/ipsec_sockpol.h), and the
 * once-a-second sweep that keeps the table of sys/netipsec/ipsec_pcb.c
 * true to the host's sockets.
 *
 * Trust: any user may connect, so nothing in a request is believed.  The
 * socket named by its inode must be open in the requesting process
 * (SO_PEERCRED pid, /proc/PID/fd), and its protocol and addresses come
 * from the host stack (sock_diag), never from the client; only the
 * remote end of a connect() about to start is taken from the request,
 * and only for the requester's own socket.  Bypass needs uid 0, as KAME
 * lets only privileged sockets bypass.
 *
 * Lifetime of an entry: created by SET; moved by REFRESH (after bind,
 * listen, connect) and by the sweep; copied to accepted sockets by the
 * sweep (and matched through the listener's entry until then); removed
 * when the socket is gone, which a CLOSED notice checks at once and the
 * sweep within a second, whatever killed the client.  Entries are lost
 * when sockmgr stops: they describe sockets of processes that may have
 * changed meanwhile, and their owners set them again (sockmgr.8).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <netipsec/ipsec.h>

#include "lib/libipsec/ipsec_sockpol.h"
#include "sbin/sockmgr/sockmgr.h"
#include "sbin/sockmgr/sockpol.h"
#include "sys/net/net_clock.h"
#include "sys/net/net_event.h"
#include "sys/net/net_unix.h"
#include "sys/netkey/key_build.h"
#include "sys/netkey/key_msg_spd.h"
#include "sys/netkey/key_parse.h"
#include "sys/netkey/key_spd.h"

/*
 * Connections served at once; more are refused.  A client makes one
 * request per connection, so one open longer than SOCKPOL_IDLE_S is
 * closed: idle connections cannot keep others out.
 */
#define SOCKPOL_CONNS_MAX	64
#define SOCKPOL_IDLE_S		5

struct conn {
	struct sockmgr_sockpol *sp;
	int		 fd;		/* -1: free */
	time_t		 since;
};

/*
 * The endpoint: the loop it was handed (its listener, connections and
 * sweep run there), the descriptor kept for running out of them
 * (net_unix_accept()), the request and reply of the connection being
 * served, and the sweep's scratch arrays.
 */
struct sockmgr_sockpol {
	struct net_event_loop *loop;
	int		 listen_fd;
	int		 spare_fd;
	char		 path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct conn	 conns[SOCKPOL_CONNS_MAX];
	struct sockpol_req rq;
	struct sockpol_reply rp;
	uint64_t	 inos[IPSEC_PCB_MAX];
	bool		 found[IPSEC_PCB_MAX];
};

struct request {
	const struct sockpol_req *rq;
	struct ucred		  cred;
	struct sockpol_reply	 *rp;
};

/*
 * The x_policy of a request, checked as the key engine checks one in a
 * PF_KEY message (request lengths, sockaddrs): wrapped in a header and
 * run through key_parse_reply().  NULL when it does not validate.
 */
static const struct sadb_x_policy *
checked_policy(const struct sockpol_req *rq, uint64_t *msg, size_t cap)
{
	struct sadb_msg *h = (struct sadb_msg *)(void *)msg;
	struct key_msg m;
	size_t len = sizeof(*h) + rq->policy_len;

	if (rq->policy_len < sizeof(struct sadb_x_policy) ||
	    rq->policy_len % 8 != 0 || len > cap)
		return NULL;
	memset(h, 0, sizeof(*h));
	h->sadb_msg_version = PF_KEY_V2;
	h->sadb_msg_type = SADB_X_SPDGET;
	h->sadb_msg_len = (uint16_t)PFKEY_UNIT64(len);
	memcpy(h + 1, rq->policy, rq->policy_len);
	if (key_parse_reply(msg, len, &m) != 0)
		return NULL;
	return KEY_MSG_EXT(&m, SADB_X_EXT_POLICY, sadb_x_policy);
}

/*
 * An address and port of a request (a sockaddr_in or _in6 in a
 * sockaddr_in6's room) as a tuple's; the wildcard address is
 * unspecified.  Another family leaves both unspecified.
 */
static void
take_endpoint(union key_sockaddr *addr, uint16_t *port, int family,
    const struct sockaddr_in6 *from)
{
	const struct sockaddr_in *sin = (const void *)from;

	memset(addr, 0, sizeof(*addr));
	*port = 0;
	if (from->sin6_family != family)
		return;
	if (family == AF_INET) {
		*port = ntohs(sin->sin_port);
		if (sin->sin_addr.s_addr == INADDR_ANY)
			return;
		addr->sin.sin_family = AF_INET;
		addr->sin.sin_addr = sin->sin_addr;
	} else {
		*port = ntohs(from->sin6_port);
		if (IN6_IS_ADDR_UNSPECIFIED(&from->sin6_addr))
			return;
		addr->sin6.sin6_family = AF_INET6;
		addr->sin6.sin6_addr = from->sin6_addr;
	}
}

struct port_arg {
	uint64_t	ino;
	uint16_t	lport;
	bool		taken;
};

static bool
port_check(const struct sockpol_sock *s, void *arg)
{
	struct port_arg *a = arg;

	if (s->ino != a->ino && s->t.lport == a->lport)
		a->taken = true;
	return !a->taken;
}

/*
 * A socket sock_diag cannot show yet: its protocol and local end as the
 * client says.  A claimed port that another socket holds is not believed
 * (it would aim this socket's policy at someone else's traffic); the
 * sweep puts in the truth once the host shows the socket.
 */
static int
claimed_socket(const struct request *r, struct sockpol_sock *s)
{
	const struct sockpol_req *rq = r->rq;
	struct port_arg a = { rq->ino, 0, false };

	if (rq->proto != IPPROTO_TCP && rq->proto != IPPROTO_UDP)
		return EOPNOTSUPP;
	memset(s, 0, sizeof(*s));
	s->ino = rq->ino;
	s->uid = r->cred.uid;
	s->t.family = (uint8_t)rq->family;
	s->t.proto = (uint8_t)rq->proto;
	take_endpoint(&s->t.laddr, &s->t.lport, (int)rq->family, &rq->local);
	if (s->t.lport == 0)
		return 0;
	a.lport = s->t.lport;
	if (sockpol_diag_walk((int)rq->family, (int)rq->proto, port_check,
	    &a) != 0 || a.taken) {
		memset(&s->t.laddr, 0, sizeof(s->t.laddr));
		s->t.lport = 0;
	}
	return 0;
}

/* The socket of a request, which must be the requester's own. */
static int
own_socket(const struct request *r, struct sockpol_sock *s)
{
	int error;

	if (r->rq->family != AF_INET && r->rq->family != AF_INET6)
		return EAFNOSUPPORT;
	if (!sockpol_pid_holds(r->cred.pid, r->rq->ino))
		return EBADF;
	error = sockpol_diag_find(r->rq->ino, (int)r->rq->family, s);
	return error == ENOENT ? claimed_socket(r, s) : error;
}

static bool
dir_valid(unsigned dir)
{
	return dir == IPSEC_DIR_INBOUND || dir == IPSEC_DIR_OUTBOUND;
}

/* KAME's ipsec_set_policy() rules for a socket's own policy. */
static int
op_set(struct request *r)
{
	uint64_t msg[(sizeof(struct sadb_msg) + SOCKPOL_POLICY_MAX) / 8];
	const struct sadb_x_policy *xpl;
	struct ipsec_policy *p = NULL;
	struct sockpol_sock s;
	int error;

	if ((xpl = checked_policy(r->rq, msg, sizeof(msg))) == NULL ||
	    !dir_valid(xpl->sadb_x_policy_dir))
		return EINVAL;
	switch (xpl->sadb_x_policy_type) {
	case IPSEC_POLICY_BYPASS:
		if (r->cred.uid != 0)
			return EACCES;
		break;
	case IPSEC_POLICY_IPSEC:
	case IPSEC_POLICY_ENTRUST:
		break;
	default:		/* discard, none (KAME: EINVAL) and unknown */
		return EINVAL;
	}
	if ((error = own_socket(r, &s)) != 0)
		return error;
	if (xpl->sadb_x_policy_type != IPSEC_POLICY_ENTRUST &&
	    (error = key_policy_from_xpolicy(xpl, &p)) != 0)
		return error;
	if (p == NULL && !ipsec_pcb_exists(r->rq->ino))
		return 0;
	return ipsec_pcb_set(r->rq->ino, &s.t, xpl->sadb_x_policy_dir, p);
}

/* The x_policy of p (entrust when NULL) into the reply. */
static int
reply_policy(struct sockpol_reply *rp, const struct ipsec_policy *p,
    unsigned dir)
{
	uint64_t msg[(sizeof(struct sadb_msg) + SOCKPOL_POLICY_MAX) / 8];
	const struct sadb_x_policy *xpl;
	struct key_buf b;
	struct key_msg m;

	key_buf_init(&b, msg, sizeof(msg));
	key_build_begin(&b, SADB_X_SPDGET, SADB_SATYPE_UNSPEC, 0, 0);
	if (p != NULL)
		key_policy_build_policy(&b, p);
	else
		key_build_policy(&b, IPSEC_POLICY_ENTRUST, (uint8_t)dir, 0, 0);
	if (key_build_end(&b) != 0 ||
	    key_parse_reply(key_buf_data(&b), key_buf_len(&b), &m) != 0 ||
	    (xpl = KEY_MSG_EXT(&m, SADB_X_EXT_POLICY, sadb_x_policy)) == NULL)
		return ENOBUFS;
	rp->policy_len = (uint32_t)PFKEY_EXTLEN(xpl);
	if (rp->policy_len > sizeof(rp->policy))
		return ENOBUFS;
	memcpy(rp->policy, xpl, rp->policy_len);
	return 0;
}

static int
op_get(struct request *r)
{
	struct ipsec_policy *p;
	struct sockpol_sock s;
	int error;

	if (!dir_valid(r->rq->dir))
		return EINVAL;
	if ((error = own_socket(r, &s)) != 0)
		return error;
	p = ipsec_pcb_get(r->rq->ino, (uint8_t)r->rq->dir, NULL);
	error = reply_policy(r->rp, p, r->rq->dir);
	key_policy_put(p);
	return error;
}

/* Before connect() the host does not know the remote end yet. */
static void
take_remote(struct ipsec_pcb_tuple *t, const struct sockaddr_in6 *remote)
{
	if (t->raddr.sa.sa_family != AF_UNSPEC || t->rport != 0 ||
	    remote->sin6_family != t->family)
		return;
	take_endpoint(&t->raddr, &t->rport, t->family, remote);
}

static int
op_refresh(struct request *r)
{
	struct sockpol_sock s;
	int error;

	if (!ipsec_pcb_exists(r->rq->ino))
		return 0;
	if ((error = own_socket(r, &s)) != 0)
		return error;
	take_remote(&s.t, &r->rq->remote);
	return ipsec_pcb_move(r->rq->ino, &s.t);
}

/* Anyone may say a socket closed: only a socket that is gone goes. */
static int
op_closed(struct request *r)
{
	struct sockpol_sock s;

	if (!ipsec_pcb_exists(r->rq->ino) ||
	    sockpol_diag_find(r->rq->ino, AF_INET, &s) == 0 ||
	    sockpol_diag_find(r->rq->ino, AF_INET6, &s) == 0)
		return 0;
	ipsec_pcb_remove(r->rq->ino);
	return 0;
}

typedef int (*sockpol_op_fn)(struct request *);

static const sockpol_op_fn ops[] = {
	[SOCKPOL_SET] = op_set,
	[SOCKPOL_GET] = op_get,
	[SOCKPOL_REFRESH] = op_refresh,
	[SOCKPOL_CLOSED] = op_closed,
};

static int
handle(struct request *r, size_t n)
{
	const struct sockpol_req *rq = r->rq;

	if (n < offsetof(struct sockpol_req, policy) ||
	    rq->policy_len > sizeof(rq->policy) || n != SOCKPOL_REQ_LEN(rq))
		return EINVAL;
	if (rq->op >= sizeof(ops) / sizeof(ops[0]) || ops[rq->op] == NULL)
		return EOPNOTSUPP;
	return ops[rq->op](r);
}

static void
conn_close(struct conn *c)
{
	net_event_remove(c->sp->loop, c->fd);
	close(c->fd);
	c->fd = -1;
}

static struct conn *
conn_slot(struct sockmgr_sockpol *sp)
{
	size_t i;

	for (i = 0; i < SOCKPOL_CONNS_MAX; i++)
		if (sp->conns[i].fd < 0)
			return &sp->conns[i];
	return NULL;
}

static void
close_idle(struct sockmgr_sockpol *sp)
{
	time_t now = net_time_now();
	size_t i;

	for (i = 0; i < SOCKPOL_CONNS_MAX; i++)
		if (sp->conns[i].fd >= 0 &&
		    now - sp->conns[i].since >= SOCKPOL_IDLE_S)
			conn_close(&sp->conns[i]);
}

static void
conn_event(int fd, uint32_t events, void *arg)
{
	struct conn *c = arg;
	struct sockpol_req *rq = &c->sp->rq;
	struct sockpol_reply *rp = &c->sp->rp;
	struct request r = { .rq = rq, .rp = rp };
	socklen_t clen = sizeof(r.cred);
	ssize_t n;

	(void)events;
	n = recv(fd, rq, sizeof(*rq), MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0 || getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &r.cred,
	    &clen) != 0) {
		conn_close(c);
		return;
	}
	memset(rp, 0, offsetof(struct sockpol_reply, policy));
	rp->error = handle(&r, (size_t)n);
	(void)send(fd, rp, offsetof(struct sockpol_reply, policy) +
	    (rp->error == 0 ? rp->policy_len : 0), MSG_DONTWAIT | MSG_NOSIGNAL);
}

static void
listen_event(int fd, uint32_t events, void *arg)
{
	struct sockmgr_sockpol *sp = arg;
	struct conn *slot;
	bool shed;
	int c;

	(void)events;
	c = net_unix_accept(fd, SOCK_NONBLOCK | SOCK_CLOEXEC, &sp->spare_fd,
	    &shed);
	if (c < 0)
		return;
	if ((slot = conn_slot(sp)) == NULL ||
	    net_event_add(sp->loop, c, EPOLLIN, conn_event, slot) != 0) {
		close(c);
		return;
	}
	slot->fd = c;
	slot->since = net_time_now();
}

struct sweep {
	size_t	 inherited;
	uint64_t *unseen;		/* inodes sock_diag did not show */
	size_t	 nunseen;
};

static void
collect_unseen(const struct ipsec_pcb_view *v, void *arg)
{
	struct sweep *sw = arg;

	if (!v->seen)
		sw->unseen[sw->nunseen++] = v->ino;
}

static int
ino_order(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Sockets sock_diag did not show may still be open, unbound or (before
 * Linux 6.8) bound but idle: keep those some process holds.
 */
static void
keep_held(struct sockmgr_sockpol *sp, struct sweep *sw)
{
	size_t i;

	sw->unseen = sp->inos;
	sw->nunseen = 0;
	ipsec_pcb_walk(collect_unseen, sw);
	if (sw->nunseen == 0)
		return;
	qsort(sp->inos, sw->nunseen, sizeof(sp->inos[0]), ino_order);
	sockpol_proc_scan(sp->inos, sp->found, sw->nunseen);
	for (i = 0; i < sw->nunseen; i++)
		if (sp->found[i])
			(void)ipsec_pcb_seen(sp->inos[i], NULL);
}

static bool
sweep_one(const struct sockpol_sock *s, void *arg)
{
	struct sweep *sw = arg;

	if (!ipsec_pcb_seen(s->ino, &s->t) && ipsec_pcb_inherit(s->ino, &s->t))
		sw->inherited++;
	return true;
}

/*
 * Once a second while any socket has a policy: every TCP and UDP socket
 * of both families, entries moved to what the host says, accepted
 * sockets given their listener's policies, entries of sockets gone
 * removed.  A failed dump removes nothing.
 */
static void
sweep_timer(void *arg)
{
	static const int families[] = { AF_INET, AF_INET6 };
	static const int protos[] = { IPPROTO_TCP, IPPROTO_UDP };
	struct sockmgr_sockpol *sp = arg;
	struct sweep sw = { 0 };
	size_t i, j, gone;
	int error;

	close_idle(sp);
	if (ipsec_pcb_count() == 0)
		return;
	ipsec_pcb_mark();
	for (i = 0; i < 2; i++)
		for (j = 0; j < 2; j++) {
			error = sockpol_diag_walk(families[i], protos[j],
			    sweep_one, &sw);
			if (error != 0) {
				sockmgr_log(LOG_WARNING, "sock_diag: %s",
				    strerror(error));
				return;
			}
		}
	keep_held(sp, &sw);
	gone = ipsec_pcb_sweep();
	if (gone != 0 || sw.inherited != 0)
		sockmgr_log(LOG_DEBUG, "per-socket policies: %zu inherited, "
		    "%zu gone", sw.inherited, gone);
}

struct sockmgr_sockpol *
sockmgr_sockpol_start(struct net_event_loop *loop, const char *dir)
{
	struct sockmgr_sockpol *sp;
	size_t i;
	int n;

	if ((sp = calloc(1, sizeof(*sp))) == NULL)
		return NULL;
	sp->loop = loop;
	sp->spare_fd = -1;
	for (i = 0; i < SOCKPOL_CONNS_MAX; i++) {
		sp->conns[i].sp = sp;
		sp->conns[i].fd = -1;
	}
	n = snprintf(sp->path, sizeof(sp->path), "%s/%s", dir, SOCKPOL_NAME);
	if (n < 0 || (size_t)n >= sizeof(sp->path)) {
		free(sp);
		errno = ENAMETOOLONG;
		return NULL;
	}
	if ((sp->listen_fd = net_unix_listen(loop, sp->path, listen_event,
	    sp)) < 0) {
		free(sp);
		return NULL;
	}
	if (net_event_timer_add(loop, sweep_timer, sp) != 0) {
		n = errno;
		sockmgr_sockpol_stop(sp);
		errno = n;
		return NULL;
	}
	net_unix_spare(&sp->spare_fd);
	return sp;
}

void
sockmgr_sockpol_stop(struct sockmgr_sockpol *sp)
{
	size_t i;

	ipsec_pcb_flush();
	if (sp == NULL)
		return;
	for (i = 0; i < SOCKPOL_CONNS_MAX; i++)
		if (sp->conns[i].fd >= 0)
			conn_close(&sp->conns[i]);
	net_event_remove(sp->loop, sp->listen_fd);
	net_event_timer_remove(sp->loop, sweep_timer, sp);
	close(sp->listen_fd);
	unlink(sp->path);
	if (sp->spare_fd >= 0)
		close(sp->spare_fd);
	free(sp);
}
