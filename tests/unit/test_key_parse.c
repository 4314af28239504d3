/*
 * key_parse(): every validation rule against a crafted message, the satype
 * rules against a naive reference, every message type's valid forms, and
 * hand-written byte arrays as the ground truth of the wire layout.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <netipsec/ipsec.h>

#include "sys/netkey/key_build.h"
#include "sys/netkey/key_parse.h"
#include "sys/netkey/key_stat.h"
#include "testlib.h"
#include "pfkey_msg.h"

/* Room for the largest message and then some; 8-byte aligned. */
static uint64_t msgbuf[KEY_MSG_MAX / 8 + 16];

#define NO_COUNTER	SIZE_MAX
#define CTR(f)		offsetof(struct pfkeystat, f)

/* The error counters; exactly the expected one moves on a failure. */
static const size_t error_counters[] = {
	CTR(out_invlen), CTR(out_invver), CTR(out_invmsgtype),
	CTR(out_tooshort), CTR(out_dupext), CTR(out_invexttype),
	CTR(out_invsatype), CTR(out_invaddr),
};

static uint64_t
counter(const struct pfkeystat *st, size_t off)
{
	uint64_t v;

	memcpy(&v, (const char *)st + off, sizeof(v));
	return v;
}

static uint8_t *
buf(void)
{
	return (uint8_t *)msgbuf;
}

static struct sadb_msg *
hdr(void)
{
	return (struct sadb_msg *)(void *)msgbuf;
}

/* A sample message (pfkey_msg.c) of type and variant into msgbuf. */
static size_t
sample(uint8_t type, unsigned int variant)
{
	struct key_buf b;

	memset(msgbuf, 0, sizeof(msgbuf));
	key_buf_init(&b, msgbuf, sizeof(msgbuf));
	CU_ASSERT_FATAL(pfkey_msg_sample(&b, type, variant) == 0);
	return key_buf_len(&b);
}

static void *
ext(size_t len, uint16_t type)
{
	void *e = pfkey_msg_find(msgbuf, len, type);

	CU_ASSERT_FATAL(e != NULL);
	return e;
}

static size_t
set_len(size_t len)
{
	hdr()->sadb_msg_len = (uint16_t)PFKEY_UNIT64(len);
	return len;
}

/* Append size bytes (a multiple of 8) and fix the header length. */
static size_t
append(size_t len, const void *data, size_t size)
{
	memcpy(buf() + len, data, size);
	return set_len(len + size);
}

/* Cut the extension of a type out of the message. */
static size_t
cut(size_t len, uint16_t type)
{
	uint8_t *e = ext(len, type);
	size_t elen = PFKEY_EXTLEN(e), off = (size_t)(e - buf());

	memmove(e, e + elen, len - off - elen);
	return set_len(len - elen);
}

static size_t
append_ext(size_t len, uint16_t type, uint16_t words)
{
	struct sadb_ext e[8];

	memset(e, 0, sizeof(e));
	e[0].sadb_ext_len = words;
	e[0].sadb_ext_type = type;
	return append(len, e, PFKEY_UNUNIT64((size_t)words));
}

static struct sockaddr *
addr_sa(size_t len, uint16_t type)
{
	return (struct sockaddr *)((uint8_t *)ext(len, type) +
	    sizeof(struct sadb_address));
}

static struct sadb_x_ipsecrequest *
first_request(size_t len)
{
	return (struct sadb_x_ipsecrequest *)((uint8_t *)ext(len,
	    SADB_X_EXT_POLICY) + sizeof(struct sadb_x_policy));
}

/* Framing. */
static size_t
m_tooshort(void)
{
	sample(SADB_FLUSH, 0);
	return 8;
}

static size_t
m_len_field(void)
{
	size_t len = sample(SADB_GET, 0);

	hdr()->sadb_msg_len++;
	return len;
}

static size_t
m_len_odd(void)
{
	return sample(SADB_FLUSH, 0) + 4;
}

static size_t
m_version(void)
{
	size_t len = sample(SADB_GET, 0);

	hdr()->sadb_msg_version = 1;
	return len;
}

static size_t
m_type0(void)
{
	size_t len = sample(SADB_FLUSH, 0);

	hdr()->sadb_msg_type = SADB_RESERVED;
	return len;
}

static size_t
m_type_max(void)
{
	size_t len = sample(SADB_FLUSH, 0);

	hdr()->sadb_msg_type = SADB_MAX + 1;
	return len;
}

static size_t
m_toobig(void)
{
	/* Nothing past the header is looked at: the size alone is refused. */
	sample(SADB_FLUSH, 0);
	return set_len(KEY_MSG_MAX + 8);
}

/* Header fields. */
static size_t
m_errno_add(void)
{
	size_t len = sample(SADB_ADD, 0);

	hdr()->sadb_msg_errno = EINVAL;
	return len;
}

static size_t
m_errno_acquire(void)
{
	size_t len = sample(SADB_FLUSH, 1);

	hdr()->sadb_msg_type = SADB_ACQUIRE;
	hdr()->sadb_msg_errno = ETIMEDOUT;
	return len;
}

static size_t
m_errno_acquire_seq0(void)
{
	size_t len = m_errno_acquire();

	hdr()->sadb_msg_seq = 0;
	return len;
}

static size_t
m_errno_acquire_exts(void)
{
	size_t len = sample(SADB_ACQUIRE, 0);

	hdr()->sadb_msg_errno = ETIMEDOUT;
	return len;
}

static size_t
m_acquire_bare(void)
{
	size_t len = m_errno_acquire();

	hdr()->sadb_msg_errno = 0;
	return len;
}

static size_t
m_reserved(void)
{
	size_t len = sample(SADB_FLUSH, 0);

	hdr()->sadb_msg_reserved = 1;
	return len;
}

/* Extension framing. */
static size_t
m_extlen0(void)
{
	size_t len = sample(SADB_GET, 0);

	((struct sadb_ext *)ext(len, SADB_EXT_SA))->sadb_ext_len = 0;
	return len;
}

static size_t
m_extlen_over(void)
{
	size_t len = sample(SADB_GET, 0);

	((struct sadb_ext *)ext(len, SADB_EXT_ADDRESS_DST))->sadb_ext_len++;
	return len;
}

