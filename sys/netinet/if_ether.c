/*
 * The Ethernet link: neighbour cache, framing and next-hop choice for
 * both families, and ARP.  Neighbour discovery proper lives in
 * sys/netinet6/nd6.c and shares this cache.
 *
 * Entry states: FREE; INCOMPLETE (solicited, packets held, retried once a
 * second up to ETHER_NBR_TRIES times, then freed with its packets);
 * COMPLETE (mac known until expire).  Held packets are copies in fixed
 * slots, since the packet path frees its buffer when output returns.
 *
 * Locking: every function below that touches the cache takes its lock
 * once (twice in ether_nbr_learn() when packets were held) and never
 * calls xmit while holding it.  What must be sent is worked out under the
 * lock and sent after: a solicitation from the entry's address copied
 * out, held packets from slots taken off the entry and off the free list,
 * so that no other thread can reuse them, and given back once sent.
 * ether_output() to a resolved hop takes no lock at all while the link's
 * copy of the entry (memo_get()) is good.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "sys/net/net_clock.h"
#include "sys/net/net_counter.h"
#include "sys/net/net_spin.h"
#include "sys/net/siphash.h"
#include "sys/netinet/if_ether.h"
#include "sys/netinet6/nd6.h"

#define NBR_PROBE	16	/* slots searched from the hash position */

enum nbr_state { NBR_FREE, NBR_INCOMPLETE, NBR_COMPLETE };

struct nbr {
	uint8_t		state;
	uint8_t		af;
	uint8_t		tries;
	uint8_t		nheld;
	uint8_t		addr[16];
	uint8_t		mac[ETHER_ADDRLEN];
	time_t		expire;		/* COMPLETE: end; else next try */
	uint16_t	held[ETHER_HOLD_PER_NBR];
};

/*
 * gen, read by every worker on every packet and written (under the lock)
 * only when a resolved entry goes or changes, has a line of its own: the
 * lock's line is written by whoever takes it.
 */
struct ether_nbr_cache {
	uint64_t	gen __attribute__((aligned(64)));	/* atomic */
	pthread_spinlock_t lock __attribute__((aligned(64)));
					/* all below but refs and mtu */
	unsigned int	refs;		/* links using it (atomic) */
	size_t		mtu;		/* bytes of a hold slot */
	uint8_t		key[SIPHASH_KEY_LEN];
	struct nbr	tab[ETHER_NBR_MAX];
	uint8_t		*holdbuf;	/* ETHER_HOLD_MAX slots of mtu */
	size_t		holdlen[ETHER_HOLD_MAX];
	uint16_t	freeslot[ETHER_HOLD_MAX];
	size_t		nfree;
};

/*
 * What the lock covers is a hash probe and at most one packet's copy.
 * Uncontended a mutex costs the same here (5-10 ns more an ether_output()
 * either way); contended, the cost is the line moving between cores
 * whichever it is, and a spinner keeps its core for the holder's few
 * hundred nanoseconds rather than sleeping.
 */
static void
nbr_lock(struct ether_nbr_cache *c)
{
	net_spin_lock(&c->lock);
}

static void
nbr_unlock(struct ether_nbr_cache *c)
{
	net_spin_unlock(&c->lock);
}

static const uint8_t ether_bcast[ETHER_ADDRLEN] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff
};

static const char *const ether_names[ETHER_NCOUNTERS] = {
	[ETHER_C_ARP_IN] = "arp_in",
	[ETHER_C_ARP_REPLIED] = "arp_replied",
	[ETHER_C_ARP_BAD] = "arp_bad",
	[ETHER_C_ND_IN] = "nd_in",
	[ETHER_C_ND_ANSWERED] = "nd_answered",
	[ETHER_C_ND_BAD] = "nd_bad",
	[ETHER_C_SOLICIT] = "solicit",
	[ETHER_C_RESOLVED] = "resolved",
	[ETHER_C_HELD] = "held",
	[ETHER_C_HOLDDROP] = "holddrop",
	[ETHER_C_NOROUTE] = "noroute",
	[ETHER_C_TIMEOUT] = "timeout",
	[ETHER_C_NOPROTO] = "noproto",
};

