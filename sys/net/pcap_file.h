/*
 * The offline driver: IP packets read from and written to pcap files
 * through libpcap, so that `sockmgr -r side:IN.pcap -w side:OUT.pcap` runs
 * captures through the same packet path as live traffic.
 *
 * Input files may be LINKTYPE_RAW (also IPV4/IPV6), Ethernet (the 14-byte
 * header and any 802.1Q/802.1ad VLAN tags are stripped), Linux cooked
 * (SLL) or BSD loopback (NULL/LOOP) captures.  Frames that do not carry
 * IPv4 or IPv6, frames cut short by the capture's snap length, and packets
 * larger than a packet buffer are skipped and counted, never handed on.
 * Output files are always LINKTYPE_RAW (libpcap's DLT_RAW).
 *
 * A pcap_file is used by one thread.  "-" names standard input or output,
 * as in libpcap.
 */
#ifndef SYS_NET_PCAP_FILE_H
#define SYS_NET_PCAP_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "sys/net/pbuf.h"

struct pcap_file_stats {
	uint64_t	frames;		/* records read or written */
	uint64_t	ip4;		/* IPv4 packets delivered/written */
	uint64_t	ip6;		/* IPv6 packets delivered/written */
	uint64_t	nonip;		/* skipped: not IPv4/IPv6 */
	uint64_t	truncated;	/* skipped: caplen < len, short */
	uint64_t	toobig;		/* skipped: beyond a packet buffer */
};

struct pcap_file;

/*
 * Open a capture for reading.  NULL on failure, with a message in err
 * that starts with the file's name (libpcap's, or "unsupported link
 * type ...").  Write opening errors name the file the same way.
 */
struct pcap_file *pcap_file_open_read(const char *path, char *err,
	    size_t errlen);

/* Create (truncate) a LINKTYPE_RAW capture for writing. */
struct pcap_file *pcap_file_open_write(const char *path, char *err,
	    size_t errlen);

/*
 * The next IPv4 or IPv6 packet, copied into a new buffer from pool with
 * pb->af set, and its capture time in *ts (ts may be NULL).  Returns 1,
 * 0 at the end of the file, -1 on a read error (message in err) or an
 * empty pool (err says so; the packet is lost).
 */
int	pcap_file_read(struct pcap_file *pf, struct pbuf_pool *pool,
	    struct pbuf **out, struct timeval *ts, char *err, size_t errlen);

/*
 * Append one packet of len bytes at data, time-stamped ts (NULL: the
 * socket manager's clock, net_time_now()).  0, or -1 on a write error.
 */
int	pcap_file_write(struct pcap_file *pf, const uint8_t *data, size_t len,
	    const struct timeval *ts);

/* The libpcap DLT of the file (DLT_RAW for written files). */
int	pcap_file_linktype(const struct pcap_file *pf);
void	pcap_file_stats(const struct pcap_file *pf,
	    struct pcap_file_stats *st);

/* Flush and close; 0, or -1 if flushing a written file failed. */
int	pcap_file_close(struct pcap_file *pf);

#endif
