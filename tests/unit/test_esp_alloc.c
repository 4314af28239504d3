/*
 * The ESP and AH packet paths allocate nothing: with OpenSSL's allocator
 * counted from the start of the process, many packets of every algorithm
 * pair (random padding and esp_randpad on, so the random pool refills on
 * the way), and of every AH algorithm, go through output and input
 * without one OpenSSL allocation, and the packet buffers come back to
 * their pool.  Our own
 * code has no allocation on these paths to count (esp_init and
 * ipsec_replay_new are the only callers of the allocator in
 * sys/netipsec).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "net/pfkeyv2.h"
#include "sys/crypto/crypto.h"
#include "sys/net/pbuf.h"
#include "sys/netipsec/esp_var.h"
#include "sys/netipsec/ipsec_xform.h"
#include "sys/netipsec/ipsec_var.h"
#include "esp_sa_util.h"
#include "testlib.h"

static unsigned long allocs;

static void *
count_malloc(size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	allocs++;
	return malloc(n);
}

static void *
count_realloc(void *p, size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	allocs++;
	return realloc(p, n);
}

static void
count_free(void *p, const char *file, int line)
{
	(void)file;
	(void)line;
	free(p);
}

static int
suite_init(void)
{
	/* Must precede OpenSSL's first allocation in this process. */
	if (CRYPTO_set_mem_functions(count_malloc, count_realloc,
	    count_free) != 1)
		return -1;
	return esp_suite_init();
}

static bool
usable(const struct crypto_alg *a, enum crypto_kind kind)
{
	return a->kind == kind && crypto_alg_available(a) &&
	    a->mode != CRYPTO_MODE_NONE && a->mode != CRYPTO_MODE_DEFLATE;
}

/*
 * 200 packets through one SA pair; the OpenSSL allocations they made.
 * Without e the pair is AH with a.
 */
static unsigned long
run_pair(const struct crypto_alg *e, const struct crypto_alg *a)
{
	uint8_t key[64], payload[300], nxt;
	struct esp_sa_spec spec = { .spi = 7,
	    .satype = e != NULL ? SADB_SATYPE_ESP : SADB_SATYPE_AH,
	    .enc = e != NULL ? e->sadb_id : 0, .ekey = key,
	    .ekeylen = e != NULL ? e->keymin / 8 : 0,
	    .auth = a != NULL ? a->sadb_id : 0,
	    .akey = key, .akeylen = a != NULL ? a->keymin / 8 : 0,
	    .flags = SADB_X_EXT_PRAND | SADB_X_SAFLAGS_ESN, .replay = 64 };
	struct ipsec_sa *tx, *rx;
	size_t skip, protoff;
	unsigned long before = 0;
	struct pbuf *pb;
	int error, i;

	esp_fill(key, sizeof(key), e != NULL ? e->sadb_id : a->sadb_id);
	esp_fill(payload, sizeof(payload), 1);
	tx = esp_sa_make(&spec, &error);
	rx = esp_sa_make(&spec, &error);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rx);
	for (i = -1; i < 200; i++) {
		if (i == 0)
			before = allocs;
		pb = esp_pkt_make(esp_pool, i % 2 ? AF_INET6 : AF_INET,
		    IPPROTO_UDP, payload, (size_t)(i + 1) % 300, &skip,
		    &protoff);
		CU_ASSERT_EQUAL(ipsec_xform_output(tx, pb, skip, protoff, NULL),
		    IPSEC_PASS);
		CU_ASSERT_EQUAL(ipsec_xform_input(rx, pb, skip, protoff, &nxt,
		    NULL),
		    IPSEC_PASS);
		pbuf_free(pb);
	}
	before = allocs - before;
	key_sa_put(tx);
	key_sa_put(rx);
	return before;
}

static void
test_no_allocation(void)
{
	const struct crypto_alg *e, *a;
	struct pbuf_pool_stats st;
	size_t i, j;

	ipsec_vars.inet.esp_randpad = 256;
	ipsec_vars.inet6.esp_randpad = 64;
	for (i = 0; i < crypto_alg_count(); i++) {
		e = crypto_alg_at(i);
		if (!usable(e, CRYPTO_KIND_ENC))
			continue;
		CU_ASSERT_EQUAL(run_pair(e, NULL), 0);
		if (e->mode == CRYPTO_MODE_AEAD || e->mode == CRYPTO_MODE_GMAC)
			continue;
		for (j = 0; j < crypto_alg_count(); j++) {
			a = crypto_alg_at(j);
			if (usable(a, CRYPTO_KIND_AUTH))
				CU_ASSERT_EQUAL(run_pair(e, a), 0);
		}
	}
	for (j = 0; j < crypto_alg_count(); j++) {
		a = crypto_alg_at(j);
		if (usable(a, CRYPTO_KIND_AUTH))
			CU_ASSERT_EQUAL(run_pair(NULL, a), 0);
	}
	ipsec_vars_reset();
	/* The hook works: the SA installs allocated. */
	CU_ASSERT(allocs > 0);
	pbuf_pool_stats(esp_pool, &st);
	CU_ASSERT_EQUAL(st.allocs, st.frees);
	CU_ASSERT_EQUAL(st.failures, 0);
}

static const struct test_case alloc_cases[] = {
	{ "no allocation per packet", test_no_allocation },
	{ NULL, NULL },
};

const struct test_suite test_suites[] = {
	{ "esp and ah allocation", suite_init, esp_suite_fini, alloc_cases },
	{ NULL, NULL, NULL, NULL },
};
