/*
 * inetd: listen on the configured services' sockets, start a server for
 * each connection (nowait) or for the socket (wait), run the built-in
 * services, reread the configuration on SIGHUP.  Linked with libipsec's
 * setsockopt() (Makefile: PROG_EXTRA_inetd), so the `#@' policies set on
 * a listening socket reach the socket manager, and every connection
 * accepted from that socket inherits them there.
 *
 *	inetd [-d] [configuration]
 *
 * -d: stay in the foreground and log to stderr as well as syslog.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <netinet/in.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <netipsec/ipsec.h>

#include "sbin/inetd/inetd.h"

#define POLL_MAX	256		/* services watched at once */

static struct service *services;
static const char *conf_file = INETD_CONF;
static bool debug;

void
inetd_log(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsyslog(prio, fmt, ap);
	va_end(ap);
}

/*
 * The service's `#@' policies onto its socket, before bind() as KAME's
 * inetd does.  A service without a `#@' line gets no call: its socket
 * entrusts both directions to the SPD as any socket does, and inetd then
 * works without a socket manager.
 */
static int
set_policies(const struct service *s, int fd)
{
	int level = s->family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6;
	int opt = s->family == AF_INET ? IP_IPSEC_POLICY : IPV6_IPSEC_POLICY;
	char *buf;
	int i, rc;

	for (i = 0; i < s->npolicies; i++) {
		buf = ipsec_set_policy(s->policies[i],
		    (int)strlen(s->policies[i]));
		if (buf == NULL)
			return -1;
		rc = setsockopt(fd, level, opt, buf,
		    (socklen_t)ipsec_get_policylen(buf));
		free(buf);
		if (rc != 0)
			return -1;
	}
	return 0;
}

static int
bind_service(const struct service *s, int fd)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int on = 1;

	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (s->family == AF_INET6) {
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on,
		    sizeof(on));
		sin6.sin6_port = htons(s->port);
		return bind(fd, (struct sockaddr *)&sin6, sizeof(sin6));
	}
	sin.sin_port = htons(s->port);
	return bind(fd, (struct sockaddr *)&sin, sizeof(sin));
}

/* The listening socket of s, or -1 after logging why not. */
static int
setup(struct service *s)
{
	int fd;

	fd = socket(s->family, s->socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		inetd_log(LOG_ERR, "%s: socket: %m", s->name);
		return -1;
	}
	if (set_policies(s, fd) != 0) {
		inetd_log(LOG_ERR, "%s (line %d): ipsec setup failed: %m",
		    s->name, s->line);
		close(fd);
		return -1;
	}
	if (bind_service(s, fd) != 0 ||
	    (s->socktype == SOCK_STREAM && listen(fd, 64) != 0)) {
		inetd_log(LOG_ERR, "%s: bind/listen: %m", s->name);
		close(fd);
		return -1;
	}
	s->fd = fd;
	if (debug)
		inetd_log(LOG_DEBUG, "%s: listening (line %d)%s%s", s->name,
		    s->line, s->npolicies > 0 ? ", ipsec: " : "",
		    s->npolicies > 0 ? s->policies[0] : "");
	return 0;
}

static void
close_all(void)
{
	struct service *s;

	for (s = services; s != NULL; s = s->next)
		if (s->fd >= 0)
			close(s->fd);
	inetd_conf_free(services);
	services = NULL;
}

static void
config(void)
{
	struct service *s, *fresh;
	bool failed;

	fresh = inetd_conf_read(conf_file, &failed);
	if (failed && services != NULL) {
		inetd_log(LOG_ERR, "keeping the old configuration");
		return;
	}
	close_all();
	services = fresh;
	for (s = services; s != NULL; s = s->next)
		(void)setup(s);
}

/* In a child: drop to the service's user and group. */
static int
become(const struct service *s)
{
	struct passwd *pw = getpwnam(s->user);
	struct group *gr;
	gid_t gid;

	if (pw == NULL)
		return -1;
	gid = pw->pw_gid;
	if (s->group != NULL) {
		if ((gr = getgrnam(s->group)) == NULL)
			return -1;
		gid = gr->gr_gid;
	}
	if (pw->pw_uid == 0 && s->group == NULL)
		return 0;
	if (setgid(gid) != 0 || initgroups(pw->pw_name, gid) != 0 ||
	    setuid(pw->pw_uid) != 0)
		return -1;
	return 0;
}

