/*
 * IPComp compression and decompression throughput against zlib doing
 * the same raw deflate directly, in the same run and process: the same
 * payload, the same parameters (KAME's: window bits -12 and memLevel 9
 * out, the same output bound of payload minus header minus one; window
 * bits -15 in), streams reset per packet as the transform resets them.
 * The difference is what the transform adds: header insertion, the copy
 * of the result back into the packet, the checks.
 *
 * Every step starts from a saved copy of its packet (clear for
 * compression, compressed for decompression) copied into one reused
 * buffer; zlib's steps copy their input too.  Throughput counts the
 * uncompressed payload bytes.  Payloads are log-like text lines, which
 * deflate to about a third.  The four figures are measured in turn,
 * several times over, and each keeps its best, so that a busy moment on
 * a shared machine does not favour one of them.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zlib.h>

#include "net/pfkeyv2.h"
#include "sys/crypto/crypto.h"
#include "sys/net/net_endian.h"
#include "sys/net/pbuf.h"
#include "sys/netinet/in_cksum.h"
#include "sys/netipsec/ipcomp_var.h"
#include "sys/netkey/key_sa.h"

#define RUNS		5
#define RUN_SECONDS	0.2

static const size_t sizes[] = { 512, 1420, 8000 };

static uint8_t payload[8192];

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
make_payload(void)
{
	size_t n = 0;
	unsigned i;
	int len;

	for (i = 0; n < sizeof(payload); i++) {
		char line[80];

		len = snprintf(line, sizeof(line), "%u GET /index-%u.html "
		    "HTTP/1.1 200 %u bytes\n", i * 7919 % 10007, i % 97,
		    i * 31 % 4096);
		memcpy(payload + n, line, (size_t)len < sizeof(payload) - n ?
		    (size_t)len : sizeof(payload) - n);
		n += (size_t)len;
	}
}

static struct ipsec_sa *
make_sa(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct ipsec_sa *sa;

	sa = key_sa_alloc(SADB_X_SATYPE_IPCOMP, (struct sockaddr *)&a,
	    (struct sockaddr *)&a);
	if (sa == NULL)
		exit(1);
	sa->spi = htonl(0x4242);
	sa->state = SADB_SASTATE_MATURE;
	sa->alg_enc = SADB_X_CALG_DEFLATE;
	if (ipsec_xform_install(sa) != 0) {
		fprintf(stderr, "bench_ipcomp: install failed\n");
		exit(1);
	}
	return sa;
}

static void
fill_packet(struct pbuf *pb, uint8_t *data0, size_t size)
{
	uint8_t *ip;

	pb->data = data0;
	pb->len = 0;
	ip = pbuf_put(pb, 20 + size);
	memset(ip, 0, 20);
	memcpy(ip + 20, payload, size);
	ip[0] = 0x45;
	be_put16(ip + 2, (uint16_t)(20 + size));
	ip[8] = 64;
	ip[9] = IPPROTO_UDP;
	be_put16(ip + 10, in_cksum(ip, 20));
}

/*
 * One timed run of RUN_SECONDS: payload bytes per second of what one
 * call of step does to a packet.
 */
struct bench {
	struct ipsec_sa	*sa;
	struct pbuf	*pb;
	uint8_t		*data0;		/* where the packet starts */
	uint8_t		*saved;		/* the packet a step starts from */
	size_t		 len;
	size_t		 size;		/* payload bytes */
	z_stream	 def, inf;
	uint8_t		 comp[8192];	/* zlib's deflate of the payload */
	size_t		 clen;
};

typedef void (*step_fn)(struct bench *b);

static uint8_t scratch[65536];

static void
step_comp(struct bench *b)
{
	int why;

	b->pb->data = b->data0;
	b->pb->len = b->len;
	memcpy(b->data0, b->saved, b->len);
	if (ipcomp_output(b->sa, b->pb, 20, 9, &why) != IPSEC_PASS ||
	    b->pb->data[9] != IPPROTO_COMP)
		exit(1);
}

static void
step_decomp(struct bench *b)
{
	uint8_t nxt;
	int why;

	b->pb->data = b->data0;
	b->pb->len = b->len;
	memcpy(b->data0, b->saved, b->len);
	if (ipcomp_input(b->sa, b->pb, 20, 9, &nxt, &why) != IPSEC_PASS ||
	    b->pb->len != 20 + b->size)
		exit(1);
}

