/*
 * libFuzzer target for fragment reassembly (ip_reass.c) alone, with
 * well-formed fragments so that the fuzzer spends its time on the
 * overlap, duplicate, limit and timeout logic rather than on header
 * validation (fuzz_ip_input covers that).
 *
 * Input format: records of 6 bytes and no payload: flags (bit 0 IPv6,
 * bit 1 more fragments, bits 2-3 the fake clock step 0/1/31/61 s, bits
 * 4-7 the datagram id among 16), the offset in 8-byte units (13 bits,
 * big-endian), the length in 8-byte units, the protocol and a fill byte.
 * Each record becomes a real IPv4 fragment or IPv6 fragment header packet
 * between two fixed addresses.  Only the first MAX_RECS records count:
 * twice what the limits hold is enough to reach every bound, and longer
 * inputs only made each execution slower.  The reassembly context lives across inputs
 * with small limits.  Checked: a reassembled datagram parses again and is
 * as long as its header says, the limits on queues and bytes hold, and
 * nothing but reassembly holds buffers between inputs.
 *
 * Seeds: tests/fuzz/ip_reass.seeds/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sys/net/net_clock.h"
#include "sys/net/net_endian.h"
#include "sys/net/pbuf.h"
#include "sys/netinet/in_cksum.h"
#include "sys/netinet/ip_hdr.h"
#include "sys/netinet/ip_reass.h"

#define REC_LEN		6
#define MAX_RECS	128
#define MAX_QUEUES	8
#define MAX_FRAGS	64
#define MAX_BYTES	(128 * 1024)

static struct pbuf_pool *pool;
static struct ip_reass *reass;
static uint8_t pkt[40 + 8 + 255 * 8];
static const time_t clock_steps[4] = { 0, 1, 31, 61 };

static void
setup(void)
{
	struct ip_reass_limits lim = {
		.max_queues = MAX_QUEUES, .max_frags = MAX_FRAGS,
		.max_per_queue = 32, .max_bytes = MAX_BYTES,
	};

	pool = pbuf_pool_create(256, 8);
	reass = ip_reass_create(pool, &lim);
	if (pool == NULL || reass == NULL)
		abort();
	net_clock_set_fake(1000);
}

/* One fragment packet in pkt from record r; its length. */
static size_t
build(const uint8_t *r)
{
	unsigned int id = r[0] >> 4, more = (r[0] >> 1) & 1;
	unsigned int off = (unsigned)(r[1] << 8 | r[2]) & 0x1fff;
	size_t dlen = (size_t)r[3] * 8, hlen;

	memset(pkt, 0, sizeof(pkt));
	if (r[0] & 1) {
		hlen = 48;
		pkt[0] = 0x60;
		be_put16(pkt + 4, (uint16_t)(8 + dlen));
		pkt[6] = 44;			/* fragment header */
		pkt[7] = 64;
		pkt[8] = 0x20, pkt[9] = 0x01, pkt[10] = 0x0d, pkt[11] = 0xb8;
		pkt[23] = 1;
		memcpy(pkt + 24, pkt + 8, 15);
		pkt[39] = 2;
		pkt[40] = r[4];
		be_put16(pkt + 42, (uint16_t)(off << 3 | more));
		pkt[47] = (uint8_t)id;
	} else {
		hlen = 20;
		pkt[0] = 0x45;
		be_put16(pkt + 2, (uint16_t)(hlen + dlen));
		be_put16(pkt + 4, (uint16_t)id);
		be_put16(pkt + 6, (uint16_t)((more << 13) | off));
		pkt[8] = 64;
		pkt[9] = r[4];
		pkt[12] = 192, pkt[13] = 0, pkt[14] = 2, pkt[15] = 1;
		pkt[16] = 192, pkt[17] = 0, pkt[18] = 2, pkt[19] = 2;
		be_put16(pkt + 10, in_cksum(pkt, hlen));
	}
	memset(pkt + hlen, r[5], dlen);
	return hlen + dlen;
}

static void
one_fragment(const uint8_t *r)
{
	struct ip_hdr_info hi;
	struct pbuf *pb, *out;
	size_t len = build(r);

	if (ip_hdr_parse(pkt, len, &hi) != 0)
		return;
	if ((pb = pbuf_alloc(pool, len)) == NULL)
		return;
	pbuf_append(pb, pkt, len);
	if (ip_reass_input(reass, pb, &hi, &out) == IP_REASS_DONE) {
		if (ip_hdr_parse(out->data, out->len, &hi) != 0 ||
		    hi.len != out->len || (hi.flags & IP_HDR_F_FRAG))
			abort();
		pbuf_free(out);
	}
	if (ip_reass_queues(reass) > MAX_QUEUES ||
	    ip_reass_bytes(reass) > MAX_BYTES)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pbuf_pool_stats st;
	size_t off;

	if (pool == NULL)
		setup();
	if (size > MAX_RECS * REC_LEN)
		size = MAX_RECS * REC_LEN;
	for (off = 0; off + REC_LEN <= size; off += REC_LEN) {
		net_clock_advance(clock_steps[(data[off] >> 2) & 3]);
		if (clock_steps[(data[off] >> 2) & 3] != 0)
			ip_reass_timer(reass);
		one_fragment(data + off);
	}
	pbuf_pool_stats(pool, &st);
	if (st.allocs - st.frees > MAX_FRAGS)
		abort();
	return 0;
}
