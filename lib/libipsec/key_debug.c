/*
 * kdebug_sadb(): every field of a PF_KEY message in KAME's key_debug
 * format (setkey -x monitor, setkey -v), and ipsec_hexdump().
 *
 * The format is ipsec-tools 0.8's (Linux build, so x_policy shows its
 * priority), with three departures: key bytes are the key's (KAME
 * printed from a wrong offset), extensions ipsec-tools did not know
 * (NAT-T OAR and fragment size, SA_REPLAY, new addresses) get a line of
 * their own instead of "invalid ext_type", and every length is checked
 * against the message before anything is read, so a malformed message
 * ends with a line saying why instead of a crash or panic().
 *
 * The message must be in a buffer of sadb_msg_len 64-bit words, aligned
 * to 8 bytes, as pfkey_recv() returns it.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <netipsec/ipsec.h>

#include "lib/libipsec/libpfkey.h"

typedef void kdebug_fn(FILE *, const struct sadb_ext *, size_t);

void
ipsec_hexdump_fp(FILE *fp, const void *buf, int len)
{
	const unsigned char *p = buf;
	int i;

	for (i = 0; i < len; i++) {
		if (i != 0 && i % 32 == 0)
			fprintf(fp, "\n");
		if (i % 4 == 0)
			fprintf(fp, " ");
		fprintf(fp, "%02x", p[i]);
	}
}

void
ipsec_hexdump(const void *buf, int len)
{
	ipsec_hexdump_fp(stdout, buf, len);
}

/* A sockaddr of at most room bytes. */
static void
kdebug_sockaddr(FILE *fp, const struct sockaddr *sa, size_t room)
{
	const struct sockaddr_in *sin = (const void *)sa;
	const struct sockaddr_in6 *sin6 = (const void *)sa;
	size_t len;

	if (room < sizeof(sa->sa_family)) {
		fprintf(fp, "kdebug_sockaddr: no room for a sockaddr.\n");
		return;
	}
	len = pfkey_sockaddr_len(sa);
	fprintf(fp, "sockaddr{ len=%zu family=%u", len, sa->sa_family);
	if (len > room) {
		fprintf(fp, " }\nkdebug_sockaddr: sockaddr truncated.\n");
		return;
	}
	if (sa->sa_family == AF_INET) {
		fprintf(fp, " port=%u\n", ntohs(sin->sin_port));
		ipsec_hexdump_fp(fp, &sin->sin_addr, sizeof(sin->sin_addr));
	} else if (sa->sa_family == AF_INET6) {
		fprintf(fp, " port=%u\n", ntohs(sin6->sin6_port));
		fprintf(fp, "  flowinfo=0x%08x, scope_id=0x%08x\n",
		    sin6->sin6_flowinfo, sin6->sin6_scope_id);
		ipsec_hexdump_fp(fp, &sin6->sin6_addr,
		    sizeof(sin6->sin6_addr));
	}
	fprintf(fp, "  }\n");
}

static void
kdebug_sa(FILE *fp, const struct sadb_ext *ext, size_t len)
{
	const struct sadb_sa *sa = (const void *)ext;

	(void)len;
	fprintf(fp, "sadb_sa{ spi=%u replay=%u state=%u\n",
	    ntohl(sa->sadb_sa_spi), sa->sadb_sa_replay, sa->sadb_sa_state);
	fprintf(fp, "  auth=%u encrypt=%u flags=0x%08x }\n",
	    sa->sadb_sa_auth, sa->sadb_sa_encrypt, sa->sadb_sa_flags);
}

static void
kdebug_lifetime(FILE *fp, const struct sadb_ext *ext, size_t len)
{
	const struct sadb_lifetime *l = (const void *)ext;

	(void)len;
	fprintf(fp, "sadb_lifetime{ alloc=%u, bytes=%u\n",
	    l->sadb_lifetime_allocations, (uint32_t)l->sadb_lifetime_bytes);
	fprintf(fp, "  addtime=%u, usetime=%u }\n",
	    (uint32_t)l->sadb_lifetime_addtime,
	    (uint32_t)l->sadb_lifetime_usetime);
}

static void
kdebug_address(FILE *fp, const struct sadb_ext *ext, size_t len)
{
	const struct sadb_address *a = (const void *)ext;
	const uint8_t *r = (const uint8_t *)&a->sadb_address_reserved;

	fprintf(fp, "sadb_address{ proto=%u prefixlen=%u "
	    "reserved=0x%02x%02x }\n", a->sadb_address_proto,
	    a->sadb_address_prefixlen, r[0], r[1]);
	kdebug_sockaddr(fp, (const struct sockaddr *)(a + 1),
	    len - sizeof(*a));
}

