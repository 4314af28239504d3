/*
 * PF_KEY messages about SAs: GETSPI, UPDATE, ADD, DELETE, GET, FLUSH and
 * DUMP requests, the SA record that GET, DUMP and EXPIRE carry, and the
 * SADB_EXPIRE / SADB_DELETE notifications the SAD's events turn into.
 *
 * Files:
 *	key_msg_sa.c	the request handlers (plugged into key_dispatch.c)
 *	key_sa_setval.c	KAME's key_mature/key_setsaval: checking an ADD or
 *			UPDATE and filling an SA from it
 *	key_sa_natt.c	a Linux-dialect UPDATE moving an SA's NAT-T ports
 *	key_sa_record.c	the SA record message
 *	key_dump_sa.c	SADB_DUMP streamed through keysock_stream()
 *	key_expire.c	SAD events -> SADB_EXPIRE, superseded -> SADB_DELETE
 * ACQUIRE lives in key_acquire.h.
 *
 * Handlers follow key_dispatch.h: 0 once the reply is delivered, or an
 * errno for the dispatcher's error reply.
 */
#ifndef SYS_NETKEY_KEY_MSG_SA_H
#define SYS_NETKEY_KEY_MSG_SA_H

#include <stdint.h>

struct ipsec_sa;
struct key_buf;
struct key_msg;
struct keysock;

/*
 * Register the SAD events (EXPIRE and SUPERSEDED notifications).  Call
 * after key_sad_init(); idempotent.
 */
void	key_msg_sa_init(void);

/* Request handlers. */
int	key_getspi(struct keysock *from, const struct key_msg *m);
int	key_update(struct keysock *from, const struct key_msg *m);
int	key_add(struct keysock *from, const struct key_msg *m);
int	key_delete(struct keysock *from, const struct key_msg *m);
int	key_get(struct keysock *from, const struct key_msg *m);
int	key_flush(struct keysock *from, const struct key_msg *m);
int	key_dump(struct keysock *from, const struct key_msg *m);

/*
 * The full SA record (KAME key_setdumpsa): base (type, the SA's satype,
 * seq, pid, sadb_msg_reserved = the SA's reference count), SA, SA2,
 * lifetime CURRENT and the HARD/SOFT limits that are set, addresses,
 * keys, the kept extension copies (identities, sensitivity, KMPRIVATE,
 * NAT-T) and SA_REPLAY when sadb_sa_replay cannot say the window.  Ends
 * the message; returns key_build_end()'s value.  The buffer holds keys:
 * free it with key_buf_free().
 */
int	key_sa_record(struct key_buf *b, const struct ipsec_sa *sa,
	    uint8_t type, uint32_t seq, uint32_t pid);

/*
 * The common part of every SA message after the base header: SA, SA2
 * and both addresses (full prefix, upper-layer protocol ANY).
 */
void	key_sa_record_index(struct key_buf *b, const struct ipsec_sa *sa);

/*
 * Check an ADD or UPDATE request against the SA type's rules (SPI
 * range, algorithms, key lengths and weak keys, flags, replay, SA2) and
 * fill sa (allocated with the request's satype and addresses, not
 * linked) with its spi, algorithms, flags, replay window, mode, reqid,
 * keys, HARD/SOFT lifetimes and extension copies.  0, EINVAL or ENOMEM.
 */
int	key_sa_setval(struct ipsec_sa *sa, const struct key_msg *m);

/*
 * Set the HARD and SOFT limits the request carries (an absent one is
 * left as it is); UPDATE of a MATURE SA uses it alone.
 */
void	key_sa_set_lifetimes(struct ipsec_sa *sa, const struct key_msg *m);

/*
 * Move a mature esp-udp SA to the NAT-T ports and original addresses the
 * request carries (the others kept), and have the packet layer move its
 * encapsulation: 0; EINVAL when the request's NAT-T type is absent or
 * not the SA's, or the packet layer refuses; ENOMEM.  On error the SA is
 * as it was.
 */
int	key_sa_natt_move(struct ipsec_sa *sa, const struct key_msg *m);

#endif
