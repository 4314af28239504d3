/*
 * The listening AF_UNIX SOCK_SEQPACKET endpoints of the socket manager
 * (DIR/pfkey, DIR/ctl): one way to create them, stale files included.
 */
#ifndef SYS_NET_NET_UNIX_H
#define SYS_NET_NET_UNIX_H

#include <stdbool.h>

#include "sys/net/net_event.h"

/*
 * Listen at path (an existing stale socket file is replaced; a live one,
 * i.e. another socket manager, is EADDRINUSE), mode 0666 on the socket
 * file, the descriptor non-blocking and registered with loop
 * for EPOLLIN with cb(arg).  Returns the descriptor, or -1 with errno
 * set.  The directory holding path is what limits who may connect.
 */
int	net_unix_listen(struct net_event_loop *loop, const char *path,
	    net_event_fn cb, void *arg);

/*
 * accept4() on a listener with flags.  Out of descriptors, accept4() fails
 * while the pending connection keeps the listener readable, and the event
 * loop would spin on it at full CPU for as long as that lasts: so the
 * caller keeps a reserve descriptor in *spare (net_unix_spare() opens it,
 * -1 before), which is given back for the moment it takes to accept that
 * connection and close it; the client sees its socket closed at once.
 * Returns the new descriptor, or -1 with errno set; *shed is true when a
 * connection was closed that way.
 */
int	net_unix_accept(int lfd, int flags, int *spare, bool *shed);
void	net_unix_spare(int *spare);

#endif
