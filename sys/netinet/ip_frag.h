/*
 * Fragmentation of outgoing datagrams: IPv4 (RFC 791 section 3.2) for any
 * datagram without DF, and IPv6 (RFC 8200 section 4.5) with a fragment
 * header, for packets this stack originates (tunnel packets made bigger
 * than the path MTU by IPsec).  A datagram that already fits is passed on
 * unchanged.
 *
 * Each fragment is a new buffer from the pool handed to the emit function,
 * which consumes it.  The original is consumed (freed, or emitted whole)
 * only when the call returns 0; on an error it still belongs to the
 * caller, who may answer it with an ICMP error (ip_icmp.h).
 */
#ifndef SYS_NETINET_IP_FRAG_H
#define SYS_NETINET_IP_FRAG_H

#include <stddef.h>
#include <stdint.h>

#include "sys/net/pbuf.h"
#include "sys/netinet/ip_hdr.h"

#define IP_FRAG_MINMTU		68	/* RFC 791: every link carries it */
#define IP6_FRAG_MINMTU		1280	/* RFC 8200 section 5 */

typedef void (*ip_frag_emit_fn)(void *arg, struct pbuf *pb);

/*
 * Fragment the IPv4 datagram pb (hi from ip_hdr_parse() on it) to mtu.
 * Non-first fragments carry only the options marked "copied".  A datagram
 * that is itself a fragment is split further with offsets kept.  Returns
 * 0; EMSGSIZE if DF is set and it does not fit (ips_cantfrag); EINVAL for
 * an mtu below 68 or one the header leaves no room in; ENOBUFS when the
 * pool ran dry (ips_odropped; fragments emitted so far are gone).
 */
int	ip_frag_output(struct pbuf_pool *pool, struct pbuf *pb,
	    const struct ip_hdr_info *hi, size_t mtu, ip_frag_emit_fn emit,
	    void *arg);

/*
 * Fragment the IPv6 packet pb to mtu (at least 1280) with identification
 * id, inserting a fragment header after the unfragmentable part
 * (hop-by-hop, routing and the destination options before it).  EINVAL
 * for a packet that already has a fragment header (ip6s_cantfrag) or a
 * bad mtu; ENOBUFS as above.
 */
int	ip6_frag_output(struct pbuf_pool *pool, struct pbuf *pb,
	    const struct ip_hdr_info *hi, size_t mtu, uint32_t id,
	    ip_frag_emit_fn emit, void *arg);

/*
 * An unpredictable fragment identification (RFC 7739): a keyed hash of a
 * counter.  IPv4 uses the low 16 bits.
 */
uint32_t ip_frag_id(void);

#endif
