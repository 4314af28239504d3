/*
 * The wire driver's fanout classifier (if_wire_fanout_prog()), run here
 * on crafted packets by a small classic-BPF interpreter of the test's
 * own: libc has none, and the kernel's cannot be asked offline.  The
 * interpreter knows only the instructions the program may use, and
 * fails the test on any other, on a jump out of the program and on a
 * program that does not end in a return.  Like the kernel's fanout hook
 * it sees the packet from the network header on, the EtherType through
 * SKF_AD_PROTOCOL, and ends the program with 0 on a load past the end.
 *
 * Each packet's result is checked against the hash written out plainly
 * (tests/scripts/test_drivers_mq.sh checks the kernel agrees), and the
 * properties the workers need: every fragment of a datagram alike, IPv4
 * and IPv6; flows spread over two members; non-IP on member 0.
 */
#include <linux/filter.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "sys/net/if_wire.h"
#include "sys/net/net_endian.h"
#include "testlib.h"

#define T_IP	0x0800
#define T_IPV6	0x86dd
#define T_ARP	0x0806

static bool bad_insn;

/* A load of size bytes at off, false past the end. */
static bool
ld(const uint8_t *p, size_t len, uint32_t off, unsigned int size,
    uint32_t *v)
{
	if (off >= len || len - off < size)
		return false;
	*v = size == 4 ? be_get32(p + off) : size == 2 ? be_get16(p + off) :
	    p[off];
	return true;
}

static unsigned int
ld_size(uint16_t code)
{
	return BPF_SIZE(code) == BPF_W ? 4 : BPF_SIZE(code) == BPF_H ? 2 : 1;
}

/* The program on packet p (network header first) of EtherType type. */
static uint32_t
run(uint16_t type, const uint8_t *p, size_t len)
{
	const struct sock_filter *prog, *f;
	uint32_t a = 0, x = 0, v;
	size_t n, pc = 0;

	prog = if_wire_fanout_prog(&n);
	while (pc < n) {
		f = &prog[pc++];
		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
		case BPF_LD | BPF_H | BPF_ABS:
		case BPF_LD | BPF_B | BPF_ABS:
			if (f->k == (uint32_t)(SKF_AD_OFF + SKF_AD_PROTOCOL) &&
			    BPF_SIZE(f->code) == BPF_H)
				a = type;
			else if (!ld(p, len, f->k, ld_size(f->code), &a))
				return 0;
			break;
		case BPF_LD | BPF_W | BPF_IND:
			if (!ld(p, len, x + f->k, 4, &a))
				return 0;
			break;
		case BPF_LD | BPF_IMM:
			a = f->k;
			break;
		case BPF_LDX | BPF_B | BPF_MSH:
			if (!ld(p, len, f->k, 1, &v))
				return 0;
			x = 4 * (v & 0xf);
			break;
		case BPF_MISC | BPF_TAX:
			x = a;
			break;
		case BPF_ALU | BPF_XOR | BPF_X:
			a ^= x;
			break;
		case BPF_ALU | BPF_RSH | BPF_K:
			a >>= f->k;
			break;
		case BPF_JMP | BPF_JA:
			pc += f->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == f->k ? f->jt : f->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += (a & f->k) != 0 ? f->jt : f->jf;
			break;
		case BPF_RET | BPF_K:
			return f->k;
		case BPF_RET | BPF_A:
			return a;
		default:
			bad_insn = true;
			return 0;
		}
	}
	bad_insn = true;		/* ran off the end */
	return 0;
}

static uint32_t
fold(uint32_t h)
{
	h ^= h >> 16;
	return h ^ (h >> 8);
}

/* An IPv4 header of hl bytes, protocol proto, fragment field frag. */
static size_t
ip4(uint8_t *p, unsigned int hl, uint8_t proto, uint16_t id, uint16_t frag,
    uint32_t src, uint32_t dst)
{
	memset(p, 0, hl);
	p[0] = (uint8_t)(0x40 | hl / 4);
	be_put16(p + 4, id);
	be_put16(p + 6, frag);
	p[8] = 64;
	p[9] = proto;
	be_put32(p + 12, src);
	be_put32(p + 16, dst);
	return hl;
}

static const uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, 1, 2, 3, 4,
    5, 6, 7, 8, 9, 10, 11, 12 };
