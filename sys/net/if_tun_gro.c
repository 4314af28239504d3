/*
 * TUN receive coalescing (see if_tun_gro.h).  Each flow keeps its first
 * segment whole in a buffer with room for a virtio-net header in front;
 * later segments add only their payload.  At the flush the first
 * segment's headers become the super-packet's: IP length (and the IPv4
 * header checksum), PSH when the last segment had it, and the TCP
 * checksum field set to the pseudo-header sum that a partial checksum
 * (VIRTIO_NET_HDR_F_NEEDS_CSUM) expects.  A flow of one segment leaves
 * unchanged, with an all-zero header.
 */
#include <netinet/in.h>

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sys/net/if_tun_gro.h"
#include "sys/net/net_endian.h"
#include "sys/netinet/in_cksum.h"

#define GRO_VNET	sizeof(struct virtio_net_hdr)
#define GRO_MAXLEN	65535		/* IPv4 total length, IPv6 payload */
#define TCP_ACK		0x10
#define TCP_PSH		0x08

/* One segment's parsed headers. */
struct gro_seg {
	int		af;
	size_t		ip_hlen;
	size_t		hlen;		/* IP and TCP headers */
	size_t		plen;		/* TCP payload */
	uint32_t	seq;
	uint8_t		flags;
};

struct gro_flow {
	bool		used;
	struct gro_seg	first;
	size_t		len;		/* bytes of packet held */
	size_t		last_plen;
	uint32_t	next_seq;
	unsigned int	nseg;
	uint8_t		*buf;		/* GRO_VNET + GRO_MAXLEN */
};

struct tun_gro {
	tun_gro_write_fn write;
	void		*arg;
	unsigned int	 victim;	/* next flow evicted when all busy */
	struct gro_flow	 flows[TUN_GRO_FLOWS];
	struct tun_gro_stats stats;
};

/*
 * TCP directly after a plain IP header (no IPv4 options, no IPv6
 * extension headers), unfragmented, lengths consistent; false otherwise.
 */
static bool
gro_parse(const uint8_t *p, size_t len, struct gro_seg *s)
{
	const uint8_t *tcp;

	if (len >= 40 && p[0] == 0x45 && p[9] == IPPROTO_TCP &&
	    be_get16(p + 2) == len && (be_get16(p + 6) & 0x3fff) == 0) {
		s->af = AF_INET;
		s->ip_hlen = 20;
	} else if (len >= 60 && (p[0] >> 4) == 6 && p[6] == IPPROTO_TCP &&
	    (size_t)be_get16(p + 4) + 40 == len) {
		s->af = AF_INET6;
		s->ip_hlen = 40;
	} else
		return false;
	tcp = p + s->ip_hlen;
	s->hlen = s->ip_hlen + (size_t)(tcp[12] >> 4) * 4;
	if (s->hlen < s->ip_hlen + 20 || s->hlen > len)
		return false;
	s->plen = len - s->hlen;
	s->seq = be_get32(tcp + 4);
	s->flags = tcp[13];
	return true;
}

/* Whether a and b are of one flow: family, addresses and ports. */
static bool
gro_same_flow(const uint8_t *a, const uint8_t *b, const struct gro_seg *s)
{
	size_t off = s->af == AF_INET ? 12 : 8, alen = s->af == AF_INET ?
	    8 : 32;

	return memcmp(a + off, b + off, alen) == 0 &&
	    memcmp(a + s->ip_hlen, b + s->ip_hlen, 4) == 0;
}

/*
 * Whether segment p (parsed s) continues flow f: the headers equal but
 * for what segmentation changes, see if_tun_gro.h.
 */
static bool
gro_continues(const struct gro_flow *f, const uint8_t *p,
    const struct gro_seg *s)
{
	const uint8_t *h = f->buf + GRO_VNET;
	size_t ip = s->ip_hlen;

	if (s->af != f->first.af || s->hlen != f->first.hlen ||
	    s->seq != f->next_seq || s->plen == 0 ||
	    s->plen > f->first.plen || f->last_plen != f->first.plen ||
	    (s->flags & ~TCP_PSH) != TCP_ACK ||
	    f->len + s->plen > GRO_MAXLEN)
		return false;
	if (s->af == AF_INET) {
		if (memcmp(h, p, 2) != 0 || memcmp(h + 6, p + 6, 4) != 0 ||
		    memcmp(h + 12, p + 12, 8) != 0 ||
		    (uint16_t)(be_get16(h + 4) + f->nseg) !=
		    be_get16(p + 4))
			return false;
	} else if (memcmp(h, p, 4) != 0 || memcmp(h + 6, p + 6, 34) != 0)
		return false;
	return memcmp(h + ip, p + ip, 4) == 0 &&
	    memcmp(h + ip + 8, p + ip + 8, 5) == 0 &&
	    memcmp(h + ip + 14, p + ip + 14, 2) == 0 &&
	    memcmp(h + ip + 18, p + ip + 18, s->hlen - ip - 18) == 0;
}

/* Whether the segment's TCP checksum verifies. */
static bool
gro_cksum_ok(const uint8_t *p, const struct gro_seg *s)
{
	bool v6 = s->af == AF_INET6;

	return in_cksum_upper(s->af, p + (v6 ? 8 : 12), p + (v6 ? 24 : 16),
	    IPPROTO_TCP, p + s->ip_hlen,
	    (uint32_t)(s->hlen - s->ip_hlen + s->plen)) == 0;
}

