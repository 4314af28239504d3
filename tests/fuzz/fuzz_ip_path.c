/*
 * libFuzzer target for the socket manager's inbound path: bytes become
 * packets from the wire and go through ip_path_from_wire() (validation,
 * reassembly, ESP, tunnel decapsulation, the inbound policy check) under
 * a fixed configuration installed by PF_KEY messages through an
 * in-process PF_KEY socket, as sockmgr -f installs a script.
 *
 * Configuration (SAs are in the SAD for both directions, so a packet the
 * outbound path protects is also accepted inbound):
 *   192.0.2.1 -> 192.0.2.2      ESP transport, AES-GCM-16, require
 *   192.0.2.1 -> 192.0.2.3      ESP tunnel 198.51.100.1-198.51.100.2,
 *                               AES-CBC + HMAC-SHA-256, require
 *   2001:db8::1 -> 2001:db8::2  ESP transport, ChaCha20-Poly1305, require
 *   2001:db8::1 -> 2001:db8::3  ESP tunnel 2001:db8:ff::1-2001:db8:ff::2,
 *                               AES-CBC without ICV (random bytes reach
 *                               padding and decapsulation), use
 * with the same policies inbound, and the host owning every address.
 *
 * Input: a control byte, then records of a 16-bit big-endian length and
 * a packet (as fuzz_ip_input).  Control bit 0 set: each packet first
 * goes out through ip_path_from_host() and what reaches the wire comes
 * back in through ip_path_from_wire(), so mutated inner packets meet the
 * inbound checks with valid cryptography.  Bit 1: run the reassembly
 * timer after each packet, with the fake clock advanced a minute.
 * Nothing may crash; every packet handed to a driver must be a non-empty
 * IPv4 or IPv6 packet; the pool must get back every buffer not held for
 * reassembly.
 *
 * Seeds: tests/fuzz/ip_path.seeds/ (valid ESP packets of each SA made by
 * the outbound path, fragments, clear packets under require; written by
 * gen_ip_path_seeds.py with Scapy).
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/pfkeyv2.h"
#include "netipsec/ipsec.h"
#include "sys/crypto/crypto.h"
#include "sys/net/net_clock.h"
#include "sys/net/net_event.h"
#include "sys/net/netif.h"
#include "sys/net/pbuf.h"
#include "sys/netinet/ip_hdr.h"
#include "sys/netinet/ip_path.h"
#include "sys/netinet/ip_reass.h"
#include "sys/netipsec/ipsec_xform.h"
#include "sys/netkey/key_build.h"
#include "sys/netkey/key_dispatch.h"
#include "sys/netkey/key_msg_sa.h"
#include "sys/netkey/key_msg_spd.h"
#include "sys/netkey/key_sad.h"
#include "sys/netkey/keysock.h"

#define LOOP_MAX	16	/* wire packets one host packet may make */

struct loopback {
	size_t	n;
	size_t	len[LOOP_MAX];
	uint8_t	pkt[LOOP_MAX][PBUF_SMALL_DATA];
};

static struct pbuf_pool *pool;
static struct ip_path *path;
static struct netif host_if, wire_if;
static struct loopback wire_out;
static struct net_event_loop *events;	/* the keysock's loop */
static struct keysock *so;
static int client_fd;

static void
check_packet(const uint8_t *data, size_t len)
{
	if (len == 0 || len > PBUF_LARGE_DATA ||
	    (data[0] >> 4 != 4 && data[0] >> 4 != 6))
		abort();
}

static int
host_output(struct netif *ifp, const uint8_t *data, size_t len)
{
	(void)ifp;
	check_packet(data, len);
	return 0;
}

/* The wire keeps what it gets so that the loop mode can send it back. */
static int
wire_output(struct netif *ifp, const uint8_t *data, size_t len)
{
	(void)ifp;
	check_packet(data, len);
	if (wire_out.n < LOOP_MAX && len <= PBUF_SMALL_DATA) {
		memcpy(wire_out.pkt[wire_out.n], data, len);
		wire_out.len[wire_out.n++] = len;
	}
	return 0;
}

static const struct netif_ops host_ops = { .output = host_output };
static const struct netif_ops wire_ops = { .output = wire_output };

static void
sockaddr_of(const char *text, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, text, &((struct sockaddr_in *)ss)->sin_addr))
		ss->ss_family = AF_INET;
	else if (inet_pton(AF_INET6, text,
	    &((struct sockaddr_in6 *)ss)->sin6_addr))
		ss->ss_family = AF_INET6;
	else
		abort();
}

