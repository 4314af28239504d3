/*
 * Test helpers for the ESP tests: an installed ESP SA from a short
 * description, and IPv4/IPv6 packets in packet buffers.
 */
#ifndef TESTS_UNIT_ESP_SA_UTIL_H
#define TESTS_UNIT_ESP_SA_UTIL_H

#include <stddef.h>
#include <stdint.h>

struct ipsec_sa;
struct pbuf;
struct pbuf_pool;

struct esp_sa_spec {
	uint8_t		 satype;	/* SADB_SATYPE_*; 0 means ESP */
	uint32_t	 spi;		/* host order */
	uint8_t		 enc;		/* SADB_EALG_* */
	const uint8_t	*ekey;
	size_t		 ekeylen;	/* bytes */
	uint8_t		 auth;		/* SADB_AALG_* or 0 */
	const uint8_t	*akey;
	size_t		 akeylen;
	uint32_t	 flags;		/* sadb_sa_flags */
	uint32_t	 replay;	/* window in packets */
};

/*
 * An SA (state MATURE, addresses 192.0.2.1 -> 192.0.2.2) with
 * ipsec_xform_install() done; NULL with *errp set when it refused.
 */
struct ipsec_sa *esp_sa_make(const struct esp_sa_spec *spec, int *errp);

/*
 * A packet: an IPv4 header (20 bytes, protocol proto) or an IPv6 header
 * (40 bytes, next header proto) in front of len payload bytes; lengths
 * and the IPv4 checksum are set.  skip and protoff for the transform are
 * returned.
 */
struct pbuf *esp_pkt_make(struct pbuf_pool *pool, int af, uint8_t proto,
	    const uint8_t *payload, size_t len, size_t *skipp,
	    size_t *protoffp);

/* A copy of pb in a new buffer from pool. */
struct pbuf *esp_pkt_copy(struct pbuf_pool *pool, const struct pbuf *pb);

/*
 * Suite set-up and tear-down shared by the ESP tests: the crypto layer
 * and esp_pool, a pool of packet buffers.
 */
extern struct pbuf_pool *esp_pool;
int	esp_suite_init(void);
int	esp_suite_fini(void);

/* Fill buf with bytes from a fixed pseudo-random sequence. */
void	esp_fill(uint8_t *buf, size_t len, uint32_t seed);

#endif
