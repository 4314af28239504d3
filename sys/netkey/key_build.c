/*
 * PF_KEY v2 message building.
 *
 * Every append reserves the padded size of its extension first (growing a
 * dynamic buffer, or failing with ENOBUFS), zeroes it, then copies the
 * fields in with memcpy; the padding is therefore always zero and the
 * buffer needs no alignment.  Once b->error is set nothing more is written,
 * so a caller builds a whole message and checks key_build_end() once.
 *
 * Growing a dynamic buffer copies it into a new allocation and wipes the
 * old one: it may already hold keys.  Dumps reuse one buffer for every
 * record (key_build_begin() starts over), so that happens only while the
 * first few records are built.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <sys/socket.h>
#include <netinet/in.h>
#include <openssl/crypto.h>

#include "sys/netkey/key_build.h"
#include "sys/netkey/key_parse.h"

#define KEY_BUF_INITIAL	512

void
key_buf_init(struct key_buf *b, void *mem, size_t size)
{
	memset(b, 0, sizeof(*b));
	b->base = mem;
	b->cap = size;
}

void
key_buf_init_dynamic(struct key_buf *b)
{
	memset(b, 0, sizeof(*b));
	b->dynamic = true;
}

void
key_buf_free(struct key_buf *b)
{
	if (b->base != NULL && b->cap != 0)
		OPENSSL_cleanse(b->base, b->cap);
	if (b->dynamic)
		free(b->base);
	memset(b, 0, sizeof(*b));
}

static void
fail(struct key_buf *b, int error)
{
	if (b->error == 0)
		b->error = error;
}

static bool
grow(struct key_buf *b, size_t need)
{
	uint8_t *nbase;
	size_t ncap;

	ncap = b->cap != 0 ? b->cap : KEY_BUF_INITIAL;
	while (ncap < need)
		ncap *= 2;
	if (ncap > KEY_MSG_MAX)
		ncap = KEY_MSG_MAX;
	if ((nbase = malloc(ncap)) == NULL)
		return false;
	if (b->base != NULL) {
		memcpy(nbase, b->base, b->len);
		OPENSSL_cleanse(b->base, b->cap);
		free(b->base);
	}
	b->base = nbase;
	b->cap = ncap;
	return true;
}

/*
 * Room for size bytes (a multiple of 8) at the end of the message, zeroed;
 * NULL after an error.  Offsets, not pointers, survive a grow().
 */
static uint8_t *
reserve(struct key_buf *b, size_t size)
{
	uint8_t *p;

	if (b->error != 0)
		return NULL;
	if (b->base == NULL && !b->dynamic) {
		fail(b, EINVAL);
		return NULL;
	}
	if (size > KEY_MSG_MAX - b->len) {
		fail(b, ENOBUFS);
		return NULL;
	}
	if (b->len + size > b->cap && (!b->dynamic ||
	    !grow(b, b->len + size))) {
		fail(b, ENOBUFS);
		return NULL;
	}
	p = b->base + b->len;
	memset(p, 0, size);
	b->len += size;
	return p;
}

/* Reserve an extension of len bytes before padding and fill its header. */
static uint8_t *
begin_ext(struct key_buf *b, uint16_t type, size_t len)
{
	struct sadb_ext ext;
	size_t padded = PFKEY_ALIGN8(len);
	uint8_t *p;

	if (b->error == 0 && b->len < sizeof(struct sadb_msg)) {
		fail(b, EINVAL);
		return NULL;
	}
	if ((p = reserve(b, padded)) == NULL)
		return NULL;
	ext.sadb_ext_len = (uint16_t)PFKEY_UNIT64(padded);
	ext.sadb_ext_type = type;
	memcpy(p, &ext, sizeof(ext));
	return p;
}

/* An extension that is exactly its struct, already filled but for len. */
static void
append_fixed(struct key_buf *b, uint16_t type, const void *s, size_t size)
{
	uint8_t *p;

	if ((p = begin_ext(b, type, size)) == NULL)
		return;
	memcpy(p + sizeof(struct sadb_ext), (const uint8_t *)s +
	    sizeof(struct sadb_ext), size - sizeof(struct sadb_ext));
}

