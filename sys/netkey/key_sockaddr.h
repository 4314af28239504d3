/*
 * An IPv4 or IPv6 endpoint as the key engine stores it (SA indexes, policy
 * selectors, tunnel endpoints): a sockaddr without the bulk of
 * sockaddr_storage.  One definition, so that code may see SAs and policies
 * at once.
 */
#ifndef SYS_NETKEY_KEY_SOCKADDR_H
#define SYS_NETKEY_KEY_SOCKADDR_H

#include <netinet/in.h>
#include <sys/socket.h>

union key_sockaddr {
	struct sockaddr		sa;
	struct sockaddr_in	sin;
	struct sockaddr_in6	sin6;
};

#endif
