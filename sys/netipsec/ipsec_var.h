/*
 * Tunables of the IPsec packet layer: the net.inet.ipsec.*,
 * net.inet6.ipsec6.*, net.inet.esp.* and net.inet.ipcomp.* sysctl
 * variables with their KAME defaults, and the IPv4 source-route switches
 * of net.inet.ip.  The packet path reads the fields of ipsec_vars with
 * net_tunable_get() (ipsec_af_vars() picks the family's set), so a value
 * written through the MIB (ipsec_var_mib[], registered by the socket
 * manager) applies to the next packet, on any thread (net_tunable.h).
 */
#ifndef SYS_NETIPSEC_IPSEC_VAR_H
#define SYS_NETIPSEC_IPSEC_VAR_H

#include <stddef.h>

#include "sys/net/mib.h"
#include "sys/net/net_tunable.h"

/*
 * The variables IPv4 and IPv6 each have (KAME ids 2-6, 11-13).  Every
 * field is a tunable (net_tunable.h).
 */
struct ipsec_af_vars {
	_Atomic int	def_policy;	/* no SP matches: 0 discard, 1 none */
	_Atomic int	esp_trans_deflev; /* "default": 1 use, 2 require */
	_Atomic int	esp_net_deflev;
	_Atomic int	ah_trans_deflev;
	_Atomic int	ah_net_deflev;
	_Atomic int	ecn;		/* -1 ignore, 0 forbidden, 1 allowed */
	_Atomic int	debug;		/* debug log messages */
	_Atomic int	esp_randpad;	/* pad short packets up to this; -1 */
};

struct ipsec_vars {
	struct ipsec_af_vars inet;	/* net.inet.ipsec */
	struct ipsec_af_vars inet6;	/* net.inet6.ipsec6 */
	_Atomic int	ah_cleartos;	/* IPv4 only: zero TOS in AH ICV */
	_Atomic int	ah_offsetmask;	/* IPv4 only: frag field mask in AH */
	_Atomic int	dfbit;		/* IPv4 tunnel DF: 0 clr 1 set 2 copy */
	_Atomic int	esp_enable;	/* net.inet.esp.esp_enable */
	_Atomic int	ip_sourceroute;	/* net.inet.ip.sourceroute */
	_Atomic int	ip_accept_sourceroute; /* ...accept_sourceroute */
	_Atomic int	ipcomp_enable;	/* net.inet.ipcomp.ipcomp_enable */
	_Atomic int	ah_enable;	/* net.inet.ah.ah_enable */
	_Atomic int	acq_hold;	/* packets held per ACQUIRE (hold.h) */
	_Atomic int	acq_hold_bytes;	/* bytes held in all */
	_Atomic int	acq_hold_delay;	/* seconds before held go out */
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