static const uint8_t b6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xa0, 0xb0, 0xc0,
    0xd0, 0xe0, 0xf0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66 };

static size_t
ip6(uint8_t *p, uint8_t nxt)
{
	memset(p, 0, 40);
	p[0] = 0x60;
	p[6] = nxt;
	p[7] = 64;
	memcpy(p + 8, a6, 16);
	memcpy(p + 24, b6, 16);
	return 40;
}

static uint32_t
addr6_xor(void)
{
	uint32_t h = 0;
	int i;

	for (i = 0; i < 16; i += 4)
		h ^= be_get32(a6 + i) ^ be_get32(b6 + i);
	return h;
}

#define SRC	0x0a000001u
#define DST	0xc0a80102u

static void
test_not_ip(void)
{
	uint8_t p[28];

	memset(p, 0xa5, sizeof(p));
	CU_ASSERT_EQUAL(run(T_ARP, p, sizeof(p)), 0);
	CU_ASSERT_EQUAL(run(0x88b5, p, sizeof(p)), 0);
	CU_ASSERT_FALSE(bad_insn);
}

/* Whole IPv4 packets: addresses and ports, SPI, or addresses only. */
static void
test_ipv4_whole(void)
{
	uint8_t p[64];
	size_t h;

	h = ip4(p, 20, 17, 7, 0x4000, SRC, DST);	/* DF is no fragment */
	be_put32(p + h, 0x4e2a0009);			/* ports */
	CU_ASSERT_EQUAL(run(T_IP, p, h + 8), fold(SRC ^ DST ^ 0x4e2a0009));
	/* Options: the ports after them. */
	h = ip4(p, 24, 6, 7, 0, SRC, DST);
	be_put32(p + h, 0x12345678);
	CU_ASSERT_EQUAL(run(T_IP, p, h + 20), fold(SRC ^ DST ^ 0x12345678));
	h = ip4(p, 20, 50, 7, 0, SRC, DST);		/* ESP: the SPI */
	be_put32(p + h, 0xdeadbeef);
	CU_ASSERT_EQUAL(run(T_IP, p, h + 16), fold(SRC ^ DST ^ 0xdeadbeef));
	h = ip4(p, 20, 51, 7, 0, SRC, DST);		/* AH: the SPI */
	be_put32(p + h, 0x04040000);
	be_put32(p + h + 4, 0xcafe0001);
	CU_ASSERT_EQUAL(run(T_IP, p, h + 24), fold(SRC ^ DST ^ 0xcafe0001));
	h = ip4(p, 20, 1, 7, 0, SRC, DST);		/* ICMP */
	be_put32(p + h, 0x08001234);
	CU_ASSERT_EQUAL(run(T_IP, p, h + 8), fold(SRC ^ DST));
	/* Too short for its ports: member 0. */
	h = ip4(p, 20, 17, 7, 0, SRC, DST);
	CU_ASSERT_EQUAL(run(T_IP, p, h + 2), 0);
	CU_ASSERT_FALSE(bad_insn);
}

/* Every fragment of an IPv4 datagram alike: addresses and id. */
static void
test_ipv4_fragments(void)
{
	uint8_t p[64];
	uint32_t want = fold(SRC ^ DST ^ 0xbeef);
	size_t h;

	h = ip4(p, 20, 17, 0xbeef, 0x2000, SRC, DST);	/* first, MF */
	be_put32(p + h, 0x4e2a0009);
	CU_ASSERT_EQUAL(run(T_IP, p, h + 32), want);
	h = ip4(p, 20, 17, 0xbeef, 0x2000 | 150, SRC, DST);	/* middle */
	memset(p + h, 'f', 32);
	CU_ASSERT_EQUAL(run(T_IP, p, h + 32), want);
	h = ip4(p, 20, 17, 0xbeef, 300, SRC, DST);	/* last */
	CU_ASSERT_EQUAL(run(T_IP, p, h + 32), want);
	/* Another datagram of the flow: its own id. */
	h = ip4(p, 20, 17, 0xbeee, 300, SRC, DST);
	CU_ASSERT_NOT_EQUAL(run(T_IP, p, h + 32), want);
	CU_ASSERT_FALSE(bad_insn);
}

