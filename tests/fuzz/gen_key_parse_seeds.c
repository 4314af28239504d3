/*
 * Writes the seed corpus of fuzz_key_parse: every sample message of
 * tests/unit/pfkey_msg.c (every type, every variant) under every satype
 * that the message type accepts, one file each.  Not built by make; run
 * after changing the samples and commit the result:
 *
 *	make build/libsys.a
 *	cc -D_GNU_SOURCE -Iinclude -I. -Itests/unit -o /tmp/gen \
 *	    tests/fuzz/gen_key_parse_seeds.c tests/unit/pfkey_msg.c \
 *	    build/libsys.a -lcrypto
 *	rm -f tests/fuzz/key_parse.seeds/type*
 *	/tmp/gen tests/fuzz/key_parse.seeds
 */
#include <stdio.h>
#include <stdlib.h>

#include "sys/netkey/key_build.h"
#include "sys/netkey/key_parse.h"
#include "pfkey_msg.h"

static const uint8_t satypes[] = {
	SADB_SATYPE_UNSPEC, 1, SADB_SATYPE_AH, SADB_SATYPE_ESP,
	SADB_X_SATYPE_IPCOMP, SADB_X_SATYPE_TCPSIGNATURE,
};

static int
write_seed(const char *dir, unsigned int type, unsigned int v,
    unsigned int satype, const void *msg, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/type%02u-v%u-satype%u.bin", dir, type,
	    v, satype);
	if ((f = fopen(path, "wb")) == NULL || fwrite(msg, 1, len, f) != len) {
		perror(path);
		return -1;
	}
	return fclose(f);
}

int
main(int argc, char **argv)
{
	struct key_buf b;
	struct key_msg m;
	struct sadb_msg *h;
	unsigned int type, v, i, n = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s seed-directory\n", argv[0]);
		return 2;
	}
	key_buf_init_dynamic(&b);
	for (type = 1; type <= SADB_MAX; type++) {
		for (v = 0; v < PFKEY_MSG_VARIANTS; v++) {
			for (i = 0; i < sizeof(satypes); i++) {
				if (pfkey_msg_sample(&b, type, v) != 0)
					return 1;
				h = (struct sadb_msg *)(void *)b.base;
				h->sadb_msg_satype = satypes[i];
				if (key_parse(key_buf_data(&b), key_buf_len(&b),
				    &m) != 0)
					continue;
				if (write_seed(argv[1], type, v, satypes[i],
				    key_buf_data(&b), key_buf_len(&b)) != 0)
					return 1;
				n++;
			}
		}
	}
	key_buf_free(&b);
	printf("%u seeds\n", n);
	return 0;
}
