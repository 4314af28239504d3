/*
 * The Linux PF_KEY dialect: the ABI of <linux/pfkeyv2.h> and af_key, for
 * unmodified Linux binaries (ipsec-tools, racoon, strongSwan's
 * kernel-pfkey) under the preload shim.  What differs from the internal
 * (FreeBSD) form, and what is done about it, one table or rule each:
 *
 *  - struct sadb_x_ipsecrequest is 16 bytes, a 32-bit reqid at offset 8
 *    (ours: 8 bytes, a 16-bit reqid at offset 6).  Requests are rewritten
 *    both ways; a reqid that does not fit 16 bits is EINVAL.
 *  - Policy ids carry the direction in id % 8 (XFRM_POLICY_IN 0, OUT 1,
 *    FWD 2, and 3 + dir for per-socket policies): an internal id n is
 *    8n + dir there.
 *  - Extension types 24-26 are SEC_CTX, KMADDRESS and FILTER, and 27-28 do
 *    not exist.  Linux requests' 24-26 are dropped, as af_key without a
 *    security module ignores the context, and KMADDRESS only goes with
 *    MIGRATE; ours (NAT_T_OAR, NAT_T_FRAG, SA_REPLAY, NEW_ADDRESS_*) never
 *    reach a Linux client.
 *  - sadb_sa_replay counts packets (ours: bytes of bitmap).  A request's
 *    window becomes an exact SA_REPLAY extension; a reply's window is
 *    given in packets, at most 255 as in af_key.
 *  - SA types stop at 9 (IPComp): FreeBSD's TCP-MD5 (11) is EINVAL.
 *  - af_key reads no SA extension in GETSPI and takes a 0-bit key as no
 *    key; ipsec-tools sends both, which the engine (as KAME) refuses, so
 *    they are dropped from Linux requests.  Likewise the addresses that
 *    charon sends with SPDGET (af_key's SPDGET and SPDDELETE2 read only
 *    the policy id).
 *  - Algorithm numbers: the pairs below.  An id that exists on one side
 *    only has no pair: in a request it is ENOSYS (af_key's answer for an
 *    algorithm it lacks); in a REGISTER reply or a proposal the entry is
 *    left out; in an SA it is shown as LX_ALG_UNPAIRED.
 * The missing-policy ENOENT and the forward direction need nothing here:
 * they are the engine's own behaviour, which the FreeBSD dialect adapts.
 * Nor does UPDATE of a mature SA (af_key's rules: keys ignored, NAT-T
 * ports moved), which depends on the SA's state: key_msg_sa.c asks the
 * socket's dialect.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "net/pfkeyv2.h"
#include "netipsec/ipsec.h"
#include "sys/netkey/key_dialect.h"

/* Linux's numbers where they differ from ours (linux/pfkeyv2.h). */
#define LX_EXT_SEC_CTX		24
#define LX_EXT_KMADDRESS	25
#define LX_EXT_FILTER		26
#define LX_EXT_MAX		26
#define LX_SATYPE_MAX		9
/* Unassigned in Linux: what an SA with an algorithm Linux lacks shows. */
#define LX_ALG_UNPAIRED		255
/* XFRM_POLICY_IN, OUT and FWD; per-socket policies add 3. */
#define LX_POLICY_DIRS		3
#define LX_POLICY_ID_SHIFT	3
#define LX_REPLAY_MAX		255

struct lx_ipsecrequest {
	uint16_t	len;		/* bytes, sockaddrs included */
	uint16_t	proto;
	uint8_t		mode;
	uint8_t		level;
	uint16_t	reserved1;
	uint32_t	reqid;
	uint32_t	reserved2;
};

_Static_assert(sizeof(struct lx_ipsecrequest) == 16, "lx_ipsecrequest");

/* Algorithms both sides have: our number and Linux's. */
struct alg_pair {
	uint8_t	ours;
	uint8_t	lx;
};

static const struct alg_pair enc_pairs[] = {
	{ SADB_EALG_NONE, 0 },
	{ SADB_EALG_DESCBC, 2 },
	{ SADB_EALG_3DESCBC, 3 },
	{ SADB_X_EALG_CAST128CBC, 6 },
	{ SADB_X_EALG_BLOWFISHCBC, 7 },
	{ SADB_EALG_NULL, 11 },
	{ SADB_X_EALG_AESCBC, 12 },
	{ SADB_X_EALG_AESCTR, 13 },
	{ SADB_X_EALG_AESGCM8, 18 },
	{ SADB_X_EALG_AESGCM12, 19 },
	{ SADB_X_EALG_AESGCM16, 20 },
	{ SADB_X_EALG_CAMELLIACBC, 22 },
	{ SADB_X_EALG_AESGMAC, 23 },
};

