/*
 * The per-socket policy channel of the socket manager (sockpol.c) and
 * what it asks of the host (sockpol_diag.c).  See lib/libipsec/
 * ipsec_sockpol.h for the wire format and sys/netipsec/ipsec_pcb.h for
 * the table the packet path reads.
 */
#ifndef SBIN_SOCKMGR_SOCKPOL_H
#define SBIN_SOCKMGR_SOCKPOL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "sys/netipsec/ipsec_pcb.h"

/*
 * Serve DIR/sockpol (mode 0666: any user may set a policy on its own
 * sockets) and sweep the table once a second, on loop: the endpoint, or
 * NULL with errno set.  stop() closes everything, frees sp and empties
 * the table (also with sp NULL).
 */
struct net_event_loop;
struct sockmgr_sockpol;
struct sockmgr_sockpol *sockmgr_sockpol_start(struct net_event_loop *loop,
	    const char *dir);
void	sockmgr_sockpol_stop(struct sockmgr_sockpol *sp);

/* One host socket as NETLINK_SOCK_DIAG reports it. */
struct sockpol_sock {
	uint64_t		ino;
	uint32_t		uid;
	struct ipsec_pcb_tuple	t;
};

/*
 * Call fn for every socket of family and protocol (IPPROTO_TCP or _UDP)
 * in the socket manager's network namespace, which is the host stack's.
 * fn returns true to go on.  0, or an errno value when the dump failed.
 */
typedef bool (*sockpol_sock_fn)(const struct sockpol_sock *s, void *arg);
int	sockpol_diag_walk(int family, int proto, sockpol_sock_fn fn,
	    void *arg);

/* Socket ino among the TCP and UDP sockets of family: 0 or ENOENT. */
int	sockpol_diag_find(uint64_t ino, int family, struct sockpol_sock *s);

/* Whether process pid has a descriptor open on socket ino. */
bool	sockpol_pid_holds(pid_t pid, uint64_t ino);

/*
 * Which of the n sockets inos[] (sorted) some process still has open:
 * found[i] set for each, from one pass over /proc/[pid]/fd.  For sockets
 * sock_diag cannot show (unbound ones).
 */
void	sockpol_proc_scan(const uint64_t *inos, bool *found, size_t n);

#endif