static size_t
m_exttype0(void)
{
	return append_ext(sample(SADB_GET, 0), SADB_EXT_RESERVED, 1);
}

static size_t
m_exttype_unknown(void)
{
	return append_ext(sample(SADB_GET, 0), SADB_EXT_MAX + 1, 1);
}

static size_t
m_exttype_huge(void)
{
	return append_ext(sample(SADB_GET, 0), 0xffff, 1);
}

static size_t
m_dupext(void)
{
	size_t len = sample(SADB_GET, 0);

	return append(len, ext(len, SADB_EXT_SA), sizeof(struct sadb_sa));
}

static size_t
m_sa_size(void)
{
	size_t len = sample(SADB_GET, 0);

	((struct sadb_ext *)ext(len, SADB_EXT_SA))->sadb_ext_len = 3;
	return len;
}

static size_t
m_lifetime_size(void)
{
	return append_ext(sample(SADB_ADD, 0), SADB_EXT_LIFETIME_HARD, 3);
}

static size_t
m_spirange_size(void)
{
	return append_ext(sample(SADB_GETSPI, 0), SADB_EXT_SPIRANGE, 1);
}

static size_t
m_sa_replay_size(void)
{
	return append_ext(sample(SADB_ADD, 0), SADB_X_EXT_SA_REPLAY, 2);
}

static size_t
m_natt_type_size(void)
{
	return append_ext(sample(SADB_ADD, 0), SADB_X_EXT_NAT_T_TYPE, 2);
}

/* Addresses. */
static size_t
m_addr_unix(void)
{
	size_t len = sample(SADB_GET, 0);

	addr_sa(len, SADB_EXT_ADDRESS_SRC)->sa_family = AF_UNIX;
	return len;
}

static size_t
m_addr_len(void)
{
	size_t len = sample(SADB_GET, 1);

	/* An IPv4 sockaddr in an extension sized for IPv6. */
	addr_sa(len, SADB_EXT_ADDRESS_SRC)->sa_family = AF_INET;
	addr_sa(len, SADB_EXT_ADDRESS_DST)->sa_family = AF_INET;
	return len;
}

static size_t
m_prefix4(void)
{
	size_t len = sample(SADB_X_SPDADD, 0);

	((struct sadb_address *)ext(len, SADB_EXT_ADDRESS_DST))->
	    sadb_address_prefixlen = 33;
	return len;
}

static size_t
m_prefix6(void)
{
	size_t len = sample(SADB_X_SPDADD, 1);

	((struct sadb_address *)ext(len, SADB_EXT_ADDRESS_SRC))->
	    sadb_address_prefixlen = 129;
	return len;
}

static size_t
m_prefix6_full(void)
{
	size_t len = sample(SADB_X_SPDADD, 1);

	((struct sadb_address *)ext(len, SADB_EXT_ADDRESS_SRC))->
	    sadb_address_prefixlen = 128;
	return len;
}

static size_t
m_addr_reserved(void)
{
	size_t len = sample(SADB_GET, 0);

	((struct sadb_address *)ext(len, SADB_EXT_ADDRESS_DST))->
	    sadb_address_reserved = 1;
	return len;
}

static size_t
m_proxy_unix(void)
{
	size_t len = sample(SADB_GET, 0);
	struct {
		struct sadb_address a;
		struct sockaddr_un sun;
	} p;

	memset(&p, 0, sizeof(p));
	p.a.sadb_address_len = PFKEY_UNIT64(sizeof(p.a) + 16);
	p.a.sadb_address_exttype = SADB_EXT_ADDRESS_PROXY;
	p.sun.sun_family = AF_UNIX;
	return append(len, &p, sizeof(p.a) + 16);
}

static size_t
m_addr_empty(void)
{
	return append_ext(sample(SADB_GET, 0), SADB_EXT_ADDRESS_PROXY, 1);
}

/* Keys. */
static size_t
m_key_bits0(void)
{
	size_t len = sample(SADB_ADD, 0);

	((struct sadb_key *)ext(len, SADB_EXT_KEY_ENCRYPT))->sadb_key_bits = 0;
	return len;
}

static size_t
m_key_bits_big(void)
{
	size_t len = sample(SADB_ADD, 0);

	((struct sadb_key *)ext(len, SADB_EXT_KEY_ENCRYPT))->sadb_key_bits =
	    129 + 64;
	return len;
}

static size_t
m_key_reserved(void)
{
	size_t len = sample(SADB_ADD, 0);

	((struct sadb_key *)ext(len, SADB_EXT_KEY_AUTH))->sadb_key_reserved =
	    1;
	return len;
}

/* Identities. */
static size_t
m_ident_nonul(void)
{
	size_t len = sample(SADB_ADD, 2);
	uint8_t *e = ext(len, SADB_EXT_IDENTITY_SRC);

	memset(e + sizeof(struct sadb_ident), 'x',
	    PFKEY_EXTLEN(e) - sizeof(struct sadb_ident));
	return len;
}

static size_t
m_ident_type(void)
{
	size_t len = sample(SADB_ADD, 2);

	((struct sadb_ident *)ext(len, SADB_EXT_IDENTITY_DST))->
	    sadb_ident_type = SADB_IDENTTYPE_MAX + 1;
	return len;
}

static size_t
m_ident_addr_family(void)
{
	size_t len = sample(SADB_ADD, 2);

	((struct sadb_ident *)ext(len, SADB_EXT_IDENTITY_DST))->
	    sadb_ident_type = SADB_X_IDENTTYPE_ADDR;
	return len;
}

static size_t
m_ident_empty(void)
{
	struct sadb_ident id;

	memset(&id, 0, sizeof(id));
	id.sadb_ident_len = PFKEY_UNIT64(sizeof(id));
	id.sadb_ident_exttype = SADB_EXT_IDENTITY_SRC;
	id.sadb_ident_type = SADB_IDENTTYPE_USERFQDN;
	id.sadb_ident_id = 1000;
	return append(sample(SADB_ADD, 0), &id, sizeof(id));
}

/* Sensitivity, proposal, supported, spirange. */
static size_t
m_sens_size(void)
{
	size_t len = sample(SADB_ADD, 2);

	((struct sadb_sens *)ext(len, SADB_EXT_SENSITIVITY))->
	    sadb_sens_integ_len = 2;
	return len;
}

