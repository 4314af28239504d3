/*
 * inetd: the Internet super-server, with KAME's IPsec policy lines.
 *
 * The configuration (conf.c) is a list of services, each with its
 * listening socket (main.c) and the policy strings of the `#@' line above
 * it, which go onto the listening socket with setsockopt(IP_IPSEC_POLICY)
 * so that every connection accepted from it inherits them.  Built-in
 * services are in builtin.c.
 */
#ifndef SBIN_INETD_INETD_H
#define SBIN_INETD_INETD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define INETD_CONF	"/etc/inetd.conf"
#define INETD_ARGS_MAX	20		/* server arguments, as BSD's MAXARGV */
#define INETD_POLICIES_MAX 8		/* policy strings on one `#@' line */

struct builtin;

struct service {
	char		*name;		/* as written: "echo", "7100" */
	int		 line;		/* of the configuration */
	int		 socktype;	/* SOCK_STREAM, SOCK_DGRAM */
	int		 family;	/* AF_INET, AF_INET6 */
	uint16_t	 port;		/* host order */
	bool		 wait;
	char		*user;
	char		*group;		/* NULL: the user's */
	char		*server;	/* path, or "internal" */
	const struct builtin *builtin;	/* when internal */
	char		*argv[INETD_ARGS_MAX + 1];
	int		 npolicies;
	char		*policies[INETD_POLICIES_MAX];
	int		 policy_line;	/* of their `#@' line, 0: none */
	int		 fd;		/* listening socket, -1: none */
	pid_t		 wait_pid;	/* wait service: the child serving */
	struct service	*next;
};

/*
 * Read the configuration at path: every service that can be set up, in
 * file order.  Lines that cannot be used are logged with their number
 * and skipped; services under a `#@' line with an invalid policy are
 * logged and not started.  NULL with nothing readable (logged).
 */
struct service *inetd_conf_read(const char *path, bool *failed);
void	inetd_conf_free(struct service *list);

/* Built-in services (RFC 862 echo, 863 discard, 867 daytime). */
struct builtin {
	const char	*name;
	/* A stream connection; runs in a child when fork is set. */
	void		(*stream)(int fd);
	bool		 fork;
	/* One datagram waiting on the socket. */
	void		(*dgram)(int fd);
};

const struct builtin *inetd_builtin(const char *name);

/* syslog, and stderr in debug mode. */
void	inetd_log(int prio, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
