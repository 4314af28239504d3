/*
 * The policy engine's counters (see ipsec_stat.h).
 */
#include <stddef.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "sys/netipsec/ipsec_stat.h"

#define SET_WORDS	(sizeof(struct ipsecstat_set) / sizeof(uint64_t))

_Static_assert(sizeof(struct ipsecstat_set) % sizeof(uint64_t) == 0,
    "a family's set is a row of 64-bit counters");

NET_COUNTER_SET(ipsecstat_inet, SET_WORDS);
NET_COUNTER_SET(ipsecstat_inet6, SET_WORDS);

/* Where a field of struct ipsecstat_set sits in a row. */
#define WORD(field) \
	(offsetof(struct ipsecstat_set, field) / sizeof(uint64_t))
#define SCALAR(i)	(WORD(c) + (size_t)(i))

static const char *const counter_names[] = {
	[IPSECS_IN_SUCCESS] = "in_success",
	[IPSECS_IN_POLVIO] = "in_polvio",
	[IPSECS_IN_NOSA] = "in_nosa",
	[IPSECS_IN_INVAL] = "in_inval",
	[IPSECS_IN_NOMEM] = "in_nomem",
	[IPSECS_IN_BADSPI] = "in_badspi",
	[IPSECS_IN_AHREPLAY] = "in_ahreplay",
	[IPSECS_IN_ESPREPLAY] = "in_espreplay",
	[IPSECS_IN_AHAUTHSUCC] = "in_ahauthsucc",
	[IPSECS_IN_AHAUTHFAIL] = "in_ahauthfail",
	[IPSECS_IN_ESPAUTHSUCC] = "in_espauthsucc",
	[IPSECS_IN_ESPAUTHFAIL] = "in_espauthfail",
	[IPSECS_OUT_SUCCESS] = "out_success",
	[IPSECS_OUT_POLVIO] = "out_polvio",
	[IPSECS_OUT_NOSA] = "out_nosa",
	[IPSECS_OUT_INVAL] = "out_inval",
	[IPSECS_OUT_NOMEM] = "out_nomem",
	[IPSECS_OUT_NOROUTE] = "out_noroute",
	[IPSECS_OUT_TOOBIG] = "out_toobig",
	[IPSECS_IN_TUNNEL] = "in_tunnel",
	[IPSECS_IN_ECN] = "in_ecn",
	[IPSECS_IN_DUMMY] = "in_dummy",
};

_Static_assert(sizeof(counter_names) / sizeof(counter_names[0]) ==
    IPSECS_NCOUNTERS, "a name per counter");

const struct net_counter_set *
ipsecstat_of(int af)
{
	return af == AF_INET6 ? &ipsecstat_inet6 : &ipsecstat_inet;
}

int
ipsecstat_inc(int af, enum ipsecstat_counter c)
{
	net_counter_inc(ipsecstat_of(af), SCALAR(c));
	return (int)c;
}

/* The first word of each histogram, by direction (in, out). */
static const struct {
	uint8_t	proto;
	size_t	word[2];
} hists[] = {
	{ IPPROTO_ESP, { WORD(in_esphist), WORD(out_esphist) } },
	{ IPPROTO_AH, { WORD(in_ahhist), WORD(out_ahhist) } },
	{ IPPROTO_COMP, { WORD(in_comphist), WORD(out_comphist) } },
};

void
ipsecstat_hist_inc(int af, uint8_t proto, bool out, uint8_t alg)
{
	size_t i;

	for (i = 0; i < sizeof(hists) / sizeof(hists[0]); i++)
		if (hists[i].proto == proto) {
			net_counter_inc(ipsecstat_of(af),
			    hists[i].word[out] + alg);
			return;
		}
}

uint64_t
ipsecstat_value(int af, enum ipsecstat_counter c)
{
	if ((unsigned int)c >= IPSECS_NCOUNTERS)
		return 0;
	return net_counter_sum(ipsecstat_of(af), SCALAR(c));
}

void
ipsecstat_sum(int af, struct ipsecstat_set *out)
{
	net_counter_sum_all(ipsecstat_of(af), (uint64_t *)(void *)out);
}

