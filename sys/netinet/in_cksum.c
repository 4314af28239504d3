/*
 * The Internet checksum and its incremental update.
 */
#include <sys/socket.h>

#include "sys/net/net_endian.h"
#include "sys/netinet/in_cksum.h"

uint64_t
in_cksum_add(uint64_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;

	/*
	 * Four bytes per step: two big-endian words added at once cannot
	 * overflow 64 bits before a 2^32-byte input, far beyond any packet.
	 */
	while (len >= 4) {
		sum += be_get16(p);
		sum += be_get16(p + 2);
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		sum += be_get16(p);
		p += 2;
		len -= 2;
	}
	if (len == 1)
		sum += (uint32_t)p[0] << 8;
	return sum;
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
