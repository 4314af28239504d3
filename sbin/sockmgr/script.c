/*
 * sockmgr -f SCRIPT: a setkey script applied at start.  The script is run
 * by libipsec's setkey parser, the one setkey(8) uses, so a script means
 * the same thing to both.  Its messages go through an in-process PF_KEY
 * socket: one end of a socketpair is attached as a keysock, the other is
 * the client's, and the event loop reads, validates and dispatches each
 * request exactly as it does for a client connected to DIR/pfkey.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "lib/libipsec/setkey_parse.h"
#include "net/pfkeyv2.h"
#include "sbin/sockmgr/sockmgr.h"
#include "sys/net/net_event.h"
#include "sys/netkey/keysock.h"

/* How long a request may wait for its answer (event loop turns). */
#define SCRIPT_REPLY_TURNS	1000
#define SCRIPT_TURN_MS		10

struct script_client {
	struct net_event_loop *loop;	/* the one serving the socket */
	int		 fd;		/* the client's end */
	uint32_t	 pid;
	const char	*path;
	uint64_t	 buf[KEYSOCK_MSG_MAX / 8];
};

static bool
is_dump(uint8_t type)
{
	return type == SADB_DUMP || type == SADB_X_SPDDUMP;
}

/*
 * The next message on the client's end meant for this request (same pid
 * and type); other sockets' broadcasts are skipped.  NULL when nothing
 * came within the bound.
 */
static const struct sadb_msg *
script_recv(struct script_client *c, uint8_t type)
{
	const struct sadb_msg *m = (const struct sadb_msg *)c->buf;
	ssize_t n;
	int turns;

	for (turns = 0; turns < SCRIPT_REPLY_TURNS; ) {
		n = recv(c->fd, c->buf, sizeof(c->buf), MSG_DONTWAIT);
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return NULL;
			net_event_run_once(c->loop, SCRIPT_TURN_MS);
			turns++;
			continue;
		}
		if ((size_t)n >= sizeof(*m) && m->sadb_msg_pid == c->pid &&
		    m->sadb_msg_type == type)
			return m;
		OPENSSL_cleanse(c->buf, (size_t)n);
	}
	errno = ETIMEDOUT;
	return NULL;
}

/*
 * env.send: one request through the socket, its answer read back.  A
 * dump is read to its last record; an empty database is an answer.
 */
static int
script_send(void *arg, const struct setkey_request *req)
{
	struct script_client *c = arg;
	uint8_t type = req->msg->sadb_msg_type;
	const struct sadb_msg *m;
	int error;

	if (send(c->fd, req->msg, req->len, 0) != (ssize_t)req->len) {
		sockmgr_log(LOG_ERR, "%s: line %u: send: %s", c->path,
		    req->line, strerror(errno));
		return -1;
	}
	for (;;) {
		if ((m = script_recv(c, type)) == NULL) {
			sockmgr_log(LOG_ERR, "%s: line %u: no reply: %s",
			    c->path, req->line, strerror(errno));
			return -1;
		}
		error = m->sadb_msg_errno;
		if (error != 0 || !is_dump(type) || m->sadb_msg_seq == 0)
			break;
		OPENSSL_cleanse(c->buf, sizeof(c->buf));
	}
	OPENSSL_cleanse(c->buf, sizeof(c->buf));
	if (error != 0 && !(is_dump(type) && error == ENOENT)) {
		sockmgr_log(LOG_ERR, "%s: line %u: %s: %s", c->path, req->line,
		    req->stmt, strerror(error));
		return -1;
	}
	return 0;
}

int
sockmgr_script_apply(struct net_event_loop *loop, const char *path)
{
	struct script_client c;
	struct setkey_env env;
	keysock_log_fn saved_log;
	struct keysock *so;
	FILE *fp;
	int sv[2], rc;

	if ((fp = fopen(path, "r")) == NULL) {
		sockmgr_log(LOG_ERR, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* The script's own socket is no client: its closing is not news. */
	saved_log = keysock_log;
	keysock_log = NULL;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0 ||
	    (so = keysock_attach(loop, sv[0], getpid())) == NULL) {
		sockmgr_log(LOG_ERR, "%s: PF_KEY socket: %s", path,
		    strerror(errno));
		keysock_log = saved_log;
		fclose(fp);
		return -1;
	}
	memset(&c, 0, sizeof(c));
	c.loop = loop;
	c.fd = sv[1];
	c.pid = (uint32_t)getpid();
	c.path = path;
	setkey_env_init(&env);
	env.fname = path;
	env.pid = c.pid;
	env.send = script_send;
	env.arg = &c;
	rc = setkey_run_file(&env, fp);
	fclose(fp);
	keysock_detach(so);
	close(sv[1]);
	keysock_log = saved_log;
	OPENSSL_cleanse(&c, sizeof(c));
	if (rc != 0 && !env.parse_error)
		sockmgr_log(LOG_ERR, "%s: %u statement(s) refused", path,
		    env.nfailed);
	return rc;
}
