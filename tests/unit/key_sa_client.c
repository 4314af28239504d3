/*
 * In-process PF_KEY clients and SA requests (see key_sa_client.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/libipsec/setkey_parse.h"
#include "net/pfkeyv2.h"
#include "sys/crypto/crypto.h"
#include "sys/net/net_event.h"
#include "sys/netipsec/ipsec_xform.h"
#include "sys/netkey/key_acquire.h"
#include "sys/netkey/key_dispatch.h"
#include "sys/netkey/key_msg_sa.h"
#include "sys/netkey/key_sad.h"
#include "sys/netkey/keysock.h"
#include "tests/unit/key_sa_client.h"
#include "tests/unit/pfkey_msg.h"
#include "tests/unit/testlib.h"

void
sa_client_open(struct sa_client *c)
{
	int sv[2];

	CU_ASSERT_FATAL((c->loop = net_event_loop_create()) != NULL);
	CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0);
	c->so = keysock_attach(c->loop, sv[0], 0);
	CU_ASSERT_FATAL(c->so != NULL);
	c->fd = sv[1];
}

void
sa_client_close(struct sa_client *c)
{
	keysock_detach(c->so);
	close(c->fd);
	net_event_loop_destroy(c->loop);
}

int
sa_client_send(struct sa_client *c, const struct key_buf *b)
{
	uint64_t msg[SA_MSGBUF_WORDS];

	memcpy(msg, key_buf_data(b), key_buf_len(b));
	return key_dispatch(c->so, msg, key_buf_len(b));
}

ssize_t
sa_client_recv(struct sa_client *c, uint64_t *buf)
{
	net_event_run_once(c->loop, 0);
	return recv(c->fd, buf, SA_MSGBUF_WORDS * 8, MSG_DONTWAIT);
}

int
sa_client_drain(struct sa_client *c)
{
	uint64_t buf[SA_MSGBUF_WORDS];
	int n = 0;

	while (sa_client_recv(c, buf) > 0)
		n++;
	return n;
}

int
sa_client_call(struct sa_client *c, const struct key_buf *b, uint64_t *buf)
{
	uint64_t local[SA_MSGBUF_WORDS];
	uint64_t *out = buf != NULL ? buf : local;

	if (sa_client_send(c, b) != 0)
		return -1;
	if (sa_client_recv(c, out) < (ssize_t)sizeof(struct sadb_msg))
		return -1;
	return ((const struct sadb_msg *)out)->sadb_msg_errno;
}

static void
build_addr(struct key_buf *b, uint16_t type, const char *text)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;

	if (strchr(text, ':') != NULL) {
		pfkey_msg_sin6(&sin6, text, 0);
		key_build_address(b, type, (void *)&sin6, 128, 255);
	} else {
		pfkey_msg_sin(&sin, text, 0);
		key_build_address(b, type, (void *)&sin, 32, 255);
	}
}

static void
build_key(struct key_buf *b, uint16_t type, uint16_t bits,
    const uint8_t *key)
{
	uint8_t pattern[512];
	size_t i;

	for (i = 0; i < sizeof(pattern); i++)
		pattern[i] = (uint8_t)(0x11 + 7 * i);
	key_build_key(b, type, key != NULL ? key : pattern, bits);
}

static void
build_lifetimes(struct key_buf *b, const struct sa_req *r)
{
	if (r->hard_addtime != 0 || r->hard_bytes != 0)
		key_build_lifetime(b, SADB_EXT_LIFETIME_HARD, 0, r->hard_bytes,
		    r->hard_addtime, 0);
	if (r->soft_addtime != 0)
		key_build_lifetime(b, SADB_EXT_LIFETIME_SOFT, 0, 0,
		    r->soft_addtime, 0);
}

int
sa_req_build(struct key_buf *b, const struct sa_req *r)
{
	key_buf_init_dynamic(b);
	key_build_begin(b, r->type, r->satype, r->seq, r->pid);
	if (!r->no_sa)
		key_build_sa(b, htonl(r->spi), r->replay, r->state, r->auth,
		    r->enc, r->flags);
	if (r->sa2)
		key_build_sa2(b, r->mode, r->reqid, 0);
	build_lifetimes(b, r);
	build_addr(b, SADB_EXT_ADDRESS_SRC, r->src);
	build_addr(b, SADB_EXT_ADDRESS_DST, r->dst);
	if (r->akeybits != 0)
		build_key(b, SADB_EXT_KEY_AUTH, r->akeybits, NULL);
	if (r->ekeybits != 0)
		build_key(b, SADB_EXT_KEY_ENCRYPT, r->ekeybits, r->ekey);
	if (r->ident != NULL)
		key_build_identity(b, SADB_EXT_IDENTITY_SRC,
		    SADB_IDENTTYPE_FQDN, 0, r->ident);
	if (r->spirange)
		key_build_spirange(b, r->spimin, r->spimax);
	if (r->sa_replay != 0)
		key_build_sa_replay(b, r->sa_replay);
	if (r->natt_type != 0) {
		key_build_nat_t_type(b, r->natt_type);
		key_build_nat_t_port(b, SADB_X_EXT_NAT_T_SPORT,
		    htons(r->natt_sport));
		key_build_nat_t_port(b, SADB_X_EXT_NAT_T_DPORT,
		    htons(r->natt_dport));
	}
	return key_build_end(b);
}

struct sa_req
sa_req_esp(uint8_t type, uint32_t spi)
{
	struct sa_req r = {
		.type = type,
		.satype = SADB_SATYPE_ESP,
		.seq = 1,
		.pid = 4242,
		.src = "192.0.2.1",
		.dst = "192.0.2.2",
		.spi = spi,
		.auth = SADB_AALG_SHA1HMAC,
		.enc = SADB_X_EALG_AESCBC,
		.replay = 4,
		.akeybits = 160,
		.ekeybits = 128,
	};

	return r;
}

const struct sadb_ext *
sa_reply_ext(const uint64_t *buf, uint16_t type)
{
	const struct sadb_msg *m = (const void *)buf;

	return pfkey_msg_find((void *)(uintptr_t)buf,
	    PFKEY_UNUNIT64((size_t)m->sadb_msg_len), type);
}

int
sa_suite_init(void)
{
	if (crypto_init() != 0 || key_sad_init() != 0)
		return -1;
	key_msg_sa_init();
	ipsec_xform_attach();
	return 0;
}

int
sa_suite_fini(void)
{
	key_acquire_flush();
	key_sad_fini();
	crypto_fini();
	return 0;
}

/* env.send: one script message through the PF_KEY socket. */
static int
script_send(void *arg, const struct setkey_request *req)
{
	static uint64_t buf[SA_MSGBUF_WORDS];
	struct sa_client *c = arg;
	struct sadb_msg reply;

	memcpy(buf, req->msg, req->len);
	if (key_dispatch(c->so, buf, req->len) != 0 ||
	    sa_client_recv(c, buf) < (ssize_t)sizeof(reply))
		return -1;
	memcpy(&reply, buf, sizeof(reply));
	return reply.sadb_msg_errno;
}

void
sa_apply_script(const char *script)
{
	struct sa_client c;
	struct setkey_env env;

	sa_client_open(&c);
	setkey_env_init(&env);
	env.send = script_send;
	env.arg = &c;
	CU_ASSERT_EQUAL(setkey_run(&env, script, strlen(script)), 0);
	sa_client_drain(&c);
	sa_client_close(&c);
}
