/*
 * PF_KEY requests about SAs: GETSPI, UPDATE, ADD, DELETE, GET and FLUSH
 * (DUMP is in key_dump_sa.c).
 *
 * Not-found and ownership errors, where KAME, FreeBSD and RFC 2367 each
 * say something else, are chosen once here:
 *  - An SA is named by (dst, proto, spi), the SAD's O(1) key.  If no SA
 *    has that key, DELETE, GET and UPDATE answer ENOENT (KAME's "not
 *    found").  If one does but its source differs from the request's, it
 *    belongs to another SA index: ENOENT for DELETE and GET (KAME looks
 *    only in the request's SA head), ESRCH for UPDATE (FreeBSD's "saidx
 *    mismatch").
 *  - UPDATE of a LARVAL SA from another process than the one whose GETSPI
 *    made it is EINVAL (KAME and FreeBSD; the RFC's EACCES is not used).
 *  - UPDATE of a MATURE or DYING SA may only change its lifetimes
 *    (FreeBSD key_update()): the algorithms in the SA extension must be
 *    the SA's, and keys or a different mode or reqid are EINVAL.  NAT-T
 *    extensions (type, ports, original addresses) must be the ones the
 *    SA keeps, byte for byte.
 *  - From a Linux-dialect socket the same UPDATE follows af_key's
 *    xfrm_state_update() instead: keys and algorithms are ignored, the
 *    lifetimes replaced, and an esp-udp SA moves to the NAT-T ports and
 *    original addresses the request names (charon follows a NAT's new
 *    mapping so); the request must carry the SA's NAT-T type if and only
 *    if the SA has one, and SA2 must still repeat the mode and reqid.
 *  - UPDATE never moves an SA: NEW_ADDRESS_SRC/DST naming another
 *    address than the SA's is EINVAL, whatever the state (FreeBSD moves
 *    the SA; here it would change the SAD's index under the packet
 *    path, so the key manager deletes and adds instead).
 *  - GETSPI that finds no SPI, or finds the one asked for taken, is
 *    EINVAL (KAME), not the RFC's EEXIST.
 *  - GETSPI and ADD when the SAD holds net.key.sad_max SAs are ENOBUFS,
 *    counted in pfkeystat.out_sadfull; UPDATE replaces, so it may.
 *
 * Addresses compare as the SAD compares them (key_sockaddr_equal(), from
 * key_sockaddr.h: one rule for "same address" in the engine).
 *
 * Replies to ADD and UPDATE go to every socket and echo the request
 * without its keys; DELETE's echoes the SA extension and addresses (or
 * only the addresses for delete-all), FLUSH's the base header.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "net/pfkeyv2.h"
#include "netipsec/ipsec.h"
#include "sys/netkey/key_acquire.h"
#include "sys/netkey/key_build.h"
#include "sys/netkey/key_msg_sa.h"
#include "sys/netkey/key_parse.h"
#include "sys/netkey/key_sad.h"
#include "sys/netkey/key_sockaddr.h"
#include "sys/netkey/key_stat.h"
#include "sys/netkey/key_var.h"
#include "sys/netkey/keysock.h"

#define ECHO_NO_KEYS	(KEY_EXT_ALL & ~(KEY_EXT_BIT(SADB_EXT_KEY_AUTH) | \
	KEY_EXT_BIT(SADB_EXT_KEY_ENCRYPT)))
#define ECHO_ADDRS	(KEY_EXT_BIT(SADB_EXT_ADDRESS_SRC) | \
	KEY_EXT_BIT(SADB_EXT_ADDRESS_DST))

struct sa_index {
	const struct sockaddr	*src;
	const struct sockaddr	*dst;
	uint8_t			 proto;
	uint8_t			 satype;
};

static void
msg_index(const struct key_msg *m, struct sa_index *ix)
{
	ix->src = key_msg_sockaddr(KEY_MSG_EXT(m, SADB_EXT_ADDRESS_SRC,
	    sadb_address));
	ix->dst = key_msg_sockaddr(KEY_MSG_EXT(m, SADB_EXT_ADDRESS_DST,
	    sadb_address));
	ix->satype = m->hdr->sadb_msg_satype;
	ix->proto = key_satype_to_proto(ix->satype);
}

/*
 * The SA a request names.  ENOENT when there is none; *other is set when
 * (dst, proto, spi) exists with another source.
 */
