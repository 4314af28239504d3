/*
 * The pfkey_send_* calls of libipsec (ipsec-tools' names and arguments):
 * each builds one PF_KEY message with key_build, sends it and returns the
 * bytes sent, or -1 with ipsec_errcode set.  Arguments are checked here,
 * before anything is sent, with the EIPSEC codes ipsec-tools uses; the
 * key engine checks everything again.
 *
 * What goes on the wire follows ipsec-tools' libpfkey: SA requests carry
 * sadb_sa in state LARVAL and always an sadb_x_sa2; ADD and UPDATE carry
 * the hard lifetime and a soft one scaled by the soft rates (pfkey.c);
 * addresses carry their full prefix length and upper protocol "any".
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include <netipsec/ipsec.h>

#include "lib/libipsec/libpfkey.h"
#include "sys/netkey/key_build.h"

/* The base header of a request from this process. */
static void
begin(struct key_buf *b, unsigned type, unsigned satype, uint32_t seq)
{
	key_buf_init_dynamic(b);
	key_build_begin(b, (uint8_t)type, (uint8_t)satype, seq,
	    (uint32_t)getpid());
}

/* End, send and free the message; the bytes sent or -1. */
static int
finish(int so, struct key_buf *b)
{
	int n;

	if (key_build_end(b) != 0) {
		key_buf_free(b);
		ipsec_errcode = EIPSEC_NO_BUFS;
		return -1;
	}
	n = pfkey_send(so, (struct sadb_msg *)(uintptr_t)key_buf_data(b),
	    (int)key_buf_len(b));
	key_buf_free(b);
	return n;
}

/* The SA types that name a security protocol. */
static bool
sa_satype_ok(unsigned satype)
{
	return satype == SADB_SATYPE_AH || satype == SADB_SATYPE_ESP ||
	    satype == SADB_X_SATYPE_IPCOMP ||
	    satype == SADB_X_SATYPE_TCPSIGNATURE;
}

static int
check_sa_args(unsigned satype, unsigned mode)
{
	if (!sa_satype_ok(satype))
		return EIPSEC_INVAL_SATYPE;
	if (mode > IPSEC_MODE_TCPMD5)
		return EIPSEC_INVAL_MODE;
	return EIPSEC_NO_ERROR;
}

static int
check_addrs(const struct sockaddr *src, const struct sockaddr *dst)
{
	if (src == NULL || dst == NULL)
		return EIPSEC_INVAL_ARGUMENT;
	if (pfkey_sockaddr_len(src) == 0 || pfkey_sockaddr_len(dst) == 0)
		return EIPSEC_INVAL_FAMILY;
	if (src->sa_family != dst->sa_family)
		return EIPSEC_FAMILY_MISMATCH;
	return EIPSEC_NO_ERROR;
}

static uint8_t
full_plen(const struct sockaddr *sa)
{
	return sa->sa_family == AF_INET ? 32 : 128;
}

static void
build_addrs(struct key_buf *b, const struct sockaddr *src,
    const struct sockaddr *dst)
{
	key_build_address(b, SADB_EXT_ADDRESS_SRC, src, full_plen(src),
	    IPSEC_ULPROTO_ANY);
	key_build_address(b, SADB_EXT_ADDRESS_DST, dst, full_plen(dst),
	    IPSEC_ULPROTO_ANY);
}

/* Fail with code (when non-zero) before anything is built. */
static int
fail(int code)
{
	ipsec_errcode = code;
	return -1;
}

static void
build_natt(struct key_buf *b, uint8_t type, uint16_t sport, uint16_t dport)
{
	if (type == 0)
		return;
	key_build_nat_t_type(b, type);
	key_build_nat_t_port(b, SADB_X_EXT_NAT_T_SPORT, htons(sport));
	key_build_nat_t_port(b, SADB_X_EXT_NAT_T_DPORT, htons(dport));
}

