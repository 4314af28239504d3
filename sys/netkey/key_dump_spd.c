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
 *
 * Per-socket policies (ipsec_pcb.h) follow the SPD's, one record per
 * socket and direction that does not entrust, without address extensions:
 * setkey -DP prints them as KAME's and ipsec-tools' do, "(per-socket
 * policy)" in place of a selector.
 */
#include <errno.h>
#include <stdlib.h>

#include "sys/netipsec/ipsec_pcb.h"
#include "sys/netkey/key_build.h"
#include "sys/netkey/key_msg_spd.h"
#include "sys/netkey/key_parse.h"
#include "sys/netkey/key_spd.h"
#include "sys/netkey/keysock.h"

static uint16_t	shown_refcnt(const struct ipsec_policy *p);

struct spd_dump {
	struct key_spd_snapshot	snap;
	struct ipsec_policy	**pcb;	/* per-socket policies, referenced */
	size_t			npcb;
	size_t			next;	/* the next record's index */
	uint32_t		pid;	/* requester's sadb_msg_pid */
};

static void
pcb_collect(const struct ipsec_pcb_view *v, void *arg)
{
	struct spd_dump *d = arg;
	size_t i;

	for (i = 0; i < 2; i++)
		if (v->pol[i] != NULL)
			d->pcb[d->npcb++] = key_policy_get(
			    (struct ipsec_policy *)(uintptr_t)v->pol[i]);
}

/* Both directions of every socket at most; 0 or ENOBUFS. */
static int
pcb_snapshot(struct spd_dump *d)
{
	size_t n = ipsec_pcb_count();

	if (n == 0)
		return 0;
	if ((d->pcb = calloc(2 * n, sizeof(*d->pcb))) == NULL)
		return ENOBUFS;
	ipsec_pcb_walk(pcb_collect, d);
	return 0;
}

/* A per-socket record: no selector, refcnt without the dump's. */
static int
build_pcb_record(struct key_buf *b, const struct ipsec_policy *p,
    uint32_t seq, uint32_t pid)
{
	key_build_begin(b, SADB_X_SPDDUMP, SADB_SATYPE_UNSPEC, seq, pid);
	key_build_set_reserved(b, shown_refcnt(p));
	key_policy_build_policy(b, p);
	key_policy_build_lifetimes(b, p);
	return key_build_end(b);
}

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

	size_t total = d->snap.count + d->npcb;
	uint32_t seq;

	if (d->next == total)
		return 0;
	seq = (uint32_t)(total - 1 - d->next);
	key_buf_init(&b, buf, cap);
	if (d->next < d->snap.count) {
		p = d->snap.policies[d->next];
		error = key_policy_build_record(&b, p, SADB_X_SPDDUMP, seq,
		    d->pid, shown_refcnt(p));
	} else
		error = build_pcb_record(&b, d->pcb[d->next - d->snap.count],
		    seq, d->pid);
	if (error != 0)
		return -error;
	d->next++;
	return (long)key_buf_len(&b);
}

static void
dump_release(void *cursor)
{
	struct spd_dump *d = cursor;
	size_t i;

	key_spd_snapshot_free(&d->snap);
	for (i = 0; i < d->npcb; i++)
		key_policy_put(d->pcb[i]);
	free(d->pcb);
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

	if (key_spd_count(IPSEC_DIR_ANY) == 0 && ipsec_pcb_count() == 0)
		return ENOENT;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return ENOBUFS;
	if (key_spd_snapshot(IPSEC_DIR_ANY, &d->snap) != 0) {
		free(d);
		return ENOBUFS;
	}
	if (pcb_snapshot(d) != 0) {
		dump_release(d);
		return ENOBUFS;
	}
	if (d->snap.count + d->npcb == 0) {
		dump_release(d);
		return ENOENT;
	}
	d->pid = m->hdr->sadb_msg_pid;
	error = keysock_stream(from, &dump_ops, d);
	return error;
}
