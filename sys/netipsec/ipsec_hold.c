/*
 * The ACQUIRE hold queue (see ipsec_hold.h).  The table is small and
 * scanned: entries exist only for SA indexes being negotiated.
 *
 * One table per worker (its net_worker_index row): a held packet is a
 * buffer of the worker's own pool, which only that worker may free or
 * send, so each worker holds, sends and expires its own packets, through
 * the output its own path registered.  The control thread's release
 * (the ready hook, under the write side of the stack lock, while no
 * worker runs) marks every row's entries for the SA; a row not its own
 * it leaves for that worker's next timer tick.
 */
#include <stdbool.h>
#include <string.h>

#include "sys/net/net_clock.h"
#include "sys/net/pbuf.h"
#include "sys/netipsec/ipsec_hold.h"
#include "sys/netipsec/ipsec_var.h"
#include "sys/netipsec/ipsec_xform_stat.h"
#include "sys/netkey/key_sa.h"
#include "sys/netkey/key_sockaddr.h"
#include "sys/netkey/key_var.h"

#define HOLD_ENTRIES	64

struct hold_entry {
	union key_sockaddr	 src;
	union key_sockaddr	 dst;
	uint8_t			 proto;
	unsigned int		 n;		/* 0: entry free */
	time_t			 created;
	unsigned int		 ticks;		/* 0: no SA yet; else timer
						   ticks left until sent */
	struct pbuf		*head, *tail;
};

NET_COUNTER_SET(ipsec_hold_counters, IPSEC_HOLDS_NCOUNTERS);

static const char *const hold_names[IPSEC_HOLDS_NCOUNTERS] = {
	[IPSEC_HOLDS_HELD] = "hold_held",
	[IPSEC_HOLDS_SENT] = "hold_sent",
	[IPSEC_HOLDS_FULL] = "hold_full",
	[IPSEC_HOLDS_BYTES] = "hold_bytes",
	[IPSEC_HOLDS_NOENTRY] = "hold_noentry",
	[IPSEC_HOLDS_EXPIRED] = "hold_expired",
	[IPSEC_HOLDS_FLUSHED] = "hold_flushed",
};

const struct ipsec_xform_stats ipsec_hold_stats = {
	.c = &ipsec_hold_counters,
	.names = hold_names,
	.n = IPSEC_HOLDS_NCOUNTERS,
	.hist_at = IPSEC_HOLDS_NCOUNTERS,
};

struct hold_row {
	struct hold_entry	 tab[HOLD_ENTRIES];
	size_t			 npackets, nbytes;
	ipsec_hold_output_fn	 out;
	void			*arg;
} __attribute__((aligned(NET_COUNTER_LINE)));

static struct hold_row hold_rows[NET_WORKERS_MAX];

/* The calling worker's row. */
static struct hold_row *
my_row(void)
{
	return &hold_rows[net_worker_index];
}

void
ipsec_hold_set_output(ipsec_hold_output_fn fn, void *arg)
{
	struct hold_row *r = my_row();

	r->out = fn;
	r->arg = arg;
}

static bool
entry_is(const struct hold_entry *e, const struct sockaddr *src,
    const struct sockaddr *dst, uint8_t proto)
{
	return e->n != 0 && e->proto == proto &&
	    key_sockaddr_equal(src, &e->src) && key_sockaddr_equal(dst, &e->dst);
}

/* The entry for the index, or a free one made for it; NULL if none. */
static struct hold_entry *
entry_for(struct hold_row *r, const struct sockaddr *src,
    const struct sockaddr *dst, uint8_t proto)
{
	struct hold_entry *e, *free_e = NULL;
	size_t i;

	for (i = 0; i < HOLD_ENTRIES; i++) {
		e = &r->tab[i];
		if (entry_is(e, src, dst, proto))
			return e;
		if (e->n == 0 && free_e == NULL)
			free_e = e;
	}
	if (free_e != NULL) {
		key_sockaddr_copy(&free_e->src, src);
		key_sockaddr_copy(&free_e->dst, dst);
		free_e->proto = proto;
		free_e->created = net_time_now();
		free_e->head = free_e->tail = NULL;
	}
	return free_e;
}

