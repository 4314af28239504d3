/*
 * Policy resolution for the IPsec hooks: which SPD entry applies to a
 * packet, what level a request has, which SAs an outbound packet gets,
 * and whether an inbound packet was protected as its policy demands.
 *
 * Levels: a request's `default' level is resolved each time it is used,
 * from esp_trans_deflev / esp_net_deflev / ah_trans_deflev / ah_net_deflev
 * of the packet's family (require when the variable says 2, use
 * otherwise); IPComp's default is always use.  KAME's ipsec_get_reqlevel()
 * lets the AH case fall through to IPComp's, so AH `default' is always
 * use there whatever ah_*_deflev say; we do not copy that bug: AH reads
 * its own variables.  `unique' is enforced as require, and also binds the
 * SA by the request's reqid.
 */
#ifndef SYS_NETIPSEC_IPSEC_POLICY_H
#define SYS_NETIPSEC_IPSEC_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sys/netinet/ip_hdr.h"
#include "sys/netipsec/ipsec_history.h"
#include "sys/netipsec/ipsec_stat.h"
#include "sys/netkey/key_policy.h"
#include "sys/netkey/key_sa.h"

/*
 * The SAs an outbound packet is protected with, innermost first, each
 * with a reference the bundle owns (ipsec_bundle_release() puts them).
 */
struct ipsec_bundle_step {
	struct ipsec_sa			*sa;
	const struct ipsec_request	*req;
};

struct ipsec_bundle {
	size_t			 n;
	struct ipsec_bundle_step step[IPSEC_MAXREQ];
	/*
	 * On an out_nosa failure: the SA index that was missing, and
	 * whether an ACQUIRE for it reached a daemon (the packet may then
	 * wait in the hold queue).  The addresses are borrowed from the
	 * packet's view or the policy.
	 */
	bool			 acquiring;
	const struct sockaddr	*miss_src;
	const struct sockaddr	*miss_dst;
	uint8_t			 miss_proto;
};

/*
 * The first policy of direction dir (IPSEC_DIR_INBOUND, _OUTBOUND) for
 * the packet's selectors, referenced; NULL when none matches.
 */
struct ipsec_policy *ipsec_policy_lookup(uint8_t dir,
	    const struct ip_hdr_info *hi);

/* The level of a request for a packet of family af, `default' resolved. */
uint8_t	ipsec_policy_level(int af, const struct ipsec_request *req);

/*
 * The outbound SA bundle of IPSEC policy p for the packet hi: for each
 * request in order, the SA of (src, dst, proto, mode[, reqid]) where
 * src/dst are the packet's for transport mode (the outer ones once a
 * tunnel was added) and the request's endpoints for tunnel mode.  A
 * request without an SA asks the key engine for one (SADB_ACQUIRE; a
 * policy without requests gets SADB_X_SPDACQUIRE); at level use it is
 * then skipped, otherwise the packet is dropped.  Returns 0, or -1 with
 * *why set (IPSECS_OUT_NOSA, IPSECS_OUT_INVAL) and nothing held.
 */
int	ipsec_policy_bundle(const struct ipsec_policy *p,
	    const struct ip_hdr_info *hi, struct ipsec_bundle *b,
	    enum ipsecstat_counter *why);
void	ipsec_bundle_release(struct ipsec_bundle *b);

/*
 * Whether the transforms removed from an inbound packet (h) satisfy the
 * IPSEC policy p that matched the final packet hi: every request of level
 * require or unique must be matched, innermost request against innermost
 * transform, by protocol, mode (a tunnel is a transform after which an
 * inner packet was taken out), the SA's addresses (the tunnel endpoints
 * for tunnel mode, the packet's at that layer for transport mode) and,
 * for unique, the SA's reqid.  Requests of level use, and IPComp
 * requests at any level (a sender leaves IPComp off packets it would not
 * shrink), may be absent; transforms that no request names are allowed.
 */
bool	ipsec_policy_check_in(const struct ipsec_policy *p,
	    const struct ip_hdr_info *hi, const struct ipsec_history *h);

#endif
