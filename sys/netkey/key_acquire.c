/*
 * SADB_ACQUIRE: blocking entries, proposals and the two directions of
 * the message (see key_acquire.h for the exchange).
 *
 * Blocking entries live in a SipHash table keyed by the SA index under a
 * random key (the packet path reaches it with addresses the wire may
 * choose).  The table has a fixed number of chains; entries are few (one
 * per SA index being negotiated) and age out within blockacq_lifetime
 * seconds.  Lookups by sequence number (GETSPI, UPDATE, ADD, the errno
 * form) and the timer walk every entry, as KAME's acquiring list does.
 *
 * The message is built in a static buffer: it holds no key material, and
 * triggering an ACQUIRE allocates only the blocking entry (once per SA
 * index, not per packet).
 *
 * Proposals follow KAME's key_getcomb_*() over our registry instead of
 * KAME's fixed tables:
 *  - ESP: every available, listed encryption algorithm whose largest key
 *    reaches net.key.esp_keymin (null encryption never does), its minimum
 *    raised to the smallest valid length at or above esp_keymin; with
 *    net.key.esp_auth each non-AEAD one is crossed with the AH list
 *    (AEAD and GMAC carry their own ICV and appear alone).
 *  - AH: every available, listed authentication algorithm with a key
 *    (not null, not TCP-MD5) whose largest key reaches net.key.ah_keymin,
 *    minimum raised likewise.  KAME offered only HMAC-MD5 and HMAC-SHA1.
 *  - IPComp: one comb per compression algorithm, no key bits.
 *  - Every comb: allocations 1 soft and hard, hard addtime 86400 s, hard
 *    usetime 28800 s, soft = 80% of hard.  (KAME meant 80% but scaled the
 *    soft field by itself and sent 0.)
 * The proposal's replay window is 32, as KAME's key_getprop() sets it.
 *
 * Addresses go out with the full prefix, protocol ANY and no ports, as
 * KAME and FreeBSD send the SA index.  X_POLICY (direction and id of the
 * policy that asked) is sent when the request names a policy.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "net/pfkeyv2.h"
#include "netipsec/ipsec.h"
#include "sys/crypto/crypto.h"
#include "sys/net/net_clock.h"
#include "sys/net/siphash.h"
#include "sys/netkey/key_acquire.h"
#include "sys/netkey/key_build.h"
#include "sys/netkey/key_defer.h"
#include "sys/netkey/key_parse.h"
#include "sys/netkey/key_sad.h"
#include "sys/netkey/key_sockaddr.h"
#include "sys/netkey/key_var.h"
#include "sys/netkey/keysock.h"

#define ACQ_CHAINS		256	/* a power of 2 */
#define ACQ_COMBS_MAX		512
#define ACQ_PROP_REPLAY		32
#define ACQ_HARD_ADDTIME	86400
#define ACQ_HARD_USETIME	28800
#define ACQ_SOFT_PERCENT	PFKEY_SOFT_LIFETIME_RATE

struct acq_entry {
	union key_sockaddr	 src;
	union key_sockaddr	 dst;
	uint8_t			 proto;
	uint8_t			 mode;
	uint32_t		 reqid;
	uint32_t		 seq;
	uint64_t		 created;	/* last (re)start */
	unsigned int		 count;		/* triggers absorbed */
	struct acq_entry	*next;
};

static struct acq_entry	*acq_tab[ACQ_CHAINS];
static uint8_t		 acq_hkey[SIPHASH_KEY_LEN];
static int		 acq_keyed;
static size_t		 acq_count;
static uint32_t		 acq_seq;

static struct sadb_comb	 acq_combs[ACQ_COMBS_MAX];
static uint64_t		 acq_msg[KEY_MSG_MAX / sizeof(uint64_t)];

/* The SA index in a flat buffer for hashing: addresses, proto, mode, reqid. */
static size_t
index_chain(const struct key_acquire_req *r)
{
	uint8_t buf[2 * 16 + 6];
	const uint8_t *a;
	size_t len, n = 0;

	if (!acq_keyed) {
		siphash_random_key(acq_hkey);
		acq_keyed = 1;
	}
	if ((a = key_sockaddr_bytes(r->src, &len)) != NULL) {
		memcpy(buf + n, a, len);
		n += len;
	}
	if ((a = key_sockaddr_bytes(r->dst, &len)) != NULL) {
		memcpy(buf + n, a, len);
		n += len;
	}
	buf[n++] = r->proto;
	buf[n++] = r->mode;
	memcpy(buf + n, &r->reqid, sizeof(r->reqid));
	n += sizeof(r->reqid);
	return siphash24(acq_hkey, buf, n) & (ACQ_CHAINS - 1);
}

