/*
 * The one instance of the PF_KEY counters, and their walk for the MIB's
 * net.key.stats node in KAME's field names.
 */
#include <string.h>

#include "sys/netkey/key_stat.h"

struct pfkeystat pfkeystat;

struct scalar {
	const char	*name;
	const uint64_t	*p;
};

static const struct scalar out_scalars[] = {
	{ "out_total", &pfkeystat.out_total },
	{ "out_bytes", &pfkeystat.out_bytes },
	{ "out_invlen", &pfkeystat.out_invlen },
	{ "out_invver", &pfkeystat.out_invver },
	{ "out_invmsgtype", &pfkeystat.out_invmsgtype },
	{ "out_tooshort", &pfkeystat.out_tooshort },
	{ "out_nomem", &pfkeystat.out_nomem },
	{ "out_dupext", &pfkeystat.out_dupext },
	{ "out_invexttype", &pfkeystat.out_invexttype },
	{ "out_invsatype", &pfkeystat.out_invsatype },
	{ "out_invaddr", &pfkeystat.out_invaddr },
	{ "out_sadfull", &pfkeystat.out_sadfull },
	{ "out_spdfull", &pfkeystat.out_spdfull },
	{ "in_total", &pfkeystat.in_total },
	{ "in_bytes", &pfkeystat.in_bytes },
	{ "in_nomem", &pfkeystat.in_nomem },
	{ "sockerr", &pfkeystat.sockerr },
};

/* A counter added to struct pfkeystat needs a row above. */
_Static_assert(sizeof(struct pfkeystat) == sizeof(uint64_t) *
    (sizeof(out_scalars) / sizeof(out_scalars[0]) + 256 * 2 + 3),
    "every pfkeystat scalar is walked");

static void
walk_hist(mib_counter_fn fn, void *arg, const char *name, const uint64_t *h,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (h[i] != 0)
			fn(arg, name, (int)i, h[i]);
}

void
pfkeystat_walk(const void *ctx, mib_counter_fn fn, void *arg)
{
	size_t i;

	(void)ctx;

	for (i = 0; i < sizeof(out_scalars) / sizeof(out_scalars[0]); i++)
		fn(arg, out_scalars[i].name, -1, *out_scalars[i].p);
	/* The targets are scalars in netstat's eyes: one line each. */
	for (i = 0; i < 3; i++)
		fn(arg, "in_msgtarget", (int)i, pfkeystat.in_msgtarget[i]);
	walk_hist(fn, arg, "out_msgtype", pfkeystat.out_msgtype, 256);
	walk_hist(fn, arg, "in_msgtype", pfkeystat.in_msgtype, 256);
}

void
pfkeystat_reset(const void *ctx)
{
	(void)ctx;
	memset(&pfkeystat, 0, sizeof(pfkeystat));
}