static const struct alg_pair auth_pairs[] = {
	{ SADB_AALG_NONE, 0 },
	{ SADB_AALG_MD5HMAC, 2 },
	{ SADB_AALG_SHA1HMAC, 3 },
	{ SADB_X_AALG_SHA2_256, 5 },
	{ SADB_X_AALG_SHA2_384, 6 },
	{ SADB_X_AALG_SHA2_512, 7 },
	{ SADB_X_AALG_RIPEMD160HMAC, 8 },
	{ SADB_X_AALG_AES_XCBC_MAC, 9 },
	{ SADB_X_AALG_NULL, 251 },
};

#define NPAIRS(t)	(sizeof(t) / sizeof((t)[0]))

enum way { TO_OURS, TO_LINUX };

/* The other side's id of id, or -1 when it has none. */
static int
alg_map(const struct alg_pair *t, size_t n, enum way w, uint8_t id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((w == TO_OURS ? t[i].lx : t[i].ours) == id)
			return w == TO_OURS ? t[i].ours : t[i].lx;
	return -1;
}

static int
enc_map(enum way w, uint8_t id)
{
	return alg_map(enc_pairs, NPAIRS(enc_pairs), w, id);
}

static int
auth_map(enum way w, uint8_t id)
{
	return alg_map(auth_pairs, NPAIRS(auth_pairs), w, id);
}

/* One translation in progress. */
struct lx_ctx {
	const struct sadb_msg *hdr;
	enum way	way;
	uint8_t		*out;
	size_t		cap;
	size_t		off;
	bool		replay_set;	/* a window to carry */
	uint32_t	replay;		/* packets */
};

typedef int (*ext_rule)(struct lx_ctx *, const uint8_t *, size_t);

static int
put(struct lx_ctx *c, const void *p, size_t n)
{
	if (n > c->cap - c->off)
		return ENOBUFS;
	memcpy(c->out + c->off, p, n);
	c->off += n;
	return 0;
}

/* Set the length of the extension written from start on. */
static void
ext_close(struct lx_ctx *c, size_t start)
{
	struct sadb_ext *e = (void *)(c->out + start);

	e->sadb_ext_len = (uint16_t)PFKEY_UNIT64(c->off - start);
}

static int
rule_copy(struct lx_ctx *c, const uint8_t *ext, size_t len)
{
	return put(c, ext, len);
}

static int
rule_drop(struct lx_ctx *c, const uint8_t *ext, size_t len)
{
	(void)c;
	(void)ext;
	(void)len;
	return 0;
}

/*
 * af_key's SPDGET and SPDDELETE2 read the policy id alone; charon sends
 * the selector's addresses with it, which our SPDGET refuses.
 */
static int
rule_address(struct lx_ctx *c, const uint8_t *ext, size_t len)
{
	uint8_t t = c->hdr->sadb_msg_type;

	if (c->way == TO_OURS &&
	    (t == SADB_X_SPDGET || t == SADB_X_SPDDELETE2))
		return 0;
	return put(c, ext, len);
}

static bool
is_ipcomp(const struct lx_ctx *c)
{
	return c->hdr->sadb_msg_satype == SADB_X_SATYPE_IPCOMP;
}

static bool
sets_sa(const struct lx_ctx *c)
{
	return c->hdr->sadb_msg_type == SADB_ADD ||
	    c->hdr->sadb_msg_type == SADB_UPDATE;
}

static uint8_t
replay_to_linux(const struct lx_ctx *c, uint8_t bytes)
{
	uint32_t packets = c->replay_set ? c->replay : (uint32_t)bytes * 8;

	return packets > LX_REPLAY_MAX ? LX_REPLAY_MAX : (uint8_t)packets;
}

