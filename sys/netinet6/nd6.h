/*
 * IPv6 neighbour discovery on the wire (RFC 4861 sections 7.1-7.2): the
 * socket manager answers neighbour solicitations for the host's addresses
 * with advertisements carrying the wire NIC's MAC, and resolves its next
 * hops with solicitations to their solicited-node multicast group.  The
 * cache is the Ethernet link's (if_ether.h), perhaps shared with other
 * workers' links: it is reached only through ether_output() and
 * ether_nbr_learn(), which lock it.  Router discovery, redirects
 * and neighbour unreachability detection are not done: the next hop is
 * on-link or the configured gateway.
 */
#ifndef SYS_NETINET6_ND6_H
#define SYS_NETINET6_ND6_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sys/netinet/if_ether.h"

/*
 * If the IPv6 packet pkt of len bytes is a neighbour solicitation or
 * advertisement, handle it and return true (consumed: ND stays below
 * IPsec, as RFC 4301 section 4.4.1.1 lets ND bypass the SPD); false for
 * any other packet, which goes on to the packet path.
 */
bool	nd6_input(struct ether_link *l, const uint8_t *pkt, size_t len);

/* Multicast a neighbour solicitation for target (16 bytes); 0 or -1. */
int	nd6_solicit(struct ether_link *l, const uint8_t *target);

#endif
