/*
 * Client side of the PF_KEY endpoint of the socket manager.
 *
 * A PF_KEY socket is an AF_UNIX SOCK_SEQPACKET connection to DIR/pfkey,
 * where DIR is the environment variable SOCK when set (the QNX way of
 * choosing a socket manager) and /var/run/sockmgr otherwise.  One record
 * sent or received is one PF_KEY v2 message, so read(), write(), send()
 * and recv() work on the descriptor as on a BSD PF_KEY socket.
 */
#ifndef LIB_LIBIPSEC_LIBPFKEY_H
#define LIB_LIBIPSEC_LIBPFKEY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <net/pfkeyv2.h>

#define PFKEY_SOCK_ENV		"SOCK"
#define PFKEY_SOCK_DIR		"/var/run/sockmgr"
#define PFKEY_SOCK_NAME		"pfkey"

/*
 * Open a PF_KEY socket.  Returns the descriptor, or -1 with errno set:
 * EPERM when not running as root (the socket manager would refuse the
 * connection anyway), ENAMETOOLONG for an over-long $SOCK, and connect()'s
 * errors (ENOENT, ECONNREFUSED: no socket manager there).
 */
int	pfkey_open(void);
void	pfkey_close(int fd);

/*
 * The path of the PF_KEY endpoint into buf (len bytes).  Returns 0, or -1
 * with errno ENAMETOOLONG when it does not fit buf or an AF_UNIX address.
 */
int	pfkey_socket_path(char *buf, size_t len);

/*
 * Errors.  Every call below that fails stores an EIPSEC_* code
 * (<netipsec/ipsec.h>) in ipsec_errcode and ipsec_strerror() describes it;
 * EIPSEC_SYSTEM_ERROR means "see errno".  ipsec-tools calls the variable
 * __ipsec_errcode; like it, it is one global, not per thread.
 */
extern int ipsec_errcode;
void	ipsec_set_errcode(int code);
/* ipsec_errcode = EIPSEC_SYSTEM_ERROR and errno = error. */
void	ipsec_set_syserr(int error);

/*
 * Policy dump with the tunnel endpoints' ports ("addr[port]"), as setkey
 * -DPp shows them; otherwise as ipsec_dump_policy(3).
 */
char	*ipsec_dump_policy_withports(const void *policy, const char *delim);

/*
 * Sending and receiving.  pfkey_send() writes one message and returns the
 * bytes sent; pfkey_recv() reads one record (one message) into a malloc'd
 * buffer the caller frees (it may hold keys: wipe it first), checking that
 * the header's length is the record's.  Timeouts are the caller's business
 * (SO_RCVTIMEO; setkey uses one second): a timeout is EIPSEC_SYSTEM_ERROR
 * with errno EAGAIN.  End of file is EIPSEC_SYSTEM_ERROR, ECONNRESET.
 */
int	pfkey_send(int so, struct sadb_msg *msg, int len);
struct sadb_msg *pfkey_recv(int so);

/*
 * The extensions of a received message by type, as ipsec-tools'
 * pfkey_align(): mhp[0] is the header, mhp[t] the extension of type t or
 * NULL.  The message is validated as a reply (key_parse_reply()) first.
 * Returns 0, or -1 with EIPSEC_INVAL_SADBMSG.
 */
int	pfkey_align(struct sadb_msg *msg, caddr_t *mhp);

/*
 * ipsec-tools' check of an aligned message (mhp from pfkey_align()): the
 * version (EIPSEC_INVAL_VERSION), the type (EIPSEC_INVAL_MSGTYPE), the SA
 * type the message type allows (EIPSEC_INVAL_SATYPE; RSVP, OSPFv2, RIPv2
 * and MIP are EIPSEC_NOT_SUPPORTED), and that the source and destination
 * agree in upper-layer protocol (EIPSEC_PROTO_MISMATCH) and family
 * (EIPSEC_FAMILY_MISMATCH) and are IPv4 or IPv6 (EIPSEC_INVAL_FAMILY).
 * Returns 0, or -1 with ipsec_errcode set.
 */
int	pfkey_check(caddr_t *mhp);

