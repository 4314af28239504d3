/*
 * A security association as the key engine keeps it.
 *
 * Ownership and lifetime rules:
 *
 *  - An SA is created by key_sa_alloc() with one reference, owned by the
 *    caller.  key_sa_get() adds a reference, key_sa_put() drops one; the
 *    last put is the ONE free path: it calls xform_free(xform) (so the
 *    packet layer can free its crypto contexts while the key bytes still
 *    exist), then wipes both keys with OPENSSL_cleanse and frees them, then
 *    frees the extension copies and the SA.
 *  - The SAD (key_sad.h) holds one reference of its own for as long as an
 *    SA is linked.  Removing an SA from the SAD (delete, flush, expiry)
 *    makes it DEAD, wipes its keys and drops that reference; holders of
 *    other references (a dump snapshot, a packet in flight) keep a valid,
 *    DEAD SA without keys until they put it.
 *  - While an SA is linked, its index (src, dst, proto) and spi are
 *    immutable: the hash tables are keyed by them.  To change them, remove
 *    the SA and insert a new one.  Its state changes only through
 *    key_sad_set_state(), which keeps the LARVAL list in step.  Other fields
 *    (keys, lifetimes, algorithms, mode, reqid, extension copies) belong to
 *    the PF_KEY message layer, which fills them before insert or on UPDATE.
 *  - xform/xform_free belong to the packet layer.  The key engine never
 *    looks inside xform: it asks the installer the packet layer
 *    registered (key_sa_set_installer()) to build it when an SA becomes
 *    MATURE, and calls xform_free on the free path.
 *  - The socket manager's control path is single-threaded: the SAD is not
 *    locked, and a packet path on other threads must take its SAs through
 *    a layer that serialises with the control path.  What packets write
 *    in an SA is safe with several threads on one SA: refcnt (atomic
 *    get/put); seq_out (ipsec_seq_next()) and cur.bytes, cur.allocations
 *    and cur.usetime (key_sa_account()), written only under the SA's
 *    session lock (ipsec_xform_lock(), which the crypto needs anyway) as
 *    atomic stores; and the MATURE -> DYING -> DEAD moves of state
 *    (key_sad_claim_state(): exactly one thread makes each move and
 *    fires its expire).  Other threads read these with key_sa_state(),
 *    key_sa_seq_out() and key_sa_cur().
 *
 * Byte orders: spi is stored as on the wire (network order), exactly as
 * in sadb_sa_spi.  Every other number is host order.  Ports inside the
 * addresses are network order as in any sockaddr; the SAD ignores them.
 */
#ifndef SYS_NETKEY_KEY_SA_H
#define SYS_NETKEY_KEY_SA_H

#include <stddef.h>
#include <stdint.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include "sys/netkey/key_sockaddr.h"


/* Key material: owned bytes, wiped on the free path. */
struct ipsec_sa_key {
	uint8_t		*data;		/* NULL when the SA has no such key */
	uint16_t	 bits;		/* sadb_key_bits */
	uint16_t	 len;		/* bytes at data: (bits + 7) / 8 */
};

/* The fields of sadb_lifetime, host order. */
struct ipsec_sa_lifetime {
	uint32_t	allocations;
	uint64_t	bytes;
	uint64_t	addtime;	/* current: creation time (epoch s); */
	uint64_t	usetime;	/* limits: seconds after add / use */
};

/*
 * Extensions an SA echoes back in GET, DUMP and EXPIRE, kept as raw
 * copies of the whole extension (header included) as the client sent it.
 */
enum key_sa_ext {
	KEY_SA_EXT_IDENTITY_SRC,
	KEY_SA_EXT_IDENTITY_DST,
	KEY_SA_EXT_SENSITIVITY,
	KEY_SA_EXT_KMPRIVATE,
	KEY_SA_EXT_NAT_T_TYPE,
	KEY_SA_EXT_NAT_T_SPORT,
	KEY_SA_EXT_NAT_T_DPORT,
	KEY_SA_EXT_NAT_T_OAI,
	KEY_SA_EXT_NAT_T_OAR,
	KEY_SA_EXT_COUNT
};

struct key_blob {
	void		*data;
	size_t		 len;
};

struct key_sah;

/* Largest replay window in packets an SA may ask for (RFC 6479 bitmap). */
#define KEY_SA_REPLAY_MAX	65536

