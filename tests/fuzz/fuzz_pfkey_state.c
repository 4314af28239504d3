/*
 * Stateful libFuzzer target for the PF_KEY socket layer and key engine:
 * sequences of requests across three client sockets, written on the
 * client ends of real SEQPACKET connections and taken by the event loop
 * as the daemon takes them (so read bounds, stalls, pending dumps,
 * half-read replies and connections closed mid-dump all happen), with
 * ADD, DELETE, GET, UPDATE, GETSPI, FLUSH, DUMP, SPDADD, SPDDELETE,
 * SPDDUMP, SPDFLUSH, REGISTER, X_PROMISC and raw garbage mixed in.
 *
 * A fourth socket only observes: the replies to changes go to every
 * socket, so it sees each acknowledged change in the order the engine
 * made it, and a model replays them.  After every input the clients are
 * drained and the engine must hold exactly what was acknowledged: every
 * SA the model has, MATURE, with the key its ADD carried, no other SA
 * of the fuzzed range, and the acknowledged policies by id.  Nothing
 * may crash, leak (ASan) or hang.
 *
 * Input format: 4-byte operations: kind (low 4 bits) and socket (upper
 * bits, modulo 3), an SA or policy index (modulo 16), a parameter (key
 * seed, read count, garbage length) and a flag byte.
 *
 * Seeds: tests/fuzz/pfkey_state.seeds/.
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/pfkeyv2.h"
#include "netipsec/ipsec.h"
#include "sys/crypto/crypto.h"
#include "sys/net/net_event.h"
#include "sys/netkey/key_build.h"
#include "sys/netkey/key_msg_sa.h"
#include "sys/netkey/key_msg_spd.h"
#include "sys/netkey/key_parse.h"
#include "sys/netkey/key_policy.h"
#include "sys/netkey/key_sad.h"
#include "sys/netkey/key_spd.h"
#include "sys/netkey/keysock.h"

#define NCLIENT		3
#define NIDX		16
#define SPI_BASE	0x4000
#define KEYLEN		16
#define MAXSEQ		4096

enum op { OP_ADD, OP_DELETE, OP_GET, OP_UPDATE, OP_GETSPI, OP_FLUSH,
	OP_DUMP, OP_SPDADD, OP_SPDDELETE, OP_SPDDUMP, OP_SPDFLUSH,
	OP_REGISTER, OP_PROMISC, OP_READ, OP_RAW, OP_REOPEN };

struct conn {
	struct keysock	*so;
	int		 fd;		/* the client's end */
};

static struct net_event_loop *loop;	/* every connection's */
static struct conn cl[NCLIENT], obs;
static uint64_t buf[KEY_MSG_MAX / 8];

/* The model: what acknowledged replies say the engine holds. */
static bool sa_have[NIDX];
static bool sa_keyknown[NIDX];	/* false: added by a raw message */
static uint8_t sa_key[NIDX][KEYLEN];
static uint32_t pol_id[NIDX];		/* 0: none */
/* The key each ADD carried, by its sadb_msg_seq. */
static uint8_t seq_key[MAXSEQ][KEYLEN];
static uint32_t seq_of[MAXSEQ];
static uint32_t seq;
static size_t spd_base;		/* policies of an empty SPD */

static void
conn_open(struct conn *c)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sv) != 0 ||
	    (c->so = keysock_attach(loop, sv[0], 0)) == NULL)
		abort();
	c->fd = sv[1];
}

static void
conn_close(struct conn *c)
{
	keysock_detach(c->so);
	close(c->fd);
}

static void
addr(struct key_buf *b, uint16_t type, const char *text, uint8_t plen,
    uint8_t proto)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	inet_pton(AF_INET, text, &sin.sin_addr);
	key_build_address(b, type, (struct sockaddr *)&sin, plen, proto);
}