void
key_build_begin(struct key_buf *b, uint8_t type, uint8_t satype,
    uint32_t seq, uint32_t pid)
{
	struct sadb_msg hdr;
	uint8_t *p;

	b->error = 0;
	b->len = 0;
	b->policy_off = 0;
	if ((p = reserve(b, sizeof(hdr))) == NULL)
		return;
	memset(&hdr, 0, sizeof(hdr));
	hdr.sadb_msg_version = PF_KEY_V2;
	hdr.sadb_msg_type = type;
	hdr.sadb_msg_satype = satype;
	hdr.sadb_msg_len = (uint16_t)PFKEY_UNIT64(sizeof(hdr));
	hdr.sadb_msg_seq = seq;
	hdr.sadb_msg_pid = pid;
	memcpy(p, &hdr, sizeof(hdr));
}

void
key_build_error(struct key_buf *b, const struct sadb_msg *req, int error)
{
	key_build_begin(b, req->sadb_msg_type, req->sadb_msg_satype,
	    req->sadb_msg_seq, req->sadb_msg_pid);
	key_build_set_errno(b, (uint8_t)error);
}

void
key_build_set_errno(struct key_buf *b, uint8_t error)
{
	if (b->error == 0 && b->len >= sizeof(struct sadb_msg))
		b->base[offsetof(struct sadb_msg, sadb_msg_errno)] = error;
}

void
key_build_set_reserved(struct key_buf *b, uint16_t reserved)
{
	if (b->error == 0 && b->len >= sizeof(struct sadb_msg))
		memcpy(b->base + offsetof(struct sadb_msg, sadb_msg_reserved),
		    &reserved, sizeof(reserved));
}

int
key_build_end(struct key_buf *b)
{
	uint16_t words;

	if (b->error == 0 && b->len < sizeof(struct sadb_msg))
		fail(b, EINVAL);
	if (b->error != 0)
		return b->error;
	words = (uint16_t)PFKEY_UNIT64(b->len);
	memcpy(b->base + offsetof(struct sadb_msg, sadb_msg_len), &words,
	    sizeof(words));
	return 0;
}

void
key_build_sa(struct key_buf *b, uint32_t spi, uint8_t replay,
    uint8_t state, uint8_t auth, uint8_t encrypt, uint32_t flags)
{
	struct sadb_sa s = {
		.sadb_sa_spi = spi,
		.sadb_sa_replay = replay,
		.sadb_sa_state = state,
		.sadb_sa_auth = auth,
		.sadb_sa_encrypt = encrypt,
		.sadb_sa_flags = flags,
	};

	append_fixed(b, SADB_EXT_SA, &s, sizeof(s));
}

void
key_build_sa2(struct key_buf *b, uint8_t mode, uint32_t reqid,
    uint32_t sequence)
{
	struct sadb_x_sa2 s = {
		.sadb_x_sa2_mode = mode,
		.sadb_x_sa2_sequence = sequence,
		.sadb_x_sa2_reqid = reqid,
	};

	append_fixed(b, SADB_X_EXT_SA2, &s, sizeof(s));
}

void
key_build_lifetime(struct key_buf *b, uint16_t exttype,
    uint32_t allocations, uint64_t bytes, uint64_t addtime, uint64_t usetime)
{
	struct sadb_lifetime l = {
		.sadb_lifetime_allocations = allocations,
		.sadb_lifetime_bytes = bytes,
		.sadb_lifetime_addtime = addtime,
		.sadb_lifetime_usetime = usetime,
	};

	append_fixed(b, exttype, &l, sizeof(l));
}

void
key_build_address(struct key_buf *b, uint16_t exttype,
    const struct sockaddr *sa, uint8_t prefixlen, uint8_t proto)
{
	struct sadb_address a = {
		.sadb_address_proto = proto,
		.sadb_address_prefixlen = prefixlen,
	};
	size_t salen = pfkey_sockaddr_len(sa);
	uint8_t *p;

	if (salen == 0) {
		fail(b, EAFNOSUPPORT);
		return;
	}
	if ((p = begin_ext(b, exttype, sizeof(a) + salen)) == NULL)
		return;
	memcpy(p + sizeof(struct sadb_ext), (const uint8_t *)&a +
	    sizeof(struct sadb_ext), sizeof(a) - sizeof(struct sadb_ext));
	memcpy(p + sizeof(a), sa, salen);
}

