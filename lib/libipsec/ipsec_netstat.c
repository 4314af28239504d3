/*
 * netstat -s for the socket manager's statistics nodes (see
 * ipsec_netstat.h).  One table per protocol, in the order and with the
 * sentences of FreeBSD's netstat (esp) and KAME's (ipsec, ipsec6, pfkey),
 * each row naming the counter it prints, so a counter the stack does not
 * report is left out rather than shown as zero, and a counter without a
 * row is still shown under its own name.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "net/pfkeyv2.h"
#include "lib/libipsec/ipsec_netstat.h"
#include "sys/crypto/crypto.h"
#include "sys/netkey/key_stat.h"

enum row_kind { ROW_SCALAR, ROW_HIST };

/* The name of histogram bucket i into buf. */
typedef const char *(*bucket_name_fn)(int i, char *buf, size_t len);

struct row {
	enum row_kind	 kind;
	const char	*counter;	/* in the node's walk */
	int		 index;		/* -1 for a plain scalar */
	const char	*key;		/* JSON key, libxo's where it has one */
	const char	*text;		/* "%s" takes the plural "s" */
	bucket_name_fn	 bucket;	/* ROW_HIST */
};

struct ipsec_netstat_proto {
	const char	*name;
	const char	*node;
	const struct row *rows;
	size_t		 nrows;
};

/* Histogram buckets by algorithm: the names setkey -D prints. */
static const char *
alg_name(enum crypto_kind kind, int i, char *buf, size_t len)
{
	const struct crypto_alg *a = crypto_alg_byid(kind, (unsigned)i);

	if (a != NULL)
		return a->print_name;
	snprintf(buf, len, "#%d", i);
	return buf;
}

static const char *
enc_name(int i, char *buf, size_t len)
{
	return alg_name(CRYPTO_KIND_ENC, i, buf, len);
}

static const char *
auth_name(int i, char *buf, size_t len)
{
	return alg_name(CRYPTO_KIND_AUTH, i, buf, len);
}

static const char *
comp_name(int i, char *buf, size_t len)
{
	return alg_name(CRYPTO_KIND_COMP, i, buf, len);
}

static const char *const msgtype_names[] = {
	[SADB_RESERVED] = "reserved", [SADB_GETSPI] = "getspi",
	[SADB_UPDATE] = "update", [SADB_ADD] = "add",
	[SADB_DELETE] = "delete", [SADB_GET] = "get",
	[SADB_ACQUIRE] = "acquire", [SADB_REGISTER] = "register",
	[SADB_EXPIRE] = "expire", [SADB_FLUSH] = "flush",
	[SADB_DUMP] = "dump", [SADB_X_PROMISC] = "x_promisc",
	[SADB_X_PCHANGE] = "x_pchange", [SADB_X_SPDUPDATE] = "x_spdupdate",
	[SADB_X_SPDADD] = "x_spdadd", [SADB_X_SPDDELETE] = "x_spddelete",
	[SADB_X_SPDGET] = "x_spdget", [SADB_X_SPDACQUIRE] = "x_spdacquire",
	[SADB_X_SPDDUMP] = "x_spddump", [SADB_X_SPDFLUSH] = "x_spdflush",
	[SADB_X_SPDSETIDX] = "x_spdsetidx",
	[SADB_X_SPDEXPIRE] = "x_spdexpire",
	[SADB_X_SPDDELETE2] = "x_spddelete2",
};

static const char *
msgtype_name(int i, char *buf, size_t len)
{
	if (i >= 0 && (size_t)i < sizeof(msgtype_names) /
	    sizeof(msgtype_names[0]) && msgtype_names[i] != NULL)
		return msgtype_names[i];
	snprintf(buf, len, "#%d", i);
	return buf;
}

#define S(c, k, t)	{ ROW_SCALAR, c, -1, k, t, NULL }
#define SI(c, i, k, t)	{ ROW_SCALAR, c, i, k, t, NULL }
#define H(c, k, t, f)	{ ROW_HIST, c, -1, k, t, f }

