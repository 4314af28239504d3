/*
 * The built-in services: echo (RFC 862), discard (RFC 863) and daytime
 * (RFC 867), over TCP and UDP.  Stream echo and discard run in a child,
 * since a client may keep them busy; daytime answers and closes.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/socket.h>

#include "sbin/inetd/inetd.h"

#define BUFSIZE	8192

static void
echo_stream(int fd)
{
	char buf[BUFSIZE];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write(fd, buf, (size_t)n) != n)
			break;
}

static void
discard_stream(int fd)
{
	char buf[BUFSIZE];

	while (read(fd, buf, sizeof(buf)) > 0)
		continue;
}

/* "Tue Dec  4 01:40:00 2026\r\n", as BSD inetd sends it. */
static size_t
daytime_text(char *buf, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;

	if (localtime_r(&now, &tm) == NULL)
		return 0;
	return strftime(buf, len, "%a %b %e %H:%M:%S %Y\r\n", &tm);
}

static void
daytime_stream(int fd)
{
	char buf[64];
	size_t n = daytime_text(buf, sizeof(buf));

	if (write(fd, buf, n) < 0)
		return;
}

static void
echo_dgram(int fd)
{
	char buf[BUFSIZE];
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	ssize_t n;

	n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
	    (struct sockaddr *)&from, &flen);
	if (n >= 0)
		(void)sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from,
		    flen);
}

static void
discard_dgram(int fd)
{
	char buf[BUFSIZE];

	(void)recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
}

static void
daytime_dgram(int fd)
{
	char buf[BUFSIZE];
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	size_t n;

	if (recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
	    (struct sockaddr *)&from, &flen) < 0)
		return;
	n = daytime_text(buf, sizeof(buf));
	(void)sendto(fd, buf, n, 0, (struct sockaddr *)&from, flen);
}

static const struct builtin builtins[] = {
	{ "echo", echo_stream, true, echo_dgram },
	{ "discard", discard_stream, true, discard_dgram },
	{ "daytime", daytime_stream, false, daytime_dgram },
};

const struct builtin *
inetd_builtin(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
		if (strcmp(builtins[i].name, name) == 0)
			return &builtins[i];
	return NULL;
}