static void
kdebug_key(FILE *fp, const struct sadb_ext *ext, size_t len)
{
	const struct sadb_key *k = (const void *)ext;
	size_t bytes = k->sadb_key_bits / 8u;

	fprintf(fp, "sadb_key{ bits=%u reserved=%u\n", k->sadb_key_bits,
	    k->sadb_key_reserved);
	fprintf(fp, "  key=");
	if (bytes > len - sizeof(*k)) {
		fprintf(fp, "kdebug_sadb_key: key length mismatch, "
		    "bit:%zu len:%zu.\n", bytes, len - sizeof(*k));
		bytes = len - sizeof(*k);
	}
	ipsec_hexdump_fp(fp, k + 1, (int)bytes);
	fprintf(fp, " }\n");
}

static void
kdebug_identity(FILE *fp, const struct sadb_ext *ext, size_t len)
{
	const struct sadb_ident *id = (const void *)ext;
	const unsigned char *p = (const void *)(id + 1);
	size_t n = len - sizeof(*id), i;

	fprintf(fp, "sadb_ident_%s{", id->sadb_ident_exttype ==
	    SADB_EXT_IDENTITY_SRC ? "src" : "dst");
	fprintf(fp, " type=%d id=%lu", id->sadb_ident_type,
	    (unsigned long)id->sadb_ident_id);
	if (n > 0) {
		fprintf(fp, "\n  str=\"");
		for (i = 0; i < n && p[i] != '\0'; i++) {
			if (isprint(p[i]))
				fprintf(fp, "%c", p[i]);
			else
				fprintf(fp, "\\%03o", p[i]);
		}
		fprintf(fp, "\"");
	}
	fprintf(fp, " }\n");
}

static void
kdebug_prop(FILE *fp, const struct sadb_ext *ext, size_t len)
{
	const struct sadb_prop *prop = (const void *)ext;
	const struct sadb_comb *c = (const void *)(prop + 1);
	size_t n = (len - sizeof(*prop)) / sizeof(*c);

	fprintf(fp, "sadb_prop{ replay=%u\n", prop->sadb_prop_replay);
	for (; n > 0; n--, c++) {
		fprintf(fp, "sadb_comb{ auth=%u encrypt=%u "
		    "flags=0x%04x reserved=0x%08x\n", c->sadb_comb_auth,
		    c->sadb_comb_encrypt, c->sadb_comb_flags,
		    c->sadb_comb_reserved);
		fprintf(fp, "  auth_minbits=%u auth_maxbits=%u "
		    "encrypt_minbits=%u encrypt_maxbits=%u\n",
		    c->sadb_comb_auth_minbits, c->sadb_comb_auth_maxbits,
		    c->sadb_comb_encrypt_minbits,
		    c->sadb_comb_encrypt_maxbits);
		fprintf(fp, "  soft_alloc=%u hard_alloc=%u "
		    "soft_bytes=%lu hard_bytes=%lu\n",
		    c->sadb_comb_soft_allocations,
		    c->sadb_comb_hard_allocations,
		    (unsigned long)c->sadb_comb_soft_bytes,
		    (unsigned long)c->sadb_comb_hard_bytes);
		/* KAME labels the time fields like the others; kept. */
		fprintf(fp, "  soft_alloc=%lu hard_alloc=%lu "
		    "soft_bytes=%lu hard_bytes=%lu }\n",
		    (unsigned long)c->sadb_comb_soft_addtime,
		    (unsigned long)c->sadb_comb_hard_addtime,
		    (unsigned long)c->sadb_comb_soft_usetime,
		    (unsigned long)c->sadb_comb_hard_usetime);
	}
	fprintf(fp, "}\n");
}

static void
kdebug_supported(FILE *fp, const struct sadb_ext *ext, size_t len)
{
	const struct sadb_supported *sup = (const void *)ext;
	const struct sadb_alg *a = (const void *)(sup + 1);
	size_t n = (len - sizeof(*sup)) / sizeof(*a);

	fprintf(fp, "sadb_sup{\n");
	for (; n > 0; n--, a++)
		fprintf(fp, "  { id=%d ivlen=%d min=%d max=%d }\n",
		    a->sadb_alg_id, a->sadb_alg_ivlen, a->sadb_alg_minbits,
		    a->sadb_alg_maxbits);
	fprintf(fp, "}\n");
}

static void
kdebug_sa2(FILE *fp, const struct sadb_ext *ext, size_t len)
{
	const struct sadb_x_sa2 *sa2 = (const void *)ext;

	(void)len;
	fprintf(fp, "sadb_x_sa2{ mode=%u reqid=%u\n", sa2->sadb_x_sa2_mode,
	    sa2->sadb_x_sa2_reqid);
	fprintf(fp, "  reserved1=%u reserved2=%u sequence=%u }\n",
	    sa2->sadb_x_sa2_reserved1, sa2->sadb_x_sa2_reserved2,
	    sa2->sadb_x_sa2_sequence);
}

