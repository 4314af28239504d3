/*
 * Moving a mature esp-udp SA to the NAT-T ports and original addresses
 * of an UPDATE request (see key_msg_sa.h): the Linux dialect's UPDATE,
 * which af_key applies with xfrm_state_update() so that a key manager
 * can follow a NAT's new mapping without losing the SA's sequence
 * numbers.  The SA's copies are swapped for the request's, the packet
 * layer moves its encapsulation to them, and any failure puts the
 * old copies back.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "net/pfkeyv2.h"
#include "sys/netkey/key_msg_sa.h"
#include "sys/netkey/key_parse.h"
#include "sys/netkey/key_sa.h"

static const enum key_sa_ext moved[] = {
	KEY_SA_EXT_NAT_T_SPORT, KEY_SA_EXT_NAT_T_DPORT,
	KEY_SA_EXT_NAT_T_OAI, KEY_SA_EXT_NAT_T_OAR,
};

#define NMOVED	(sizeof(moved) / sizeof(moved[0]))

/* The encapsulation type of the request and of the SA must agree. */
static int
same_type(const struct key_msg *m, const struct ipsec_sa *sa)
{
	const struct sadb_x_nat_t_type *t = KEY_MSG_EXT(m,
	    SADB_X_EXT_NAT_T_TYPE, sadb_x_nat_t_type);
	const struct key_blob *kept = key_sa_ext(sa, KEY_SA_EXT_NAT_T_TYPE);
	struct sadb_x_nat_t_type k;

	if (t == NULL || kept == NULL || kept->len < sizeof(k))
		return EINVAL;
	memcpy(&k, kept->data, sizeof(k));
	return t->sadb_x_nat_t_type_type == k.sadb_x_nat_t_type_type ? 0 :
	    EINVAL;
}

/* Put back the copies taken, dropping the request's in their place. */
static void
restore(struct ipsec_sa *sa, const struct key_blob *old, const bool *taken)
{
	size_t i;

	for (i = 0; i < NMOVED; i++) {
		if (!taken[i])
			continue;
		free(sa->ext[moved[i]].data);
		sa->ext[moved[i]] = old[i];
	}
}

int
key_sa_natt_move(struct ipsec_sa *sa, const struct key_msg *m)
{
	struct key_blob old[NMOVED];
	bool taken[NMOVED] = { false };
	const struct sadb_ext *ext;
	size_t i;
	int error;

	if ((error = same_type(m, sa)) != 0)
		return error;
	/* The SA keeps a NAT-T type, so sa->ext exists. */
	for (i = 0; i < NMOVED && error == 0; i++) {
		if ((ext = m->ext[key_sa_ext_type(moved[i])]) == NULL)
			continue;
		old[i] = sa->ext[moved[i]];
		sa->ext[moved[i]].data = NULL;
		sa->ext[moved[i]].len = 0;
		taken[i] = true;
		error = key_sa_set_ext(sa, moved[i], ext,
		    PFKEY_UNUNIT64((size_t)ext->sadb_ext_len));
	}
	if (error == 0)
		error = key_sa_update_encap(sa);
	if (error != 0) {
		restore(sa, old, taken);
		return error;
	}
	for (i = 0; i < NMOVED; i++)
		if (taken[i])
			free(old[i].data);
	return 0;
}
