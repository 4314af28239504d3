/*
 * net.inet.ipsec.*, net.inet6.ipsec6.*, net.inet.esp.*, net.inet.ah.* and
 * net.inet.ipcomp.*: the packet layer's tunables with their KAME defaults
 * (KAME netinet6/ipsec.c; FreeBSD ipsec.c, xform_esp.c, xform_ah.c and
 * xform_ipcomp.c for esp_enable, ah_enable and ipcomp_enable), the two
 * source-route switches of
 * net.inet.ip (FreeBSD ip_input.c, both 0), and the statistics nodes, as
 * one MIB table.  The ranges are those the BSD handlers accept:
 * def_policy only discard or none, levels only use or require, dfbit 0-2,
 * ecn -1..1.  FreeBSD's spellings (ipsecstats, net.inet.ah.ah_cleartos)
 * are aliases of the same nodes.
 */
#include <limits.h>
#include <sys/socket.h>

#include "netipsec/ipsec.h"
#include "sys/net/mib.h"
#include "sys/netipsec/ah_var.h"
#include "sys/netipsec/esp_var.h"
#include "sys/netipsec/ipsec_hold.h"
#include "sys/netipsec/ipcomp_var.h"
#include "sys/netipsec/ipsec_stat.h"
#include "sys/netipsec/ipsec_var.h"
#include "sys/netipsec/ipsec_xform_stat.h"
#include "sys/netipsec/udpencap.h"

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

/* The initial values; ipsec_var_mib[] repeats them, a unit test compares. */
struct ipsec_vars ipsec_vars = {
	.inet = IPSEC_AF_VARS_DEFAULT,
	.inet6 = IPSEC_AF_VARS_DEFAULT,
	.ah_cleartos = 1,
	.ah_offsetmask = 0,
	.dfbit = 0,
	.esp_enable = 1,
	.ip_sourceroute = 0,
	.ip_accept_sourceroute = 0,
	.ipcomp_enable = 1,
	.ah_enable = 1,
	.acq_hold = 3,
	.acq_hold_bytes = 65536,
	.acq_hold_delay = 1,
};

static void
xform_walk(const void *ctx, mib_counter_fn fn, void *arg)
{
	ipsec_xform_stats_walk(ctx, fn, arg);
}

static void
xform_reset(const void *ctx)
{
	ipsec_xform_stats_reset(ctx);
}

static const struct mib_stats_ops inet_ops = {
	ipsecstat_walk, ipsecstat_reset_set, &ipsecstat_inet,
};
static const struct mib_stats_ops inet6_ops = {
	ipsecstat_walk, ipsecstat_reset_set, &ipsecstat_inet6,
};
static const struct mib_stats_ops esp_ops = {
	xform_walk, xform_reset, &esp_stats,
};
static const struct mib_stats_ops ah_ops = {
	xform_walk, xform_reset, &ah_stats,
};
static const struct mib_stats_ops ipcomp_ops = {
	xform_walk, xform_reset, &ipcomp_stats,
};
static const struct mib_stats_ops hold_ops = {
	xform_walk, xform_reset, &ipsec_hold_stats,
};
static const struct mib_stats_ops udpencap_ops = {
	xform_walk, xform_reset, &udpencap_stats,
};

#define VAR(n, a, f, lo, hi, d, text) {					\
	.name = n, .alias = a, .kind = MIB_INT, .writable = true,	\
	.var = &ipsec_vars.f, .min = lo, .max = hi, .def = d,		\
	.descr = text }
#define STATS(n, a, ops, text) {					\
	.name = n, .alias = a, .kind = MIB_STATS, .stats = ops,		\
	.descr = text }

#define AFVARS(node, af)						\
	VAR(node "def_policy", NULL, af.def_policy,			\
	    IPSEC_POLICY_DISCARD, IPSEC_POLICY_NONE, IPSEC_POLICY_NONE,	\
	    "Policy when no SP matches: 0 discard, 1 none (bypass)"),	\
	VAR(node "esp_trans_deflev", NULL, af.esp_trans_deflev,		\
	    IPSEC_LEVEL_USE, IPSEC_LEVEL_REQUIRE, IPSEC_LEVEL_USE,	\
	    "Level of 'default' ESP transport requests: 1 use, 2 require"), \
	VAR(node "esp_net_deflev", NULL, af.esp_net_deflev,		\
	    IPSEC_LEVEL_USE, IPSEC_LEVEL_REQUIRE, IPSEC_LEVEL_USE,	\
	    "Level of 'default' ESP tunnel requests: 1 use, 2 require"), \
	VAR(node "ah_trans_deflev", NULL, af.ah_trans_deflev,		\
	    IPSEC_LEVEL_USE, IPSEC_LEVEL_REQUIRE, IPSEC_LEVEL_USE,	\
	    "Level of 'default' AH transport requests: 1 use, 2 require"), \
	VAR(node "ah_net_deflev", NULL, af.ah_net_deflev,		\
	    IPSEC_LEVEL_USE, IPSEC_LEVEL_REQUIRE, IPSEC_LEVEL_USE,	\
	    "Level of 'default' AH tunnel requests: 1 use, 2 require"),	\
	VAR(node "ecn", NULL, af.ecn, -1, 1, 0,				\
	    "ECN of tunnels: -1 ignore, 0 forbidden, 1 allowed (RFC 6040)"), \
	VAR(node "debug", NULL, af.debug, 0, INT_MAX, 0,		\
	    "Debug messages (accepted; nothing logs by it)"),		\
	VAR(node "esp_randpad", NULL, af.esp_randpad, -1, INT_MAX, -1,	\
	    "Pad short ESP payloads at random up to this many bytes; -1 off")

