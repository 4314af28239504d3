/*
 * PF_KEY v2 message validation (RFC 2367 with the KAME/FreeBSD rules).
 *
 * A message is checked in three passes before anything acts on it:
 *  1. framing: size, alignment, sadb_msg_len, version, type;
 *  2. each extension on its own: length, type, duplicates, then the size
 *     rules and reserved fields of its type (ext_rules[]);
 *  3. the message as a whole: header fields, satype (satype_faults[]),
 *     the extensions the type allows and requires (msg_rules[]), and the
 *     source/destination address pair.
 * Each check names a fault; fault_table[] turns it into the errno the
 * client sees and the pfkeystat counter that records it, so that the tests
 * can tell which rule fired.
 *
 * Where KAME/FreeBSD deliberately differ from the RFC we follow them: an
 * unknown extension type is an error (the RFC says ignore it), a length
 * mismatch is EINVAL (not EMSGSIZE), and DELETE may omit the SA extension
 * (KAME's delete-all).
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <sys/socket.h>
#include <netinet/in.h>

#include "sys/netkey/key_parse.h"
#include "sys/netkey/key_stat.h"

enum fault {
	FAULT_NONE = 0,
	FAULT_TOOSHORT,		/* shorter than a base header */
	FAULT_TOOBIG,		/* longer than KEY_MSG_MAX */
	FAULT_ALIGN,		/* buffer not 8-byte aligned */
	FAULT_LEN,		/* sadb_msg_len disagrees with the size */
	FAULT_VERSION,
	FAULT_MSGTYPE,
	FAULT_HEADER,		/* errno or reserved field set */
	FAULT_SATYPE,		/* satype illegal for this message */
	FAULT_SATYPE_UNSUPP,	/* RSVP, OSPFv2, RIPv2, MIP */
	FAULT_EXTLEN,		/* extension length wrong for its type */
	FAULT_EXTTYPE,		/* unknown extension type */
	FAULT_DUPEXT,
	FAULT_EXTVALUE,		/* an extension's field out of range */
	FAULT_ADDR,		/* address extension(s) inconsistent */
	FAULT_AF,		/* address family not INET/INET6 */
	FAULT_FORBIDDEN,	/* extension not allowed in this message */
	FAULT_MISSING,		/* required extension absent */
	FAULT_COUNT
};

#define NO_COUNTER	SIZE_MAX
#define COUNTER(f)	offsetof(struct pfkeystat, f)

static const struct {
	int	error;
	size_t	counter;	/* offset into struct pfkeystat */
} fault_table[FAULT_COUNT] = {
	[FAULT_NONE] = { 0, NO_COUNTER },
	[FAULT_TOOSHORT] = { EINVAL, COUNTER(out_tooshort) },
	[FAULT_TOOBIG] = { ENOBUFS, COUNTER(out_invlen) },
	[FAULT_ALIGN] = { EINVAL, NO_COUNTER },
	[FAULT_LEN] = { EINVAL, COUNTER(out_invlen) },
	[FAULT_VERSION] = { EINVAL, COUNTER(out_invver) },
	[FAULT_MSGTYPE] = { EINVAL, COUNTER(out_invmsgtype) },
	[FAULT_HEADER] = { EINVAL, NO_COUNTER },
	[FAULT_SATYPE] = { EINVAL, COUNTER(out_invsatype) },
	[FAULT_SATYPE_UNSUPP] = { EOPNOTSUPP, COUNTER(out_invsatype) },
	[FAULT_EXTLEN] = { EINVAL, COUNTER(out_invlen) },
	[FAULT_EXTTYPE] = { EINVAL, COUNTER(out_invexttype) },
	[FAULT_DUPEXT] = { EINVAL, COUNTER(out_dupext) },
	[FAULT_EXTVALUE] = { EINVAL, NO_COUNTER },
	[FAULT_ADDR] = { EINVAL, COUNTER(out_invaddr) },
	[FAULT_AF] = { EAFNOSUPPORT, COUNTER(out_invaddr) },
	[FAULT_FORBIDDEN] = { EINVAL, COUNTER(out_invexttype) },
	[FAULT_MISSING] = { EINVAL, COUNTER(out_invexttype) },
};

