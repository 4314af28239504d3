/*
 * libipsec printers against expectations written by hand from
 * ipsec-tools 0.8's format strings (pfkey_dump.c, setkey.c shortdump,
 * key_debug.c): SAD records of every kind, SPD records, the short form,
 * kdebug_sadb and ipsec_hexdump.  Dates are printed in UTC with a fixed
 * "now" (pfkey_dump_set_now).
 */
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <netipsec/ipsec.h>

#include "lib/libipsec/libpfkey.h"
#include "sys/netkey/key_build.h"
#include "testlib.h"
#include "pfkey_msg.h"

#define T0	1764232200	/* Nov 27 08:30:00 2025 UTC */

static struct sockaddr_in s4, d4;
static struct sockaddr_in6 s6, d6;
static char *out;
static size_t outlen;
static FILE *mem;

static int
setup(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	pfkey_dump_set_now(T0 + 300);
	pfkey_msg_sin(&s4, "192.0.2.1", 0);
	pfkey_msg_sin(&d4, "192.0.2.2", 0);
	pfkey_msg_sin6(&s6, "2001:db8::1", 0);
	pfkey_msg_sin6(&d6, "2001:db8::2", 0);
	return 0;
}

static int
teardown(void)
{
	pfkey_dump_set_now(0);
	return 0;
}

static void
open_out(void)
{
	mem = open_memstream(&out, &outlen);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mem);
}

/* Close the stream and compare with want. */
static void
expect(const char *want)
{
	fclose(mem);
	if (strcmp(out, want) != 0)
		fprintf(stderr, "\n--- got:\n%s--- want:\n%s---\n", out, want);
	CU_ASSERT_STRING_EQUAL(out, want);
	free(out);
	out = NULL;
}

static const uint8_t key3des[24] = {
	0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
	0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
	0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
};
static const uint8_t keysha1[20] = {
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99,
	0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00, 0x11, 0x22, 0x33,
};

/* An SADB_DUMP record as the key engine sends it. */
static void
build_esp(struct key_buf *b, bool lifetimes)
{
	key_buf_init_dynamic(b);
	key_build_begin(b, SADB_DUMP, SADB_SATYPE_ESP, 1, 4321);
	key_build_set_reserved(b, 1);
	key_build_sa(b, htonl(0x1234), 4, SADB_SASTATE_MATURE,
	    SADB_AALG_SHA1HMAC, SADB_EALG_3DESCBC, SADB_X_EXT_CYCSEQ);
	key_build_sa2(b, IPSEC_MODE_TRANSPORT, 0, 0);
	if (lifetimes) {
		key_build_lifetime(b, SADB_EXT_LIFETIME_CURRENT, 12, 1234, T0,
		    0);
		key_build_lifetime(b, SADB_EXT_LIFETIME_HARD, 0, 0, 3600, 0);
		key_build_lifetime(b, SADB_EXT_LIFETIME_SOFT, 0, 0, 2880, 0);
	}
	key_build_address(b, SADB_EXT_ADDRESS_SRC, (void *)&s4, 32, 255);
	key_build_address(b, SADB_EXT_ADDRESS_DST, (void *)&d4, 32, 255);
	key_build_key(b, SADB_EXT_KEY_AUTH, keysha1, 160);
	key_build_key(b, SADB_EXT_KEY_ENCRYPT, key3des, 192);
	CU_ASSERT_EQUAL_FATAL(key_build_end(b), 0);
}

static struct sadb_msg *
msg_of(struct key_buf *b)
{
	return (struct sadb_msg *)(uintptr_t)key_buf_data(b);
}