static size_t
m_prop_partial(void)
{
	size_t len = sample(SADB_ACQUIRE, 0);
	static const uint64_t zero;

	/* The proposal is last: grow it from one comb to one comb + 8. */
	((struct sadb_ext *)ext(len, SADB_EXT_PROPOSAL))->sadb_ext_len++;
	return append(len, &zero, sizeof(zero));
}

static size_t
m_comb_reserved(void)
{
	size_t len = sample(SADB_ACQUIRE, 2);
	struct sadb_comb *c = (struct sadb_comb *)((uint8_t *)ext(len,
	    SADB_EXT_PROPOSAL) + sizeof(struct sadb_prop));

	c[1].sadb_comb_reserved = 1;
	return len;
}

static size_t
m_prop_reserved(void)
{
	size_t len = sample(SADB_ACQUIRE, 0);

	((struct sadb_prop *)ext(len, SADB_EXT_PROPOSAL))->
	    sadb_prop_reserved[2] = 1;
	return len;
}

static size_t
m_supported_reserved(void)
{
	struct {
		struct sadb_supported s;
		struct sadb_alg a;
	} sup;

	memset(&sup, 0, sizeof(sup));
	sup.s.sadb_supported_len = PFKEY_UNIT64(sizeof(sup));
	sup.s.sadb_supported_exttype = SADB_EXT_SUPPORTED_AUTH;
	sup.a.sadb_alg_reserved = 1;
	return append(sample(SADB_REGISTER, 0), &sup, sizeof(sup));
}

static size_t
m_spirange_minmax(void)
{
	size_t len = sample(SADB_GETSPI, 2);
	struct sadb_spirange *r = ext(len, SADB_EXT_SPIRANGE);

	r->sadb_spirange_min = r->sadb_spirange_max + 1;
	return len;
}

static size_t
m_spirange_single(void)
{
	size_t len = sample(SADB_GETSPI, 2);
	struct sadb_spirange *r = ext(len, SADB_EXT_SPIRANGE);

	r->sadb_spirange_min = r->sadb_spirange_max;
	return len;
}

static size_t
m_spirange_reserved(void)
{
	size_t len = sample(SADB_GETSPI, 2);

	((struct sadb_spirange *)ext(len, SADB_EXT_SPIRANGE))->
	    sadb_spirange_reserved = 1;
	return len;
}

/* Policies and their requests. */
static size_t
m_req_len0(void)
{
	size_t len = sample(SADB_X_SPDADD, 2);

	first_request(len)->sadb_x_ipsecrequest_len = 0;
	return len;
}

static size_t
m_req_len12(void)
{
	size_t len = sample(SADB_X_SPDADD, 2);

	first_request(len)->sadb_x_ipsecrequest_len = 12;
	return len;
}

static size_t
m_req_over(void)
{
	size_t len = sample(SADB_X_SPDADD, 2);

	first_request(len)->sadb_x_ipsecrequest_len = 200;
	return len;
}

static size_t
m_req_mixed(void)
{
	size_t len = sample(SADB_X_SPDADD, 2);
	uint8_t *r = (uint8_t *)first_request(len);

	((struct sockaddr *)(r + 8 + sizeof(struct sockaddr_in)))->sa_family =
	    AF_INET6;
	return len;
}

static size_t
m_req_unix(void)
{
	size_t len = sample(SADB_X_SPDADD, 3);

	((struct sockaddr *)(first_request(len) + 1))->sa_family = AF_UNIX;
	return len;
}

/* A policy whose request has room for one IPv4 sockaddr only. */
static size_t
m_req_one_addr(void)
{
	struct {
		struct sadb_x_policy p;
		struct sadb_x_ipsecrequest r;
		struct sockaddr_in sin;
	} pol;
	size_t len = cut(sample(SADB_X_SPDADD, 0), SADB_X_EXT_POLICY);

	memset(&pol, 0, sizeof(pol));
	pol.p.sadb_x_policy_len = PFKEY_UNIT64(sizeof(pol));
	pol.p.sadb_x_policy_exttype = SADB_X_EXT_POLICY;
	pol.p.sadb_x_policy_type = IPSEC_POLICY_IPSEC;
	pol.p.sadb_x_policy_dir = IPSEC_DIR_OUTBOUND;
	pol.r.sadb_x_ipsecrequest_len = sizeof(pol.r) + sizeof(pol.sin);
	pol.r.sadb_x_ipsecrequest_proto = IPPROTO_ESP;
	pol.r.sadb_x_ipsecrequest_mode = IPSEC_MODE_TUNNEL;
	pol.sin.sin_family = AF_INET;
	return append(len, &pol, sizeof(pol));
}

/* Small fixed extensions' reserved fields. */
static size_t
m_sa2_reserved(void)
{
	size_t len = sample(SADB_ADD, 0);

	((struct sadb_x_sa2 *)ext(len, SADB_X_EXT_SA2))->
	    sadb_x_sa2_reserved2 = 1;
	return len;
}

static size_t
m_natt_type_reserved(void)
{
	size_t len = sample(SADB_ADD, 2);

	((struct sadb_x_nat_t_type *)ext(len, SADB_X_EXT_NAT_T_TYPE))->
	    sadb_x_nat_t_type_reserved[1] = 1;
	return len;
}

static size_t
m_natt_port_reserved(void)
{
	size_t len = sample(SADB_ADD, 2);

	((struct sadb_x_nat_t_port *)ext(len, SADB_X_EXT_NAT_T_DPORT))->
	    sadb_x_nat_t_port_reserved = 1;
	return len;
}

static size_t
m_natt_frag_reserved(void)
{
	size_t len = sample(SADB_ADD, 2);

	((struct sadb_x_nat_t_frag *)ext(len, SADB_X_EXT_NAT_T_FRAG))->
	    sadb_x_nat_t_frag_reserved = 1;
	return len;
}

/* Allowed and required extensions per message type. */
static size_t
m_add_spirange(void)
{
	size_t len = sample(SADB_ADD, 0);
	struct sadb_spirange r;

	memset(&r, 0, sizeof(r));
	r.sadb_spirange_len = PFKEY_UNIT64(sizeof(r));
	r.sadb_spirange_exttype = SADB_EXT_SPIRANGE;
	return append(len, &r, sizeof(r));
}

