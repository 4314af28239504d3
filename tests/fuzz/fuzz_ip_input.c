/*
 * libFuzzer target for the INET input path: header validation, fragment
 * reassembly, and what is done with accepted packets (ICMP errors,
 * fragmentation).
 *
 * Input format: one control byte, then records of a 16-bit big-endian
 * length and that many packet bytes (a short last record takes what is
 * left), so that one input can carry all the fragments of a datagram.
 * The control byte's low two bits advance the fake clock by 0, 1, 31 or
 * 61 seconds before each packet, which drives reassembly timeouts.
 * The reassembly context and the pool live across inputs, as in the
 * daemon; its limits are small so that overflow paths run too.  After
 * every packet the pool must hold no buffer that nobody owns.
 *
 * Seeds: tests/fuzz/ip_input.seeds/, written by gen_ip_input_seeds.py.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sys/net/net_clock.h"
#include "sys/net/pbuf.h"
#include "sys/netinet/ip_frag.h"
#include "sys/netinet/ip_hdr.h"
#include "sys/netinet/ip_icmp.h"
#include "sys/netinet/ip_reass.h"

static struct pbuf_pool *pool;
static struct ip_reass *reass;

static const time_t clock_steps[4] = { 0, 1, 31, 61 };

static void
drop_emit(void *arg, struct pbuf *pb)
{
	(void)arg;
	pbuf_free(pb);
}

static void
setup(void)
{
	struct ip_reass_limits lim = {
		.max_queues = 8, .max_frags = 64, .max_per_queue = 32,
		.max_bytes = 256 * 1024,
	};

	pool = pbuf_pool_create(256, 8);
	reass = ip_reass_create(pool, &lim);
	if (pool == NULL || reass == NULL)
		abort();
	net_clock_set_fake(1000);
}

/* What the stack does with a whole, valid datagram. */
static void
use_datagram(struct pbuf *pb)
{
	struct ip_hdr_info hi;
	struct pbuf *e;
	int rc;

	if (ip_hdr_parse(pb->data, pb->len, &hi) != 0)
		abort();	/* reassembly produced something invalid */
	if (hi.af == AF_INET) {
		e = icmp_error_needfrag(pool, pb->data, &hi, 576, NULL);
		pbuf_free(e);
		rc = ip_frag_output(pool, pb, &hi, 576, drop_emit, NULL);
	} else {
		e = icmp6_error_toobig(pool, pb->data, &hi, 1280, NULL);
		pbuf_free(e);
		rc = ip6_frag_output(pool, pb, &hi, 1280, 7, drop_emit, NULL);
	}
	if (rc != 0)
		pbuf_free(pb);
}

static void
one_packet(const uint8_t *p, size_t len)
{
	struct ip_hdr_info hi;
	struct pbuf *pb, *out;

	if (ip_hdr_parse(p, len, &hi) != 0)
		return;
	if (hi.len > len || hi.ulp_off > hi.len || hi.ins_off > hi.ulp_off)
		abort();
	pb = pbuf_alloc(pool, len);
	if (pb == NULL)
		return;
	pbuf_append(pb, p, len);
	if (ip_reass_input(reass, pb, &hi, &out) == IP_REASS_DONE)
		use_datagram(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pbuf_pool_stats st;
	size_t off = 1, len;

	if (pool == NULL)
		setup();
	if (size < 1)
		return 0;
	while (off < size) {
		net_clock_advance(clock_steps[data[0] & 3]);
		len = size - off;
		if (len >= 2 && (size_t)(data[off] << 8 | data[off + 1]) <=
		    len - 2) {
			len = (size_t)(data[off] << 8 | data[off + 1]);
			off += 2;
		}
		one_packet(data + off, len);
		off += len;
	}
	/* Only reassembly may hold buffers between packets. */
	pbuf_pool_stats(pool, &st);
	if (st.allocs - st.frees > 64)
		abort();
	return 0;
}
