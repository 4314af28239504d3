/*
 * PF_KEY sockets of the socket manager.  Each connection accepted on the
 * AF_UNIX SOCK_SEQPACKET endpoint DIR/pfkey is one PF_KEY socket: one
 * SEQPACKET record in either direction is one PF_KEY message.
 *
 * Delivery follows KAME's key_sendup_mbuf():
 *  - ONE: the originating socket only;
 *  - ALL: every socket;
 *  - REGISTERED: every socket that has registered for any satype (KAME's
 *    per-socket counter, not the message's satype), plus the originator;
 *  - the originating socket always gets the message, whatever the target;
 *  - every promiscuous socket additionally gets a copy wrapped in a 16-byte
 *    sadb_msg of type SADB_X_PROMISC, so a promiscuous target gets two.
 *
 * Slow readers never block the daemon.  Every socket is non-blocking and
 * has an output queue, used only when the kernel's socket buffer is full.
 * Copies that are not replies to the socket's own request (broadcasts,
 * notifications, promiscuous copies) are dropped when they would take the
 * queue past keysock_queue_soft() bytes, max(net.key.recvspace,
 * KEYSOCK_QUEUE_MIN), records' headers included; drops are counted in
 * pfkeystat.in_nomem and in the socket's own counter, logged when it
 * closes.  Replies to the originator are queued past that bound up to
 * KEYSOCK_QUEUE_HARD; while a socket's queue is above the soft bound the
 * socket layer stops reading its requests, so a client that writes without
 * reading stalls only itself.  Dumps are streamed (keysock_stream()) and
 * never dropped or truncated; a socket with KEYSOCK_STREAMS_MAX dumps
 * pending is not read either, so unread dumps cost a bounded number of
 * snapshots per socket.
 *
 * Queued messages may hold keys: they are wiped when freed, as is the
 * receive buffer after each request.
 */
#ifndef SYS_NETKEY_KEYSOCK_H
#define SYS_NETKEY_KEYSOCK_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sys/netkey/key_dialect.h"
#include "sys/netkey/key_stat.h"

/* Largest PF_KEY message accepted from a client (larger: ENOBUFS). */
#define KEYSOCK_MSG_MAX		(64 * 1024)
/* Floor of the soft output bound; the bound is max(recvspace, this). */
#define KEYSOCK_QUEUE_MIN	(256 * 1024)
/* Replies to the sender are dropped only beyond this many queued bytes. */
#define KEYSOCK_QUEUE_HARD	(4 * 1024 * 1024)
/*
 * Dumps pending on one socket (each holds a snapshot of its table) at
 * which the socket layer stops reading that socket's requests.
 */
#define KEYSOCK_STREAMS_MAX	2

struct keysock;
struct net_event_loop;

/*
 * A dump in progress.  produce() writes the next record (a complete PF_KEY
 * message) into buf, at most cap bytes (cap is KEYSOCK_MSG_MAX), and
 * returns its length; 0 means the stream is finished (the previous record
 * was the last, with seq 0); a negative value is -errno and ends the
 * stream.  release() runs exactly once when the stream ends for any reason:
 * finished, failed, or the peer went away before it finished.
 */
struct keysock_stream_ops {
	long	(*produce)(void *cursor, void *buf, size_t cap);
	void	(*release)(void *cursor);
};

struct keysock_stat {
	uint64_t accepted;		/* connections taken */
	uint64_t refused;		/* peers that were not root */
	uint64_t shed;			/* closed at once: no descriptor */
	uint64_t closed;		/* connections ended */
	uint64_t oversize;		/* records over KEYSOCK_MSG_MAX */
	uint64_t streams;		/* dumps started */
	uint64_t stream_records;	/* dump records delivered */
};

extern struct keysock_stat keysock_stat;

/*
 * Where the socket layer reports connections, refusals and per-connection
 * drop counts (syslog priorities); NULL, the default, is silent.  sockmgr
 * points it at stderr or syslog.
 */
typedef void (*keysock_log_fn)(int priority, const char *fmt, va_list ap);
extern keysock_log_fn keysock_log;

/*
 * Create the listening sockets at path, for the FreeBSD dialect, and at
 * path.linux, for the Linux dialect (an existing stale socket is
 * replaced; a live one, i.e. another socket manager, is EADDRINUSE) and
 * register them with loop; the sockets they accept run on it too.
 * Returns 0 or -1 with errno set.
 */
int	keysock_listen(struct net_event_loop *loop, const char *path);
/* Close every connection and the listener, and unlink the path. */
void	keysock_shutdown(void);

/*
 * Make a PF_KEY socket of an already connected descriptor (the accept path
 * uses it; unit tests may hand it one end of a socketpair), served on
 * loop.  The socket takes ownership of fd.  NULL with errno set on
 * failure.
 */
struct keysock *keysock_attach(struct net_event_loop *loop, int fd,
	    pid_t pid);
void	keysock_detach(struct keysock *so);

/*
 * The dialect so speaks (key_dialect.h): FreeBSD unless the endpoint it
 * connected to or a test says otherwise.
 */
void	keysock_set_dialect(struct keysock *so, enum key_dialect d);
enum key_dialect keysock_dialect(const struct keysock *so);

/*
 * Deliver one message (len bytes, len >= sizeof(struct sadb_msg)) from the
 * key engine, in its internal form: each socket gets it in its dialect.  from is the socket whose request caused it, or NULL for
 * messages the engine originates (ACQUIRE, EXPIRE).  Returns 0, or an
 * errno when the message could not be delivered to from itself (ENOBUFS:
 * its queue is past the hard cap); drops at other sockets only count.
 */
int	keysock_sendup(struct keysock *from, const void *msg, size_t len,
	    enum key_sendup_target target);

/*
 * Stream a dump to so.  The socket pulls records only while it can take
 * them, one queued record at a time; streams started while another runs on
 * the same socket follow it in order.  Returns 0, or an errno (the stream
 * was not started and release() has already run).
 */
int	keysock_stream(struct keysock *so,
	    const struct keysock_stream_ops *ops, void *cursor);

/* Socket state used by the REGISTER and X_PROMISC handlers. */
int	keysock_is_registered(const struct keysock *so, unsigned int satype);
int	keysock_register(struct keysock *so, unsigned int satype);
int	keysock_set_promisc(struct keysock *so, int on);
int	keysock_promisc(const struct keysock *so);

/* Sockets registered for satype (any satype when satype is 0). */
unsigned int keysock_registered_count(unsigned int satype);

/* Peer process id from SO_PEERCRED (0 if unknown). */
pid_t	keysock_pid(const struct keysock *so);
/*
 * Bytes held by so's output queue (records with their headers), and the
 * copies dropped for it.
 */
size_t	keysock_queued(const struct keysock *so);
uint64_t keysock_drops(const struct keysock *so);

/* The soft output bound in bytes, from net.key.recvspace. */
size_t	keysock_queue_soft(void);

#endif