struct ipsec_sa {
	/*
	 * The SA index.  The inbound lookup key (dst, proto, spi) comes
	 * first, so that the one SA a lookup by SPI reads is read in the
	 * first 36 bytes, one cache line for most allocations.
	 *
	 * The sadb_sa extension.  replay is the window in packets, 0 for
	 * none: the message layer converts KAME's sadb_sa_replay (bytes of
	 * bitmap, as setkey -r gives it) by 8, and takes
	 * SADB_X_EXT_SA_REPLAY (packets) as it is.  Windows above
	 * KEY_SA_REPLAY_MAX are refused when the SA is added.
	 */
	union key_sockaddr	 dst;
	uint8_t			 proto;		/* IPPROTO_ESP, _AH, ... */
	uint8_t			 satype;	/* SADB_SATYPE_* of proto */
	uint8_t			 mode;		/* IPSEC_MODE_*, ANY: all */
	uint8_t			 state;		/* SADB_SASTATE_* */
	uint32_t		 spi;		/* network byte order */
	uint32_t		 reqid;
	union key_sockaddr	 src;

	uint8_t			 alg_auth;	/* SADB_[X_]AALG_* */
	uint8_t			 alg_enc;	/* SADB_[X_]EALG_*, _CALG_* */
	uint32_t		 flags;		/* sadb_sa_flags */
	uint32_t		 replay;

	struct ipsec_sa_key	 key_auth;
	struct ipsec_sa_key	 key_enc;

	/*
	 * cur.addtime is set by key_sa_alloc(); cur.usetime is the time of
	 * first use (0 until then); cur.bytes and cur.allocations are bumped
	 * by key_sa_account().  A zero limit field means "no limit".
	 */
	struct ipsec_sa_lifetime cur;
	struct ipsec_sa_lifetime hard;
	struct ipsec_sa_lifetime soft;

	/* The message that created the SA (GETSPI/ADD): seq and pid. */
	uint32_t		 msg_seq;
	uint32_t		 msg_pid;

	uint64_t		 seq_out;	/* last output sequence (atomic) */

	/* Raw extension copies; NULL until one is set. */
	struct key_blob		*ext;

	/* The packet layer's transform state (see the rules above). */
	void			*xform;
	void			(*xform_free)(void *xform);

	unsigned int		 refcnt;	/* atomic: key_sa_get/put */

	/* Linkage owned by the SAD (key_sad.c); do not touch elsewhere. */
	uint8_t			 linked;
	struct key_sah		*sah;		/* (src, dst, proto) head */
	struct ipsec_sa		*sah_prev, *sah_next;
	struct ipsec_sa		*all_prev, *all_next;
	struct ipsec_sa		*larval_prev, *larval_next;
};

/*
 * Create an SA with one reference, state LARVAL, cur.addtime = now, and
 * the index given (addresses copied; ports are kept but not compared).
 * satype must be one key_satype_to_proto() knows.  NULL on ENOMEM or on
 * an unsupported address family or satype (errno says which).
 */
struct ipsec_sa *key_sa_alloc(uint8_t satype, const struct sockaddr *src,
	    const struct sockaddr *dst);
struct ipsec_sa *key_sa_get(struct ipsec_sa *sa);
void	key_sa_put(struct ipsec_sa *sa);

/*
 * The fields packets write, read by another thread than the writer:
 * relaxed atomic loads, so a reader never sees a torn value (a snapshot
 * of counters still moving, as any statistic is).
 */
static inline uint8_t
key_sa_state(const struct ipsec_sa *sa)
{
	return __atomic_load_n(&sa->state, __ATOMIC_RELAXED);
}

static inline uint64_t
key_sa_seq_out(const struct ipsec_sa *sa)
{
	return __atomic_load_n(&sa->seq_out, __ATOMIC_RELAXED);
}

static inline unsigned int
key_sa_refcnt(const struct ipsec_sa *sa)
{
	return __atomic_load_n(&sa->refcnt, __ATOMIC_RELAXED);
}

/* The current lifetime (bytes, allocations, add and first-use times). */
void	key_sa_cur(const struct ipsec_sa *sa, struct ipsec_sa_lifetime *out);