/* Send one built message through the socket; the answer must be OK. */
static void
call(struct key_buf *b)
{
	static uint64_t buf[KEYSOCK_MSG_MAX / 8];
	struct sadb_msg reply;
	ssize_t n;

	if (key_build_end(b) != 0)
		abort();
	memcpy(buf, key_buf_data(b), key_buf_len(b));
	if (key_dispatch(so, buf, key_buf_len(b)) != 0)
		abort();
	net_event_run_once(events, 0);
	n = recv(client_fd, buf, sizeof(buf), MSG_DONTWAIT);
	memcpy(&reply, buf, sizeof(reply));
	if (n < (ssize_t)sizeof(reply) || reply.sadb_msg_errno != 0)
		abort();
	key_buf_free(b);
}

struct sa_conf {
	const char	*src, *dst;
	uint32_t	 spi;
	uint8_t		 mode, enc, auth;
	uint16_t	 ekeybits, akeybits;
};

static void
add_sa(const struct sa_conf *c)
{
	static const uint8_t key[64] = { 7, 6, 5, 4, 3, 2, 1 };
	struct sockaddr_storage s, d;
	struct key_buf b;

	sockaddr_of(c->src, &s);
	sockaddr_of(c->dst, &d);
	key_buf_init_dynamic(&b);
	key_build_begin(&b, SADB_ADD, SADB_SATYPE_ESP, 0, getpid());
	key_build_sa(&b, htonl(c->spi), 8, SADB_SASTATE_MATURE, c->auth,
	    c->enc, 0);
	key_build_sa2(&b, c->mode, 0, 0);
	key_build_address(&b, SADB_EXT_ADDRESS_SRC, (struct sockaddr *)&s,
	    s.ss_family == AF_INET ? 32 : 128, IPSEC_ULPROTO_ANY);
	key_build_address(&b, SADB_EXT_ADDRESS_DST, (struct sockaddr *)&d,
	    d.ss_family == AF_INET ? 32 : 128, IPSEC_ULPROTO_ANY);
	key_build_key(&b, SADB_EXT_KEY_ENCRYPT, key, c->ekeybits);
	if (c->akeybits != 0)
		key_build_key(&b, SADB_EXT_KEY_AUTH, key + 32, c->akeybits);
	call(&b);
}

struct sp_conf {
	const char	*src, *dst;
	uint8_t		 mode, level;
	const char	*tsrc, *tdst;
};

static void
add_policy(const struct sp_conf *c, uint8_t dir)
{
	struct sockaddr_storage s, d, ts, td;
	struct key_buf b;
	uint8_t plen;

	sockaddr_of(c->src, &s);
	sockaddr_of(c->dst, &d);
	plen = s.ss_family == AF_INET ? 32 : 128;
	key_buf_init_dynamic(&b);
	key_build_begin(&b, SADB_X_SPDADD, SADB_SATYPE_UNSPEC, 0, getpid());
	key_build_address(&b, SADB_EXT_ADDRESS_SRC, (struct sockaddr *)&s,
	    plen, IPSEC_ULPROTO_ANY);
	key_build_address(&b, SADB_EXT_ADDRESS_DST, (struct sockaddr *)&d,
	    plen, IPSEC_ULPROTO_ANY);
	key_build_policy(&b, IPSEC_POLICY_IPSEC, dir, 0, 0);
	if (c->tsrc != NULL) {
		sockaddr_of(c->tsrc, &ts);
		sockaddr_of(c->tdst, &td);
		key_build_ipsecrequest(&b, IPPROTO_ESP, c->mode, c->level, 0,
		    (struct sockaddr *)&ts, (struct sockaddr *)&td);
	} else
		key_build_ipsecrequest(&b, IPPROTO_ESP, c->mode, c->level, 0,
		    NULL, NULL);
	call(&b);
}

