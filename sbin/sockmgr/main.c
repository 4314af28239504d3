/*
 * sockmgr: the socket manager.  This file holds the process plumbing:
 * options, the control directory, daemonizing, the pid file, logging,
 * signals and the event loop.  The stack itself lives in sys/.
 *
 * Signals are taken through a signalfd registered with the event loop, so
 * a SIGTERM is handled between two callbacks, never inside one.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <syslog.h>
#include <unistd.h>

#include "sys/crypto/crypto.h"
#include "sbin/sockmgr/sockmgr.h"
#include "sys/net/net_event.h"
#include "sys/netkey/keysock.h"

#define SOCKMGR_DIR_DEFAULT	"/var/run/sockmgr"
#define SOCKMGR_PATH_MAX	108	/* sun_path */

struct sockmgr_options {
	const char	*dir;		/* -S: control directory */
	bool		 foreground;	/* -d: log to stderr */
};

static bool	 log_stderr = true;
static char	 sock_path[SOCKMGR_PATH_MAX];
static char	 pid_path[SOCKMGR_PATH_MAX + 16];

static void
vlogmsg(int prio, const char *fmt, va_list ap)
{
	if (log_stderr) {
		fputs("sockmgr: ", stderr);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		fflush(stderr);
	} else
		vsyslog(prio, fmt, ap);
}

static void
logmsg(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlogmsg(prio, fmt, ap);
	va_end(ap);
}

static void
usage(void)
{
	fprintf(stderr, "usage: sockmgr [-d] [-S dir]\n");
	exit(EX_USAGE);
}

/*
 * Options.  getopt with a string that later options (-f script, -r/-w
 * pcap files, -i/-t/-a live mode) extend; anything unknown is a usage
 * error.
 */
static void
parse_options(int argc, char **argv, struct sockmgr_options *o)
{
	int ch;

	o->dir = SOCKMGR_DIR_DEFAULT;
	o->foreground = false;
	while ((ch = getopt(argc, argv, "dS:")) != -1) {
		switch (ch) {
		case 'd':
			o->foreground = true;
			break;
		case 'S':
			o->dir = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
}

/* The control directory: created mode 0700, or made so. */
static int
prepare_dir(const char *dir)
{
	struct stat st;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return -1;
	if (stat(dir, &st) != 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	if (st.st_uid != geteuid()) {
		errno = EPERM;
		return -1;
	}
	return chmod(dir, 0700);
}

static int
write_pidfile(const char *path)
{
	FILE *f;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	fprintf(f, "%ld\n", (long)getpid());
	return fclose(f) == 0 ? 0 : -1;
}

static void
signal_event(int fd, uint32_t events, void *arg)
{
	struct signalfd_siginfo si;

	(void)events;
	(void)arg;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		logmsg(LOG_NOTICE, "signal %u, exiting", si.ssi_signo);
		net_event_stop();
	}
}

static int
setup_signals(void)
{
	sigset_t set;
	int fd;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0)
		return -1;
	fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -1;
	return net_event_add(fd, EPOLLIN, signal_event, NULL);
}

static int
start_crypto(void)
{
	const char *failed = NULL;

	if (crypto_init() != 0) {
		logmsg(LOG_ERR, "crypto initialisation failed");
		return -1;
	}
	if (crypto_selftest(&failed) != 0) {
		logmsg(LOG_ERR, "crypto self-test failed: %s",
		    failed != NULL ? failed : "unknown algorithm");
		return -1;
	}
	return 0;
}

static int
setup_paths(const char *dir)
{
	if ((size_t)snprintf(sock_path, sizeof(sock_path), "%s/pfkey", dir) >=
	    sizeof(sock_path) ||
	    (size_t)snprintf(pid_path, sizeof(pid_path), "%s/sockmgr.pid",
	    dir) >= sizeof(pid_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* Everything up to a running loop; exits with a message on failure. */
static void
start(const struct sockmgr_options *o)
{
	if (setup_paths(o->dir) != 0 || prepare_dir(o->dir) != 0) {
		logmsg(LOG_ERR, "%s: %s", o->dir, strerror(errno));
		exit(EX_OSERR);
	}
	if (start_crypto() != 0)
		exit(EX_SOFTWARE);
	if (sockmgr_sad_start() != 0 || sockmgr_spd_start() != 0) {
		logmsg(LOG_ERR, "key engine: %s", strerror(errno));
		exit(EX_OSERR);
	}
	if (keysock_listen(sock_path) != 0) {
		logmsg(LOG_ERR, "%s: %s", sock_path, strerror(errno));
		exit(EX_UNAVAILABLE);
	}
	if (!o->foreground) {
		if (daemon(0, 0) != 0) {
			logmsg(LOG_ERR, "daemon: %s", strerror(errno));
			keysock_shutdown();
			exit(EX_OSERR);
		}
		openlog("sockmgr", LOG_PID, LOG_DAEMON);
		log_stderr = false;
	}
	/*
	 * After daemon(): a signalfd polled through epoll is woken through
	 * the signal handlers of the process that registered it, so one
	 * registered before the fork would never wake the daemon.
	 */
	if (setup_signals() != 0) {
		logmsg(LOG_ERR, "signals: %s", strerror(errno));
		keysock_shutdown();
		exit(EX_OSERR);
	}
	if (write_pidfile(pid_path) != 0)
		logmsg(LOG_WARNING, "%s: %s", pid_path, strerror(errno));
}

int
main(int argc, char **argv)
{
	struct sockmgr_options o;
	int rc = 0;

	parse_options(argc, argv, &o);
	keysock_log = vlogmsg;
	start(&o);
	logmsg(LOG_NOTICE, "serving PF_KEY on %s", sock_path);
	if (net_event_run() != 0) {
		logmsg(LOG_ERR, "event loop: %s", strerror(errno));
		rc = EX_OSERR;
	}
	keysock_shutdown();
	unlink(pid_path);
	net_event_shutdown();
	sockmgr_spd_stop();
	sockmgr_sad_stop();
	crypto_fini();
	logmsg(LOG_NOTICE, "stopped");
	return rc;
}
