/*
 * AH (RFC 4302; RFC 2402 behaviour; RFC 1826 "ah-old"): the transform's
 * row of the transform table, its statistics and the ICV input builder
 * shared by output and input.
 *
 * The counters keep FreeBSD's ahstat names and order (netstat -s -p ah)
 * so that tests and tools assert on the reasons a BSD administrator
 * reads.  They live in one array indexed by enum ahstat_counter; the
 * struct ahstat of FreeBSD's layout is filled from it by ahstat_get().
 * The packet path is single-threaded, so the counters are plain integers.
 */
#ifndef SYS_NETIPSEC_AH_VAR_H
#define SYS_NETIPSEC_AH_VAR_H

#include <stddef.h>
#include <stdint.h>

#include "sys/net/net_counter.h"
#include "sys/netipsec/ipsec_xform.h"
#include "sys/netipsec/ipsec_xform_stat.h"

struct crypto_auth;

#define AH_ALG_MAX	256	/* histogram size: one per SADB_AALG id */

enum ahstat_counter {
	AHS_HDROPS,		/* packet shorter than the header */
	AHS_NOPF,		/* protocol family not supported */
	AHS_NOTDB,		/* no SA (or the SPI is not the SA's) */
	AHS_BADKCR,		/* SA without usable crypto state */
	AHS_BADAUTH,		/* ICV did not verify */
	AHS_NOXFORM,		/* no transform */
	AHS_QFULL,		/* queue full */
	AHS_WRAP,		/* output sequence number would wrap */
	AHS_REPLAY,		/* replayed or too old sequence number */
	AHS_BADAUTHL,		/* AH length does not fit the SA's ICV */
	AHS_INPUT,		/* packets in */
	AHS_OUTPUT,		/* packets out */
	AHS_INVALID,		/* SA dead (hard lifetime reached) */
	AHS_IBYTES,		/* bytes in (payload) */
	AHS_OBYTES,		/* bytes out (payload) */
	AHS_TOOBIG,		/* result larger than the buffer or IP */
	AHS_PDROPS,		/* blocked by policy (ah_enable=0) */
	AHS_CRYPTO,		/* the crypto layer failed */
	AHS_TUNNEL,		/* tunnel sanity check failed */
	AHS_NCOUNTERS
};

/* FreeBSD's struct ahstat (sys/netipsec/ah_var.h), field for field. */
struct ahstat {
	uint64_t	ahs_hdrops;
	uint64_t	ahs_nopf;
	uint64_t	ahs_notdb;
	uint64_t	ahs_badkcr;
	uint64_t	ahs_badauth;
	uint64_t	ahs_noxform;
	uint64_t	ahs_qfull;
	uint64_t	ahs_wrap;
	uint64_t	ahs_replay;
	uint64_t	ahs_badauthl;
	uint64_t	ahs_input;
	uint64_t	ahs_output;
	uint64_t	ahs_invalid;
	uint64_t	ahs_ibytes;
	uint64_t	ahs_obytes;
	uint64_t	ahs_toobig;
	uint64_t	ahs_pdrops;
	uint64_t	ahs_crypto;
	uint64_t	ahs_tunnel;
	uint64_t	ahs_hist[AH_ALG_MAX];	/* per auth algorithm */
};

extern const struct net_counter_set ahstat_counters;
extern const struct net_counter_set ahstat_hist;

/*
 * The counters, histogram and drop meanings of AH (ipsec_xform_stat.h:
 * reset, walk, names); a snapshot in FreeBSD's layout.
 */
extern const struct ipsec_xform_stats ah_stats;
void	ahstat_get(struct ahstat *st);

/*
 * Header sizes in front of the ICV: RFC 4302/2402 (next header, payload
 * length, reserved, SPI, sequence number) and RFC 1826 (no sequence
 * number).  The payload length field counts 32-bit words: RFC 4302 the
 * whole header minus 2, RFC 1826 the authentication data only.
 */
#define AH_HDRLEN	12
#define AH_OLD_HDRLEN	8

/*
 * The AH row of the transform table (see ipsec_xform.h).  Its init
 * refuses (EINVAL) an algorithm unknown, unavailable or without a packet
 * transform, a wrong key length, an encryption algorithm, a window too
 * large, and (EINVAL) ESN or a replay window on an RFC 1826 SA, which
 * has no sequence number.
 *
 * ah_output: insert the AH header, its ICV and padding after skip bytes,
 * set the byte at protoff to IPPROTO_AH, compute the ICV over the packet
 * with its mutable fields zeroed.  ah_input: length checks, replay check,
 * ICV, replay commit; then strip the AH header and write the inner
 * protocol at protoff and in *nxt.  Neither rewrites the IP length
 * fields; both compute the lengths the ICV covers from pb->len.
 */
enum ipsec_verdict ah_output(struct ipsec_sa *sa, struct pbuf *pb,
	    size_t skip, size_t protoff, int *why);
enum ipsec_verdict ah_input(struct ipsec_sa *sa, struct pbuf *pb,
	    size_t skip, size_t protoff, uint8_t *nxt, int *why);

extern const struct ipsec_xform_ops ah_xform_ops;

/*
 * Shared by ah_output.c and ah_input.c.  ah_drop_in() and ah_drop_out()
 * count an ahstat drop reason, set *why to the ipsecstat counter it
 * means for the policy engine and return IPSEC_DROP.  ah_hdrlen() is the
 * length of the SA's AH header with ICV and padding for family af.
 */
static inline enum ipsec_verdict
ah_drop_in(int *why, enum ahstat_counter c)
{
	return ipsec_xform_drop(&ah_stats, false, c, why);
}

static inline enum ipsec_verdict
ah_drop_out(int *why, enum ahstat_counter c)
{
	return ipsec_xform_drop(&ah_stats, true, c, why);
}
size_t	ah_hdrlen(const struct ipsec_xform *xf, int af);

/*
 * The ICV input builder (ah_mutable.c).  It hands to sink, in order,
 * the bytes the ICV covers for the IP header and the extension headers
 * in front of AH (the first skip bytes of the len-byte packet at pkt),
 * with the mutable fields of RFC 4302 section 3.3.3.1 zeroed or as they
 * will be at the final destination:
 *
 *	IPv4: TOS zeroed unless net.inet.ipsec.ah_cleartos is 0; flags and
 *	fragment offset ANDed with net.inet.ipsec.ah_offsetmask; TTL and
 *	checksum zeroed; total length len; options classified as RFC 4302
 *	appendix A does, a mutable or unknown one zeroed whole; with a
 *	source route, the final destination as destination address.
 *	IPv6: traffic class, flow label and hop limit zeroed; payload
 *	length len - 40; the option data of hop-by-hop and destination
 *	options with the "may change" bit zeroed; a routing header and the
 *	destination address as they will be at the final destination.
 *
 * The header at skip is the caller's.  0, or -1 when the headers in
 * front of skip cannot be walked (a length running past skip, an IPv6
 * header in front of AH that is not an extension header).
 */
typedef void	(*ah_sink_fn)(void *arg, const void *p, size_t n);

int	ah_mutable_input(const uint8_t *pkt, size_t skip, size_t len,
	    ah_sink_fn sink, void *arg);

/*
 * The same into the authentication session auth (crypto_auth_update);
 * with auth NULL (null authentication) the headers are only walked, so
 * that every algorithm refuses the same packets.
 */
int	ah_mutable_auth(struct crypto_auth *auth, const uint8_t *pkt,
	    size_t skip, size_t len);

#endif
