/*
 * The listening AF_UNIX SOCK_SEQPACKET endpoints of the socket manager
 * (DIR/pfkey, DIR/ctl): one way to create them, stale files included.
 */
#ifndef SYS_NET_NET_UNIX_H
#define SYS_NET_NET_UNIX_H

#include "sys/net/net_event.h"

/*
 * Listen at path (an existing stale socket file is replaced; a live one,
 * i.e. another socket manager, is EADDRINUSE), mode 0666 on the socket
 * file, the descriptor non-blocking and registered with the event loop
 * for EPOLLIN with cb(arg).  Returns the descriptor, or -1 with errno
 * set.  The directory holding path is what limits who may connect.
 */
int	net_unix_listen(const char *path, net_event_fn cb, void *arg);

#endif