int
pfkey_send_getspi_nat(int so, unsigned satype, unsigned mode,
    const struct sockaddr *src, const struct sockaddr *dst,
    uint8_t natt_type, uint16_t sport, uint16_t dport,
    uint32_t min, uint32_t max, uint32_t reqid, uint32_t seq)
{
	struct key_buf b;
	int error;

	if ((error = check_sa_args(satype, mode)) != 0 ||
	    (error = check_addrs(src, dst)) != 0)
		return fail(error);
	/* SPIs 1..255 are reserved (RFC 4303); min = max = 0 is "any". */
	if (min > max || (min > 0 && min <= 255))
		return fail(EIPSEC_INVAL_SPI);
	begin(&b, SADB_GETSPI, satype, seq);
	key_build_sa2(&b, (uint8_t)mode, reqid, 0);
	build_addrs(&b, src, dst);
	build_natt(&b, natt_type, sport, dport);
	if (min > 255 && max < ~0u)
		key_build_spirange(&b, min, max);
	return finish(so, &b);
}

int
pfkey_send_getspi(int so, unsigned satype, unsigned mode,
    const struct sockaddr *src, const struct sockaddr *dst,
    uint32_t min, uint32_t max, uint32_t reqid, uint32_t seq)
{
	return pfkey_send_getspi_nat(so, satype, mode, src, dst, 0, 0, 0,
	    min, max, reqid, seq);
}

/* The algorithm rules of ipsec-tools' pfkey_send_x1 per SA type. */
static int
check_algs(const struct pfkey_send_sa_args *a)
{
	switch (a->satype) {
	case SADB_SATYPE_ESP:
		if (a->e_type == SADB_EALG_NONE)
			return EIPSEC_NO_ALGS;
		break;
	case SADB_SATYPE_AH:
	case SADB_X_SATYPE_TCPSIGNATURE:
		if (a->e_type != SADB_EALG_NONE)
			return EIPSEC_INVAL_ALGS;
		if (a->a_type == SADB_AALG_NONE)
			return EIPSEC_NO_ALGS;
		break;
	case SADB_X_SATYPE_IPCOMP:
		if (a->e_type == SADB_X_CALG_NONE ||
		    a->a_type != SADB_AALG_NONE)
			return EIPSEC_INVAL_ALGS;
		break;
	}
	if (a->e_type > 255 || a->a_type > 255)
		return EIPSEC_INVAL_ALGS;
	if ((a->e_keylen != 0 || a->a_keylen != 0) && a->keymat == NULL)
		return EIPSEC_INVAL_ARGUMENT;
	if (a->e_keylen > 0xffff / 8 || a->a_keylen > 0xffff / 8)
		return EIPSEC_INVAL_KEYLEN;
	return EIPSEC_NO_ERROR;
}

static uint64_t
soft(uint64_t hard, unsigned type)
{
	return hard / 100 * pfkey_get_softrate(type) +
	    hard % 100 * pfkey_get_softrate(type) / 100;
}

static void
build_sa_body(struct key_buf *b, const struct pfkey_send_sa_args *a)
{
	const uint8_t *key = a->keymat;

	key_build_sa(b, a->spi, a->wsize > 255 ? 255 : (uint8_t)a->wsize,
	    SADB_SASTATE_LARVAL, (uint8_t)a->a_type, (uint8_t)a->e_type,
	    a->flags);
	if (a->wsize > 255)
		key_build_sa_replay(b, a->wsize * 8);
	key_build_sa2(b, (uint8_t)a->mode, a->reqid, 0);
	build_addrs(b, a->src, a->dst);
	if (a->satype != SADB_X_SATYPE_IPCOMP && a->e_keylen > 0)
		key_build_key(b, SADB_EXT_KEY_ENCRYPT, key,
		    (uint16_t)(a->e_keylen * 8));
	if (a->a_keylen > 0)
		key_build_key(b, SADB_EXT_KEY_AUTH, key + a->e_keylen,
		    (uint16_t)(a->a_keylen * 8));
	key_build_lifetime(b, SADB_EXT_LIFETIME_HARD, a->l_alloc, a->l_bytes,
	    a->l_addtime, a->l_usetime);
	key_build_lifetime(b, SADB_EXT_LIFETIME_SOFT,
	    (uint32_t)soft(a->l_alloc, SADB_X_LIFETIME_ALLOCATIONS),
	    soft(a->l_bytes, SADB_X_LIFETIME_BYTES),
	    soft(a->l_addtime, SADB_X_LIFETIME_ADDTIME),
	    soft(a->l_usetime, SADB_X_LIFETIME_USETIME));
	build_natt(b, a->l_natt_type, a->l_natt_sport, a->l_natt_dport);
	if (a->l_natt_type != 0 && a->l_natt_oai != NULL)
		key_build_address(b, SADB_X_EXT_NAT_T_OAI, a->l_natt_oai,
		    full_plen(a->l_natt_oai), IPSEC_ULPROTO_ANY);
	if (a->l_natt_type != 0 && a->l_natt_oar != NULL)
		key_build_address(b, SADB_X_EXT_NAT_T_OAR, a->l_natt_oar,
		    full_plen(a->l_natt_oar), IPSEC_ULPROTO_ANY);
	if (a->l_natt_type != 0 && a->l_natt_frag != 0)
		key_build_nat_t_frag(b, a->l_natt_frag);
}