/* KAME netstat's ipsec_stats(), and the reasons we count beyond KAME. */
static const struct row ipsec_rows[] = {
	S("in_success", "inbound-success",
	    "inbound packet%s processed successfully"),
	S("in_polvio", "inbound-policy-violation",
	    "inbound packet%s violated process security policy"),
	S("in_nosa", "inbound-no-sa", "inbound packet%s with no SA available"),
	S("in_inval", "inbound-invalid", "invalid inbound packet%s"),
	S("in_nomem", "inbound-no-memory",
	    "inbound packet%s failed due to insufficient memory"),
	S("in_badspi", "inbound-bad-spi",
	    "inbound packet%s failed getting SPI"),
	S("in_ahreplay", "inbound-ah-replay",
	    "inbound packet%s failed on AH replay check"),
	S("in_espreplay", "inbound-esp-replay",
	    "inbound packet%s failed on ESP replay check"),
	S("in_ahauthsucc", "inbound-ah-authentic",
	    "inbound packet%s considered authentic"),
	S("in_ahauthfail", "inbound-ah-auth-failed",
	    "inbound packet%s failed on authentication"),
	S("in_espauthsucc", "inbound-esp-authentic",
	    "inbound ESP packet%s considered authentic"),
	S("in_espauthfail", "inbound-esp-auth-failed",
	    "inbound ESP packet%s failed on authentication"),
	S("in_tunnel", "inbound-bad-tunnel",
	    "inbound packet%s with an invalid tunnelled packet"),
	S("in_ecn", "inbound-ecn-forbidden",
	    "inbound packet%s with a forbidden ECN combination"),
	S("in_dummy", "inbound-dummy", "inbound dummy packet%s discarded"),
	H("in_ahhist", "ah-input-histogram", "AH input histogram", auth_name),
	H("in_esphist", "esp-input-histogram", "ESP input histogram",
	    enc_name),
	H("in_comphist", "ipcomp-input-histogram", "IPComp input histogram",
	    comp_name),
	S("out_success", "outbound-success",
	    "outbound packet%s processed successfully"),
	S("out_polvio", "outbound-policy-violation",
	    "outbound packet%s violated process security policy"),
	S("out_nosa", "outbound-no-sa",
	    "outbound packet%s with no SA available"),
	S("out_inval", "outbound-invalid", "invalid outbound packet%s"),
	S("out_nomem", "outbound-no-memory",
	    "outbound packet%s failed due to insufficient memory"),
	S("out_noroute", "outbound-no-route",
	    "outbound packet%s with no route"),
	S("out_toobig", "outbound-too-big",
	    "outbound packet%s too big, answered with ICMP"),
	H("out_ahhist", "ah-output-histogram", "AH output histogram",
	    auth_name),
	H("out_esphist", "esp-output-histogram", "ESP output histogram",
	    enc_name),
	H("out_comphist", "ipcomp-output-histogram",
	    "IPComp output histogram", comp_name),
};

