/*
 * UPDATE of a mature SA and the extensions it cannot apply (issue 12,
 * finding 6).  A lifetime-only UPDATE of a MATURE SA succeeds, as in
 * FreeBSD; one that repeats the SA's NAT-T extensions or its own address
 * as NEW_ADDRESS succeeds too; one that would change a NAT-T port or type
 * or move the SA to another address is refused with EINVAL (before the
 * fix it answered 0 and silently kept the old values).  GET shows the SA
 * unchanged afterwards.  A larval SA cannot be moved either.
 *
 * From a Linux-dialect socket (issue 11: charon follows a NAT's new
 * mapping with SADB_GET and then an UPDATE repeating the keys with the
 * new port, which af_key applies): the keys are ignored, the SA moves
 * to the new NAT-T port in its copies (GET), in its ESP-in-UDP state
 * and in the header the packet path puts on, and keeps its output
 * sequence; the NAT-T type must stay, and an SA cannot gain or lose
 * encapsulation.
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <string.h>

#include "net/pfkeyv2.h"
#include "sys/net/pbuf.h"
#include "sys/netipsec/ipsec_xform.h"
#include "sys/netipsec/udpencap.h"
#include "sys/netkey/key_build.h"
#include "sys/netkey/key_sad.h"
#include "sys/netkey/keysock.h"
#include "tests/unit/key_sa_client.h"
#include "tests/unit/pfkey_msg.h"
#include "tests/unit/testlib.h"

#define SPI	0x5151
#define SRC	"192.0.2.1"
#define DST	"192.0.2.2"

enum change { NONE, NATT_SAME, NATT_SPORT, NATT_TYPE, NEWDST_SAME,
	NEWDST_OTHER, NEWSRC_OTHER, PLAIN };

static struct sa_client client;
static bool with_key;		/* UPDATE carries a key too */

static void
addr(struct key_buf *b, uint16_t type, const char *text)
{
	struct sockaddr_in sin;

	pfkey_msg_sin(&sin, text, 0);
	key_build_address(b, type, (void *)&sin, 32, 255);
}

/* ADD (type SADB_ADD) or UPDATE of SA SPI, with NAT-T and change. */
static int
request(uint8_t type, uint8_t state, enum change c)
{
	static const uint8_t ekey[16] = { 0x42 };
	struct key_buf b;
	int error;

	key_buf_init_dynamic(&b);
	key_build_begin(&b, type, SADB_SATYPE_ESP, 0, 4242);
	key_build_sa(&b, htonl(SPI), 4, state, SADB_AALG_NONE,
	    SADB_X_EALG_AESCBC, 0);
	key_build_lifetime(&b, SADB_EXT_LIFETIME_HARD, 0, 0, 3600, 0);
	addr(&b, SADB_EXT_ADDRESS_SRC, SRC);
	addr(&b, SADB_EXT_ADDRESS_DST, DST);
	if (type == SADB_ADD || with_key)
		key_build_key(&b, SADB_EXT_KEY_ENCRYPT, ekey, 128);
	if ((type == SADB_ADD && c != PLAIN) || c == NATT_SAME ||
	    c == NATT_SPORT || c == NATT_TYPE) {
		key_build_nat_t_type(&b, c == NATT_TYPE ? 1 :
		    UDP_ENCAP_ESPINUDP);
		key_build_nat_t_port(&b, SADB_X_EXT_NAT_T_SPORT,
		    htons(c == NATT_SPORT ? 4501 : 4500));
		key_build_nat_t_port(&b, SADB_X_EXT_NAT_T_DPORT, htons(4500));
	}
	if (c == NEWDST_SAME || c == NEWDST_OTHER)
		addr(&b, SADB_X_EXT_NEW_ADDRESS_DST,
		    c == NEWDST_SAME ? DST : "198.51.100.9");
	if (c == NEWSRC_OTHER)
		addr(&b, SADB_X_EXT_NEW_ADDRESS_SRC, "198.51.100.8");
	CU_ASSERT_FATAL(key_build_end(&b) == 0);
	error = sa_client_call(&client, &b, NULL);
	key_buf_free(&b);
	return error;
}

