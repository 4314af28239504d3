/*
 * Whole-table operations of the SAD: flush, KAME's delete-all and dump
 * snapshots.  They walk the insertion-order list or one SA head, never
 * the hash buckets.
 */
#include <errno.h>
#include <stdlib.h>

#include "sys/netkey/key_sad_impl.h"

size_t
key_sad_flush(uint8_t satype)
{
	struct ipsec_sa *sa, *next;
	size_t n = 0;

	for (sa = key_sad.all_first; sa != NULL; sa = next) {
		next = sa->all_next;
		if (satype != SADB_SATYPE_UNSPEC && sa->satype != satype)
			continue;
		key_sad_remove(sa);
		n++;
	}
	return n;
}

/*
 * The head is freed with its last SA; that SA is then also the last of
 * the list, so the walk never reads the freed head.
 */
size_t
key_sad_delete_all(const struct sockaddr *src, const struct sockaddr *dst,
    uint8_t proto)
{
	struct key_sah *sah;
	struct ipsec_sa *sa, *next;
	uint64_t h;
	size_t n = 0;

	if (key_sad_head_hash(src, dst, proto, &h) != 0)
		return 0;
	sah = key_sad_head_find(src, dst, proto, h);
	if (sah == NULL)
		return 0;
	for (sa = sah->first; sa != NULL; sa = next) {
		next = sa->sah_next;
		if (sa->state == SADB_SASTATE_LARVAL)
			continue;
		key_sad_remove(sa);
		n++;
	}
	return n;
}

int
key_sad_snapshot(uint8_t satype, struct ipsec_sa ***arr, size_t *n)
{
	struct ipsec_sa **v, *sa;
	size_t want = key_sad_count(satype), i = 0;

	*arr = NULL;
	*n = 0;
	if (want == 0)
		return 0;
	v = malloc(want * sizeof(*v));
	if (v == NULL)
		return ENOMEM;
	for (sa = key_sad.all_first; sa != NULL && i < want; sa = sa->all_next)
		if (satype == SADB_SATYPE_UNSPEC || sa->satype == satype)
			v[i++] = key_sa_get(sa);
	*arr = v;
	*n = i;
	return 0;
}

void
key_sad_snapshot_free(struct ipsec_sa **arr, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		key_sa_put(arr[i]);
	free(arr);
}