/* FreeBSD netstat's esp_stats(), with its libxo keys. */
static const struct row esp_rows[] = {
	S("esps_hdrops", "dropped-short-header",
	    "packet%s shorter than header shows"),
	S("esps_nopf", "dropped-bad-protocol",
	    "packet%s dropped; protocol family not supported"),
	S("esps_notdb", "dropped-no-tdb", "packet%s dropped; no TDB"),
	S("esps_badkcr", "dropped-bad-kcr", "packet%s dropped; bad KCR"),
	S("esps_qfull", "dropped-queue-full", "packet%s dropped; queue full"),
	S("esps_noxform", "dropped-no-transform",
	    "packet%s dropped; no transform"),
	S("esps_badilen", "dropped-bad-length", "packet%s dropped; bad ilen"),
	S("esps_wrap", "dropped-replay-counter-wrap", "replay counter wrap%s"),
	S("esps_badenc", "dropped-bad-encryption",
	    "packet%s dropped; bad encryption detected"),
	S("esps_badauth", "dropped-bad-authentication",
	    "packet%s dropped; bad authentication detected"),
	S("esps_replay", "dropped-possible-replay",
	    "possible replay packet%s detected"),
	S("esps_input", "received-packets", "packet%s in"),
	S("esps_output", "send-packets", "packet%s out"),
	S("esps_invalid", "dropped-bad-tdb", "packet%s dropped; invalid TDB"),
	S("esps_ibytes", "received-bytes", "byte%s in"),
	S("esps_obytes", "send-bytes", "byte%s out"),
	S("esps_toobig", "dropped-too-large",
	    "packet%s dropped; larger than IP_MAXPACKET"),
	S("esps_pdrops", "dropped-policy-violation",
	    "packet%s blocked due to policy"),
	S("esps_crypto", "dropped-crypto-failed",
	    "crypto processing failure%s"),
	S("esps_tunnel", "dropped-tunnel-failed",
	    "tunnel sanity check failure%s"),
	H("esps_hist", "esp-histogram", "ESP output histogram", enc_name),
};

/* FreeBSD netstat's ah_stats(). */
static const struct row ah_rows[] = {
	S("ahs_hdrops", "dropped-short-header",
	    "packet%s shorter than header shows"),
	S("ahs_nopf", "dropped-bad-protocol",
	    "packet%s dropped; protocol family not supported"),
	S("ahs_notdb", "dropped-no-tdb", "packet%s dropped; no TDB"),
	S("ahs_badkcr", "dropped-bad-kcr", "packet%s dropped; bad KCR"),
	S("ahs_qfull", "dropped-queue-full", "packet%s dropped; queue full"),
	S("ahs_noxform", "dropped-no-transform",
	    "packet%s dropped; no transform"),
	S("ahs_wrap", "replay-counter-wraps", "replay counter wrap%s"),
	S("ahs_badauth", "dropped-bad-auth",
	    "packet%s dropped; bad authentication detected"),
	S("ahs_badauthl", "dropped-bad-auth-length",
	    "packet%s dropped; bad authentication length"),
	S("ahs_replay", "dropped-possible-replay",
	    "possible replay packet%s detected"),
	S("ahs_input", "received-packets", "packet%s in"),
	S("ahs_output", "send-packets", "packet%s out"),
	S("ahs_invalid", "dropped-bad-tdb", "packet%s dropped; invalid TDB"),
	S("ahs_ibytes", "received-bytes", "byte%s in"),
	S("ahs_obytes", "send-bytes", "byte%s out"),
	S("ahs_toobig", "dropped-too-large",
	    "packet%s dropped; larger than IP_MAXPACKET"),
	S("ahs_pdrops", "dropped-policy-violation",
	    "packet%s blocked due to policy"),
	S("ahs_crypto", "crypto-failures", "crypto processing failure%s"),
	S("ahs_tunnel", "tunnel-failures", "tunnel sanity check failure%s"),
	H("ahs_hist", "ah-histogram", "AH output histogram", auth_name),
};

