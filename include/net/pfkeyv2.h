/*
 * PF_KEY key management API, version 2 (RFC 2367), with the KAME/BSD
 * SADB_X_* extensions, as served by the socket manager.
 *
 * Existing PF_KEY clients (setkey, racoon, IKE daemons written for the BSDs)
 * must compile against this header unchanged and put the same bytes on the
 * wire as they do on FreeBSD or NetBSD.  So every number and every struct
 * layout here is the BSD one.  Where the trees disagree we follow
 * FreeBSD/NetBSD, not the final KAME snapshot and not Linux:
 *
 *  - Extension types 20-28 are FreeBSD's NAT-T, replay and MOBIKE numbers.
 *    KAME's SADB_X_EXT_TAG (25), SADB_X_EXT_SA3 (26) and SADB_X_EXT_PACKET
 *    (27) and Linux's SEC_CTX/KMADDRESS/FILTER reuse some of these numbers
 *    for other things and are therefore not defined at all.
 *  - Algorithm numbers are FreeBSD's (AES-CTR 13, not the 250 of FreeBSD
 *    around 2012; ChaCha20-Poly1305 15, not OpenBSD's 22 or Apple's 14).
 *  - Message types 23 and 24 are the NetBSD NAT-T mapping message and the
 *    MIGRATE message of ipsec-tools, so SADB_MAX is 24.
 *
 * Linux has no sa_len in struct sockaddr, while the BSD sockaddr carried in
 * an address extension does.  The sockaddrs here are the host's own, and
 * pfkey_sockaddr_len() stands in for sa_len.
 *
 * All multi-byte fields are in host order except SPIs and the ports inside
 * sockaddrs, which are in network order.  Every *_len field counts 64-bit
 * words, except sadb_x_ipsecrequest_len, which counts bytes.
 */
#ifndef _NET_PFKEYV2_H_
#define _NET_PFKEYV2_H_

#include <stddef.h>
#include <stdint.h>

#include <sys/socket.h>
#include <netinet/in.h>

#ifndef PF_KEY
#define PF_KEY			15
#endif
#ifndef AF_KEY
#define AF_KEY			PF_KEY
#endif

#define PF_KEY_V2		2
#define PFKEYV2_REVISION	199806L

/* Message types (sadb_msg_type). */
#define SADB_RESERVED			0
#define SADB_GETSPI			1
#define SADB_UPDATE			2
#define SADB_ADD			3
#define SADB_DELETE			4
#define SADB_GET			5
#define SADB_ACQUIRE			6
#define SADB_REGISTER			7
#define SADB_EXPIRE			8
#define SADB_FLUSH			9
#define SADB_DUMP			10
#define SADB_X_PROMISC			11
#define SADB_X_PCHANGE			12
#define SADB_X_SPDUPDATE		13
#define SADB_X_SPDADD			14
#define SADB_X_SPDDELETE		15	/* by selector and direction */
#define SADB_X_SPDGET			16
#define SADB_X_SPDACQUIRE		17
#define SADB_X_SPDDUMP			18
#define SADB_X_SPDFLUSH			19
#define SADB_X_SPDSETIDX		20
#define SADB_X_SPDEXPIRE		21
#define SADB_X_SPDDELETE2		22	/* by policy id */
#define SADB_X_NAT_T_NEW_MAPPING	23	/* NetBSD */
#define SADB_X_MIGRATE			24	/* ipsec-tools, Linux */
#define SADB_MAX			24

struct sadb_msg {
	uint8_t		sadb_msg_version;
	uint8_t		sadb_msg_type;
	uint8_t		sadb_msg_errno;
	uint8_t		sadb_msg_satype;
	uint16_t	sadb_msg_len;
	/* KAME and FreeBSD report a reference count here in replies. */
	uint16_t	sadb_msg_reserved;
	uint32_t	sadb_msg_seq;
	uint32_t	sadb_msg_pid;
};

/* The header every extension starts with. */
struct sadb_ext {
	uint16_t	sadb_ext_len;
	uint16_t	sadb_ext_type;
};

