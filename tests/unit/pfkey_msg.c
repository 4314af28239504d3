/*
 * Sample PF_KEY messages of every type (see pfkey_msg.h).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include <netipsec/ipsec.h>

#include "pfkey_msg.h"

#define SEQ	0x1234
#define PID	4242
#define SPI	0x10000100u

void
pfkey_msg_sin(struct sockaddr_in *sin, const char *addr, uint16_t port)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	inet_pton(AF_INET, addr, &sin->sin_addr);
}

void
pfkey_msg_sin6(struct sockaddr_in6 *sin6, const char *addr, uint16_t port)
{
	memset(sin6, 0, sizeof(*sin6));
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	inet_pton(AF_INET6, addr, &sin6->sin6_addr);
}

struct sample_addrs {
	struct sockaddr_storage src, dst, tsrc, tdst;
	uint8_t plen;		/* full prefix length */
};

static void
sample_addrs(struct sample_addrs *a, unsigned int v)
{
	memset(a, 0, sizeof(*a));
	if (v & 1) {
		pfkey_msg_sin6((void *)&a->src, "2001:db8::1", 0);
		pfkey_msg_sin6((void *)&a->dst, "2001:db8::2", 0);
		pfkey_msg_sin6((void *)&a->tsrc, "2001:db8:1::1", 0);
		pfkey_msg_sin6((void *)&a->tdst, "2001:db8:2::1", 0);
		a->plen = 128;
	} else {
		pfkey_msg_sin((void *)&a->src, "192.0.2.1", 0);
		pfkey_msg_sin((void *)&a->dst, "192.0.2.2", 0);
		pfkey_msg_sin((void *)&a->tsrc, "198.51.100.1", 0);
		pfkey_msg_sin((void *)&a->tdst, "203.0.113.1", 0);
		a->plen = 32;
	}
}

static void
add_addrs(struct key_buf *b, const struct sample_addrs *a, uint8_t plen)
{
	key_build_address(b, SADB_EXT_ADDRESS_SRC, (const void *)&a->src, plen,
	    IPSEC_ULPROTO_ANY);
	key_build_address(b, SADB_EXT_ADDRESS_DST, (const void *)&a->dst, plen,
	    IPSEC_ULPROTO_ANY);
}

static bool
full(unsigned int v)
{
	return (v & 2) != 0;
}

static void
add_natt(struct key_buf *b, const struct sample_addrs *a)
{
	key_build_nat_t_type(b, UDP_ENCAP_ESPINUDP);
	key_build_nat_t_port(b, SADB_X_EXT_NAT_T_SPORT, htons(4500));
	key_build_nat_t_port(b, SADB_X_EXT_NAT_T_DPORT, htons(4500));
	key_build_address(b, SADB_X_EXT_NAT_T_OAI, (const void *)&a->tsrc,
	    a->plen, IPSEC_ULPROTO_ANY);
}

static void
add_sens(struct key_buf *b)
{
	struct {
		struct sadb_sens s;
		uint64_t bitmap[2];
	} sens;

	memset(&sens, 0, sizeof(sens));
	sens.s.sadb_sens_len = PFKEY_UNIT64(sizeof(sens));
	sens.s.sadb_sens_exttype = SADB_EXT_SENSITIVITY;
	sens.s.sadb_sens_dpd = 1;
	sens.s.sadb_sens_sens_len = 1;
	sens.s.sadb_sens_integ_len = 1;
	sens.bitmap[0] = 0xff;
	key_build_ext(b, (const struct sadb_ext *)(const void *)&sens);
}

static void
add_kmprivate(struct key_buf *b)
{
	struct {
		struct sadb_x_kmprivate k;
		uint8_t data[8];
	} km;

	memset(&km, 0, sizeof(km));
	km.k.sadb_x_kmprivate_len = PFKEY_UNIT64(sizeof(km));
	km.k.sadb_x_kmprivate_exttype = SADB_X_EXT_KMPRIVATE;
	memcpy(km.data, "racoon!", 8);
	key_build_ext(b, (const struct sadb_ext *)(const void *)&km);
}