/* FreeBSD netstat's ipcomp_stats(). */
static const struct row ipcomp_rows[] = {
	S("ipcomps_hdrops", "dropped-short-header",
	    "packet%s shorter than header shows"),
	S("ipcomps_nopf", "dropped-bad-protocol",
	    "packet%s dropped; protocol family not supported"),
	S("ipcomps_notdb", "dropped-no-tdb", "packet%s dropped; no TDB"),
	S("ipcomps_badkcr", "dropped-bad-kcr", "packet%s dropped; bad KCR"),
	S("ipcomps_qfull", "dropped-queue-full",
	    "packet%s dropped; queue full"),
	S("ipcomps_noxform", "dropped-no-transform",
	    "packet%s dropped; no transform"),
	S("ipcomps_wrap", "replay-counter-wraps", "replay counter wrap%s"),
	S("ipcomps_input", "received-packets", "packet%s in"),
	S("ipcomps_output", "sent-packets", "packet%s out"),
	S("ipcomps_invalid", "dropped-bad-tdb",
	    "packet%s dropped; invalid TDB"),
	S("ipcomps_ibytes", "received-bytes", "byte%s in"),
	S("ipcomps_obytes", "sent-bytes", "byte%s out"),
	S("ipcomps_toobig", "dropped-too-large",
	    "packet%s dropped; larger than IP_MAXPACKET"),
	S("ipcomps_pdrops", "dropped-policy-violation",
	    "packet%s blocked due to policy"),
	S("ipcomps_crypto", "crypto-failure", "crypto processing failure%s"),
	H("ipcomps_hist", "ipcomp-histogram", "COMP output histogram",
	    comp_name),
	S("ipcomps_threshold", "sent-uncompressed-small-packets",
	    "packet%s sent uncompressed; size < compr. algo. threshold"),
	S("ipcomps_uncompr", "sent-uncompressed-useless",
	    "packet%s sent uncompressed; compression was useless"),
};

/* KAME netstat's pfkey_stats(). */
static const struct row pfkey_rows[] = {
	S("out_total", "sent-requests", "request%s sent from userland"),
	S("out_bytes", "sent-bytes", "byte%s sent from userland"),
	H("out_msgtype", "output-histogram", "histogram by message type",
	    msgtype_name),
	S("out_invlen", "dropped-bad-length",
	    "message%s with invalid length field"),
	S("out_invver", "dropped-bad-version",
	    "message%s with invalid version field"),
	S("out_invmsgtype", "dropped-bad-type",
	    "message%s with invalid message type field"),
	S("out_tooshort", "dropped-too-short", "message%s too short"),
	S("out_nomem", "dropped-no-memory",
	    "message%s with memory allocation failure"),
	S("out_dupext", "dropped-duplicate-extension",
	    "message%s with duplicate extension"),
	S("out_invexttype", "dropped-bad-extension",
	    "message%s with invalid extension type"),
	S("out_invsatype", "dropped-bad-sa-type",
	    "message%s with invalid sa type"),
	S("out_invaddr", "dropped-bad-address-extension",
	    "message%s with invalid address extension"),
	S("out_sadfull", "dropped-sad-full",
	    "message%s refused; SAD full (net.key.sad_max)"),
	S("out_spdfull", "dropped-spd-full",
	    "message%s refused; SPD full (net.key.spd_max)"),
	S("in_total", "received-requests", "request%s sent to userland"),
	S("in_bytes", "received-bytes", "byte%s sent to userland"),
	H("in_msgtype", "input-histogram", "histogram by message type",
	    msgtype_name),
	SI("in_msgtarget", KEY_SENDUP_ONE, "received-one-socket",
	    "message%s toward single socket"),
	SI("in_msgtarget", KEY_SENDUP_ALL, "received-all-sockets",
	    "message%s toward all sockets"),
	SI("in_msgtarget", KEY_SENDUP_REGISTERED, "received-registered-sockets",
	    "message%s toward registered sockets"),
	S("in_nomem", "dropped-no-memory-to-userland",
	    "message%s with memory allocation failure"),
	S("sockerr", "socket-errors", "socket error%s"),
};

/* ESP in UDP (RFC 3948): the socket manager's own counters. */
static const struct row udpencap_rows[] = {
	S("udpencap_input", "received-packets",
	    "ESP packet%s taken out of UDP"),
	S("udpencap_output", "sent-packets", "ESP packet%s put into UDP"),
	S("udpencap_ike", "received-ike",
	    "non-ESP marker packet%s (IKE) left to the host"),
	S("udpencap_keepalive", "received-keepalives",
	    "NAT-keepalive%s left to the host"),
	S("udpencap_short", "received-short",
	    "short datagram%s left to the host"),
	S("udpencap_badport", "dropped-bad-port",
	    "packet%s dropped; SA not esp-udp on that port"),
	S("udpencap_toobig", "dropped-too-large",
	    "packet%s dropped; no room for the UDP header"),
	S("udpencap_cksum", "checksums-fixed",
	    "transport checksum%s recomputed"),
	S("udpencap_mapping", "new-mappings", "NEW_MAPPING message%s sent"),
};

