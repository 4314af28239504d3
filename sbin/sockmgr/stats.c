/*
 * The statistics sockmgr prints when offline mode ends or live mode stops:
 * the non-zero counters, one "\tN name" line each under a heading per
 * protocol, in the manner of KAME's netstat -s, then a line per interface.
 * One printer, so that both modes show the same names in the same order.
 */
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/socket.h>

#include "lib/libipsec/ipsec_netstat.h"
#include "sbin/sockmgr/sockmgr.h"
#include "sys/net/mib.h"
#include "sys/net/netif.h"
#include "sys/netinet/ip_path.h"
#include "sys/netinet/ip_var.h"
#include "sys/netinet6/ip6_var.h"
#include "sys/netipsec/ipsec_xform.h"

/*
 * The non-zero counters of one table under the heading title, printed
 * once per protocol however many tables it takes (*head remembers).
 */
void
sockmgr_print_counters(const char *title, bool *head, const uint64_t *c,
    size_t n, sockmgr_counter_name_fn name, const void *arg)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (c[i] == 0 || name(i, arg) == NULL)
			continue;
		if (!*head)
			printf("%s:\n", title);
		*head = true;
		printf("\t%llu %s\n", (unsigned long long)c[i], name(i, arg));
	}
}

static const char *
table_name(size_t i, const void *arg)
{
	return ((const char *const *)arg)[i];
}

static const char *
path_name(size_t i, const void *arg)
{
	return ip_path_stat_name(*(const int *)arg, (enum ip_path_counter)i);
}

/*
 * The IPsec, ESP, AH, IPComp and PF_KEY nodes of the MIB, through the
 * printer netstat uses, in the report's "\tN name" form.
 */
static void
print_mib(void)
{
	static struct mib_counters cs;
	const struct ipsec_netstat_proto *p;
	const struct mib_node *node;
	bool head;
	size_t i;

	for (i = 0; (p = ipsec_netstat_at(i)) != NULL; i++) {
		if ((node = mib_lookup(ipsec_netstat_node(p))) == NULL)
			continue;
		mib_counters_from_node(&cs, node);
		head = false;
		ipsec_netstat_print_names(stdout, ipsec_netstat_name(p), &head,
		    &cs);
	}
}

/* The validation, fragment and path counters of one family. */
static void
print_ip(const struct ip_path *const *paths, size_t n, int af)
{
	const struct net_counter_set *ip, *icmp;
	uint64_t c[IPSTAT_NSTATS + IP6STAT_NSTATS];
	uint64_t ic[ICMPSTAT_NSTATS + ICMP6STAT_NSTATS];
	uint64_t pc[IP_PATH_NSTATS] = { 0 };
	bool head = false, ihead = false;
	size_t i, k;

	for (i = 0; i < n; i++)
		for (k = 0; k < IP_PATH_NSTATS; k++)
			pc[k] += ip_path_stats(paths[i], af)->c[k];

	ip = af == AF_INET ? &ipstat : &ip6stat;
	icmp = af == AF_INET ? &icmpstat : &icmp6stat;
	net_counter_sum_all(ip, c);
	net_counter_sum_all(icmp, ic);
	sockmgr_print_counters(af == AF_INET ? "ip" : "ip6", &head, c, ip->n,
	    table_name, af == AF_INET ? ipstat_names : ip6stat_names);
	sockmgr_print_counters(af == AF_INET ? "ip" : "ip6", &head,
	    pc, IP_PATH_NSTATS, path_name, &af);
	sockmgr_print_counters(af == AF_INET ? "icmp" : "icmp6", &ihead, ic,
	    icmp->n, table_name,
	    af == AF_INET ? icmpstat_names : icmp6stat_names);
}

void
sockmgr_print_stats(const struct ip_path *const *paths, size_t n)
{
	print_mib();
	print_ip(paths, n, AF_INET);
	print_ip(paths, n, AF_INET6);
}

void
sockmgr_print_netif(const struct netif *ifp)
{
	const struct netif_stats *s = &ifp->stats;

	printf("%s: %llu packets in, %llu out, %llu dropped, %llu discarded, "
	    "%llu errors\n", ifp->name, (unsigned long long)s->ipackets,
	    (unsigned long long)s->opackets, (unsigned long long)s->idrops,
	    (unsigned long long)s->odiscards,
	    (unsigned long long)s->oerrors);
}

void
sockmgr_print_netif_frames(const struct netif *ifp)
{
	const struct netif_stats *s = &ifp->stats;

	printf("%s: %llu frames in, %llu out, %llu dropped, %llu errors\n",
	    ifp->name, (unsigned long long)s->ipackets,
	    (unsigned long long)s->opackets, (unsigned long long)s->idrops,
	    (unsigned long long)s->oerrors);
}
