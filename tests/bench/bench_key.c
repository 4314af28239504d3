/*
 * PF_KEY throughput of a real socket manager: SADB_ADD messages per second
 * from one client keeping a window of requests in flight, and the time to
 * receive a complete SADB_DUMP of the SAs that run added (1,000,000 by
 * default).  The bench starts its own sockmgr in a temporary directory
 * (needs root) and kills it at the end.
 *
 *	bench_key [SOCKMGR]
 * The daemon is argv[1], else $SOCKMGR, else $BUILD/sbin/sockmgr, else
 * ../sbin/sockmgr next to this program.  BENCH_KEY_N changes the count.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/libipsec/libpfkey.h"
#include "net/pfkeyv2.h"
#include "sys/netkey/key_build.h"
#include "sys/netkey/key_parse.h"

#define COUNT_DEFAULT	1000000
#define WINDOW		64
#define SPI_BASE	0x10000
#define WAIT_MS		10000

static char	tmpdir[] = "/tmp/bench_key.XXXXXX";
static pid_t	daemon_pid = -1;
static uint64_t	rbuf[KEY_MSG_MAX / 8];

static double
now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void
daemon_path(char *path, size_t cap, int argc, char **argv)
{
	char self[PATH_MAX];
	const char *env;

	if (argc > 1)
		snprintf(path, cap, "%s", argv[1]);
	else if ((env = getenv("SOCKMGR")) != NULL)
		snprintf(path, cap, "%s", env);
	else if ((env = getenv("BUILD")) != NULL)
		snprintf(path, cap, "%s/sbin/sockmgr", env);
	else {
		snprintf(self, sizeof(self), "%s", argv[0]);
		snprintf(path, cap, "%s/../sbin/sockmgr", dirname(self));
	}
}

static int
start_daemon(const char *bin)
{
	char run[PATH_MAX];
	int fd, i, null;

	if (mkdtemp(tmpdir) == NULL)
		return -1;
	snprintf(run, sizeof(run), "%s/run", tmpdir);
	setenv("SOCK", run, 1);
	if ((daemon_pid = fork()) == 0) {
		null = open("/dev/null", O_WRONLY);
		dup2(null, STDERR_FILENO);
		execl(bin, "sockmgr", "-d", "-S", run, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 250 && daemon_pid > 0; i++) {
		if ((fd = pfkey_open()) >= 0)
			return fd;
		usleep(20000);
	}
	fprintf(stderr, "bench_key: %s did not start\n", bin);
	return -1;
}

static void
stop_daemon(void)
{
	char cmd[PATH_MAX + 16];

	if (daemon_pid > 0) {
		kill(daemon_pid, SIGKILL);
		waitpid(daemon_pid, NULL, 0);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_key: could not remove %s\n", tmpdir);
}

/* One record, or -1 (timeout or error). */
static ssize_t
recv_one(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, WAIT_MS) != 1)
		return -1;
	return recv(fd, rbuf, sizeof(rbuf), 0);
}

static int
send_add(int fd, uint32_t i)
{
	static const uint8_t key[32] = { 0x5a, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	uint64_t mem[128];
	struct sockaddr_in s, d;
	struct key_buf b;

	memset(&s, 0, sizeof(s));
	s.sin_family = AF_INET;
	s.sin_addr.s_addr = htonl(0x0a000001);
	d = s;
	d.sin_addr.s_addr = htonl(0x0a010000 + i % 4096);
	key_buf_init(&b, mem, sizeof(mem));
	key_build_begin(&b, SADB_ADD, SADB_SATYPE_ESP, i, (uint32_t)getpid());
	key_build_sa(&b, htonl(SPI_BASE + i), 8, 0, SADB_AALG_SHA1HMAC,
	    SADB_X_EALG_AESCBC, 0);
	key_build_address(&b, SADB_EXT_ADDRESS_SRC, (void *)&s, 32, 255);
	key_build_address(&b, SADB_EXT_ADDRESS_DST, (void *)&d, 32, 255);
	key_build_key(&b, SADB_EXT_KEY_AUTH, key, 160);
	key_build_key(&b, SADB_EXT_KEY_ENCRYPT, key, 128);
	if (key_build_end(&b) != 0)
		return -1;
	return send(fd, key_buf_data(&b), key_buf_len(&b), 0) > 0 ? 0 : -1;
}

/* ADD n SAs with up to WINDOW in flight; seconds taken, or -1. */
static double
run_adds(int fd, uint32_t n)
{
	const struct sadb_msg *m = (const void *)rbuf;
	uint32_t sent = 0, done = 0;
	double t0 = now_s();

	while (done < n) {
		while (sent < n && sent - done < WINDOW)
			if (send_add(fd, sent++) != 0)
				return -1;
		if (recv_one(fd) < (ssize_t)sizeof(*m) ||
		    m->sadb_msg_errno != 0) {
			fprintf(stderr, "bench_key: ADD %u failed (%d)\n",
			    done, m->sadb_msg_errno);
			return -1;
		}
		done++;
	}
	return now_s() - t0;
}

/* DUMP everything; seconds until seq 0 arrives, or -1. */
static double
run_dump(int fd, uint32_t n, uint32_t *records)
{
	const struct sadb_msg *m = (const void *)rbuf;
	struct sadb_msg req;
	double t0 = now_s();

	memset(&req, 0, sizeof(req));
	req.sadb_msg_version = PF_KEY_V2;
	req.sadb_msg_type = SADB_DUMP;
	req.sadb_msg_len = PFKEY_UNIT64(sizeof(req));
	req.sadb_msg_pid = (uint32_t)getpid();
	if (send(fd, &req, sizeof(req), 0) != sizeof(req))
		return -1;
	*records = 0;
	do {
		if (recv_one(fd) < (ssize_t)sizeof(*m) ||
		    m->sadb_msg_type != SADB_DUMP || m->sadb_msg_errno != 0)
			return -1;
		(*records)++;
	} while (m->sadb_msg_seq != 0);
	return *records == n ? now_s() - t0 : -1;
}

int
main(int argc, char **argv)
{
	const char *s = getenv("BENCH_KEY_N");
	uint32_t n = s != NULL && atol(s) > 0 ? (uint32_t)atol(s) :
	    COUNT_DEFAULT, got = 0;
	char bin[PATH_MAX];
	double tadd, tdump;
	int fd, rc = 1;

	signal(SIGPIPE, SIG_IGN);
	daemon_path(bin, sizeof(bin), argc, argv);
	if ((fd = start_daemon(bin)) < 0) {
		stop_daemon();
		return 1;
	}
	tadd = run_adds(fd, n);
	tdump = tadd < 0 ? -1 : run_dump(fd, n, &got);
	if (tadd > 0 && tdump > 0) {
		printf("%-34s %14s\n", "PF_KEY via sockmgr", "result");
		printf("%-34s %14u\n", "SAs", n);
		printf("%-34s %14.0f\n", "SADB_ADD per second (window 64)",
		    n / tadd);
		printf("%-34s %14.2f\n", "SADB_DUMP of all SAs, seconds",
		    tdump);
		printf("%-34s %14.0f\n", "SADB_DUMP records per second",
		    got / tdump);
		rc = 0;
	} else
		fprintf(stderr, "bench_key: failed (dump got %u of %u)\n",
		    got, n);
	pfkey_close(fd);
	stop_daemon();
	return rc;
}
