/*
 * Forward policies (IPSEC_DIR_FWD) in the packet path, as Linux applies
 * them: to packets the host forwards between its TUN and the wire, that
 * is, packets not addressed to (or, toward the wire, not from) one of its
 * own addresses.  The forward policies come from a Linux-dialect PF_KEY
 * socket, in Linux's bytes (16-byte ipsecrequest); the SA and the
 * outbound tunnel policy that make the ESP packets come from a setkey
 * script on a FreeBSD-dialect socket.
 *
 * The host is a gateway: 192.0.2.1 on the wire and 10.1.0.1 on the TUN
 * are its addresses, 10.1.5.5 a machine behind it.  Packets from
 * 10.2.0.9 (behind the peer) are tunnelled to 192.0.2.1 by looping our
 * own output back in, so each case gets a fresh sequence number.
 */
#include <arpa/inet.h>
#include <string.h>

#include "net/pfkeyv2.h"
#include "netipsec/ipsec.h"
#include "sys/net/net_endian.h"
#include "sys/net/net_event.h"
#include "sys/net/pbuf.h"
#include "sys/netinet/in_cksum.h"
#include "sys/netinet/ip_path.h"
#include "sys/netipsec/ipsec_stat.h"
#include "sys/netkey/key_dialect.h"
#include "sys/netkey/key_msg_spd.h"
#include "sys/netkey/key_spd.h"
#include "sys/netkey/keysock.h"
#include "tests/unit/ip_path_cap.h"
#include "tests/unit/key_sa_client.h"
#include "tests/unit/testlib.h"

#define NPKT	4

static struct pbuf_pool *pool;
static struct ip_path *path;

static const char script[] =
    "add 192.0.2.1 192.0.2.1 esp 0x1000 -m tunnel"
    " -E aes-cbc 0x00112233445566778899aabbccddeeff"
    " -A hmac-sha1 0x00112233445566778899aabbccddeeff00112233 ;\n"
    "spdadd 10.2.0.0/16 10.1.0.0/16 any"
    " -P out ipsec esp/tunnel/192.0.2.1-192.0.2.1/require ;\n";

static void
add_addr(const char *text)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };

	CU_ASSERT_FATAL(inet_pton(AF_INET, text, &sin.sin_addr) == 1);
	CU_ASSERT_FATAL(ip_path_add_addr(path, (struct sockaddr *)&sin) == 0);
}

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

static void
sin_of(struct sockaddr_in *sin, const char *text)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	CU_ASSERT_FATAL(inet_pton(AF_INET, text, &sin->sin_addr) == 1);
}

/*
 * SPDADD (or SPDDELETE) 10.2.0.0/16 -> 10.1.0.0/16 fwd on a Linux-dialect
 * socket; an ipsec policy carries one Linux request, 16 bytes with its
 * reqid at offset 8, for esp/tunnel/192.0.2.1-192.0.2.1/require.
 */
static int
linux_fwd(uint8_t type, uint16_t action)
{
	struct {
		struct sadb_x_policy	pol;
		uint16_t		len, proto;
		uint8_t			mode, level;
		uint16_t		reserved1;
		uint32_t		reqid, reserved2;
		struct sockaddr_in	src, dst;
	} x;
	struct sockaddr_in s, d;
	struct sa_client c;
	struct key_buf b;
	int error;

	memset(&x, 0, sizeof(x));
	x.pol.sadb_x_policy_exttype = SADB_X_EXT_POLICY;
	x.pol.sadb_x_policy_type = action;
	x.pol.sadb_x_policy_dir = IPSEC_DIR_FWD;
	x.len = 16 + 2 * sizeof(struct sockaddr_in);
	x.proto = IPPROTO_ESP;
	x.mode = IPSEC_MODE_TUNNEL;
	x.level = IPSEC_LEVEL_REQUIRE;
	sin_of(&x.src, "192.0.2.1");
	sin_of(&x.dst, "192.0.2.1");
	x.pol.sadb_x_policy_len = PFKEY_UNIT64(action == IPSEC_POLICY_IPSEC ?
	    sizeof(x) : sizeof(x.pol));
	sin_of(&s, "10.2.0.0");
	sin_of(&d, "10.1.0.0");
	sa_client_open(&c);
	keysock_set_dialect(c.so, KEY_DIALECT_LINUX);
	key_buf_init_dynamic(&b);
	key_build_begin(&b, type, SADB_SATYPE_UNSPEC, 1, 0);
	key_build_address(&b, SADB_EXT_ADDRESS_SRC, (struct sockaddr *)&s, 16,
	    IPSEC_ULPROTO_ANY);
	key_build_address(&b, SADB_EXT_ADDRESS_DST, (struct sockaddr *)&d, 16,
	    IPSEC_ULPROTO_ANY);
	key_build_ext(&b, (const struct sadb_ext *)&x);
	CU_ASSERT_EQUAL_FATAL(key_build_end(&b), 0);
	error = sa_client_call(&c, &b, NULL);
	key_buf_free(&b);
	sa_client_drain(&c);
	sa_client_close(&c);
	return error;
}