static int
rule_sa(struct lx_ctx *c, const uint8_t *ext, size_t len)
{
	struct sadb_sa sa;
	int a, e;

	/* af_key's GETSPI reads no SA; ipsec-tools sends one. */
	if (c->way == TO_OURS && c->hdr->sadb_msg_type == SADB_GETSPI)
		return 0;
	if (len < sizeof(sa))
		return put(c, ext, len);
	memcpy(&sa, ext, sizeof(sa));
	if (!is_ipcomp(c)) {
		a = auth_map(c->way, sa.sadb_sa_auth);
		e = enc_map(c->way, sa.sadb_sa_encrypt);
		if (c->way == TO_OURS && (a < 0 || e < 0))
			return ENOSYS;
		sa.sadb_sa_auth = a < 0 ? LX_ALG_UNPAIRED : (uint8_t)a;
		sa.sadb_sa_encrypt = e < 0 ? LX_ALG_UNPAIRED : (uint8_t)e;
	}
	if (c->way == TO_LINUX)
		sa.sadb_sa_replay = replay_to_linux(c, sa.sadb_sa_replay);
	else if (sa.sadb_sa_replay != 0 && sets_sa(c)) {
		c->replay_set = true;
		c->replay = sa.sadb_sa_replay;
		sa.sadb_sa_replay = (uint8_t)((sa.sadb_sa_replay + 7) / 8);
	}
	if (put(c, &sa, sizeof(sa)) != 0)
		return ENOBUFS;
	return put(c, ext + sizeof(sa), len - sizeof(sa));
}

/*
 * The window of an internal message is taken before its SA extension is
 * read (note_replay()); the extension itself does not go to Linux.
 */
static void
note_replay(struct lx_ctx *c, const uint8_t *msg, size_t len)
{
	const struct sadb_ext *e;
	struct sadb_x_sa_replay r;
	size_t off;

	for (off = sizeof(struct sadb_msg); off < len; off += PFKEY_EXTLEN(e)) {
		e = (const void *)(msg + off);
		if (e->sadb_ext_type == SADB_X_EXT_SA_REPLAY &&
		    (size_t)PFKEY_EXTLEN(e) >= sizeof(r)) {
			memcpy(&r, e, sizeof(r));
			c->replay_set = true;
			c->replay = r.sadb_x_sa_replay_replay;
		}
	}
}

/*
 * af_key takes a key of 0 bits as no key; ipsec-tools sends one for the
 * null cipher, for which the engine wants none.
 */
static int
rule_key(struct lx_ctx *c, const uint8_t *ext, size_t len)
{
	struct sadb_key k;

	if (len >= sizeof(k)) {
		memcpy(&k, ext, sizeof(k));
		if (k.sadb_key_bits == 0)
			return 0;
	}
	return put(c, ext, len);
}

/* Linux policy id of internal id in direction dir, and back. */
static uint32_t
policy_id_to_linux(uint32_t id, uint8_t dir)
{
	uint32_t d = dir >= IPSEC_DIR_INBOUND && dir <= IPSEC_DIR_FWD ?
	    dir - IPSEC_DIR_INBOUND : 0;

	return id == 0 ? 0 : id << LX_POLICY_ID_SHIFT | d;
}

static void
policy_header(struct lx_ctx *c, struct sadb_x_policy *p)
{
	uint32_t id = p->sadb_x_policy_id;

	if (c->way == TO_LINUX) {
		p->sadb_x_policy_id = policy_id_to_linux(id,
		    p->sadb_x_policy_dir);
		return;
	}
	p->sadb_x_policy_id = id >> LX_POLICY_ID_SHIFT;
	/* A delete by id names its direction in the id only. */
	if (id != 0 && p->sadb_x_policy_dir == IPSEC_DIR_ANY &&
	    id % 8 < LX_POLICY_DIRS)
		p->sadb_x_policy_dir = (uint8_t)(id % 8 + IPSEC_DIR_INBOUND);
}

/* One Linux request (at least 16 bytes, within the extension) to ours. */
static int
request_to_ours(struct lx_ctx *c, const uint8_t *rq, size_t rlen)
{
	struct lx_ipsecrequest l;
	struct sadb_x_ipsecrequest o;

	memcpy(&l, rq, sizeof(l));
	if (l.reqid > UINT16_MAX)
		return EINVAL;
	memset(&o, 0, sizeof(o));
	o.sadb_x_ipsecrequest_len = (uint16_t)(rlen - sizeof(l) + sizeof(o));
	o.sadb_x_ipsecrequest_proto = l.proto;
	o.sadb_x_ipsecrequest_mode = l.mode;
	o.sadb_x_ipsecrequest_level = l.level;
	o.sadb_x_ipsecrequest_reqid = (uint16_t)l.reqid;
	if (put(c, &o, sizeof(o)) != 0)
		return ENOBUFS;
	return put(c, rq + sizeof(l), rlen - sizeof(l));
}

