/*
 * The transforms' statistics (see ipsec_xform_stat.h).
 */
#include <string.h>

#include "sys/netipsec/ipsec_xform_stat.h"

enum ipsec_verdict
ipsec_xform_drop(const struct ipsec_xform_stats *st, bool out, size_t c,
    int *why)
{
	enum ipsecstat_counter r = (out ? st->out_reason : st->in_reason)[c];

	net_counter_inc(st->c, c);
	if (r != 0)
		*why = (int)r;
	else
		*why = out ? IPSECS_OUT_INVAL : IPSECS_IN_INVAL;
	return IPSEC_DROP;
}

void
ipsec_xform_stats_reset(const struct ipsec_xform_stats *st)
{
	net_counter_zero(st->c);
	if (st->hist != NULL)	/* udpencap and the hold queue have none */
		net_counter_zero(st->hist);
}

static void
walk_hist(const struct ipsec_xform_stats *st, mib_counter_fn fn, void *arg)
{
	uint64_t v;
	size_t i;

	for (i = 0; i < st->nhist; i++)
		if ((v = net_counter_sum(st->hist, i)) != 0)
			fn(arg, st->hist_name, (int)i, v);
}

void
ipsec_xform_stats_walk(const struct ipsec_xform_stats *st,
    mib_counter_fn fn, void *arg)
{
	size_t i;

	for (i = 0; i < st->n; i++) {
		if (i == st->hist_at)
			walk_hist(st, fn, arg);
		fn(arg, st->names[i], -1, net_counter_sum(st->c, i));
	}
	if (st->hist_at >= st->n)
		walk_hist(st, fn, arg);
}

const char *
ipsec_xform_stats_name(const struct ipsec_xform_stats *st, size_t i)
{
	return i < st->n ? st->names[i] : NULL;
}