static const struct sa_conf sa_confs[] = {
	{ "192.0.2.1", "192.0.2.2", 0x1001, IPSEC_MODE_TRANSPORT,
	    SADB_X_EALG_AESGCM16, 0, 160, 0 },
	{ "198.51.100.1", "198.51.100.2", 0x1002, IPSEC_MODE_TUNNEL,
	    SADB_X_EALG_AESCBC, SADB_X_AALG_SHA2_256, 128, 256 },
	{ "2001:db8::1", "2001:db8::2", 0x1003, IPSEC_MODE_TRANSPORT,
	    SADB_X_EALG_CHACHA20POLY1305, 0, 288, 0 },
	{ "2001:db8:ff::1", "2001:db8:ff::2", 0x1004, IPSEC_MODE_TUNNEL,
	    SADB_X_EALG_AESCBC, 0, 128, 0 },
};

static const struct sp_conf sp_confs[] = {
	{ "192.0.2.1", "192.0.2.2", IPSEC_MODE_TRANSPORT,
	    IPSEC_LEVEL_REQUIRE, NULL, NULL },
	{ "192.0.2.1", "192.0.2.3", IPSEC_MODE_TUNNEL, IPSEC_LEVEL_REQUIRE,
	    "198.51.100.1", "198.51.100.2" },
	{ "2001:db8::1", "2001:db8::2", IPSEC_MODE_TRANSPORT,
	    IPSEC_LEVEL_REQUIRE, NULL, NULL },
	{ "2001:db8::1", "2001:db8::3", IPSEC_MODE_TUNNEL, IPSEC_LEVEL_USE,
	    "2001:db8:ff::1", "2001:db8:ff::2" },
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	size_t i;
	int sv[2];

	(void)argc;
	(void)argv;
	net_clock_set_fake(1000000);
	if (crypto_init() != 0 || key_sad_init() != 0 ||
	    (events = net_event_loop_create()) == NULL)
		abort();
	key_msg_sa_init();
	ipsec_xform_attach();
	key_msg_spd_init();
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) != 0 ||
	    (so = keysock_attach(events, sv[0], getpid())) == NULL)
		abort();
	client_fd = sv[1];
	for (i = 0; i < sizeof(sa_confs) / sizeof(sa_confs[0]); i++)
		add_sa(&sa_confs[i]);
	for (i = 0; i < sizeof(sp_confs) / sizeof(sp_confs[0]); i++) {
		add_policy(&sp_confs[i], IPSEC_DIR_OUTBOUND);
		add_policy(&sp_confs[i], IPSEC_DIR_INBOUND);
	}
	netif_init(&host_if, "host", 0, &host_ops, NULL);
	netif_init(&wire_if, "wire", 0, &wire_ops, NULL);
	if ((pool = pbuf_pool_create(64, 8)) == NULL ||
	    (path = ip_path_create(pool, &host_if, &wire_if)) == NULL)
		abort();
	return 0;
}

/*
 * A packet as a driver would hand it over; NULL when the pool is dry
 * (fragments held for reassembly use it up), as a driver drops then.
 */
static struct pbuf *
packet(const uint8_t *data, size_t len)
{
	struct pbuf *pb = pbuf_alloc(pool, len);

	if (pb == NULL)
		return NULL;
	if (pbuf_append(pb, data, len) != 0)
		abort();
	pb->af = data[0] >> 4 == 6 ? AF_INET6 : AF_INET;
	return pb;
}

static void
from_wire(const uint8_t *data, size_t len)
{
	struct pbuf *pb = packet(data, len);

	if (pb != NULL)
		ip_path_from_wire(path, pb);
}

/* Out through the host side, and what reached the wire back in. */
static void
loop(const uint8_t *data, size_t len)
{
	struct pbuf *pb = packet(data, len);
	size_t i;

	if (pb == NULL)
		return;
	wire_out.n = 0;
	ip_path_from_host(path, pb);
	for (i = 0; i < wire_out.n; i++)
		from_wire(wire_out.pkt[i], wire_out.len[i]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pbuf_pool_stats st;
	size_t off = 1, len;
	uint8_t ctl;

	if (size < 1)
		return 0;
	ctl = data[0];
	while (off + 2 <= size) {
		len = (size_t)data[off] << 8 | data[off + 1];
		off += 2;
		if (len == 0 || len > size - off)
			break;
		if (ctl & 1)
			loop(data + off, len);
		else
			from_wire(data + off, len);
		if (ctl & 2) {
			net_clock_advance(60);
			ip_path_timer(path);
		}
		off += len;
	}
	/* Every buffer not held by reassembly is back in the pool. */
	net_clock_advance(120);
	ip_path_timer(path);
	pbuf_pool_stats(pool, &st);
	if (st.allocs != st.frees)
		abort();
	return 0;
}
