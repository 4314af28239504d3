/*
 * The ACQUIRE hold queue: an outbound packet that needs an SA the SAD
 * does not have yet is kept, instead of dropped, while the key
 * management daemon negotiates it, and goes out through the output path
 * when the SA arrives (Linux keeps such packets too; the BSDs drop them).
 * The first packet of a negotiated tunnel (the ping that started IKE) is
 * then not lost.
 *
 * Entries are per SA index of the missing SA (src, dst, protocol), from
 * a fixed table; each holds at most net.inet.ipsec.acq_hold packets (0:
 * no holding), all entries together at most net.inet.ipsec.acq_hold_bytes
 * bytes, and an entry lives net.key.blockacq_lifetime seconds, as long
 * as the ACQUIRE that it waits on blocks repeats.  A packet beyond a
 * bound is dropped as before (out_nosa) and counted here.  Nothing is
 * allocated: the queue links the pool buffers themselves.
 *
 * When an SA becomes usable (SADB_ADD, SADB_UPDATE: the key engine's
 * ready hook) the entries with its index are released: after
 * net.inet.ipsec.acq_hold_delay seconds (the timer's ticks; 0: at once),
 * time for the peer to install its own SA, every packet of them is
 * handed to the output function the IP path registered, which runs the
 * whole output path again (policy, bundle, transforms).  Packets sent
 * meanwhile find the SA and go at once.  Without an output function (the
 * policy engine driven alone) nothing is held.
 *
 * Each worker thread has its own queue, bounds included (the bounds are
 * per worker): it holds its own packets and sends them through the
 * output its own path registered, since only it may touch its buffers.
 * The functions below act on the calling thread's queue, except the
 * release, which marks every queue's entries for the SA (the control
 * thread calls it while no worker runs) and sends at once only from the
 * caller's own; another worker's go at that worker's next timer tick,
 * within a second.
 *
 * Counters: net.inet.ipsec.hold.stats.
 */
#ifndef SYS_NETIPSEC_IPSEC_HOLD_H
#define SYS_NETIPSEC_IPSEC_HOLD_H

#include <stddef.h>
#include <stdint.h>

#include <sys/socket.h>

#include "sys/net/net_counter.h"

struct ipsec_sa;
struct ipsec_xform_stats;
struct pbuf;

enum ipsec_hold_counter {
	IPSEC_HOLDS_HELD,	/* packets held */
	IPSEC_HOLDS_SENT,	/* held packets sent on when the SA came */
	IPSEC_HOLDS_FULL,	/* refused: entry at acq_hold packets */
	IPSEC_HOLDS_BYTES,	/* refused: acq_hold_bytes reached */
	IPSEC_HOLDS_NOENTRY,	/* refused: every entry in use */
	IPSEC_HOLDS_EXPIRED,	/* dropped: no SA within the lifetime */
	IPSEC_HOLDS_FLUSHED,	/* dropped: queue flushed */
	IPSEC_HOLDS_NCOUNTERS
};

extern const struct net_counter_set ipsec_hold_counters;
extern const struct ipsec_xform_stats ipsec_hold_stats;

typedef void (*ipsec_hold_output_fn)(void *arg, struct pbuf *pb);

/* Where released packets go (the IP path's output); NULL: no holding. */
void	ipsec_hold_set_output(ipsec_hold_output_fn fn, void *arg);

/*
 * Hold pb for the SA (src, dst, proto).  0: the queue owns pb.  -1: not
 * held (bound reached or no output function); the caller still owns it.
 */
int	ipsec_hold_put(struct pbuf *pb, const struct sockaddr *src,
	    const struct sockaddr *dst, uint8_t proto);

/* The key engine's ready hook: release what waits for sa's index. */
void	ipsec_hold_release(const struct ipsec_sa *sa);

/*
 * Once a second: send released entries whose delay is over, drop the
 * others older than net.key.blockacq_lifetime.
 */
void	ipsec_hold_timer(void);

/* Drop every held packet. */
void	ipsec_hold_flush(void);

/* Packets and bytes held now. */
size_t	ipsec_hold_packets(void);
size_t	ipsec_hold_bytes(void);

#endif
