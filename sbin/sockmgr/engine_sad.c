/*
 * The SAD in the daemon: created at start with its PF_KEY events (EXPIRE,
 * superseded SAs), the packet layer's transform installer, its lifetimes
 * (soft and hard expiry, larval reaping) and the ACQUIRE blocking entries
 * checked once a second on the event
 * loop.
 */
#include <errno.h>

#include "sbin/sockmgr/sockmgr.h"
#include "sys/net/net_event.h"
#include "sys/netipsec/ipsec_xform.h"
#include "sys/netkey/key_acquire.h"
#include "sys/netkey/key_msg_sa.h"
#include "sys/netkey/key_sad.h"

static void
sad_tick(void *arg)
{
	(void)arg;
	key_sad_timer();
	key_acquire_timer();
}

int
sockmgr_sad_start(struct net_event_loop *loop)
{
	int error;

	if ((error = key_sad_init()) != 0) {
		errno = error;
		return -1;
	}
	key_msg_sa_init();
	ipsec_xform_attach();
	return net_event_timer_add(loop, sad_tick, NULL);
}

void
sockmgr_sad_stop(struct net_event_loop *loop)
{
	net_event_timer_remove(loop, sad_tick, NULL);
	key_acquire_flush();
	key_sad_fini();
}
