/*
 * Tunables of the IPsec packet layer: the net.inet.ipsec.*,
 * net.inet6.ipsec6.*, net.inet.esp.* and net.inet.ipcomp.* sysctl
 * variables with their KAME defaults, and the IPv4 source-route switches
 * of net.inet.ip.  The packet path reads the fields of ipsec_vars directly
 * (ipsec_af_vars() picks the family's set), so a value written through
 * the MIB (ipsec_var_mib[], registered by the socket manager) applies to
 * the next packet.
 */
#ifndef SYS_NETIPSEC_IPSEC_VAR_H
#define SYS_NETIPSEC_IPSEC_VAR_H

#include <stddef.h>

#include "sys/net/mib.h"

/* The variables IPv4 and IPv6 each have (KAME ids 2-6, 11-13). */
struct ipsec_af_vars {
	int	def_policy;		/* no SP matches: 0 discard, 1 none */
	int	esp_trans_deflev;	/* "default" level: 1 use, 2 require */
	int	esp_net_deflev;
	int	ah_trans_deflev;
	int	ah_net_deflev;
	int	ecn;			/* -1 ignore, 0 forbidden, 1 allowed */
	int	debug;			/* debug log messages */
	int	esp_randpad;		/* pad short packets up to this; -1 */
};

struct ipsec_vars {
	struct ipsec_af_vars inet;	/* net.inet.ipsec */
	struct ipsec_af_vars inet6;	/* net.inet6.ipsec6 */
	int	ah_cleartos;		/* IPv4 only: zero TOS in AH ICV */
	int	ah_offsetmask;		/* IPv4 only: frag field mask in AH */
	int	dfbit;			/* IPv4 tunnel DF: 0 clr 1 set 2 copy */
	int	esp_enable;		/* net.inet.esp.esp_enable */
	int	ip_sourceroute;		/* net.inet.ip.sourceroute */
	int	ip_accept_sourceroute;	/* net.inet.ip.accept_sourceroute */
	int	ipcomp_enable;		/* net.inet.ipcomp.ipcomp_enable */
	int	ah_enable;		/* net.inet.ah.ah_enable */
	int	acq_hold;		/* packets held per ACQUIRE (hold.h) */
	int	acq_hold_bytes;		/* bytes held in all */
};

extern struct ipsec_vars ipsec_vars;

/*
 * The MIB nodes of the tunables above and the statistics nodes
 * net.inet.ipsec.stats, net.inet6.ipsec6.stats, net.inet.esp.stats and
 * net.inet.ipcomp.stats; for mib_register().
 */
extern const struct mib_node ipsec_var_mib[];
extern const size_t ipsec_var_mib_count;

/* The set of af (AF_INET or AF_INET6; anything else gets AF_INET's). */
const struct ipsec_af_vars *ipsec_af_vars(int af);

/* Restore every variable to its KAME default. */
void	ipsec_vars_reset(void);

#endif
