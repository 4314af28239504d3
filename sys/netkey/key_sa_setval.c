/*
 * Checking an ADD or UPDATE request and filling an SA from it: KAME's
 * key_setsaval() and key_mature() in one pass, before anything is linked,
 * so that a refused request leaves the SAD untouched.
 *
 * Choices, where KAME, FreeBSD and the task differ:
 *  - Byte lifetimes are accepted (FreeBSD, ipsec-tools -bh/-bs); KAME
 *    final refused them.  HARD and SOFT may come alone (FreeBSD); KAME
 *    wanted both or neither.
 *  - sadb_sa_replay is bytes of bitmap (a window of replay * 8 packets);
 *    SADB_X_EXT_SA_REPLAY gives the window in packets and wins.  An OLD
 *    (RFC 1826/1827) SA has no replay protection: the window is 0.  A
 *    window above KEY_SA_REPLAY_MAX is refused (EINVAL) here rather than
 *    accepted and then failing every packet.
 *  - sadb_sa_state is not checked: stock setkey sends LARVAL (0) in ADD
 *    and the SA becomes MATURE whatever it says.
 *  - Keys are checked by building the crypto session once, which catches
 *    weak and semi-weak DES keys, and freeing it at once.  The packet layer
 *    builds the sessions it keeps when it installs the SA; the key engine
 *    keeps only the key bytes.
 *  - AEAD and GMAC encryption carry their own ICV, so an ESP SA with one of
 *    them and an authentication algorithm is refused.
 */
#include <errno.h>
#include <string.h>

#include <arpa/inet.h>

#include "net/pfkeyv2.h"
#include "netipsec/ipsec.h"
#include "sys/crypto/crypto.h"
#include "sys/netkey/key_msg_sa.h"
#include "sys/netkey/key_parse.h"
#include "sys/netkey/key_sa.h"

#define IPCOMP_CPI_MAX		0xffff
#define TCPSIG_SPI		0x1000

/* The request's view of an SA's algorithms and keys. */
struct sa_request {
	const struct sadb_sa	*sa;
	const struct sadb_key	*key_auth;
	const struct sadb_key	*key_enc;
	const struct crypto_alg	*auth;		/* NULL: sadb_sa_auth NONE */
	const struct crypto_alg	*enc;		/* or the CALG for IPComp */
};

typedef int (*satype_check_fn)(struct sa_request *);

/*
 * An algorithm id of a kind: NULL for id 0; EINVAL if its keys may not be
 * stored.  "Listed" rather than "available": TCP-MD5 keys are kept for the
 * host's TCP although the stack has no transform for them; the satype
 * checks keep such an algorithm to its own satype.
 */
static int
find_alg(enum crypto_kind kind, unsigned int id,
    const struct crypto_alg **algp)
{
	const struct crypto_alg *alg;

	*algp = NULL;
	if (id == 0)
		return 0;
	alg = crypto_alg_byid(kind, id);
	if (alg == NULL || !crypto_alg_listed(alg))
		return EINVAL;
	*algp = alg;
	return 0;
}

/*
 * A key for alg: a null algorithm takes none; any other needs one whose
 * length it accepts.  The session is built once to run the algorithm's
 * own checks (weak keys) and freed.
 */
static int
check_key(const struct crypto_alg *alg, const struct sadb_key *key,
    unsigned int flags)
{
	unsigned int bits = key != NULL ? key->sadb_key_bits : 0;
	const uint8_t *data = key != NULL ? (const void *)(key + 1) : NULL;
	struct crypto_enc *enc;
	struct crypto_auth *auth;
	size_t len = (bits + 7) / 8;

	if (alg->mode == CRYPTO_MODE_NULL)
		return key != NULL ? EINVAL : 0;
	if (!crypto_alg_keylen_ok(alg, bits))
		return EINVAL;
	if (alg->mode == CRYPTO_MODE_NONE)
		return 0;
	if (alg->kind == CRYPTO_KIND_ENC) {
		if (crypto_enc_new(alg, data, len, flags, &enc) != 0)
			return EINVAL;
		crypto_enc_free(enc);
	} else {
		if (crypto_auth_new(alg, data, len, flags, &auth) != 0)
			return EINVAL;
		crypto_auth_free(auth);
	}
	return 0;
}

