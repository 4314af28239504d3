/*
 * sockmgr: the socket manager.  This file holds the process plumbing:
 * options, the control directory, daemonizing, the pid file, logging,
 * signals and the event loop.  The stack itself lives in sys/.
 *
 * Signals are taken through a signalfd registered with the event loop, so
 * a SIGTERM is handled between two callbacks, never inside one.
 */
#include <arpa/inet.h>
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
#include "sys/net/mib.h"
#include "sys/net/mib_sock.h"
#include "sbin/sockmgr/sockpol.h"
#include "sys/net/net_event.h"
#include "sys/netipsec/ipsec_var.h"
#include "sys/netkey/key_var.h"
#include "sys/netkey/keysock.h"

#define SOCKMGR_DIR_DEFAULT	"/var/run/sockmgr"
#define SOCKMGR_PATH_MAX	108	/* sun_path */

static bool	 log_stderr = true;
static char	 sock_path[SOCKMGR_PATH_MAX];
static char	 ctl_path[SOCKMGR_PATH_MAX];
static char	 pid_path[SOCKMGR_PATH_MAX + 16];
static struct mib_sock *ctl_sock;	/* DIR/ctl while it is served */
static struct sockmgr_sockpol *sockpol;	/* DIR/sockpol, likewise */

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

void
sockmgr_log(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlogmsg(prio, fmt, ap);
	va_end(ap);
}

static void
usage(void)
{
	fprintf(stderr, "usage: sockmgr [-d] [-S dir] [-f script] "
	    "[-o name=value] [-a addr] ...\n"
	    "       sockmgr [-Bd] [-S dir] [-f script] [-o name=value] "
	    "[-w workers]\n"
	    "               -i wire_if -t tun_if -a addr/plen ... "
	    "[-g gateway] ...\n"
	    "       sockmgr [-k] [-S dir] [-f script] [-o name=value] "
	    "[-a addr] ...\n"
	    "               [-r host:file] [-r wire:file] [-w host:file] "
	    "[-w wire:file]\n");
	exit(EX_USAGE);
}

/*
 * "host:FILE" or "wire:FILE" into the option's slot for that side; a
 * side given twice is a usage error.
 */
static void
set_side(const char *arg, const char **host, const char **wire)
{
	const char **slot;

	if (strncmp(arg, "host:", 5) == 0)
		slot = host;
	else if (strncmp(arg, "wire:", 5) == 0)
		slot = wire;
	else {
		sockmgr_log(LOG_ERR, "%s: expected host:FILE or wire:FILE",
		    arg);
		usage();
	}
	if (*slot != NULL || arg[5] == '\0') {
		sockmgr_log(LOG_ERR, "%s: side given twice or no file", arg);
		usage();
	}
	*slot = arg + 5;
}

/*
 * -w takes a worker count in live mode and a capture side offline; a
 * count is all digits, a side starts with its name.
 */
static void
set_write(const char *arg, struct sockmgr_options *o)
{
	char *end;
	unsigned long n;

	if (arg[0] < '0' || arg[0] > '9') {
		set_side(arg, &o->write_host, &o->write_wire);
		return;
	}
	n = strtoul(arg, &end, 10);
	if (*end != '\0' || n < 1 || n > SOCKMGR_WORKERS_MAX || o->workers) {
		sockmgr_log(LOG_ERR, "-w %s: workers from 1 to %d, once", arg,
		    SOCKMGR_WORKERS_MAX);
		usage();
	}
	o->workers = (unsigned int)n;
}

/* A decimal prefix length up to 128; -1 for anything else. */
static int
parse_plen(const char *s)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return -1;
	v = strtol(s, &end, 10);
	return *end != '\0' || v > 128 ? -1 : (int)v;
}

/*
 * An -a address, numeric IPv4 or IPv6, with an optional /prefix length
 * (the on-link prefix in live mode; offline mode ignores it).
 */
