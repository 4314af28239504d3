/*
 * The statistics every transform keeps (espstat, ahstat, ipcompstat):
 * one array of counters in FreeBSD's order, a histogram by SADB
 * algorithm id, and the two tables that say what each drop reason means
 * to the policy engine's ipsecstat.  One descriptor per protocol, one set
 * of functions for all of them.
 *
 * The counters and the histogram are per-worker counter sets
 * (net_counter.h): the packet path moves its worker's row, the walk
 * reports the sums.
 */
#ifndef SYS_NETIPSEC_IPSEC_XFORM_STAT_H
#define SYS_NETIPSEC_IPSEC_XFORM_STAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sys/net/mib.h"
#include "sys/net/net_counter.h"
#include "sys/netipsec/ipsec_stat.h"
#include "sys/netipsec/ipsec_xform.h"

/*
 * in_reason/out_reason give, per counter, the ipsecstat counter of a
 * drop for that reason; 0 (IPSECS_IN_SUCCESS, never a drop) means an
 * invalid packet or SA (in_inval, out_inval).  The walk shows the
 * histogram before counter hist_at (n: after the last), where FreeBSD's
 * struct keeps it.
 */
struct ipsec_xform_stats {
	const struct net_counter_set	*c;
	const char *const		*names;
	size_t				 n;
	const struct net_counter_set	*hist;
	size_t				 nhist;
	size_t				 hist_at;
	const char			*hist_name;	/* "esps_hist" */
	const enum ipsecstat_counter	*in_reason;
	const enum ipsecstat_counter	*out_reason;
};

/*
 * Count drop reason c; set *why to the ipsecstat counter it means on
 * input or output; IPSEC_DROP.
 */
enum ipsec_verdict ipsec_xform_drop(const struct ipsec_xform_stats *st,
	    bool out, size_t c, int *why);

/* Zero counters and histogram. */
void	ipsec_xform_stats_reset(const struct ipsec_xform_stats *st);

/* Every counter, then the non-zero histogram buckets, in FreeBSD's order. */
void	ipsec_xform_stats_walk(const struct ipsec_xform_stats *st,
	    mib_counter_fn fn, void *arg);

/* Counter i's name ("esps_hdrops"); NULL out of range. */
const char *ipsec_xform_stats_name(const struct ipsec_xform_stats *st,
	    size_t i);

#endif
