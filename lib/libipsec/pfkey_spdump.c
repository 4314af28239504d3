/*
 * SPD record printer (setkey -DP), byte for byte as ipsec-tools 0.8:
 *
 *	src[/plen][port] dst[/plen][port] upperspec
 *		<ipsec_dump_policy(x_policy, "\n\t")>
 *		created: <date>  lastused: <date>
 *		lifetime: N(s) validtime: N(s)
 *		spid=N seq=N pid=N
 *		refcnt=N
 *
 * "/plen" only when it is not the full length; "[port]" with "any" for
 * port 0, and none for ICMP, ICMPv6, MH and GRE, whose "ports" are the
 * type and code (or the GRE key) shown after the upper protocol.  The
 * dst part takes the upper protocol of the src extension, as
 * ipsec-tools does.
 */
#include <netdb.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <netipsec/ipsec.h>

#include "lib/libipsec/libpfkey.h"
#include "lib/libipsec/pfkey_dump_util.h"
#include "sys/netkey/key_parse.h"

/* Upper protocols whose "ports" are no ports. */
static bool
portless(unsigned ulp)
{
	return ulp == IPPROTO_ICMP || ulp == IPPROTO_ICMPV6 ||
	    ulp == IPPROTO_MH || ulp == IPPROTO_GRE;
}

static uint16_t
sa_port(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)(const void *)sa)
		    ->sin_port);
	return ntohs(((const struct sockaddr_in6 *)(const void *)sa)
	    ->sin6_port);
}

/* "addr[/plen][port] "; the port is returned for the upper spec. */
static unsigned
print_selector_addr(FILE *fp, const struct sadb_address *a, unsigned ulp)
{
	const struct sockaddr *sa = key_msg_sockaddr(a);
	char host[NI_MAXHOST], serv[NI_MAXSERV];
	unsigned full, port;

	if (sa->sa_family != AF_INET && sa->sa_family != AF_INET6) {
		fprintf(fp, "unknown-af ");
		return 0;
	}
	port = sa_port(sa);
	full = sa->sa_family == AF_INET ? 32 : 128;
	pfkey_dump_host(sa, host, sizeof(host), serv, sizeof(serv));
	fprintf(fp, "%s", host);
	if (a->sadb_address_prefixlen != full)
		fprintf(fp, "/%u", a->sadb_address_prefixlen);
	if (!portless(ulp)) {
		if (port == IPSEC_PORT_ANY)
			fprintf(fp, "[any]");
		else
			fprintf(fp, "[%u]", port);
	}
	fprintf(fp, " ");
	return port;
}

static void
print_upperspec(FILE *fp, unsigned ulp, unsigned p1, unsigned p2)
{
	struct protoent ent, *res = NULL;
	char buf[1024];

	if (getprotobynumber_r((int)ulp, &ent, buf, sizeof(buf), &res) == 0 &&
	    res != NULL)
		fprintf(fp, "%s", res->p_name);
	else
		fprintf(fp, "%u", ulp);
	if (p1 == IPSEC_PORT_ANY && p2 == IPSEC_PORT_ANY)
		return;
	if (ulp == IPPROTO_ICMP || ulp == IPPROTO_ICMPV6 || ulp == IPPROTO_MH)
		fprintf(fp, " %u,%u", p1, p2);
	else if (ulp == IPPROTO_GRE)
		fprintf(fp, " %u", (p1 << 16) + p2);
}

/* The selector line without its newline; false to stop printing. */
static bool
print_selector(FILE *fp, const struct key_msg *m)
{
	const struct sadb_address *src, *dst;
	unsigned sport, dport, ulp;

	src = KEY_MSG_EXT(m, SADB_EXT_ADDRESS_SRC, sadb_address);
	dst = KEY_MSG_EXT(m, SADB_EXT_ADDRESS_DST, sadb_address);
	if (src == NULL || dst == NULL) {
		fprintf(fp, "(no selector, probably per-socket policy) ");
		return true;
	}
	ulp = src->sadb_address_proto;
	sport = print_selector_addr(fp, src, ulp);
	dport = print_selector_addr(fp, dst, ulp);
	if (src->sadb_address_proto != dst->sadb_address_proto) {
		fprintf(fp, "upper layer protocol mismatched.\n");
		return false;
	}
	print_upperspec(fp, ulp, sport, dport);
	return true;
}

static void
print_times(FILE *fp, const struct key_msg *m)
{
	const struct sadb_lifetime *c, *h;
	char t[PFKEY_DUMP_TIMELEN];

	c = KEY_MSG_EXT(m, SADB_EXT_LIFETIME_CURRENT, sadb_lifetime);
	h = KEY_MSG_EXT(m, SADB_EXT_LIFETIME_HARD, sadb_lifetime);
	if (c != NULL) {
		fprintf(fp, "\tcreated: %s  ",
		    pfkey_dump_time(t, (time_t)c->sadb_lifetime_addtime));
		fprintf(fp, "lastused: %s\n",
		    pfkey_dump_time(t, (time_t)c->sadb_lifetime_usetime));
	}
	if (h != NULL) {
		fprintf(fp, "\tlifetime: %lu(s) ",
		    (unsigned long)h->sadb_lifetime_addtime);
		fprintf(fp, "validtime: %lu(s)\n",
		    (unsigned long)h->sadb_lifetime_usetime);
	}
}

int
pfkey_spdump_fp(FILE *fp, const struct sadb_msg *msg, int flags)
{
	const struct sadb_x_policy *xpl;
	struct key_msg m;
	char *text;

	if (pfkey_dump_parse(fp, msg, &m) != 0)
		return -1;
	if (!print_selector(fp, &m))
		return -1;
	xpl = KEY_MSG_EXT(&m, SADB_X_EXT_POLICY, sadb_x_policy);
	if (xpl == NULL) {
		fprintf(fp, "no X_POLICY extension.\n");
		return -1;
	}
	if (flags & PFKEY_DUMP_PORTS)
		text = ipsec_dump_policy_withports(xpl, "\n\t");
	else
		text = ipsec_dump_policy((const char *)xpl, "\n\t");
	if (text == NULL) {
		fprintf(fp, "\n\tPolicy:[%s]\n", ipsec_strerror());
	} else {
		fprintf(fp, "\n\t%s\n", text);
		free(text);
	}
	print_times(fp, &m);
	fprintf(fp, "\tspid=%ld seq=%ld pid=%ld\n",
	    (long)xpl->sadb_x_policy_id, (long)msg->sadb_msg_seq,
	    (long)msg->sadb_msg_pid);
	fprintf(fp, "\trefcnt=%u\n", msg->sadb_msg_reserved);
	return 0;
}

void
pfkey_spdump(struct sadb_msg *m)
{
	pfkey_spdump_fp(stdout, m, 0);
}

void
pfkey_spdump_withports(struct sadb_msg *m)
{
	pfkey_spdump_fp(stdout, m, PFKEY_DUMP_PORTS);
}
