/*
 * Tunables of the IPsec packet layer: the net.inet.ipsec.*,
 * net.inet6.ipsec6.*, net.inet.esp.* and net.inet.ipcomp.* sysctl
 * variables with their KAME defaults.  The sysctl front end reads and
 * writes them by full name through ipsec_var_lookup(); the packet path
 * reads the fields of ipsec_vars directly (ipsec_af_vars() picks the
 * family's set).
 */
#ifndef SYS_NETIPSEC_IPSEC_VAR_H
#define SYS_NETIPSEC_IPSEC_VAR_H

#include <stddef.h>

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
};

extern struct ipsec_vars ipsec_vars;

struct ipsec_var_desc {
	const char	*name;		/* full name: net.inet.ipsec.dfbit */
	int		 id;		/* KAME IPSECCTL_* id, 0 if none */
	size_t		 offset;	/* into struct ipsec_vars */
	int		 min, max;	/* accepted range */
};

/* The set of af (AF_INET or AF_INET6; anything else gets AF_INET's). */
const struct ipsec_af_vars *ipsec_af_vars(int af);

/* Find a variable by full name; NULL when unknown. */
const struct ipsec_var_desc *ipsec_var_lookup(const char *name);
const struct ipsec_var_desc *ipsec_var_table(size_t *countp);
int	*ipsec_var_ptr(const struct ipsec_var_desc *d);

/* Set a value after the range check: 0, or -1 (EINVAL) if out of range. */
int	ipsec_var_set(const struct ipsec_var_desc *d, int value);

/* Restore every variable to its KAME default. */
void	ipsec_vars_reset(void);

#endif
