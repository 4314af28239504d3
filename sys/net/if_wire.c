/*
 * The wire driver over an AF_PACKET socket with a TPACKET_V3 receive
 * ring.  Each wakeup walks the blocks the kernel has handed over, frame
 * by frame, and returns each block at once; the one copy per frame is
 * from the ring into a pool buffer, which the layers above then modify
 * in place.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "sys/net/if_wire.h"
#include "sys/net/net_endian.h"
#include "sys/net/net_event.h"
#include "sys/netinet/in_cksum.h"

/* Ethernet framing, as far as the driver needs it. */
#define WIRE_HDRLEN		14
#define WIRE_TYPE_IP		0x0800
#define WIRE_TYPE_IPV6		0x86dd

/* Newer than some installed headers; the values are the kernel's ABI. */
#ifndef TP_STATUS_GSO_TCP
#define TP_STATUS_GSO_TCP		(1 << 8)
#endif
#ifndef PACKET_FANOUT_FLAG_IGNORE_OUTGOING
#define PACKET_FANOUT_FLAG_IGNORE_OUTGOING 0x4000
#endif
/* How a fanout group splits: by our own classifier, wire_fanout_prog. */
#define WIRE_FANOUT_MODE	PACKET_FANOUT_CBPF

/*
 * The transmit queue: n frames in slots of slotlen bytes, each slot with
 * its iovec and message header set up once.
 */
struct wire_txq {
	uint8_t			*slots;
	size_t			 slotlen;
	unsigned int		 n;
	struct iovec		 iov[IF_WIRE_TX_BATCH];
	struct mmsghdr		 msg[IF_WIRE_TX_BATCH];
};

struct if_wire {
	int			 fd;
	int			 ifindex;
	uint8_t			*ring;
	size_t			 ringlen;
	unsigned int		 block;		/* next block to read */
	struct pbuf_pool	*pool;
	struct net_event_loop	*loop;		/* NULL until started */
	struct netif		*ifp;
	struct wire_txq		 txq;
	struct if_wire_stats	 stats;
};

/*
 * Write the queued frames, as many per system call as the kernel takes.
 * sendmmsg() stops at the first frame it cannot send and reports the
 * error on the next call, which then names that frame: it is counted and
 * skipped, so one bad frame costs only itself.
 */
static void
wire_flush(void *arg)
{
	struct if_wire *sc = arg;
	struct wire_txq *q = &sc->txq;
	struct netif *ifp = sc->ifp;
	unsigned int i = 0, end;
	int r;

	while (i < q->n) {
		r = sendmmsg(sc->fd, q->msg + i, q->n - i, MSG_DONTWAIT);
		if (r < 0 && errno == EINTR)
			continue;
		sc->stats.tx_calls++;
		if (r <= 0) {
			ifp->stats.oerrors++;
			i++;
			continue;
		}
		for (end = i + (unsigned int)r; i < end; i++) {
			ifp->stats.opackets++;
			ifp->stats.obytes += q->iov[i].iov_len;
		}
	}
	q->n = 0;
}

/* Queue one frame: header and payload copied into the next slot. */
static int
wire_xmit(struct netif *ifp, const uint8_t *hdr, size_t hlen,
    const uint8_t *pl, size_t plen)
{
	struct if_wire *sc = ifp->softc;
	struct wire_txq *q = &sc->txq;
	uint8_t *slot;

	if (hlen + plen > q->slotlen || hlen + plen == 0) {
		ifp->stats.oerrors++;
		return -1;
	}
	slot = q->iov[q->n].iov_base;
	memcpy(slot, hdr, hlen);
	if (plen > 0)
		memcpy(slot + hlen, pl, plen);
	q->iov[q->n].iov_len = hlen + plen;
	if (++q->n == IF_WIRE_TX_BATCH || sc->loop == NULL)
		wire_flush(sc);
	return 0;
}