static int
check_esp(struct sa_request *r)
{
	uint32_t flags = r->sa->sadb_sa_flags;
	int error;

	if ((flags & SADB_X_EXT_OLD) && (flags & SADB_X_EXT_DERIV))
		return EINVAL;
	if ((error = find_alg(CRYPTO_KIND_ENC, r->sa->sadb_sa_encrypt,
	    &r->enc)) != 0 || r->enc == NULL)
		return EINVAL;
	if ((error = find_alg(CRYPTO_KIND_AUTH, r->sa->sadb_sa_auth,
	    &r->auth)) != 0)
		return error;
	if (r->auth != NULL && (r->enc->mode == CRYPTO_MODE_AEAD ||
	    r->enc->mode == CRYPTO_MODE_GMAC))
		return EINVAL;
	if (r->auth == NULL && r->key_auth != NULL)
		return EINVAL;
	return 0;
}

/* AH and TCP-MD5: an authentication algorithm and no cipher. */
static int
check_auth_only(struct sa_request *r)
{
	if (r->sa->sadb_sa_encrypt != SADB_EALG_NONE || r->key_enc != NULL)
		return EINVAL;
	if (find_alg(CRYPTO_KIND_AUTH, r->sa->sadb_sa_auth, &r->auth) != 0 ||
	    r->auth == NULL)
		return EINVAL;
	return 0;
}

static int
check_ah(struct sa_request *r)
{
	if (r->sa->sadb_sa_flags & SADB_X_EXT_DERIV)
		return EINVAL;
	return check_auth_only(r);
}

static int
check_ipcomp(struct sa_request *r)
{
	uint32_t spi = ntohl(r->sa->sadb_sa_spi);

	if (!(r->sa->sadb_sa_flags & SADB_X_EXT_RAWCPI) &&
	    spi > IPCOMP_CPI_MAX)
		return EINVAL;
	if (r->sa->sadb_sa_auth != SADB_AALG_NONE || r->key_auth != NULL ||
	    r->key_enc != NULL)
		return EINVAL;
	if (find_alg(CRYPTO_KIND_COMP, r->sa->sadb_sa_encrypt, &r->enc) != 0 ||
	    r->enc == NULL)
		return EINVAL;
	return 0;
}

/* RFC 2385 TCP-MD5: KAME's fixed SPI. */
static int
check_tcpsig(struct sa_request *r)
{
	int error;

	if (ntohl(r->sa->sadb_sa_spi) != TCPSIG_SPI)
		return EINVAL;
	if ((error = check_auth_only(r)) != 0)
		return error;
	return r->auth->sadb_id == SADB_X_AALG_TCP_MD5 ? 0 : EINVAL;
}

static const satype_check_fn satype_checks[SADB_SATYPE_MAX + 1] = {
	[SADB_SATYPE_AH] = check_ah,
	[SADB_SATYPE_ESP] = check_esp,
	[SADB_X_SATYPE_IPCOMP] = check_ipcomp,
	[SADB_X_SATYPE_TCPSIGNATURE] = check_tcpsig,
};

/* ESP and AH SPIs 0..255 are reserved (RFC 4303/4302, KAME key_mature). */
static int
check_spi(uint8_t satype, uint32_t spi)
{
	if ((satype == SADB_SATYPE_ESP || satype == SADB_SATYPE_AH) &&
	    ntohl(spi) <= 255)
		return EINVAL;
	return 0;
}

static int
check_request(uint8_t satype, struct sa_request *r)
{
	unsigned int flags = 0;
	int error;

	if (satype > SADB_SATYPE_MAX || satype_checks[satype] == NULL)
		return EINVAL;
	if ((error = check_spi(satype, r->sa->sadb_sa_spi)) != 0 ||
	    (error = satype_checks[satype](r)) != 0)
		return error;
	/* An algorithm without a transform cannot protect packets. */
	if (satype != SADB_X_SATYPE_TCPSIGNATURE && r->auth != NULL &&
	    r->auth->mode == CRYPTO_MODE_NONE)
		return EINVAL;
	if (r->sa->sadb_sa_flags & SADB_X_EXT_OLD)
		flags |= CRYPTO_F_OLD;
	if (r->enc != NULL && r->enc->kind == CRYPTO_KIND_ENC &&
	    (error = check_key(r->enc, r->key_enc, flags)) != 0)
		return error;
	if (r->auth != NULL &&
	    (error = check_key(r->auth, r->key_auth, flags)) != 0)
		return error;
	return 0;
}