static void
add_proposal(struct key_buf *b, unsigned int v)
{
	struct sadb_comb c[2];

	memset(c, 0, sizeof(c));
	c[0].sadb_comb_auth = SADB_X_AALG_SHA2_256;
	c[0].sadb_comb_encrypt = SADB_X_EALG_AESCBC;
	c[0].sadb_comb_auth_minbits = c[0].sadb_comb_auth_maxbits = 256;
	c[0].sadb_comb_encrypt_minbits = 128;
	c[0].sadb_comb_encrypt_maxbits = 256;
	c[0].sadb_comb_hard_addtime = 86400;
	c[0].sadb_comb_soft_addtime = 86400 * 8 / 10;
	c[1] = c[0];
	c[1].sadb_comb_auth = SADB_AALG_SHA1HMAC;
	c[1].sadb_comb_encrypt = SADB_X_EALG_AESGCM16;
	key_build_proposal(b, 4, c, full(v) ? 2 : 1);
}

/* The body shared by ADD and UPDATE. */
static void
sa_body(struct key_buf *b, unsigned int v, const struct sample_addrs *a)
{
	static const uint8_t key[32] = "0123456789abcdef0123456789abcdef";

	key_build_sa(b, htonl(SPI + v), 4, SADB_SASTATE_MATURE,
	    SADB_X_AALG_SHA2_256, SADB_X_EALG_AESCBC, SADB_X_EXT_CYCSEQ);
	add_addrs(b, a, a->plen);
	key_build_key(b, SADB_EXT_KEY_ENCRYPT, key, full(v) ? 256 : 128);
	key_build_key(b, SADB_EXT_KEY_AUTH, key, 256);
	key_build_sa2(b, full(v) ? IPSEC_MODE_TUNNEL : IPSEC_MODE_TRANSPORT,
	    full(v) ? 7 : 0, 0);
	if (!full(v))
		return;
	key_build_lifetime(b, SADB_EXT_LIFETIME_HARD, 0, 0, 3600, 0);
	key_build_lifetime(b, SADB_EXT_LIFETIME_SOFT, 0, 0, 2880, 0);
	key_build_identity(b, SADB_EXT_IDENTITY_SRC, SADB_IDENTTYPE_FQDN, 0,
	    "left.example");
	key_build_identity(b, SADB_EXT_IDENTITY_DST, SADB_IDENTTYPE_USERFQDN,
	    1000, "user@right.example");
	key_build_sa_replay(b, 4096);
	add_natt(b, a);
	key_build_nat_t_frag(b, 1400);
	add_kmprivate(b);
	add_sens(b);
}

static void
s_getspi(struct key_buf *b, unsigned int v, const struct sample_addrs *a)
{
	key_build_begin(b, SADB_GETSPI, SADB_SATYPE_ESP, SEQ, PID);
	add_addrs(b, a, a->plen);
	if (full(v)) {
		key_build_spirange(b, 0x100, 0x0fffffff);
		key_build_sa2(b, IPSEC_MODE_TUNNEL, 9, 0);
		add_natt(b, a);
	}
}

static void
s_update(struct key_buf *b, unsigned int v, const struct sample_addrs *a)
{
	key_build_begin(b, SADB_UPDATE, SADB_SATYPE_ESP, SEQ, PID);
	sa_body(b, v, a);
	if (full(v)) {
		key_build_lifetime(b, SADB_EXT_LIFETIME_CURRENT, 1, 100, 10,
		    20);
		key_build_address(b, SADB_X_EXT_NEW_ADDRESS_SRC,
		    (const void *)&a->tsrc, a->plen, IPSEC_ULPROTO_ANY);
		key_build_address(b, SADB_X_EXT_NEW_ADDRESS_DST,
		    (const void *)&a->tdst, a->plen, IPSEC_ULPROTO_ANY);
	}
}

static void
s_add(struct key_buf *b, unsigned int v, const struct sample_addrs *a)
{
	key_build_begin(b, SADB_ADD, full(v) ? SADB_SATYPE_ESP :
	    SADB_SATYPE_AH, SEQ, PID);
	sa_body(b, v, a);
}

static void
s_delete(struct key_buf *b, unsigned int v, const struct sample_addrs *a)
{
	key_build_begin(b, SADB_DELETE, SADB_SATYPE_ESP, SEQ, PID);
	if (full(v))
		key_build_sa(b, htonl(SPI), 0, 0, 0, 0, 0);
	add_addrs(b, a, a->plen);
}