static size_t
m_flush_sa(void)
{
	struct sadb_sa sa;

	memset(&sa, 0, sizeof(sa));
	sa.sadb_sa_len = PFKEY_UNIT64(sizeof(sa));
	sa.sadb_sa_exttype = SADB_EXT_SA;
	return append(sample(SADB_FLUSH, 0), &sa, sizeof(sa));
}

static size_t
m_dump_sa(void)
{
	struct sadb_sa sa;

	memset(&sa, 0, sizeof(sa));
	sa.sadb_sa_len = PFKEY_UNIT64(sizeof(sa));
	sa.sadb_sa_exttype = SADB_EXT_SA;
	return append(sample(SADB_DUMP, 1), &sa, sizeof(sa));
}

static size_t
m_spdflush_policy(void)
{
	size_t len = sample(SADB_X_SPDGET, 0);

	hdr()->sadb_msg_type = SADB_X_SPDFLUSH;
	return len;
}

static size_t
m_spddump_policy(void)
{
	size_t len = sample(SADB_X_SPDGET, 0);

	hdr()->sadb_msg_type = SADB_X_SPDDUMP;
	return len;
}

static size_t
m_add_newaddr(void)
{
	size_t len = sample(SADB_UPDATE, 2);

	hdr()->sadb_msg_type = SADB_ADD;
	return cut(len, SADB_EXT_LIFETIME_CURRENT);
}

static size_t
m_get_natt(void)
{
	size_t len = sample(SADB_GET, 0);
	struct sadb_x_nat_t_type t;

	memset(&t, 0, sizeof(t));
	t.sadb_x_nat_t_type_len = PFKEY_UNIT64(sizeof(t));
	t.sadb_x_nat_t_type_exttype = SADB_X_EXT_NAT_T_TYPE;
	return append(len, &t, sizeof(t));
}

static size_t
m_getspi_key(void)
{
	size_t len = sample(SADB_ADD, 0);

	hdr()->sadb_msg_type = SADB_GETSPI;
	len = cut(len, SADB_EXT_SA);
	return cut(len, SADB_X_EXT_SA2);
}

static size_t
m_spdget_addrs(void)
{
	size_t len = sample(SADB_X_SPDDELETE, 0);

	hdr()->sadb_msg_type = SADB_X_SPDGET;
	return len;
}

static size_t
m_register_ext(void)
{
	size_t len = sample(SADB_X_SPDGET, 0);

	hdr()->sadb_msg_type = SADB_REGISTER;
	return len;
}

static size_t
m_add_no_sa(void)
{
	return cut(sample(SADB_ADD, 0), SADB_EXT_SA);
}

static size_t
m_add_no_dst(void)
{
	return cut(sample(SADB_ADD, 0), SADB_EXT_ADDRESS_DST);
}

static size_t
m_update_no_sa(void)
{
	return cut(sample(SADB_UPDATE, 0), SADB_EXT_SA);
}

static size_t
m_get_no_sa(void)
{
	return cut(sample(SADB_GET, 0), SADB_EXT_SA);
}

static size_t
m_getspi_no_src(void)
{
	return cut(sample(SADB_GETSPI, 0), SADB_EXT_ADDRESS_SRC);
}

static size_t
m_delete_no_sa(void)
{
	return sample(SADB_DELETE, 0);
}

static size_t
m_spdadd_no_policy(void)
{
	return cut(sample(SADB_X_SPDADD, 0), SADB_X_EXT_POLICY);
}

static size_t
m_spdadd_no_dst(void)
{
	return cut(sample(SADB_X_SPDADD, 0), SADB_EXT_ADDRESS_DST);
}

static size_t
m_spddelete2_no_policy(void)
{
	return cut(sample(SADB_X_SPDDELETE2, 0), SADB_X_EXT_POLICY);
}

static size_t
m_acquire_no_prop(void)
{
	return cut(sample(SADB_ACQUIRE, 0), SADB_EXT_PROPOSAL);
}

static size_t
m_expire_no_current(void)
{
	return cut(sample(SADB_EXPIRE, 0), SADB_EXT_LIFETIME_CURRENT);
}

/* The address pair. */
static size_t
m_pair_family(void)
{
	size_t len = sample(SADB_GET, 0);
	struct {
		struct sadb_address a;
		struct sockaddr_in6 sin6;
		uint32_t pad;
	} d;

	len = cut(len, SADB_EXT_ADDRESS_DST);
	memset(&d, 0, sizeof(d));
	d.a.sadb_address_len = PFKEY_UNIT64(sizeof(d));
	d.a.sadb_address_exttype = SADB_EXT_ADDRESS_DST;
	d.a.sadb_address_proto = IPSEC_ULPROTO_ANY;
	d.sin6.sin6_family = AF_INET6;
	return append(len, &d, sizeof(d));
}

static size_t
m_pair_proto(void)
{
	size_t len = sample(SADB_X_SPDADD, 0);

	((struct sadb_address *)ext(len, SADB_EXT_ADDRESS_DST))->
	    sadb_address_proto = IPPROTO_UDP;
	return len;
}

static size_t
m_pair_lonely(void)
{
	return cut(sample(SADB_X_SPDACQUIRE, 2), SADB_EXT_ADDRESS_DST);
}

static size_t
m_promisc_on(void)
{
	return sample(SADB_X_PROMISC, 1);
}

