/*
 * Run the ESP transform on packets given in hex, for interoperability
 * tests against independent implementations (tests/interop/).
 *
 *	esp_tool out|in -s SPI -e ENCALG -E KEYHEX [-a AUTHALG -A KEYHEX]
 *	    [-f FLAGS] [-w WINDOW] [-n] [-q NEXTSEQ] [-t TOP] [-i IVHEX]
 *
 * One SA is made from the options (algorithm names as setkey spells
 * them; -n for ESN; -f sadb_sa_flags, e.g. 0x200 for zero padding; -w
 * replay window in packets; -q the next output sequence number; -t the
 * highest sequence number the receiver has seen; -i a fixed IV).  Each
 * line of standard input is one IPv4 or IPv6 packet in hex, ESP going in
 * after the IP header (IPv6 extension headers are not walked).  For each
 * line one line is printed: the resulting packet in hex, or "drop NAME"
 * with the espstat counter that explains the drop.  Exit status 0 unless
 * the options are wrong.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/pfkeyv2.h"
#include "sys/crypto/crypto.h"
#include "sys/net/pbuf.h"
#include "sys/netipsec/esp_var.h"
#include "sys/netipsec/ipsec_xform.h"
#include "sys/netipsec/replay.h"
#include "sys/netkey/key_sa.h"

#define LINE_MAX_HEX	(2 * PBUF_SMALL_DATA + 2)

struct opts {
	int		 output;
	uint32_t	 spi;
	const char	*enc, *ekey, *auth, *akey, *iv;
	uint32_t	 flags, window;
	uint64_t	 next_seq, top;
	int		 have_next, have_top;
};

static int
unhex(const char *s, uint8_t *out, size_t cap, size_t *lenp)
{
	size_t n = 0;
	unsigned v;

	while (isxdigit((unsigned char)s[0]) && isxdigit((unsigned char)s[1])) {
		if (n == cap || sscanf(s, "%2x", &v) != 1)
			return -1;
		out[n++] = (uint8_t)v;
		s += 2;
	}
	if (*s != '\0' && *s != '\n' && *s != '\r')
		return -1;
	*lenp = n;
	return 0;
}

static int
set_key(struct ipsec_sa_key *k, const char *hex)
{
	uint8_t buf[128];
	size_t len;

	if (hex == NULL)
		return 0;
	if (unhex(hex, buf, sizeof(buf), &len) != 0)
		return EINVAL;
	return key_sa_set_key(k, buf, (uint16_t)(len * 8));
}

static const struct crypto_alg *
byname(enum crypto_kind kind, const char *name)
{
	const struct crypto_alg *a = crypto_alg_byname(kind, name);

	if (a == NULL)
		fprintf(stderr, "esp_tool: unknown algorithm %s\n", name);
	return a;
}

static struct ipsec_sa *
make_sa(const struct opts *o)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	const struct crypto_alg *ealg, *aalg = NULL;
	uint8_t iv[CRYPTO_IV_MAX];
	struct ipsec_sa *sa;
	size_t ivlen;
	int error;

	ealg = byname(CRYPTO_KIND_ENC, o->enc);
	if (o->auth != NULL)
		aalg = byname(CRYPTO_KIND_AUTH, o->auth);
	if (ealg == NULL || (o->auth != NULL && aalg == NULL))
		return NULL;
	sa = key_sa_alloc(SADB_SATYPE_ESP, (struct sockaddr *)&a,
	    (struct sockaddr *)&a);
	if (sa == NULL)
		return NULL;
	sa->spi = htonl(o->spi);
	sa->state = SADB_SASTATE_MATURE;
	sa->alg_enc = ealg->sadb_id;
	sa->alg_auth = aalg != NULL ? aalg->sadb_id : SADB_AALG_NONE;
	sa->flags = o->flags;
	sa->replay = o->window;
	error = set_key(&sa->key_enc, o->ekey);
	if (error == 0)
		error = set_key(&sa->key_auth, o->akey);
	if (error == 0)
		error = ipsec_xform_install(sa);
	if (error != 0) {
		fprintf(stderr, "esp_tool: SA refused: %s\n", strerror(error));
		key_sa_put(sa);
		return NULL;
	}
	if (o->iv != NULL && unhex(o->iv, iv, sizeof(iv), &ivlen) == 0)
		esp_test_set_output(sa, iv, o->have_next ? o->next_seq : 1);
	else if (o->have_next)
		esp_test_set_output(sa, NULL, o->next_seq);
	if (o->have_top && ipsec_xform_of(sa)->replay != NULL)
		ipsec_replay_reset(ipsec_xform_of(sa)->replay, o->top);
	return sa;
}

/* Where ESP goes: after the IPv4 header (with options) or IPv6 header. */
static int
locate(const struct pbuf *pb, size_t *skipp, size_t *protoffp)
{
	if (pb->len >= 20 && pb->data[0] >> 4 == 4) {
		*skipp = (size_t)(pb->data[0] & 15) * 4;
		*protoffp = 9;
	} else if (pb->len >= 40 && pb->data[0] >> 4 == 6) {
		*skipp = 40;
		*protoffp = 6;
	} else {
		return -1;
	}
	return *skipp <= pb->len ? 0 : -1;
}