static void
sa_msg(struct key_buf *b, uint8_t type, unsigned int idx, uint8_t param)
{
	uint8_t key[KEYLEN];
	size_t i;

	key_build_begin(b, type, SADB_SATYPE_ESP, seq, 1);
	if (type != SADB_GETSPI && type != SADB_FLUSH && type != SADB_DUMP &&
	    type != SADB_REGISTER)
		key_build_sa(b, htonl(SPI_BASE + idx), 0, SADB_SASTATE_MATURE,
		    SADB_AALG_NONE, SADB_X_EALG_AESCBC, 0);
	if (type == SADB_UPDATE)
		key_build_lifetime(b, SADB_EXT_LIFETIME_HARD, 0, 0,
		    1000 + param, 0);
	if (type != SADB_FLUSH && type != SADB_DUMP &&
	    type != SADB_REGISTER) {
		addr(b, SADB_EXT_ADDRESS_SRC, "192.0.2.1", 32, 255);
		addr(b, SADB_EXT_ADDRESS_DST, "192.0.2.2", 32, 255);
	}
	if (type == SADB_ADD) {
		for (i = 0; i < KEYLEN; i++)
			key[i] = (uint8_t)(param * 31 + i * 7 + idx);
		memcpy(seq_key[seq % MAXSEQ], key, KEYLEN);
		seq_of[seq % MAXSEQ] = seq;
		key_build_key(b, SADB_EXT_KEY_ENCRYPT, key, KEYLEN * 8);
	}
	if (type == SADB_GETSPI)
		key_build_spirange(b, 0x8000, 0x9000);
}

static void
spd_msg(struct key_buf *b, uint8_t type, unsigned int idx)
{
	key_build_begin(b, type, SADB_SATYPE_UNSPEC, seq, 1);
	if (type == SADB_X_SPDFLUSH || type == SADB_X_SPDDUMP)
		return;
	/* The index is the upper-layer protocol of the selector. */
	addr(b, SADB_EXT_ADDRESS_SRC, "10.0.0.0", 24, (uint8_t)(idx + 1));
	addr(b, SADB_EXT_ADDRESS_DST, "10.1.0.0", 24, (uint8_t)(idx + 1));
	key_build_policy(b, IPSEC_POLICY_DISCARD, IPSEC_DIR_OUTBOUND, 0, 0);
}

static void
send_built(struct conn *c, struct key_buf *b)
{
	if (key_build_end(b) == 0)
		(void)send(c->fd, key_buf_data(b), key_buf_len(b),
		    MSG_DONTWAIT);
	key_buf_free(b);
}

/*
 * The index of an SA change the model follows (ESP to 192.0.2.2, an SPI
 * of the range), or NIDX.  Raw messages may name anything.
 */
static unsigned int
sa_index(const struct key_msg *km)
{
	const struct sadb_sa *sa = KEY_MSG_EXT(km, SADB_EXT_SA, sadb_sa);
	const struct sadb_address *a = KEY_MSG_EXT(km, SADB_EXT_ADDRESS_DST,
	    sadb_address);
	const struct sockaddr_in *sin;
	uint32_t idx;

	if (sa == NULL || a == NULL ||
	    km->hdr->sadb_msg_satype != SADB_SATYPE_ESP)
		return NIDX;
	sin = (const void *)(a + 1);
	if (sin->sin_family != AF_INET ||
	    sin->sin_addr.s_addr != htonl(0xc0000202))
		return NIDX;
	idx = ntohl(sa->sadb_sa_spi) - SPI_BASE;
	return idx < NIDX ? idx : NIDX;
}

/* KAME's delete-all (no SA extension) of the model's address pair. */
static bool
deletes_all(const struct key_msg *km)
{
	const struct sadb_address *s = KEY_MSG_EXT(km, SADB_EXT_ADDRESS_SRC,
	    sadb_address);
	const struct sadb_address *d = KEY_MSG_EXT(km, SADB_EXT_ADDRESS_DST,
	    sadb_address);
	const struct sockaddr_in *ss, *ds;

	if (km->ext[SADB_EXT_SA] != NULL || s == NULL || d == NULL ||
	    km->hdr->sadb_msg_satype != SADB_SATYPE_ESP)
		return false;
	ss = (const void *)(s + 1);
	ds = (const void *)(d + 1);
	return ss->sin_family == AF_INET && ds->sin_family == AF_INET &&
	    ss->sin_addr.s_addr == htonl(0xc0000201) &&
	    ds->sin_addr.s_addr == htonl(0xc0000202);
}

