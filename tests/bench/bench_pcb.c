/*
 * What per-socket policies cost the packet path: ipsec_policy_lookup()
 * (the per-socket table first, then the SPD) for a packet of a socket
 * with a policy and for one of no socket, with 0, 1, 64 and 4096 (the
 * most) sockets holding policies and 10 SPD policies.  Each figure is the
 * best of several runs in CPU time of this thread, in nanoseconds per
 * lookup.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sys/netipsec/ipsec_pcb.h"
#include "sys/netipsec/ipsec_policy.h"
#include "sys/netkey/key_spd.h"

#define LOOKUPS	1000000
#define RUNS	5

static struct ip_hdr_info
packet(uint16_t sport, uint16_t dport)
{
	struct ip_hdr_info hi;

	memset(&hi, 0, sizeof(hi));
	hi.af = AF_INET;
	hi.proto = IPPROTO_UDP;
	hi.flags = IP_HDR_F_PORTS;
	hi.src.sin.sin_family = AF_INET;
	hi.dst.sin.sin_family = AF_INET;
	inet_pton(AF_INET, "10.0.0.1", &hi.src.sin.sin_addr);
	inet_pton(AF_INET, "10.0.0.2", &hi.dst.sin.sin_addr);
	hi.sport = sport;
	hi.dport = dport;
	return hi;
}

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double
time_lookup(const struct ip_hdr_info *hi)
{
	double best = 1e30, t;
	struct ipsec_policy *p;
	int r, i;

	for (r = 0; r < RUNS; r++) {
		t = now_ns();
		for (i = 0; i < LOOKUPS; i++) {
			p = ipsec_policy_lookup(IPSEC_DIR_OUTBOUND, hi);
			key_policy_put(p);
		}
		t = (now_ns() - t) / LOOKUPS;
		if (t < best)
			best = t;
	}
	return best;
}

static void
spd_fill(void)
{
	struct ipsec_policy *p;
	int i;

	for (i = 0; i < 10; i++) {
		p = key_policy_new();
		p->dir = IPSEC_DIR_OUTBOUND;
		p->action = IPSEC_POLICY_NONE;
		p->sel.src.sin.sin_family = AF_INET;
		p->sel.dst.sin.sin_family = AF_INET;
		p->sel.src.sin.sin_addr.s_addr = htonl(0xc0000200u + (unsigned)i);
		p->sel.dst.sin.sin_addr.s_addr = htonl(0xc0000264u);
		p->sel.src_plen = p->sel.dst_plen = 32;
		p->sel.ul_proto = IPSEC_ULPROTO_ANY;
		key_spd_insert(p, false);
		key_policy_put(p);
	}
}

int
main(void)
{
	static const int sizes[] = { 0, 1, 64, IPSEC_PCB_MAX };
	struct ipsec_pcb_tuple t;
	struct ip_hdr_info hit = packet(1, 500), miss = packet(40000, 53);
	struct ipsec_policy *p;
	size_t i;
	int n = 0;

	spd_fill();
	printf("%-8s %14s %14s\n", "sockets", "socket ns", "no socket ns");
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		for (; n < sizes[i]; n++) {
			memset(&t, 0, sizeof(t));
			t.family = AF_INET;
			t.proto = IPPROTO_UDP;
			t.lport = (uint16_t)(n + 1);
			p = key_policy_new();
			p->action = IPSEC_POLICY_BYPASS;
			ipsec_pcb_set((uint64_t)n + 1, &t, IPSEC_DIR_OUTBOUND, p);
		}
		printf("%-8d %14.1f %14.1f\n", sizes[i],
		    sizes[i] > 0 ? time_lookup(&hit) : 0.0, time_lookup(&miss));
	}
	ipsec_pcb_flush();
	key_spd_fini();
	return 0;
}