/* The child's side: fd on 0, 1 and 2, then the server. */
static void
child(const struct service *s, int fd)
{
	sigset_t none;

	sigemptyset(&none);
	signal(SIGPIPE, SIG_DFL);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0 ||
	    dup2(fd, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
		_exit(1);
	if (fd > 2)
		close(fd);
	if (s->builtin != NULL) {
		s->builtin->stream(0);
		_exit(0);
	}
	if (become(s) != 0) {
		syslog(LOG_ERR, "%s: cannot become %s", s->name, s->user);
		_exit(1);
	}
	execv(s->server, s->argv);
	syslog(LOG_ERR, "%s: %s: %m", s->name, s->server);
	_exit(1);
}

static pid_t
spawn(const struct service *s, int fd)
{
	pid_t pid = fork();

	if (pid < 0)
		inetd_log(LOG_ERR, "%s: fork: %m", s->name);
	else if (pid == 0)
		child(s, fd);
	return pid;
}

static void
serve(struct service *s)
{
	pid_t pid;
	int c;

	if (s->socktype == SOCK_DGRAM && s->builtin != NULL) {
		s->builtin->dgram(s->fd);
		return;
	}
	if (s->wait) {
		if ((pid = spawn(s, s->fd)) > 0)
			s->wait_pid = pid;
		return;
	}
	if ((c = accept4(s->fd, NULL, NULL, SOCK_CLOEXEC)) < 0)
		return;
	if (s->builtin != NULL && !s->builtin->fork)
		s->builtin->stream(c);
	else
		(void)spawn(s, c);
	close(c);
}

static void
reap(void)
{
	struct service *s;
	pid_t pid;
	int status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (s = services; s != NULL; s = s->next)
			if (s->wait_pid == pid)
				s->wait_pid = 0;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			inetd_log(LOG_WARNING, "child %ld: status %#x",
			    (long)pid, status);
	}
}

/* One signal; false when inetd should stop. */
static bool
signal_event(int sfd)
{
	struct signalfd_siginfo si;

	while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			reap();
		else if (si.ssi_signo == SIGHUP) {
			inetd_log(LOG_NOTICE, "SIGHUP: rereading %s",
			    conf_file);
			config();
		} else
			return false;
	}
	return true;
}

static void
loop(int sfd)
{
	struct service *byfd[POLL_MAX];
	struct pollfd pfd[POLL_MAX + 1];
	struct service *s;
	nfds_t n, i;

	for (;;) {
		pfd[0].fd = sfd;
		pfd[0].events = POLLIN;
		n = 1;
		for (s = services; s != NULL && n <= POLL_MAX; s = s->next)
			if (s->fd >= 0 && s->wait_pid == 0) {
				byfd[n - 1] = s;
				pfd[n].fd = s->fd;
				pfd[n++].events = POLLIN;
			}
		if (poll(pfd, n, -1) < 0 && errno != EINTR)
			return;
		for (i = 1; i < n; i++)
			if (pfd[i].revents & POLLIN)
				serve(byfd[i - 1]);
		if ((pfd[0].revents & POLLIN) && !signal_event(sfd))
			return;
	}
}

int
main(int argc, char **argv)
{
	sigset_t set;
	int ch, sfd;

	while ((ch = getopt(argc, argv, "d")) != -1) {
		if (ch != 'd') {
			fprintf(stderr, "usage: inetd [-d] [configuration]\n");
			return 64;
		}
		debug = true;
	}
	if (optind + 1 < argc) {
		fprintf(stderr, "usage: inetd [-d] [configuration]\n");
		return 64;
	}
	if (optind < argc)
		conf_file = argv[optind];
	openlog("inetd", LOG_PID | (debug ? LOG_PERROR : 0), LOG_DAEMON);
	if (!debug && daemon(0, 0) != 0) {
		inetd_log(LOG_ERR, "daemon: %m");
		return 71;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	signal(SIGPIPE, SIG_IGN);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0 ||
	    (sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) < 0) {
		inetd_log(LOG_ERR, "signals: %m");
		return 71;
	}
	config();
	loop(sfd);
	inetd_log(LOG_NOTICE, "exiting");
	close_all();
	return 0;
}