static const struct bad_case {
	const char	*what;
	size_t		(*make)(void);
	int		 error;
	size_t		 counter;
} cases[] = {
	{ "shorter than a header", m_tooshort, EINVAL, CTR(out_tooshort) },
	{ "sadb_msg_len != size", m_len_field, EINVAL, CTR(out_invlen) },
	{ "size not a multiple of 8", m_len_odd, EINVAL, CTR(out_invlen) },
	{ "version 1", m_version, EINVAL, CTR(out_invver) },
	{ "type 0", m_type0, EINVAL, CTR(out_invmsgtype) },
	{ "type SADB_MAX + 1", m_type_max, EINVAL, CTR(out_invmsgtype) },
	{ "larger than KEY_MSG_MAX", m_toobig, ENOBUFS, CTR(out_invlen) },
	{ "errno set on ADD", m_errno_add, EINVAL, NO_COUNTER },
	{ "ACQUIRE errno form", m_errno_acquire, 0, NO_COUNTER },
	{ "ACQUIRE errno form, seq 0", m_errno_acquire_seq0, EINVAL,
	    NO_COUNTER },
	{ "ACQUIRE errno with extensions", m_errno_acquire_exts, EINVAL,
	    NO_COUNTER },
	{ "ACQUIRE bare without errno", m_acquire_bare, EINVAL,
	    CTR(out_invexttype) },
	{ "reserved set", m_reserved, EINVAL, NO_COUNTER },
	{ "extension length 0", m_extlen0, EINVAL, CTR(out_invlen) },
	{ "extension past the end", m_extlen_over, EINVAL, CTR(out_invlen) },
	{ "extension type 0", m_exttype0, EINVAL, CTR(out_invexttype) },
	{ "extension type SADB_EXT_MAX + 1", m_exttype_unknown, EINVAL,
	    CTR(out_invexttype) },
	{ "extension type 0xffff", m_exttype_huge, EINVAL,
	    CTR(out_invexttype) },
	{ "duplicate SA", m_dupext, EINVAL, CTR(out_dupext) },
	{ "SA of 24 bytes", m_sa_size, EINVAL, CTR(out_invlen) },
	{ "lifetime of 24 bytes", m_lifetime_size, EINVAL, CTR(out_invlen) },
	{ "spirange of 8 bytes", m_spirange_size, EINVAL, CTR(out_invlen) },
	{ "SA_REPLAY of 16 bytes", m_sa_replay_size, EINVAL,
	    CTR(out_invlen) },
	{ "NAT_T_TYPE of 16 bytes", m_natt_type_size, EINVAL,
	    CTR(out_invlen) },
	{ "address AF_UNIX", m_addr_unix, EAFNOSUPPORT, CTR(out_invaddr) },
	{ "IPv4 sockaddr in IPv6-sized ext", m_addr_len, EINVAL,
	    CTR(out_invaddr) },
	{ "IPv4 prefix 33", m_prefix4, EINVAL, CTR(out_invaddr) },
	{ "IPv6 prefix 129", m_prefix6, EINVAL, CTR(out_invaddr) },
	{ "IPv6 prefix 128", m_prefix6_full, 0, NO_COUNTER },
	{ "address reserved set", m_addr_reserved, EINVAL, NO_COUNTER },
	{ "proxy AF_UNIX", m_proxy_unix, EAFNOSUPPORT, CTR(out_invaddr) },
	{ "address without sockaddr", m_addr_empty, EINVAL,
	    CTR(out_invlen) },
	{ "key of 0 bits", m_key_bits0, EINVAL, NO_COUNTER },
	{ "key bits beyond the ext", m_key_bits_big, EINVAL,
	    CTR(out_invlen) },
	{ "key reserved set", m_key_reserved, EINVAL, NO_COUNTER },
	{ "identity without NUL", m_ident_nonul, EINVAL, NO_COUNTER },
	{ "identity type 5", m_ident_type, EINVAL, NO_COUNTER },
	{ "ADDR identity holding text", m_ident_addr_family, EAFNOSUPPORT,
	    CTR(out_invaddr) },
	{ "identity with id only", m_ident_empty, 0, NO_COUNTER },
	{ "sensitivity bitmaps too long", m_sens_size, EINVAL,
	    CTR(out_invlen) },
	{ "proposal with a partial comb", m_prop_partial, EINVAL,
	    CTR(out_invlen) },
	{ "comb reserved set", m_comb_reserved, EINVAL, NO_COUNTER },
	{ "proposal reserved set", m_prop_reserved, EINVAL, NO_COUNTER },
	{ "supported alg reserved set", m_supported_reserved, EINVAL,
	    NO_COUNTER },
	{ "spirange min > max", m_spirange_minmax, EINVAL, NO_COUNTER },
	{ "spirange min == max", m_spirange_single, 0, NO_COUNTER },
	{ "spirange reserved set", m_spirange_reserved, EINVAL, NO_COUNTER },
	{ "request length 0", m_req_len0, EINVAL, CTR(out_invlen) },
	{ "request length 12", m_req_len12, EINVAL, CTR(out_invlen) },
	{ "request past the policy", m_req_over, EINVAL, CTR(out_invlen) },
	{ "request with mixed families", m_req_mixed, EINVAL,
	    CTR(out_invaddr) },
	{ "request with AF_UNIX", m_req_unix, EAFNOSUPPORT,
	    CTR(out_invaddr) },
	{ "request with one sockaddr", m_req_one_addr, EINVAL,
	    CTR(out_invlen) },
	{ "SA2 reserved set", m_sa2_reserved, EINVAL, NO_COUNTER },
	{ "NAT_T_TYPE reserved set", m_natt_type_reserved, EINVAL,
	    NO_COUNTER },
	{ "NAT_T_DPORT reserved set", m_natt_port_reserved, EINVAL,
	    NO_COUNTER },
	{ "NAT_T_FRAG reserved set", m_natt_frag_reserved, EINVAL,
	    NO_COUNTER },
	{ "ADD with SPIRANGE", m_add_spirange, EINVAL, CTR(out_invexttype) },
	{ "FLUSH with SA", m_flush_sa, EINVAL, CTR(out_invexttype) },
	{ "DUMP with SA", m_dump_sa, EINVAL, CTR(out_invexttype) },
	{ "SPDFLUSH with policy", m_spdflush_policy, EINVAL,
	    CTR(out_invexttype) },
	{ "SPDDUMP with policy", m_spddump_policy, EINVAL,
	    CTR(out_invexttype) },
	{ "ADD with NEW_ADDRESS", m_add_newaddr, EINVAL,
	    CTR(out_invexttype) },
	{ "GET with NAT_T_TYPE", m_get_natt, EINVAL, CTR(out_invexttype) },
	{ "GETSPI with keys", m_getspi_key, EINVAL, CTR(out_invexttype) },
	{ "SPDGET with addresses", m_spdget_addrs, EINVAL,
	    CTR(out_invexttype) },
	{ "REGISTER with policy", m_register_ext, EINVAL,
	    CTR(out_invexttype) },
	{ "ADD without SA", m_add_no_sa, EINVAL, CTR(out_invexttype) },
	{ "ADD without DST", m_add_no_dst, EINVAL, CTR(out_invexttype) },
	{ "UPDATE without SA", m_update_no_sa, EINVAL, CTR(out_invexttype) },
	{ "GET without SA", m_get_no_sa, EINVAL, CTR(out_invexttype) },
	{ "GETSPI without SRC", m_getspi_no_src, EINVAL,
	    CTR(out_invexttype) },
	{ "DELETE without SA (deleteall)", m_delete_no_sa, 0, NO_COUNTER },
	{ "SPDADD without policy", m_spdadd_no_policy, EINVAL,
	    CTR(out_invexttype) },
	{ "SPDADD without DST", m_spdadd_no_dst, EINVAL,
	    CTR(out_invexttype) },
	{ "SPDDELETE2 without policy", m_spddelete2_no_policy, EINVAL,
	    CTR(out_invexttype) },
	{ "ACQUIRE without proposal", m_acquire_no_prop, EINVAL,
	    CTR(out_invexttype) },
	{ "EXPIRE without current lifetime", m_expire_no_current, EINVAL,
	    CTR(out_invexttype) },
	{ "SRC IPv4, DST IPv6", m_pair_family, EINVAL, CTR(out_invaddr) },
	{ "SRC and DST protocols differ", m_pair_proto, EINVAL,
	    CTR(out_invaddr) },
	{ "SRC without DST", m_pair_lonely, EINVAL, CTR(out_invaddr) },
	{ "X_PROMISC on", m_promisc_on, 0, NO_COUNTER },
};