static void
test_sa_esp(void)
{
	struct key_buf b;

	build_esp(&b, true);
	open_out();
	CU_ASSERT_EQUAL(pfkey_sadump_fp(mem, msg_of(&b), 0), 0);
	expect("192.0.2.1 192.0.2.2 \n"
	    "\tesp mode=transport spi=4660(0x00001234) "
	    "reqid=0(0x00000000)\n"
	    "\tE: 3des-cbc  01234567 89abcdef 01234567 89abcdef "
	    "01234567 89abcdef\n"
	    "\tA: hmac-sha1  00112233 44556677 8899aabb ccddeeff 00112233\n"
	    "\tseq=0x00000000 replay=4 flags=0x00000040 state=mature \n"
	    "\tcreated: Nov 27 08:30:00 2025\t"
	    "current: Nov 27 08:35:00 2025\n"
	    "\tdiff: 300(s)\thard: 3600(s)\tsoft: 2880(s)\n"
	    "\tlast:                     \thard: 0(s)\tsoft: 0(s)\n"
	    "\tcurrent: 1234(bytes)\thard: 0(bytes)\tsoft: 0(bytes)\n"
	    "\tallocated: 12\thard: 0\tsoft: 0\n"
	    "\tsadb_seq=1 pid=4321 refcnt=1\n");
	key_buf_free(&b);
}

/* No current lifetime: no lifetime block; ports shown with -p. */
static void
test_sa_ports_nolife(void)
{
	struct key_buf b;

	build_esp(&b, false);
	open_out();
	CU_ASSERT_EQUAL(pfkey_sadump_fp(mem, msg_of(&b), PFKEY_DUMP_PORTS),
	    0);
	expect("192.0.2.1[0] 192.0.2.2[0] \n"
	    "\tesp mode=transport spi=4660(0x00001234) "
	    "reqid=0(0x00000000)\n"
	    "\tE: 3des-cbc  01234567 89abcdef 01234567 89abcdef "
	    "01234567 89abcdef\n"
	    "\tA: hmac-sha1  00112233 44556677 8899aabb ccddeeff 00112233\n"
	    "\tseq=0x00000000 replay=4 flags=0x00000040 state=mature \n"
	    "\tsadb_seq=1 pid=4321 refcnt=1\n");
	key_buf_free(&b);
}

/* A 36-byte key wraps after 32 bytes; IPv6; tunnel; reqid; AH-less. */
static void
test_sa_long_key_v6(void)
{
	uint8_t key[36];
	struct key_buf b;
	size_t i;

	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)i;
	key_buf_init_dynamic(&b);
	key_build_begin(&b, SADB_GET, SADB_SATYPE_ESP, 0, 77);
	key_build_sa(&b, htonl(0xdeadbeef), 0, SADB_SASTATE_DYING, 0,
	    SADB_X_EALG_AESGCM16, 0);
	key_build_sa2(&b, IPSEC_MODE_TUNNEL, 16385, 9);
	key_build_address(&b, SADB_EXT_ADDRESS_SRC, (void *)&s6, 128, 255);
	key_build_address(&b, SADB_EXT_ADDRESS_DST, (void *)&d6, 128, 255);
	key_build_key(&b, SADB_EXT_KEY_ENCRYPT, key, 288);
	CU_ASSERT_EQUAL_FATAL(key_build_end(&b), 0);
	open_out();
	CU_ASSERT_EQUAL(pfkey_sadump_fp(mem, msg_of(&b), 0), 0);
	expect("2001:db8::1 2001:db8::2 \n"
	    "\tesp mode=tunnel spi=3735928559(0xdeadbeef) "
	    "reqid=16385(0x00004001)\n"
	    "\tE: aes-gcm-16  00010203 04050607 08090a0b 0c0d0e0f "
	    "10111213 14151617 18191a1b 1c1d1e1f\n 20212223\n"
	    "\tseq=0x00000009 replay=0 flags=0x00000000 state=dying \n"
	    "\tsadb_seq=0 pid=77 refcnt=0\n");
	key_buf_free(&b);
}

