/*
 * Big-endian loads and stores of 16, 32 and 64-bit fields at any
 * address: the one place the stack turns wire bytes into integers.  The
 * bytes go through memcpy so that a field at an odd offset inside a
 * packet is never dereferenced as a wider type (undefined behaviour, and
 * a trap on strict-alignment hosts); compilers turn the memcpy and the
 * byte swap into a single load or store plus a bswap instruction.
 */
#ifndef SYS_NET_NET_ENDIAN_H
#define SYS_NET_NET_ENDIAN_H

#include <endian.h>
#include <stdint.h>
#include <string.h>

static inline uint16_t
be_get16(const void *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return be16toh(v);
}

static inline uint32_t
be_get32(const void *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return be32toh(v);
}

static inline uint64_t
be_get64(const void *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return be64toh(v);
}

static inline void
be_put16(void *p, uint16_t v)
{
	v = htobe16(v);
	memcpy(p, &v, sizeof(v));
}

static inline void
be_put32(void *p, uint32_t v)
{
	v = htobe32(v);
	memcpy(p, &v, sizeof(v));
}

static inline void
be_put64(void *p, uint64_t v)
{
	v = htobe64(v);
	memcpy(p, &v, sizeof(v));
}

#endif
