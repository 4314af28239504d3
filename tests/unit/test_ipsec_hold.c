/*
 * The ACQUIRE hold queue: a packet that needs an SA being negotiated is
 * held, the ACQUIRE goes out, and the packet leaves protected
 * net.inet.ipsec.acq_hold_delay after SADB_ADD (or UPDATE) brought the
 * SA (at once with 0); the bounds in packets per entry
 * and bytes in all, the lifetime, the counters, and no holding without
 * an output to send to.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "net/pfkeyv2.h"
#include "netipsec/ipsec.h"
#include "sys/net/net_clock.h"
#include "sys/net/pbuf.h"
#include "sys/netinet/in_cksum.h"
#include "sys/netipsec/ipsec_hold.h"
#include "sys/netipsec/ipsec_hooks.h"
#include "sys/netipsec/ipsec_stat.h"
#include "sys/netipsec/ipsec_var.h"
#include "sys/netkey/key_var.h"
#include "tests/unit/ipsec_test_util.h"
#include "tests/unit/testlib.h"

#define X4	"192.0.2.1"
#define Y4	"192.0.2.2"
#define CAP_MAX	8

static struct pbuf *cap[CAP_MAX];
static size_t ncap;

/* What the IP path does with a released packet: output again. */
static void
capture(void *arg, struct pbuf *pb)
{
	struct ipsec_out_result out;

	(void)arg;
	memset(&out, 0, sizeof(out));
	if (ipsec_output(&pb, NULL, &out) == IPSEC_PASS && ncap < CAP_MAX)
		cap[ncap++] = pb;
	else
		pbuf_free(pb);
}

static void
cap_clear(void)
{
	while (ncap > 0)
		pbuf_free(cap[--ncap]);
}

/* Required ESP transport x -> y with no SA; the queue sends to cap. */
static void
setup(void)
{
	struct ipt_req r = { IPPROTO_ESP, IPSEC_MODE_TRANSPORT,
	    IPSEC_LEVEL_REQUIRE, 0, NULL, NULL };

	ipt_reset();
	cap_clear();
	ipsec_hold_set_output(capture, NULL);
	ipt_policy1(IPSEC_DIR_OUTBOUND, X4, Y4, r);
}

static enum ipsec_verdict
send_one(size_t len, struct ipsec_out_result *out)
{
	struct pbuf *pb;
	enum ipsec_verdict v;

	v = ipt_send(X4, Y4, len, 0, 64, false, 0, &pb, out);
	if (pb != NULL)
		pbuf_free(pb);
	return v;
}

static void
t_held_then_sent(void)
{
	struct ipsec_out_result out;
	struct ipsec_in_result in;
	uint32_t spi, seq;
	size_t i;

	setup();
	for (i = 0; i < 3; i++)
		CU_ASSERT(send_one(100 + i, &out) == IPSEC_CONSUMED);
	CU_ASSERT(ipt_saw(SADB_ACQUIRE));
	CU_ASSERT(ipsec_hold_packets() == 3);
	CU_ASSERT(ipsec_hold_bytes() == 3 * 128 + 3);
	/* The fourth is past net.inet.ipsec.acq_hold (3): dropped. */
	CU_ASSERT(send_one(100, &out) == IPSEC_DROP);
	CU_ASSERT(out.drop == IPSECS_OUT_NOSA);
	CU_ASSERT(net_counter_sum(&ipsec_hold_counters, IPSEC_HOLDS_FULL) == 1);
	CU_ASSERT(ncap == 0);
	ipt_add_sa(&(struct ipt_sa){ 0x8001, X4, Y4, IPSEC_MODE_TRANSPORT,
	    0, 0 });
	/*
	 * Released, not sent yet: the peer gets net.inet.ipsec.acq_hold_delay
	 * (1 s: the second timer tick) to install its SA.
	 */
	CU_ASSERT(ncap == 0 && ipsec_hold_packets() == 3);
	ipsec_hold_timer();
	CU_ASSERT(ncap == 0 && ipsec_hold_packets() == 3);
	ipsec_hold_timer();
	CU_ASSERT_FATAL(ncap == 3);
	CU_ASSERT(ipsec_hold_packets() == 0 && ipsec_hold_bytes() == 0);
	CU_ASSERT(net_counter_sum(&ipsec_hold_counters, IPSEC_HOLDS_SENT) == 3);
	for (i = 0; i < 3; i++) {
		/* In order, protected, and the original datagram inside. */
		CU_ASSERT(cap[i]->data[9] == IPPROTO_ESP);
		memcpy(&spi, cap[i]->data + 20, 4);
		memcpy(&seq, cap[i]->data + 24, 4);
		CU_ASSERT(ntohl(spi) == 0x8001 && ntohl(seq) == i + 1);
		CU_ASSERT(ipsec_input(&cap[i], NULL, &in) == IPSEC_PASS);
		CU_ASSERT(in.hist.n == 1 && in.hi.proto == IPPROTO_UDP);
		CU_ASSERT(cap[i]->len == 128 + i);
	}
	cap_clear();
	/* Once the SA is there nothing is held. */
	CU_ASSERT(send_one(100, &out) == IPSEC_PASS && out.protected);
}