/* The slots for the NIC's MTU, and their message headers. */
static int
wire_txq_init(struct wire_txq *q, size_t mtu)
{
	unsigned int i;

	q->slotlen = mtu + WIRE_HDRLEN;
	if ((q->slots = malloc(IF_WIRE_TX_BATCH * q->slotlen)) == NULL)
		return -1;
	memset(q->msg, 0, sizeof(q->msg));
	for (i = 0; i < IF_WIRE_TX_BATCH; i++) {
		q->iov[i].iov_base = q->slots + (size_t)i * q->slotlen;
		q->msg[i].msg_hdr.msg_iov = &q->iov[i];
		q->msg[i].msg_hdr.msg_iovlen = 1;
	}
	return 0;
}

/* A whole frame in one buffer. */
static int
wire_output(struct netif *ifp, const uint8_t *data, size_t len)
{
	return wire_xmit(ifp, data, len, NULL, 0);
}

void
if_wire_collect(struct netif *ifp)
{
	struct if_wire *sc = ifp->softc;
	struct tpacket_stats_v3 st;
	socklen_t len = sizeof(st);

	/* The kernel counts until read, and reading resets: each once. */
	if (sc->fd >= 0 && getsockopt(sc->fd, SOL_PACKET, PACKET_STATISTICS,
	    &st, &len) == 0)
		ifp->stats.idrops += st.tp_drops;
}

static int
wire_detach(struct netif *ifp)
{
	struct if_wire *sc = ifp->softc;

	if (sc->txq.n > 0)
		wire_flush(sc);
	if (sc->loop != NULL) {
		net_event_remove(sc->loop, sc->fd);
		net_event_flush_remove(sc->loop, wire_flush, sc);
	}
	free(sc->txq.slots);
	if (sc->ring != NULL)
		munmap(sc->ring, sc->ringlen);
	if (sc->fd >= 0)
		close(sc->fd);
	free(sc);
	return 0;
}

static const struct netif_ops wire_ops = {
	.output = wire_output,
	.xmit = wire_xmit,
	.detach = wire_detach,
};

/*
 * A frame marked TP_STATUS_CSUMNOTREADY carries only the pseudo-header
 * sum in its TCP or UDP checksum field (the sender offloaded the rest to
 * a NIC that a veth does not have): compute the whole checksum.  Only
 * headers the kernel offloads are looked at: IPv4, and IPv6 with TCP or
 * UDP directly after the fixed header.
 */
static void
wire_cksum_complete(struct if_wire *sc, uint8_t *pkt, size_t len)
{
	size_t hlen, ulen, off;
	uint8_t proto;
	uint16_t ck;
	int af;

	if (len >= 20 && (pkt[0] >> 4) == 4) {
		af = AF_INET;
		hlen = (size_t)(pkt[0] & 0x0f) * 4;
		ulen = (size_t)be_get16(pkt + 2);
		proto = pkt[9];
		if ((be_get16(pkt + 6) & 0x3fff) != 0 || ulen > len ||
		    hlen < 20 || ulen < hlen)
			return;
		ulen -= hlen;
	} else if (len >= 40 && (pkt[0] >> 4) == 6) {
		af = AF_INET6;
		hlen = 40;
		ulen = (size_t)be_get16(pkt + 4);
		proto = pkt[6];
		if (ulen > len - 40)
			return;
	} else
		return;
	if (proto == IPPROTO_TCP && ulen >= 20)
		off = 16;
	else if (proto == IPPROTO_UDP && ulen >= 8)
		off = 6;
	else
		return;
	be_put16(pkt + hlen + off, 0);
	ck = in_cksum_upper(af, pkt + (af == AF_INET ? 12 : 8),
	    pkt + (af == AF_INET ? 16 : 24), proto, pkt + hlen,
	    (uint32_t)ulen);
	if (ck == 0 && proto == IPPROTO_UDP)
		ck = 0xffff;
	be_put16(pkt + hlen + off, ck);
	sc->stats.cksum_completed++;
}

/*
 * A frame of len bytes into a pool buffer and up.  A frame whose TCP or
 * UDP checksum the sender left to us is completed first, while the driver
 * still knows it.
 */
