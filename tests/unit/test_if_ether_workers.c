/*
 * Two worker threads on two Ethernet links sharing one neighbour cache
 * (net_workers 2, so the cache is locked), each hammering its own link
 * with ether_output() to a small set of IPv4 and IPv6 neighbours, with ARP
 * replies and NAs for any of them (answers to the other worker's
 * solicitations among them), and with the timer, while a fake clock moves
 * on so that entries are retried, time out and expire.  Run under
 * ThreadSanitizer by make tsan.
 *
 * Checked: every IP frame leaves with a MAC learnt for its destination
 * (each neighbour now and then answers from a second MAC, so that the
 * links' copies of resolved entries go stale) and its payload intact (a
 * held packet was not overwritten by another worker's); and, after the
 * join and a final expiry of every entry, every packet is accounted for:
 * handed to ether_output() without an error, it was sent at once, or held
 * and then either sent or dropped (ETHER_C_HOLDDROP, which also counts
 * holds refused).  The references are plain counts each thread keeps for
 * itself, added up after the join.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "sys/net/net_clock.h"
#include "sys/net/net_counter.h"
#include "sys/net/net_endian.h"
#include "sys/netinet/if_ether.h"
#include "sys/netinet/in_cksum.h"
#include "sys/netinet6/nd6.h"
#include "testlib.h"

#define WORKERS		2
#define ROUNDS		40000
#define NEIGHBOURS	24	/* per family: 10.0.0.2.., fd00::2.. */
#define PAYLOAD		32	/* bytes after the IP header */

static const uint8_t our_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };

/* The clock: advanced by worker 0, read by both. */
static time_t fake_now = 1000;

static time_t
fake_clock(void)
{
	return __atomic_load_n(&fake_now, __ATOMIC_RELAXED);
}

/* One worker's link and what its xmit saw; written by that thread only. */
struct worker {
	unsigned int		 index;
	struct ether_link	 link;
	unsigned int		 seed;
	uint64_t		 outputs_ok, outputs_failed;
	uint64_t		 ip_frames;	/* IP and IPv6, not ND */
	uint64_t		 bad_frames;
};

static struct worker workers[WORKERS];
static pthread_barrier_t start_line;

/*
 * The MAC neighbour number k of family af answers with: one of two (v),
 * as if it moved between two NICs, so that resolved entries change.
 */
static void
nbr_mac(uint8_t *mac, int af, unsigned int k, unsigned int v)
{
	memcpy(mac, "\x02\x00\x00\x00", 4);
	mac[3] = (uint8_t)v;
	mac[4] = af == AF_INET ? 4 : 6;
	mac[5] = (uint8_t)(2 + k);
}

static void
nbr_addr(uint8_t *addr, int af, unsigned int k)
{
	if (af == AF_INET)
		inet_pton(AF_INET, "10.0.0.0", addr);
	else
		inet_pton(AF_INET6, "fd00::", addr);
	addr[af == AF_INET ? 3 : 15] = (uint8_t)(2 + k);
}

/*
 * The driver's place.  An IP frame must carry one of its destination's
 * MACs and a payload made of its destination's last byte.
 */
static int
check_xmit(void *arg, const uint8_t *hdr, const uint8_t *pl, size_t len)
{
	struct worker *w = arg;
	uint16_t type = be_get16(hdr + 12);
	uint8_t mac[6], last;
	size_t hlen, i;
	int af;

	if (type == ETHER_TYPE_ARP)
		return 0;
	if (type == ETHER_TYPE_IPV6 && len > 40 && pl[6] == 58)
		return 0;		/* an NS the link sent */
	af = type == ETHER_TYPE_IP ? AF_INET : AF_INET6;
	hlen = af == AF_INET ? 20 : 40;
	w->ip_frames++;
	if (type != ETHER_TYPE_IP && type != ETHER_TYPE_IPV6) {
		w->bad_frames++;
		return 0;
	}
	last = af == AF_INET ? pl[19] : pl[39];
	nbr_mac(mac, af, (unsigned int)last - 2, hdr[3] & 1);
	if (len != hlen + PAYLOAD || memcmp(hdr, mac, 6) != 0 ||
	    memcmp(hdr + 6, our_mac, 6) != 0) {
		w->bad_frames++;
		return 0;
	}
	for (i = hlen; i < len; i++)
		if (pl[i] != last) {
			w->bad_frames++;
			break;
		}
	return 0;
}