static void
s_get(struct key_buf *b, unsigned int v, const struct sample_addrs *a)
{
	key_build_begin(b, SADB_GET, SADB_X_SATYPE_IPCOMP, SEQ, PID);
	key_build_sa(b, htonl(0x1000 + v), 0, 0, 0, 0, 0);
	add_addrs(b, a, a->plen);
	if (full(v))
		key_build_sa2(b, IPSEC_MODE_ANY, 0, 0);
}

static void
s_acquire(struct key_buf *b, unsigned int v, const struct sample_addrs *a)
{
	key_build_begin(b, SADB_ACQUIRE, SADB_SATYPE_ESP, SEQ, PID);
	add_addrs(b, a, a->plen);
	add_proposal(b, v);
	if (full(v)) {
		key_build_identity(b, SADB_EXT_IDENTITY_SRC,
		    SADB_IDENTTYPE_PREFIX, 0, "192.0.2.0/24");
		key_build_policy(b, IPSEC_POLICY_IPSEC, IPSEC_DIR_OUTBOUND, 5,
		    0);
		key_build_ipsecrequest(b, IPPROTO_ESP, IPSEC_MODE_TRANSPORT,
		    IPSEC_LEVEL_REQUIRE, 0, NULL, NULL);
	}
}

/* Messages that are just a header with some satype. */
static void
s_header(struct key_buf *b, uint8_t type, unsigned int v)
{
	static const uint8_t satypes[PFKEY_MSG_VARIANTS] = {
		SADB_SATYPE_UNSPEC, SADB_SATYPE_ESP, SADB_SATYPE_AH,
		SADB_X_SATYPE_IPCOMP,
	};

	key_build_begin(b, type, satypes[v], SEQ + v, PID);
}

static void
s_register(struct key_buf *b, unsigned int v, const struct sample_addrs *a)
{
	(void)a;
	s_header(b, SADB_REGISTER, v);
}

static void
s_flush(struct key_buf *b, unsigned int v, const struct sample_addrs *a)
{
	(void)a;
	s_header(b, SADB_FLUSH, v);
}

static void
s_dump(struct key_buf *b, unsigned int v, const struct sample_addrs *a)
{
	(void)a;
	s_header(b, SADB_DUMP, v);
}

static void
s_expire(struct key_buf *b, unsigned int v, const struct sample_addrs *a)
{
	key_build_begin(b, SADB_EXPIRE, SADB_SATYPE_ESP, 0, 0);
	key_build_sa(b, htonl(SPI), 4, SADB_SASTATE_DYING, SADB_AALG_SHA1HMAC,
	    SADB_X_EALG_AESCBC, 0);
	add_addrs(b, a, a->plen);
	key_build_lifetime(b, SADB_EXT_LIFETIME_CURRENT, 3, 1500, 1000, 1001);
	if (full(v)) {
		key_build_lifetime(b, SADB_EXT_LIFETIME_SOFT, 0, 0, 2880, 0);
		key_build_sa2(b, IPSEC_MODE_TRANSPORT, 3, 77);
	}
}

static void
s_promisc(struct key_buf *b, unsigned int v, const struct sample_addrs *a)
{
	(void)a;
	key_build_begin(b, SADB_X_PROMISC, v & 1, SEQ, PID);
}

static void
s_pchange(struct key_buf *b, unsigned int v, const struct sample_addrs *a)
{
	key_build_begin(b, SADB_X_PCHANGE, SADB_SATYPE_ESP, SEQ, PID);
	add_addrs(b, a, a->plen);
	if (full(v)) {
		add_proposal(b, v);
		key_build_identity(b, SADB_EXT_IDENTITY_DST,
		    SADB_IDENTTYPE_FQDN, 0, "peer");
	}
}

