/*
 * TUN receive coalescing (sys/net/if_tun_gro.c) against a naive model of
 * what may be merged: segments are built here from a flow description,
 * written through the coalescer into a recorder (the TUN's place), and
 * each super-packet is checked the way the kernel takes it: the partial
 * checksum completed from csum_start must give a TCP checksum that
 * verifies, the headers must be the first segment's with the lengths of
 * the whole, and the payload must be the segments' payloads end to end.
 * Every rule that stops a merge (sequence gap, changed TTL, TOS,
 * options or flags, a bad checksum, a short segment, PSH, 64 KiB) is
 * tried, and random streams check that the bytes delivered, whatever
 * the grouping, are the bytes sent, in order.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "sys/net/if_tun_gro.h"
#include "sys/net/net_endian.h"
#include "sys/netinet/in_cksum.h"

#define OUT_MAX		256

static struct {
	size_t			n;
	struct virtio_net_hdr	vh[OUT_MAX];
	size_t			len[OUT_MAX];
	uint8_t			*pkt[OUT_MAX];
} out;

static int
record(void *arg, const struct virtio_net_hdr *vh, const uint8_t *pkt,
    size_t len)
{
	(void)arg;
	if (out.n == OUT_MAX)
		return -1;
	out.vh[out.n] = *vh;
	out.pkt[out.n] = malloc(len);
	memcpy(out.pkt[out.n], pkt, len);
	out.len[out.n++] = len;
	return 0;
}

static void
out_reset(void)
{
	while (out.n > 0)
		free(out.pkt[--out.n]);
}

/* One flow's segment template. */
struct seg {
	bool		v6;
	uint32_t	seq;
	uint16_t	id;
	uint8_t		ttl, tos, flags;
	bool		ts;		/* timestamp option */
	uint32_t	tsval;
	size_t		plen;
	uint8_t		fill;		/* payload byte base */
	bool		badsum;
};

/* Build seg into p; its length. */
static size_t
seg_build(uint8_t *p, const struct seg *s)
{
	size_t ip = s->v6 ? 40 : 20, th = s->ts ? 32 : 20, i;
	uint8_t *tcp = p + ip;

	memset(p, 0, ip + th);
	if (s->v6) {
		p[0] = 0x60 | (s->tos >> 4);
		p[1] = (uint8_t)(s->tos << 4);
		be_put16(p + 4, (uint16_t)(th + s->plen));
		p[6] = 6;
		p[7] = s->ttl;
		inet_pton(AF_INET6, "fd00::1", p + 8);
		inet_pton(AF_INET6, "fd00::2", p + 24);
	} else {
		p[0] = 0x45;
		p[1] = s->tos;
		be_put16(p + 2, (uint16_t)(ip + th + s->plen));
		be_put16(p + 4, s->id);
		p[6] = 0x40;
		p[8] = s->ttl;
		p[9] = 6;
		inet_pton(AF_INET, "10.0.0.1", p + 12);
		inet_pton(AF_INET, "10.0.0.2", p + 16);
		be_put16(p + 10, in_cksum(p, 20));
	}
	be_put16(tcp, (uint16_t)(40000 + s->fill));
	be_put16(tcp + 2, 5201);
	tcp[4] = (uint8_t)(s->seq >> 24);
	tcp[5] = (uint8_t)(s->seq >> 16);
	tcp[6] = (uint8_t)(s->seq >> 8);
	tcp[7] = (uint8_t)s->seq;
	tcp[11] = 1;
	tcp[12] = (uint8_t)((th / 4) << 4);
	tcp[13] = s->flags;
	be_put16(tcp + 14, 512);
	if (s->ts) {
		memcpy(tcp + 20, "\x01\x01\x08\x0a", 4);
		tcp[24] = (uint8_t)(s->tsval >> 24);
		tcp[27] = (uint8_t)s->tsval;
	}
	for (i = 0; i < s->plen; i++)
		tcp[th + i] = (uint8_t)(s->fill + s->seq + i);
	be_put16(tcp + 16, in_cksum_upper(s->v6 ? AF_INET6 : AF_INET,
	    p + (s->v6 ? 8 : 12), p + (s->v6 ? 24 : 16), 6, tcp,
	    (uint32_t)(th + s->plen)));
	if (s->badsum)
		tcp[16] ^= 1;
	return ip + th + s->plen;
}

static void
send_seg(struct tun_gro *g, const struct seg *s)
{
	static uint8_t p[2048];

	CU_ASSERT(tun_gro_output(g, p, seg_build(p, s)) == 0);
}

/*
 * Check packet k of out as the kernel would take it; the payload bytes in
 * *plen.  Super-packets have their partial checksum completed here.
 */