/* Apply one acknowledged change the observer saw. */
static void
model_apply(const uint64_t *m, size_t len)
{
	const struct sadb_msg *h = (const void *)m;
	const struct sadb_x_policy *xp;
	const struct sadb_address *a;
	struct key_msg km;
	unsigned int idx;

	if (h->sadb_msg_errno != 0 || key_parse_reply(m, len, &km) != 0)
		return;
	idx = sa_index(&km);
	switch (h->sadb_msg_type) {
	case SADB_ADD:
		if (idx < NIDX) {
			sa_have[idx] = true;
			sa_keyknown[idx] = h->sadb_msg_pid == 1 &&
			    seq_of[h->sadb_msg_seq % MAXSEQ] == h->sadb_msg_seq;
			memcpy(sa_key[idx], seq_key[h->sadb_msg_seq % MAXSEQ],
			    KEYLEN);
		}
		break;
	case SADB_UPDATE:
		/* Only a raw UPDATE can make a larval SA of the range. */
		if (idx < NIDX && !sa_have[idx]) {
			sa_have[idx] = true;
			sa_keyknown[idx] = false;
		}
		break;
	case SADB_DELETE:
		if (idx < NIDX)
			sa_have[idx] = false;
		else if (deletes_all(&km))
			memset(sa_have, 0, sizeof(sa_have));
		break;
	case SADB_FLUSH:
		if (h->sadb_msg_satype == SADB_SATYPE_UNSPEC ||
		    h->sadb_msg_satype == SADB_SATYPE_ESP)
			memset(sa_have, 0, sizeof(sa_have));
		break;
	case SADB_X_SPDADD:
	case SADB_X_SPDDELETE:
		xp = KEY_MSG_EXT(&km, SADB_X_EXT_POLICY, sadb_x_policy);
		a = KEY_MSG_EXT(&km, SADB_EXT_ADDRESS_SRC, sadb_address);
		if (xp == NULL || a == NULL || a->sadb_address_proto < 1 ||
		    a->sadb_address_proto > NIDX)
			break;
		pol_id[a->sadb_address_proto - 1] = h->sadb_msg_type ==
		    SADB_X_SPDADD ? xp->sadb_x_policy_id : 0;
		break;
	case SADB_X_SPDFLUSH:
		memset(pol_id, 0, sizeof(pol_id));
		break;
	}
}

