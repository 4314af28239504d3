/*
 * Packet-path requests for the control thread (see key_defer.h).
 */
#include <stdatomic.h>

#include "sys/netkey/key_defer.h"

static struct net_event_loop *_Atomic control;
static atomic_uint_fast64_t lost;

void
key_defer_set_loop(struct net_event_loop *loop)
{
	atomic_store(&control, loop);
}

bool
key_defer_inline(void)
{
	struct net_event_loop *loop = atomic_load_explicit(&control,
	    memory_order_relaxed);

	return loop == NULL || net_event_on_thread(loop);
}

int
key_defer(net_event_post_fn fn, const void *data, size_t len)
{
	struct net_event_loop *loop = atomic_load_explicit(&control,
	    memory_order_relaxed);

	if (loop != NULL && net_event_post(loop, fn, data, len) == 0)
		return 0;
	atomic_fetch_add_explicit(&lost, 1, memory_order_relaxed);
	return -1;
}

uint64_t
key_defer_lost(void)
{
	return atomic_load_explicit(&lost, memory_order_relaxed);
}
