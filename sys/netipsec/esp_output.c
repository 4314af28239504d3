/*
 * ESP output (RFC 4303 section 3.3): sequence number, padding, encryption
 * and ICV, in place in the packet buffer.
 *
 *	before:	| IP hdr (skip) | payload                     |
 *	after:	| IP hdr | SPI | seq | IV | payload pad pl nh | ICV |
 *	                              \___ encrypted ________/
 *
 * The sequence number is taken before any crypto work and never given
 * back, so an IV derived from it (CTR, GCM, GMAC, ChaCha20-Poly1305) is
 * never used twice under one key even when a packet fails later.  The
 * counter is 64 bits wide inside; a 32-bit SA puts the low half on the
 * wire and, unless the SA allows cycling (SADB_X_EXT_CYCSEQ, as KAME's
 * setkey sets by default), stops at 2^32 - 1 (esps_wrap).  A cycling SA
 * skips the numbers whose low half is zero: receivers reject sequence
 * number 0.  Workers sending on one SA take turns under the SA's session
 * lock for everything output writes in it: lifetime, sequence number,
 * crypto; one lock per packet, taken after the checks that need none.
 */
#include <string.h>

#include <netinet/in.h>
#include <openssl/crypto.h>

#include "sys/crypto/crypto.h"
#include "sys/net/net_endian.h"
#include "sys/net/pbuf.h"
#include "sys/netipsec/esp_var.h"
#include "sys/netipsec/ipsec_util.h"
#include "sys/netipsec/ipsec_var.h"

/*
 * Pad length for plen payload bytes: payload, padding and the two
 * trailer bytes end on the SA's boundary.  With the family's esp_randpad
 * set, packets shorter than it get a random number of extra boundaries,
 * up to that length (KAME's traffic-analysis countermeasure); the one
 * byte pad length caps the total at 255.
 */
static size_t
pad_length(const struct ipsec_xform *xf, int af, size_t plen)
{
	size_t bound = xf->padbound, pad, room, total;
	int randpad = net_tunable_get(&ipsec_af_vars(af)->esp_randpad);
	uint32_t r;

	pad = (bound - (plen + ESP_TRAILERLEN) % bound) % bound;
	total = plen + pad + ESP_TRAILERLEN;
	if (randpad <= 0 || total >= (size_t)randpad)
		return pad;
	room = ((size_t)randpad - total) / bound;
	if (room > (ESP_PADMAX - pad) / bound)
		room = (ESP_PADMAX - pad) / bound;
	if (room == 0 || esp_random(&r, sizeof(r)) != 0)
		return pad;
	return pad + (r % (room + 1)) * bound;
}

static void
pad_fill(const struct ipsec_xform *xf, uint8_t *p, size_t padlen)
{
	size_t i;

	switch (xf->padmode) {
	case IPSEC_PAD_RANDOM:
		/* Without randomness, zeros rather than stale bytes. */
		if (esp_random(p, padlen) != 0)
			memset(p, 0, padlen);
		break;
	case IPSEC_PAD_ZERO:
		memset(p, 0, padlen);
		break;
	default:
		for (i = 0; i < padlen; i++)
			p[i] = (uint8_t)(i + 1);
		break;
	}
}

/*
 * CBC needs an unpredictable IV (RFC 3602): random bytes from the pool.
 * The counter modes need a unique one (RFC 3686, 4106, 7634): the crypto
 * layer makes it from the sequence number, or takes the test IV.
 */
static int
make_iv(const struct ipsec_xform *xf, uint64_t seq, uint8_t *iv)
{
	if (xf->ivlen == 0)
		return 0;	/* derived: the sequence number is the IV */
	if ((xf->flags & (IPSEC_XF_RANDIV | IPSEC_XF_TESTIV)) ==
	    IPSEC_XF_RANDIV || (xf->flags & IPSEC_XF_IV32))
		return esp_random(iv, xf->ivlen);
	return crypto_iv_generate(xf->enc, seq, iv);
}

/* AEAD additional data: SPI | seq, or SPI | seq high | seq low. */
size_t
esp_aad(const struct ipsec_sa *sa, const struct ipsec_xform *xf,
    uint64_t seq, uint8_t *aad)
{
	memcpy(aad, &sa->spi, 4);
	if (xf->flags & IPSEC_XF_ESN) {
		be_put32(aad + 4, (uint32_t)(seq >> 32));
		be_put32(aad + 8, (uint32_t)seq);
		return 12;
	}
	be_put32(aad + 4, (uint32_t)seq);
	return 8;
}

