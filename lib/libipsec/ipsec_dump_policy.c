/*
 * ipsec_dump_policy(3): an sadb_x_policy extension back to its string.
 *
 * The text is what ipsec-tools 0.8 prints, since setkey -DP shows it and
 * scripts read it: "<dir> [prio <base> [<+|-> <n>]] <action>", then each
 * request after the delimiter as "proto/mode/src-dst/level", a non-zero
 * reqid appended as ":N" when it is a manual one (at most
 * IPSEC_MANUAL_REQID_MAX) and "#N" when the key engine chose it.
 *
 * The extension comes from the caller (often straight from the key
 * engine), so every length is checked before it is followed.
 */
#include <netdb.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include <netipsec/ipsec.h>

#include "lib/libipsec/libpfkey.h"

/* ipsec-tools' priority bases; see ipsec_policy_parse.c. */
#define PRIO_BASE_LOW		0xc0000000u
#define PRIO_BASE_DEF		0x80000000u
#define PRIO_BASE_HIGH		0x40000000u

/* One endpoint with its port, both endpoints, a whole request. */
#define ADDR_TEXT_MAX		(NI_MAXHOST + NI_MAXSERV + 2)
#define ADDRS_TEXT_MAX		(2 * ADDR_TEXT_MAX + 1)
#define REQ_TEXT_MAX		(ADDRS_TEXT_MAX + 64)

static const char *const dir_names[] = {
	[IPSEC_DIR_ANY] = "any",
	[IPSEC_DIR_INBOUND] = "in",
	[IPSEC_DIR_OUTBOUND] = "out",
	[IPSEC_DIR_FWD] = "fwd",
};

static const char *const action_names[] = {
	[IPSEC_POLICY_DISCARD] = "discard",
	[IPSEC_POLICY_NONE] = "none",
	[IPSEC_POLICY_IPSEC] = "ipsec",
	[IPSEC_POLICY_ENTRUST] = "entrust",
	[IPSEC_POLICY_BYPASS] = "bypass",
};

static const char *const mode_names[] = {
	[IPSEC_MODE_ANY] = "any",
	[IPSEC_MODE_TRANSPORT] = "transport",
	[IPSEC_MODE_TUNNEL] = "tunnel",
};

static const char *const level_names[] = {
	[IPSEC_LEVEL_DEFAULT] = "default",
	[IPSEC_LEVEL_USE] = "use",
	[IPSEC_LEVEL_REQUIRE] = "require",
	[IPSEC_LEVEL_UNIQUE] = "unique",
};

#define NAME_AT(table, i) \
	((i) < sizeof(table) / sizeof((table)[0]) ? (table)[(i)] : NULL)

static const char *
proto_name(unsigned proto)
{
	switch (proto) {
	case IPPROTO_ESP:
		return "esp";
	case IPPROTO_AH:
		return "ah";
	case IPPROTO_COMP:
		return "ipcomp";
	default:
		return NULL;
	}
}

/*
 * "prio <base>" and the offset from the nearest base, with the sign
 * turned the way it is written ("def + 10" is 10 below the default).
 */
static int
format_head(char *out, size_t len, const struct sadb_x_policy *xpl,
    const char *dir, const char *action)
{
	uint32_t prio = xpl->sadb_x_policy_priority, base;
	const char *name;
	int64_t off;

	if (prio == 0)
		return snprintf(out, len, "%s %s", dir, action);
	if (prio < PRIO_BASE_DEF / 4 * 3) {
		base = PRIO_BASE_HIGH;
		name = "high";
	} else if (prio < PRIO_BASE_DEF / 4 * 5) {
		base = PRIO_BASE_DEF;
		name = "def";
	} else {
		base = PRIO_BASE_LOW;
		name = "low";
	}
	off = (int64_t)base - (int64_t)prio;
	if (off == 0)
		return snprintf(out, len, "%s prio %s %s", dir, name, action);
	return snprintf(out, len, "%s prio %s %c %lld %s", dir, name,
	    off < 0 ? '-' : '+', (long long)(off < 0 ? -off : off), action);
}

