/*
 * SAD and SPD record printers (setkey -D, -DP, get), byte for byte as
 * ipsec-tools 0.8 prints them, since scripts parse that text: every tab,
 * every trailing blank and the ctime()-based dates are part of the
 * contract.  Notable quirks kept on purpose:
 * - line 1 of an SA ends with a blank after the destination;
 * - enumerated names (satype, mode, state, algorithms) are followed by a
 *   blank, so "mode=transport spi=..." and "state=mature \n";
 * - the IPComp "C: deflate " field has no newline, so "seq=" follows it
 *   on the same line;
 * - the SPD selector's upper protocol is the host's protocol database
 *   name (getprotobynumber_r), else the number: "any" (255) prints
 *   "255", ICMPv6 "ipv6-icmp", as ipsec-tools does on Linux.
 * Algorithm names come from the crypto registry's ipsec-tools spelling
 * (print_name_it: hmac-sha256, not hmac-sha2-256); algorithms newer than
 * ipsec-tools (aes-gcm-16, ...) print their registry name instead of a
 * bare number.  Linux's trick of spotting per-socket policies by their
 * id is not copied: this key engine's ids carry no direction bits.
 */
#include <netdb.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <netipsec/ipsec.h>

#include "lib/libipsec/libpfkey.h"
#include "lib/libipsec/pfkey_dump_util.h"
#include "sys/crypto/crypto.h"
#include "sys/netkey/key_parse.h"

static const char *const satype_names[] = {
	"unspec", "unknown", "ah", "esp", "unknown", "rsvp", "ospfv2",
	"ripv2", "mip", "ipcomp", "policy", "tcp",
};

static const char *const mode_names[] = { "any", "transport", "tunnel" };

static const char *const state_names[] = {
	"larval", "mature", "dying", "dead",
};

/* Names ipsec-tools prints that are no algorithm of the registry. */
struct fixed_name {
	enum crypto_kind kind;
	unsigned	 id;
	const char	*name;
};

static const struct fixed_name fixed_names[] = {
	{ CRYPTO_KIND_ENC, SADB_EALG_NONE, "none" },
	{ CRYPTO_KIND_AUTH, SADB_AALG_NONE, "none" },
	{ CRYPTO_KIND_COMP, SADB_X_CALG_NONE, "none" },
	{ CRYPTO_KIND_COMP, SADB_X_CALG_OUI, "oui" },
	{ CRYPTO_KIND_COMP, SADB_X_CALG_LZS, "lzs" },
};

static time_t dump_now;

void
pfkey_dump_set_now(time_t now)
{
	dump_now = now;
}

time_t
pfkey_dump_now(void)
{
	return dump_now != 0 ? dump_now : time(NULL);
}

/* "name " from a table, or "N " past its end. */
static void
print_enum(FILE *fp, const char *const *table, size_t n, unsigned v)
{
	if (v < n)
		fprintf(fp, "%s ", table[v]);
	else
		fprintf(fp, "%u ", v);
}

#define PRINT_ENUM(fp, table, v) \
	print_enum((fp), (table), sizeof(table) / sizeof((table)[0]), (v))

static void
print_alg(FILE *fp, enum crypto_kind kind, unsigned id)
{
	const struct crypto_alg *alg = crypto_alg_byid(kind, id);
	size_t i;

	if (alg != NULL) {
		fprintf(fp, "%s ", alg->print_name_it);
		return;
	}
	for (i = 0; i < sizeof(fixed_names) / sizeof(fixed_names[0]); i++) {
		if (fixed_names[i].kind == kind && fixed_names[i].id == id) {
			fprintf(fp, "%s ", fixed_names[i].name);
			return;
		}
	}
	fprintf(fp, "%u ", id);
}

/* An address extension's host, and with ports "host[port]". */
static void
print_sa_addr(FILE *fp, const struct sadb_address *a, bool withports)
{
	char host[NI_MAXHOST], serv[NI_MAXSERV];

	pfkey_dump_host(key_msg_sockaddr(a), host, sizeof(host), serv,
	    sizeof(serv));
	if (withports)
		fprintf(fp, "%s[%s]", host, serv);
	else
		fprintf(fp, "%s", host);
}

static void
print_natt_port(FILE *fp, const struct key_msg *m, uint16_t type)
{
	const struct sadb_x_nat_t_port *p;

	p = KEY_MSG_EXT(m, type, sadb_x_nat_t_port);
	if (p != NULL)
		fprintf(fp, "[%u]", ntohs(p->sadb_x_nat_t_port_port));
}

