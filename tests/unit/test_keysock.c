/*
 * PF_KEY sockets end to end: the real sockmgr binary, clients through
 * pfkey_open() and through the preload shim.  Needs root (the socket
 * manager refuses anyone else); without it every test fails loudly rather
 * than passing silently.
 *
 * The daemon is $SOCKMGR when set, else $BUILD/sbin/sockmgr.  Every wait is
 * bounded; the temporary directory is removed at the end.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/libipsec/libpfkey.h"
#include "net/pfkeyv2.h"
#include "sys/netkey/key_build.h"
#include "sys/netkey/key_parse.h"
#include "tests/unit/testlib.h"

#define MSGBUF_WORDS	(KEY_MSG_MAX / 8)
#define QUIET_MS	200	/* "nothing arrives" means nothing in this */
#define REPLY_MS	5000	/* a reply must come within this */
#define FLOOD_COUNT	20000
#define DUMP_COUNT	5000

static char	 tmpdir[] = "/tmp/test_keysock.XXXXXX";
static char	 rundir[PATH_MAX];
static char	 logpath[PATH_MAX];
static char	 build_dir[PATH_MAX / 2];
static pid_t	 daemon_pid = -1;
static bool	 have_tmpdir;

static bool
is_root(void)
{
	if (geteuid() == 0)
		return true;
	fprintf(stderr, "test_keysock: not root: the socket manager accepts "
	    "only root, so these tests cannot run (counted as failed)\n");
	return false;
}

