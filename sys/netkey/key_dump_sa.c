/*
 * SADB_DUMP: one record per SA of the requested type, LARVAL and DEAD
 * included, streamed through keysock_stream() so that a dump of any size
 * reaches the client whole (the socket pulls records only as it can take
 * them; nothing is dropped or truncated).
 *
 * The dump works on a snapshot taken when the request arrives: SAs
 * deleted while it streams still appear (as DEAD if they are gone by the
 * time their record is written), SAs added meanwhile do not.  Records
 * count sadb_msg_seq down to 0 on the last one, carry the requester's
 * pid, and put the SA's reference count in sadb_msg_reserved (KAME
 * key_dump(), key_setdumpsa()).  An empty table is ENOENT.
 */
#include <errno.h>
#include <stdlib.h>

#include "net/pfkeyv2.h"
#include "sys/netkey/key_build.h"
#include "sys/netkey/key_msg_sa.h"
#include "sys/netkey/key_parse.h"
#include "sys/netkey/key_sad.h"
#include "sys/netkey/keysock.h"

struct dump_cursor {
	struct ipsec_sa	**arr;
	size_t		  n;
	size_t		  next;
	uint32_t	  pid;
};

/*
 * The record goes straight into the socket layer's buffer, which owns
 * it (and wipes it); this buffer is not freed here.
 */
static long
dump_produce(void *arg, void *buf, size_t cap)
{
	struct dump_cursor *c = arg;
	struct key_buf b;
	size_t i = c->next;
	int error;

	if (i >= c->n)
		return 0;
	key_buf_init(&b, buf, cap);
	error = key_sa_record(&b, c->arr[i], SADB_DUMP,
	    (uint32_t)(c->n - 1 - i), c->pid);
	if (error != 0)
		return -error;
	c->next++;
	return (long)key_buf_len(&b);
}

static void
dump_release(void *arg)
{
	struct dump_cursor *c = arg;

	key_sad_snapshot_free(c->arr, c->n);
	free(c);
}

static const struct keysock_stream_ops dump_ops = {
	.produce = dump_produce,
	.release = dump_release,
};

int
key_dump(struct keysock *from, const struct key_msg *m)
{
	struct dump_cursor *c;
	int error;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return ENOMEM;
	error = key_sad_snapshot(m->hdr->sadb_msg_satype, &c->arr, &c->n);
	if (error == 0 && c->n == 0)
		error = ENOENT;
	if (error != 0) {
		key_sad_snapshot_free(c->arr, c->n);
		free(c);
		return error;
	}
	c->pid = m->hdr->sadb_msg_pid;
	return keysock_stream(from, &dump_ops, c);
}
