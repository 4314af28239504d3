/*
 * The AH ICV input builder (ah_mutable.c) against two references: the
 * bytes RFC 4302 section 3.3.3.1 and appendix A prescribe, written out
 * field by field here for IPv4 with every class of option and IPv6 with
 * every kind of extension header; and Scapy's zero_mutable_fields()
 * (scapy.layers.ipsec, an independent implementation) over packets Scapy
 * builds with an AH header, for the cases where Scapy follows the RFC.
 * The sysctls ah_cleartos and ah_offsetmask are flipped and must change
 * exactly the TOS byte and the flags/offset field.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>

#include "sys/netinet/in_cksum.h"
#include "sys/netipsec/ah_var.h"
#include "sys/netipsec/ipsec_var.h"
#include "ip_testpkt.h"
#include "testlib.h"

struct collect {
	uint8_t	buf[4096];
	size_t	len;
	int	calls;
};

static void
collect(void *arg, const void *p, size_t n)
{
	struct collect *c = arg;

	CU_ASSERT_FATAL(c->len + n <= sizeof(c->buf));
	memcpy(c->buf + c->len, p, n);
	c->len += n;
	c->calls++;
}

static int
build(const uint8_t *pkt, size_t skip, size_t len, struct collect *c)
{
	memset(c, 0, sizeof(*c));
	return ah_mutable_input(pkt, skip, len, collect, c);
}

static const uint8_t ip4_base[20] = {
	0x45, 0xb8, 0x00, 0x00, 0x12, 0x34, 0x40, 0x00,
	0x3d, IPPROTO_AH, 0xab, 0xcd, 192, 0, 2, 1,
	192, 0, 2, 2,
};

/* The RFC's expectation for the fixed IPv4 header: one place per field. */
static void
ip4_expect(uint8_t *want, const uint8_t *hdr, size_t len, bool cleartos,
    uint16_t mask)
{
	memcpy(want, hdr, 20);
	if (cleartos)
		want[1] = 0;
	want[2] = (uint8_t)(len >> 8);
	want[3] = (uint8_t)len;
	want[6] = (uint8_t)(((hdr[6] << 8 | hdr[7]) & mask) >> 8);
	want[7] = (uint8_t)((hdr[6] << 8 | hdr[7]) & mask);
	want[8] = 0;
	want[10] = want[11] = 0;
}

static void
test_ip4_fixed(void)
{
	uint8_t pkt[64], want[20];
	struct collect c;

	memset(pkt, 0xee, sizeof(pkt));
	memcpy(pkt, ip4_base, 20);
	ipsec_vars_reset();
	CU_ASSERT_EQUAL(build(pkt, 20, 64, &c), 0);
	ip4_expect(want, ip4_base, 64, true, 0);
	CU_ASSERT_EQUAL(c.len, 20);
	CU_ASSERT_EQUAL(memcmp(c.buf, want, 20), 0);
	/* TOS kept when ah_cleartos is 0; DF kept under the mask. */
	ipsec_vars.ah_cleartos = 0;
	ipsec_vars.ah_offsetmask = 0xffff;
	CU_ASSERT_EQUAL(build(pkt, 20, 64, &c), 0);
	ip4_expect(want, ip4_base, 64, false, 0xffff);
	CU_ASSERT_EQUAL(memcmp(c.buf, want, 20), 0);
	CU_ASSERT_EQUAL(c.buf[1], 0xb8);
	CU_ASSERT_EQUAL(c.buf[6], 0x40);
	ipsec_vars.ah_offsetmask = 0x1fff;
	CU_ASSERT_EQUAL(build(pkt, 20, 64, &c), 0);
	CU_ASSERT_EQUAL(c.buf[6], 0);
	ipsec_vars_reset();
	/* The packet itself is never written. */
	CU_ASSERT_EQUAL(memcmp(pkt, ip4_base, 20), 0);
}

/*
 * Options: NOP, Record Route (mutable), Router Alert (immutable),
 * Timestamp (mutable), an unknown type (mutable), Security (immutable),
 * then End of List and padding.
 */