static void
run_case(const struct bad_case *c)
{
	struct pfkeystat before = pfkeystat;
	struct key_msg m;
	size_t len, i;
	int error;

	len = c->make();
	error = key_parse(msgbuf, len, &m);
	if (error != c->error)
		fprintf(stderr, "%s: got %d, want %d\n", c->what, error,
		    c->error);
	CU_ASSERT_EQUAL(error, c->error);
	CU_ASSERT_EQUAL(pfkeystat.out_total, before.out_total + 1);
	CU_ASSERT_EQUAL(pfkeystat.out_bytes, before.out_bytes + len);
	for (i = 0; i < sizeof(error_counters) / sizeof(error_counters[0]);
	    i++) {
		if (counter(&pfkeystat, error_counters[i]) -
		    counter(&before, error_counters[i]) !=
		    (error_counters[i] == c->counter ? 1u : 0u)) {
			fprintf(stderr, "%s: counter at %zu wrong\n", c->what,
			    error_counters[i]);
			CU_FAIL("counter");
		}
	}
	if (error == 0) {
		CU_ASSERT_PTR_EQUAL(m.hdr, (const void *)msgbuf);
		CU_ASSERT_EQUAL(m.len, len);
	} else {
		CU_ASSERT_PTR_NULL(m.hdr);
		CU_ASSERT_EQUAL(m.len, 0);
	}
}

static void
test_rules(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
}

/*
 * The satype rules written out naively, straight from the reference: to
 * compare with the parser's tables over every type and satype value.
 */
static int
reference_satype_error(uint8_t type, uint8_t satype)
{
	bool sa_msg = type == SADB_GETSPI || type == SADB_UPDATE ||
	    type == SADB_ADD || type == SADB_DELETE || type == SADB_GET ||
	    type == SADB_ACQUIRE || type == SADB_EXPIRE ||
	    type == SADB_X_NAT_T_NEW_MAPPING;
	bool spd_msg = type >= SADB_X_SPDUPDATE && type <= SADB_X_SPDDELETE2;

	switch (satype) {
	case SADB_SATYPE_UNSPEC:
		return sa_msg ? EINVAL : 0;
	case 1:
		return type == SADB_X_PROMISC ? 0 : EINVAL;
	case SADB_SATYPE_AH:
	case SADB_SATYPE_ESP:
	case SADB_X_SATYPE_IPCOMP:
	case SADB_X_SATYPE_TCPSIGNATURE:
		return spd_msg || type == SADB_X_PROMISC ? EINVAL : 0;
	case SADB_SATYPE_RSVP:
	case SADB_SATYPE_OSPFV2:
	case SADB_SATYPE_RIPV2:
	case SADB_SATYPE_MIP:
		return EOPNOTSUPP;
	default:
		return EINVAL;
	}
}

static void
test_satype_matrix(void)
{
	struct key_msg m;
	unsigned int type, satype;
	uint64_t before;
	size_t len;
	int want, got;

	for (type = 1; type <= SADB_MAX; type++) {
		for (satype = 0; satype < 256; satype++) {
			len = sample(type, 0);
			hdr()->sadb_msg_satype = satype;
			want = reference_satype_error(type, satype);
			before = pfkeystat.out_invsatype;
			got = key_parse(msgbuf, len, &m);
			if (got != want)
				fprintf(stderr, "type %u satype %u: %d != %d\n",
				    type, satype, got, want);
			CU_ASSERT_EQUAL(got, want);
			CU_ASSERT_EQUAL(pfkeystat.out_invsatype - before,
			    want != 0 ? 1u : 0u);
		}
	}
}

/* Every sample of every type parses, and ext[] points at each extension. */
static void
test_valid_every_type(void)
{
	struct key_msg m;
	const struct sadb_ext *e;
	unsigned int type, v, found, set, t;
	uint64_t before;
	size_t len, off;

	for (type = 1; type <= SADB_MAX; type++) {
		for (v = 0; v < PFKEY_MSG_VARIANTS; v++) {
			len = sample(type, v);
			before = pfkeystat.out_msgtype[type];
			CU_ASSERT_EQUAL_FATAL(key_parse(msgbuf, len, &m), 0);
			CU_ASSERT_EQUAL(pfkeystat.out_msgtype[type],
			    before + 1);
			CU_ASSERT_PTR_EQUAL(m.hdr, (const void *)msgbuf);
			CU_ASSERT_EQUAL(m.len, len);
			found = 0;
			for (off = sizeof(struct sadb_msg); off < len;
			    off += PFKEY_EXTLEN(e)) {
				e = (const void *)(buf() + off);
				CU_ASSERT_PTR_EQUAL(m.ext[e->sadb_ext_type],
				    e);
				found++;
			}
			for (set = 0, t = 0; t <= SADB_EXT_MAX; t++)
				set += m.ext[t] != NULL;
			CU_ASSERT_EQUAL(set, found);
			CU_ASSERT_PTR_NULL(m.ext[0]);
		}
	}
}