/* IPComp: "C: deflate " runs into the seq= line. */
static void
test_sa_ipcomp(void)
{
	struct key_buf b;

	key_buf_init_dynamic(&b);
	key_build_begin(&b, SADB_DUMP, SADB_X_SATYPE_IPCOMP, 0, 5);
	key_build_sa(&b, htonl(0x4001), 0, SADB_SASTATE_MATURE, 0,
	    SADB_X_CALG_DEFLATE, 0);
	key_build_sa2(&b, IPSEC_MODE_ANY, 0, 0);
	key_build_address(&b, SADB_EXT_ADDRESS_SRC, (void *)&s4, 32, 255);
	key_build_address(&b, SADB_EXT_ADDRESS_DST, (void *)&d4, 32, 255);
	CU_ASSERT_EQUAL_FATAL(key_build_end(&b), 0);
	open_out();
	CU_ASSERT_EQUAL(pfkey_sadump_fp(mem, msg_of(&b), 0), 0);
	expect("192.0.2.1 192.0.2.2 \n"
	    "\tipcomp mode=any spi=16385(0x00004001) reqid=0(0x00000000)\n"
	    "\tC: deflate \tseq=0x00000000 replay=0 flags=0x00000000 "
	    "state=mature \n"
	    "\tsadb_seq=0 pid=5 refcnt=0\n");
	key_buf_free(&b);
}

/* NAT-T: "esp-udp", ports after the addresses, NAT OA; AH; numbers. */
static void
test_sa_natt_and_numbers(void)
{
	struct key_buf b;

	key_buf_init_dynamic(&b);
	key_build_begin(&b, SADB_DUMP, SADB_SATYPE_ESP, 0, 5);
	key_build_sa(&b, htonl(1), 0, SADB_SASTATE_MATURE, 0,
	    SADB_EALG_NULL, 0);
	key_build_sa2(&b, IPSEC_MODE_TUNNEL, 0, 0);
	key_build_address(&b, SADB_EXT_ADDRESS_SRC, (void *)&s4, 32, 255);
	key_build_address(&b, SADB_EXT_ADDRESS_DST, (void *)&d4, 32, 255);
	key_build_nat_t_type(&b, 2);
	key_build_nat_t_port(&b, SADB_X_EXT_NAT_T_SPORT, htons(4500));
	key_build_nat_t_port(&b, SADB_X_EXT_NAT_T_DPORT, htons(4501));
	key_build_address(&b, SADB_X_EXT_NAT_T_OAI, (void *)&d4, 32, 255);
	CU_ASSERT_EQUAL_FATAL(key_build_end(&b), 0);
	open_out();
	CU_ASSERT_EQUAL(pfkey_sadump_fp(mem, msg_of(&b), 0), 0);
	expect("192.0.2.1[4500] 192.0.2.2[4501] \n"
	    "\tesp-udp mode=tunnel spi=1(0x00000001) reqid=0(0x00000000)\n"
	    "\tNAT OA=192.0.2.2\n"
	    "\tseq=0x00000000 replay=0 flags=0x00000000 state=mature \n"
	    "\tsadb_seq=0 pid=5 refcnt=0\n");
	key_buf_free(&b);
	/* Out-of-table values print as numbers followed by a blank. */
	key_buf_init_dynamic(&b);
	key_build_begin(&b, SADB_DUMP, SADB_SATYPE_AH, 0, 5);
	key_build_sa(&b, htonl(2), 0, 7, 99, 0, 0);
	key_build_sa2(&b, 5, 0, 0);
	key_build_address(&b, SADB_EXT_ADDRESS_SRC, (void *)&s4, 32, 255);
	key_build_address(&b, SADB_EXT_ADDRESS_DST, (void *)&d4, 32, 255);
	key_build_key(&b, SADB_EXT_KEY_AUTH, keysha1, 32);
	CU_ASSERT_EQUAL_FATAL(key_build_end(&b), 0);
	open_out();
	CU_ASSERT_EQUAL(pfkey_sadump_fp(mem, msg_of(&b), 0), 0);
	expect("192.0.2.1 192.0.2.2 \n"
	    "\tah mode=5 spi=2(0x00000002) reqid=0(0x00000000)\n"
	    "\tA: 99  00112233\n"
	    "\tseq=0x00000000 replay=0 flags=0x00000000 state=7 \n"
	    "\tsadb_seq=0 pid=5 refcnt=0\n");
	key_buf_free(&b);
}

