/*
 * Live mode: `sockmgr -i WIRE_IF -t TUN_IF -a ADDR/PLEN ... [-g GW]`.
 * Here the layers are stacked, each given the input callback of the one
 * above:
 *
 *	TUN driver  --input-->  packet path  --output-->  TUN driver
 *	wire driver --input-->  Ethernet link --input-->  packet path
 *	packet path --output--> Ethernet link --xmit-->   wire driver
 *
 * The wire driver (AF_PACKET on the NIC) moves frames; the Ethernet link
 * (ARP, ND, neighbour cache) turns them into IP packets and back; the
 * host stack reaches the on-link prefixes through the TUN, so every
 * packet between host and wire crosses the IPsec hooks.
 *
 * Linux's weak host model would let the kernel answer ARP and accept IP
 * for the host's addresses on the wire NIC itself, bypassing the socket
 * manager.  An nftables netdev ingress chain with policy drop on the NIC
 * keeps the kernel's input path away from it (packet sockets still see
 * every frame: taps run before the ingress hook).  The nft program does
 * this: a table is two commands at start and one at exit, and nft knows
 * the netlink encoding of this kernel's version.  The table is named for
 * the NIC and removed on exit, including after SIGTERM (the event loop
 * stops and main() calls sockmgr_live_stop()).
 *
 * The packet path runs on worker threads (-w N, default one per CPU),
 * each a whole stack of its own (live_worker.h) fed by its queue of a
 * multi-queue TUN and its member of a PACKET_FANOUT group on the NIC, so
 * the kernel spreads flows over them and keeps each flow on one.  The
 * thread that called us stays the control thread: PF_KEY, the MIB and
 * the key engine's timers.  It changes what workers read only inside
 * the write side of the stack lock, which wraps each of its wakeups once
 * workers run, and what a worker must ask of it (a PF_KEY message) the
 * worker posts (key_defer.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "sbin/sockmgr/live_worker.h"
#include "sbin/sockmgr/sockmgr.h"
#include "sys/net/if_tun.h"
#include "sys/net/if_wire.h"
#include "sys/net/net_counter.h"
#include "sys/net/net_event.h"
#include "sys/net/net_stack_lock.h"
#include "sys/netinet/if_ethersubr.h"
#include "sys/netinet/ip_path.h"
#include "sys/netkey/key_defer.h"
/*
 * The TUN's MTU is the wire's less the largest ESP overhead we add (IPv6
 * tunnel header, ESP header, 16-byte IV, padding to 16, trailer, 32-byte
 * ICV), so the host's packets fit after protection without a round of
 * path MTU discovery.
 */
#define LIVE_TUN_RESERVE	120

extern char **environ;

static struct {
	struct net_event_loop	*control;	/* the caller's loop */
	struct net_stack_lock	*lock;
	unsigned int		 nworkers;
	struct live_worker	 w[SOCKMGR_WORKERS_MAX];
	char			 table[64];	/* nft table, "" if none */
} live;