/* One request; false when its length makes walking on unsafe. */
static bool
kdebug_request(FILE *fp, const struct sadb_x_ipsecrequest *r, size_t room)
{
	const struct sockaddr *sa;
	size_t l1;

	fprintf(fp, " { len=%u proto=%u mode=%u level=%u reqid=%u\n",
	    r->sadb_x_ipsecrequest_len, r->sadb_x_ipsecrequest_proto,
	    r->sadb_x_ipsecrequest_mode, r->sadb_x_ipsecrequest_level,
	    r->sadb_x_ipsecrequest_reqid);
	if (r->sadb_x_ipsecrequest_len < sizeof(*r)) {
		fprintf(fp, "kdebug_sadb_x_policy: wrong policy struct.\n");
		return false;
	}
	if (r->sadb_x_ipsecrequest_len > room) {
		fprintf(fp, "invalid ipsec policy length\n");
		return false;
	}
	if (r->sadb_x_ipsecrequest_len > sizeof(*r)) {
		sa = (const void *)(r + 1);
		room = r->sadb_x_ipsecrequest_len - sizeof(*r);
		kdebug_sockaddr(fp, sa, room);
		l1 = pfkey_sockaddr_len(sa);
		if (l1 != 0 && l1 < room)
			kdebug_sockaddr(fp, (const void *)((const uint8_t *)sa +
			    l1), room - l1);
	}
	fprintf(fp, " }\n");
	return true;
}

static void
kdebug_policy(FILE *fp, const struct sadb_ext *ext, size_t len)
{
	const struct sadb_x_policy *xpl = (const void *)ext;
	const uint8_t *p = (const uint8_t *)(xpl + 1);
	size_t left = len - sizeof(*xpl);

	fprintf(fp, "sadb_x_policy{ type=%u dir=%u id=%x priority=%u }\n",
	    xpl->sadb_x_policy_type, xpl->sadb_x_policy_dir,
	    xpl->sadb_x_policy_id, xpl->sadb_x_policy_priority);
	if (xpl->sadb_x_policy_type != IPSEC_POLICY_IPSEC)
		return;
	while (left >= sizeof(struct sadb_x_ipsecrequest)) {
		const struct sadb_x_ipsecrequest *r = (const void *)p;

		if (!kdebug_request(fp, r, left))
			return;
		left -= r->sadb_x_ipsecrequest_len;
		p += r->sadb_x_ipsecrequest_len;
	}
	if (left != 0)
		fprintf(fp, "kdebug_sadb_x_policy: wrong policy struct.\n");
}

static void
kdebug_natt_type(FILE *fp, const struct sadb_ext *ext, size_t len)
{
	(void)len;
	fprintf(fp, "sadb_x_nat_t_type{ type=%u }\n",
	    ((const struct sadb_x_nat_t_type *)(const void *)ext)
	    ->sadb_x_nat_t_type_type);
}

static void
kdebug_natt_port(FILE *fp, const struct sadb_ext *ext, size_t len)
{
	(void)len;
	fprintf(fp, "sadb_x_nat_t_port{ port=%u }\n",
	    ntohs(((const struct sadb_x_nat_t_port *)(const void *)ext)
	    ->sadb_x_nat_t_port_port));
}

static void
kdebug_natt_frag(FILE *fp, const struct sadb_ext *ext, size_t len)
{
	(void)len;
	fprintf(fp, "sadb_x_nat_t_frag{ fraglen=%u }\n",
	    ((const struct sadb_x_nat_t_frag *)(const void *)ext)
	    ->sadb_x_nat_t_frag_fraglen);
}

static void
kdebug_sa_replay(FILE *fp, const struct sadb_ext *ext, size_t len)
{
	(void)len;
	fprintf(fp, "sadb_x_sa_replay{ replay=%u }\n",
	    ((const struct sadb_x_sa_replay *)(const void *)ext)
	    ->sadb_x_sa_replay_replay);
}

static void
kdebug_nothing(FILE *fp, const struct sadb_ext *ext, size_t len)
{
	(void)fp;
	(void)ext;
	(void)len;
}

