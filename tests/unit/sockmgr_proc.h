/*
 * A socket manager for tests that talk to the real daemon: started in a
 * fresh temporary directory, reachable through pfkey_open() (SOCK is set),
 * killed and cleaned up at the end.  The binary is $SOCKMGR, else
 * $BUILD/sbin/sockmgr, else build/sbin/sockmgr.
 */
#ifndef TESTS_SOCKMGR_PROC_H
#define TESTS_SOCKMGR_PROC_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

struct test_sockmgr {
	char	tmpdir[256];		/* removed by test_sockmgr_stop() */
	char	rundir[PATH_MAX];	/* the -S directory, also $SOCK */
	pid_t	pid;
};

/*
 * Start the daemon for the test program named tag and wait (bounded) until
 * it accepts PF_KEY connections.  Needs root: the daemon refuses others, so
 * without it the caller's suite fails loudly.  0 or -1 (message on stderr).
 */
int	test_sockmgr_start(struct test_sockmgr *t, const char *tag);
/* Kill the daemon and remove the directory; 0 or -1. */
int	test_sockmgr_stop(struct test_sockmgr *t);
/* Wait up to ms for pfkey_open() to succeed. */
bool	test_sockmgr_wait(int ms);

#endif
