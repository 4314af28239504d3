/*
 * IPv4/IPv6 header validation, extension-header walking and selector
 * extraction, and the Internet checksum against a naive reference.  Every
 * malformation is refused with exactly one counter moved: the one that
 * names it.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "sys/net/net_endian.h"
#include "sys/netinet/in_cksum.h"
#include "sys/netinet/ip_hdr.h"
#include "sys/netinet/ip_var.h"
#include "sys/netinet6/ip6_var.h"
#include "ip_testpkt.h"
#include "testlib.h"

static uint8_t pkt[70000];
static uint8_t tmp[70000];

/* ---- checksum ---------------------------------------------------------- */

static void
test_cksum_naive(void)
{
	uint8_t buf[1601];
	size_t len, cut, i;
	uint64_t sum;
	int iter;

	srandom(1);
	for (iter = 0; iter < 2000; iter++) {
		len = (size_t)random() % sizeof(buf);
		for (i = 0; i < len; i++)
			buf[i] = (uint8_t)random();
		CU_ASSERT_EQUAL(in_cksum(buf, len), tp_naive_cksum(buf, len));
		/* In two word-aligned pieces. */
		cut = len ? ((size_t)random() % len) & ~(size_t)1 : 0;
		sum = in_cksum_add(0, buf, cut);
		sum = in_cksum_add(sum, buf + cut, len - cut);
		CU_ASSERT_EQUAL(in_cksum_fold(sum), tp_naive_cksum(buf, len));
		/* At an odd address: the loads must not care. */
		if (len > 1)
			CU_ASSERT_EQUAL(in_cksum(buf + 1, len - 1),
			    tp_naive_cksum(buf + 1, len - 1));
	}
	/* All ones stays distinct from zero: an all-0xff buffer sums to 0. */
	memset(buf, 0xff, 64);
	CU_ASSERT_EQUAL(in_cksum(buf, 64), 0);
}

static void
test_cksum_pseudo(void)
{
	uint8_t src[16], dst[16], msg[300];
	size_t len, i;
	int iter, af;

	for (iter = 0; iter < 500; iter++) {
		af = iter % 2 ? AF_INET6 : AF_INET;
		for (i = 0; i < 16; i++) {
			src[i] = (uint8_t)random();
			dst[i] = (uint8_t)random();
		}
		len = (size_t)random() % sizeof(msg);
		for (i = 0; i < len; i++)
			msg[i] = (uint8_t)random();
		CU_ASSERT_EQUAL(in_cksum_upper(af, src, dst, IPPROTO_UDP, msg,
		    (uint32_t)len), tp_naive_cksum_pseudo(af, src, dst,
		    IPPROTO_UDP, msg, len));
	}
}

static void
test_cksum_incremental(void)
{
	uint8_t buf[64];
	uint16_t c, old16, new16;
	uint32_t old32, new32;
	size_t i, w;
	int iter;

	for (iter = 0; iter < 2000; iter++) {
		for (i = 0; i < sizeof(buf); i++)
			buf[i] = (uint8_t)random();
		c = in_cksum(buf, sizeof(buf));
		w = ((size_t)random() % 16) * 4;
		old16 = be_get16(buf + w);
		new16 = (uint16_t)random();
		be_put16(buf + w, new16);
		c = in_cksum_update16(c, old16, new16);
		CU_ASSERT_EQUAL(c, in_cksum(buf, sizeof(buf)));
		old32 = (uint32_t)be_get16(buf + w) << 16 |
		    be_get16(buf + w + 2);
		new32 = (uint32_t)random();
		be_put16(buf + w, (uint16_t)(new32 >> 16));
		be_put16(buf + w + 2, (uint16_t)new32);
		c = in_cksum_update32(c, old32, new32);
		/* 0x0000 and 0xffff are the same number in ones' complement. */
		CU_ASSERT(c == in_cksum(buf, sizeof(buf)) ||
		    (uint16_t)~c == (uint16_t)~in_cksum(buf, sizeof(buf)));
	}
}

/* ---- IPv4 -------------------------------------------------------------- */

static size_t
udp4(uint8_t *buf, size_t datalen)
{
	uint8_t u[2000];
	size_t ul = tp_udp(u, 1234, 53, datalen);

	return tp_ip4(buf, "192.0.2.1", "198.51.100.2", IPPROTO_UDP, NULL, 0,
	    u, ul, 7, 0);
}

