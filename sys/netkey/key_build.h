/*
 * PF_KEY v2 message building: every reply, notification and dump record of
 * the key engine, and the requests of PF_KEY clients (libipsec, setkey).
 *
 *	struct key_buf b;
 *
 *	key_buf_init_dynamic(&b);
 *	key_build_begin(&b, SADB_GET, SADB_SATYPE_ESP, seq, pid);
 *	key_build_sa(&b, spi, replay, state, auth, enc, flags);
 *	key_build_address(&b, SADB_EXT_ADDRESS_SRC, src, 32, 255);
 *	...
 *	if ((error = key_build_end(&b)) == 0)
 *		send(fd, key_buf_data(&b), key_buf_len(&b), 0);
 *	key_buf_free(&b);
 *
 * Errors are sticky: once an append fails (ENOBUFS when the buffer or
 * KEY_MSG_MAX is exceeded, EINVAL for an impossible argument), every later
 * call does nothing and key_build_end() returns the first error, so callers
 * check once.  Every length is written in 64-bit words and every extension
 * is padded with zero bytes to 8.  Fields are stored with memcpy, so the
 * buffer needs no particular alignment; to hand the result to key_parse()
 * give it an 8-byte aligned one (a dynamic buffer always is).
 *
 * The buffer may hold key material: key_buf_free() wipes all of it with
 * OPENSSL_cleanse, whether the memory is the caller's or the builder's.
 */
#ifndef SYS_NETKEY_KEY_BUILD_H
#define SYS_NETKEY_KEY_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <net/pfkeyv2.h>

struct key_msg;

struct key_buf {
	uint8_t	*base;
	size_t	 len;		/* bytes of the message so far */
	size_t	 cap;		/* bytes of base */
	size_t	 policy_off;	/* last x_policy extension, or 0 */
	int	 error;		/* first error, sticky */
	bool	 dynamic;	/* base is ours: grown and freed here */
};

/* A fixed buffer of the caller's; it is never grown nor freed. */
void	key_buf_init(struct key_buf *b, void *mem, size_t size);
/* A buffer grown on demand up to KEY_MSG_MAX bytes. */
void	key_buf_init_dynamic(struct key_buf *b);
/* Wipe the whole buffer; free it if it is dynamic. */
void	key_buf_free(struct key_buf *b);

static inline const void *
key_buf_data(const struct key_buf *b)
{
	return b->base;
}

static inline size_t
key_buf_len(const struct key_buf *b)
{
	return b->len;
}

/* Start a message (clears an earlier error and content). */
void	key_build_begin(struct key_buf *b, uint8_t type, uint8_t satype,
	    uint32_t seq, uint32_t pid);
/* An error reply: req's base header with sadb_msg_errno set, nothing else. */
void	key_build_error(struct key_buf *b, const struct sadb_msg *req,
	    int error);
/* Header fields that replies may set after key_build_begin(). */
void	key_build_set_errno(struct key_buf *b, uint8_t error);
void	key_build_set_reserved(struct key_buf *b, uint16_t reserved);
/* Fix sadb_msg_len; 0 or the first error. */
int	key_build_end(struct key_buf *b);

/* spi in network order, as on the wire. */
void	key_build_sa(struct key_buf *b, uint32_t spi, uint8_t replay,
	    uint8_t state, uint8_t auth, uint8_t encrypt, uint32_t flags);
void	key_build_sa2(struct key_buf *b, uint8_t mode, uint32_t reqid,
	    uint32_t sequence);
/* exttype: SADB_EXT_LIFETIME_CURRENT, _HARD or _SOFT. */
void	key_build_lifetime(struct key_buf *b, uint16_t exttype,
	    uint32_t allocations, uint64_t bytes, uint64_t addtime,
	    uint64_t usetime);
/*
 * Any address extension (SRC, DST, PROXY, NAT_T_OAI/OAR, NEW_ADDRESS_*);
 * sa is an AF_INET or AF_INET6 sockaddr, copied with its host length.
 */
void	key_build_address(struct key_buf *b, uint16_t exttype,
	    const struct sockaddr *sa, uint8_t prefixlen, uint8_t proto);
/* KEY_AUTH or KEY_ENCRYPT: bits of key, (bits + 7) / 8 bytes copied. */
void	key_build_key(struct key_buf *b, uint16_t exttype, const void *key,
	    uint16_t bits);
/* IDENTITY_SRC or _DST with a string (NULL for none), NUL added. */
void	key_build_identity(struct key_buf *b, uint16_t exttype,
	    uint16_t type, uint64_t id, const char *str);
void	key_build_spirange(struct key_buf *b, uint32_t min, uint32_t max);
/*
 * An x_policy extension; the requests that follow with
 * key_build_ipsecrequest() are added to it (src and dst both NULL for
 * none, else two sockaddrs of one family).
 */
void	key_build_policy(struct key_buf *b, uint16_t type, uint8_t dir,
	    uint32_t id, uint32_t priority);
void	key_build_ipsecrequest(struct key_buf *b, uint16_t proto,
	    uint8_t mode, uint8_t level, uint16_t reqid,
	    const struct sockaddr *src, const struct sockaddr *dst);
/* SUPPORTED_AUTH or SUPPORTED_ENCRYPT with n algorithms. */
void	key_build_supported(struct key_buf *b, uint16_t exttype,
	    const struct sadb_alg *algs, size_t n);
void	key_build_proposal(struct key_buf *b, uint8_t replay,
	    const struct sadb_comb *combs, size_t n);
void	key_build_nat_t_type(struct key_buf *b, uint8_t type);
/* NAT_T_SPORT or NAT_T_DPORT; port in network order. */
void	key_build_nat_t_port(struct key_buf *b, uint16_t exttype,
	    uint16_t port);
void	key_build_nat_t_frag(struct key_buf *b, uint16_t fraglen);
void	key_build_sa_replay(struct key_buf *b, uint32_t replay);
/*
 * A copy of an extension as it is (a stored KMPRIVATE, a sensitivity, an
 * extension echoed from a request); ext must hold sadb_ext_len words.
 */
void	key_build_ext(struct key_buf *b, const struct sadb_ext *ext);
/*
 * Start a reply that echoes a parsed request: its header, and those of its
 * extensions whose KEY_EXT_BIT() is in mask, in the request's order (the
 * replies to ADD, UPDATE and DELETE are the request without its keys).
 * The caller may append more and must call key_build_end().
 */
void	key_build_echo(struct key_buf *b, const struct key_msg *m,
	    uint32_t mask);

#endif
