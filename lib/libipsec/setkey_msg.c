/*
 * The PF_KEY message of a setkey statement, for one address pair, as
 * ipsec-tools' setkey puts it on the wire: sequence 0, the caller's pid,
 * state LARVAL in the SA extension even for ADD (KAME kernels ignore it),
 * an SA2 extension always, SA addresses with protocol 255 and full
 * prefixes, keys with sadb_key_bits = bytes * 8, lifetimes only when
 * given.  One builder per message shape, chosen by a table.
 */
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <netipsec/ipsec.h>

#include "lib/libipsec/setkey_stmt.h"

#define NATT_PORT_DEFAULT	4500	/* esp-udp without [port] */

static uint8_t
full_prefix(const struct sockaddr *sa)
{
	return sa->sa_family == AF_INET ? 32 : 128;
}

/* A copy of sa with port (host order) in it. */
static void
with_port(const struct sockaddr *sa, int port, struct sockaddr_storage *out)
{
	memset(out, 0, sizeof(*out));
	memcpy(out, sa, sa->sa_family == AF_INET ?
	    sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6));
	if (port < 0)
		port = 0;
	if (sa->sa_family == AF_INET)
		((struct sockaddr_in *)out)->sin_port = htons((uint16_t)port);
	else
		((struct sockaddr_in6 *)out)->sin6_port = htons((uint16_t)port);
}

static void
sa_addresses(const struct setkey_stmt *st, const struct sockaddr *src,
    const struct sockaddr *dst, struct key_buf *b)
{
	struct sockaddr_storage s, d;

	with_port(src, st->src.port, &s);
	with_port(dst, st->dst.port, &d);
	key_build_address(b, SADB_EXT_ADDRESS_SRC, (struct sockaddr *)&s,
	    full_prefix(src), IPSEC_ULPROTO_ANY);
	key_build_address(b, SADB_EXT_ADDRESS_DST, (struct sockaddr *)&d,
	    full_prefix(dst), IPSEC_ULPROTO_ANY);
}

static uint16_t
port_or(int port, uint16_t dflt)
{
	return port > 0 ? (uint16_t)port : dflt;
}

static void
natt_exts(const struct setkey_stmt *st, struct key_buf *b)
{
	if (st->espudp) {
		key_build_nat_t_type(b, UDP_ENCAP_ESPINUDP);
		key_build_nat_t_port(b, SADB_X_EXT_NAT_T_SPORT,
		    htons(port_or(st->src.port, NATT_PORT_DEFAULT)));
		key_build_nat_t_port(b, SADB_X_EXT_NAT_T_DPORT,
		    htons(port_or(st->dst.port, NATT_PORT_DEFAULT)));
		if (st->oa.given)
			key_build_address(b, SADB_X_EXT_NAT_T_OAI,
			    (const struct sockaddr *)&st->oa_ss,
			    full_prefix((const struct sockaddr *)&st->oa_ss),
			    IPSEC_ULPROTO_ANY);
	} else if (st->natt) {
		key_build_nat_t_type(b, UDP_ENCAP_ESPINUDP);
		key_build_nat_t_port(b, SADB_X_EXT_NAT_T_SPORT,
		    htons(st->natt_sport));
		key_build_nat_t_port(b, SADB_X_EXT_NAT_T_DPORT,
		    htons(st->natt_dport));
		key_build_address(b, SADB_X_EXT_NAT_T_OAI,
		    (const struct sockaddr *)&st->natt_oai_ss,
		    full_prefix((const struct sockaddr *)&st->natt_oai_ss),
		    IPSEC_ULPROTO_ANY);
		key_build_address(b, SADB_X_EXT_NAT_T_OAR,
		    (const struct sockaddr *)&st->natt_oar_ss,
		    full_prefix((const struct sockaddr *)&st->natt_oar_ss),
		    IPSEC_ULPROTO_ANY);
	}
	if (st->natt_mtu >= 0)
		key_build_nat_t_frag(b, (uint16_t)st->natt_mtu);
}