static void
wire_input(struct if_wire *sc, const uint8_t *f, size_t len,
    bool csum_partial)
{
	struct netif *ifp = sc->ifp;
	struct pbuf *pb;
	uint16_t type;

	if ((pb = pbuf_alloc(sc->pool, len)) == NULL) {
		ifp->stats.idrops++;
		return;
	}
	memcpy(pbuf_put(pb, len), f, len);
	type = be_get16(f + 12);
	if (csum_partial && (type == WIRE_TYPE_IP || type == WIRE_TYPE_IPV6))
		wire_cksum_complete(sc, pb->data + WIRE_HDRLEN,
		    len - WIRE_HDRLEN);
	netif_input(ifp, pb);
}

/* One frame of the ring. */
static void
wire_frame(struct if_wire *sc, const struct tpacket3_hdr *h)
{
	const struct sockaddr_ll *sll;
	const uint8_t *f = (const uint8_t *)h + h->tp_mac;
	size_t len = h->tp_snaplen;

	sll = (const struct sockaddr_ll *)(const void *)((const uint8_t *)h +
	    TPACKET_ALIGN(sizeof(*h)));
	if (sll->sll_pkttype == PACKET_OUTGOING ||
	    sll->sll_pkttype == PACKET_OTHERHOST)
		return;
	if (h->tp_len != h->tp_snaplen || len > sc->ifp->mtu + WIRE_HDRLEN) {
		sc->stats.truncated++;
		return;
	}
	if (len < WIRE_HDRLEN || (h->tp_status & TP_STATUS_VLAN_VALID)) {
		sc->stats.ignored++;
		return;
	}
	wire_input(sc, f, len, (h->tp_status & TP_STATUS_CSUMNOTREADY) != 0);
}

/*
 * Walk the blocks the kernel has handed over (at most one ring's worth
 * per wakeup) and give each back as soon as its frames are read.
 */
static void
wire_readable(int fd, uint32_t events, void *arg)
{
	struct if_wire *sc = arg;
	struct tpacket_block_desc *bd;
	const struct tpacket3_hdr *h;
	unsigned int n, i;

	(void)fd;
	(void)events;
	for (n = 0; n < IF_WIRE_BLOCKS; n++) {
		bd = (struct tpacket_block_desc *)(void *)(sc->ring +
		    (size_t)sc->block * IF_WIRE_BLOCK_SIZE);
		if ((__atomic_load_n(&bd->hdr.bh1.block_status,
		    __ATOMIC_ACQUIRE) & TP_STATUS_USER) == 0)
			return;
		h = (const struct tpacket3_hdr *)(const void *)((uint8_t *)bd +
		    bd->hdr.bh1.offset_to_first_pkt);
		for (i = 0; i < bd->hdr.bh1.num_pkts; i++) {
			wire_frame(sc, h);
			h = (const struct tpacket3_hdr *)(const void *)
			    ((const uint8_t *)h + h->tp_next_offset);
		}
		__atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL,
		    __ATOMIC_RELEASE);
		sc->block = (sc->block + 1) % IF_WIRE_BLOCKS;
	}
}

/* The NIC's index, MAC and MTU. */
static int
wire_ifinfo(struct if_wire *sc, const char *name, size_t *mtu)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (ioctl(sc->fd, SIOCGIFINDEX, &ifr) != 0)
		return -1;
	sc->ifindex = ifr.ifr_ifindex;
	if (ioctl(sc->fd, SIOCGIFMTU, &ifr) != 0)
		return -1;
	*mtu = (size_t)ifr.ifr_mtu;
	if (ioctl(sc->fd, SIOCGIFHWADDR, &ifr) != 0)
		return -1;
	if (ifr.ifr_hwaddr.sa_family != 1) {	/* ARPHRD_ETHER */
		errno = EPFNOSUPPORT;
		return -1;
	}
	memcpy(sc->ifp->lladdr, ifr.ifr_hwaddr.sa_data, NETIF_LLADDRLEN);
	return 0;
}

