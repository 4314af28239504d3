/*
 * Policies and their PF_KEY form: from a validated SPDADD-like message to
 * a struct ipsec_policy (KAME key_msg2sp() and the index part of
 * key_spdadd()), and from a policy back to the extensions of a reply,
 * dump record or notification (KAME key_sp2msg(), key_setdumpsp()).
 *
 * key_parse() has already checked the framing: address extensions of one
 * family with prefix lengths in range and equal protocols, requests whose
 * lengths add up and whose sockaddrs come in same-family pairs.  What is
 * left is the meaning of the values.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>

#include "sys/netkey/key_build.h"
#include "sys/netkey/key_msg_spd.h"
#include "sys/netkey/key_parse.h"

/*
 * Directions an SPD message may name.  The engine keeps Linux's forward
 * direction, which the Linux dialect's clients send for tunnels and which
 * applies to the traffic sockmgr forwards; FreeBSD answers EINVAL for it,
 * and the FreeBSD dialect (key_dialect.c) refuses it before it gets here.
 */
static const bool dir_valid[] = {
	[IPSEC_DIR_INBOUND] = true,
	[IPSEC_DIR_OUTBOUND] = true,
	[IPSEC_DIR_FWD] = true,
};

/*
 * The SPD takes these actions; ENTRUST and BYPASS are per-socket only.
 * key_spd_insert() checks this too, but SPDDELETE, which inserts nothing,
 * must refuse the others as well (FreeBSD).  Request modes and levels are
 * left to key_spd_insert(), which refuses the invalid ones with EINVAL.
 */
static const bool type_valid[] = {
	[IPSEC_POLICY_DISCARD] = true,
	[IPSEC_POLICY_NONE] = true,
	[IPSEC_POLICY_IPSEC] = true,
};

static bool
in_table(const bool *table, size_t n, unsigned int v)
{
	return v < n && table[v];
}

static bool
dir_ok(uint8_t dir)
{
	return in_table(dir_valid, sizeof(dir_valid) / sizeof(dir_valid[0]),
	    dir);
}

static bool
type_ok(uint16_t type)
{
	return in_table(type_valid, sizeof(type_valid) / sizeof(type_valid[0]),
	    type);
}

static bool
proto_valid(uint16_t proto)
{
	return proto == IPPROTO_ESP || proto == IPPROTO_AH ||
	    proto == IPPROTO_COMP;
}

/* Copy a sockaddr of the message; its port goes to *port (host order). */
static void
sockaddr_take(union key_sockaddr *to, const struct sockaddr *sa,
    uint16_t *port)
{
	memset(to, 0, sizeof(*to));
	memcpy(to, sa, pfkey_sockaddr_len(sa));
	if (port == NULL)
		return;
	if (to->sa.sa_family == AF_INET) {
		*port = ntohs(to->sin.sin_port);
		to->sin.sin_port = 0;
	} else {
		*port = ntohs(to->sin6.sin6_port);
		to->sin6.sin6_port = 0;
	}
}

/*
 * The selector of a message: its address extensions, ports taken out of
 * the sockaddrs.  Ports are accepted with any upper-layer protocol, as in
 * KAME: setkey packs the ICMP type and code into them, and a port with
 * "any" protocol simply never matches a packet without ports.
 */
static int
selector_from_msg(const struct key_msg *m, struct ipsec_selector *sel)
{
	const struct sadb_address *src, *dst;

	src = KEY_MSG_EXT(m, SADB_EXT_ADDRESS_SRC, sadb_address);
	dst = KEY_MSG_EXT(m, SADB_EXT_ADDRESS_DST, sadb_address);
	if (src == NULL || dst == NULL)
		return EINVAL;
	memset(sel, 0, sizeof(*sel));
	sockaddr_take(&sel->src, key_msg_sockaddr(src), &sel->sport);
	sockaddr_take(&sel->dst, key_msg_sockaddr(dst), &sel->dport);
	sel->src_plen = src->sadb_address_prefixlen;
	sel->dst_plen = dst->sadb_address_prefixlen;
	sel->ul_proto = src->sadb_address_proto;
	return 0;
}

