/*
 * Packet construction and external checkers for the INET tests.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ip_testpkt.h"

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

uint16_t
tp_naive_cksum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len % 2)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum > 0xffff)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t
tp_naive_cksum_pseudo(int af, const uint8_t *src, const uint8_t *dst,
    uint8_t proto, const uint8_t *p, size_t len)
{
	uint8_t *buf;
	size_t alen = af == AF_INET6 ? 16 : 4, hl;
	uint16_t c;

	/* Build the pseudo-header as bytes, exactly as the RFCs draw it. */
	buf = calloc(1, 40 + len);
	memcpy(buf, src, alen);
	memcpy(buf + alen, dst, alen);
	if (af == AF_INET6) {
		buf[32] = (uint8_t)(len >> 24);
		buf[33] = (uint8_t)(len >> 16);
		buf[34] = (uint8_t)(len >> 8);
		buf[35] = (uint8_t)len;
		buf[39] = proto;
		hl = 40;
	} else {
		buf[9] = proto;
		put16(buf + 10, (uint16_t)len);
		hl = 12;
	}
	memcpy(buf + hl, p, len);
	c = tp_naive_cksum(buf, hl + len);
	free(buf);
	return c;
}

size_t
tp_ip4(uint8_t *buf, const char *src, const char *dst, uint8_t proto,
    const uint8_t *opt, size_t optlen, const uint8_t *payload, size_t plen,
    uint16_t id, uint16_t frag)
{
	size_t hlen = 20 + optlen;

	memset(buf, 0, hlen);
	buf[0] = (uint8_t)(0x40 | hlen / 4);
	put16(buf + 2, (uint16_t)(hlen + plen));
	put16(buf + 4, id);
	put16(buf + 6, frag);
	buf[8] = 64;
	buf[9] = proto;
	inet_pton(AF_INET, src, buf + 12);
	inet_pton(AF_INET, dst, buf + 16);
	if (optlen)
		memcpy(buf + 20, opt, optlen);
	put16(buf + 10, tp_naive_cksum(buf, hlen));
	memmove(buf + hlen, payload, plen);
	return hlen + plen;
}

static void
ext_fill(uint8_t *p, const struct tp_ext *e, uint8_t next)
{
	memset(p, 0, e->len);
	p[0] = next;
	if (e->type == IPPROTO_FRAGMENT) {
		put16(p + 2, (uint16_t)(e->frag_off | (e->frag_more ? 1 : 0)));
		put16(p + 4, (uint16_t)(e->frag_id >> 16));
		put16(p + 6, (uint16_t)e->frag_id);
		return;
	}
	p[1] = (uint8_t)(e->len / 8 - 1);
	if (e->type == IPPROTO_ROUTING) {
		p[2] = 4;	/* segment routing, no segments left */
		return;
	}
	/* One PadN option covering the rest. */
	p[2] = 1;
	p[3] = (uint8_t)(e->len - 4);
}

size_t
tp_ip6(uint8_t *buf, const char *src, const char *dst,
    const struct tp_ext *exts, size_t n, uint8_t proto,
    const uint8_t *payload, size_t plen)
{
	size_t off = 40, i;

	memset(buf, 0, 40);
	buf[0] = 0x60;
	buf[6] = n > 0 ? exts[0].type : proto;
	buf[7] = 64;
	inet_pton(AF_INET6, src, buf + 8);
	inet_pton(AF_INET6, dst, buf + 24);
	for (i = 0; i < n; i++) {
		ext_fill(buf + off, &exts[i],
		    i + 1 < n ? exts[i + 1].type : proto);
		off += exts[i].len;
	}
	memmove(buf + off, payload, plen);
	put16(buf + 4, (uint16_t)(off - 40 + plen));
	return off + plen;
}

static void
pattern(uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 7 + 3);
}

size_t
tp_udp(uint8_t *buf, uint16_t sport, uint16_t dport, size_t datalen)
{
	memset(buf, 0, 8);
	put16(buf, sport);
	put16(buf + 2, dport);
	put16(buf + 4, (uint16_t)(8 + datalen));
	pattern(buf + 8, datalen);
	return 8 + datalen;
}

size_t
tp_tcp(uint8_t *buf, uint16_t sport, uint16_t dport, size_t datalen)
{
	memset(buf, 0, 20);
	put16(buf, sport);
	put16(buf + 2, dport);
	buf[12] = 5 << 4;
	buf[13] = 0x18;
	put16(buf + 14, 8192);
	pattern(buf + 20, datalen);
	return 20 + datalen;
}

size_t
tp_icmp(uint8_t *buf, uint8_t type, uint8_t code, size_t datalen)
{
	memset(buf, 0, 8);
	buf[0] = type;
	buf[1] = code;
	pattern(buf + 8, datalen);
	return 8 + datalen;
}

struct pbuf *
tp_pbuf(struct pbuf_pool *pool, const uint8_t *data, size_t len)
{
	struct pbuf *pb = pbuf_alloc(pool, len);

	if (pb != NULL && pbuf_append(pb, data, len) != 0) {
		pbuf_free(pb);
		return NULL;
	}
	return pb;
}

int
tp_shell(const char *cmd, char *out, size_t outlen)
{
	FILE *f;
	size_t n;
	int st;

	f = popen(cmd, "r");
	if (f == NULL)
		return -1;
	n = fread(out, 1, outlen - 1, f);
	out[n] = '\0';
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int
tp_python(const char *program, const char *arg, char *out, size_t outlen)
{
	char path[256], cmd[1024];
	FILE *f;
	int rc;

	tp_tmpname(path, sizeof(path), ".py");
	f = fopen(path, "w");
	if (f == NULL)
		return -1;
	fputs(program, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s %s 2>&1", path,
	    arg != NULL ? arg : "");
	rc = tp_shell(cmd, out, outlen);
	unlink(path);
	return rc;
}

void
tp_tmpname(char *name, size_t len, const char *suffix)
{
	static unsigned int seq;
	const char *dir = getenv("TMPDIR");

	snprintf(name, len, "%s/inet_test_%d_%u%s",
	    dir != NULL ? dir : "/tmp", (int)getpid(), seq++, suffix);
}
