/*
 * In-process ESP encapsulation plus decapsulation (AES-128-GCM) on one
 * worker thread and on two, in the same run: what a second core adds.
 * Issue 13's target: two workers >= 1.8x one.
 *
 * Each worker is a thread that names its counter row (net_worker_set())
 * and owns a packet pool; it repeatedly copies a plaintext IPv4/UDP
 * packet into its buffer, encapsulates it with a sending SA and
 * decapsulates the result with the receiving SA (a 4,096-packet replay
 * window), counting the packets that came back.  First row: every worker
 * has its own SA pair, as workers fed by a multi-queue TUN and a wire
 * fanout mostly will, so nothing is shared but the code.  Second row:
 * both workers on one SA pair, for the cost of sharing one (what a packet
 * writes in an SA is written under the SA's lock, so the crypto takes
 * turns; there is no target for it).  Each run tells the packet path how
 * many workers there are (net_workers_set()), as the daemon will: one
 * worker takes no SA lock.
 *
 * Throughput is wall-clock time, since two threads run at once: the
 * workers start together at a barrier, the main thread sleeps for a run
 * and then tells them to stop; each figure is the best of several runs,
 * the one- and two-worker runs taken in turn so that load from elsewhere
 * falls on both.  The ratio needs two idle cores: the CPUs online and
 * the load average are printed with it, and so is how many cores each
 * best run got (its threads' CPU time over the wall time) and the ratio
 * of packets per CPU second, two workers to one, which says what the
 * threads cost each other whatever the machine's other load.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "net/pfkeyv2.h"
#include "sys/crypto/crypto.h"
#include "sys/net/net_counter.h"
#include "sys/net/net_endian.h"
#include "sys/net/pbuf.h"
#include "sys/netinet/in_cksum.h"
#include "sys/netipsec/ipsec_xform.h"
#include "sys/netkey/key_sa.h"

#define WORKERS		2
#define RUNS		5
#define RUN_NS		250000000L	/* 0.25 s */
#define BATCH		64		/* packets between looks at stop */
#define WINDOW		4096
#define TARGET		1.80

static const size_t sizes[] = { 64, 1420 };

struct worker {
	pthread_t	 thread;
	unsigned int	 id;		/* counter row, 1.. */
	struct ipsec_sa	*tx, *rx;
	size_t		 size;		/* payload bytes */
	unsigned long	 done;		/* packets out and back in */
	unsigned long	 lost;		/* refused by either side */
	double		 cpu;		/* thread CPU seconds of the run */
};

/* What one run measured. */
struct result {
	double		 pps;		/* packets out and back in, per s */
	double		 cores;		/* CPU seconds per wall second */
};

static pthread_barrier_t start_line;
static int stop;			/* atomic */

static double
clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct ipsec_sa *
make_sa(uint32_t spi, uint32_t window)
{
	static const uint8_t key[20] = { 0x11, 0x22, 0x33, 0x44, 0x55 };
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct ipsec_sa *sa;

	sa = key_sa_alloc(SADB_SATYPE_ESP, (struct sockaddr *)&a,
	    (struct sockaddr *)&a);
	if (sa == NULL)
		exit(1);
	sa->spi = htonl(spi);
	sa->state = SADB_SASTATE_MATURE;
	sa->alg_enc = SADB_X_EALG_AESGCM16;
	sa->flags = SADB_X_SAFLAGS_ESN;	/* never runs out of numbers */
	sa->replay = window;
	if (key_sa_set_key(&sa->key_enc, key, sizeof(key) * 8) != 0 ||
	    ipsec_xform_install(sa) != 0) {
		fprintf(stderr, "bench_workers: SA install failed\n");
		exit(1);
	}
	return sa;
}

/* An IPv4/UDP packet of size payload bytes at ip. */
static void
make_plain(uint8_t *ip, size_t size)
{
	memset(ip, 0x5a, 20 + size);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	be_put16(ip + 2, (uint16_t)(20 + size));
	ip[8] = 64;
	ip[9] = IPPROTO_UDP;
	be_put16(ip + 10, in_cksum(ip, 20));
}

/* One packet out through w->tx and back in through w->rx. */
static void
round_trip(struct worker *w, struct pbuf *pb, uint8_t *data0,
    const uint8_t *plain)
{
	uint8_t nxt;

	pb->data = data0;
	pb->len = 20 + w->size;
	memcpy(data0, plain, pb->len);
	if (ipsec_xform_output(w->tx, pb, 20, 9, NULL) == IPSEC_PASS &&
	    ipsec_xform_input(w->rx, pb, 20, 9, &nxt, NULL) == IPSEC_PASS)
		w->done++;
	else
		w->lost++;
}

