/*
 * pcap file input and output over libpcap.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sys/net/net_clock.h"
#include "sys/net/net_endian.h"
#include "sys/net/pcap_file.h"

#define ETHERTYPE_IP		0x0800
#define ETHERTYPE_IPV6		0x86dd
#define ETHER_HDR_LEN		14
#define VLAN_TAG_LEN		4
#define VLAN_MAX_TAGS		4
#define SLL_HDR_LEN		16
#define NULL_HDR_LEN		4
#define SNAPLEN_OUT		65535

/*
 * A link layer's decapsulation: set *off to the first byte of the IP
 * packet and return its family, AF_UNSPEC for anything else (counted as
 * non-IP), or -1 when the frame is too short to tell (counted truncated).
 */
typedef int (*link_decap_fn)(const uint8_t *f, size_t len, size_t *off);

struct link_type {
	int		 dlt;
	link_decap_fn	 decap;
};

struct pcap_file {
	pcap_t		*pcap;
	pcap_dumper_t	*dumper;	/* writing only */
	link_decap_fn	 decap;
	int		 dlt;
	struct pcap_file_stats st;
};

static int
af_of_ethertype(unsigned int type)
{
	if (type == ETHERTYPE_IP)
		return AF_INET;
	if (type == ETHERTYPE_IPV6)
		return AF_INET6;
	return AF_UNSPEC;
}

static int
decap_raw(const uint8_t *f, size_t len, size_t *off)
{
	*off = 0;
	if (len < 1)
		return -1;
	if (f[0] >> 4 == 4)
		return AF_INET;
	if (f[0] >> 4 == 6)
		return AF_INET6;
	return AF_UNSPEC;
}

/* Ethernet II with any number (up to VLAN_MAX_TAGS) of VLAN tags. */
static int
decap_ether(const uint8_t *f, size_t len, size_t *off)
{
	size_t o = ETHER_HDR_LEN - 2;
	unsigned int type;
	int tags = 0;

	if (len < ETHER_HDR_LEN)
		return -1;
	type = be_get16(f + o);
	while (type == 0x8100 || type == 0x88a8 || type == 0x9100) {
		if (++tags > VLAN_MAX_TAGS)
			return AF_UNSPEC;
		o += VLAN_TAG_LEN;
		if (len < o + 2)
			return -1;
		type = be_get16(f + o);
	}
	*off = o + 2;
	return af_of_ethertype(type);
}

static int
decap_sll(const uint8_t *f, size_t len, size_t *off)
{
	if (len < SLL_HDR_LEN)
		return -1;
	*off = SLL_HDR_LEN;
	return af_of_ethertype(be_get16(f + 14));
}

/*
 * BSD loopback: a 4-byte address family in the capturing host's order
 * (DLT_NULL) or network order (DLT_LOOP).  IPv6 has had three values
 * across BSDs; the IP version nibble settles what the header means.
 */
static int
decap_null(const uint8_t *f, size_t len, size_t *off)
{
	if (len < NULL_HDR_LEN + 1)
		return -1;
	*off = NULL_HDR_LEN;
	return decap_raw(f + NULL_HDR_LEN, len - NULL_HDR_LEN, &len);
}

static const struct link_type link_types[] = {
	{ DLT_RAW, decap_raw },
	{ DLT_IPV4, decap_raw },
	{ DLT_IPV6, decap_raw },
	{ DLT_EN10MB, decap_ether },
	{ DLT_LINUX_SLL, decap_sll },
	{ DLT_NULL, decap_null },
	{ DLT_LOOP, decap_null },
};

static link_decap_fn
link_lookup(int dlt)
{
	size_t i;

	for (i = 0; i < sizeof(link_types) / sizeof(link_types[0]); i++)
		if (link_types[i].dlt == dlt)
			return link_types[i].decap;
	return NULL;
}

/*
 * A libpcap error about path into err, always naming the file once:
 * libpcap names it in some messages ("FILE: No such file or directory")
 * and not in others ("unknown file format").
 */
static void
lib_error(char *err, size_t errlen, const char *path, const char *msg)
{
	size_t n = strlen(path);

	if (strncmp(msg, path, n) == 0 && msg[n] == ':')
		snprintf(err, errlen, "%s", msg);
	else
		snprintf(err, errlen, "%s: %s", path, msg);
}