/* Printer and smallest length of each extension type. */
static const struct {
	kdebug_fn	*fn;
	size_t		 minlen;
} kdebug_ext[SADB_EXT_MAX + 1] = {
	[SADB_EXT_SA] = { kdebug_sa, sizeof(struct sadb_sa) },
	[SADB_EXT_LIFETIME_CURRENT] = { kdebug_lifetime, 32 },
	[SADB_EXT_LIFETIME_HARD] = { kdebug_lifetime, 32 },
	[SADB_EXT_LIFETIME_SOFT] = { kdebug_lifetime, 32 },
	[SADB_EXT_ADDRESS_SRC] = { kdebug_address, 8 },
	[SADB_EXT_ADDRESS_DST] = { kdebug_address, 8 },
	[SADB_EXT_ADDRESS_PROXY] = { kdebug_address, 8 },
	[SADB_EXT_KEY_AUTH] = { kdebug_key, 8 },
	[SADB_EXT_KEY_ENCRYPT] = { kdebug_key, 8 },
	[SADB_EXT_IDENTITY_SRC] = { kdebug_identity, 16 },
	[SADB_EXT_IDENTITY_DST] = { kdebug_identity, 16 },
	[SADB_EXT_SENSITIVITY] = { kdebug_nothing, 8 },
	[SADB_EXT_PROPOSAL] = { kdebug_prop, 8 },
	[SADB_EXT_SUPPORTED_AUTH] = { kdebug_supported, 8 },
	[SADB_EXT_SUPPORTED_ENCRYPT] = { kdebug_supported, 8 },
	[SADB_EXT_SPIRANGE] = { kdebug_nothing, 8 },
	[SADB_X_EXT_KMPRIVATE] = { kdebug_nothing, 8 },
	[SADB_X_EXT_POLICY] = { kdebug_policy, 16 },
	[SADB_X_EXT_SA2] = { kdebug_sa2, 16 },
	[SADB_X_EXT_NAT_T_TYPE] = { kdebug_natt_type, 8 },
	[SADB_X_EXT_NAT_T_SPORT] = { kdebug_natt_port, 8 },
	[SADB_X_EXT_NAT_T_DPORT] = { kdebug_natt_port, 8 },
	[SADB_X_EXT_NAT_T_OAI] = { kdebug_address, 8 },
	[SADB_X_EXT_NAT_T_OAR] = { kdebug_address, 8 },
	[SADB_X_EXT_NAT_T_FRAG] = { kdebug_natt_frag, 8 },
	[SADB_X_EXT_SA_REPLAY] = { kdebug_sa_replay, 8 },
	[SADB_X_EXT_NEW_ADDRESS_SRC] = { kdebug_address, 8 },
	[SADB_X_EXT_NEW_ADDRESS_DST] = { kdebug_address, 8 },
};

void
kdebug_sadb_fp(FILE *fp, const struct sadb_msg *base)
{
	const uint8_t *p;
	const struct sadb_ext *ext;
	size_t tlen, extlen;

	if (base == NULL) {
		fprintf(fp, "kdebug_sadb: NULL pointer was passed.\n");
		return;
	}
	fprintf(fp, "sadb_msg{ version=%u type=%u errno=%u satype=%u\n",
	    base->sadb_msg_version, base->sadb_msg_type,
	    base->sadb_msg_errno, base->sadb_msg_satype);
	fprintf(fp, "  len=%u reserved=%u seq=%u pid=%u\n",
	    base->sadb_msg_len, base->sadb_msg_reserved, base->sadb_msg_seq,
	    base->sadb_msg_pid);
	tlen = PFKEY_UNUNIT64((size_t)base->sadb_msg_len);
	tlen = tlen < sizeof(*base) ? 0 : tlen - sizeof(*base);
	p = (const uint8_t *)(base + 1);
	while (tlen >= sizeof(*ext)) {
		ext = (const void *)p;
		fprintf(fp, "sadb_ext{ len=%u type=%u }\n", ext->sadb_ext_len,
		    ext->sadb_ext_type);
		extlen = PFKEY_UNUNIT64((size_t)ext->sadb_ext_len);
		if (extlen == 0) {
			fprintf(fp, "kdebug_sadb: invalid ext_len=0 "
			    "was passed.\n");
			return;
		}
		if (extlen > tlen) {
			fprintf(fp, "kdebug_sadb: ext_len exceeds end of "
			    "buffer.\n");
			return;
		}
		if (ext->sadb_ext_type > SADB_EXT_MAX ||
		    kdebug_ext[ext->sadb_ext_type].fn == NULL) {
			fprintf(fp, "kdebug_sadb: invalid ext_type %u was "
			    "passed.\n", ext->sadb_ext_type);
			return;
		}
		if (extlen < kdebug_ext[ext->sadb_ext_type].minlen) {
			fprintf(fp, "kdebug_sadb: ext_len too short.\n");
			return;
		}
		kdebug_ext[ext->sadb_ext_type].fn(fp, ext, extlen);
		tlen -= extlen;
		p += extlen;
	}
}

void
kdebug_sadb(struct sadb_msg *base)
{
	kdebug_sadb_fp(stdout, base);
}
