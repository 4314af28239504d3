/*
 * The inbound IPsec hook (see ipsec_hooks.h): remove ESP layer by layer,
 * decapsulate tunnels, keep the history of what was removed, then check
 * the final packet against the inbound policy.
 */
#include <netinet/in.h>
#include <string.h>

#include "net/pfkeyv2.h"
#include "sys/net/pbuf.h"
#include "sys/netipsec/esp_var.h"
#include "sys/netipsec/ipsec_hooks.h"
#include "sys/netipsec/ipsec_policy.h"
#include "sys/netipsec/ipsec_stat.h"
#include "sys/netipsec/ipsec_var.h"
#include "sys/netipsec/xform_ipip.h"
#include "sys/netkey/key_sad.h"
#include "sys/netkey/key_spd.h"

/* Destination options headers walked after a removed ESP, at most. */
#define DSTOPTS_MAX	4

/* What an ESP input drop means to the policy engine's counters. */
static const enum ipsecstat_counter esp_in_reason[ESPS_NCOUNTERS] = {
	[ESPS_NOTDB] = IPSECS_IN_NOSA,
	[ESPS_INVALID] = IPSECS_IN_NOSA,
	[ESPS_REPLAY] = IPSECS_IN_ESPREPLAY,
	[ESPS_BADAUTH] = IPSECS_IN_ESPAUTHFAIL,
};

/* Mark a drop of af's counter c; the return value is the counter. */
static int
in_fail(int af, enum ipsecstat_counter c)
{
	return ipsecstat_inc(af, c);
}

/*
 * The offset of the next-header byte that names the ESP header at
 * hi->ulp_off.  The parser's protoff is the transport-mode insertion
 * point's; IPv6 destination options between that point and ESP move it
 * on, one header at a time.
 */
static size_t
esp_protoff(const uint8_t *pkt, const struct ip_hdr_info *hi)
{
	size_t off = hi->ins_off, protoff = hi->protoff;

	if (hi->af != AF_INET6)
		return protoff;
	while (off < hi->ulp_off) {
		protoff = off;
		off += ((size_t)pkt[off + 1] + 1) * 8;
	}
	return protoff;
}

/*
 * After transport-mode ESP came off, the parsed view moves on to what
 * was inside it: the protocol, the length and, for IPv6, destination
 * options that followed ESP; then the selectors.
 */
static int
continue_parse(const struct pbuf *pb, struct ip_hdr_info *hi, uint8_t nxt)
{
	const uint8_t *p = pb->data;
	size_t off = hi->ulp_off, elen;
	int n = 0;

	hi->proto = nxt;
	hi->len = (uint32_t)pb->len;
	while (hi->af == AF_INET6 && hi->proto == IPPROTO_DSTOPTS) {
		if (++n > DSTOPTS_MAX || off + 2 > pb->len)
			return -1;
		elen = ((size_t)p[off + 1] + 1) * 8;
		if (elen > pb->len - off)
			return -1;
		hi->proto = p[off];
		off += elen;
	}
	hi->ulp_off = (uint16_t)off;
	return ip_hdr_ulp(p, hi);
}

/* Record what came off and count the success. */
static struct ipsec_history_entry *
record(struct ipsec_in_result *res, const struct ipsec_sa *sa, int af)
{
	const struct ipsec_xform *xf = ipsec_xform_of(sa);
	struct ipsecstat_set *st = ipsecstat_of(af);

	st->c[IPSECS_IN_SUCCESS]++;
	if (xf->flags & (IPSEC_XF_AEAD | IPSEC_XF_AUTH))
		st->c[IPSECS_IN_ESPAUTHSUCC]++;
	st->in_esphist[sa->alg_enc]++;
	return ipsec_history_add(&res->hist, sa->proto, sa->mode, sa->reqid,
	    sa->spi, &sa->src.sa, &sa->dst.sa);
}

/* Take the inner packet out of a tunnel and parse it. */
static int
decapsulate(struct pbuf *pb, struct ipsec_in_result *res, size_t off,
    uint8_t nxt)
{
	enum ipsecstat_counter why;
	int af = res->hi.af;

	if (ipip_input(pb, off, nxt, &why) != 0) {
		espstat_counters[ESPS_TUNNEL]++;
		return in_fail(af, why);
	}
	/*
	 * An inner fragment (peers may fragment before encapsulating) is
	 * passed on for reassembly; its policy check sees the selectors
	 * it carries (no ports past the first fragment).
	 */
	if (ip_hdr_parse(pb->data, pb->len, &res->hi) != 0) {
		espstat_counters[ESPS_TUNNEL]++;
		return in_fail(af, IPSECS_IN_TUNNEL);
	}
	return -1;
}

