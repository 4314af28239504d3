/*
 * The SA record: what GET, DUMP and EXPIRE say about one SA (KAME
 * key_setdumpsa(), with FreeBSD's SA2, NAT-T and SA_REPLAY additions).
 *
 * Addresses go out with the full prefix and upper-layer protocol ANY, as
 * KAME writes them.  The window: sadb_sa_replay carries it in bytes of
 * bitmap, at most 255; when that cannot say it exactly (more than 2040
 * packets, or not a multiple of 8, which only SA_REPLAY can ask for) the
 * record adds SADB_X_EXT_SA_REPLAY with the window in packets, as FreeBSD
 * does for large windows.  SA2's sequence is the output sequence
 * counter (FreeBSD key_setdumpsa()).
 */
#include <stdint.h>

#include "net/pfkeyv2.h"
#include "netipsec/ipsec.h"
#include "sys/netkey/key_build.h"
#include "sys/netkey/key_msg_sa.h"
#include "sys/netkey/key_sa.h"

#define REPLAY_BYTES_MAX	255

static uint8_t
full_prefix(const struct ipsec_sa *sa)
{
	return sa->dst.sa.sa_family == AF_INET6 ? 128 : 32;
}

static uint8_t
replay_bytes(uint32_t packets)
{
	uint32_t bytes = packets / 8 + (packets % 8 != 0);

	return bytes > REPLAY_BYTES_MAX ? REPLAY_BYTES_MAX : (uint8_t)bytes;
}

static int
replay_needs_ext(uint32_t packets)
{
	return packets % 8 != 0 || packets / 8 > REPLAY_BYTES_MAX;
}

void
key_sa_record_index(struct key_buf *b, const struct ipsec_sa *sa)
{
	key_build_sa(b, sa->spi, replay_bytes(sa->replay), sa->state,
	    sa->alg_auth, sa->alg_enc, sa->flags);
	key_build_sa2(b, sa->mode, sa->reqid, (uint32_t)key_sa_seq_out(sa));
	key_build_address(b, SADB_EXT_ADDRESS_SRC, &sa->src.sa,
	    full_prefix(sa), IPSEC_ULPROTO_ANY);
	key_build_address(b, SADB_EXT_ADDRESS_DST, &sa->dst.sa,
	    full_prefix(sa), IPSEC_ULPROTO_ANY);
}

static int
lifetime_set(const struct ipsec_sa_lifetime *lt)
{
	return lt->allocations != 0 || lt->bytes != 0 || lt->addtime != 0 ||
	    lt->usetime != 0;
}

static void
build_lifetime(struct key_buf *b, uint16_t exttype,
    const struct ipsec_sa_lifetime *lt)
{
	key_build_lifetime(b, exttype, lt->allocations, lt->bytes,
	    lt->addtime, lt->usetime);
}

static void
build_keys(struct key_buf *b, const struct ipsec_sa *sa)
{
	if (sa->key_auth.data != NULL)
		key_build_key(b, SADB_EXT_KEY_AUTH, sa->key_auth.data,
		    sa->key_auth.bits);
	if (sa->key_enc.data != NULL)
		key_build_key(b, SADB_EXT_KEY_ENCRYPT, sa->key_enc.data,
		    sa->key_enc.bits);
}

static void
build_exts(struct key_buf *b, const struct ipsec_sa *sa)
{
	const struct key_blob *blob;
	unsigned int i;

	for (i = 0; i < KEY_SA_EXT_COUNT; i++)
		if ((blob = key_sa_ext(sa, i)) != NULL)
			key_build_ext(b, blob->data);
}

int
key_sa_record(struct key_buf *b, const struct ipsec_sa *sa, uint8_t type,
    uint32_t seq, uint32_t pid)
{
	struct ipsec_sa_lifetime cur;
	unsigned int refs = key_sa_refcnt(sa);

	key_build_begin(b, type, sa->satype, seq, pid);
	key_build_set_reserved(b, refs > UINT16_MAX ? UINT16_MAX :
	    (uint16_t)refs);
	key_sa_record_index(b, sa);
	key_sa_cur(sa, &cur);
	build_lifetime(b, SADB_EXT_LIFETIME_CURRENT, &cur);
	if (lifetime_set(&sa->hard))
		build_lifetime(b, SADB_EXT_LIFETIME_HARD, &sa->hard);
	if (lifetime_set(&sa->soft))
		build_lifetime(b, SADB_EXT_LIFETIME_SOFT, &sa->soft);
	build_keys(b, sa);
	build_exts(b, sa);
	if (replay_needs_ext(sa->replay))
		key_build_sa_replay(b, sa->replay);
	return key_build_end(b);
}