static void
add_addr(struct sockmgr_options *o, const char *arg)
{
	union ip_sockaddr *a;
	char buf[INET6_ADDRSTRLEN + 8];
	char *slash;

	if (o->naddrs == SOCKMGR_ADDRS_MAX || strlen(arg) >= sizeof(buf)) {
		sockmgr_log(LOG_ERR, "-a %s: too many or too long", arg);
		usage();
	}
	strcpy(buf, arg);
	o->plens[o->naddrs] = -1;
	if ((slash = strchr(buf, '/')) != NULL) {
		*slash = '\0';
		o->plens[o->naddrs] = parse_plen(slash + 1);
	}
	a = &o->addrs[o->naddrs];
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, buf, &a->sin.sin_addr) == 1)
		a->sin.sin_family = AF_INET;
	else if (inet_pton(AF_INET6, buf, &a->sin6.sin6_addr) == 1)
		a->sin6.sin6_family = AF_INET6;
	else {
		sockmgr_log(LOG_ERR, "-a %s: not an IPv4 or IPv6 address", arg);
		usage();
	}
	if (o->plens[o->naddrs] >
	    (a->sa.sa_family == AF_INET ? 32 : 128) ||
	    (slash != NULL && o->plens[o->naddrs] < 0)) {
		sockmgr_log(LOG_ERR, "-a %s: bad prefix length", arg);
		usage();
	}
	o->naddrs++;
}

/* Options; anything unknown is a usage error. */
static void
parse_options(int argc, char **argv, struct sockmgr_options *o)
{
	int ch;

	memset(o, 0, sizeof(*o));
	o->dir = SOCKMGR_DIR_DEFAULT;
	while ((ch = getopt(argc, argv, "a:Bdf:g:i:ko:r:S:t:w:")) != -1) {
		switch (ch) {
		case 'a':
			add_addr(o, optarg);
			break;
		case 'B':
			o->qdisc_bypass = true;
			break;
		case 'd':
			o->foreground = true;
			break;
		case 'f':
			o->script = optarg;
			break;
		case 'g':
			if (o->ngateways == 2)
				usage();
			o->gateways[o->ngateways++] = optarg;
			break;
		case 'i':
			o->wire_if = optarg;
			break;
		case 'k':
			o->keep = true;
			break;
		case 'o':
			if (o->nsets == SOCKMGR_SETS_MAX)
				usage();
			o->sets[o->nsets++] = optarg;
			break;
		case 'r':
			set_side(optarg, &o->read_host, &o->read_wire);
			break;
		case 'S':
			o->dir = optarg;
			break;
		case 't':
			o->tun_if = optarg;
			break;
		case 'w':
			set_write(optarg, o);
			break;
		default:
			usage();
		}
	}
	if (optind != argc || (sockmgr_live(o) && sockmgr_offline(o)) ||
	    (o->keep && !sockmgr_offline(o)) ||
	    (o->qdisc_bypass && !sockmgr_live(o)) ||
	    (o->workers != 0 && !sockmgr_live(o)))
		usage();
}

/*
 * The control directory: created mode 0711, or made so.  Others may
 * reach the per-socket policy channel in it (DIR/sockpol) but not list
 * it; the PF_KEY endpoint refuses them by SO_PEERCRED.
 */
static int
prepare_dir(const char *dir)
{
	struct stat st;

	if (mkdir(dir, 0711) != 0 && errno != EEXIST)
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
	return chmod(dir, 0711);
}

static int
write_pidfile(const char *path)
{
	char tmp[SOCKMGR_PATH_MAX + 32];
	FILE *f;
	int fd;

	/*
	 * Written beside and renamed into place, so that a reader never sees
	 * the file empty or half written.
	 */
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	fprintf(f, "%ld\n", (long)getpid());
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

static void
signal_event(int fd, uint32_t events, void *arg)
{
	struct signalfd_siginfo si;

	(void)events;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		sockmgr_log(LOG_NOTICE, "signal %u, exiting", si.ssi_signo);
		net_event_stop(arg);
	}
}

