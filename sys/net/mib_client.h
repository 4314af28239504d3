/*
 * The client side of the control protocol (mib_proto.h), for sysctl and
 * netstat, and the counters of a statistics node as one flat list, filled
 * either from a reply or in process from the node itself, so that the
 * socket manager's own report and netstat print the same thing.
 */
#ifndef SYS_NET_MIB_CLIENT_H
#define SYS_NET_MIB_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#define MIB_SOCK_ENV	"SOCK"			/* directory, as for PF_KEY */
#define MIB_SOCK_DIR	"/var/run/sockmgr"
#define MIB_SOCK_NAME	"ctl"

struct mib_node;

/* A reply split: status 0 or an errno; word on error; body on success. */
struct mib_reply {
	int	 status;
	char	*word;
	char	*body;
};

/*
 * Connect to $SOCK/ctl (default /var/run/sockmgr/ctl), writing the path
 * into path (len bytes) for messages: a descriptor, or -1 with errno set.
 */
int	mib_client_open(char *path, size_t len);

/*
 * Send one request and read its reply into buf (cap bytes, at least
 * MIB_PROTO_MAX + 1; the reply is NUL-terminated there): 0 with *r
 * filled, or -1 with errno set when the exchange itself failed (EPROTO
 * for a malformed reply).
 */
int	mib_client_call(int fd, const char *req, char *buf, size_t cap,
	    struct mib_reply *r);

/*
 * Run the system's own program of this name (procps sysctl, net-tools
 * netstat), the first of the NULL-ended paths that exists and is not this
 * program itself, with argv (argv[0] included), and wait for it: its exit
 * status, or -1 with errno ENOENT when there is none.
 */
int	mib_client_run_system(const char *const *paths, char *const *argv);

#define MIB_COUNTERS_MAX	1280
#define MIB_COUNTER_NAME	32

struct mib_counter {
	char		name[MIB_COUNTER_NAME];
	int		index;			/* -1: scalar */
	uint64_t	value;
};

struct mib_counters {
	size_t			n;
	struct mib_counter	c[MIB_COUNTERS_MAX];
};

/* The counters of a statistics node, walked in process. */
void	mib_counters_from_node(struct mib_counters *cs,
	    const struct mib_node *node);
/* The counters of a "stats" reply's body: 0, or -1 (EPROTO). */
int	mib_counters_parse(struct mib_counters *cs, char *body);
/* A counter's value; 0 when absent (histogram buckets are only sent
 * when non-zero). */
uint64_t mib_counters_get(const struct mib_counters *cs, const char *name,
	    int index);

#endif
