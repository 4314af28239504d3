/*
 * ESP input (RFC 4303 section 3.4): length checks, replay check, ICV,
 * decryption, trailer, replay commit, then the ESP bytes are cut out of
 * the packet in place.
 *
 * Order matters: the replay check runs before any crypto work so that
 * replayed floods cost little, and the window moves only once the ICV
 * verified, so forged packets cannot move it.  Padding is checked after
 * decryption, as RFC 4303 section 2.4 suggests: sequential padding must
 * read 1, 2, 3, ... and zero padding must be zero; random padding cannot
 * be checked.  KAME checked only that the pad length fits; FreeBSD checks
 * the last pad byte against the pad length unless the SA pads randomly.
 * We check every byte the SA's mode defines (esps_badenc), which catches
 * a wrong key on SAs without an ICV; RFC 1827 leaves the padding to the
 * sender's transform, so old-ESP padding is not judged.
 *
 * Workers may decapsulate packets of one SA at once: the replay check
 * needs no lock, and everything that writes the SA (ICV and decryption,
 * replay commit, lifetime) runs under its session lock, one lock per
 * packet; the commit judges the number again, so of two copies that both
 * verified one is accepted.
 */
#include <string.h>

#include "sys/crypto/crypto.h"
#include "sys/net/net_endian.h"
#include "sys/net/pbuf.h"
#include "sys/netipsec/esp_var.h"
#include "sys/netipsec/ipsec_var.h"
#include "sys/netipsec/replay.h"

/* Authenticate and decrypt len bytes of payload behind the header. */
static int
open_payload(struct ipsec_sa *sa, struct ipsec_xform *xf, uint8_t *esp,
    size_t len, uint64_t seq, const uint8_t *icv)
{
	uint8_t aad[12], hi[4], ivbuf[8];
	uint8_t *body = esp + xf->hdrlen + xf->ivlen;
	size_t aadlen;
	int rc;

	if (xf->flags & IPSEC_XF_AUTH) {
		crypto_auth_init(xf->auth);
		crypto_auth_update(xf->auth, esp, xf->hdrlen + xf->ivlen + len);
		if (xf->flags & IPSEC_XF_ESN) {
			be_put32(hi, (uint32_t)(seq >> 32));
			crypto_auth_update(xf->auth, hi, sizeof(hi));
		}
		rc = crypto_auth_verify_final(xf->auth, icv);
		if (rc != CRYPTO_OK)
			return rc;
	}
	aadlen = esp_aad(sa, xf, seq, aad);
	return crypto_decrypt(xf->enc, esp_iv(xf, esp, ivbuf), aad, aadlen,
	    body, len, icv);
}

static bool
padding_ok(const struct ipsec_xform *xf, const uint8_t *pad, size_t padlen)
{
	size_t i;

	switch (xf->padmode) {
	case IPSEC_PAD_SEQ:
		for (i = 0; i < padlen; i++)
			if (pad[i] != (uint8_t)(i + 1))
				return false;
		return true;
	case IPSEC_PAD_ZERO:
		for (i = 0; i < padlen; i++)
			if (pad[i] != 0)
				return false;
		return true;
	default:
		return true;
	}
}

static enum espstat_counter
crypto_reason(int rc)
{
	switch (rc) {
	case CRYPTO_ERR_ICV:
		return ESPS_BADAUTH;
	case CRYPTO_ERR_LEN:
		return ESPS_BADILEN;
	default:
		return ESPS_CRYPTO;
	}
}

/*
 * Everything input writes in the SA (crypto sessions, replay window,
 * lifetime), done under the SA's session lock: the ICV, then the window
 * (judged again: another worker may have accepted a copy since the
 * check), then the lifetime.  ESPS_NCOUNTERS when the packet passed,
 * else the counter of its drop.
 */