static void *
work(void *arg)
{
	struct worker *w = arg;
	struct pbuf_pool *pool = pbuf_pool_create(1, 0);
	struct pbuf *pb = pool != NULL ? pbuf_alloc(pool, 1500) : NULL;
	uint8_t plain[20 + 1500], *data0;
	int i;

	if (pb == NULL || net_worker_set(w->id) != 0) {
		fprintf(stderr, "bench_workers: worker %u set-up failed\n",
		    w->id);
		exit(1);
	}
	data0 = pb->data;
	make_plain(plain, w->size);
	pthread_barrier_wait(&start_line);
	w->cpu = clock_s(CLOCK_THREAD_CPUTIME_ID);
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED))
		for (i = 0; i < BATCH; i++)
			round_trip(w, pb, data0, plain);
	w->cpu = clock_s(CLOCK_THREAD_CPUTIME_ID) - w->cpu;
	pb->data = data0;
	pbuf_free(pb);
	pbuf_pool_destroy(pool);
	return NULL;
}

/*
 * One run of n workers on payloads of size bytes, over all of them.
 * pairs[i] are worker i's SAs.
 */
static struct result
run(int n, size_t size, struct ipsec_sa *pairs[][2], unsigned long *lost)
{
	struct worker w[WORKERS];
	struct timespec nap = { 0, RUN_NS };
	unsigned long done = 0;
	double t0, t, cpu = 0;
	int i;

	memset(w, 0, sizeof(w));
	/* As sockmgr would run: one worker takes no SA locks, two do. */
	if (net_workers_set((unsigned int)n) != 0)
		exit(1);
	__atomic_store_n(&stop, 0, __ATOMIC_RELAXED);
	if (pthread_barrier_init(&start_line, NULL, (unsigned int)n + 1))
		exit(1);
	for (i = 0; i < n; i++) {
		w[i].id = (unsigned int)i + 1;
		w[i].tx = pairs[i][0];
		w[i].rx = pairs[i][1];
		w[i].size = size;
		if (pthread_create(&w[i].thread, NULL, work, &w[i]) != 0)
			exit(1);
	}
	pthread_barrier_wait(&start_line);
	t0 = clock_s(CLOCK_MONOTONIC);
	nanosleep(&nap, NULL);
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < n; i++) {
		pthread_join(w[i].thread, NULL);
		done += w[i].done;
		*lost += w[i].lost;
		cpu += w[i].cpu;
	}
	t = clock_s(CLOCK_MONOTONIC) - t0;
	pthread_barrier_destroy(&start_line);
	return (struct result){ (double)done / t, cpu / t };
}

/* Best of RUNS for one worker and for two, taken in turn. */
static void
row(const char *name, size_t size, struct ipsec_sa *pairs[][2],
    bool target)
{
	struct result one = { 0, 0 }, two = { 0, 0 }, r;
	unsigned long lost = 0;
	double ratio;
	int k;

	for (k = 0; k < RUNS; k++) {
		if ((r = run(1, size, pairs, &lost)).pps > one.pps)
			one = r;
		if ((r = run(WORKERS, size, pairs, &lost)).pps > two.pps)
			two = r;
	}
	ratio = two.pps / one.pps;
	printf("%-15s %5zu %10.0f %5.2f %10.0f %5.2f %6.2f %8.2f %6lu", name,
	    size, one.pps, one.cores, two.pps, two.cores, ratio,
	    (two.pps / two.cores) / (one.pps / one.cores), lost);
	if (target)
		printf("  target >= %.2f: %s", TARGET,
		    ratio >= TARGET ? "met" : "NOT met");
	printf("\n");
	fflush(stdout);
}

int
main(void)
{
	struct ipsec_sa *own[WORKERS][2], *shared[WORKERS][2];
	double load[3] = { 0, 0, 0 };
	size_t i;
	int k;

	if (crypto_init() != 0)
		return 1;
	for (k = 0; k < WORKERS; k++) {
		own[k][0] = make_sa(0x1000 + (uint32_t)k, 0);
		own[k][1] = make_sa(0x1000 + (uint32_t)k, WINDOW);
	}
	shared[0][0] = shared[1][0] = make_sa(0x2000, 0);
	shared[0][1] = shared[1][1] = make_sa(0x2000, WINDOW);
	if (getloadavg(load, 3) < 0)
		load[0] = load[1] = load[2] = -1;
	printf("ESP aes-128-gcm encap+decap, packets/s (wall clock), "
	    "best of %d runs of %.2f s\n", RUNS, RUN_NS / 1e9);
	printf("CPUs online %ld, load average %.2f %.2f %.2f "
	    "(the ratio needs %d idle cores)\n", sysconf(_SC_NPROCESSORS_ONLN),
	    load[0], load[1], load[2], WORKERS);
	printf("%-15s %5s %10s %5s %10s %5s %6s %8s %6s\n", "SAs", "bytes",
	    "1 worker", "cores", "2 workers", "cores", "ratio", "per-core",
	    "lost");
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		row("one per worker", sizes[i], own, true);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		row("one shared", sizes[i], shared, false);
	for (k = 0; k < WORKERS; k++) {
		key_sa_put(own[k][0]);
		key_sa_put(own[k][1]);
	}
	key_sa_put(shared[0][0]);
	key_sa_put(shared[0][1]);
	crypto_fini();
	return 0;
}
