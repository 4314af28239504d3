/*
 * One SA used by several worker threads at once (real pthreads, each
 * naming its counter row with net_worker_set()):
 *  - encapsulating on one SA, every thread's sequence numbers together
 *    are 1..N, each once, and the SA counted N packets;
 *  - near 2^32 - 1 on an SA that may not cycle, exactly the numbers left
 *    are sent and every other attempt is an esps_wrap drop;
 *  - decapsulating a shuffled set in which every packet comes twice,
 *    each sequence number is accepted exactly once and every copy is an
 *    esps_replay drop, with the counters summed over the workers' rows;
 *  - a hard allocation limit crossed by several threads lets exactly the
 *    limit through and fires one soft and one hard expire;
 *  - a new NAT mapping seen by several threads at once is reported once.
 * The reference for each is a plain count kept per thread and added up
 * after the join, not the SA's own counters.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "net/pfkeyv2.h"
#include "sys/net/net_counter.h"
#include "sys/net/net_endian.h"
#include "sys/net/pbuf.h"
#include "sys/netipsec/esp_var.h"
#include "sys/netipsec/ipsec_xform.h"
#include "sys/netipsec/replay.h"
#include "sys/netipsec/udpencap.h"
#include "sys/netkey/key_sad.h"
#include "esp_sa_util.h"
#include "ipsec_test_util.h"
#include "key_sa_client.h"
#include "testlib.h"

#define THREADS		4
#define PER_THREAD	20000
#define NPKT		(THREADS * PER_THREAD)
#define PAYLOAD		64
/* Packets decapsulated: fewer than the widest window, so none is old. */
#define NDECAP		60000

static uint8_t key[20];

/* Tell the packet path that THREADS workers share SAs: it locks them. */
static int
suite_init(void)
{
	esp_fill(key, sizeof(key), 13);
	return net_workers_set(THREADS) != 0 || esp_suite_init();
}

static int
suite_fini(void)
{
	net_workers_set(1);
	return esp_suite_fini();
}

static int
natt_suite_init(void)
{
	return net_workers_set(THREADS) != 0 || ipt_suite_init();
}

static int
natt_suite_fini(void)
{
	net_workers_set(1);
	return ipt_suite_fini();
}

static struct ipsec_sa *
gcm_sa(uint32_t flags, uint32_t replay)
{
	struct esp_sa_spec spec = { .spi = 0x5151,
	    .enc = SADB_X_EALG_AESGCM16, .ekey = key, .ekeylen = sizeof(key),
	    .flags = flags, .replay = replay };
	struct ipsec_sa *sa;
	int error;

	sa = esp_sa_make(&spec, &error);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sa);
	return sa;
}

/* Workers wait here so that they all start at once and overlap. */
static pthread_barrier_t start_line;

/* Start n threads on fn, each with its own arg; join them all. */
static void
run_threads(void *(*fn)(void *), void *args, size_t argsize, int n)
{
	pthread_t t[THREADS];
	int i;

	CU_ASSERT_FATAL(pthread_barrier_init(&start_line, NULL,
	    (unsigned int)n) == 0);
	for (i = 0; i < n; i++)
		CU_ASSERT_FATAL(pthread_create(&t[i], NULL, fn,
		    (char *)args + (size_t)i * argsize) == 0);
	for (i = 0; i < n; i++)
		CU_ASSERT(pthread_join(t[i], NULL) == 0);
	pthread_barrier_destroy(&start_line);
}

/* One encapsulating worker: its own pool, its own counter row. */
struct encap_job {
	unsigned int	 worker;
	struct ipsec_sa	*sa;
	int		 tries;
	uint32_t	*seqs;		/* sequence numbers it sent */
	int		 sent, wrapped;
};