/* ADD or UPDATE from the argument block. */
static int
send_sa(const struct pfkey_send_sa_args *a, unsigned type)
{
	struct key_buf b;
	int error;

	if (a == NULL)
		return fail(EIPSEC_INVAL_ARGUMENT);
	if ((error = check_sa_args(a->satype, a->mode)) != 0 ||
	    (error = check_addrs(a->src, a->dst)) != 0 ||
	    (error = check_algs(a)) != 0)
		return fail(error);
	if (a->l_natt_oai != NULL && pfkey_sockaddr_len(a->l_natt_oai) == 0)
		return fail(EIPSEC_INVAL_FAMILY);
	if (a->l_natt_oar != NULL && pfkey_sockaddr_len(a->l_natt_oar) == 0)
		return fail(EIPSEC_INVAL_FAMILY);
	begin(&b, type, a->satype, a->seq);
	build_sa_body(&b, a);
	return finish(a->so, &b);
}

int
pfkey_send_update2(const struct pfkey_send_sa_args *args)
{
	return send_sa(args, SADB_UPDATE);
}

int
pfkey_send_add2(const struct pfkey_send_sa_args *args)
{
	return send_sa(args, SADB_ADD);
}

/* The flat argument lists of ipsec-tools, for ADD or UPDATE. */
static int
send_sa_flat(unsigned type, int so, unsigned satype, unsigned mode,
    const struct sockaddr *src, const struct sockaddr *dst, uint32_t spi,
    uint32_t reqid, unsigned wsize, const void *keymat, unsigned e_type,
    unsigned e_keylen, unsigned a_type, unsigned a_keylen, unsigned flags,
    uint32_t l_alloc, uint64_t l_bytes, uint64_t l_addtime,
    uint64_t l_usetime, uint32_t seq, uint8_t l_natt_type,
    uint16_t l_natt_sport, uint16_t l_natt_dport,
    const struct sockaddr *l_natt_oa, uint16_t l_natt_frag)
{
	struct pfkey_send_sa_args a = {
		.so = so, .type = type, .satype = satype, .mode = mode,
		.src = src, .dst = dst, .spi = spi, .reqid = reqid,
		.wsize = wsize, .keymat = keymat, .e_type = e_type,
		.e_keylen = e_keylen, .a_type = a_type, .a_keylen = a_keylen,
		.flags = flags, .l_alloc = l_alloc, .l_bytes = l_bytes,
		.l_addtime = l_addtime, .l_usetime = l_usetime, .seq = seq,
		.l_natt_type = l_natt_type, .l_natt_sport = l_natt_sport,
		.l_natt_dport = l_natt_dport, .l_natt_oai = l_natt_oa,
		.l_natt_frag = l_natt_frag,
	};

	return send_sa(&a, type);
}