static void
test_sa_broken(void)
{
	struct key_buf b;

	key_buf_init_dynamic(&b);
	key_build_begin(&b, SADB_DUMP, SADB_SATYPE_ESP, 0, 5);
	key_build_address(&b, SADB_EXT_ADDRESS_SRC, (void *)&s4, 32, 255);
	key_build_address(&b, SADB_EXT_ADDRESS_DST, (void *)&d4, 32, 255);
	CU_ASSERT_EQUAL_FATAL(key_build_end(&b), 0);
	open_out();
	CU_ASSERT_EQUAL(pfkey_sadump_fp(mem, msg_of(&b), 0), -1);
	expect("192.0.2.1 192.0.2.2 no SA extension.\n");
	key_build_begin(&b, SADB_DUMP, SADB_SATYPE_ESP, 0, 5);
	CU_ASSERT_EQUAL_FATAL(key_build_end(&b), 0);
	open_out();
	CU_ASSERT_EQUAL(pfkey_sadump_fp(mem, msg_of(&b), 0), -1);
	expect("no ADDRESS_SRC extension.\n");
	msg_of(&b)->sadb_msg_len = 9;
	open_out();
	CU_ASSERT_EQUAL(pfkey_sadump_fp(mem, msg_of(&b), 0), -1);
	CU_ASSERT_EQUAL(pfkey_spdump_fp(mem, msg_of(&b), 0), -1);
	CU_ASSERT_EQUAL(pfkey_sadump_short_fp(mem, msg_of(&b), 0), -1);
	expect("Invalid sadb message\nInvalid sadb message\n"
	    "Invalid sadb message\n");
	open_out();
	CU_ASSERT_EQUAL(pfkey_sadump_fp(mem, NULL, 0), -1);
	expect("Invalid argument\n");
	key_buf_free(&b);
}

/* The host's name of an upper protocol, as ipsec-tools looks it up. */
static void
proto_name(unsigned proto, char *buf, size_t len)
{
	struct protoent ent, *res = NULL;
	char tmp[1024];

	if (getprotobynumber_r((int)proto, &ent, tmp, sizeof(tmp),
	    &res) == 0 && res != NULL)
		snprintf(buf, len, "%s", res->p_name);
	else
		snprintf(buf, len, "%u", proto);
}

static void
test_spd_v4(void)
{
	const char *ps = "out ipsec esp/transport//require "
	    "ah/tunnel/10.0.0.1-10.0.0.2/unique:4";
	struct sockaddr_in a, c;
	char want[1024], tcp[64];
	struct key_buf b;
	char *pol;

	pfkey_msg_sin(&a, "10.0.0.0", 0);
	pfkey_msg_sin(&c, "10.0.1.1", 80);
	pol = ipsec_set_policy(ps, (int)strlen(ps));
	CU_ASSERT_PTR_NOT_NULL_FATAL(pol);
	((struct sadb_x_policy *)(void *)pol)->sadb_x_policy_id = 3;
	key_buf_init_dynamic(&b);
	key_build_begin(&b, SADB_X_SPDDUMP, 0, 0, 4321);
	key_build_set_reserved(&b, 1);
	key_build_address(&b, SADB_EXT_ADDRESS_SRC, (void *)&a, 24, 6);
	key_build_address(&b, SADB_EXT_ADDRESS_DST, (void *)&c, 32, 6);
	key_build_lifetime(&b, SADB_EXT_LIFETIME_CURRENT, 0, 0, T0, 0);
	key_build_lifetime(&b, SADB_EXT_LIFETIME_HARD, 0, 0, 3600, 600);
	key_build_ext(&b, (const void *)pol);
	CU_ASSERT_EQUAL_FATAL(key_build_end(&b), 0);
	proto_name(6, tcp, sizeof(tcp));
	snprintf(want, sizeof(want), "10.0.0.0/24[any] 10.0.1.1[80] %s\n"
	    "\tout ipsec\n"
	    "\tesp/transport//require\n"
	    "\tah/tunnel/10.0.0.1-10.0.0.2/unique:4\n"
	    "\tcreated: Nov 27 08:30:00 2025  "
	    "lastused:                     \n"
	    "\tlifetime: 3600(s) validtime: 600(s)\n"
	    "\tspid=3 seq=0 pid=4321\n"
	    "\trefcnt=1\n", tcp);
	open_out();
	CU_ASSERT_EQUAL(pfkey_spdump_fp(mem, msg_of(&b), 0), 0);
	expect(want);
	snprintf(want, sizeof(want), "10.0.0.0/24[any] 10.0.1.1[80] %s\n"
	    "\tout ipsec\n"
	    "\tesp/transport//require\n"
	    "\tah/tunnel/10.0.0.1[0]-10.0.0.2[0]/unique:4\n"
	    "\tcreated: Nov 27 08:30:00 2025  "
	    "lastused:                     \n"
	    "\tlifetime: 3600(s) validtime: 600(s)\n"
	    "\tspid=3 seq=0 pid=4321\n"
	    "\trefcnt=1\n", tcp);
	open_out();
	CU_ASSERT_EQUAL(pfkey_spdump_fp(mem, msg_of(&b), PFKEY_DUMP_PORTS),
	    0);
	expect(want);
	key_buf_free(&b);
	free(pol);
}