/*
 * One request (KAME key_msg2sp()).  An unknown protocol is
 * EPROTONOSUPPORT, as in KAME and FreeBSD; a mode other than transport or
 * tunnel (ANY included) and an unknown level are EINVAL, from
 * key_spd_insert().
 * The reqid means something only to "unique"; KAME and FreeBSD drop it
 * for the other levels and so do we.  A unique reqid of 0 or above
 * IPSEC_MANUAL_REQID_MAX is replaced by the SPD with one of its own.
 * Tunnel mode needs both endpoints.  Transport mode may carry them too
 * (setkey accepts "esp/transport/A-B/require"): as in KAME they are kept
 * and shown, but the packet path takes a transport SA's addresses from
 * the packet.
 */
static int
request_from_msg(const struct sadb_x_ipsecrequest *xr,
    struct ipsec_request *r)
{
	const struct sockaddr *src, *dst;

	if (!proto_valid(xr->sadb_x_ipsecrequest_proto))
		return EPROTONOSUPPORT;
	memset(r, 0, sizeof(*r));
	r->proto = (uint8_t)xr->sadb_x_ipsecrequest_proto;
	r->mode = xr->sadb_x_ipsecrequest_mode;
	r->level = xr->sadb_x_ipsecrequest_level;
	if (r->level == IPSEC_LEVEL_UNIQUE)
		r->reqid = xr->sadb_x_ipsecrequest_reqid;
	if (key_msg_request_addrs(xr, &src, &dst) == 2) {
		sockaddr_take(&r->tun_src, src, NULL);
		sockaddr_take(&r->tun_dst, dst, NULL);
	} else if (r->mode == IPSEC_MODE_TUNNEL)
		return EINVAL;
	return 0;
}

/*
 * The requests of an IPSEC policy.  More than IPSEC_MAXREQ is EINVAL
 * (FreeBSD).  The other actions ignore any requests sent with them, as
 * KAME's key_msg2sp() does.
 */
static int
requests_from_msg(const struct sadb_x_policy *xpl, struct ipsec_policy *p)
{
	const struct sadb_x_ipsecrequest *xr;
	int error;

	p->nreq = 0;
	if (p->action != IPSEC_POLICY_IPSEC)
		return 0;
	for (xr = key_msg_request_first(xpl); xr != NULL;
	    xr = key_msg_request_next(xpl, xr)) {
		if (p->nreq == IPSEC_MAXREQ)
			return EINVAL;
		error = request_from_msg(xr, &p->req[p->nreq]);
		if (error != 0)
			return error;
		p->nreq++;
	}
	return 0;
}

int
key_policy_from_msg(const struct key_msg *m, bool allow_empty,
    struct ipsec_policy **pp)
{
	const struct sadb_x_policy *xpl;
	const struct sadb_lifetime *lft;
	struct ipsec_policy *p;
	int error;

	*pp = NULL;
	xpl = KEY_MSG_EXT(m, SADB_X_EXT_POLICY, sadb_x_policy);
	lft = KEY_MSG_EXT(m, SADB_EXT_LIFETIME_HARD, sadb_lifetime);
	if (xpl == NULL || !dir_ok(xpl->sadb_x_policy_dir) ||
	    !type_ok(xpl->sadb_x_policy_type))
		return EINVAL;
	if ((p = key_policy_new()) == NULL)
		return ENOMEM;
	p->dir = xpl->sadb_x_policy_dir;
	p->action = (uint8_t)xpl->sadb_x_policy_type;
	p->priority = xpl->sadb_x_policy_priority;
	p->msg_seq = m->hdr->sadb_msg_seq;
	p->msg_pid = m->hdr->sadb_msg_pid;
	if (lft != NULL) {
		p->lifetime = lft->sadb_lifetime_addtime;
		p->validtime = lft->sadb_lifetime_usetime;
	}
	error = selector_from_msg(m, &p->sel);
	if (error == 0)
		error = requests_from_msg(xpl, p);
	if (error == 0 && p->action == IPSEC_POLICY_IPSEC && p->nreq == 0 &&
	    !allow_empty)
		error = EINVAL;
	if (error != 0) {
		key_policy_put(p);
		return error;
	}
	*pp = p;
	return 0;
}

int
key_policy_from_xpolicy(const struct sadb_x_policy *xpl,
    struct ipsec_policy **pp)
{
	struct ipsec_policy *p;
	size_t i;
	int error;

