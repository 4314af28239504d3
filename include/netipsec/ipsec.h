/*
 * IPsec policy constants shared by the socket manager, libipsec and PF_KEY
 * clients, with the KAME/FreeBSD values, and the libipsec policy API.
 *
 * The numbers travel in sadb_x_policy, sadb_x_ipsecrequest and sadb_x_sa2
 * and through the sysctl MIB, so they must be exactly the BSD ones.  The
 * one addition is IPSEC_DIR_FWD, which ipsec-tools on Linux defines and
 * which shares its value with IPSEC_DIR_MAX.
 */
#ifndef _NETIPSEC_IPSEC_H_
#define _NETIPSEC_IPSEC_H_

#include <netinet/in.h>

#include <net/pfkeyv2.h>

/* Wildcards of a selector. */
#define IPSEC_PORT_ANY		0
#define IPSEC_ULPROTO_ANY	255
#define IPSEC_PROTO_ANY		255

/* Modes (sadb_x_sa2_mode, sadb_x_ipsecrequest_mode); ANY only in the SAD. */
#define IPSEC_MODE_ANY		0
#define IPSEC_MODE_TRANSPORT	1
#define IPSEC_MODE_TUNNEL	2
#define IPSEC_MODE_TCPMD5	3

/* Directions (sadb_x_policy_dir). */
#define IPSEC_DIR_ANY		0
#define IPSEC_DIR_INBOUND	1
#define IPSEC_DIR_OUTBOUND	2
#define IPSEC_DIR_MAX		3
#define IPSEC_DIR_FWD		3	/* ipsec-tools (Linux) only */
#define IPSEC_DIR_INVALID	4

/*
 * Policy types (sadb_x_policy_type).  The SPD takes DISCARD, NONE and
 * IPSEC; a socket's own policy takes IPSEC, ENTRUST and BYPASS.
 */
#define IPSEC_POLICY_DISCARD	0
#define IPSEC_POLICY_NONE	1
#define IPSEC_POLICY_IPSEC	2
#define IPSEC_POLICY_ENTRUST	3
#define IPSEC_POLICY_BYPASS	4
#define IPSEC_POLICY_TCP	5	/* KAME: TCP-MD5 signatures */

/* FreeBSD policy scopes (sadb_x_policy_scope; SPDDUMP satype mask). */
#define IPSEC_POLICYSCOPE_ANY		0
#define IPSEC_POLICYSCOPE_GLOBAL	1
#define IPSEC_POLICYSCOPE_IFNET		2
#define IPSEC_POLICYSCOPE_PCB		4

/* Request levels (sadb_x_ipsecrequest_level). */
#define IPSEC_LEVEL_DEFAULT	0	/* the sysctl *_deflev decides */
#define IPSEC_LEVEL_USE		1
#define IPSEC_LEVEL_REQUIRE	2
#define IPSEC_LEVEL_UNIQUE	3	/* REQUIRE, SA bound by reqid */

/*
 * Reqids up to this value are for manual keying; the key engine hands out
 * larger ones itself for "unique" requests that name none.
 */
#define IPSEC_MANUAL_REQID_MAX	0x3fff

#define IPSEC_REPLAYWSIZE	32	/* default replay window, packets */
#define IPSEC_MAXREQ		4	/* requests in one policy */

/*
 * sysctl ids below net.inet.ipsec and net.inet6.ipsec6 (KAME numbering).
 * 7 was inbound_call_ike: it is obsolete and its id is never reused.
 */
#define IPSECCTL_STATS			1
#define IPSECCTL_DEF_POLICY		2
#define IPSECCTL_DEF_ESP_TRANSLEV	3
#define IPSECCTL_DEF_ESP_NETLEV		4
#define IPSECCTL_DEF_AH_TRANSLEV	5
#define IPSECCTL_DEF_AH_NETLEV		6
#define IPSECCTL_INBOUND_CALL_IKE	7
#define IPSECCTL_AH_CLEARTOS		8
#define IPSECCTL_AH_OFFSETMASK		9
#define IPSECCTL_DFBIT			10
#define IPSECCTL_ECN			11
#define IPSECCTL_DEBUG			12
#define IPSECCTL_ESP_RANDPAD		13
#define IPSECCTL_MAXID			14

/*
 * Socket options carrying a per-socket policy.  The host's values, since
 * programs pass them to the host's setsockopt(); glibc normally has them.
 */
#ifndef IP_IPSEC_POLICY
#define IP_IPSEC_POLICY		16
#endif
#ifndef IPV6_IPSEC_POLICY
#define IPV6_IPSEC_POLICY	34
#endif

/* libipsec error codes, as ipsec_strerror() reports them (KAME). */
#define EIPSEC_NO_ERROR		0
#define EIPSEC_NOT_SUPPORTED	1
#define EIPSEC_INVAL_ARGUMENT	2
#define EIPSEC_INVAL_SADBMSG	3
#define EIPSEC_INVAL_VERSION	4
#define EIPSEC_INVAL_POLICY	5
#define EIPSEC_INVAL_ADDRESS	6
#define EIPSEC_INVAL_PROTO	7
#define EIPSEC_INVAL_MODE	8
#define EIPSEC_INVAL_LEVEL	9
#define EIPSEC_INVAL_SATYPE	10
#define EIPSEC_INVAL_MSGTYPE	11
#define EIPSEC_INVAL_EXTTYPE	12
#define EIPSEC_INVAL_ALGS	13
#define EIPSEC_INVAL_KEYLEN	14
#define EIPSEC_INVAL_FAMILY	15
#define EIPSEC_INVAL_PREFIXLEN	16
#define EIPSEC_INVAL_DIR	17
#define EIPSEC_INVAL_SPI	18
#define EIPSEC_NO_PROTO		19
#define EIPSEC_NO_ALGS		20
#define EIPSEC_NO_BUFS		21
#define EIPSEC_DO_GET_SUPP_LIST	22
#define EIPSEC_PROTO_MISMATCH	23
#define EIPSEC_FAMILY_MISMATCH	24
#define EIPSEC_FEW_ARGUMENTS	25
#define EIPSEC_SYSTEM_ERROR	26	/* message is strerror(errno) */
#define EIPSEC_MAX		27	/* "Unknown error" */

/*
 * The libipsec policy API.  Code inside the socket manager defines _KERNEL
 * to keep these names free for its own use, as the BSD kernels do.
 */
#ifndef _KERNEL
#ifdef __cplusplus
extern "C" {
#endif

char	*ipsec_set_policy(const char *policy, int len);
int	 ipsec_get_policylen(const char *buf);
char	*ipsec_dump_policy(const char *buf, const char *delim);
const char *ipsec_strerror(void);

#ifdef __cplusplus
}
#endif
#endif /* !_KERNEL */

#endif /* !_NETIPSEC_IPSEC_H_ */
