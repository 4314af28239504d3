/*
 * Helpers of the SPD message tests: reading from the in-process PF_KEY
 * clients of key_sa_client.h, and a description of an SPD request that
 * tests can mutate before it is built.
 */
#ifndef TESTS_KEY_MSG_SPD_UTIL_H
#define TESTS_KEY_MSG_SPD_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sys/netkey/key_build.h"
#include "sys/netkey/key_parse.h"
#include "tests/unit/key_sa_client.h"

#define SPDT_MSG_WORDS	(KEY_MSG_MAX / 8)
#define SPDT_MAXREQ	6		/* more than IPSEC_MAXREQ */

/* Clients are the SA tests' (sa_client_open(), sa_client_close()). */

/*
 * The next message waiting for the client, into buf (SPDT_MSG_WORDS
 * words), running the event loop a little while none is there.  Returns
 * its length, or -1 when nothing came.
 */
ssize_t	spdt_recv(struct sa_client *c, uint64_t *buf);
/* Read and drop everything waiting; returns how many messages. */
int	spdt_drain(struct sa_client *c);

struct spdt_req {
	uint16_t	proto;
	uint8_t		mode;
	uint8_t		level;
	uint16_t	reqid;
	const char	*tsrc;		/* NULL: no endpoints */
	const char	*tdst;
};

/* An SPD request; spdt_spec_default() fills a valid SPDADD. */
struct spdt_spec {
	uint8_t		type;		/* message type */
	uint8_t		satype;
	uint32_t	seq;
	const char	*src;		/* textual, v4 or v6 */
	const char	*dst;
	uint8_t		splen, dplen, ul_proto;
	uint16_t	sport, dport;	/* host order */
	bool		no_addrs;
	bool		lifetime;	/* send LIFETIME_HARD */
	uint64_t	addtime, usetime;
	uint16_t	action;
	uint8_t		dir;
	uint32_t	id;
	uint32_t	priority;
	unsigned int	nreq;
	struct spdt_req	req[SPDT_MAXREQ];
};

void	spdt_spec_default(struct spdt_spec *s);
/* Build s into b (dynamic); 0 or the builder's error. */
int	spdt_build(struct key_buf *b, const struct spdt_spec *s);
/* Build s and hand it to key_dispatch() from c. */
void	spdt_send(struct sa_client *c, const struct spdt_spec *s);
/* A bare header of a type. */
void	spdt_send_hdr(struct sa_client *c, uint8_t type, uint8_t satype,
	    uint32_t seq);

/*
 * Receive one message at c and check it: the type, seq and errno given;
 * parses it into *m (pointing into buf).  Returns the length, -1 when
 * nothing or something else came (with a CUnit failure).
 */
ssize_t	spdt_expect(struct sa_client *c, uint64_t *buf, uint8_t type,
	    uint32_t seq, int error, struct key_msg *m);

/* Sockaddr from text, either family; port in host order. */
void	spdt_sockaddr(struct sockaddr_storage *ss, const char *addr,
	    uint16_t port);

#endif