static void
run_line(struct ipsec_sa *sa, struct pbuf_pool *pool, const struct opts *o,
    const char *line)
{
	uint8_t buf[PBUF_SMALL_DATA], nxt;
	uint64_t before[ESPS_NCOUNTERS];
	size_t len, skip, protoff, i;
	int c;
	enum ipsec_verdict v;
	struct pbuf *pb;

	if (unhex(line, buf, sizeof(buf), &len) != 0 ||
	    (pb = pbuf_alloc(pool, len)) == NULL) {
		printf("error bad hex\n");
		return;
	}
	pbuf_append(pb, buf, len);
	if (locate(pb, &skip, &protoff) != 0) {
		printf("error not an IP packet\n");
		pbuf_free(pb);
		return;
	}
	net_counter_sum_all(&espstat_counters, before);
	v = o->output ? ipsec_xform_output(sa, pb, skip, protoff, NULL) :
	    ipsec_xform_input(sa, pb, skip, protoff, &nxt, NULL);
	if (v == IPSEC_PASS) {
		for (i = 0; i < pb->len; i++)
			printf("%02x", pb->data[i]);
		printf("\n");
	} else {
		for (c = 0; c < ESPS_NCOUNTERS; c++)
			if (net_counter_sum(&espstat_counters, c) != before[c])
				break;
		printf("drop %s\n", c < ESPS_NCOUNTERS ?
		    ipsec_xform_stats_name(&esp_stats, (size_t)c) : "unknown");
	}
	fflush(stdout);
	pbuf_free(pb);
}

static int
parse(int argc, char **argv, struct opts *o)
{
	int c;

	if (argc < 2 || (strcmp(argv[1], "out") != 0 &&
	    strcmp(argv[1], "in") != 0))
		return -1;
	o->output = strcmp(argv[1], "out") == 0;
	optind = 2;
	while ((c = getopt(argc, argv, "s:e:E:a:A:f:w:nq:t:i:")) != -1) {
		switch (c) {
		case 's': o->spi = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'e': o->enc = optarg; break;
		case 'E': o->ekey = optarg; break;
		case 'a': o->auth = optarg; break;
		case 'A': o->akey = optarg; break;
		case 'f': o->flags |= (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'w': o->window = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'n': o->flags |= SADB_X_SAFLAGS_ESN; break;
		case 'q':
			o->next_seq = strtoull(optarg, NULL, 0);
			o->have_next = 1;
			break;
		case 't':
			o->top = strtoull(optarg, NULL, 0);
			o->have_top = 1;
			break;
		case 'i': o->iv = optarg; break;
		default: return -1;
		}
	}
	return o->enc != NULL ? 0 : -1;
}

int
main(int argc, char **argv)
{
	struct opts o = { 0 };
	static char line[LINE_MAX_HEX];
	struct pbuf_pool *pool;
	struct ipsec_sa *sa;

	if (parse(argc, argv, &o) != 0) {
		fprintf(stderr, "usage: esp_tool out|in -s SPI -e ENC -E KEY "
		    "[-a AUTH -A KEY] [-f FLAGS] [-w WIN] [-n] [-q SEQ] "
		    "[-t TOP] [-i IV]\n");
		return 2;
	}
	if (crypto_init() != 0 || (pool = pbuf_pool_create(4, 0)) == NULL)
		return 1;
	sa = make_sa(&o);
	if (sa == NULL)
		return 2;
	while (fgets(line, sizeof(line), stdin) != NULL)
		run_line(sa, pool, &o, line);
	key_sa_put(sa);
	pbuf_pool_destroy(pool);
	crypto_fini();
	return 0;
}