const struct mib_node ipsec_var_mib[] = {
	STATS("net.inet.ipsec.stats", "net.inet.ipsec.ipsecstats",
	    &inet_ops, "IPv4 IPsec statistics (KAME struct ipsecstat)"),
	AFVARS("net.inet.ipsec.", inet),
	VAR("net.inet.ipsec.ah_cleartos", "net.inet.ah.ah_cleartos",
	    ah_cleartos, 0, 1, 1,
	    "AH ICV computed with the IPv4 TOS zeroed (RFC 2402)"),
	VAR("net.inet.ipsec.ah_offsetmask", NULL, ah_offsetmask, 0, 0xffff,
	    0, "Mask of the IPv4 fragment field included in the AH ICV"),
	VAR("net.inet.ipsec.dfbit", NULL, dfbit, 0, 2, 0,
	    "DF of IPv4 tunnel headers: 0 clear, 1 set, 2 copy the inner"),
	STATS("net.inet.ipsec.udpencap.stats", NULL, &udpencap_ops,
	    "ESP in UDP (RFC 3948) statistics"),
	VAR("net.inet.ipsec.acq_hold", NULL, acq_hold, 0, 64, 3,
	    "Packets held per SA being acquired, sent when it comes; 0 off"),
	VAR("net.inet.ipsec.acq_hold_bytes", NULL, acq_hold_bytes, 0,
	    16777216, 65536, "Bytes held for SAs being acquired, in all"),
	VAR("net.inet.ipsec.acq_hold_delay", NULL, acq_hold_delay, 0, 60, 1,
	    "Seconds held packets wait after their SA came, for the peer's"),
	STATS("net.inet.ipsec.hold.stats", NULL, &hold_ops,
	    "ACQUIRE hold queue statistics"),
	STATS("net.inet6.ipsec6.stats", "net.inet6.ipsec6.ipsecstats",
	    &inet6_ops, "IPv6 IPsec statistics (KAME struct ipsecstat)"),
	AFVARS("net.inet6.ipsec6.", inet6),
	VAR("net.inet.esp.esp_enable", NULL, esp_enable, 0, 1, 1,
	    "Accept inbound ESP packets"),
	STATS("net.inet.esp.stats", NULL, &esp_ops,
	    "ESP statistics (FreeBSD struct espstat)"),
	VAR("net.inet.ah.ah_enable", NULL, ah_enable, 0, 1, 1,
	    "Accept inbound AH packets"),
	STATS("net.inet.ah.stats", NULL, &ah_ops,
	    "AH statistics (FreeBSD struct ahstat)"),
	VAR("net.inet.ipcomp.ipcomp_enable", NULL, ipcomp_enable, 0, 1, 1,
	    "Accept inbound IPComp packets"),
	STATS("net.inet.ipcomp.stats", NULL, &ipcomp_ops,
	    "IPComp statistics (FreeBSD struct ipcompstat)"),
	VAR("net.inet.ip.sourceroute", NULL, ip_sourceroute, 0, 1, 0,
	    "Forward IPv4 source-routed packets still to be routed on"),
	VAR("net.inet.ip.accept_sourceroute", NULL, ip_accept_sourceroute,
	    0, 1, 0, "Accept IPv4 source-routed packets whose route ends here"),
};

const size_t ipsec_var_mib_count =
    sizeof(ipsec_var_mib) / sizeof(ipsec_var_mib[0]);

const struct ipsec_af_vars *
ipsec_af_vars(int af)
{
	return af == AF_INET6 ? &ipsec_vars.inet6 : &ipsec_vars.inet;
}

void
ipsec_vars_reset(void)
{
	mib_reset_defaults(ipsec_var_mib, ipsec_var_mib_count);
}
