/*
 * The PF_KEY v2 ABI: every constant, struct size and field offset of
 * <net/pfkeyv2.h> and <netipsec/ipsec.h> against RFC 2367 and the
 * FreeBSD/NetBSD values.  Each expectation is written once, in a list
 * below, and checked twice: by _Static_assert, so that a wrong header does
 * not build, and by a CUnit table walk, so that a report names every
 * mismatch instead of stopping at the first.
 */
#include <stdio.h>
#include <string.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>

#include <net/pfkeyv2.h>
#include <netipsec/ipsec.h>

#include "testlib.h"

/* Message types: RFC 2367 section 3.1, KAME/NetBSD SADB_X_*. */
#define MSG_TYPES(X)							\
	X(SADB_RESERVED, 0)						\
	X(SADB_GETSPI, 1)						\
	X(SADB_UPDATE, 2)						\
	X(SADB_ADD, 3)							\
	X(SADB_DELETE, 4)						\
	X(SADB_GET, 5)							\
	X(SADB_ACQUIRE, 6)						\
	X(SADB_REGISTER, 7)						\
	X(SADB_EXPIRE, 8)						\
	X(SADB_FLUSH, 9)						\
	X(SADB_DUMP, 10)						\
	X(SADB_X_PROMISC, 11)						\
	X(SADB_X_PCHANGE, 12)						\
	X(SADB_X_SPDUPDATE, 13)						\
	X(SADB_X_SPDADD, 14)						\
	X(SADB_X_SPDDELETE, 15)						\
	X(SADB_X_SPDGET, 16)						\
	X(SADB_X_SPDACQUIRE, 17)					\
	X(SADB_X_SPDDUMP, 18)						\
	X(SADB_X_SPDFLUSH, 19)						\
	X(SADB_X_SPDSETIDX, 20)						\
	X(SADB_X_SPDEXPIRE, 21)						\
	X(SADB_X_SPDDELETE2, 22)					\
	X(SADB_X_NAT_T_NEW_MAPPING, 23)					\
	X(SADB_X_MIGRATE, 24)

/* Extension types: RFC 2367 section 3.6, FreeBSD for 17-28. */
#define EXT_TYPES(X)							\
	X(SADB_EXT_RESERVED, 0)						\
	X(SADB_EXT_SA, 1)						\
	X(SADB_EXT_LIFETIME_CURRENT, 2)					\
	X(SADB_EXT_LIFETIME_HARD, 3)					\
	X(SADB_EXT_LIFETIME_SOFT, 4)					\
	X(SADB_EXT_ADDRESS_SRC, 5)					\
	X(SADB_EXT_ADDRESS_DST, 6)					\
	X(SADB_EXT_ADDRESS_PROXY, 7)					\
	X(SADB_EXT_KEY_AUTH, 8)						\
	X(SADB_EXT_KEY_ENCRYPT, 9)					\
	X(SADB_EXT_IDENTITY_SRC, 10)					\
	X(SADB_EXT_IDENTITY_DST, 11)					\
	X(SADB_EXT_SENSITIVITY, 12)					\
	X(SADB_EXT_PROPOSAL, 13)					\
	X(SADB_EXT_SUPPORTED_AUTH, 14)					\
	X(SADB_EXT_SUPPORTED_ENCRYPT, 15)				\
	X(SADB_EXT_SPIRANGE, 16)					\
	X(SADB_X_EXT_KMPRIVATE, 17)					\
	X(SADB_X_EXT_POLICY, 18)					\
	X(SADB_X_EXT_SA2, 19)						\
	X(SADB_X_EXT_NAT_T_TYPE, 20)					\
	X(SADB_X_EXT_NAT_T_SPORT, 21)					\
	X(SADB_X_EXT_NAT_T_DPORT, 22)					\
	X(SADB_X_EXT_NAT_T_OAI, 23)					\
	X(SADB_X_EXT_NAT_T_OAR, 24)					\
	X(SADB_X_EXT_NAT_T_FRAG, 25)					\
	X(SADB_X_EXT_SA_REPLAY, 26)					\
	X(SADB_X_EXT_NEW_ADDRESS_SRC, 27)				\
	X(SADB_X_EXT_NEW_ADDRESS_DST, 28)

