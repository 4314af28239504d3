/*
 * Capture drivers for the packet-path tests (see ip_path_cap.h).
 */
#include <string.h>
#include <sys/socket.h>

#include "tests/unit/ip_path_cap.h"
#include "tests/unit/testlib.h"

struct ipc_capture ipc_host, ipc_wire;
struct netif ipc_host_if, ipc_wire_if;

static int
capture_output(struct netif *ifp, const uint8_t *data, size_t len)
{
	struct ipc_capture *c = ifp->softc;

	if (c->n == IPC_MAX || len > IPC_BYTES)
		return -1;
	memcpy(c->pkt[c->n], data, len);
	c->len[c->n++] = len;
	return 0;
}

static const struct netif_ops capture_ops = { .output = capture_output };

struct ip_path *
ipc_path_create(struct pbuf_pool *pool)
{
	netif_init(&ipc_host_if, "host", 0, &capture_ops, &ipc_host);
	netif_init(&ipc_wire_if, "wire", 0, &capture_ops, &ipc_wire);
	return ip_path_create(pool, &ipc_host_if, &ipc_wire_if);
}

void
ipc_clear(void)
{
	ipc_host.n = 0;
	ipc_wire.n = 0;
}

struct pbuf *
ipc_packet(struct pbuf_pool *pool, const uint8_t *data, size_t len)
{
	struct pbuf *pb = pbuf_alloc(pool, len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(pb);
	CU_ASSERT_EQUAL_FATAL(pbuf_append(pb, data, len), 0);
	pb->af = data[0] >> 4 == 6 ? AF_INET6 : AF_INET;
	return pb;
}

void
ipc_wire_loop(struct ip_path *path, struct pbuf_pool *pool)
{
	static struct ipc_capture sent;
	size_t i;

	sent = ipc_wire;
	ipc_wire.n = 0;
	for (i = 0; i < sent.n; i++)
		ip_path_from_wire(path, ipc_packet(pool, sent.pkt[i],
		    sent.len[i]));
}