static enum espstat_counter
verify_and_commit(struct ipsec_sa *sa, struct ipsec_xform *xf,
    uint8_t *esp, size_t len, uint64_t seq)
{
	int rc;

	rc = open_payload(sa, xf, esp, len, seq, esp + xf->hdrlen +
	    xf->ivlen + len);
	if (rc != CRYPTO_OK)
		return crypto_reason(rc);
	if (xf->replay != NULL &&
	    ipsec_replay_commit(xf->replay, seq) != IPSEC_REPLAY_OK)
		return ESPS_REPLAY;
	if (key_sa_account(sa, len) < 0)
		return ESPS_INVALID;
	return ESPS_NCOUNTERS;
}

/*
 * Payload length (ciphertext with padding and trailer) of the ESP packet
 * at skip, or 0 with *why set when it cannot be one.
 */
static size_t
payload_length(const struct ipsec_xform *xf, const struct pbuf *pb,
    size_t skip, enum espstat_counter *why)
{
	size_t overhead = xf->hdrlen + xf->ivlen + xf->icvlen, len;

	*why = ESPS_BADILEN;
	if (pb->len - skip < overhead + ESP_TRAILERLEN)
		return 0;
	len = pb->len - skip - overhead;
	if (len % xf->blocksize != 0)
		return 0;
	return len;
}

static enum ipsec_verdict
strip(struct ipsec_xform *xf, struct pbuf *pb, size_t skip, size_t protoff,
    size_t len, uint8_t *nxt, int *why)
{
	uint8_t *trailer = pb->data + pb->len - xf->icvlen - ESP_TRAILERLEN;
	size_t padlen = trailer[0];

	if (padlen + ESP_TRAILERLEN > len)
		return esp_drop_in(why, ESPS_BADILEN);
	if (!(xf->flags & IPSEC_XF_OLD) &&
	    !padding_ok(xf, trailer - padlen, padlen))
		return esp_drop_in(why, ESPS_BADENC);
	*nxt = trailer[1];
	pbuf_trim(pb, xf->icvlen + padlen + ESP_TRAILERLEN);
	pbuf_remove(pb, skip, xf->hdrlen + xf->ivlen);
	pb->data[protoff] = *nxt;
	return IPSEC_PASS;
}

enum ipsec_verdict
esp_input(struct ipsec_sa *sa, struct pbuf *pb, size_t skip, size_t protoff,
    uint8_t *nxt, int *why)
{
	struct ipsec_xform *xf = ipsec_xform_of(sa);
	enum espstat_counter bad;
	uint8_t *esp;
	uint64_t seq;
	size_t len;

	/* net.inet.esp.esp_enable=0 refuses ESP input (FreeBSD). */
	if (!net_tunable_get(&ipsec_vars.esp_enable))
		return esp_drop_in(why, ESPS_PDROPS);
	if (skip > pb->len || protoff >= skip ||
	    pb->len - skip < xf->hdrlen)
		return esp_drop_in(why, ESPS_HDROPS);
	esp = pb->data + skip;
	if (memcmp(esp, &sa->spi, 4) != 0)
		return esp_drop_in(why, ESPS_NOTDB);
	len = payload_length(xf, pb, skip, &bad);
	if (len == 0)
		return esp_drop_in(why, bad);
	seq = (xf->flags & IPSEC_XF_OLD) ? 0 : be_get32(esp + 4);
	if (xf->replay != NULL && ipsec_replay_check(xf->replay,
	    (uint32_t)seq, &seq) != IPSEC_REPLAY_OK)
		return esp_drop_in(why, ESPS_REPLAY);
	ipsec_xform_lock(xf);
	bad = verify_and_commit(sa, xf, esp, len, seq);
	ipsec_xform_unlock(xf);
	if (bad != ESPS_NCOUNTERS)
		return esp_drop_in(why, bad);
	if (strip(xf, pb, skip, protoff, len, nxt, why) != IPSEC_PASS)
		return IPSEC_DROP;
	net_counter_inc(&espstat_counters, ESPS_INPUT);
	net_counter_add(&espstat_counters, ESPS_IBYTES, len);
	net_counter_inc(&espstat_hist, xf->alg);
	return IPSEC_PASS;
}
