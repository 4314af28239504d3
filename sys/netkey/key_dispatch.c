/*
 * Inbound PF_KEY messages: validation, then the handler of the type.
 *
 * The table below is the one place where message handlers are plugged in.
 * Types a client may never send (kernel-originated notifications, and the
 * types KAME leaves without a handler) answer EINVAL as KAME's key_parse()
 * does for an empty key_typesw slot; a type left without an entry answers
 * EOPNOTSUPP.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <openssl/crypto.h>

#include "net/pfkeyv2.h"
#include "sys/crypto/crypto.h"
#include "sys/netkey/key_acquire.h"
#include "sys/netkey/key_build.h"
#include "sys/netkey/key_dialect.h"
#include "sys/netkey/key_dispatch.h"
#include "sys/netkey/key_msg_sa.h"
#include "sys/netkey/key_msg_spd.h"
#include "sys/netkey/key_parse.h"
#include "sys/netkey/key_stat.h"
#include "sys/netkey/keysock.h"

/* Room for every algorithm the registry can list, per extension. */
#define KEY_REGISTER_ALGS	256

static int	key_reject(struct keysock *, const struct key_msg *);
static int	key_dispatch_internal(struct keysock *, void *, size_t);

/*
 * KAME's key_typesw.  SPDUPDATE and SPDSETIDX share SPDADD's handler,
 * which tells them apart by type.
 */
static const key_handler_fn key_handlers[SADB_MAX + 1] = {
	[SADB_RESERVED] = key_reject,
	[SADB_GETSPI] = key_getspi,
	[SADB_UPDATE] = key_update,
	[SADB_ADD] = key_add,
	[SADB_DELETE] = key_delete,
	[SADB_GET] = key_get,
	[SADB_ACQUIRE] = key_acquire_user,
	[SADB_REGISTER] = key_register,
	[SADB_EXPIRE] = key_reject,
	[SADB_FLUSH] = key_flush,
	[SADB_DUMP] = key_dump,
	[SADB_X_PROMISC] = key_promisc,
	[SADB_X_PCHANGE] = key_reject,
	[SADB_X_SPDUPDATE] = key_spdadd,
	[SADB_X_SPDADD] = key_spdadd,
	[SADB_X_SPDDELETE] = key_spddelete,
	[SADB_X_SPDGET] = key_spdget,
	[SADB_X_SPDACQUIRE] = key_reject,
	[SADB_X_SPDDUMP] = key_spddump,
	[SADB_X_SPDFLUSH] = key_spdflush,
	[SADB_X_SPDSETIDX] = key_spdadd,
	[SADB_X_SPDEXPIRE] = key_reject,
	[SADB_X_SPDDELETE2] = key_spddelete2,
	[SADB_X_NAT_T_NEW_MAPPING] = key_reject,
	[SADB_X_MIGRATE] = key_reject,
};

_Static_assert(sizeof(key_handlers) / sizeof(key_handlers[0]) ==
    SADB_MAX + 1, "one handler slot per message type");

/* Notifications the engine sends and types with no handler in KAME. */
static int
key_reject(struct keysock *from, const struct key_msg *m)
{
	(void)from;
	(void)m;
	pfkeystat.out_invmsgtype++;
	return EINVAL;
}

/*
 * The error reply is the request's base header with sadb_msg_errno set and
 * the length of the header alone (RFC 2367 section 3.1, KAME
 * key_senderror()).  A record shorter than a header is answered too, where
 * KAME would fail the write() instead: the fields it lacked read as zero.
 * The version is always PF_KEY_V2, so that clients accept the answer.
 */
int
key_senderror(struct keysock *from, const void *msg, size_t len, int error)
{
	struct sadb_msg hdr;

	memset(&hdr, 0, sizeof(hdr));
	if (msg != NULL)
		memcpy(&hdr, msg, len < sizeof(hdr) ? len : sizeof(hdr));
	hdr.sadb_msg_version = PF_KEY_V2;
	hdr.sadb_msg_errno = (uint8_t)error;
	hdr.sadb_msg_len = PFKEY_UNIT64(sizeof(hdr));
	return keysock_sendup(from, &hdr, sizeof(hdr), KEY_SENDUP_ONE);
}

/*
 * The data form of SADB_X_PROMISC, a base header followed by a whole
 * message, hands the inner message to every socket unchanged (KAME
 * key_promisc()).  The inner message is opaque here, so only the framing
 * of both headers is checked; key_parse() would read the inner header as
 * extensions.
 */
static int
promisc_data(struct keysock *from, const uint8_t *msg, size_t len)
{
	const struct sadb_msg *outer = (const void *)msg;
	const struct sadb_msg *inner = (const void *)(msg + sizeof(*outer));

	pfkeystat.out_total++;
	pfkeystat.out_bytes += len;
	pfkeystat.out_msgtype[SADB_X_PROMISC]++;
	if (outer->sadb_msg_version != PF_KEY_V2) {
		pfkeystat.out_invver++;
		return EINVAL;
	}
	if (len % 8 != 0 || PFKEY_UNUNIT64((size_t)outer->sadb_msg_len) !=
	    len || len < 2 * sizeof(*outer) ||
	    PFKEY_UNUNIT64((size_t)inner->sadb_msg_len) !=
	    len - sizeof(*outer)) {
		pfkeystat.out_invlen++;
		return EINVAL;
	}
	return keysock_sendup(from, inner, len - sizeof(*outer),
	    KEY_SENDUP_ALL);
}

