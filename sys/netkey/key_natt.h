/*
 * SADB_X_NAT_T_NEW_MAPPING: the key engine tells the key management
 * daemons that the peer of an esp-udp SA now sends from another address
 * or UDP port (its NAT changed the mapping), so that the daemon can
 * update its SAs and its IKE peer address (RFC 3947 section 6).
 *
 * The message follows KAME and FreeBSD: the SA extension (SPI), the
 * source address as the packet came (new address, new port), the
 * destination address with the SA's destination port, then NAT_T_SPORT
 * and NAT_T_DPORT with the same two ports.  It goes to the registered
 * sockets of the SA's type; sequence number and pid are 0.
 */
#ifndef SYS_NETKEY_KEY_NATT_H
#define SYS_NETKEY_KEY_NATT_H

#include <stdint.h>

#include <sys/socket.h>

struct ipsec_sa;

/*
 * Report that sa's packets come from src (its port ignored) and UDP
 * port sport, to port dport (both network order).  0 when sent,
 * EPROTONOSUPPORT when no socket is registered, or the build's errno.
 */
int	key_natt_new_mapping(const struct ipsec_sa *sa,
	    const struct sockaddr *src, uint16_t sport, uint16_t dport);

#endif
