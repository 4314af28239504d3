/*
 * The SPD in the daemon: policy lifetimes and validtimes checked once a
 * second on the event loop.  The SPD needs no set-up of its own.
 */
#include "sbin/sockmgr/sockmgr.h"
#include "sys/net/net_event.h"
#include "sys/netkey/key_spd.h"

static void
spd_tick(void *arg)
{
	(void)arg;
	key_spd_timer();
}

int
sockmgr_spd_start(void)
{
	return net_event_timer_add(spd_tick, NULL);
}

void
sockmgr_spd_stop(void)
{
	net_event_timer_remove(spd_tick, NULL);
	key_spd_fini();
}
