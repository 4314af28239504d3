/*
 * Pieces shared by the libipsec printers (pfkey_dump.c, pfkey_spdump.c,
 * pfkey_dump_short.c); not installed.
 */
#ifndef LIB_LIBIPSEC_PFKEY_DUMP_UTIL_H
#define LIB_LIBIPSEC_PFKEY_DUMP_UTIL_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include <sys/socket.h>

#include <net/pfkeyv2.h>

#include "sys/netkey/key_parse.h"

/* ctime()+4: "Mon DD HH:MM:SS YYYY", 20 characters and a NUL. */
#define PFKEY_DUMP_TIMELEN	21

/* The time the printers call "now": pfkey_dump_set_now()'s or time(). */
time_t	pfkey_dump_now(void);

/*
 * buf (PFKEY_DUMP_TIMELEN bytes) as ipsec-tools' str_time(): twenty
 * blanks for 0, twenty '?' for a time ctime() cannot show.
 */
const char *pfkey_dump_time(char *buf, time_t t);

/*
 * Numeric host and port of a sockaddr; "(null)" for either when
 * getnameinfo() fails, as ipsec-tools prints a NULL string.
 */
void	pfkey_dump_host(const struct sockaddr *sa, char *host, size_t hlen,
	    char *serv, size_t slen);

/*
 * Validate a record as a reply (key_parse_reply()) into *m.  On failure
 * print the libipsec error and a newline to fp, as ipsec-tools does, and
 * return -1.
 */
int	pfkey_dump_parse(FILE *fp, const struct sadb_msg *msg,
	    struct key_msg *m);

/*
 * setkey -j (pfkey_dump_json.c): one SAD or SPD record as a JSON object,
 * with no separator or newline; errors go to stderr.  0, or -1 for a
 * malformed record.
 */
int	pfkey_sadump_json_fp(FILE *fp, const struct sadb_msg *msg);
int	pfkey_spdump_json_fp(FILE *fp, const struct sadb_msg *msg);

#endif