static void
test_misaligned(void)
{
	struct key_msg m;
	size_t len = sample(SADB_GET, 0);

	memmove(buf() + 4, buf(), len);
	CU_ASSERT_EQUAL(key_parse(buf() + 4, len, &m), EINVAL);
	CU_ASSERT_PTR_NULL(m.hdr);
}

/* Every prefix of every sample is refused, without reading past it. */
static void
test_truncations(void)
{
	struct key_msg m;
	unsigned int type;
	uint8_t *copy;
	size_t len, cut_at;

	for (type = 1; type <= SADB_MAX; type++) {
		len = sample(type, 3);
		for (cut_at = 0; cut_at < len; cut_at++) {
			/* A heap copy of exactly cut_at bytes, for ASan. */
			copy = malloc(cut_at + 1);
			CU_ASSERT_FATAL(copy != NULL);
			memcpy(copy, msgbuf, cut_at);
			CU_ASSERT_NOT_EQUAL(key_parse(copy, cut_at, &m), 0);
			free(copy);
		}
	}
}

/*
 * Ground truth, written byte by byte from RFC 2367's layouts (host order
 * on a little-endian machine): SADB_GET for ESP SPI 0x1234 between
 * 192.0.2.1 and 192.0.2.2.
 */
static const uint8_t get_bytes[] = {
	/* sadb_msg: version, type, errno, satype, len 10, reserved */
	0x02, 0x05, 0x00, 0x03, 0x0a, 0x00, 0x00, 0x00,
	/* seq 0x1234, pid 4242 */
	0x34, 0x12, 0x00, 0x00, 0x92, 0x10, 0x00, 0x00,
	/* sadb_sa: len 2, type 1, spi 0x1234 in network order */
	0x02, 0x00, 0x01, 0x00, 0x00, 0x00, 0x12, 0x34,
	/* replay 4, state mature, auth sha1, enc aes-cbc, flags CYCSEQ */
	0x04, 0x01, 0x03, 0x0c, 0x40, 0x00, 0x00, 0x00,
	/* sadb_address: len 3, type SRC, proto any, prefix 32, reserved */
	0x03, 0x00, 0x05, 0x00, 0xff, 0x20, 0x00, 0x00,
	/* sockaddr_in: AF_INET, port 0, 192.0.2.1, zero */
	0x02, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x02, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* sadb_address: len 3, type DST */
	0x03, 0x00, 0x06, 0x00, 0xff, 0x20, 0x00, 0x00,
	0x02, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x02, 0x02,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/*
 * SADB_X_SPDADD 10.0.0.0/8 -> 10.1.0.0/16 any, out ipsec
 * esp/tunnel/192.0.2.1-192.0.2.2/unique:100.
 */
static const uint8_t spdadd_bytes[] = {
	0x02, 0x0e, 0x00, 0x00, 0x0f, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00,
	0x03, 0x00, 0x05, 0x00, 0xff, 0x08, 0x00, 0x00,
	0x02, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x03, 0x00, 0x06, 0x00, 0xff, 0x10, 0x00, 0x00,
	0x02, 0x00, 0x00, 0x00, 0x0a, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* sadb_x_policy: len 7, type 18, IPSEC, dir out, scope 0, id 0 */
	0x07, 0x00, 0x12, 0x00, 0x02, 0x00, 0x02, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* request: len 40 BYTES, proto 50, tunnel, unique, reqid 100 */
	0x28, 0x00, 0x32, 0x00, 0x02, 0x03, 0x64, 0x00,
	0x02, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x02, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x02, 0x02,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static bool
little_endian(void)
{
	const uint16_t one = 1;

	return *(const uint8_t *)&one == 1;
}

static void
test_bytes_get(void)
{
	struct sockaddr_in src, dst;
	struct key_msg m;
	struct key_buf b;
	const struct sadb_sa *sa;

	if (!little_endian())
		return;
	memcpy(msgbuf, get_bytes, sizeof(get_bytes));
	CU_ASSERT_EQUAL_FATAL(key_parse(msgbuf, sizeof(get_bytes), &m), 0);
	CU_ASSERT_PTR_EQUAL(m.ext[SADB_EXT_SA], buf() + 16);
	CU_ASSERT_PTR_EQUAL(m.ext[SADB_EXT_ADDRESS_SRC], buf() + 32);
	CU_ASSERT_PTR_EQUAL(m.ext[SADB_EXT_ADDRESS_DST], buf() + 56);
	sa = KEY_MSG_EXT(&m, SADB_EXT_SA, sadb_sa);
	CU_ASSERT_EQUAL(ntohl(sa->sadb_sa_spi), 0x1234);
	CU_ASSERT_EQUAL(key_msg_sockaddr(KEY_MSG_EXT(&m, SADB_EXT_ADDRESS_DST,
	    sadb_address))->sa_family, AF_INET);

	/* The builder writes the same bytes. */
	pfkey_msg_sin(&src, "192.0.2.1", 0);
	pfkey_msg_sin(&dst, "192.0.2.2", 0);
	key_buf_init_dynamic(&b);
	key_build_begin(&b, SADB_GET, SADB_SATYPE_ESP, 0x1234, 4242);
	key_build_sa(&b, htonl(0x1234), 4, SADB_SASTATE_MATURE,
	    SADB_AALG_SHA1HMAC, SADB_X_EALG_AESCBC, SADB_X_EXT_CYCSEQ);
	key_build_address(&b, SADB_EXT_ADDRESS_SRC, (void *)&src, 32, 255);
	key_build_address(&b, SADB_EXT_ADDRESS_DST, (void *)&dst, 32, 255);
	CU_ASSERT_EQUAL_FATAL(key_build_end(&b), 0);
	CU_ASSERT_EQUAL(key_buf_len(&b), sizeof(get_bytes));
	CU_ASSERT(memcmp(key_buf_data(&b), get_bytes, sizeof(get_bytes)) ==
	    0);
	key_buf_free(&b);
}

static void
test_bytes_spdadd(void)
{
	const struct sockaddr *s, *d;
	const struct sadb_x_policy *pol;
	const struct sadb_x_ipsecrequest *req;
	struct sockaddr_in src, dst, ts, td;
	struct key_msg m;
	struct key_buf b;

	if (!little_endian())
		return;
	memcpy(msgbuf, spdadd_bytes, sizeof(spdadd_bytes));
	CU_ASSERT_EQUAL_FATAL(key_parse(msgbuf, sizeof(spdadd_bytes), &m), 0);
	pol = KEY_MSG_EXT(&m, SADB_X_EXT_POLICY, sadb_x_policy);
	CU_ASSERT_PTR_EQUAL(pol, buf() + 64);
	req = key_msg_request_first(pol);
	CU_ASSERT_PTR_EQUAL(req, buf() + 80);
	CU_ASSERT_EQUAL(key_msg_request_addrs(req, &s, &d), 2);
	CU_ASSERT_PTR_EQUAL(s, buf() + 88);
	CU_ASSERT_PTR_EQUAL(d, buf() + 104);
	CU_ASSERT_PTR_NULL(key_msg_request_next(pol, req));

	pfkey_msg_sin(&src, "10.0.0.0", 0);
	pfkey_msg_sin(&dst, "10.1.0.0", 0);
	pfkey_msg_sin(&ts, "192.0.2.1", 0);
	pfkey_msg_sin(&td, "192.0.2.2", 0);
	key_buf_init_dynamic(&b);
	key_build_begin(&b, SADB_X_SPDADD, SADB_SATYPE_UNSPEC, 1, 7);
	key_build_address(&b, SADB_EXT_ADDRESS_SRC, (void *)&src, 8, 255);
	key_build_address(&b, SADB_EXT_ADDRESS_DST, (void *)&dst, 16, 255);
	key_build_policy(&b, IPSEC_POLICY_IPSEC, IPSEC_DIR_OUTBOUND, 0, 0);
	key_build_ipsecrequest(&b, IPPROTO_ESP, IPSEC_MODE_TUNNEL,
	    IPSEC_LEVEL_UNIQUE, 100, (void *)&ts, (void *)&td);
	CU_ASSERT_EQUAL_FATAL(key_build_end(&b), 0);
	CU_ASSERT_EQUAL(key_buf_len(&b), sizeof(spdadd_bytes));
	CU_ASSERT(memcmp(key_buf_data(&b), spdadd_bytes,
	    sizeof(spdadd_bytes)) == 0);
	key_buf_free(&b);
}

/* Requests of a policy, walked with the accessors. */
static void
test_request_walk(void)
{
	const struct sockaddr *s, *d;
	const struct sadb_x_policy *pol;
	const struct sadb_x_ipsecrequest *req;
	struct key_msg m;
	size_t len = sample(SADB_X_SPDADD, 3);
	int n = 0;

	CU_ASSERT_EQUAL_FATAL(key_parse(msgbuf, len, &m), 0);
	pol = KEY_MSG_EXT(&m, SADB_X_EXT_POLICY, sadb_x_policy);
	for (req = key_msg_request_first(pol); req != NULL;
	    req = key_msg_request_next(pol, req)) {
		if (n == 0) {
			CU_ASSERT_EQUAL(key_msg_request_addrs(req, &s, &d), 2);
			CU_ASSERT_EQUAL(s->sa_family, AF_INET6);
			CU_ASSERT_EQUAL(d->sa_family, AF_INET6);
			CU_ASSERT_EQUAL(req->sadb_x_ipsecrequest_reqid, 100);
		} else {
			CU_ASSERT_EQUAL(key_msg_request_addrs(req, &s, &d), 0);
			CU_ASSERT_PTR_NULL(s);
			CU_ASSERT_PTR_NULL(d);
		}
		n++;
	}
	CU_ASSERT_EQUAL(n, 2);
	len = sample(SADB_X_SPDADD, 0);
	CU_ASSERT_EQUAL_FATAL(key_parse(msgbuf, len, &m), 0);
	pol = KEY_MSG_EXT(&m, SADB_X_EXT_POLICY, sadb_x_policy);
	CU_ASSERT_PTR_NULL(key_msg_request_first(pol));
}

/* Replies: errno, reserved and any extension are fine; framing is not. */
static void
test_parse_reply(void)
{
	struct pfkeystat before = pfkeystat;
	struct key_msg m;
	size_t len;

	len = sample(SADB_ADD, 2);
	hdr()->sadb_msg_type = SADB_DUMP;
	hdr()->sadb_msg_reserved = 3;
	CU_ASSERT_EQUAL(key_parse_reply(msgbuf, len, &m), 0);
	CU_ASSERT_PTR_NOT_NULL(m.ext[SADB_EXT_KEY_AUTH]);
	len = m_errno_add();
	CU_ASSERT_EQUAL(key_parse_reply(msgbuf, len, &m), 0);
	len = m_dupext();
	CU_ASSERT_EQUAL(key_parse_reply(msgbuf, len, &m), EINVAL);
	len = m_addr_unix();
	CU_ASSERT_EQUAL(key_parse_reply(msgbuf, len, &m), EAFNOSUPPORT);
	len = m_pair_family();
	CU_ASSERT_EQUAL(key_parse_reply(msgbuf, len, &m), EINVAL);
	CU_ASSERT(memcmp(&before, &pfkeystat, sizeof(before)) == 0);
}

static const struct test_case parse_cases[] = {
	{ "rule table", test_rules },
	{ "satype matrix", test_satype_matrix },
	{ "valid messages of every type", test_valid_every_type },
	{ "misaligned buffer", test_misaligned },
	{ "truncated messages", test_truncations },
	{ "GET bytes", test_bytes_get },
	{ "SPDADD bytes", test_bytes_spdadd },
	{ "request walk", test_request_walk },
	{ "reply parsing", test_parse_reply },
	{ NULL, NULL },
};

const struct test_suite test_suites[] = {
	{ "key_parse", NULL, NULL, parse_cases },
	{ NULL, NULL, NULL, NULL },
};