struct sadb_sa {
	uint16_t	sadb_sa_len;
	uint16_t	sadb_sa_exttype;
	uint32_t	sadb_sa_spi;		/* network order */
	/*
	 * RFC 2367 counts the replay window in packets, but KAME and the
	 * BSDs (and setkey -r) count bytes of bitmap: 8 packets each.
	 */
	uint8_t		sadb_sa_replay;
	uint8_t		sadb_sa_state;
	uint8_t		sadb_sa_auth;
	uint8_t		sadb_sa_encrypt;
	uint32_t	sadb_sa_flags;
};

struct sadb_lifetime {
	uint16_t	sadb_lifetime_len;
	uint16_t	sadb_lifetime_exttype;
	uint32_t	sadb_lifetime_allocations;
	uint64_t	sadb_lifetime_bytes;
	uint64_t	sadb_lifetime_addtime;
	uint64_t	sadb_lifetime_usetime;
};

/* Followed by a sockaddr, padded to a multiple of 8 bytes. */
struct sadb_address {
	uint16_t	sadb_address_len;
	uint16_t	sadb_address_exttype;
	uint8_t		sadb_address_proto;
	uint8_t		sadb_address_prefixlen;
	uint16_t	sadb_address_reserved;
};

/* Followed by sadb_key_bits of key, most significant byte first, padded. */
struct sadb_key {
	uint16_t	sadb_key_len;
	uint16_t	sadb_key_exttype;
	uint16_t	sadb_key_bits;
	uint16_t	sadb_key_reserved;
};

/* Followed by a NUL-terminated string (or a sockaddr), padded. */
struct sadb_ident {
	uint16_t	sadb_ident_len;
	uint16_t	sadb_ident_exttype;
	uint16_t	sadb_ident_type;
	uint16_t	sadb_ident_reserved;
	uint64_t	sadb_ident_id;
};

/* Followed by sens_len and then integ_len 64-bit bitmap words. */
struct sadb_sens {
	uint16_t	sadb_sens_len;
	uint16_t	sadb_sens_exttype;
	uint32_t	sadb_sens_dpd;
	uint8_t		sadb_sens_sens_level;
	uint8_t		sadb_sens_sens_len;
	uint8_t		sadb_sens_integ_level;
	uint8_t		sadb_sens_integ_len;
	uint32_t	sadb_sens_reserved;
};

/* Followed by struct sadb_comb entries, most preferred first. */
struct sadb_prop {
	uint16_t	sadb_prop_len;
	uint16_t	sadb_prop_exttype;
	uint8_t		sadb_prop_replay;
	uint8_t		sadb_prop_reserved[3];
};

struct sadb_comb {
	uint8_t		sadb_comb_auth;
	uint8_t		sadb_comb_encrypt;
	uint16_t	sadb_comb_flags;
	uint16_t	sadb_comb_auth_minbits;
	uint16_t	sadb_comb_auth_maxbits;
	uint16_t	sadb_comb_encrypt_minbits;
	uint16_t	sadb_comb_encrypt_maxbits;
	uint32_t	sadb_comb_reserved;
	uint32_t	sadb_comb_soft_allocations;
	uint32_t	sadb_comb_hard_allocations;
	uint64_t	sadb_comb_soft_bytes;
	uint64_t	sadb_comb_hard_bytes;
	uint64_t	sadb_comb_soft_addtime;
	uint64_t	sadb_comb_hard_addtime;
	uint64_t	sadb_comb_soft_usetime;
	uint64_t	sadb_comb_hard_usetime;
};

/* Followed by struct sadb_alg entries. */
struct sadb_supported {
	uint16_t	sadb_supported_len;
	uint16_t	sadb_supported_exttype;
	uint32_t	sadb_supported_reserved;
};

struct sadb_alg {
	uint8_t		sadb_alg_id;
	uint8_t		sadb_alg_ivlen;
	uint16_t	sadb_alg_minbits;
	uint16_t	sadb_alg_maxbits;
	uint16_t	sadb_alg_reserved;
};

struct sadb_spirange {
	uint16_t	sadb_spirange_len;
	uint16_t	sadb_spirange_exttype;
	uint32_t	sadb_spirange_min;
	uint32_t	sadb_spirange_max;
	uint32_t	sadb_spirange_reserved;
};

