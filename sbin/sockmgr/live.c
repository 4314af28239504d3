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

#include "sbin/sockmgr/sockmgr.h"
#include "sys/net/if_tun.h"
#include "sys/net/if_wire.h"
#include "sys/net/net_event.h"
#include "sys/netinet/if_ethersubr.h"
#include "sys/netinet/ip_path.h"
#include "sys/netipsec/esp_var.h"
#include "sys/netipsec/ipsec_stat.h"

/* Buffers: a ring's burst of full-size packets, fragments being rebuilt. */
#define LIVE_SMALL_BUFS		8192
#define LIVE_LARGE_BUFS		64
/*
 * The TUN's MTU is the wire's less the largest ESP overhead we add (IPv6
 * tunnel header, ESP header, 16-byte IV, padding to 16, trailer, 32-byte
 * ICV), so the host's packets fit after protection without a round of
 * path MTU discovery.
 */
#define LIVE_TUN_RESERVE	120

extern char **environ;

static struct {
	struct net_event_loop	*loop;	/* the drivers' and timers' */
	struct pbuf_pool	*pool;
	struct netif		*wire;	/* the frame driver */
	struct netif		*ether;	/* the Ethernet link over it */
	struct netif		*tun;
	struct ip_path		*path;
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
static int
start_tun(const struct sockmgr_options *o, const struct ether_ifaddr *a)
{
	char err[256];
	size_t i;

	if (live.wire->mtu < 1280 + LIVE_TUN_RESERVE) {
		sockmgr_log(LOG_ERR, "%s: MTU %zu too small", o->wire_if,
		    live.wire->mtu);
		return -1;
	}
	live.tun = if_tun_attach(o->tun_if, live.wire->mtu - LIVE_TUN_RESERVE,
	    err, sizeof(err));
	if (live.tun == NULL) {
		sockmgr_log(LOG_ERR, "%s", err);
		return -1;
	}
	if (if_tun_up(live.tun, err, sizeof(err)) != 0) {
		sockmgr_log(LOG_ERR, "%s", err);
		return -1;
	}
	for (i = 0; i < o->naddrs; i++)
		if (if_tun_add_addr(live.tun, &a[i].addr.sa, a[i].plen, err,
		    sizeof(err)) != 0) {
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
 * The path between the TUN and the Ethernet link, and the drivers
 * reading into them.
 */
static int
start_path(const struct sockmgr_options *o)
{
	size_t i;

	if ((live.path = ip_path_create(live.pool, live.tun, live.ether)) ==
	    NULL)
		return -1;
	for (i = 0; i < o->naddrs; i++)
		if (ip_path_add_addr(live.path, &o->addrs[i].sa) != 0)
			return -1;
	netif_set_input(live.ether, ip_path_input_wire, live.path);
	if (net_event_timer_add(live.loop, path_timer, live.path) != 0)
		return -1;
	if (net_event_timer_add(live.loop, ether_iftimer, live.ether) != 0)
		return -1;
	if (if_wire_start(live.wire, live.loop, live.pool, ether_input,
	    live.ether) != 0 ||
	    if_tun_start(live.tun, live.loop, live.pool, ip_path_input_host,
	    live.path) != 0)
		return -1;
	return 0;
}

int
sockmgr_live_start(const struct sockmgr_options *o,
    struct net_event_loop *loop)
{
	struct ether_ifaddr addrs[SOCKMGR_ADDRS_MAX];
	struct if_wire_config wcfg = {
		.name = o->wire_if,
		.qdisc_bypass = o->qdisc_bypass,
	};
	struct ether_config cfg;
	char err[256];

	if (wire_config(o, &cfg, addrs) != 0)
		return -1;
	live.loop = loop;
	if ((live.pool = pbuf_pool_create(LIVE_SMALL_BUFS,
	    LIVE_LARGE_BUFS)) == NULL) {
		sockmgr_log(LOG_ERR, "packet buffers: out of memory");
		return -1;
	}
	if ((live.wire = if_wire_attach(&wcfg, err, sizeof(err))) == NULL ||
	    (live.ether = ether_ifattach(live.wire, &cfg, err,
	    sizeof(err))) == NULL) {
		sockmgr_log(LOG_ERR, "%s", err);
		goto fail;
	}
	if (isolate_wire(o->wire_if) != 0 || start_tun(o, addrs) != 0)
		goto fail;
	if (start_path(o) != 0) {
		sockmgr_log(LOG_ERR, "packet path: %s", strerror(errno));
		goto fail;
	}
	sockmgr_log(LOG_NOTICE, "live: wire %s (MTU %zu), host %s (MTU %zu)",
	    o->wire_if, live.wire->mtu, o->tun_if, live.tun->mtu);
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
live_print(void)
{
	const struct if_wire_stats *ws = if_wire_stats(live.wire);
	bool head = false;

	if_wire_collect(live.wire);
	sockmgr_print_stats(live.path);
	sockmgr_print_counters("ether", &head, ether_iflink(live.ether)->c,
	    ETHER_NCOUNTERS, ether_name, NULL);
	printf("%s: %llu checksums completed, %llu frames too long, "
	    "%llu ignored\n", live.wire->name,
	    (unsigned long long)ws->cksum_completed,
	    (unsigned long long)ws->truncated,
	    (unsigned long long)ws->ignored);
	printf("%s: %llu frames sent in %llu system calls\n", live.wire->name,
	    (unsigned long long)live.wire->stats.opackets,
	    (unsigned long long)ws->tx_calls);
	printf("%s: %llu segmentation offloads cut\n", live.tun->name,
	    (unsigned long long)if_tun_segmented(live.tun));
	printf("%s: %llu segments coalesced into %llu super-packets, "
	    "%llu refused\n", live.tun->name,
	    (unsigned long long)if_tun_gro_stats(live.tun)->merged,
	    (unsigned long long)if_tun_gro_stats(live.tun)->written,
	    (unsigned long long)if_tun_gro_stats(live.tun)->errors);
	sockmgr_print_netif(live.tun);
	sockmgr_print_netif(live.ether);
	sockmgr_print_netif_frames(live.wire);
	fflush(stdout);
}

void
sockmgr_live_stop(void)
{
	if (live.path != NULL && live.tun != NULL && live.ether != NULL)
		live_print();
	if (live.path != NULL)
		net_event_timer_remove(live.loop, path_timer, live.path);
	if (live.ether != NULL)
		net_event_timer_remove(live.loop, ether_iftimer, live.ether);
	netif_detach(live.tun);
	netif_detach(live.wire);
	netif_detach(live.ether);
	live.tun = live.wire = live.ether = NULL;
	if (live.path != NULL)
		ip_path_destroy(live.path);
	live.path = NULL;
	release_wire();
	if (live.pool != NULL)
		pbuf_pool_destroy(live.pool);
	live.pool = NULL;
}
