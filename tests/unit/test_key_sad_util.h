/*
 * Helpers shared by the SAD test programs (test_key_sad*.c): addresses,
 * SAs built and linked in one call, a transform hook that counts frees,
 * and event recorders.
 */
#ifndef TESTS_TEST_KEY_SAD_UTIL_H
#define TESTS_TEST_KEY_SAD_UTIL_H

#include <arpa/inet.h>
#include <string.h>

#include <net/pfkeyv2.h>
#include <netipsec/ipsec.h>

#include "sys/net/net_clock.h"
#include "sys/netkey/key_sad.h"
#include "sys/netkey/key_var.h"

#define T_NOW	1000000

static inline struct sockaddr *
t_addr(union key_sockaddr *u, const char *text)
{
	memset(u, 0, sizeof(*u));
	if (strchr(text, ':') != NULL) {
		u->sin6.sin6_family = AF_INET6;
		inet_pton(AF_INET6, text, &u->sin6.sin6_addr);
	} else {
		u->sin.sin_family = AF_INET;
		inet_pton(AF_INET, text, &u->sin.sin_addr);
	}
	return &u->sa;
}

/* An SA with the caller's reference; spi in host order. */
static inline struct ipsec_sa *
t_make(uint8_t satype, const char *src, const char *dst, uint32_t spi,
    uint8_t state)
{
	union key_sockaddr s, d;
	struct ipsec_sa *sa;

	sa = key_sa_alloc(satype, t_addr(&s, src), t_addr(&d, dst));
	if (sa == NULL)
		return NULL;
	sa->spi = htonl(spi);
	sa->state = state;
	return sa;
}

/* Make and link; the returned pointer is borrowed from the SAD. */
static inline struct ipsec_sa *
t_add(uint8_t satype, const char *src, const char *dst, uint32_t spi,
    uint8_t state)
{
	struct ipsec_sa *sa = t_make(satype, src, dst, spi, state);
	int error;

	if (sa == NULL)
		return NULL;
	error = key_sad_insert(sa);
	key_sa_put(sa);
	return error == 0 ? sa : NULL;
}

static int t_xform_frees;

static inline void
t_xform_free(void *xform)
{
	(void)xform;
	t_xform_frees++;
}

#define T_EVENTS_MAX	64

struct t_event {
	struct ipsec_sa	*sa;
	char		 kind;		/* 's'oft, 'h'ard, 'r'emoved */
	int		 reason;
	uint8_t		 state;		/* the SA's state when it fired */
};

static struct t_event t_events[T_EVENTS_MAX];
static int t_nevents;

static inline void
t_record(struct ipsec_sa *sa, char kind, int reason)
{
	if (t_nevents < T_EVENTS_MAX)
		t_events[t_nevents] = (struct t_event){ sa, kind, reason,
		    sa->state };
	t_nevents++;
}

static inline void
t_ev_expire(struct ipsec_sa *sa, int hard)
{
	t_record(sa, hard ? 'h' : 's', 0);
}

static inline void
t_ev_removed(struct ipsec_sa *sa, int reason)
{
	t_record(sa, 'r', reason);
}

static const struct key_sad_events t_recorder = {
	.expire = t_ev_expire,
	.removed = t_ev_removed,
};

/* Every test starts from an empty SAD, default tunables, a fixed clock. */
static inline void
t_reset(void)
{
	key_sad_flush(SADB_SATYPE_UNSPEC);
	key_vars_reset();
	key_sad_set_events(&t_recorder);
	net_clock_set_fake(T_NOW);
	t_nevents = 0;
	t_xform_frees = 0;
}

static inline int
t_suite_init(void)
{
	return key_sad_init() == 0 ? 0 : -1;
}

static inline int
t_suite_fini(void)
{
	key_sad_fini();
	key_sad_set_events(NULL);
	net_clock_set_source(NULL);
	return 0;
}

#endif