static struct ipsec_sa *
msg_lookup(const struct key_msg *m, const struct sa_index *ix, bool *other)
{
	const struct sadb_sa *s = KEY_MSG_EXT(m, SADB_EXT_SA, sadb_sa);
	struct ipsec_sa *sa;

	*other = false;
	sa = key_sad_lookup(ix->dst, ix->proto, s->sadb_sa_spi);
	if (sa != NULL && !key_sockaddr_equal(ix->src, &sa->src)) {
		*other = true;
		return NULL;
	}
	return sa;
}

/* Whether the SAD is at net.key.sad_max: the request is counted. */
static bool
sad_full(void)
{
	if (key_sad_count(SADB_SATYPE_UNSPEC) <
	    (size_t)net_tunable_get(&key_vars.sad_max))
		return false;
	pfkeystat.out_sadfull++;
	return true;
}

/* End the message in b, deliver it to target and wipe it. */
static int
send_built(struct keysock *from, struct key_buf *b,
    enum key_sendup_target target)
{
	int error;

	if ((error = key_build_end(b)) == 0)
		error = keysock_sendup(from, key_buf_data(b), key_buf_len(b),
		    target);
	key_buf_free(b);
	return error;
}

/* Reply echoing the request through mask, to target. */
static int
reply_echo(struct keysock *from, const struct key_msg *m, uint32_t mask,
    enum key_sendup_target target)
{
	struct key_buf b;

	key_buf_init_dynamic(&b);
	key_build_echo(&b, m, mask);
	return send_built(from, &b, target);
}

static uint32_t
sa2_reqid(const struct key_msg *m, uint8_t *mode)
{
	const struct sadb_x_sa2 *sa2 = KEY_MSG_EXT(m, SADB_X_EXT_SA2,
	    sadb_x_sa2);

	*mode = sa2 != NULL ? sa2->sadb_x_sa2_mode : IPSEC_MODE_ANY;
	return sa2 != NULL ? sa2->sadb_x_sa2_reqid : 0;
}

static int
getspi_reply(struct keysock *from, const struct key_msg *m,
    const struct ipsec_sa *sa)
{
	struct key_buf b;

	key_buf_init_dynamic(&b);
	key_build_echo(&b, m, 0);
	key_build_sa(&b, sa->spi, 0, SADB_SASTATE_LARVAL, 0, 0, 0);
	key_build_ext(&b, m->ext[SADB_EXT_ADDRESS_SRC]);
	key_build_ext(&b, m->ext[SADB_EXT_ADDRESS_DST]);
	return send_built(from, &b, KEY_SENDUP_ONE);
}

/*
 * SADB_GETSPI: a LARVAL SA with a free SPI, remembering the request's
 * seq and pid (UPDATE checks the pid; an ACQUIRE with that seq is tied
 * to it).  The reply goes to the requester only (KAME).
 */
int
key_getspi(struct keysock *from, const struct key_msg *m)
{
	const struct sadb_spirange *r = KEY_MSG_EXT(m, SADB_EXT_SPIRANGE,
	    sadb_spirange);
	struct sa_index ix;
	struct ipsec_sa *sa;
	uint32_t spi;
	int error;

	msg_index(m, &ix);
	if (sad_full())
		return ENOBUFS;
	error = key_sad_getspi(ix.dst, ix.proto, r ? r->sadb_spirange_min : 0,
	    r ? r->sadb_spirange_max : 0, &spi);
	if (error == EAGAIN || error == EEXIST)
		error = EINVAL;
	if (error != 0)
		return error;
	if ((sa = key_sa_alloc(ix.satype, ix.src, ix.dst)) == NULL)
		return errno == ENOMEM ? ENOMEM : EINVAL;
	sa->spi = spi;
	sa->reqid = sa2_reqid(m, &sa->mode);
	sa->msg_seq = m->hdr->sadb_msg_seq;
	sa->msg_pid = m->hdr->sadb_msg_pid;
	error = key_sad_insert(sa);
	if (error == 0) {
		if (sa->msg_seq != 0)
			key_acquire_touch(sa->msg_seq);
		error = getspi_reply(from, m, sa);
	}
	key_sa_put(sa);
	return error;
}

/* A MATURE SA from an ADD or UPDATE request, not linked.  *sap on 0. */
static int
sa_from_msg(const struct key_msg *m, const struct sa_index *ix,
    struct ipsec_sa **sap)
{
	struct ipsec_sa *sa;
	int error;

