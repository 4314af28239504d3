/*
 * ESP encapsulation and decapsulation throughput against OpenSSL's own
 * speed for the same algorithm and size, measured in the same run
 * (`openssl speed -evp ALG -bytes N -seconds 1`, read through popen).
 *
 * One packet buffer is reused for every packet: encapsulation resets the
 * buffer's pointers and rewrites the 20-byte IPv4 header in front of the
 * (now encrypted) payload, which is as good as plaintext for timing;
 * decapsulation copies the saved ESP packet back before each run of
 * esp_input (the receiving SA has no replay window, so one packet can be
 * taken again and again; the copy is included in the time).  Throughput
 * counts payload bytes (the inner packet), as OpenSSL counts its input.
 * For AES-CBC with HMAC-SHA256 the reference is OpenSSL's AES-128-CBC and
 * its HMAC-SHA256 (`openssl speed -hmac sha256`) one after the other, as
 * ESP does them: the stitched "aes-128-cbc-hmac-sha256" EVP cipher is
 * TLS-only and without TLS parameters skips the MAC, so it is no
 * reference.  The AH row (HMAC-SHA256, RFC 4868) goes through the same
 * loops with an AH SA; its reference is `openssl speed -hmac sha256` over
 * the same payload size (AH also MACs the 20-byte IP header and its own
 * 28 bytes, with the mutable fields zeroed, which OpenSSL's figure does
 * not count).  Each figure is the best of several runs.  The design
 * target: encap of AES-128-GCM at 1420 bytes at 0.8 of OpenSSL or better.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "net/pfkeyv2.h"
#include "sys/crypto/crypto.h"
#include "sys/net/pbuf.h"
#include "sys/netinet/in_cksum.h"
#include "sys/netipsec/esp_var.h"
#include "sys/netipsec/ipsec_xform.h"
#include "sys/netkey/key_sa.h"

#define RUNS		5
#define RUN_SECONDS	0.2

struct config {
	const char	*name;
	uint8_t		 satype;	/* SADB_SATYPE_ESP or _AH */
	uint8_t		 enc, auth;
	uint8_t		 ekeylen, akeylen;
	const char	*openssl;	/* openssl speed -evp name, or NULL */
	const char	*openssl_mac;	/* openssl speed -hmac, or NULL */
};

static const struct config configs[] = {
	{ "aes-128-gcm", SADB_SATYPE_ESP, SADB_X_EALG_AESGCM16, 0, 20, 0,
	    "aes-128-gcm", NULL },
	{ "aes-256-gcm", SADB_SATYPE_ESP, SADB_X_EALG_AESGCM16, 0, 36, 0,
	    "aes-256-gcm", NULL },
	{ "chacha20-poly1305", SADB_SATYPE_ESP, SADB_X_EALG_CHACHA20POLY1305,
	    0, 36, 0, "chacha20-poly1305", NULL },
	{ "aes-128-cbc+hmac-sha256", SADB_SATYPE_ESP, SADB_X_EALG_AESCBC,
	    SADB_X_AALG_SHA2_256, 16, 32, "aes-128-cbc", "sha256" },
	{ "ah hmac-sha256", SADB_SATYPE_AH, SADB_EALG_NONE,
	    SADB_X_AALG_SHA2_256, 0, 32, NULL, "sha256" },
};

static const size_t sizes[] = { 64, 512, 1420 };

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct ipsec_sa *
make_sa(const struct config *c)
{
	static const uint8_t key[64] = { 0x11, 0x22, 0x33, 0x44, 0x55 };
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct ipsec_sa *sa;

	sa = key_sa_alloc(c->satype, (struct sockaddr *)&a,
	    (struct sockaddr *)&a);
	if (sa == NULL)
		exit(1);
	sa->spi = htonl(0x4242);
	sa->state = SADB_SASTATE_MATURE;
	sa->alg_enc = c->enc;
	sa->alg_auth = c->auth;
	sa->flags = SADB_X_SAFLAGS_ESN;	/* never runs out of numbers */
	if (key_sa_set_key(&sa->key_enc, key, c->ekeylen * 8) != 0 ||
	    key_sa_set_key(&sa->key_auth, key + 32, c->akeylen * 8) != 0 ||
	    ipsec_xform_install(sa) != 0) {
		fprintf(stderr, "bench_esp: %s: esp_init failed\n", c->name);
		exit(1);
	}
	return sa;
}

/* An IPv4/UDP packet of size payload bytes in pb. */
static void
fill_packet(struct pbuf *pb, uint8_t *data0, size_t size)
{
	uint8_t *ip;

	pb->data = data0;
	pb->len = 0;
	ip = pbuf_put(pb, 20 + size);
	memset(ip, 0x5a, 20 + size);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	in_cksum_put(ip + 2, (uint16_t)(20 + size));
	ip[8] = 64;
	ip[9] = IPPROTO_UDP;
	in_cksum_put(ip + 10, in_cksum(ip, 20));
}

