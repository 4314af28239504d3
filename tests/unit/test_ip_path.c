/*
 * Known answers through the socket manager's real packet path: SAs and
 * policies are installed by PF_KEY messages (a setkey script run through
 * libipsec's parser into an in-process PF_KEY socket), the host's packet
 * enters ip_path_from_host(), and what the wire driver receives must be
 * the full ESP packet of RFC 3602 (cases 5-8), draft-mcgrew-gcm-test-01
 * and RFC 7634 byte for byte (the ESP test hook fixes the IV and the
 * sequence number).  That packet, handed to ip_path_from_wire(), must
 * reach the host driver as the original, and a second copy must be
 * refused as a replay.
 *
 * The GCM and ChaCha20 vectors start at the SPI and their plaintexts are
 * synthetic; as in test_esp_kat.c they travel in transport mode behind an
 * IPv4 header whose protocol is the vector's next header.  RFC 3602's
 * tunnel cases are sent as the inner packet under a tunnel policy; the
 * outer header the policy engine builds is compared field by field
 * except for its identification (random, RFC 7739) and checksum (which
 * must verify).
 */
#include <arpa/inet.h>
#include <string.h>

#include <jansson.h>

#include "net/pfkeyv2.h"
#include "sys/net/net_endian.h"
#include "sys/net/net_event.h"
#include "sys/net/netif.h"
#include "sys/net/pbuf.h"
#include "sys/netinet/in_cksum.h"
#include "sys/netinet/ip_hdr.h"
#include "sys/netinet/ip_path.h"
#include "sys/netipsec/esp_var.h"
#include "sys/netipsec/replay.h"
#include "sys/netkey/key_msg_spd.h"
#include "sys/netkey/key_sad.h"
#include "sys/netkey/key_spd.h"
#include "tests/unit/ip_path_cap.h"
#include "tests/unit/key_sa_client.h"
#include "tests/unit/testlib.h"

static struct pbuf_pool *pool;
static struct ip_path *path;

static int
suite_init(void)
{
	if (sa_suite_init() != 0)
		return -1;
	key_msg_spd_init();
	if ((pool = pbuf_pool_create(64, 4)) == NULL ||
	    (path = ipc_path_create(pool)) == NULL)
		return -1;
	return 0;
}

static int
suite_fini(void)
{
	ip_path_destroy(path);
	pbuf_pool_destroy(pool);
	key_msg_spd_fini();
	key_spd_fini();
	return sa_suite_fini();
}

static const char *
hexstr(json_t *obj, const char *name)
{
	const char *s = json_string_value(json_object_get(obj, name));

	return s != NULL ? s : "";
}

static uint64_t
hexnum(json_t *obj, const char *name)
{
	return strtoull(hexstr(obj, name), NULL, 16);
}

/*
 * One vector: the SA and policies of script, the host's packet in, and
 * the ESP packet want expected from byte off of the wire packet on.
 */
struct kat {
	const char	*id;
	char		 script[2048];
	const char	*dst;		/* SA destination */
	uint32_t	 spi;
	uint64_t	 seq;
	uint8_t		*iv;
	uint8_t		*in;
	size_t		 inlen;
	uint8_t		*want;
	size_t		 wantlen;
	size_t		 off;
	bool		 tunnel;
	uint8_t		 outer[20];	/* tunnel: header to compare */
};

/*
 * Fix the SA's next IV and sequence number and open its window just
 * below (the SAD's lookup lends the SA without a reference).
 */
static void
kat_prepare(const struct kat *k)
{
	union ip_sockaddr dst;
	struct ipsec_sa *sa;

	memset(&dst, 0, sizeof(dst));
	dst.sin.sin_family = AF_INET;
	CU_ASSERT_FATAL(inet_pton(AF_INET, k->dst, &dst.sin.sin_addr) == 1);
	sa = key_sad_lookup(&dst.sa, IPPROTO_ESP, htonl(k->spi));
	CU_ASSERT_PTR_NOT_NULL_FATAL(sa);
	if (ipsec_xform_of(sa) == NULL)
		CU_ASSERT_EQUAL_FATAL(ipsec_xform_install(sa), 0);
	esp_test_set_output(sa, k->iv, k->seq);
	ipsec_replay_reset(ipsec_xform_of(sa)->replay, k->seq - 1);
}

/* The outer header: as printed but for identification and checksum. */
static void
kat_check_outer(const struct kat *k, const uint8_t *got)
{
	static const size_t same[] = { 0, 1, 2, 3, 9, 12, 13, 14, 15, 16,
	    17, 18, 19 };
	size_t i;

	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++)
		CU_ASSERT_EQUAL(got[same[i]], k->outer[same[i]]);
	CU_ASSERT_EQUAL(in_cksum(got, 20), 0);
}

