/*
 * The control protocol of DIR/ctl: sysctl and netstat talk to the MIB
 * through it.  One SEQPACKET record is one request, answered by one record
 * of at most MIB_PROTO_MAX bytes.  Both are text: a request is a verb and
 * space-separated words; a reply starts with a status line, "0" or
 * "ERRNO WORD" (the errno value and the word it is about), and on success
 * carries lines as below.
 *
 *   get NAME          NAME is a node (or an alias: the reply spells it so)
 *                     or a prefix ("" for all): one line per node,
 *                     NAME TAB KIND TAB rw|ro TAB MIN TAB MAX TAB DEFAULT
 *                     TAB VALUE TAB DESCRIPTION, KIND "int" or "stats"
 *                     (whose VALUE, MIN, MAX and DEFAULT are "-").
 *                     ENOENT when nothing matches.
 *   set N=V ...       all or nothing: every item is checked (ENOENT,
 *                     EROFS read-only, EPERM the peer is not root, EINVAL
 *                     not an integer or out of range) before any is
 *                     stored; then one line per item: NAME TAB OLD TAB NEW.
 *   stats NAME        the counters of a statistics node, one per line:
 *                     "COUNTER VALUE" or "COUNTER[INDEX] VALUE".
 *   zero NAME ...     zero statistics nodes (root only; EROFS for an
 *                     integer node), all or nothing.
 *
 * A malformed request is EINVAL; an unknown verb EOPNOTSUPP; a reply that
 * would not fit, EMSGSIZE.
 */
#ifndef SYS_NET_MIB_PROTO_H
#define SYS_NET_MIB_PROTO_H

#include <stddef.h>
#include <sys/types.h>

#define MIB_PROTO_MAX	(64 * 1024)	/* largest request or reply */
#define MIB_PROTO_ITEMS	256		/* most words in one request */

/*
 * Answer the request req (len bytes, not NUL-terminated) of a peer with
 * user id uid into out (cap bytes); returns the reply's length.
 */
size_t	mib_proto_serve(const char *req, size_t len, uid_t uid, char *out,
	    size_t cap);

#endif
