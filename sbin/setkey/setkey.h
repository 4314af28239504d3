/*
 * setkey(8): a PF_KEY client of the socket manager.  main.c reads the
 * flags and picks a mode; session.c sends messages and reads the
 * replies; monitor.c is -x.
 */
#ifndef SBIN_SETKEY_SETKEY_H
#define SBIN_SETKEY_SETKEY_H

#include <stdbool.h>
#include <stdint.h>

#include <net/pfkeyv2.h>

#include "lib/libipsec/setkey_parse.h"

#define SETKEY_VERSION	"setkey (sockmgr) 0.1, KAME/ipsec-tools compatible"

struct setkey_opts {
	bool	 policy;	/* -P */
	bool	 all;		/* -a: DEAD SAs too */
	bool	 loop;		/* -l */
	bool	 ports;		/* -p */
	bool	 noaction;	/* -n */
	bool	 json;		/* -j: -D and -DP as JSON */
	int	 verbose;	/* -v */
	int	 hex;		/* -h, -H */
	int	 monitor;	/* -x count */
};

struct setkey_session {
	int			 so;
	uint32_t		 pid;
	const struct setkey_opts *opts;
	bool			 script;	/* "The result of line N" */
	bool			 registered;	/* supported lists read */
	unsigned		 records;	/* -j: objects printed */
};

/* session.c */
int	session_open(struct setkey_session *s, const struct setkey_opts *o);
void	session_close(struct setkey_session *s);
/* setkey_env.send: send one message and process its replies. */
int	session_send(void *arg, const struct setkey_request *req);
/* setkey_env.alg_check against the socket manager's REGISTER answer. */
int	session_alg_check(void *arg, enum crypto_kind kind, unsigned id,
	    unsigned bits);
/* A bare header message (-D, -F, -DP, -FP); 0 when it worked. */
int	session_simple(struct setkey_session *s, uint8_t type,
	    uint8_t satype);
/* -j -D, -j -DP: one JSON array of the records. */
int	session_dump_json(struct setkey_session *s);
/* -D -l: short rows every second, forever. */
int	session_loop_dump(struct setkey_session *s);

/* monitor.c: -x, forever. */
int	monitor_run(struct setkey_session *s);

#endif
