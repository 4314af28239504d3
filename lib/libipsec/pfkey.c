/*
 * PF_KEY client plumbing of libipsec: sending and receiving one message,
 * the extension table of a received message, the supported-algorithm
 * lists from SADB_REGISTER with the key-length checks built on them, and
 * the soft lifetime rates.  The message calls are in pfkey_send.c.
 *
 * State: the supported lists and the soft rates are process globals, as
 * in KAME's libipsec; a program registers once and then checks keys.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/socket.h>

#include <openssl/crypto.h>

#include <netipsec/ipsec.h>

#include "lib/libipsec/libpfkey.h"
#include "sys/crypto/crypto.h"
#include "sys/netkey/key_parse.h"

/* One list per SUPPORTED extension; NULL before registration. */
struct supported_list {
	uint16_t	 exttype;
	struct sadb_alg	*algs;
	size_t		 n;
};

static struct supported_list supported[] = {
	{ SADB_EXT_SUPPORTED_AUTH, NULL, 0 },
	{ SADB_EXT_SUPPORTED_ENCRYPT, NULL, 0 },
};

#define NSUPPORTED	(sizeof(supported) / sizeof(supported[0]))

/* Soft lifetime percentages, by SADB_X_LIFETIME_* type. */
static unsigned softrate[] = {
	[SADB_X_LIFETIME_ALLOCATIONS] = PFKEY_SOFT_LIFETIME_RATE,
	[SADB_X_LIFETIME_BYTES] = PFKEY_SOFT_LIFETIME_RATE,
	[SADB_X_LIFETIME_ADDTIME] = PFKEY_SOFT_LIFETIME_RATE,
	[SADB_X_LIFETIME_USETIME] = PFKEY_SOFT_LIFETIME_RATE,
};

#define NSOFTRATE	(sizeof(softrate) / sizeof(softrate[0]))

int
pfkey_send(int so, struct sadb_msg *msg, int len)
{
	ssize_t n;

	if (msg == NULL || len < (int)sizeof(*msg)) {
		ipsec_errcode = EIPSEC_INVAL_ARGUMENT;
		return -1;
	}
	n = send(so, msg, (size_t)len, MSG_NOSIGNAL);
	if (n < 0) {
		ipsec_set_syserr(errno);
		return -1;
	}
	ipsec_errcode = EIPSEC_NO_ERROR;
	return (int)n;
}

/*
 * One record: its length first (MSG_PEEK | MSG_TRUNC reports the whole
 * record on SEQPACKET sockets), then the record into a buffer of exactly
 * that size.  The header's length must be the record's.
 */
struct sadb_msg *
pfkey_recv(int so)
{
	struct sadb_msg hdr, *msg;
	ssize_t len, n;

	len = recv(so, &hdr, sizeof(hdr), MSG_PEEK | MSG_TRUNC);
	if (len < 0) {
		ipsec_set_syserr(errno);
		return NULL;
	}
	if (len == 0) {
		ipsec_set_syserr(ECONNRESET);
		return NULL;
	}
	if ((size_t)len < sizeof(hdr) || len > KEY_MSG_MAX ||
	    PFKEY_UNUNIT64((ssize_t)hdr.sadb_msg_len) != len) {
		/* Drop the record so the next call sees the next one. */
		(void)recv(so, &hdr, sizeof(hdr), 0);
		ipsec_errcode = EIPSEC_INVAL_SADBMSG;
		return NULL;
	}
	if ((msg = malloc((size_t)len)) == NULL) {
		ipsec_errcode = EIPSEC_NO_BUFS;
		return NULL;
	}
	n = recv(so, msg, (size_t)len, 0);
	if (n != len) {
		OPENSSL_cleanse(msg, (size_t)len);
		free(msg);
		if (n < 0)
			ipsec_set_syserr(errno);
		else
			ipsec_errcode = EIPSEC_INVAL_SADBMSG;
		return NULL;
	}
	ipsec_errcode = EIPSEC_NO_ERROR;
	return msg;
}

int
pfkey_align(struct sadb_msg *msg, caddr_t *mhp)
{
	struct key_msg m;
	int i;

	if (msg == NULL || mhp == NULL) {
		ipsec_errcode = EIPSEC_INVAL_ARGUMENT;
		return -1;
	}
	if (key_parse_reply(msg, PFKEY_UNUNIT64((size_t)msg->sadb_msg_len),
	    &m) != 0) {
		ipsec_errcode = EIPSEC_INVAL_SADBMSG;
		return -1;
	}
	mhp[0] = (caddr_t)msg;
	for (i = 1; i <= SADB_EXT_MAX; i++)
		mhp[i] = (caddr_t)(uintptr_t)m.ext[i];
	ipsec_errcode = EIPSEC_NO_ERROR;
	return 0;
}

/*
 * Read until the REGISTER reply to this process (other clients' REGISTER
 * broadcasts and unrelated messages are skipped), then keep its lists.
 */
int
pfkey_recv_register(int so)
{
	struct sadb_msg *msg;
	pid_t pid = getpid();
	int error;

	for (;;) {
		if ((msg = pfkey_recv(so)) == NULL)
			return -1;
		if (msg->sadb_msg_type == SADB_REGISTER &&
		    msg->sadb_msg_pid == (uint32_t)pid)
			break;
		free(msg);
	}
	if (msg->sadb_msg_errno != 0) {
		ipsec_set_syserr(msg->sadb_msg_errno);
		free(msg);
		return -1;
	}
	error = pfkey_set_supported(msg,
	    (int)PFKEY_UNUNIT64(msg->sadb_msg_len));
	free(msg);
	return error;
}