/*
 * Encrypt the payload behind the header at esp (len bytes: payload,
 * padding, trailer) and write the ICV at icv.  A separate ICV covers
 * header, IV and ciphertext, then the ESN high half (RFC 4303 2.2.1).
 */
static int
seal(struct ipsec_sa *sa, struct ipsec_xform *xf, uint8_t *esp, size_t len,
    uint64_t seq, uint8_t *icv)
{
	uint8_t aad[12], hi[4], ivbuf[8];
	uint8_t *body = esp + xf->hdrlen + xf->ivlen;
	size_t aadlen;
	int rc;

	aadlen = esp_aad(sa, xf, seq, aad);
	rc = crypto_encrypt(xf->enc, esp_iv(xf, esp, ivbuf), aad, aadlen,
	    body, len, icv);
	if (rc != CRYPTO_OK || !(xf->flags & IPSEC_XF_AUTH))
		return rc;
	crypto_auth_init(xf->auth);
	crypto_auth_update(xf->auth, esp, xf->hdrlen + xf->ivlen + len);
	if (xf->flags & IPSEC_XF_ESN) {
		be_put32(hi, (uint32_t)(seq >> 32));
		crypto_auth_update(xf->auth, hi, sizeof(hi));
	}
	return crypto_auth_final(xf->auth, icv);
}

/*
 * Everything output writes in the SA (its lifetime, its sequence number,
 * its crypto sessions), done under the SA's session lock.
 */
static enum ipsec_verdict
encapsulate(struct ipsec_sa *sa, struct ipsec_xform *xf, struct pbuf *pb,
    size_t skip, size_t protoff, size_t padlen, int *why)
{
	size_t plen = pb->len - skip;
	uint8_t *esp, *tail, nxt;
	uint64_t seq = 0;

	if (key_sa_account(sa, plen) < 0)
		return esp_drop_out(why, ESPS_INVALID);
	/* RFC 1827 ESP has no sequence number to run out of. */
	if (!(xf->flags & IPSEC_XF_OLD) && ipsec_seq_next(sa, xf, &seq) < 0)
		return esp_drop_out(why, ESPS_WRAP);
	nxt = pb->data[protoff];
	tail = pbuf_put(pb, padlen + ESP_TRAILERLEN);
	pad_fill(xf, tail, padlen);
	tail[padlen] = (uint8_t)padlen;
	tail[padlen + 1] = nxt;
	esp = pbuf_insert(pb, skip, xf->hdrlen + xf->ivlen);
	memcpy(esp, &sa->spi, 4);
	if (!(xf->flags & IPSEC_XF_OLD))
		be_put32(esp + 4, (uint32_t)seq);
	if (make_iv(xf, seq, esp + xf->hdrlen) != 0 ||
	    seal(sa, xf, esp, plen + padlen + ESP_TRAILERLEN, seq,
	    pbuf_put(pb, xf->icvlen)) != CRYPTO_OK)
		return esp_drop_out(why, ESPS_CRYPTO);
	return IPSEC_PASS;
}

enum ipsec_verdict
esp_output(struct ipsec_sa *sa, struct pbuf *pb, size_t skip,
    size_t protoff, int *why)
{
	struct ipsec_xform *xf = ipsec_xform_of(sa);
	size_t plen, padlen, hdrlen;
	enum ipsec_verdict v;

	if (skip > pb->len || protoff >= skip)
		return esp_drop_out(why, ESPS_HDROPS);
	plen = pb->len - skip;
	hdrlen = xf->hdrlen + xf->ivlen;
	padlen = pad_length(xf, ipsec_ip_family(pb->data, skip), plen);
	if (pbuf_headroom(pb) < hdrlen || pbuf_tailroom(pb) <
	    padlen + ESP_TRAILERLEN + xf->icvlen ||
	    pb->len + hdrlen + padlen + ESP_TRAILERLEN + xf->icvlen > 65535)
		return esp_drop_out(why, ESPS_TOOBIG);
	ipsec_xform_lock(xf);
	v = encapsulate(sa, xf, pb, skip, protoff, padlen, why);
	ipsec_xform_unlock(xf);
	if (v != IPSEC_PASS)
		return v;
	pb->data[protoff] = IPPROTO_ESP;
	net_counter_inc(&espstat_counters, ESPS_OUTPUT);
	net_counter_add(&espstat_counters, ESPS_OBYTES, plen);
	net_counter_inc(&espstat_hist, xf->alg);
	return IPSEC_PASS;
}
