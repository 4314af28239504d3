/*
 * Packet buffer pools and the in-place edits of a packet.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sys/net/pbuf.h"

#define PBUF_SMALL_CAP	(PBUF_HEADROOM + PBUF_SMALL_DATA + PBUF_TAILROOM)
#define PBUF_LARGE_CAP	(PBUF_HEADROOM + PBUF_LARGE_DATA + PBUF_TAILROOM)

struct pbuf_class {
	struct pbuf	*free;		/* free list */
	size_t		 nfree;
	size_t		 count;
	size_t		 cap;		/* storage bytes per buffer */
	uint8_t		*storage;	/* count * cap bytes */
	struct pbuf	*hdrs;		/* count headers */
};

struct pbuf_pool {
	struct pbuf_class small, large;
	uint64_t	allocs, frees, failures;
};

static int
class_init(struct pbuf_pool *pool, struct pbuf_class *cl, size_t count,
    size_t cap)
{
	size_t i;

	cl->count = count;
	cl->cap = cap;
	if (count == 0)
		return 0;
	cl->storage = malloc(count * cap);
	cl->hdrs = calloc(count, sizeof(*cl->hdrs));
	if (cl->storage == NULL || cl->hdrs == NULL)
		return -1;
	for (i = count; i-- > 0;) {
		cl->hdrs[i].buf = cl->storage + i * cap;
		cl->hdrs[i].cap = cap;
		cl->hdrs[i].pool = pool;
		cl->hdrs[i].next = cl->free;
		cl->free = &cl->hdrs[i];
	}
	cl->nfree = count;
	return 0;
}

static void
class_fini(struct pbuf_class *cl)
{
	free(cl->storage);
	free(cl->hdrs);
}

struct pbuf_pool *
pbuf_pool_create(size_t nsmall, size_t nlarge)
{
	struct pbuf_pool *pool;

	pool = calloc(1, sizeof(*pool));
	if (pool == NULL)
		return NULL;
	if (class_init(pool, &pool->small, nsmall, PBUF_SMALL_CAP) != 0 ||
	    class_init(pool, &pool->large, nlarge, PBUF_LARGE_CAP) != 0) {
		pbuf_pool_destroy(pool);
		errno = ENOMEM;
		return NULL;
	}
	return pool;
}

void
pbuf_pool_destroy(struct pbuf_pool *pool)
{
	if (pool == NULL)
		return;
	class_fini(&pool->small);
	class_fini(&pool->large);
	free(pool);
}

void
pbuf_pool_stats(const struct pbuf_pool *pool, struct pbuf_pool_stats *st)
{
	st->allocs = pool->allocs;
	st->frees = pool->frees;
	st->failures = pool->failures;
	st->small_free = pool->small.nfree;
	st->large_free = pool->large.nfree;
}

/* Which class a buffer belongs to follows from its capacity. */
static struct pbuf_class *
class_of(struct pbuf_pool *pool, const struct pbuf *pb)
{
	return pb->cap == PBUF_SMALL_CAP ? &pool->small : &pool->large;
}

struct pbuf *
pbuf_alloc(struct pbuf_pool *pool, size_t len)
{
	struct pbuf_class *cl;
	struct pbuf *pb;

	/* A small request may spill into the large class, never the reverse. */
	if (len <= PBUF_SMALL_DATA && pool->small.free != NULL)
		cl = &pool->small;
	else if (len <= PBUF_LARGE_DATA && pool->large.free != NULL)
		cl = &pool->large;
	else {
		pool->failures++;
		return NULL;
	}
	pb = cl->free;
	cl->free = pb->next;
	cl->nfree--;
	pb->next = NULL;
	pb->data = pb->buf + PBUF_HEADROOM;
	pb->len = 0;
	pb->flags = 0;
	pb->af = 0;
	pool->allocs++;
	return pb;
}

void
pbuf_free(struct pbuf *pb)
{
	struct pbuf_class *cl;

	if (pb == NULL)
		return;
	cl = class_of(pb->pool, pb);
	pb->next = cl->free;
	cl->free = pb;
	cl->nfree++;
	pb->pool->frees++;
}

uint8_t *
pbuf_push(struct pbuf *pb, size_t n)
{
	if (n > pbuf_headroom(pb))
		return NULL;
	pb->data -= n;
	pb->len += n;
	return pb->data;
}

uint8_t *
pbuf_pull(struct pbuf *pb, size_t n)
{
	if (n > pb->len)
		return NULL;
	pb->data += n;
	pb->len -= n;
	return pb->data;
}

uint8_t *
pbuf_put(struct pbuf *pb, size_t n)
{
	uint8_t *tail;

	if (n > pbuf_tailroom(pb))
		return NULL;
	tail = pb->data + pb->len;
	pb->len += n;
	return tail;
}

int
pbuf_trim(struct pbuf *pb, size_t n)
{
	if (n > pb->len)
		return -1;
	pb->len -= n;
	return 0;
}

uint8_t *
pbuf_insert(struct pbuf *pb, size_t off, size_t n)
{
	uint8_t *old;

	if (off > pb->len || n > pbuf_headroom(pb))
		return NULL;
	old = pb->data;
	pb->data -= n;
	pb->len += n;
	memmove(pb->data, old, off);
	return pb->data + off;
}

int
pbuf_remove(struct pbuf *pb, size_t off, size_t n)
{
	if (off > pb->len || n > pb->len - off)
		return -1;
	memmove(pb->data + n, pb->data, off);
	pb->data += n;
	pb->len -= n;
	return 0;
}

/*
 * The headers are interchangeable: a free list holds headers, and which
 * class a buffer returns to follows from its capacity, so two headers
 * may trade their storage.
 */
int
pbuf_reserve(struct pbuf *pb, size_t len)
{
	struct pbuf *big;
	uint8_t *buf, *data;
	size_t cap;

	if (len <= pb->cap - pbuf_headroom(pb))
		return 0;
	if (pb->pool == NULL || (big = pbuf_alloc(pb->pool, len)) == NULL)
		return -1;
	if (len > big->cap - pbuf_headroom(big)) {
		pbuf_free(big);
		pb->pool->failures++;
		return -1;
	}
	memcpy(big->data, pb->data, pb->len);
	buf = pb->buf;
	cap = pb->cap;
	data = pb->data;
	pb->buf = big->buf;
	pb->cap = big->cap;
	pb->data = big->data;
	big->buf = buf;
	big->cap = cap;
	big->data = data;
	pbuf_free(big);
	return 0;
}

int
pbuf_append(struct pbuf *pb, const void *src, size_t len)
{
	uint8_t *tail;

	tail = pbuf_put(pb, len);
	if (tail == NULL)
		return -1;
	memcpy(tail, src, len);
	return 0;
}
