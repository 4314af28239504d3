/*
 * Inbound PF_KEY messages: validate with key_parse(), then call the
 * handler of the message type.  The handler table in key_dispatch.c is the
 * one place where message handlers are plugged in.
 *
 * Handler contract (KAME's key_typesw): a handler returns 0 once it has
 * delivered its reply (keysock_sendup() or keysock_stream()), or an errno,
 * in which case the dispatcher sends the sender the base header of its
 * request with sadb_msg_errno set and the length of the header alone.
 */
#ifndef SYS_NETKEY_KEY_DISPATCH_H
#define SYS_NETKEY_KEY_DISPATCH_H

#include <stddef.h>

struct keysock;
struct key_msg;

typedef int (*key_handler_fn)(struct keysock *from, const struct key_msg *m);

/*
 * Handle one message of len bytes received on from.  msg must be 8-byte
 * aligned; it is not modified beyond what key_parse() documents.  Returns
 * 0 when the message was handled or answered with an error reply, or an
 * errno when even the error reply could not be queued.
 */
int	key_dispatch(struct keysock *from, void *msg, size_t len);

/*
 * Answer from with the base header of the (possibly short or malformed)
 * request msg of len bytes, with sadb_msg_errno set to error.
 */
int	key_senderror(struct keysock *from, const void *msg, size_t len,
	    int error);

/* Handlers implemented by the socket layer itself. */
int	key_register(struct keysock *from, const struct key_msg *m);
int	key_promisc(struct keysock *from, const struct key_msg *m);

#endif