static void
test_ip4_accept(void)
{
	static const uint8_t opts[8] = { 1, 1, 148, 4, 0, 0, 0, 0 };
	struct ip_hdr_info hi;
	uint8_t u[100];
	size_t len, ul;
	char a[INET_ADDRSTRLEN];

	len = udp4(pkt, 32);
	CU_ASSERT_EQUAL_FATAL(ip_hdr_parse(pkt, len, &hi), 0);
	CU_ASSERT_EQUAL(hi.af, AF_INET);
	CU_ASSERT_EQUAL(hi.len, len);
	CU_ASSERT_EQUAL(hi.proto, IPPROTO_UDP);
	CU_ASSERT_EQUAL(hi.hlen, 20);
	CU_ASSERT_EQUAL(hi.ulp_off, 20);
	CU_ASSERT_EQUAL(hi.ins_off, 20);
	CU_ASSERT_EQUAL(hi.protoff, 9);
	CU_ASSERT_EQUAL(hi.sport, 1234);
	CU_ASSERT_EQUAL(hi.dport, 53);
	CU_ASSERT_EQUAL(hi.flags, IP_HDR_F_PORTS);
	CU_ASSERT_EQUAL(hi.ttl, 64);
	CU_ASSERT_EQUAL(hi.src.sa.sa_family, AF_INET);
	inet_ntop(AF_INET, &hi.dst.sin.sin_addr, a, sizeof(a));
	CU_ASSERT_STRING_EQUAL(a, "198.51.100.2");

	/* Options are stepped over; link padding after ip_len is allowed. */
	ul = tp_tcp(u, 40000, 443, 10);
	len = tp_ip4(pkt, "10.0.0.1", "10.0.0.2", IPPROTO_TCP, opts, 8, u,
	    ul, 1, 0x4000);
	memset(pkt + len, 0, 6);
	CU_ASSERT_EQUAL_FATAL(ip_hdr_parse(pkt, len + 6, &hi), 0);
	CU_ASSERT_EQUAL(hi.len, len);
	CU_ASSERT_EQUAL(hi.ulp_off, 28);
	CU_ASSERT_EQUAL(hi.ins_off, 28);
	CU_ASSERT_EQUAL(hi.dport, 443);
	CU_ASSERT(hi.flags & IP_HDR_F_DF);

	ul = tp_icmp(u, 8, 0, 16);
	len = tp_ip4(pkt, "10.0.0.1", "10.0.0.2", IPPROTO_ICMP, NULL, 0, u,
	    ul, 1, 0);
	CU_ASSERT_EQUAL_FATAL(ip_hdr_parse(pkt, len, &hi), 0);
	CU_ASSERT(hi.flags & IP_HDR_F_ICMP);
	CU_ASSERT_EQUAL(hi.icmp_type, 8);
	CU_ASSERT_EQUAL(hi.sport, 8);
	CU_ASSERT_EQUAL(hi.dport, 0);

	/* ESP: no selectors beyond the protocol. */
	len = tp_ip4(pkt, "10.0.0.1", "10.0.0.2", IPPROTO_ESP, NULL, 0, u,
	    24, 1, 0);
	CU_ASSERT_EQUAL_FATAL(ip_hdr_parse(pkt, len, &hi), 0);
	CU_ASSERT_EQUAL(hi.proto, IPPROTO_ESP);
	CU_ASSERT_EQUAL(hi.flags & IP_HDR_F_PORTS, 0);
}

/* Fix the header checksum after a mutation. */
static void
resum4(uint8_t *p)
{
	size_t hlen = (size_t)(p[0] & 0x0f) * 4;

	if (hlen < 20)
		hlen = 20;
	be_put16(p + 10, 0);
	be_put16(p + 10, tp_naive_cksum(p, hlen));
}

struct malform {
	const char	*what;
	/* Change the packet; return its new buffer length. */
	size_t		(*mutate)(uint8_t *p, size_t len);
	int		 counter;
};