int
pfkey_send_update_nat(int so, unsigned satype, unsigned mode,
    const struct sockaddr *src, const struct sockaddr *dst, uint32_t spi,
    uint32_t reqid, unsigned wsize, const void *keymat, unsigned e_type,
    unsigned e_keylen, unsigned a_type, unsigned a_keylen, unsigned flags,
    uint32_t l_alloc, uint64_t l_bytes, uint64_t l_addtime,
    uint64_t l_usetime, uint32_t seq, uint8_t l_natt_type,
    uint16_t l_natt_sport, uint16_t l_natt_dport,
    const struct sockaddr *l_natt_oa, uint16_t l_natt_frag)
{
	return send_sa_flat(SADB_UPDATE, so, satype, mode, src, dst, spi,
	    reqid, wsize, keymat, e_type, e_keylen, a_type, a_keylen, flags,
	    l_alloc, l_bytes, l_addtime, l_usetime, seq, l_natt_type,
	    l_natt_sport, l_natt_dport, l_natt_oa, l_natt_frag);
}

int
pfkey_send_update(int so, unsigned satype, unsigned mode,
    const struct sockaddr *src, const struct sockaddr *dst, uint32_t spi,
    uint32_t reqid, unsigned wsize, const void *keymat, unsigned e_type,
    unsigned e_keylen, unsigned a_type, unsigned a_keylen, unsigned flags,
    uint32_t l_alloc, uint64_t l_bytes, uint64_t l_addtime,
    uint64_t l_usetime, uint32_t seq)
{
	return send_sa_flat(SADB_UPDATE, so, satype, mode, src, dst, spi,
	    reqid, wsize, keymat, e_type, e_keylen, a_type, a_keylen, flags,
	    l_alloc, l_bytes, l_addtime, l_usetime, seq, 0, 0, 0, NULL, 0);
}

int
pfkey_send_add_nat(int so, unsigned satype, unsigned mode,
    const struct sockaddr *src, const struct sockaddr *dst, uint32_t spi,
    uint32_t reqid, unsigned wsize, const void *keymat, unsigned e_type,
    unsigned e_keylen, unsigned a_type, unsigned a_keylen, unsigned flags,
    uint32_t l_alloc, uint64_t l_bytes, uint64_t l_addtime,
    uint64_t l_usetime, uint32_t seq, uint8_t l_natt_type,
    uint16_t l_natt_sport, uint16_t l_natt_dport,
    const struct sockaddr *l_natt_oa, uint16_t l_natt_frag)
{
	return send_sa_flat(SADB_ADD, so, satype, mode, src, dst, spi,
	    reqid, wsize, keymat, e_type, e_keylen, a_type, a_keylen, flags,
	    l_alloc, l_bytes, l_addtime, l_usetime, seq, l_natt_type,
	    l_natt_sport, l_natt_dport, l_natt_oa, l_natt_frag);
}

int
pfkey_send_add(int so, unsigned satype, unsigned mode,
    const struct sockaddr *src, const struct sockaddr *dst, uint32_t spi,
    uint32_t reqid, unsigned wsize, const void *keymat, unsigned e_type,
    unsigned e_keylen, unsigned a_type, unsigned a_keylen, unsigned flags,
    uint32_t l_alloc, uint64_t l_bytes, uint64_t l_addtime,
    uint64_t l_usetime, uint32_t seq)
{
	return send_sa_flat(SADB_ADD, so, satype, mode, src, dst, spi,
	    reqid, wsize, keymat, e_type, e_keylen, a_type, a_keylen, flags,
	    l_alloc, l_bytes, l_addtime, l_usetime, seq, 0, 0, 0, NULL, 0);
}

/* DELETE and GET by SPI; DELETE without one removes every SA. */
static int
send_by_spi(int so, unsigned type, unsigned satype, unsigned mode,
    const struct sockaddr *src, const struct sockaddr *dst, bool with_spi,
    uint32_t spi)
{
	struct key_buf b;
	int error;

	if ((error = check_sa_args(satype, mode)) != 0 ||
	    (error = check_addrs(src, dst)) != 0)
		return fail(error);
	begin(&b, type, satype, 0);
	if (with_spi)
		key_build_sa(&b, spi, 0, SADB_SASTATE_LARVAL, 0, 0, 0);
	build_addrs(&b, src, dst);
	return finish(so, &b);
}

