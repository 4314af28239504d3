/*
 * ESP (RFC 4303, KAME/RFC 2406 behaviour): the per-SA transform state,
 * made once when the SA is installed (its row of the transform table),
 * and the ESP statistics.  The packet
 * paths are esp_output.c and esp_input.c.
 *
 * Everything that varies between SAs is settled here: which crypto
 * sessions exist (a combined-mode cipher computes the ICV itself, a
 * classic cipher is paired with an HMAC session), the ICV and IV sizes,
 * the padding boundary and content, 32-bit or extended sequence numbers,
 * whether the 32-bit counter may cycle, and the replay window.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>
#include <openssl/crypto.h>

#include "net/pfkeyv2.h"
#include "sys/crypto/crypto.h"
#include "sys/netipsec/esp_var.h"
#include "sys/netipsec/ipsec_stat.h"
#include "sys/netipsec/ipsec_var.h"
#include "sys/netipsec/replay.h"
#include "sys/netkey/key_sa.h"

/* Every window the key engine accepts fits in the replay bitmap. */
_Static_assert(KEY_SA_REPLAY_MAX <= IPSEC_REPLAY_MAX,
    "the key engine's replay limit exceeds the transform's");

NET_COUNTER_SET(espstat_counters, ESPS_NCOUNTERS);
NET_COUNTER_SET(espstat_hist, ESP_ALG_MAX);

static const char *const espstat_names[ESPS_NCOUNTERS] = {
	[ESPS_HDROPS] = "esps_hdrops",
	[ESPS_NOPF] = "esps_nopf",
	[ESPS_NOTDB] = "esps_notdb",
	[ESPS_BADKCR] = "esps_badkcr",
	[ESPS_QFULL] = "esps_qfull",
	[ESPS_NOXFORM] = "esps_noxform",
	[ESPS_BADILEN] = "esps_badilen",
	[ESPS_WRAP] = "esps_wrap",
	[ESPS_BADENC] = "esps_badenc",
	[ESPS_BADAUTH] = "esps_badauth",
	[ESPS_REPLAY] = "esps_replay",
	[ESPS_INPUT] = "esps_input",
	[ESPS_OUTPUT] = "esps_output",
	[ESPS_INVALID] = "esps_invalid",
	[ESPS_IBYTES] = "esps_ibytes",
	[ESPS_OBYTES] = "esps_obytes",
	[ESPS_TOOBIG] = "esps_toobig",
	[ESPS_PDROPS] = "esps_pdrops",
	[ESPS_CRYPTO] = "esps_crypto",
	[ESPS_TUNNEL] = "esps_tunnel",
};

/* The counters must map one to one onto FreeBSD's struct. */
_Static_assert(offsetof(struct espstat, esps_hist) ==
    ESPS_NCOUNTERS * sizeof(uint64_t), "espstat layout");

void
espstat_get(struct espstat *st)
{
	net_counter_sum_all(&espstat_counters, (uint64_t *)(void *)st);
	net_counter_sum_all(&espstat_hist, st->esps_hist);
}

/*
 * What an ESP drop means to the policy engine's counters, by direction;
 * a reason without an entry is an invalid packet or SA.
 */
static const enum ipsecstat_counter esp_in_reason[ESPS_NCOUNTERS] = {
	[ESPS_NOTDB] = IPSECS_IN_NOSA,
	[ESPS_INVALID] = IPSECS_IN_NOSA,
	[ESPS_REPLAY] = IPSECS_IN_ESPREPLAY,
	[ESPS_BADAUTH] = IPSECS_IN_ESPAUTHFAIL,
};

static const enum ipsecstat_counter esp_out_reason[ESPS_NCOUNTERS] = {
	[ESPS_INVALID] = IPSECS_OUT_NOSA,
	[ESPS_TOOBIG] = IPSECS_OUT_NOMEM,
};

const struct ipsec_xform_stats esp_stats = {
	.c = &espstat_counters,
	.names = espstat_names,
	.n = ESPS_NCOUNTERS,
	.hist = &espstat_hist,
	.nhist = ESP_ALG_MAX,
	.hist_at = ESPS_NCOUNTERS,
	.hist_name = "esps_hist",
	.in_reason = esp_in_reason,
	.out_reason = esp_out_reason,
};

/*
 * Random bytes for CBC IVs, random padding and esp_randpad, taken from
 * OpenSSL's DRBG a pool at a time: one RAND_bytes call costs about as
 * much as sealing a small packet, and these bytes need to be
 * unpredictable, not secret (they all go on the wire).  Each thread has
 * its own pool; a forked child forgets its copy so that parent and child
 * never send the same IVs.
 */
#define ESP_RANDOM_POOL	4096

static _Thread_local uint8_t rnd_pool[ESP_RANDOM_POOL];
static _Thread_local size_t rnd_off = ESP_RANDOM_POOL;
static pthread_once_t rnd_once = PTHREAD_ONCE_INIT;

