/*
 * The IPv6 and ICMPv6 counters and their KAME names.
 */
#include "sys/netinet6/ip6_var.h"

NET_COUNTER_SET(ip6stat, IP6STAT_NSTATS);
NET_COUNTER_SET(icmp6stat, ICMP6STAT_NSTATS);

const char *const ip6stat_names[IP6STAT_NSTATS] = {
	[IP6STAT_TOTAL] = "ip6s_total",
	[IP6STAT_TOOSMALL] = "ip6s_toosmall",
	[IP6STAT_TOOSHORT] = "ip6s_tooshort",
	[IP6STAT_BADVERS] = "ip6s_badvers",
	[IP6STAT_BADSCOPE] = "ip6s_badscope",
	[IP6STAT_JUMBO] = "ip6s_jumbo",
	[IP6STAT_EXTSHORT] = "ip6s_extshort",
	[IP6STAT_BADOPTIONS] = "ip6s_badoptions",
	[IP6STAT_TOOMANYHDR] = "ip6s_toomanyhdr",
	[IP6STAT_ULPSHORT] = "ip6s_ulpshort",
	[IP6STAT_FRAGMENTS] = "ip6s_fragments",
	[IP6STAT_BADFRAGS] = "ip6s_badfrags",
	[IP6STAT_TOOLONG] = "ip6s_toolong",
	[IP6STAT_FRAGOVERLAP] = "ip6s_fragoverlap",
	[IP6STAT_FRAGDUP] = "ip6s_fragdup",
	[IP6STAT_FRAGDROPPED] = "ip6s_fragdropped",
	[IP6STAT_FRAGTIMEOUT] = "ip6s_fragtimeout",
	[IP6STAT_FRAGOVERFLOW] = "ip6s_fragoverflow",
	[IP6STAT_REASSEMBLED] = "ip6s_reassembled",
	[IP6STAT_FRAGMENTED] = "ip6s_fragmented",
	[IP6STAT_OFRAGMENTS] = "ip6s_ofragments",
	[IP6STAT_CANTFRAG] = "ip6s_cantfrag",
	[IP6STAT_ODROPPED] = "ip6s_odropped",
};

const char *const icmp6stat_names[ICMP6STAT_NSTATS] = {
	[ICMP6STAT_ERROR] = "icp6s_error",
	[ICMP6STAT_CANTERROR] = "icp6s_canterror",
	[ICMP6STAT_OLDSHORT] = "icp6s_oldshort",
	[ICMP6STAT_BADADDR] = "icp6s_badaddr",
	[ICMP6STAT_NOBUFS] = "icp6s_nobufs",
	[ICMP6STAT_OUT_PKTTOOBIG] = "icp6s_outhist_pkttoobig",
};