struct pcap_file *
pcap_file_open_read(const char *path, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct pcap_file *pf;

	pf = calloc(1, sizeof(*pf));
	if (pf == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	pf->pcap = pcap_open_offline_with_tstamp_precision(path,
	    PCAP_TSTAMP_PRECISION_MICRO, ebuf);
	if (pf->pcap == NULL) {
		lib_error(err, errlen, path, ebuf);
		free(pf);
		return NULL;
	}
	pf->dlt = pcap_datalink(pf->pcap);
	pf->decap = link_lookup(pf->dlt);
	if (pf->decap == NULL) {
		snprintf(err, errlen, "%s: unsupported link type %s (%d)",
		    path, pcap_datalink_val_to_name(pf->dlt) ?
		    pcap_datalink_val_to_name(pf->dlt) : "?", pf->dlt);
		pcap_close(pf->pcap);
		free(pf);
		return NULL;
	}
	return pf;
}

struct pcap_file *
pcap_file_open_write(const char *path, char *err, size_t errlen)
{
	struct pcap_file *pf;

	pf = calloc(1, sizeof(*pf));
	if (pf == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	pf->dlt = DLT_RAW;
	pf->pcap = pcap_open_dead(DLT_RAW, SNAPLEN_OUT);
	if (pf->pcap == NULL) {
		snprintf(err, errlen, "%s: pcap_open_dead failed", path);
		free(pf);
		return NULL;
	}
	pf->dumper = pcap_dump_open(pf->pcap, path);
	if (pf->dumper == NULL) {
		lib_error(err, errlen, path, pcap_geterr(pf->pcap));
		pcap_close(pf->pcap);
		free(pf);
		return NULL;
	}
	return pf;
}

/* Classify one frame; the offset and family of its IP packet, or -1. */
static int
frame_ip(struct pcap_file *pf, const struct pcap_pkthdr *h,
    const uint8_t *f, size_t *off)
{
	int af;

	pf->st.frames++;
	if (h->caplen < h->len) {
		pf->st.truncated++;
		return -1;
	}
	af = pf->decap(f, h->caplen, off);
	if (af < 0) {
		pf->st.truncated++;
		return -1;
	}
	if (af == AF_UNSPEC) {
		pf->st.nonip++;
		return -1;
	}
	if (h->caplen - *off > PBUF_LARGE_DATA) {
		pf->st.toobig++;
		return -1;
	}
	return af;
}

static int
deliver(struct pcap_file *pf, struct pbuf_pool *pool, const uint8_t *ip,
    size_t len, int af, struct pbuf **out)
{
	struct pbuf *pb;

	pb = pbuf_alloc(pool, len);
	if (pb == NULL)
		return -1;
	pbuf_append(pb, ip, len);
	pb->af = af;
	if (af == AF_INET)
		pf->st.ip4++;
	else
		pf->st.ip6++;
	*out = pb;
	return 1;
}

int
pcap_file_read(struct pcap_file *pf, struct pbuf_pool *pool,
    struct pbuf **out, struct timeval *ts, char *err, size_t errlen)
{
	struct pcap_pkthdr *h;
	const u_char *f;
	size_t off = 0;
	int rc, af;

	*out = NULL;
	for (;;) {
		rc = pcap_next_ex(pf->pcap, &h, &f);
		if (rc == PCAP_ERROR_BREAK)
			return 0;
		if (rc != 1) {
			snprintf(err, errlen, "%s", pcap_geterr(pf->pcap));
			return -1;
		}
		af = frame_ip(pf, h, f, &off);
		if (af < 0)
			continue;
		if (ts != NULL)
			*ts = h->ts;
		if (deliver(pf, pool, f + off, h->caplen - off, af, out) < 0) {
			snprintf(err, errlen, "no packet buffer for a packet "
			    "of %zu bytes", (size_t)(h->caplen - off));
			return -1;
		}
		return 1;
	}
}

int
pcap_file_write(struct pcap_file *pf, const uint8_t *data, size_t len,
    const struct timeval *ts)
{
	struct pcap_pkthdr h;

	if (pf->dumper == NULL || len > SNAPLEN_OUT) {
		errno = EINVAL;
		return -1;
	}
	memset(&h, 0, sizeof(h));
	if (ts != NULL)
		h.ts = *ts;
	else
		h.ts.tv_sec = net_time_now();
	h.caplen = h.len = (bpf_u_int32)len;
	pcap_dump((u_char *)pf->dumper, &h, data);
	if (ferror(pcap_dump_file(pf->dumper)))
		return -1;
	pf->st.frames++;
	if (len > 0 && data[0] >> 4 == 6)
		pf->st.ip6++;
	else
		pf->st.ip4++;
	return 0;
}

int
pcap_file_linktype(const struct pcap_file *pf)
{
	return pf->dlt;
}

void
pcap_file_stats(const struct pcap_file *pf, struct pcap_file_stats *st)
{
	*st = pf->st;
}

int
pcap_file_close(struct pcap_file *pf)
{
	int rc = 0;

	if (pf == NULL)
		return 0;
	if (pf->dumper != NULL) {
		if (pcap_dump_flush(pf->dumper) != 0)
			rc = -1;
		pcap_dump_close(pf->dumper);
	}
	pcap_close(pf->pcap);
	free(pf);
	return rc;
}