/* An IPv4/UDP datagram src -> dst from the host. */
static void
host_send(const char *src, const char *dst)
{
	uint8_t pkt[36];
	struct in_addr a;

	memset(pkt, 0, sizeof(pkt));
	pkt[0] = 0x45;
	pkt[3] = sizeof(pkt);
	pkt[8] = 64;
	pkt[9] = IPPROTO_UDP;
	CU_ASSERT_FATAL(inet_pton(AF_INET, src, &a) == 1);
	memcpy(pkt + 12, &a, 4);
	CU_ASSERT_FATAL(inet_pton(AF_INET, dst, &a) == 1);
	memcpy(pkt + 16, &a, 4);
	be_put16(pkt + 10, in_cksum(pkt, 20));
	pkt[20] = 0x30;
	pkt[21] = 0x39;
	pkt[23] = 0x35;
	pkt[25] = 16;
	ip_path_from_host(path, ipc_packet(pool, pkt, sizeof(pkt)));
}

static struct ipc_capture esp;

/* Packet i of the tunnelled ones in from the wire: delivered or not. */
static size_t
wire_in(size_t i)
{
	ipc_clear();
	ip_path_from_wire(path, ipc_packet(pool, esp.pkt[i], esp.len[i]));
	return ipc_host.n;
}

static uint64_t
polvio(void)
{
	return ipsecstat_value(AF_INET, IPSECS_IN_POLVIO);
}

static void
test_fwd(void)
{
	uint64_t v;
	int i;

	add_addr("192.0.2.1");
	add_addr("10.1.0.1");
	sa_apply_script(script);
	/* Seq 1, 2, 4 for 10.1.5.5 (forwarded), seq 3 for us. */
	ipc_clear();
	for (i = 0; i < NPKT; i++)
		host_send("10.2.0.9", i == 2 ? "10.1.0.1" : "10.1.5.5");
	CU_ASSERT_EQUAL_FATAL(ipc_wire.n, NPKT);
	esp = ipc_wire;

	CU_ASSERT_EQUAL(wire_in(0), 1);

	CU_ASSERT_EQUAL(linux_fwd(SADB_X_SPDADD, IPSEC_POLICY_DISCARD), 0);
	CU_ASSERT_EQUAL(key_spd_count(IPSEC_DIR_FWD), 1);
	v = polvio();
	CU_ASSERT_EQUAL(wire_in(1), 0);
	CU_ASSERT_EQUAL(polvio(), v + 1);
	/* Addressed to the host itself: the inbound policy (none) applies. */
	CU_ASSERT_EQUAL(wire_in(2), 1);
	/* Toward the wire, a forwarded packet meets the fwd discard too. */
	ipc_clear();
	host_send("10.2.0.9", "10.1.5.5");
	CU_ASSERT_EQUAL(ipc_wire.n, 0);
	/* From the host's own address it is not forwarded. */
	host_send("10.1.0.1", "10.1.5.5");
	CU_ASSERT_EQUAL(ipc_wire.n, 1);

	CU_ASSERT_EQUAL(linux_fwd(SADB_X_SPDDELETE, IPSEC_POLICY_DISCARD), 0);
	CU_ASSERT_EQUAL(linux_fwd(SADB_X_SPDADD, IPSEC_POLICY_IPSEC), 0);
	v = polvio();
	CU_ASSERT_EQUAL(wire_in(3), 1);
	CU_ASSERT_EQUAL(polvio(), v);
	/* A clear packet toward the wire cannot meet its request. */
	ipc_clear();
	host_send("10.2.0.9", "10.1.5.5");
	CU_ASSERT_EQUAL(ipc_wire.n, 0);
	CU_ASSERT_EQUAL(polvio(), v + 1);
}

static const struct test_case fwd_cases[] = {
	{ "forward policies on forwarded traffic", test_fwd },
	{ NULL, NULL },
};

const struct test_suite test_suites[] = {
	{ "ip_path forward policies", suite_init, suite_fini, fwd_cases },
	{ NULL, NULL, NULL, NULL },
};
