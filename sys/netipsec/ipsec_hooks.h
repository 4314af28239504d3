/*
 * The IPsec hooks of the socket manager's INET/INET6 path.
 *
 * The IP path calls ipsec_output() for every datagram the host sends
 * (whole: reassembled, not yet fragmented) and ipsec_input() for every
 * datagram from the wire addressed to this host (reassembled), clear or
 * protected.  Both consult the SPD and the SAD and run the transforms.
 *
 * Decisions (see ipsec_policy.h for levels and the inbound check):
 *  - Transforms are dispatched through the transform table
 *    (ipsec_xform.h), one row per protocol: ESP, AH and IPComp.
 *  - An SA's transform state is built when the SA is installed (the key
 *    engine calls the installer at SADB_ADD/UPDATE), never by a packet;
 *    an SA found without state drops with out_inval / in_inval and the
 *    protocol's noxform counter.
 *  - IP lengths and the IPv4 header checksum are fixed once per IP
 *    header, not by each transform: on output before a tunnel header
 *    goes around the packet and after the last transform, on input after
 *    the last transform.
 *  - Outbound: no matching policy means the family's def_policy
 *    (discard: out_polvio); discard drops (out_polvio); none passes
 *    clear; ipsec applies the SA bundle, request 0 innermost.  A missing
 *    SA is asked for with SADB_ACQUIRE at every level; use then skips the
 *    request, require/unique hold the packet while a daemon negotiates
 *    (ipsec_hold.h: IPSEC_CONSUMED) or, past the queue's bounds or with
 *    no daemon registered, drop (out_nosa).
 *  - MTU: before transforming, the bundle's worst-case size is computed.
 *    Above the MTU, when the packet may not be fragmented (inner IPv4 DF,
 *    any IPv6 packet, or DF that net.inet.ipsec.dfbit puts on an outer
 *    IPv4 header) and the MTU left for the sender (MTU minus overhead)
 *    is at least 68 (IPv4) or 1280 (IPv6), the verdict is IPSEC_TOOBIG
 *    (out_toobig).  Otherwise the packet is protected and the caller
 *    fragments the outer packet.
 *  - Inbound: transform headers come off one after the other through
 *    one AF-agnostic loop (SA by dst, protocol and SPI, or the CPI for
 *    IPComp: none is in_nosa, one not MATURE/DYING is in_badspi); a
 *    tunnel-mode (or any-mode) SA whose inner protocol is IPv4 or IPv6
 *    is decapsulated.  Then the inbound policy of the final packet: none
 *    accepts protected packets too (as KAME); discard and a missing
 *    protection drop with in_polvio.  An inner fragment out of a tunnel is
 *    passed on (hi says so) for the IP path to reassemble.
 *
 * Ownership: the hooks never free the packet.  On IPSEC_PASS the caller
 * continues with *pbp; on IPSEC_CONSUMED (output only: the packet waits
 * in the ACQUIRE hold queue, ipsec_hold.h, for its SA) the hook owns it; on IPSEC_DROP and IPSEC_TOOBIG the packet still
 * belongs to the caller, who frees it (after quoting it in an ICMP error
 * for TOOBIG: its bytes are then still the original ones).  res->drop
 * names the ipsecstat counter that moved for a drop (the transform's own
 * counter, espstat's for instance, may have moved too).
 *
 * Threads: the packet path is single-threaded and serialised with the
 * key engine's control path (one event loop).  No allocation per packet
 * (an ACQUIRE allocates its message).
 */
#ifndef SYS_NETIPSEC_IPSEC_HOOKS_H
#define SYS_NETIPSEC_IPSEC_HOOKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sys/netinet/ip_hdr.h"
#include "sys/netipsec/ipsec_history.h"
#include "sys/netipsec/ipsec_xform.h"

struct pbuf;

/* The MTU assumed when the caller passes 0. */
#define IPSEC_DEFAULT_MTU	1500

/*
 * Outbound: in, the link MTU of the route (0: IPSEC_DEFAULT_MTU); out,
 * what happened.
 *
 * IPSEC_PASS: send *pbp; protected says whether a transform was applied,
 * and the caller fragments the (outer) packet if it exceeds mtu.
 * IPSEC_TOOBIG: the protected packet would exceed mtu and the inner one
 * may not be fragmented (IPv4 DF, or IPv6): answer the sender with ICMP
 * "fragmentation needed" / ICMPv6 "packet too big" carrying icmp_mtu (mtu
 * minus the bundle's worst-case overhead), and free the packet.
 * IPSEC_DROP: drop; drop is the enum ipsecstat_counter that moved (policy
 * discard, no SA, ...).  An ACQUIRE may have been sent.
 */
struct ipsec_out_result {
	size_t		mtu;		/* in: link MTU, 0 = default */
	int		drop;		/* out: ipsecstat counter, -1 none */
	size_t		icmp_mtu;	/* out: TOOBIG only */
	bool		protected;	/* out: a transform was applied */
	unsigned int	nxform;		/* out: transforms applied */
};

/*
 * Inbound: out, what happened.  On IPSEC_PASS *pbp holds the final
 * (decapsulated, decrypted) packet, hi its parsed view (selectors of the
 * inner packet: deliver by hi.proto at hi.ulp_off), and hist what was
 * removed.  On IPSEC_DROP drop is the ipsecstat counter that moved (the
 * transform's own counter, e.g. espstat's, moved too).
 */
struct ipsec_in_result {
	int			drop;	/* ipsecstat counter, -1 none */
	struct ip_hdr_info	hi;	/* the final packet, on PASS */
	struct ipsec_history	hist;
};

/*
 * Apply the outbound policy to the datagram in *pbp.  hi is its parsed
 * view (ip_hdr_parse()); NULL makes the hook parse it.
 */
enum ipsec_verdict ipsec_output(struct pbuf **pbp,
	    const struct ip_hdr_info *hi, struct ipsec_out_result *res);

/*
 * Remove the transforms from the datagram in *pbp (while its next header
 * is a protocol of the transform table; tunnels are decapsulated) and
 * apply the inbound policy to what is left.  hi is the parsed view of the
 * packet as received (NULL: the
 * hook parses it).
 */
enum ipsec_verdict ipsec_input(struct pbuf **pbp,
	    const struct ip_hdr_info *hi, struct ipsec_in_result *res);

/*
 * Which destinations are this host's, for the forward direction: a
 * packet for another host (one the host forwards between its TUN and the
 * wire) meets Linux's forward policies (IPSEC_DIR_FWD) first, as Linux
 * checks them; without a matching one, the inbound policy, which is what
 * FreeBSD checks for a packet it forwards.  NULL: every destination is
 * ours (offline captures, tests).
 */
struct ipsec_locality {
	bool	(*is_local)(const void *arg, const union ip_sockaddr *addr);
	const void *arg;
};

/* ipsec_input() that knows the host's addresses. */
enum ipsec_verdict ipsec_input_local(struct pbuf **pbp,
	    const struct ip_hdr_info *hi, struct ipsec_in_result *res,
	    const struct ipsec_locality *loc);

/*
 * The forward policy of a clear packet the host forwards toward the wire
 * (its source is not one of the host's addresses): -1 when it may go,
 * else the ipsecstat counter that moved (a discard, or an ipsec policy
 * whose requests an unprotected packet cannot meet).
 */
int	ipsec_forward_check(const struct ip_hdr_info *hi);

#endif