static void
check_out(size_t k, bool v6, size_t *plen)
{
	uint8_t *p = out.pkt[k];
	const struct virtio_net_hdr *vh = &out.vh[k];
	size_t ip = v6 ? 40 : 20, len = out.len[k], th;

	th = (size_t)(p[ip + 12] >> 4) * 4;
	if (v6)
		CU_ASSERT_EQUAL(be_get16(p + 4) + 40, len)
	else {
		CU_ASSERT_EQUAL(be_get16(p + 2), len);
		CU_ASSERT_EQUAL(in_cksum(p, 20), 0);
	}
	if (vh->gso_type != VIRTIO_NET_HDR_GSO_NONE) {
		CU_ASSERT_EQUAL(vh->gso_type, v6 ? VIRTIO_NET_HDR_GSO_TCPV6 :
		    VIRTIO_NET_HDR_GSO_TCPV4);
		CU_ASSERT_EQUAL(vh->flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
		CU_ASSERT_EQUAL(vh->csum_start, ip);
		CU_ASSERT_EQUAL(vh->csum_offset, 16);
		CU_ASSERT_EQUAL(vh->hdr_len, ip + th);
		CU_ASSERT_FATAL(vh->gso_size > 0);
		be_put16(p + ip + 16, in_cksum_fold(in_cksum_add(0,
		    p + ip, len - ip)));
	} else
		CU_ASSERT_EQUAL(vh->flags, 0);
	CU_ASSERT_EQUAL(in_cksum_upper(v6 ? AF_INET6 : AF_INET,
	    p + (v6 ? 8 : 12), p + (v6 ? 24 : 16), 6, p + ip,
	    (uint32_t)(len - ip)), 0);
	*plen = len - ip - th;
}

static struct seg
seg_default(bool v6)
{
	struct seg s = {
		.v6 = v6, .seq = 1000, .id = 7, .ttl = 64, .flags = 0x10,
		.ts = true, .tsval = 5, .plen = 1200, .fill = 3,
	};

	return s;
}

static void
merge_run(bool v6)
{
	struct tun_gro *g = tun_gro_create(record, NULL);
	struct seg s = seg_default(v6);
	size_t plen;
	int i;

	CU_ASSERT_FATAL(g != NULL);
	for (i = 0; i < 10; i++) {
		s.flags = i == 9 ? 0x18 : 0x10;	/* PSH on the last */
		send_seg(g, &s);
		s.seq += (uint32_t)s.plen;
		s.id++;
	}
	/* PSH ended it at once: no flush needed. */
	CU_ASSERT_EQUAL_FATAL(out.n, 1);
	check_out(0, v6, &plen);
	CU_ASSERT_EQUAL(plen, 10 * 1200);
	CU_ASSERT_EQUAL(out.vh[0].gso_size, 1200);
	CU_ASSERT(out.pkt[0][(v6 ? 40 : 20) + 13] == 0x18);
	CU_ASSERT_EQUAL(tun_gro_stats(g)->merged, 9);
	CU_ASSERT_EQUAL(tun_gro_stats(g)->written, 1);
	out_reset();
	tun_gro_destroy(g);
}

static void
test_merge(void)
{
	merge_run(false);
	merge_run(true);
}

/*
 * After two good segments, segment b (changed by fn) must not be merged:
 * three packets come out (a pair, then b alone after the flush) or b
 * went straight out.
 */
static void
refuse(void (*fn)(struct seg *), const char *what)
{
	struct tun_gro *g = tun_gro_create(record, NULL);
	struct seg s = seg_default(false);
	size_t plen, total = 0, k;

	CU_ASSERT_FATAL(g != NULL);
	send_seg(g, &s);
	s.seq += 1200;
	s.id++;
	send_seg(g, &s);
	s.seq += 1200;
	s.id++;
	fn(&s);
	send_seg(g, &s);
	tun_gro_flush(g);
	if (out.n != 2)
		fprintf(stderr, "refuse %s: %zu packets\n", what, out.n);
	CU_ASSERT_EQUAL_FATAL(out.n, 2);
	CU_ASSERT_EQUAL(tun_gro_stats(g)->merged, 1);
	/* The pair merged; the refused segment left on its own, intact. */
	for (k = 0; k < out.n; k++)
		if (!s.badsum || k == 0) {
			check_out(k, false, &plen);
			total += plen;
		}
	CU_ASSERT_EQUAL(total, 2400 + (s.badsum ? 0 : s.plen));
	CU_ASSERT_EQUAL(out.vh[0].gso_size, 1200);
	out_reset();
	tun_gro_destroy(g);
}

static void
gap(struct seg *s)
{
	s->seq += 1;
}

static void
ttl(struct seg *s)
{
	s->ttl = 63;
}

static void
tos(struct seg *s)
{
	s->tos = 3;
}

static void
tsval(struct seg *s)
{
	s->tsval = 6;
}

static void
noopt(struct seg *s)
{
	s->ts = false;
}

static void
fin(struct seg *s)
{
	s->flags = 0x11;
}

static void
ece(struct seg *s)
{
	s->flags = 0x50;
}

static void
badsum(struct seg *s)
{
	s->badsum = true;
}

static void
bigger(struct seg *s)
{
	s->plen = 1300;
}

static void
badid(struct seg *s)
{
	s->id += 5;
}

static void
empty(struct seg *s)
{
	s->plen = 0;
}

static void
test_refuse(void)
{
	refuse(gap, "sequence gap");
	refuse(ttl, "ttl");
	refuse(tos, "tos");
	refuse(tsval, "timestamp");
	refuse(noopt, "options");
	refuse(fin, "fin");
	refuse(ece, "ece");
	refuse(badsum, "checksum");
	refuse(bigger, "longer than gso_size");
	refuse(badid, "ip id");
	refuse(empty, "pure ack");
}

/* A short segment ends the super-packet; the next starts another. */
static void
test_short_and_bound(void)
{
	struct tun_gro *g = tun_gro_create(record, NULL);
	struct seg s = seg_default(false);
	size_t plen, total = 0, k;
	int i;

	CU_ASSERT_FATAL(g != NULL);
	s.plen = 1400;
	for (i = 0; i < 60; i++) {
		s.plen = i == 20 ? 100 : 1400;
		send_seg(g, &s);
		s.seq += (uint32_t)s.plen;
		s.id++;
	}
	tun_gro_flush(g);
	/*
	 * 21 segments up to the short one; then 39 more, of which 64 KiB
	 * holds 46 (52 + 1400 * 46 <= 65535): one or two super-packets.
	 */
	CU_ASSERT(out.n >= 2 && out.n <= 3);
	for (k = 0; k < out.n; k++) {
		check_out(k, false, &plen);
		CU_ASSERT(out.len[k] <= 65535);
		total += plen;
	}
	CU_ASSERT_EQUAL(total, 59 * 1400 + 100);
	out_reset();
	tun_gro_destroy(g);
}

/*
 * Random streams of several interleaved flows with random defects: the
 * payload bytes of each flow, read back from what was written, must be
 * the bytes sent in order (sequence numbers and payload pattern).
 */
static void
test_random_streams(void)
{
	struct tun_gro *g = tun_gro_create(record, NULL);
	struct seg s[3];
	uint32_t expect[3];
	size_t k, plen, th;
	int i, f;

	CU_ASSERT_FATAL(g != NULL);
	srandom(13);
	for (f = 0; f < 3; f++) {
		s[f] = seg_default(f == 2);
		s[f].seq = (uint32_t)random();
		s[f].fill = (uint8_t)f;
		s[f].ttl = (uint8_t)(60 + f);
		expect[f] = s[f].seq;
	}
	for (i = 0; i < 2000; i++) {
		f = (int)(random() % 3);
		s[f].flags = random() % 10 == 0 ? 0x18 : 0x10;
		s[f].plen = random() % 8 == 0 ? (size_t)(random() % 1200) :
		    1200;
		send_seg(g, &s[f]);
		s[f].seq += (uint32_t)s[f].plen;
		s[f].id++;
		if (random() % 50 == 0)
			tun_gro_flush(g);
		if (out.n > OUT_MAX - 8) {
			tun_gro_flush(g);
			goto check;
		}
		continue;
check:
		for (k = 0; k < out.n; k++) {
			uint8_t *p = out.pkt[k], ttl8;
			bool v6 = (p[0] >> 4) == 6;
			size_t ip = v6 ? 40 : 20, j;
			uint32_t seq;

			check_out(k, v6, &plen);
			ttl8 = v6 ? p[7] : p[8];
			f = ttl8 - 60;
			CU_ASSERT_FATAL(f >= 0 && f < 3);
			seq = (uint32_t)p[ip + 4] << 24 |
			    (uint32_t)p[ip + 5] << 16 |
			    (uint32_t)p[ip + 6] << 8 | p[ip + 7];
			CU_ASSERT_EQUAL_FATAL(seq, expect[f]);
			th = (size_t)(p[ip + 12] >> 4) * 4;
			for (j = 0; j < plen; j++)
				if (p[ip + th + j] != (uint8_t)(f + seq + j))
					break;
			CU_ASSERT_EQUAL(j, plen);
			expect[f] += (uint32_t)plen;
		}
		out_reset();
	}
	tun_gro_flush(g);
	out_reset();
	CU_ASSERT(tun_gro_stats(g)->merged > 1000);
	tun_gro_destroy(g);
}

static const struct test_case gro_cases[] = {
	{ "ten segments into one super-packet, both families", test_merge },
	{ "what stops a merge", test_refuse },
	{ "a short segment and the 64 KiB bound", test_short_and_bound },
	{ "random interleaved streams deliver their bytes in order",
	    test_random_streams },
	{ NULL, NULL }
};

const struct test_suite test_suites[] = {
	{ "tun_gro", NULL, NULL, gro_cases },
	{ NULL, NULL, NULL, NULL }
};