static int
gro_write(struct tun_gro *g, const struct virtio_net_hdr *vh,
    const uint8_t *pkt, size_t len)
{
	if (g->write(g->arg, vh, pkt, len) == 0)
		return 0;
	g->stats.errors++;
	return -1;
}

/* Write flow f: unchanged when it holds one segment, else coalesced. */
static int
gro_flow_flush(struct tun_gro *g, struct gro_flow *f)
{
	static const struct virtio_net_hdr none;
	struct virtio_net_hdr vh;
	uint8_t *p = f->buf + GRO_VNET, *tcp;
	const struct gro_seg *s = &f->first;
	bool v6 = s->af == AF_INET6;

	f->used = false;
	if (f->nseg == 1)
		return gro_write(g, &none, p, f->len);
	tcp = p + s->ip_hlen;
	if (v6)
		be_put16(p + 4, (uint16_t)(f->len - 40));
	else {
		be_put16(p + 2, (uint16_t)f->len);
		be_put16(p + 10, 0);
		be_put16(p + 10, in_cksum(p, 20));
	}
	be_put16(tcp + 16, (uint16_t)~in_cksum_fold(in_cksum_pseudo(
	    s->af, p + (v6 ? 8 : 12), p + (v6 ? 24 : 16), IPPROTO_TCP,
	    (uint32_t)(f->len - s->ip_hlen))));
	memset(&vh, 0, sizeof(vh));
	vh.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	vh.gso_type = v6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4;
	vh.hdr_len = (uint16_t)s->hlen;
	vh.gso_size = (uint16_t)s->plen;
	vh.csum_start = (uint16_t)s->ip_hlen;
	vh.csum_offset = 16;
	g->stats.written++;
	return gro_write(g, &vh, p, f->len);
}

/* Start flow f with segment p, whole. */
static void
gro_flow_start(struct gro_flow *f, const uint8_t *p, size_t len,
    const struct gro_seg *s)
{
	memcpy(f->buf + GRO_VNET, p, len);
	f->used = true;
	f->first = *s;
	f->len = len;
	f->last_plen = s->plen;
	f->next_seq = s->seq + (uint32_t)s->plen;
	f->nseg = 1;
}

/* Add segment p's payload to flow f. */
static void
gro_flow_add(struct gro_flow *f, const uint8_t *p, const struct gro_seg *s)
{
	memcpy(f->buf + GRO_VNET + f->len, p + s->hlen, s->plen);
	f->len += s->plen;
	f->last_plen = s->plen;
	f->next_seq += (uint32_t)s->plen;
	f->nseg++;
	f->buf[GRO_VNET + s->ip_hlen + 13] |= s->flags & TCP_PSH;
}

/* A free flow, or the next one in turn written out to make room. */
static struct gro_flow *
gro_flow_take(struct tun_gro *g, int *rc)
{
	struct gro_flow *f;
	unsigned int i;

	for (i = 0; i < TUN_GRO_FLOWS; i++)
		if (!g->flows[i].used)
			return &g->flows[i];
	f = &g->flows[g->victim];
	g->victim = (g->victim + 1) % TUN_GRO_FLOWS;
	*rc = gro_flow_flush(g, f);
	return f;
}

int
tun_gro_output(struct tun_gro *g, const uint8_t *pkt, size_t len)
{
	static const struct virtio_net_hdr none;
	struct gro_flow *f = NULL;
	struct gro_seg s;
	unsigned int i;
	int rc = 0;

	if (!gro_parse(pkt, len, &s))
		return gro_write(g, &none, pkt, len);
	for (i = 0; i < TUN_GRO_FLOWS && f == NULL; i++)
		if (g->flows[i].used && gro_same_flow(g->flows[i].buf +
		    GRO_VNET, pkt, &s))
			f = &g->flows[i];
	if (f != NULL && gro_continues(f, pkt, &s) && gro_cksum_ok(pkt, &s)) {
		gro_flow_add(f, pkt, &s);
		g->stats.merged++;
		if ((s.flags & TCP_PSH) != 0 || s.plen < f->first.plen)
			return gro_flow_flush(g, f);
		return 0;
	}
	if (f != NULL)
		rc = gro_flow_flush(g, f);
	if (s.flags != TCP_ACK || s.plen == 0 || !gro_cksum_ok(pkt, &s))
		return gro_write(g, &none, pkt, len) != 0 ? -1 : rc;
	f = gro_flow_take(g, &rc);
	gro_flow_start(f, pkt, len, &s);
	return rc;
}

void
tun_gro_flush(void *arg)
{
	struct tun_gro *g = arg;
	unsigned int i;

	for (i = 0; i < TUN_GRO_FLOWS; i++)
		if (g->flows[i].used)
			gro_flow_flush(g, &g->flows[i]);
}

struct tun_gro *
tun_gro_create(tun_gro_write_fn write, void *arg)
{
	struct tun_gro *g;
	unsigned int i;

	if ((g = calloc(1, sizeof(*g))) == NULL)
		return NULL;
	g->write = write;
	g->arg = arg;
	for (i = 0; i < TUN_GRO_FLOWS; i++)
		if ((g->flows[i].buf = malloc(GRO_VNET + GRO_MAXLEN)) ==
		    NULL) {
			tun_gro_destroy(g);
			return NULL;
		}
	return g;
}

void
tun_gro_destroy(struct tun_gro *g)
{
	unsigned int i;

	if (g == NULL)
		return;
	for (i = 0; i < TUN_GRO_FLOWS; i++)
		free(g->flows[i].buf);
	free(g);
}

const struct tun_gro_stats *
tun_gro_stats(const struct tun_gro *g)
{
	return &g->stats;
}
