/*
 * Offline mode: `sockmgr -f SCRIPT -r host:IN -r wire:IN -w host:OUT -w
 * wire:OUT`.  Both sides are pcap-file drivers plugged into the same
 * packet path live traffic takes.  The two inputs are merged in capture
 * time order (the host's packet first on a tie), so a capture of a
 * conversation replays as it happened.  At the end the non-zero counters
 * are printed, one per line under a heading per protocol, in the manner
 * of KAME's netstat -s.
 *
 * Time follows the captures: the clock starts at the wall clock when the
 * first packet is fed and then moves by the captures' own gaps, with the
 * once-a-second timers run as it moves, so SA and policy lifetimes,
 * ACQUIRE blocking and reassembly timeouts see the time the traffic took.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>

#include "sbin/sockmgr/sockmgr.h"
#include "sys/net/if_pcapfile.h"
#include "sys/net/net_clock.h"
#include "sys/net/net_event.h"
#include "sys/net/netif.h"
#include "sys/net/pbuf.h"
#include "sys/netinet/ip_path.h"
#include "sys/netinet/ip_var.h"
#include "sys/netinet6/ip6_var.h"
#include "sys/netipsec/esp_var.h"
#include "sys/netipsec/ipsec_stat.h"

/* Buffers: a burst of full-size packets, and fragments being rebuilt. */
#define OFFLINE_SMALL_BUFS	4096
#define OFFLINE_LARGE_BUFS	128

/* One input side: its driver and the packet read ahead of the merge. */
struct offline_side {
	struct netif	*ifp;
	struct pbuf	*next;
	struct timeval	 ts;
	bool		 done;
};

static int
side_fill(struct offline_side *s, struct pbuf_pool *pool)
{
	char err[512];
	int rc;

	if (s->done || s->next != NULL)
		return 0;
	rc = if_pcapfile_read(s->ifp, pool, &s->next, &s->ts, err,
	    sizeof(err));
	if (rc < 0) {
		sockmgr_log(LOG_ERR, "%s", err);
		s->done = true;
		return -1;
	}
	if (rc == 0)
		s->done = true;
	return 0;
}

static bool
earlier(const struct offline_side *a, const struct offline_side *b)
{
	if (b->next == NULL)
		return true;
	return !timercmp(&b->ts, &a->ts, <);
}

/* The clock derived from capture times (see the top of the file). */
struct offline_clock {
	struct net_event_loop *loop;	/* whose timers it runs */
	bool	started;
	time_t	base_now;	/* clock when the first packet was fed */
	time_t	base_ts;	/* capture second of that packet */
	time_t	now;		/* the clock now; it never goes back */
};

/*
 * Move the clock to capture time ts and run the timers that fell due.
 * The timers compare deadlines with the clock, so one run after a long
 * gap fires everything that expired during it.
 */
static void
offline_clock_to(struct offline_clock *c, const struct timeval *ts)
{
	time_t t;

	if (!c->started) {
		c->started = true;
		c->base_now = c->now = net_time_now();
		c->base_ts = ts->tv_sec;
		net_clock_set_fake(c->now);
		return;
	}
	if (ts->tv_sec <= c->base_ts)
		return;
	t = c->base_now + (ts->tv_sec - c->base_ts);
	if (t <= c->now)
		return;
	net_clock_set_fake(t);
	c->now = t;
	net_event_run_once(c->loop, 0);
}

/*
 * Feed both captures up their interfaces (to the path) in time order; -1
 * on a read error.
 */
static int
offline_feed(struct net_event_loop *loop, struct pbuf_pool *pool,
    struct offline_side *host, struct offline_side *wire)
{
	struct offline_clock clock = { .loop = loop, .started = false };
	struct offline_side *s;
	struct pbuf *pb;
	int rc = 0;

	for (;;) {
		if (side_fill(host, pool) != 0 || side_fill(wire, pool) != 0)
			rc = -1;
		if (host->next == NULL && wire->next == NULL)
			return rc;
		if (host->next != NULL && earlier(host, wire))
			s = host;
		else
			s = wire;
		pb = s->next;
		s->next = NULL;
		offline_clock_to(&clock, &s->ts);
		netif_input(s->ifp, pb);
	}
}

