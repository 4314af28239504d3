/*
 * net.key.*: the key engine's tunables with their KAME defaults (KAME
 * key.c / key_var.h; FreeBSD keysock.c for the socket buffer sizes;
 * sad_max and spd_max, the sizes of the databases beyond which PF_KEY
 * adds are ENOBUFS, are ours) and the PF_KEY statistics node, as one MIB
 * table.  Renamed variables carry
 * the other tree's spelling as an alias of the same node: the FreeBSD
 * sysctl names (spi_trycnt, preferred_oldsa) and the NetBSD/KEYCTL_NAMES
 * ones (spi_try, prefered_oldsa).
 */
#include <limits.h>

#include "sys/net/mib.h"
#include "sys/netkey/key_stat.h"
#include "sys/netkey/key_var.h"

/* The initial values; key_var_mib[] repeats them, a unit test compares. */
struct key_vars key_vars = {
	.debug = 0,
	.spi_trycnt = 1000,
	.spi_minval = 0x100,
	.spi_maxval = 0x0fffffff,
	.larval_lifetime = 30,
	.blockacq_count = 10,
	.blockacq_lifetime = 20,
	.esp_keymin = 256,
	.esp_auth = 0,
	.ah_keymin = 128,
	.preferred_oldsa = 1,
	.sendspace = 8192,
	.recvspace = 8192,
	.sad_max = 1 << 20,
	.spd_max = 1 << 20,
};

static const struct mib_stats_ops pfkeystat_ops = {
	.walk = pfkeystat_walk,
	.reset = pfkeystat_reset,
	.ctx = &pfkeystat,
};

#define VAR(n, a, f, lo, hi, d, text) {					\
	.name = "net.key." n, .alias = a, .kind = MIB_INT,		\
	.writable = true, .var = &key_vars.f, .min = lo, .max = hi,	\
	.def = d, .descr = text }

const struct mib_node key_var_mib[] = {
	VAR("debug", NULL, debug, 0, INT_MAX, 0,
	    "Key engine debug bitmask (accepted; nothing logs by it)"),
	VAR("spi_trycnt", "net.key.spi_try", spi_trycnt, 1, INT_MAX, 1000,
	    "Attempts at a random unused SPI in GETSPI"),
	VAR("spi_minval", "net.key.spi_min_value", spi_minval, 0, INT_MAX,
	    0x100, "Lowest SPI GETSPI picks without an SPI range"),
	VAR("spi_maxval", "net.key.spi_max_value", spi_maxval, 0, INT_MAX,
	    0x0fffffff, "Highest SPI GETSPI picks without an SPI range"),
	VAR("larval_lifetime", NULL, larval_lifetime, 1, INT_MAX, 30,
	    "Seconds before a LARVAL SA is reaped"),
	VAR("blockacq_count", NULL, blockacq_count, 0, INT_MAX, 10,
	    "Packets that do not re-send an ACQUIRE for the same SA index"),
	VAR("blockacq_lifetime", NULL, blockacq_lifetime, 1, INT_MAX, 20,
	    "Seconds an ACQUIRE-blocking entry lasts"),
	VAR("esp_keymin", NULL, esp_keymin, 0, INT_MAX, 256,
	    "Smallest ESP key (bits) offered in ACQUIRE proposals"),
	VAR("esp_auth", NULL, esp_auth, 0, 1, 0,
	    "ESP proposals in ACQUIRE carry authentication algorithms"),
	VAR("ah_keymin", NULL, ah_keymin, 0, INT_MAX, 128,
	    "Smallest AH key (bits) offered in ACQUIRE proposals"),
	VAR("preferred_oldsa", "net.key.prefered_oldsa", preferred_oldsa,
	    0, 1, 1, "Outbound packets use the oldest of several SAs"),
	VAR("sendspace", NULL, sendspace, 1024, 64 << 20, 8192,
	    "PF_KEY socket send buffer (bytes)"),
	VAR("recvspace", NULL, recvspace, 1024, 64 << 20, 8192,
	    "PF_KEY socket receive buffer and queue floor (bytes)"),
	VAR("sad_max", NULL, sad_max, 1, INT_MAX, 1 << 20,
	    "Most SAs the SAD holds; adding beyond is ENOBUFS"),
	VAR("spd_max", NULL, spd_max, 1, INT_MAX, 1 << 20,
	    "Most policies the SPD holds; adding beyond is ENOBUFS"),
	{ .name = "net.key.stats", .kind = MIB_STATS, .stats = &pfkeystat_ops,
	  .descr = "PF_KEY statistics (struct pfkeystat)" },
};

const size_t key_var_mib_count = sizeof(key_var_mib) / sizeof(key_var_mib[0]);

void
key_vars_reset(void)
{
	mib_reset_defaults(key_var_mib, key_var_mib_count);
}
