/*
 * The statistics printer of netstat -s and of sockmgr's exit report: the
 * counters of one MIB statistics node (struct mib_counters, filled over
 * DIR/ctl or in process) printed as FreeBSD's and KAME's netstat print
 * them, as JSON in the shape of FreeBSD's libxo output, or as sockmgr's
 * report has always printed them ("\tN name" for the non-zero ones).
 */
#ifndef LIB_LIBIPSEC_IPSEC_NETSTAT_H
#define LIB_LIBIPSEC_IPSEC_NETSTAT_H

#include <stdbool.h>
#include <stdio.h>

#include "sys/net/mib_client.h"

struct ipsec_netstat_proto;

/* The protocols in netstat's order: ipsec, ipsec6, esp, ah, ipcomp, pfkey. */
size_t	ipsec_netstat_count(void);
const struct ipsec_netstat_proto *ipsec_netstat_at(size_t i);
/* By netstat -p name; NULL when unknown. */
const struct ipsec_netstat_proto *ipsec_netstat_byname(const char *name);
const char *ipsec_netstat_name(const struct ipsec_netstat_proto *p);
/* Its MIB statistics node: "net.inet.esp.stats". */
const char *ipsec_netstat_node(const struct ipsec_netstat_proto *p);

/*
 * "esp:" and a sentence per counter; zeros too unless skip_zero (netstat
 * -ss).  Histograms list only the buckets that are non-zero.
 */
void	ipsec_netstat_print(FILE *f, const struct ipsec_netstat_proto *p,
	    const struct mib_counters *cs, bool skip_zero);

/*
 * JSON: ipsec_netstat_json_begin() opens {"statistics": {, each call of
 * ipsec_netstat_json() adds "esp": {...} with the same keys as FreeBSD's
 * libxo output where FreeBSD has the counter, and _end() closes it.
 */
void	ipsec_netstat_json_begin(FILE *f);
void	ipsec_netstat_json(FILE *f, const struct ipsec_netstat_proto *p,
	    const struct mib_counters *cs, bool skip_zero);
void	ipsec_netstat_json_end(FILE *f);

/*
 * sockmgr's exit report: the heading title once (*head says whether it is
 * out already) and "\tN name" or "\tN name[i]" per non-zero counter.
 */
void	ipsec_netstat_print_names(FILE *f, const char *title, bool *head,
	    const struct mib_counters *cs);

#endif
