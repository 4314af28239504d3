/*
 * The setkey script language: lexer, parser and the PF_KEY messages each
 * statement stands for.  setkey(8) and `sockmgr -f SCRIPT` both run
 * scripts through it, so a script means the same thing to both.
 *
 *	struct setkey_env env;
 *
 *	setkey_env_init(&env);
 *	env.fname = "ipsec.conf";
 *	env.send = my_send;		(deliver one message, say if it worked)
 *	env.alg_check = my_check;	(NULL: the crypto registry decides)
 *	env.arg = my_state;
 *	if (setkey_run(&env, text, len) != 0)
 *		... env.nfailed statements failed, env.parse_error ...
 *
 * A statement is validated completely (grammar, addresses, algorithms,
 * key lengths, policy) and all its messages are built before the first of
 * them goes to env.send, so a statement that is wrong changes nothing.
 * A grammar error stops the run, as in ipsec-tools: later statements may
 * depend on the one that failed.  A statement whose message the key
 * engine refuses (env.send returns non-zero) is counted, and the run goes
 * on with the next statement.
 *
 * Diagnostics go to env.err: "FILE: line N: WHAT at [TOKEN]" and then
 * "parse failed, line N.", FILE only when env.fname is set.
 */
#ifndef LIB_LIBIPSEC_SETKEY_PARSE_H
#define LIB_LIBIPSEC_SETKEY_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <net/pfkeyv2.h>

#include "sys/crypto/crypto.h"

/* env.flags */
#define SETKEY_F_NUMERIC	0x01	/* never look names up (fuzzing) */
#define SETKEY_F_QUIET		0x02	/* no warnings, only errors */

/* The most messages one statement may stand for (src x dst addresses). */
#define SETKEY_MSGS_MAX		64

/* One message of a statement, handed to env.send. */
struct setkey_request {
	unsigned		 line;	/* line of the statement's ';' */
	const char		*stmt;	/* keyword: "add", "spddump", ... */
	const struct sadb_msg	*msg;	/* 8-byte aligned */
	size_t			 len;	/* bytes */
	unsigned		 index;	/* 0 .. count-1 */
	unsigned		 count;	/* messages of this statement */
};

struct setkey_env {
	const char	*fname;		/* for diagnostics; NULL: none */
	FILE		*err;		/* diagnostics; NULL: stderr */
	unsigned	 flags;		/* SETKEY_F_* */
	uint32_t	 pid;		/* sadb_msg_pid; 0: getpid() */
	/*
	 * Whether algorithm id of kind takes keys of bits bits: 0, or
	 * ENOENT when the key engine does not support the algorithm, or
	 * EINVAL for a key length it does not take.  NULL: the crypto
	 * registry's rules (setkey_registry_check).
	 */
	int		(*alg_check)(void *arg, enum crypto_kind kind,
			    unsigned id, unsigned bits);
	/*
	 * Deliver one message; return 0 when it worked.  NULL: messages
	 * are built and dropped (a syntax check).
	 */
	int		(*send)(void *arg, const struct setkey_request *req);
	void		*arg;

	/* Results, kept across calls (an interactive session). */
	unsigned	 line;		/* lines consumed so far */
	unsigned	 nstmts;	/* statements run */
	unsigned	 nfailed;	/* statements env.send refused */
	bool		 parse_error;	/* a statement was malformed */
	bool		 quit;		/* "exit", "quit" or "bye" seen */
};

void	setkey_env_init(struct setkey_env *env);

/*
 * Run the statements of text (len bytes; NUL bytes are an error).
 * Returns 0 when every statement was well formed and delivered, -1
 * otherwise.  env.line goes on from its value, so an interactive session
 * may feed one line at a time; a statement must then be complete within
 * one call.
 */
int	setkey_run(struct setkey_env *env, const char *text, size_t len);

/* Read all of fp and run it. */
int	setkey_run_file(struct setkey_env *env, FILE *fp);

/* env.alg_check by the crypto registry (no key engine asked). */
int	setkey_registry_check(void *arg, enum crypto_kind kind, unsigned id,
	    unsigned bits);

#endif