static int
wire_ring(struct if_wire *sc)
{
	struct tpacket_req3 req = {
		.tp_block_size = IF_WIRE_BLOCK_SIZE,
		.tp_block_nr = IF_WIRE_BLOCKS,
		.tp_frame_size = 2048,
		.tp_frame_nr = IF_WIRE_BLOCK_SIZE / 2048 * IF_WIRE_BLOCKS,
		.tp_retire_blk_tov = IF_WIRE_BLOCK_TMO,
	};
	int v = TPACKET_V3;

	if (setsockopt(sc->fd, SOL_PACKET, PACKET_VERSION, &v,
	    sizeof(v)) != 0 ||
	    setsockopt(sc->fd, SOL_PACKET, PACKET_RX_RING, &req,
	    sizeof(req)) != 0)
		return -1;
	sc->ringlen = (size_t)IF_WIRE_BLOCK_SIZE * IF_WIRE_BLOCKS;
	sc->ring = mmap(NULL, sc->ringlen, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_LOCKED, sc->fd, 0);
	if (sc->ring == MAP_FAILED)
		sc->ring = mmap(NULL, sc->ringlen, PROT_READ | PROT_WRITE,
		    MAP_SHARED, sc->fd, 0);
	if (sc->ring == MAP_FAILED) {
		sc->ring = NULL;
		return -1;
	}
	return 0;
}

/*
 * Bind to the NIC, take every multicast frame (solicited-node groups)
 * and skip the kernel's own transmissions.
 */
static int
wire_bind(struct if_wire *sc)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = sc->ifindex,
	};
	struct packet_mreq mr = {
		.mr_ifindex = sc->ifindex,
		.mr_type = PACKET_MR_ALLMULTI,
	};
	int one = 1;

	if (bind(sc->fd, (struct sockaddr *)&sll, sizeof(sll)) != 0 ||
	    setsockopt(sc->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr,
	    sizeof(mr)) != 0)
		return -1;
	setsockopt(sc->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
	    sizeof(one));
	return 0;
}

/*
 * The fanout group's classifier (PACKET_FANOUT_CBPF), which replaces the
 * kernel's flow hash: that one keeps IPv4 fragments together only with
 * PACKET_FANOUT_FLAG_DEFRAG, which has the kernel reassemble them, past
 * the path's own bounded reassembly and its counters, and it splits IPv6
 * fragments (the first hashes with its ports, the others without).  The
 * kernel runs this on every frame received and hands the frame to member
 * (return value modulo the member count).  Every fragment of a datagram
 * hashes alike, by addresses and identification, so one member gets all
 * of them and reassembles it; other packets hash by addresses and ports,
 * or the SPI for ESP and AH, so a flow and an SA stay on one member.
 *
 * The program sees the packet from the network header on (the fanout
 * hook runs after the Ethernet header is pulled, unlike a socket
 * filter), so the offsets are the IP header's and the EtherType is the
 * packet's protocol (SKF_AD_PROTOCOL).  A load past the end of a short
 * packet ends the program with 0, member 0, as anything not IP does.
 *
 * A jump skips jt, jf or k instructions; the comments give each
 * instruction's index and each jump's target, to check them by.
 */
#define WF_LD(size, k)	BPF_STMT(BPF_LD | (size) | BPF_ABS, (k))
#define WF_LDI(k)	BPF_STMT(BPF_LD | BPF_W | BPF_IND, (k))
#define WF_JEQ(k, jt)	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k), (jt), 0)
#define WF_JA(k)	BPF_STMT(BPF_JMP | BPF_JA, (k))
#define WF_TAX		BPF_STMT(BPF_MISC | BPF_TAX, 0)
#define WF_XORX		BPF_STMT(BPF_ALU | BPF_XOR | BPF_X, 0)
/* A ^= the word at k, with X as scratch: three instructions. */
#define WF_XORW(k)	WF_TAX, WF_LD(BPF_W, (k)), WF_XORX

