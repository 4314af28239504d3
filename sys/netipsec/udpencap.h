/*
 * ESP in UDP (RFC 3948) for SAs with the NAT-T extensions: the UDP
 * header put in front of ESP on output, the classification of UDP
 * datagrams on input, the port check, the transport-mode checksum
 * fix-up and the report of a new NAT mapping.
 *
 * An SA is esp-udp when the PF_KEY client gave it SADB_X_EXT_NAT_T_TYPE
 * UDP_ENCAP_ESPINUDP; its NAT_T_SPORT and NAT_T_DPORT name the UDP ports
 * of its source and destination (0: 4500).  The state is built with the
 * SA's transform state (udpencap_init() from ipsec_xform_install()) and
 * dies with it (udpencap_fini()).  Only ESP may be encapsulated: a
 * NAT-T type on an AH or IPComp SA refuses the SA (EINVAL).
 *
 * Input: a UDP datagram to a port that some installed esp-udp SA names
 * (either of its two ports: the key engine does not tell which SAs are
 * inbound) is ESP when its first four payload bytes are not zero; the
 * UDP header is then taken off and the packet goes through the ESP row
 * of the transform table.  The non-ESP marker (four zero bytes, IKE),
 * a NAT-keepalive (one byte 0xFF) and UDP to any other port are left to
 * the host, where the IKE daemon's socket gets them, as on Linux.  The
 * SA that the SPI names must be esp-udp with its destination port the
 * datagram's (else the packet is dropped and counted: badport).
 *
 * Counters: net.inet.ipsec.udpencap.stats (udpencap_stats).
 */
#ifndef SYS_NETIPSEC_UDPENCAP_H
#define SYS_NETIPSEC_UDPENCAP_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sys/net/net_counter.h"
#include "sys/netkey/key_sockaddr.h"

struct ip_hdr_info;
struct ipsec_sa;
struct ipsec_xform_stats;
struct pbuf;

#define UDPENCAP_PORT		4500	/* RFC 3948 section 2.1 */
#define UDPENCAP_HDRLEN		8

/*
 * An SA's encapsulation, kept in its transform state.  Workers on one SA
 * may see a new mapping at once: reported and mapped are read and
 * written only under lock, which exists while type is not 0.
 */
struct udpencap_sa {
	uint8_t			 type;	/* 0: plain ESP; UDP_ENCAP_* */
	bool			 reported; /* mapped holds a report */
	uint16_t		 sport;	/* network order */
	uint16_t		 dport;	/* network order */
	pthread_spinlock_t	 lock;	/* reported, mapped */
	union key_sockaddr	 mapped; /* last NEW_MAPPING sent */
};

/* What came off an inbound packet (encap false: it was plain ESP). */
struct udpencap_in {
	bool			 encap;
	union key_sockaddr	 src;	/* outer source, with sport */
	uint16_t		 sport;	/* network order */
	uint16_t		 dport;	/* network order */
};

/* What udpencap_input() found in a UDP datagram. */
enum udpencap_class {
	UDPENCAP_HOST,		/* not ours: deliver the datagram */
	UDPENCAP_ESP,		/* UDP header removed: process as ESP */
};

enum udpencap_counter {
	UDPENCAPS_INPUT,	/* ESP taken out of UDP */
	UDPENCAPS_OUTPUT,	/* ESP put into UDP */
	UDPENCAPS_IKE,		/* non-ESP marker, left to the host */
	UDPENCAPS_KEEPALIVE,	/* NAT-keepalive, left to the host */
	UDPENCAPS_SHORT,	/* datagram too short, left to the host */
	UDPENCAPS_BADPORT,	/* SA's port or type not the packet's */
	UDPENCAPS_TOOBIG,	/* no room for the UDP header */
	UDPENCAPS_CKSUM,	/* transport checksums recomputed */
	UDPENCAPS_MAPPING,	/* NEW_MAPPING reports sent */
	UDPENCAPS_NCOUNTERS
};

extern const struct ipsec_xform_stats udpencap_stats;
extern const struct net_counter_set udpencap_counters;

/* Fill u from sa's NAT-T extensions: 0, EINVAL, ENOMEM (port table). */
int	udpencap_init(const struct ipsec_sa *sa, struct udpencap_sa *u);
void	udpencap_fini(struct udpencap_sa *u);

/*
 * Move u (installed, esp-udp) to the ports sa's NAT-T copies now name (a
 * Linux-dialect UPDATE of a mature SA).  The new ports are held before
 * the old ones are let go, and the mapping reported is forgotten: the
 * SA's ports now say where the peer is.  0; EINVAL if u is plain ESP;
 * ENOMEM (port table full) with u unchanged.
 */
int	udpencap_move(const struct ipsec_sa *sa, struct udpencap_sa *u);

/* Bytes output adds: the UDP header, or 0 for a plain ESP SA. */
static inline size_t
udpencap_overhead(const struct udpencap_sa *u)
{
	return u->type != 0 ? UDPENCAP_HDRLEN : 0;
}

/*
 * Put the UDP header in front of the ESP header at skip (the byte at
 * protoff becomes UDP).  0, or -1 (no headroom; counted).
 */
int	udpencap_output(const struct udpencap_sa *u, struct pbuf *pb,
	    size_t skip, size_t protoff);

/*
 * Classify the UDP datagram hi describes (its protocol byte at protoff).
 * On UDPENCAP_ESP the UDP header is gone, hi->proto is ESP and in says
 * what was removed.
 */
enum udpencap_class udpencap_input(struct pbuf *pb, struct ip_hdr_info *hi,
	    size_t protoff, struct udpencap_in *in);

/* Whether the SA may take the packet in describes; false counted. */
bool	udpencap_check(const struct udpencap_sa *u,
	    const struct udpencap_in *in);

/*
 * After the packet authenticated: if its outer source (in->src)
 * is not the SA's, tell the registered sockets once per new mapping (of
 * workers that see one at once, one tells).  The message is sent on the
 * calling thread; a worker thread must post it to the control thread.
 */
void	udpencap_mapping(const struct ipsec_sa *sa, struct udpencap_sa *u,
	    const struct udpencap_in *in);

/*
 * Transport mode through a NAT: the TCP or UDP checksum at hi->ulp_off
 * was made with the peer's original addresses; recompute it with the
 * packet's (RFC 3948 section 3.1.2).  A zero IPv4 UDP checksum stays.
 */
void	udpencap_fix_cksum(struct pbuf *pb, const struct ip_hdr_info *hi);

#endif
