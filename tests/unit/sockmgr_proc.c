/*
 * Running the real socket manager under a test.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/libipsec/libpfkey.h"
#include "tests/unit/sockmgr_proc.h"

#define START_MS	5000

bool
test_sockmgr_wait(int ms)
{
	struct timespec t0, t;
	int fd;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		if ((fd = pfkey_open()) >= 0) {
			pfkey_close(fd);
			return true;
		}
		usleep(20000);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000 +
	    (t.tv_nsec - t0.tv_nsec) / 1000000 < ms);
	return false;
}

static const char *
sockmgr_path(char *buf, size_t len)
{
	const char *bin = getenv("SOCKMGR"), *b = getenv("BUILD");

	if (bin != NULL)
		return bin;
	snprintf(buf, len, "%s/sbin/sockmgr", b != NULL ? b : "build");
	return buf;
}

int
test_sockmgr_start(struct test_sockmgr *t, const char *tag)
{
	char path[PATH_MAX];
	const char *bin = sockmgr_path(path, sizeof(path));
	int null;

	memset(t, 0, sizeof(*t));
	t->pid = -1;
	if (geteuid() != 0) {
		fprintf(stderr, "%s: not root: the socket manager accepts only "
		    "root (counted as failed)\n", tag);
		return -1;
	}
	snprintf(t->tmpdir, sizeof(t->tmpdir), "/tmp/%s.XXXXXX", tag);
	if (mkdtemp(t->tmpdir) == NULL) {
		t->tmpdir[0] = '\0';
		return -1;
	}
	snprintf(t->rundir, sizeof(t->rundir), "%s/run", t->tmpdir);
	setenv("SOCK", t->rundir, 1);
	/* A daemon that dies must fail a send, not kill the test. */
	signal(SIGPIPE, SIG_IGN);
	t->pid = fork();
	if (t->pid == 0) {
		null = open("/dev/null", O_WRONLY);
		if (null >= 0)
			dup2(null, STDERR_FILENO);
		execl(bin, "sockmgr", "-d", "-S", t->rundir, (char *)NULL);
		_exit(127);
	}
	if (t->pid < 0 || !test_sockmgr_wait(START_MS)) {
		fprintf(stderr, "%s: %s did not start\n", tag, bin);
		return -1;
	}
	return 0;
}

int
test_sockmgr_stop(struct test_sockmgr *t)
{
	char cmd[PATH_MAX];

	if (t->pid > 0) {
		kill(t->pid, SIGKILL);
		waitpid(t->pid, NULL, 0);
		t->pid = -1;
	}
	if (t->tmpdir[0] == '\0')
		return 0;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->tmpdir);
	t->tmpdir[0] = '\0';
	return system(cmd) == 0 ? 0 : -1;
}