/*
 * Extension bitmaps.  An enum rather than const variables so that the
 * message table below can be a constant initializer.
 */
#define EXT_BIT(t)	KEY_EXT_BIT(t)
_Static_assert(SADB_EXT_MAX < 32, "extension bitmaps are 32 bits");

enum {
	E_SA = EXT_BIT(SADB_EXT_SA),
	E_LIFE_C = EXT_BIT(SADB_EXT_LIFETIME_CURRENT),
	E_LIFE_H = EXT_BIT(SADB_EXT_LIFETIME_HARD),
	E_LIFE_S = EXT_BIT(SADB_EXT_LIFETIME_SOFT),
	E_SRC = EXT_BIT(SADB_EXT_ADDRESS_SRC),
	E_DST = EXT_BIT(SADB_EXT_ADDRESS_DST),
	E_PROXY = EXT_BIT(SADB_EXT_ADDRESS_PROXY),
	E_KEYS = EXT_BIT(SADB_EXT_KEY_AUTH) | EXT_BIT(SADB_EXT_KEY_ENCRYPT),
	E_IDENTS = EXT_BIT(SADB_EXT_IDENTITY_SRC) |
	    EXT_BIT(SADB_EXT_IDENTITY_DST),
	E_SENS = EXT_BIT(SADB_EXT_SENSITIVITY),
	E_PROP = EXT_BIT(SADB_EXT_PROPOSAL),
	E_SPIRANGE = EXT_BIT(SADB_EXT_SPIRANGE),
	E_KMPRIV = EXT_BIT(SADB_X_EXT_KMPRIVATE),
	E_POLICY = EXT_BIT(SADB_X_EXT_POLICY),
	E_SA2 = EXT_BIT(SADB_X_EXT_SA2),
	E_NATT_PORTS = EXT_BIT(SADB_X_EXT_NAT_T_SPORT) |
	    EXT_BIT(SADB_X_EXT_NAT_T_DPORT),
	E_NATT_SA = EXT_BIT(SADB_X_EXT_NAT_T_TYPE) | E_NATT_PORTS |
	    EXT_BIT(SADB_X_EXT_NAT_T_OAI) | EXT_BIT(SADB_X_EXT_NAT_T_OAR),
	E_NATT_FRAG = EXT_BIT(SADB_X_EXT_NAT_T_FRAG),
	E_SA_REPLAY = EXT_BIT(SADB_X_EXT_SA_REPLAY),
	E_NEWADDR = EXT_BIT(SADB_X_EXT_NEW_ADDRESS_SRC) |
	    EXT_BIT(SADB_X_EXT_NEW_ADDRESS_DST),

	E_ADDRS = E_SRC | E_DST,
	/* What ADD and UPDATE may carry besides SA and addresses. */
	E_SA_BODY = E_LIFE_H | E_LIFE_S | E_PROXY | E_KEYS | E_IDENTS |
	    E_SENS | E_KMPRIV | E_SA2 | E_NATT_SA | E_NATT_FRAG | E_SA_REPLAY,
};

/*
 * How a message type treats sadb_msg_satype: SA messages must name an SA
 * type, SPD messages must not name an IPsec one, X_PROMISC carries 0 or 1
 * (off/on) there, the rest accept UNSPEC or any SA type.
 */
enum satype_rule { SR_ANY, SR_SA, SR_SPD, SR_PROMISC, SR_COUNT };