/* The ACQUIRE hold queue. */
static const struct row hold_rows[] = {
	S("hold_held", "held-packets", "packet%s held for an SA"),
	S("hold_sent", "sent-packets", "held packet%s sent when the SA came"),
	S("hold_full", "dropped-entry-full",
	    "packet%s dropped; enough held for that SA"),
	S("hold_bytes", "dropped-byte-limit",
	    "packet%s dropped; byte limit reached"),
	S("hold_noentry", "dropped-no-entry",
	    "packet%s dropped; too many SAs awaited"),
	S("hold_expired", "dropped-expired",
	    "held packet%s dropped; no SA in time"),
	S("hold_flushed", "dropped-flushed", "held packet%s flushed"),
};

#define PROTO(n, node, rows) { n, node, rows, sizeof(rows) / sizeof(rows[0]) }

static const struct ipsec_netstat_proto protos[] = {
	PROTO("ipsec", "net.inet.ipsec.stats", ipsec_rows),
	PROTO("ipsec6", "net.inet6.ipsec6.stats", ipsec_rows),
	PROTO("esp", "net.inet.esp.stats", esp_rows),
	PROTO("ah", "net.inet.ah.stats", ah_rows),
	PROTO("ipcomp", "net.inet.ipcomp.stats", ipcomp_rows),
	PROTO("udpencap", "net.inet.ipsec.udpencap.stats", udpencap_rows),
	PROTO("hold", "net.inet.ipsec.hold.stats", hold_rows),
	PROTO("pfkey", "net.key.stats", pfkey_rows),
};

size_t
ipsec_netstat_count(void)
{
	return sizeof(protos) / sizeof(protos[0]);
}

const struct ipsec_netstat_proto *
ipsec_netstat_at(size_t i)
{
	return i < ipsec_netstat_count() ? &protos[i] : NULL;
}

const struct ipsec_netstat_proto *
ipsec_netstat_byname(const char *name)
{
	size_t i;

	for (i = 0; i < ipsec_netstat_count(); i++)
		if (strcmp(protos[i].name, name) == 0)
			return &protos[i];
	return NULL;
}

const char *
ipsec_netstat_name(const struct ipsec_netstat_proto *p)
{
	return p->name;
}

const char *
ipsec_netstat_node(const struct ipsec_netstat_proto *p)
{
	return p->node;
}

/* The counter of a scalar row, if the node reports it. */
static const struct mib_counter *
find(const struct mib_counters *cs, const char *name, int index)
{
	size_t i;

	for (i = 0; i < cs->n; i++)
		if (cs->c[i].index == index && strcmp(cs->c[i].name, name) == 0)
			return &cs->c[i];
	return NULL;
}

/* A counter of the node some row prints (the rest print by name). */
static bool
has_row(const struct ipsec_netstat_proto *p, const struct mib_counter *c)
{
	size_t i;

	for (i = 0; i < p->nrows; i++)
		if (strcmp(p->rows[i].counter, c->name) == 0 &&
		    (p->rows[i].kind == ROW_HIST ||
		    p->rows[i].index == c->index))
			return true;
	return false;
}

static void
print_hist(FILE *f, const struct row *r, const struct mib_counters *cs)
{
	char buf[16];
	bool head = false;
	size_t i;

	for (i = 0; i < cs->n; i++) {
		if (strcmp(cs->c[i].name, r->counter) != 0 ||
		    cs->c[i].index < 0 || cs->c[i].value == 0)
			continue;
		if (!head)
			fprintf(f, "\t%s:\n", r->text);
		head = true;
		fprintf(f, "\t\t%s: %" PRIu64 "\n",
		    r->bucket(cs->c[i].index, buf, sizeof(buf)),
		    cs->c[i].value);
	}
}

