/*
 * The SPD's lookup index, private to key_spd*.c.
 *
 * Tuple-space search: the policies of one direction and address family are
 * grouped by their selector's shape (source and destination prefix
 * lengths, and whether protocol, source port and destination port are
 * wildcards).  Within a group every policy's selector, masked to the shape,
 * is an exact key, so each group is a hash table from masked selector to
 * the policies sharing it, kept in (priority, insertion) order.  A lookup
 * masks the packet once per group, probes the table once, and keeps the
 * best hit; groups are visited in the order of the best policy they may
 * hold, so a lookup stops as soon as no later group can do better.  The
 * cost is O(shapes), whatever the number of policies.
 */
#ifndef SYS_NETKEY_KEY_SPD_INDEX_H
#define SYS_NETKEY_KEY_SPD_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sys/netkey/key_policy.h"

/* The groups of one direction and one address family. */
struct key_spd_index {
	struct key_spd_group	**groups;	/* by best possible policy */
	size_t			ngroups;
	size_t			cap;
};

/* Draw the secret hash key; done once before the first insertion. */
void	key_spd_index_seed(void);

/*
 * Add a policy whose selector was validated and whose order is set.
 * 0, or ENOMEM with nothing changed.
 */
int	key_spd_index_add(struct key_spd_index *ix, struct ipsec_policy *p);
void	key_spd_index_remove(struct key_spd_index *ix, struct ipsec_policy *p);

/* The policy with exactly this selector, unreferenced, or NULL. */
struct ipsec_policy *key_spd_index_find(const struct key_spd_index *ix,
	    const struct ipsec_selector *sel);

/* The first matching policy, unreferenced, or NULL. */
struct ipsec_policy *key_spd_index_lookup(const struct key_spd_index *ix,
	    const struct key_spd_query *q);

/* Free the groups (the policies must have been removed). */
void	key_spd_index_free(struct key_spd_index *ix);

/* Index of an address family in per-family arrays, -1 if unsupported. */
int	key_spd_family_slot(int family);

/* The address bytes of a sockaddr of a supported family. */
const uint8_t *key_spd_addr_bytes(const struct sockaddr *sa);

#endif