/* A policy: discard (minimal) or a tunnel plus a transport request. */
static void
add_policy(struct key_buf *b, unsigned int v, const struct sample_addrs *a,
    uint32_t id)
{
	if (!full(v)) {
		key_build_policy(b, v & 1 ? IPSEC_POLICY_NONE :
		    IPSEC_POLICY_DISCARD, IPSEC_DIR_INBOUND, id, 0);
		return;
	}
	key_build_policy(b, IPSEC_POLICY_IPSEC, IPSEC_DIR_OUTBOUND, id, 0);
	key_build_ipsecrequest(b, IPPROTO_ESP, IPSEC_MODE_TUNNEL,
	    IPSEC_LEVEL_UNIQUE, 100, (const void *)&a->tsrc,
	    (const void *)&a->tdst);
	key_build_ipsecrequest(b, IPPROTO_AH, IPSEC_MODE_TRANSPORT,
	    IPSEC_LEVEL_REQUIRE, 0, NULL, NULL);
}

static void
spd_selector(struct key_buf *b, uint8_t type, const struct sample_addrs *a)
{
	key_build_begin(b, type, SADB_SATYPE_UNSPEC, SEQ, PID);
	key_build_address(b, SADB_EXT_ADDRESS_SRC, (const void *)&a->src,
	    a->plen / 2, IPPROTO_TCP);
	key_build_address(b, SADB_EXT_ADDRESS_DST, (const void *)&a->dst,
	    a->plen, IPPROTO_TCP);
}

static void
s_spdadd_like(struct key_buf *b, uint8_t type, unsigned int v,
    const struct sample_addrs *a)
{
	spd_selector(b, type, a);
	if (full(v))
		key_build_lifetime(b, SADB_EXT_LIFETIME_HARD, 0, 0, 600, 60);
	add_policy(b, v, a, 0);
}

static void
s_spdupdate(struct key_buf *b, unsigned int v, const struct sample_addrs *a)
{
	s_spdadd_like(b, SADB_X_SPDUPDATE, v, a);
}

static void
s_spdadd(struct key_buf *b, unsigned int v, const struct sample_addrs *a)
{
	s_spdadd_like(b, SADB_X_SPDADD, v, a);
}

static void
s_spdsetidx(struct key_buf *b, unsigned int v, const struct sample_addrs *a)
{
	s_spdadd_like(b, SADB_X_SPDSETIDX, v, a);
}

static void
s_spddelete(struct key_buf *b, unsigned int v, const struct sample_addrs *a)
{
	spd_selector(b, SADB_X_SPDDELETE, a);
	key_build_policy(b, IPSEC_POLICY_DISCARD, v & 1 ? IPSEC_DIR_INBOUND :
	    IPSEC_DIR_OUTBOUND, 0, 0);
}

static void
s_spdget(struct key_buf *b, unsigned int v, const struct sample_addrs *a)
{
	(void)a;
	key_build_begin(b, SADB_X_SPDGET, SADB_SATYPE_UNSPEC, SEQ, PID);
	key_build_policy(b, IPSEC_POLICY_DISCARD, IPSEC_DIR_ANY, 1 + v, 0);
}

static void
s_spddelete2(struct key_buf *b, unsigned int v, const struct sample_addrs *a)
{
	(void)a;
	key_build_begin(b, SADB_X_SPDDELETE2, SADB_SATYPE_UNSPEC, SEQ, PID);
	key_build_policy(b, IPSEC_POLICY_DISCARD, IPSEC_DIR_ANY, 10 + v, 0);
}

static void
s_spdacquire(struct key_buf *b, unsigned int v, const struct sample_addrs *a)
{
	if (full(v))
		spd_selector(b, SADB_X_SPDACQUIRE, a);
	else
		key_build_begin(b, SADB_X_SPDACQUIRE, SADB_SATYPE_UNSPEC, SEQ,
		    PID);
	add_policy(b, v, a, 3);
}

static void
s_spddump(struct key_buf *b, unsigned int v, const struct sample_addrs *a)
{
	(void)a;
	key_build_begin(b, SADB_X_SPDDUMP, SADB_SATYPE_UNSPEC, SEQ + v, PID);
}

static void
s_spdflush(struct key_buf *b, unsigned int v, const struct sample_addrs *a)
{
	(void)a;
	key_build_begin(b, SADB_X_SPDFLUSH, SADB_SATYPE_UNSPEC, SEQ + v, PID);
}

