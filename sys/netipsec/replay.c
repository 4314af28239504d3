/*
 * RFC 6479 anti-replay bitmaps.
 *
 * Bit (seq mod nbits) of the ring says whether seq was seen, for every seq
 * in (top - size, top].  The ring has one 64-bit block more than the
 * window needs, so the block holding top can be partly "in the future"
 * while the oldest block still covers top - size + 1.  Moving top forward
 * clears the blocks it enters; nothing is shifted.
 *
 * ESN (RFC 4303 Appendix A): the packet carries the low 32 bits; the high
 * half is the one that places the number closest above the window's
 * bottom.  Without a window (size 0) an ESN SA still needs that guess, so
 * it is made with half the 32-bit space as the window, the widest choice
 * that stays unambiguous.
 *
 * Threads: packets of one SA may be checked and committed on several
 * workers at once.  The check takes no lock: it reads top (acquire) and
 * the bitmap with atomic loads, and is only a filter before the crypto
 * work, since what it read may be moving.  Commits are serialised by the
 * caller (the SA's session lock, ipsec_xform_lock()); a commit judges the
 * number again against the window as it now is and records it only if
 * that still passes, so two copies of one packet that both passed the
 * check and the ICV are accepted once.  A commit clears the blocks a
 * move enters before it publishes top (release), so a check that sees
 * the new top also sees them cleared.
 * A check racing a move may call a number a duplicate that is, by the
 * time the move is done, left of the window: both are replay drops.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sys/netipsec/replay.h"

#define BLOCK_BITS	64
#define NOWINDOW_INFER	0x80000000u

struct ipsec_replay {
	uint64_t	top;		/* highest number recorded (atomic) */
	uint32_t	size;		/* window in packets; 0: none */
	uint32_t	nblocks;	/* ring length, a power of two */
	bool		esn;
	uint64_t	bitmap[];	/* atomic loads and stores */
};

static uint32_t
ring_blocks(uint32_t size)
{
	uint32_t need = (size + BLOCK_BITS - 1) / BLOCK_BITS + 1, n = 1;

	while (n < need)
		n <<= 1;
	return n;
}

struct ipsec_replay *
ipsec_replay_new(uint32_t size, bool esn)
{
	struct ipsec_replay *rp;
	uint32_t nblocks;

	if (size > IPSEC_REPLAY_MAX) {
		errno = EINVAL;
		return NULL;
	}
	nblocks = size == 0 ? 0 : ring_blocks(size);
	rp = calloc(1, sizeof(*rp) + nblocks * sizeof(uint64_t));
	if (rp == NULL)
		return NULL;
	rp->size = size;
	rp->nblocks = nblocks;
	rp->esn = esn;
	return rp;
}

void
ipsec_replay_free(struct ipsec_replay *rp)
{
	free(rp);
}

/*
 * RFC 4303 Appendix A2.2: Tl/Th are the halves of top, w the window.  If
 * the window does not reach below a multiple of 2^32 (Tl >= w - 1), a low
 * half below the window's bottom belongs to the next epoch; otherwise a
 * low half above the bottom (which then lies in the previous epoch)
 * belongs to the previous one.
 */
static uint64_t
esn_infer(uint64_t top, uint32_t w, uint32_t seq_lo)
{
	uint32_t tl = (uint32_t)top, th = (uint32_t)(top >> 32);
	uint32_t bottom = tl - w + 1;

	if (tl >= w - 1) {
		if (seq_lo < bottom)
			th++;
	} else {
		if (seq_lo >= bottom && th > 0)
			th--;
	}
	return (uint64_t)th << 32 | seq_lo;
}

static uint64_t
load_top(const struct ipsec_replay *rp)
{
	return __atomic_load_n(&rp->top, __ATOMIC_ACQUIRE);
}

static uint64_t
load_block(const struct ipsec_replay *rp, uint64_t i)
{
	return __atomic_load_n(&rp->bitmap[i], __ATOMIC_RELAXED);
}

/* Only a commit, serialised by the caller, writes a block. */
static void
store_block(struct ipsec_replay *rp, uint64_t i, uint64_t v)
{
	__atomic_store_n(&rp->bitmap[i], v, __ATOMIC_RELAXED);
}

static bool
seen(const struct ipsec_replay *rp, uint64_t seq)
{
	uint64_t bit = seq & ((uint64_t)rp->nblocks * BLOCK_BITS - 1);

	return (load_block(rp, bit / BLOCK_BITS) >> (bit % BLOCK_BITS)) & 1;
}

/* The verdict on the full number seq against a window whose top is top. */
static enum ipsec_replay_status
judge(const struct ipsec_replay *rp, uint64_t top, uint64_t seq)
{
	if (seq == 0)
		return IPSEC_REPLAY_ZERO;
	if (rp->size == 0 || seq > top)
		return IPSEC_REPLAY_OK;
	if (top - seq >= rp->size)
		return IPSEC_REPLAY_OLD;
	return seen(rp, seq) ? IPSEC_REPLAY_DUP : IPSEC_REPLAY_OK;
}

enum ipsec_replay_status
ipsec_replay_check(const struct ipsec_replay *rp, uint32_t seq_lo,
    uint64_t *seqp)
{
	uint64_t top = load_top(rp), seq = seq_lo;

	if (rp->esn)
		seq = esn_infer(top,
		    rp->size != 0 ? rp->size : NOWINDOW_INFER, seq_lo);
	*seqp = seq;
	return judge(rp, top, seq);
}

/* Record seq, which judge() passed. */
static void
record(struct ipsec_replay *rp, uint64_t seq)
{
	uint64_t top = rp->top, bit, oldblk, newblk, n, i;

	if (rp->size == 0) {
		if (seq > top)
			__atomic_store_n(&rp->top, seq, __ATOMIC_RELEASE);
		return;
	}
	if (seq > top) {
		oldblk = top / BLOCK_BITS;
		newblk = seq / BLOCK_BITS;
		n = newblk - oldblk;
		if (n > rp->nblocks)
			n = rp->nblocks;
		for (i = 1; i <= n; i++)
			store_block(rp, (oldblk + i) & (rp->nblocks - 1), 0);
		__atomic_store_n(&rp->top, seq, __ATOMIC_RELEASE);
	}
	bit = seq & ((uint64_t)rp->nblocks * BLOCK_BITS - 1);
	store_block(rp, bit / BLOCK_BITS, load_block(rp, bit / BLOCK_BITS) |
	    (uint64_t)1 << (bit % BLOCK_BITS));
}

enum ipsec_replay_status
ipsec_replay_commit(struct ipsec_replay *rp, uint64_t seq)
{
	enum ipsec_replay_status st = judge(rp, rp->top, seq);

	if (st == IPSEC_REPLAY_OK)
		record(rp, seq);
	return st;
}

uint64_t
ipsec_replay_top(const struct ipsec_replay *rp)
{
	return load_top(rp);
}

uint32_t
ipsec_replay_size(const struct ipsec_replay *rp)
{
	return rp->size;
}

void
ipsec_replay_reset(struct ipsec_replay *rp, uint64_t top)
{
	uint32_t i;

	for (i = 0; i < rp->nblocks; i++)
		store_block(rp, i, 0);
	__atomic_store_n(&rp->top, 0, __ATOMIC_RELEASE);
	if (top != 0)
		record(rp, top);
}