/*
 * Raise the receive buffer of so to size KiB when it is smaller (0: only
 * ask).  Returns the buffer size the socket has, in KiB, or -1 with
 * ipsec_errcode set.
 */
int	pfkey_set_buffer_size(int so, int size);

/*
 * Supported algorithms.  pfkey_send_register() asks for them (satype
 * UNSPEC for all); pfkey_recv_register() reads the reply of this process
 * and keeps its lists through pfkey_set_supported() (tlen: bytes of msg).
 * ipsec_check_keylen() checks a key length in bits against the list of
 * SADB_EXT_SUPPORTED_AUTH or _ENCRYPT, ipsec_check_keylen2() against the
 * list an SA type uses (AH and TCP: auth; ESP: encrypt).  Both also apply
 * the key-size step of the crypto registry when it knows the algorithm
 * (AES: 128, 192 or 256 bits), which the supported list cannot express.
 * They return 0, or -1 with EIPSEC_DO_GET_SUPP_LIST (nothing registered
 * yet), EIPSEC_INVAL_ALGS, EIPSEC_INVAL_KEYLEN or EIPSEC_INVAL_SATYPE.
 * ipsec_get_keylen() copies the algorithm's sadb_alg into alg.
 */
int	pfkey_send_register(int so, unsigned satype);
int	pfkey_recv_register(int so);
int	pfkey_set_supported(struct sadb_msg *msg, int tlen);
int	ipsec_check_keylen(unsigned supported, unsigned alg_id,
	    unsigned keylen);
int	ipsec_check_keylen2(unsigned satype, unsigned alg_id,
	    unsigned keylen);
int	ipsec_get_keylen(unsigned supported, unsigned alg_id,
	    struct sadb_alg *alg);

/*
 * Soft lifetime rates: the soft lifetime sent with ADD and UPDATE is this
 * percentage of the hard one, per SADB_X_LIFETIME_* type (80 by default;
 * 0 or more than 100 means 100).  set returns 0, or 1 with
 * EIPSEC_INVAL_ARGUMENT for an unknown type; get returns ~0u for one.
 */
unsigned pfkey_set_softrate(unsigned type, unsigned rate);
unsigned pfkey_get_softrate(unsigned type);

/*
 * The message calls.  Each builds one PF_KEY message (version 2, seq as
 * given or 0, pid getpid()), sends it on so and returns the bytes sent, or
 * -1 with ipsec_errcode set; the reply is read with pfkey_recv().  spi is
 * in network order, as in sadb_sa; ports (NAT-T) in host order.  Addresses
 * go out with their full prefix length and upper protocol "any"; src and
 * dst must be of one family.  keymat holds the encryption key (e_keylen
 * bytes) followed by the authentication key (a_keylen bytes).
 */
struct pfkey_send_sa_args {
	int		 so;
	unsigned	 type;		/* set by the call (ADD, UPDATE) */
	unsigned	 satype;
	unsigned	 mode;		/* IPSEC_MODE_* */
	const struct sockaddr *src;
	const struct sockaddr *dst;
	uint32_t	 spi;		/* network order */
	uint32_t	 reqid;
	unsigned	 wsize;		/* replay window, bytes (sadb_sa) */
	const void	*keymat;
	unsigned	 e_type;
	unsigned	 e_keylen;	/* bytes */
	unsigned	 a_type;
	unsigned	 a_keylen;	/* bytes */
	unsigned	 flags;		/* sadb_sa_flags */
	uint32_t	 l_alloc;	/* hard lifetime; soft = softrate% */
	uint64_t	 l_bytes;
	uint64_t	 l_addtime;
	uint64_t	 l_usetime;
	uint32_t	 seq;
	uint8_t		 l_natt_type;	/* 0: no NAT-T extensions */
	uint16_t	 l_natt_sport;
	uint16_t	 l_natt_dport;
	const struct sockaddr *l_natt_oai;	/* NULL for none */
	const struct sockaddr *l_natt_oar;
	uint16_t	 l_natt_frag;	/* 0 for none */
};

int	pfkey_send_getspi(int so, unsigned satype, unsigned mode,
	    const struct sockaddr *src, const struct sockaddr *dst,
	    uint32_t min, uint32_t max, uint32_t reqid, uint32_t seq);