static void
kat_run(const struct kat *k)
{
	uint64_t replays;

	sa_apply_script(k->script);
	kat_prepare(k);
	ipc_clear();
	ip_path_from_host(path, ipc_packet(pool, k->in, k->inlen));
	CU_ASSERT_EQUAL_FATAL(ipc_wire.n, 1);
	CU_ASSERT_EQUAL(ipc_wire.len[0], k->off + k->wantlen);
	if (ipc_wire.len[0] != k->off + k->wantlen ||
	    memcmp(ipc_wire.pkt[0] + k->off, k->want, k->wantlen) != 0) {
		CU_FAIL("wire packet differs from the vector");
		fprintf(stderr, "%s: wire packet differs\n", k->id);
	}
	if (k->tunnel)
		kat_check_outer(k, ipc_wire.pkt[0]);
	ip_path_from_wire(path, ipc_packet(pool, ipc_wire.pkt[0],
	    ipc_wire.len[0]));
	CU_ASSERT_EQUAL_FATAL(ipc_host.n, 1);
	CU_ASSERT(ipc_host.len[0] == k->inlen &&
	    memcmp(ipc_host.pkt[0], k->in, k->inlen) == 0);
	replays = net_counter_sum(&espstat_counters, ESPS_REPLAY);
	ip_path_from_wire(path, ipc_packet(pool, ipc_wire.pkt[0],
	    ipc_wire.len[0]));
	CU_ASSERT_EQUAL(ipc_host.n, 1);
	CU_ASSERT_EQUAL(net_counter_sum(&espstat_counters, ESPS_REPLAY),
	    replays + 1);
}

static void
kat_free(struct kat *k)
{
	free(k->iv);
	free(k->in);
	free(k->want);
}

static void
addr_text(const uint8_t *p, char *buf)
{
	inet_ntop(AF_INET, p, buf, INET_ADDRSTRLEN);
}

/* RFC 3602 case: transport as printed, tunnel under a tunnel policy. */
static void
kat_rfc3602(struct kat *k, json_t *v, char *dst)
{
	char src[INET_ADDRSTRLEN], isrc[INET_ADDRSTRLEN],
	    idst[INET_ADDRSTRLEN];
	const char *mode = hexstr(v, "mode");
	size_t ivlen;

	k->id = hexstr(v, "id");
	k->spi = (uint32_t)hexnum(v, "spi");
	k->seq = json_integer_value(json_object_get(v, "sequence_number"));
	k->iv = test_vector_hex(v, "iv", &ivlen);
	k->want = test_vector_hex(v, "esp_packet", &k->wantlen);
	k->in = test_vector_hex(v, "original_packet", &k->inlen);
	addr_text(k->want + 12, src);
	addr_text(k->want + 16, dst);
	addr_text(k->in + 12, isrc);
	addr_text(k->in + 16, idst);
	k->dst = dst;
	if (strcmp(mode, "tunnel") == 0) {
		snprintf(k->script, sizeof(k->script),
		    "flush; spdflush;\n"
		    "add %s %s esp 0x%x -m tunnel -r 8 -E aes-cbc 0x%s;\n"
		    "spdadd %s %s any -P out ipsec esp/tunnel/%s-%s/require;\n"
		    "spdadd %s %s any -P in ipsec esp/tunnel/%s-%s/require;\n",
		    src, dst, k->spi, hexstr(v, "key"), isrc, idst, src, dst,
		    isrc, idst, src, dst);
		k->tunnel = true;
		memcpy(k->outer, k->want, sizeof(k->outer));
		k->off = 20;
		k->wantlen -= 20;
		memmove(k->want, k->want + 20, k->wantlen);
	} else
		snprintf(k->script, sizeof(k->script),
		    "flush; spdflush;\n"
		    "add %s %s esp 0x%x -m transport -r 8 -E aes-cbc 0x%s;\n"
		    "spdadd %s %s any -P out ipsec esp/transport//require;\n"
		    "spdadd %s %s any -P in ipsec esp/transport//require;\n",
		    src, dst, k->spi, hexstr(v, "key"), src, dst, src, dst);
}

static void
test_rfc3602(void)
{
	json_t *root = test_vector_load("rfc3602.json"), *v;
	char dst[INET_ADDRSTRLEN];
	size_t i, n = 0;
	struct kat k;

	json_array_foreach(json_object_get(root, "esp_packet_vectors"), i, v) {
		memset(&k, 0, sizeof(k));
		kat_rfc3602(&k, v, dst);
		kat_run(&k);
		kat_free(&k);
		n++;
	}
	CU_ASSERT_EQUAL(n, 4);
	json_decref(root);
}