static void
test_ipv6(void)
{
	uint8_t p[96];
	uint32_t want;
	size_t h;

	h = ip6(p, 17);
	be_put32(p + h, 0x4e2a0009);
	CU_ASSERT_EQUAL(run(T_IPV6, p, h + 8),
	    fold(addr6_xor() ^ 0x4e2a0009));
	h = ip6(p, 50);
	be_put32(p + h, 0x1000abcd);
	CU_ASSERT_EQUAL(run(T_IPV6, p, h + 16),
	    fold(addr6_xor() ^ 0x1000abcd));
	h = ip6(p, 51);
	be_put32(p + h, 0x32040000);
	be_put32(p + h + 4, 0x2000abcd);
	CU_ASSERT_EQUAL(run(T_IPV6, p, h + 24),
	    fold(addr6_xor() ^ 0x2000abcd));
	h = ip6(p, 58);					/* ICMPv6 */
	be_put32(p + h, 0x87000000);
	CU_ASSERT_EQUAL(run(T_IPV6, p, h + 24), fold(addr6_xor()));
	h = ip6(p, 0);				/* hop-by-hop, then more */
	memset(p + h, 0x3a, 16);
	CU_ASSERT_EQUAL(run(T_IPV6, p, h + 16), fold(addr6_xor()));

	/* Fragments: the first (ports after it) and a later one alike. */
	want = fold(addr6_xor() ^ 0x01020304);
	h = ip6(p, 44);
	p[h] = 17;
	be_put16(p + h + 2, 1);				/* offset 0, M */
	be_put32(p + h + 4, 0x01020304);
	be_put32(p + h + 8, 0x4e2a0009);
	CU_ASSERT_EQUAL(run(T_IPV6, p, h + 16), want);
	be_put16(p + h + 2, 1232 << 3);			/* last */
	memset(p + h + 8, 'f', 8);
	CU_ASSERT_EQUAL(run(T_IPV6, p, h + 16), want);
	CU_ASSERT_FALSE(bad_insn);
}

/* Flows by source port over two members: both used. */
static void
test_spread(void)
{
	unsigned int used[2] = { 0, 0 }, used6[2] = { 0, 0 }, i;
	uint8_t p[64];
	size_t h;

	for (i = 0; i < 32; i++) {
		h = ip4(p, 20, 17, (uint16_t)i, 0, SRC, DST);
		be_put16(p + h, (uint16_t)(20000 + i));
		be_put16(p + h + 2, 9);
		used[run(T_IP, p, h + 8) % 2]++;
		h = ip6(p, 17);
		be_put16(p + h, (uint16_t)(20000 + i));
		be_put16(p + h + 2, 9);
		used6[run(T_IPV6, p, h + 8) % 2]++;
	}
	CU_ASSERT(used[0] >= 8 && used[1] >= 8);
	CU_ASSERT(used6[0] >= 8 && used6[1] >= 8);
	CU_ASSERT_FALSE(bad_insn);
}

/* Every jump lands inside the program, whose last instruction returns. */
static void
test_well_formed(void)
{
	const struct sock_filter *prog;
	size_t n, i;

	prog = if_wire_fanout_prog(&n);
	CU_ASSERT(n > 0 && n <= BPF_MAXINSNS);
	CU_ASSERT_EQUAL(BPF_CLASS(prog[n - 1].code), BPF_RET);
	for (i = 0; i < n; i++) {
		if (BPF_CLASS(prog[i].code) != BPF_JMP)
			continue;
		if (BPF_OP(prog[i].code) == BPF_JA) {
			CU_ASSERT(i + 1 + prog[i].k < n);
		} else {
			CU_ASSERT(i + 1 + prog[i].jt < n &&
			    i + 1 + prog[i].jf < n);
		}
	}
}

static const struct test_case fanout_cases[] = {
	{ "well formed", test_well_formed },
	{ "not IP: member 0", test_not_ip },
	{ "whole IPv4 packets", test_ipv4_whole },
	{ "IPv4 fragments alike", test_ipv4_fragments },
	{ "IPv6 packets and fragments", test_ipv6 },
	{ "flows spread over two members", test_spread },
	{ NULL, NULL },
};

const struct test_suite test_suites[] = {
	{ "if_wire_fanout", NULL, NULL, fanout_cases },
	{ NULL, NULL, NULL, NULL },
};
