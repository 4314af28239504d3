/*
 * setkey -x: the promiscuous monitor.  The socket manager hands a
 * promiscuous socket every message of every other socket wrapped in an
 * SADB_X_PROMISC header (KAME's key_sendup0 with promisc set); the
 * monitor shows the wrapped message, with a timestamp line before it and,
 * with -h or -H, a hex dump.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#include <openssl/crypto.h>

#include <netipsec/ipsec.h>

#include "lib/libipsec/libpfkey.h"
#include "sbin/setkey/setkey.h"

/*
 * HH:MM:SS.uuuuuu, or with -xx the raw seconds.microseconds.  Both end
 * with a blank before the newline, as in ipsec-tools, so that scripts
 * reading the monitor see the same lines.
 */
static void
print_time(int raw)
{
	struct timeval tv;
	struct tm tm;
	char buf[32];

	gettimeofday(&tv, NULL);
	if (raw) {
		printf("%lu.%06lu \n", (unsigned long)tv.tv_sec,
		    (unsigned long)tv.tv_usec);
		return;
	}
	localtime_r(&tv.tv_sec, &tm);
	strftime(buf, sizeof(buf), "%H:%M:%S", &tm);
	printf("%s.%06lu \n", buf, (unsigned long)tv.tv_usec);
}

/*
 * -h/-H: the bytes as received, the PROMISC wrapper included, sixteen to
 * a line after an offset ("%08x: " then "%02x " per byte), as ipsec-tools
 * dumps them; not the key engine's 4-byte grouping of key_debug.
 */
static void
print_hex(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++) {
		if (i % 16 == 0)
			printf("%08zx: ", i);
		printf("%02x ", p[i]);
		if (i % 16 == 15)
			printf("\n");
	}
	if (len % 16 != 0)
		printf("\n");
}

static void
show(const struct setkey_session *s, const struct sadb_msg *m)
{
	size_t len = PFKEY_UNUNIT64((size_t)m->sadb_msg_len);

	print_time(s->opts->monitor > 1);
	if (s->opts->hex)
		print_hex(m, len);
	/*
	 * Unwrap a copy of another socket's message.  A PROMISC message
	 * with nothing inside (the answer to our own toggle) has nothing
	 * to show beyond its timestamp, as in ipsec-tools.
	 */
	if (m->sadb_msg_type == SADB_X_PROMISC) {
		if (len < 2 * sizeof(struct sadb_msg) ||
		    m[1].sadb_msg_len < PFKEY_UNIT64(sizeof(struct sadb_msg)) ||
		    PFKEY_UNUNIT64((size_t)m[1].sadb_msg_len) >
		    len - sizeof(struct sadb_msg)) {
			fflush(stdout);
			return;
		}
		m++;
	}
	kdebug_sadb_fp(stdout, m);
	printf("\n");
	fflush(stdout);
}

int
monitor_run(struct setkey_session *s)
{
	struct timeval tv = { 0, 0 };
	struct sadb_msg *m;

	/* No timeout: the monitor waits for traffic forever. */
	setsockopt(s->so, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (pfkey_send_promisc_toggle(s->so, 1) < 0) {
		fprintf(stderr, "setkey: X_PROMISC: %s\n", ipsec_strerror());
		return -1;
	}
	for (;;) {
		if ((m = pfkey_recv(s->so)) == NULL) {
			fprintf(stderr, "setkey: %s\n", ipsec_strerror());
			return -1;
		}
		show(s, m);
		OPENSSL_cleanse(m, PFKEY_UNUNIT64((size_t)m->sadb_msg_len));
		free(m);
	}
}
