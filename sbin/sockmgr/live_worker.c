/*
 * A worker of live mode (see live_worker.h): its objects and its thread.
 */
#include <errno.h>
#include <string.h>
#include <syslog.h>

#include "sbin/sockmgr/live_worker.h"
#include "sbin/sockmgr/sockmgr.h"
#include "sys/net/if_tun.h"
#include "sys/net/net_counter.h"
#include "sys/net/net_event.h"
#include "sys/net/net_stack_lock.h"
#include "sys/netinet/ip_path.h"

/* Buffers: a ring's burst of full-size packets, fragments being rebuilt. */
#define LIVE_SMALL_BUFS		8192
#define LIVE_LARGE_BUFS		64

int
live_worker_attach_wire(struct live_worker *w,
    const struct if_wire_config *wcfg, const struct ether_config *ecfg,
    const struct live_worker *first)
{
	struct ether_config cfg = *ecfg;
	char err[256];

	cfg.share_nbr = first != NULL ? first->ether : NULL;
	if ((w->wire = if_wire_attach(wcfg, err, sizeof(err))) == NULL ||
	    (w->ether = ether_ifattach(w->wire, &cfg, err,
	    sizeof(err))) == NULL) {
		sockmgr_log(LOG_ERR, "%s", err);
		return -1;
	}
	return 0;
}

static void
path_timer(void *arg)
{
	ip_path_timer(arg);
}

/*
 * The path registers its ACQUIRE hold output in the counter row of the
 * thread that creates it (ipsec_hold.h), so it is created, and later
 * destroyed, as the worker that runs it.
 */
static struct ip_path *
path_create(struct live_worker *w)
{
	struct ip_path *p;

	net_worker_set(w->index);
	p = ip_path_create(w->pool, w->tun, w->ether);
	net_worker_set(0);
	return p;
}

int
live_worker_build(struct live_worker *w, const struct sockmgr_options *o)
{
	size_t i;

	if ((w->loop = net_event_loop_create()) == NULL ||
	    (w->pool = pbuf_pool_create(LIVE_SMALL_BUFS,
	    LIVE_LARGE_BUFS)) == NULL || (w->path = path_create(w)) == NULL)
		goto fail;
	for (i = 0; i < o->naddrs; i++)
		if (ip_path_add_addr(w->path, &o->addrs[i].sa) != 0)
			goto fail;
	netif_set_input(w->ether, ip_path_input_wire, w->path);
	if (net_event_timer_add(w->loop, path_timer, w->path) != 0 ||
	    net_event_timer_add(w->loop, ether_iftimer, w->ether) != 0 ||
	    if_wire_start(w->wire, w->loop, w->pool, ether_input,
	    w->ether) != 0 ||
	    if_tun_start(w->tun, w->loop, w->pool, ip_path_input_host,
	    w->path) != 0)
		goto fail;
	return 0;
fail:
	sockmgr_log(LOG_ERR, "worker %u: %s", w->index, strerror(errno));
	return -1;
}

static void
batch_enter(void *arg)
{
	struct live_worker *w = arg;

	net_stack_lock_read(w->lock, w->index - 1);
}

static void
batch_leave(void *arg)
{
	struct live_worker *w = arg;

	net_stack_unlock_read(w->lock, w->index - 1);
}

static void *
worker_main(void *arg)
{
	struct live_worker *w = arg;

	net_worker_set(w->index);
	net_event_adopt(w->loop);
	net_event_set_section(w->loop, batch_enter, batch_leave, w);
	if (net_event_run(w->loop) != 0)
		sockmgr_log(LOG_ERR, "worker %u: event loop: %s", w->index,
		    strerror(errno));
	return NULL;
}

int
live_worker_start(struct live_worker *w)
{
	int error;

	if ((error = pthread_create(&w->thread, NULL, worker_main, w)) != 0) {
		errno = error;
		return -1;
	}
	w->running = true;
	return 0;
}

void
live_worker_stop(struct live_worker *w)
{
	if (!w->running)
		return;
	net_event_stop(w->loop);
	pthread_join(w->thread, NULL);
	w->running = false;
}

void
live_worker_destroy(struct live_worker *w)
{
	unsigned int index = w->index;

	live_worker_stop(w);
	if (w->loop != NULL) {
		if (w->path != NULL)
			net_event_timer_remove(w->loop, path_timer, w->path);
		if (w->ether != NULL)
			net_event_timer_remove(w->loop, ether_iftimer,
			    w->ether);
	}
	netif_detach(w->tun);
	netif_detach(w->wire);
	netif_detach(w->ether);
	if (w->path != NULL) {
		net_worker_set(index);
		ip_path_destroy(w->path);
		net_worker_set(0);
	}
	if (w->pool != NULL)
		pbuf_pool_destroy(w->pool);
	net_event_loop_destroy(w->loop);
	memset(w, 0, sizeof(*w));
	w->index = index;
}