static size_t m4_short(uint8_t *p, size_t l) { (void)p; (void)l; return 19; }
static size_t m4_vers(uint8_t *p, size_t l)
{ p[0] = 0x55; resum4(p); return l; }
static size_t m4_ihl_small(uint8_t *p, size_t l)
{ p[0] = 0x44; resum4(p); return l; }
static size_t m4_ihl_big(uint8_t *p, size_t l)
{ (void)l; p[0] = 0x4f; be_put16(p + 2, 20); return 24; }
static size_t m4_len_small(uint8_t *p, size_t l)
{ be_put16(p + 2, 19); resum4(p); return l; }
static size_t m4_len_big(uint8_t *p, size_t l)
{ be_put16(p + 2, (uint16_t)(l + 1)); resum4(p); return l; }
static size_t m4_sum(uint8_t *p, size_t l) { p[10] ^= 1; return l; }
static size_t m4_mcast(uint8_t *p, size_t l)
{ p[12] = 239; resum4(p); return l; }
static size_t m4_ulp(uint8_t *p, size_t l)
{ (void)l; be_put16(p + 2, 24); resum4(p); return 24; }
static size_t m4_fraglen(uint8_t *p, size_t l)
{ be_put16(p + 6, 0x2000); be_put16(p + 2, 20 + 13);
  resum4(p); (void)l; return 33; }
static size_t m4_toolong(uint8_t *p, size_t l)
{ be_put16(p + 6, 0x1fff); resum4(p); return l; }

/* Options: a length byte pointing past the header, and length 0. */
static size_t
m4_opts(uint8_t *p, size_t l)
{
	memmove(p + 24, p + 20, l - 20);
	p[0] = 0x46;
	p[20] = 7;	/* record route */
	p[21] = 9;
	p[22] = 4;
	p[23] = 0;
	be_put16(p + 2, (uint16_t)(l + 4));
	resum4(p);
	return l + 4;
}

static const struct malform malform4[] = {
	{ "shorter than a header", m4_short, IPSTAT_TOOSMALL },
	{ "version 5", m4_vers, IPSTAT_BADVERS },
	{ "IHL 4", m4_ihl_small, IPSTAT_BADHLEN },
	{ "IHL beyond the data", m4_ihl_big, IPSTAT_BADHLEN },
	{ "ip_len below the header", m4_len_small, IPSTAT_BADLEN },
	{ "ip_len beyond the data", m4_len_big, IPSTAT_TOOSHORT },
	{ "bad checksum", m4_sum, IPSTAT_BADSUM },
	{ "option beyond the header", m4_opts, IPSTAT_BADOPTIONS },
	{ "multicast source", m4_mcast, IPSTAT_BADADDR },
	{ "UDP header cut", m4_ulp, IPSTAT_ULPSHORT },
	{ "MF with 13 bytes", m4_fraglen, IPSTAT_BADFRAGS },
	{ "offset past 65535", m4_toolong, IPSTAT_TOOLONG },
};

static void
test_ip4_reject(void)
{
	uint64_t before[IPSTAT_NSTATS];
	struct ip_hdr_info hi;
	size_t i, j, len;

	for (i = 0; i < sizeof(malform4) / sizeof(malform4[0]); i++) {
		len = udp4(pkt, 32);
		len = malform4[i].mutate(pkt, len);
		net_counter_sum_all(&ipstat, before);
		CU_ASSERT_EQUAL(ip4_hdr_parse(pkt, len, &hi), -1);
		CU_ASSERT_EQUAL(hi.drop, malform4[i].counter);
		for (j = 1; j < IPSTAT_NSTATS; j++)
			if (net_counter_sum(&ipstat, j) - before[j] !=
			    (j == (size_t)malform4[i].counter))
				CU_FAIL(malform4[i].what);
	}
	/* Neither version: counted as IPv4. */
	net_counter_sum_all(&ipstat, before);
	pkt[0] = 0;
	CU_ASSERT_EQUAL(ip_hdr_parse(pkt, 40, &hi), -1);
	CU_ASSERT_EQUAL(ip_hdr_parse(pkt, 0, &hi), -1);
	CU_ASSERT_EQUAL(net_counter_sum(&ipstat,
	    IPSTAT_BADVERS) - before[IPSTAT_BADVERS], 1);
	CU_ASSERT_EQUAL(net_counter_sum(&ipstat,
	    IPSTAT_TOOSMALL) - before[IPSTAT_TOOSMALL], 1);
}

