/*
 * SADB_X_NAT_T_NEW_MAPPING (see key_natt.h).  The message is built in a
 * static buffer: it carries no key material and is small.
 */
#include <errno.h>
#include <string.h>

#include "net/pfkeyv2.h"
#include "netipsec/ipsec.h"
#include "sys/netkey/key_build.h"
#include "sys/netkey/key_defer.h"
#include "sys/netkey/key_natt.h"
#include "sys/netkey/key_sa.h"
#include "sys/netkey/key_sockaddr.h"
#include "sys/netkey/keysock.h"

static uint64_t natt_msg[64];

/* a with its port set to port (network order). */
static void
with_port(union key_sockaddr *out, const struct sockaddr *a, uint16_t port)
{
	key_sockaddr_copy(out, a);
	out->sin.sin_port = port;	/* sin6_port: same offset */
}

static int
new_mapping_now(const struct ipsec_sa *sa, const struct sockaddr *src,
    uint16_t sport, uint16_t dport)
{
	uint8_t plen = sa->dst.sa.sa_family == AF_INET6 ? 128 : 32;
	union key_sockaddr s, d;
	struct key_buf b;
	int error;

	if (keysock_registered_count(sa->satype) == 0)
		return EPROTONOSUPPORT;
	with_port(&s, src, sport);
	with_port(&d, &sa->dst.sa, dport);
	key_buf_init(&b, natt_msg, sizeof(natt_msg));
	key_build_begin(&b, SADB_X_NAT_T_NEW_MAPPING, sa->satype, 0, 0);
	key_build_sa(&b, sa->spi, 0, sa->state, sa->alg_auth, sa->alg_enc,
	    sa->flags);
	key_build_address(&b, SADB_EXT_ADDRESS_SRC, &s.sa, plen,
	    IPSEC_ULPROTO_ANY);
	key_build_address(&b, SADB_EXT_ADDRESS_DST, &d.sa, plen,
	    IPSEC_ULPROTO_ANY);
	key_build_nat_t_port(&b, SADB_X_EXT_NAT_T_SPORT, sport);
	key_build_nat_t_port(&b, SADB_X_EXT_NAT_T_DPORT, dport);
	if ((error = key_build_end(&b)) != 0)
		return error;
	return keysock_sendup(NULL, key_buf_data(&b), key_buf_len(&b),
	    KEY_SENDUP_REGISTERED);
}

struct new_mapping_post {
	struct ipsec_sa		*sa;	/* a reference */
	union key_sockaddr	 src;
	uint16_t		 sport, dport;
};

static void
new_mapping_run(void *data)
{
	struct new_mapping_post *p = data;

	(void)new_mapping_now(p->sa, &p->src.sa, p->sport, p->dport);
	key_sa_put(p->sa);
}

int
key_natt_new_mapping(const struct ipsec_sa *sa, const struct sockaddr *src,
    uint16_t sport, uint16_t dport)
{
	struct new_mapping_post p;

	if (key_defer_inline())
		return new_mapping_now(sa, src, sport, dport);
	memset(&p, 0, sizeof(p));
	/* The reference is taken on an SA the caller already holds. */
	p.sa = key_sa_get((struct ipsec_sa *)(uintptr_t)sa);
	key_sockaddr_copy(&p.src, src);
	p.sport = sport;
	p.dport = dport;
	if (key_defer(new_mapping_run, &p, sizeof(p)) != 0) {
		key_sa_put(p.sa);
		return ENOBUFS;
	}
	return 0;
}
