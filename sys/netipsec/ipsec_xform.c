/*
 * The transform table and the life of an SA's transform state (see
 * ipsec_xform.h): rows by IP protocol, the installer the key engine
 * calls at SADB_ADD/UPDATE, and the one free path.
 */
#include <errno.h>
#include <stdlib.h>

#include <netinet/in.h>
#include <openssl/crypto.h>

#include "sys/crypto/crypto.h"
#include "sys/netipsec/ah_var.h"
#include "sys/netipsec/esp_var.h"
#include "sys/netipsec/ipsec_hold.h"
#include "sys/netipsec/ipcomp_var.h"
#include "sys/netipsec/ipsec_stat.h"
#include "sys/netipsec/ipsec_util.h"
#include "sys/netipsec/ipsec_xform.h"
#include "sys/netipsec/ipsec_xform_stat.h"
#include "sys/netipsec/replay.h"

static const struct ipsec_xform_ops *const xform_table[] = {
	&esp_xform_ops,
	&ah_xform_ops,
	&ipcomp_xform_ops,
};

const struct ipsec_xform_ops *
ipsec_xform_lookup(uint8_t proto)
{
	size_t i;

	for (i = 0; i < sizeof(xform_table) / sizeof(xform_table[0]); i++)
		if (xform_table[i]->proto == proto)
			return xform_table[i];
	return NULL;
}

const struct ipsec_xform_ops *
ipsec_xform_at(size_t i)
{
	if (i >= sizeof(xform_table) / sizeof(xform_table[0]))
		return NULL;
	return xform_table[i];
}

void
ipsec_xform_free(void *p)
{
	struct ipsec_xform *xf = p;

	if (xf == NULL)
		return;
	crypto_enc_free(xf->enc);
	crypto_auth_free(xf->auth);
	crypto_comp_free(xf->comp);
	ipsec_replay_free(xf->replay);
	udpencap_fini(&xf->encap);
	pthread_spin_destroy(&xf->session_lock);
	OPENSSL_cleanse(xf, sizeof(*xf));
	free(xf);
}

int
ipsec_xform_install(struct ipsec_sa *sa)
{
	const struct ipsec_xform_ops *ops = ipsec_xform_lookup(sa->proto);
	struct ipsec_xform *xf;
	int error;

	/* TCP-MD5 SAs are kept for PF_KEY clients; no packet uses them. */
	if (ops == NULL)
		return 0;
	if ((xf = calloc(1, sizeof(*xf))) == NULL)
		return ENOMEM;
	if (pthread_spin_init(&xf->session_lock, PTHREAD_PROCESS_PRIVATE)) {
		free(xf);
		return ENOMEM;
	}
	xf->ops = ops;
	if ((error = ops->init(sa, xf)) != 0 ||
	    (error = udpencap_init(sa, &xf->encap)) != 0) {
		ipsec_xform_free(xf);
		return error == ENOMEM ? ENOMEM : EINVAL;
	}
	if (sa->xform_free != NULL)
		sa->xform_free(sa->xform);
	sa->xform = xf;
	sa->xform_free = ipsec_xform_free;
	return 0;
}

/* A mature SA's NAT-T ports moved (a Linux-dialect UPDATE). */
int
ipsec_xform_update_encap(struct ipsec_sa *sa)
{
	struct ipsec_xform *xf = sa->xform;

	if (xf == NULL || sa->xform_free != ipsec_xform_free)
		return 0;
	return udpencap_move(sa, &xf->encap);
}

void
ipsec_xform_attach(void)
{
	key_sa_set_installer(ipsec_xform_install);
	key_sa_set_encap_updater(ipsec_xform_update_encap);
	key_sa_set_ready(ipsec_hold_release);
}

/*
 * A transform alone, with the IP header's lengths fixed after it, for
 * the tools and tests that drive one transform without the policy
 * engine (which fixes them once per header instead).
 */
static enum ipsec_verdict
no_state(const struct ipsec_sa *sa, int *why, int counter)
{
	const struct ipsec_xform_ops *ops = ipsec_xform_lookup(sa->proto);

	if (ops != NULL)
		net_counter_inc(ops->stats->c, ops->c_noxform);
	*why = counter;
	return IPSEC_DROP;
}

/* The lengths after a transform that passed; inval names the drop. */
static enum ipsec_verdict
fix_lengths(enum ipsec_verdict v, struct pbuf *pb, int *why, int inval)
{
	if (v == IPSEC_PASS && ipsec_fix_iplen(pb) != 0) {
		*why = inval;
		return IPSEC_DROP;
	}
	return v;
}

enum ipsec_verdict
ipsec_xform_output(struct ipsec_sa *sa, struct pbuf *pb, size_t skip,
    size_t protoff, int *why)
{
	struct ipsec_xform *xf = ipsec_xform_of(sa);
	int dummy;

	if (why == NULL)
		why = &dummy;
	if (xf == NULL)
		return no_state(sa, why, IPSECS_OUT_INVAL);
	return fix_lengths(xf->ops->output(sa, pb, skip, protoff, why), pb,
	    why, IPSECS_OUT_INVAL);
}

enum ipsec_verdict
ipsec_xform_input(struct ipsec_sa *sa, struct pbuf *pb, size_t skip,
    size_t protoff, uint8_t *nxt, int *why)
{
	struct ipsec_xform *xf = ipsec_xform_of(sa);
	int dummy;

	if (why == NULL)
		why = &dummy;
	if (xf == NULL)
		return no_state(sa, why, IPSECS_IN_INVAL);
	return fix_lengths(xf->ops->input(sa, pb, skip, protoff, nxt, why),
	    pb, why, IPSECS_IN_INVAL);
}
