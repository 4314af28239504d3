/*
 * Policy resolution: SPD lookup for a packet, level resolution, outbound
 * SA bundles and the inbound check (see ipsec_policy.h).
 */
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>

#include "net/pfkeyv2.h"
#include "sys/netipsec/ipsec_pcb.h"
#include "sys/netipsec/ipsec_policy.h"
#include "sys/netipsec/ipsec_var.h"
#include "sys/netipsec/ipsec_xform.h"
#include "sys/netipsec/ipsec_xform_stat.h"
#include "sys/netkey/key_acquire.h"
#include "sys/netkey/key_msg_spd.h"
#include "sys/netkey/key_sad.h"
#include "sys/netkey/key_sockaddr.h"
#include "sys/netkey/key_spd.h"

/*
 * A socket's own policy comes first (KAME: per-socket policy takes
 * precedence over the SPD); a socket that entrusts the direction, or
 * traffic of no socket with a policy, goes to the SPD.
 */
struct ipsec_policy *
ipsec_policy_lookup(uint8_t dir, const struct ip_hdr_info *hi)
{
	struct ipsec_policy *p;
	struct key_spd_query q = {
		.src = &hi->src.sa,
		.dst = &hi->dst.sa,
		.ul_proto = hi->proto,
		.sport = hi->sport,
		.dport = hi->dport,
	};

	if ((p = ipsec_pcb_lookup(dir, hi)) != NULL)
		return p;
	return key_spd_lookup(dir, &q);
}

/*
 * Where the `default' level of (proto, mode) is kept, as an offset into
 * struct ipsec_af_vars; IPComp has no variable and is always use.
 */
struct deflev_desc {
	uint8_t	proto;
	uint8_t	mode;
	size_t	offset;
};

static const struct deflev_desc deflev_table[] = {
	{ IPPROTO_ESP, IPSEC_MODE_TRANSPORT,
	    offsetof(struct ipsec_af_vars, esp_trans_deflev) },
	{ IPPROTO_ESP, IPSEC_MODE_TUNNEL,
	    offsetof(struct ipsec_af_vars, esp_net_deflev) },
	{ IPPROTO_AH, IPSEC_MODE_TRANSPORT,
	    offsetof(struct ipsec_af_vars, ah_trans_deflev) },
	{ IPPROTO_AH, IPSEC_MODE_TUNNEL,
	    offsetof(struct ipsec_af_vars, ah_net_deflev) },
};

uint8_t
ipsec_policy_level(int af, const struct ipsec_request *req)
{
	const struct ipsec_af_vars *v = ipsec_af_vars(af);
	const struct deflev_desc *d;
	size_t i;
	int lev;

	if (req->level != IPSEC_LEVEL_DEFAULT)
		return req->level;
	for (i = 0; i < sizeof(deflev_table) / sizeof(deflev_table[0]); i++) {
		d = &deflev_table[i];
		if (d->proto != req->proto || d->mode != req->mode)
			continue;
		lev = net_tunable_get((const _Atomic int *)(const void *)
		    ((const char *)v + d->offset));
		return lev == IPSEC_LEVEL_REQUIRE ? IPSEC_LEVEL_REQUIRE :
		    IPSEC_LEVEL_USE;
	}
	return IPSEC_LEVEL_USE;
}

void
ipsec_bundle_release(struct ipsec_bundle *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		key_sa_put(b->step[i].sa);
	b->n = 0;
}

/*
 * Ask for the SA a request lacks.  KAME asks at every level, so that a
 * `use' policy gets protection once the daemon has negotiated it; a
 * refusal (nobody registered) changes nothing for the packet.
 */
static int
acquire(const struct ipsec_policy *p, const struct ipsec_request *r,
    uint8_t level, const struct sockaddr *src, const struct sockaddr *dst)
{
	struct key_acquire_req req = {
		.src = src,
		.dst = dst,
		.proto = r->proto,
		.mode = r->mode,
		.reqid = level == IPSEC_LEVEL_UNIQUE ? r->reqid : 0,
		.policy_id = p->id,
		.dir = p->dir,
	};

	return key_acquire(&req);
}

static int
bundle_fail(struct ipsec_bundle *b, enum ipsecstat_counter *why,
    enum ipsecstat_counter c)
{
	ipsec_bundle_release(b);
	*why = c;
	return -1;
}

