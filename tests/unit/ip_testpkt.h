/*
 * Packet construction for the INET tests: IPv4 and IPv6 datagrams built
 * field by field (independently of the code under test), a deliberately
 * naive checksum to check ours against, and a way to run Scapy
 * (/usr/bin/python3, Debian's python3-scapy) on files the tests write.
 */
#ifndef TESTS_IP_TESTPKT_H
#define TESTS_IP_TESTPKT_H

#include <stddef.h>
#include <stdint.h>

#include "sys/net/pbuf.h"

/* One IPv6 extension header for tp_ip6(): type and total bytes. */
struct tp_ext {
	uint8_t		type;	/* IPPROTO_HOPOPTS, _ROUTING, _DSTOPTS, ... */
	uint16_t	len;	/* multiple of 8; 8 for a fragment header */
	uint16_t	frag_off;	/* fragment header: offset in bytes */
	uint8_t		frag_more;
	uint32_t	frag_id;
};

/*
 * An IPv4 datagram in buf: 20-byte header plus optlen option bytes (a
 * multiple of 4), protocol proto, the payload bytes; identification id,
 * fragment field frag (flags and offset/8) as on the wire; checksum set.
 * Returns the total length.
 */
size_t	tp_ip4(uint8_t *buf, const char *src, const char *dst, uint8_t proto,
	    const uint8_t *opt, size_t optlen, const uint8_t *payload,
	    size_t plen, uint16_t id, uint16_t frag);

/*
 * An IPv6 packet with the n extension headers exts (in order), then the
 * upper-layer protocol proto and its payload.  Options headers are filled
 * with PadN.  Returns the total length.
 */
size_t	tp_ip6(uint8_t *buf, const char *src, const char *dst,
	    const struct tp_ext *exts, size_t n, uint8_t proto,
	    const uint8_t *payload, size_t plen);

/* A UDP or TCP header plus datalen pattern bytes; checksum left zero. */
size_t	tp_udp(uint8_t *buf, uint16_t sport, uint16_t dport, size_t datalen);
size_t	tp_tcp(uint8_t *buf, uint16_t sport, uint16_t dport, size_t datalen);
/* An ICMP (or ICMPv6) message: type, code, 4 zero bytes, datalen bytes. */
size_t	tp_icmp(uint8_t *buf, uint8_t type, uint8_t code, size_t datalen);

/* The textbook checksum: 16-bit words, 32-bit sum, folded at the end. */
uint16_t tp_naive_cksum(const uint8_t *p, size_t len);
/* The same with a pseudo-header (af 4 or 6 address bytes). */
uint16_t tp_naive_cksum_pseudo(int af, const uint8_t *src,
	    const uint8_t *dst, uint8_t proto, const uint8_t *p, size_t len);

/* A pool buffer holding a copy of len bytes at data. */
struct pbuf *tp_pbuf(struct pbuf_pool *pool, const uint8_t *data,
	    size_t len);

/*
 * Run the Python program text with /usr/bin/python3 (scapy importable)
 * and the one argument arg (may be NULL), its standard output and error
 * into out (NUL-terminated).  Returns the exit status, -1 when it could
 * not be run.
 */
int	tp_python(const char *program, const char *arg, char *out,
	    size_t outlen);

/* Run a shell command, standard output into out; the exit status. */
int	tp_shell(const char *cmd, char *out, size_t outlen);

/* A fresh temporary file name with the given suffix, into name. */
void	tp_tmpname(char *name, size_t len, const char *suffix);

#endif