static struct ipsec_sa *
the_sa(void)
{
	struct sockaddr_in d;
	struct ipsec_sa *sa;

	pfkey_msg_sin(&d, DST, 0);
	sa = key_sad_lookup((void *)&d, IPPROTO_ESP, htonl(SPI));
	CU_ASSERT_PTR_NOT_NULL_FATAL(sa);
	return sa;
}

static uint16_t
kept_sport(void)
{
	const struct key_blob *k;
	const struct sadb_x_nat_t_port *p;

	k = key_sa_ext(the_sa(), KEY_SA_EXT_NAT_T_SPORT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	p = k->data;
	return ntohs(p->sadb_x_nat_t_port_port);
}

static void
test_mature(void)
{
	sa_client_open(&client);
	key_sad_flush(0);
	CU_ASSERT_EQUAL_FATAL(request(SADB_ADD, SADB_SASTATE_MATURE, NONE),
	    0);
	CU_ASSERT_EQUAL(request(SADB_UPDATE, SADB_SASTATE_MATURE, NONE), 0);
	CU_ASSERT_EQUAL(request(SADB_UPDATE, SADB_SASTATE_MATURE, NATT_SAME),
	    0);
	CU_ASSERT_EQUAL(request(SADB_UPDATE, SADB_SASTATE_MATURE,
	    NEWDST_SAME), 0);
	CU_ASSERT_EQUAL(request(SADB_UPDATE, SADB_SASTATE_MATURE,
	    NATT_SPORT), EINVAL);
	CU_ASSERT_EQUAL(request(SADB_UPDATE, SADB_SASTATE_MATURE, NATT_TYPE),
	    EINVAL);
	CU_ASSERT_EQUAL(request(SADB_UPDATE, SADB_SASTATE_MATURE,
	    NEWDST_OTHER), EINVAL);
	CU_ASSERT_EQUAL(request(SADB_UPDATE, SADB_SASTATE_MATURE,
	    NEWSRC_OTHER), EINVAL);
	CU_ASSERT_EQUAL(kept_sport(), 4500);
	CU_ASSERT_EQUAL(key_sad_count(0), 1);
	sa_client_drain(&client);
	sa_client_close(&client);
	key_sad_flush(0);
}

/* A larval SA from GETSPI cannot be moved by its UPDATE either. */
static void
test_larval_move(void)
{
	struct sockaddr_in s, d;
	struct ipsec_sa *sa;

	sa_client_open(&client);
	key_sad_flush(0);
	pfkey_msg_sin(&s, SRC, 0);
	pfkey_msg_sin(&d, DST, 0);
	sa = key_sa_alloc(SADB_SATYPE_ESP, (void *)&s, (void *)&d);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sa);
	sa->spi = htonl(SPI);
	sa->msg_pid = 4242;
	CU_ASSERT_EQUAL_FATAL(key_sad_insert(sa), 0);
	key_sa_put(sa);
	with_key = true;
	CU_ASSERT_EQUAL(request(SADB_UPDATE, SADB_SASTATE_MATURE,
	    NEWDST_OTHER), EINVAL);
	sa = key_sad_lookup((void *)&d, IPPROTO_ESP, htonl(SPI));
	CU_ASSERT(sa != NULL && sa->state == SADB_SASTATE_LARVAL);
	/* Naming its own address, the same UPDATE makes it mature. */
	CU_ASSERT_EQUAL(request(SADB_UPDATE, SADB_SASTATE_MATURE,
	    NEWDST_SAME), 0);
	sa = key_sad_lookup((void *)&d, IPPROTO_ESP, htonl(SPI));
	CU_ASSERT(sa != NULL && sa->state == SADB_SASTATE_MATURE);
	with_key = false;
	sa_client_drain(&client);
	sa_client_close(&client);
	key_sad_flush(0);
}