/* Everything else: maxima, aliases, SA types, algorithms, flags, ipsec.h. */
#define OTHER_CONSTANTS(X)						\
	X(PF_KEY, 15)							\
	X(AF_KEY, 15)							\
	X(PF_KEY_V2, 2)							\
	X(PFKEYV2_REVISION, 199806L)					\
	X(SADB_MAX, 24)							\
	X(SADB_EXT_MAX, 28)						\
	X(SADB_X_EXT_NAT_T_OA, 23)					\
	X(SADB_SATYPE_UNSPEC, 0)					\
	X(SADB_SATYPE_AH, 2)						\
	X(SADB_SATYPE_ESP, 3)						\
	X(SADB_SATYPE_RSVP, 5)						\
	X(SADB_SATYPE_OSPFV2, 6)					\
	X(SADB_SATYPE_RIPV2, 7)						\
	X(SADB_SATYPE_MIP, 8)						\
	X(SADB_X_SATYPE_IPCOMP, 9)					\
	X(SADB_X_SATYPE_TCPSIGNATURE, 11)				\
	X(SADB_SATYPE_MAX, 12)						\
	X(SADB_SASTATE_LARVAL, 0)					\
	X(SADB_SASTATE_MATURE, 1)					\
	X(SADB_SASTATE_DYING, 2)					\
	X(SADB_SASTATE_DEAD, 3)						\
	X(SADB_SASTATE_MAX, 3)						\
	X(SADB_SAFLAGS_PFS, 1)						\
	X(SADB_AALG_NONE, 0)						\
	X(SADB_AALG_MD5HMAC, 2)						\
	X(SADB_AALG_SHA1HMAC, 3)					\
	X(SADB_X_AALG_SHA2_256, 5)					\
	X(SADB_X_AALG_SHA2_384, 6)					\
	X(SADB_X_AALG_SHA2_512, 7)					\
	X(SADB_X_AALG_RIPEMD160HMAC, 8)					\
	X(SADB_X_AALG_AES_XCBC_MAC, 9)					\
	X(SADB_X_AALG_AES128GMAC, 11)					\
	X(SADB_X_AALG_AES192GMAC, 12)					\
	X(SADB_X_AALG_AES256GMAC, 13)					\
	X(SADB_X_AALG_CHACHA20POLY1305, 14)				\
	X(SADB_X_AALG_MD5, 249)						\
	X(SADB_X_AALG_SHA, 250)						\
	X(SADB_X_AALG_NULL, 251)					\
	X(SADB_X_AALG_TCP_MD5, 252)					\
	X(SADB_AALG_MAX, 252)						\
	X(SADB_EALG_NONE, 0)						\
	X(SADB_EALG_DESCBC, 2)						\
	X(SADB_EALG_3DESCBC, 3)						\
	X(SADB_X_EALG_CAST128CBC, 6)					\
	X(SADB_X_EALG_BLOWFISHCBC, 7)					\
	X(SADB_EALG_NULL, 11)						\
	X(SADB_X_EALG_RIJNDAELCBC, 12)					\
	X(SADB_X_EALG_AES, 12)						\
	X(SADB_X_EALG_AESCBC, 12)					\
	X(SADB_X_EALG_AESCTR, 13)					\
	X(SADB_X_EALG_CHACHA20POLY1305, 15)				\
	X(SADB_X_EALG_AESGCM8, 18)					\
	X(SADB_X_EALG_AESGCM12, 19)					\
	X(SADB_X_EALG_AESGCM16, 20)					\
	X(SADB_X_EALG_CAMELLIACBC, 22)					\
	X(SADB_X_EALG_AESGMAC, 23)					\
	X(SADB_EALG_MAX, 23)						\
	X(SADB_X_CALG_NONE, 0)						\
	X(SADB_X_CALG_OUI, 1)						\
	X(SADB_X_CALG_DEFLATE, 2)					\
	X(SADB_X_CALG_LZS, 3)						\
	X(SADB_X_CALG_MAX, 4)						\
	X(SADB_IDENTTYPE_RESERVED, 0)					\
	X(SADB_IDENTTYPE_PREFIX, 1)					\
	X(SADB_IDENTTYPE_FQDN, 2)					\
	X(SADB_IDENTTYPE_USERFQDN, 3)					\
	X(SADB_X_IDENTTYPE_ADDR, 4)					\
	X(SADB_IDENTTYPE_MAX, 4)					\
	X(SADB_X_EXT_NONE, 0x0000)					\
	X(SADB_X_EXT_OLD, 0x0001)					\
	X(SADB_X_EXT_IV4B, 0x0010)					\
	X(SADB_X_EXT_DERIV, 0x0020)					\
	X(SADB_X_EXT_CYCSEQ, 0x0040)					\
	X(SADB_X_EXT_RAWCPI, 0x0080)					\
	X(SADB_X_EXT_PSEQ, 0x0000)					\
	X(SADB_X_EXT_PRAND, 0x0100)					\
	X(SADB_X_EXT_PZERO, 0x0200)					\
	X(SADB_X_EXT_PMASK, 0x0300)					\
	X(SADB_X_SAFLAGS_ESN, 0x0400)					\
	X(SADB_KEY_FLAGS_MAX, 0x0fff)					\
	X(SADB_X_LIFETIME_ALLOCATIONS, 0)				\
	X(SADB_X_LIFETIME_BYTES, 1)					\
	X(SADB_X_LIFETIME_ADDTIME, 2)					\
	X(SADB_X_LIFETIME_USETIME, 3)					\
	X(PFKEY_SOFT_LIFETIME_RATE, 80)					\
	X(PFKEY_SPI_SIZE, 4)						\
	X(UDP_ENCAP_ESPINUDP_NON_IKE, 1)				\
	X(UDP_ENCAP_ESPINUDP, 2)					\
	X(IPSEC_PORT_ANY, 0)						\
	X(IPSEC_ULPROTO_ANY, 255)					\
	X(IPSEC_PROTO_ANY, 255)						\
	X(IPSEC_MODE_ANY, 0)						\
	X(IPSEC_MODE_TRANSPORT, 1)					\
	X(IPSEC_MODE_TUNNEL, 2)						\
	X(IPSEC_MODE_TCPMD5, 3)						\
	X(IPSEC_DIR_ANY, 0)						\
	X(IPSEC_DIR_INBOUND, 1)						\
	X(IPSEC_DIR_OUTBOUND, 2)					\
	X(IPSEC_DIR_MAX, 3)						\
	X(IPSEC_DIR_FWD, 3)						\
	X(IPSEC_DIR_INVALID, 4)						\
	X(IPSEC_POLICY_DISCARD, 0)					\
	X(IPSEC_POLICY_NONE, 1)						\
	X(IPSEC_POLICY_IPSEC, 2)					\
	X(IPSEC_POLICY_ENTRUST, 3)					\
	X(IPSEC_POLICY_BYPASS, 4)					\
	X(IPSEC_POLICY_TCP, 5)						\
	X(IPSEC_POLICYSCOPE_ANY, 0)					\
	X(IPSEC_POLICYSCOPE_GLOBAL, 1)					\
	X(IPSEC_POLICYSCOPE_IFNET, 2)					\
	X(IPSEC_POLICYSCOPE_PCB, 4)					\
	X(IPSEC_LEVEL_DEFAULT, 0)					\
	X(IPSEC_LEVEL_USE, 1)						\
	X(IPSEC_LEVEL_REQUIRE, 2)					\
	X(IPSEC_LEVEL_UNIQUE, 3)					\
	X(IPSEC_MANUAL_REQID_MAX, 0x3fff)				\
	X(IPSEC_REPLAYWSIZE, 32)					\
	X(IPSEC_MAXREQ, 4)						\
	X(IPSECCTL_STATS, 1)						\
	X(IPSECCTL_DEF_POLICY, 2)					\
	X(IPSECCTL_DEF_ESP_TRANSLEV, 3)					\
	X(IPSECCTL_DEF_ESP_NETLEV, 4)					\
	X(IPSECCTL_DEF_AH_TRANSLEV, 5)					\
	X(IPSECCTL_DEF_AH_NETLEV, 6)					\
	X(IPSECCTL_INBOUND_CALL_IKE, 7)					\
	X(IPSECCTL_AH_CLEARTOS, 8)					\
	X(IPSECCTL_AH_OFFSETMASK, 9)					\
	X(IPSECCTL_DFBIT, 10)						\
	X(IPSECCTL_ECN, 11)						\
	X(IPSECCTL_DEBUG, 12)						\
	X(IPSECCTL_ESP_RANDPAD, 13)					\
	X(IPSECCTL_MAXID, 14)						\
	X(IP_IPSEC_POLICY, 16)						\
	X(IPV6_IPSEC_POLICY, 34)					\
	X(EIPSEC_NO_ERROR, 0)						\
	X(EIPSEC_NOT_SUPPORTED, 1)					\
	X(EIPSEC_INVAL_ARGUMENT, 2)					\
	X(EIPSEC_INVAL_SADBMSG, 3)					\
	X(EIPSEC_INVAL_VERSION, 4)					\
	X(EIPSEC_INVAL_POLICY, 5)					\
	X(EIPSEC_INVAL_ADDRESS, 6)					\
	X(EIPSEC_INVAL_PROTO, 7)					\
	X(EIPSEC_INVAL_MODE, 8)						\
	X(EIPSEC_INVAL_LEVEL, 9)					\
	X(EIPSEC_INVAL_SATYPE, 10)					\
	X(EIPSEC_INVAL_MSGTYPE, 11)					\
	X(EIPSEC_INVAL_EXTTYPE, 12)					\
	X(EIPSEC_INVAL_ALGS, 13)					\
	X(EIPSEC_INVAL_KEYLEN, 14)					\
	X(EIPSEC_INVAL_FAMILY, 15)					\
	X(EIPSEC_INVAL_PREFIXLEN, 16)					\
	X(EIPSEC_INVAL_DIR, 17)						\
	X(EIPSEC_INVAL_SPI, 18)						\
	X(EIPSEC_NO_PROTO, 19)						\
	X(EIPSEC_NO_ALGS, 20)						\
	X(EIPSEC_NO_BUFS, 21)						\
	X(EIPSEC_DO_GET_SUPP_LIST, 22)					\
	X(EIPSEC_PROTO_MISMATCH, 23)					\
	X(EIPSEC_FAMILY_MISMATCH, 24)					\
	X(EIPSEC_FEW_ARGUMENTS, 25)					\
	X(EIPSEC_SYSTEM_ERROR, 26)					\
	X(EIPSEC_MAX, 27)

