/*
 * The SA object: creation, references, the one free path, key material
 * and extension copies.  Linking into the SAD lives in key_sad.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include <net/pfkeyv2.h>
#include "sys/net/net_clock.h"
#include "sys/netkey/key_sa.h"

/* SA types the SAD keeps, with the IP protocol that carries them. */
static const uint8_t satype_proto[SADB_SATYPE_MAX + 1] = {
	[SADB_SATYPE_AH] = IPPROTO_AH,
	[SADB_SATYPE_ESP] = IPPROTO_ESP,
	[SADB_X_SATYPE_IPCOMP] = IPPROTO_COMP,
	[SADB_X_SATYPE_TCPSIGNATURE] = IPPROTO_TCP,
};

static const uint16_t sa_ext_type[KEY_SA_EXT_COUNT] = {
	[KEY_SA_EXT_IDENTITY_SRC] = SADB_EXT_IDENTITY_SRC,
	[KEY_SA_EXT_IDENTITY_DST] = SADB_EXT_IDENTITY_DST,
	[KEY_SA_EXT_SENSITIVITY] = SADB_EXT_SENSITIVITY,
	[KEY_SA_EXT_KMPRIVATE] = SADB_X_EXT_KMPRIVATE,
	[KEY_SA_EXT_NAT_T_TYPE] = SADB_X_EXT_NAT_T_TYPE,
	[KEY_SA_EXT_NAT_T_SPORT] = SADB_X_EXT_NAT_T_SPORT,
	[KEY_SA_EXT_NAT_T_DPORT] = SADB_X_EXT_NAT_T_DPORT,
	[KEY_SA_EXT_NAT_T_OAI] = SADB_X_EXT_NAT_T_OAI,
	[KEY_SA_EXT_NAT_T_OAR] = SADB_X_EXT_NAT_T_OAR,
};

uint8_t
key_satype_to_proto(uint8_t satype)
{
	if (satype > SADB_SATYPE_MAX)
		return 0;
	return satype_proto[satype];
}

uint8_t
key_proto_to_satype(uint8_t proto)
{
	size_t i;

	if (proto == 0)
		return 0;
	for (i = 0; i <= SADB_SATYPE_MAX; i++)
		if (satype_proto[i] == proto)
			return (uint8_t)i;
	return 0;
}

uint16_t
key_sa_ext_type(enum key_sa_ext which)
{
	if ((unsigned int)which >= KEY_SA_EXT_COUNT)
		return 0;
	return sa_ext_type[which];
}

static int
copy_sockaddr(union key_sockaddr *to, const struct sockaddr *from)
{
	size_t len = pfkey_sockaddr_len(from);

	if (len == 0)
		return EAFNOSUPPORT;
	memset(to, 0, sizeof(*to));
	memcpy(to, from, len);
	return 0;
}

struct ipsec_sa *
key_sa_alloc(uint8_t satype, const struct sockaddr *src,
    const struct sockaddr *dst)
{
	struct ipsec_sa *sa;
	uint8_t proto = key_satype_to_proto(satype);

	if (proto == 0) {
		errno = EINVAL;
		return NULL;
	}
	if (src == NULL || dst == NULL || src->sa_family != dst->sa_family) {
		errno = EAFNOSUPPORT;
		return NULL;
	}
	sa = calloc(1, sizeof(*sa));
	if (sa == NULL)
		return NULL;
	if (copy_sockaddr(&sa->src, src) != 0 ||
	    copy_sockaddr(&sa->dst, dst) != 0) {
		free(sa);
		errno = EAFNOSUPPORT;
		return NULL;
	}
	sa->proto = proto;
	sa->satype = satype;
	sa->state = SADB_SASTATE_LARVAL;
	sa->cur.addtime = (uint64_t)net_time_now();
	sa->refcnt = 1;
	return sa;
}

struct ipsec_sa *
key_sa_get(struct ipsec_sa *sa)
{
	__atomic_add_fetch(&sa->refcnt, 1, __ATOMIC_RELAXED);
	return sa;
}

