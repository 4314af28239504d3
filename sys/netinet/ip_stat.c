/*
 * The IPv4 and ICMP counters and their KAME names.
 */
#include "sys/netinet/ip_var.h"

NET_COUNTER_SET(ipstat, IPSTAT_NSTATS);
NET_COUNTER_SET(icmpstat, ICMPSTAT_NSTATS);

const char *const ipstat_names[IPSTAT_NSTATS] = {
	[IPSTAT_TOTAL] = "ips_total",
	[IPSTAT_TOOSMALL] = "ips_toosmall",
	[IPSTAT_TOOSHORT] = "ips_tooshort",
	[IPSTAT_BADVERS] = "ips_badvers",
	[IPSTAT_BADHLEN] = "ips_badhlen",
	[IPSTAT_BADLEN] = "ips_badlen",
	[IPSTAT_BADSUM] = "ips_badsum",
	[IPSTAT_BADOPTIONS] = "ips_badoptions",
	[IPSTAT_BADADDR] = "ips_badaddr",
	[IPSTAT_ULPSHORT] = "ips_ulpshort",
	[IPSTAT_FRAGMENTS] = "ips_fragments",
	[IPSTAT_BADFRAGS] = "ips_badfrags",
	[IPSTAT_TOOLONG] = "ips_toolong",
	[IPSTAT_FRAGOVERLAP] = "ips_fragoverlap",
	[IPSTAT_FRAGDUP] = "ips_fragdup",
	[IPSTAT_FRAGDROPPED] = "ips_fragdropped",
	[IPSTAT_FRAGTIMEOUT] = "ips_fragtimeout",
	[IPSTAT_FRAGOVERFLOW] = "ips_fragoverflow",
	[IPSTAT_REASSEMBLED] = "ips_reassembled",
	[IPSTAT_FRAGMENTED] = "ips_fragmented",
	[IPSTAT_OFRAGMENTS] = "ips_ofragments",
	[IPSTAT_CANTFRAG] = "ips_cantfrag",
	[IPSTAT_ODROPPED] = "ips_odropped",
};

const char *const icmpstat_names[ICMPSTAT_NSTATS] = {
	[ICMPSTAT_ERROR] = "icps_error",
	[ICMPSTAT_OLDICMP] = "icps_oldicmp",
	[ICMPSTAT_OLDSHORT] = "icps_oldshort",
	[ICMPSTAT_BADADDR] = "icps_badaddr",
	[ICMPSTAT_NOTFIRST] = "icps_notfirst",
	[ICMPSTAT_NOBUFS] = "icps_nobufs",
	[ICMPSTAT_OUT_NEEDFRAG] = "icps_outhist_needfrag",
};