/* The SA for the ESP header at off, referenced; or a failure counter. */
static struct ipsec_sa *
esp_sa(const struct pbuf *pb, const struct ip_hdr_info *hi, size_t off,
    int *why)
{
	struct ipsec_sa *sa;
	uint32_t spi;

	if (hi->len < off + ESP_HDRLEN) {
		espstat_counters[ESPS_HDROPS]++;
		*why = in_fail(hi->af, IPSECS_IN_INVAL);
		return NULL;
	}
	memcpy(&spi, pb->data + off, sizeof(spi));
	sa = key_sad_lookup(&hi->dst.sa, IPPROTO_ESP, spi);
	if (sa == NULL) {
		espstat_counters[ESPS_NOTDB]++;
		*why = in_fail(hi->af, IPSECS_IN_NOSA);
		return NULL;
	}
	if (sa->state != SADB_SASTATE_MATURE &&
	    sa->state != SADB_SASTATE_DYING) {
		espstat_counters[ESPS_NOTDB]++;
		*why = in_fail(hi->af, IPSECS_IN_BADSPI);
		return NULL;
	}
	if (ipsec_sa_ready(sa) != 0) {
		espstat_counters[ESPS_NOXFORM]++;
		*why = in_fail(hi->af, IPSECS_IN_INVAL);
		return NULL;
	}
	return key_sa_get(sa);
}

/* The counter of a failed esp_input(). */
static int
esp_failure(const struct ipsec_sa *sa, int af)
{
	const struct ipsec_xform *xf = ipsec_xform_of(sa);
	enum ipsecstat_counter c = esp_in_reason[xf->last_drop];

	return in_fail(af, c != IPSECS_IN_SUCCESS ? c : IPSECS_IN_INVAL);
}

/*
 * Remove the ESP header at res->hi.ulp_off.  -1 when done (res->hi
 * describes what is left), or the counter of the drop.
 */
static int
remove_esp(struct pbuf *pb, struct ipsec_in_result *res)
{
	struct ip_hdr_info *hi = &res->hi;
	struct ipsec_history_entry *e;
	size_t off = hi->ulp_off;
	struct ipsec_sa *sa;
	int af = hi->af, why = -1;
	uint8_t nxt;

	if (res->hist.n >= IPSEC_HISTORY_MAX || (hi->flags & IP_HDR_F_FRAG))
		return in_fail(af, IPSECS_IN_INVAL);
	sa = esp_sa(pb, hi, off, &why);
	if (sa == NULL)
		return why;
	if (esp_input(sa, pb, off, esp_protoff(pb->data, hi), &nxt) !=
	    IPSEC_PASS) {
		why = esp_failure(sa, af);
		key_sa_put(sa);
		return why;
	}
	e = record(res, sa, af);
	if ((nxt == IPPROTO_IPIP || nxt == IPPROTO_IPV6) &&
	    (sa->mode == IPSEC_MODE_TUNNEL || sa->mode == IPSEC_MODE_ANY)) {
		e->decap = true;
		why = decapsulate(pb, res, off, nxt);
	} else if (continue_parse(pb, hi, nxt) != 0) {
		why = in_fail(af, IPSECS_IN_INVAL);
	} else if (hi->proto == IPPROTO_NONE) {
		/*
		 * A dummy packet (RFC 4303 section 2.6): traffic flow
		 * confidentiality filler the peer may send on any SA, tunnel
		 * or transport.  It authenticated, but carries nothing for
		 * the host and must be discarded without an error.
		 */
		why = in_fail(af, IPSECS_IN_DUMMY);
	}
	key_sa_put(sa);
	return why;
}

/* The inbound policy for the final packet; -1 (accept) or a counter. */
static int
check_policy(const struct ipsec_in_result *res)
{
	const struct ip_hdr_info *hi = &res->hi;
	struct ipsec_policy *p;
	int why = -1;

	p = ipsec_policy_lookup(IPSEC_DIR_INBOUND, hi);
	if (p == NULL) {
		if (ipsec_af_vars(hi->af)->def_policy == IPSEC_POLICY_DISCARD)
			why = in_fail(hi->af, IPSECS_IN_POLVIO);
		return why;
	}
	/*
	 * A `none' policy accepts protected packets too, as KAME does: the
	 * protection was the peer's choice and costs us nothing.
	 */
	if (p->action == IPSEC_POLICY_DISCARD ||
	    (p->action == IPSEC_POLICY_IPSEC &&
	    !ipsec_policy_check_in(p, hi, &res->hist)))
		why = in_fail(hi->af, IPSECS_IN_POLVIO);
	key_policy_put(p);
	return why;
}

enum ipsec_verdict
ipsec_input(struct pbuf **pbp, const struct ip_hdr_info *hi,
    struct ipsec_in_result *res)
{
	struct pbuf *pb = *pbp;
	int why = -1;

	res->drop = -1;
	ipsec_history_clear(&res->hist);
	if (hi != NULL)
		res->hi = *hi;
	else if (ip_hdr_parse(pb->data, pb->len, &res->hi) != 0) {
		res->drop = in_fail(res->hi.af, IPSECS_IN_INVAL);
		return IPSEC_DROP;
	}
	if (pb->len > res->hi.len)
		pbuf_trim(pb, pb->len - res->hi.len);
	while (why < 0 && res->hi.proto == IPPROTO_ESP)
		why = remove_esp(pb, res);
	if (why < 0 && (res->hi.proto == IPPROTO_AH ||
	    res->hi.proto == IPPROTO_COMP))
		why = in_fail(res->hi.af, IPSECS_IN_NOTSUPP);
	if (why < 0)
		why = check_policy(res);
	res->drop = why;
	return why < 0 ? IPSEC_PASS : IPSEC_DROP;
}