void
ipsec_netstat_print(FILE *f, const struct ipsec_netstat_proto *p,
    const struct mib_counters *cs, bool skip_zero)
{
	const struct mib_counter *c;
	size_t i;

	fprintf(f, "%s:\n", p->name);
	for (i = 0; i < p->nrows; i++) {
		if (p->rows[i].kind == ROW_HIST) {
			print_hist(f, &p->rows[i], cs);
			continue;
		}
		c = find(cs, p->rows[i].counter, p->rows[i].index);
		if (c == NULL || (skip_zero && c->value == 0))
			continue;
		fprintf(f, "\t%" PRIu64 " ", c->value);
		fprintf(f, p->rows[i].text, c->value != 1 ? "s" : "");
		fputc('\n', f);
	}
	for (i = 0; i < cs->n; i++)
		if (!has_row(p, &cs->c[i]) && (!skip_zero || cs->c[i].value))
			fprintf(f, "\t%" PRIu64 " %s\n", cs->c[i].value,
			    cs->c[i].name);
}

/*
 * JSON output.  Keys and bucket names are fixed ASCII words of the tables
 * and the crypto registry, so nothing needs escaping.
 */
static bool json_first_proto;

void
ipsec_netstat_json_begin(FILE *f)
{
	fputs("{\"statistics\": {", f);
	json_first_proto = true;
}

static void
json_hist(FILE *f, const struct row *r, const struct mib_counters *cs)
{
	char buf[16];
	const char *sep = "";
	size_t i;

	fprintf(f, "\"%s\": [", r->key);
	for (i = 0; i < cs->n; i++) {
		if (strcmp(cs->c[i].name, r->counter) != 0 ||
		    cs->c[i].index < 0 || cs->c[i].value == 0)
			continue;
		fprintf(f, "%s{\"name\": \"%s\", \"count\": %" PRIu64 "}", sep,
		    r->bucket(cs->c[i].index, buf, sizeof(buf)),
		    cs->c[i].value);
		sep = ", ";
	}
	fputc(']', f);
}

void
ipsec_netstat_json(FILE *f, const struct ipsec_netstat_proto *p,
    const struct mib_counters *cs, bool skip_zero)
{
	const struct mib_counter *c;
	const char *sep = "";
	size_t i;

	fprintf(f, "%s\"%s\": {", json_first_proto ? "" : ", ", p->name);
	json_first_proto = false;
	for (i = 0; i < p->nrows; i++) {
		if (p->rows[i].kind == ROW_HIST) {
			fputs(sep, f);
			json_hist(f, &p->rows[i], cs);
			sep = ", ";
			continue;
		}
		c = find(cs, p->rows[i].counter, p->rows[i].index);
		if (c == NULL || (skip_zero && c->value == 0))
			continue;
		fprintf(f, "%s\"%s\": %" PRIu64, sep, p->rows[i].key,
		    c->value);
		sep = ", ";
	}
	for (i = 0; i < cs->n; i++)
		if (!has_row(p, &cs->c[i]) && (!skip_zero || cs->c[i].value)) {
			fprintf(f, "%s\"%s\": %" PRIu64, sep, cs->c[i].name,
			    cs->c[i].value);
			sep = ", ";
		}
	fputc('}', f);
}

void
ipsec_netstat_json_end(FILE *f)
{
	fputs("}}\n", f);
}

void
ipsec_netstat_print_names(FILE *f, const char *title, bool *head,
    const struct mib_counters *cs)
{
	size_t i;

	for (i = 0; i < cs->n; i++) {
		if (cs->c[i].value == 0)
			continue;
		if (!*head)
			fprintf(f, "%s:\n", title);
		*head = true;
		if (cs->c[i].index < 0)
			fprintf(f, "\t%" PRIu64 " %s\n", cs->c[i].value,
			    cs->c[i].name);
		else
			fprintf(f, "\t%" PRIu64 " %s[%d]\n", cs->c[i].value,
			    cs->c[i].name, cs->c[i].index);
	}
}
