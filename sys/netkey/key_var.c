/*
 * net.key.* variables and their defaults (KAME key.c / key_var.h; FreeBSD
 * keysock.c for the socket buffer sizes; sad_max and spd_max, the sizes
 * of the databases beyond which PF_KEY adds are ENOBUFS, are ours).
 */
#include <errno.h>
#include <string.h>

#include "sys/netkey/key_var.h"

#define KEY_VARS_DEFAULT {						\
	.debug = 0,							\
	.spi_trycnt = 1000,						\
	.spi_minval = 0x100,						\
	.spi_maxval = 0x0fffffff,					\
	.larval_lifetime = 30,						\
	.blockacq_count = 10,						\
	.blockacq_lifetime = 20,					\
	.esp_keymin = 256,						\
	.esp_auth = 0,							\
	.ah_keymin = 128,						\
	.preferred_oldsa = 1,						\
	.sendspace = 8192,						\
	.recvspace = 8192,						\
	.sad_max = 1 << 20,						\
	.spd_max = 1 << 20,						\
}

struct key_vars key_vars = KEY_VARS_DEFAULT;

#define VAR(n, i, f, lo, hi) \
	{ n, i, offsetof(struct key_vars, f), lo, hi }

/* Aliases share the field of the name they spell differently. */
static const struct key_var_desc key_var_descs[] = {
	VAR("debug", 1, debug, 0, 0x7fffffff),
	VAR("spi_trycnt", 2, spi_trycnt, 1, 0x7fffffff),
	VAR("spi_try", 2, spi_trycnt, 1, 0x7fffffff),
	VAR("spi_minval", 3, spi_minval, 0, 0x7fffffff),
	VAR("spi_min_value", 3, spi_minval, 0, 0x7fffffff),
	VAR("spi_maxval", 4, spi_maxval, 0, 0x7fffffff),
	VAR("spi_max_value", 4, spi_maxval, 0, 0x7fffffff),
	VAR("larval_lifetime", 6, larval_lifetime, 1, 0x7fffffff),
	VAR("blockacq_count", 7, blockacq_count, 0, 0x7fffffff),
	VAR("blockacq_lifetime", 8, blockacq_lifetime, 1, 0x7fffffff),
	VAR("esp_keymin", 9, esp_keymin, 0, 0x7fffffff),
	VAR("esp_auth", 10, esp_auth, 0, 1),
	VAR("ah_keymin", 11, ah_keymin, 0, 0x7fffffff),
	VAR("preferred_oldsa", 12, preferred_oldsa, 0, 1),
	VAR("prefered_oldsa", 12, preferred_oldsa, 0, 1),
	VAR("sendspace", 0, sendspace, 1024, 64 << 20),
	VAR("recvspace", 0, recvspace, 1024, 64 << 20),
	VAR("sad_max", 0, sad_max, 1, 0x7fffffff),
	VAR("spd_max", 0, spd_max, 1, 0x7fffffff),
};

const struct key_var_desc *
key_var_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(key_var_descs) / sizeof(key_var_descs[0]); i++)
		if (strcmp(key_var_descs[i].name, name) == 0)
			return &key_var_descs[i];
	return NULL;
}

const struct key_var_desc *
key_var_table(size_t *countp)
{
	*countp = sizeof(key_var_descs) / sizeof(key_var_descs[0]);
	return key_var_descs;
}

int *
key_var_ptr(const struct key_var_desc *d)
{
	return (int *)((char *)&key_vars + d->offset);
}

int
key_var_set(const struct key_var_desc *d, int value)
{
	if (value < d->min || value > d->max) {
		errno = EINVAL;
		return -1;
	}
	*key_var_ptr(d) = value;
	return 0;
}

void
key_vars_reset(void)
{
	static const struct key_vars defaults = KEY_VARS_DEFAULT;

	key_vars = defaults;
}