static void
test_ip4_fragments(void)
{
	struct ip_hdr_info hi;
	uint8_t u[100];
	size_t len, ul;

	/* First fragment: ports are there. */
	ul = tp_udp(u, 5000, 6000, 40);
	len = tp_ip4(pkt, "10.0.0.1", "10.0.0.2", IPPROTO_UDP, NULL, 0, u, 24,
	    99, 0x2000);
	CU_ASSERT_EQUAL_FATAL(ip_hdr_parse(pkt, len, &hi), 0);
	CU_ASSERT(hi.flags & IP_HDR_F_FRAG);
	CU_ASSERT(hi.flags & IP_HDR_F_FIRSTFRAG);
	CU_ASSERT(hi.flags & IP_HDR_F_PORTS);
	CU_ASSERT_EQUAL(hi.frag.id, 99);
	CU_ASSERT(hi.frag.more);
	CU_ASSERT_EQUAL(hi.frag.data_off, 20);
	CU_ASSERT_EQUAL(hi.sport, 5000);

	/* Non-first fragment: no ports even if the bytes look like them. */
	len = tp_ip4(pkt, "10.0.0.1", "10.0.0.2", IPPROTO_UDP, NULL, 0,
	    u + 24, ul - 24, 99, 3);
	CU_ASSERT_EQUAL_FATAL(ip_hdr_parse(pkt, len, &hi), 0);
	CU_ASSERT_EQUAL(hi.frag.off, 24);
	CU_ASSERT(!hi.frag.more);
	CU_ASSERT_EQUAL(hi.flags & (IP_HDR_F_PORTS | IP_HDR_F_FIRSTFRAG), 0);
	CU_ASSERT_EQUAL(hi.sport, 0);
	CU_ASSERT_EQUAL(hi.dport, 0);

	/* A first fragment too short for the TCP header: kept, no ports. */
	ul = tp_tcp(u, 1, 2, 0);
	len = tp_ip4(pkt, "10.0.0.1", "10.0.0.2", IPPROTO_TCP, NULL, 0, u, 8,
	    5, 0x2000);
	CU_ASSERT_EQUAL_FATAL(ip_hdr_parse(pkt, len, &hi), 0);
	CU_ASSERT_EQUAL(hi.flags & IP_HDR_F_PORTS, 0);

	/* Non-first ICMP fragment: no type or code. */
	ul = tp_icmp(u, 8, 0, 40);
	len = tp_ip4(pkt, "10.0.0.1", "10.0.0.2", IPPROTO_ICMP, NULL, 0, u,
	    16, 5, 0x0002);
	CU_ASSERT_EQUAL_FATAL(ip_hdr_parse(pkt, len, &hi), 0);
	CU_ASSERT_EQUAL(hi.flags & IP_HDR_F_ICMP, 0);
}

/* ---- IPv6 -------------------------------------------------------------- */

static size_t
udp6(uint8_t *buf, const struct tp_ext *e, size_t n, size_t datalen)
{
	uint8_t u[2000];
	size_t ul = tp_udp(u, 4500, 500, datalen);

	return tp_ip6(buf, "2001:db8::1", "2001:db8::2", e, n, IPPROTO_UDP, u,
	    ul);
}

static void
test_ip6_accept(void)
{
	struct ip_hdr_info hi;
	uint8_t u[100];
	size_t len, ul;
	char a[INET6_ADDRSTRLEN];

	len = udp6(pkt, NULL, 0, 20);
	CU_ASSERT_EQUAL_FATAL(ip_hdr_parse(pkt, len, &hi), 0);
	CU_ASSERT_EQUAL(hi.af, AF_INET6);
	CU_ASSERT_EQUAL(hi.len, len);
	CU_ASSERT_EQUAL(hi.hlen, 40);
	CU_ASSERT_EQUAL(hi.proto, IPPROTO_UDP);
	CU_ASSERT_EQUAL(hi.ulp_off, 40);
	CU_ASSERT_EQUAL(hi.ins_off, 40);
	CU_ASSERT_EQUAL(hi.protoff, 6);
	CU_ASSERT_EQUAL(hi.sport, 4500);
	CU_ASSERT_EQUAL(hi.dport, 500);
	CU_ASSERT_EQUAL(hi.ttl, 64);
	inet_ntop(AF_INET6, &hi.src.sin6.sin6_addr, a, sizeof(a));
	CU_ASSERT_STRING_EQUAL(a, "2001:db8::1");

	ul = tp_icmp(u, 128, 0, 8);
	len = tp_ip6(pkt, "2001:db8::1", "ff02::1", NULL, 0, IPPROTO_ICMPV6,
	    u, ul);
	CU_ASSERT_EQUAL_FATAL(ip_hdr_parse(pkt, len, &hi), 0);
	CU_ASSERT(hi.flags & IP_HDR_F_ICMP);
	CU_ASSERT_EQUAL(hi.icmp_type, 128);
	CU_ASSERT_EQUAL(hi.sport, 128);

	ul = tp_tcp(u, 22, 33000, 0);
	len = tp_ip6(pkt, "2001:db8::1", "2001:db8::2", NULL, 0, IPPROTO_TCP,
	    u, ul);
	CU_ASSERT_EQUAL_FATAL(ip_hdr_parse(pkt, len, &hi), 0);
	CU_ASSERT_EQUAL(hi.sport, 22);
	CU_ASSERT_EQUAL(hi.dport, 33000);

	/* An empty packet with no next header is well-formed. */
	len = tp_ip6(pkt, "2001:db8::1", "2001:db8::2", NULL, 0, 59, u, 0);
	CU_ASSERT_EQUAL(ip_hdr_parse(pkt, len, &hi), 0);
}

