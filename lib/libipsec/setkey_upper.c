/*
 * Upper-layer protocol names of setkey selectors.  The common ones are in
 * a table so that scripts mean the same on a host without /etc/protocols;
 * other names go to getprotobyname(), as setkey always did.
 */
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>

#include "lib/libipsec/setkey_upper.h"

static const struct {
	const char	*name;
	uint8_t		 proto;
} upper_table[] = {
	{ "any",	255 },
	{ "icmp",	IPPROTO_ICMP },
	{ "ip4",	IPPROTO_IPIP },
	{ "ipv4",	IPPROTO_IPIP },
	{ "tcp",	IPPROTO_TCP },
	{ "udp",	IPPROTO_UDP },
	{ "ipv6",	IPPROTO_IPV6 },
	{ "gre",	IPPROTO_GRE },
	{ "esp",	IPPROTO_ESP },
	{ "ah",		IPPROTO_AH },
	{ "icmp6",	IPPROTO_ICMPV6 },
	{ "ipv6-icmp",	IPPROTO_ICMPV6 },
	{ "sctp",	IPPROTO_SCTP },
	{ "ipcomp",	108 },
	{ "mh",		135 },
};

static int
small_number(const char *s, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -1;
	v = strtoul(s, &end, 10);
	if (*end != '\0' || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int
setkey_upper_lookup(const char *name, uint8_t *proto)
{
	const struct protoent *pe;
	unsigned v;
	size_t i;

	for (i = 0; i < sizeof(upper_table) / sizeof(upper_table[0]); i++)
		if (strcmp(upper_table[i].name, name) == 0) {
			*proto = upper_table[i].proto;
			return 0;
		}
	if (small_number(name, 255, &v) == 0) {
		*proto = (uint8_t)v;
		return 0;
	}
	if ((pe = getprotobyname(name)) != NULL && pe->p_proto >= 0 &&
	    pe->p_proto <= 255) {
		*proto = (uint8_t)pe->p_proto;
		return 0;
	}
	return -1;
}

bool
setkey_upper_has_types(uint8_t proto)
{
	return proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6;
}

int
setkey_upper_typecode(const char *s, uint16_t *type, uint16_t *code)
{
	char buf[16];
	char *comma;
	unsigned t, c;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	/* The code is mandatory: 0 is its wildcard. */
	if ((comma = strchr(buf, ',')) == NULL)
		return -1;
	*comma = '\0';
	if (small_number(buf, 255, &t) != 0 ||
	    small_number(comma + 1, 255, &c) != 0)
		return -1;
	*type = (uint16_t)t;
	*code = (uint16_t)c;
	return 0;
}
