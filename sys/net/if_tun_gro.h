/*
 * Receive coalescing toward the host (GRO) for the TUN driver: in-order
 * TCP segments of one flow that leave toward the host within one
 * event-loop wakeup are written to the TUN as one super-packet with a
 * virtio-net header (gso_type TCPV4/TCPV6, gso_size the segments' size,
 * checksum left partial), the reverse of the TSO super-packets the driver
 * cuts on input.  The host's stack then takes one packet through its
 * input path instead of dozens.
 *
 * Exact: a segment is merged only when it continues the flow's sequence
 * space, carries ACK (and PSH on the last one) and nothing else, has
 * byte-identical IP and TCP headers but for the fields that segmentation
 * changes (IPv4 length, identifier +1 per segment and checksum; IPv6
 * payload length; TCP sequence number, PSH and checksum), so timestamps
 * and every other option must be the same too, and a TCP checksum that
 * verifies.  The segments before the last are all gso_size long; a short
 * segment or PSH ends the super-packet.  Anything else leaves as it came,
 * after the pending packets of its flow.
 *
 * Bounded: TUN_GRO_FLOWS flows of at most 64 KiB each, buffers allocated
 * once per driver instance; flushed when full, when a segment does not
 * fit, and at the end of every wakeup.  Not shared between instances.
 */
#ifndef SYS_NET_IF_TUN_GRO_H
#define SYS_NET_IF_TUN_GRO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/virtio_net.h>

#define TUN_GRO_FLOWS	8

/* Write one packet with its virtio-net header; 0, or -1. */
typedef int (*tun_gro_write_fn)(void *arg, const struct virtio_net_hdr *vh,
    const uint8_t *pkt, size_t len);

struct tun_gro_stats {
	uint64_t	merged;		/* segments merged into another */
	uint64_t	written;	/* super-packets written */
	uint64_t	errors;		/* writes the kernel refused */
};

struct tun_gro;

/* Coalescing for one TUN, writing through write(arg, ...); NULL: ENOMEM. */
struct tun_gro *tun_gro_create(tun_gro_write_fn write, void *arg);
void	tun_gro_destroy(struct tun_gro *g);

/*
 * Take the IP packet pkt of len bytes toward the host: held (merged or
 * starting a flow), or written at once.  0, or -1 when a write failed.
 */
int	tun_gro_output(struct tun_gro *g, const uint8_t *pkt, size_t len);

/* Write every held packet; a net_event_timer_fn for the flush hook. */
void	tun_gro_flush(void *g);

const struct tun_gro_stats *tun_gro_stats(const struct tun_gro *g);

#endif