static void
rnd_forget(void)
{
	OPENSSL_cleanse(rnd_pool, sizeof(rnd_pool));
	rnd_off = ESP_RANDOM_POOL;
}

static void
rnd_setup(void)
{
	pthread_atfork(NULL, NULL, rnd_forget);
}

const uint8_t *
esp_iv(const struct ipsec_xform *xf, const uint8_t *esp, uint8_t *buf)
{
	size_t i;

	if (!(xf->flags & IPSEC_XF_IV32))
		return esp + xf->hdrlen;
	for (i = 0; i < 4; i++) {
		buf[i] = esp[4 + i];
		buf[4 + i] = (uint8_t)~esp[4 + i];
	}
	return buf;
}

int
esp_random(void *p, size_t n)
{
	if (n > ESP_RANDOM_POOL)
		return crypto_iv_random(p, n);
	if (ESP_RANDOM_POOL - rnd_off < n) {
		if (crypto_iv_random(rnd_pool, sizeof(rnd_pool)) != 0)
			return -1;
		rnd_off = 0;
	}
	memcpy(p, rnd_pool + rnd_off, n);
	rnd_off += n;
	return 0;
}

/*
 * The SA's algorithms as registry entries.  Combined modes carry their
 * own ICV, so an auth algorithm next to them is a configuration error
 * (FreeBSD refuses it too); null authentication means no ICV.
 */
static int
esp_algs(const struct ipsec_sa *sa, const struct crypto_alg **ealgp,
    const struct crypto_alg **aalgp)
{
	const struct crypto_alg *ealg, *aalg = NULL;

	ealg = crypto_alg_byid(CRYPTO_KIND_ENC, sa->alg_enc);
	if (ealg == NULL || !crypto_alg_available(ealg) ||
	    ealg->mode == CRYPTO_MODE_DEFLATE)
		return EINVAL;
	if (sa->alg_auth != SADB_AALG_NONE) {
		aalg = crypto_alg_byid(CRYPTO_KIND_AUTH, sa->alg_auth);
		if (aalg == NULL || !crypto_alg_available(aalg) ||
		    aalg->mode == CRYPTO_MODE_NONE)
			return EINVAL;
		if (aalg->mode == CRYPTO_MODE_NULL)
			aalg = NULL;
	}
	if (aalg != NULL && (ealg->mode == CRYPTO_MODE_AEAD ||
	    ealg->mode == CRYPTO_MODE_GMAC))
		return EINVAL;
	*ealgp = ealg;
	*aalgp = aalg;
	return 0;
}

static enum ipsec_padmode
esp_padmode(uint32_t flags)
{
	switch (flags & SADB_X_EXT_PMASK) {
	case SADB_X_EXT_PRAND:
		return IPSEC_PAD_RANDOM;
	case SADB_X_EXT_PZERO:
		return IPSEC_PAD_ZERO;
	default:
		return IPSEC_PAD_SEQ;
	}
}

/* Key bytes of k; a key-less algorithm (null) gets an empty buffer. */
static const uint8_t *
key_bytes(const struct ipsec_sa_key *k)
{
	static const uint8_t none[1];

	return k->data != NULL ? k->data : none;
}

/*
 * The header layout of the SA: RFC 4303 (SPI and sequence number), or
 * one of KAME's RFC 1827/1829 variants (see esp_var.h).  The 32-bit IVs
 * exist for DES-style 64-bit CBC blocks only.
 */
static int
esp_variant(const struct ipsec_sa *sa, struct ipsec_xform *xf,
    const struct crypto_alg *ealg, const struct crypto_alg *aalg)
{
	bool iv32 = (sa->flags & SADB_X_EXT_DERIV) ||
	    ((sa->flags & SADB_X_EXT_OLD) && (sa->flags & SADB_X_EXT_IV4B));

	xf->hdrlen = ESP_HDRLEN;
	if (sa->flags & SADB_X_EXT_OLD) {
		/* RFC 1827 knows CBC ciphers alone, without an ICV. */
		if (aalg != NULL || (sa->flags & SADB_X_EXT_DERIV) ||
		    (ealg->mode != CRYPTO_MODE_CBC &&
		    ealg->mode != CRYPTO_MODE_NULL))
			return EINVAL;
		xf->flags |= IPSEC_XF_OLD;
		xf->hdrlen = ESP_OLD_HDRLEN;
	}
	if (iv32) {
		if (ealg->mode != CRYPTO_MODE_CBC || ealg->ivlen != 8)
			return EINVAL;
		xf->flags |= IPSEC_XF_IV32;
		xf->ivlen = (sa->flags & SADB_X_EXT_OLD) ? 4 : 0;
	}
	return 0;
}

