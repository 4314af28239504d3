/*
 * libFuzzer target for the IPv6 extension-header walk (ip6_hdr_parse()
 * and ip6_exthdr_len()).  The input is what follows a fixed IPv6 header:
 * its first byte is the header's next-header value, the rest the chain
 * of extension headers and whatever ends it, so every input reaches the
 * walk (a raw packet would mostly die on the version or the length).
 * The payload length is set to what follows the header, or, when the
 * second byte is odd, left short by the third byte's value, so that link
 * padding is exercised too.
 *
 * Checked on every accepted packet: the offsets the parser reports stay
 * inside the datagram and in order (the next-header byte to rewrite
 * before the insertion point, which is at or before the upper layer),
 * a fragment's header and data offsets agree with the walk, and walking
 * the chain again with ip6_exthdr_len() from the fixed header ends
 * exactly at ulp_off or at the fragment header.
 *
 * Seeds: tests/fuzz/ip6_exthdr.seeds/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sys/net/net_endian.h"
#include "sys/netinet/ip_hdr.h"

#define IP6_HLEN	40
#define MAXPKT		(IP6_HLEN + 65535)

static uint8_t pkt[MAXPKT];

/* Re-walk the chain; where it stops (the upper layer or a fragment). */
static size_t
rewalk(size_t end, uint8_t *last)
{
	size_t off = IP6_HLEN, n;
	uint8_t nh = pkt[6];

	while ((n = ip6_exthdr_len(pkt, off, nh, end)) != 0) {
		if (nh == 44)
			break;
		nh = pkt[off];
		off += n;
	}
	*last = nh;
	return off;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ip_hdr_info hi;
	size_t len, plen;
	uint8_t last;

	if (size < 1 || size - 1 > MAXPKT - IP6_HLEN)
		return 0;
	len = IP6_HLEN + size - 1;
	memset(pkt, 0, IP6_HLEN);
	pkt[0] = 0x60;
	pkt[6] = data[0];
	pkt[7] = 64;
	pkt[8] = 0x20, pkt[9] = 0x01, pkt[10] = 0x0d, pkt[11] = 0xb8;
	pkt[23] = 1;
	memcpy(pkt + 24, pkt + 8, 15);
	pkt[39] = 2;
	memcpy(pkt + IP6_HLEN, data + 1, size - 1);
	plen = size - 1;
	if (size > 2 && (data[1] & 1) && data[2] <= plen)
		plen -= data[2];
	be_put16(pkt + 4, (uint16_t)plen);
	if (ip6_hdr_parse(pkt, len, &hi) != 0)
		return 0;
	if (hi.af != AF_INET6 || hi.len != IP6_HLEN + plen || hi.len > len ||
	    hi.ulp_off > hi.len || hi.ins_off > hi.ulp_off ||
	    hi.ins_off < IP6_HLEN || hi.protoff >= hi.ins_off)
		abort();
	if (hi.flags & IP_HDR_F_FRAG) {
		if (hi.frag.hdr_off + 8 > hi.len ||
		    hi.frag.data_off != hi.frag.hdr_off + 8 ||
		    pkt[hi.frag.hdr_protoff] != 44)
			abort();
		if (rewalk(hi.len, &last) != hi.frag.hdr_off || last != 44)
			abort();
	} else if (rewalk(hi.len, &last) > hi.ulp_off)
		abort();
	return 0;
}