static void
s_spdexpire(struct key_buf *b, unsigned int v, const struct sample_addrs *a)
{
	if (full(v)) {
		spd_selector(b, SADB_X_SPDEXPIRE, a);
		key_build_lifetime(b, SADB_EXT_LIFETIME_CURRENT, 0, 0, 100,
		    50);
		key_build_lifetime(b, SADB_EXT_LIFETIME_HARD, 0, 0, 600, 60);
	} else
		key_build_begin(b, SADB_X_SPDEXPIRE, SADB_SATYPE_UNSPEC, 0, 0);
	add_policy(b, v, a, 4);
}

static void
s_new_mapping(struct key_buf *b, unsigned int v, const struct sample_addrs *a)
{
	key_build_begin(b, SADB_X_NAT_T_NEW_MAPPING, SADB_SATYPE_ESP, 0, 0);
	key_build_sa(b, htonl(SPI + v), 0, SADB_SASTATE_MATURE, 0, 0, 0);
	add_addrs(b, a, a->plen);
	key_build_nat_t_port(b, SADB_X_EXT_NAT_T_SPORT, htons(4500 + v));
	key_build_nat_t_port(b, SADB_X_EXT_NAT_T_DPORT, htons(4500));
}

static void
s_migrate(struct key_buf *b, unsigned int v, const struct sample_addrs *a)
{
	key_build_begin(b, SADB_X_MIGRATE, SADB_SATYPE_ESP, SEQ, PID);
	if (full(v)) {
		add_addrs(b, a, a->plen);
		key_build_sa2(b, IPSEC_MODE_TUNNEL, 1, 0);
		add_policy(b, v, a, 6);
	}
}

typedef void (*sample_fn)(struct key_buf *, unsigned int,
    const struct sample_addrs *);

static const sample_fn samples[SADB_MAX + 1] = {
	[SADB_GETSPI] = s_getspi,
	[SADB_UPDATE] = s_update,
	[SADB_ADD] = s_add,
	[SADB_DELETE] = s_delete,
	[SADB_GET] = s_get,
	[SADB_ACQUIRE] = s_acquire,
	[SADB_REGISTER] = s_register,
	[SADB_EXPIRE] = s_expire,
	[SADB_FLUSH] = s_flush,
	[SADB_DUMP] = s_dump,
	[SADB_X_PROMISC] = s_promisc,
	[SADB_X_PCHANGE] = s_pchange,
	[SADB_X_SPDUPDATE] = s_spdupdate,
	[SADB_X_SPDADD] = s_spdadd,
	[SADB_X_SPDDELETE] = s_spddelete,
	[SADB_X_SPDGET] = s_spdget,
	[SADB_X_SPDACQUIRE] = s_spdacquire,
	[SADB_X_SPDDUMP] = s_spddump,
	[SADB_X_SPDFLUSH] = s_spdflush,
	[SADB_X_SPDSETIDX] = s_spdsetidx,
	[SADB_X_SPDEXPIRE] = s_spdexpire,
	[SADB_X_SPDDELETE2] = s_spddelete2,
	[SADB_X_NAT_T_NEW_MAPPING] = s_new_mapping,
	[SADB_X_MIGRATE] = s_migrate,
};

int
pfkey_msg_sample(struct key_buf *b, uint8_t type, unsigned int variant)
{
	struct sample_addrs a;

	if (type > SADB_MAX || samples[type] == NULL ||
	    variant >= PFKEY_MSG_VARIANTS) {
		key_build_begin(b, SADB_RESERVED, 0, 0, 0);
		return -1;
	}
	sample_addrs(&a, variant);
	samples[type](b, variant, &a);
	return key_build_end(b);
}

struct sadb_ext *
pfkey_msg_find(void *msg, size_t len, uint16_t type)
{
	uint8_t *p = msg;
	struct sadb_ext *ext;
	size_t off, elen;

	for (off = sizeof(struct sadb_msg); off + sizeof(*ext) <= len;
	    off += elen) {
		ext = (void *)(p + off);
		elen = PFKEY_UNUNIT64((size_t)ext->sadb_ext_len);
		if (ext->sadb_ext_type == type)
			return ext;
		if (elen == 0)
			break;
	}
	return NULL;
}