static void
observe(void)
{
	ssize_t n;

	while ((n = recv(obs.fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		if ((size_t)n >= sizeof(struct sadb_msg))
			model_apply(buf, (size_t)n);
}

static void
spin(int times)
{
	while (times-- > 0) {
		net_event_run_once(loop, 0);
		observe();
	}
}

/* Read up to n messages at c; how many there were. */
static int
read_some(struct conn *c, int n)
{
	int got = 0;

	while (got < n && recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		got++;
	return got;
}

static void
one_op(const uint8_t *op, const uint8_t *rest, size_t restlen)
{
	struct conn *c = &cl[(op[0] >> 4) % NCLIENT];
	unsigned int idx = op[1] % NIDX;
	static const uint8_t sa_types[] = {
		[OP_ADD] = SADB_ADD, [OP_DELETE] = SADB_DELETE,
		[OP_GET] = SADB_GET, [OP_UPDATE] = SADB_UPDATE,
		[OP_GETSPI] = SADB_GETSPI, [OP_FLUSH] = SADB_FLUSH,
		[OP_DUMP] = SADB_DUMP,
	};
	static const uint8_t spd_types[] = {
		[OP_SPDADD] = SADB_X_SPDADD, [OP_SPDDELETE] = SADB_X_SPDDELETE,
		[OP_SPDDUMP] = SADB_X_SPDDUMP, [OP_SPDFLUSH] = SADB_X_SPDFLUSH,
	};
	struct key_buf b;
	size_t n;

	seq++;
	key_buf_init_dynamic(&b);
	switch (op[0] & 15) {
	case OP_SPDADD: case OP_SPDDELETE: case OP_SPDDUMP: case OP_SPDFLUSH:
		spd_msg(&b, spd_types[op[0] & 15], idx);
		send_built(c, &b);
		break;
	case OP_REGISTER:
		sa_msg(&b, SADB_REGISTER, idx, op[2]);
		send_built(c, &b);
		break;
	case OP_PROMISC:
		key_build_begin(&b, SADB_X_PROMISC, op[2] & 1, seq, 1);
		send_built(c, &b);
		break;
	case OP_READ:
		key_buf_free(&b);
		read_some(c, op[2]);
		break;
	case OP_RAW:
		/* Garbage, but never in the name of the model's pid. */
		key_buf_free(&b);
		n = restlen < (size_t)op[2] ? restlen : (size_t)op[2];
		memcpy(buf, rest, n);
		if (n >= sizeof(struct sadb_msg))
			((struct sadb_msg *)(void *)buf)->sadb_msg_pid = 2;
		(void)send(c->fd, buf, n, MSG_DONTWAIT);
		break;
	case OP_REOPEN:
		key_buf_free(&b);
		conn_close(c);
		conn_open(c);
		break;
	default:
		sa_msg(&b, sa_types[op[0] & 15], idx, op[2]);
		send_built(c, &b);
		break;
	}
	spin(1 + (op[3] & 3));
}

/* The engine holds exactly what the model says. */
static void
check(void)
{
	struct sockaddr_in d;
	struct ipsec_policy *p;
	struct ipsec_sa *sa;
	unsigned int i;
	size_t npol = 0;

	memset(&d, 0, sizeof(d));
	d.sin_family = AF_INET;
	inet_pton(AF_INET, "192.0.2.2", &d.sin_addr);
	for (i = 0; i < NIDX; i++) {
		sa = key_sad_lookup((struct sockaddr *)&d, IPPROTO_ESP,
		    htonl(SPI_BASE + i));
		/* A raw GETSPI may leave a larval SA the model never sees. */
		if (sa != NULL && !sa_have[i] &&
		    sa->state == SADB_SASTATE_LARVAL)
			continue;
		if (sa_have[i] != (sa != NULL))
			abort();
		if (sa != NULL && sa_keyknown[i] &&
		    (sa->state != SADB_SASTATE_MATURE ||
		    sa->key_enc.len != KEYLEN ||
		    memcmp(sa->key_enc.data, sa_key[i], KEYLEN) != 0))
			abort();
		if (pol_id[i] == 0)
			continue;
		if ((p = key_spd_get(pol_id[i])) == NULL)
			abort();
		key_policy_put(p);
		npol++;
	}
	if (key_spd_count(IPSEC_DIR_ANY) < spd_base + npol)
		abort();
}

static void
setup(void)
{
	if (crypto_init() != 0 || key_sad_init() != 0 ||
	    (loop = net_event_loop_create()) == NULL)
		abort();
	key_msg_sa_init();
	key_msg_spd_init();
	key_spd_flush();
	spd_base = key_spd_count(IPSEC_DIR_ANY);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	size_t off, i;
	int got, quiet;

	if (!ready) {
		setup();
		ready = true;
	}
	for (i = 0; i < NCLIENT; i++)
		conn_open(&cl[i]);
	conn_open(&obs);
	for (off = 0; off + 4 <= size; off += 4)
		one_op(data + off, data + off + 4, size - off - 4);
	/*
	 * Every client reads everything now, so that pending requests and
	 * dumps complete; done after two quiet rounds.
	 */
	for (i = 0, quiet = 0; i < 256 && quiet < 2; i++) {
		spin(1);
		got = read_some(&cl[0], 4096) + read_some(&cl[1], 4096) +
		    read_some(&cl[2], 4096);
		quiet = got == 0 ? quiet + 1 : 0;
	}
	check();
	for (i = 0; i < NCLIENT; i++)
		conn_close(&cl[i]);
	conn_close(&obs);
	key_sad_flush(SADB_SATYPE_UNSPEC);
	key_spd_flush();
	memset(sa_have, 0, sizeof(sa_have));
	memset(pol_id, 0, sizeof(pol_id));
	return 0;
}