/* An IP packet of family af to neighbour k; its length. */
static size_t
ip_packet(uint8_t *p, int af, unsigned int k)
{
	size_t hlen = af == AF_INET ? 20 : 40;

	memset(p, 0, hlen);
	if (af == AF_INET) {
		p[0] = 0x45;
		p[3] = (uint8_t)(hlen + PAYLOAD);
		p[8] = 64;
		p[9] = 17;
		inet_pton(AF_INET, "10.0.0.1", p + 12);
		nbr_addr(p + 16, af, k);
	} else {
		p[0] = 0x60;
		p[5] = PAYLOAD;
		p[6] = 17;
		p[7] = 64;
		inet_pton(AF_INET6, "fd00::1", p + 8);
		nbr_addr(p + 24, af, k);
	}
	memset(p + hlen, 2 + (int)k, PAYLOAD);
	return hlen + PAYLOAD;
}

/* An ARP reply from neighbour k to us. */
static void
arp_reply_in(struct ether_link *l, unsigned int k, unsigned int v)
{
	uint8_t a[28];

	memcpy(a, "\x00\x01\x08\x00\x06\x04\x00\x02", 8);
	nbr_mac(a + 8, AF_INET, k, v);
	nbr_addr(a + 14, AF_INET, k);
	memcpy(a + 18, our_mac, 6);
	inet_pton(AF_INET, "10.0.0.1", a + 24);
	arp_input(l, a, sizeof(a));
}

/* A solicited NA from neighbour k to us, with its link-layer address. */
static void
na_in(struct ether_link *l, unsigned int k, unsigned int v)
{
	uint8_t p[72], *icmp = p + 40;

	memset(p, 0, sizeof(p));
	p[0] = 0x60;
	p[5] = 32;
	p[6] = 58;
	p[7] = 255;
	nbr_addr(p + 8, AF_INET6, k);
	inet_pton(AF_INET6, "fd00::1", p + 24);
	icmp[0] = 136;
	icmp[4] = 0x60;
	nbr_addr(icmp + 8, AF_INET6, k);
	icmp[24] = 2;
	icmp[25] = 1;
	nbr_mac(icmp + 26, AF_INET6, k, v);
	be_put16(icmp + 2, in_cksum_upper(AF_INET6, p + 8, p + 24, 58, icmp,
	    32));
	nd6_input(l, p, sizeof(p));
}

static void *
worker_run(void *arg)
{
	struct worker *w = arg;
	uint8_t pkt[40 + PAYLOAD];
	unsigned int k;
	int i, af;

	if (net_worker_set(w->index) != 0)
		return NULL;
	pthread_barrier_wait(&start_line);
	for (i = 0; i < ROUNDS; i++) {
		k = (unsigned int)rand_r(&w->seed) % NEIGHBOURS;
		af = rand_r(&w->seed) % 2 == 0 ? AF_INET : AF_INET6;
		if (ether_output(&w->link, af, pkt, ip_packet(pkt, af, k)) ==
		    0)
			w->outputs_ok++;
		else
			w->outputs_failed++;
		/* Answers for a few neighbours only: the rest time out. */
		if (i % 3 == 0 && k % 4 != 3) {
			unsigned int v = i % 16 == 0;

			if (af == AF_INET)
				arp_reply_in(&w->link, k, v);
			else
				na_in(&w->link, k, v);
		}
		if (i % 64 == 0)
			ether_link_timer(&w->link);
		/*
		 * Both workers meet before each clock step, so that neither
		 * runs through its rounds alone (a loaded machine ran one
		 * to the end before the other started, which then found
		 * every entry resolved and the clock stopped).
		 */
		if (i % 512 == 0) {
			pthread_barrier_wait(&start_line);
			if (w->index == 0)
				__atomic_add_fetch(&fake_now, i % 8192 == 0 ?
				    ETHER_NBR_KEEP : 1, __ATOMIC_RELAXED);
		}
	}
	return NULL;
}