/* The walk over each chain: insertion point, protoff, protocol, ULP. */
struct walk_case {
	const char	*what;
	struct tp_ext	 ext[6];
	size_t		 n;
	uint8_t		 proto;
	uint16_t	 ins_off, protoff, ulp_off;
	bool		 ports;
};

#define HBH(l)	{ IPPROTO_HOPOPTS, l, 0, 0, 0 }
#define DST(l)	{ IPPROTO_DSTOPTS, l, 0, 0, 0 }
#define RT(l)	{ IPPROTO_ROUTING, l, 0, 0, 0 }
#define FRAG(o, m) { IPPROTO_FRAGMENT, 8, o, m, 0x01020304 }

static const struct walk_case walks[] = {
	{ "no extension headers", { { 0 } }, 0, IPPROTO_UDP, 40, 6, 40, true },
	{ "hop-by-hop", { HBH(8) }, 1, IPPROTO_UDP, 48, 40, 48, true },
	{ "hbh, routing, dstopts: ESP before the final dstopts",
	  { HBH(8), RT(24), DST(8) }, 3, IPPROTO_UDP, 72, 48, 80, true },
	{ "dstopts before routing go in front of ESP",
	  { DST(16), RT(24) }, 2, IPPROTO_UDP, 80, 56, 80, true },
	{ "dstopts without routing stay behind ESP",
	  { HBH(8), DST(16) }, 2, IPPROTO_UDP, 48, 40, 64, true },
	{ "dstopts alone", { DST(8) }, 1, IPPROTO_UDP, 40, 6, 48, true },
	{ "hbh, dst1, routing, dst2 then ESP",
	  { HBH(8), DST(8), RT(24), DST(8) }, 4, IPPROTO_ESP, 80, 56, 88,
	  false },
	{ "ESP at once", { { 0 } }, 0, IPPROTO_ESP, 40, 6, 40, false },
	{ "hbh then AH", { HBH(8) }, 1, IPPROTO_AH, 48, 40, 48, false },
	{ "first fragment", { FRAG(0, 1) }, 1, IPPROTO_UDP, 48, 40, 48, true },
	{ "routing + fragment, then dstopts",
	  { RT(24), FRAG(0, 1), DST(8) }, 3, IPPROTO_UDP, 72, 64, 80, true },
	{ "non-first fragment: no headers past it",
	  { HBH(8), RT(24), FRAG(1232, 0), DST(8) }, 4, IPPROTO_DSTOPTS, 80,
	  72, 80, false },
	{ "atomic fragment", { FRAG(0, 0) }, 1, IPPROTO_UDP, 48, 40, 48,
	  true },
};

static void
test_ip6_walk(void)
{
	struct ip_hdr_info hi;
	const struct walk_case *w;
	uint8_t u[64];
	size_t i, len;

	for (i = 0; i < sizeof(walks) / sizeof(walks[0]); i++) {
		w = &walks[i];
		if (w->proto == IPPROTO_UDP || w->proto == IPPROTO_DSTOPTS)
			len = udp6(pkt, w->ext, w->n, 24);
		else {
			memset(u, 0xab, sizeof(u));
			len = tp_ip6(pkt, "2001:db8::1", "2001:db8::2", w->ext,
			    w->n, w->proto, u, sizeof(u));
		}
		if (ip_hdr_parse(pkt, len, &hi) != 0) {
			CU_FAIL(w->what);
			continue;
		}
		if (hi.proto != w->proto || hi.ins_off != w->ins_off ||
		    hi.protoff != w->protoff || hi.ulp_off != w->ulp_off ||
		    !!(hi.flags & IP_HDR_F_PORTS) != w->ports)
			CU_FAIL(w->what);
	}
}