static void
test_ip4_options(void)
{
	static const uint8_t opts[] = {
		1,					/* NOP */
		7, 7, 4, 10, 0, 0, 1,			/* RR */
		148, 4, 0, 0,				/* RA */
		68, 8, 5, 0, 1, 2, 3, 4,		/* TS */
		158, 3, 9,				/* unknown */
		130, 3, 0x55,				/* SEC */
		0, 0,					/* EOL, pad */
	};
	uint8_t pkt[128], want[60];
	size_t hlen = 20 + sizeof(opts);
	struct collect c;

	_Static_assert(sizeof(opts) % 4 == 0, "options padded");
	memcpy(pkt, ip4_base, 20);
	pkt[0] = (uint8_t)(0x40 | hlen / 4);
	memcpy(pkt + 20, opts, sizeof(opts));
	ipsec_vars_reset();
	CU_ASSERT_EQUAL(build(pkt, hlen, 100, &c), 0);
	ip4_expect(want, pkt, 100, true, 0);
	memcpy(want + 20, opts, sizeof(opts));
	memset(want + 21, 0, 7);		/* RR */
	memset(want + 32, 0, 8);		/* TS */
	memset(want + 40, 0, 3);		/* unknown */
	CU_ASSERT_EQUAL(c.len, hlen);
	CU_ASSERT_EQUAL(memcmp(c.buf, want, hlen), 0);
	/* An option running past the header is refused. */
	pkt[21 + 1] = 40;
	CU_ASSERT_EQUAL(build(pkt, hlen, 100, &c), -1);
	/* So is AH anywhere but right behind the IPv4 header. */
	CU_ASSERT_EQUAL(build(pkt, 20, 100, &c), -1);
	CU_ASSERT_EQUAL(build(pkt, hlen, 70000, &c), -1);
}

/* A loose source route names the final destination while unused. */
static void
test_ip4_source_route(void)
{
	uint8_t pkt[64], want[32];
	struct collect c;

	memcpy(pkt, ip4_base, 20);
	pkt[0] = 0x48;
	memcpy(pkt + 20, (const uint8_t[]){ 1, 131, 11, 4, 198, 51, 100, 1,
	    203, 0, 113, 9 }, 12);
	ipsec_vars_reset();
	CU_ASSERT_EQUAL(build(pkt, 32, 60, &c), 0);
	ip4_expect(want, pkt, 60, true, 0);
	memcpy(want + 16, (const uint8_t[]){ 203, 0, 113, 9 }, 4);
	want[20] = 1;
	memset(want + 21, 0, 11);
	CU_ASSERT_EQUAL(memcmp(c.buf, want, 32), 0);
	/* Used up (pointer past the list): the header's destination. */
	pkt[23] = 12;
	CU_ASSERT_EQUAL(build(pkt, 32, 60, &c), 0);
	CU_ASSERT_EQUAL(memcmp(c.buf + 16, ip4_base + 16, 4), 0);
}

