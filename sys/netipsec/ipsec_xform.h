/*
 * The packet layer's per-SA transform state and the verdicts its
 * transforms return.
 *
 * An SA's transform state is built once, when the SA is installed
 * (esp_init() and its AH/IPComp siblings), from the SA's algorithms, keys
 * and flags; it hangs off sa->xform with sa->xform_free as its one free
 * path (see key_sa.h).  Everything a packet needs to know about its SA's
 * behaviour (AEAD or cipher plus HMAC, ESN or not, padding mode, replay
 * window) is decided there, never per packet.
 *
 * Ownership: the state belongs to the SA and dies with it.  The crypto
 * sessions inside hold the only expanded copies of the keys; the replay
 * window is owned by the state.  A transform function never frees the
 * packet it is given: on IPSEC_DROP the caller frees it (its bytes are
 * then unspecified), on IPSEC_PASS the caller continues with it.
 *
 * Threads: one packet at a time per SA (the packet path serialises on
 * the SA); nothing here is locked.
 */
#ifndef SYS_NETIPSEC_IPSEC_XFORM_H
#define SYS_NETIPSEC_IPSEC_XFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sys/netkey/key_sa.h"

struct crypto_enc;
struct crypto_auth;
struct ipsec_replay;
struct pbuf;

/*
 * What the packet path does next.  A drop always comes with a counter of
 * the transform's statistics (enum espstat_counter for ESP) that says why;
 * the transform bumps it and records it in the state's last_drop.
 */
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

struct ipsec_xform_ops;

struct ipsec_xform {
	const struct ipsec_xform_ops *ops;
	struct crypto_enc	*enc;		/* NULL for AH */
	struct crypto_auth	*auth;		/* NULL without separate ICV */
	struct ipsec_replay	*replay;	/* NULL: no window, no ESN */
	uint32_t		 flags;		/* IPSEC_XF_* */
	enum ipsec_padmode	 padmode;
	uint8_t			 ivlen;		/* explicit IV bytes */
	uint8_t			 icvlen;	/* ICV bytes on the wire */
	uint8_t			 blocksize;	/* cipher block (1: stream) */
	uint8_t			 padbound;	/* payload+trailer alignment */
	uint8_t			 alg_enc;	/* for the histograms */
	uint16_t		 last_drop;	/* counter of the last drop */
};

/*
 * One transform (ESP, AH, IPComp): the table entry the policy engine
 * dispatches through.  skip is the number of bytes in front of the
 * transform's header (IP header and the extension headers before it);
 * protoff is the offset of the byte naming the next protocol (the IPv4
 * protocol field or the last IPv6 next-header field), which output sets
 * to the transform's protocol and input sets to the inner protocol,
 * returned in *nxt.
 */
struct ipsec_xform_ops {
	uint8_t		 proto;		/* IPPROTO_ESP, ... */
	const char	*name;
	int		(*init)(struct ipsec_sa *sa);
	enum ipsec_verdict (*output)(struct ipsec_sa *sa, struct pbuf *pb,
			    size_t skip, size_t protoff);
	enum ipsec_verdict (*input)(struct ipsec_sa *sa, struct pbuf *pb,
			    size_t skip, size_t protoff, uint8_t *nxt);
};

/* The state esp_init() (or a sibling) hung on the SA; NULL if none. */
static inline struct ipsec_xform *
ipsec_xform_of(const struct ipsec_sa *sa)
{
	return sa->xform;
}

#endif
