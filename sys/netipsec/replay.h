/*
 * Anti-replay windows (RFC 4303 section 3.4.3) as RFC 6479 bitmaps, with
 * 32-bit or extended (64-bit, RFC 4303 Appendix A) sequence numbers.
 *
 * The window is used in two phases, as OpenBSD does: ipsec_replay_check()
 * before any crypto work rejects duplicates and packets left of the
 * window and, for ESN, infers the high half of the sequence number; only
 * after the ICV verified does ipsec_replay_commit() record the number and
 * move the window.  A forged packet therefore never moves the window.
 *
 * The bitmap is a ring of 64-bit blocks, a power of two of them, one more
 * than the window needs, so that advancing the window clears whole blocks
 * and never shifts bits.  Made once per SA; check and commit allocate
 * nothing.  Several threads may check one window at once, without a
 * lock; commits (and resets) on one window must be serialised by the
 * caller, as the packet path does with the SA's session lock.  A commit
 * judges the number again (replay.c says why that is enough).
 */
#ifndef SYS_NETIPSEC_REPLAY_H
#define SYS_NETIPSEC_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

/* Largest window, in packets. */
#define IPSEC_REPLAY_MAX	65536

enum ipsec_replay_status {
	IPSEC_REPLAY_OK = 0,
	IPSEC_REPLAY_ZERO,	/* sequence number 0 is never sent */
	IPSEC_REPLAY_OLD,	/* left of the window */
	IPSEC_REPLAY_DUP,	/* inside the window, already seen */
};

struct ipsec_replay;

/*
 * A window of size packets (0: no replay check; with esn the highest
 * number is still tracked, to infer the high half) over 32-bit or, with
 * esn, 64-bit numbers.  NULL when size > IPSEC_REPLAY_MAX or on ENOMEM
 * (errno says which).
 */
struct ipsec_replay *ipsec_replay_new(uint32_t size, bool esn);
void	ipsec_replay_free(struct ipsec_replay *rp);

/*
 * Judge the 32 bits a packet carries.  *seqp receives the full sequence
 * number (the inferred 64-bit one with ESN) to verify the ICV with and to
 * commit.  Changes nothing.
 */
enum ipsec_replay_status ipsec_replay_check(const struct ipsec_replay *rp,
	    uint32_t seq_lo, uint64_t *seqp);

/*
 * Record seq (from ipsec_replay_check() of the same packet, after its ICV
 * verified), judging it again first against the window as it is now:
 * IPSEC_REPLAY_OK when it was recorded, and the packet may be accepted;
 * otherwise another thread recorded it (DUP) or moved the window past it
 * (OLD) since the check, nothing changed, and the packet is a replay.
 */
enum ipsec_replay_status ipsec_replay_commit(struct ipsec_replay *rp,
	    uint64_t seq);

/* The highest number recorded (0 before any); the window size. */
uint64_t ipsec_replay_top(const struct ipsec_replay *rp);
uint32_t ipsec_replay_size(const struct ipsec_replay *rp);

/*
 * Start the window as if top (0: none) had been the only number
 * recorded (tests, and SAs taken over with a known counter).
 */
void	ipsec_replay_reset(struct ipsec_replay *rp, uint64_t top);

#endif