int
ipsec_policy_bundle(const struct ipsec_policy *p,
    const struct ip_hdr_info *hi, struct ipsec_bundle *b,
    enum ipsecstat_counter *why)
{
	const struct sockaddr *src = &hi->src.sa, *dst = &hi->dst.sa;
	const struct ipsec_xform_ops *ops;
	const struct sockaddr *s, *d;
	const struct ipsec_request *r;
	struct ipsec_sa *sa;
	uint8_t level;
	size_t i;

	b->n = 0;
	b->acquiring = false;
	if (p->nreq == 0) {
		(void)key_spdacquire(p);
		return bundle_fail(b, why, IPSECS_OUT_NOSA);
	}
	for (i = 0; i < p->nreq; i++) {
		r = &p->req[i];
		level = ipsec_policy_level(hi->af, r);
		s = r->mode == IPSEC_MODE_TUNNEL ? &r->tun_src.sa : src;
		d = r->mode == IPSEC_MODE_TUNNEL ? &r->tun_dst.sa : dst;
		sa = key_sad_select(s, d, r->proto, r->mode,
		    level == IPSEC_LEVEL_UNIQUE ? r->reqid : 0);
		if (sa == NULL) {
			b->acquiring = acquire(p, r, level, s, d) == 0;
			if (level == IPSEC_LEVEL_USE)
				continue;
			b->miss_src = s;
			b->miss_dst = d;
			b->miss_proto = r->proto;
			return bundle_fail(b, why, IPSECS_OUT_NOSA);
		}
		/* Only an SA with transform state can be applied. */
		if (ipsec_xform_of(sa) == NULL) {
			if ((ops = ipsec_xform_lookup(r->proto)) != NULL)
				net_counter_inc(ops->stats->c, ops->c_noxform);
			return bundle_fail(b, why, IPSECS_OUT_INVAL);
		}
		b->step[b->n].sa = key_sa_get(sa);
		b->step[b->n++].req = r;
		/* Later transport requests protect the outer packet. */
		src = s;
		dst = d;
	}
	return 0;
}

/* Whether history entry e can be the transform request r asked for. */
static bool
entry_matches(const struct ipsec_history_entry *e,
    const struct ipsec_request *r, uint8_t level,
    const struct sockaddr *src, const struct sockaddr *dst)
{
	if (e->proto != r->proto)
		return false;
	if (level == IPSEC_LEVEL_UNIQUE && e->reqid != r->reqid)
		return false;
	if (r->mode == IPSEC_MODE_TUNNEL)
		return e->decap &&
		    key_sockaddr_equal(&r->tun_src.sa, &e->src) &&
		    key_sockaddr_equal(&r->tun_dst.sa, &e->dst);
	return !e->decap && key_sockaddr_equal(src, &e->src) &&
	    key_sockaddr_equal(dst, &e->dst);
}

/*
 * Match requests [i, nreq) against history entries [0, j) (the entries
 * not yet used, the innermost at j - 1), where src/dst are the packet's
 * addresses at the layer of request i.  A small backtracking search: at
 * most IPSEC_MAXREQ requests and IPSEC_HISTORY_MAX entries.
 */
static bool
match_from(const struct ipsec_policy *p, int af, size_t i, size_t j,
    const struct ipsec_history *h, const struct sockaddr *src,
    const struct sockaddr *dst)
{
	const struct ipsec_request *r;
	const struct sockaddr *nsrc = src, *ndst = dst;
	uint8_t level;
	size_t k;

	if (i == p->nreq)
		return true;
	r = &p->req[i];
	level = ipsec_policy_level(af, r);
	/*
	 * IPComp may be left off any packet it would not shrink (RFC 3173
	 * section 2.2), so its absence on input is never a violation,
	 * whatever the level (KAME's ipsec_in_reject skips it too).
	 */
	if (r->proto == IPPROTO_COMP)
		level = IPSEC_LEVEL_USE;
	if (r->mode == IPSEC_MODE_TUNNEL) {
		nsrc = &r->tun_src.sa;
		ndst = &r->tun_dst.sa;
	}
	for (k = j; k-- > 0;) {
		if (entry_matches(&h->e[k], r, level, src, dst) &&
		    match_from(p, af, i + 1, k, h, nsrc, ndst))
			return true;
	}
	return level == IPSEC_LEVEL_USE &&
	    match_from(p, af, i + 1, j, h, src, dst);
}

bool
ipsec_policy_check_in(const struct ipsec_policy *p,
    const struct ip_hdr_info *hi, const struct ipsec_history *h)
{
	return match_from(p, hi->af, 0, h->n, h, &hi->src.sa, &hi->dst.sa);
}
