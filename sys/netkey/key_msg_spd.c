/*
 * The SADB_X_SPD* requests: SPDADD, SPDUPDATE, SPDSETIDX, SPDDELETE,
 * SPDDELETE2, SPDGET and SPDFLUSH (KAME key_spdadd() and its siblings).
 * SPDDUMP lives in key_dump_spd.c.
 *
 * Replies to changes go to every socket (KEY_SENDUP_ALL), so that every
 * key management daemon sees the SPD change; SPDGET answers the sender
 * only.  A reply that cannot be queued at the sender comes back to it as
 * an error even though the change was made, as in KAME, whose reply could
 * fail the same way after the SPD had changed.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "sys/netkey/key_build.h"
#include "sys/netkey/key_dispatch.h"
#include "sys/netkey/key_msg_spd.h"
#include "sys/netkey/key_parse.h"
#include "sys/netkey/key_spd.h"
#include "sys/netkey/key_stat.h"
#include "sys/netkey/key_var.h"
#include "sys/netkey/keysock.h"

static int
send_built(struct keysock *from, struct key_buf *b,
    enum key_sendup_target target)
{
	int error;

	error = key_build_end(b);
	if (error == 0)
		error = keysock_sendup(from, key_buf_data(b), key_buf_len(b),
		    target);
	key_buf_free(b);
	return error;
}

/*
 * The reply to SPDADD, SPDUPDATE and SPDSETIDX: the request's addresses
 * and lifetime, and its x_policy as the SPD now holds it, with the id the
 * SPD assigned and the reqids it gave "unique" requests (FreeBSD writes
 * both into the echoed request).
 */
static int
reply_added(struct keysock *from, const struct key_msg *m,
    const struct ipsec_policy *p)
{
	struct key_buf b;

	key_buf_init_dynamic(&b);
	key_build_echo(&b, m, KEY_EXT_BIT(SADB_EXT_ADDRESS_SRC) |
	    KEY_EXT_BIT(SADB_EXT_ADDRESS_DST) |
	    KEY_EXT_BIT(SADB_EXT_LIFETIME_HARD));
	key_policy_build_policy(&b, p);
	return send_built(from, &b, KEY_SENDUP_ALL);
}

/*
 * SPDADD, SPDUPDATE and SPDSETIDX.  SPDADD and SPDSETIDX refuse a
 * selector and direction already present (EEXIST); SPDUPDATE replaces
 * the policy there, the new one getting a new id (FreeBSD), or inserts
 * when there is none.  SPDSETIDX alone may install an IPSEC policy
 * without requests, which makes the packet path ask for them with
 * SADB_X_SPDACQUIRE.  A built-in persistent policy cannot be replaced
 * (EPERM, KAME's readonly policies).  A request that would add a policy
 * to an SPD of net.key.spd_max policies is ENOBUFS, counted in
 * pfkeystat.out_spdfull; replacing one is not.
 */
int
key_spdadd(struct keysock *from, const struct key_msg *m)
{
	uint8_t type = m->hdr->sadb_msg_type;
	struct ipsec_policy *p, *old = NULL;
	int error;

	error = key_policy_from_msg(m, type == SADB_X_SPDSETIDX, &p);
	if (error != 0)
		return error;
	if (type == SADB_X_SPDUPDATE) {
		old = key_spd_find(p->dir, &p->sel);
		if (old != NULL && old->persistent)
			error = EPERM;
		key_policy_put(old);
	}
	if (error == 0 && old == NULL &&
	    key_spd_count(IPSEC_DIR_ANY) >=
	    (size_t)net_tunable_get(&key_vars.spd_max)) {
		pfkeystat.out_spdfull++;
		error = ENOBUFS;
	}
	if (error == 0)
		error = key_spd_insert(p, type == SADB_X_SPDUPDATE);
	if (error == 0)
		error = reply_added(from, m, p);
	key_policy_put(p);
	return error;
}

/*
 * SPDDELETE: by selector and direction.  Not found is ENOENT, as in
 * Linux; the FreeBSD dialect says EINVAL, as KAME and FreeBSD do.  The reply echoes the request to every socket
 * with the id of the policy that went.
 */