static struct supported_list *
find_list(unsigned exttype)
{
	size_t i;

	for (i = 0; i < NSUPPORTED; i++)
		if (supported[i].exttype == exttype)
			return &supported[i];
	return NULL;
}

/* Replace a list with the algorithms of one SUPPORTED extension. */
static int
keep_list(const struct sadb_supported *sup)
{
	struct supported_list *l = find_list(sup->sadb_supported_exttype);
	size_t n;
	struct sadb_alg *algs;

	n = (PFKEY_EXTLEN(sup) - sizeof(*sup)) / sizeof(struct sadb_alg);
	algs = calloc(n ? n : 1, sizeof(*algs));
	if (algs == NULL)
		return EIPSEC_NO_BUFS;
	memcpy(algs, sup + 1, n * sizeof(*algs));
	free(l->algs);
	l->algs = algs;
	l->n = n;
	return EIPSEC_NO_ERROR;
}

int
pfkey_set_supported(struct sadb_msg *msg, int tlen)
{
	struct key_msg m;
	size_t i;
	int error;

	if (msg == NULL || tlen < (int)sizeof(*msg) ||
	    key_parse_reply(msg, (size_t)tlen, &m) != 0) {
		ipsec_errcode = EIPSEC_INVAL_SADBMSG;
		return -1;
	}
	for (i = 0; i < NSUPPORTED; i++) {
		const struct sadb_ext *e = m.ext[supported[i].exttype];

		if (e == NULL)
			continue;
		if ((error = keep_list((const void *)e)) != 0) {
			ipsec_errcode = error;
			return -1;
		}
	}
	ipsec_errcode = EIPSEC_NO_ERROR;
	return 0;
}

static const struct sadb_alg *
find_alg(unsigned exttype, unsigned alg_id)
{
	const struct supported_list *l = find_list(exttype);
	size_t i;

	if (l == NULL) {
		ipsec_errcode = EIPSEC_INVAL_EXTTYPE;
		return NULL;
	}
	if (l->algs == NULL) {
		ipsec_errcode = EIPSEC_DO_GET_SUPP_LIST;
		return NULL;
	}
	for (i = 0; i < l->n; i++)
		if (l->algs[i].sadb_alg_id == alg_id)
			return &l->algs[i];
	ipsec_errcode = EIPSEC_INVAL_ALGS;
	return NULL;
}

int
ipsec_check_keylen(unsigned exttype, unsigned alg_id, unsigned keylen)
{
	const struct crypto_alg *ca;
	const struct sadb_alg *alg;
	enum crypto_kind kind;

	if ((alg = find_alg(exttype, alg_id)) == NULL)
		return -1;
	if (keylen < alg->sadb_alg_minbits || keylen > alg->sadb_alg_maxbits) {
		ipsec_errcode = EIPSEC_INVAL_KEYLEN;
		return -1;
	}
	kind = exttype == SADB_EXT_SUPPORTED_AUTH ? CRYPTO_KIND_AUTH :
	    CRYPTO_KIND_ENC;
	ca = crypto_alg_byid(kind, alg_id);
	if (ca != NULL && !crypto_alg_keylen_ok(ca, keylen)) {
		ipsec_errcode = EIPSEC_INVAL_KEYLEN;
		return -1;
	}
	ipsec_errcode = EIPSEC_NO_ERROR;
	return 0;
}

int
ipsec_check_keylen2(unsigned satype, unsigned alg_id, unsigned keylen)
{
	switch (satype) {
	case SADB_SATYPE_AH:
	case SADB_X_SATYPE_TCPSIGNATURE:
		return ipsec_check_keylen(SADB_EXT_SUPPORTED_AUTH, alg_id,
		    keylen);
	case SADB_SATYPE_ESP:
		return ipsec_check_keylen(SADB_EXT_SUPPORTED_ENCRYPT, alg_id,
		    keylen);
	default:
		ipsec_errcode = EIPSEC_INVAL_SATYPE;
		return -1;
	}
}

int
ipsec_get_keylen(unsigned exttype, unsigned alg_id, struct sadb_alg *alg)
{
	const struct sadb_alg *a;

	if (alg == NULL) {
		ipsec_errcode = EIPSEC_INVAL_ARGUMENT;
		return -1;
	}
	if ((a = find_alg(exttype, alg_id)) == NULL)
		return -1;
	*alg = *a;
	ipsec_errcode = EIPSEC_NO_ERROR;
	return 0;
}

unsigned
pfkey_set_softrate(unsigned type, unsigned rate)
{
	if (type >= NSOFTRATE) {
		ipsec_errcode = EIPSEC_INVAL_ARGUMENT;
		return 1;
	}
	softrate[type] = (rate == 0 || rate > 100) ? 100 : rate;
	ipsec_errcode = EIPSEC_NO_ERROR;
	return 0;
}

unsigned
pfkey_get_softrate(unsigned type)
{
	if (type >= NSOFTRATE) {
		ipsec_errcode = EIPSEC_INVAL_ARGUMENT;
		return ~0u;
	}
	return softrate[type];
}
