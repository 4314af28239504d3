/*
 * The socket manager's sysctl MIB: one registry of every tunable and
 * statistics node, by full BSD name (net.inet.ipsec.dfbit, net.key.stats).
 *
 * Each module keeps its own const table of nodes next to its variables
 * and hands it to mib_register() at start-up, so this registry knows no
 * module and no module knows another.  An integer node points at the plain
 * int the packet path or key engine reads, so a value set here takes
 * effect on the next packet or message.  A statistics node walks its
 * counters through a callback and can be zeroed.
 *
 * Everything runs on the socket manager's one control thread.
 */
#ifndef SYS_NET_MIB_H
#define SYS_NET_MIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MIB_NAME_MAX	64	/* longest full name, NUL included */
#define MIB_TABLES_MAX	16	/* tables mib_register() takes */

enum mib_kind {
	MIB_INT,		/* one int, read or written as a number */
	MIB_STATS,		/* a set of uint64_t counters, read-only */
};

/*
 * One counter of a statistics node: index is -1 for a scalar and the
 * bucket for a histogram ("esps_hist", 12).  Walkers report every scalar
 * and only the non-zero histogram buckets.
 */
typedef void (*mib_counter_fn)(void *arg, const char *name, int index,
	    uint64_t value);

/* A statistics node's walker and zeroer, both given ctx. */
struct mib_stats_ops {
	void		(*walk)(const void *ctx, mib_counter_fn fn, void *arg);
	void		(*reset)(const void *ctx);
	const void	*ctx;
};

struct mib_node {
	const char	*name;		/* full name, FreeBSD spelling */
	const char	*alias;		/* NetBSD/KAME spelling, or NULL */
	enum mib_kind	 kind;
	bool		 writable;
	_Atomic int	*var;		/* MIB_INT: a tunable (net_tunable.h) */
	int		 min, max;	/* MIB_INT: accepted range */
	int		 def;		/* MIB_INT: default */
	const struct mib_stats_ops *stats; /* MIB_STATS */
	const char	*descr;		/* sysctl -d */
};

/*
 * Add a table of n nodes (kept by pointer, not copied).  0, or -1 with
 * errno EEXIST (a name already registered) or ENOSPC.
 */
int	mib_register(const struct mib_node *tab, size_t n);
/* Forget every table (tests). */
void	mib_unregister_all(void);

/* The node called name (or its alias); NULL when unknown. */
const struct mib_node *mib_lookup(const char *name);

/*
 * Call fn for every node named prefix or below it (prefix "net.inet"
 * matches net.inet.ipsec.dfbit, not net.inet6.*; "" matches all), in
 * registration order, until fn returns non-zero.  Returns the number of
 * nodes visited.
 */
typedef int (*mib_visit_fn)(const struct mib_node *node, void *arg);
size_t	mib_walk(const char *prefix, mib_visit_fn fn, void *arg);

/*
 * A decimal, 0x-hexadecimal or negative integer that fits an int: 0, or
 * -1 (EINVAL) for anything else.
 */
int	mib_parse_int(const char *s, int *value);

/*
 * Whether value may be stored in node: 0, EROFS (not writable) or EINVAL
 * (out of range).  mib_set() checks and stores; mib_set_string() parses
 * first.  Each returns 0 or that errno value and changes nothing on error.
 */
int	mib_check(const struct mib_node *node, int value);
int	mib_set(const struct mib_node *node, int value);
int	mib_set_string(const char *name, const char *value);

/* Zero a statistics node: 0, or EROFS for an integer node. */
int	mib_zero(const struct mib_node *node);

/* Store every integer node's default in its variable (n nodes of tab). */
void	mib_reset_defaults(const struct mib_node *tab, size_t n);

#endif