int
pfkey_send_delete(int so, unsigned satype, unsigned mode,
    const struct sockaddr *src, const struct sockaddr *dst, uint32_t spi)
{
	return send_by_spi(so, SADB_DELETE, satype, mode, src, dst, true, spi);
}

int
pfkey_send_delete_all(int so, unsigned satype, unsigned mode,
    const struct sockaddr *src, const struct sockaddr *dst)
{
	return send_by_spi(so, SADB_DELETE, satype, mode, src, dst, false, 0);
}

int
pfkey_send_get(int so, unsigned satype, unsigned mode,
    const struct sockaddr *src, const struct sockaddr *dst, uint32_t spi)
{
	return send_by_spi(so, SADB_GET, satype, mode, src, dst, true, spi);
}

/* A bare header; satype UNSPEC or one of the SA types. */
static int
send_header(int so, unsigned type, unsigned satype)
{
	struct key_buf b;

	if (satype != SADB_SATYPE_UNSPEC && !sa_satype_ok(satype))
		return fail(EIPSEC_INVAL_SATYPE);
	begin(&b, type, satype, 0);
	return finish(so, &b);
}

int
pfkey_send_register(int so, unsigned satype)
{
	return send_header(so, SADB_REGISTER, satype);
}

int
pfkey_send_flush(int so, unsigned satype)
{
	return send_header(so, SADB_FLUSH, satype);
}

int
pfkey_send_dump(int so, unsigned satype)
{
	return send_header(so, SADB_DUMP, satype);
}

int
pfkey_send_promisc_toggle(int so, int flag)
{
	struct key_buf b;

	begin(&b, SADB_X_PROMISC, flag ? 1 : 0, 0);
	return finish(so, &b);
}

/*
 * SPDADD, SPDUPDATE, SPDDELETE and SPDSETIDX: the selector, an optional
 * hard lifetime and the caller's policy extension as it is.
 */
static int
send_spd(int so, unsigned type, const struct sockaddr *src, unsigned prefs,
    const struct sockaddr *dst, unsigned prefd, unsigned proto,
    uint64_t ltime, uint64_t vtime, const void *policy, int policylen,
    uint32_t seq)
{
	const struct sadb_x_policy *xpl = policy;
	struct key_buf b;
	int error;

	if ((error = check_addrs(src, dst)) != 0)
		return fail(error);
	if (prefs > full_plen(src) || prefd > full_plen(dst))
		return fail(EIPSEC_INVAL_PREFIXLEN);
	if (proto > 255)
		return fail(EIPSEC_INVAL_ARGUMENT);
	if (xpl == NULL || policylen < (int)sizeof(*xpl) ||
	    PFKEY_EXTLEN(xpl) != policylen)
		return fail(EIPSEC_INVAL_ARGUMENT);
	if (xpl->sadb_x_policy_exttype != SADB_X_EXT_POLICY)
		return fail(EIPSEC_INVAL_EXTTYPE);
	begin(&b, type, SADB_SATYPE_UNSPEC, seq);
	key_build_address(&b, SADB_EXT_ADDRESS_SRC, src, (uint8_t)prefs,
	    (uint8_t)proto);
	key_build_address(&b, SADB_EXT_ADDRESS_DST, dst, (uint8_t)prefd,
	    (uint8_t)proto);
	if (ltime != 0 || vtime != 0)
		key_build_lifetime(&b, SADB_EXT_LIFETIME_HARD, 0, 0, ltime,
		    vtime);
	key_build_ext(&b, policy);
	return finish(so, &b);
}

int
pfkey_send_spdadd(int so, const struct sockaddr *src, unsigned prefs,
    const struct sockaddr *dst, unsigned prefd, unsigned proto,
    const void *policy, int policylen, uint32_t seq)
{
	return send_spd(so, SADB_X_SPDADD, src, prefs, dst, prefd, proto, 0,
	    0, policy, policylen, seq);
}