static bool
uses_natt(const struct key_msg *m)
{
	const struct sadb_x_nat_t_type *t;

	t = KEY_MSG_EXT(m, SADB_X_EXT_NAT_T_TYPE, sadb_x_nat_t_type);
	return t != NULL && t->sadb_x_nat_t_type_type != 0;
}

/* Line 1 ("src dst ") up to the SA type; false when a part is missing. */
static bool
sadump_head(FILE *fp, const struct key_msg *m, bool withports)
{
	const struct sadb_address *src, *dst;
	bool natt = uses_natt(m);

	src = KEY_MSG_EXT(m, SADB_EXT_ADDRESS_SRC, sadb_address);
	dst = KEY_MSG_EXT(m, SADB_EXT_ADDRESS_DST, sadb_address);
	if (src == NULL) {
		fprintf(fp, "no ADDRESS_SRC extension.\n");
		return false;
	}
	print_sa_addr(fp, src, withports);
	if (natt)
		print_natt_port(fp, m, SADB_X_EXT_NAT_T_SPORT);
	fprintf(fp, " ");
	if (dst == NULL) {
		fprintf(fp, " no ADDRESS_DST extension.\n");
		return false;
	}
	print_sa_addr(fp, dst, withports);
	if (natt)
		print_natt_port(fp, m, SADB_X_EXT_NAT_T_DPORT);
	fprintf(fp, " ");
	if (m->ext[SADB_EXT_SA] == NULL) {
		fprintf(fp, "no SA extension.\n");
		return false;
	}
	if (m->ext[SADB_X_EXT_SA2] == NULL) {
		fprintf(fp, "no SA2 extension.\n");
		return false;
	}
	return true;
}

/* Line 2: type, mode, SPI and reqid; the NAT-T original address. */
static void
sadump_ids(FILE *fp, const struct key_msg *m)
{
	const struct sadb_sa *sa = KEY_MSG_EXT(m, SADB_EXT_SA, sadb_sa);
	const struct sadb_x_sa2 *sa2;
	const struct sadb_address *oa;
	unsigned satype = m->hdr->sadb_msg_satype;
	char host[NI_MAXHOST], serv[NI_MAXSERV];
	bool natt = uses_natt(m);

	sa2 = KEY_MSG_EXT(m, SADB_X_EXT_SA2, sadb_x_sa2);
	fprintf(fp, "\n\t");
	if (natt && satype == SADB_SATYPE_ESP)
		fprintf(fp, "esp-udp ");
	else if (natt)
		fprintf(fp, "natt+");
	if (!natt || satype != SADB_SATYPE_ESP)
		PRINT_ENUM(fp, satype_names, satype);
	fprintf(fp, "mode=");
	PRINT_ENUM(fp, mode_names, sa2->sadb_x_sa2_mode);
	fprintf(fp, "spi=%u(0x%08x) reqid=%u(0x%08x)\n",
	    ntohl(sa->sadb_sa_spi), ntohl(sa->sadb_sa_spi),
	    sa2->sadb_x_sa2_reqid, sa2->sadb_x_sa2_reqid);
	oa = KEY_MSG_EXT(m, SADB_X_EXT_NAT_T_OAI, sadb_address);
	if (natt && oa != NULL) {
		pfkey_dump_host(key_msg_sockaddr(oa), host, sizeof(host),
		    serv, sizeof(serv));
		fprintf(fp, "\tNAT OA=%s\n", host);
	}
}

static void
print_key(FILE *fp, const char *tag, enum crypto_kind kind, unsigned alg,
    const struct sadb_key *key)
{
	fprintf(fp, "\t%s: ", tag);
	print_alg(fp, kind, alg);
	ipsec_hexdump_fp(fp, key + 1, key->sadb_key_bits / 8);
	fprintf(fp, "\n");
}

/* C:, E: and A: lines, then sequence, replay, flags and state. */
static void
sadump_keys(FILE *fp, const struct key_msg *m)
{
	const struct sadb_sa *sa = KEY_MSG_EXT(m, SADB_EXT_SA, sadb_sa);
	const struct sadb_x_sa2 *sa2;
	const struct sadb_key *enc, *auth;
	unsigned satype = m->hdr->sadb_msg_satype;

	sa2 = KEY_MSG_EXT(m, SADB_X_EXT_SA2, sadb_x_sa2);
	enc = KEY_MSG_EXT(m, SADB_EXT_KEY_ENCRYPT, sadb_key);
	auth = KEY_MSG_EXT(m, SADB_EXT_KEY_AUTH, sadb_key);
	if (satype == SADB_X_SATYPE_IPCOMP) {
		fprintf(fp, "\tC: ");
		print_alg(fp, CRYPTO_KIND_COMP, sa->sadb_sa_encrypt);
	} else if (satype == SADB_SATYPE_ESP && enc != NULL) {
		print_key(fp, "E", CRYPTO_KIND_ENC, sa->sadb_sa_encrypt, enc);
	}
	if (auth != NULL)
		print_key(fp, "A", CRYPTO_KIND_AUTH, sa->sadb_sa_auth, auth);
	fprintf(fp, "\tseq=0x%08x replay=%u flags=0x%08x ",
	    sa2->sadb_x_sa2_sequence, sa->sadb_sa_replay, sa->sadb_sa_flags);
	fprintf(fp, "state=");
	PRINT_ENUM(fp, state_names, sa->sadb_sa_state);
	fprintf(fp, "\n");
}