/* Struct sizes: RFC 2367 section 2, KAME/FreeBSD pfkeyv2.h. */
#define STRUCT_SIZES(X)							\
	X(sadb_msg, 16)							\
	X(sadb_ext, 4)							\
	X(sadb_sa, 16)							\
	X(sadb_lifetime, 32)						\
	X(sadb_address, 8)						\
	X(sadb_key, 8)							\
	X(sadb_ident, 16)						\
	X(sadb_sens, 16)						\
	X(sadb_prop, 8)							\
	X(sadb_comb, 72)						\
	X(sadb_supported, 8)						\
	X(sadb_alg, 8)							\
	X(sadb_spirange, 16)						\
	X(sadb_x_kmprivate, 8)						\
	X(sadb_x_sa2, 16)						\
	X(sadb_x_policy, 16)						\
	X(sadb_x_ipsecrequest, 8)					\
	X(sadb_x_nat_t_type, 8)						\
	X(sadb_x_nat_t_port, 8)						\
	X(sadb_x_nat_t_frag, 8)						\
	X(sadb_x_sa_replay, 8)

/* Every field: struct, field, offset, size in bytes. */
#define FIELDS(X)							\
	X(sadb_msg, sadb_msg_version, 0, 1)				\
	X(sadb_msg, sadb_msg_type, 1, 1)				\
	X(sadb_msg, sadb_msg_errno, 2, 1)				\
	X(sadb_msg, sadb_msg_satype, 3, 1)				\
	X(sadb_msg, sadb_msg_len, 4, 2)					\
	X(sadb_msg, sadb_msg_reserved, 6, 2)				\
	X(sadb_msg, sadb_msg_seq, 8, 4)					\
	X(sadb_msg, sadb_msg_pid, 12, 4)				\
	X(sadb_ext, sadb_ext_len, 0, 2)					\
	X(sadb_ext, sadb_ext_type, 2, 2)				\
	X(sadb_sa, sadb_sa_len, 0, 2)					\
	X(sadb_sa, sadb_sa_exttype, 2, 2)				\
	X(sadb_sa, sadb_sa_spi, 4, 4)					\
	X(sadb_sa, sadb_sa_replay, 8, 1)				\
	X(sadb_sa, sadb_sa_state, 9, 1)					\
	X(sadb_sa, sadb_sa_auth, 10, 1)					\
	X(sadb_sa, sadb_sa_encrypt, 11, 1)				\
	X(sadb_sa, sadb_sa_flags, 12, 4)				\
	X(sadb_lifetime, sadb_lifetime_len, 0, 2)			\
	X(sadb_lifetime, sadb_lifetime_exttype, 2, 2)			\
	X(sadb_lifetime, sadb_lifetime_allocations, 4, 4)		\
	X(sadb_lifetime, sadb_lifetime_bytes, 8, 8)			\
	X(sadb_lifetime, sadb_lifetime_addtime, 16, 8)			\
	X(sadb_lifetime, sadb_lifetime_usetime, 24, 8)			\
	X(sadb_address, sadb_address_len, 0, 2)				\
	X(sadb_address, sadb_address_exttype, 2, 2)			\
	X(sadb_address, sadb_address_proto, 4, 1)			\
	X(sadb_address, sadb_address_prefixlen, 5, 1)			\
	X(sadb_address, sadb_address_reserved, 6, 2)			\
	X(sadb_key, sadb_key_len, 0, 2)					\
	X(sadb_key, sadb_key_exttype, 2, 2)				\
	X(sadb_key, sadb_key_bits, 4, 2)				\
	X(sadb_key, sadb_key_reserved, 6, 2)				\
	X(sadb_ident, sadb_ident_len, 0, 2)				\
	X(sadb_ident, sadb_ident_exttype, 2, 2)				\
	X(sadb_ident, sadb_ident_type, 4, 2)				\
	X(sadb_ident, sadb_ident_reserved, 6, 2)			\
	X(sadb_ident, sadb_ident_id, 8, 8)				\
	X(sadb_sens, sadb_sens_len, 0, 2)				\
	X(sadb_sens, sadb_sens_exttype, 2, 2)				\
	X(sadb_sens, sadb_sens_dpd, 4, 4)				\
	X(sadb_sens, sadb_sens_sens_level, 8, 1)			\
	X(sadb_sens, sadb_sens_sens_len, 9, 1)				\
	X(sadb_sens, sadb_sens_integ_level, 10, 1)			\
	X(sadb_sens, sadb_sens_integ_len, 11, 1)			\
	X(sadb_sens, sadb_sens_reserved, 12, 4)				\
	X(sadb_prop, sadb_prop_len, 0, 2)				\
	X(sadb_prop, sadb_prop_exttype, 2, 2)				\
	X(sadb_prop, sadb_prop_replay, 4, 1)				\
	X(sadb_prop, sadb_prop_reserved, 5, 3)				\
	X(sadb_comb, sadb_comb_auth, 0, 1)				\
	X(sadb_comb, sadb_comb_encrypt, 1, 1)				\
	X(sadb_comb, sadb_comb_flags, 2, 2)				\
	X(sadb_comb, sadb_comb_auth_minbits, 4, 2)			\
	X(sadb_comb, sadb_comb_auth_maxbits, 6, 2)			\
	X(sadb_comb, sadb_comb_encrypt_minbits, 8, 2)			\
	X(sadb_comb, sadb_comb_encrypt_maxbits, 10, 2)			\
	X(sadb_comb, sadb_comb_reserved, 12, 4)				\
	X(sadb_comb, sadb_comb_soft_allocations, 16, 4)			\
	X(sadb_comb, sadb_comb_hard_allocations, 20, 4)			\
	X(sadb_comb, sadb_comb_soft_bytes, 24, 8)			\
	X(sadb_comb, sadb_comb_hard_bytes, 32, 8)			\
	X(sadb_comb, sadb_comb_soft_addtime, 40, 8)			\
	X(sadb_comb, sadb_comb_hard_addtime, 48, 8)			\
	X(sadb_comb, sadb_comb_soft_usetime, 56, 8)			\
	X(sadb_comb, sadb_comb_hard_usetime, 64, 8)			\
	X(sadb_supported, sadb_supported_len, 0, 2)			\
	X(sadb_supported, sadb_supported_exttype, 2, 2)			\
	X(sadb_supported, sadb_supported_reserved, 4, 4)		\
	X(sadb_alg, sadb_alg_id, 0, 1)					\
	X(sadb_alg, sadb_alg_ivlen, 1, 1)				\
	X(sadb_alg, sadb_alg_minbits, 2, 2)				\
	X(sadb_alg, sadb_alg_maxbits, 4, 2)				\
	X(sadb_alg, sadb_alg_reserved, 6, 2)				\
	X(sadb_spirange, sadb_spirange_len, 0, 2)			\
	X(sadb_spirange, sadb_spirange_exttype, 2, 2)			\
	X(sadb_spirange, sadb_spirange_min, 4, 4)			\
	X(sadb_spirange, sadb_spirange_max, 8, 4)			\
	X(sadb_spirange, sadb_spirange_reserved, 12, 4)			\
	X(sadb_x_kmprivate, sadb_x_kmprivate_len, 0, 2)			\
	X(sadb_x_kmprivate, sadb_x_kmprivate_exttype, 2, 2)		\
	X(sadb_x_kmprivate, sadb_x_kmprivate_reserved, 4, 4)		\
	X(sadb_x_sa2, sadb_x_sa2_len, 0, 2)				\
	X(sadb_x_sa2, sadb_x_sa2_exttype, 2, 2)				\
	X(sadb_x_sa2, sadb_x_sa2_mode, 4, 1)				\
	X(sadb_x_sa2, sadb_x_sa2_reserved1, 5, 1)			\
	X(sadb_x_sa2, sadb_x_sa2_reserved2, 6, 2)			\
	X(sadb_x_sa2, sadb_x_sa2_sequence, 8, 4)			\
	X(sadb_x_sa2, sadb_x_sa2_reserved3, 8, 4)			\
	X(sadb_x_sa2, sadb_x_sa2_reqid, 12, 4)				\
	X(sadb_x_policy, sadb_x_policy_len, 0, 2)			\
	X(sadb_x_policy, sadb_x_policy_exttype, 2, 2)			\
	X(sadb_x_policy, sadb_x_policy_type, 4, 2)			\
	X(sadb_x_policy, sadb_x_policy_dir, 6, 1)			\
	X(sadb_x_policy, sadb_x_policy_reserved, 7, 1)			\
	X(sadb_x_policy, sadb_x_policy_scope, 7, 1)			\
	X(sadb_x_policy, sadb_x_policy_id, 8, 4)			\
	X(sadb_x_policy, sadb_x_policy_priority, 12, 4)			\
	X(sadb_x_policy, sadb_x_policy_ifindex, 12, 4)			\
	X(sadb_x_policy, sadb_x_policy_reserved2, 12, 4)		\
	X(sadb_x_ipsecrequest, sadb_x_ipsecrequest_len, 0, 2)		\
	X(sadb_x_ipsecrequest, sadb_x_ipsecrequest_proto, 2, 2)		\
	X(sadb_x_ipsecrequest, sadb_x_ipsecrequest_mode, 4, 1)		\
	X(sadb_x_ipsecrequest, sadb_x_ipsecrequest_level, 5, 1)		\
	X(sadb_x_ipsecrequest, sadb_x_ipsecrequest_reqid, 6, 2)		\
	X(sadb_x_nat_t_type, sadb_x_nat_t_type_len, 0, 2)		\
	X(sadb_x_nat_t_type, sadb_x_nat_t_type_exttype, 2, 2)		\
	X(sadb_x_nat_t_type, sadb_x_nat_t_type_type, 4, 1)		\
	X(sadb_x_nat_t_type, sadb_x_nat_t_type_reserved, 5, 3)		\
	X(sadb_x_nat_t_port, sadb_x_nat_t_port_len, 0, 2)		\
	X(sadb_x_nat_t_port, sadb_x_nat_t_port_exttype, 2, 2)		\
	X(sadb_x_nat_t_port, sadb_x_nat_t_port_port, 4, 2)		\
	X(sadb_x_nat_t_port, sadb_x_nat_t_port_reserved, 6, 2)		\
	X(sadb_x_nat_t_frag, sadb_x_nat_t_frag_len, 0, 2)		\
	X(sadb_x_nat_t_frag, sadb_x_nat_t_frag_exttype, 2, 2)		\
	X(sadb_x_nat_t_frag, sadb_x_nat_t_frag_fraglen, 4, 2)		\
	X(sadb_x_nat_t_frag, sadb_x_nat_t_frag_reserved, 6, 2)		\
	X(sadb_x_sa_replay, sadb_x_sa_replay_len, 0, 2)			\
	X(sadb_x_sa_replay, sadb_x_sa_replay_exttype, 2, 2)		\
	X(sadb_x_sa_replay, sadb_x_sa_replay_replay, 4, 4)