/*
 * Wipe and free both keys of an SA.  The SAD does it when it unlinks the
 * SA: a reference still held (a pending dump, a packet in flight) keeps
 * the SA readable but no longer its keys, which the transform has already
 * taken what it needs from.
 */
void	key_sa_clear_keys(struct ipsec_sa *sa);

/*
 * Replace a key with a copy of bits of key material from data (the old
 * key is wiped first).  0, or ENOMEM.  bits 0 clears the key.
 */
int	key_sa_set_key(struct ipsec_sa_key *key, const void *data,
	    uint16_t bits);

/* Replace an extension copy; len 0 clears it.  0, or ENOMEM. */
int	key_sa_set_ext(struct ipsec_sa *sa, enum key_sa_ext which,
	    const void *data, size_t len);
const struct key_blob *key_sa_ext(const struct ipsec_sa *sa,
	    enum key_sa_ext which);

/* SADB extension type (SADB_EXT_*, SADB_X_EXT_*) of a kept extension. */
uint16_t key_sa_ext_type(enum key_sa_ext which);

/*
 * SA type to IP protocol and back: ESP, AH, IPCOMP, TCPSIGNATURE.  0 for
 * any other value (including SADB_SATYPE_UNSPEC).
 */
uint8_t	key_satype_to_proto(uint8_t satype);
uint8_t	key_proto_to_satype(uint8_t proto);

/*
 * Per-packet accounting, called once per packet processed with the SA
 * (input or output); no allocation.  One call is one allocation in
 * sadb_lifetime terms (KAME counts packets as allocations too); bytes
 * are the packet's bytes as the transform sees them.  The first call sets
 * cur.usetime.  A count that goes over a soft limit makes a MATURE SA
 * DYING and fires the soft expire event; one that goes over a hard limit
 * makes the SA DEAD and fires the hard expire event; the SAD drops it at
 * the next key_sad_timer().  Returns 0 if the packet may use the SA, or
 * -1 if the SA is DEAD (this packet crossed a hard limit, or an earlier
 * one did): drop the packet.
 *
 * Several threads may account packets of one SA, one at a time: the
 * packet path calls this under the SA's session lock (ipsec_xform.h),
 * so a count is a load and a store, stored atomically for readers on
 * other threads; each expire fires exactly once (the thread that moves
 * the state sends it, and the timer moves it through the same claim).  Sending it is the key engine's work
 * and runs on the calling thread, which is right while the packet path
 * runs on the control thread; a worker thread must post it to the
 * control thread instead (docs/architecture.md, "Process-wide state").
 */
int	key_sa_account(struct ipsec_sa *sa, size_t bytes);

/*
 * The packet layer's installer: builds sa->xform (and sets xform_free)
 * for an SA about to become MATURE; 0, EINVAL or ENOMEM.  Registered
 * once at start-up; with none registered (a key engine without a packet
 * path) SAs are installed without transform state.
 */
typedef int (*key_sa_installer_fn)(struct ipsec_sa *sa);
void	key_sa_set_installer(key_sa_installer_fn fn);

/*
 * Run the installer for sa.  0, or the errno the SA is refused with:
 * EINVAL when the transform cannot be built from it (KAME's key_mature
 * answer), ENOMEM.
 */
int	key_sa_install(struct ipsec_sa *sa);

/*
 * The packet layer's encapsulation updater: moves the ESP-in-UDP state
 * in sa->xform to the ports of sa's NAT-T extension copies, which have
 * just changed, and keeps the rest of the transform state (crypto sessions,
 * sequence numbers, replay window).  0, or EINVAL or ENOMEM with the old
 * state kept.  With none registered, 0.
 */
typedef int (*key_sa_encap_fn)(struct ipsec_sa *sa);
void	key_sa_set_encap_updater(key_sa_encap_fn fn);
int	key_sa_update_encap(struct ipsec_sa *sa);

/*
 * The packet layer's ready hook: called once an SADB_ADD or SADB_UPDATE
 * has made sa usable and linked it (the ACQUIRE hold queue sends what
 * waited for it).  It may run the output path, and so the SAD lookups
 * and ACQUIREs of other packets, but must not change the SAD.
 */
typedef void (*key_sa_ready_fn)(const struct ipsec_sa *sa);
void	key_sa_set_ready(key_sa_ready_fn fn);
void	key_sa_ready(const struct ipsec_sa *sa);

#endif