static const struct msg_rule {
	uint32_t	allowed;
	uint32_t	required;
	uint8_t		satype;		/* enum satype_rule */
} msg_rules[SADB_MAX + 1] = {
	[SADB_GETSPI] = { E_ADDRS | E_PROXY | E_SPIRANGE | E_SA2 | E_NATT_SA,
	    E_ADDRS, SR_SA },
	[SADB_UPDATE] = { E_SA | E_ADDRS | E_SA_BODY | E_LIFE_C | E_NEWADDR,
	    E_SA | E_ADDRS, SR_SA },
	[SADB_ADD] = { E_SA | E_ADDRS | E_SA_BODY, E_SA | E_ADDRS, SR_SA },
	/* No SA extension: KAME's delete-all for the address pair. */
	[SADB_DELETE] = { E_SA | E_ADDRS | E_PROXY | E_SA2, E_ADDRS, SR_SA },
	[SADB_GET] = { E_SA | E_ADDRS | E_PROXY | E_SA2, E_SA | E_ADDRS,
	    SR_SA },
	[SADB_ACQUIRE] = { E_ADDRS | E_PROXY | E_IDENTS | E_SENS | E_PROP |
	    E_POLICY, E_ADDRS | E_PROP, SR_SA },
	[SADB_REGISTER] = { 0, 0, SR_ANY },
	[SADB_EXPIRE] = { E_SA | E_SA2 | E_ADDRS | E_PROXY | E_LIFE_C |
	    E_LIFE_H | E_LIFE_S, E_SA | E_ADDRS | E_LIFE_C, SR_SA },
	[SADB_FLUSH] = { 0, 0, SR_ANY },
	[SADB_DUMP] = { 0, 0, SR_ANY },
	[SADB_X_PROMISC] = { 0, 0, SR_PROMISC },
	[SADB_X_PCHANGE] = { E_ADDRS | E_PROXY | E_IDENTS | E_SENS | E_PROP,
	    E_ADDRS, SR_ANY },
	[SADB_X_SPDUPDATE] = { E_ADDRS | E_LIFE_H | E_POLICY,
	    E_ADDRS | E_POLICY, SR_SPD },
	[SADB_X_SPDADD] = { E_ADDRS | E_LIFE_H | E_POLICY, E_ADDRS | E_POLICY,
	    SR_SPD },
	[SADB_X_SPDDELETE] = { E_ADDRS | E_POLICY, E_ADDRS | E_POLICY,
	    SR_SPD },
	[SADB_X_SPDGET] = { E_POLICY, E_POLICY, SR_SPD },
	[SADB_X_SPDACQUIRE] = { E_ADDRS | E_POLICY, E_POLICY, SR_SPD },
	[SADB_X_SPDDUMP] = { 0, 0, SR_SPD },
	[SADB_X_SPDFLUSH] = { 0, 0, SR_SPD },
	[SADB_X_SPDSETIDX] = { E_ADDRS | E_LIFE_H | E_POLICY,
	    E_ADDRS | E_POLICY, SR_SPD },
	[SADB_X_SPDEXPIRE] = { E_ADDRS | E_LIFE_C | E_LIFE_H | E_POLICY,
	    E_POLICY, SR_SPD },
	[SADB_X_SPDDELETE2] = { E_POLICY, E_POLICY, SR_SPD },
	[SADB_X_NAT_T_NEW_MAPPING] = { E_SA | E_ADDRS | E_NATT_PORTS,
	    E_SA | E_ADDRS | E_NATT_PORTS, SR_SA },
	[SADB_X_MIGRATE] = { E_ADDRS | E_POLICY | E_SA2, 0, SR_ANY },
};

/*
 * What an satype value is, and the fault it makes under each rule (KAME's
 * key_parse: unsupported RFC types are EOPNOTSUPP whatever the message,
 * the value 1 only means "on" to X_PROMISC, unknown values are EINVAL).
 */
enum satype_kind { SK_INVALID, SK_UNSPEC, SK_ONE, SK_IPSEC, SK_UNSUPP,
	SK_COUNT };

