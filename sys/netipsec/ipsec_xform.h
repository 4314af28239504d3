/*
 * The transform table of the packet layer: one row of operations per
 * IPsec protocol (ESP, AH, IPComp), the per-SA state those operations
 * share, and the verdicts they return.
 *
 * When state is built: an SA's transform state is built once, when the
 * SA is installed.  The key engine calls the installer the packet layer
 * registered (key_sa_set_installer(), see key_sa.h) for every SA that
 * becomes MATURE through SADB_ADD or SADB_UPDATE, before the SA is
 * linked; ipsec_xform_install() picks the row for the SA's protocol,
 * allocates the state and lets the row's init fill it.  An SA whose
 * state cannot be built is refused there (EINVAL, as KAME's key_mature
 * refuses it) and the SAD is left unchanged.  The packet path only reads
 * the state: it never builds one and never allocates.
 *
 * Ownership: the state belongs to the SA and dies with it through the
 * one free path, ipsec_xform_free() (hung on sa->xform_free), which frees
 * every crypto session (each wipes its key bytes) and the replay window,
 * then wipes the state itself.  A transform function never frees the
 * packet it is given: on IPSEC_DROP the caller frees it (its bytes are
 * then unspecified), on IPSEC_PASS the caller continues with it.
 *
 * Lengths: a transform keeps pb->len right but never rewrites the IP
 * header's length fields or its checksum; the policy engine fixes them
 * once for each IP header, when it is done with that header (before a
 * tunnel header is put in front of it on output, after the last
 * transform on input).  AH, whose ICV covers the length fields, computes
 * them from pb->len itself.
 *
 * Drops: a transform counts its own protocol's statistics (espstat,
 * ahstat, ipcompstat) and tells the engine, through *why, which counter
 * of ipsecstat explains the drop to the policy layer.  Nothing about a
 * drop is kept in the SA.
 *
 * Threads: several workers may run packets of one SA at once.  All that
 * a packet writes in the SA (lifetime, sequence number, replay commit,
 * the crypto sessions enc, auth and comp, whose OpenSSL and zlib
 * contexts hold per-packet state) is written under the state's session
 * lock, ipsec_xform_lock(), one lock per packet, taken after the checks
 * that need none (the replay check reads without it).  Workers on
 * different SAs never share a lock or a written line; workers on one SA
 * take turns (per-worker sessions would lift that, at one set of
 * contexts per worker and SA).
 */
#ifndef SYS_NETIPSEC_IPSEC_XFORM_H
#define SYS_NETIPSEC_IPSEC_XFORM_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sys/net/net_counter.h"
#include "sys/net/net_spin.h"
#include "sys/netipsec/udpencap.h"
#include "sys/netkey/key_sa.h"

struct crypto_enc;
struct crypto_auth;
struct crypto_comp;
struct ipsec_replay;
struct pbuf;

/* What the packet path does next. */
enum ipsec_verdict {
	IPSEC_PASS = 0,		/* transformed; continue with the packet */
	IPSEC_CONSUMED,		/* queued or handed on; caller lets go */
	IPSEC_DROP,		/* refused; the caller frees the packet */
	IPSEC_TOOBIG,		/* ipsec_output: answer with ICMP too big */
};

/* Padding content on output, from the SA's SADB_X_EXT_P* flags. */
enum ipsec_padmode {
	IPSEC_PAD_SEQ,		/* 1, 2, 3, ... (RFC 4303 default) */
	IPSEC_PAD_RANDOM,	/* random bytes (SADB_X_EXT_PRAND) */
	IPSEC_PAD_ZERO,		/* zero bytes (SADB_X_EXT_PZERO) */
};

/* The choices made at install time, as flags of struct ipsec_xform. */
#define IPSEC_XF_AEAD		0x0001	/* enc computes the ICV (GCM, ...) */
#define IPSEC_XF_AUTH		0x0002	/* separate ICV from auth (HMAC) */
#define IPSEC_XF_ESN		0x0004	/* 64-bit sequence numbers */
#define IPSEC_XF_CYCSEQ		0x0008	/* 32-bit sequence may wrap */
#define IPSEC_XF_RANDIV		0x0010	/* IV from the random pool (CBC) */
#define IPSEC_XF_TESTIV		0x0020	/* a test hook fixed the IV */
#define IPSEC_XF_OLD		0x0040	/* RFC 1826/1827: no sequence */
#define IPSEC_XF_RAWCPI		0x0080	/* IPComp: CPI not well-known */
#define IPSEC_XF_IV32		0x0100	/* ESP: 32-bit IV and complement */

struct ipsec_xform_ops;
struct ipsec_xform_stats;

/*
 * One SA's transform state.  Which fields a protocol uses is its own
 * business; the free path frees whatever sessions are set.
 */
struct ipsec_xform {
	const struct ipsec_xform_ops *ops;
	struct crypto_enc	*enc;		/* ESP cipher or AEAD */
	struct crypto_auth	*auth;		/* ESP HMAC, AH */
	struct crypto_comp	*comp;		/* IPComp */
	struct ipsec_replay	*replay;	/* NULL: no window, no ESN */
	uint32_t		 flags;		/* IPSEC_XF_* */
	enum ipsec_padmode	 padmode;
	uint8_t			 hdrlen;	/* header bytes before the IV */
	uint8_t			 ivlen;		/* explicit IV bytes */
	uint8_t			 icvlen;	/* ICV bytes on the wire */
	uint8_t			 blocksize;	/* cipher block (1: stream) */
	uint8_t			 padbound;	/* payload+trailer alignment */
	uint8_t			 alg;		/* histogram bucket: SADB id */
	pthread_spinlock_t	 session_lock;	/* what packets write */
	struct udpencap_sa	 encap;		/* ESP in UDP (udpencap.h) */
};