/* zlib alone, from a copy of the same bytes, into a buffer. */
static void
step_zdef(struct bench *b)
{
	memcpy(scratch, payload, b->size);
	deflateReset(&b->def);
	b->def.next_in = scratch;
	b->def.avail_in = (uInt)b->size;
	b->def.next_out = scratch + 32768;
	b->def.avail_out = (uInt)b->size - IPCOMP_HLENGTH - 1;
	if (deflate(&b->def, Z_FINISH) != Z_STREAM_END)
		exit(1);
}

static void
step_zinf(struct bench *b)
{
	memcpy(scratch, b->comp, b->clen);
	inflateReset(&b->inf);
	b->inf.next_in = scratch;
	b->inf.avail_in = (uInt)b->clen;
	b->inf.next_out = scratch + 16384;
	b->inf.avail_out = 65535 - 20;
	if (inflate(&b->inf, Z_FINISH) != Z_STREAM_END)
		exit(1);
}

static double
run(struct bench *b, step_fn step)
{
	double t0 = now(), t;
	unsigned long n = 0;

	do {
		for (int i = 0; i < 64; i++, n++)
			step(b);
		t = now() - t0;
	} while (t < RUN_SECONDS);
	return (double)n * b->size / t;
}

/* The packets a step starts from: clear (comp) or compressed (decomp). */
static void
setup(struct bench *b, size_t size, uint8_t *clear, uint8_t *comp,
    size_t *complen)
{
	int why;

	b->size = size;
	fill_packet(b->pb, b->data0, size);
	memcpy(clear, b->pb->data, b->pb->len);
	b->len = b->pb->len;
	if (ipcomp_output(b->sa, b->pb, 20, 9, &why) != IPSEC_PASS)
		exit(1);
	*complen = b->pb->len;
	memcpy(comp, b->pb->data, b->pb->len);
	b->clen = b->pb->len - 20 - IPCOMP_HLENGTH;
	memcpy(b->comp, b->pb->data + 20 + IPCOMP_HLENGTH, b->clen);
	b->pb->data = b->data0;
}

int
main(void)
{
	static uint8_t clear[65536], comp[65536];
	static const step_fn steps[4] = {
		step_comp, step_decomp, step_zdef, step_zinf,
	};
	double best[4], v;
	struct pbuf_pool *pool;
	struct bench b;
	size_t j, clen;
	int r, k;

	make_payload();
	memset(&b, 0, sizeof(b));
	if (crypto_init() != 0 || (pool = pbuf_pool_create(0, 1)) == NULL)
		return 1;
	if (deflateInit2(&b.def, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -12, 9,
	    Z_DEFAULT_STRATEGY) != Z_OK || inflateInit2(&b.inf, -15) != Z_OK)
		return 1;
	b.pb = pbuf_alloc(pool, 20 + sizeof(payload));
	b.data0 = b.pb->data;
	b.sa = make_sa();
	printf("%-24s %5s %10s %10s %10s %10s %7s %7s\n", "algorithm",
	    "bytes", "comp MB/s", "decmp MB/s", "zlib def", "zlib inf",
	    "c/zlib", "d/zlib");
	for (j = 0; j < sizeof(sizes) / sizeof(sizes[0]); j++) {
		setup(&b, sizes[j], clear, comp, &clen);
		memset(best, 0, sizeof(best));
		/* Interleaved, so that a busy moment hits every figure. */
		for (r = 0; r < RUNS; r++)
			for (k = 0; k < 4; k++) {
				b.saved = k == 1 ? comp : clear;
				b.len = k == 1 ? clen : 20 + sizes[j];
				v = run(&b, steps[k]);
				if (v > best[k])
					best[k] = v;
			}
		printf("%-24s %5zu %10.1f %10.1f %10.1f %10.1f %7.2f %7.2f\n",
		    "ipcomp-deflate", sizes[j], best[0] / 1e6, best[1] / 1e6,
		    best[2] / 1e6, best[3] / 1e6, best[0] / best[2],
		    best[1] / best[3]);
		fflush(stdout);
	}
	deflateEnd(&b.def);
	inflateEnd(&b.inf);
	key_sa_put(b.sa);
	pbuf_free(b.pb);
	pbuf_pool_destroy(pool);
	crypto_fini();
	return 0;
}