	if ((sa = key_sa_alloc(ix->satype, ix->src, ix->dst)) == NULL)
		return errno == ENOMEM ? ENOMEM : EINVAL;
	if ((error = key_sa_setval(sa, m)) != 0 ||
	    (error = key_sa_install(sa)) != 0) {
		key_sa_put(sa);
		return error;
	}
	sa->state = SADB_SASTATE_MATURE;
	sa->msg_seq = m->hdr->sadb_msg_seq;
	sa->msg_pid = m->hdr->sadb_msg_pid;
	*sap = sa;
	return 0;
}

/*
 * UPDATE of a LARVAL SA: the new SA replaces it.  Everything but the
 * index and the SPI comes from the request; the creator's seq and pid
 * and, without SA2, its mode and reqid, are kept.
 */
static int
update_larval(const struct key_msg *m, const struct sa_index *ix,
    struct ipsec_sa *old)
{
	struct ipsec_sa *sa;
	int error;

	if (old->msg_pid != m->hdr->sadb_msg_pid)
		return EINVAL;
	if ((error = sa_from_msg(m, ix, &sa)) != 0)
		return error;
	if (m->ext[SADB_X_EXT_SA2] == NULL) {
		sa->mode = old->mode;
		sa->reqid = old->reqid;
	}
	sa->msg_seq = old->msg_seq;
	sa->msg_pid = old->msg_pid;
	key_sad_remove(old);
	if ((error = key_sad_insert(sa)) == 0)
		key_sa_ready(sa);
	key_sa_put(sa);
	return error;
}

/* NAT-T extensions of an UPDATE request that the SA does not keep. */
static bool
natt_changed(const struct key_msg *m, const struct ipsec_sa *sa)
{
	static const enum key_sa_ext natt[] = {
		KEY_SA_EXT_NAT_T_TYPE, KEY_SA_EXT_NAT_T_SPORT,
		KEY_SA_EXT_NAT_T_DPORT, KEY_SA_EXT_NAT_T_OAI,
		KEY_SA_EXT_NAT_T_OAR,
	};
	const struct sadb_ext *ext;
	const struct key_blob *kept;
	size_t i, len;

	for (i = 0; i < sizeof(natt) / sizeof(natt[0]); i++) {
		if ((ext = m->ext[key_sa_ext_type(natt[i])]) == NULL)
			continue;
		len = PFKEY_UNUNIT64((size_t)ext->sadb_ext_len);
		kept = key_sa_ext(sa, natt[i]);
		if (kept == NULL || kept->len != len ||
		    memcmp(kept->data, ext, len) != 0)
			return true;
	}
	return false;
}

/* Whether NEW_ADDRESS_SRC/DST name another address than the SA's. */
static bool
moves_sa(const struct key_msg *m, const struct ipsec_sa *sa)
{
	const struct sadb_address *a;

	a = KEY_MSG_EXT(m, SADB_X_EXT_NEW_ADDRESS_SRC, sadb_address);
	if (a != NULL && !key_sockaddr_equal(key_msg_sockaddr(a), &sa->src))
		return true;
	a = KEY_MSG_EXT(m, SADB_X_EXT_NEW_ADDRESS_DST, sadb_address);
	return a != NULL && !key_sockaddr_equal(key_msg_sockaddr(a),
	    &sa->dst);
}

/*
 * UPDATE of a MATURE or DYING SA from a Linux client: lifetimes and
 * NAT-T encapsulation (see the top).
 */
static int
update_mature_linux(const struct key_msg *m, struct ipsec_sa *sa)
{
	bool encap = key_sa_ext(sa, KEY_SA_EXT_NAT_T_TYPE) != NULL;
	uint8_t mode;
	uint32_t reqid = sa2_reqid(m, &mode);
	int error;

	if (m->ext[SADB_X_EXT_SA2] != NULL &&
	    (mode != sa->mode || reqid != sa->reqid))
		return EINVAL;
	if (encap != (m->ext[SADB_X_EXT_NAT_T_TYPE] != NULL))
		return EINVAL;
	if (encap && (error = key_sa_natt_move(sa, m)) != 0)
		return error;
	key_sa_set_lifetimes(sa, m);
	return 0;
}

/* UPDATE of a MATURE or DYING SA: lifetimes only (see the top). */
static int
update_mature(const struct keysock *from, const struct key_msg *m,
    struct ipsec_sa *sa)
{
	const struct sadb_sa *s = KEY_MSG_EXT(m, SADB_EXT_SA, sadb_sa);
	uint8_t mode;
	uint32_t reqid = sa2_reqid(m, &mode);