static const struct sock_filter wire_fanout_insns[] = {
	/* 0 */	WF_LD(BPF_H, SKF_AD_OFF + SKF_AD_PROTOCOL),
	/* 1 */	WF_JEQ(WIRE_TYPE_IP, 2),		/* 4: IPv4 */
	/* 2 */	WF_JEQ(WIRE_TYPE_IPV6, 23),		/* 26: IPv6 */
	/* 3 */	BPF_STMT(BPF_RET | BPF_K, 0),		/* ARP and the rest */

	/* IPv4: a fragment (MF, or an offset) goes by its datagram. */
	/* 4 */	WF_LD(BPF_H, 6),
	/* 5 */	BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x3fff, 12, 0), /* 18 */
	/* Whole: X = the header's length, then by protocol. */
	/* 6 */	BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),
	/* 7 */	WF_LD(BPF_B, 9),
	/* 8 */	WF_JEQ(IPPROTO_TCP, 5),			/* 14 */
	/* 9 */	WF_JEQ(IPPROTO_UDP, 4),			/* 14 */
	/* 10 */	WF_JEQ(IPPROTO_ESP, 3),		/* 14 */
	/* 11 */	WF_JEQ(IPPROTO_AH, 4),		/* 16 */
	/* 12 */	BPF_STMT(BPF_LD | BPF_IMM, 0),	/* addresses only */
	/* 13 */	WF_JA(5),			/* 19 */
	/* 14 */	WF_LDI(0),			/* ports, ESP's SPI */
	/* 15 */	WF_JA(3),			/* 19 */
	/* 16 */	WF_LDI(4),			/* AH's SPI */
	/* 17 */	WF_JA(1),			/* 19 */
	/* 18 */	WF_LD(BPF_H, 4),		/* identification */
	/* 19-24: ^ source ^ destination. */
	WF_XORW(12),
	WF_XORW(16),
	/* 25 */	WF_JA(35),			/* 61: fold */

	/* IPv6: by the next header after the fixed one. */
	/* 26 */	WF_LD(BPF_B, 6),
	/* 27 */	WF_JEQ(44, 8),			/* 36: fragment */
	/* 28 */	WF_JEQ(IPPROTO_TCP, 5),		/* 34 */
	/* 29 */	WF_JEQ(IPPROTO_UDP, 4),		/* 34 */
	/* 30 */	WF_JEQ(IPPROTO_ESP, 3),		/* 34 */
	/* 31 */	WF_JEQ(IPPROTO_AH, 4),		/* 36 */
	/*
	 * Another header, an extension header before a fragment header
	 * too: addresses only, alike for all fragments of a datagram.
	 */
	/* 32 */	BPF_STMT(BPF_LD | BPF_IMM, 0),
	/* 33 */	WF_JA(3),			/* 37 */
	/* 34 */	WF_LD(BPF_W, 40),		/* ports, ESP's SPI */
	/* 35 */	WF_JA(1),			/* 37 */
	/* 36 */	WF_LD(BPF_W, 44),	/* identification, AH's SPI */
	/* 37-60: ^ every word of both addresses. */
	WF_XORW(8), WF_XORW(12), WF_XORW(16), WF_XORW(20),
	WF_XORW(24), WF_XORW(28), WF_XORW(32), WF_XORW(36),

	/* 61-66: fold, so the low bits the modulo keeps see every byte. */
	WF_TAX,
	BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, 16),
	WF_XORX,
	WF_TAX,
	BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, 8),
	WF_XORX,
	/* 67 */	BPF_STMT(BPF_RET | BPF_A, 0),
};

const struct sock_filter *
if_wire_fanout_prog(size_t *n)
{
	*n = sizeof(wire_fanout_insns) / sizeof(wire_fanout_insns[0]);
	return wire_fanout_insns;
}

/*
 * Join the fanout group id, which the kernel creates with the first
 * member; every member must ask for the same mode and flags.  Inside a
 * group the socket's own PACKET_IGNORE_OUTGOING no longer applies (the
 * group's receive hook replaces the socket's), so the group is asked to
 * skip outgoing frames itself; kernels before that flag refuse it with
 * EINVAL, and the group then goes without (wire_frame() drops such frames
 * anyway).  Refused when the id is in use in this network namespace by a
 * group of another NIC or other settings.  Then the classifier: the group
 * keeps one program, which each member sets alike; until the first does,
 * the kernel hands every frame to member 0.
 */