static int
format_addr(char *out, size_t len, const struct sockaddr *sa, size_t salen,
    bool withports)
{
	char host[NI_MAXHOST], serv[NI_MAXSERV];

	if (getnameinfo(sa, (socklen_t)salen, host, sizeof(host), serv,
	    sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		return -1;
	if (withports)
		snprintf(out, len, "%s[%s]", host, serv);
	else
		snprintf(out, len, "%s", host);
	return 0;
}

/* "src-dst" of a request of len bytes that carries endpoints. */
static int
format_endpoints(char *out, size_t len, const struct sadb_x_ipsecrequest *r,
    bool withports)
{
	char a[ADDR_TEXT_MAX], b[ADDR_TEXT_MAX];
	struct sockaddr_storage s1, s2;
	size_t room = r->sadb_x_ipsecrequest_len - sizeof(*r), l1, l2;
	const uint8_t *p = (const uint8_t *)(r + 1);

	memset(&s1, 0, sizeof(s1));
	memset(&s2, 0, sizeof(s2));
	memcpy(&s1, p, room < sizeof(s1) ? room : sizeof(s1));
	l1 = pfkey_sockaddr_len((struct sockaddr *)&s1);
	if (l1 == 0 || l1 > room)
		return EIPSEC_INVAL_ADDRESS;
	memcpy(&s2, p + l1, room - l1 < sizeof(s2) ? room - l1 : sizeof(s2));
	l2 = pfkey_sockaddr_len((struct sockaddr *)&s2);
	if (l2 == 0 || PFKEY_ALIGN8(sizeof(*r) + l1 + l2) !=
	    r->sadb_x_ipsecrequest_len)
		return EIPSEC_INVAL_ADDRESS;
	if (format_addr(a, sizeof(a), (struct sockaddr *)&s1, l1,
	    withports) != 0 || format_addr(b, sizeof(b),
	    (struct sockaddr *)&s2, l2, withports) != 0)
		return EIPSEC_INVAL_ADDRESS;
	snprintf(out, len, "%s-%s", a, b);
	return EIPSEC_NO_ERROR;
}

static int
format_request(char *out, size_t len, const struct sadb_x_ipsecrequest *r,
    bool withports)
{
	const char *proto, *mode, *level;
	char addrs[ADDRS_TEXT_MAX];
	unsigned reqid = r->sadb_x_ipsecrequest_reqid;
	int error;

	if ((proto = proto_name(r->sadb_x_ipsecrequest_proto)) == NULL)
		return EIPSEC_INVAL_PROTO;
	if ((mode = NAME_AT(mode_names, r->sadb_x_ipsecrequest_mode)) == NULL)
		return EIPSEC_INVAL_MODE;
	addrs[0] = '\0';
	if (r->sadb_x_ipsecrequest_len > sizeof(*r) &&
	    (error = format_endpoints(addrs, sizeof(addrs), r,
	    withports)) != 0)
		return error;
	level = NAME_AT(level_names, r->sadb_x_ipsecrequest_level);
	if (level == NULL)
		return EIPSEC_INVAL_LEVEL;
	if (reqid == 0)
		snprintf(out, len, "%s/%s/%s/%s", proto, mode, addrs, level);
	else
		snprintf(out, len, "%s/%s/%s/%s%c%u", proto, mode, addrs,
		    level, reqid > IPSEC_MANUAL_REQID_MAX ? '#' : ':', reqid);
	return EIPSEC_NO_ERROR;
}

static int
append_str(char **buf, size_t *used, const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *nb;

	if ((nb = realloc(*buf, *used + la + lb + 1)) == NULL)
		return EIPSEC_NO_BUFS;
	memcpy(nb + *used, a, la);
	memcpy(nb + *used + la, b, lb + 1);
	*buf = nb;
	*used += la + lb;
	return EIPSEC_NO_ERROR;
}

/* The requests after the head; every length checked first. */
static int
append_requests(char **buf, size_t *used, const struct sadb_x_policy *xpl,
    const char *delim, bool withports)
{
	const struct sadb_x_ipsecrequest *r;
	const uint8_t *base = (const uint8_t *)xpl;
	size_t total = PFKEY_EXTLEN(xpl), off;
	char text[REQ_TEXT_MAX];
	int error;

	for (off = sizeof(*xpl); off < total;
	    off += r->sadb_x_ipsecrequest_len) {
		r = (const void *)(base + off);
		if (total - off < sizeof(*r) ||
		    r->sadb_x_ipsecrequest_len < sizeof(*r) ||
		    r->sadb_x_ipsecrequest_len % 8 != 0 ||
		    r->sadb_x_ipsecrequest_len > total - off)
			return EIPSEC_INVAL_SADBMSG;
	}
	for (off = sizeof(*xpl); off < total;
	    off += r->sadb_x_ipsecrequest_len) {
		r = (const void *)(base + off);
		if ((error = format_request(text, sizeof(text), r,
		    withports)) != 0 ||
		    (error = append_str(buf, used, delim, text)) != 0)
			return error;
	}
	return EIPSEC_NO_ERROR;
}

static char *
dump_policy(const void *policy, const char *delim, bool withports)
{
	const struct sadb_x_policy *xpl = policy;
	const char *dir, *action;
	char head[128], *buf = NULL;
	size_t used = 0;
	int error;

	if (xpl == NULL) {
		ipsec_errcode = EIPSEC_INVAL_ARGUMENT;
		return NULL;
	}
	if (xpl->sadb_x_policy_exttype != SADB_X_EXT_POLICY) {
		ipsec_errcode = EIPSEC_INVAL_EXTTYPE;
		return NULL;
	}
	if ((size_t)PFKEY_EXTLEN(xpl) < sizeof(*xpl)) {
		ipsec_errcode = EIPSEC_INVAL_SADBMSG;
		return NULL;
	}
	if (delim == NULL)
		delim = " ";
	if ((dir = NAME_AT(dir_names, xpl->sadb_x_policy_dir)) == NULL) {
		ipsec_errcode = EIPSEC_INVAL_DIR;
		return NULL;
	}
	action = NAME_AT(action_names, xpl->sadb_x_policy_type);
	if (action == NULL) {
		ipsec_errcode = EIPSEC_INVAL_POLICY;
		return NULL;
	}
	format_head(head, sizeof(head), xpl, dir, action);
	error = append_str(&buf, &used, head, "");
	if (error == 0 && xpl->sadb_x_policy_type == IPSEC_POLICY_IPSEC)
		error = append_requests(&buf, &used, xpl, delim, withports);
	if (error != 0) {
		free(buf);
		ipsec_errcode = error;
		return NULL;
	}
	ipsec_errcode = EIPSEC_NO_ERROR;
	return buf;
}

char *
ipsec_dump_policy(const char *buf, const char *delim)
{
	return dump_policy(buf, delim, false);
}

char *
ipsec_dump_policy_withports(const void *policy, const char *delim)
{
	return dump_policy(policy, delim, true);
}