/* RFC 2367 appendix C; followed by data opaque to the kernel. */
struct sadb_x_kmprivate {
	uint16_t	sadb_x_kmprivate_len;
	uint16_t	sadb_x_kmprivate_exttype;
	uint32_t	sadb_x_kmprivate_reserved;
};

/*
 * Mode and reqid of an SA.  The sequence field was reserved3 in older KAME;
 * both names are kept.  KAME keeps reqids within 16 bits.
 */
struct sadb_x_sa2 {
	uint16_t	sadb_x_sa2_len;
	uint16_t	sadb_x_sa2_exttype;
	uint8_t		sadb_x_sa2_mode;	/* IPSEC_MODE_* */
	uint8_t		sadb_x_sa2_reserved1;
	uint16_t	sadb_x_sa2_reserved2;
	union {
		uint32_t sadb_x_sa2_sequence;
		uint32_t sadb_x_sa2_reserved3;
	};
	uint32_t	sadb_x_sa2_reqid;
};

/*
 * A security policy, followed (for IPSEC_POLICY_IPSEC) by its
 * sadb_x_ipsecrequest entries.  FreeBSD renamed two reserved fields (scope,
 * priority/ifindex); clients use either name, so both are members of
 * anonymous unions rather than macros that would rewrite any identifier.
 */
struct sadb_x_policy {
	uint16_t	sadb_x_policy_len;
	uint16_t	sadb_x_policy_exttype;
	uint16_t	sadb_x_policy_type;	/* IPSEC_POLICY_* */
	uint8_t		sadb_x_policy_dir;	/* IPSEC_DIR_* */
	union {
		uint8_t	sadb_x_policy_reserved;
		uint8_t	sadb_x_policy_scope;	/* IPSEC_POLICYSCOPE_* */
	};
	uint32_t	sadb_x_policy_id;
	union {
		uint32_t sadb_x_policy_priority;
		uint32_t sadb_x_policy_ifindex;
		uint32_t sadb_x_policy_reserved2;
	};
};

/*
 * One step of an IPsec bundle, followed in tunnel mode by the source and
 * destination sockaddrs, the whole padded to 8 bytes.  Unlike every other
 * length in PF_KEY, sadb_x_ipsecrequest_len is in bytes: that is what all
 * KAME-derived code does, whatever its comments say.
 */
struct sadb_x_ipsecrequest {
	uint16_t	sadb_x_ipsecrequest_len;
	uint16_t	sadb_x_ipsecrequest_proto;	/* IPPROTO_ESP etc. */
	uint8_t		sadb_x_ipsecrequest_mode;	/* IPSEC_MODE_* */
	uint8_t		sadb_x_ipsecrequest_level;	/* IPSEC_LEVEL_* */
	uint16_t	sadb_x_ipsecrequest_reqid;
};

/* NAT traversal (RFC 3948): encapsulation type, ports, fragment size. */
struct sadb_x_nat_t_type {
	uint16_t	sadb_x_nat_t_type_len;
	uint16_t	sadb_x_nat_t_type_exttype;
	uint8_t		sadb_x_nat_t_type_type;	/* UDP_ENCAP_* */
	uint8_t		sadb_x_nat_t_type_reserved[3];
};

struct sadb_x_nat_t_port {
	uint16_t	sadb_x_nat_t_port_len;
	uint16_t	sadb_x_nat_t_port_exttype;
	uint16_t	sadb_x_nat_t_port_port;	/* network order */
	uint16_t	sadb_x_nat_t_port_reserved;
};

struct sadb_x_nat_t_frag {
	uint16_t	sadb_x_nat_t_frag_len;
	uint16_t	sadb_x_nat_t_frag_exttype;
	uint16_t	sadb_x_nat_t_frag_fraglen;
	uint16_t	sadb_x_nat_t_frag_reserved;
};

/*
 * Replay window in packets, for windows too big for the 8-bit
 * sadb_sa_replay (FreeBSD).
 */