static int
wire_fanout(struct if_wire *sc, uint16_t id)
{
	struct sock_fprog prog;
	unsigned int v;
	size_t n;

	v = id | (unsigned int)(WIRE_FANOUT_MODE |
	    PACKET_FANOUT_FLAG_IGNORE_OUTGOING) << 16;
	if (setsockopt(sc->fd, SOL_PACKET, PACKET_FANOUT, &v, sizeof(v)) !=
	    0) {
		if (errno != EINVAL)
			return -1;
		v = id | (unsigned int)WIRE_FANOUT_MODE << 16;
		if (setsockopt(sc->fd, SOL_PACKET, PACKET_FANOUT, &v,
		    sizeof(v)) != 0)
			return -1;
	}
	/* The kernel only reads the program, whatever the type says. */
	prog.filter = (struct sock_filter *)(uintptr_t)if_wire_fanout_prog(&n);
	prog.len = (unsigned short)n;
	return setsockopt(sc->fd, SOL_PACKET, PACKET_FANOUT_DATA, &prog,
	    sizeof(prog));
}

static int
wire_open(struct if_wire *sc, const struct if_wire_config *cfg,
    size_t *mtu)
{
	sc->fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    htons(ETH_P_ALL));
	if (sc->fd < 0 || wire_ifinfo(sc, cfg->name, mtu) != 0 ||
	    wire_ring(sc) != 0 || wire_bind(sc) != 0)
		return -1;
	if (cfg->qdisc_bypass && setsockopt(sc->fd, SOL_PACKET,
	    PACKET_QDISC_BYPASS, &(int){ 1 }, sizeof(int)) != 0)
		return -1;
	return wire_txq_init(&sc->txq, *mtu);
}

struct netif *
if_wire_attach(const struct if_wire_config *cfg, char *err, size_t errlen)
{
	struct if_wire *sc;
	struct netif *ifp;
	size_t mtu = 0;

	if (strlen(cfg->name) >= IFNAMSIZ) {
		snprintf(err, errlen, "%s: interface name too long",
		    cfg->name);
		return NULL;
	}
	sc = calloc(1, sizeof(*sc));
	ifp = calloc(1, sizeof(*ifp));
	if (sc == NULL || ifp == NULL) {
		snprintf(err, errlen, "%s: out of memory", cfg->name);
		free(sc);
		free(ifp);
		return NULL;
	}
	sc->fd = -1;
	sc->ifp = ifp;
	netif_init(ifp, cfg->name, 0, &wire_ops, sc);
	if (wire_open(sc, cfg, &mtu) != 0) {
		snprintf(err, errlen, "%s: %s", cfg->name, errno ==
		    EPFNOSUPPORT ? "not an Ethernet interface" :
		    strerror(errno));
		netif_detach(ifp);
		return NULL;
	}
	if (cfg->fanout != 0 && wire_fanout(sc, cfg->fanout) != 0) {
		snprintf(err, errlen, "%s: PACKET_FANOUT group %u: %s",
		    cfg->name, (unsigned int)cfg->fanout, strerror(errno));
		netif_detach(ifp);
		return NULL;
	}
	ifp->mtu = mtu;
	return ifp;
}

int
if_wire_start(struct netif *ifp, struct net_event_loop *loop,
    struct pbuf_pool *pool, netif_input_fn input, void *arg)
{
	struct if_wire *sc = ifp->softc;

	sc->pool = pool;
	netif_set_input(ifp, input, arg);
	if (net_event_add(loop, sc->fd, EPOLLIN, wire_readable, sc) != 0)
		return -1;
	if (net_event_flush_add(loop, wire_flush, sc) != 0) {
		net_event_remove(loop, sc->fd);
		return -1;
	}
	sc->loop = loop;
	return 0;
}

const struct if_wire_stats *
if_wire_stats(const struct netif *ifp)
{
	const struct if_wire *sc = ifp->softc;

	return &sc->stats;
}