static void
build_sa_full(const struct setkey_stmt *st, const struct sockaddr *src,
    const struct sockaddr *dst, struct key_buf *b)
{
	uint8_t enc = st->enc.alg != NULL ? st->enc.alg->sadb_id :
	    st->comp.alg != NULL ? st->comp.alg->sadb_id : SADB_EALG_NONE;
	uint8_t auth = st->auth.alg != NULL ? st->auth.alg->sadb_id :
	    SADB_AALG_NONE;

	/* Windows over 255 octets travel in SA_REPLAY, in packets. */
	key_build_sa(b, htonl(st->spi), st->replay > 255 ? 255 :
	    (uint8_t)st->replay, SADB_SASTATE_LARVAL, auth, enc, st->saflags);
	key_build_sa2(b, st->mode, st->reqid, 0);
	if (st->replay > 255)
		key_build_sa_replay(b, st->replay * 8);
	sa_addresses(st, src, dst, b);
	natt_exts(st, b);
	if (st->auth.alg != NULL && st->auth.keylen > 0)
		key_build_key(b, SADB_EXT_KEY_AUTH, st->auth.key,
		    (uint16_t)(st->auth.keylen * 8));
	if (st->enc.alg != NULL && st->enc.keylen > 0)
		key_build_key(b, SADB_EXT_KEY_ENCRYPT, st->enc.key,
		    (uint16_t)(st->enc.keylen * 8));
	if (st->hard_given)
		key_build_lifetime(b, SADB_EXT_LIFETIME_HARD, 0,
		    st->hard_bytes, st->hard_time, 0);
	if (st->soft_given)
		key_build_lifetime(b, SADB_EXT_LIFETIME_SOFT, 0,
		    st->soft_bytes, st->soft_time, 0);
}

static void
build_sa_id(const struct setkey_stmt *st, const struct sockaddr *src,
    const struct sockaddr *dst, struct key_buf *b)
{
	key_build_sa(b, htonl(st->spi), 0, SADB_SASTATE_LARVAL, 0, 0,
	    st->saflags & SADB_X_EXT_OLD);
	key_build_sa2(b, st->mode, st->reqid, 0);
	sa_addresses(st, src, dst, b);
}

static void
build_sa_pair(const struct setkey_stmt *st, const struct sockaddr *src,
    const struct sockaddr *dst, struct key_buf *b)
{
	sa_addresses(st, src, dst, b);
}

/* GETSPI: SPI 0 lets the key engine choose, anything else is asked for. */
static void
build_getspi(const struct setkey_stmt *st, const struct sockaddr *src,
    const struct sockaddr *dst, struct key_buf *b)
{
	key_build_sa2(b, st->mode, st->reqid, 0);
	sa_addresses(st, src, dst, b);
	if (st->spi != 0)
		key_build_spirange(b, st->spi, st->spi);
}

/* A selector end: its prefix, and a port or an ICMP type or code. */
static void
spd_address(const struct setkey_stmt *st, uint16_t exttype,
    const struct setkey_addrspec *spec, const struct sockaddr *sa,
    int icmp, struct key_buf *b)
{
	struct sockaddr_storage ss;

	with_port(sa, st->icmp_given ? icmp : spec->port, &ss);
	key_build_address(b, exttype, (struct sockaddr *)&ss,
	    spec->plen >= 0 ? (uint8_t)spec->plen : full_prefix(sa),
	    st->upper);
}

static void
build_spd(const struct setkey_stmt *st, const struct sockaddr *src,
    const struct sockaddr *dst, struct key_buf *b)
{
	key_build_ext(b, (const struct sadb_ext *)(const void *)st->policy);
	spd_address(st, SADB_EXT_ADDRESS_SRC, &st->src, src, st->icmp_type,
	    b);
	spd_address(st, SADB_EXT_ADDRESS_DST, &st->dst, dst, st->icmp_code,
	    b);
}

static void
build_header_only(const struct setkey_stmt *st, const struct sockaddr *src,
    const struct sockaddr *dst, struct key_buf *b)
{
	(void)st;
	(void)src;
	(void)dst;
	(void)b;
}

/* The builder of a statement, by its parts. */
static const struct {
	unsigned	 parts;		/* all of these */
	uint8_t		 type;		/* or 0 for any */
	void		(*build)(const struct setkey_stmt *,
			    const struct sockaddr *, const struct sockaddr *,
			    struct key_buf *);
} builders[] = {
	{ SETKEY_S_SAID | SETKEY_S_ALGS,	0,	   build_sa_full },
	{ SETKEY_S_SAID,			SADB_GETSPI, build_getspi },
	{ SETKEY_S_SAID,			0,	   build_sa_id },
	{ SETKEY_S_PAIR,			0,	   build_sa_pair },
	{ SETKEY_S_SPD,				0,	   build_spd },
	{ 0,					0,	   build_header_only },
};

void
setkey_msg_build(const struct setkey_stmt *st, const struct sockaddr *src,
    const struct sockaddr *dst, uint32_t pid, struct key_buf *b)
{
	uint8_t satype = st->desc->parts & SETKEY_S_SPD ?
	    SADB_SATYPE_UNSPEC : st->satype;
	size_t i;

	key_build_begin(b, st->desc->type, satype, 0, pid);
	for (i = 0; i < sizeof(builders) / sizeof(builders[0]); i++)
		if ((st->desc->parts & builders[i].parts) ==
		    builders[i].parts && (builders[i].type == 0 ||
		    builders[i].type == st->desc->type)) {
			builders[i].build(st, src, dst, b);
			break;
		}
}