int
ipsec_hold_put(struct pbuf *pb, const struct sockaddr *src,
    const struct sockaddr *dst, uint8_t proto)
{
	size_t max = (size_t)net_tunable_get(&ipsec_vars.acq_hold);
	size_t max_bytes = (size_t)net_tunable_get(&ipsec_vars.acq_hold_bytes);
	struct hold_row *r = my_row();
	struct hold_entry *e;

	if (r->out == NULL || max == 0)
		return -1;
	if (r->nbytes + pb->len > max_bytes) {
		net_counter_inc(&ipsec_hold_counters, IPSEC_HOLDS_BYTES);
		return -1;
	}
	if ((e = entry_for(r, src, dst, proto)) == NULL) {
		net_counter_inc(&ipsec_hold_counters, IPSEC_HOLDS_NOENTRY);
		return -1;
	}
	if (e->n >= max) {
		net_counter_inc(&ipsec_hold_counters, IPSEC_HOLDS_FULL);
		return -1;
	}
	pb->next = NULL;
	if (e->tail != NULL)
		e->tail->next = pb;
	else
		e->head = pb;
	e->tail = pb;
	e->n++;
	r->npackets++;
	r->nbytes += pb->len;
	net_counter_inc(&ipsec_hold_counters, IPSEC_HOLDS_HELD);
	return 0;
}

/* Unlink the entry's packets and free it; the list they form. */
static struct pbuf *
entry_take(struct hold_row *r, struct hold_entry *e)
{
	struct pbuf *list = e->head, *pb;

	for (pb = list; pb != NULL; pb = pb->next) {
		r->npackets--;
		r->nbytes -= pb->len;
	}
	e->head = e->tail = NULL;
	e->n = 0;
	e->ticks = 0;
	return list;
}

static void
free_list(struct pbuf *pb, enum ipsec_hold_counter c)
{
	struct pbuf *next;

	for (; pb != NULL; pb = next) {
		next = pb->next;
		pb->next = NULL;
		net_counter_inc(&ipsec_hold_counters, c);
		pbuf_free(pb);
	}
}

/*
 * The entry is taken off the table before its packets are sent, so a
 * packet that still finds no SA (another request of its bundle is
 * missing) may be held again, in a fresh entry, without being met twice.
 */
static void
entry_send(struct hold_row *r, struct hold_entry *e)
{
	struct pbuf *pb, *next;

	for (pb = entry_take(r, e); pb != NULL; pb = next) {
		next = pb->next;
		pb->next = NULL;
		net_counter_inc(&ipsec_hold_counters, IPSEC_HOLDS_SENT);
		if (r->out != NULL)
			r->out(r->arg, pb);
		else
			pbuf_free(pb);
	}
}

/*
 * The SA came.  The peer may not have its own yet: in IKEv1 quick mode
 * the responder installs its inbound SA after the initiator's last
 * message, which the initiator sends before adding the SA that
 * released us; a packet sent at once arrives first and is lost there.
 * So the packets wait net.inet.ipsec.acq_hold_delay seconds (counted in
 * whole timer ticks, one more than the delay) unless that is 0.
 */
void
ipsec_hold_release(const struct ipsec_sa *sa)
{
	int delay = net_tunable_get(&ipsec_vars.acq_hold_delay);
	struct hold_entry *e;
	struct hold_row *r;
	size_t i;

	for (r = hold_rows; r < hold_rows + NET_WORKERS_MAX; r++)
		for (i = 0; i < HOLD_ENTRIES; i++) {
			e = &r->tab[i];
			if (!entry_is(e, &sa->src.sa, &sa->dst.sa, sa->proto))
				continue;
			if (delay <= 0 && r == my_row())
				entry_send(r, e);
			else if (e->ticks == 0)
				e->ticks = delay <= 0 ? 1 :
				    (unsigned int)delay + 1;
		}
}

void
ipsec_hold_timer(void)
{
	time_t now = net_time_now();
	time_t life = net_tunable_get(&key_vars.blockacq_lifetime);
	struct hold_row *r = my_row();
	struct hold_entry *e;
	size_t i;

	for (i = 0; i < HOLD_ENTRIES; i++) {
		e = &r->tab[i];
		if (e->n == 0)
			continue;
		if (e->ticks != 0) {
			if (--e->ticks == 0)
				entry_send(r, e);
		} else if (now - e->created >= life) {
			free_list(entry_take(r, e), IPSEC_HOLDS_EXPIRED);
		}
	}
}

void
ipsec_hold_flush(void)
{
	struct hold_row *r = my_row();
	size_t i;

	for (i = 0; i < HOLD_ENTRIES; i++)
		if (r->tab[i].n != 0)
			free_list(entry_take(r, &r->tab[i]),
			    IPSEC_HOLDS_FLUSHED);
}

/* Sums over the rows: for the control thread while no worker runs. */
size_t
ipsec_hold_packets(void)
{
	size_t i, n = 0;

	for (i = 0; i < NET_WORKERS_MAX; i++)
		n += hold_rows[i].npackets;
	return n;
}

size_t
ipsec_hold_bytes(void)
{
	size_t i, n = 0;

	for (i = 0; i < NET_WORKERS_MAX; i++)
		n += hold_rows[i].nbytes;
	return n;
}