/*
 * One transform: the table row the policy engine dispatches through.
 *
 * Header geometry, for the common input path: a header shorter than
 * hdrmin bytes is counted as hdrops; the SA is found by the spilen bytes
 * at spioff (a 16-bit CPI is widened to a 32-bit SPI in network order,
 * as the SAD keeps IPComp SAs).  lookup, where set, is asked for the SA
 * when the SPI names none in the SAD (IPComp: a well-known CPI is the
 * algorithm's number, not an SA's); it returns a borrowed SA or NULL.
 *
 * init fills xf (zeroed, ops set) from the SA: 0 or an errno; whatever it
 * set is freed by the common free path on failure too.
 *
 * overhead is the most bytes output adds behind skip to a packet whose
 * payload behind skip is plen bytes, for the MTU decision made before
 * any transform runs.
 *
 * output: skip is the number of bytes in front of the transform's header
 * (IP header and the extension headers before it); protoff is the offset
 * of the byte naming the next protocol (the IPv4 protocol field or the
 * last IPv6 next-header field), which output sets to the transform's
 * protocol.  input: the header starts at skip; the inner protocol goes to
 * protoff and *nxt.  On IPSEC_DROP *why is the enum ipsecstat_counter
 * of the drop.
 *
 * stats are the protocol's statistics (ipsec_xform_stat.h); c_* are the
 * indexes of its counters that the common input path moves itself.
 * in_authsucc is the ipsecstat counter of an authenticated packet (-1:
 * none for this protocol).
 */
struct ipsec_xform_ops {
	uint8_t		 proto;		/* IPPROTO_ESP, ... */
	const char	*name;
	uint8_t		 hdrmin;
	uint8_t		 spioff;
	uint8_t		 spilen;	/* 4, or 2 for a CPI */
	int		(*init)(struct ipsec_sa *sa, struct ipsec_xform *xf);
	size_t		(*overhead)(const struct ipsec_xform *xf, int af,
			    size_t plen);
	enum ipsec_verdict (*output)(struct ipsec_sa *sa, struct pbuf *pb,
			    size_t skip, size_t protoff, int *why);
	enum ipsec_verdict (*input)(struct ipsec_sa *sa, struct pbuf *pb,
			    size_t skip, size_t protoff, uint8_t *nxt,
			    int *why);
	struct ipsec_sa *(*lookup)(const struct sockaddr *src,
			    const struct sockaddr *dst, uint32_t spi);
	const struct ipsec_xform_stats *stats;
	uint16_t	 c_hdrops;	/* header too short */
	uint16_t	 c_notdb;	/* no SA, or not usable */
	uint16_t	 c_noxform;	/* SA without transform state */
	uint16_t	 c_tunnel;	/* inner packet of a tunnel bad */
	int		 in_authsucc;
};

/* The row for an IP protocol; NULL for one that is not a transform. */
const struct ipsec_xform_ops *ipsec_xform_lookup(uint8_t proto);

/* The rows in table order (ESP, AH, IPComp); NULL past the last. */
const struct ipsec_xform_ops *ipsec_xform_at(size_t i);

/*
 * Build and hang the SA's transform state (the installer the packet
 * layer registers with the key engine).  0, EINVAL (the SA cannot be
 * used: algorithm unknown or unavailable, key or flags the transform
 * refuses), or ENOMEM.  An earlier state is replaced only on success.
 * An SA of a protocol without a row (TCP-MD5) is left without state: it
 * is kept for PF_KEY clients, and no packet is transformed with it.
 */
int	ipsec_xform_install(struct ipsec_sa *sa);

/*
 * Rebuild only the ESP-in-UDP state of an installed SA from its NAT-T
 * extension copies (the encapsulation updater the packet layer
 * registers).  0, or EINVAL or ENOMEM with the old state kept.
 */
int	ipsec_xform_update_encap(struct ipsec_sa *sa);

/*
 * Register ipsec_xform_install() and ipsec_xform_update_encap() with the
 * key engine (start-up).
 */
void	ipsec_xform_attach(void);

/* The one free path of a state (sa->xform_free). */
void	ipsec_xform_free(void *xform);

/*
 * One transform alone, the IP header's lengths (and IPv4 checksum) fixed
 * after it: for tools and tests that drive a transform without the
 * policy engine.  why may be NULL.
 */
enum ipsec_verdict ipsec_xform_output(struct ipsec_sa *sa, struct pbuf *pb,
	    size_t skip, size_t protoff, int *why);
enum ipsec_verdict ipsec_xform_input(struct ipsec_sa *sa, struct pbuf *pb,
	    size_t skip, size_t protoff, uint8_t *nxt, int *why);

/*
 * Around everything a packet writes in the SA (net_spin.h): held for one
 * packet's crypto; uncontended (one worker per SA) its atomic exchange is
 * still 6 % of a 64-byte packet, a mutex's twice that.
 */
static inline void
ipsec_xform_lock(struct ipsec_xform *xf)
{
	net_spin_lock(&xf->session_lock);
}

static inline void
ipsec_xform_unlock(struct ipsec_xform *xf)
{
	net_spin_unlock(&xf->session_lock);
}

/* The state hung on the SA; NULL if none. */
static inline struct ipsec_xform *
ipsec_xform_of(const struct ipsec_sa *sa)
{
	return sa->xform;
}

#endif