/* Run nft with one command string; quiet hides its complaints. */
static int
run_nft(const char *cmd, bool quiet)
{
	posix_spawn_file_actions_t fa;
	char *argv[] = { "nft", (char *)(uintptr_t)cmd, NULL };
	pid_t pid;
	int st, rc;

	posix_spawn_file_actions_init(&fa);
	if (quiet)
		posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY,
		    0);
	rc = posix_spawnp(&pid, "nft", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		errno = rc;
		return -1;
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* Interface names are quoted for nft; refuse anything odd in them. */
static bool
ifname_ok(const char *s)
{
	return *s != '\0' && strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == strlen(s);
}

static int
isolate_wire(const char *ifname)
{
	char cmd[512];
	size_t i;

	snprintf(live.table, sizeof(live.table), "sockmgr_%s", ifname);
	for (i = 0; live.table[i] != '\0'; i++)
		if (live.table[i] == '.' || live.table[i] == '-')
			live.table[i] = '_';
	snprintf(cmd, sizeof(cmd), "delete table netdev %s", live.table);
	run_nft(cmd, true);
	snprintf(cmd, sizeof(cmd), "add table netdev %s; add chain netdev "
	    "%s ingress { type filter hook ingress device \"%s\" "
	    "priority -500; policy drop; }", live.table, live.table, ifname);
	if (run_nft(cmd, false) != 0) {
		sockmgr_log(LOG_ERR, "%s: nft could not isolate the wire "
		    "interface from the host kernel", ifname);
		live.table[0] = '\0';
		return -1;
	}
	return 0;
}

static void
release_wire(void)
{
	char cmd[128];

	if (live.table[0] == '\0')
		return;
	snprintf(cmd, sizeof(cmd), "delete table netdev %s", live.table);
	if (run_nft(cmd, false) != 0)
		sockmgr_log(LOG_WARNING, "nft: table %s not removed",
		    live.table);
	live.table[0] = '\0';
}

/* -g arguments: one numeric gateway per family. */
static int
parse_gateways(const struct sockmgr_options *o, struct ether_config *c)
{
	union ip_sockaddr *g;
	size_t i;

	for (i = 0; i < o->ngateways; i++) {
		const char *s = o->gateways[i];
		struct in6_addr a6;
		struct in_addr a4;

		if (inet_pton(AF_INET, s, &a4) == 1 &&
		    c->gw4.sa.sa_family == 0) {
			g = &c->gw4;
			g->sin.sin_family = AF_INET;
			g->sin.sin_addr = a4;
		} else if (inet_pton(AF_INET6, s, &a6) == 1 &&
		    c->gw6.sa.sa_family == 0) {
			g = &c->gw6;
			g->sin6.sin6_family = AF_INET6;
			g->sin6.sin6_addr = a6;
		} else {
			sockmgr_log(LOG_ERR, "-g %s: not a numeric address, "
			    "or a second one of its family", s);
			return -1;
		}
	}
	return 0;
}

/* The link's configuration from the options; addrs is filled in. */
static int
wire_config(const struct sockmgr_options *o, struct ether_config *c,
    struct ether_ifaddr *addrs)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	if (o->wire_if == NULL || o->tun_if == NULL || o->naddrs == 0) {
		sockmgr_log(LOG_ERR, "live mode needs -i, -t and at least "
		    "one -a ADDR/PLEN");
		return -1;
	}
	if (!ifname_ok(o->wire_if) || !ifname_ok(o->tun_if)) {
		sockmgr_log(LOG_ERR, "bad interface name");
		return -1;
	}
	for (i = 0; i < o->naddrs; i++) {
		addrs[i].addr = o->addrs[i];
		addrs[i].plen = o->plens[i] >= 0 ? (unsigned int)o->plens[i] :
		    o->addrs[i].sa.sa_family == AF_INET ? 32 : 128;
	}
	c->naddrs = o->naddrs;
	c->addrs = addrs;
	return parse_gateways(o, c);
}

/* The TUN with the host's addresses, up. */
/* The TUN's first queue, with the host's addresses, up. */
static struct netif *
start_tun(const struct sockmgr_options *o, const struct ether_ifaddr *a,
    size_t wire_mtu)
{
	struct netif *tun;
	char err[256];
	size_t i;

	if (wire_mtu < 1280 + LIVE_TUN_RESERVE) {
		sockmgr_log(LOG_ERR, "%s: MTU %zu too small", o->wire_if,
		    wire_mtu);
		return NULL;
	}
	/* One queue per worker: multi-queue only when there are several. */
	tun = (live.nworkers > 1 ? if_tun_attach_mq : if_tun_attach)(
	    o->tun_if, wire_mtu - LIVE_TUN_RESERVE, err, sizeof(err));
	if (tun == NULL) {
		sockmgr_log(LOG_ERR, "%s", err);
		return NULL;
	}
	if (if_tun_up(tun, err, sizeof(err)) != 0)
		goto fail;
	for (i = 0; i < o->naddrs; i++)
		if (if_tun_add_addr(tun, &a[i].addr.sa, a[i].plen, err,
		    sizeof(err)) != 0)
			goto fail;
	return tun;
fail:
	sockmgr_log(LOG_ERR, "%s", err);
	netif_detach(tun);
	return NULL;
}

/* Worker i's TUN queue: the first (made here) or one more of it. */
static int
attach_tun(const struct sockmgr_options *o, const struct ether_ifaddr *a,
    unsigned int i)
{
	struct live_worker *w = &live.w[i];
	char err[256];

	if (i == 0)
		w->tun = start_tun(o, a, w->wire->mtu);
	else if ((w->tun = if_tun_attach_queue(live.w[0].tun, err,
	    sizeof(err))) == NULL)
		sockmgr_log(LOG_ERR, "%s", err);
	return w->tun != NULL ? 0 : -1;
}

