/*
 * PF_KEY dialects: the byte layout a connection speaks.  The key engine
 * keeps one internal form, which is the FreeBSD/KAME ABI of
 * <net/pfkeyv2.h> plus the forward direction; each connection speaks one
 * dialect, chosen when it connects (DIR/pfkey is FreeBSD, DIR/pfkey.linux
 * is Linux), and its messages are translated here, at the socket
 * boundary, and nowhere else:
 *
 *  - key_dialect_in() before key_parse() sees a request;
 *  - key_dialect_out() before a reply, notification or dump record is
 *    written to a socket.
 *
 * KEY_DIALECT_FREEBSD changes no byte of what it lets through; it only
 * refuses what FreeBSD refuses and the engine accepts for Linux clients
 * (SPD messages naming the forward direction), and gives back FreeBSD's
 * errno where Linux's differs (a missing policy on SPDDELETE is EINVAL
 * there, ENOENT in the engine).  KEY_DIALECT_LINUX is the ABI of Linux's
 * <linux/pfkeyv2.h> and af_key: see key_dialect_linux.c and pfkey(4).
 */
#ifndef SYS_NETKEY_KEY_DIALECT_H
#define SYS_NETKEY_KEY_DIALECT_H

#include <stddef.h>
#include <stdint.h>

enum key_dialect {
	KEY_DIALECT_FREEBSD = 0,
	KEY_DIALECT_LINUX,
	KEY_DIALECT_COUNT
};

/*
 * Room a translation may need: a Linux request shrinks or grows by one
 * extension at most; an internal message sent to a Linux client grows by
 * 8 bytes per ipsecrequest (each at least 8 bytes), so at most doubles.
 */
#define KEY_DIALECT_OUT_MAX	(2 * 65536)

/*
 * Translate a request of len bytes in dialect d to the internal form.
 * On success *res points at the message to dispatch (msg itself, or a
 * buffer of this module valid until the next call) and *reslen is its
 * length; returns 0.  Returns an errno for a request the dialect refuses;
 * a request whose framing is broken is passed on unchanged, so that
 * key_parse() answers it with its own errno.
 */
int	key_dialect_in(enum key_dialect d, const void *msg, size_t len,
	    const void **res, size_t *reslen);

/*
 * Translate an internal message of len bytes to dialect d.  *res and
 * *reslen as above (the buffer is distinct from key_dialect_in()'s and
 * from the other dialects', valid until the next call for d).
 * Returns 0, or an errno when the message cannot be said in d (it is then
 * not delivered to that socket).
 */
int	key_dialect_out(enum key_dialect d, const void *msg, size_t len,
	    const void **res, size_t *reslen);

/* The Linux dialect's halves, for key_dialect.c. */
int	key_dialect_linux_in(const uint8_t *msg, size_t len, uint8_t *out,
	    size_t cap, size_t *outlen);
int	key_dialect_linux_out(const uint8_t *msg, size_t len, uint8_t *out,
	    size_t cap, size_t *outlen);

/*
 * Whether msg (len bytes) is framed soundly enough to be walked: a base
 * header whose length matches, followed by extensions whose lengths are
 * non-zero and add up exactly.
 */
int	key_dialect_framed(const uint8_t *msg, size_t len);

#endif
