/*
 * Helpers of the policy-engine tests: SAs and policies installed through
 * real PF_KEY messages (key_dispatch() on an in-process keysock), UDP
 * datagrams of either family in packet buffers, and a clean state for
 * every test.  Two "hosts" share the one SAD and SPD: a packet sent by
 * ipsec_output() goes straight into ipsec_input(), which finds the same
 * SA by its (dst, SPI).
 */
#ifndef TESTS_UNIT_IPSEC_TEST_UTIL_H
#define TESTS_UNIT_IPSEC_TEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sys/netipsec/ipsec_hooks.h"
#include "tests/unit/key_sa_client.h"

struct pbuf;
struct pbuf_pool;

extern struct pbuf_pool *ipt_pool;
extern struct sa_client ipt_client;	/* registered for ESP */

int	ipt_suite_init(void);
int	ipt_suite_fini(void);
/* Empty SAD and SPD, counters zero, variables at their defaults. */
void	ipt_reset(void);

/* An ESP SA (AES-128-CBC, HMAC-SHA1) added by SADB_ADD. */
struct ipt_sa {
	uint32_t	 spi;		/* host order */
	const char	*src;
	const char	*dst;
	uint8_t		 mode;		/* IPSEC_MODE_* */
	uint32_t	 reqid;
	uint64_t	 hard_bytes;	/* 0: no limit */
};

void	ipt_add_sa(const struct ipt_sa *s);
/* The same SA as esp-udp with UDP ports sport -> dport (host order). */
void	ipt_add_sa_natt(const struct ipt_sa *s, uint16_t sport,
	    uint16_t dport);

/* A policy for host addresses src -> dst, any protocol and port. */
struct ipt_req {
	uint16_t	 proto;
	uint8_t		 mode;
	uint8_t		 level;
	uint16_t	 reqid;
	const char	*tsrc;
	const char	*tdst;
};

struct ipt_policy {
	uint8_t		 dir;
	const char	*src;
	const char	*dst;
	uint16_t	 action;
	unsigned int	 nreq;
	struct ipt_req	 req[4];
	bool		 setidx;	/* SPDSETIDX (requests may be none) */
};

void	ipt_add_policy(const struct ipt_policy *p);
/* An IPSEC policy of the one request r. */
void	ipt_policy1(uint8_t dir, const char *src, const char *dst,
	    struct ipt_req r);

/*
 * A UDP datagram src -> dst (family from the text) with len payload
 * bytes, TOS/traffic class tos, TTL/hop limit ttl and, for IPv4, DF.
 * Into buf (also returned as a pool buffer); *lenp is its length.
 */
struct pbuf *ipt_udp(const char *src, const char *dst, size_t len,
	    uint8_t tos, uint8_t ttl, bool df, uint8_t *buf, size_t *lenp);

/*
 * Such a datagram (UDP payload len) through ipsec_output() with the link
 * MTU mtu: the verdict, the packet in *pbp when it passed (NULL and freed
 * otherwise), the result in *out.
 */
enum ipsec_verdict ipt_send(const char *src, const char *dst, size_t len,
	    uint8_t tos, uint8_t ttl, bool df, size_t mtu, struct pbuf **pbp,
	    struct ipsec_out_result *out);

/* Whether a message of type `type' is among those waiting (all read). */
bool	ipt_saw(uint8_t type);

/* The SA of (dst, ESP, spi); borrowed. */
struct ipsec_sa *ipt_sa_lookup(const char *dst, uint32_t spi);

#endif
