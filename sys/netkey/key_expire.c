/*
 * SAD events as PF_KEY notifications to the registered sockets.
 *
 *  - expire(sa, hard): SADB_EXPIRE with base (seq: the creating message's,
 *    pid 0, reserved: reference count), SA, SA2, lifetime CURRENT, the
 *    limit that fired (SOFT, or HARD: FreeBSD sends both kinds, KAME only
 *    soft) and the addresses.
 *  - removed(sa, SUPERSEDED): KAME's SADB_DELETE to the registered
 *    sockets when preferred_oldsa 0 retires an older SA: base, SA, SA2
 *    and addresses.  Larval reaping and hard expiry send nothing more.
 * A notification that cannot be queued is counted by the socket layer.
 */
#include "net/pfkeyv2.h"
#include "sys/netkey/key_build.h"
#include "sys/netkey/key_msg_sa.h"
#include "sys/netkey/key_sad.h"
#include "sys/netkey/keysock.h"

static void
send_registered(struct key_buf *b)
{
	if (key_build_end(b) == 0)
		keysock_sendup(NULL, key_buf_data(b), key_buf_len(b),
		    KEY_SENDUP_REGISTERED);
	key_buf_free(b);
}

static void
expire_event(struct ipsec_sa *sa, int hard)
{
	const struct ipsec_sa_lifetime *lt = hard ? &sa->hard : &sa->soft;
	struct ipsec_sa_lifetime cur;
	unsigned int refs = key_sa_refcnt(sa);
	struct key_buf b;

	key_buf_init_dynamic(&b);
	key_build_begin(&b, SADB_EXPIRE, sa->satype, sa->msg_seq, 0);
	key_build_set_reserved(&b, refs > UINT16_MAX ? UINT16_MAX :
	    (uint16_t)refs);
	key_sa_record_index(&b, sa);
	key_sa_cur(sa, &cur);
	key_build_lifetime(&b, SADB_EXT_LIFETIME_CURRENT,
	    cur.allocations, cur.bytes, cur.addtime, cur.usetime);
	key_build_lifetime(&b, hard ? SADB_EXT_LIFETIME_HARD :
	    SADB_EXT_LIFETIME_SOFT, lt->allocations, lt->bytes, lt->addtime,
	    lt->usetime);
	send_registered(&b);
}

static void
removed_event(struct ipsec_sa *sa, int reason)
{
	struct key_buf b;

	if (reason != KEY_SAD_RM_SUPERSEDED)
		return;
	key_buf_init_dynamic(&b);
	key_build_begin(&b, SADB_DELETE, sa->satype, 0, 0);
	key_sa_record_index(&b, sa);
	send_registered(&b);
}

static const struct key_sad_events msg_sa_events = {
	.expire = expire_event,
	.removed = removed_event,
};

void
key_msg_sa_init(void)
{
	key_sad_set_events(&msg_sa_events);
}