int	pfkey_send_getspi_nat(int so, unsigned satype, unsigned mode,
	    const struct sockaddr *src, const struct sockaddr *dst,
	    uint8_t natt_type, uint16_t sport, uint16_t dport,
	    uint32_t min, uint32_t max, uint32_t reqid, uint32_t seq);
int	pfkey_send_update(int so, unsigned satype, unsigned mode,
	    const struct sockaddr *src, const struct sockaddr *dst,
	    uint32_t spi, uint32_t reqid, unsigned wsize, const void *keymat,
	    unsigned e_type, unsigned e_keylen, unsigned a_type,
	    unsigned a_keylen, unsigned flags, uint32_t l_alloc,
	    uint64_t l_bytes, uint64_t l_addtime, uint64_t l_usetime,
	    uint32_t seq);
int	pfkey_send_update_nat(int so, unsigned satype, unsigned mode,
	    const struct sockaddr *src, const struct sockaddr *dst,
	    uint32_t spi, uint32_t reqid, unsigned wsize, const void *keymat,
	    unsigned e_type, unsigned e_keylen, unsigned a_type,
	    unsigned a_keylen, unsigned flags, uint32_t l_alloc,
	    uint64_t l_bytes, uint64_t l_addtime, uint64_t l_usetime,
	    uint32_t seq, uint8_t l_natt_type, uint16_t l_natt_sport,
	    uint16_t l_natt_dport, const struct sockaddr *l_natt_oa,
	    uint16_t l_natt_frag);
int	pfkey_send_update2(const struct pfkey_send_sa_args *args);
int	pfkey_send_add(int so, unsigned satype, unsigned mode,
	    const struct sockaddr *src, const struct sockaddr *dst,
	    uint32_t spi, uint32_t reqid, unsigned wsize, const void *keymat,
	    unsigned e_type, unsigned e_keylen, unsigned a_type,
	    unsigned a_keylen, unsigned flags, uint32_t l_alloc,
	    uint64_t l_bytes, uint64_t l_addtime, uint64_t l_usetime,
	    uint32_t seq);
int	pfkey_send_add_nat(int so, unsigned satype, unsigned mode,
	    const struct sockaddr *src, const struct sockaddr *dst,
	    uint32_t spi, uint32_t reqid, unsigned wsize, const void *keymat,
	    unsigned e_type, unsigned e_keylen, unsigned a_type,
	    unsigned a_keylen, unsigned flags, uint32_t l_alloc,
	    uint64_t l_bytes, uint64_t l_addtime, uint64_t l_usetime,
	    uint32_t seq, uint8_t l_natt_type, uint16_t l_natt_sport,
	    uint16_t l_natt_dport, const struct sockaddr *l_natt_oa,
	    uint16_t l_natt_frag);
int	pfkey_send_add2(const struct pfkey_send_sa_args *args);
int	pfkey_send_delete(int so, unsigned satype, unsigned mode,
	    const struct sockaddr *src, const struct sockaddr *dst,
	    uint32_t spi);
/* SADB_DELETE without an SA extension: every SA between src and dst. */
int	pfkey_send_delete_all(int so, unsigned satype, unsigned mode,
	    const struct sockaddr *src, const struct sockaddr *dst);
int	pfkey_send_get(int so, unsigned satype, unsigned mode,
	    const struct sockaddr *src, const struct sockaddr *dst,
	    uint32_t spi);
int	pfkey_send_flush(int so, unsigned satype);
int	pfkey_send_dump(int so, unsigned satype);
/* SADB_X_PROMISC: flag 1 on, 0 off (carried in sadb_msg_satype). */
int	pfkey_send_promisc_toggle(int so, int flag);

/*
 * SPD calls.  policy is an x_policy extension of policylen bytes, as
 * ipsec_set_policy(3) makes it; prefs/prefd are prefix lengths and proto
 * the upper-layer protocol (IPSEC_ULPROTO_ANY); ports travel in the
 * sockaddrs.  The "2" forms add a hard lifetime: ltime seconds of life
 * (addtime), vtime seconds of validity without use (usetime).
 */
