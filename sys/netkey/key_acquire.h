/*
 * SADB_ACQUIRE: asking the key management daemons for an SA.
 *
 * The packet path calls key_acquire() when a packet needs an SA for a
 * policy request and the SAD has none.  The key engine sends SADB_ACQUIRE
 * to the registered sockets with a proposal built from the crypto
 * registry, and remembers the request in a blocking entry per SA index
 * (src, dst, proto, mode, reqid) so that a burst of packets asks once:
 * further triggers within net.key.blockacq_lifetime seconds only count,
 * until the count exceeds net.key.blockacq_count, when one more ACQUIRE
 * (with the same sequence number) goes out and the count restarts (KAME
 * key_acquire()).  Entries age out blockacq_lifetime seconds after their
 * last reset (key_acquire_timer()).
 *
 * The sequence number links the exchange: a GETSPI with it restarts the
 * blocking entry's clock, an UPDATE or ADD with it completes the acquire
 * and removes the entry (FreeBSD key_acqdone()), and the errno form of a
 * user ACQUIRE (negotiation failed) restarts the clock so that the daemon
 * is not asked again at once (KAME key_acquire2()).
 */
#ifndef SYS_NETKEY_KEY_ACQUIRE_H
#define SYS_NETKEY_KEY_ACQUIRE_H

#include <stddef.h>
#include <stdint.h>

#include <sys/socket.h>

struct key_msg;
struct keysock;

/*
 * What the packet path needs.  src and dst are the SA index's endpoints
 * (the packet's addresses in transport mode, the tunnel's in tunnel
 * mode); their ports are ignored.  proto: IPPROTO_ESP, _AH or _COMP.
 * mode: IPSEC_MODE_*.  policy_id and dir name the policy whose request
 * needs the SA; they go into the X_POLICY extension.
 */
struct key_acquire_req {
	const struct sockaddr	*src;
	const struct sockaddr	*dst;
	uint8_t			 proto;
	uint8_t			 mode;
	uint32_t		 reqid;
	uint32_t		 policy_id;
	uint8_t			 dir;
};

/*
 * Ask for an SA.  0 when an ACQUIRE was sent or the request was
 * absorbed by a blocking entry; EPROTONOSUPPORT (nothing sent, nothing
 * remembered) when no socket is registered for the SA type; EINVAL for
 * a bad request; ENOMEM.  Sends nothing to a socket that is not
 * registered.
 */
int	key_acquire(const struct key_acquire_req *req);

/* Once a second: drop blocking entries older than blockacq_lifetime. */
void	key_acquire_timer(void);

/* Forget every blocking entry. */
void	key_acquire_flush(void);

/* SADB_ACQUIRE written by a client (the dispatcher's handler). */
int	key_acquire_user(struct keysock *from, const struct key_msg *m);

/* A GETSPI with sequence number seq: restart that entry's clock. */
void	key_acquire_touch(uint32_t seq);
/* An UPDATE or ADD with sequence number seq: the acquire is done. */
void	key_acquire_done(uint32_t seq);

/* Blocking entries held, and the suppressed-trigger count of seq's. */
size_t	key_acquire_count(void);
int	key_acquire_blocked(uint32_t seq, unsigned int *count);

#endif
