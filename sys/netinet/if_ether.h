/*
 * The Ethernet link of the socket manager's wire side: framing, next-hop
 * choice, and the neighbour cache shared by ARP (IPv4, RFC 826, this
 * file's arp_* functions) and IPv6 neighbour discovery (RFC 4861,
 * nd6.h).  The wire NIC carries no host-kernel address, so the socket
 * manager answers ARP and NS for the host's addresses itself and resolves
 * its own next hops.
 *
 * The cache has a fixed number of entries in a SipHash table with a random
 * key (the wire chooses the addresses that reach it), and a fixed pool of
 * buffers for packets held while their next hop is being resolved, at most
 * ETHER_HOLD_PER_NBR per neighbour: nothing allocates once the link is
 * created.  Entries are created only when we resolve a next hop or when a
 * neighbour solicits one of our addresses; an unsolicited reply or
 * advertisement only refreshes an existing entry.
 *
 * Ownership: the link does not own its driver.  As an interface
 * (if_ethersubr.h) the link is the state of its own netif, created and
 * freed with it.  Single-threaded, like the packet path; all state is the
 * link's, none global.
 */
#ifndef SYS_NETINET_IF_ETHER_H
#define SYS_NETINET_IF_ETHER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sys/netinet/ip_hdr.h"

#define ETHER_ADDRLEN		6
#define ETHER_HDRLEN		14
#define ETHER_TYPE_IP		0x0800
#define ETHER_TYPE_ARP		0x0806
#define ETHER_TYPE_IPV6		0x86dd

#define ETHER_NBR_MAX		256	/* cache entries, both families */
#define ETHER_HOLD_MAX		128	/* packets awaiting resolution */
#define ETHER_HOLD_PER_NBR	8
#define ETHER_NBR_TRIES		3	/* solicitations, one a second */
#define ETHER_NBR_KEEP		1200	/* seconds a resolved entry lives */
#define ETHER_ADDRS_MAX		64

/* One of the host's addresses with its on-link prefix length. */
struct ether_ifaddr {
	union ip_sockaddr	addr;
	unsigned int		plen;
};

enum ether_counter {
	ETHER_C_ARP_IN,		/* ARP packets received */
	ETHER_C_ARP_REPLIED,	/* requests for our addresses answered */
	ETHER_C_ARP_BAD,	/* malformed or not Ethernet/IPv4 */
	ETHER_C_ND_IN,		/* NS/NA received */
	ETHER_C_ND_ANSWERED,	/* NS for our addresses answered */
	ETHER_C_ND_BAD,		/* NS/NA failing RFC 4861 checks */
	ETHER_C_SOLICIT,	/* ARP requests and NS sent */
	ETHER_C_RESOLVED,	/* entries that became complete */
	ETHER_C_HELD,		/* packets held awaiting resolution */
	ETHER_C_HOLDDROP,	/* held packets dropped (full or timeout) */
	ETHER_C_NOROUTE,	/* no on-link prefix and no gateway */
	ETHER_C_TIMEOUT,	/* resolutions that failed */
	ETHER_C_NOPROTO,	/* frames neither IPv4, IPv6 nor ARP */
	ETHER_NCOUNTERS
};

struct ether_nbr_cache;

struct ether_link {
	uint8_t			 mac[ETHER_ADDRLEN];
	size_t			 mtu;	/* largest IP packet */
	size_t			 naddrs;
	struct ether_ifaddr	 addrs[ETHER_ADDRS_MAX];
	union ip_sockaddr	 gw4;	/* family 0: no IPv4 gateway */
	union ip_sockaddr	 gw6;
	/*
	 * Transmit one frame made of the Ethernet header hdr and the
	 * payload pl; 0, or -1 when the driver failed.
	 */
	int			(*xmit)(void *arg, const uint8_t *hdr,
				    const uint8_t *pl, size_t pllen);
	void			*arg;
	struct ether_nbr_cache	*nbr;
	uint64_t		 c[ETHER_NCOUNTERS];
};

/*
 * Prepare l (its mac, mtu, addrs, gateways, xmit and arg already filled
 * in) and create its cache; 0, or -1 when out of memory.
 */
int	ether_link_init(struct ether_link *l);
void	ether_link_fini(struct ether_link *l);

/*
 * Send the IP packet pkt (family af) on the link: to its destination when
 * that is on a prefix of ours, link-local or multicast, else to the
 * family's gateway.  Framed at once when the next hop is known, else held
 * and the next hop solicited.  0 when sent or held, -1 when dropped.
 */
int	ether_output(struct ether_link *l, int af, const uint8_t *pkt,
	    size_t len);

/* Solicitation retries and entry expiry; call once a second. */
void	ether_link_timer(struct ether_link *l);

/*
 * A neighbour's link-layer address is mac: update its entry (create it
 * when create), sending the packets held for it.
 */
void	ether_nbr_learn(struct ether_link *l, int af, const uint8_t *addr,
	    const uint8_t *mac, bool create);

/* Whether addr (4 or 16 bytes of family af) is one of ours. */
bool	ether_link_ours(const struct ether_link *l, int af,
	    const uint8_t *addr);

/*
 * Our address of family af to speak from toward dst: the one whose prefix
 * holds dst, else the first of the family; NULL when there is none.
 */
const uint8_t *ether_link_source(const struct ether_link *l, int af,
	    const uint8_t *dst);

/* An Ethernet header into hdr (ETHER_HDRLEN bytes). */
void	ether_header(uint8_t *hdr, const uint8_t *dst, const uint8_t *src,
	    uint16_t type);

/* The ARP packet (after the Ethernet header) of len bytes; consumed. */
void	arp_input(struct ether_link *l, const uint8_t *arp, size_t len);
/* Broadcast an ARP request for target (4 bytes); 0 or -1. */
int	arp_request(struct ether_link *l, const uint8_t *target);

/* "arp_in", ...; NULL out of range. */
const char *ether_counter_name(enum ether_counter c);

#endif
