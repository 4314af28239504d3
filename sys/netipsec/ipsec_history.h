/*
 * The record of what IPsec input applied to one inbound packet.
 *
 * ipsec_input() appends an entry each time it removes a transform (outer
 * first), and the inbound policy check compares the record with the
 * requests of the policy that matches the final, decapsulated packet.
 * Keeping the record per packet, instead of flags on the packet, is what
 * lets a tunnel inside or around another transform be judged by the
 * endpoints and SA that actually carried it (KAME's flag-based check
 * cannot tell an ESP tunnel from ESP transport inside some other tunnel).
 *
 * The record lives in the caller's struct ipsec_in_result: no allocation.
 */
#ifndef SYS_NETIPSEC_IPSEC_HISTORY_H
#define SYS_NETIPSEC_IPSEC_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sys/netkey/key_sockaddr.h"

/* Nested transforms one packet may carry before it is refused. */
#define IPSEC_HISTORY_MAX	8

/*
 * One transform removed from the packet.  src and dst are the SA index's
 * endpoints; for a tunnel (decap set) they are also the outer header's
 * addresses.  mode is the SA's mode (IPSEC_MODE_ANY possible); decap says
 * whether an inner IP packet was taken out after this transform, which is
 * what makes it a tunnel for the policy check.
 */
struct ipsec_history_entry {
	uint8_t			proto;		/* IPPROTO_ESP, ... */
	uint8_t			mode;		/* the SA's IPSEC_MODE_* */
	bool			decap;		/* an inner packet followed */
	uint32_t		reqid;		/* the SA's reqid */
	uint32_t		spi;		/* network order */
	union key_sockaddr	src;
	union key_sockaddr	dst;
};

struct ipsec_history {
	size_t			n;
	struct ipsec_history_entry e[IPSEC_HISTORY_MAX];
};

/* Forget everything (the packet is clear). */
void	ipsec_history_clear(struct ipsec_history *h);

/*
 * Append an entry for the SA that was just removed; NULL when the record
 * is full (the packet nests too deep and must be dropped).
 */
struct ipsec_history_entry *ipsec_history_add(struct ipsec_history *h,
	    uint8_t proto, uint8_t mode, uint32_t reqid, uint32_t spi,
	    const struct sockaddr *src, const struct sockaddr *dst);

/* Whether any transform was removed. */
static inline bool
ipsec_history_protected(const struct ipsec_history *h)
{
	return h->n > 0;
}

#endif
