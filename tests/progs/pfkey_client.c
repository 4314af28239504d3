/*
 * A tiny PF_KEY client written as for a BSD kernel: socket(PF_KEY,
 * SOCK_RAW, PF_KEY_V2), write(), read().  test_keysock runs it under the
 * preload shim to check that unmodified programs reach the socket manager.
 *
 *	pfkey_client register	SADB_REGISTER (UNSPEC), expect the reply
 *	pfkey_client badproto	expect EPROTONOSUPPORT for protocol 1
 *	pfkey_client badtype	expect ESOCKTNOSUPPORT for SOCK_DGRAM
 *
 * Exit status 0 when the expectation holds.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/pfkeyv2.h"

static int
expect_errno(int type, int protocol, int want)
{
	int fd;

	fd = socket(PF_KEY, type, protocol);
	if (fd >= 0) {
		close(fd);
		fprintf(stderr, "socket succeeded\n");
		return 1;
	}
	if (errno != want) {
		fprintf(stderr, "errno %d (%s), wanted %d\n", errno,
		    strerror(errno), want);
		return 1;
	}
	printf("ok\n");
	return 0;
}

static int
do_register(void)
{
	uint64_t buf[8192];
	struct sadb_msg req, *rep = (struct sadb_msg *)buf;
	struct pollfd pfd;
	int fd, rcvbuf = 128 * 1024;
	ssize_t n;

	fd = socket(PF_KEY, SOCK_RAW, PF_KEY_V2);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
	    sizeof(rcvbuf)) != 0) {
		perror("setsockopt");
		return 1;
	}
	memset(&req, 0, sizeof(req));
	req.sadb_msg_version = PF_KEY_V2;
	req.sadb_msg_type = SADB_REGISTER;
	req.sadb_msg_satype = SADB_SATYPE_UNSPEC;
	req.sadb_msg_len = PFKEY_UNIT64(sizeof(req));
	req.sadb_msg_seq = 7;
	req.sadb_msg_pid = (uint32_t)getpid();
	if (write(fd, &req, sizeof(req)) != (ssize_t)sizeof(req)) {
		perror("write");
		return 1;
	}
	pfd.fd = fd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 5000) != 1) {
		fprintf(stderr, "no reply\n");
		return 1;
	}
	n = read(fd, buf, sizeof(buf));
	if (n < (ssize_t)sizeof(*rep) || rep->sadb_msg_type != SADB_REGISTER ||
	    rep->sadb_msg_errno != 0 || rep->sadb_msg_seq != 7 ||
	    PFKEY_UNUNIT64((size_t)rep->sadb_msg_len) != (size_t)n) {
		fprintf(stderr, "bad reply (%zd bytes)\n", n);
		return 1;
	}
	close(fd);
	printf("ok\n");
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "register") == 0)
		return do_register();
	if (argc == 2 && strcmp(argv[1], "badproto") == 0)
		return expect_errno(SOCK_RAW, 1, EPROTONOSUPPORT);
	if (argc == 2 && strcmp(argv[1], "badtype") == 0)
		return expect_errno(SOCK_DGRAM, PF_KEY_V2, ESOCKTNOSUPPORT);
	fprintf(stderr, "usage: pfkey_client register|badproto|badtype\n");
	return 2;
}