static long
ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 +
	    (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* One record, or -1 after timeout_ms with nothing to read. */
static ssize_t
recv_msg(int fd, void *buf, size_t cap, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	if (poll(&pfd, 1, timeout_ms) != 1)
		return -1;
	return recv(fd, buf, cap, MSG_DONTWAIT);
}

static int
send_hdr(int fd, uint8_t type, uint8_t satype, uint32_t seq)
{
	struct sadb_msg m;

	memset(&m, 0, sizeof(m));
	m.sadb_msg_version = PF_KEY_V2;
	m.sadb_msg_type = type;
	m.sadb_msg_satype = satype;
	m.sadb_msg_len = PFKEY_UNIT64(sizeof(m));
	m.sadb_msg_seq = seq;
	m.sadb_msg_pid = (uint32_t)getpid();
	return send(fd, &m, sizeof(m), 0) == (ssize_t)sizeof(m) ? 0 : -1;
}

/*
 * Read until a message of type with seq arrives (others are skipped).
 * Returns its length, or -1 on timeout.
 */
static ssize_t
wait_for(int fd, uint8_t type, uint32_t seq, uint64_t *buf, int timeout_ms)
{
	struct sadb_msg *m = (struct sadb_msg *)buf;
	struct timespec t0;
	ssize_t n;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (ms_since(&t0) < timeout_ms) {
		n = recv_msg(fd, buf, KEY_MSG_MAX, timeout_ms);
		if (n < 0)
			return -1;
		if (n >= (ssize_t)sizeof(*m) && m->sadb_msg_type == type &&
		    m->sadb_msg_seq == seq)
			return n;
	}
	return -1;
}

/* Nothing arrives on fd within QUIET_MS. */
static bool
quiet(int fd)
{
	uint64_t buf[MSGBUF_WORDS];

	return recv_msg(fd, buf, sizeof(buf), QUIET_MS) < 0;
}

static void
drain(int fd)
{
	uint64_t buf[MSGBUF_WORDS];

	while (recv_msg(fd, buf, sizeof(buf), 50) >= 0)
		continue;
}

static int
open_client(void)
{
	int fd = pfkey_open();

	CU_ASSERT_FATAL(fd >= 0);
	return fd;
}

static bool
daemon_ready(void)
{
	struct timespec t0;
	int fd;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (ms_since(&t0) < REPLY_MS) {
		if ((fd = pfkey_open()) >= 0) {
			close(fd);
			return true;
		}
		usleep(20000);
	}
	return false;
}

static int
start_daemon(void)
{
	const char *bin = getenv("SOCKMGR");
	char path[PATH_MAX];
	int logfd;

	snprintf(path, sizeof(path), "%s/sbin/sockmgr", build_dir);
	if (bin == NULL)
		bin = path;
	logfd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (logfd < 0)
		return -1;
	daemon_pid = fork();
	if (daemon_pid == 0) {
		dup2(logfd, STDERR_FILENO);
		execl(bin, "sockmgr", "-d", "-S", rundir, (char *)NULL);
		fprintf(stderr, "exec %s: %s\n", bin, strerror(errno));
		_exit(127);
	}
	close(logfd);
	if (daemon_pid < 0 || !daemon_ready()) {
		fprintf(stderr, "test_keysock: %s did not start\n", bin);
		return -1;
	}
	return 0;
}

static int
suite_init(void)
{
	const char *b = getenv("BUILD");

	if (!is_root())
		return 0;
	snprintf(build_dir, sizeof(build_dir), "%s", b != NULL ? b : "build");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	have_tmpdir = true;
	snprintf(rundir, sizeof(rundir), "%s/run", tmpdir);
	snprintf(logpath, sizeof(logpath), "%s/log", tmpdir);
	setenv("SOCK", rundir, 1);
	signal(SIGPIPE, SIG_IGN);
	return start_daemon();
}

static int
suite_fini(void)
{
	char cmd[PATH_MAX + 16];

	if (daemon_pid > 0) {
		kill(daemon_pid, SIGKILL);
		waitpid(daemon_pid, NULL, 0);
	}
	if (have_tmpdir) {
		if (getenv("TEST_KEEP") != NULL)
			fprintf(stderr, "test_keysock: kept %s\n", tmpdir);
		else {
			snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
			if (system(cmd) != 0)
				return -1;
		}
	}
	return 0;
}

/* The log holds a line containing both needles. */
static bool
log_has(const char *a, const char *b)
{
	char line[512];
	bool found = false;
	FILE *f;

	if ((f = fopen(logpath, "r")) == NULL)
		return false;
	while (!found && fgets(line, sizeof(line), f) != NULL)
		found = strstr(line, a) != NULL &&
		    (b == NULL || strstr(line, b) != NULL);
	fclose(f);
	return found;
}

/* A REGISTER reply: right header, both supported lists, valid framing. */
static void
check_register_reply(const uint64_t *buf, ssize_t n, uint8_t satype)
{
	const struct sadb_msg *m = (const void *)buf;
	struct key_msg km;

	CU_ASSERT_FATAL(n >= (ssize_t)sizeof(*m));
	CU_ASSERT_EQUAL(m->sadb_msg_type, SADB_REGISTER);
	CU_ASSERT_EQUAL(m->sadb_msg_errno, 0);
	CU_ASSERT_EQUAL(m->sadb_msg_satype, satype);
	CU_ASSERT_EQUAL(key_parse_reply(buf, (size_t)n, &km), 0);
	CU_ASSERT_PTR_NOT_NULL(km.ext[SADB_EXT_SUPPORTED_AUTH]);
	CU_ASSERT_PTR_NOT_NULL(km.ext[SADB_EXT_SUPPORTED_ENCRYPT]);
}

static void
test_register_targets(void)
{
	uint64_t buf[MSGBUF_WORDS];
	struct sadb_msg *m = (struct sadb_msg *)buf;
	int a, b, c;
	ssize_t n;

	CU_ASSERT_FATAL(is_root());
	a = open_client();
	b = open_client();
	c = open_client();
	/* A registers for ESP: only A hears the answer. */
	CU_ASSERT_FATAL(send_hdr(a, SADB_REGISTER, SADB_SATYPE_ESP, 1) == 0);
	n = wait_for(a, SADB_REGISTER, 1, buf, REPLY_MS);
	check_register_reply(buf, n, SADB_SATYPE_ESP);
	CU_ASSERT(quiet(b));
	CU_ASSERT(quiet(c));
	/* B registers for AH: A (registered) and B hear it, C does not. */
	CU_ASSERT_FATAL(send_hdr(b, SADB_REGISTER, SADB_SATYPE_AH, 2) == 0);
	check_register_reply(buf, wait_for(b, SADB_REGISTER, 2, buf,
	    REPLY_MS), SADB_SATYPE_AH);
	check_register_reply(buf, wait_for(a, SADB_REGISTER, 2, buf,
	    REPLY_MS), SADB_SATYPE_AH);
	CU_ASSERT(quiet(c));
	/* A again for ESP: EEXIST, to A alone. */
	CU_ASSERT_FATAL(send_hdr(a, SADB_REGISTER, SADB_SATYPE_ESP, 3) == 0);
	n = wait_for(a, SADB_REGISTER, 3, buf, REPLY_MS);
	CU_ASSERT_EQUAL(n, (ssize_t)sizeof(*m));
	CU_ASSERT_EQUAL(m->sadb_msg_errno, EEXIST);
	CU_ASSERT(quiet(b));
	/* C asks for the lists only: C, A and B get them; C stays unlisted. */
	CU_ASSERT_FATAL(send_hdr(c, SADB_REGISTER, SADB_SATYPE_UNSPEC, 4) == 0);
	check_register_reply(buf, wait_for(c, SADB_REGISTER, 4, buf,
	    REPLY_MS), SADB_SATYPE_UNSPEC);
	CU_ASSERT(wait_for(a, SADB_REGISTER, 4, buf, REPLY_MS) > 0);
	CU_ASSERT(wait_for(b, SADB_REGISTER, 4, buf, REPLY_MS) > 0);
	CU_ASSERT_FATAL(send_hdr(a, SADB_REGISTER, SADB_SATYPE_UNSPEC, 5) == 0);
	CU_ASSERT(wait_for(a, SADB_REGISTER, 5, buf, REPLY_MS) > 0);
	CU_ASSERT(quiet(c));
	pfkey_close(a);
	pfkey_close(b);
	pfkey_close(c);
}

static void
test_many_clients(void)
{
	uint64_t buf[MSGBUF_WORDS];
	int fds[64];
	size_t i;

	CU_ASSERT_FATAL(is_root());
	for (i = 0; i < 64; i++)
		fds[i] = open_client();
	for (i = 0; i < 64; i++)
		CU_ASSERT(send_hdr(fds[i], SADB_REGISTER, SADB_SATYPE_UNSPEC,
		    (uint32_t)(100 + i)) == 0);
	for (i = 0; i < 64; i++) {
		check_register_reply(buf, wait_for(fds[i], SADB_REGISTER,
		    (uint32_t)(100 + i), buf, REPLY_MS), SADB_SATYPE_UNSPEC);
		pfkey_close(fds[i]);
	}
}

/* Send len bytes of msg; the answer is a lone header with errno want. */
static void
expect_error(int fd, const void *msg, size_t len, int want)
{
	uint64_t buf[MSGBUF_WORDS];
	struct sadb_msg *m = (struct sadb_msg *)buf;
	ssize_t n;

	CU_ASSERT_FATAL(send(fd, msg, len, 0) == (ssize_t)len);
	n = recv_msg(fd, buf, sizeof(buf), REPLY_MS);
	CU_ASSERT_EQUAL(n, (ssize_t)sizeof(*m));
	if (n != (ssize_t)sizeof(*m))
		return;
	CU_ASSERT_EQUAL(m->sadb_msg_version, PF_KEY_V2);
	CU_ASSERT_EQUAL(m->sadb_msg_len, 2);
	CU_ASSERT_EQUAL(m->sadb_msg_errno, want);
}

static void
test_malformed(void)
{
	static uint64_t big[(KEY_MSG_MAX + 4096) / 8];
	uint64_t buf[MSGBUF_WORDS];
	struct sadb_msg m, *bm = (struct sadb_msg *)big;
	int fd;

	CU_ASSERT_FATAL(is_root());
	fd = open_client();
	memset(&m, 0, sizeof(m));
	m.sadb_msg_version = PF_KEY_V2;
	m.sadb_msg_type = SADB_REGISTER;
	m.sadb_msg_len = 2;
	m.sadb_msg_version = 1;
	expect_error(fd, &m, sizeof(m), EINVAL);	/* version */
	m.sadb_msg_version = PF_KEY_V2;
	m.sadb_msg_len = 3;
	expect_error(fd, &m, sizeof(m), EINVAL);	/* length field */
	m.sadb_msg_len = 2;
	m.sadb_msg_type = 200;
	expect_error(fd, &m, sizeof(m), EINVAL);	/* type > SADB_MAX */
	m.sadb_msg_type = SADB_RESERVED;
	expect_error(fd, &m, sizeof(m), EINVAL);
	m.sadb_msg_type = SADB_X_PCHANGE;	/* no handler in KAME */
	expect_error(fd, &m, sizeof(m), EINVAL);
	m.sadb_msg_type = SADB_X_PROMISC;
	m.sadb_msg_satype = 2;
	expect_error(fd, &m, sizeof(m), EINVAL);	/* promisc 0 or 1 */
	expect_error(fd, &m, 8, EINVAL);		/* short record */
	/* Over the largest accepted message: ENOBUFS, header echoed. */
	memset(big, 0, sizeof(big));
	bm->sadb_msg_version = PF_KEY_V2;
	bm->sadb_msg_type = SADB_REGISTER;
	bm->sadb_msg_len = 0xffff;
	expect_error(fd, big, sizeof(big), ENOBUFS);
	/* The connection still works. */
	CU_ASSERT_FATAL(send_hdr(fd, SADB_REGISTER, 0, 9) == 0);
	check_register_reply(buf, wait_for(fd, SADB_REGISTER, 9, buf,
	    REPLY_MS), SADB_SATYPE_UNSPEC);
	pfkey_close(fd);
}

static void
test_garbage(void)
{
	uint64_t buf[MSGBUF_WORDS], junk[16];
	unsigned int seed = 12345;
	size_t len, i;
	int fd;

	CU_ASSERT_FATAL(is_root());
	fd = open_client();
	for (len = 0; len <= 100; len++) {
		for (i = 0; i < sizeof(junk); i++)
			((uint8_t *)junk)[i] = (uint8_t)rand_r(&seed);
		/* Never a valid version, so every record must be refused. */
		if (((uint8_t *)junk)[0] == PF_KEY_V2)
			((uint8_t *)junk)[0] = 0;
		expect_error(fd, junk, len, EINVAL);
	}
	CU_ASSERT_FATAL(send_hdr(fd, SADB_REGISTER, 0, 10) == 0);
	CU_ASSERT(wait_for(fd, SADB_REGISTER, 10, buf, REPLY_MS) > 0);
	pfkey_close(fd);
	fd = open_client();
	CU_ASSERT_FATAL(send_hdr(fd, SADB_REGISTER, 0, 11) == 0);
	CU_ASSERT(wait_for(fd, SADB_REGISTER, 11, buf, REPLY_MS) > 0);
	pfkey_close(fd);
}

/* A wrapped copy: PROMISC header, then the inner message of type/seq. */
static bool
is_wrapped(const uint64_t *buf, ssize_t n, uint8_t type, uint32_t seq)
{
	const struct sadb_msg *outer = (const void *)buf;
	const struct sadb_msg *inner = outer + 1;

	return n >= (ssize_t)(2 * sizeof(*outer)) &&
	    outer->sadb_msg_type == SADB_X_PROMISC &&
	    outer->sadb_msg_version == PF_KEY_V2 &&
	    PFKEY_UNUNIT64((size_t)outer->sadb_msg_len) == (size_t)n &&
	    PFKEY_UNUNIT64((size_t)inner->sadb_msg_len) ==
	    (size_t)n - sizeof(*outer) &&
	    inner->sadb_msg_type == type && inner->sadb_msg_seq == seq;
}

static void
test_promisc(void)
{
	uint64_t buf[MSGBUF_WORDS];
	struct sadb_msg *m = (struct sadb_msg *)buf;
	struct sadb_msg data[2];
	int p, q, r;
	ssize_t n;

	CU_ASSERT_FATAL(is_root());
	p = open_client();
	q = open_client();
	r = open_client();
	/* Turning it on is echoed to all; p already gets its wrapped copy. */
	CU_ASSERT_FATAL(send_hdr(p, SADB_X_PROMISC, 1, 20) == 0);
	n = recv_msg(p, buf, sizeof(buf), REPLY_MS);
	CU_ASSERT(is_wrapped(buf, n, SADB_X_PROMISC, 20));
	CU_ASSERT(wait_for(p, SADB_X_PROMISC, 20, buf, REPLY_MS) == 16);
	CU_ASSERT(wait_for(q, SADB_X_PROMISC, 20, buf, REPLY_MS) == 16);
	CU_ASSERT(wait_for(r, SADB_X_PROMISC, 20, buf, REPLY_MS) == 16);
	drain(p);
	/* q's REGISTER reply reaches p wrapped, and not r. */
	CU_ASSERT_FATAL(send_hdr(q, SADB_REGISTER, 0, 21) == 0);
	check_register_reply(buf, wait_for(q, SADB_REGISTER, 21, buf,
	    REPLY_MS), 0);
	n = recv_msg(p, buf, sizeof(buf), REPLY_MS);
	CU_ASSERT(is_wrapped(buf, n, SADB_REGISTER, 21));
	CU_ASSERT(quiet(p));
	CU_ASSERT(quiet(r));
	/* The data form delivers the inner message as it is, to all. */
	memset(data, 0, sizeof(data));
	data[0].sadb_msg_version = data[1].sadb_msg_version = PF_KEY_V2;
	data[0].sadb_msg_type = SADB_X_PROMISC;
	data[0].sadb_msg_len = 4;
	data[1].sadb_msg_type = SADB_FLUSH;
	data[1].sadb_msg_len = 2;
	data[1].sadb_msg_seq = 22;
	CU_ASSERT_FATAL(send(q, data, sizeof(data), 0) == sizeof(data));
	CU_ASSERT(wait_for(q, SADB_FLUSH, 22, buf, REPLY_MS) == 16);
	CU_ASSERT(wait_for(r, SADB_FLUSH, 22, buf, REPLY_MS) == 16);
	n = recv_msg(p, buf, sizeof(buf), REPLY_MS);
	CU_ASSERT(is_wrapped(buf, n, SADB_FLUSH, 22));
	CU_ASSERT(wait_for(p, SADB_FLUSH, 22, buf, REPLY_MS) == 16);
	/* Off again: p hears only the echo, then nothing of q's traffic. */
	CU_ASSERT_FATAL(send_hdr(p, SADB_X_PROMISC, 0, 23) == 0);
	n = recv_msg(p, buf, sizeof(buf), REPLY_MS);
	CU_ASSERT(n == 16 && m->sadb_msg_type == SADB_X_PROMISC &&
	    m->sadb_msg_seq == 23);
	drain(q);
	drain(r);
	CU_ASSERT_FATAL(send_hdr(q, SADB_REGISTER, 0, 24) == 0);
	CU_ASSERT(wait_for(q, SADB_REGISTER, 24, buf, REPLY_MS) > 0);
	CU_ASSERT(quiet(p));
	pfkey_close(p);
	pfkey_close(q);
	pfkey_close(r);
}

/*
 * The child of test_nonroot: as nobody, pfkey_open() says EPERM, and a
 * raw connection is closed by the socket manager without an answer.
 */
static int
nonroot_child(void)
{
	struct sockaddr_un sun;
	uint64_t buf[MSGBUF_WORDS];
	struct sadb_msg m;
	int fd;
	ssize_t n;

	if (setgid(65534) != 0 || setuid(65534) != 0)
		return 10;
	if (pfkey_open() >= 0 || errno != EPERM)
		return 11;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (pfkey_socket_path(sun.sun_path, sizeof(sun.sun_path)) != 0)
		return 12;
	if ((fd = socket(AF_UNIX, SOCK_SEQPACKET, 0)) < 0)
		return 13;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0)
		return 14;
	memset(&m, 0, sizeof(m));
	m.sadb_msg_version = PF_KEY_V2;
	m.sadb_msg_type = SADB_REGISTER;
	m.sadb_msg_len = 2;
	(void)send(fd, &m, sizeof(m), MSG_NOSIGNAL);
	n = recv_msg(fd, buf, sizeof(buf), REPLY_MS);
	/* End of file or a reset: refused.  A message or a timeout: not. */
	return n == 0 || (n < 0 && errno == ECONNRESET) ? 0 : 15;
}

