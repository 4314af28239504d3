/*
 * PF_KEY v2 message validation.
 *
 * key_parse() checks a whole message written by a PF_KEY client before any
 * handler sees it: framing, header fields, every extension's size and
 * reserved fields, duplicates, the extensions each message type allows and
 * requires, the satype rules and the source/destination address pair.  On
 * success the handlers can trust every length in the message and index the
 * extensions by type without walking it again.
 *
 * Alignment: the buffer must start on an 8-byte boundary (anything from
 * malloc(), or a uint64_t array).  Every extension length is a multiple of
 * 8, so every extension, and the struct sadb_address header before each
 * sockaddr, is then aligned for the structs of <net/pfkeyv2.h>.  A
 * misaligned buffer is refused with EINVAL rather than read.
 *
 * Ownership: struct key_msg only points into the caller's buffer; it is
 * valid as long as that buffer is.  Keys are not copied: the caller wipes
 * the buffer when done with it.
 */
#ifndef SYS_NETKEY_KEY_PARSE_H
#define SYS_NETKEY_KEY_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include <net/pfkeyv2.h>

/*
 * The largest message accepted or built.  PF_KEY messages are small: an
 * SADB_ADD with two 2048-bit keys, identities and NAT-T data is under 1 KiB,
 * and the largest kernel message, an ACQUIRE proposal crossing every
 * encryption with every authentication algorithm, is around 15 KiB.  64 KiB
 * leaves room for that while bounding what one client can make the socket
 * manager hold (BSD kernels stop at 2 KiB, one mbuf cluster).
 */
#define KEY_MSG_MAX		65536

struct key_msg {
	const struct sadb_msg	*hdr;
	/* By extension type; NULL when absent.  ext[0] is always NULL. */
	const struct sadb_ext	*ext[SADB_EXT_MAX + 1];
	size_t			 len;	/* bytes: sadb_msg_len * 8 */
};

/*
 * Validate a message from user land.  Returns 0 and fills *m, or an errno
 * value (EINVAL, ENOBUFS, EOPNOTSUPP, EAFNOSUPPORT) and leaves *m cleared.
 * Updates the out_* counters of pfkeystat.
 */
int	key_parse(const void *buf, size_t len, struct key_msg *m);

/*
 * Validate a message coming from the key engine (a reply, notification or
 * dump record) the way a client reads it: the same framing and extension
 * checks, but any extension may appear in any message type, none is
 * required, sadb_msg_errno and sadb_msg_reserved (a reference count in
 * dumps) may be set.  Does not touch pfkeystat.
 */
int	key_parse_reply(const void *buf, size_t len, struct key_msg *m);

/* Sets of extension types, as bitmaps (SADB_EXT_MAX < 32). */
#define KEY_EXT_BIT(type)	(1u << (type))
#define KEY_EXT_ALL		0xffffffffu

/* The extension of a type as its struct, or NULL when absent. */
#define KEY_MSG_EXT(m, type, stype) \
	((const struct stype *)(const void *)(m)->ext[(type)])

/* The sockaddr after a validated address extension. */
const struct sockaddr *key_msg_sockaddr(const struct sadb_address *addr);

/*
 * The tunnel endpoints of a validated sadb_x_ipsecrequest: *src and *dst
 * are set to its sockaddrs, or both to NULL when it carries none.  Returns
 * the number of sockaddrs (0 or 2).
 */
int	key_msg_request_addrs(const struct sadb_x_ipsecrequest *req,
	    const struct sockaddr **src, const struct sockaddr **dst);

/*
 * Walking the requests of a validated x_policy extension:
 *	for (r = key_msg_request_first(p); r != NULL;
 *	    r = key_msg_request_next(p, r))
 */
const struct sadb_x_ipsecrequest *key_msg_request_first(
	    const struct sadb_x_policy *pol);
const struct sadb_x_ipsecrequest *key_msg_request_next(
	    const struct sadb_x_policy *pol,
	    const struct sadb_x_ipsecrequest *req);

#endif