static const uint8_t satype_kinds[SADB_SATYPE_MAX] = {
	[SADB_SATYPE_UNSPEC] = SK_UNSPEC,
	[1] = SK_ONE,
	[SADB_SATYPE_AH] = SK_IPSEC,
	[SADB_SATYPE_ESP] = SK_IPSEC,
	[SADB_SATYPE_RSVP] = SK_UNSUPP,
	[SADB_SATYPE_OSPFV2] = SK_UNSUPP,
	[SADB_SATYPE_RIPV2] = SK_UNSUPP,
	[SADB_SATYPE_MIP] = SK_UNSUPP,
	[SADB_X_SATYPE_IPCOMP] = SK_IPSEC,
	[SADB_X_SATYPE_TCPSIGNATURE] = SK_IPSEC,
};

static const uint8_t satype_faults[SK_COUNT][SR_COUNT] = {
	[SK_INVALID] = { FAULT_SATYPE, FAULT_SATYPE, FAULT_SATYPE,
	    FAULT_SATYPE },
	[SK_UNSPEC] = { FAULT_NONE, FAULT_SATYPE, FAULT_NONE, FAULT_NONE },
	[SK_ONE] = { FAULT_SATYPE, FAULT_SATYPE, FAULT_SATYPE, FAULT_NONE },
	[SK_IPSEC] = { FAULT_NONE, FAULT_NONE, FAULT_SATYPE, FAULT_SATYPE },
	[SK_UNSUPP] = { FAULT_SATYPE_UNSUPP, FAULT_SATYPE_UNSUPP,
	    FAULT_SATYPE_UNSUPP, FAULT_SATYPE_UNSUPP },
};

/* The address families PF_KEY carries, with their prefix bits. */
static unsigned int
family_bits(const struct sockaddr *sa)
{
	static const struct {
		sa_family_t	family;
		unsigned int	bits;
	} families[] = {
		{ AF_INET, 32 },
		{ AF_INET6, 128 },
	};
	size_t i;

	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		if (families[i].family == sa->sa_family)
			return families[i].bits;
	return 0;
}

/*
 * Per extension type checks.  Each gets an extension whose length is
 * within [min, max] of its ext_rules[] entry and inside the message.
 */
typedef enum fault (*ext_check_fn)(const struct sadb_ext *, size_t);

static enum fault
check_address(const struct sadb_ext *ext, size_t len)
{
	const struct sadb_address *a = (const void *)ext;
	const struct sockaddr *sa = (const void *)(a + 1);
	unsigned int bits = family_bits(sa);

	if (a->sadb_address_reserved != 0)
		return FAULT_EXTVALUE;
	if (bits == 0)
		return FAULT_AF;
	if (len != sizeof(*a) + PFKEY_ALIGN8(pfkey_sockaddr_len(sa)))
		return FAULT_ADDR;
	if (a->sadb_address_prefixlen > bits)
		return FAULT_ADDR;
	return FAULT_NONE;
}

static enum fault
check_key(const struct sadb_ext *ext, size_t len)
{
	const struct sadb_key *k = (const void *)ext;

	if (k->sadb_key_bits == 0 || k->sadb_key_reserved != 0)
		return FAULT_EXTVALUE;
	if (((size_t)k->sadb_key_bits + 7) / 8 > len - sizeof(*k))
		return FAULT_EXTLEN;
	return FAULT_NONE;
}

/*
 * An identity carries a NUL-terminated string, or for KAME's ADDR type a
 * sockaddr; an empty one (just the numeric id) is allowed.
 */
static enum fault
check_identity(const struct sadb_ext *ext, size_t len)
{
	const struct sadb_ident *id = (const void *)ext;
	const uint8_t *data = (const void *)(id + 1);
	size_t dlen = len - sizeof(*id);

	if (id->sadb_ident_type > SADB_IDENTTYPE_MAX ||
	    id->sadb_ident_reserved != 0)
		return FAULT_EXTVALUE;
	if (dlen == 0)
		return FAULT_NONE;
	if (id->sadb_ident_type == SADB_X_IDENTTYPE_ADDR) {
		if (family_bits((const void *)data) == 0)
			return FAULT_AF;
		if (pfkey_sockaddr_len((const void *)data) > dlen)
			return FAULT_EXTLEN;
		return FAULT_NONE;
	}
	if (memchr(data, '\0', dlen) == NULL)
		return FAULT_EXTVALUE;
	return FAULT_NONE;
}

