/*
 * pfkey_check() and pfkey_set_buffer_size(): the two ipsec-tools helpers
 * racoon-era daemons call around pfkey_align() and pfkey_open().
 *
 * pfkey_check() judges an aligned message the way ipsec-tools' libpfkey
 * does, before a daemon acts on it: the version, the message type, the SA
 * type the message type allows, and that the source and destination
 * addresses agree in upper-layer protocol and family.  The rules are one
 * table by message type, so that they can be read against the RFC.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <netipsec/ipsec.h>

#include "lib/libipsec/libpfkey.h"

/* What a message type asks of sadb_msg_satype. */
enum satype_rule {
	SATYPE_FREE = 0,	/* any known SA type, or UNSPEC */
	SATYPE_PROTO,		/* a security protocol, not UNSPEC */
	SATYPE_UNSPEC,		/* UNSPEC only (the SPD messages) */
	SATYPE_ESP,		/* ESP only (NAT-T mappings) */
};

static const uint8_t satype_rules[SADB_MAX + 1] = {
	[SADB_GETSPI] = SATYPE_PROTO,
	[SADB_UPDATE] = SATYPE_PROTO,
	[SADB_ADD] = SATYPE_PROTO,
	[SADB_DELETE] = SATYPE_PROTO,
	[SADB_GET] = SATYPE_PROTO,
	[SADB_ACQUIRE] = SATYPE_PROTO,
	[SADB_EXPIRE] = SATYPE_PROTO,
	[SADB_X_SPDADD] = SATYPE_UNSPEC,
	[SADB_X_SPDDELETE] = SATYPE_UNSPEC,
	[SADB_X_SPDGET] = SATYPE_UNSPEC,
	[SADB_X_SPDDUMP] = SATYPE_UNSPEC,
	[SADB_X_SPDFLUSH] = SATYPE_UNSPEC,
	[SADB_X_NAT_T_NEW_MAPPING] = SATYPE_ESP,
};

/* The EIPSEC code of satype under rule for message type. */
static int
check_satype(unsigned type, unsigned satype)
{
	unsigned rule = satype_rules[type];

	switch (satype) {
	case SADB_SATYPE_UNSPEC:
		if (rule == SATYPE_PROTO || rule == SATYPE_ESP)
			return EIPSEC_INVAL_SATYPE;
		return EIPSEC_NO_ERROR;
	case SADB_SATYPE_AH:
	case SADB_SATYPE_ESP:
	case SADB_X_SATYPE_IPCOMP:
	case SADB_X_SATYPE_TCPSIGNATURE:
		if (rule == SATYPE_UNSPEC ||
		    (rule == SATYPE_ESP && satype != SADB_SATYPE_ESP))
			return EIPSEC_INVAL_SATYPE;
		return EIPSEC_NO_ERROR;
	case SADB_SATYPE_RSVP:
	case SADB_SATYPE_OSPFV2:
	case SADB_SATYPE_RIPV2:
	case SADB_SATYPE_MIP:
		return EIPSEC_NOT_SUPPORTED;
	case 1:
		/* X_PROMISC carries its on/off flag in the SA type. */
		return type == SADB_X_PROMISC ? EIPSEC_NO_ERROR :
		    EIPSEC_INVAL_SATYPE;
	default:
		return EIPSEC_INVAL_SATYPE;
	}
}

/* Source and destination must agree; their family must be IP. */
static int
check_addresses(caddr_t *mhp)
{
	const struct sadb_address *s, *d;
	const struct sockaddr *ss, *ds;

	s = (const void *)mhp[SADB_EXT_ADDRESS_SRC];
	d = (const void *)mhp[SADB_EXT_ADDRESS_DST];
	if (s == NULL || d == NULL)
		return EIPSEC_NO_ERROR;
	if (s->sadb_address_proto != d->sadb_address_proto)
		return EIPSEC_PROTO_MISMATCH;
	ss = (const void *)(s + 1);
	ds = (const void *)(d + 1);
	if (ss->sa_family != ds->sa_family)
		return EIPSEC_FAMILY_MISMATCH;
	if (ss->sa_family != AF_INET && ss->sa_family != AF_INET6)
		return EIPSEC_INVAL_FAMILY;
	return EIPSEC_NO_ERROR;
}

int
pfkey_check(caddr_t *mhp)
{
	const struct sadb_msg *msg;
	int code;

	if (mhp == NULL || mhp[0] == NULL) {
		ipsec_errcode = EIPSEC_INVAL_ARGUMENT;
		return -1;
	}
	msg = (const void *)mhp[0];
	if (msg->sadb_msg_version != PF_KEY_V2)
		code = EIPSEC_INVAL_VERSION;
	else if (msg->sadb_msg_type > SADB_MAX)
		code = EIPSEC_INVAL_MSGTYPE;
	else if ((code = check_satype(msg->sadb_msg_type,
	    msg->sadb_msg_satype)) == EIPSEC_NO_ERROR)
		code = check_addresses(mhp);
	ipsec_errcode = code;
	return code == EIPSEC_NO_ERROR ? 0 : -1;
}

/*
 * ipsec-tools raises the receive buffer to size KiB when it is smaller
 * and returns what the socket ended with, in KiB; size 0 only asks.
 * Linux doubles the value it is given and caps it at rmem_max, so the
 * answer may differ from the request either way.
 */
int
pfkey_set_buffer_size(int so, int size)
{
	int actual = 0, want;
	socklen_t len = sizeof(actual);

	if (size < 0 || size > INT32_MAX / 1024) {
		ipsec_errcode = EIPSEC_INVAL_ARGUMENT;
		return -1;
	}
	want = size * 1024;
	if (size > 0 && (getsockopt(so, SOL_SOCKET, SO_RCVBUF, &actual,
	    &len) != 0 || actual < want) && setsockopt(so, SOL_SOCKET,
	    SO_RCVBUF, &want, sizeof(want)) != 0) {
		ipsec_set_syserr(errno);
		return -1;
	}
	len = sizeof(actual);
	if (getsockopt(so, SOL_SOCKET, SO_RCVBUF, &actual, &len) != 0) {
		ipsec_set_syserr(errno);
		return -1;
	}
	ipsec_errcode = EIPSEC_NO_ERROR;
	return actual / 1024;
}