static struct acq_entry *
find_index(const struct key_acquire_req *r, size_t chain)
{
	struct acq_entry *e;

	for (e = acq_tab[chain]; e != NULL; e = e->next)
		if (e->proto == r->proto && e->mode == r->mode &&
		    e->reqid == r->reqid &&
		    key_sockaddr_equal(r->src, &e->src) &&
		    key_sockaddr_equal(r->dst, &e->dst))
			return e;
	return NULL;
}

static struct acq_entry *
find_seq(uint32_t seq)
{
	struct acq_entry *e;
	size_t i;

	for (i = 0; i < ACQ_CHAINS; i++)
		for (e = acq_tab[i]; e != NULL; e = e->next)
			if (e->seq == seq)
				return e;
	return NULL;
}

static void
copy_addr(union key_sockaddr *to, const struct sockaddr *from)
{
	memset(to, 0, sizeof(*to));
	memcpy(to, from, pfkey_sockaddr_len(from));
	if (to->sa.sa_family == AF_INET)
		to->sin.sin_port = 0;
	else
		to->sin6.sin6_port = 0;
}

static struct acq_entry *
entry_new(const struct key_acquire_req *r, size_t chain)
{
	struct acq_entry *e;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	copy_addr(&e->src, r->src);
	copy_addr(&e->dst, r->dst);
	e->proto = r->proto;
	e->mode = r->mode;
	e->reqid = r->reqid;
	acq_seq = acq_seq == UINT32_MAX ? 1 : acq_seq + 1;
	e->seq = acq_seq;
	e->created = (uint64_t)net_time_now();
	e->next = acq_tab[chain];
	acq_tab[chain] = e;
	acq_count++;
	return e;
}

static void
entry_remove(struct acq_entry *victim)
{
	struct acq_entry **pp;
	size_t i;

	for (i = 0; i < ACQ_CHAINS; i++)
		for (pp = &acq_tab[i]; *pp != NULL; pp = &(*pp)->next)
			if (*pp == victim) {
				*pp = victim->next;
				free(victim);
				acq_count--;
				return;
			}
}

/* The smallest valid key length of alg at or above floor, or 0. */
static uint16_t
raised_min(const struct crypto_alg *alg, unsigned int floor)
{
	unsigned int bits, step = alg->keystep != 0 ? alg->keystep : 1;

	if (alg->keymax < floor)
		return 0;
	for (bits = alg->keymin; bits <= alg->keymax; bits += step)
		if (bits >= floor && crypto_alg_keylen_ok(alg, bits))
			return (uint16_t)bits;
	return 0;
}

static int
usable(const struct crypto_alg *alg, enum crypto_kind kind)
{
	return alg != NULL && alg->kind == kind && crypto_alg_available(alg) &&
	    crypto_alg_listed(alg);
}

static void
comb_lifetimes(struct sadb_comb *c)
{
	c->sadb_comb_soft_allocations = 1;
	c->sadb_comb_hard_allocations = 1;
	c->sadb_comb_hard_addtime = ACQ_HARD_ADDTIME;
	c->sadb_comb_soft_addtime = ACQ_HARD_ADDTIME * ACQ_SOFT_PERCENT / 100;
	c->sadb_comb_hard_usetime = ACQ_HARD_USETIME;
	c->sadb_comb_soft_usetime = ACQ_HARD_USETIME * ACQ_SOFT_PERCENT / 100;
}

static struct sadb_comb *
comb_next(size_t *n)
{
	struct sadb_comb *c;

	if (*n >= ACQ_COMBS_MAX)
		return NULL;
	c = &acq_combs[(*n)++];
	memset(c, 0, sizeof(*c));
	comb_lifetimes(c);
	return c;
}

static size_t
combs_ah(size_t n)
{
	const struct crypto_alg *alg;
	struct sadb_comb *c;
	uint16_t min;
	size_t i;

	for (i = 0; i < crypto_alg_count(); i++) {
		alg = crypto_alg_at(i);
		if (!usable(alg, CRYPTO_KIND_AUTH) ||
		    alg->mode == CRYPTO_MODE_NULL ||
		    alg->mode == CRYPTO_MODE_NONE)
			continue;
		min = raised_min(alg,
		    (unsigned int)net_tunable_get(&key_vars.ah_keymin));
		if (min == 0 || (c = comb_next(&n)) == NULL)
			continue;
		c->sadb_comb_auth = alg->sadb_id;
		c->sadb_comb_auth_minbits = min;
		c->sadb_comb_auth_maxbits = alg->keymax;
	}
	return n;
}

