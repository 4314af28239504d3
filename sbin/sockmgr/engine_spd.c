/*
 * The SPD in the daemon: SPDEXPIRE reporting switched on at start, policy
 * lifetimes and validtimes and the SPDACQUIRE rate limit checked once a
 * second on the event loop.  The SPD needs no set-up of its own.
 */
#include "sbin/sockmgr/sockmgr.h"
#include "sys/net/net_event.h"
#include "sys/netkey/key_msg_spd.h"
#include "sys/netkey/key_spd.h"

static void
spd_tick(void *arg)
{
	(void)arg;
	key_spd_timer();
	key_spdacquire_timer();
}

int
sockmgr_spd_start(struct net_event_loop *loop)
{
	key_msg_spd_init();
	return net_event_timer_add(loop, spd_tick, NULL);
}

void
sockmgr_spd_stop(struct net_event_loop *loop)
{
	net_event_timer_remove(loop, spd_tick, NULL);
	key_msg_spd_fini();
	key_spd_fini();
}