const char *
ether_counter_name(enum ether_counter c)
{
	if ((unsigned int)c >= ETHER_NCOUNTERS)
		return NULL;
	return ether_names[c];
}

static size_t
addr_len(int af)
{
	return af == AF_INET ? 4 : 16;
}

static const uint8_t *
sa_bytes(const union ip_sockaddr *a)
{
	if (a->sa.sa_family == AF_INET)
		return (const uint8_t *)&a->sin.sin_addr;
	return (const uint8_t *)&a->sin6.sin6_addr;
}

int
ether_link_init(struct ether_link *l)
{
	struct ether_nbr_cache *c;
	size_t i;

	/* Over-aligned (gen, lock): sizeof is a multiple of the line. */
	if ((c = aligned_alloc(_Alignof(struct ether_nbr_cache),
	    sizeof(*c))) == NULL)
		return -1;
	memset(c, 0, sizeof(*c));
	if ((c->holdbuf = malloc(ETHER_HOLD_MAX * l->mtu)) == NULL) {
		free(c);
		return -1;
	}
	if ((errno = pthread_spin_init(&c->lock, PTHREAD_PROCESS_PRIVATE)) !=
	    0) {
		free(c->holdbuf);
		free(c);
		return -1;
	}
	c->gen = 1;
	c->refs = 1;
	c->mtu = l->mtu;
	siphash_random_key(c->key);
	memset(l->hops, 0, sizeof(l->hops));
	for (i = 0; i < ETHER_HOLD_MAX; i++)
		c->freeslot[i] = (uint16_t)(ETHER_HOLD_MAX - 1 - i);
	c->nfree = ETHER_HOLD_MAX;
	l->nbr = c;
	return 0;
}

int
ether_link_init_shared(struct ether_link *l, const struct ether_link *other)
{
	struct ether_nbr_cache *c = other->nbr;

	if (c == NULL || l->mtu > c->mtu) {
		errno = EINVAL;
		return -1;
	}
	__atomic_add_fetch(&c->refs, 1, __ATOMIC_RELAXED);
	memset(l->hops, 0, sizeof(l->hops));
	l->nbr = c;
	return 0;
}

/*
 * The last link out frees the cache.  Acquire-release on the count, so
 * that what the other links wrote in it happens before the free.
 */
