/*
 * Helpers of the packet-path tests: a packet path between two capture
 * drivers that keep what the path sends toward the host and the wire, so
 * that a test can compare it byte for byte or send it back in.
 */
#ifndef TESTS_UNIT_IP_PATH_CAP_H
#define TESTS_UNIT_IP_PATH_CAP_H

#include <stddef.h>
#include <stdint.h>

#include "sys/net/netif.h"
#include "sys/net/pbuf.h"
#include "sys/netinet/ip_path.h"

#define IPC_MAX		8
#define IPC_BYTES	4096

struct ipc_capture {
	size_t	n;
	size_t	len[IPC_MAX];
	uint8_t	pkt[IPC_MAX][IPC_BYTES];
};

extern struct ipc_capture ipc_host, ipc_wire;
extern struct netif ipc_host_if, ipc_wire_if;

/* A path between the capture drivers drawing on pool; NULL on ENOMEM. */
struct ip_path *ipc_path_create(struct pbuf_pool *pool);

/* Forget everything captured. */
void	ipc_clear(void);

/* A copy of len bytes at data as a driver hands it to the path. */
struct pbuf *ipc_packet(struct pbuf_pool *pool, const uint8_t *data,
	    size_t len);

/*
 * Send every packet captured on the wire back in from the wire (after
 * clearing the wire capture): the peer's view of what we sent.
 */
void	ipc_wire_loop(struct ip_path *path, struct pbuf_pool *pool);

#endif
