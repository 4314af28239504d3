/*
 * SADB_DUMP: one record per SA of the requested type, LARVAL and DEAD
 * included, streamed through keysock_stream() so that a dump of any size
 * reaches the client whole (the socket pulls records only as it can take
 * them; nothing is dropped or truncated).
 *
 * The dump works on a snapshot taken when the request arrives: SAs added
 * meanwhile do not appear, and SAs deleted, flushed or expired while it
 * streams are skipped (their keys were wiped when the SAD let them go).
 * Records count sadb_msg_seq down to 0 on the last one, carry the
 * requester's pid, and put the SA's reference count in sadb_msg_reserved
 * (KAME key_dump(), key_setdumpsa()).  An empty table is ENOENT.  When
 * every SA still to be sent goes away mid-dump, the record already sent
 * last did not say seq 0, so the dump ends with an error-form SADB_DUMP
 * (ENOENT, seq 0), which a client takes as the end of the dump.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

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
	uint8_t		  satype;
	bool		  ended;	/* the seq 0 message went out */
};

/* The next snapshot entry still in the SAD at or after i, or n. */
static size_t
next_linked(const struct dump_cursor *c, size_t i)
{
	while (i < c->n && !c->arr[i]->linked)
		i++;
	return i;
}

static long
dump_end(struct dump_cursor *c, void *buf, size_t cap)
{
	struct sadb_msg *m = buf;

	if (c->ended || cap < sizeof(*m))
		return 0;
	c->ended = true;
	memset(m, 0, sizeof(*m));
	m->sadb_msg_version = PF_KEY_V2;
	m->sadb_msg_type = SADB_DUMP;
	m->sadb_msg_errno = ENOENT;
	m->sadb_msg_satype = c->satype;
	m->sadb_msg_len = PFKEY_UNIT64(sizeof(*m));
	m->sadb_msg_pid = c->pid;
	return (long)sizeof(*m);
}

/*
 * The record goes straight into the socket layer's buffer, which owns
 * it (and wipes it); this buffer is not freed here.
 */
static long
dump_produce(void *arg, void *buf, size_t cap)
{
	struct dump_cursor *c = arg;
	struct key_buf b;
	size_t i, j;
	int error;

	i = next_linked(c, c->next);
	if (i >= c->n)
		return dump_end(c, buf, cap);
	j = next_linked(c, i + 1);
	key_buf_init(&b, buf, cap);
	error = key_sa_record(&b, c->arr[i], SADB_DUMP,
	    j >= c->n ? 0 : (uint32_t)(c->n - 1 - i), c->pid);
	if (error != 0)
		return -error;
	c->next = j;
	c->ended = j >= c->n;
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
	c->satype = m->hdr->sadb_msg_satype;
	return keysock_stream(from, &dump_ops, c);
}