/* Where each counter goes in KAME's layout; the ones KAME lacks: none. */
static const size_t kame_offset[IPSECS_NCOUNTERS] = {
	[IPSECS_IN_SUCCESS] = offsetof(struct ipsecstat, in_success),
	[IPSECS_IN_POLVIO] = offsetof(struct ipsecstat, in_polvio),
	[IPSECS_IN_NOSA] = offsetof(struct ipsecstat, in_nosa),
	[IPSECS_IN_INVAL] = offsetof(struct ipsecstat, in_inval),
	[IPSECS_IN_NOMEM] = offsetof(struct ipsecstat, in_nomem),
	[IPSECS_IN_BADSPI] = offsetof(struct ipsecstat, in_badspi),
	[IPSECS_IN_AHREPLAY] = offsetof(struct ipsecstat, in_ahreplay),
	[IPSECS_IN_ESPREPLAY] = offsetof(struct ipsecstat, in_espreplay),
	[IPSECS_IN_AHAUTHSUCC] = offsetof(struct ipsecstat, in_ahauthsucc),
	[IPSECS_IN_AHAUTHFAIL] = offsetof(struct ipsecstat, in_ahauthfail),
	[IPSECS_IN_ESPAUTHSUCC] = offsetof(struct ipsecstat, in_espauthsucc),
	[IPSECS_IN_ESPAUTHFAIL] = offsetof(struct ipsecstat, in_espauthfail),
	[IPSECS_OUT_SUCCESS] = offsetof(struct ipsecstat, out_success),
	[IPSECS_OUT_POLVIO] = offsetof(struct ipsecstat, out_polvio),
	[IPSECS_OUT_NOSA] = offsetof(struct ipsecstat, out_nosa),
	[IPSECS_OUT_INVAL] = offsetof(struct ipsecstat, out_inval),
	[IPSECS_OUT_NOMEM] = offsetof(struct ipsecstat, out_nomem),
	[IPSECS_OUT_NOROUTE] = offsetof(struct ipsecstat, out_noroute),
};

void
ipsecstat_get(int af, struct ipsecstat *st)
{
	struct ipsecstat_set sum;
	const struct ipsecstat_set *s = &sum;
	size_t i;

	ipsecstat_sum(af, &sum);
	memset(st, 0, sizeof(*st));
	/* in_success sits at offset 0, which is also "not in KAME's". */
	st->in_success = s->c[IPSECS_IN_SUCCESS];
	for (i = 0; i < IPSECS_NCOUNTERS; i++)
		if (kame_offset[i] != 0)
			memcpy((char *)st + kame_offset[i], &s->c[i],
			    sizeof(s->c[i]));
	memcpy(st->in_esphist, s->in_esphist, sizeof(st->in_esphist));
	memcpy(st->out_esphist, s->out_esphist, sizeof(st->out_esphist));
	memcpy(st->in_ahhist, s->in_ahhist, sizeof(st->in_ahhist));
	memcpy(st->out_ahhist, s->out_ahhist, sizeof(st->out_ahhist));
	memcpy(st->in_comphist, s->in_comphist, sizeof(st->in_comphist));
	memcpy(st->out_comphist, s->out_comphist, sizeof(st->out_comphist));
}

void
ipsecstat_reset(void)
{
	net_counter_zero(&ipsecstat_inet);
	net_counter_zero(&ipsecstat_inet6);
}

void
ipsecstat_reset_set(const void *set)
{
	net_counter_zero(set);
}

static void
walk_hist(mib_counter_fn fn, void *arg, const char *name, const uint64_t *h)
{
	size_t i;

	for (i = 0; i < IPSEC_HIST_MAX; i++)
		if (h[i] != 0)
			fn(arg, name, (int)i, h[i]);
}

void
ipsecstat_walk(const void *set, mib_counter_fn fn, void *arg)
{
	struct ipsecstat_set sum;
	const struct ipsecstat_set *s = &sum;
	size_t i;

	net_counter_sum_all(set, (uint64_t *)(void *)&sum);

	for (i = 0; i < IPSECS_NCOUNTERS; i++)
		fn(arg, counter_names[i], -1, s->c[i]);
	walk_hist(fn, arg, "in_esphist", s->in_esphist);
	walk_hist(fn, arg, "in_ahhist", s->in_ahhist);
	walk_hist(fn, arg, "in_comphist", s->in_comphist);
	walk_hist(fn, arg, "out_esphist", s->out_esphist);
	walk_hist(fn, arg, "out_ahhist", s->out_ahhist);
	walk_hist(fn, arg, "out_comphist", s->out_comphist);
}

const char *
ipsecstat_name(enum ipsecstat_counter c)
{
	if ((unsigned int)c >= IPSECS_NCOUNTERS)
		return NULL;
	return counter_names[c];
}
