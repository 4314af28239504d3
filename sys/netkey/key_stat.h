/*
 * PF_KEY statistics in the sense of KAME's struct pfkeystat
 * (netstat -s -p pfkey).  "out" is user land to the key engine, "in" is the
 * key engine to user land, as KAME names them.  One instance, updated by the
 * parser (out_*) and the socket layer (in_*, sockerr); the socket manager is
 * single-threaded on its control path, so plain counters suffice.
 */
#ifndef SYS_NETKEY_KEY_STAT_H
#define SYS_NETKEY_KEY_STAT_H

#include <stdint.h>

#include "sys/net/mib.h"

enum key_sendup_target {
	KEY_SENDUP_ONE = 0,
	KEY_SENDUP_ALL = 1,
	KEY_SENDUP_REGISTERED = 2,
};

struct pfkeystat {
	/* user land -> key engine */
	uint64_t out_total;		/* messages written */
	uint64_t out_bytes;
	uint64_t out_msgtype[256];	/* by sadb_msg_type */
	uint64_t out_invlen;		/* bad length field */
	uint64_t out_invver;		/* bad version */
	uint64_t out_invmsgtype;	/* bad message type */
	uint64_t out_tooshort;		/* shorter than a header */
	uint64_t out_nomem;
	uint64_t out_dupext;		/* an extension twice */
	uint64_t out_invexttype;	/* unknown or misplaced extension */
	uint64_t out_invsatype;
	uint64_t out_invaddr;		/* bad address extension(s) */
	uint64_t out_sadfull;		/* SA refused: net.key.sad_max */
	uint64_t out_spdfull;		/* policy refused: net.key.spd_max */
	/* key engine -> user land */
	uint64_t in_total;
	uint64_t in_bytes;
	uint64_t in_msgtype[256];
	uint64_t in_msgtarget[3];	/* by enum key_sendup_target */
	uint64_t in_nomem;		/* copies that could not be queued */
	uint64_t sockerr;		/* errors on the sockets themselves */
};

extern struct pfkeystat pfkeystat;

/*
 * For net.key.stats: every scalar by KAME's field name, in_msgtarget[0-2],
 * and the non-zero buckets of out_msgtype and in_msgtype; zero them all
 * (struct mib_stats_ops; there is one set, ctx is not used).
 */
void	pfkeystat_walk(const void *ctx, mib_counter_fn fn, void *arg);
void	pfkeystat_reset(const void *ctx);

#endif