/* With acq_hold_delay 0 the SA's arrival sends at once. */
static void
t_no_delay(void)
{
	struct ipsec_out_result out;

	setup();
	ipsec_vars.acq_hold_delay = 0;
	CU_ASSERT(send_one(100, &out) == IPSEC_CONSUMED);
	ipt_add_sa(&(struct ipt_sa){ 0x8004, X4, Y4, IPSEC_MODE_TRANSPORT,
	    0, 0 });
	CU_ASSERT(ncap == 1 && ipsec_hold_packets() == 0);
	CU_ASSERT(net_counter_sum(&ipsec_hold_counters, IPSEC_HOLDS_SENT) == 1);
	cap_clear();
}

static void
t_byte_bound(void)
{
	struct ipsec_out_result out;

	setup();
	ipsec_vars.acq_hold_bytes = 200;
	CU_ASSERT(send_one(100, &out) == IPSEC_CONSUMED);
	CU_ASSERT(send_one(100, &out) == IPSEC_DROP);
	CU_ASSERT(net_counter_sum(&ipsec_hold_counters,
	    IPSEC_HOLDS_BYTES) == 1);
	CU_ASSERT(ipsec_hold_packets() == 1);
	ipsec_vars.acq_hold = 0;
	CU_ASSERT(send_one(10, &out) == IPSEC_DROP);
	CU_ASSERT(ipsec_hold_packets() == 1);
}

static void
t_lifetime(void)
{
	struct ipsec_out_result out;

	setup();
	net_clock_set_fake(1000);
	CU_ASSERT(send_one(100, &out) == IPSEC_CONSUMED);
	net_clock_advance((time_t)key_vars.blockacq_lifetime - 1);
	ipsec_hold_timer();
	CU_ASSERT(ipsec_hold_packets() == 1);
	net_clock_advance(1);
	ipsec_hold_timer();
	CU_ASSERT(ipsec_hold_packets() == 0);
	CU_ASSERT(net_counter_sum(&ipsec_hold_counters,
	    IPSEC_HOLDS_EXPIRED) == 1);
	/* The SA coming late finds nothing to send. */
	ipt_add_sa(&(struct ipt_sa){ 0x8002, X4, Y4, IPSEC_MODE_TRANSPORT,
	    0, 0 });
	CU_ASSERT(ncap == 0);
	net_clock_set_source(NULL);
}

static void
t_no_output(void)
{
	struct ipsec_out_result out;

	setup();
	ipsec_hold_set_output(NULL, NULL);
	CU_ASSERT(send_one(100, &out) == IPSEC_DROP);
	CU_ASSERT(out.drop == IPSECS_OUT_NOSA);
	CU_ASSERT(net_counter_sum(&ipsec_hold_counters, IPSEC_HOLDS_HELD) == 0);
}

/* An SA of another index releases nothing; flush frees and counts. */
static void
t_other_sa_flush(void)
{
	struct ipsec_out_result out;

	setup();
	CU_ASSERT(send_one(100, &out) == IPSEC_CONSUMED);
	ipt_add_sa(&(struct ipt_sa){ 0x8003, Y4, X4, IPSEC_MODE_TRANSPORT,
	    0, 0 });
	CU_ASSERT(ncap == 0 && ipsec_hold_packets() == 1);
	ipsec_hold_flush();
	CU_ASSERT(ipsec_hold_packets() == 0);
	CU_ASSERT(net_counter_sum(&ipsec_hold_counters,
	    IPSEC_HOLDS_FLUSHED) == 1);
	ipsec_hold_set_output(NULL, NULL);
}

static const struct test_case hold_cases[] = {
	{ "held, ACQUIRE, sent protected after ADD", t_held_then_sent },
	{ "acq_hold_delay 0: sent on ADD", t_no_delay },
	{ "byte bound and acq_hold 0", t_byte_bound },
	{ "lifetime", t_lifetime },
	{ "no output function: dropped", t_no_output },
	{ "other SA, flush", t_other_sa_flush },
	{ NULL, NULL }
};

const struct test_suite test_suites[] = {
	{ "ipsec hold", ipt_suite_init, ipt_suite_fini, hold_cases },
	{ NULL, NULL, NULL, NULL }
};