void
key_sa_cur(const struct ipsec_sa *sa, struct ipsec_sa_lifetime *out)
{
	out->allocations = __atomic_load_n(&sa->cur.allocations,
	    __ATOMIC_RELAXED);
	out->bytes = __atomic_load_n(&sa->cur.bytes, __ATOMIC_RELAXED);
	out->addtime = sa->cur.addtime;
	out->usetime = __atomic_load_n(&sa->cur.usetime, __ATOMIC_RELAXED);
}

static void
key_wipe(struct ipsec_sa_key *key)
{
	if (key->data != NULL) {
		OPENSSL_cleanse(key->data, key->len);
		free(key->data);
	}
	key->data = NULL;
	key->bits = 0;
	key->len = 0;
}

void
key_sa_clear_keys(struct ipsec_sa *sa)
{
	key_wipe(&sa->key_auth);
	key_wipe(&sa->key_enc);
}

static void
blob_free(struct key_blob *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
}

static key_sa_installer_fn installer;

void
key_sa_set_installer(key_sa_installer_fn fn)
{
	installer = fn;
}

static key_sa_encap_fn encap_updater;

void
key_sa_set_encap_updater(key_sa_encap_fn fn)
{
	encap_updater = fn;
}

int
key_sa_update_encap(struct ipsec_sa *sa)
{
	int error;

	if (encap_updater == NULL)
		return 0;
	error = encap_updater(sa);
	return error == 0 || error == ENOMEM ? error : EINVAL;
}

static key_sa_ready_fn ready_hook;

void
key_sa_set_ready(key_sa_ready_fn fn)
{
	ready_hook = fn;
}

void
key_sa_ready(const struct ipsec_sa *sa)
{
	if (ready_hook != NULL && key_sa_state(sa) == SADB_SASTATE_MATURE)
		ready_hook(sa);
}

int
key_sa_install(struct ipsec_sa *sa)
{
	int error;

	if (installer == NULL)
		return 0;
	error = installer(sa);
	return error == 0 || error == ENOMEM ? error : EINVAL;
}

/*
 * The one free path.  The transform goes first because its contexts may
 * have been built from, or point into, the key bytes.
 */
void
key_sa_put(struct ipsec_sa *sa)
{
	size_t i;

	/* Release our writes, acquire every other holder's before freeing. */
	if (sa == NULL ||
	    __atomic_sub_fetch(&sa->refcnt, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	if (sa->xform_free != NULL && sa->xform != NULL)
		sa->xform_free(sa->xform);
	sa->xform = NULL;
	key_wipe(&sa->key_auth);
	key_wipe(&sa->key_enc);
	if (sa->ext != NULL) {
		for (i = 0; i < KEY_SA_EXT_COUNT; i++)
			blob_free(&sa->ext[i]);
		free(sa->ext);
	}
	free(sa);
}

int
key_sa_set_key(struct ipsec_sa_key *key, const void *data, uint16_t bits)
{
	size_t len = ((size_t)bits + 7) / 8;
	uint8_t *copy = NULL;

	if (len > 0) {
		copy = malloc(len);
		if (copy == NULL)
			return ENOMEM;
		memcpy(copy, data, len);
	}
	key_wipe(key);
	key->data = copy;
	key->bits = bits;
	key->len = (uint16_t)len;
	return 0;
}

int
key_sa_set_ext(struct ipsec_sa *sa, enum key_sa_ext which, const void *data,
    size_t len)
{
	void *copy = NULL;

	if ((unsigned int)which >= KEY_SA_EXT_COUNT)
		return EINVAL;
	if (len == 0) {
		if (sa->ext != NULL)
			blob_free(&sa->ext[which]);
		return 0;
	}
	if (sa->ext == NULL) {
		sa->ext = calloc(KEY_SA_EXT_COUNT, sizeof(*sa->ext));
		if (sa->ext == NULL)
			return ENOMEM;
	}
	copy = malloc(len);
	if (copy == NULL)
		return ENOMEM;
	memcpy(copy, data, len);
	blob_free(&sa->ext[which]);
	sa->ext[which].data = copy;
	sa->ext[which].len = len;
	return 0;
}

const struct key_blob *
key_sa_ext(const struct ipsec_sa *sa, enum key_sa_ext which)
{
	if (sa->ext == NULL || (unsigned int)which >= KEY_SA_EXT_COUNT ||
	    sa->ext[which].len == 0)
		return NULL;
	return &sa->ext[which];
}
