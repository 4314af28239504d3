/*
 * The control socket DIR/ctl beside DIR/pfkey: an AF_UNIX SOCK_SEQPACKET
 * endpoint on the socket manager's event loop that answers control
 * protocol requests (mib_proto.h) from sysctl and netstat.
 *
 * Who may use it: whoever can reach the socket file may read (the control
 * directory, mode 0700 by default, is that gate); writes and zeroing need
 * a peer of user id 0, taken from SO_PEERCRED when the connection is
 * accepted, as for PF_KEY.
 */
#ifndef SYS_NET_MIB_SOCK_H
#define SYS_NET_MIB_SOCK_H

#define MIB_SOCK_CONNS	32	/* connections served at once */

struct mib_sock;
struct net_event_loop;

/*
 * Listen at path, served on loop (the control thread's): the endpoint,
 * or NULL with errno set.
 */
struct mib_sock *mib_sock_listen(struct net_event_loop *loop,
	    const char *path);
/* Close every connection and the listener, unlink the path, free ms. */
void	mib_sock_close(struct mib_sock *ms);

#endif