/*
 * Every worker's objects, in index order (worker 1 first: the TUN's
 * first queue and the neighbour cache the others share are its).
 */
static int
build_workers(const struct sockmgr_options *o)
{
	struct ether_ifaddr addrs[SOCKMGR_ADDRS_MAX];
	struct if_wire_config wcfg = {
		.name = o->wire_if,
		.qdisc_bypass = o->qdisc_bypass,
		/* One group per daemon (0 is none); one worker, no fanout. */
		.fanout = live.nworkers > 1 ?
		    (uint16_t)((getpid() & 0xffff) | 1) : 0,
	};
	struct ether_config cfg;
	unsigned int i;

	if (wire_config(o, &cfg, addrs) != 0)
		return -1;
	for (i = 0; i < live.nworkers; i++) {
		live.w[i].index = i + 1;
		live.w[i].lock = live.lock;
		if (live_worker_attach_wire(&live.w[i], &wcfg, &cfg,
		    i == 0 ? NULL : &live.w[0]) != 0)
			return -1;
		if (i == 0 && isolate_wire(o->wire_if) != 0)
			return -1;
		if (attach_tun(o, addrs, i) != 0 ||
		    live_worker_build(&live.w[i], o) != 0)
			return -1;
	}
	return 0;
}

static void
control_enter(void *arg)
{
	net_stack_lock_write(arg);
}

static void
control_leave(void *arg)
{
	net_stack_unlock_write(arg);
}

/*
 * From here the control loop's wakeups exclude the workers' batches, and
 * what a worker asks of the key engine is posted to the control loop.
 */
static int
start_workers(void)
{
	unsigned int i;

	if (net_workers_set(live.nworkers) != 0)
		return -1;
	key_defer_set_loop(live.control);
	net_event_set_section(live.control, control_enter, control_leave,
	    live.lock);
	for (i = 0; i < live.nworkers; i++)
		if (live_worker_start(&live.w[i]) != 0) {
			sockmgr_log(LOG_ERR, "worker %u: %s", i + 1,
			    strerror(errno));
			return -1;
		}
	return 0;
}

/* -w N, or one worker per CPU. */
static unsigned int
workers_wanted(const struct sockmgr_options *o)
{
	long n = o->workers;

	if (n == 0)
		n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	return n > SOCKMGR_WORKERS_MAX ? SOCKMGR_WORKERS_MAX :
	    (unsigned int)n;
}

int
sockmgr_live_start(const struct sockmgr_options *o,
    struct net_event_loop *loop)
{
	live.control = loop;
	live.nworkers = workers_wanted(o);
	if ((live.lock = net_stack_lock_create(live.nworkers)) == NULL) {
		sockmgr_log(LOG_ERR, "stack lock: %s", strerror(errno));
		return -1;
	}
	if (build_workers(o) != 0 || start_workers() != 0)
		goto fail;
	sockmgr_log(LOG_NOTICE, "live: wire %s (MTU %zu), host %s (MTU %zu), "
	    "%u worker%s", o->wire_if, live.w[0].wire->mtu, o->tun_if,
	    live.w[0].tun->mtu, live.nworkers, live.nworkers > 1 ? "s" : "");
	return 0;
fail:
	sockmgr_live_stop();
	return -1;
}

static const char *
ether_name(size_t i, const void *arg)
{
	(void)arg;
	return ether_counter_name((enum ether_counter)i);
}

static void
stats_add(struct netif_stats *sum, const struct netif_stats *s)
{
	sum->ipackets += s->ipackets;
	sum->ibytes += s->ibytes;
	sum->idrops += s->idrops;
	sum->opackets += s->opackets;
	sum->obytes += s->obytes;
	sum->oerrors += s->oerrors;
	sum->odiscards += s->odiscards;
}

/* An interface's name and MTU, its counters to be summed into. */
static struct netif
sum_of(const struct netif *ifp)
{
	struct netif sum = *ifp;

	memset(&sum.stats, 0, sizeof(sum.stats));
	return sum;
}

