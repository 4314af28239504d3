/*
 * Helpers of the libipsec printers: dates, numeric hosts and the
 * validation every printer starts with.
 */
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sys/socket.h>

#include <netipsec/ipsec.h>

#include "lib/libipsec/libpfkey.h"
#include "lib/libipsec/pfkey_dump_util.h"

const char *
pfkey_dump_time(char *buf, time_t t)
{
	char tmp[64];

	if (t == 0)
		memset(buf, ' ', PFKEY_DUMP_TIMELEN - 1);
	else if (ctime_r(&t, tmp) == NULL || strlen(tmp) < 24)
		memset(buf, '?', PFKEY_DUMP_TIMELEN - 1);
	else
		memcpy(buf, tmp + 4, PFKEY_DUMP_TIMELEN - 1);
	buf[PFKEY_DUMP_TIMELEN - 1] = '\0';
	return buf;
}

void
pfkey_dump_host(const struct sockaddr *sa, char *host, size_t hlen,
    char *serv, size_t slen)
{
	size_t salen = pfkey_sockaddr_len(sa);

	if (salen == 0 || getnameinfo(sa, (socklen_t)salen, host,
	    (socklen_t)hlen, serv, (socklen_t)slen,
	    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		snprintf(host, hlen, "(null)");
		snprintf(serv, slen, "(null)");
	}
}

int
pfkey_dump_parse(FILE *fp, const struct sadb_msg *msg, struct key_msg *m)
{
	if (msg == NULL) {
		ipsec_errcode = EIPSEC_INVAL_ARGUMENT;
		fprintf(fp, "%s\n", ipsec_strerror());
		return -1;
	}
	if (key_parse_reply(msg, PFKEY_UNUNIT64((size_t)msg->sadb_msg_len),
	    m) != 0) {
		ipsec_errcode = EIPSEC_INVAL_SADBMSG;
		fprintf(fp, "%s\n", ipsec_strerror());
		return -1;
	}
	ipsec_errcode = EIPSEC_NO_ERROR;
	return 0;
}