/* One ESP encryption algorithm, alone or crossed with the AH combs. */
static size_t
combs_esp_one(const struct crypto_alg *alg, uint16_t min, size_t n)
{
	size_t first = n, last, i;
	int aead = alg->mode == CRYPTO_MODE_AEAD ||
	    alg->mode == CRYPTO_MODE_GMAC;
	struct sadb_comb *c;

	if (net_tunable_get(&key_vars.esp_auth) != 0 && !aead) {
		last = combs_ah(n);
		for (i = first; i < last; i++) {
			acq_combs[i].sadb_comb_encrypt = alg->sadb_id;
			acq_combs[i].sadb_comb_encrypt_minbits = min;
			acq_combs[i].sadb_comb_encrypt_maxbits = alg->keymax;
		}
		return last;
	}
	if ((c = comb_next(&n)) != NULL) {
		c->sadb_comb_encrypt = alg->sadb_id;
		c->sadb_comb_encrypt_minbits = min;
		c->sadb_comb_encrypt_maxbits = alg->keymax;
	}
	return n;
}

static size_t
combs_esp(void)
{
	const struct crypto_alg *alg;
	uint16_t min;
	size_t i, n = 0;

	for (i = 0; i < crypto_alg_count(); i++) {
		alg = crypto_alg_at(i);
		if (!usable(alg, CRYPTO_KIND_ENC) ||
		    alg->mode == CRYPTO_MODE_NULL)
			continue;
		min = raised_min(alg,
		    (unsigned int)net_tunable_get(&key_vars.esp_keymin));
		if (min != 0)
			n = combs_esp_one(alg, min, n);
	}
	return n;
}

static size_t
combs_ipcomp(void)
{
	const struct crypto_alg *alg;
	struct sadb_comb *c;
	size_t i, n = 0;

	for (i = 0; i < crypto_alg_count(); i++) {
		alg = crypto_alg_at(i);
		if (usable(alg, CRYPTO_KIND_COMP) &&
		    (c = comb_next(&n)) != NULL)
			c->sadb_comb_encrypt = alg->sadb_id;
	}
	return n;
}

static size_t
build_combs(uint8_t proto)
{
	if (proto == IPPROTO_ESP)
		return combs_esp();
	if (proto == IPPROTO_AH)
		return combs_ah(0);
	return combs_ipcomp();
}

static int
send_acquire(const struct acq_entry *e, const struct key_acquire_req *r,
    uint8_t satype)
{
	uint8_t plen = e->dst.sa.sa_family == AF_INET6 ? 128 : 32;
	struct key_buf b;
	size_t n = build_combs(e->proto);
	int error;

	key_buf_init(&b, acq_msg, sizeof(acq_msg));
	key_build_begin(&b, SADB_ACQUIRE, satype, e->seq, 0);
	key_build_address(&b, SADB_EXT_ADDRESS_SRC, &e->src.sa, plen,
	    IPSEC_ULPROTO_ANY);
	key_build_address(&b, SADB_EXT_ADDRESS_DST, &e->dst.sa, plen,
	    IPSEC_ULPROTO_ANY);
	if (r->policy_id != 0)
		key_build_policy(&b, IPSEC_POLICY_IPSEC, r->dir, r->policy_id,
		    0);
	key_build_proposal(&b, ACQ_PROP_REPLAY, acq_combs, n);
	if ((error = key_build_end(&b)) != 0)
		return error;
	return keysock_sendup(NULL, key_buf_data(&b), key_buf_len(&b),
	    KEY_SENDUP_REGISTERED);
}

static int
check_req(const struct key_acquire_req *r, uint8_t *satype)
{
	if (r == NULL || r->src == NULL || r->dst == NULL ||
	    r->src->sa_family != r->dst->sa_family ||
	    key_sockaddr_bytes(r->src, &(size_t){ 0 }) == NULL)
		return EINVAL;
	*satype = key_proto_to_satype(r->proto);
	if (*satype != SADB_SATYPE_ESP && *satype != SADB_SATYPE_AH &&
	    *satype != SADB_X_SATYPE_IPCOMP)
		return EINVAL;
	return 0;
}

