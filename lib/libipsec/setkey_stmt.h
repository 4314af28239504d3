/*
 * A parsed setkey statement (internal to libipsec): what the parser
 * (setkey_parse.c) fills in, what the address resolver (setkey_addr.c)
 * and the message builder (setkey_msg.c) read.  Keys live here between
 * parsing and building; setkey_stmt_clear() wipes them.
 */
#ifndef LIB_LIBIPSEC_SETKEY_STMT_H
#define LIB_LIBIPSEC_SETKEY_STMT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "lib/libipsec/setkey_lex.h"
#include "sys/crypto/crypto.h"
#include "sys/netkey/key_build.h"

#define SETKEY_KEY_MAX		512	/* bytes of one key */
#define SETKEY_POLICY_MAX	4096	/* bytes of policy text */

/* What a statement is made of (a bit per part, in the statement table). */
#define SETKEY_S_SAID		0x0001	/* src dst protocol spi */
#define SETKEY_S_PAIR		0x0002	/* src dst protocol */
#define SETKEY_S_PROTO		0x0004	/* [protocol] */
#define SETKEY_S_ALGS		0x0008	/* algorithms and all SA options */
#define SETKEY_S_MODE		0x0010	/* -m, -u (get, delete, getspi) */
#define SETKEY_S_SPD		0x0020	/* src_range dst_range upperspec */
#define SETKEY_S_POLICY		0x0040	/* -P policy */
#define SETKEY_S_QUIT		0x0080	/* exit, quit, bye */

struct setkey_addrspec {
	bool		 given;
	char		 host[SETKEY_TOKEN_MAX + 1];
	int		 plen;		/* -1: not given */
	int		 port;		/* -1: not given; 0: any */
};

struct setkey_keyspec {
	const struct crypto_alg *alg;	/* NULL: not given */
	unsigned	 line;		/* where, for diagnostics */
	const char	*name;		/* canonical, for diagnostics */
	size_t		 keylen;	/* bytes */
	uint8_t		 key[SETKEY_KEY_MAX];
};

struct setkey_stmt_desc {
	const char	*name;
	uint8_t		 type;		/* SADB_* */
	unsigned	 parts;		/* SETKEY_S_* */
};

struct setkey_stmt {
	const struct setkey_stmt_desc *desc;
	unsigned	 line;		/* of the ';' */
	int		 family;	/* -4/-6: AF_INET/AF_INET6, else 0 */
	bool		 numeric;	/* -n */

	struct setkey_addrspec src, dst;

	/* SA statements. */
	uint8_t		 satype;
	bool		 espudp;	/* esp-udp: NAT-T ESP */
	struct setkey_addrspec oa;	/* esp-udp's original address */
	struct sockaddr_storage oa_ss;
	uint32_t	 spi;
	bool		 mode_given;
	uint8_t		 mode;
	uint32_t	 reqid;
	uint32_t	 replay;	/* -r: bitmap octets */
	uint32_t	 saflags;	/* sadb_sa_flags */
	bool		 hard_given, soft_given;
	uint64_t	 hard_time, soft_time, hard_bytes, soft_bytes;
	struct setkey_keyspec enc, auth, comp;
	bool		 natt;		/* -natt */
	struct setkey_addrspec natt_oai, natt_oar;
	struct sockaddr_storage natt_oai_ss, natt_oar_ss;
	uint16_t	 natt_sport, natt_dport;
	int		 natt_mtu;	/* -1: not given */

	/* SPD statements. */
	uint8_t		 upper;		/* IPPROTO_* or 255 */
	bool		 icmp_given;
	uint16_t	 icmp_type, icmp_code;
	char		*policy;	/* from ipsec_set_policy(), malloc'd */
	size_t		 policylen;
};

void	setkey_stmt_init(struct setkey_stmt *st);
void	setkey_stmt_clear(struct setkey_stmt *st);

/*
 * Parse one statement starting at the current token (a word).  Returns
 * 0, or -1 with the reason in why (and the lexer at the offending token).
 */
int	setkey_stmt_parse(struct setkey_lex *lx, struct setkey_stmt *st,
	    char *why, size_t whylen);

/*
 * Check what the grammar cannot: combinations of options, algorithms
 * against the protocol, key lengths through check.  Returns 0 or -1 with
 * why and *whyline (the line to report).
 */
int	setkey_stmt_check(const struct setkey_stmt *st,
	    int (*check)(void *, enum crypto_kind, unsigned, unsigned),
	    void *arg, char *why, size_t whylen, unsigned *whyline);

/*
 * Resolve spec into up to max sockaddrs of family (0: any).  Returns the
 * number found, or -1 with why.
 */
int	setkey_addr_resolve(const struct setkey_addrspec *spec, int family,
	    bool numeric, struct sockaddr_storage *out, int max, char *why,
	    size_t whylen);

/* Build the message of st for one src/dst pair (NULL for none). */
void	setkey_msg_build(const struct setkey_stmt *st,
	    const struct sockaddr *src, const struct sockaddr *dst,
	    uint32_t pid, struct key_buf *b);

#endif
