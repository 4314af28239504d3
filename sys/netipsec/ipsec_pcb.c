/*
 * The table of per-socket policies (see ipsec_pcb.h).
 *
 * Two chained hash tables of fixed size index the entries: by inode for
 * the control channel, and by (family, protocol, local port) for the
 * packet path, which hashes one short key per packet and walks only the
 * sockets sharing that port.  Both are keyed with a random SipHash key,
 * since the wire chooses the ports.  Entries are allocated when a client
 * sets a policy, never per packet, and at most IPSEC_PCB_MAX exist.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sys/net/net_clock.h"
#include "sys/net/siphash.h"
#include "sys/netipsec/ipsec_pcb.h"
#include "sys/netkey/key_sockaddr.h"
#include "sys/netkey/key_spd.h"

#define PCB_BUCKETS	1024		/* per table; a power of two */

/*
 * Per-socket policies get ids of their own above the SPD's, so that
 * setkey -DP shows a spid that no SPD policy has.
 */
#define PCB_ID_BASE	0x80000000u

struct pcb {
	uint64_t		 ino;
	struct ipsec_pcb_tuple	 t;
	struct ipsec_policy	*pol[2];	/* [0] in, [1] out */
	bool			 seen;		/* by the current sweep */
	struct pcb		*ino_next;
	struct pcb		*port_next;
};

static struct pcb *by_ino[PCB_BUCKETS];
static struct pcb *by_port[PCB_BUCKETS];
static size_t npcb;
static uint8_t hkey[SIPHASH_KEY_LEN];
static bool keyed;
static uint32_t next_id = PCB_ID_BASE;

static void
ensure_key(void)
{
	if (!keyed) {
		siphash_random_key(hkey);
		keyed = true;
	}
}

static size_t
ino_bucket(uint64_t ino)
{
	ensure_key();
	return siphash24(hkey, &ino, sizeof(ino)) & (PCB_BUCKETS - 1);
}

static size_t
port_bucket(int family, unsigned proto, uint16_t lport)
{
	uint8_t k[4] = { (uint8_t)family, (uint8_t)proto,
	    (uint8_t)(lport >> 8), (uint8_t)lport };

	ensure_key();
	return siphash24(hkey, k, sizeof(k)) & (PCB_BUCKETS - 1);
}

static struct pcb *
find(uint64_t ino)
{
	struct pcb *e;

	for (e = by_ino[ino_bucket(ino)]; e != NULL; e = e->ino_next)
		if (e->ino == ino)
			return e;
	return NULL;
}

static void
port_link(struct pcb *e)
{
	size_t b = port_bucket(e->t.family, e->t.proto, e->t.lport);

	e->port_next = by_port[b];
	by_port[b] = e;
}

static void
port_unlink(struct pcb *e)
{
	struct pcb **pp;

	pp = &by_port[port_bucket(e->t.family, e->t.proto, e->t.lport)];
	while (*pp != NULL && *pp != e)
		pp = &(*pp)->port_next;
	if (*pp == e)
		*pp = e->port_next;
}