static int
acquire_now(const struct key_acquire_req *r)
{
	struct acq_entry *e;
	uint8_t satype;
	size_t chain;
	int error;

	if ((error = check_req(r, &satype)) != 0)
		return error;
	if (keysock_registered_count(satype) == 0)
		return EPROTONOSUPPORT;
	chain = index_chain(r);
	if ((e = find_index(r, chain)) != NULL) {
		if (e->count <=
		    (unsigned int)net_tunable_get(&key_vars.blockacq_count)) {
			e->count++;
			return 0;
		}
		e->count = 0;
	} else if ((e = entry_new(r, chain)) == NULL)
		return ENOMEM;
	send_acquire(e, r, satype);
	return 0;
}

/* A request with its addresses, as a worker posts it. */
struct acquire_post {
	struct key_acquire_req	req;
	union key_sockaddr	src, dst;
};

static void
acquire_run(void *data)
{
	struct acquire_post *p = data;

	p->req.src = &p->src.sa;
	p->req.dst = &p->dst.sa;
	(void)acquire_now(&p->req);
}

/*
 * From a worker the request runs later on the control thread, so its
 * refusals (nobody registered, a bad request) are not reported back: a
 * packet held for it times out of the hold queue.
 */
int
key_acquire(const struct key_acquire_req *r)
{
	struct acquire_post p;

	if (key_defer_inline() || r->src == NULL || r->dst == NULL)
		return acquire_now(r);
	memset(&p, 0, sizeof(p));
	p.req = *r;
	key_sockaddr_copy(&p.src, r->src);
	key_sockaddr_copy(&p.dst, r->dst);
	return key_defer(acquire_run, &p, sizeof(p)) == 0 ? 0 : ENOBUFS;
}

void
key_acquire_timer(void)
{
	uint64_t now = (uint64_t)net_time_now();
	uint64_t life = (uint64_t)net_tunable_get(&key_vars.blockacq_lifetime);
	struct acq_entry **pp, *e;
	size_t i;

	for (i = 0; i < ACQ_CHAINS; i++)
		for (pp = &acq_tab[i]; (e = *pp) != NULL;) {
			if (now > e->created && now - e->created > life) {
				*pp = e->next;
				free(e);
				acq_count--;
			} else
				pp = &e->next;
		}
}

void
key_acquire_flush(void)
{
	struct acq_entry *e;
	size_t i;

	for (i = 0; i < ACQ_CHAINS; i++)
		while ((e = acq_tab[i]) != NULL) {
			acq_tab[i] = e->next;
			free(e);
		}
	acq_count = 0;
}

void
key_acquire_touch(uint32_t seq)
{
	struct acq_entry *e = find_seq(seq);

	if (e != NULL) {
		e->created = (uint64_t)net_time_now();
		e->count = 0;
	}
}

void
key_acquire_done(uint32_t seq)
{
	struct acq_entry *e = find_seq(seq);

	if (e != NULL)
		entry_remove(e);
}

size_t
key_acquire_count(void)
{
	return acq_count;
}

int
key_acquire_blocked(uint32_t seq, unsigned int *count)
{
	struct acq_entry *e = find_seq(seq);

	if (e == NULL)
		return 0;
	if (count != NULL)
		*count = e->count;
	return 1;
}

/*
 * SADB_ACQUIRE from a client (KAME key_acquire2()).  The errno form
 * (negotiation failed) restarts the blocking entry of its seq and gets no
 * reply.  The other form, from a user-level SA consumer, is EEXIST when
 * (src, dst, proto) already has SAs; otherwise the engine sends its own
 * ACQUIRE for that index (mode ANY, reqid 0, no policy) and echoes the
 * request to the registered sockets.
 */
int
key_acquire_user(struct keysock *from, const struct key_msg *m)
{
	struct key_acquire_req r;
	int error;

	if (m->hdr->sadb_msg_errno != 0) {
		key_acquire_touch(m->hdr->sadb_msg_seq);
		return 0;
	}
	memset(&r, 0, sizeof(r));
	r.src = key_msg_sockaddr(KEY_MSG_EXT(m, SADB_EXT_ADDRESS_SRC,
	    sadb_address));
	r.dst = key_msg_sockaddr(KEY_MSG_EXT(m, SADB_EXT_ADDRESS_DST,
	    sadb_address));
	r.proto = key_satype_to_proto(m->hdr->sadb_msg_satype);
	if (key_sad_has_head(r.src, r.dst, r.proto))
		return EEXIST;
	if ((error = key_acquire(&r)) != 0)
		return error;
	return keysock_sendup(from, m->hdr, m->len, KEY_SENDUP_REGISTERED);
}
