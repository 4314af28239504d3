/*
 * setkey's conversation with the socket manager: one PF_KEY socket, every
 * request answered before the next goes out, replies told apart from
 * other sockets' traffic by pid and type, dumps read until the record
 * with sequence 0, and the results printed as ipsec-tools prints them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include <netipsec/ipsec.h>

#include "lib/libipsec/libpfkey.h"
#include "lib/libipsec/pfkey_dump_util.h"
#include "sbin/setkey/setkey.h"
#include "sys/netkey/key_build.h"

#define REPLY_TIMEOUT_SEC	1	/* per record, as ipsec-tools */

int
session_open(struct setkey_session *s, const struct setkey_opts *o)
{
	struct timeval tv = { REPLY_TIMEOUT_SEC, 0 };

	memset(s, 0, sizeof(*s));
	s->opts = o;
	s->pid = (uint32_t)getpid();
	if ((s->so = pfkey_open()) < 0) {
		fprintf(stderr, "setkey: cannot reach the socket manager: "
		    "%s\n", strerror(errno));
		return -1;
	}
	if (setsockopt(s->so, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0)
		fprintf(stderr, "setkey: SO_RCVTIMEO: %s\n", strerror(errno));
	return 0;
}

void
session_close(struct setkey_session *s)
{
	if (s->so >= 0)
		pfkey_close(s->so);
	s->so = -1;
}

/* Replies may hold keys (GET): wipe them before they go. */
static void
free_msg(struct sadb_msg *m)
{
	if (m == NULL)
		return;
	OPENSSL_cleanse(m, PFKEY_UNUNIT64((size_t)m->sadb_msg_len));
	free(m);
}

/* -v: a message and a blank line after it, as ipsec-tools prints them. */
static void
print_verbose(const struct sadb_msg *m)
{
	kdebug_sadb_fp(stdout, m);
	printf("\n");
}

/* The next message meant for this request; NULL on timeout or error. */
static struct sadb_msg *
recv_reply(struct setkey_session *s, uint8_t type)
{
	struct sadb_msg *m;

	for (;;) {
		if ((m = pfkey_recv(s->so)) == NULL) {
			fprintf(stderr, "setkey: no reply: %s\n",
			    ipsec_strerror());
			return NULL;
		}
		if (s->opts->verbose)
			print_verbose(m);
		if (m->sadb_msg_pid == s->pid && m->sadb_msg_type == type)
			return m;
		free_msg(m);
	}
}

/* ipsec-tools' wording of a refusal. */
static void
print_error(const struct setkey_session *s, unsigned line,
    const struct sadb_msg *m)
{
	const char *what = strerror(m->sadb_msg_errno);

	/* In JSON an empty database is just an empty array. */
	if (s->opts->json && m->sadb_msg_errno == ENOENT)
		return;
	if (m->sadb_msg_errno == ENOENT) {
		if (m->sadb_msg_type == SADB_DUMP)
			what = "No SAD entries";
		else if (m->sadb_msg_type == SADB_X_SPDDUMP)
			what = "No SPD entries";
		else
			what = "No entry";
	}
	if (s->script)
		printf("The result of line %u: %s.\n", line, what);
	else
		printf("%s.\n", what);
}

/* A DEAD SA, shown with -a only. */
static bool
hidden(const struct setkey_session *s, const struct sadb_msg *m)
{
	const struct sadb_sa *sa;
	caddr_t mhp[SADB_EXT_MAX + 1];

	return !s->opts->all && (m->sadb_msg_type == SADB_GET ||
	    m->sadb_msg_type == SADB_DUMP) &&
	    pfkey_align((struct sadb_msg *)m, mhp) == 0 &&
	    (sa = (const struct sadb_sa *)(void *)mhp[SADB_EXT_SA]) != NULL &&
	    sa->sadb_sa_state == SADB_SASTATE_DEAD;
}

static void
print_json(struct setkey_session *s, const struct sadb_msg *m)
{
	fputs(s->records++ == 0 ? "\n  " : ",\n  ", stdout);
	if (m->sadb_msg_type == SADB_X_SPDDUMP)
		pfkey_spdump_json_fp(stdout, m);
	else
		pfkey_sadump_json_fp(stdout, m);
}

static void
print_record(struct setkey_session *s, const struct sadb_msg *m)
{
	int flags = s->opts->ports ? PFKEY_DUMP_PORTS : 0;

	if (hidden(s, m))
		return;
	if (s->opts->json) {
		print_json(s, m);
		return;
	}
	switch (m->sadb_msg_type) {
	case SADB_GET:
	case SADB_DUMP:
		if (s->opts->loop)
			pfkey_sadump_short_fp(stdout, m, flags);
		else
			pfkey_sadump_fp(stdout, m, flags);
		break;
	case SADB_X_SPDDUMP:
	case SADB_X_SPDGET:
		pfkey_spdump_fp(stdout, m, flags);
		break;
	}
}

static bool
is_dump(uint8_t type)
{
	return type == SADB_DUMP || type == SADB_X_SPDDUMP;
}

int
session_send(void *arg, const struct setkey_request *req)
{
	struct setkey_session *s = arg;
	uint8_t type = req->msg->sadb_msg_type;
	struct sadb_msg *m;
	int rv = 0;

	if (s->opts->verbose)
		print_verbose(req->msg);
	if (pfkey_send(s->so, (struct sadb_msg *)req->msg,
	    (int)req->len) < 0) {
		fprintf(stderr, "setkey: send: %s\n", ipsec_strerror());
		return -1;
	}
	do {
		if ((m = recv_reply(s, type)) == NULL)
			return -1;
		if (m->sadb_msg_errno != 0) {
			print_error(s, req->line, m);
			/* An empty database is an answer, not a failure. */
			if (!(is_dump(type) && m->sadb_msg_errno == ENOENT))
				rv = -1;
		} else
			print_record(s, m);
		fflush(stdout);
		if (m->sadb_msg_errno != 0 || !is_dump(type) ||
		    m->sadb_msg_seq == 0) {
			free_msg(m);
			break;
		}
		free_msg(m);
	} while (1);
	return rv;
}

/* The supported lists, asked for once before the first key check. */
static void
session_register(struct setkey_session *s)
{
	if (s->registered)
		return;
	s->registered = true;
	if (pfkey_send_register(s->so, SADB_SATYPE_UNSPEC) < 0 ||
	    pfkey_recv_register(s->so) < 0)
		fprintf(stderr, "setkey: no supported algorithm list: %s\n",
		    ipsec_strerror());
}

int
session_alg_check(void *arg, enum crypto_kind kind, unsigned id,
    unsigned bits)
{
	struct setkey_session *s = arg;
	unsigned ext;

	/* IPComp has no list of its own; the registry knows its ids. */
	if (kind == CRYPTO_KIND_COMP)
		return setkey_registry_check(NULL, kind, id, bits);
	session_register(s);
	ext = kind == CRYPTO_KIND_AUTH ? SADB_EXT_SUPPORTED_AUTH :
	    SADB_EXT_SUPPORTED_ENCRYPT;
	if (ipsec_check_keylen(ext, id, bits) == 0)
		return 0;
	return ipsec_errcode == EIPSEC_INVAL_ALGS ? ENOENT : EINVAL;
}

int
session_simple(struct setkey_session *s, uint8_t type, uint8_t satype)
{
	struct setkey_request req;
	struct key_buf b;
	int rv;

	key_buf_init_dynamic(&b);
	key_build_begin(&b, type, satype, 0, s->pid);
	if (key_build_end(&b) != 0) {
		key_buf_free(&b);
		return -1;
	}
	memset(&req, 0, sizeof(req));
	req.msg = key_buf_data(&b);
	req.len = key_buf_len(&b);
	req.count = 1;
	rv = session_send(s, &req);
	key_buf_free(&b);
	return rv;
}

int
session_dump_json(struct setkey_session *s)
{
	int rv;

	s->records = 0;
	fputs("[", stdout);
	rv = session_simple(s, s->opts->policy ? SADB_X_SPDDUMP : SADB_DUMP,
	    SADB_SATYPE_UNSPEC);
	fputs(s->records > 0 ? "\n]\n" : "]\n", stdout);
	return rv;
}

int
session_loop_dump(struct setkey_session *s)
{
	pfkey_sadump_short_header_fp(stdout);
	for (;;) {
		session_simple(s, SADB_DUMP, SADB_SATYPE_UNSPEC);
		fflush(stdout);
		sleep(1);
	}
	return 0;
}
