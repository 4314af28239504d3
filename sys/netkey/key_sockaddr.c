/*
 * Addresses as the key engine compares and hashes them.
 */
#include <string.h>

#include "sys/netkey/key_sockaddr.h"

const uint8_t *
key_sockaddr_bytes(const struct sockaddr *sa, size_t *lenp)
{
	if (sa == NULL)
		return NULL;
	switch (sa->sa_family) {
	case AF_INET:
		*lenp = 4;
		return (const uint8_t *)&((const struct sockaddr_in *)
		    (const void *)sa)->sin_addr;
	case AF_INET6:
		*lenp = 16;
		return (const uint8_t *)&((const struct sockaddr_in6 *)
		    (const void *)sa)->sin6_addr;
	default:
		return NULL;
	}
}

/*
 * Equal addresses: same family and bytes; an IPv6 scope id counts only
 * when both sides carry one (the hash ignores it for that reason).
 */
int
key_sockaddr_equal(const struct sockaddr *a, const union key_sockaddr *b)
{
	const struct sockaddr_in6 *a6;
	const uint8_t *pa, *pb;
	size_t la, lb;

	pa = key_sockaddr_bytes(a, &la);
	pb = key_sockaddr_bytes(&b->sa, &lb);
	if (pa == NULL || pb == NULL || a->sa_family != b->sa.sa_family ||
	    memcmp(pa, pb, la) != 0)
		return 0;
	if (a->sa_family != AF_INET6)
		return 1;
	a6 = (const struct sockaddr_in6 *)(const void *)a;
	return a6->sin6_scope_id == 0 || b->sin6.sin6_scope_id == 0 ||
	    a6->sin6_scope_id == b->sin6.sin6_scope_id;
}

void
key_sockaddr_copy(union key_sockaddr *to, const struct sockaddr *from)
{
	memset(to, 0, sizeof(*to));
	memcpy(to, from, from->sa_family == AF_INET6 ?
	    sizeof(to->sin6) : sizeof(to->sin));
}
