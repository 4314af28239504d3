/*
 * Helpers for the ESP tests (see esp_sa_util.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "net/pfkeyv2.h"
#include "sys/crypto/crypto.h"
#include "sys/net/net_endian.h"
#include "sys/net/pbuf.h"
#include "sys/netinet/in_cksum.h"
#include "sys/netipsec/esp_var.h"
#include "sys/netkey/key_sa.h"
#include "esp_sa_util.h"

struct pbuf_pool *esp_pool;

int
esp_suite_init(void)
{
	esp_pool = pbuf_pool_create(64, 2);
	return crypto_init() != 0 || esp_pool == NULL;
}

int
esp_suite_fini(void)
{
	pbuf_pool_destroy(esp_pool);
	esp_pool = NULL;
	crypto_fini();
	return 0;
}

struct ipsec_sa *
esp_sa_make(const struct esp_sa_spec *spec, int *errp)
{
	struct sockaddr_in src = { .sin_family = AF_INET };
	struct sockaddr_in dst = { .sin_family = AF_INET };
	struct ipsec_sa *sa;
	int error;

	inet_pton(AF_INET, "192.0.2.1", &src.sin_addr);
	inet_pton(AF_INET, "192.0.2.2", &dst.sin_addr);
	sa = key_sa_alloc(spec->satype != 0 ? spec->satype : SADB_SATYPE_ESP,
	    (struct sockaddr *)&src,
	    (struct sockaddr *)&dst);
	if (sa == NULL) {
		*errp = errno;
		return NULL;
	}
	sa->spi = htonl(spec->spi);
	sa->state = SADB_SASTATE_MATURE;
	sa->alg_enc = spec->enc;
	sa->alg_auth = spec->auth;
	sa->flags = spec->flags;
	sa->replay = spec->replay;
	error = key_sa_set_key(&sa->key_enc, spec->ekey,
	    (uint16_t)(spec->ekeylen * 8));
	if (error == 0)
		error = key_sa_set_key(&sa->key_auth, spec->akey,
		    (uint16_t)(spec->akeylen * 8));
	if (error == 0)
		error = ipsec_xform_install(sa);
	*errp = error;
	if (error != 0) {
		key_sa_put(sa);
		return NULL;
	}
	return sa;
}

struct pbuf *
esp_pkt_make(struct pbuf_pool *pool, int af, uint8_t proto,
    const uint8_t *payload, size_t len, size_t *skipp, size_t *protoffp)
{
	size_t hlen = af == AF_INET6 ? 40 : 20;
	struct pbuf *pb;
	uint8_t *ip;

	pb = pbuf_alloc(pool, hlen + len);
	if (pb == NULL)
		return NULL;
	ip = pbuf_put(pb, hlen + len);
	memset(ip, 0, hlen);
	memcpy(ip + hlen, payload, len);
	if (af == AF_INET6) {
		ip[0] = 0x60;
		be_put16(ip + 4, (uint16_t)len);
		ip[6] = proto;
		ip[7] = 64;
		inet_pton(AF_INET6, "2001:db8::1", ip + 8);
		inet_pton(AF_INET6, "2001:db8::2", ip + 24);
		*protoffp = 6;
	} else {
		ip[0] = 0x45;
		be_put16(ip + 2, (uint16_t)(hlen + len));
		ip[8] = 64;
		ip[9] = proto;
		inet_pton(AF_INET, "192.0.2.1", ip + 12);
		inet_pton(AF_INET, "192.0.2.2", ip + 16);
		be_put16(ip + 10, in_cksum(ip, hlen));
		*protoffp = 9;
	}
	pb->af = af;
	*skipp = hlen;
	return pb;
}

struct pbuf *
esp_pkt_copy(struct pbuf_pool *pool, const struct pbuf *pb)
{
	struct pbuf *c = pbuf_alloc(pool, pb->len);

	if (c == NULL)
		return NULL;
	pbuf_append(c, pb->data, pb->len);
	c->af = pb->af;
	return c;
}

void
esp_fill(uint8_t *buf, size_t len, uint32_t seed)
{
	size_t i;

	for (i = 0; i < len; i++) {
		seed = seed * 1103515245u + 12345u;
		buf[i] = (uint8_t)(seed >> 16);
	}
}
