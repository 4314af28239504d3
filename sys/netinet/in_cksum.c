/*
 * The Internet checksum and its incremental update.
 */
#include <string.h>
#include <sys/socket.h>

#include "sys/net/net_endian.h"
#include "sys/netinet/in_cksum.h"

/* The 16-bit one's complement sum of acc, end-around carries folded. */
static uint16_t
fold16(uint64_t acc)
{
	acc = (acc & 0xffffffff) + (acc >> 32);
	acc = (acc & 0xffffffff) + (acc >> 32);
	acc = (acc & 0xffff) + (acc >> 16);
	acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

/*
 * The one's complement sum does not depend on byte order (RFC 1071,
 * 2(B)): words summed as the host loads them give the byte-swapped sum
 * of the big-endian words.  So the loop loads eight bytes at a time in
 * host order and adds their two 32-bit halves into 64 bits (no carry
 * is lost before 2^31 steps, far beyond any packet), and the folded
 * result is swapped once.  It is every checksum the drivers complete
 * or verify per packet (TSO cuts, coalescing, veth offloads).
 */
uint64_t
in_cksum_add(uint64_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t acc = 0, w;
	uint32_t h;
	uint16_t x;

	while (len >= 8) {
		memcpy(&w, p, 8);
		acc += (w & 0xffffffff) + (w >> 32);
		p += 8;
		len -= 8;
	}
	if (len >= 4) {
		memcpy(&h, p, 4);
		acc += h;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		memcpy(&x, p, 2);
		acc += x;
		p += 2;
		len -= 2;
	}
	if (len == 1) {
		/* The byte leads a big-endian word whose other byte is 0. */
		x = 0;
		memcpy(&x, p, 1);
		acc += x;
	}
	x = fold16(acc);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	x = __builtin_bswap16(x);
#endif
	return sum + x;
}

uint16_t
in_cksum_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t
in_cksum(const void *data, size_t len)
{
	return in_cksum_fold(in_cksum_add(0, data, len));
}

uint64_t
in_cksum_pseudo(int af, const void *src, const void *dst, uint8_t proto,
    uint32_t ulen)
{
	size_t alen = af == AF_INET6 ? 16 : 4;
	uint64_t sum;

	sum = in_cksum_add(0, src, alen);
	sum = in_cksum_add(sum, dst, alen);
	/*
	 * IPv4 sums a zero byte, the protocol and a 16-bit length; IPv6 a
	 * 32-bit length and three zero bytes before the next header.  As
	 * word sums both come to the protocol plus the two halves of the
	 * length.
	 */
	sum += proto;
	sum += ulen >> 16;
	sum += ulen & 0xffff;
	return sum;
}

uint16_t
in_cksum_upper(int af, const void *src, const void *dst, uint8_t proto,
    const void *ulp, uint32_t ulen)
{
	uint64_t sum;

	sum = in_cksum_pseudo(af, src, dst, proto, ulen);
	return in_cksum_fold(in_cksum_add(sum, ulp, ulen));
}

uint16_t
in_cksum_update16(uint16_t cksum, uint16_t old, uint16_t new)
{
	uint32_t sum;

	/* HC' = ~(~HC + ~m + m'), in ones' complement arithmetic. */
	sum = (uint16_t)~cksum;
	sum += (uint16_t)~old;
	sum += new;
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t
in_cksum_update32(uint16_t cksum, uint32_t old, uint32_t new)
{
	cksum = in_cksum_update16(cksum, (uint16_t)(old >> 16),
	    (uint16_t)(new >> 16));
	return in_cksum_update16(cksum, (uint16_t)old, (uint16_t)new);
}
