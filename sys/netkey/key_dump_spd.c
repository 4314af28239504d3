/*
 * SADB_X_SPDDUMP: one record per policy, streamed to the requester
 * through keysock_stream() so that a dump of any size arrives whole, at
 * the pace the client reads (KAME queued the whole dump at once and QNX's
 * io-pkt truncated it).
 *
 * The dump works on a snapshot taken when the request arrives: every
 * policy in it is sent exactly once, in KAME's order (inbound, then
 * outbound, then by priority and insertion), with sadb_msg_seq counting
 * down to 0 on the last record and sadb_msg_pid the requester's pid.
 * Policies deleted while the dump streams are still sent as they were;
 * policies added meanwhile are not.  The snapshot's references keep the
 * policies valid until the stream ends, whichever way it ends.
 */
#include <errno.h>
#include <stdlib.h>

#include "sys/netkey/key_build.h"
#include "sys/netkey/key_msg_spd.h"
#include "sys/netkey/key_parse.h"
#include "sys/netkey/key_spd.h"
#include "sys/netkey/keysock.h"

struct spd_dump {
	struct key_spd_snapshot	snap;
	size_t			next;	/* the next record's index */
	uint32_t		pid;	/* requester's sadb_msg_pid */
};

/*
 * The reference count a record shows is the policy's own, without the one
 * the snapshot holds: what KAME's refcnt would read with no dump running.
 */
static uint16_t
shown_refcnt(const struct ipsec_policy *p)
{
	unsigned int refs = p->refcnt - 1;

	return refs > UINT16_MAX ? UINT16_MAX : (uint16_t)refs;
}

static long
dump_produce(void *cursor, void *buf, size_t cap)
{
	struct spd_dump *d = cursor;
	const struct ipsec_policy *p;
	struct key_buf b;
	int error;

	if (d->next == d->snap.count)
		return 0;
	p = d->snap.policies[d->next];
	key_buf_init(&b, buf, cap);
	error = key_policy_build_record(&b, p, SADB_X_SPDDUMP,
	    (uint32_t)(d->snap.count - 1 - d->next), d->pid,
	    shown_refcnt(p));
	if (error != 0)
		return -error;
	d->next++;
	return (long)key_buf_len(&b);
}

static void
dump_release(void *cursor)
{
	struct spd_dump *d = cursor;

	key_spd_snapshot_free(&d->snap);
	free(d);
}

static const struct keysock_stream_ops dump_ops = {
	.produce = dump_produce,
	.release = dump_release,
};

/*
 * SPDDUMP.  key_parse() has refused every satype but UNSPEC (FreeBSD's
 * scope mask would allow 1 for global policies; we have no other scope,
 * so UNSPEC says it all).  An empty SPD answers ENOENT, which setkey
 * prints as "No SPD entries.".
 */
int
key_spddump(struct keysock *from, const struct key_msg *m)
{
	struct spd_dump *d;
	int error;

	if (key_spd_count(IPSEC_DIR_ANY) == 0)
		return ENOENT;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return ENOBUFS;
	if (key_spd_snapshot(IPSEC_DIR_ANY, &d->snap) != 0) {
		free(d);
		return ENOBUFS;
	}
	d->pid = m->hdr->sadb_msg_pid;
	error = keysock_stream(from, &dump_ops, d);
	return error;
}
