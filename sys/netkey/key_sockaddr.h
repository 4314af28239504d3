/*
 * An IPv4 or IPv6 endpoint as the key engine stores it (SA indexes, policy
 * selectors, tunnel endpoints): a sockaddr without the bulk of
 * sockaddr_storage.  One definition, so that code may see SAs and policies
 * at once.
 */
#ifndef SYS_NETKEY_KEY_SOCKADDR_H
#define SYS_NETKEY_KEY_SOCKADDR_H

#include <stddef.h>
#include <stdint.h>

#include <netinet/in.h>
#include <sys/socket.h>

union key_sockaddr {
	struct sockaddr		sa;
	struct sockaddr_in	sin;
	struct sockaddr_in6	sin6;
};

/*
 * The address bytes of an IPv4 or IPv6 sockaddr and their length; NULL for
 * any other family.
 */
const uint8_t *key_sockaddr_bytes(const struct sockaddr *sa, size_t *lenp);

/* to = from (AF_INET or AF_INET6, by its family), the rest zeroed. */
void	key_sockaddr_copy(union key_sockaddr *to, const struct sockaddr *from);

/*
 * Same family and address bytes (ports ignored); an IPv6 scope id counts
 * only when both sides carry one.  1 or 0.
 */
int	key_sockaddr_equal(const struct sockaddr *a,
	    const union key_sockaddr *b);

#endif
