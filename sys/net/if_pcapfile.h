/*
 * The offline driver: one side of the packet path (host or wire) over
 * pcap files.  Packets are read from an input capture (LINKTYPE_RAW,
 * Ethernet and the other link types pcap_file.h accepts) and what the
 * path sends toward that side is written to an output capture
 * (LINKTYPE_RAW).  Either file may be absent: without an input the side
 * sends nothing, without an output what leaves toward it is discarded
 * and counted (odiscards).
 */
#ifndef SYS_NET_IF_PCAPFILE_H
#define SYS_NET_IF_PCAPFILE_H

#include <stddef.h>
#include <sys/time.h>

#include "sys/net/netif.h"
#include "sys/net/pbuf.h"
#include "sys/net/pcap_file.h"

/*
 * An interface named name reading rpath and writing wpath (either may be
 * NULL), announcing mtu (0: the default).  NULL on failure with a
 * message naming the file in err.
 */
struct netif *if_pcapfile_attach(const char *name, const char *rpath,
	    const char *wpath, size_t mtu, char *err, size_t errlen);

/*
 * The next packet of the input capture, in a new buffer from pool, with
 * its capture time in *ts; the caller merges the two sides by time and
 * hands it up with netif_input(), which counts it.  1, 0 at the end (or
 * when there is no input file), -1 on a read error or an empty pool
 * (message in err).
 */
int	if_pcapfile_read(struct netif *ifp, struct pbuf_pool *pool,
	    struct pbuf **out, struct timeval *ts, char *err, size_t errlen);

/*
 * The reader's counters (frames read, packets delivered, frames skipped
 * and why); all zero when the interface reads no capture.
 */
void	if_pcapfile_read_stats(const struct netif *ifp,
	    struct pcap_file_stats *st);

#endif