static enum fault
check_sensitivity(const struct sadb_ext *ext, size_t len)
{
	const struct sadb_sens *s = (const void *)ext;
	size_t words = (size_t)s->sadb_sens_sens_len + s->sadb_sens_integ_len;

	if (s->sadb_sens_reserved != 0)
		return FAULT_EXTVALUE;
	if (len != sizeof(*s) + words * sizeof(uint64_t))
		return FAULT_EXTLEN;
	return FAULT_NONE;
}

static enum fault
check_proposal(const struct sadb_ext *ext, size_t len)
{
	const struct sadb_prop *p = (const void *)ext;
	const struct sadb_comb *c = (const void *)(p + 1);
	size_t i, n;

	if ((len - sizeof(*p)) % sizeof(*c) != 0)
		return FAULT_EXTLEN;
	if (p->sadb_prop_reserved[0] != 0 || p->sadb_prop_reserved[1] != 0 ||
	    p->sadb_prop_reserved[2] != 0)
		return FAULT_EXTVALUE;
	n = (len - sizeof(*p)) / sizeof(*c);
	for (i = 0; i < n; i++)
		if (c[i].sadb_comb_reserved != 0)
			return FAULT_EXTVALUE;
	return FAULT_NONE;
}

static enum fault
check_supported(const struct sadb_ext *ext, size_t len)
{
	const struct sadb_supported *s = (const void *)ext;
	const struct sadb_alg *a = (const void *)(s + 1);
	size_t i, n = (len - sizeof(*s)) / sizeof(*a);

	if (s->sadb_supported_reserved != 0)
		return FAULT_EXTVALUE;
	for (i = 0; i < n; i++)
		if (a[i].sadb_alg_reserved != 0)
			return FAULT_EXTVALUE;
	return FAULT_NONE;
}

static enum fault
check_spirange(const struct sadb_ext *ext, size_t len)
{
	const struct sadb_spirange *r = (const void *)ext;

	(void)len;
	if (r->sadb_spirange_min > r->sadb_spirange_max ||
	    r->sadb_spirange_reserved != 0)
		return FAULT_EXTVALUE;
	return FAULT_NONE;
}

/*
 * A request holds no sockaddr, or a source and a destination of one
 * family back to back, the whole padded to 8 bytes.
 */
static enum fault
check_request(const struct sadb_x_ipsecrequest *req, size_t len)
{
	const struct sockaddr *src = (const void *)(req + 1), *dst;
	size_t room = len - sizeof(*req), salen;

	if (room == 0)
		return FAULT_NONE;
	if (family_bits(src) == 0)
		return FAULT_AF;
	salen = pfkey_sockaddr_len(src);
	if (2 * salen > room)
		return FAULT_EXTLEN;
	dst = (const void *)((const uint8_t *)src + salen);
	if (dst->sa_family != src->sa_family)
		return FAULT_ADDR;
	if (PFKEY_ALIGN8(2 * salen) != room)
		return FAULT_EXTLEN;
	return FAULT_NONE;
}

static enum fault
check_policy(const struct sadb_ext *ext, size_t len)
{
	const uint8_t *base = (const void *)ext;
	const struct sadb_x_ipsecrequest *req;
	size_t off, rlen;
	enum fault f;

	for (off = sizeof(struct sadb_x_policy); off < len; off += rlen) {
		req = (const void *)(base + off);
		rlen = req->sadb_x_ipsecrequest_len;
		if (rlen < sizeof(*req) || rlen % 8 != 0 || rlen > len - off)
			return FAULT_EXTLEN;
		if ((f = check_request(req, rlen)) != FAULT_NONE)
			return f;
	}
	return FAULT_NONE;
}