/* ICMPv6 type/code in the ports; "any" as 255; priority; no times. */
static void
test_spd_v6_icmp(void)
{
	const char *ps = "in prio def + 10 discard";
	struct sockaddr_in6 a = s6, c = d6;
	char want[1024], name[64];
	struct key_buf b;
	char *pol;

	a.sin6_port = htons(135);
	pol = ipsec_set_policy(ps, (int)strlen(ps));
	CU_ASSERT_PTR_NOT_NULL_FATAL(pol);
	key_buf_init_dynamic(&b);
	key_build_begin(&b, SADB_X_SPDDUMP, 0, 2, 7);
	key_build_address(&b, SADB_EXT_ADDRESS_SRC, (void *)&a, 128, 58);
	key_build_address(&b, SADB_EXT_ADDRESS_DST, (void *)&c, 64, 58);
	key_build_ext(&b, (const void *)pol);
	CU_ASSERT_EQUAL_FATAL(key_build_end(&b), 0);
	proto_name(58, name, sizeof(name));
	snprintf(want, sizeof(want), "2001:db8::1 2001:db8::2/64 %s 135,0\n"
	    "\tin prio def + 10 discard\n"
	    "\tspid=0 seq=2 pid=7\n"
	    "\trefcnt=0\n", name);
	open_out();
	CU_ASSERT_EQUAL(pfkey_spdump_fp(mem, msg_of(&b), 0), 0);
	expect(want);
	/* Upper protocol "any", no selector ports. */
	a.sin6_port = 0;
	key_build_begin(&b, SADB_X_SPDDUMP, 0, 0, 7);
	key_build_address(&b, SADB_EXT_ADDRESS_SRC, (void *)&a, 128, 255);
	key_build_address(&b, SADB_EXT_ADDRESS_DST, (void *)&c, 128, 255);
	key_build_ext(&b, (const void *)pol);
	CU_ASSERT_EQUAL_FATAL(key_build_end(&b), 0);
	proto_name(255, name, sizeof(name));
	snprintf(want, sizeof(want), "2001:db8::1[any] 2001:db8::2[any] %s\n"
	    "\tin prio def + 10 discard\n"
	    "\tspid=0 seq=0 pid=7\n"
	    "\trefcnt=0\n", name);
	open_out();
	CU_ASSERT_EQUAL(pfkey_spdump_fp(mem, msg_of(&b), 0), 0);
	expect(want);
	/* Per-socket policy: no addresses; missing policy. */
	key_build_begin(&b, SADB_X_SPDDUMP, 0, 0, 7);
	key_build_ext(&b, (const void *)pol);
	CU_ASSERT_EQUAL_FATAL(key_build_end(&b), 0);
	open_out();
	CU_ASSERT_EQUAL(pfkey_spdump_fp(mem, msg_of(&b), 0), 0);
	expect("(no selector, probably per-socket policy) \n"
	    "\tin prio def + 10 discard\n"
	    "\tspid=0 seq=0 pid=7\n"
	    "\trefcnt=0\n");
	key_build_begin(&b, SADB_X_SPDDUMP, 0, 0, 7);
	CU_ASSERT_EQUAL_FATAL(key_build_end(&b), 0);
	open_out();
	CU_ASSERT_EQUAL(pfkey_spdump_fp(mem, msg_of(&b), 0), -1);
	expect("(no selector, probably per-socket policy) "
	    "no X_POLICY extension.\n");
	key_buf_free(&b);
	free(pol);
}