static void
copy_lifetime(struct ipsec_sa_lifetime *to, const struct sadb_lifetime *lt)
{
	if (lt == NULL)
		return;
	to->allocations = lt->sadb_lifetime_allocations;
	to->bytes = lt->sadb_lifetime_bytes;
	to->addtime = lt->sadb_lifetime_addtime;
	to->usetime = lt->sadb_lifetime_usetime;
}

void
key_sa_set_lifetimes(struct ipsec_sa *sa, const struct key_msg *m)
{
	copy_lifetime(&sa->hard, KEY_MSG_EXT(m, SADB_EXT_LIFETIME_HARD,
	    sadb_lifetime));
	copy_lifetime(&sa->soft, KEY_MSG_EXT(m, SADB_EXT_LIFETIME_SOFT,
	    sadb_lifetime));
}

static int
set_sa2(struct ipsec_sa *sa, const struct key_msg *m)
{
	const struct sadb_x_sa2 *sa2 = KEY_MSG_EXT(m, SADB_X_EXT_SA2,
	    sadb_x_sa2);

	if (sa2 == NULL)
		return 0;
	if (sa2->sadb_x_sa2_mode > IPSEC_MODE_TCPMD5)
		return EINVAL;
	sa->mode = sa2->sadb_x_sa2_mode;
	sa->reqid = sa2->sadb_x_sa2_reqid;
	return 0;
}

/* Keep every echoed extension the request carries as a raw copy. */
static int
set_exts(struct ipsec_sa *sa, const struct key_msg *m)
{
	const struct sadb_ext *ext;
	unsigned int i;
	int error;

	for (i = 0; i < KEY_SA_EXT_COUNT; i++) {
		ext = m->ext[key_sa_ext_type(i)];
		if (ext == NULL)
			continue;
		error = key_sa_set_ext(sa, i, ext,
		    PFKEY_UNUNIT64((size_t)ext->sadb_ext_len));
		if (error != 0)
			return error;
	}
	return 0;
}

static int
set_keys(struct ipsec_sa *sa, const struct sa_request *r)
{
	int error = 0;

	if (r->key_auth != NULL)
		error = key_sa_set_key(&sa->key_auth, r->key_auth + 1,
		    r->key_auth->sadb_key_bits);
	if (error == 0 && r->key_enc != NULL)
		error = key_sa_set_key(&sa->key_enc, r->key_enc + 1,
		    r->key_enc->sadb_key_bits);
	return error;
}

static uint32_t
replay_window(const struct key_msg *m, const struct sadb_sa *s)
{
	const struct sadb_x_sa_replay *rp = KEY_MSG_EXT(m,
	    SADB_X_EXT_SA_REPLAY, sadb_x_sa_replay);

	if (s->sadb_sa_flags & SADB_X_EXT_OLD)
		return 0;
	if (rp != NULL)
		return rp->sadb_x_sa_replay_replay;
	return (uint32_t)s->sadb_sa_replay * 8;
}

int
key_sa_setval(struct ipsec_sa *sa, const struct key_msg *m)
{
	struct sa_request r;
	int error;

	memset(&r, 0, sizeof(r));
	r.sa = KEY_MSG_EXT(m, SADB_EXT_SA, sadb_sa);
	r.key_auth = KEY_MSG_EXT(m, SADB_EXT_KEY_AUTH, sadb_key);
	r.key_enc = KEY_MSG_EXT(m, SADB_EXT_KEY_ENCRYPT, sadb_key);
	if (r.sa == NULL)
		return EINVAL;
	if ((error = check_request(sa->satype, &r)) != 0 ||
	    (error = set_sa2(sa, m)) != 0)
		return error;
	sa->spi = r.sa->sadb_sa_spi;
	sa->alg_auth = r.sa->sadb_sa_auth;
	sa->alg_enc = r.sa->sadb_sa_encrypt;
	sa->flags = r.sa->sadb_sa_flags;
	sa->replay = replay_window(m, r.sa);
	if (sa->replay > KEY_SA_REPLAY_MAX)
		return EINVAL;
	key_sa_set_lifetimes(sa, m);
	if ((error = set_keys(sa, &r)) != 0 || (error = set_exts(sa, m)) != 0)
		return error;
	return 0;
}
