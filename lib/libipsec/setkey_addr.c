/*
 * Addresses of setkey statements: numeric forms (IPv6 with %scope), or
 * host names, which may stand for several addresses.  The statement is
 * sent once per source and destination address pair of one family.
 */
#include <netdb.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "lib/libipsec/setkey_stmt.h"

static bool
same_addr(const struct sockaddr_storage *a, const struct sockaddr *b,
    socklen_t len)
{
	return a->ss_family == b->sa_family && memcmp(a, b, len) == 0;
}

int
setkey_addr_resolve(const struct setkey_addrspec *spec, int family,
    bool numeric, struct sockaddr_storage *out, int max, char *why,
    size_t whylen)
{
	struct addrinfo hints, *res, *ai;
	int n = 0, i, error;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_DGRAM;	/* one answer per address */
	hints.ai_flags = numeric ? AI_NUMERICHOST : 0;
	error = getaddrinfo(spec->host, NULL, &hints, &res);
	if (error != 0) {
		snprintf(why, whylen, "%s: %s", spec->host,
		    numeric && error == EAI_NONAME ? "not a numeric address" :
		    gai_strerror(error));
		return -1;
	}
	for (ai = res; ai != NULL && n < max; ai = ai->ai_next) {
		if ((ai->ai_family != AF_INET && ai->ai_family != AF_INET6) ||
		    ai->ai_addrlen > sizeof(*out))
			continue;
		for (i = 0; i < n; i++)
			if (same_addr(&out[i], ai->ai_addr, ai->ai_addrlen))
				break;
		if (i < n)
			continue;
		memset(&out[n], 0, sizeof(out[n]));
		memcpy(&out[n], ai->ai_addr, ai->ai_addrlen);
		n++;
	}
	freeaddrinfo(res);
	if (n == 0) {
		snprintf(why, whylen, "%s: no IPv4 or IPv6 address",
		    spec->host);
		return -1;
	}
	return n;
}
