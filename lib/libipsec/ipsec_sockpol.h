/*
 * The per-socket policy channel between libipsec (or the preload shim)
 * and the socket manager: an AF_UNIX SOCK_SEQPACKET socket DIR/sockpol
 * open to every user, one request record answered by one reply record.
 *
 * A socket is named by the inode of its descriptor (fstat st_ino).  The
 * socket manager believes nothing else the client says about it: it finds
 * the inode among the open descriptors of the peer's process
 * (SO_PEERCRED pid, /proc/PID/fd) and the socket's protocol and addresses
 * in the host stack (NETLINK_SOCK_DIAG).  Not installed: the layout is
 * private to one build of libipsec and sockmgr.
 */
#ifndef LIB_LIBIPSEC_IPSEC_SOCKPOL_H
#define LIB_LIBIPSEC_IPSEC_SOCKPOL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#define SOCKPOL_NAME		"sockpol"

/*
 * The largest policy a socket may set: the x_policy header and
 * IPSEC_MAXREQ requests with IPv6 tunnel endpoints fit in 320 bytes.
 */
#define SOCKPOL_POLICY_MAX	512

enum sockpol_op {
	SOCKPOL_SET = 1,	/* policy: one direction's policy */
	SOCKPOL_GET,		/* dir: which direction */
	SOCKPOL_REFRESH,	/* bind/connect happened; remote: the peer */
	SOCKPOL_CLOSED,		/* a descriptor of ino was closed */
};

/*
 * proto and local are what the client believes (SO_PROTOCOL,
 * getsockname()); the socket manager uses them only while the host's
 * sock_diag cannot show the socket (unbound, or bound but not yet
 * listening or connected on kernels before 6.8).
 */
struct sockpol_req {
	uint32_t		op;		/* enum sockpol_op */
	uint32_t		dir;		/* SOCKPOL_GET */
	uint64_t		ino;		/* the socket's st_ino */
	uint32_t		family;		/* AF_INET or AF_INET6 */
	uint32_t		proto;		/* IPPROTO_TCP or _UDP */
	struct sockaddr_in6	local;		/* getsockname() */
	struct sockaddr_in6	remote;		/* REFRESH before connect */
	uint32_t		policy_len;	/* bytes used of policy */
	uint32_t		pad;
	uint64_t		policy[SOCKPOL_POLICY_MAX / 8];
};

struct sockpol_reply {
	int32_t			error;		/* 0 or an errno value */
	uint32_t		policy_len;	/* SOCKPOL_GET */
	uint64_t		policy[SOCKPOL_POLICY_MAX / 8];
};

/* The request without the unused tail of policy. */
#define SOCKPOL_REQ_LEN(rq) \
	(offsetof(struct sockpol_req, policy) + (rq)->policy_len)

/*
 * Client side (ipsec_sockpol.c), used by the setsockopt() family of
 * ipsec_sockopt.c.  Each returns 0, or -1 with errno set.
 *
 * ipsec_sockpol_set() and _get() implement setsockopt and getsockopt of
 * IP_IPSEC_POLICY (level IPPROTO_IP, AF_INET sockets) and
 * IPV6_IPSEC_POLICY (IPPROTO_IPV6, AF_INET6 sockets).  refresh tells the
 * socket manager that fd's addresses changed; remote is where a connect()
 * about to start goes (NULL after the fact).  closed says that a
 * descriptor of socket ino was closed and never fails.
 */
int	ipsec_sockpol_set(int fd, int level, const void *buf, socklen_t len);
int	ipsec_sockpol_get(int fd, int level, void *buf, socklen_t *len);
int	ipsec_sockpol_refresh(int fd, const struct sockaddr *remote,
	    socklen_t len);
void	ipsec_sockpol_closed(uint64_t ino);

/* Whether (level, optname) is one of the two policy options. */
int	ipsec_sockpol_option(int level, int optname);

/*
 * Set by the preload shim (pfkey_shim.c), which must see the sends and
 * closes that the wrappers of ipsec_sockopt.c take before it can: called
 * after each sendto()/sendmsg() with its result, and before each close().
 * NULL elsewhere.
 */
extern void (*ipsec_sockopt_sent_hook)(int fd, ssize_t rc);
extern void (*ipsec_sockopt_close_hook)(int fd);

#endif