static void
print_bytes(FILE *fp, const char *tag, const struct sadb_lifetime *l)
{
	if (l == NULL)
		fprintf(fp, "\t%s: 0(bytes)", tag);
	else
		fprintf(fp, "\t%s: %.0f(bytes)", tag,
		    (double)l->sadb_lifetime_bytes);
}

/* Fields of an optional hard or soft lifetime, 0 when absent. */
#define LT(l, field)	((unsigned long)((l) == NULL ? 0 : (l)->field))

/* The lifetime block, present when the current lifetime is. */
static void
sadump_lifetimes(FILE *fp, const struct key_msg *m)
{
	const struct sadb_lifetime *c, *h, *s;
	char t1[PFKEY_DUMP_TIMELEN], t2[PFKEY_DUMP_TIMELEN];
	time_t now = pfkey_dump_now();

	c = KEY_MSG_EXT(m, SADB_EXT_LIFETIME_CURRENT, sadb_lifetime);
	h = KEY_MSG_EXT(m, SADB_EXT_LIFETIME_HARD, sadb_lifetime);
	s = KEY_MSG_EXT(m, SADB_EXT_LIFETIME_SOFT, sadb_lifetime);
	if (c == NULL)
		return;
	fprintf(fp, "\tcreated: %s",
	    pfkey_dump_time(t1, (time_t)c->sadb_lifetime_addtime));
	fprintf(fp, "\tcurrent: %s\n", pfkey_dump_time(t2, now));
	fprintf(fp, "\tdiff: %lu(s)", c->sadb_lifetime_addtime == 0 ? 0 :
	    (unsigned long)(now - (time_t)c->sadb_lifetime_addtime));
	fprintf(fp, "\thard: %lu(s)", LT(h, sadb_lifetime_addtime));
	fprintf(fp, "\tsoft: %lu(s)\n", LT(s, sadb_lifetime_addtime));
	fprintf(fp, "\tlast: %s",
	    pfkey_dump_time(t1, (time_t)c->sadb_lifetime_usetime));
	fprintf(fp, "\thard: %lu(s)", LT(h, sadb_lifetime_usetime));
	fprintf(fp, "\tsoft: %lu(s)\n", LT(s, sadb_lifetime_usetime));
	print_bytes(fp, "current", c);
	print_bytes(fp, "hard", h);
	print_bytes(fp, "soft", s);
	fprintf(fp, "\n");
	fprintf(fp, "\tallocated: %lu",
	    (unsigned long)c->sadb_lifetime_allocations);
	fprintf(fp, "\thard: %lu", LT(h, sadb_lifetime_allocations));
	fprintf(fp, "\tsoft: %lu\n", LT(s, sadb_lifetime_allocations));
}

int
pfkey_sadump_fp(FILE *fp, const struct sadb_msg *msg, int flags)
{
	struct key_msg m;

	if (pfkey_dump_parse(fp, msg, &m) != 0)
		return -1;
	if (!sadump_head(fp, &m, (flags & PFKEY_DUMP_PORTS) != 0))
		return -1;
	sadump_ids(fp, &m);
	sadump_keys(fp, &m);
	sadump_lifetimes(fp, &m);
	fprintf(fp, "\tsadb_seq=%lu pid=%lu ",
	    (unsigned long)msg->sadb_msg_seq,
	    (unsigned long)msg->sadb_msg_pid);
	fprintf(fp, "refcnt=%u\n", msg->sadb_msg_reserved);
	return 0;
}

void
pfkey_sadump(struct sadb_msg *m)
{
	pfkey_sadump_fp(stdout, m, 0);
}

void
pfkey_sadump_withports(struct sadb_msg *m)
{
	pfkey_sadump_fp(stdout, m, PFKEY_DUMP_PORTS);
}