void
key_build_key(struct key_buf *b, uint16_t exttype, const void *key,
    uint16_t bits)
{
	struct sadb_key k = { .sadb_key_bits = bits };
	size_t klen = ((size_t)bits + 7) / 8;
	uint8_t *p;

	if (bits == 0 || key == NULL) {
		fail(b, EINVAL);
		return;
	}
	if ((p = begin_ext(b, exttype, sizeof(k) + klen)) == NULL)
		return;
	memcpy(p + sizeof(struct sadb_ext), (const uint8_t *)&k +
	    sizeof(struct sadb_ext), sizeof(k) - sizeof(struct sadb_ext));
	memcpy(p + sizeof(k), key, klen);
}

void
key_build_identity(struct key_buf *b, uint16_t exttype, uint16_t type,
    uint64_t id, const char *str)
{
	struct sadb_ident i = {
		.sadb_ident_type = type,
		.sadb_ident_id = id,
	};
	size_t slen = str != NULL ? strlen(str) + 1 : 0;
	uint8_t *p;

	if (slen > KEY_MSG_MAX) {
		fail(b, ENOBUFS);
		return;
	}
	if ((p = begin_ext(b, exttype, sizeof(i) + slen)) == NULL)
		return;
	memcpy(p + sizeof(struct sadb_ext), (const uint8_t *)&i +
	    sizeof(struct sadb_ext), sizeof(i) - sizeof(struct sadb_ext));
	if (slen != 0)
		memcpy(p + sizeof(i), str, slen);
}

void
key_build_spirange(struct key_buf *b, uint32_t min, uint32_t max)
{
	struct sadb_spirange r = {
		.sadb_spirange_min = min,
		.sadb_spirange_max = max,
	};

	append_fixed(b, SADB_EXT_SPIRANGE, &r, sizeof(r));
}

void
key_build_policy(struct key_buf *b, uint16_t type, uint8_t dir,
    uint32_t id, uint32_t priority)
{
	struct sadb_x_policy x = {
		.sadb_x_policy_type = type,
		.sadb_x_policy_dir = dir,
		.sadb_x_policy_id = id,
		.sadb_x_policy_priority = priority,
	};
	size_t off = b->len;

	append_fixed(b, SADB_X_EXT_POLICY, &x, sizeof(x));
	if (b->error == 0)
		b->policy_off = off;
}

/*
 * The length of each of a request's two sockaddrs (0 for none), or -1 and
 * the error in *error.
 */
static ssize_t
request_salen(const struct sockaddr *src, const struct sockaddr *dst,
    int *error)
{
	size_t salen;

	if (src == NULL && dst == NULL)
		return 0;
	if (src == NULL || dst == NULL || src->sa_family != dst->sa_family) {
		*error = EINVAL;
		return -1;
	}
	if ((salen = pfkey_sockaddr_len(src)) == 0) {
		*error = EAFNOSUPPORT;
		return -1;
	}
	return (ssize_t)salen;
}

/*
 * Requests extend the x_policy extension built last, which must be the
 * last extension of the message so far.
 */
void
key_build_ipsecrequest(struct key_buf *b, uint16_t proto, uint8_t mode,
    uint8_t level, uint16_t reqid, const struct sockaddr *src,
    const struct sockaddr *dst)
{
	struct sadb_x_ipsecrequest r = {
		.sadb_x_ipsecrequest_proto = proto,
		.sadb_x_ipsecrequest_mode = mode,
		.sadb_x_ipsecrequest_level = level,
		.sadb_x_ipsecrequest_reqid = reqid,
	};
	size_t rlen, plen;
	ssize_t salen;
	uint16_t words;
	uint8_t *p;
	int error;

	if (b->error != 0)
		return;
	if ((salen = request_salen(src, dst, &error)) < 0) {
		fail(b, error);
		return;
	}
	if (b->policy_off == 0) {
		fail(b, EINVAL);
		return;
	}
	memcpy(&words, b->base + b->policy_off, sizeof(words));
	plen = PFKEY_UNUNIT64((size_t)words);
	if (b->policy_off + plen != b->len) {
		fail(b, EINVAL);
		return;
	}
	rlen = PFKEY_ALIGN8(sizeof(r) + 2 * (size_t)salen);
	if ((p = reserve(b, rlen)) == NULL)
		return;
	r.sadb_x_ipsecrequest_len = (uint16_t)rlen;
	memcpy(p, &r, sizeof(r));
	if (salen != 0) {
		memcpy(p + sizeof(r), src, (size_t)salen);
		memcpy(p + sizeof(r) + salen, dst, (size_t)salen);
	}
	words = (uint16_t)PFKEY_UNIT64(plen + rlen);
	memcpy(b->base + b->policy_off, &words, sizeof(words));
}