static int
request_to_linux(struct lx_ctx *c, const uint8_t *rq, size_t rlen)
{
	struct sadb_x_ipsecrequest o;
	struct lx_ipsecrequest l;

	memcpy(&o, rq, sizeof(o));
	memset(&l, 0, sizeof(l));
	l.len = (uint16_t)(rlen - sizeof(o) + sizeof(l));
	l.proto = o.sadb_x_ipsecrequest_proto;
	l.mode = o.sadb_x_ipsecrequest_mode;
	l.level = o.sadb_x_ipsecrequest_level;
	l.reqid = o.sadb_x_ipsecrequest_reqid;
	if (put(c, &l, sizeof(l)) != 0)
		return ENOBUFS;
	return put(c, rq + sizeof(o), rlen - sizeof(o));
}

/*
 * A policy and its requests.  A request whose length is shorter than its
 * own header or runs past the extension is EINVAL, as af_key answers
 * (parse_ipsecrequests()); the internal form is never malformed.
 */
static int
rule_policy(struct lx_ctx *c, const uint8_t *ext, size_t len)
{
	struct sadb_x_policy p;
	size_t start = c->off, off, rlen, min;
	int error;

	if (len < sizeof(p))
		return put(c, ext, len);
	memcpy(&p, ext, sizeof(p));
	policy_header(c, &p);
	if ((error = put(c, &p, sizeof(p))) != 0)
		return error;
	min = c->way == TO_OURS ? sizeof(struct lx_ipsecrequest) :
	    sizeof(struct sadb_x_ipsecrequest);
	for (off = sizeof(p); off < len; off += rlen) {
		if (len - off < min)
			return EINVAL;
		rlen = ((const struct sadb_x_ipsecrequest *)(const void *)
		    (ext + off))->sadb_x_ipsecrequest_len;
		if (rlen < min || rlen > len - off)
			return EINVAL;
		error = c->way == TO_OURS ? request_to_ours(c, ext + off,
		    rlen) : request_to_linux(c, ext + off, rlen);
		if (error != 0)
			return error;
	}
	ext_close(c, start);
	return 0;
}

/* REGISTER's lists: entries the other side lacks are left out. */
static int
rule_supported(struct lx_ctx *c, const uint8_t *ext, size_t len)
{
	const struct sadb_ext *e = (const void *)ext;
	struct sadb_alg alg;
	size_t start = c->off, off;
	int id;

	if (put(c, ext, sizeof(struct sadb_supported)) != 0)
		return ENOBUFS;
	for (off = sizeof(struct sadb_supported); off + sizeof(alg) <= len;
	    off += sizeof(alg)) {
		memcpy(&alg, ext + off, sizeof(alg));
		id = e->sadb_ext_type == SADB_EXT_SUPPORTED_AUTH ?
		    auth_map(c->way, alg.sadb_alg_id) :
		    enc_map(c->way, alg.sadb_alg_id);
		if (id < 0)
			continue;
		alg.sadb_alg_id = (uint8_t)id;
		if (put(c, &alg, sizeof(alg)) != 0)
			return ENOBUFS;
	}
	ext_close(c, start);
	return 0;
}

/* ACQUIRE's proposal: combinations the other side cannot say go. */
static int
rule_proposal(struct lx_ctx *c, const uint8_t *ext, size_t len)
{
	struct sadb_comb comb;
	size_t start = c->off, off;
	int a, e;

	if (put(c, ext, sizeof(struct sadb_prop)) != 0)
		return ENOBUFS;
	for (off = sizeof(struct sadb_prop); off + sizeof(comb) <= len;
	    off += sizeof(comb)) {
		memcpy(&comb, ext + off, sizeof(comb));
		if (!is_ipcomp(c)) {
			a = auth_map(c->way, comb.sadb_comb_auth);
			e = enc_map(c->way, comb.sadb_comb_encrypt);
			if (a < 0 || e < 0)
				continue;
			comb.sadb_comb_auth = (uint8_t)a;
			comb.sadb_comb_encrypt = (uint8_t)e;
		}
		if (put(c, &comb, sizeof(comb)) != 0)
			return ENOBUFS;
	}
	ext_close(c, start);
	return 0;
}