/* The UDP source port the packet path puts in front of the SA's ESP. */
static uint16_t
wire_sport(void)
{
	const struct ipsec_xform *xf = the_sa()->xform;
	static const uint8_t esp[48] = { 0x45 };	/* IPv4, then ESP */
	struct pbuf_pool *pool;
	struct pbuf *pb;
	uint16_t port = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(xf);
	pool = pbuf_pool_create(1, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pool);
	pb = pbuf_alloc(pool, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pb);
	CU_ASSERT_FATAL(pbuf_append(pb, esp, sizeof(esp)) == 0);
	CU_ASSERT(udpencap_output(&xf->encap, pb, 20, 9) == 0);
	CU_ASSERT_EQUAL(pb->data[9], IPPROTO_UDP);
	memcpy(&port, pb->data + 20, 2);
	pbuf_free(pb);
	pbuf_pool_destroy(pool);
	return ntohs(port);
}

static void
test_mature_linux(void)
{
	struct ipsec_sa *sa;

	sa_client_open(&client);
	keysock_set_dialect(client.so, KEY_DIALECT_LINUX);
	key_sad_flush(0);
	CU_ASSERT_EQUAL_FATAL(request(SADB_ADD, SADB_SASTATE_MATURE, NONE),
	    0);
	the_sa()->seq_out = 77;
	CU_ASSERT_EQUAL(wire_sport(), 4500);
	with_key = true;
	CU_ASSERT_EQUAL(request(SADB_UPDATE, SADB_SASTATE_MATURE,
	    NATT_SPORT), 0);
	sa = the_sa();
	CU_ASSERT_EQUAL(kept_sport(), 4501);
	CU_ASSERT_EQUAL(((const struct ipsec_xform *)sa->xform)->encap.sport,
	    htons(4501));
	CU_ASSERT_EQUAL(wire_sport(), 4501);
	CU_ASSERT_EQUAL(sa->seq_out, 77);
	CU_ASSERT_EQUAL(sa->state, SADB_SASTATE_MATURE);
	/* Back, with the type repeated; a new type or none is refused. */
	CU_ASSERT_EQUAL(request(SADB_UPDATE, SADB_SASTATE_MATURE, NATT_SAME),
	    0);
	CU_ASSERT_EQUAL(kept_sport(), 4500);
	CU_ASSERT_EQUAL(request(SADB_UPDATE, SADB_SASTATE_MATURE, NATT_TYPE),
	    EINVAL);
	CU_ASSERT_EQUAL(request(SADB_UPDATE, SADB_SASTATE_MATURE, NONE),
	    EINVAL);
	CU_ASSERT_EQUAL(request(SADB_UPDATE, SADB_SASTATE_MATURE,
	    NEWDST_OTHER), EINVAL);
	CU_ASSERT_EQUAL(kept_sport(), 4500);
	CU_ASSERT_EQUAL(wire_sport(), 4500);
	/* A plain ESP SA does not become esp-udp by an UPDATE. */
	key_sad_flush(0);
	CU_ASSERT_EQUAL_FATAL(request(SADB_ADD, SADB_SASTATE_MATURE, PLAIN),
	    0);
	CU_ASSERT_EQUAL(request(SADB_UPDATE, SADB_SASTATE_MATURE,
	    NATT_SPORT), EINVAL);
	CU_ASSERT_PTR_NULL(key_sa_ext(the_sa(), KEY_SA_EXT_NAT_T_TYPE));
	CU_ASSERT_EQUAL(request(SADB_UPDATE, SADB_SASTATE_MATURE, PLAIN), 0);
	with_key = false;
	sa_client_drain(&client);
	sa_client_close(&client);
	key_sad_flush(0);
}

static const struct test_case update_cases[] = {
	{ "UPDATE of a mature SA: NAT-T and NEW_ADDRESS", test_mature },
	{ "UPDATE does not move a larval SA", test_larval_move },
	{ "Linux UPDATE of a mature SA moves its NAT-T port",
	    test_mature_linux },
	{ NULL, NULL }
};

const struct test_suite test_suites[] = {
	{ "UPDATE extensions", sa_suite_init, sa_suite_fini, update_cases },
	{ NULL, NULL, NULL, NULL }
};
