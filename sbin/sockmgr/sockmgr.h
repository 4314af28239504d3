/*
 * Pieces of the sockmgr program shared between its files.
 */
#ifndef SBIN_SOCKMGR_SOCKMGR_H
#define SBIN_SOCKMGR_SOCKMGR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sys/netinet/ip_hdr.h"

/* The most -a options, and -o options. */
#define SOCKMGR_ADDRS_MAX	64
#define SOCKMGR_SETS_MAX	64
/* The most live-mode workers: one counter row stays the control thread's. */
#define SOCKMGR_WORKERS_MAX	15

struct sockmgr_options {
	const char	*dir;		/* -S: control directory */
	bool		 foreground;	/* -d: log to stderr */
	bool		 keep;		/* -k: serve on after an offline run */
	const char	*script;	/* -f: setkey script */
	size_t		 nsets;		/* -o name=value: MIB settings */
	const char	*sets[SOCKMGR_SETS_MAX];
	const char	*read_host;	/* -r host:FILE */
	const char	*read_wire;	/* -r wire:FILE */
	const char	*write_host;	/* -w host:FILE */
	const char	*write_wire;	/* -w wire:FILE */
	size_t		 naddrs;	/* -a: the host's addresses */
	union ip_sockaddr addrs[SOCKMGR_ADDRS_MAX];
	int		 plens[SOCKMGR_ADDRS_MAX]; /* -a /PLEN; -1: none */
	const char	*wire_if;	/* -i: live mode's wire NIC */
	const char	*tun_if;	/* -t: live mode's TUN interface */
	bool		 qdisc_bypass;	/* -B: wire frames skip the qdisc */
	size_t		 ngateways;	/* -g: one per family */
	const char	*gateways[2];
	unsigned int	 workers;	/* -w N: live workers; 0: one per CPU */
};

/* With any -r or -w, sockmgr runs offline over pcap files. */
static inline bool
sockmgr_offline(const struct sockmgr_options *o)
{
	return o->read_host != NULL || o->read_wire != NULL ||
	    o->write_host != NULL || o->write_wire != NULL;
}

/* With -i or -t, sockmgr runs live between a TUN and a NIC. */
static inline bool
sockmgr_live(const struct sockmgr_options *o)
{
	return o->wire_if != NULL || o->tun_if != NULL;
}

/* Log to stderr or syslog, whichever the daemon uses. */
void	sockmgr_log(int prio, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

struct net_event_loop;

/*
 * Start the SAD and the SPD with their once-a-second timers on loop, the
 * control loop: 0, or -1 with errno set.  The stop functions take the
 * timers off the same loop and free the databases.
 */
int	sockmgr_sad_start(struct net_event_loop *loop);
void	sockmgr_sad_stop(struct net_event_loop *loop);
int	sockmgr_spd_start(struct net_event_loop *loop);
void	sockmgr_spd_stop(struct net_event_loop *loop);

/*
 * Apply the setkey script at path through an in-process PF_KEY socket
 * served on loop, which the function runs until each request is
 * answered: 0, or -1 after logging what failed ("FILE: line N: ...").
 */
int	sockmgr_script_apply(struct net_event_loop *loop, const char *path);

/*
 * Offline mode: run the -r captures through the packet path, write the
 * -w captures, print the statistics to stdout.  The capture clock runs
 * the timers of loop.  0, or -1 after logging.
 */
int	sockmgr_offline_run(const struct sockmgr_options *o,
	    struct net_event_loop *loop);

/*
 * Live mode: attach the wire NIC, keep the host kernel off it, create the
 * TUN with the host's addresses and start the packet path on loop.  0,
 * or -1 after logging (everything undone).  The stop function prints the
 * statistics, undoes the setup and may be called in any mode.
 */
int	sockmgr_live_start(const struct sockmgr_options *o,
	    struct net_event_loop *loop);
void	sockmgr_live_stop(void);

struct ip_path;
struct netif;

/*
 * Statistics printed at the end of offline mode and when live mode stops
 * (stats.c): the IPsec, ESP, IP and ICMP counters of both families, and
 * one line per interface.  sockmgr_print_counters() prints any further
 * table the same way; *head tells whether its heading is out already.
 */
typedef const char *(*sockmgr_counter_name_fn)(size_t i, const void *arg);
void	sockmgr_print_counters(const char *title, bool *head,
	    const uint64_t *c, size_t n, sockmgr_counter_name_fn name,
	    const void *arg);
/* The path counters are summed over the n paths (one per worker). */
void	sockmgr_print_stats(const struct ip_path *const *paths, size_t n);
void	sockmgr_print_netif(const struct netif *ifp);
/* A frame driver's counters: frames, not packets. */
void	sockmgr_print_netif_frames(const struct netif *ifp);

#endif