#define FIELD_SIZE(s, f)	sizeof(((struct s *)0)->f)

/* Compile time: a wrong header does not build. */
#define ASSERT_CONSTANT(name, value)					\
	_Static_assert((name) == (value), #name " == " #value);
#define ASSERT_STRUCT_SIZE(s, size)					\
	_Static_assert(sizeof(struct s) == (size),			\
	    "sizeof(struct " #s ") == " #size);
#define ASSERT_FIELD(s, f, off, size)					\
	_Static_assert(offsetof(struct s, f) == (off),			\
	    "offsetof(" #s ", " #f ") == " #off);			\
	_Static_assert(FIELD_SIZE(s, f) == (size),			\
	    "sizeof(" #s "." #f ") == " #size);

MSG_TYPES(ASSERT_CONSTANT)
EXT_TYPES(ASSERT_CONSTANT)
OTHER_CONSTANTS(ASSERT_CONSTANT)
STRUCT_SIZES(ASSERT_STRUCT_SIZE)
FIELDS(ASSERT_FIELD)

/* The libipsec prototypes have the KAME signatures. */
_Static_assert(__builtin_types_compatible_p(__typeof__(&ipsec_set_policy),
    char *(*)(const char *, int)), "ipsec_set_policy");
_Static_assert(__builtin_types_compatible_p(
    __typeof__(&ipsec_get_policylen), int (*)(const char *)),
    "ipsec_get_policylen");
_Static_assert(__builtin_types_compatible_p(__typeof__(&ipsec_dump_policy),
    char *(*)(const char *, const char *)), "ipsec_dump_policy");
_Static_assert(__builtin_types_compatible_p(__typeof__(&ipsec_strerror),
    const char *(*)(void)), "ipsec_strerror");

/* Run time: the same lists as tables, every mismatch reported by name. */
struct constant_check {
	const char	*name;
	long long	 value;
	long long	 expected;
};

struct size_check {
	const char	*name;
	size_t		 size;
	size_t		 expected;
};

struct field_check {
	const char	*strct;
	const char	*field;
	size_t		 offset;
	size_t		 size;
	size_t		 expected_offset;
	size_t		 expected_size;
};

#define CONSTANT_ROW(name, value)	{ #name, (long long)(name), (value) },
#define SIZE_ROW(s, size)		{ #s, sizeof(struct s), (size) },
#define FIELD_ROW(s, f, off, size)					\
	{ #s, #f, offsetof(struct s, f), FIELD_SIZE(s, f), (off), (size) },

static const struct constant_check msg_types[] = { MSG_TYPES(CONSTANT_ROW) };
static const struct constant_check ext_types[] = { EXT_TYPES(CONSTANT_ROW) };
static const struct constant_check other_constants[] = {
	OTHER_CONSTANTS(CONSTANT_ROW)
};
static const struct size_check struct_sizes[] = { STRUCT_SIZES(SIZE_ROW) };
static const struct field_check fields[] = { FIELDS(FIELD_ROW) };

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

_Static_assert(NELEM(msg_types) == SADB_MAX + 1, "one row per message");
_Static_assert(NELEM(ext_types) == SADB_EXT_MAX + 1, "one row per ext");
_Static_assert(NELEM(struct_sizes) == 21, "every struct listed");

static unsigned int
check_constants(const struct constant_check *c, size_t n)
{
	unsigned int bad = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (c[i].value == c[i].expected)
			continue;
		fprintf(stderr, "%s is %lld, expected %lld\n", c[i].name,
		    c[i].value, c[i].expected);
		bad++;
	}
	return bad;
}

static void
test_message_types(void)
{
	CU_ASSERT_EQUAL(check_constants(msg_types, NELEM(msg_types)), 0);
}

static void
test_extension_types(void)
{
	CU_ASSERT_EQUAL(check_constants(ext_types, NELEM(ext_types)), 0);
}

static void
test_other_constants(void)
{
	CU_ASSERT_EQUAL(check_constants(other_constants,
	    NELEM(other_constants)), 0);
}

/*
 * The message and extension type lists are listed in value order, so the
 * n-th row must carry the value n: no gap, no duplicate, and the maximum is
 * the last row.  Handler tables indexed by type depend on this.
 */
static void
check_dense(const struct constant_check *c, size_t n, long long max)
{
	size_t i;

	for (i = 0; i < n; i++)
		CU_ASSERT_EQUAL(c[i].value, (long long)i);
	CU_ASSERT_EQUAL(c[n - 1].value, max);
}

static void
test_types_dense(void)
{
	check_dense(msg_types, NELEM(msg_types), SADB_MAX);
	check_dense(ext_types, NELEM(ext_types), SADB_EXT_MAX);
}

static void
test_struct_sizes(void)
{
	unsigned int bad = 0;
	size_t i;

	for (i = 0; i < NELEM(struct_sizes); i++) {
		if (struct_sizes[i].size == struct_sizes[i].expected)
			continue;
		fprintf(stderr, "sizeof(struct %s) is %zu, expected %zu\n",
		    struct_sizes[i].name, struct_sizes[i].size,
		    struct_sizes[i].expected);
		bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
}

static void
test_field_offsets(void)
{
	const struct field_check *f;
	unsigned int bad = 0;
	size_t i;

	for (i = 0; i < NELEM(fields); i++) {
		f = &fields[i];
		if (f->offset == f->expected_offset &&
		    f->size == f->expected_size)
			continue;
		fprintf(stderr, "%s.%s: %zu+%zu, expected %zu+%zu\n",
		    f->strct, f->field, f->offset, f->size,
		    f->expected_offset, f->expected_size);
		bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
}

/*
 * Fields must tile each struct: every byte belongs to some field, so no
 * hidden padding can carry stale memory onto the wire.  Aliases (union
 * members at the same offset) are skipped.
 */
static void
test_fields_cover_structs(void)
{
	size_t i, j, next;

	for (i = 0; i < NELEM(struct_sizes); i++) {
		next = 0;
		for (j = 0; j < NELEM(fields); j++) {
			if (strcmp(fields[j].strct, struct_sizes[i].name) != 0)
				continue;
			if (fields[j].offset + fields[j].size <= next)
				continue;
			CU_ASSERT_EQUAL(fields[j].offset, next);
			next = fields[j].offset + fields[j].size;
		}
		CU_ASSERT_EQUAL(next, struct_sizes[i].size);
	}
}

/* Each 8-byte field is 8-byte aligned, so no ABI can move it. */
static void
test_u64_fields_aligned(void)
{
	size_t i;

	for (i = 0; i < NELEM(fields); i++)
		if (fields[i].size == 8)
			CU_ASSERT_EQUAL(fields[i].offset % 8, 0);
}

/* The C11 anonymous-union aliases really share storage. */
static void
test_field_aliases(void)
{
	struct sadb_x_policy xpl;
	struct sadb_x_sa2 sa2;

	memset(&xpl, 0, sizeof(xpl));
	xpl.sadb_x_policy_scope = 4;
	CU_ASSERT_EQUAL(xpl.sadb_x_policy_reserved, 4);
	xpl.sadb_x_policy_priority = 0x12345678;
	CU_ASSERT_EQUAL(xpl.sadb_x_policy_ifindex, 0x12345678);
	CU_ASSERT_EQUAL(xpl.sadb_x_policy_reserved2, 0x12345678);
	CU_ASSERT_EQUAL(xpl.sadb_x_policy_id, 0);

	memset(&sa2, 0, sizeof(sa2));
	sa2.sadb_x_sa2_sequence = 77;
	CU_ASSERT_EQUAL(sa2.sadb_x_sa2_reserved3, 77);
	CU_ASSERT_EQUAL(sa2.sadb_x_sa2_reqid, 0);
}

static void
test_align8(void)
{
	static const struct {
		unsigned int in, out;
	} cases[] = {
		{ 0, 0 }, { 1, 8 }, { 7, 8 }, { 8, 8 }, { 9, 16 },
		{ 13, 16 }, { 16, 16 }, { 17, 24 }, { 28, 32 },
		{ 65535, 65536 },
	};
	size_t i;

	for (i = 0; i < NELEM(cases); i++)
		CU_ASSERT_EQUAL(PFKEY_ALIGN8(cases[i].in), cases[i].out);
	CU_ASSERT_EQUAL(PFKEY_ALIGN8(sizeof(struct sockaddr_in6)), 32);
	CU_ASSERT_EQUAL(PFKEY_ALIGN8(sizeof(struct sockaddr_in)), 16);
}

static void
test_unit64(void)
{
	unsigned int words;

	CU_ASSERT_EQUAL(PFKEY_UNIT64(24), 3);
	CU_ASSERT_EQUAL(PFKEY_UNIT64(16), 2);
	CU_ASSERT_EQUAL(PFKEY_UNIT64(0), 0);
	CU_ASSERT_EQUAL(PFKEY_UNUNIT64(3), 24);
	CU_ASSERT_EQUAL(PFKEY_UNUNIT64(0), 0);
	CU_ASSERT_EQUAL(PFKEY_UNUNIT64(0xffff), 524280);
	for (words = 0; words <= 0xffff; words++)
		if (PFKEY_UNIT64(PFKEY_UNUNIT64(words)) != words)
			break;
	CU_ASSERT_EQUAL(words, 0x10000);
}

static void
test_extlen(void)
{
	union {
		uint64_t align;
		uint8_t bytes[64];
	} buf;
	struct sadb_ext *ext = (struct sadb_ext *)(void *)buf.bytes;
	struct sadb_ext *next;

	memset(&buf, 0, sizeof(buf));
	ext->sadb_ext_len = 3;
	ext->sadb_ext_type = SADB_EXT_ADDRESS_SRC;
	CU_ASSERT_EQUAL(PFKEY_EXTLEN(ext), 24);
	CU_ASSERT_EQUAL(PFKEY_EXTLEN(buf.bytes), 24);

	/* Walking by PFKEY_EXTLEN lands on the next extension. */
	next = (struct sadb_ext *)(void *)(buf.bytes + PFKEY_EXTLEN(ext));
	next->sadb_ext_len = PFKEY_UNIT64(sizeof(buf) - 24);
	CU_ASSERT_PTR_EQUAL((uint8_t *)next, buf.bytes + 24);
	CU_ASSERT_EQUAL(PFKEY_EXTLEN(ext) + PFKEY_EXTLEN(next), sizeof(buf));
	CU_ASSERT_EQUAL(PFKEY_EXTLEN(ext), 24);
}

static void
test_address_macros(void)
{
	union {
		uint64_t align;
		uint8_t bytes[8 + 32];
	} buf;
	struct sadb_address *addr = (struct sadb_address *)(void *)buf.bytes;
	struct sockaddr_in6 sin6;
	struct sockaddr *sa;

	memset(&buf, 0, sizeof(buf));
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(4500);
	addr->sadb_address_len = PFKEY_UNIT64(sizeof(buf));
	addr->sadb_address_exttype = SADB_EXT_ADDRESS_DST;
	addr->sadb_address_proto = IPPROTO_UDP;
	addr->sadb_address_prefixlen = 64;
	memcpy(buf.bytes + sizeof(*addr), &sin6, sizeof(sin6));

	CU_ASSERT_EQUAL(PFKEY_ADDR_PROTO(addr), IPPROTO_UDP);
	CU_ASSERT_EQUAL(PFKEY_ADDR_PREFIX(addr), 64);
	sa = PFKEY_ADDR_SADDR(addr);
	CU_ASSERT_PTR_EQUAL((uint8_t *)sa, buf.bytes + 8);
	CU_ASSERT_EQUAL(sa->sa_family, AF_INET6);
	CU_ASSERT_EQUAL(PFKEY_ALIGN8(sizeof(*addr) + pfkey_sockaddr_len(sa)),
	    PFKEY_EXTLEN(addr));

	/* The macros are lvalues, as on the BSDs. */
	PFKEY_ADDR_PREFIX(addr) = 128;
	CU_ASSERT_EQUAL(addr->sadb_address_prefixlen, 128);
}

static void
test_sockaddr_len(void)
{
	struct sockaddr_storage ss;

	memset(&ss, 0, sizeof(ss));
	CU_ASSERT_EQUAL(pfkey_sockaddr_len(NULL), 0);
	ss.ss_family = AF_INET;
	CU_ASSERT_EQUAL(pfkey_sockaddr_len((struct sockaddr *)&ss), 16);
	CU_ASSERT_EQUAL(pfkey_sockaddr_len((struct sockaddr *)&ss),
	    sizeof(struct sockaddr_in));
	ss.ss_family = AF_INET6;
	CU_ASSERT_EQUAL(pfkey_sockaddr_len((struct sockaddr *)&ss), 28);
	CU_ASSERT_EQUAL(pfkey_sockaddr_len((struct sockaddr *)&ss),
	    sizeof(struct sockaddr_in6));
	ss.ss_family = AF_UNSPEC;
	CU_ASSERT_EQUAL(pfkey_sockaddr_len((struct sockaddr *)&ss), 0);
	ss.ss_family = AF_UNIX;
	CU_ASSERT_EQUAL(pfkey_sockaddr_len((struct sockaddr *)&ss), 0);
	ss.ss_family = AF_KEY;
	CU_ASSERT_EQUAL(pfkey_sockaddr_len((struct sockaddr *)&ss), 0);
	ss.ss_family = 0xffff;
	CU_ASSERT_EQUAL(pfkey_sockaddr_len((struct sockaddr *)&ss), 0);
}

/*
 * A message built through the structs has the RFC byte image: the
 * single-byte fields at their RFC positions, lengths in host order.
 */
static void
test_message_image(void)
{
	struct {
		struct sadb_msg msg;
		struct sadb_sa sa;
	} m;
	const uint8_t *b = (const uint8_t *)&m;
	uint16_t len;
	uint32_t spi;

	memset(&m, 0, sizeof(m));
	m.msg.sadb_msg_version = PF_KEY_V2;
	m.msg.sadb_msg_type = SADB_GET;
	m.msg.sadb_msg_errno = 0;
	m.msg.sadb_msg_satype = SADB_SATYPE_ESP;
	m.msg.sadb_msg_len = PFKEY_UNIT64(sizeof(m));
	m.sa.sadb_sa_len = PFKEY_UNIT64(sizeof(m.sa));
	m.sa.sadb_sa_exttype = SADB_EXT_SA;
	m.sa.sadb_sa_spi = htonl(0x1000);
	m.sa.sadb_sa_replay = 4;
	m.sa.sadb_sa_state = SADB_SASTATE_MATURE;
	m.sa.sadb_sa_auth = SADB_X_AALG_SHA2_256;
	m.sa.sadb_sa_encrypt = SADB_X_EALG_AESGCM16;

	CU_ASSERT_EQUAL(sizeof(m), 32);
	CU_ASSERT_EQUAL(b[0], 2);
	CU_ASSERT_EQUAL(b[1], 5);
	CU_ASSERT_EQUAL(b[3], 3);
	memcpy(&len, b + 4, sizeof(len));
	CU_ASSERT_EQUAL(len, 4);
	memcpy(&len, b + 16, sizeof(len));
	CU_ASSERT_EQUAL(len, 2);
	memcpy(&len, b + 18, sizeof(len));
	CU_ASSERT_EQUAL(len, 1);
	CU_ASSERT_EQUAL(b[20], 0x00);
	CU_ASSERT_EQUAL(b[21], 0x00);
	CU_ASSERT_EQUAL(b[22], 0x10);
	CU_ASSERT_EQUAL(b[23], 0x00);
	memcpy(&spi, b + 20, sizeof(spi));
	CU_ASSERT_EQUAL(ntohl(spi), 0x1000);
	CU_ASSERT_EQUAL(b[24], 4);
	CU_ASSERT_EQUAL(b[25], 1);
	CU_ASSERT_EQUAL(b[26], 5);
	CU_ASSERT_EQUAL(b[27], 20);
}

/* The SA flag bits do not overlap, except the padding field's values. */
static void
test_sa_flags(void)
{
	static const uint32_t bits[] = {
		SADB_X_EXT_OLD, SADB_X_EXT_IV4B, SADB_X_EXT_DERIV,
		SADB_X_EXT_CYCSEQ, SADB_X_EXT_RAWCPI, SADB_X_EXT_PMASK,
		SADB_X_SAFLAGS_ESN,
	};
	uint32_t seen = 0;
	size_t i;

	for (i = 0; i < NELEM(bits); i++) {
		CU_ASSERT_EQUAL(seen & bits[i], 0);
		CU_ASSERT_EQUAL(bits[i] & ~(uint32_t)SADB_KEY_FLAGS_MAX, 0);
		seen |= bits[i];
	}
	CU_ASSERT_EQUAL(SADB_X_EXT_PRAND & ~SADB_X_EXT_PMASK, 0);
	CU_ASSERT_EQUAL(SADB_X_EXT_PZERO & ~SADB_X_EXT_PMASK, 0);
}

static const struct test_case constant_cases[] = {
	{ "message types", test_message_types },
	{ "extension types", test_extension_types },
	{ "other constants", test_other_constants },
	{ "types are dense", test_types_dense },
	{ "sa flag bits", test_sa_flags },
	{ NULL, NULL },
};

static const struct test_case layout_cases[] = {
	{ "struct sizes", test_struct_sizes },
	{ "field offsets and sizes", test_field_offsets },
	{ "fields cover structs", test_fields_cover_structs },
	{ "u64 fields aligned", test_u64_fields_aligned },
	{ "field aliases", test_field_aliases },
	{ "message byte image", test_message_image },
	{ NULL, NULL },
};

static const struct test_case helper_cases[] = {
	{ "PFKEY_ALIGN8", test_align8 },
	{ "PFKEY_UNIT64/UNUNIT64", test_unit64 },
	{ "PFKEY_EXTLEN", test_extlen },
	{ "PFKEY_ADDR_*", test_address_macros },
	{ "pfkey_sockaddr_len", test_sockaddr_len },
	{ NULL, NULL },
};

const struct test_suite test_suites[] = {
	{ "pfkey abi constants", NULL, NULL, constant_cases },
	{ "pfkey abi layout", NULL, NULL, layout_cases },
	{ "pfkey abi helpers", NULL, NULL, helper_cases },
	{ NULL, NULL, NULL, NULL },
};