static enum fault
check_sa2(const struct sadb_ext *ext, size_t len)
{
	const struct sadb_x_sa2 *s = (const void *)ext;

	(void)len;
	if (s->sadb_x_sa2_reserved1 != 0 || s->sadb_x_sa2_reserved2 != 0)
		return FAULT_EXTVALUE;
	return FAULT_NONE;
}

static enum fault
check_nat_t_type(const struct sadb_ext *ext, size_t len)
{
	const struct sadb_x_nat_t_type *t = (const void *)ext;

	(void)len;
	if (t->sadb_x_nat_t_type_reserved[0] != 0 ||
	    t->sadb_x_nat_t_type_reserved[1] != 0 ||
	    t->sadb_x_nat_t_type_reserved[2] != 0)
		return FAULT_EXTVALUE;
	return FAULT_NONE;
}

/* NAT-T port and fragment extensions share one layout. */
static enum fault
check_nat_t_short(const struct sadb_ext *ext, size_t len)
{
	const struct sadb_x_nat_t_port *p = (const void *)ext;

	(void)len;
	if (p->sadb_x_nat_t_port_reserved != 0)
		return FAULT_EXTVALUE;
	return FAULT_NONE;
}

/*
 * Size rules by extension type: min and max in bytes (equal for the fixed
 * ones, max 0 for "as long as the message allows"), then a check of the
 * contents.  A type without an entry is unknown.
 */
static const struct ext_rule {
	uint16_t	min;
	uint16_t	max;
	ext_check_fn	check;
} ext_rules[SADB_EXT_MAX + 1] = {
	[SADB_EXT_SA] = { 16, 16, NULL },
	[SADB_EXT_LIFETIME_CURRENT] = { 32, 32, NULL },
	[SADB_EXT_LIFETIME_HARD] = { 32, 32, NULL },
	[SADB_EXT_LIFETIME_SOFT] = { 32, 32, NULL },
	[SADB_EXT_ADDRESS_SRC] = { 16, 0, check_address },
	[SADB_EXT_ADDRESS_DST] = { 16, 0, check_address },
	[SADB_EXT_ADDRESS_PROXY] = { 16, 0, check_address },
	[SADB_EXT_KEY_AUTH] = { 8, 0, check_key },
	[SADB_EXT_KEY_ENCRYPT] = { 8, 0, check_key },
	[SADB_EXT_IDENTITY_SRC] = { 16, 0, check_identity },
	[SADB_EXT_IDENTITY_DST] = { 16, 0, check_identity },
	[SADB_EXT_SENSITIVITY] = { 16, 0, check_sensitivity },
	[SADB_EXT_PROPOSAL] = { 8, 0, check_proposal },
	[SADB_EXT_SUPPORTED_AUTH] = { 8, 0, check_supported },
	[SADB_EXT_SUPPORTED_ENCRYPT] = { 8, 0, check_supported },
	[SADB_EXT_SPIRANGE] = { 16, 16, check_spirange },
	[SADB_X_EXT_KMPRIVATE] = { 8, 0, NULL },
	[SADB_X_EXT_POLICY] = { 16, 0, check_policy },
	[SADB_X_EXT_SA2] = { 16, 16, check_sa2 },
	[SADB_X_EXT_NAT_T_TYPE] = { 8, 8, check_nat_t_type },
	[SADB_X_EXT_NAT_T_SPORT] = { 8, 8, check_nat_t_short },
	[SADB_X_EXT_NAT_T_DPORT] = { 8, 8, check_nat_t_short },
	[SADB_X_EXT_NAT_T_OAI] = { 16, 0, check_address },
	[SADB_X_EXT_NAT_T_OAR] = { 16, 0, check_address },
	[SADB_X_EXT_NAT_T_FRAG] = { 8, 8, check_nat_t_short },
	[SADB_X_EXT_SA_REPLAY] = { 8, 8, NULL },
	[SADB_X_EXT_NEW_ADDRESS_SRC] = { 16, 0, check_address },
	[SADB_X_EXT_NEW_ADDRESS_DST] = { 16, 0, check_address },
};

