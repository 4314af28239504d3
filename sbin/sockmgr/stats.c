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

#include "sbin/sockmgr/sockmgr.h"
#include "sys/net/netif.h"
#include "sys/netinet/ip_path.h"
#include "sys/netinet/ip_var.h"
#include "sys/netinet6/ip6_var.h"
#include "sys/netipsec/ipsec_stat.h"
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
ipsec_name(size_t i, const void *arg)
{
	(void)arg;
	return ipsecstat_name((enum ipsecstat_counter)i);
}

static const char *
xform_name(size_t i, const void *arg)
{
	const struct ipsec_xform_ops *ops = arg;

	return ops->counter_name(i);
}

static const char *
path_name(size_t i, const void *arg)
{
	return ip_path_stat_name(*(const int *)arg, (enum ip_path_counter)i);
}

/* A histogram by SADB algorithm id: "in_esphist[12]". */
static void
print_hist(const char *name, const uint64_t *h)
{
	size_t i;

	for (i = 0; i < IPSEC_HIST_MAX; i++)
		if (h[i] != 0)
			printf("\t%llu %s[%zu]\n", (unsigned long long)h[i],
			    name, i);
}

static void
print_ipsec(const char *title, int af)
{
	const struct ipsecstat_set *set = ipsecstat_of(af);
	bool head = false;

	sockmgr_print_counters(title, &head, set->c, IPSECS_NCOUNTERS,
	    ipsec_name, NULL);
	if (head) {
		print_hist("in_esphist", set->in_esphist);
		print_hist("out_esphist", set->out_esphist);
		print_hist("in_ahhist", set->in_ahhist);
		print_hist("out_ahhist", set->out_ahhist);
		print_hist("in_comphist", set->in_comphist);
		print_hist("out_comphist", set->out_comphist);
	}
}

/* The validation, fragment and path counters of one family. */
static void
print_ip(const struct ip_path *path, int af)
{
	bool head = false, ihead = false;
	const char *const *names;
	const uint64_t *c;
	size_t n;

	names = af == AF_INET ? ipstat_names : ip6stat_names;
	c = af == AF_INET ? ipstat : ip6stat;
	n = af == AF_INET ? IPSTAT_NSTATS : IP6STAT_NSTATS;
	sockmgr_print_counters(af == AF_INET ? "ip" : "ip6", &head, c, n,
	    table_name, names);
	sockmgr_print_counters(af == AF_INET ? "ip" : "ip6", &head,
	    ip_path_stats(path, af)->c, IP_PATH_NSTATS, path_name, &af);
	if (af == AF_INET)
		sockmgr_print_counters("icmp", &ihead, icmpstat,
		    ICMPSTAT_NSTATS, table_name, icmpstat_names);
	else
		sockmgr_print_counters("icmp6", &ihead, icmp6stat,
		    ICMP6STAT_NSTATS, table_name, icmp6stat_names);
}

/* Each transform's own statistics, headed by its name (esp, ah, ...). */
static void
print_xforms(void)
{
	const struct ipsec_xform_ops *ops;
	bool head;
	size_t i;

	for (i = 0; (ops = ipsec_xform_at(i)) != NULL; i++) {
		head = false;
		if (ops->counter_name != NULL)
			sockmgr_print_counters(ops->name, &head,
			    ops->counters, ops->ncounters, xform_name, ops);
	}
}

void
sockmgr_print_stats(const struct ip_path *path)
{
	print_ipsec("ipsec", AF_INET);
	print_ipsec("ipsec6", AF_INET6);
	print_xforms();
	print_ip(path, AF_INET);
	print_ip(path, AF_INET6);
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
