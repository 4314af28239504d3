/*
 * A security policy: one entry of the SPD (RFC 4301 section 4.4.1), in the
 * shape KAME gives it.  A selector (addresses with prefix lengths, upper
 * layer protocol, ports), a direction, an action and, for IPSEC, up to
 * IPSEC_MAXREQ requests that say which transforms the traffic needs.
 *
 * Ownership and lifetime:
 *
 *  - key_policy_new() returns a zeroed policy holding one reference, owned
 *    by the caller.  The caller fills in the public fields below, then
 *    hands it to key_spd_insert().
 *  - While a policy is in the SPD, the SPD holds one reference of its own.
 *    key_spd_insert() takes that reference; the caller still owns the one
 *    it had and drops it with key_policy_put() when done.
 *  - Every function that returns a policy (key_spd_lookup(), key_spd_get(),
 *    the snapshot) returns it with a reference the receiver must put.
 *  - key_policy_get() adds a reference, key_policy_put() drops one; the
 *    last put frees.  Putting NULL does nothing.
 *  - Once inserted, the selector, direction, action, priority, requests,
 *    lifetimes and id never change: readers holding a reference may use
 *    them without further care.  Only lastused changes (on lookup hits).
 *    To change a policy, build a new one and insert it with the update
 *    flag, as KAME's SPDUPDATE does.
 *  - A policy removed from the SPD (delete, flush, expiry) stays valid for
 *    whoever still holds a reference; key_policy_linked() tells whether it
 *    is still in the SPD.
 *  - The SPD is not thread safe: the socket manager calls it from one
 *    thread, or its callers serialize.
 *
 * Policies carry no secrets, so freeing wipes nothing.
 */
#ifndef SYS_NETKEY_KEY_POLICY_H
#define SYS_NETKEY_KEY_POLICY_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <sys/socket.h>
#include <netinet/in.h>

#include <netipsec/ipsec.h>

/*
 * Addresses are kept as union key_sockaddr: family AF_INET or AF_INET6
 * (AF_UNSPEC when absent).  The port inside is not used; selectors carry
 * their ports in host order in struct ipsec_selector.
 */
#include "sys/net/net_clock.h"
#include "sys/netkey/key_sockaddr.h"

/*
 * What traffic a policy applies to.  The family is src.sa.sa_family and dst
 * must have the same.  Address bits beyond the prefix are kept as given
 * (dumps show them) and ignored when matching.
 *
 * Ports are in host order, 0 meaning any.  For ICMP and ICMPv6 the ports
 * carry the message type (sport) and code (dport), as KAME and setkey pack
 * them; code 0 therefore also means any code.
 */
struct ipsec_selector {
	union key_sockaddr	src;
	union key_sockaddr	dst;
	uint8_t			src_plen;	/* 0..32 or 0..128 */
	uint8_t			dst_plen;
	uint8_t			ul_proto;	/* IPSEC_ULPROTO_ANY = any */
	uint16_t		sport;		/* host order, 0 = any */
	uint16_t		dport;		/* host order, 0 = any */
};

/*
 * One transform a policy asks for (sadb_x_ipsecrequest).  Tunnel mode
 * names the outer endpoints; otherwise they are AF_UNSPEC.
 */
struct ipsec_request {
	uint8_t			proto;		/* IPPROTO_ESP, _AH, _COMP */
	uint8_t			mode;		/* transport or tunnel */
	uint8_t			level;		/* IPSEC_LEVEL_* */
	uint32_t		reqid;		/* 0: none (unique: assigned) */
	union key_sockaddr	tun_src;
	union key_sockaddr	tun_dst;
};

struct key_spd_group;

struct ipsec_policy {
	/* Filled in by the creator before insertion; immutable after it. */
	struct ipsec_selector	sel;
	uint8_t			dir;		/* INBOUND, OUTBOUND or FWD */
	uint8_t			action;		/* DISCARD, NONE or IPSEC */
	uint8_t			nreq;		/* requests used, IPSEC only */
	bool			persistent;	/* built in: SPDFLUSH keeps */
	uint32_t		priority;	/* lower wins; default 0 */
	struct ipsec_request	req[IPSEC_MAXREQ];
	uint64_t		lifetime;	/* s from creation, 0 = none */
	uint64_t		validtime;	/* s from last use, 0 = none */
	uint32_t		msg_seq;	/* sadb_msg_seq of creator */
	uint32_t		msg_pid;	/* sadb_msg_pid of creator */

	/*
	 * Set by key_spd_insert().  The 4-byte fields here and below are
	 * kept in pairs: padding is memory a million times over.
	 */
	time_t			created;
	time_t			lastused;	/* last hit (key_policy_touch) */
	uint32_t		id;		/* unique, SPDGET/SPDDELETE2 */

	/* Private to the SPD. */
	uint32_t		hash;		/* of the masked selector */
	unsigned int		refcnt;		/* atomic: get/put */
	bool			linked;		/* in the SPD */
	uint64_t		order;		/* insertion order, unique */
	struct key_spd_group	*group;		/* index group (shape) */
	struct ipsec_policy	*same_prev;	/* same masked selector, by */
	struct ipsec_policy	*same_next;	/* (priority, order) */
	struct ipsec_policy	*dir_prev;	/* all of one direction, by */
	struct ipsec_policy	*dir_next;	/* insertion order */
	struct ipsec_policy	*id_next;	/* id hash chain */
	struct ipsec_policy	*timed_prev;	/* policies with a lifetime */
	struct ipsec_policy	*timed_next;	/* or validtime */
};

/*
 * A packet's selector values for a lookup.  src and dst point to sockaddrs
 * of the packet's family (their ports are ignored).  Ports are in host
 * order; for ICMP/ICMPv6 sport is the type and dport the code; packets
 * without ports pass 0.
 */
struct key_spd_query {
	const struct sockaddr	*src;
	const struct sockaddr	*dst;
	uint8_t			ul_proto;
	uint16_t		sport;
	uint16_t		dport;
};

/* A new zeroed policy with one reference, or NULL when out of memory. */
struct ipsec_policy *key_policy_new(void);

/* Reference counting; see the ownership rules above. */
struct ipsec_policy *key_policy_get(struct ipsec_policy *p);
void	key_policy_put(struct ipsec_policy *p);

/*
 * Record a hit in lastused.  Hits come from every worker; the time is
 * written only when the second changes, so a policy's line is written
 * once a second rather than once a packet, and atomically, so that the
 * timer and dumps (key_policy_lastused()) read whole values.
 */
static inline void
key_policy_touch(struct ipsec_policy *p)
{
	time_t now = net_time_now();

	if (__atomic_load_n(&p->lastused, __ATOMIC_RELAXED) != now)
		__atomic_store_n(&p->lastused, now, __ATOMIC_RELAXED);
}

static inline time_t
key_policy_lastused(const struct ipsec_policy *p)
{
	return __atomic_load_n(&p->lastused, __ATOMIC_RELAXED);
}

/* Whether the policy is still in the SPD. */
bool	key_policy_linked(const struct ipsec_policy *p);

#endif
