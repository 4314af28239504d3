/*
 * Notifications the key engine sends about policies, to the registered
 * sockets: SADB_X_SPDEXPIRE when a policy's lifetime or validtime has run
 * out (the SPD's timer removes it and calls us), and SADB_X_SPDACQUIRE
 * when the packet path meets an IPSEC policy that has no requests yet.
 *
 * SPDACQUIRE is rate-limited per policy the way KAME limits it with its
 * spacq list: the first trigger sends and makes an entry; later triggers
 * only count until more than net.key.blockacq_count have been suppressed,
 * when one more message goes and the count starts over; an entry older
 * than net.key.blockacq_lifetime seconds is forgotten, so the next
 * trigger sends again.  KAME keys the list by selector; we key it by
 * policy id, which names the same thing for an SPD entry and cannot be
 * chosen from the wire.  Entries are made only when a message is sent, so
 * the per-packet cost of a suppressed trigger is one short chain walk and
 * no allocation.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sys/net/net_clock.h"
#include "sys/netkey/key_build.h"
#include "sys/netkey/key_defer.h"
#include "sys/netkey/key_msg_spd.h"
#include "sys/netkey/key_spd.h"
#include "sys/netkey/key_var.h"
#include "sys/netkey/keysock.h"

#define SPACQ_BUCKETS	256		/* a power of two */

struct spacq {
	struct spacq	*next;
	uint32_t	id;		/* policy id */
	int		count;		/* triggers suppressed */
	time_t		created;	/* when the entry last sent */
};

static struct {
	struct spacq	*buckets[SPACQ_BUCKETS];
	unsigned int	count;
} spacq;

int
key_spdexpire(struct ipsec_policy *p)
{
	struct key_buf b;
	int error;

	key_buf_init_dynamic(&b);
	error = key_policy_build_record(&b, p, SADB_X_SPDEXPIRE, 0, 0, 0);
	if (error == 0)
		error = keysock_sendup(NULL, key_buf_data(&b), key_buf_len(&b),
		    KEY_SENDUP_REGISTERED);
	key_buf_free(&b);
	return error;
}

static void
spd_expired(struct ipsec_policy *p)
{
	(void)key_spdexpire(p);
}

static const struct key_spd_events spd_events = {
	.expire = spd_expired,
};

static struct spacq **
spacq_bucket(uint32_t id)
{
	return &spacq.buckets[id & (SPACQ_BUCKETS - 1)];
}

static struct spacq *
spacq_find(uint32_t id)
{
	struct spacq *e;

	for (e = *spacq_bucket(id); e != NULL && e->id != id; e = e->next)
		continue;
	return e;
}

static bool
spacq_stale(const struct spacq *e, time_t now)
{
	return now - e->created >
	    (time_t)net_tunable_get(&key_vars.blockacq_lifetime);
}

/*
 * SPDACQUIRE <base, address(SD), x_policy>.  FreeBSD sends the bare
 * header, which tells a daemon nothing about which policy wants requests;
 * KAME's comment promises the policy.  We send the selector and the
 * x_policy (id, direction, no requests) so that the daemon can answer
 * with SPDUPDATE for that policy.
 */
static int
spdacquire_send(const struct ipsec_policy *p)
{
	struct key_buf b;
	int error;

	key_buf_init_dynamic(&b);
	key_build_begin(&b, SADB_X_SPDACQUIRE, SADB_SATYPE_UNSPEC, 0, 0);
	key_policy_build_addresses(&b, p);
	key_policy_build_policy(&b, p);
	error = key_build_end(&b);
	if (error == 0)
		error = keysock_sendup(NULL, key_buf_data(&b), key_buf_len(&b),
		    KEY_SENDUP_REGISTERED);
	key_buf_free(&b);
	return error;
}

static struct spacq *
spacq_new(uint32_t id, time_t now)
{
	struct spacq *e;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	e->id = id;
	e->created = now;
	e->next = *spacq_bucket(id);
	*spacq_bucket(id) = e;
	spacq.count++;
	return e;
}

/*
 * The count comparison is KAME's and FreeBSD's: with blockacq_count N,
 * N + 1 triggers are suppressed between two messages.  A message sent
 * because the block ran out does not renew the entry's age; a stale entry
 * starts over as if new.
 */
static int
spdacquire_now(const struct ipsec_policy *p)
{
	time_t now = net_time_now();
	struct spacq *e;

	e = spacq_find(p->id);
	if (e == NULL) {
		if (spacq_new(p->id, now) == NULL)
			return ENOBUFS;
	} else if (spacq_stale(e, now)) {
		e->created = now;
		e->count = 0;
	} else if (e->count <= net_tunable_get(&key_vars.blockacq_count)) {
		e->count++;
		return 0;
	} else
		e->count = 0;
	return spdacquire_send(p);
}

static void
spdacquire_run(void *data)
{
	struct ipsec_policy *p = *(struct ipsec_policy **)data;

	(void)spdacquire_now(p);
	key_policy_put(p);
}

int
key_spdacquire(const struct ipsec_policy *p)
{
	struct ipsec_policy *ref;

	if (p == NULL || p->action != IPSEC_POLICY_IPSEC || p->nreq != 0)
		return EINVAL;
	if (key_defer_inline())
		return spdacquire_now(p);
	/* The reference is taken on a policy the caller already holds. */
	ref = key_policy_get((struct ipsec_policy *)(uintptr_t)p);
	if (key_defer(spdacquire_run, &ref, sizeof(ref)) != 0) {
		key_policy_put(ref);
		return ENOBUFS;
	}
	return 0;
}

/* Drop entries; all of them, or only stale ones. */
static void
spacq_sweep(bool all)
{
	time_t now = net_time_now();
	struct spacq **pp, *e;
	size_t i;

	for (i = 0; i < SPACQ_BUCKETS; i++)
		for (pp = &spacq.buckets[i]; (e = *pp) != NULL;) {
			if (!all && !spacq_stale(e, now)) {
				pp = &e->next;
				continue;
			}
			*pp = e->next;
			free(e);
			spacq.count--;
		}
}

void
key_spdacquire_timer(void)
{
	if (spacq.count != 0)
		spacq_sweep(false);
}

unsigned int
key_spdacquire_count(void)
{
	return spacq.count;
}

void
key_msg_spd_init(void)
{
	key_spd_set_events(&spd_events);
}

void
key_msg_spd_fini(void)
{
	key_spd_set_events(NULL);
	spacq_sweep(true);
}