void
key_build_supported(struct key_buf *b, uint16_t exttype,
    const struct sadb_alg *algs, size_t n)
{
	struct sadb_supported s = { .sadb_supported_len = 0 };
	uint8_t *p;

	if (n > KEY_MSG_MAX / sizeof(*algs)) {
		fail(b, ENOBUFS);
		return;
	}
	if ((p = begin_ext(b, exttype, sizeof(s) + n * sizeof(*algs))) ==
	    NULL)
		return;
	memcpy(p + sizeof(struct sadb_ext), (const uint8_t *)&s +
	    sizeof(struct sadb_ext), sizeof(s) - sizeof(struct sadb_ext));
	if (n != 0)
		memcpy(p + sizeof(s), algs, n * sizeof(*algs));
}

void
key_build_proposal(struct key_buf *b, uint8_t replay,
    const struct sadb_comb *combs, size_t n)
{
	struct sadb_prop pr = { .sadb_prop_replay = replay };
	uint8_t *p;

	if (n > KEY_MSG_MAX / sizeof(*combs)) {
		fail(b, ENOBUFS);
		return;
	}
	if ((p = begin_ext(b, SADB_EXT_PROPOSAL, sizeof(pr) +
	    n * sizeof(*combs))) == NULL)
		return;
	memcpy(p + sizeof(struct sadb_ext), (const uint8_t *)&pr +
	    sizeof(struct sadb_ext), sizeof(pr) - sizeof(struct sadb_ext));
	if (n != 0)
		memcpy(p + sizeof(pr), combs, n * sizeof(*combs));
}

void
key_build_nat_t_type(struct key_buf *b, uint8_t type)
{
	struct sadb_x_nat_t_type t = { .sadb_x_nat_t_type_type = type };

	append_fixed(b, SADB_X_EXT_NAT_T_TYPE, &t, sizeof(t));
}

void
key_build_nat_t_port(struct key_buf *b, uint16_t exttype, uint16_t port)
{
	struct sadb_x_nat_t_port pt = { .sadb_x_nat_t_port_port = port };

	append_fixed(b, exttype, &pt, sizeof(pt));
}

void
key_build_nat_t_frag(struct key_buf *b, uint16_t fraglen)
{
	struct sadb_x_nat_t_frag f = { .sadb_x_nat_t_frag_fraglen = fraglen };

	append_fixed(b, SADB_X_EXT_NAT_T_FRAG, &f, sizeof(f));
}

void
key_build_sa_replay(struct key_buf *b, uint32_t replay)
{
	struct sadb_x_sa_replay r = { .sadb_x_sa_replay_replay = replay };

	append_fixed(b, SADB_X_EXT_SA_REPLAY, &r, sizeof(r));
}

void
key_build_ext(struct key_buf *b, const struct sadb_ext *ext)
{
	size_t len = PFKEY_UNUNIT64((size_t)ext->sadb_ext_len);
	uint8_t *p;

	if (len < sizeof(*ext)) {
		fail(b, EINVAL);
		return;
	}
	if ((p = begin_ext(b, ext->sadb_ext_type, len)) == NULL)
		return;
	memcpy(p + sizeof(*ext), (const uint8_t *)ext + sizeof(*ext),
	    len - sizeof(*ext));
}

void
key_build_echo(struct key_buf *b, const struct key_msg *m, uint32_t mask)
{
	const uint8_t *base = (const void *)m->hdr;
	const struct sadb_ext *ext;
	size_t off;

	key_build_begin(b, m->hdr->sadb_msg_type, m->hdr->sadb_msg_satype,
	    m->hdr->sadb_msg_seq, m->hdr->sadb_msg_pid);
	for (off = sizeof(struct sadb_msg); off < m->len;
	    off += PFKEY_EXTLEN(ext)) {
		ext = (const void *)(base + off);
		if (ext->sadb_ext_type <= SADB_EXT_MAX &&
		    (mask & KEY_EXT_BIT(ext->sadb_ext_type)) != 0)
			key_build_ext(b, ext);
	}
}
