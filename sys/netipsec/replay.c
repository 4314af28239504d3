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
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sys/netipsec/replay.h"

#define BLOCK_BITS	64
#define NOWINDOW_INFER	0x80000000u

struct ipsec_replay {
	uint64_t	top;		/* highest number recorded */
	uint32_t	size;		/* window in packets; 0: none */
	uint32_t	nblocks;	/* ring length, a power of two */
	bool		esn;
	uint64_t	bitmap[];
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

static bool
seen(const struct ipsec_replay *rp, uint64_t seq)
{
	uint64_t bit = seq & ((uint64_t)rp->nblocks * BLOCK_BITS - 1);

	return (rp->bitmap[bit / BLOCK_BITS] >> (bit % BLOCK_BITS)) & 1;
}

enum ipsec_replay_status
ipsec_replay_check(const struct ipsec_replay *rp, uint32_t seq_lo,
    uint64_t *seqp)
{
	uint64_t seq = seq_lo;

	if (rp->esn)
		seq = esn_infer(rp->top,
		    rp->size != 0 ? rp->size : NOWINDOW_INFER, seq_lo);
	*seqp = seq;
	if (rp->size == 0)
		return seq == 0 ? IPSEC_REPLAY_ZERO : IPSEC_REPLAY_OK;
	if (seq == 0)
		return IPSEC_REPLAY_ZERO;
	if (seq > rp->top)
		return IPSEC_REPLAY_OK;
	if (rp->top - seq >= rp->size)
		return IPSEC_REPLAY_OLD;
	return seen(rp, seq) ? IPSEC_REPLAY_DUP : IPSEC_REPLAY_OK;
}

void
ipsec_replay_commit(struct ipsec_replay *rp, uint64_t seq)
{
	uint64_t bit, oldblk, newblk, n, i;

	if (rp->size == 0) {
		if (seq > rp->top)
			rp->top = seq;
		return;
	}
	if (seq > rp->top) {
		oldblk = rp->top / BLOCK_BITS;
		newblk = seq / BLOCK_BITS;
		n = newblk - oldblk;
		if (n > rp->nblocks)
			n = rp->nblocks;
		for (i = 1; i <= n; i++)
			rp->bitmap[(oldblk + i) & (rp->nblocks - 1)] = 0;
		rp->top = seq;
	} else if (rp->top - seq >= rp->size) {
		return;
	}
	bit = seq & ((uint64_t)rp->nblocks * BLOCK_BITS - 1);
	rp->bitmap[bit / BLOCK_BITS] |= (uint64_t)1 << (bit % BLOCK_BITS);
}

uint64_t
ipsec_replay_top(const struct ipsec_replay *rp)
{
	return rp->top;
}

uint32_t
ipsec_replay_size(const struct ipsec_replay *rp)
{
	return rp->size;
}

void
ipsec_replay_reset(struct ipsec_replay *rp, uint64_t top)
{
	memset(rp->bitmap, 0, rp->nblocks * sizeof(uint64_t));
	rp->top = 0;
	if (top != 0)
		ipsec_replay_commit(rp, top);
}