static bool
is_promisc_data(const void *msg, size_t len)
{
	const struct sadb_msg *hdr = msg;

	return len > sizeof(*hdr) && hdr->sadb_msg_type == SADB_X_PROMISC &&
	    PFKEY_UNUNIT64((size_t)hdr->sadb_msg_len) > sizeof(*hdr);
}

int
key_dispatch(struct keysock *from, void *msg, size_t len)
{
	const void *t;
	size_t tlen;
	int error;

	if (msg == NULL)
		return key_dispatch_internal(from, msg, len);
	error = key_dialect_in(keysock_dialect(from), msg, len, &t, &tlen);
	if (error != 0)
		return key_senderror(from, msg, len, error);
	if (t == msg)
		return key_dispatch_internal(from, msg, len);
	error = key_dispatch_internal(from, (void *)(uintptr_t)t, tlen);
	/* The translated copy may hold keys, as the request does. */
	OPENSSL_cleanse((void *)(uintptr_t)t, tlen);
	return error;
}

/* A request in the internal form. */
static int
key_dispatch_internal(struct keysock *from, void *msg, size_t len)
{
	struct key_msg m;
	key_handler_fn fn;
	int error;

	if (msg != NULL && is_promisc_data(msg, len)) {
		error = promisc_data(from, msg, len);
		return error == 0 ? 0 : key_senderror(from, msg, len, error);
	}
	error = key_parse(msg, len, &m);
	if (error != 0)
		return key_senderror(from, msg, len, error);
	fn = key_handlers[m.hdr->sadb_msg_type];
	error = fn != NULL ? fn(from, &m) : EOPNOTSUPP;
	if (error != 0)
		return key_senderror(from, msg, len, error);
	return 0;
}

/* The registry's listed algorithms of one kind, as sadb_alg entries. */
static size_t
supported_algs(enum crypto_kind kind, struct sadb_alg *algs, size_t max)
{
	const struct crypto_alg *alg;
	size_t i, n = 0;

	for (i = 0; i < crypto_alg_count() && n < max; i++) {
		alg = crypto_alg_at(i);
		if (alg == NULL || alg->kind != kind || !crypto_alg_listed(alg))
			continue;
		memset(&algs[n], 0, sizeof(algs[n]));
		algs[n].sadb_alg_id = alg->sadb_id;
		algs[n].sadb_alg_ivlen = alg->ivlen;
		algs[n].sadb_alg_minbits = alg->keymin;
		algs[n].sadb_alg_maxbits = alg->keymax;
		n++;
	}
	return n;
}

/*
 * SADB_REGISTER.  Every reply carries the same two lists, authentication
 * and encryption, whatever the satype, as KAME and FreeBSD answer: racoon
 * registers ESP, AH and IPCOMP in turn and keeps only the last reply's
 * lists for its ESP key-length checks, so an IPCOMP reply listing
 * compression algorithms would break it.  satype UNSPEC only asks for the
 * lists (setkey does it before parsing).  The reply goes to the registered
 * sockets and the requester (KAME KEY_SENDUP_REGISTERED).
 */
int
key_register(struct keysock *from, const struct key_msg *m)
{
	struct sadb_alg algs[KEY_REGISTER_ALGS];
	uint64_t mem[(sizeof(struct sadb_msg) + 2 * (sizeof(struct
	    sadb_supported) + sizeof(algs))) / sizeof(uint64_t)];
	const struct sadb_msg *req = m->hdr;
	struct key_buf b;
	size_t n;
	int error;

	if (req->sadb_msg_satype != SADB_SATYPE_UNSPEC &&
	    (error = keysock_register(from, req->sadb_msg_satype)) != 0)
		return error;
	key_buf_init(&b, mem, sizeof(mem));
	key_build_begin(&b, SADB_REGISTER, req->sadb_msg_satype,
	    req->sadb_msg_seq, req->sadb_msg_pid);
	if ((n = supported_algs(CRYPTO_KIND_AUTH, algs, KEY_REGISTER_ALGS)) > 0)
		key_build_supported(&b, SADB_EXT_SUPPORTED_AUTH, algs, n);
	if ((n = supported_algs(CRYPTO_KIND_ENC, algs, KEY_REGISTER_ALGS)) > 0)
		key_build_supported(&b, SADB_EXT_SUPPORTED_ENCRYPT, algs, n);
	if ((error = key_build_end(&b)) != 0)
		return error;
	error = keysock_sendup(from, key_buf_data(&b), key_buf_len(&b),
	    KEY_SENDUP_REGISTERED);
	key_buf_free(&b);
	return error;
}

/*
 * SADB_X_PROMISC, control form: satype 1 turns promiscuous mode on, 0
 * off; the request is echoed to every socket (KAME key_promisc()).
 */
int
key_promisc(struct keysock *from, const struct key_msg *m)
{
	struct sadb_msg echo;

	if (m->hdr->sadb_msg_satype > 1)
		return EINVAL;
	keysock_set_promisc(from, m->hdr->sadb_msg_satype);
	memcpy(&echo, m->hdr, sizeof(echo));
	echo.sadb_msg_errno = 0;
	echo.sadb_msg_len = PFKEY_UNIT64(sizeof(echo));
	return keysock_sendup(from, &echo, sizeof(echo), KEY_SENDUP_ALL);
}
