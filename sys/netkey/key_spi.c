/*
 * SPI allocation for SADB_GETSPI, with KAME's rules: without SPIRANGE the
 * range is [net.key.spi_minval, net.key.spi_maxval]; IPComp bounds are
 * clamped to 0xffff because a CPI has 16 bits; a single-value range asks
 * for exactly that SPI; otherwise up to net.key.spi_trycnt random values
 * are tried and the request fails when all are taken.  Unlike KAME, ESP
 * and AH never get an SPI in 0..255, which RFC 4303 reserves.
 */
#include <errno.h>
#include <string.h>

#include <arpa/inet.h>
#include <openssl/rand.h>

#include "sys/netkey/key_sad_impl.h"
#include "sys/netkey/key_var.h"

#define SPI_RESERVED_MAX	255
#define CPI_MAX			0xffff

static uint64_t
spi_random(void)
{
	static uint64_t fallback = 0x9e3779b97f4a7c15ULL;
	uint64_t r;

	if (RAND_bytes((unsigned char *)&r, sizeof(r)) == 1)
		return r;
	/*
	 * Without OpenSSL's generator the SPI need not be secret, only
	 * spread: a Weyl sequence through SipHash still gives that.
	 */
	fallback += 0x9e3779b97f4a7c15ULL;
	return siphash24(key_sad.hkey, &fallback, sizeof(fallback));
}

/* Apply the range rules; EINVAL when nothing usable remains. */
static int
spi_range(uint8_t proto, uint32_t *minp, uint32_t *maxp)
{
	uint32_t min = *minp, max = *maxp, t;

	if (min == 0 && max == 0) {
		min = (uint32_t)net_tunable_get(&key_vars.spi_minval);
		max = (uint32_t)net_tunable_get(&key_vars.spi_maxval);
	}
	if (proto == IPPROTO_COMP) {
		if (min > CPI_MAX)
			min = CPI_MAX;
		if (max > CPI_MAX)
			max = CPI_MAX;
		if (min > max) {
			t = min;
			min = max;
			max = t;
		}
	}
	if ((proto == IPPROTO_ESP || proto == IPPROTO_AH) &&
	    min <= SPI_RESERVED_MAX) {
		if (max <= SPI_RESERVED_MAX)
			return EINVAL;
		min = SPI_RESERVED_MAX + 1;
	}
	if (min > max || max == 0)
		return EINVAL;
	if (min == 0)
		min = 1;
	*minp = min;
	*maxp = max;
	return 0;
}

int
key_sad_getspi(const struct sockaddr *dst, uint8_t proto, uint32_t min,
    uint32_t max, uint32_t *spi)
{
	uint64_t width;
	uint32_t cand;
	int tries, error;

	if (key_sockaddr_bytes(dst, &(size_t){ 0 }) == NULL)
		return EINVAL;
	error = spi_range(proto, &min, &max);
	if (error != 0)
		return error;
	if (min == max) {
		if (key_sad_lookup(dst, proto, htonl(min)) != NULL)
			return EEXIST;
		*spi = htonl(min);
		return 0;
	}
	width = (uint64_t)max - min + 1;
	tries = net_tunable_get(&key_vars.spi_trycnt);
	for (; tries > 0; tries--) {
		cand = min + (uint32_t)(spi_random() % width);
		if (key_sad_lookup(dst, proto, htonl(cand)) == NULL) {
			*spi = htonl(cand);
			return 0;
		}
	}
	return EAGAIN;
}
