/*
 * setkey -j -D and -j -DP: SAD and SPD records as JSON objects, for
 * monitoring tools that should not parse ipsec-tools' text.  One object
 * per record, with the fields the text shows (keys included, as -D shows
 * them), numbers as numbers, names as the text spells them.  Addresses,
 * algorithm and enumerated names are numeric or fixed ASCII words, so no
 * string needs escaping.
 */
#include <netdb.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <netipsec/ipsec.h>

#include "lib/libipsec/libpfkey.h"
#include "lib/libipsec/pfkey_dump_util.h"
#include "sys/crypto/crypto.h"
#include "sys/netkey/key_parse.h"

static const char *const satype_names[] = {
	[SADB_SATYPE_AH] = "ah", [SADB_SATYPE_ESP] = "esp",
	[SADB_X_SATYPE_IPCOMP] = "ipcomp", [SADB_X_SATYPE_TCPSIGNATURE] = "tcp",
};
static const char *const mode_names[] = { "any", "transport", "tunnel" };
static const char *const state_names[] = {
	"larval", "mature", "dying", "dead",
};
static const char *const dir_names[] = { "any", "in", "out", "fwd" };
static const char *const action_names[] = {
	"discard", "none", "ipsec", "entrust", "bypass",
};
static const char *const level_names[] = {
	"default", "use", "require", "unique",
};

#define NAME(t, i)	((size_t)(i) < sizeof(t) / sizeof((t)[0]) &&	\
			    (t)[(i)] != NULL ? (t)[(i)] : "unknown")

/* "addr": "192.0.2.1", with "port" when asked and non-zero. */
static void
json_addr(FILE *fp, const char *key, const struct sockaddr *sa,
    unsigned plen, bool withplen)
{
	char host[NI_MAXHOST], serv[NI_MAXSERV];

	pfkey_dump_host(sa, host, sizeof(host), serv, sizeof(serv));
	fprintf(fp, "\"%s\": {\"address\": \"%s\", \"port\": %s", key, host,
	    strcmp(serv, "(null)") == 0 ? "0" : serv);
	if (withplen)
		fprintf(fp, ", \"prefixlen\": %u", plen);
	fputc('}', fp);
}

static void
json_hex(FILE *fp, const uint8_t *p, size_t n)
{
	size_t i;

	fputc('"', fp);
	for (i = 0; i < n; i++)
		fprintf(fp, "%02x", p[i]);
	fputc('"', fp);
}

static const char *
alg_name(enum crypto_kind kind, unsigned id)
{
	const struct crypto_alg *a = crypto_alg_byid(kind, id);

	return a != NULL ? a->name : "none";
}

/* "enc": {"algorithm": "aes-gcm-16", "id": 20, "key": "..."}. */
static void
json_alg(FILE *fp, const char *tag, enum crypto_kind kind, unsigned id,
    const struct sadb_key *key)
{
	fprintf(fp, ", \"%s\": {\"algorithm\": \"%s\", \"id\": %u", tag,
	    alg_name(kind, id), id);
	if (key != NULL) {
		fprintf(fp, ", \"bits\": %u, \"key\": ", key->sadb_key_bits);
		json_hex(fp, (const uint8_t *)(key + 1),
		    key->sadb_key_bits / 8);
	}
	fputc('}', fp);
}

static void
json_lifetime(FILE *fp, const char *tag, const struct sadb_lifetime *l)
{
	if (l == NULL)
		return;
	fprintf(fp, ", \"%s\": {\"allocations\": %u, \"bytes\": %llu, "
	    "\"addtime\": %llu, \"usetime\": %llu}", tag,
	    l->sadb_lifetime_allocations,
	    (unsigned long long)l->sadb_lifetime_bytes,
	    (unsigned long long)l->sadb_lifetime_addtime,
	    (unsigned long long)l->sadb_lifetime_usetime);
}

static void
json_lifetimes(FILE *fp, const struct key_msg *m)
{
	json_lifetime(fp, "current",
	    KEY_MSG_EXT(m, SADB_EXT_LIFETIME_CURRENT, sadb_lifetime));
	json_lifetime(fp, "hard",
	    KEY_MSG_EXT(m, SADB_EXT_LIFETIME_HARD, sadb_lifetime));
	json_lifetime(fp, "soft",
	    KEY_MSG_EXT(m, SADB_EXT_LIFETIME_SOFT, sadb_lifetime));
}

/* The header fields every record ends with. */
static void
json_tail(FILE *fp, const struct sadb_msg *msg)
{
	fprintf(fp, ", \"seq\": %u, \"pid\": %u, \"refcnt\": %u}",
	    msg->sadb_msg_seq, msg->sadb_msg_pid, msg->sadb_msg_reserved);
}

