/*
 * What the packet path asks of the key engine that only the control
 * thread may do: the PF_KEY messages a packet triggers (SADB_EXPIRE when
 * a packet crosses a lifetime, SADB_ACQUIRE and SADB_X_SPDACQUIRE when a
 * policy finds no SA, SADB_X_NAT_T_NEW_MAPPING when a NAT moved a peer),
 * which write the ACQUIRE tables and the PF_KEY sockets.  With worker
 * threads the daemon names its control loop here and a worker's request
 * is posted to it (net_event_post()); on the control thread itself, in
 * offline mode and in every single-threaded test (no loop named), the
 * request runs at once, as before.
 *
 * A posted request carries copies of the addresses it needs and counted
 * references to the SA or policy, dropped when it has run, so that the
 * control thread may delete either meanwhile.  Requests beyond the
 * loop's inbox are lost and counted (key_defer_lost()): the next packet
 * asks again.
 */
#ifndef SYS_NETKEY_KEY_DEFER_H
#define SYS_NETKEY_KEY_DEFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sys/net/net_event.h"

/* The control loop, before workers start; NULL: run requests at once. */
void	key_defer_set_loop(struct net_event_loop *loop);

/*
 * Whether the caller is where requests run at once (the control thread,
 * or no loop named): the request functions then do their work in place
 * and return its result.
 */
bool	key_defer_inline(void);

/*
 * Queue fn(copy of data) for the control thread, from a worker: 0, or
 * -1 when lost (counted).
 */
int	key_defer(net_event_post_fn fn, const void *data, size_t len);

/* Requests lost because the control thread's inbox was full. */
uint64_t key_defer_lost(void);

#endif