int	pfkey_send_spdadd(int so, const struct sockaddr *src, unsigned prefs,
	    const struct sockaddr *dst, unsigned prefd, unsigned proto,
	    const void *policy, int policylen, uint32_t seq);
int	pfkey_send_spdadd2(int so, const struct sockaddr *src,
	    unsigned prefs, const struct sockaddr *dst, unsigned prefd,
	    unsigned proto, uint64_t ltime, uint64_t vtime,
	    const void *policy, int policylen, uint32_t seq);
int	pfkey_send_spdupdate(int so, const struct sockaddr *src,
	    unsigned prefs, const struct sockaddr *dst, unsigned prefd,
	    unsigned proto, const void *policy, int policylen, uint32_t seq);
int	pfkey_send_spdupdate2(int so, const struct sockaddr *src,
	    unsigned prefs, const struct sockaddr *dst, unsigned prefd,
	    unsigned proto, uint64_t ltime, uint64_t vtime,
	    const void *policy, int policylen, uint32_t seq);
int	pfkey_send_spddelete(int so, const struct sockaddr *src,
	    unsigned prefs, const struct sockaddr *dst, unsigned prefd,
	    unsigned proto, const void *policy, int policylen, uint32_t seq);
int	pfkey_send_spddelete2(int so, uint32_t spid);
int	pfkey_send_spdget(int so, uint32_t spid);
int	pfkey_send_spdsetidx(int so, const struct sockaddr *src,
	    unsigned prefs, const struct sockaddr *dst, unsigned prefd,
	    unsigned proto, const void *policy, int policylen, uint32_t seq);
int	pfkey_send_spdflush(int so);
/*
 * SADB_X_MIGRATE (ipsec-tools): local and remote are the key manager's
 * old endpoints and must be of one family; the selector and policy are
 * as for SPDADD.  The socket manager does not migrate and answers EINVAL.
 */
int	pfkey_send_migrate(int so, const struct sockaddr *local,
	    const struct sockaddr *remote, const struct sockaddr *src,
	    unsigned prefs, const struct sockaddr *dst, unsigned prefd,
	    unsigned proto, const void *policy, int policylen, uint32_t seq);
int	pfkey_send_spddump(int so);

/*
 * Printers of SAD and SPD records, byte for byte as ipsec-tools 0.8
 * prints them (setkey -D, -DP, get).  The plain forms print to stdout;
 * the _fp forms to fp, with PFKEY_DUMP_PORTS for "[port]" after each
 * address (setkey -p).  Algorithm names are ipsec-tools' spellings
 * (hmac-sha256, not hmac-sha2-256).  A malformed message prints the
 * libipsec error instead, as ipsec-tools does; the _fp forms then return
 * -1 (0 otherwise).  The "current:" and "diff:" fields use the time set
 * with pfkey_dump_set_now(), or the real clock when it is 0.
 */
#define PFKEY_DUMP_PORTS	0x01

void	pfkey_sadump(struct sadb_msg *m);
void	pfkey_sadump_withports(struct sadb_msg *m);
void	pfkey_spdump(struct sadb_msg *m);
void	pfkey_spdump_withports(struct sadb_msg *m);
int	pfkey_sadump_fp(FILE *fp, const struct sadb_msg *m, int flags);
int	pfkey_spdump_fp(FILE *fp, const struct sadb_msg *m, int flags);
void	pfkey_dump_set_now(time_t now);

/*
 * setkey -D -l: the header line and one row per SA, as ipsec-tools'
 * shortdump ("[port]" whenever a port is set; flags: 0, reserved).
 */
void	pfkey_sadump_short_header_fp(FILE *fp);
int	pfkey_sadump_short_fp(FILE *fp, const struct sadb_msg *m, int flags);

/*
 * Debug renderings (setkey -x, -v): every field of a message and of each
 * extension, in KAME's kdebug_sadb format, and a hex dump with a blank
 * before every 4 bytes and a newline every 32, no final newline.
 */
void	kdebug_sadb(struct sadb_msg *m);
void	kdebug_sadb_fp(FILE *fp, const struct sadb_msg *m);
void	ipsec_hexdump(const void *buf, int len);
void	ipsec_hexdump_fp(FILE *fp, const void *buf, int len);

#endif