struct sadb_x_sa_replay {
	uint16_t	sadb_x_sa_replay_len;
	uint16_t	sadb_x_sa_replay_exttype;
	uint32_t	sadb_x_sa_replay_replay;
};

/* Extension types (sadb_ext_type). */
#define SADB_EXT_RESERVED		0
#define SADB_EXT_SA			1
#define SADB_EXT_LIFETIME_CURRENT	2
#define SADB_EXT_LIFETIME_HARD		3
#define SADB_EXT_LIFETIME_SOFT		4
#define SADB_EXT_ADDRESS_SRC		5
#define SADB_EXT_ADDRESS_DST		6
#define SADB_EXT_ADDRESS_PROXY		7
#define SADB_EXT_KEY_AUTH		8
#define SADB_EXT_KEY_ENCRYPT		9
#define SADB_EXT_IDENTITY_SRC		10
#define SADB_EXT_IDENTITY_DST		11
#define SADB_EXT_SENSITIVITY		12
#define SADB_EXT_PROPOSAL		13
#define SADB_EXT_SUPPORTED_AUTH		14
#define SADB_EXT_SUPPORTED_ENCRYPT	15
#define SADB_EXT_SPIRANGE		16
#define SADB_X_EXT_KMPRIVATE		17
#define SADB_X_EXT_POLICY		18
#define SADB_X_EXT_SA2			19
#define SADB_X_EXT_NAT_T_TYPE		20
#define SADB_X_EXT_NAT_T_SPORT		21
#define SADB_X_EXT_NAT_T_DPORT		22
#define SADB_X_EXT_NAT_T_OAI		23	/* original initiator addr */
#define SADB_X_EXT_NAT_T_OA		SADB_X_EXT_NAT_T_OAI
#define SADB_X_EXT_NAT_T_OAR		24	/* original responder addr */
#define SADB_X_EXT_NAT_T_FRAG		25
#define SADB_X_EXT_SA_REPLAY		26
#define SADB_X_EXT_NEW_ADDRESS_SRC	27	/* SADB_UPDATE moves an SA */
#define SADB_X_EXT_NEW_ADDRESS_DST	28
#define SADB_EXT_MAX			28

/* SA types (sadb_msg_satype).  10 was KAME's POLICY type: never reuse. */
#define SADB_SATYPE_UNSPEC		0
#define SADB_SATYPE_AH			2
#define SADB_SATYPE_ESP			3
#define SADB_SATYPE_RSVP		5
#define SADB_SATYPE_OSPFV2		6
#define SADB_SATYPE_RIPV2		7
#define SADB_SATYPE_MIP			8
#define SADB_X_SATYPE_IPCOMP		9
#define SADB_X_SATYPE_TCPSIGNATURE	11
#define SADB_SATYPE_MAX			12

/* SA states (sadb_sa_state). */
#define SADB_SASTATE_LARVAL		0
#define SADB_SASTATE_MATURE		1
#define SADB_SASTATE_DYING		2
#define SADB_SASTATE_DEAD		3
#define SADB_SASTATE_MAX		3

/* Proposal flags (sadb_comb_flags). */
#define SADB_SAFLAGS_PFS		0x0001

/*
 * Authentication algorithms (sadb_sa_auth).  Since ESP AEAD modes have no
 * separate authenticator, FreeBSD gives GMAC and ChaCha20-Poly1305 an
 * authentication number as well.
 */
#define SADB_AALG_NONE			0
#define SADB_AALG_MD5HMAC		2
#define SADB_AALG_SHA1HMAC		3
#define SADB_X_AALG_SHA2_256		5
#define SADB_X_AALG_SHA2_384		6
#define SADB_X_AALG_SHA2_512		7
#define SADB_X_AALG_RIPEMD160HMAC	8
#define SADB_X_AALG_AES_XCBC_MAC	9	/* RFC 3566 */
#define SADB_X_AALG_AES128GMAC		11	/* RFC 4543 */
#define SADB_X_AALG_AES192GMAC		12
#define SADB_X_AALG_AES256GMAC		13
#define SADB_X_AALG_CHACHA20POLY1305	14
#define SADB_X_AALG_MD5			249	/* keyed MD5 */
#define SADB_X_AALG_SHA			250	/* keyed SHA-1 */
#define SADB_X_AALG_NULL		251
#define SADB_X_AALG_TCP_MD5		252	/* RFC 2385 */
#define SADB_AALG_MAX			252

