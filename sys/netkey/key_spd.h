/*
 * The Security Policy Database.  One instance per socket manager, with
 * KAME's semantics: policies of one direction are ordered by priority
 * (lower value first) and then by insertion (earlier first); the first
 * policy whose selector matches a packet applies.  Lookups are indexed
 * (see key_spd_index.c) so their cost depends on the number of distinct
 * selector shapes, not on the number of policies.
 *
 * Ownership of the policies is described in key_policy.h.  Every function
 * here may be called before anything was inserted; key_spd_fini() returns
 * the SPD to that empty state.
 */
#ifndef SYS_NETKEY_KEY_SPD_H
#define SYS_NETKEY_KEY_SPD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sys/netkey/key_policy.h"

/*
 * Insert a policy.  Its selector, direction, action, priority and requests
 * must be filled in; the SPD validates them (EINVAL), assigns the id, the
 * creation time and, for "unique" requests without a reqid, a reqid above
 * IPSEC_MANUAL_REQID_MAX (ENOBUFS when none is left).
 *
 * A policy with the same selector and direction already present makes it
 * fail with EEXIST, unless `update' is set: then the old policy is removed
 * and the new one inserted as if it had never existed, as KAME's SPDUPDATE
 * does.  The new policy gets a new id and goes behind the policies of its
 * priority that are already there; the old one is released.  An update
 * with nothing to replace is a plain insert.
 *
 * On success the SPD holds its own reference and 0 is returned; on failure
 * an errno value and the policy is untouched apart from reqids.
 */
int	key_spd_insert(struct ipsec_policy *p, bool update);

/* Remove; 0, or ENOENT when absent.  Removing twice is harmless. */
int	key_spd_delete(struct ipsec_policy *p);
int	key_spd_delete_id(uint32_t id);
int	key_spd_delete_selector(uint8_t dir, const struct ipsec_selector *sel);

/*
 * Find by id, or by exact selector and direction (the addresses compared
 * in full, as KAME compares a policy index).  Referenced, or NULL.
 */
struct ipsec_policy *key_spd_get(uint32_t id);
struct ipsec_policy *key_spd_find(uint8_t dir,
	    const struct ipsec_selector *sel);

/*
 * The first policy of direction `dir' that matches the packet, referenced,
 * or NULL.  A hit records the time in lastused.  Allocates nothing.
 */
struct ipsec_policy *key_spd_lookup(uint8_t dir,
	    const struct key_spd_query *q);

/*
 * Whether one policy's selector matches the packet: same family, both
 * addresses within the prefixes, protocol equal or the policy's any, ports
 * equal or the policy's 0.  The direction is not looked at.
 */
bool	key_spd_match(const struct ipsec_policy *p,
	    const struct key_spd_query *q);

/* Remove every policy except the persistent ones; returns how many. */
size_t	key_spd_flush(void);

/* Policies in the SPD, in one direction or (IPSEC_DIR_ANY) in all. */
size_t	key_spd_count(uint8_t dir);

/*
 * A dump's view of the SPD: referenced policies in KAME dump order (by
 * direction inbound, outbound, forward; within one by priority, then
 * insertion).  Policies deleted while the snapshot exists stay valid
 * (key_policy_linked() turns false).  The dump layer may send them at its
 * own pace and frees the snapshot, putting every reference, at the end.
 */
struct key_spd_snapshot {
	struct ipsec_policy	**policies;
	size_t			count;
};

/* 0, or ENOMEM.  `dir' is a direction or IPSEC_DIR_ANY for all. */
int	key_spd_snapshot(uint8_t dir, struct key_spd_snapshot *snap);
void	key_spd_snapshot_free(struct key_spd_snapshot *snap);

/*
 * A reqid for a "unique" request that names none: above
 * IPSEC_MANUAL_REQID_MAX, wrapping after 0xffff, skipping reqids that
 * policies in the SPD use.  0 when every one is taken.
 */
uint32_t key_spd_newreqid(void);

/*
 * Policy expiry.  key_spd_timer() runs once a second: a policy whose
 * lifetime (counted from its creation) or validtime (counted from its last
 * use; lastused is the creation time until the first hit) has run out is
 * removed and handed to the expire event, if one is set, which the PF_KEY
 * layer turns into SADB_X_SPDEXPIRE.  The event runs after removal and
 * may take a reference.  key_spd_set_events(NULL) removes the events.
 */
struct key_spd_events {
	void	(*expire)(struct ipsec_policy *p);
};

void	key_spd_set_events(const struct key_spd_events *ev);
void	key_spd_timer(void);

/* Remove every policy, persistent ones too, and free the index. */
void	key_spd_fini(void);

#endif