/* Payload bytes per second of esp_output over one reused buffer. */
static double
run_encap(struct ipsec_sa *sa, struct pbuf *pb, size_t size)
{
	uint8_t hdr[20], *data0 = pb->data;
	double t0, t, best = 0;
	unsigned long n;
	int r;

	fill_packet(pb, data0, size);
	memcpy(hdr, pb->data, 20);
	for (r = 0; r < RUNS; r++) {
		t0 = now();
		n = 0;
		do {
			for (int i = 0; i < 256; i++, n++) {
				pb->data = data0;
				pb->len = 20 + size;
				memcpy(data0, hdr, 20);
				if (ipsec_xform_output(sa, pb, 20, 9,
				    NULL) != IPSEC_PASS)
					exit(1);
			}
			t = now() - t0;
		} while (t < RUN_SECONDS);
		if ((double)n * size / t > best)
			best = (double)n * size / t;
	}
	pb->data = data0;
	return best;
}

static double
run_decap(struct ipsec_sa *tx, struct ipsec_sa *rx, struct pbuf *pb,
    size_t size)
{
	uint8_t *data0 = pb->data, *saved, *start, nxt;
	double t0, t, best = 0;
	unsigned long n;
	size_t len;
	int r;

	fill_packet(pb, data0, size);
	if (ipsec_xform_output(tx, pb, 20, 9, NULL) != IPSEC_PASS)
		exit(1);
	start = pb->data;
	len = pb->len;
	saved = malloc(len);
	memcpy(saved, start, len);
	for (r = 0; r < RUNS; r++) {
		t0 = now();
		n = 0;
		do {
			for (int i = 0; i < 256; i++, n++) {
				pb->data = start;
				pb->len = len;
				memcpy(start, saved, len);
				if (ipsec_xform_input(rx, pb, 20, 9, &nxt,
				    NULL) !=
				    IPSEC_PASS)
					exit(1);
			}
			t = now() - t0;
		} while (t < RUN_SECONDS);
		if ((double)n * size / t > best)
			best = (double)n * size / t;
	}
	free(saved);
	pb->data = data0;
	return best;
}

/* OpenSSL's figure in bytes per second, or 0 when it gives none. */
static double
openssl_speed(const char *what, const char *alg, size_t size)
{
	char cmd[256], line[512], last[512] = "";
	double k = 0;
	char *tok, *p;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "openssl speed %s %s -bytes %zu "
	    "-seconds 1 2>/dev/null", what, alg, size);
	f = popen(cmd, "r");
	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strchr(line, 'k') != NULL)
			strcpy(last, line);
	pclose(f);
	/* "AES-128-GCM    2533412.53k": the last number, in 1000 B/s. */
	p = strrchr(last, 'k');
	if (p == NULL)
		return 0;
	*p = '\0';
	tok = strrchr(last, ' ');
	if (tok != NULL)
		k = strtod(tok + 1, NULL);
	return k * 1000;
}

/* The reference for c: one pass, a MAC alone, or cipher then MAC. */
static double
reference(const struct config *c, size_t size)
{
	double a, b;

	if (c->openssl == NULL)
		return openssl_speed("-hmac", c->openssl_mac, size);
	a = openssl_speed("-evp", c->openssl, size);
	if (c->openssl_mac == NULL || a == 0)
		return a;
	b = openssl_speed("-hmac", c->openssl_mac, size);
	return b == 0 ? 0 : 1 / (1 / a + 1 / b);
}

int
main(void)
{
	struct pbuf_pool *pool;
	struct ipsec_sa *tx, *rx;
	double enc, dec, ossl;
	struct pbuf *pb;
	size_t i, j;

	if (crypto_init() != 0 || (pool = pbuf_pool_create(1, 0)) == NULL)
		return 1;
	pb = pbuf_alloc(pool, 1500);
	printf("%-24s %5s %10s %10s %10s %7s %7s\n", "algorithm", "bytes",
	    "encap MB/s", "decap MB/s", "openssl", "enc/ossl", "dec/ossl");
	for (i = 0; i < sizeof(configs) / sizeof(configs[0]); i++) {
		tx = make_sa(&configs[i]);
		rx = make_sa(&configs[i]);
		for (j = 0; j < sizeof(sizes) / sizeof(sizes[0]); j++) {
			enc = run_encap(tx, pb, sizes[j]);
			dec = run_decap(tx, rx, pb, sizes[j]);
			ossl = reference(&configs[i], sizes[j]);
			printf("%-24s %5zu %10.1f %10.1f %10.1f %7.2f %7.2f\n",
			    configs[i].name, sizes[j], enc / 1e6, dec / 1e6,
			    ossl / 1e6, ossl > 0 ? enc / ossl : 0,
			    ossl > 0 ? dec / ossl : 0);
			fflush(stdout);
		}
		key_sa_put(tx);
		key_sa_put(rx);
	}
	pbuf_free(pb);
	pbuf_pool_destroy(pool);
	crypto_fini();
	return 0;
}