/* Encryption algorithms (sadb_sa_encrypt). */
#define SADB_EALG_NONE			0
#define SADB_EALG_DESCBC		2
#define SADB_EALG_3DESCBC		3
#define SADB_X_EALG_CAST128CBC		6
#define SADB_X_EALG_BLOWFISHCBC		7
#define SADB_EALG_NULL			11
#define SADB_X_EALG_RIJNDAELCBC		12
#define SADB_X_EALG_AES			SADB_X_EALG_RIJNDAELCBC
#define SADB_X_EALG_AESCBC		SADB_X_EALG_RIJNDAELCBC
#define SADB_X_EALG_AESCTR		13	/* RFC 3686 */
#define SADB_X_EALG_CHACHA20POLY1305	15	/* RFC 7634 */
#define SADB_X_EALG_AESGCM8		18	/* RFC 4106 */
#define SADB_X_EALG_AESGCM12		19
#define SADB_X_EALG_AESGCM16		20
#define SADB_X_EALG_CAMELLIACBC		22	/* RFC 4312 */
#define SADB_X_EALG_AESGMAC		23	/* RFC 4543 */
#define SADB_EALG_MAX			23

/* Compression algorithms for IPComp, carried in sadb_sa_encrypt. */
#define SADB_X_CALG_NONE		0
#define SADB_X_CALG_OUI			1
#define SADB_X_CALG_DEFLATE		2
#define SADB_X_CALG_LZS			3
#define SADB_X_CALG_MAX			4

/* Identity types (sadb_ident_type). */
#define SADB_IDENTTYPE_RESERVED		0
#define SADB_IDENTTYPE_PREFIX		1
#define SADB_IDENTTYPE_FQDN		2
#define SADB_IDENTTYPE_USERFQDN		3
#define SADB_X_IDENTTYPE_ADDR		4	/* a sockaddr follows */
#define SADB_IDENTTYPE_MAX		4

/*
 * KAME SA flags (sadb_sa_flags).  They share the SADB_X_EXT_ prefix with
 * the extension types for historical reasons only.
 */
#define SADB_X_EXT_NONE			0x0000	/* RFC 2402/2406 formats */
#define SADB_X_EXT_OLD			0x0001	/* RFC 1826/1827 formats */
#define SADB_X_EXT_IV4B			0x0010	/* 4-byte IV, old ESP only */
#define SADB_X_EXT_DERIV		0x0020	/* IV derived from sequence */
#define SADB_X_EXT_CYCSEQ		0x0040	/* sequence number may wrap */
#define SADB_X_EXT_RAWCPI		0x0080	/* IPComp: SPI is the CPI */
#define SADB_X_EXT_PSEQ			0x0000	/* ESP padding 1, 2, 3... */
#define SADB_X_EXT_PRAND		0x0100	/* random ESP padding */
#define SADB_X_EXT_PZERO		0x0200	/* zero ESP padding */
#define SADB_X_EXT_PMASK		0x0300	/* the padding bits */
#define SADB_X_SAFLAGS_ESN		0x0400	/* 64-bit sequence numbers */
#define SADB_KEY_FLAGS_MAX		0x0fff

/* Indices into a lifetime as an array of counters. */
#define SADB_X_LIFETIME_ALLOCATIONS	0
#define SADB_X_LIFETIME_BYTES		1
#define SADB_X_LIFETIME_ADDTIME		2
#define SADB_X_LIFETIME_USETIME		3

/* Percentage of the hard lifetime that a derived soft lifetime gets. */
#define PFKEY_SOFT_LIFETIME_RATE	80

/* sadb_x_nat_t_type_type values (RFC 3948); also in <netinet/udp.h>. */
#ifndef UDP_ENCAP_ESPINUDP_NON_IKE
#define UDP_ENCAP_ESPINUDP_NON_IKE	1
#endif
#ifndef UDP_ENCAP_ESPINUDP
#define UDP_ENCAP_ESPINUDP		2
#endif