/* SIGTERM, SIGINT and SIGHUP stop loop. */
static int
setup_signals(struct net_event_loop *loop)
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
	return net_event_add(loop, fd, EPOLLIN, signal_event, loop);
}

/*
 * Register the MIB of every module and apply the -o settings through it,
 * with sysctl's checks: 0, or -1 after saying what was refused.
 */
static int
start_mib(const struct sockmgr_options *o)
{
	char name[MIB_NAME_MAX];
	const char *eq;
	size_t i;
	int error;

	if (mib_register(key_var_mib, key_var_mib_count) != 0 ||
	    mib_register(ipsec_var_mib, ipsec_var_mib_count) != 0) {
		sockmgr_log(LOG_ERR, "MIB: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < o->nsets; i++) {
		eq = strchr(o->sets[i], '=');
		if (eq == NULL || (size_t)(eq - o->sets[i]) >= sizeof(name))
			error = EINVAL;
		else {
			memcpy(name, o->sets[i], (size_t)(eq - o->sets[i]));
			name[eq - o->sets[i]] = '\0';
			error = mib_set_string(name, eq + 1);
		}
		if (error != 0) {
			sockmgr_log(LOG_ERR, "-o %s: %s", o->sets[i],
			    error == ENOENT ? "unknown oid" : error == EROFS ?
			    "read only" : strerror(error));
			return -1;
		}
	}
	return 0;
}

static int
start_crypto(void)
{
	const char *failed = NULL;

	if (crypto_init() != 0) {
		sockmgr_log(LOG_ERR, "crypto initialisation failed");
		return -1;
	}
	if (crypto_selftest(&failed) != 0) {
		sockmgr_log(LOG_ERR, "crypto self-test failed: %s",
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
	    (size_t)snprintf(ctl_path, sizeof(ctl_path), "%s/ctl", dir) >=
	    sizeof(ctl_path) ||
	    (size_t)snprintf(pid_path, sizeof(pid_path), "%s/sockmgr.pid",
	    dir) >= sizeof(pid_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/*
 * Everything up to a running loop, all of it registered on loop; exits
 * with a message on failure.
 */
static void
start(const struct sockmgr_options *o, struct net_event_loop *loop)
{
	if (setup_paths(o->dir) != 0 || prepare_dir(o->dir) != 0) {
		sockmgr_log(LOG_ERR, "%s: %s", o->dir, strerror(errno));
		exit(EX_OSERR);
	}
	if (start_mib(o) != 0)
		exit(EX_USAGE);
	if (start_crypto() != 0)
		exit(EX_SOFTWARE);
	if (sockmgr_sad_start(loop) != 0 || sockmgr_spd_start(loop) != 0) {
		sockmgr_log(LOG_ERR, "key engine: %s", strerror(errno));
		exit(EX_OSERR);
	}
	if (o->script != NULL && sockmgr_script_apply(loop, o->script) != 0)
		exit(EX_DATAERR);
	if (keysock_listen(loop, sock_path) != 0) {
		sockmgr_log(LOG_ERR, "%s: %s", sock_path, strerror(errno));
		exit(EX_UNAVAILABLE);
	}
	if ((ctl_sock = mib_sock_listen(loop, ctl_path)) == NULL) {
		sockmgr_log(LOG_ERR, "%s: %s", ctl_path, strerror(errno));
		keysock_shutdown();
		exit(EX_UNAVAILABLE);
	}
	if ((sockpol = sockmgr_sockpol_start(loop, o->dir)) == NULL) {
		sockmgr_log(LOG_ERR, "%s/sockpol: %s", o->dir, strerror(errno));
		mib_sock_close(ctl_sock);
		keysock_shutdown();
		exit(EX_UNAVAILABLE);
	}
	if (!o->foreground) {
		if (daemon(0, 0) != 0) {
			sockmgr_log(LOG_ERR, "daemon: %s", strerror(errno));
			sockmgr_sockpol_stop(sockpol);
			mib_sock_close(ctl_sock);
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
	if (setup_signals(loop) != 0) {
		sockmgr_log(LOG_ERR, "signals: %s", strerror(errno));
		sockmgr_sockpol_stop(sockpol);
		mib_sock_close(ctl_sock);
		keysock_shutdown();
		exit(EX_OSERR);
	}
	if (write_pidfile(pid_path) != 0)
		sockmgr_log(LOG_WARNING, "%s: %s", pid_path, strerror(errno));
}

/*
 * With -k, after the offline run: serve DIR/pfkey and DIR/ctl in the
 * foreground until a signal, so that sysctl, netstat and setkey can look
 * at the state the captures left.  0, or an exit status.
 */
static int
keep_serving(const struct sockmgr_options *o, struct net_event_loop *loop)
{
	int rc = 0;

	fflush(stdout);
	if (setup_paths(o->dir) != 0 || prepare_dir(o->dir) != 0) {
		sockmgr_log(LOG_ERR, "%s: %s", o->dir, strerror(errno));
		return EX_OSERR;
	}
	if (keysock_listen(loop, sock_path) != 0 ||
	    (ctl_sock = mib_sock_listen(loop, ctl_path)) == NULL ||
	    setup_signals(loop) != 0) {
		sockmgr_log(LOG_ERR, "%s: %s", o->dir, strerror(errno));
		rc = EX_UNAVAILABLE;
	} else {
		sockmgr_log(LOG_NOTICE, "offline run done; serving %s and %s",
		    sock_path, ctl_path);
		if (net_event_run(loop) != 0)
			rc = EX_OSERR;
	}
	mib_sock_close(ctl_sock);
	keysock_shutdown();
	return rc;
}

/*
 * Offline mode: no control directory and no listener (unless -k); the
 * script, the captures, the statistics, and exit.
 */
static int
offline(const struct sockmgr_options *o, struct net_event_loop *loop)
{
	int rc = 0;

	if (start_mib(o) != 0)
		return EX_USAGE;
	if (start_crypto() != 0)
		return EX_SOFTWARE;
	if (sockmgr_sad_start(loop) != 0 || sockmgr_spd_start(loop) != 0) {
		sockmgr_log(LOG_ERR, "key engine: %s", strerror(errno));
		return EX_OSERR;
	}
	if (o->script != NULL && sockmgr_script_apply(loop, o->script) != 0)
		rc = EX_DATAERR;
	else if (sockmgr_offline_run(o, loop) != 0)
		rc = EX_IOERR;
	else if (o->keep)
		rc = keep_serving(o, loop);
	sockmgr_spd_stop(loop);
	sockmgr_sad_stop(loop);
	crypto_fini();
	return rc;
}

int
main(int argc, char **argv)
{
	struct net_event_loop *loop;
	struct sockmgr_options o;
	int rc = 0;

	parse_options(argc, argv, &o);
	keysock_log = vlogmsg;
	/* The control loop: PF_KEY, the MIB, the timers and the drivers. */
	if ((loop = net_event_loop_create()) == NULL) {
		sockmgr_log(LOG_ERR, "event loop: %s", strerror(errno));
		return EX_OSERR;
	}
	if (sockmgr_offline(&o)) {
		rc = offline(&o, loop);
		net_event_loop_destroy(loop);
		return rc;
	}
	start(&o, loop);
	if (sockmgr_live(&o) && sockmgr_live_start(&o, loop) != 0)
		rc = EX_UNAVAILABLE;
	else {
		sockmgr_log(LOG_NOTICE, "serving PF_KEY on %s", sock_path);
		if (net_event_run(loop) != 0) {
			sockmgr_log(LOG_ERR, "event loop: %s",
			    strerror(errno));
			rc = EX_OSERR;
		}
	}
	sockmgr_live_stop();
	sockmgr_sockpol_stop(sockpol);
	mib_sock_close(ctl_sock);
	keysock_shutdown();
	unlink(pid_path);
	sockmgr_spd_stop(loop);
	sockmgr_sad_stop(loop);
	net_event_loop_destroy(loop);
	crypto_fini();
	sockmgr_log(LOG_NOTICE, "stopped");
	return rc;
}