static struct pcb *
create(uint64_t ino, const struct ipsec_pcb_tuple *t)
{
	struct pcb *e;
	size_t b;

	if (npcb >= IPSEC_PCB_MAX || (e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	e->ino = ino;
	e->t = *t;
	e->seen = true;
	b = ino_bucket(ino);
	e->ino_next = by_ino[b];
	by_ino[b] = e;
	port_link(e);
	npcb++;
	return e;
}

int
ipsec_pcb_set(uint64_t ino, const struct ipsec_pcb_tuple *t, uint8_t dir,
    struct ipsec_policy *p)
{
	struct pcb *e;

	if (dir != IPSEC_DIR_INBOUND && dir != IPSEC_DIR_OUTBOUND) {
		key_policy_put(p);
		return EINVAL;
	}
	if ((e = find(ino)) == NULL && (e = create(ino, t)) == NULL) {
		key_policy_put(p);
		return ENOBUFS;
	}
	if (p != NULL) {
		p->dir = dir;
		p->id = next_id++;
		if (next_id == 0)
			next_id = PCB_ID_BASE;
		p->created = p->lastused = net_time_now();
	}
	key_policy_put(e->pol[dir - 1]);
	e->pol[dir - 1] = p;
	return 0;
}

struct ipsec_policy *
ipsec_pcb_get(uint64_t ino, uint8_t dir, bool *found)
{
	struct pcb *e = find(ino);

	if (found != NULL)
		*found = e != NULL;
	if (e == NULL || (dir != IPSEC_DIR_INBOUND &&
	    dir != IPSEC_DIR_OUTBOUND) || e->pol[dir - 1] == NULL)
		return NULL;
	return key_policy_get(e->pol[dir - 1]);
}

bool
ipsec_pcb_exists(uint64_t ino)
{
	return find(ino) != NULL;
}

static bool
tuple_equal(const struct ipsec_pcb_tuple *a, const struct ipsec_pcb_tuple *b)
{
	return a->family == b->family && a->proto == b->proto &&
	    a->listening == b->listening && a->lport == b->lport &&
	    a->rport == b->rport &&
	    memcmp(&a->laddr, &b->laddr, sizeof(a->laddr)) == 0 &&
	    memcmp(&a->raddr, &b->raddr, sizeof(a->raddr)) == 0;
}

static void
move(struct pcb *e, const struct ipsec_pcb_tuple *t)
{
	if (tuple_equal(&e->t, t))
		return;
	port_unlink(e);
	e->t = *t;
	port_link(e);
}

int
ipsec_pcb_move(uint64_t ino, const struct ipsec_pcb_tuple *t)
{
	struct pcb *e = find(ino);

	if (e == NULL)
		return ENOENT;
	move(e, t);
	return 0;
}

/* An unspecified address matches every address. */
static bool
addr_covers(const union key_sockaddr *mine, const struct sockaddr *sa)
{
	return mine->sa.sa_family == AF_UNSPEC ||
	    key_sockaddr_equal(sa, mine);
}

bool
ipsec_pcb_inherit(uint64_t ino, const struct ipsec_pcb_tuple *t)
{
	struct pcb *e, *child;
	size_t b, i;

	if (t->proto != IPPROTO_TCP || t->listening || find(ino) != NULL)
		return false;
	b = port_bucket(t->family, t->proto, t->lport);
	for (e = by_port[b]; e != NULL; e = e->port_next) {
		if (!e->t.listening || e->t.family != t->family ||
		    e->t.proto != t->proto || e->t.lport != t->lport)
			continue;
		if (t->laddr.sa.sa_family != AF_UNSPEC &&
		    !addr_covers(&e->t.laddr, &t->laddr.sa))
			continue;
		if ((child = create(ino, t)) == NULL)
			return false;
		for (i = 0; i < 2; i++)
			if (e->pol[i] != NULL)
				child->pol[i] = key_policy_get(e->pol[i]);
		return true;
	}
	return false;
}

static void
destroy(struct pcb *e)
{
	key_policy_put(e->pol[0]);
	key_policy_put(e->pol[1]);
	free(e);
	npcb--;
}

void
ipsec_pcb_remove(uint64_t ino)
{
	struct pcb **pp, *e;

	pp = &by_ino[ino_bucket(ino)];
	while (*pp != NULL && (*pp)->ino != ino)
		pp = &(*pp)->ino_next;
	if ((e = *pp) == NULL)
		return;
	*pp = e->ino_next;
	port_unlink(e);
	destroy(e);
}

size_t
ipsec_pcb_count(void)
{
	return npcb;
}

/* Remove every entry for which keep() is false. */
static size_t
prune(bool (*keep)(const struct pcb *))
{
	struct pcb **pp, *e;
	size_t b, n = 0;

	for (b = 0; b < PCB_BUCKETS; b++) {
		pp = &by_ino[b];
		while ((e = *pp) != NULL) {
			if (keep(e)) {
				pp = &e->ino_next;
				continue;
			}
			*pp = e->ino_next;
			port_unlink(e);
			destroy(e);
			n++;
		}
	}
	return n;
}

static bool
keep_none(const struct pcb *e)
{
	(void)e;
	return false;
}

static bool
keep_seen(const struct pcb *e)
{
	return e->seen;
}

void
ipsec_pcb_flush(void)
{
	(void)prune(keep_none);
}

void
ipsec_pcb_mark(void)
{
	struct pcb *e;
	size_t b;

	for (b = 0; b < PCB_BUCKETS; b++)
		for (e = by_ino[b]; e != NULL; e = e->ino_next)
			e->seen = false;
}

bool
ipsec_pcb_seen(uint64_t ino, const struct ipsec_pcb_tuple *t)
{
	struct pcb *e = find(ino);

	if (e == NULL)
		return false;
	e->seen = true;
	if (t != NULL)
		move(e, t);
	return true;
}

size_t
ipsec_pcb_sweep(void)
{
	return prune(keep_seen);
}

void
ipsec_pcb_walk(ipsec_pcb_walk_fn fn, void *arg)
{
	struct ipsec_pcb_view v;
	struct pcb *e;
	size_t b;

	for (b = 0; b < PCB_BUCKETS; b++)
		for (e = by_ino[b]; e != NULL; e = e->ino_next) {
			v.ino = e->ino;
			v.t = &e->t;
			v.pol[0] = e->pol[0];
			v.pol[1] = e->pol[1];
			v.seen = e->seen;
			fn(&v, arg);
		}
}

/* How specific an entry is: a remote end counts more than a local one. */
static int
specificity(const struct ipsec_pcb_tuple *t)
{
	return (t->laddr.sa.sa_family != AF_UNSPEC) +
	    2 * (t->raddr.sa.sa_family != AF_UNSPEC) + 2 * (t->rport != 0);
}

struct ipsec_policy *
ipsec_pcb_lookup(uint8_t dir, const struct ip_hdr_info *hi)
{
	const struct sockaddr *local, *remote;
	struct pcb *e, *best = NULL;
	uint16_t lport, rport;
	int score, best_score = -1;

	if (npcb == 0 || (hi->proto != IPPROTO_TCP &&
	    hi->proto != IPPROTO_UDP) || (hi->flags & IP_HDR_F_PORTS) == 0)
		return NULL;
	if (dir == IPSEC_DIR_OUTBOUND) {
		local = &hi->src.sa;
		remote = &hi->dst.sa;
		lport = hi->sport;
		rport = hi->dport;
	} else {
		local = &hi->dst.sa;
		remote = &hi->src.sa;
		lport = hi->dport;
		rport = hi->sport;
	}
	for (e = by_port[port_bucket(hi->af, hi->proto, lport)]; e != NULL;
	    e = e->port_next) {
		if (e->t.family != hi->af || e->t.proto != hi->proto ||
		    e->t.lport != lport || !addr_covers(&e->t.laddr, local) ||
		    !addr_covers(&e->t.raddr, remote) ||
		    (e->t.rport != 0 && e->t.rport != rport))
			continue;
		if ((score = specificity(&e->t)) > best_score) {
			best = e;
			best_score = score;
		}
	}
	if (best == NULL || best->pol[dir - 1] == NULL)
		return NULL;
	key_policy_touch(best->pol[dir - 1]);
	return key_policy_get(best->pol[dir - 1]);
}
