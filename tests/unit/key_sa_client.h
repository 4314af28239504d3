/*
 * In-process PF_KEY clients for the SA message tests: each client is one
 * end of a socketpair whose other end is a keysock; requests go through
 * key_dispatch() exactly as the socket layer would hand them over, and
 * replies are read from the client's end.  Also a describable SA request
 * (struct sa_req) built with key_build, so that error tables can vary
 * one field at a time.
 */
#ifndef TESTS_KEY_SA_CLIENT_H
#define TESTS_KEY_SA_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sys/netkey/key_build.h"
#include "sys/netkey/key_parse.h"

#define SA_MSGBUF_WORDS	(KEY_MSG_MAX / 8)

struct keysock;
struct net_event_loop;

/* Each client's keysock runs on the client's own event loop. */
struct sa_client {
	struct net_event_loop *loop;
	struct keysock	*so;
	int		 fd;		/* the client's end */
};

void	sa_client_open(struct sa_client *c);
void	sa_client_close(struct sa_client *c);
/* Hand the built message to key_dispatch(); its return value. */
int	sa_client_send(struct sa_client *c, const struct key_buf *b);
/*
 * The next message for c (after running c's event loop once), or -1
 * when none is waiting.  buf holds SA_MSGBUF_WORDS words.
 */
ssize_t	sa_client_recv(struct sa_client *c, uint64_t *buf);
/* Read and count (discard) everything waiting. */
int	sa_client_drain(struct sa_client *c);
/*
 * Send b and read the answer: its sadb_msg_errno, or -1 when nothing
 * came back.  The reply stays in buf (may be NULL).
 */
int	sa_client_call(struct sa_client *c, const struct key_buf *b,
	    uint64_t *buf);

/* A request about an SA; zero fields are left out of the message. */
struct sa_req {
	uint8_t		 type;
	uint8_t		 satype;
	uint32_t	 seq;
	uint32_t	 pid;
	const char	*src;		/* IPv4 or IPv6 text */
	const char	*dst;
	bool		 no_sa;		/* no SA extension */
	uint32_t	 spi;		/* host order */
	uint8_t		 state;
	uint8_t		 auth;
	uint8_t		 enc;
	uint32_t	 flags;
	uint8_t		 replay;
	uint16_t	 akeybits;	/* 0: no KEY_AUTH */
	uint16_t	 ekeybits;	/* 0: no KEY_ENCRYPT */
	const uint8_t	*ekey;		/* NULL: a pattern */
	uint64_t	 hard_addtime;
	uint64_t	 soft_addtime;
	uint64_t	 hard_bytes;
	bool		 sa2;
	uint8_t		 mode;
	uint32_t	 reqid;
	bool		 spirange;
	uint32_t	 spimin;
	uint32_t	 spimax;
	uint32_t	 sa_replay;	/* 0: no SA_REPLAY */
	const char	*ident;		/* IDENTITY_SRC string */
	uint8_t		 natt_type;	/* 0: no NAT-T extensions */
	uint16_t	 natt_sport;	/* host order */
	uint16_t	 natt_dport;
};

/* Build r into b (initialised dynamic here); key_build_end()'s value. */
int	sa_req_build(struct key_buf *b, const struct sa_req *r);

/* A good ESP ADD (AES-CBC 128 + HMAC-SHA1) from 192.0.2.1 to .2. */
struct sa_req sa_req_esp(uint8_t type, uint32_t spi);

/* The first extension of a type in a reply, or NULL. */
const struct sadb_ext *sa_reply_ext(const uint64_t *buf, uint16_t type);

/* Set up crypto, the SAD and the message layer for a suite. */
int	sa_suite_init(void);
int	sa_suite_fini(void);

/*
 * Run a setkey script (libipsec's parser) through a FreeBSD-dialect
 * client; every statement must be accepted.
 */
void	sa_apply_script(const char *script);

#endif