static void
test_ip6_fragments(void)
{
	static const struct tp_ext first[] = { HBH(8), FRAG(0, 1) };
	static const struct tp_ext later[] = { HBH(8), FRAG(16, 0) };
	struct ip_hdr_info hi;
	size_t len;

	len = udp6(pkt, first, 2, 8);
	CU_ASSERT_EQUAL_FATAL(ip_hdr_parse(pkt, len, &hi), 0);
	CU_ASSERT(hi.flags & IP_HDR_F_FRAG);
	CU_ASSERT(hi.flags & IP_HDR_F_FIRSTFRAG);
	CU_ASSERT_EQUAL(hi.frag.id, 0x01020304);
	CU_ASSERT_EQUAL(hi.frag.hdr_off, 48);
	CU_ASSERT_EQUAL(hi.frag.hdr_protoff, 40);
	CU_ASSERT_EQUAL(hi.frag.data_off, 56);
	CU_ASSERT_EQUAL(hi.sport, 4500);

	len = udp6(pkt, later, 2, 8);
	CU_ASSERT_EQUAL_FATAL(ip_hdr_parse(pkt, len, &hi), 0);
	CU_ASSERT_EQUAL(hi.frag.off, 16);
	CU_ASSERT(!hi.frag.more);
	CU_ASSERT_EQUAL(hi.proto, IPPROTO_UDP);
	CU_ASSERT_EQUAL(hi.flags & IP_HDR_F_PORTS, 0);
	CU_ASSERT_EQUAL(hi.sport, 0);
}

static size_t m6_short(uint8_t *p, size_t l) { (void)p; (void)l; return 39; }
static size_t m6_vers(uint8_t *p, size_t l) { p[0] = 0x70; return l; }
static size_t m6_plen(uint8_t *p, size_t l)
{ be_put16(p + 4, (uint16_t)(l - 39)); return l; }
static size_t m6_mcast(uint8_t *p, size_t l) { p[8] = 0xff; return l; }
static size_t m6_ulp(uint8_t *p, size_t l)
{ be_put16(p + 4, 4); (void)l; return 44; }

static size_t
m6_jumbo(uint8_t *p, size_t l)
{
	static const struct tp_ext e[] = { HBH(8) };

	l = udp6(p, e, 1, 8);
	be_put16(p + 4, 0);
	return l;
}

static size_t
m6_extshort(uint8_t *p, size_t l)
{
	static const struct tp_ext e[] = { HBH(8), RT(24) };

	l = udp6(p, e, 2, 0);
	p[49] = 20;	/* routing header claims 168 bytes */
	return l;
}

static size_t
m6_hbh_late(uint8_t *p, size_t l)
{
	static const struct tp_ext e[] = { DST(8), HBH(8) };

	(void)l;
	return udp6(p, e, 2, 8);
}

static size_t
m6_badtlv(uint8_t *p, size_t l)
{
	static const struct tp_ext e[] = { DST(8) };

	l = udp6(p, e, 1, 8);
	p[43] = 5;	/* PadN longer than the header */
	return l;
}

static size_t
m6_manyhdr(uint8_t *p, size_t l)
{
	struct tp_ext e[IP6_MAX_EXTHDRS + 1];
	size_t i;

	(void)l;
	for (i = 0; i < IP6_MAX_EXTHDRS + 1; i++)
		e[i] = (struct tp_ext)DST(8);
	return udp6(p, e, IP6_MAX_EXTHDRS + 1, 8);
}

static size_t
m6_twofrag(uint8_t *p, size_t l)
{
	static const struct tp_ext e[] = { FRAG(0, 1), FRAG(0, 1) };

	(void)l;
	return udp6(p, e, 2, 16);
}

static size_t
m6_fraglen(uint8_t *p, size_t l)
{
	static const struct tp_ext e[] = { FRAG(0, 1) };

	(void)l;
	return udp6(p, e, 1, 5);
}

static size_t
m6_toolong(uint8_t *p, size_t l)
{
	static const struct tp_ext e[] = { FRAG(65528, 0) };

	(void)l;
	return udp6(p, e, 1, 16);
}