static const uint8_t a6_src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t a6_dst[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

static size_t
ip6_fixed(uint8_t *p, uint8_t nh)
{
	memcpy(p, (const uint8_t[]){ 0x6a, 0xbc, 0xde, 0xf1, 0x00, 0x00, nh,
	    0x3d }, 8);
	memcpy(p + 8, a6_src, 16);
	memcpy(p + 24, a6_dst, 16);
	return 40;
}

static void
ip6_expect(uint8_t *want, const uint8_t *p, size_t len, const uint8_t *dst)
{
	memcpy(want, p, 40);
	want[0] = 0x60;
	want[1] = want[2] = want[3] = 0;
	want[4] = (uint8_t)((len - 40) >> 8);
	want[5] = (uint8_t)(len - 40);
	want[7] = 0;
	memcpy(want + 24, dst, 16);
}

/*
 * Hop-by-hop options with Pad1, a Router Alert (immutable) and a
 * mutable option; destination options with one of each; a routing
 * header of type 0 with three addresses, none visited yet.
 */
static void
test_ip6_headers(void)
{
	static const uint8_t hbh[16] = {
		IPPROTO_DSTOPTS, 1, 0, 0x05, 2, 0, 0, 0x31, 4, 9, 9, 9, 9,
		1, 1, 0,
	};
	static const uint8_t dst[8] = {
		IPPROTO_ROUTING, 0, 0x3e, 2, 7, 7, 0x1e, 0,
	};
	uint8_t rh[56] = { IPPROTO_AH, 6, 0, 3 };
	uint8_t pkt[256], want[256], a[3][16];
	struct collect c;
	size_t off, skip, i;

	for (i = 0; i < 3; i++) {
		memcpy(a[i], a6_dst, 16);
		a[i][14] = (uint8_t)(0x10 + i);
		memcpy(rh + 8 + 16 * i, a[i], 16);
	}
	off = ip6_fixed(pkt, IPPROTO_HOPOPTS);
	memcpy(pkt + off, hbh, sizeof(hbh));
	off += sizeof(hbh);
	memcpy(pkt + off, dst, sizeof(dst));
	off += sizeof(dst);
	memcpy(pkt + off, rh, sizeof(rh));
	skip = off + sizeof(rh);
	CU_ASSERT_EQUAL(build(pkt, skip, 200, &c), 0);

	/* At the end: destination a[2], list dst a[0] a[1], no hops left. */
	ip6_expect(want, pkt, 200, a[2]);
	memcpy(want + 40, hbh, sizeof(hbh));
	memset(want + 40 + 9, 0, 4);
	memcpy(want + 56, dst, sizeof(dst));
	memset(want + 56 + 4, 0, 2);
	memcpy(want + 64, rh, 8);
	want[64 + 3] = 0;
	memcpy(want + 72, a6_dst, 16);
	memcpy(want + 88, a[0], 16);
	memcpy(want + 104, a[1], 16);
	CU_ASSERT_EQUAL(c.len, skip);
	CU_ASSERT_EQUAL(memcmp(c.buf, want, skip), 0);

	/* One hop left (a[2] next): only the last place changes. */
	pkt[64 + 3] = 1;
	CU_ASSERT_EQUAL(build(pkt, skip, 200, &c), 0);
	memcpy(want + 72, a[0], 16);
	memcpy(want + 88, a[1], 16);
	memcpy(want + 104, a6_dst, 16);
	CU_ASSERT_EQUAL(memcmp(c.buf, want, skip), 0);

	/* A route already used up is covered as it is. */
	pkt[64 + 3] = 0;
	CU_ASSERT_EQUAL(build(pkt, skip, 200, &c), 0);
	CU_ASSERT_EQUAL(memcmp(c.buf + 24, a6_dst, 16), 0);
	CU_ASSERT_EQUAL(memcmp(c.buf + 64, pkt + 64, 56), 0);

	/* More hops left than addresses, or a header past AH: refused. */
	pkt[64 + 3] = 4;
	CU_ASSERT_EQUAL(build(pkt, skip, 200, &c), -1);
	pkt[64 + 3] = 0;
	CU_ASSERT_EQUAL(build(pkt, skip - 8, 200, &c), -1);
	pkt[6] = IPPROTO_UDP;
	CU_ASSERT_EQUAL(build(pkt, skip, 200, &c), -1);
}

/* Segment routing ends at its first entry and keeps its list. */
static void
test_ip6_srh(void)
{
	uint8_t rh[40] = { IPPROTO_AH, 4, 4, 1, 1, 0, 0, 0 };
	uint8_t pkt[128], want[128];
	struct collect c;

	memset(rh + 8, 0x11, 16);
	memset(rh + 24, 0x22, 16);
	ip6_fixed(pkt, IPPROTO_ROUTING);
	memcpy(pkt + 40, rh, sizeof(rh));
	CU_ASSERT_EQUAL(build(pkt, 80, 120, &c), 0);
	ip6_expect(want, pkt, 120, rh + 8);
	memcpy(want + 40, rh, sizeof(rh));
	want[43] = 0;
	CU_ASSERT_EQUAL(c.len, 80);
	CU_ASSERT_EQUAL(memcmp(c.buf, want, 80), 0);
}

/*
 * Scapy builds AH packets (transport and tunnel, IPv4 with immutable
 * and mutable options, IPv6 with hop-by-hop, routing and destination
 * options), prints each with the offset of AH and the bytes in front of
 * it after its zero_mutable_fields(sending=True).
 */
static const char scapy_prog[] =
"import warnings\n"
"warnings.filterwarnings('ignore')\n"
"from scapy.all import raw\n"
"from scapy.layers.inet import IP, UDP, IPOption\n"
"from scapy.layers.inet6 import IPv6, IPv6ExtHdrHopByHop, "
"IPv6ExtHdrRouting, IPv6ExtHdrDestOpt, RouterAlert, HBHOptUnknown, "
"PadN\n"
"from scapy.layers.ipsec import AH, zero_mutable_fields\n"
"def show(p):\n"
"    r = raw(p)\n"
"    skip = len(r) - len(raw(p[AH]))\n"
"    z = raw(zero_mutable_fields(p.__class__(r), sending=True))\n"
"    print('CASE', r.hex(), skip, z[:skip].hex())\n"
"def ah(nh):\n"
"    return AH(nh=nh, spi=7, seq=1, icv=b'\\x11' * 12)\n"
"u = UDP(sport=1, dport=2) / (b'x' * 33)\n"
"show(IP(src='192.0.2.1', dst='192.0.2.2', tos=0xb8, ttl=9, "
"flags='DF', proto=51) / ah(17) / u)\n"
"show(IP(src='192.0.2.1', dst='192.0.2.2', tos=4, ttl=200, proto=51, "
"options=[IPOption(b'\\x94\\x04\\x00\\x00'), IPOption(b'\\x01'), "
"IPOption(b'\\x07\\x07\\x04\\x0a\\x00\\x00\\x01'), "
"IPOption(b'\\x44\\x08\\x05\\x00\\x01\\x02\\x03\\x04')]) / ah(17) / u)\n"
"show(IPv6(src='2001:db8::1', dst='2001:db8::2', tc=0x28, fl=0x12345, "
"hlim=5, nh=0) / IPv6ExtHdrHopByHop(nh=43, options=[RouterAlert(), "
"HBHOptUnknown(otype=0x31, optdata=b'abcd'), PadN(optdata=b'')]) / "
"IPv6ExtHdrRouting(nh=60, addresses=['2001:db8::10', '2001:db8::11'], "
"segleft=2) / IPv6ExtHdrDestOpt(nh=51, options=[HBHOptUnknown("
"otype=0x3e, optdata=b'zz'), HBHOptUnknown(otype=0x1e, optdata=b'qq')]) "
"/ ah(17) / u)\n"
"show(IP(src='198.51.100.1', dst='198.51.100.2', tos=0x10, proto=51) / "
"ah(4) / IP(src='192.0.2.1', dst='192.0.2.2') / u)\n";

static void
test_scapy(void)
{
	static char out[65536];
	char *line, *save, *hex, *wanthex;
	uint8_t *pkt, *want;
	size_t plen, wlen, skip;
	struct collect c;
	int cases = 0;

	if (tp_python(scapy_prog, NULL, out, sizeof(out)) != 0) {
		fprintf(stderr, "scapy said:\n%s\n", out);
		CU_FAIL_FATAL("scapy");
	}
	ipsec_vars_reset();
	/* Scapy zeroes the flags and keeps the offset: unfragmented here. */
	for (line = strtok_r(out, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "CASE ", 5) != 0)
			continue;
		hex = strtok(line + 5, " ");
		skip = strtoul(strtok(NULL, " "), NULL, 10);
		wanthex = strtok(NULL, " ");
		CU_ASSERT_PTR_NOT_NULL_FATAL(wanthex);
		pkt = test_hex(hex, &plen);
		want = test_hex(wanthex, &wlen);
		CU_ASSERT_FATAL(pkt != NULL && want != NULL);
		CU_ASSERT_EQUAL(build(pkt, skip, plen, &c), 0);
		CU_ASSERT_EQUAL(c.len, wlen);
		if (c.len != wlen || memcmp(c.buf, want, wlen) != 0) {
			CU_FAIL("differs from scapy");
			fprintf(stderr, "case %d skip %zu\n", cases, skip);
		}
		free(pkt);
		free(want);
		cases++;
	}
	CU_ASSERT_EQUAL(cases, 4);
}

static const struct test_case mutable_cases[] = {
	{ "IPv4 fixed header, ah_cleartos and ah_offsetmask", test_ip4_fixed },
	{ "IPv4 options by RFC 4302 appendix A", test_ip4_options },
	{ "IPv4 source route: final destination", test_ip4_source_route },
	{ "IPv6 options and type 0 routing header", test_ip6_headers },
	{ "IPv6 segment routing header", test_ip6_srh },
	{ "the same bytes as Scapy's zero_mutable_fields", test_scapy },
	{ NULL, NULL },
};

const struct test_suite test_suites[] = {
	{ "ah_mutable", NULL, NULL, mutable_cases },
	{ NULL, NULL, NULL, NULL },
};