_Static_assert(sizeof(struct sadb_x_nat_t_frag) ==
    sizeof(struct sadb_x_nat_t_port) &&
    offsetof(struct sadb_x_nat_t_frag, sadb_x_nat_t_frag_reserved) ==
    offsetof(struct sadb_x_nat_t_port, sadb_x_nat_t_port_reserved),
    "NAT-T port and frag extensions share check_nat_t_short");

static enum fault
check_framing(const void *buf, size_t len)
{
	const struct sadb_msg *hdr = buf;

	if (len < sizeof(*hdr))
		return FAULT_TOOSHORT;
	if (len > KEY_MSG_MAX)
		return FAULT_TOOBIG;
	if ((uintptr_t)buf % 8 != 0)
		return FAULT_ALIGN;
	if (PFKEY_UNUNIT64((size_t)hdr->sadb_msg_len) != len)
		return FAULT_LEN;
	if (hdr->sadb_msg_version != PF_KEY_V2)
		return FAULT_VERSION;
	if (hdr->sadb_msg_type == SADB_RESERVED ||
	    hdr->sadb_msg_type > SADB_MAX)
		return FAULT_MSGTYPE;
	return FAULT_NONE;
}

/* Walk the extensions; on success *present has a bit per type found. */
static enum fault
split_extensions(const uint8_t *buf, size_t len, struct key_msg *m,
    uint32_t *present)
{
	const struct sadb_ext *ext;
	const struct ext_rule *rule;
	size_t off, elen;
	uint16_t type;
	enum fault f;

	*present = 0;
	for (off = sizeof(struct sadb_msg); off < len; off += elen) {
		ext = (const void *)(buf + off);
		elen = PFKEY_UNUNIT64((size_t)ext->sadb_ext_len);
		if (elen == 0 || elen > len - off)
			return FAULT_EXTLEN;
		type = ext->sadb_ext_type;
		if (type == SADB_EXT_RESERVED || type > SADB_EXT_MAX)
			return FAULT_EXTTYPE;
		if (m->ext[type] != NULL)
			return FAULT_DUPEXT;
		rule = &ext_rules[type];
		if (elen < rule->min || (rule->max != 0 && elen > rule->max))
			return FAULT_EXTLEN;
		if (rule->check != NULL && (f = rule->check(ext, elen)) !=
		    FAULT_NONE)
			return f;
		m->ext[type] = ext;
		*present |= EXT_BIT(type);
	}
	return FAULT_NONE;
}

/* RFC 2367 2.3.3: source and destination come together, alike. */
static enum fault
check_address_pair(const struct key_msg *m)
{
	const struct sadb_address *src, *dst;

	src = KEY_MSG_EXT(m, SADB_EXT_ADDRESS_SRC, sadb_address);
	dst = KEY_MSG_EXT(m, SADB_EXT_ADDRESS_DST, sadb_address);
	if (src == NULL && dst == NULL)
		return FAULT_NONE;
	if (src == NULL || dst == NULL)
		return FAULT_ADDR;
	if (key_msg_sockaddr(src)->sa_family !=
	    key_msg_sockaddr(dst)->sa_family ||
	    src->sadb_address_proto != dst->sadb_address_proto)
		return FAULT_ADDR;
	return FAULT_NONE;
}

static enum fault
check_satype(const struct sadb_msg *hdr)
{
	uint8_t kind = SK_INVALID;

	if (hdr->sadb_msg_satype < SADB_SATYPE_MAX)
		kind = satype_kinds[hdr->sadb_msg_satype];
	return satype_faults[kind][msg_rules[hdr->sadb_msg_type].satype];
}

/*
 * The header rules for a message from user land.  sadb_msg_errno is the
 * kernel's to set, except in the form of ACQUIRE with which a key
 * management daemon reports a failed negotiation: the bare header with the
 * sequence number of the kernel's ACQUIRE.  *errno_form says which.
 */
