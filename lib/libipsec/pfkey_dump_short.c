/*
 * setkey -D -l: one line per SA, as ipsec-tools' shortdump prints it.
 *
 *	time p   s spi      ltime   src -> dst
 *	MMSS esp M 00001234  12/60  192.0.2.1 -> 192.0.2.2
 *
 * MMSS are the minutes and seconds of now; ltime is the age and the hard
 * lifetime, each "big" from 1000 seconds on, "???/???" unless the three
 * lifetimes are present.  An address shows "[port]" when its port is
 * not 0 and is preceded by its upper protocol's name when that is not 0
 * (255 prints "#255", as in ipsec-tools).
 */
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include <netipsec/ipsec.h>

#include "lib/libipsec/libpfkey.h"
#include "lib/libipsec/pfkey_dump_util.h"
#include "sys/netkey/key_parse.h"

static const char *const short_satype[] = {
	[SADB_SATYPE_AH] = "ah",
	[SADB_SATYPE_ESP] = "esp",
};

static const char *const short_state[] = {
	[SADB_SASTATE_LARVAL] = "L",
	[SADB_SASTATE_MATURE] = "M",
	[SADB_SASTATE_DYING] = "D",
	[SADB_SASTATE_DEAD] = "d",
};

/* setkey's own short names of upper protocols. */
static const char *const short_proto[] = {
	[0] = "ip", [1] = "icmp", [2] = "igmp", [3] = "ggp", [4] = "ip4",
	[6] = "tcp", [8] = "egp", [17] = "udp", [22] = "idp", [29] = "tp",
	[41] = "ip6", [43] = "rt6", [44] = "frag6", [46] = "rsvp",
	[47] = "gre", [50] = "esp", [51] = "ah", [58] = "icmp6",
	[59] = "none", [60] = "dst6",
};

/* A name from a table, or "#N". */
static const char *
str_or_id(const char *const *table, size_t n, unsigned v, char *buf,
    size_t len)
{
	if (v < n && table[v] != NULL)
		return table[v];
	snprintf(buf, len, "#%u", v);
	return buf;
}

#define STR_OR_ID(table, v, buf) \
	str_or_id((table), sizeof(table) / sizeof((table)[0]), (v), (buf), \
	    sizeof(buf))

void
pfkey_sadump_short_header_fp(FILE *fp)
{
	fprintf(fp, "%-4s %-3s %-1s %-8s %-7s %s -> %s\n", "time", "p", "s",
	    "spi", "ltime", "src", "dst");
}

static void
print_ltime(FILE *fp, const struct key_msg *m, time_t now)
{
	const struct sadb_lifetime *c, *h;
	unsigned age, hard;

	c = KEY_MSG_EXT(m, SADB_EXT_LIFETIME_CURRENT, sadb_lifetime);
	h = KEY_MSG_EXT(m, SADB_EXT_LIFETIME_HARD, sadb_lifetime);
	if (c == NULL || h == NULL ||
	    m->ext[SADB_EXT_LIFETIME_SOFT] == NULL) {
		fprintf(fp, " ??\?/???");	/* "\?": no trigraph */
		return;
	}
	age = c->sadb_lifetime_addtime == 0 ? 0 :
	    (unsigned)(now - (time_t)c->sadb_lifetime_addtime);
	if (age >= 1000)
		fprintf(fp, " big/");
	else
		fprintf(fp, " %3u/", age);
	hard = (unsigned)h->sadb_lifetime_addtime;
	if (hard >= 1000)
		fprintf(fp, "big");
	else
		fprintf(fp, "%-3u", hard);
}

static void
print_addr(FILE *fp, const struct key_msg *m, uint16_t type)
{
	const struct sadb_address *a = KEY_MSG_EXT(m, type, sadb_address);
	char host[NI_MAXHOST], serv[NI_MAXSERV], id[16];

	if (a == NULL) {
		fprintf(fp, "?");
		return;
	}
	if (a->sadb_address_proto != 0)
		fprintf(fp, "%s ", STR_OR_ID(short_proto,
		    a->sadb_address_proto, id));
	pfkey_dump_host(key_msg_sockaddr(a), host, sizeof(host), serv,
	    sizeof(serv));
	if (strcmp(serv, "0") != 0)
		fprintf(fp, "%s[%s]", host, serv);
	else
		fprintf(fp, "%s", host);
}

int
pfkey_sadump_short_fp(FILE *fp, const struct sadb_msg *msg, int flags)
{
	const struct sadb_sa *sa;
	struct key_msg m;
	time_t now = pfkey_dump_now();
	char id[16];

	(void)flags;
	if (pfkey_dump_parse(fp, msg, &m) != 0)
		return -1;
	fprintf(fp, "%02lu%02lu", (unsigned long)(now % 3600) / 60,
	    (unsigned long)(now % 60));
	fprintf(fp, " %-3s", STR_OR_ID(short_satype, msg->sadb_msg_satype,
	    id));
	if ((sa = KEY_MSG_EXT(&m, SADB_EXT_SA, sadb_sa)) != NULL) {
		fprintf(fp, " %-1s", STR_OR_ID(short_state,
		    sa->sadb_sa_state, id));
		fprintf(fp, " %08x", ntohl(sa->sadb_sa_spi));
	} else {
		fprintf(fp, "%-1s %-8s", "?", "?");
	}
	print_ltime(fp, &m, now);
	fprintf(fp, " ");
	print_addr(fp, &m, SADB_EXT_ADDRESS_SRC);
	fprintf(fp, " -> ");
	print_addr(fp, &m, SADB_EXT_ADDRESS_DST);
	fprintf(fp, "\n");
	return 0;
}