/* Names of the struct pcap_file_stats fields, in their order. */
static const char *const capture_names[] = {
	"frames read",
	"IPv4 packets",
	"IPv6 packets",
	"frames skipped: not IPv4 or IPv6",
	"frames skipped: cut short",
	"frames skipped: larger than a packet buffer",
};

static const char *
capture_name(size_t i, const void *arg)
{
	(void)arg;
	return capture_names[i];
}

/*
 * What the file reader of one side read and skipped: frames it never
 * handed on appear in no other counter, so a capture cut at a small snap
 * length would otherwise read as "0 packets in".
 */
static void
offline_print_capture(const struct netif *ifp)
{
	struct pcap_file_stats st;
	uint64_t c[sizeof(capture_names) / sizeof(capture_names[0])];
	char title[64];
	bool head = false;

	if_pcapfile_read_stats(ifp, &st);
	c[0] = st.frames;
	c[1] = st.ip4;
	c[2] = st.ip6;
	c[3] = st.nonip;
	c[4] = st.truncated;
	c[5] = st.toobig;
	snprintf(title, sizeof(title), "%s capture", ifp->name);
	sockmgr_print_counters(title, &head, c, sizeof(c) / sizeof(c[0]),
	    capture_name, NULL);
}

static void
offline_print(const struct ip_path *path, const struct netif *host,
    const struct netif *wire)
{
	sockmgr_print_stats((const struct ip_path *const[]){ path }, 1);
	offline_print_capture(host);
	offline_print_capture(wire);
	sockmgr_print_netif(host);
	sockmgr_print_netif(wire);
	fflush(stdout);
}

/* The path's reassembly timeouts, on the same timer as the key engine. */
static void
offline_path_tick(void *arg)
{
	ip_path_timer(arg);
}

static int
offline_path(const struct sockmgr_options *o, struct net_event_loop *loop,
    struct pbuf_pool *pool, struct netif *host, struct netif *wire)
{
	struct offline_side hs = { .ifp = host }, ws = { .ifp = wire };
	struct ip_path *path;
	size_t i;
	int rc;

	if ((path = ip_path_create(pool, host, wire)) == NULL) {
		sockmgr_log(LOG_ERR, "packet path: out of memory");
		return -1;
	}
	for (i = 0; i < o->naddrs; i++)
		ip_path_add_addr(path, &o->addrs[i].sa);
	netif_set_input(host, ip_path_input_host, path);
	netif_set_input(wire, ip_path_input_wire, path);
	if (net_event_timer_add(loop, offline_path_tick, path) != 0) {
		sockmgr_log(LOG_ERR, "packet path timer: %s", strerror(errno));
		ip_path_destroy(path);
		return -1;
	}
	rc = offline_feed(loop, pool, &hs, &ws);
	net_event_timer_remove(loop, offline_path_tick, path);
	net_clock_set_source(NULL);
	offline_print(path, host, wire);
	ip_path_destroy(path);
	return rc;
}

int
sockmgr_offline_run(const struct sockmgr_options *o,
    struct net_event_loop *loop)
{
	struct netif *host = NULL, *wire = NULL;
	struct pbuf_pool *pool;
	char err[512];
	int rc = -1;

	if ((pool = pbuf_pool_create(OFFLINE_SMALL_BUFS,
	    OFFLINE_LARGE_BUFS)) == NULL) {
		sockmgr_log(LOG_ERR, "packet buffers: out of memory");
		return -1;
	}
	if ((host = if_pcapfile_attach("host", o->read_host, o->write_host,
	    0, err, sizeof(err))) == NULL ||
	    (wire = if_pcapfile_attach("wire", o->read_wire, o->write_wire,
	    0, err, sizeof(err))) == NULL)
		sockmgr_log(LOG_ERR, "%s", err);
	else
		rc = offline_path(o, loop, pool, host, wire);
	if (netif_detach(host) != 0 || netif_detach(wire) != 0) {
		sockmgr_log(LOG_ERR, "writing a capture failed");
		rc = -1;
	}
	pbuf_pool_destroy(pool);
	return rc;
}