static enum fault
check_user_header(const struct sadb_msg *hdr, size_t len, bool *errno_form)
{
	*errno_form = false;
	if (hdr->sadb_msg_reserved != 0)
		return FAULT_HEADER;
	if (hdr->sadb_msg_errno != 0) {
		if (hdr->sadb_msg_type != SADB_ACQUIRE ||
		    len != sizeof(*hdr) || hdr->sadb_msg_seq == 0)
			return FAULT_HEADER;
		*errno_form = true;
	}
	return check_satype(hdr);
}

static enum fault
parse_user(const void *buf, size_t len, struct key_msg *m)
{
	const struct sadb_msg *hdr = buf;
	const struct msg_rule *rule = &msg_rules[hdr->sadb_msg_type];
	uint32_t present;
	bool errno_form;
	enum fault f;

	if ((f = check_user_header(hdr, len, &errno_form)) != FAULT_NONE)
		return f;
	if ((f = split_extensions(buf, len, m, &present)) != FAULT_NONE)
		return f;
	if ((present & ~rule->allowed) != 0)
		return FAULT_FORBIDDEN;
	if (!errno_form && (rule->required & ~present) != 0)
		return FAULT_MISSING;
	return check_address_pair(m);
}

int
key_parse(const void *buf, size_t len, struct key_msg *m)
{
	const struct sadb_msg *hdr = buf;
	enum fault f;

	memset(m, 0, sizeof(*m));
	pfkeystat.out_total++;
	pfkeystat.out_bytes += len;
	f = check_framing(buf, len);
	if (f == FAULT_NONE) {
		pfkeystat.out_msgtype[hdr->sadb_msg_type]++;
		f = parse_user(buf, len, m);
	}
	if (f != FAULT_NONE) {
		if (fault_table[f].counter != NO_COUNTER)
			(*(uint64_t *)(void *)((char *)&pfkeystat +
			    fault_table[f].counter))++;
		memset(m, 0, sizeof(*m));
		return fault_table[f].error;
	}
	m->hdr = hdr;
	m->len = len;
	return 0;
}

int
key_parse_reply(const void *buf, size_t len, struct key_msg *m)
{
	uint32_t present;
	enum fault f;

	memset(m, 0, sizeof(*m));
	f = check_framing(buf, len);
	if (f == FAULT_NONE)
		f = split_extensions(buf, len, m, &present);
	if (f == FAULT_NONE)
		f = check_address_pair(m);
	if (f != FAULT_NONE) {
		memset(m, 0, sizeof(*m));
		return fault_table[f].error;
	}
	m->hdr = buf;
	m->len = len;
	return 0;
}

const struct sockaddr *
key_msg_sockaddr(const struct sadb_address *addr)
{
	return (const void *)(addr + 1);
}

int
key_msg_request_addrs(const struct sadb_x_ipsecrequest *req,
    const struct sockaddr **src, const struct sockaddr **dst)
{
	if (req->sadb_x_ipsecrequest_len <= sizeof(*req)) {
		*src = *dst = NULL;
		return 0;
	}
	*src = (const void *)(req + 1);
	*dst = (const void *)((const uint8_t *)*src +
	    pfkey_sockaddr_len(*src));
	return 2;
}

const struct sadb_x_ipsecrequest *
key_msg_request_first(const struct sadb_x_policy *pol)
{
	if (PFKEY_UNUNIT64((size_t)pol->sadb_x_policy_len) <= sizeof(*pol))
		return NULL;
	return (const void *)(pol + 1);
}

const struct sadb_x_ipsecrequest *
key_msg_request_next(const struct sadb_x_policy *pol,
    const struct sadb_x_ipsecrequest *req)
{
	size_t off;

	off = (size_t)((const uint8_t *)req - (const uint8_t *)pol) +
	    req->sadb_x_ipsecrequest_len;
	if (off >= PFKEY_UNUNIT64((size_t)pol->sadb_x_policy_len))
		return NULL;
	return (const void *)((const uint8_t *)pol + off);
}