static void
test_short(void)
{
	struct key_buf b;

	open_out();
	pfkey_sadump_short_header_fp(mem);
	expect("time p   s spi      ltime   src -> dst\n");
	build_esp(&b, true);
	open_out();
	CU_ASSERT_EQUAL(pfkey_sadump_short_fp(mem, msg_of(&b), 0), 0);
	expect("3500 esp M 00001234 300/big #255 192.0.2.1 -> "
	    "#255 192.0.2.2\n");
	key_buf_free(&b);
	/* No lifetimes, ports, IPComp as a number, no SA. */
	key_buf_init_dynamic(&b);
	key_build_begin(&b, SADB_DUMP, SADB_X_SATYPE_IPCOMP, 0, 5);
	key_build_address(&b, SADB_EXT_ADDRESS_SRC, (void *)&s4, 32, 0);
	key_build_address(&b, SADB_EXT_ADDRESS_DST, (void *)&d4, 32, 0);
	CU_ASSERT_EQUAL_FATAL(key_build_end(&b), 0);
	((struct sockaddr_in *)(void *)((uint8_t *)msg_of(&b) + 16 + 8))
	    ->sin_port = htons(500);
	open_out();
	CU_ASSERT_EQUAL(pfkey_sadump_short_fp(mem, msg_of(&b), 0), 0);
	expect("3500 #9 ? ?        ??\?/??? 192.0.2.1[500] -> "
	    "192.0.2.2\n");
	key_buf_free(&b);
}

