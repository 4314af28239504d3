/*
 * IPv4 and IPv6 fragmentation of outgoing datagrams.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "sys/net/net_endian.h"
#include "sys/net/siphash.h"
#include "sys/netinet/in_cksum.h"
#include "sys/netinet/ip_frag.h"
#include "sys/netinet/ip_var.h"
#include "sys/netinet6/ip6_var.h"

#define IP4_HDR_MIN	20
#define IP6_HDR_LEN	40
#define IP6_FRAG_LEN	8
#define IPOPT_COPIED	0x80

/*
 * The header of a non-first IPv4 fragment: the fixed part and the options
 * whose "copied" flag is set, padded with end-of-list to a word.  Returns
 * its length.
 */
static size_t
ip4_copied_header(const uint8_t *pkt, size_t hlen, uint8_t *out)
{
	size_t i = IP4_HDR_MIN, n = IP4_HDR_MIN, olen;

	memcpy(out, pkt, IP4_HDR_MIN);
	while (i < hlen && pkt[i] != 0) {
		olen = pkt[i] == 1 ? 1 : pkt[i + 1];
		if (pkt[i] & IPOPT_COPIED) {
			memcpy(out + n, pkt + i, olen);
			n += olen;
		}
		i += olen;
	}
	while (n % 4 != 0)
		out[n++] = 0;
	out[0] = (uint8_t)(0x40 | n / 4);
	return n;
}

/* One IPv4 fragment: header hdr, payload bytes [off, off + len). */
static struct pbuf *
ip4_fragment(struct pbuf_pool *pool, const uint8_t *hdr, size_t hlen,
    const uint8_t *payload, size_t len, uint32_t off, bool more)
{
	struct pbuf *f;
	uint8_t *p;

	f = pbuf_alloc(pool, hlen + len);
	if (f == NULL)
		return NULL;
	p = pbuf_put(f, hlen + len);
	memcpy(p, hdr, hlen);
	memcpy(p + hlen, payload, len);
	be_put16(p + 2, (uint16_t)(hlen + len));
	be_put16(p + 6, (uint16_t)((more ? 0x2000 : 0) | off >> 3));
	be_put16(p + 10, 0);
	be_put16(p + 10, in_cksum(p, hlen));
	f->af = AF_INET;
	return f;
}

int
ip_frag_output(struct pbuf_pool *pool, struct pbuf *pb,
    const struct ip_hdr_info *hi, size_t mtu, ip_frag_emit_fn emit,
    void *arg)
{
	uint8_t copied[60];
	const uint8_t *hdr = pb->data;
	size_t hlen = hi->hlen, plen = hi->len - hi->hlen, done = 0, chunk;
	struct pbuf *f;

	if (hi->len <= mtu) {
		emit(arg, pb);
		return 0;
	}
	if (hi->flags & IP_HDR_F_DF) {
		net_counter_inc(&ipstat, IPSTAT_CANTFRAG);
		return EMSGSIZE;
	}
	if (mtu < IP_FRAG_MINMTU || mtu < hlen + 8)
		return EINVAL;
	while (done < plen) {
		chunk = (mtu - hlen) & ~(size_t)7;
		if (chunk > plen - done)
			chunk = plen - done;
		f = ip4_fragment(pool, hdr, hlen, pb->data + hi->hlen + done,
		    chunk, hi->frag.off + (uint32_t)done,
		    done + chunk < plen || hi->frag.more);
		if (f == NULL) {
			net_counter_inc(&ipstat, IPSTAT_ODROPPED);
			return ENOBUFS;
		}
		net_counter_inc(&ipstat, IPSTAT_OFRAGMENTS);
		emit(arg, f);
		if (done == 0) {
			hlen = ip4_copied_header(pb->data, hi->hlen, copied);
			hdr = copied;
		}
		done += chunk;
	}
	net_counter_inc(&ipstat, IPSTAT_FRAGMENTED);
	pbuf_free(pb);
	return 0;
}

/* One IPv6 fragment of the packet at pkt: unfragmentable part, header. */
static struct pbuf *
ip6_fragment(struct pbuf_pool *pool, const uint8_t *pkt,
    const struct ip_hdr_info *hi, size_t off, size_t len, bool more,
    uint32_t id)
{
	size_t unfrag = hi->ins_off, flen = unfrag + IP6_FRAG_LEN + len;
	struct pbuf *f;
	uint8_t *p, *fh;

	f = pbuf_alloc(pool, flen);
	if (f == NULL)
		return NULL;
	p = pbuf_put(f, flen);
	memcpy(p, pkt, unfrag);
	be_put16(p + 4, (uint16_t)(flen - IP6_HDR_LEN));
	p[hi->protoff] = IPPROTO_FRAGMENT;
	fh = p + unfrag;
	fh[0] = pkt[hi->protoff];
	fh[1] = 0;
	be_put16(fh + 2, (uint16_t)(off | (more ? 1 : 0)));
	be_put16(fh + 4, (uint16_t)(id >> 16));
	be_put16(fh + 6, (uint16_t)id);
	memcpy(fh + IP6_FRAG_LEN, pkt + unfrag + off, len);
	f->af = AF_INET6;
	return f;
}

int
ip6_frag_output(struct pbuf_pool *pool, struct pbuf *pb,
    const struct ip_hdr_info *hi, size_t mtu, uint32_t id,
    ip_frag_emit_fn emit, void *arg)
{
	size_t unfrag = hi->ins_off, plen, done = 0, chunk, step;
	struct pbuf *f;

	if (hi->len <= mtu) {
		emit(arg, pb);
		return 0;
	}
	if (hi->frag.hdr_off != 0) {
		net_counter_inc(&ip6stat, IP6STAT_CANTFRAG);
		return EINVAL;
	}
	if (mtu < IP6_FRAG_MINMTU || mtu < unfrag + IP6_FRAG_LEN + 8)
		return EINVAL;
	plen = hi->len - unfrag;
	step = (mtu - unfrag - IP6_FRAG_LEN) & ~(size_t)7;
	while (done < plen) {
		chunk = plen - done < step ? plen - done : step;
		f = ip6_fragment(pool, pb->data, hi, done, chunk,
		    done + chunk < plen, id);
		if (f == NULL) {
			net_counter_inc(&ip6stat, IP6STAT_ODROPPED);
			return ENOBUFS;
		}
		net_counter_inc(&ip6stat, IP6STAT_OFRAGMENTS);
		emit(arg, f);
		done += chunk;
	}
	net_counter_inc(&ip6stat, IP6STAT_FRAGMENTED);
	pbuf_free(pb);
	return 0;
}

/*
 * Per thread: each worker numbers its own fragments under its own key,
 * so ids stay unpredictable and no two workers share a counter.
 */
uint32_t
ip_frag_id(void)
{
	static _Thread_local uint8_t key[SIPHASH_KEY_LEN];
	static _Thread_local bool keyed;
	static _Thread_local uint64_t counter;

	if (!keyed) {
		siphash_random_key(key);
		keyed = true;
	}
	counter++;
	return (uint32_t)siphash24(key, &counter, sizeof(counter));
}