int
pfkey_send_spdadd2(int so, const struct sockaddr *src, unsigned prefs,
    const struct sockaddr *dst, unsigned prefd, unsigned proto,
    uint64_t ltime, uint64_t vtime, const void *policy, int policylen,
    uint32_t seq)
{
	return send_spd(so, SADB_X_SPDADD, src, prefs, dst, prefd, proto,
	    ltime, vtime, policy, policylen, seq);
}

int
pfkey_send_spdupdate(int so, const struct sockaddr *src, unsigned prefs,
    const struct sockaddr *dst, unsigned prefd, unsigned proto,
    const void *policy, int policylen, uint32_t seq)
{
	return send_spd(so, SADB_X_SPDUPDATE, src, prefs, dst, prefd, proto,
	    0, 0, policy, policylen, seq);
}

int
pfkey_send_spdupdate2(int so, const struct sockaddr *src, unsigned prefs,
    const struct sockaddr *dst, unsigned prefd, unsigned proto,
    uint64_t ltime, uint64_t vtime, const void *policy, int policylen,
    uint32_t seq)
{
	return send_spd(so, SADB_X_SPDUPDATE, src, prefs, dst, prefd, proto,
	    ltime, vtime, policy, policylen, seq);
}

/*
 * SADB_X_MIGRATE as ipsec-tools sends it, less the KMADDRESS extension
 * (local and remote): Linux numbers it 25, which is NAT_T_FRAG in the
 * FreeBSD numbering we follow, so the endpoints are checked here and not
 * sent.  The socket manager does not migrate SAs and answers EINVAL.
 */
int
pfkey_send_migrate(int so, const struct sockaddr *local,
    const struct sockaddr *remote, const struct sockaddr *src,
    unsigned prefs, const struct sockaddr *dst, unsigned prefd,
    unsigned proto, const void *policy, int policylen, uint32_t seq)
{
	int error;

	if ((error = check_addrs(local, remote)) != 0)
		return fail(error);
	return send_spd(so, SADB_X_MIGRATE, src, prefs, dst, prefd, proto,
	    0, 0, policy, policylen, seq);
}

int
pfkey_send_spddelete(int so, const struct sockaddr *src, unsigned prefs,
    const struct sockaddr *dst, unsigned prefd, unsigned proto,
    const void *policy, int policylen, uint32_t seq)
{
	return send_spd(so, SADB_X_SPDDELETE, src, prefs, dst, prefd, proto,
	    0, 0, policy, policylen, seq);
}

int
pfkey_send_spdsetidx(int so, const struct sockaddr *src, unsigned prefs,
    const struct sockaddr *dst, unsigned prefd, unsigned proto,
    const void *policy, int policylen, uint32_t seq)
{
	return send_spd(so, SADB_X_SPDSETIDX, src, prefs, dst, prefd, proto,
	    0, 0, policy, policylen, seq);
}

/* SPDGET and SPDDELETE2: an x_policy carrying only the id. */
static int
send_spid(int so, unsigned type, uint32_t spid)
{
	struct key_buf b;

	begin(&b, type, SADB_SATYPE_UNSPEC, 0);
	key_build_policy(&b, IPSEC_POLICY_DISCARD, IPSEC_DIR_ANY, spid, 0);
	return finish(so, &b);
}

int
pfkey_send_spddelete2(int so, uint32_t spid)
{
	return send_spid(so, SADB_X_SPDDELETE2, spid);
}

int
pfkey_send_spdget(int so, uint32_t spid)
{
	return send_spid(so, SADB_X_SPDGET, spid);
}

int
pfkey_send_spdflush(int so)
{
	return send_header(so, SADB_X_SPDFLUSH, SADB_SATYPE_UNSPEC);
}

int
pfkey_send_spddump(int so)
{
	return send_header(so, SADB_X_SPDDUMP, SADB_SATYPE_UNSPEC);
}
