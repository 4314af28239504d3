/*
 * Packet buffers.
 *
 * A packet is one contiguous run of bytes inside a larger buffer, with room
 * kept free on both sides so that every encapsulation the stack performs
 * (outer IPv6 header, AH, ESP header and IV, UDP encapsulation, a second
 * tunnel) can prepend and append in place, never copying the payload.
 *
 *	buf                data            data+len                buf+cap
 *	 |<-- headroom -->|<---- packet ---->|<------ tailroom ------->|
 *
 * Buffers come from two preallocated pools (small: one MTU-sized packet;
 * large: a reassembled 64 KiB datagram) so the per-packet path performs no
 * allocation.  A pool is owned by one thread: the packet path is
 * single-threaded per pool, and the functions take no locks.
 *
 * Ownership: whoever holds the pointer owns the packet; handing it to a
 * function that "consumes" it (output, queueing) transfers ownership.
 * pbuf_free() returns it to its pool.
 */
#ifndef SYS_NET_PBUF_H
#define SYS_NET_PBUF_H

#include <stddef.h>
#include <stdint.h>

/*
 * Headroom: outer IPv6 (40) + hop-by-hop/routing/destination options
 * carried over in front of ESP (up to 160 here) + AH (12 + ICV 32) +
 * ESP (8 + IV 16) + NAT-T UDP (8), twice for a nested tunnel, rounded up.
 */
#define PBUF_HEADROOM		512
/* Tailroom: ESP padding (255) + pad length/next header (2) + ICV (32). */
#define PBUF_TAILROOM		320
/* Payload capacity of the two size classes. */
#define PBUF_SMALL_DATA		2048
#define PBUF_LARGE_DATA		65535

struct pbuf {
	uint8_t		*data;		/* first byte of the packet */
	size_t		 len;		/* bytes of packet */
	uint8_t		*buf;		/* start of storage */
	size_t		 cap;		/* bytes of storage */
	struct pbuf	*next;		/* queue or free-list link */
	struct pbuf_pool *pool;		/* where pbuf_free() returns it */
	uint32_t	 flags;		/* PBUF_F_* */
	int		 af;		/* AF_INET or AF_INET6 of data[0] */
};

#define PBUF_F_FROM_WIRE	0x0001	/* arrived from the wire side */
#define PBUF_F_FROM_HOST	0x0002	/* sent by the host stack */

struct pbuf_pool_stats {
	uint64_t	allocs;
	uint64_t	frees;
	uint64_t	failures;	/* pool empty or packet too big */
	size_t		small_free, large_free;
};

struct pbuf_pool;

/* A pool of nsmall + nlarge buffers, allocated once.  NULL on ENOMEM. */
struct pbuf_pool *pbuf_pool_create(size_t nsmall, size_t nlarge);
/* Every buffer must have been freed; the storage is released. */
void	pbuf_pool_destroy(struct pbuf_pool *pool);
void	pbuf_pool_stats(const struct pbuf_pool *pool,
	    struct pbuf_pool_stats *st);

/*
 * A buffer able to hold len bytes with the standard headroom and tailroom;
 * the packet starts empty-length at data == buf + PBUF_HEADROOM and the
 * caller pbuf_put()s its bytes.  NULL when the pool is exhausted or len
 * exceeds PBUF_LARGE_DATA (counted as a failure).
 */
struct pbuf *pbuf_alloc(struct pbuf_pool *pool, size_t len);
void	pbuf_free(struct pbuf *pb);

static inline size_t
pbuf_headroom(const struct pbuf *pb)
{
	return (size_t)(pb->data - pb->buf);
}

static inline size_t
pbuf_tailroom(const struct pbuf *pb)
{
	return pb->cap - pbuf_headroom(pb) - pb->len;
}

/* Grow the packet by n bytes at the front; NULL if headroom is short. */
uint8_t	*pbuf_push(struct pbuf *pb, size_t n);
/* Drop n bytes from the front; NULL if the packet is shorter. */
uint8_t	*pbuf_pull(struct pbuf *pb, size_t n);
/* Grow the packet by n bytes at the end; returns the first new byte. */
uint8_t	*pbuf_put(struct pbuf *pb, size_t n);
/* Drop n bytes from the end; -1 if the packet is shorter. */
int	pbuf_trim(struct pbuf *pb, size_t n);

/*
 * Open a gap of n bytes at offset off (transport-mode ESP/AH go in after
 * the IP header): the off bytes before the gap move toward the head, so
 * only the headers are moved, never the payload.  Returns the gap.
 */
uint8_t	*pbuf_insert(struct pbuf *pb, size_t off, size_t n);
/* Close a gap of n bytes at offset off, moving the first off bytes. */
int	pbuf_remove(struct pbuf *pb, size_t off, size_t n);

/*
 * Make pb able to hold len bytes from pb->data on.  When its buffer is
 * too small, the packet moves into a larger buffer of the same pool
 * (standard headroom in front), which pb then owns, and its old buffer
 * goes back to the pool: pointers into the packet are stale afterwards.
 * 0, or -1 when the pool has no buffer that large free (counted as a
 * failure) or len exceeds PBUF_LARGE_DATA.
 */
int	pbuf_reserve(struct pbuf *pb, size_t len);

/* Append len bytes copied from src; -1 if tailroom is short. */
int	pbuf_append(struct pbuf *pb, const void *src, size_t len);

#endif
