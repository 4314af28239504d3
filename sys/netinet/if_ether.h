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
 * Sharing: several links may use one cache (ether_link_init_shared()),
 * one link per worker thread, each over its own wire socket of one fanout
 * group on the same NIC.  An ARP reply or NA reaches one fanout member
 * only; with the cache shared, a reply on any worker resolves the entry
 * for all, and the packets another worker held for it leave through the
 * link that learnt it (same NIC, same MAC).  A packet sent at once by one
 * worker may overtake packets another is still sending from the hold.
 *
 * Threads: a link itself (its addresses, gateways, xmit, counters c[],
 * hops[]) is used by one thread, its worker; the counters are per link
 * and summed by whoever reads them.  The cache (entries, hash key, hold
 * pool) is under one spinlock, taken by ether_output() (next-hop lookup,
 * hold), ether_nbr_learn() (ARP and NA input, the held packets' slots),
 * ether_link_timer() and so by nd6.h's functions, and never held across
 * xmit.  With one packet thread (net_workers == 1, net_counter.h) no lock
 * is taken.  Nor is it for a packet to a resolved next hop while the
 * link's own copy of the entry (hops[]) is good: the cache's generation,
 * bumped whenever a resolved entry goes or changes its MAC, is what it
 * was when the copy was made.  So workers sending to one gateway share no
 * written line (two workers on one next hop: 25 ns a packet each from the
 * copy, 140-290 ns each taking the lock; one worker: 25 ns, 44 ns
 * before the copy).
 *
 * Timer: ether_link_timer() may run on any or all of the links of a
 * cache, and must on at least one: calls within one second after the
 * first find nothing due, so retries stay one a second.
 *
 * Ownership: the link does not own its driver.  As an interface
 * (if_ethersubr.h) the link is the state of its own netif, created and
 * freed with it.  The cache is reference-counted: each link's
 * ether_link_fini() lets go of it and the last one frees it, so links
 * sharing a cache may be torn down in any order, each once no thread runs
 * it any more (others may still run theirs).  No state is global.
 */
#ifndef SYS_NETINET_IF_ETHER_H
#define SYS_NETINET_IF_ETHER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

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
#define ETHER_HOP_MEMO		8	/* a link's copies of resolved hops */

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

/*
 * A link's own copy of a resolved entry of a shared cache, good while the
 * cache's generation is gen (ether_output()).
 */
struct ether_hop_memo {
	uint64_t		 gen;	/* 0: empty */
	time_t			 expire;
	uint8_t			 af;
	uint8_t			 addr[16];
	uint8_t			 mac[ETHER_ADDRLEN];
};

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
	struct ether_hop_memo	 hops[ETHER_HOP_MEMO];
	uint64_t		 c[ETHER_NCOUNTERS];
};

/*
 * Prepare l (its mac, mtu, addrs, gateways, xmit and arg already filled
 * in) and create its cache; 0, or -1 when out of memory.
 */
int	ether_link_init(struct ether_link *l);

/*
 * Prepare l as ether_link_init() does, but to share the cache of other
 * (initialised, and not finished before this returns).  0, or -1
 * (EINVAL) when other has no cache or l's mtu is larger than the one the
 * cache's hold slots were made for (other's at its ether_link_init()).
 */
int	ether_link_init_shared(struct ether_link *l,
	    const struct ether_link *other);

/* Let go of l's cache, freeing it if l was the last link using it. */
void	ether_link_fini(struct ether_link *l);

/*
 * Send the IP packet pkt (family af) on the link: to its destination when
 * that is on a prefix of ours, link-local or multicast, else to the
 * family's gateway.  Framed at once when the next hop is known, else held
 * and the next hop solicited.  0 when sent or held, -1 when dropped.
 */
int	ether_output(struct ether_link *l, int af, const uint8_t *pkt,
	    size_t len);

/*
 * Solicitation retries and entry expiry of l's cache, solicitations sent
 * through l; call once a second (on one or more links sharing it).
 */
void	ether_link_timer(struct ether_link *l);

/*
 * A neighbour's link-layer address is mac: update its entry (create it
 * when create), sending the packets held for it, whichever link held
 * them, through l.
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