	if (keysock_dialect(from) == KEY_DIALECT_LINUX)
		return update_mature_linux(m, sa);
	if (s->sadb_sa_auth != sa->alg_auth ||
	    s->sadb_sa_encrypt != sa->alg_enc ||
	    m->ext[SADB_EXT_KEY_AUTH] != NULL ||
	    m->ext[SADB_EXT_KEY_ENCRYPT] != NULL || natt_changed(m, sa))
		return EINVAL;
	if (m->ext[SADB_X_EXT_SA2] != NULL &&
	    (mode != sa->mode || reqid != sa->reqid))
		return EINVAL;
	key_sa_set_lifetimes(sa, m);
	return 0;
}

int
key_update(struct keysock *from, const struct key_msg *m)
{
	struct sa_index ix;
	struct ipsec_sa *sa;
	bool other;
	int error;

	msg_index(m, &ix);
	if ((sa = msg_lookup(m, &ix, &other)) == NULL)
		return other ? ESRCH : ENOENT;
	if (moves_sa(m, sa))
		error = EINVAL;
	else if (sa->state == SADB_SASTATE_LARVAL)
		error = update_larval(m, &ix, sa);
	else if (sa->state == SADB_SASTATE_DEAD)
		error = ESRCH;
	else if ((error = update_mature(from, m, sa)) == 0)
		key_sa_ready(sa);
	if (error != 0)
		return error;
	if (m->hdr->sadb_msg_seq != 0)
		key_acquire_done(m->hdr->sadb_msg_seq);
	return reply_echo(from, m, ECHO_NO_KEYS, KEY_SENDUP_ALL);
}

int
key_add(struct keysock *from, const struct key_msg *m)
{
	struct sa_index ix;
	struct ipsec_sa *sa;
	const struct sadb_sa *s = KEY_MSG_EXT(m, SADB_EXT_SA, sadb_sa);
	int error;

	msg_index(m, &ix);
	if (key_sad_lookup(ix.dst, ix.proto, s->sadb_sa_spi) != NULL)
		return EEXIST;
	if (sad_full())
		return ENOBUFS;
	if ((error = sa_from_msg(m, &ix, &sa)) != 0)
		return error;
	if ((error = key_sad_insert(sa)) == 0) {
		if (m->hdr->sadb_msg_seq != 0)
			key_acquire_done(m->hdr->sadb_msg_seq);
		key_sa_ready(sa);
	}
	key_sa_put(sa);
	if (error != 0)
		return error;
	return reply_echo(from, m, ECHO_NO_KEYS, KEY_SENDUP_ALL);
}

/*
 * SADB_DELETE.  With an SA extension: that SA, in any state.  Without:
 * KAME's delete-all, every non-LARVAL SA of (src, dst, proto); it
 * succeeds even when there was none, as KAME's does.
 */
int
key_delete(struct keysock *from, const struct key_msg *m)
{
	struct sa_index ix;
	struct ipsec_sa *sa;
	bool other;

	msg_index(m, &ix);
	if (m->ext[SADB_EXT_SA] == NULL) {
		key_sad_delete_all(ix.src, ix.dst, ix.proto);
		return reply_echo(from, m, ECHO_ADDRS, KEY_SENDUP_ALL);
	}
	if ((sa = msg_lookup(m, &ix, &other)) == NULL)
		return ENOENT;
	key_sad_remove(sa);
	return reply_echo(from, m, KEY_EXT_BIT(SADB_EXT_SA) | ECHO_ADDRS,
	    KEY_SENDUP_ALL);
}

/* SADB_GET: the full record, keys included, to the requester only. */
int
key_get(struct keysock *from, const struct key_msg *m)
{
	struct sa_index ix;
	struct ipsec_sa *sa;
	struct key_buf b;
	bool other;

	msg_index(m, &ix);
	if ((sa = msg_lookup(m, &ix, &other)) == NULL)
		return ENOENT;
	key_buf_init_dynamic(&b);
	key_sa_record(&b, sa, SADB_GET, m->hdr->sadb_msg_seq,
	    m->hdr->sadb_msg_pid);
	return send_built(from, &b, KEY_SENDUP_ONE);
}

/* SADB_FLUSH: every SA of the satype (UNSPEC: all); the header to all. */
int
key_flush(struct keysock *from, const struct key_msg *m)
{
	key_sad_flush(m->hdr->sadb_msg_satype);
	return reply_echo(from, m, 0, KEY_SENDUP_ALL);
}