int
pfkey_sadump_json_fp(FILE *fp, const struct sadb_msg *msg)
{
	const struct sadb_address *src, *dst;
	const struct sadb_x_sa2 *sa2;
	const struct sadb_sa *sa;
	unsigned satype = msg->sadb_msg_satype;
	struct key_msg m;

	if (pfkey_dump_parse(stderr, msg, &m) != 0)
		return -1;
	src = KEY_MSG_EXT(&m, SADB_EXT_ADDRESS_SRC, sadb_address);
	dst = KEY_MSG_EXT(&m, SADB_EXT_ADDRESS_DST, sadb_address);
	sa = KEY_MSG_EXT(&m, SADB_EXT_SA, sadb_sa);
	sa2 = KEY_MSG_EXT(&m, SADB_X_EXT_SA2, sadb_x_sa2);
	if (src == NULL || dst == NULL || sa == NULL || sa2 == NULL) {
		fprintf(stderr, "SA record without addresses, SA or SA2\n");
		return -1;
	}
	fputc('{', fp);
	json_addr(fp, "src", key_msg_sockaddr(src), 0, false);
	fputs(", ", fp);
	json_addr(fp, "dst", key_msg_sockaddr(dst), 0, false);
	fprintf(fp, ", \"satype\": \"%s\", \"mode\": \"%s\", \"spi\": %u, "
	    "\"reqid\": %u", NAME(satype_names, satype),
	    NAME(mode_names, sa2->sadb_x_sa2_mode), ntohl(sa->sadb_sa_spi),
	    sa2->sadb_x_sa2_reqid);
	if (satype == SADB_X_SATYPE_IPCOMP)
		json_alg(fp, "comp", CRYPTO_KIND_COMP, sa->sadb_sa_encrypt,
		    NULL);
	else if (satype == SADB_SATYPE_ESP)
		json_alg(fp, "enc", CRYPTO_KIND_ENC, sa->sadb_sa_encrypt,
		    KEY_MSG_EXT(&m, SADB_EXT_KEY_ENCRYPT, sadb_key));
	if (sa->sadb_sa_auth != SADB_AALG_NONE)
		json_alg(fp, "auth", CRYPTO_KIND_AUTH, sa->sadb_sa_auth,
		    KEY_MSG_EXT(&m, SADB_EXT_KEY_AUTH, sadb_key));
	fprintf(fp, ", \"sequence\": %u, \"replay\": %u, \"flags\": %u, "
	    "\"state\": \"%s\"", sa2->sadb_x_sa2_sequence, sa->sadb_sa_replay,
	    sa->sadb_sa_flags, NAME(state_names, sa->sadb_sa_state));
	json_lifetimes(fp, &m);
	json_tail(fp, msg);
	return 0;
}

static void
json_request(FILE *fp, const struct sadb_x_ipsecrequest *r)
{
	const struct sockaddr *s, *d;

	fprintf(fp, "{\"proto\": \"%s\", \"mode\": \"%s\", \"level\": \"%s\", "
	    "\"reqid\": %u", r->sadb_x_ipsecrequest_proto == IPPROTO_AH ?
	    "ah" : r->sadb_x_ipsecrequest_proto == IPPROTO_ESP ? "esp" :
	    r->sadb_x_ipsecrequest_proto == IPPROTO_COMP ? "ipcomp" :
	    "unknown", NAME(mode_names, r->sadb_x_ipsecrequest_mode),
	    NAME(level_names, r->sadb_x_ipsecrequest_level),
	    r->sadb_x_ipsecrequest_reqid);
	if (key_msg_request_addrs(r, &s, &d) == 2) {
		fputs(", ", fp);
		json_addr(fp, "src", s, 0, false);
		fputs(", ", fp);
		json_addr(fp, "dst", d, 0, false);
	}
	fputc('}', fp);
}

int
pfkey_spdump_json_fp(FILE *fp, const struct sadb_msg *msg)
{
	const struct sadb_x_ipsecrequest *r;
	const struct sadb_address *src, *dst;
	const struct sadb_x_policy *xpl;
	struct key_msg m;
	const char *sep = "";

	if (pfkey_dump_parse(stderr, msg, &m) != 0)
		return -1;
	src = KEY_MSG_EXT(&m, SADB_EXT_ADDRESS_SRC, sadb_address);
	dst = KEY_MSG_EXT(&m, SADB_EXT_ADDRESS_DST, sadb_address);
	xpl = KEY_MSG_EXT(&m, SADB_X_EXT_POLICY, sadb_x_policy);
	if (xpl == NULL) {
		fprintf(stderr, "no X_POLICY extension.\n");
		return -1;
	}
	fputc('{', fp);
	if (src != NULL && dst != NULL) {
		json_addr(fp, "src", key_msg_sockaddr(src),
		    src->sadb_address_prefixlen, true);
		fputs(", ", fp);
		json_addr(fp, "dst", key_msg_sockaddr(dst),
		    dst->sadb_address_prefixlen, true);
		fprintf(fp, ", \"upperspec\": %u, ", src->sadb_address_proto);
	}
	fprintf(fp, "\"dir\": \"%s\", \"action\": \"%s\", \"priority\": %u, "
	    "\"id\": %u, \"requests\": [",
	    NAME(dir_names, xpl->sadb_x_policy_dir),
	    NAME(action_names, xpl->sadb_x_policy_type),
	    xpl->sadb_x_policy_priority, xpl->sadb_x_policy_id);
	for (r = key_msg_request_first(xpl); r != NULL;
	    r = key_msg_request_next(xpl, r)) {
		fputs(sep, fp);
		json_request(fp, r);
		sep = ", ";
	}
	fputc(']', fp);
	json_lifetimes(fp, &m);
	json_tail(fp, msg);
	return 0;
}