	*pp = NULL;
	if ((p = key_policy_new()) == NULL)
		return ENOMEM;
	p->dir = xpl->sadb_x_policy_dir;
	p->action = (uint8_t)xpl->sadb_x_policy_type;
	p->priority = xpl->sadb_x_policy_priority;
	error = requests_from_msg(xpl, p);
	if (error == 0 && p->action == IPSEC_POLICY_IPSEC && p->nreq == 0)
		error = EINVAL;
	for (i = 0; error == 0 && i < p->nreq; i++)
		if ((p->req[i].mode != IPSEC_MODE_TRANSPORT &&
		    p->req[i].mode != IPSEC_MODE_TUNNEL) ||
		    p->req[i].level > IPSEC_LEVEL_UNIQUE)
			error = EINVAL;
	if (error != 0) {
		key_policy_put(p);
		return error;
	}
	*pp = p;
	return 0;
}

int
key_policy_selector_from_msg(const struct key_msg *m, uint8_t *dir,
    struct ipsec_selector *sel)
{
	const struct sadb_x_policy *xpl;

	xpl = KEY_MSG_EXT(m, SADB_X_EXT_POLICY, sadb_x_policy);
	if (xpl == NULL || !dir_ok(xpl->sadb_x_policy_dir) ||
	    !type_ok(xpl->sadb_x_policy_type))
		return EINVAL;
	*dir = xpl->sadb_x_policy_dir;
	return selector_from_msg(m, sel);
}

/* An address extension with the port put back into the sockaddr. */
static void
build_address(struct key_buf *b, uint16_t exttype,
    const union key_sockaddr *a, uint8_t plen, uint8_t proto, uint16_t port)
{
	union key_sockaddr sa = *a;

	if (sa.sa.sa_family == AF_INET)
		sa.sin.sin_port = htons(port);
	else
		sa.sin6.sin6_port = htons(port);
	key_build_address(b, exttype, &sa.sa, plen, proto);
}

void
key_policy_build_addresses(struct key_buf *b, const struct ipsec_policy *p)
{
	const struct ipsec_selector *sel = &p->sel;

	build_address(b, SADB_EXT_ADDRESS_SRC, &sel->src, sel->src_plen,
	    sel->ul_proto, sel->sport);
	build_address(b, SADB_EXT_ADDRESS_DST, &sel->dst, sel->dst_plen,
	    sel->ul_proto, sel->dport);
}

void
key_policy_build_policy(struct key_buf *b, const struct ipsec_policy *p)
{
	const struct ipsec_request *r;
	unsigned int i;

	key_build_policy(b, p->action, p->dir, p->id, p->priority);
	for (i = 0; i < p->nreq; i++) {
		r = &p->req[i];
		key_build_ipsecrequest(b, r->proto, r->mode, r->level,
		    (uint16_t)r->reqid,
		    r->tun_src.sa.sa_family != AF_UNSPEC ? &r->tun_src.sa :
		    NULL,
		    r->tun_dst.sa.sa_family != AF_UNSPEC ? &r->tun_dst.sa :
		    NULL);
	}
}

void
key_policy_build_lifetimes(struct key_buf *b, const struct ipsec_policy *p)
{
	key_build_lifetime(b, SADB_EXT_LIFETIME_CURRENT, 0, 0,
	    (uint64_t)p->created, (uint64_t)key_policy_lastused(p));
	key_build_lifetime(b, SADB_EXT_LIFETIME_HARD, 0, 0, p->lifetime,
	    p->validtime);
}

/*
 * The record of SPDGET, SPDDUMP and SPDEXPIRE, in FreeBSD's order: base,
 * addresses, policy, lifetimes.  KAME and FreeBSD put the reference count
 * in sadb_msg_reserved (setkey -DP prints it as refcnt=).  Both lifetimes
 * are always present, as in KAME, so that setkey shows created and
 * lastused for every policy.
 */
int
key_policy_build_record(struct key_buf *b, const struct ipsec_policy *p,
    uint8_t type, uint32_t seq, uint32_t pid, uint16_t refcnt)
{
	key_build_begin(b, type, SADB_SATYPE_UNSPEC, seq, pid);
	key_build_set_reserved(b, refcnt);
	key_policy_build_addresses(b, p);
	key_policy_build_policy(b, p);
	key_policy_build_lifetimes(b, p);
	return key_build_end(b);
}
