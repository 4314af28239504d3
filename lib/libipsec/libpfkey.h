/*
 * Client side of the PF_KEY endpoint of the socket manager.
 *
 * A PF_KEY socket is an AF_UNIX SOCK_SEQPACKET connection to DIR/pfkey,
 * where DIR is the environment variable SOCK when set (the QNX way of
 * choosing a socket manager) and /var/run/sockmgr otherwise.  One record
 * sent or received is one PF_KEY v2 message, so read(), write(), send()
 * and recv() work on the descriptor as on a BSD PF_KEY socket.
 */
#ifndef LIB_LIBIPSEC_LIBPFKEY_H
#define LIB_LIBIPSEC_LIBPFKEY_H

#include <stddef.h>

#define PFKEY_SOCK_ENV		"SOCK"
#define PFKEY_SOCK_DIR		"/var/run/sockmgr"
#define PFKEY_SOCK_NAME		"pfkey"

/*
 * Open a PF_KEY socket.  Returns the descriptor, or -1 with errno set:
 * EPERM when not running as root (the socket manager would refuse the
 * connection anyway), ENAMETOOLONG for an over-long $SOCK, and connect()'s
 * errors (ENOENT, ECONNREFUSED: no socket manager there).
 */
int	pfkey_open(void);
void	pfkey_close(int fd);

/*
 * The path of the PF_KEY endpoint into buf (len bytes).  Returns 0, or -1
 * with errno ENAMETOOLONG when it does not fit buf or an AF_UNIX address.
 */
int	pfkey_socket_path(char *buf, size_t len);

#endif
