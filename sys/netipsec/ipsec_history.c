/*
 * The per-packet record of removed transforms (see ipsec_history.h).
 */
#include <string.h>

#include "sys/netipsec/ipsec_history.h"

void
ipsec_history_clear(struct ipsec_history *h)
{
	h->n = 0;
}

static void
copy_addr(union key_sockaddr *to, const struct sockaddr *from)
{
	memset(to, 0, sizeof(*to));
	if (from->sa_family == AF_INET)
		memcpy(&to->sin, from, sizeof(to->sin));
	else if (from->sa_family == AF_INET6)
		memcpy(&to->sin6, from, sizeof(to->sin6));
}

struct ipsec_history_entry *
ipsec_history_add(struct ipsec_history *h, uint8_t proto, uint8_t mode,
    uint32_t reqid, uint32_t spi, const struct sockaddr *src,
    const struct sockaddr *dst)
{
	struct ipsec_history_entry *e;

	if (h->n >= IPSEC_HISTORY_MAX)
		return NULL;
	e = &h->e[h->n++];
	e->proto = proto;
	e->mode = mode;
	e->decap = false;
	e->reqid = reqid;
	e->spi = spi;
	copy_addr(&e->src, src);
	copy_addr(&e->dst, dst);
	return e;
}
