/*
 * wire_tx [-B] IFNAME FRAMES.pcap: send every frame of an Ethernet capture
 * out of IFNAME through the wire driver's batched transmit path, as the
 * Ethernet link hands frames to it (netif_xmit(), header and payload
 * apart), all within one event-loop wakeup, then end the wakeup so the
 * flush hook writes what is queued.  -B sets PACKET_QDISC_BYPASS.  Prints
 * "sent N calls C errors E": frames the kernel took, sendmmsg() calls,
 * frames refused.  For tests/scripts/test_live_batch.sh, which captures
 * what leaves and compares it with the capture given.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sys/net/if_wire.h"
#include "sys/net/net_event.h"
#include "sys/net/netif.h"
#include "sys/net/pbuf.h"

#define WIRE_TX_HDRLEN	14

/* Send the capture's frames; the number read, or -1. */
static long
send_capture(struct netif *ifp, const char *path)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *f;
	pcap_t *p;
	long n = 0;
	size_t hlen;

	if ((p = pcap_open_offline(path, err)) == NULL) {
		fprintf(stderr, "wire_tx: %s\n", err);
		return -1;
	}
	while (pcap_next_ex(p, &h, &f) == 1) {
		hlen = h->caplen < WIRE_TX_HDRLEN ? h->caplen : WIRE_TX_HDRLEN;
		netif_xmit(ifp, f, hlen, f + hlen, h->caplen - hlen);
		n++;
	}
	pcap_close(p);
	return n;
}

int
main(int argc, char **argv)
{
	struct if_wire_config cfg = { .qdisc_bypass = false };
	struct net_event_loop *loop;
	struct pbuf_pool *pool;
	struct netif *ifp;
	char err[256];
	long n;
	int ch;

	while ((ch = getopt(argc, argv, "B")) != -1) {
		if (ch != 'B')
			return 64;
		cfg.qdisc_bypass = true;
	}
	if (argc - optind != 2) {
		fprintf(stderr, "usage: wire_tx [-B] ifname frames.pcap\n");
		return 64;
	}
	cfg.name = argv[optind];
	if ((loop = net_event_loop_create()) == NULL ||
	    (pool = pbuf_pool_create(64, 1)) == NULL ||
	    (ifp = if_wire_attach(&cfg, err, sizeof(err))) == NULL) {
		fprintf(stderr, "wire_tx: %s\n", loop == NULL ||
		    pool == NULL ? strerror(errno) : err);
		return 1;
	}
	/* Nothing above the driver: frames read are dropped and counted. */
	if (if_wire_start(ifp, loop, pool, NULL, NULL) != 0) {
		perror("wire_tx: start");
		return 1;
	}
	n = send_capture(ifp, argv[optind + 1]);
	net_event_run_once(loop, 0);
	printf("read %ld sent %llu calls %llu errors %llu\n", n,
	    (unsigned long long)ifp->stats.opackets,
	    (unsigned long long)if_wire_stats(ifp)->tx_calls,
	    (unsigned long long)ifp->stats.oerrors);
	netif_detach(ifp);
	net_event_loop_destroy(loop);
	pbuf_pool_destroy(pool);
	return n < 0 ? 1 : 0;
}
