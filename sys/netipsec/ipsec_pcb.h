/*
 * Per-socket policies (KAME's IP_IPSEC_POLICY / IPV6_IPSEC_POLICY).
 *
 * The sockets live in the host's stack, not here, so a socket is known by
 * the inode of its descriptor (st_ino, as the host's sock_diag reports
 * it) and by the traffic it carries now: family, protocol, local address
 * and port, remote address and port.  The socket manager's control
 * channel (sbin/sockmgr/sockpol.c) creates entries when a client sets a
 * policy and keeps their tuples current; the packet path asks
 * ipsec_pcb_lookup() before the SPD.
 *
 * Ownership: an entry holds one reference on each of its two policies
 * (inbound, outbound; NULL is `entrust', which defers to the SPD).  The
 * policies are never linked into the SPD and never change once set, so
 * an accepted socket's entry shares its listener's policies by reference,
 * as KAME shares non-IPsec ones.  Everything runs on the socket manager's
 * one thread.
 */
#ifndef SYS_NETIPSEC_IPSEC_PCB_H
#define SYS_NETIPSEC_IPSEC_PCB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sys/netinet/ip_hdr.h"
#include "sys/netkey/key_policy.h"

/* At most this many sockets carry a policy at once (bounded memory). */
#define IPSEC_PCB_MAX	4096

/*
 * A socket's traffic.  An unspecified address (family AF_UNSPEC) or port
 * 0 matches anything: a listener or an unconnected UDP socket has no
 * remote end, a socket bound to the wildcard address no local address.
 */
struct ipsec_pcb_tuple {
	uint8_t			family;		/* AF_INET, AF_INET6 */
	uint8_t			proto;		/* IPPROTO_TCP, _UDP */
	bool			listening;	/* TCP LISTEN */
	uint16_t		lport;		/* host order, 0: unbound */
	uint16_t		rport;		/* host order, 0: any */
	union key_sockaddr	laddr;
	union key_sockaddr	raddr;
};

/*
 * Set the policy of direction dir (IPSEC_DIR_INBOUND or _OUTBOUND) of
 * socket ino, creating its entry with tuple t when it has none (t is
 * ignored otherwise).  p is NULL for entrust, or a policy whose
 * reference passes to the entry (also on failure).  Returns 0, EINVAL
 * for a bad direction, or ENOBUFS when IPSEC_PCB_MAX entries exist.
 */
int	ipsec_pcb_set(uint64_t ino, const struct ipsec_pcb_tuple *t,
	    uint8_t dir, struct ipsec_policy *p);

/*
 * The policy of socket ino for dir, referenced; NULL for entrust or no
 * entry.  *found tells the two apart (may be NULL).
 */
struct ipsec_policy *ipsec_pcb_get(uint64_t ino, uint8_t dir, bool *found);

/* Whether socket ino has an entry. */
bool	ipsec_pcb_exists(uint64_t ino);

/*
 * The socket's traffic changed (bind, connect, listen): move the entry.
 * Returns 0 or ENOENT.
 */
int	ipsec_pcb_move(uint64_t ino, const struct ipsec_pcb_tuple *t);

/*
 * An accepted TCP socket: when a listener's entry covers tuple t (same
 * family and local port, its local address unspecified or t's), give
 * socket ino an entry of its own with the listener's policies, as KAME's
 * ipsec_copy_pcbpolicy() does at accept.  Returns true when it did.
 */
bool	ipsec_pcb_inherit(uint64_t ino, const struct ipsec_pcb_tuple *t);

void	ipsec_pcb_remove(uint64_t ino);
size_t	ipsec_pcb_count(void);
void	ipsec_pcb_flush(void);

/*
 * Liveness sweep: ipsec_pcb_mark() forgets which entries were seen,
 * ipsec_pcb_seen() records that socket ino still exists (moving it to
 * tuple t when that differs; NULL keeps the tuple) and returns false for
 * an unknown inode,
 * ipsec_pcb_sweep() removes the entries not seen and returns how many.
 */
void	ipsec_pcb_mark(void);
bool	ipsec_pcb_seen(uint64_t ino, const struct ipsec_pcb_tuple *t);
size_t	ipsec_pcb_sweep(void);

/*
 * What a per-socket entry looks like from outside, for dumps and the
 * control channel's state file.
 */
struct ipsec_pcb_view {
	uint64_t			 ino;
	const struct ipsec_pcb_tuple	*t;
	const struct ipsec_policy	*pol[2];	/* in, out; NULL */
	bool				 seen;		/* this sweep */
};

typedef void (*ipsec_pcb_walk_fn)(const struct ipsec_pcb_view *v,
	    void *arg);
void	ipsec_pcb_walk(ipsec_pcb_walk_fn fn, void *arg);

/*
 * The per-socket policy of the socket whose traffic packet hi is, in
 * direction dir, referenced; NULL when no socket's entry matches or the
 * best match entrusts that direction to the SPD.  Of several entries the
 * most specific wins (a connected socket over its listener).  A bypass
 * policy keeps action BYPASS, which the packet path treats as NONE.
 */
struct ipsec_policy *ipsec_pcb_lookup(uint8_t dir,
	    const struct ip_hdr_info *hi);

#endif
