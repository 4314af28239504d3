/*
 * libFuzzer target for the PF_KEY message parser.
 *
 * Each input is parsed both as a message from user land (key_parse) and as
 * one from the key engine (key_parse_reply).  A refused input must come
 * back with one of the parser's errno values and nothing filled in.  An
 * accepted one is walked extension by extension, rebuilt with the typed
 * key_build functions (raw copies only for the opaque extensions), and the
 * rebuilt message must parse again with the same extensions present: the
 * builder can write everything the parser accepts.
 *
 * Seeds: tests/fuzz/key_parse.seeds/, written by gen_key_parse_seeds.c.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sys/netkey/key_build.h"
#include "sys/netkey/key_parse.h"

typedef int (*parse_fn)(const void *, size_t, struct key_msg *);
typedef void (*rebuild_fn)(struct key_buf *, const struct sadb_ext *);

/* The parser wants 8-byte alignment; libFuzzer's data has no promise. */
static uint64_t inbuf[KEY_MSG_MAX / 8];

static void
r_sa(struct key_buf *b, const struct sadb_ext *e)
{
	const struct sadb_sa *s = (const void *)e;

	key_build_sa(b, s->sadb_sa_spi, s->sadb_sa_replay, s->sadb_sa_state,
	    s->sadb_sa_auth, s->sadb_sa_encrypt, s->sadb_sa_flags);
}

static void
r_lifetime(struct key_buf *b, const struct sadb_ext *e)
{
	const struct sadb_lifetime *l = (const void *)e;

	key_build_lifetime(b, e->sadb_ext_type, l->sadb_lifetime_allocations,
	    l->sadb_lifetime_bytes, l->sadb_lifetime_addtime,
	    l->sadb_lifetime_usetime);
}

static void
r_address(struct key_buf *b, const struct sadb_ext *e)
{
	const struct sadb_address *a = (const void *)e;

	key_build_address(b, e->sadb_ext_type, key_msg_sockaddr(a),
	    a->sadb_address_prefixlen, a->sadb_address_proto);
}

static void
r_key(struct key_buf *b, const struct sadb_ext *e)
{
	const struct sadb_key *k = (const void *)e;

	key_build_key(b, e->sadb_ext_type, k + 1, k->sadb_key_bits);
}

/* Strings are rebuilt from the text; an ADDR identity is copied. */
static void
r_identity(struct key_buf *b, const struct sadb_ext *e)
{
	const struct sadb_ident *id = (const void *)e;

	if (id->sadb_ident_type == SADB_X_IDENTTYPE_ADDR)
		key_build_ext(b, e);
	else
		key_build_identity(b, e->sadb_ext_type, id->sadb_ident_type,
		    id->sadb_ident_id, (size_t)PFKEY_EXTLEN(e) > sizeof(*id) ?
		    (const char *)(id + 1) : NULL);
}

static void
r_proposal(struct key_buf *b, const struct sadb_ext *e)
{
	const struct sadb_prop *p = (const void *)e;

	key_build_proposal(b, p->sadb_prop_replay, (const void *)(p + 1),
	    (PFKEY_EXTLEN(e) - sizeof(*p)) / sizeof(struct sadb_comb));
}

static void
r_supported(struct key_buf *b, const struct sadb_ext *e)
{
	const struct sadb_supported *s = (const void *)e;

	key_build_supported(b, e->sadb_ext_type, (const void *)(s + 1),
	    (PFKEY_EXTLEN(e) - sizeof(*s)) / sizeof(struct sadb_alg));
}

static void
r_spirange(struct key_buf *b, const struct sadb_ext *e)
{
	const struct sadb_spirange *r = (const void *)e;

	key_build_spirange(b, r->sadb_spirange_min, r->sadb_spirange_max);
}

static void
r_policy(struct key_buf *b, const struct sadb_ext *e)
{
	const struct sadb_x_policy *p = (const void *)e;
	const struct sadb_x_ipsecrequest *r;
	const struct sockaddr *src, *dst;

	key_build_policy(b, p->sadb_x_policy_type, p->sadb_x_policy_dir,
	    p->sadb_x_policy_id, p->sadb_x_policy_priority);
	for (r = key_msg_request_first(p); r != NULL;
	    r = key_msg_request_next(p, r)) {
		key_msg_request_addrs(r, &src, &dst);
		key_build_ipsecrequest(b, r->sadb_x_ipsecrequest_proto,
		    r->sadb_x_ipsecrequest_mode, r->sadb_x_ipsecrequest_level,
		    r->sadb_x_ipsecrequest_reqid, src, dst);
	}
}

static void
r_sa2(struct key_buf *b, const struct sadb_ext *e)
{
	const struct sadb_x_sa2 *s = (const void *)e;

	key_build_sa2(b, s->sadb_x_sa2_mode, s->sadb_x_sa2_reqid,
	    s->sadb_x_sa2_sequence);
}

static void
r_nat_t_type(struct key_buf *b, const struct sadb_ext *e)
{
	key_build_nat_t_type(b,
	    ((const struct sadb_x_nat_t_type *)(const void *)e)->
	    sadb_x_nat_t_type_type);
}