void
ether_link_fini(struct ether_link *l)
{
	struct ether_nbr_cache *c = l->nbr;

	if (c == NULL)
		return;
	l->nbr = NULL;
	if (__atomic_sub_fetch(&c->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	pthread_spin_destroy(&c->lock);
	explicit_bzero(c->key, sizeof(c->key));
	free(c->holdbuf);
	free(c);
}

void
ether_header(uint8_t *hdr, const uint8_t *dst, const uint8_t *src,
    uint16_t type)
{
	memcpy(hdr, dst, ETHER_ADDRLEN);
	memcpy(hdr + ETHER_ADDRLEN, src, ETHER_ADDRLEN);
	hdr[12] = (uint8_t)(type >> 8);
	hdr[13] = (uint8_t)type;
}

/* Whether a and b (alen bytes) agree in their first plen bits. */
static bool
prefix_match(const uint8_t *a, const uint8_t *b, unsigned int plen)
{
	unsigned int full = plen / 8, rest = plen % 8;
	uint8_t mask;

	if (memcmp(a, b, full) != 0)
		return false;
	if (rest == 0)
		return true;
	mask = (uint8_t)(0xff << (8 - rest));
	return ((a[full] ^ b[full]) & mask) == 0;
}

bool
ether_link_ours(const struct ether_link *l, int af, const uint8_t *addr)
{
	size_t i;

	for (i = 0; i < l->naddrs; i++)
		if (l->addrs[i].addr.sa.sa_family == af &&
		    memcmp(sa_bytes(&l->addrs[i].addr), addr,
		    addr_len(af)) == 0)
			return true;
	return false;
}

const uint8_t *
ether_link_source(const struct ether_link *l, int af, const uint8_t *dst)
{
	const uint8_t *first = NULL;
	size_t i;

	for (i = 0; i < l->naddrs; i++) {
		if (l->addrs[i].addr.sa.sa_family != af)
			continue;
		if (first == NULL)
			first = sa_bytes(&l->addrs[i].addr);
		if (prefix_match(sa_bytes(&l->addrs[i].addr), dst,
		    l->addrs[i].plen))
			return sa_bytes(&l->addrs[i].addr);
	}
	return first;
}

static bool
on_link(const struct ether_link *l, int af, const uint8_t *dst)
{
	size_t i;

	if (af == AF_INET6 && dst[0] == 0xfe && (dst[1] & 0xc0) == 0x80)
		return true;
	for (i = 0; i < l->naddrs; i++)
		if (l->addrs[i].addr.sa.sa_family == af &&
		    prefix_match(sa_bytes(&l->addrs[i].addr), dst,
		    l->addrs[i].plen))
			return true;
	return false;
}

/*
 * The destination MAC of a multicast or broadcast dst (RFC 1112 section
 * 6.4, RFC 2464 section 7); false for a unicast address.
 */
static bool
group_mac(const struct ether_link *l, int af, const uint8_t *dst,
    uint8_t *mac)
{
	size_t i;

	if (af == AF_INET6) {
		if (dst[0] != 0xff)
			return false;
		mac[0] = mac[1] = 0x33;
		memcpy(mac + 2, dst + 12, 4);
		return true;
	}
	if ((dst[0] & 0xf0) == 0xe0) {
		mac[0] = 0x01;
		mac[1] = 0x00;
		mac[2] = 0x5e;
		mac[3] = dst[1] & 0x7f;
		mac[4] = dst[2];
		mac[5] = dst[3];
		return true;
	}
	if (memcmp(dst, ether_bcast, 4) == 0)
		goto bcast;
	for (i = 0; i < l->naddrs; i++) {
		const struct ether_ifaddr *a = &l->addrs[i];
		uint32_t host;

		if (a->addr.sa.sa_family != AF_INET || a->plen >= 31 ||
		    !prefix_match(sa_bytes(&a->addr), dst, a->plen))
			continue;
		host = ntohl(a->addr.sin.sin_addr.s_addr) | (0xffffffffu >>
		    a->plen);
		if (htonl(host) == *(const uint32_t *)(const void *)dst)
			goto bcast;
	}
	return false;
bcast:
	memcpy(mac, ether_bcast, ETHER_ADDRLEN);
	return true;
}

static struct nbr *
nbr_find(struct ether_nbr_cache *c, int af, const uint8_t *addr,
    bool create)
{
	uint8_t k[17];
	struct nbr *n, *victim = NULL;
	size_t h, i;

	k[0] = (uint8_t)af;
	memcpy(k + 1, addr, addr_len(af));
	h = (size_t)siphash24(c->key, k, 1 + addr_len(af));
	for (i = 0; i < NBR_PROBE; i++) {
		n = &c->tab[(h + i) % ETHER_NBR_MAX];
		if (n->state != NBR_FREE && n->af == af &&
		    memcmp(n->addr, addr, addr_len(af)) == 0)
			return n;
		if (victim == NULL || (victim->state != NBR_FREE &&
		    (n->state == NBR_FREE || n->expire < victim->expire)))
			victim = n;
	}
	if (!create)
		return NULL;
	return victim;
}

/*
 * A resolved entry is going or changing: every link's copies of the
 * cache's entries are stale.
 */
static void
nbr_changed(struct ether_nbr_cache *c)
{
	__atomic_add_fetch(&c->gen, 1, __ATOMIC_RELAXED);
}

static void
nbr_release(struct ether_link *l, struct nbr *n, bool count)
{
	struct ether_nbr_cache *c = l->nbr;
	size_t i;

	if (n->state == NBR_COMPLETE)
		nbr_changed(c);
	for (i = 0; i < n->nheld; i++)
		c->freeslot[c->nfree++] = n->held[i];
	if (count)
		l->c[ETHER_C_HOLDDROP] += n->nheld;
	memset(n, 0, sizeof(*n));
}

/* Take a FREE or evicted slot for addr in state INCOMPLETE. */
static struct nbr *
nbr_new(struct ether_link *l, int af, const uint8_t *addr)
{
	struct nbr *n;

	n = nbr_find(l->nbr, af, addr, true);
	if (n->state != NBR_FREE)
		nbr_release(l, n, true);
	n->state = NBR_INCOMPLETE;
	n->af = (uint8_t)af;
	memcpy(n->addr, addr, addr_len(af));
	return n;
}

/* Count a solicitation of n now; the next try is due a second on. */
static void
solicit_due(struct nbr *n, time_t now)
{
	n->tries++;
	n->expire = now + 1;
}

/* Send a solicitation for addr; without the lock (it transmits). */
static int
solicit(struct ether_link *l, int af, const uint8_t *addr)
{
	l->c[ETHER_C_SOLICIT]++;
	if (af == AF_INET)
		return arp_request(l, addr);
	return nd6_solicit(l, addr);
}

static int
send_ip(struct ether_link *l, const uint8_t *mac, int af,
    const uint8_t *pkt, size_t len)
{
	uint8_t hdr[ETHER_HDRLEN];

	ether_header(hdr, mac, l->mac,
	    af == AF_INET ? ETHER_TYPE_IP : ETHER_TYPE_IPV6);
	return l->xmit(l->arg, hdr, pkt, len);
}

static int
hold(struct ether_link *l, struct nbr *n, const uint8_t *pkt, size_t len)
{
	struct ether_nbr_cache *c = l->nbr;
	uint16_t slot;

	if (n->nheld == ETHER_HOLD_PER_NBR || c->nfree == 0 ||
	    len > c->mtu) {
		l->c[ETHER_C_HOLDDROP]++;
		return -1;
	}
	slot = c->freeslot[--c->nfree];
	memcpy(c->holdbuf + (size_t)slot * c->mtu, pkt, len);
	c->holdlen[slot] = len;
	n->held[n->nheld++] = slot;
	l->c[ETHER_C_HELD]++;
	return 0;
}

/*
 * The link's copy of hop's entry, when still good: no lock, no shared line
 * written, and no SipHash either, so one worker uses it too.  The slot is
 * chosen from the address's last byte, not keyed: the copies are the
 * link's alone, and the worst a chosen address does is a miss.
 */
static struct ether_hop_memo *
memo_slot(struct ether_link *l, int af, const uint8_t *hop)
{
	return &l->hops[(hop[addr_len(af) - 1] ^ (unsigned int)af) %
	    ETHER_HOP_MEMO];
}

static bool
memo_get(struct ether_link *l, int af, const uint8_t *hop, time_t now,
    uint8_t *mac)
{
	const struct ether_hop_memo *m = memo_slot(l, af, hop);

	if (m->gen != __atomic_load_n(&l->nbr->gen, __ATOMIC_RELAXED) ||
	    m->af != af || m->expire <= now ||
	    memcmp(m->addr, hop, addr_len(af)) != 0)
		return false;
	memcpy(mac, m->mac, ETHER_ADDRLEN);
	return true;
}

/* Copy n, resolved, under the cache's lock (which gen changes under). */
static void
memo_put(struct ether_link *l, const struct nbr *n)
{
	struct ether_hop_memo *m = memo_slot(l, n->af, n->addr);

	m->gen = __atomic_load_n(&l->nbr->gen, __ATOMIC_RELAXED);
	m->expire = n->expire;
	m->af = n->af;
	memcpy(m->addr, n->addr, sizeof(m->addr));
	memcpy(m->mac, n->mac, ETHER_ADDRLEN);
}

static const uint8_t *
next_hop(struct ether_link *l, int af, const uint8_t *dst)
{
	const union ip_sockaddr *gw = af == AF_INET ? &l->gw4 : &l->gw6;

	if (on_link(l, af, dst))
		return dst;
	if (gw->sa.sa_family == af)
		return sa_bytes(gw);
	l->c[ETHER_C_NOROUTE]++;
	return NULL;
}

int
ether_output(struct ether_link *l, int af, const uint8_t *pkt, size_t len)
{
	struct ether_nbr_cache *c = l->nbr;
	const uint8_t *dst, *hop;
	uint8_t mac[ETHER_ADDRLEN];
	time_t now;
	struct nbr *n;
	int rc;

	if (len < (af == AF_INET ? 20u : 40u))
		return -1;
	dst = af == AF_INET ? pkt + 16 : pkt + 24;
	if (group_mac(l, af, dst, mac))
		return send_ip(l, mac, af, pkt, len);
	if ((hop = next_hop(l, af, dst)) == NULL)
		return -1;
	now = net_time_now();
	if (memo_get(l, af, hop, now, mac))
		return send_ip(l, mac, af, pkt, len);
	nbr_lock(c);
	n = nbr_find(c, af, hop, false);
	if (n != NULL && n->state == NBR_COMPLETE && n->expire > now) {
		memcpy(mac, n->mac, ETHER_ADDRLEN);
		memo_put(l, n);
		nbr_unlock(c);
		return send_ip(l, mac, af, pkt, len);
	}
	if (n != NULL && n->state == NBR_INCOMPLETE) {
		rc = hold(l, n, pkt, len);
		nbr_unlock(c);
		return rc;
	}
	n = nbr_new(l, af, hop);
	if (hold(l, n, pkt, len) != 0) {
		/* Left INCOMPLETE: the timer solicits it. */
		nbr_unlock(c);
		return -1;
	}
	solicit_due(n, now);
	nbr_unlock(c);
	solicit(l, af, hop);
	return 0;
}

void
ether_nbr_learn(struct ether_link *l, int af, const uint8_t *addr,
    const uint8_t *mac, bool create)
{
	struct ether_nbr_cache *c = l->nbr;
	uint16_t held[ETHER_HOLD_PER_NBR];
	time_t now = net_time_now();
	struct nbr *n;
	size_t i, nheld;

	if ((mac[0] & 1) != 0)
		return;
	nbr_lock(c);
	n = nbr_find(c, af, addr, false);
	if (n == NULL) {
		if (!create) {
			nbr_unlock(c);
			return;
		}
		n = nbr_new(l, af, addr);
	}
	if (n->state == NBR_INCOMPLETE)
		l->c[ETHER_C_RESOLVED]++;
	else if (memcmp(n->mac, mac, ETHER_ADDRLEN) != 0)
		nbr_changed(c);
	memcpy(n->mac, mac, ETHER_ADDRLEN);
	n->state = NBR_COMPLETE;
	n->tries = 0;
	n->expire = now + ETHER_NBR_KEEP;
	/* The slots are ours alone until given back below. */
	nheld = n->nheld;
	memcpy(held, n->held, nheld * sizeof(held[0]));
	n->nheld = 0;
	nbr_unlock(c);
	if (nheld == 0)
		return;
	for (i = 0; i < nheld; i++)
		send_ip(l, mac, af, c->holdbuf + (size_t)held[i] * c->mtu,
		    c->holdlen[held[i]]);
	nbr_lock(c);
	for (i = 0; i < nheld; i++)
		c->freeslot[c->nfree++] = held[i];
	nbr_unlock(c);
}

/*
 * An entry is due when its second has come, and a retry moves it a second
 * on: a second call within the same second finds nothing due, whichever
 * link sharing the cache makes it.
 */
void
ether_link_timer(struct ether_link *l)
{
	struct ether_nbr_cache *c = l->nbr;
	struct {
		uint8_t	af;
		uint8_t	addr[16];
	} due[ETHER_NBR_MAX];
	time_t now = net_time_now();
	struct nbr *n;
	size_t i, ndue = 0;

	nbr_lock(c);
	for (i = 0; i < ETHER_NBR_MAX; i++) {
		n = &c->tab[i];
		if (n->state == NBR_FREE || n->expire > now)
			continue;
		if (n->state == NBR_INCOMPLETE &&
		    n->tries < ETHER_NBR_TRIES) {
			solicit_due(n, now);
			due[ndue].af = n->af;
			memcpy(due[ndue++].addr, n->addr, sizeof(n->addr));
			continue;
		}
		if (n->state == NBR_INCOMPLETE)
			l->c[ETHER_C_TIMEOUT]++;
		nbr_release(l, n, true);
	}
	nbr_unlock(c);
	for (i = 0; i < ndue; i++)
		solicit(l, due[i].af, due[i].addr);
}

/*
 * ARP (RFC 826) for Ethernet and IPv4 only: hardware type 1, protocol
 * 0x0800, address lengths 6 and 4.
 */
#define ARP_LEN		28
#define ARP_REQUEST	1
#define ARP_REPLY	2

static void
arp_build(uint8_t *arp, unsigned int op, const uint8_t *sha,
    const uint8_t *spa, const uint8_t *tha, const uint8_t *tpa)
{
	static const uint8_t fixed[6] = { 0, 1, 0x08, 0x00, 6, 4 };

	memcpy(arp, fixed, sizeof(fixed));
	arp[6] = 0;
	arp[7] = (uint8_t)op;
	memcpy(arp + 8, sha, ETHER_ADDRLEN);
	memcpy(arp + 14, spa, 4);
	memcpy(arp + 18, tha, ETHER_ADDRLEN);
	memcpy(arp + 24, tpa, 4);
}

int
arp_request(struct ether_link *l, const uint8_t *target)
{
	static const uint8_t zero[ETHER_ADDRLEN];
	uint8_t hdr[ETHER_HDRLEN], arp[ARP_LEN];
	const uint8_t *src;

	if ((src = ether_link_source(l, AF_INET, target)) == NULL)
		return -1;
	arp_build(arp, ARP_REQUEST, l->mac, src, zero, target);
	ether_header(hdr, ether_bcast, l->mac, ETHER_TYPE_ARP);
	return l->xmit(l->arg, hdr, arp, sizeof(arp));
}

void
arp_input(struct ether_link *l, const uint8_t *arp, size_t len)
{
	static const uint8_t fixed[6] = { 0, 1, 0x08, 0x00, 6, 4 };
	uint8_t hdr[ETHER_HDRLEN], reply[ARP_LEN];
	const uint8_t *sha = arp + 8, *spa = arp + 14, *tpa = arp + 24;
	bool ours;

	l->c[ETHER_C_ARP_IN]++;
	if (len < ARP_LEN || memcmp(arp, fixed, sizeof(fixed)) != 0 ||
	    arp[6] != 0 || (arp[7] != ARP_REQUEST && arp[7] != ARP_REPLY) ||
	    (sha[0] & 1) != 0) {
		l->c[ETHER_C_ARP_BAD]++;
		return;
	}
	ours = ether_link_ours(l, AF_INET, tpa);
	/* A sender claiming one of our addresses is never learnt. */
	if (!ether_link_ours(l, AF_INET, spa) &&
	    memcmp(spa, "\0\0\0\0", 4) != 0)
		ether_nbr_learn(l, AF_INET, spa, sha, ours);
	if (!ours || arp[7] != ARP_REQUEST)
		return;
	arp_build(reply, ARP_REPLY, l->mac, tpa, sha, spa);
	ether_header(hdr, sha, l->mac, ETHER_TYPE_ARP);
	if (l->xmit(l->arg, hdr, reply, sizeof(reply)) == 0)
		l->c[ETHER_C_ARP_REPLIED]++;
}
