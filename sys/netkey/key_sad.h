/*
 * The Security Association Database.
 *
 * Two hash tables, both keyed with SipHash under a random key chosen at
 * key_sad_init():
 *  - by (dst address, proto, SPI): the inbound lookup, O(1);
 *  - by (src address, dst address, proto): an SA head listing the SAs of
 *    that pair, for outbound selection and delete-all.
 * A list in insertion order serves dumps, flushes and the timer; a list
 * of LARVAL SAs serves the acquire-sequence lookup and larval reaping.
 * Both tables double as they fill and hold millions of SAs.
 *
 * Addresses compare by family and address (and IPv6 scope id when both
 * carry one); ports are ignored.  proto is an IPPROTO_* value; functions
 * that filter by PF_KEY SA type say so, and satype 0 (UNSPEC) means all.
 *
 * Pointers returned by lookups are borrowed: valid until the SAD is next
 * changed (the control path is single-threaded).  key_sa_get() keeps one
 * longer.  The rules for the SA itself are in key_sa.h.
 */
#ifndef SYS_NETKEY_KEY_SAD_H
#define SYS_NETKEY_KEY_SAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sys/netkey/key_sa.h"

/* Why the engine removed an SA by itself. */
enum key_sad_removal {
	KEY_SAD_RM_LARVAL_REAPED,	/* larval_lifetime ran out */
	KEY_SAD_RM_HARD_EXPIRED,	/* a hard limit, after expire(sa, 1) */
	KEY_SAD_RM_SUPERSEDED,		/* preferred_oldsa 0: a newer SA won */
};

/*
 * Events for the PF_KEY message layer.  expire(sa, hard) should send
 * SADB_EXPIRE (soft: hard == 0).  removed(sa, reason) is called for SAs
 * the engine removes by itself, while the SA is still linked, just before
 * it is unlinked: SUPERSEDED is KAME's SADB_DELETE to registered sockets,
 * LARVAL_REAPED and HARD_EXPIRED need no message of their own.  Removals
 * asked for through key_sad_remove(), _flush() and _delete_all() fire no
 * event: their caller answers the request.  Callbacks must not change the
 * SAD; they may take references.  Either pointer may be NULL.
 */
struct key_sad_events {
	void	(*expire)(struct ipsec_sa *sa, int hard);
	void	(*removed)(struct ipsec_sa *sa, int reason);
};

/* Set up the tables and the hash key: 0 or ENOMEM. */
int	key_sad_init(void);
/* Remove every SA and free the tables (the events are kept). */
void	key_sad_fini(void);

/* Register the event callbacks (copied); NULL for none. */
void	key_sad_set_events(const struct key_sad_events *ev);

/*
 * Link an SA; the SAD takes a reference of its own (the caller keeps
 * theirs).  0; EEXIST if (dst, proto, spi) is taken; EINVAL if the SA is
 * already linked; ENOMEM.
 */
int	key_sad_insert(struct ipsec_sa *sa);

/* Unlink an SA (state DEAD) and drop the SAD's reference.  Idempotent. */
void	key_sad_remove(struct ipsec_sa *sa);

/* Change the state of an SA, linked or not (keeps the LARVAL list). */
void	key_sad_set_state(struct ipsec_sa *sa, uint8_t state);

/*
 * The moves a packet can race with the timer and with other packets:
 * move sa to state `to` if it is in one of the states of `from` (bits
 * 1 << SADB_SASTATE_*), and say whether this caller made the move.  Of
 * several threads that find a limit crossed at once exactly one is told
 * true, and only it fires the expire.  Neither side may be LARVAL (the
 * LARVAL list is the control thread's).
 */
#define KEY_SA_ALIVE	(1u << SADB_SASTATE_MATURE | 1u << SADB_SASTATE_DYING)
bool	key_sad_claim_state(struct ipsec_sa *sa, unsigned int from,
	    uint8_t to);

/* Whether any SA (in any state) links src and dst for proto. */
bool	key_sad_has_head(const struct sockaddr *src,
	    const struct sockaddr *dst, uint8_t proto);

/* The SA of (dst, proto, spi) in any state, or NULL.  spi: network order. */
struct ipsec_sa *key_sad_lookup(const struct sockaddr *dst, uint8_t proto,
	    uint32_t spi);

/*
 * Outbound selection among the MATURE and DYING SAs of (src, dst, proto)
 * whose mode is mode or ANY and whose reqid is reqid (reqid 0: any).
 * net.key.preferred_oldsa 1: the oldest, DYING before MATURE.  0: the
 * newest MATURE (else the newest DYING); an older SA of the same state
 * with a non-zero hard addtime is removed (removed(.., SUPERSEDED)), as
 * KAME does.  NULL when none.
 */
struct ipsec_sa *key_sad_select(const struct sockaddr *src,
	    const struct sockaddr *dst, uint8_t proto, uint8_t mode,
	    uint32_t reqid);

/*
 * Choose a free SPI for (dst, proto), returned in *spi in network order.
 * min and max are host order, as in sadb_spirange; min == max == 0 means
 * no SPIRANGE: [net.key.spi_minval, spi_maxval].  IPComp clamps both
 * bounds to 0xffff (a CPI is 16 bits); ESP and AH never get 0..255.
 * min == max asks for exactly that SPI.  Otherwise up to
 * net.key.spi_trycnt random SPIs in [min, max] are tried.
 * 0; EEXIST (the exact SPI is taken); EINVAL (empty or reserved range);
 * EAGAIN (no free SPI found in spi_trycnt tries).  Nothing is inserted:
 * the caller links the LARVAL SA.
 */
int	key_sad_getspi(const struct sockaddr *dst, uint8_t proto, uint32_t min,
	    uint32_t max, uint32_t *spi);

/* The LARVAL SA created with acquire sequence number seq, or NULL. */
struct ipsec_sa *key_sad_find_larval_seq(uint32_t seq);

/*
 * KAME delete-all: remove every non-LARVAL SA of (src, dst, proto).
 * Returns how many were removed.
 */
size_t	key_sad_delete_all(const struct sockaddr *src,
	    const struct sockaddr *dst, uint8_t proto);

/* Remove every SA of PF_KEY type satype (0: all).  Returns the count. */
size_t	key_sad_flush(uint8_t satype);

/* How many SAs of PF_KEY type satype (0: all) are linked; O(1). */
size_t	key_sad_count(uint8_t satype);

/*
 * A dump snapshot: every SA of satype (0: all), in insertion order, each
 * with a reference, in a malloc'd array.  SAs removed meanwhile stay
 * valid (DEAD) until key_sad_snapshot_free() puts them.  0 (an empty
 * snapshot has *arr NULL and *n 0) or ENOMEM.
 */
int	key_sad_snapshot(uint8_t satype, struct ipsec_sa ***arr, size_t *n);
void	key_sad_snapshot_free(struct ipsec_sa **arr, size_t n);

/*
 * Once a second: reap LARVAL SAs older than net.key.larval_lifetime,
 * apply soft and hard time limits, and drop SAs made DEAD by
 * key_sa_account().  See key_sad_timer.c for the rules.
 */
void	key_sad_timer(void);

#endif