static void *
encap_run(void *arg)
{
	struct encap_job *j = arg;
	struct pbuf_pool *pool = pbuf_pool_create(4, 1);
	uint8_t payload[PAYLOAD];
	size_t skip, protoff;
	struct pbuf *pb;
	int i, why;

	if (net_worker_set(j->worker) != 0) {
		pbuf_pool_destroy(pool);
		pool = NULL;
	}
	esp_fill(payload, sizeof(payload), j->worker);
	pthread_barrier_wait(&start_line);
	if (pool == NULL)
		return NULL;
	for (i = 0; i < j->tries; i++) {
		pb = esp_pkt_make(pool, AF_INET, IPPROTO_UDP, payload,
		    sizeof(payload), &skip, &protoff);
		if (pb == NULL)
			break;
		if (ipsec_xform_output(j->sa, pb, skip, protoff, &why) ==
		    IPSEC_PASS)
			j->seqs[j->sent++] = be_get32(pb->data + skip + 4);
		else
			j->wrapped++;
		pbuf_free(pb);
	}
	pbuf_pool_destroy(pool);
	return NULL;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Run THREADS encapsulating workers; all their numbers, sorted. */
static uint32_t *
encap_all(struct ipsec_sa *sa, int tries, int *sent, int *wrapped)
{
	struct encap_job jobs[THREADS];
	uint32_t *all = calloc(THREADS * (size_t)tries, sizeof(*all));
	int i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(all);
	memset(jobs, 0, sizeof(jobs));
	for (i = 0; i < THREADS; i++) {
		jobs[i].worker = (unsigned int)i + 1;
		jobs[i].sa = sa;
		jobs[i].tries = tries;
		jobs[i].seqs = all + (size_t)i * tries;
	}
	run_threads(encap_run, jobs, sizeof(jobs[0]), THREADS);
	*sent = *wrapped = 0;
	for (i = 0; i < THREADS; i++) {
		/* Close the gaps each thread's unused slots left. */
		memmove(all + *sent, jobs[i].seqs,
		    (size_t)jobs[i].sent * sizeof(*all));
		*sent += jobs[i].sent;
		*wrapped += jobs[i].wrapped;
	}
	qsort(all, (size_t)*sent, sizeof(*all), cmp_u32);
	return all;
}

static void
test_encap_unique(void)
{
	struct ipsec_sa *sa = gcm_sa(SADB_X_EXT_CYCSEQ, 0);
	uint64_t out0 = net_counter_sum(&espstat_counters, ESPS_OUTPUT);
	struct ipsec_sa_lifetime cur;
	int i, sent, wrapped, gaps = 0;
	uint32_t *seqs;

	seqs = encap_all(sa, PER_THREAD, &sent, &wrapped);
	CU_ASSERT_EQUAL(sent, NPKT);
	CU_ASSERT_EQUAL(wrapped, 0);
	/* Sorted and 1..N: unique and contiguous. */
	for (i = 0; i < sent; i++)
		gaps += seqs[i] != (uint32_t)i + 1;
	CU_ASSERT_EQUAL(gaps, 0);
	CU_ASSERT_EQUAL(key_sa_seq_out(sa), NPKT);
	key_sa_cur(sa, &cur);
	CU_ASSERT_EQUAL(cur.allocations, NPKT);
	CU_ASSERT_EQUAL(cur.bytes, (uint64_t)NPKT * PAYLOAD);
	CU_ASSERT_EQUAL(net_counter_sum(&espstat_counters, ESPS_OUTPUT) -
	    out0, NPKT);
	free(seqs);
	key_sa_put(sa);
}

/* The last numbers of a 32-bit SA: each sent once, then esps_wrap. */
static void
test_encap_wrap(void)
{
	struct ipsec_sa *sa = gcm_sa(0, 0);
	const int left = 1000;
	uint64_t wrap0 = net_counter_sum(&espstat_counters, ESPS_WRAP);
	int i, sent, wrapped, gaps = 0;
	uint32_t *seqs;

	sa->seq_out = UINT32_MAX - (uint32_t)left;
	seqs = encap_all(sa, 400, &sent, &wrapped);
	CU_ASSERT_EQUAL(sent, left);
	CU_ASSERT_EQUAL(wrapped, THREADS * 400 - left);
	for (i = 0; i < sent; i++)
		gaps += seqs[i] != UINT32_MAX - (uint32_t)left + 1 +
		    (uint32_t)i;
	CU_ASSERT_EQUAL(gaps, 0);
	CU_ASSERT_EQUAL(key_sa_seq_out(sa), UINT32_MAX);
	CU_ASSERT_EQUAL(net_counter_sum(&espstat_counters, ESPS_WRAP) - wrap0,
	    (uint64_t)(THREADS * 400 - left));
	free(seqs);
	key_sa_put(sa);
}

/*
 * Decapsulation: the packets of one sender, shuffled, each placed twice
 * in a row so that two workers tend to hold the copies at once.  The
 * workers take the next packet from one shared index.
 */
struct decap_set {
	struct ipsec_sa	*rx;
	uint8_t		(*pkt)[PAYLOAD + 128];
	size_t		*len;
	uint32_t	*order;		/* 2 * NDECAP indexes into pkt */
	size_t		 next;		/* atomic */
};

struct decap_job {
	unsigned int	 worker;
	struct decap_set *set;
	uint8_t		*accepted;	/* per sequence number */
	int		 dropped;
};

static void *
decap_run(void *arg)
{
	struct decap_job *j = arg;
	struct decap_set *s = j->set;
	struct pbuf_pool *pool = pbuf_pool_create(4, 1);
	struct pbuf *pb;
	size_t k;
	uint32_t p;
	uint8_t nxt;
	int why;

	if (net_worker_set(j->worker) != 0) {
		pbuf_pool_destroy(pool);
		pool = NULL;
	}
	pthread_barrier_wait(&start_line);
	if (pool == NULL)
		return NULL;
	while ((k = __atomic_fetch_add(&s->next, 1, __ATOMIC_RELAXED)) <
	    2 * (size_t)NDECAP) {
		p = s->order[k];
		pb = pbuf_alloc(pool, s->len[p]);
		if (pb == NULL)
			break;
		memcpy(pbuf_put(pb, s->len[p]), s->pkt[p], s->len[p]);
		if (ipsec_xform_input(s->rx, pb, 20, 9, &nxt, &why) ==
		    IPSEC_PASS)
			j->accepted[p]++;
		else
			j->dropped++;
		pbuf_free(pb);
	}
	pbuf_pool_destroy(pool);
	return NULL;
}

/* Seal NDECAP packets with tx (numbers 1..NDECAP) into the set. */
static void
seal_set(struct decap_set *s, struct ipsec_sa *tx)
{
	uint8_t payload[PAYLOAD];
	size_t skip, protoff, i, r;
	struct pbuf *pb;
	uint32_t t;

	for (i = 0; i < NDECAP; i++) {
		esp_fill(payload, sizeof(payload), (uint32_t)i);
		pb = esp_pkt_make(esp_pool, AF_INET, IPPROTO_UDP, payload,
		    sizeof(payload), &skip, &protoff);
		CU_ASSERT_FATAL(pb != NULL && ipsec_xform_output(tx, pb, skip,
		    protoff, NULL) == IPSEC_PASS);
		CU_ASSERT_FATAL(pb->len <= sizeof(s->pkt[0]));
		memcpy(s->pkt[i], pb->data, pb->len);
		s->len[i] = pb->len;
		pbuf_free(pb);
	}
	/* A fixed shuffle (Fisher-Yates over a fixed generator). */
	for (i = 0; i < NDECAP; i++)
		s->order[2 * i] = (uint32_t)i;
	srand(7);
	for (i = NDECAP - 1; i > 0; i--) {
		r = (size_t)rand() % (i + 1);
		t = s->order[2 * i];
		s->order[2 * i] = s->order[2 * r];
		s->order[2 * r] = t;
	}
	for (i = 0; i < NDECAP; i++)
		s->order[2 * i + 1] = s->order[2 * i];
}

static void
test_decap_once(void)
{
	/* A window as wide as the set: no packet is ever left of it. */
	struct ipsec_sa *tx = gcm_sa(0, 0), *rx = gcm_sa(0, 65536);
	struct decap_set set = { .rx = rx };
	struct decap_job jobs[THREADS];
	uint64_t before[ESPS_NCOUNTERS], moved_other = 0;
	int i, p, once = 0, dropped = 0;
	unsigned int n;

	set.pkt = calloc(NDECAP, sizeof(*set.pkt));
	set.len = calloc(NDECAP, sizeof(*set.len));
	set.order = calloc(2 * NDECAP, sizeof(*set.order));
	CU_ASSERT_FATAL(set.pkt != NULL && set.len != NULL &&
	    set.order != NULL);
	seal_set(&set, tx);
	memset(jobs, 0, sizeof(jobs));
	for (i = 0; i < THREADS; i++) {
		jobs[i].worker = (unsigned int)i + 1;
		jobs[i].set = &set;
		jobs[i].accepted = calloc(NDECAP, 1);
		CU_ASSERT_PTR_NOT_NULL_FATAL(jobs[i].accepted);
	}
	net_counter_sum_all(&espstat_counters, before);
	run_threads(decap_run, jobs, sizeof(jobs[0]), THREADS);
	for (p = 0; p < NDECAP; p++) {
		n = 0;
		for (i = 0; i < THREADS; i++)
			n += jobs[i].accepted[p];
		once += n == 1;
	}
	for (i = 0; i < THREADS; i++) {
		dropped += jobs[i].dropped;
		free(jobs[i].accepted);
	}
	CU_ASSERT_EQUAL(once, NDECAP);
	CU_ASSERT_EQUAL(dropped, NDECAP);
	CU_ASSERT_EQUAL(net_counter_sum(&espstat_counters, ESPS_INPUT) -
	    before[ESPS_INPUT], NDECAP);
	CU_ASSERT_EQUAL(net_counter_sum(&espstat_counters, ESPS_REPLAY) -
	    before[ESPS_REPLAY], NDECAP);
	for (i = 0; i < ESPS_NCOUNTERS; i++)
		if (i != ESPS_INPUT && i != ESPS_REPLAY && i != ESPS_IBYTES)
			moved_other += net_counter_sum(&espstat_counters, i) -
			    before[i];
	CU_ASSERT_EQUAL(moved_other, 0);
	CU_ASSERT_EQUAL(ipsec_replay_top(ipsec_xform_of(rx)->replay), NDECAP);
	free(set.pkt);
	free(set.len);
	free(set.order);
	key_sa_put(tx);
	key_sa_put(rx);
}

static int expires_soft, expires_hard;

static void
count_expire(struct ipsec_sa *sa, int hard)
{
	(void)sa;
	__atomic_add_fetch(hard ? &expires_hard : &expires_soft, 1,
	    __ATOMIC_RELAXED);
}

static void
test_hard_limit_once(void)
{
	static const struct key_sad_events ev = { .expire = count_expire };
	struct ipsec_sa *sa = gcm_sa(SADB_X_EXT_CYCSEQ, 0);
	int sent, refused;
	uint32_t *seqs;

	expires_soft = expires_hard = 0;
	key_sad_set_events(&ev);
	sa->soft.allocations = 300;
	sa->hard.allocations = 777;
	seqs = encap_all(sa, 400, &sent, &refused);
	CU_ASSERT_EQUAL(sent, 777);
	CU_ASSERT_EQUAL(refused, THREADS * 400 - 777);
	CU_ASSERT_EQUAL(expires_soft, 1);
	CU_ASSERT_EQUAL(expires_hard, 1);
	CU_ASSERT_EQUAL(key_sa_state(sa), SADB_SASTATE_DEAD);
	/* Refused packets take no sequence number. */
	CU_ASSERT_EQUAL(key_sa_seq_out(sa), 777);
	key_sad_set_events(NULL);
	free(seqs);
	key_sa_put(sa);
}

/* Every worker sees the peer at one new address and port. */
struct mapping_job {
	unsigned int		 worker;
	struct ipsec_sa		*sa;
	const struct udpencap_in *in;
};

static void *
mapping_run(void *arg)
{
	struct mapping_job *j = arg;
	struct ipsec_xform *xf = ipsec_xform_of(j->sa);
	int i, ok = net_worker_set(j->worker) == 0;

	pthread_barrier_wait(&start_line);
	for (i = 0; ok && i < 2000; i++)
		udpencap_mapping(j->sa, &xf->encap, j->in);
	return NULL;
}

static uint64_t msgbuf[SA_MSGBUF_WORDS];

/* NEW_MAPPING messages the registered client got since the last call. */
static int
mapping_msgs(void)
{
	const struct sadb_msg *m = (const void *)msgbuf;
	int n = 0;

	while (sa_client_recv(&ipt_client, msgbuf) > 0)
		n += m->sadb_msg_type == SADB_X_NAT_T_NEW_MAPPING;
	return n;
}

/* Workers see the peer at port; the NEW_MAPPING messages that made. */
static int
mappings_at(struct ipsec_sa *sa, uint16_t port)
{
	struct udpencap_in in = { .encap = true, .sport = htons(port),
	    .dport = htons(UDPENCAP_PORT) };
	struct mapping_job jobs[THREADS];
	int i;

	in.src.sin.sin_family = AF_INET;
	in.src.sin.sin_port = in.sport;
	inet_pton(AF_INET, "198.51.100.7", &in.src.sin.sin_addr);
	for (i = 0; i < THREADS; i++)
		jobs[i] = (struct mapping_job){ (unsigned int)i + 1, sa, &in };
	run_threads(mapping_run, jobs, sizeof(jobs[0]), THREADS);
	return mapping_msgs();
}

static void
test_mapping_once(void)
{
	struct sadb_x_nat_t_type t = {
	    .sadb_x_nat_t_type_len = sizeof(t) / 8,
	    .sadb_x_nat_t_type_exttype = SADB_X_EXT_NAT_T_TYPE,
	    .sadb_x_nat_t_type_type = UDP_ENCAP_ESPINUDP };
	struct ipsec_sa *sa;
	uint64_t m0;

	ipt_reset();		/* a client registered for ESP */
	m0 = net_counter_sum(&udpencap_counters, UDPENCAPS_MAPPING);
	sa = gcm_sa(0, 64);
	CU_ASSERT_FATAL(key_sa_set_ext(sa, KEY_SA_EXT_NAT_T_TYPE, &t,
	    sizeof(t)) == 0 && ipsec_xform_install(sa) == 0);
	CU_ASSERT_FATAL(ipsec_xform_of(sa)->encap.type == UDP_ENCAP_ESPINUDP);
	mapping_msgs();
	CU_ASSERT_EQUAL(mappings_at(sa, 40000), 1);
	CU_ASSERT_EQUAL(mappings_at(sa, 40000), 0);	/* already told */
	CU_ASSERT_EQUAL(mappings_at(sa, 40001), 1);
	CU_ASSERT_EQUAL(net_counter_sum(&udpencap_counters,
	    UDPENCAPS_MAPPING) - m0, 2);
	key_sa_put(sa);
}

static const struct test_case worker_cases[] = {
	{ "workers encapsulating on one SA: numbers unique, contiguous",
	    test_encap_unique },
	{ "workers at the end of a 32-bit SA: the rest once, then wrap",
	    test_encap_wrap },
	{ "workers decapsulating copies: each number accepted once",
	    test_decap_once },
	{ "workers crossing a hard limit: the limit, one expire each",
	    test_hard_limit_once },
	{ NULL, NULL },
};

/* With the key engine and a PF_KEY client registered for ESP. */
static const struct test_case natt_cases[] = {
	{ "workers seeing a new NAT mapping: reported once",
	    test_mapping_once },
	{ NULL, NULL },
};

const struct test_suite test_suites[] = {
	{ "sa_workers", suite_init, suite_fini, worker_cases },
	{ "sa_workers_natt", natt_suite_init, natt_suite_fini, natt_cases },
	{ NULL, NULL, NULL, NULL },
};