static const struct malform malform6[] = {
	{ "shorter than a header", m6_short, IP6STAT_TOOSMALL },
	{ "version 7", m6_vers, IP6STAT_BADVERS },
	{ "plen beyond the data", m6_plen, IP6STAT_TOOSHORT },
	{ "multicast source", m6_mcast, IP6STAT_BADSCOPE },
	{ "jumbogram", m6_jumbo, IP6STAT_JUMBO },
	{ "routing header beyond plen", m6_extshort, IP6STAT_EXTSHORT },
	{ "hop-by-hop not first", m6_hbh_late, IP6STAT_BADOPTIONS },
	{ "option beyond its header", m6_badtlv, IP6STAT_BADOPTIONS },
	{ "17 extension headers", m6_manyhdr, IP6STAT_TOOMANYHDR },
	{ "UDP header cut", m6_ulp, IP6STAT_ULPSHORT },
	{ "two fragment headers", m6_twofrag, IP6STAT_BADFRAGS },
	{ "M with 13 bytes", m6_fraglen, IP6STAT_BADFRAGS },
	{ "offset past 65535", m6_toolong, IP6STAT_TOOLONG },
};

static void
test_ip6_reject(void)
{
	uint64_t before[IP6STAT_NSTATS];
	struct ip_hdr_info hi;
	size_t i, j, len;

	for (i = 0; i < sizeof(malform6) / sizeof(malform6[0]); i++) {
		len = udp6(pkt, NULL, 0, 32);
		len = malform6[i].mutate(pkt, len);
		net_counter_sum_all(&ip6stat, before);
		CU_ASSERT_EQUAL(ip6_hdr_parse(pkt, len, &hi), -1);
		CU_ASSERT_EQUAL(hi.drop, malform6[i].counter);
		for (j = 1; j < IP6STAT_NSTATS; j++)
			if (net_counter_sum(&ip6stat, j) - before[j] !=
			    (j == (size_t)malform6[i].counter))
				CU_FAIL(malform6[i].what);
	}
}

/*
 * Hostile input: random corruptions of valid packets, truncated at random.
 * Whatever is accepted must describe offsets inside the datagram.
 */
static void
test_random_corruption(void)
{
	static const struct tp_ext e[] = { HBH(8), DST(8), RT(24), FRAG(0, 1),
		DST(16) };
	struct ip_hdr_info hi;
	size_t base, len, i, k;
	int iter, bad = 0;

	for (iter = 0; iter < 40000; iter++) {
		base = iter % 2 ? udp6(tmp, e, 5, 64) : udp4(tmp, 64);
		len = (size_t)random() % (base + 1);
		memcpy(pkt, tmp, base);
		for (k = (size_t)random() % 4; k > 0; k--) {
			i = (size_t)random() % base;
			pkt[i] = (uint8_t)random();
		}
		if (iter % 2 == 0)
			resum4(pkt);
		if (ip_hdr_parse(pkt, len, &hi) != 0)
			continue;
		if (hi.len > len || hi.ulp_off > hi.len ||
		    hi.ins_off > hi.ulp_off || hi.protoff >= hi.ins_off ||
		    hi.hlen > hi.len)
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
}

static const struct test_case cksum_cases[] = {
	{ "sum against a naive reference, in pieces", test_cksum_naive },
	{ "pseudo-header sums for IPv4 and IPv6", test_cksum_pseudo },
	{ "incremental update (RFC 1624)", test_cksum_incremental },
	{ NULL, NULL }
};

static const struct test_case hdr_cases[] = {
	{ "IPv4 accepted: UDP, options, TCP, ICMP, ESP", test_ip4_accept },
	{ "IPv4 malformations, one counter each", test_ip4_reject },
	{ "IPv4 fragments: ports only in the first", test_ip4_fragments },
	{ "IPv6 accepted: UDP, ICMPv6, TCP, no next header",
	  test_ip6_accept },
	{ "IPv6 extension walk: insertion point and protoff",
	  test_ip6_walk },
	{ "IPv6 fragments: ports only in the first", test_ip6_fragments },
	{ "IPv6 malformations, one counter each", test_ip6_reject },
	{ "random corruption stays in bounds", test_random_corruption },
	{ NULL, NULL }
};

const struct test_suite test_suites[] = {
	{ "in_cksum", NULL, NULL, cksum_cases },
	{ "ip_hdr", NULL, NULL, hdr_cases },
	{ NULL, NULL, NULL, NULL }
};