static void
test_kdebug(void)
{
	struct key_buf b;
	const char *ps =
	    "out prio def ipsec esp/tunnel/192.0.2.1-192.0.2.2/use";
	char *pol;

	key_buf_init_dynamic(&b);
	key_build_begin(&b, SADB_GET, SADB_SATYPE_ESP, 3, 4321);
	key_build_sa(&b, htonl(0x1234), 4, SADB_SASTATE_MATURE,
	    SADB_AALG_SHA1HMAC, SADB_EALG_3DESCBC, 0x40);
	key_build_address(&b, SADB_EXT_ADDRESS_SRC, (void *)&s4, 32, 255);
	key_build_key(&b, SADB_EXT_KEY_AUTH, keysha1, 160);
	key_build_lifetime(&b, SADB_EXT_LIFETIME_HARD, 1, 2, 3, 4);
	key_build_sa2(&b, 2, 7, 9);
	CU_ASSERT_EQUAL_FATAL(key_build_end(&b), 0);
	open_out();
	kdebug_sadb_fp(mem, msg_of(&b));
	expect("sadb_msg{ version=2 type=5 errno=0 satype=3\n"
	    "  len=17 reserved=0 seq=3 pid=4321\n"
	    "sadb_ext{ len=2 type=1 }\n"
	    "sadb_sa{ spi=4660 replay=4 state=1\n"
	    "  auth=3 encrypt=3 flags=0x00000040 }\n"
	    "sadb_ext{ len=3 type=5 }\n"
	    "sadb_address{ proto=255 prefixlen=32 reserved=0x0000 }\n"
	    "sockaddr{ len=16 family=2 port=0\n"
	    " c0000201  }\n"
	    "sadb_ext{ len=4 type=8 }\n"
	    "sadb_key{ bits=160 reserved=0\n"
	    "  key= 00112233 44556677 8899aabb ccddeeff 00112233 }\n"
	    "sadb_ext{ len=4 type=3 }\n"
	    "sadb_lifetime{ alloc=1, bytes=2\n"
	    "  addtime=3, usetime=4 }\n"
	    "sadb_ext{ len=2 type=19 }\n"
	    "sadb_x_sa2{ mode=2 reqid=7\n"
	    "  reserved1=0 reserved2=0 sequence=9 }\n");
	/* A policy with a tunnel request. */
	pol = ipsec_set_policy(ps, (int)strlen(ps));
	CU_ASSERT_PTR_NOT_NULL_FATAL(pol);
	key_build_begin(&b, SADB_X_SPDADD, 0, 0, 1);
	key_build_ext(&b, (const void *)pol);
	CU_ASSERT_EQUAL_FATAL(key_build_end(&b), 0);
	free(pol);
	open_out();
	kdebug_sadb_fp(mem, msg_of(&b));
	expect("sadb_msg{ version=2 type=14 errno=0 satype=0\n"
	    "  len=9 reserved=0 seq=0 pid=1\n"
	    "sadb_ext{ len=7 type=18 }\n"
	    "sadb_x_policy{ type=2 dir=2 id=0 priority=2147483648 }\n"
	    " { len=40 proto=50 mode=2 level=1 reqid=0\n"
	    "sockaddr{ len=16 family=2 port=0\n"
	    " c0000201  }\n"
	    "sockaddr{ len=16 family=2 port=0\n"
	    " c0000202  }\n"
	    " }\n");
	/* Malformed: an extension running past the end. */
	msg_of(&b)->sadb_msg_len = 4;
	open_out();
	kdebug_sadb_fp(mem, msg_of(&b));
	expect("sadb_msg{ version=2 type=14 errno=0 satype=0\n"
	    "  len=4 reserved=0 seq=0 pid=1\n"
	    "sadb_ext{ len=7 type=18 }\n"
	    "kdebug_sadb: ext_len exceeds end of buffer.\n");
	key_buf_free(&b);
}

static void
test_hexdump(void)
{
	uint8_t buf[40];
	size_t i;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(0xa0 + i);
	open_out();
	ipsec_hexdump_fp(mem, buf, 0);
	ipsec_hexdump_fp(mem, buf, 3);
	expect(" a0a1a2");
	open_out();
	ipsec_hexdump_fp(mem, buf, 40);
	expect(" a0a1a2a3 a4a5a6a7 a8a9aaab acadaeaf b0b1b2b3 b4b5b6b7 "
	    "b8b9babb bcbdbebf\n c0c1c2c3 c4c5c6c7");
}

static const struct test_case dump_cases[] = {
	{ "SA: ESP with keys and lifetimes", test_sa_esp },
	{ "SA: ports, no lifetimes", test_sa_ports_nolife },
	{ "SA: long key, IPv6, tunnel, kernel reqid", test_sa_long_key_v6 },
	{ "SA: IPComp", test_sa_ipcomp },
	{ "SA: NAT-T and numbers", test_sa_natt_and_numbers },
	{ "SA: missing and malformed parts", test_sa_broken },
	{ "SPD: IPv4 selector and requests", test_spd_v4 },
	{ "SPD: ICMPv6, any, per-socket", test_spd_v6_icmp },
	{ "short form", test_short },
	{ "kdebug_sadb", test_kdebug },
	{ "ipsec_hexdump", test_hexdump },
	{ NULL, NULL },
};

const struct test_suite test_suites[] = {
	{ "libipsec printers", setup, teardown, dump_cases },
	{ NULL, NULL, NULL, NULL },
};
