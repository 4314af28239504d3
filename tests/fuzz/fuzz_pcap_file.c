/*
 * libFuzzer target for the pcap file reader (pcap_file.c over libpcap):
 * the input is a whole capture file, written to a private temporary file
 * (on tmpfs) and read to its end as offline mode reads it.  Every link type the
 * reader knows is reached by the seeds (RAW, IPv4, IPv6, Ethernet with
 * VLAN tags, Linux cooked, BSD loopback in both byte orders).
 *
 * Checked: every packet delivered is marked IPv4 or IPv6 (by its link
 * header; the version nibble is the IP layer's to check, and it counts a
 * mismatch in ips_badvers) and fits a packet buffer; the counters add up
 * (frames read = packets delivered + frames skipped); the pool gets every
 * buffer back.
 *
 * Seeds: tests/fuzz/pcap_file.seeds/.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sys/net/pbuf.h"
#include "sys/net/pcap_file.h"

static struct pbuf_pool *pool;
static char path[64];

static void
cleanup(void)
{
	unlink(path);
}

static void
setup(void)
{
	int fd;

	snprintf(path, sizeof(path), "/dev/shm/fuzz_pcap_file.XXXXXX");
	if ((fd = mkstemp(path)) < 0)
		abort();
	close(fd);
	atexit(cleanup);
	if ((pool = pbuf_pool_create(16, 4)) == NULL)
		abort();
}

static void
check_packet(struct pbuf *pb)
{
	if (pb->len > PBUF_LARGE_DATA ||
	    (pb->af != AF_INET && pb->af != AF_INET6))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pcap_file_stats st;
	struct pcap_file *pf;
	struct pbuf *pb;
	struct pbuf_pool_stats ps;
	char err[512];
	FILE *f;
	int rc;

	if (pool == NULL)
		setup();
	if ((f = fopen(path, "wb")) == NULL)
		abort();
	if (size > 0 && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
	if ((pf = pcap_file_open_read(path, err, sizeof(err))) == NULL)
		return 0;
	while ((rc = pcap_file_read(pf, pool, &pb, NULL, err,
	    sizeof(err))) > 0) {
		check_packet(pb);
		pbuf_free(pb);
	}
	pcap_file_stats(pf, &st);
	if (st.frames < st.ip4 + st.ip6 + st.nonip + st.truncated +
	    st.toobig || (rc == 0 && st.frames != st.ip4 + st.ip6 +
	    st.nonip + st.truncated + st.toobig))
		abort();
	pcap_file_close(pf);
	pbuf_pool_stats(pool, &ps);
	if (ps.allocs != ps.frees)
		abort();
	return 0;
}