/* Rules by extension type; NULL copies; types past the end are dropped. */
static const ext_rule rules_to_ours[LX_EXT_MAX + 1] = {
	[SADB_EXT_SA] = rule_sa,
	[SADB_EXT_ADDRESS_SRC] = rule_address,
	[SADB_EXT_ADDRESS_DST] = rule_address,
	[SADB_EXT_KEY_AUTH] = rule_key,
	[SADB_EXT_KEY_ENCRYPT] = rule_key,
	[SADB_EXT_PROPOSAL] = rule_proposal,
	[SADB_X_EXT_POLICY] = rule_policy,
	[LX_EXT_SEC_CTX] = rule_drop,
	[LX_EXT_KMADDRESS] = rule_drop,
	[LX_EXT_FILTER] = rule_drop,
};

static const ext_rule rules_to_linux[SADB_EXT_MAX + 1] = {
	[SADB_EXT_SA] = rule_sa,
	[SADB_EXT_PROPOSAL] = rule_proposal,
	[SADB_EXT_SUPPORTED_AUTH] = rule_supported,
	[SADB_EXT_SUPPORTED_ENCRYPT] = rule_supported,
	[SADB_X_EXT_POLICY] = rule_policy,
	[SADB_X_EXT_NAT_T_OAR] = rule_drop,
	[SADB_X_EXT_NAT_T_FRAG] = rule_drop,
	[SADB_X_EXT_SA_REPLAY] = rule_drop,
	[SADB_X_EXT_NEW_ADDRESS_SRC] = rule_drop,
	[SADB_X_EXT_NEW_ADDRESS_DST] = rule_drop,
};

static int
translate(struct lx_ctx *c, const uint8_t *msg, size_t len,
    const ext_rule *rules, size_t nrules)
{
	const struct sadb_ext *e;
	struct sadb_msg *oh;
	ext_rule fn;
	size_t off;
	int error;

	if ((error = put(c, msg, sizeof(struct sadb_msg))) != 0)
		return error;
	for (off = sizeof(struct sadb_msg); off < len; off += PFKEY_EXTLEN(e)) {
		e = (const void *)(msg + off);
		if (e->sadb_ext_type >= nrules)
			continue;
		fn = rules[e->sadb_ext_type];
		error = (fn != NULL ? fn : rule_copy)(c, msg + off,
		    PFKEY_EXTLEN(e));
		if (error != 0)
			return error;
	}
	if (c->way == TO_OURS && c->replay_set) {
		struct sadb_x_sa_replay r = {
			.sadb_x_sa_replay_len = PFKEY_UNIT64(sizeof(r)),
			.sadb_x_sa_replay_exttype = SADB_X_EXT_SA_REPLAY,
			.sadb_x_sa_replay_replay = c->replay,
		};
		if ((error = put(c, &r, sizeof(r))) != 0)
			return error;
	}
	if (PFKEY_UNIT64(c->off) > UINT16_MAX)
		return ENOBUFS;
	oh = (void *)c->out;
	oh->sadb_msg_len = (uint16_t)PFKEY_UNIT64(c->off);
	return 0;
}

/*
 * A request whose framing is broken goes on unchanged, for key_parse() to
 * answer; an internal message is always framed.
 */
static int
linux_translate(enum way w, const uint8_t *msg, size_t len, uint8_t *out,
    size_t cap, size_t *outlen)
{
	struct lx_ctx c = { .hdr = (const void *)msg, .way = w, .out = out,
	    .cap = cap };
	int error;

	*outlen = 0;
	if (!key_dialect_framed(msg, len))
		return w == TO_OURS ? 0 : EINVAL;
	/* TCP-MD5 (11) is a FreeBSD SA type; af_key knows none past 9. */
	if (w == TO_OURS && c.hdr->sadb_msg_satype > LX_SATYPE_MAX)
		return EINVAL;
	if (w == TO_LINUX) {
		note_replay(&c, msg, len);
		error = translate(&c, msg, len, rules_to_linux,
		    NPAIRS(rules_to_linux));
	} else
		error = translate(&c, msg, len, rules_to_ours,
		    NPAIRS(rules_to_ours));
	if (error == 0)
		*outlen = c.off;
	return error;
}

int
key_dialect_linux_in(const uint8_t *msg, size_t len, uint8_t *out,
    size_t cap, size_t *outlen)
{
	return linux_translate(TO_OURS, msg, len, out, cap, outlen);
}

int
key_dialect_linux_out(const uint8_t *msg, size_t len, uint8_t *out,
    size_t cap, size_t *outlen)
{
	return linux_translate(TO_LINUX, msg, len, out, cap, outlen);
}