static void
test_nonroot(void)
{
	int status = -1;
	pid_t pid;

	CU_ASSERT_FATAL(is_root());
	/* Open the 0700 directory so that the refusal is the daemon's. */
	CU_ASSERT_FATAL(chmod(tmpdir, 0711) == 0);
	CU_ASSERT_FATAL(chmod(rundir, 0711) == 0);
	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0)
		_exit(nonroot_child());
	waitpid(pid, &status, 0);
	chmod(rundir, 0700);
	chmod(tmpdir, 0700);
	CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fprintf(stderr, "nonroot child: status %#x\n", status);
	CU_ASSERT(log_has("refused", "uid 65534"));
}

/* The largest per-connection drop count the daemon has logged. */
static unsigned long long
log_max_dropped(void)
{
	unsigned long long n, max = 0;
	char line[512], *p;
	FILE *f;

	if ((f = fopen(logpath, "r")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if ((p = strstr(line, "closed, ")) != NULL &&
		    sscanf(p, "closed, %llu copies dropped", &n) == 1 &&
		    n > max)
			max = n;
	fclose(f);
	return max;
}

static long
daemon_rss_kib(void)
{
	char path[64], line[256];
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)daemon_pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %ld", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

/*
 * One client never reads while another floods a message that is echoed
 * to every socket (X_PROMISC off).  The flooder and a third client keep
 * getting their answers promptly, the daemon's memory stays bounded, and
 * the sleeper loses copies (counted) instead of holding everyone up.
 */
static void
test_stalled_reader(void)
{
	uint64_t buf[MSGBUF_WORDS];
	struct timespec t0;
	long rss0, rss1, worst = 0, took;
	int sleeper, flooder, other;
	size_t got = 0;
	uint32_t i;

	CU_ASSERT_FATAL(is_root());
	sleeper = open_client();
	flooder = open_client();
	other = open_client();
	rss0 = daemon_rss_kib();
	for (i = 1; i <= FLOOD_COUNT; i++) {
		CU_ASSERT_FATAL(send_hdr(flooder, SADB_X_PROMISC, 0, i) == 0);
		CU_ASSERT_FATAL(wait_for(flooder, SADB_X_PROMISC, i, buf,
		    REPLY_MS) > 0);
		if (i % 1000 != 0)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		CU_ASSERT_FATAL(send_hdr(other, SADB_REGISTER, 0,
		    FLOOD_COUNT + i) == 0);
		CU_ASSERT_FATAL(wait_for(other, SADB_REGISTER, FLOOD_COUNT + i,
		    buf, REPLY_MS) > 0);
		took = ms_since(&t0);
		worst = took > worst ? took : worst;
	}
	rss1 = daemon_rss_kib();
	CU_ASSERT(worst < 2000);
	CU_ASSERT(rss0 > 0 && rss1 > 0 && rss1 - rss0 < 32 * 1024);
	/* What the sleeper finally reads is bounded: copies were dropped. */
	while (recv_msg(sleeper, buf, sizeof(buf), 100) >= 0)
		got++;
	CU_ASSERT(got > 0 && got < FLOOD_COUNT);
	pfkey_close(sleeper);
	pfkey_close(flooder);
	pfkey_close(other);
	/* The per-connection drop count is logged when it closes. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (log_max_dropped() < FLOOD_COUNT - got &&
	    ms_since(&t0) < REPLY_MS)
		usleep(20000);
	CU_ASSERT(log_max_dropped() >= FLOOD_COUNT - got);
	fprintf(stderr, "stalled reader: read %zu of %d, worst reply %ld ms, "
	    "rss %ld -> %ld KiB\n", got, FLOOD_COUNT, worst, rss0, rss1);
}

/* SADB_ADD of an ESP SA 192.0.2.1 -> 192.0.2.2 with SPI spi. */
static int
send_add(int fd, uint32_t spi, uint32_t seq)
{
	struct sockaddr_in src, dst;
	uint8_t key[32];
	struct key_buf b;
	int rc;

	memset(&src, 0, sizeof(src));
	src.sin_family = AF_INET;
	src.sin_addr.s_addr = htonl(0xc0000201);
	dst = src;
	dst.sin_addr.s_addr = htonl(0xc0000202);
	memset(key, 0x5a, sizeof(key));
	key_buf_init_dynamic(&b);
	key_build_begin(&b, SADB_ADD, SADB_SATYPE_ESP, seq, (uint32_t)getpid());
	key_build_sa(&b, htonl(spi), 4, SADB_SASTATE_MATURE,
	    SADB_X_AALG_SHA2_256, SADB_X_EALG_AESCBC, 0);
	key_build_address(&b, SADB_EXT_ADDRESS_SRC,
	    (struct sockaddr *)&src, 32, 255);
	key_build_address(&b, SADB_EXT_ADDRESS_DST,
	    (struct sockaddr *)&dst, 32, 255);
	key_build_key(&b, SADB_EXT_KEY_AUTH, key, 256);
	key_build_key(&b, SADB_EXT_KEY_ENCRYPT, key, 128);
	rc = key_build_end(&b) == 0 && send(fd, key_buf_data(&b),
	    key_buf_len(&b), 0) == (ssize_t)key_buf_len(&b) ? 0 : -1;
	key_buf_free(&b);
	return rc;
}

/*
 * A dump larger than any socket buffer arrives whole through the daemon,
 * read slowly, with sequence numbers counting down to 0; another client
 * is answered meanwhile.
 */
static void
test_dump_stream(void)
{
	uint64_t buf[MSGBUF_WORDS];
	struct sadb_msg *m = (struct sadb_msg *)buf;
	uint32_t i, got = 0, next = DUMP_COUNT;
	bool order_ok = true;
	int fd, other;
	ssize_t n;

	CU_ASSERT_FATAL(is_root());
	fd = open_client();
	other = open_client();
	for (i = 0; i < DUMP_COUNT; i++) {
		CU_ASSERT_FATAL(send_add(fd, 0x1000 + i, 30000 + i) == 0);
		n = wait_for(fd, SADB_ADD, 30000 + i, buf, REPLY_MS);
		CU_ASSERT_FATAL(n > 0 && m->sadb_msg_errno == 0);
	}
	drain(other);
	CU_ASSERT_FATAL(send_hdr(fd, SADB_DUMP, SADB_SATYPE_ESP, 40000) == 0);
	usleep(200000);		/* let the socket fill up */
	CU_ASSERT_FATAL(send_hdr(other, SADB_REGISTER, 0, 40001) == 0);
	CU_ASSERT(wait_for(other, SADB_REGISTER, 40001, buf, REPLY_MS) > 0);
	while ((n = recv_msg(fd, buf, sizeof(buf), REPLY_MS)) > 0) {
		if (m->sadb_msg_type != SADB_DUMP)
			continue;
		if (m->sadb_msg_errno != 0 || m->sadb_msg_seq != next - 1)
			order_ok = false;
		next = m->sadb_msg_seq;
		if (++got % 512 == 0)
			usleep(1000);
		if (next == 0)
			break;
	}
	CU_ASSERT_EQUAL(got, DUMP_COUNT);
	CU_ASSERT_EQUAL(next, 0);
	CU_ASSERT(order_ok);
	CU_ASSERT_FATAL(send_hdr(fd, SADB_FLUSH, SADB_SATYPE_UNSPEC,
	    40002) == 0);
	n = wait_for(fd, SADB_FLUSH, 40002, buf, REPLY_MS);
	CU_ASSERT(n > 0 && m->sadb_msg_errno == 0);
	CU_ASSERT_FATAL(send_hdr(fd, SADB_DUMP, SADB_SATYPE_ESP, 40003) == 0);
	n = wait_for(fd, SADB_DUMP, 40003, buf, REPLY_MS);
	CU_ASSERT(n > 0 && m->sadb_msg_errno == ENOENT);
	pfkey_close(fd);
	pfkey_close(other);
}

/* Run the unmodified client under the shim; its exit status. */
static int
run_shim_client(const char *mode)
{
	char prog[PATH_MAX], shim[PATH_MAX], preload[PATH_MAX + 16];
	struct timespec t0;
	int status;
	pid_t pid, w;

	snprintf(prog, sizeof(prog), "%s/tests/progbin/pfkey_client",
	    build_dir);
	snprintf(shim, sizeof(shim), "%s/lib/libpfkey_shim.so", build_dir);
	if (realpath(shim, preload) == NULL)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		setenv("LD_PRELOAD", preload, 1);
		/* A sanitized build: the shim may precede the ASan runtime. */
		setenv("ASAN_OPTIONS", "verify_asan_link_order=0", 1);
		if (freopen("/dev/null", "w", stdout) == NULL)
			_exit(126);
		execl(prog, "pfkey_client", mode, (char *)NULL);
		_exit(127);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while ((w = waitpid(pid, &status, WNOHANG)) == 0 &&
	    ms_since(&t0) < 2 * REPLY_MS)
		usleep(10000);
	if (w == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		return -1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void
test_shim(void)
{
	CU_ASSERT_FATAL(is_root());
	CU_ASSERT_EQUAL(run_shim_client("register"), 0);
	CU_ASSERT_EQUAL(run_shim_client("badproto"), 0);
	CU_ASSERT_EQUAL(run_shim_client("badtype"), 0);
}

/* SIGTERM: a clean exit that removes the socket and the pid file. */
static void
test_sigterm(void)
{
	char sock[PATH_MAX + 8], pidf[PATH_MAX + 16];
	struct timespec t0;
	int status = -1;
	pid_t w;

	CU_ASSERT_FATAL(is_root());
	CU_ASSERT_FATAL(daemon_pid > 0);
	snprintf(sock, sizeof(sock), "%s/pfkey", rundir);
	snprintf(pidf, sizeof(pidf), "%s/sockmgr.pid", rundir);
	CU_ASSERT(access(pidf, F_OK) == 0);
	CU_ASSERT_FATAL(kill(daemon_pid, SIGTERM) == 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while ((w = waitpid(daemon_pid, &status, WNOHANG)) == 0 &&
	    ms_since(&t0) < REPLY_MS)
		usleep(10000);
	CU_ASSERT_FATAL(w == daemon_pid);
	daemon_pid = -1;
	CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CU_ASSERT(access(sock, F_OK) != 0 && errno == ENOENT);
	CU_ASSERT(access(pidf, F_OK) != 0 && errno == ENOENT);
}

static const struct test_case keysock_cases[] = {
	{ "register reaches registered sockets only", test_register_targets },
	{ "64 clients at once", test_many_clients },
	{ "malformed messages get errno replies", test_malformed },
	{ "garbage records of 0..100 bytes", test_garbage },
	{ "promiscuous sockets get wrapped copies", test_promisc },
	{ "non-root peers are refused", test_nonroot },
	{ "a reader that never reads stalls nobody", test_stalled_reader },
	{ "a large dump streams whole", test_dump_stream },
	{ "preload shim for unmodified clients", test_shim },
	{ "SIGTERM removes socket and pid file", test_sigterm },
	{ NULL, NULL }
};

const struct test_suite test_suites[] = {
	{ "keysock", suite_init, suite_fini, keysock_cases },
	{ NULL, NULL, NULL, NULL }
};