#define PFKEY_SPI_SIZE		sizeof(uint32_t)

/* Lengths: round up to 8 bytes, convert bytes to and from 64-bit words. */
#define PFKEY_ALIGN8(a)		((((a) + 7) / 8) * 8)
#define PFKEY_UNIT64(a)		((a) >> 3)
#define PFKEY_UNUNIT64(a)	((a) << 3)

/* Length in bytes of the extension (or message) at msg. */
#define PFKEY_EXTLEN(msg) \
	PFKEY_UNUNIT64(((const struct sadb_ext *)(msg))->sadb_ext_len)

/* Fields of an address extension, and the sockaddr that follows it. */
#define PFKEY_ADDR_PROTO(ext) \
	(((struct sadb_address *)(ext))->sadb_address_proto)
#define PFKEY_ADDR_PREFIX(ext) \
	(((struct sadb_address *)(ext))->sadb_address_prefixlen)
#define PFKEY_ADDR_SADDR(ext) \
	((struct sockaddr *)(void *)((char *)(ext) + \
	    sizeof(struct sadb_address)))

/*
 * The length of a sockaddr of a family PF_KEY carries, or 0 for any other
 * family.  This replaces the BSD sa_len, which Linux sockaddrs lack; an
 * address extension holds PFKEY_ALIGN8() of it after struct sadb_address.
 */
static inline size_t
pfkey_sockaddr_len(const struct sockaddr *sa)
{
	if (sa == NULL)
		return 0;
	switch (sa->sa_family) {
	case AF_INET:
		return sizeof(struct sockaddr_in);
	case AF_INET6:
		return sizeof(struct sockaddr_in6);
	default:
		return 0;
	}
}

/*
 * The wire format has no padding between fields; a compiler that inserted
 * some would silently break every client.  Checked here so that every file
 * that includes this header checks it.
 */
#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L && \
    !defined(__cplusplus)
_Static_assert(sizeof(struct sadb_msg) == 16, "sadb_msg");
_Static_assert(sizeof(struct sadb_ext) == 4, "sadb_ext");
_Static_assert(sizeof(struct sadb_sa) == 16, "sadb_sa");
_Static_assert(sizeof(struct sadb_lifetime) == 32, "sadb_lifetime");
_Static_assert(sizeof(struct sadb_address) == 8, "sadb_address");
_Static_assert(sizeof(struct sadb_key) == 8, "sadb_key");
_Static_assert(sizeof(struct sadb_ident) == 16, "sadb_ident");
_Static_assert(sizeof(struct sadb_sens) == 16, "sadb_sens");
_Static_assert(sizeof(struct sadb_prop) == 8, "sadb_prop");
_Static_assert(sizeof(struct sadb_comb) == 72, "sadb_comb");
_Static_assert(sizeof(struct sadb_supported) == 8, "sadb_supported");
_Static_assert(sizeof(struct sadb_alg) == 8, "sadb_alg");
_Static_assert(sizeof(struct sadb_spirange) == 16, "sadb_spirange");
_Static_assert(sizeof(struct sadb_x_kmprivate) == 8, "sadb_x_kmprivate");
_Static_assert(sizeof(struct sadb_x_sa2) == 16, "sadb_x_sa2");
_Static_assert(sizeof(struct sadb_x_policy) == 16, "sadb_x_policy");
_Static_assert(sizeof(struct sadb_x_ipsecrequest) == 8,
    "sadb_x_ipsecrequest");
_Static_assert(sizeof(struct sadb_x_nat_t_type) == 8, "sadb_x_nat_t_type");
_Static_assert(sizeof(struct sadb_x_nat_t_port) == 8, "sadb_x_nat_t_port");
_Static_assert(sizeof(struct sadb_x_nat_t_frag) == 8, "sadb_x_nat_t_frag");
_Static_assert(sizeof(struct sadb_x_sa_replay) == 8, "sadb_x_sa_replay");
#endif

#endif /* !_NET_PFKEYV2_H_ */