static void
test_two_workers(void)
{
	pthread_t t[WORKERS];
	uint64_t ok = 0, failed = 0, frames = 0, bad = 0, holddrop = 0;
	uint64_t held = 0, held_before, holddrop_before, resolved[WORKERS];
	uint8_t pkt[40 + PAYLOAD];
	struct worker *w;
	int i;

	CU_ASSERT_FATAL(net_workers_set(WORKERS) == 0);
	net_clock_set_source(fake_clock);
	for (i = 0; i < WORKERS; i++) {
		w = &workers[i];
		memset(w, 0, sizeof(*w));
		w->index = (unsigned int)i;
		w->seed = 17u + (unsigned int)i;
		memcpy(w->link.mac, our_mac, 6);
		w->link.mtu = 1500;
		w->link.xmit = check_xmit;
		w->link.arg = w;
		w->link.naddrs = 2;
		w->link.addrs[0].addr.sin.sin_family = AF_INET;
		inet_pton(AF_INET, "10.0.0.1",
		    &w->link.addrs[0].addr.sin.sin_addr);
		w->link.addrs[0].plen = 24;
		w->link.addrs[1].addr.sin6.sin6_family = AF_INET6;
		inet_pton(AF_INET6, "fd00::1",
		    &w->link.addrs[1].addr.sin6.sin6_addr);
		w->link.addrs[1].plen = 64;
		CU_ASSERT_FATAL((i == 0 ? ether_link_init(&w->link) :
		    ether_link_init_shared(&w->link, &workers[0].link)) == 0);
	}
	CU_ASSERT_FATAL(pthread_barrier_init(&start_line, NULL, WORKERS) ==
	    0);
	for (i = 0; i < WORKERS; i++)
		CU_ASSERT_FATAL(pthread_create(&t[i], NULL, worker_run,
		    &workers[i]) == 0);
	for (i = 0; i < WORKERS; i++)
		CU_ASSERT(pthread_join(t[i], NULL) == 0);
	pthread_barrier_destroy(&start_line);

	/* Retry and expire whatever is left: every held packet is let go. */
	for (i = 0; i < ETHER_NBR_TRIES + 2; i++) {
		fake_now++;
		ether_link_timer(&workers[i % WORKERS].link);
	}
	fake_now += ETHER_NBR_KEEP;
	ether_link_timer(&workers[1].link);
	for (i = 0; i < WORKERS; i++) {
		w = &workers[i];
		ok += w->outputs_ok;
		failed += w->outputs_failed;
		frames += w->ip_frames;
		bad += w->bad_frames;
		held += w->link.c[ETHER_C_HELD];
		holddrop += w->link.c[ETHER_C_HOLDDROP];
		resolved[i] = w->link.c[ETHER_C_RESOLVED];
	}
	CU_ASSERT_EQUAL(ok + failed, (uint64_t)WORKERS * ROUNDS);
	CU_ASSERT_EQUAL(bad, 0);
	/* Sent at once or held; held ones sent or dropped; refusals. */
	CU_ASSERT(held > 0 && frames > 0 && resolved[0] > 0 &&
	    resolved[1] > 0);
	CU_ASSERT_EQUAL(ok - frames, holddrop - failed);
	CU_ASSERT(ok >= held);
	held_before = held;
	holddrop_before = holddrop;

	/* The pool is whole again: all of it holds, nothing refused. */
	held = holddrop = 0;
	for (i = 0; i < ETHER_HOLD_MAX; i++) {
		w = &workers[i % WORKERS];
		CU_ASSERT(ether_output(&w->link, AF_INET, pkt,
		    ip_packet(pkt, AF_INET, (unsigned int)i % NEIGHBOURS)) ==
		    0);
	}
	for (i = 0; i < WORKERS; i++) {
		held += workers[i].link.c[ETHER_C_HELD];
		holddrop += workers[i].link.c[ETHER_C_HOLDDROP];
	}
	CU_ASSERT_EQUAL(held, held_before + ETHER_HOLD_MAX);
	CU_ASSERT_EQUAL(holddrop, holddrop_before);
	ether_link_fini(&workers[0].link);
	ether_link_fini(&workers[1].link);
	net_clock_set_source(NULL);
	net_workers_set(1);
}

static const struct test_case workers_cases[] = {
	{ "two workers output, learn and time out on one cache",
	    test_two_workers },
	{ NULL, NULL }
};

const struct test_suite test_suites[] = {
	{ "if_ether_workers", NULL, NULL, workers_cases },
	{ NULL, NULL, NULL, NULL }
};
