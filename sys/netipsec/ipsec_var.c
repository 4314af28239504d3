/*
 * net.inet.ipsec.*, net.inet6.ipsec6.*, net.inet.esp.* and
 * net.inet.ipcomp.* variables and their defaults (KAME netinet6/ipsec.c;
 * FreeBSD ipsec.c, xform_esp.c and xform_ipcomp.c for esp_enable and
 * ipcomp_enable), and the two source-route switches of net.inet.ip
 * (FreeBSD ip_input.c, both 0).  The ranges are those the BSD handlers accept:
 * def_policy only discard or none, levels only use or require, dfbit 0-2,
 * ecn -1..1.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/socket.h>

#include "netipsec/ipsec.h"
#include "sys/netipsec/ipsec_var.h"

#define IPSEC_AF_VARS_DEFAULT {						\
	.def_policy = IPSEC_POLICY_NONE,				\
	.esp_trans_deflev = IPSEC_LEVEL_USE,				\
	.esp_net_deflev = IPSEC_LEVEL_USE,				\
	.ah_trans_deflev = IPSEC_LEVEL_USE,				\
	.ah_net_deflev = IPSEC_LEVEL_USE,				\
	.ecn = 0,							\
	.debug = 0,							\
	.esp_randpad = -1,						\
}

#define IPSEC_VARS_DEFAULT {						\
	.inet = IPSEC_AF_VARS_DEFAULT,					\
	.inet6 = IPSEC_AF_VARS_DEFAULT,					\
	.ah_cleartos = 1,						\
	.ah_offsetmask = 0,						\
	.dfbit = 0,							\
	.esp_enable = 1,						\
	.ip_sourceroute = 0,						\
	.ip_accept_sourceroute = 0,					\
	.ipcomp_enable = 1,						\
}

struct ipsec_vars ipsec_vars = IPSEC_VARS_DEFAULT;

#define VAR(n, i, f, lo, hi) \
	{ n, i, offsetof(struct ipsec_vars, f), lo, hi }
#define AFVARS(node, af)						\
	VAR(node "def_policy", 2, af.def_policy,			\
	    IPSEC_POLICY_DISCARD, IPSEC_POLICY_NONE),			\
	VAR(node "esp_trans_deflev", 3, af.esp_trans_deflev,		\
	    IPSEC_LEVEL_USE, IPSEC_LEVEL_REQUIRE),			\
	VAR(node "esp_net_deflev", 4, af.esp_net_deflev,		\
	    IPSEC_LEVEL_USE, IPSEC_LEVEL_REQUIRE),			\
	VAR(node "ah_trans_deflev", 5, af.ah_trans_deflev,		\
	    IPSEC_LEVEL_USE, IPSEC_LEVEL_REQUIRE),			\
	VAR(node "ah_net_deflev", 6, af.ah_net_deflev,			\
	    IPSEC_LEVEL_USE, IPSEC_LEVEL_REQUIRE),			\
	VAR(node "ecn", 11, af.ecn, -1, 1),				\
	VAR(node "debug", 12, af.debug, 0, INT_MAX),			\
	VAR(node "esp_randpad", 13, af.esp_randpad, -1, INT_MAX)

static const struct ipsec_var_desc ipsec_var_descs[] = {
	AFVARS("net.inet.ipsec.", inet),
	VAR("net.inet.ipsec.ah_cleartos", 8, ah_cleartos, 0, 1),
	VAR("net.inet.ipsec.ah_offsetmask", 9, ah_offsetmask, 0, 0xffff),
	VAR("net.inet.ipsec.dfbit", 10, dfbit, 0, 2),
	AFVARS("net.inet6.ipsec6.", inet6),
	VAR("net.inet.esp.esp_enable", 0, esp_enable, 0, 1),
	VAR("net.inet.ip.sourceroute", 0, ip_sourceroute, 0, 1),
	VAR("net.inet.ip.accept_sourceroute", 0, ip_accept_sourceroute, 0, 1),
	VAR("net.inet.ipcomp.ipcomp_enable", 0, ipcomp_enable, 0, 1),
};

const struct ipsec_af_vars *
ipsec_af_vars(int af)
{
	return af == AF_INET6 ? &ipsec_vars.inet6 : &ipsec_vars.inet;
}

const struct ipsec_var_desc *
ipsec_var_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(ipsec_var_descs) / sizeof(ipsec_var_descs[0]);
	    i++)
		if (strcmp(ipsec_var_descs[i].name, name) == 0)
			return &ipsec_var_descs[i];
	return NULL;
}

const struct ipsec_var_desc *
ipsec_var_table(size_t *countp)
{
	*countp = sizeof(ipsec_var_descs) / sizeof(ipsec_var_descs[0]);
	return ipsec_var_descs;
}

int *
ipsec_var_ptr(const struct ipsec_var_desc *d)
{
	return (int *)((char *)&ipsec_vars + d->offset);
}

int
ipsec_var_set(const struct ipsec_var_desc *d, int value)
{
	if (value < d->min || value > d->max) {
		errno = EINVAL;
		return -1;
	}
	*ipsec_var_ptr(d) = value;
	return 0;
}

void
ipsec_vars_reset(void)
{
	static const struct ipsec_vars defaults = IPSEC_VARS_DEFAULT;

	ipsec_vars = defaults;
}