/*
 * An AEAD vector in transport mode: its plaintext without the trailer
 * behind a 20-byte IPv4 header 192.0.2.1 -> 192.0.2.2 whose protocol is
 * the vector's next header.  Returns false for a plaintext that is not
 * a valid datagram of that protocol (too short for its header), which
 * the path refuses before IPsec as any host would.
 */
static bool
kat_aead(struct kat *k, json_t *v, const char *alg, const char *ptname,
    const char *pktname)
{
	size_t ptlen, body, ivlen;
	uint8_t *pt;

	k->id = hexstr(v, "id");
	k->spi = (uint32_t)hexnum(v, "spi");
	k->seq = hexnum(v, "seq");
	k->iv = test_vector_hex(v, "iv", &ivlen);
	k->want = test_vector_hex(v, pktname, &k->wantlen);
	k->dst = "192.0.2.2";
	k->off = 20;
	pt = test_vector_hex(v, ptname, &ptlen);
	body = ptlen - 2 - pt[ptlen - 2];
	k->inlen = 20 + body;
	k->in = calloc(1, k->inlen);
	k->in[0] = 0x45;
	k->in[2] = (uint8_t)(k->inlen >> 8);
	k->in[3] = (uint8_t)k->inlen;
	k->in[8] = 64;
	k->in[9] = pt[ptlen - 1];
	memcpy(k->in + 12, "\xc0\x00\x02\x01\xc0\x00\x02\x02", 8);
	be_put16(k->in + 10, in_cksum(k->in, 20));
	memcpy(k->in + 20, pt, body);
	free(pt);
	snprintf(k->script, sizeof(k->script),
	    "flush; spdflush;\n"
	    "add 192.0.2.1 192.0.2.2 esp 0x%x -m transport -r 8 %s"
	    "-E %s 0x%s;\n"
	    "spdadd 192.0.2.1 192.0.2.2 any -P out ipsec "
	    "esp/transport//require;\n"
	    "spdadd 192.0.2.1 192.0.2.2 any -P in ipsec "
	    "esp/transport//require;\n", k->spi,
	    json_is_true(json_object_get(v, "esn")) ? "-esn " : "", alg,
	    hexstr(v, "keymat"));
	/*
	 * SPIs 0-255 are reserved (RFC 4303 section 2.1): no SA can have
	 * one.  ICMP needs 8 bytes, UDP 8, TCP 20; others nothing.
	 */
	if (k->spi < 256)
		return false;
	if ((k->in[9] == IPPROTO_ICMP || k->in[9] == IPPROTO_UDP) &&
	    body < 8)
		return false;
	return !(k->in[9] == IPPROTO_TCP && body < 20);
}

static void
kat_aead_file(const char *file, const char *pktname, size_t *np,
    size_t *nskip)
{
	json_t *root = test_vector_load(file), *v;
	const char *alg, *a;
	size_t i;
	struct kat k;

	json_array_foreach(json_object_get(root, "vectors"), i, v) {
		if (json_object_get(v, "spi") == NULL)
			continue;	/* RFC 7634 B: IKEv2, not ESP */
		memset(&k, 0, sizeof(k));
		a = hexstr(v, "algorithm");
		alg = strcmp(file, "rfc7634.json") == 0 ?
		    "chacha20-poly1305" : strstr(a, "GMAC") != NULL ?
		    "aes-gmac" : "aes-gcm-16";
		if (kat_aead(&k, v, alg, strcmp(alg, "aes-gmac") == 0 ?
		    "esp_payload_cleartext" : "plaintext", pktname)) {
			kat_run(&k);
			(*np)++;
		} else
			(*nskip)++;
		kat_free(&k);
	}
	json_decref(root);
}

static void
test_gcm(void)
{
	size_t n = 0, skipped = 0;

	kat_aead_file("gcm-esp.json", "esp_packet", &n, &skipped);
	CU_ASSERT_EQUAL(n + skipped, 17);
	CU_ASSERT_EQUAL(n, 15);	/* gcm-04: SPI 0; gcm-12: empty ICMP */
}

static void
test_rfc7634(void)
{
	size_t n = 0, skipped = 0;

	kat_aead_file("rfc7634.json", "esp_from_spi", &n, &skipped);
	CU_ASSERT_EQUAL(n, 1);
}

static const struct test_case kat_cases[] = {
	{ "RFC 3602 ESP packets through the path", test_rfc3602 },
	{ "draft-mcgrew-gcm-test-01 packets through the path", test_gcm },
	{ "RFC 7634 ESP packet through the path", test_rfc7634 },
	{ NULL, NULL },
};

const struct test_suite test_suites[] = {
	{ "ip_path known answers", suite_init, suite_fini, kat_cases },
	{ NULL, NULL, NULL, NULL },
};
