/*
 * The SAD's private state, shared by the files of the SAD only
 * (key_sad.c, key_sad_ops.c, key_sad_select.c, key_spi.c,
 * key_sad_timer.c).  Everyone else uses key_sad.h.
 */
#ifndef SYS_NETKEY_KEY_SAD_IMPL_H
#define SYS_NETKEY_KEY_SAD_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include <net/pfkeyv2.h>

#include "sys/net/siphash.h"
#include "sys/netkey/key_sad.h"

/*
 * An SA head: the SAs of one (src, dst, proto), in insertion order.  It
 * exists while it has SAs; the last SA unlinked frees it.
 */
struct key_sah {
	union key_sockaddr	 src;
	union key_sockaddr	 dst;
	uint8_t			 proto;
	uint64_t		 hash;
	struct key_sah		*next;		/* head hash chain */
	struct ipsec_sa		*first, *last;
};

/*
 * A slot of the SPI table (open addressing, linear probing): the low 32
 * bits of the SA's hash and its SPI, so that a probe rejects other SAs
 * without reading them, and the SA.  sa NULL: the slot is empty.
 */
struct key_sad_spi_slot {
	uint32_t		 hash;
	uint32_t		 spi;
	struct ipsec_sa		*sa;
};

struct key_sad {
	int			 inited;
	uint8_t			 hkey[SIPHASH_KEY_LEN];
	struct key_sad_spi_slot	*spi_tab;
	size_t			 spi_mask;	/* slots - 1, a power of 2 */
	struct key_sah		**sah_tab;
	size_t			 sah_mask;
	size_t			 nsah;
	struct ipsec_sa		*all_first, *all_last;
	struct ipsec_sa		*larval_first;
	size_t			 count;
	size_t			 count_by_satype[SADB_SATYPE_MAX + 1];
	struct key_sad_events	 ev;
};

extern struct key_sad key_sad;

int	key_sad_head_hash(const struct sockaddr *src,
	    const struct sockaddr *dst, uint8_t proto, uint64_t *h);
struct key_sah *key_sad_head_find(const struct sockaddr *src,
	    const struct sockaddr *dst, uint8_t proto, uint64_t h);
struct ipsec_sa *key_sad_first(void);
struct ipsec_sa *key_sad_first_larval(void);

/* Fire the registered events (no-ops without a registration). */
void	key_sad_event_expire(struct ipsec_sa *sa, int hard);
void	key_sad_event_removed(struct ipsec_sa *sa, int reason);

#endif
