/*
 * ESP: the transform's entry points and its statistics.
 *
 * The counters keep FreeBSD's espstat names and order (netstat -s -p esp)
 * so that tests and tools assert on the same reasons a BSD administrator
 * reads.  They live in one array indexed by enum espstat_counter; the
 * struct espstat of FreeBSD's layout is filled from it by espstat_get().
 * The packet path is single-threaded, so the counters are plain integers.
 */
#ifndef SYS_NETIPSEC_ESP_VAR_H
#define SYS_NETIPSEC_ESP_VAR_H

#include <stddef.h>
#include <stdint.h>

#include "sys/net/net_counter.h"
#include "sys/netipsec/ipsec_xform.h"
#include "sys/netipsec/ipsec_xform_stat.h"

#define ESP_ALG_MAX	256	/* histogram size: one per SADB_EALG id */

enum espstat_counter {
	ESPS_HDROPS,		/* packet shorter than the header */
	ESPS_NOPF,		/* protocol family not supported */
	ESPS_NOTDB,		/* no SA (or the SPI is not the SA's) */
	ESPS_BADKCR,		/* SA without usable crypto state */
	ESPS_QFULL,		/* queue full */
	ESPS_NOXFORM,		/* no transform */
	ESPS_BADILEN,		/* bad payload length or pad length */
	ESPS_WRAP,		/* output sequence number would wrap */
	ESPS_BADENC,		/* bad padding after decryption */
	ESPS_BADAUTH,		/* ICV did not verify */
	ESPS_REPLAY,		/* replayed or too old sequence number */
	ESPS_INPUT,		/* packets in */
	ESPS_OUTPUT,		/* packets out */
	ESPS_INVALID,		/* SA dead (hard lifetime reached) */
	ESPS_IBYTES,		/* bytes in (payload) */
	ESPS_OBYTES,		/* bytes out (payload) */
	ESPS_TOOBIG,		/* result larger than the buffer or IP */
	ESPS_PDROPS,		/* blocked by policy (esp_enable=0) */
	ESPS_CRYPTO,		/* the crypto layer failed */
	ESPS_TUNNEL,		/* tunnel sanity check failed */
	ESPS_NCOUNTERS
};

/* FreeBSD's struct espstat (sys/netipsec/esp_var.h), field for field. */
struct espstat {
	uint64_t	esps_hdrops;
	uint64_t	esps_nopf;
	uint64_t	esps_notdb;
	uint64_t	esps_badkcr;
	uint64_t	esps_qfull;
	uint64_t	esps_noxform;
	uint64_t	esps_badilen;
	uint64_t	esps_wrap;
	uint64_t	esps_badenc;
	uint64_t	esps_badauth;
	uint64_t	esps_replay;
	uint64_t	esps_input;
	uint64_t	esps_output;
	uint64_t	esps_invalid;
	uint64_t	esps_ibytes;
	uint64_t	esps_obytes;
	uint64_t	esps_toobig;
	uint64_t	esps_pdrops;
	uint64_t	esps_crypto;
	uint64_t	esps_tunnel;
	uint64_t	esps_hist[ESP_ALG_MAX];	/* per encryption algorithm */
};

extern const struct net_counter_set espstat_counters;
extern const struct net_counter_set espstat_hist;

/*
 * The counters, histogram and drop meanings of ESP (ipsec_xform_stat.h:
 * reset, walk, names); a snapshot in FreeBSD's layout.
 */
extern const struct ipsec_xform_stats esp_stats;
void	espstat_get(struct espstat *st);

/* ESP header in front of the IV. */
#define ESP_HDRLEN	8
/* Pad length and next header at the end of the payload. */
#define ESP_TRAILERLEN	2
/* The most padding the one-byte pad length can say. */
#define ESP_PADMAX	255

/* RFC 1827 ESP: the SPI alone in front of the IV. */
#define ESP_OLD_HDRLEN	4

/*
 * The ESP row of the transform table (see ipsec_xform.h).  Its init
 * refuses (EINVAL) an algorithm unknown or unavailable, a wrong key
 * length, AEAD combined with an auth algorithm, a window too large, an
 * RFC 1827 SA with authentication or a cipher other than CBC or null,
 * and a 4-byte or derived IV on a cipher without 64-bit CBC blocks.
 *
 * The KAME variants, chosen per SA: RFC 1827 "old" ESP
 * (SADB_X_EXT_OLD: SPI and IV, no sequence number, no ICV, no replay
 * window; with SADB_X_EXT_IV4B a 32-bit IV on the wire) and the derived
 * IV of draft-ietf-ipsec-ciph-des-derived (SADB_X_EXT_DERIV: RFC 2406
 * header whose sequence number is the 32-bit IV).  A 32-bit IV v is used
 * as the 64-bit CBC IV v || ~v (RFC 1829 section 2.1).
 *
 * esp_output: insert the ESP header and IV after skip bytes, pad,
 * encrypt, append the ICV, set the byte at protoff to IPPROTO_ESP.
 * esp_input: replay check, ICV, decryption, padding, replay commit; then
 * strip header, IV, trailer and ICV and write the inner protocol at
 * protoff and in *nxt.  Neither touches the IP length fields.
 */
enum ipsec_verdict esp_output(struct ipsec_sa *sa, struct pbuf *pb,
	    size_t skip, size_t protoff, int *why);
enum ipsec_verdict esp_input(struct ipsec_sa *sa, struct pbuf *pb,
	    size_t skip, size_t protoff, uint8_t *nxt, int *why);

extern const struct ipsec_xform_ops esp_xform_ops;

/*
 * Shared by esp_output.c and esp_input.c.  esp_drop_in() and
 * esp_drop_out() count an espstat drop reason, set *why to the ipsecstat
 * counter it means for the policy engine and return IPSEC_DROP.
 * esp_random() fills p with n unpredictable bytes (0, or -1 when OpenSSL's
 * generator fails) without a DRBG call per packet.  esp_aad()
 * writes the AEAD additional data of a packet with (full) sequence number
 * seq into aad (12 bytes of room) and returns its length.
 */
static inline enum ipsec_verdict
esp_drop_in(int *why, enum espstat_counter c)
{
	return ipsec_xform_drop(&esp_stats, false, c, why);
}

static inline enum ipsec_verdict
esp_drop_out(int *why, enum espstat_counter c)
{
	return ipsec_xform_drop(&esp_stats, true, c, why);
}
int	esp_random(void *p, size_t n);
/*
 * The CBC IV of the packet whose ESP header is at esp: the explicit IV
 * behind the header, or a 32-bit IV (RFC 1827 IV4B, or the derived
 * sequence number) widened into buf (8 bytes).
 */
const uint8_t *esp_iv(const struct ipsec_xform *xf, const uint8_t *esp,
	    uint8_t *buf);
size_t	esp_aad(const struct ipsec_sa *sa, const struct ipsec_xform *xf,
	    uint64_t seq, uint8_t *aad);

/*
 * Known-answer tests only: fix the IV of every following output packet
 * (NULL: back to normal IVs) and the sequence number of the next one.
 */
void	esp_test_set_output(struct ipsec_sa *sa, const uint8_t *iv,
	    uint64_t next_seq);

#endif