static void
r_nat_t_port(struct key_buf *b, const struct sadb_ext *e)
{
	key_build_nat_t_port(b, e->sadb_ext_type,
	    ((const struct sadb_x_nat_t_port *)(const void *)e)->
	    sadb_x_nat_t_port_port);
}

static void
r_nat_t_frag(struct key_buf *b, const struct sadb_ext *e)
{
	key_build_nat_t_frag(b,
	    ((const struct sadb_x_nat_t_frag *)(const void *)e)->
	    sadb_x_nat_t_frag_fraglen);
}

static void
r_sa_replay(struct key_buf *b, const struct sadb_ext *e)
{
	key_build_sa_replay(b,
	    ((const struct sadb_x_sa_replay *)(const void *)e)->
	    sadb_x_sa_replay_replay);
}

/* Types without an entry (sensitivity, KMPRIVATE) are copied raw. */
static const rebuild_fn rebuilders[SADB_EXT_MAX + 1] = {
	[SADB_EXT_SA] = r_sa,
	[SADB_EXT_LIFETIME_CURRENT] = r_lifetime,
	[SADB_EXT_LIFETIME_HARD] = r_lifetime,
	[SADB_EXT_LIFETIME_SOFT] = r_lifetime,
	[SADB_EXT_ADDRESS_SRC] = r_address,
	[SADB_EXT_ADDRESS_DST] = r_address,
	[SADB_EXT_ADDRESS_PROXY] = r_address,
	[SADB_EXT_KEY_AUTH] = r_key,
	[SADB_EXT_KEY_ENCRYPT] = r_key,
	[SADB_EXT_IDENTITY_SRC] = r_identity,
	[SADB_EXT_IDENTITY_DST] = r_identity,
	[SADB_EXT_PROPOSAL] = r_proposal,
	[SADB_EXT_SUPPORTED_AUTH] = r_supported,
	[SADB_EXT_SUPPORTED_ENCRYPT] = r_supported,
	[SADB_EXT_SPIRANGE] = r_spirange,
	[SADB_X_EXT_POLICY] = r_policy,
	[SADB_X_EXT_SA2] = r_sa2,
	[SADB_X_EXT_NAT_T_TYPE] = r_nat_t_type,
	[SADB_X_EXT_NAT_T_SPORT] = r_nat_t_port,
	[SADB_X_EXT_NAT_T_DPORT] = r_nat_t_port,
	[SADB_X_EXT_NAT_T_OAI] = r_address,
	[SADB_X_EXT_NAT_T_OAR] = r_address,
	[SADB_X_EXT_NAT_T_FRAG] = r_nat_t_frag,
	[SADB_X_EXT_SA_REPLAY] = r_sa_replay,
	[SADB_X_EXT_NEW_ADDRESS_SRC] = r_address,
	[SADB_X_EXT_NEW_ADDRESS_DST] = r_address,
};

static void
rebuild(struct key_buf *b, const struct key_msg *m)
{
	const uint8_t *base = (const void *)m->hdr;
	const struct sadb_ext *e;
	size_t off;

	key_build_begin(b, m->hdr->sadb_msg_type, m->hdr->sadb_msg_satype,
	    m->hdr->sadb_msg_seq, m->hdr->sadb_msg_pid);
	key_build_set_errno(b, m->hdr->sadb_msg_errno);
	key_build_set_reserved(b, m->hdr->sadb_msg_reserved);
	for (off = sizeof(struct sadb_msg); off < m->len;
	    off += PFKEY_EXTLEN(e)) {
		e = (const void *)(base + off);
		if (m->ext[e->sadb_ext_type] != e)
			abort();
		if (rebuilders[e->sadb_ext_type] != NULL)
			rebuilders[e->sadb_ext_type](b, e);
		else
			key_build_ext(b, e);
	}
	if (off != m->len)
		abort();
}

static void
check(parse_fn parse, size_t size)
{
	struct key_msg m, again;
	struct key_buf b;
	int error, t;

	error = parse(inbuf, size, &m);
	if (error != 0) {
		if ((error != EINVAL && error != ENOBUFS &&
		    error != EOPNOTSUPP && error != EAFNOSUPPORT) ||
		    m.hdr != NULL || m.len != 0)
			abort();
		return;
	}
	if (m.hdr != (const void *)inbuf || m.len != size)
		abort();
	key_buf_init_dynamic(&b);
	rebuild(&b, &m);
	if (key_build_end(&b) != 0 || key_buf_len(&b) > size)
		abort();
	if (parse(key_buf_data(&b), key_buf_len(&b), &again) != 0)
		abort();
	for (t = 0; t <= SADB_EXT_MAX; t++)
		if ((m.ext[t] == NULL) != (again.ext[t] == NULL))
			abort();
	key_buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct key_msg m;

	if (size > sizeof(inbuf)) {
		/* Refused on its size before any byte is read. */
		if (key_parse(data, size, &m) != ENOBUFS)
			abort();
		return 0;
	}
	memcpy(inbuf, data, size);
	check(key_parse, size);
	check(key_parse_reply, size);
	return 0;
}