/* The drivers' own counters, summed over the workers. */
static void
print_drivers(void)
{
	struct if_wire_stats ws = { 0 };
	struct tun_gro_stats gs = { 0 };
	uint64_t ec[ETHER_NCOUNTERS] = { 0 }, seg = 0;
	const struct live_worker *w;
	struct netif wire = sum_of(live.w[0].wire);
	struct netif tun = sum_of(live.w[0].tun);
	struct netif ether = sum_of(live.w[0].ether);
	bool head = false;
	size_t k;

	for (w = live.w; w < live.w + live.nworkers; w++) {
		stats_add(&wire.stats, &w->wire->stats);
		stats_add(&tun.stats, &w->tun->stats);
		stats_add(&ether.stats, &w->ether->stats);
		if_wire_collect(w->wire);
		ws.cksum_completed += if_wire_stats(w->wire)->cksum_completed;
		ws.truncated += if_wire_stats(w->wire)->truncated;
		ws.ignored += if_wire_stats(w->wire)->ignored;
		ws.tx_calls += if_wire_stats(w->wire)->tx_calls;
		gs.merged += if_tun_gro_stats(w->tun)->merged;
		gs.written += if_tun_gro_stats(w->tun)->written;
		gs.errors += if_tun_gro_stats(w->tun)->errors;
		seg += if_tun_segmented(w->tun);
		for (k = 0; k < ETHER_NCOUNTERS; k++)
			ec[k] += ether_iflink(w->ether)->c[k];
	}
	sockmgr_print_counters("ether", &head, ec, ETHER_NCOUNTERS,
	    ether_name, NULL);
	printf("%s: %llu checksums completed, %llu frames too long, "
	    "%llu ignored\n", wire.name,
	    (unsigned long long)ws.cksum_completed,
	    (unsigned long long)ws.truncated,
	    (unsigned long long)ws.ignored);
	printf("%s: %llu frames sent in %llu system calls\n", wire.name,
	    (unsigned long long)wire.stats.opackets,
	    (unsigned long long)ws.tx_calls);
	printf("%s: %llu segmentation offloads cut\n", tun.name,
	    (unsigned long long)seg);
	printf("%s: %llu segments coalesced into %llu super-packets, "
	    "%llu refused\n", tun.name, (unsigned long long)gs.merged,
	    (unsigned long long)gs.written, (unsigned long long)gs.errors);
	sockmgr_print_netif(&tun);
	sockmgr_print_netif(&ether);
	sockmgr_print_netif_frames(&wire);
}

/* Only once every worker is built: a failed start prints nothing. */
static bool
all_built(void)
{
	unsigned int i;

	for (i = 0; i < live.nworkers; i++)
		if (live.w[i].path == NULL || live.w[i].tun == NULL ||
		    live.w[i].ether == NULL)
			return false;
	return live.nworkers > 0;
}

static void
live_print(void)
{
	const struct ip_path *paths[SOCKMGR_WORKERS_MAX];
	unsigned int i;

	for (i = 0; i < live.nworkers; i++)
		paths[i] = live.w[i].path;
	sockmgr_print_stats(paths, live.nworkers);
	print_drivers();
	for (i = 0; i < live.nworkers; i++)
		printf("worker %u: %llu packets from the host, %llu frames "
		    "from the wire\n", live.w[i].index,
		    (unsigned long long)live.w[i].tun->stats.ipackets,
		    (unsigned long long)live.w[i].wire->stats.ipackets);
	fflush(stdout);
}

/*
 * Workers first, so that nothing runs beside what follows; then the
 * requests they posted (each holds a reference to an SA or policy,
 * whose keys are wiped when the last goes); then the objects, worker 1
 * last.
 */
void
sockmgr_live_stop(void)
{
	unsigned int i;

	for (i = 0; i < live.nworkers; i++)
		live_worker_stop(&live.w[i]);
	if (live.control != NULL) {
		net_event_set_section(live.control, NULL, NULL, NULL);
		key_defer_set_loop(NULL);
		net_event_run_once(live.control, 0);
	}
	net_workers_set(1);
	if (all_built())
		live_print();
	for (i = live.nworkers; i-- > 0;)
		live_worker_destroy(&live.w[i]);
	live.nworkers = 0;
	release_wire();
	net_stack_lock_destroy(live.lock);
	live.lock = NULL;
}