int
key_spddelete(struct keysock *from, const struct key_msg *m)
{
	const struct sadb_ext *xpl = m->ext[SADB_X_EXT_POLICY];
	struct ipsec_selector sel;
	struct ipsec_policy *p;
	struct key_buf b;
	uint32_t id;
	uint8_t dir;
	size_t off;
	int error;

	error = key_policy_selector_from_msg(m, &dir, &sel);
	if (error != 0)
		return error;
	if ((p = key_spd_find(dir, &sel)) == NULL)
		return ENOENT;
	error = p->persistent ? EPERM : key_spd_delete(p);
	id = p->id;
	key_policy_put(p);
	if (error != 0)
		return error;
	key_buf_init_dynamic(&b);
	key_build_echo(&b, m, KEY_EXT_BIT(SADB_EXT_ADDRESS_SRC) |
	    KEY_EXT_BIT(SADB_EXT_ADDRESS_DST));
	off = key_buf_len(&b);
	key_build_ext(&b, xpl);
	if (b.error == 0)
		memcpy(b.base + off + offsetof(struct sadb_x_policy,
		    sadb_x_policy_id), &id, sizeof(id));
	return send_built(from, &b, KEY_SENDUP_ALL);
}

/*
 * SPDDELETE2: by id only; not found is ENOENT (Linux; EINVAL in the
 * FreeBSD dialect, as in KAME and FreeBSD).  The
 * reply is the request, <base, x_policy>, to every socket.
 */
int
key_spddelete2(struct keysock *from, const struct key_msg *m)
{
	const struct sadb_x_policy *xpl;
	struct ipsec_policy *p;
	struct key_buf b;
	int error;

	xpl = KEY_MSG_EXT(m, SADB_X_EXT_POLICY, sadb_x_policy);
	if ((p = key_spd_get(xpl->sadb_x_policy_id)) == NULL)
		return ENOENT;
	error = p->persistent ? EPERM : key_spd_delete(p);
	key_policy_put(p);
	if (error != 0)
		return error;
	key_buf_init_dynamic(&b);
	key_build_echo(&b, m, KEY_EXT_BIT(SADB_X_EXT_POLICY));
	return send_built(from, &b, KEY_SENDUP_ALL);
}

/*
 * SPDGET: the policy's whole record to the sender; ENOENT when no policy
 * has the id (KAME and FreeBSD).  The reference count shown leaves out
 * the one this lookup holds.
 */
int
key_spdget(struct keysock *from, const struct key_msg *m)
{
	const struct sadb_x_policy *xpl;
	struct ipsec_policy *p;
	struct key_buf b;
	unsigned int refs;
	int error;

	xpl = KEY_MSG_EXT(m, SADB_X_EXT_POLICY, sadb_x_policy);
	if ((p = key_spd_get(xpl->sadb_x_policy_id)) == NULL)
		return ENOENT;
	refs = p->refcnt - 1;
	key_buf_init_dynamic(&b);
	error = key_policy_build_record(&b, p, SADB_X_SPDGET,
	    m->hdr->sadb_msg_seq, m->hdr->sadb_msg_pid,
	    refs > UINT16_MAX ? UINT16_MAX : (uint16_t)refs);
	key_policy_put(p);
	if (error == 0)
		error = keysock_sendup(from, key_buf_data(&b), key_buf_len(&b),
		    KEY_SENDUP_ONE);
	key_buf_free(&b);
	return error;
}

/*
 * SPDFLUSH: key_parse() has made sure the message is the bare header.
 * Persistent policies stay, as KAME keeps its built-in defaults.  The
 * header goes back to every socket.
 */
int
key_spdflush(struct keysock *from, const struct key_msg *m)
{
	struct sadb_msg reply;

	(void)key_spd_flush();
	memcpy(&reply, m->hdr, sizeof(reply));
	reply.sadb_msg_errno = 0;
	reply.sadb_msg_len = PFKEY_UNIT64(sizeof(reply));
	return keysock_sendup(from, &reply, sizeof(reply), KEY_SENDUP_ALL);
}