static int
esp_sessions(struct ipsec_sa *sa, struct ipsec_xform *xf,
    const struct crypto_alg *ealg, const struct crypto_alg *aalg)
{
	int error;

	error = crypto_enc_new(ealg, key_bytes(&sa->key_enc), sa->key_enc.len,
	    0, &xf->enc);
	if (error == 0 && aalg != NULL)
		error = crypto_auth_new(aalg, key_bytes(&sa->key_auth),
		    sa->key_auth.len, 0, &xf->auth);
	if (error != 0)
		return error;
	if ((sa->replay != 0 || (sa->flags & SADB_X_SAFLAGS_ESN)) &&
	    !(xf->flags & IPSEC_XF_OLD)) {
		xf->replay = ipsec_replay_new(sa->replay,
		    (sa->flags & SADB_X_SAFLAGS_ESN) != 0);
		if (xf->replay == NULL)
			return errno == ENOMEM ? ENOMEM : EINVAL;
	}
	return 0;
}

static int
esp_init(struct ipsec_sa *sa, struct ipsec_xform *xf)
{
	const struct crypto_alg *ealg, *aalg;
	int error;

	pthread_once(&rnd_once, rnd_setup);
	if ((error = esp_algs(sa, &ealg, &aalg)) != 0 ||
	    (error = esp_variant(sa, xf, ealg, aalg)) != 0 ||
	    (error = esp_sessions(sa, xf, ealg, aalg)) != 0)
		return error;
	if (ealg->mode == CRYPTO_MODE_AEAD || ealg->mode == CRYPTO_MODE_GMAC)
		xf->flags |= IPSEC_XF_AEAD;
	if (xf->auth != NULL)
		xf->flags |= IPSEC_XF_AUTH;
	if (sa->flags & SADB_X_SAFLAGS_ESN)
		xf->flags |= IPSEC_XF_ESN;
	if (sa->flags & SADB_X_EXT_CYCSEQ)
		xf->flags |= IPSEC_XF_CYCSEQ;
	if (ealg->mode == CRYPTO_MODE_CBC && !(sa->flags & SADB_X_EXT_DERIV))
		xf->flags |= IPSEC_XF_RANDIV;
	xf->padmode = esp_padmode(sa->flags);
	if (!(xf->flags & IPSEC_XF_IV32))
		xf->ivlen = (uint8_t)crypto_enc_ivlen(xf->enc);
	xf->icvlen = (uint8_t)(xf->auth != NULL ?
	    crypto_auth_icvlen(xf->auth) : crypto_enc_icvlen(xf->enc));
	/* RFC 4303 2.4: the cipher's block, and 4 bytes at least. */
	xf->blocksize = ealg->blocksize > 0 ? ealg->blocksize : 1;
	xf->padbound = ealg->blocksize > 4 ? ealg->blocksize : 4;
	xf->alg = sa->alg_enc;
	return 0;
}

/*
 * The most ESP adds to plen payload bytes: header, IV and ICV, padding
 * to the SA's boundary plus pad length and next header, or esp_randpad's
 * padding of short packets when that is larger (capped by the one-byte
 * pad length).
 */
static size_t
esp_overhead(const struct ipsec_xform *xf, int af, size_t plen)
{
	size_t trailer = ESP_TRAILERLEN + xf->padbound - 1;
	int randpad = net_tunable_get(&ipsec_af_vars(af)->esp_randpad);

	if (randpad > 0 && plen + trailer < (size_t)randpad) {
		trailer = (size_t)randpad - plen;
		if (trailer > ESP_PADMAX + ESP_TRAILERLEN)
			trailer = ESP_PADMAX + ESP_TRAILERLEN;
	}
	return xf->hdrlen + xf->ivlen + xf->icvlen + trailer;
}

void
esp_test_set_output(struct ipsec_sa *sa, const uint8_t *iv,
    uint64_t next_seq)
{
	struct ipsec_xform *xf = ipsec_xform_of(sa);

	crypto_enc_set_test_iv(xf->enc, iv);
	if (iv != NULL)
		xf->flags |= IPSEC_XF_TESTIV;
	else
		xf->flags &= ~IPSEC_XF_TESTIV;
	sa->seq_out = next_seq - 1;
}

const struct ipsec_xform_ops esp_xform_ops = {
	.proto = IPPROTO_ESP,
	.name = "esp",
	.hdrmin = ESP_HDRLEN,
	.spioff = 0,
	.spilen = 4,
	.init = esp_init,
	.overhead = esp_overhead,
	.output = esp_output,
	.input = esp_input,
	.stats = &esp_stats,
	.c_hdrops = ESPS_HDROPS,
	.c_notdb = ESPS_NOTDB,
	.c_noxform = ESPS_NOXFORM,
	.c_tunnel = ESPS_TUNNEL,
	.in_authsucc = IPSECS_IN_ESPAUTHSUCC,
};
