/*
 * IPsec policy-engine statistics: KAME's struct ipsecstat, one set for
 * IPv4 (net.inet.ipsec.stats) and one for IPv6 (net.inet6.ipsec6.stats).
 *
 * The scalar counters live in an array indexed by enum ipsecstat_counter
 * so that the hooks can report which one moved (res->drop) and tests can
 * assert on it; the per-algorithm histograms are separate arrays.
 * ipsecstat_get() fills KAME's layout.  Each family's struct
 * ipsecstat_set is one row of a per-worker counter set (net_counter.h):
 * the packet path moves its own worker's row, readers sum the rows.
 */
#ifndef SYS_NETIPSEC_IPSEC_STAT_H
#define SYS_NETIPSEC_IPSEC_STAT_H

#include <stdbool.h>
#include <stdint.h>

#include "sys/net/mib.h"
#include "sys/net/net_counter.h"

#define IPSEC_HIST_MAX	256	/* one bucket per SADB algorithm id */

enum ipsecstat_counter {
	IPSECS_IN_SUCCESS,	/* inbound processing succeeded */
	IPSECS_IN_POLVIO,	/* inbound policy violated */
	IPSECS_IN_NOSA,		/* inbound SA unavailable */
	IPSECS_IN_INVAL,	/* inbound failed: invalid packet or SA */
	IPSECS_IN_NOMEM,	/* inbound failed: no buffer */
	IPSECS_IN_BADSPI,	/* no SA for the SPI */
	IPSECS_IN_AHREPLAY,	/* AH replay check failed */
	IPSECS_IN_ESPREPLAY,	/* ESP replay check failed */
	IPSECS_IN_AHAUTHSUCC,	/* AH authentication succeeded */
	IPSECS_IN_AHAUTHFAIL,	/* AH authentication failed */
	IPSECS_IN_ESPAUTHSUCC,	/* ESP authentication succeeded */
	IPSECS_IN_ESPAUTHFAIL,	/* ESP authentication failed */
	IPSECS_OUT_SUCCESS,	/* outbound processing succeeded */
	IPSECS_OUT_POLVIO,	/* outbound policy violated (discard) */
	IPSECS_OUT_NOSA,	/* outbound SA unavailable */
	IPSECS_OUT_INVAL,	/* outbound failed: invalid packet or SA */
	IPSECS_OUT_NOMEM,	/* outbound failed: no buffer room */
	IPSECS_OUT_NOROUTE,	/* no route (the IP path counts it) */
	/* Ours, beyond KAME: reasons KAME folds into the ones above. */
	IPSECS_OUT_TOOBIG,	/* answered with ICMP too big */
	IPSECS_IN_TUNNEL,	/* inner packet of a tunnel invalid */
	IPSECS_IN_ECN,		/* forbidden ECN combination (RFC 6040) */
	IPSECS_IN_DUMMY,	/* dummy packet, next header 59, discarded */
	IPSECS_NCOUNTERS
};

/*
 * KAME's struct ipsecstat (netinet6/ipsec.h), field for field.  There is
 * no SPD cache here (the SPD's index is the lookup), so spdcachelookup and
 * spdcachemiss stay zero.
 */
struct ipsecstat {
	uint64_t	in_success;
	uint64_t	in_polvio;
	uint64_t	in_nosa;
	uint64_t	in_inval;
	uint64_t	in_nomem;
	uint64_t	in_badspi;
	uint64_t	in_ahreplay;
	uint64_t	in_espreplay;
	uint64_t	in_ahauthsucc;
	uint64_t	in_ahauthfail;
	uint64_t	in_espauthsucc;
	uint64_t	in_espauthfail;
	uint64_t	in_esphist[IPSEC_HIST_MAX];
	uint64_t	in_ahhist[IPSEC_HIST_MAX];
	uint64_t	in_comphist[IPSEC_HIST_MAX];
	uint64_t	out_success;
	uint64_t	out_polvio;
	uint64_t	out_nosa;
	uint64_t	out_inval;
	uint64_t	out_nomem;
	uint64_t	out_noroute;
	uint64_t	out_esphist[IPSEC_HIST_MAX];
	uint64_t	out_ahhist[IPSEC_HIST_MAX];
	uint64_t	out_comphist[IPSEC_HIST_MAX];
	uint64_t	spdcachelookup;
	uint64_t	spdcachemiss;
};

/* One family's counters and histograms (by SADB algorithm id). */
struct ipsecstat_set {
	uint64_t	c[IPSECS_NCOUNTERS];
	uint64_t	in_esphist[IPSEC_HIST_MAX];
	uint64_t	out_esphist[IPSEC_HIST_MAX];
	uint64_t	in_ahhist[IPSEC_HIST_MAX];
	uint64_t	out_ahhist[IPSEC_HIST_MAX];
	uint64_t	in_comphist[IPSEC_HIST_MAX];
	uint64_t	out_comphist[IPSEC_HIST_MAX];
};

/*
 * Rows of struct ipsecstat_set, one per worker: net.inet.ipsec and
 * net.inet6.ipsec6.
 */
extern const struct net_counter_set ipsecstat_inet;
extern const struct net_counter_set ipsecstat_inet6;

/* The set of af (AF_INET6, else AF_INET's). */
const struct net_counter_set *ipsecstat_of(int af);

/* Count one event of af; returns c so a drop can say which moved. */
int	ipsecstat_inc(int af, enum ipsecstat_counter c);

/*
 * Count a packet of algorithm alg in af's histogram of transform
 * protocol proto (IPPROTO_ESP, _AH, _COMP) in one direction; other
 * protocols have none.
 */
void	ipsecstat_hist_inc(int af, uint8_t proto, bool out, uint8_t alg);

/* A counter's value for af (summed), for tests and the sysctl front end. */
uint64_t ipsecstat_value(int af, enum ipsecstat_counter c);

/* af's counters and histograms summed over the workers. */
void	ipsecstat_sum(int af, struct ipsecstat_set *out);

/* Snapshot of af's set in KAME's layout; reset both families. */
void	ipsecstat_get(int af, struct ipsecstat *st);
void	ipsecstat_reset(void);

/*
 * For the MIB's stats nodes (struct mib_stats_ops, ctx one family's
 * struct net_counter_set): every counter by name, then the non-zero buckets
 * of the ESP, AH and IPComp histograms; zero that family.
 */
void	ipsecstat_walk(const void *set, mib_counter_fn fn, void *arg);
void	ipsecstat_reset_set(const void *set);

/* "in_success", ...; NULL out of range. */
const char *ipsecstat_name(enum ipsecstat_counter c);

#endif
