/*
 * IPComp (RFC 3173, deflate RFC 2394): the transform's row of the
 * transform table and its statistics.
 *
 * The counters keep FreeBSD's ipcompstat names and order (netstat -s -p
 * ipcomp), in one array indexed by enum ipcompstat_counter; the struct
 * ipcompstat of FreeBSD's layout is filled from it by ipcompstat_get().
 * The packet path is single-threaded, so the counters are plain integers.
 *
 * Behaviour (settled per SA by ipcomp_init(), see xform_ipcomp.c):
 *  - The CPI on the wire is the well-known one, the compression
 *    algorithm's number (2 for deflate), unless the SA was added with
 *    -R (SADB_X_EXT_RAWCPI): then it is the SA's SPI, as KAME does.
 *    Inbound, a header is matched to its SA by CPI as an SPI, and a
 *    well-known CPI that names no SA by that number finds the IPComp SA
 *    of the packet's address pair whose algorithm it is.
 *  - Output compresses a payload of at least CRYPTO_DEFLATE_MINLEN bytes
 *    (KAME's threshold, ipcomps_threshold below it) and sends it with
 *    the IPComp header only when payload and header come out smaller
 *    than the original (RFC 3173 section 2.2); otherwise the packet goes
 *    as it was, without IPComp (ipcomps_uncompr).
 *  - Input decompresses into the state's own buffer, at most what fits
 *    a 65,535-byte IP packet: a larger result (a zlib bomb) is dropped
 *    (ipcomps_toobig), as is a stream that is corrupt or cut short
 *    (ipcomps_crypto) and an IPComp header behind IPComp (pdrops).
 *  - No replay window, no sequence numbers: IPComp has neither.
 */
#ifndef SYS_NETIPSEC_IPCOMP_VAR_H
#define SYS_NETIPSEC_IPCOMP_VAR_H

#include <stddef.h>
#include <stdint.h>

#include "sys/net/net_counter.h"
#include "sys/netipsec/ipsec_xform.h"
#include "sys/netipsec/ipsec_xform_stat.h"

#define IPCOMP_ALG_MAX		8	/* FreeBSD: histogram by CALG id */
#define IPCOMPSTAT_VERSION	2	/* FreeBSD's struct version */

/* The IPComp header: next header, flags, CPI (RFC 3173 section 2.1). */
#define IPCOMP_HLENGTH		4
/* CPIs below this are well-known (RFC 3173 section 3.3). */
#define IPCOMP_CPI_NEGOTIATE_MIN 256
/* The largest IP packet a decompressed payload may make. */
#define IPCOMP_IP_MAXPACKET	65535

enum ipcompstat_counter {
	IPCOMPS_HDROPS,		/* packet shorter than the header */
	IPCOMPS_NOPF,		/* protocol family not supported */
	IPCOMPS_NOTDB,		/* no SA for the CPI */
	IPCOMPS_BADKCR,		/* SA without usable state */
	IPCOMPS_QFULL,		/* no buffer for the decompressed packet */
	IPCOMPS_NOXFORM,	/* no transform */
	IPCOMPS_WRAP,		/* (no sequence numbers: stays zero) */
	IPCOMPS_INPUT,		/* packets decompressed */
	IPCOMPS_OUTPUT,		/* packets compressed */
	IPCOMPS_INVALID,	/* SA dead (hard lifetime reached) */
	IPCOMPS_IBYTES,		/* compressed bytes in */
	IPCOMPS_OBYTES,		/* bytes out, before compression */
	IPCOMPS_TOOBIG,		/* decompressed past the IP maximum */
	IPCOMPS_PDROPS,		/* blocked: ipcomp_enable=0, IPComp nested */
	IPCOMPS_CRYPTO,		/* corrupt or truncated deflate stream */
	IPCOMPS_THRESHOLD,	/* sent as it was: below the threshold */
	IPCOMPS_UNCOMPR,	/* sent as it was: compression did not help */
	IPCOMPS_NCOUNTERS
};

/* FreeBSD's struct ipcompstat (sys/netipsec/ipcomp_var.h), field for field. */
struct ipcompstat {
	uint64_t	ipcomps_hdrops;
	uint64_t	ipcomps_nopf;
	uint64_t	ipcomps_notdb;
	uint64_t	ipcomps_badkcr;
	uint64_t	ipcomps_qfull;
	uint64_t	ipcomps_noxform;
	uint64_t	ipcomps_wrap;
	uint64_t	ipcomps_input;
	uint64_t	ipcomps_output;
	uint64_t	ipcomps_invalid;
	uint64_t	ipcomps_ibytes;
	uint64_t	ipcomps_obytes;
	uint64_t	ipcomps_toobig;
	uint64_t	ipcomps_pdrops;
	uint64_t	ipcomps_crypto;
	uint64_t	ipcomps_hist[IPCOMP_ALG_MAX];	/* per algorithm */
	uint64_t	version;			/* IPCOMPSTAT_VERSION */
	uint64_t	ipcomps_threshold;
	uint64_t	ipcomps_uncompr;
};

extern const struct net_counter_set ipcompstat_counters;
extern const struct net_counter_set ipcompstat_hist;

/*
 * The counters, histogram and drop meanings of IPComp (ipsec_xform_stat.h:
 * reset, walk, names); a snapshot in FreeBSD's layout.
 */
extern const struct ipsec_xform_stats ipcomp_stats;
void	ipcompstat_get(struct ipcompstat *st);

/*
 * The IPComp row of the transform table (see ipsec_xform.h).  Its init
 * refuses (EINVAL) an algorithm unknown or unavailable and an SA with an
 * authentication algorithm or keys.
 *
 * ipcomp_output: compress the payload behind skip and insert the IPComp
 * header there, setting the byte at protoff to IPPROTO_COMP; or leave
 * the packet as it was (IPSEC_PASS all the same) when it is too short or
 * does not compress.  ipcomp_input: decompress the payload behind the
 * header at skip in place of header and payload, and write the inner
 * protocol at protoff and in *nxt.  Neither touches the IP length fields.
 */
enum ipsec_verdict ipcomp_output(struct ipsec_sa *sa, struct pbuf *pb,
	    size_t skip, size_t protoff, int *why);
enum ipsec_verdict ipcomp_input(struct ipsec_sa *sa, struct pbuf *pb,
	    size_t skip, size_t protoff, uint8_t *nxt, int *why);

/* The 16-bit CPI output puts on the wire for sa, host order. */
uint16_t ipcomp_cpi(const struct ipsec_sa *sa);

/*
 * The tunnel-mode IPComp SA from src to dst that may have sent an IP
 * packet of protocol proto (IPIP, IPV6) in plain IP in IP: RFC 3173
 * section 2.2 sends what does not compress without the IPComp header.
 * Borrowed, or NULL.
 */
struct ipsec_sa *ipcomp_tunnel_sa(const struct sockaddr *src,
	    const struct sockaddr *dst, uint8_t proto);

/*
 * Shared by ipcomp_output.c and ipcomp_input.c: count ipcompstat reason
 * c, set *why to the ipsecstat counter it means for the policy engine
 * and return IPSEC_DROP.
 */
static inline enum ipsec_verdict
ipcomp_drop_in(int *why, enum ipcompstat_counter c)
{
	return ipsec_xform_drop(&ipcomp_stats, false, c, why);
}

static inline enum ipsec_verdict
ipcomp_drop_out(int *why, enum ipcompstat_counter c)
{
	return ipsec_xform_drop(&ipcomp_stats, true, c, why);
}

extern const struct ipsec_xform_ops ipcomp_xform_ops;

#endif
