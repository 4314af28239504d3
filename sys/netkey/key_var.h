/*
 * Tunables of the key engine: the net.key.* sysctl variables with their
 * KAME defaults.  The sysctl front end reads and writes them by name through
 * key_var_lookup(); the key engine reads the fields of key_vars directly.
 */
#ifndef SYS_NETKEY_KEY_VAR_H
#define SYS_NETKEY_KEY_VAR_H

#include <stddef.h>

struct key_vars {
	int	debug;			/* debug bitmask */
	int	spi_trycnt;		/* GETSPI attempts at a random SPI */
	int	spi_minval;		/* lower bound of kernel-chosen SPIs */
	int	spi_maxval;		/* upper bound of kernel-chosen SPIs */
	int	larval_lifetime;	/* seconds before a LARVAL SA is reaped */
	int	blockacq_count;		/* ACQUIREs suppressed per SA index */
	int	blockacq_lifetime;	/* seconds an ACQUIRE block lasts */
	int	esp_keymin;		/* min ESP key bits in proposals */
	int	esp_auth;		/* ESP proposals carry auth algs */
	int	ah_keymin;		/* min AH key bits in proposals */
	int	preferred_oldsa;	/* outbound: prefer the older SA */
	int	sendspace;		/* PF_KEY send buffer bytes */
	int	recvspace;		/* PF_KEY receive buffer bytes */
	int	sad_max;		/* SAs the SAD holds at most */
	int	spd_max;		/* policies the SPD holds at most */
};

extern struct key_vars key_vars;

struct key_var_desc {
	const char	*name;		/* leaf name under net.key. */
	int		 id;		/* KAME KEYCTL_* id, 0 if none */
	size_t		 offset;	/* into struct key_vars */
	int		 min, max;	/* accepted range */
};

/*
 * Find a variable by leaf name, accepting both the FreeBSD names
 * (spi_trycnt, preferred_oldsa) and the NetBSD/KEYCTL_NAMES spellings
 * (spi_try, prefered_oldsa).  NULL when unknown.
 */
const struct key_var_desc *key_var_lookup(const char *name);
const struct key_var_desc *key_var_table(size_t *countp);
int	*key_var_ptr(const struct key_var_desc *d);

/* Set a value after the range check: 0, or -1 (EINVAL) if out of range. */
int	key_var_set(const struct key_var_desc *d, int value);

/* Restore every variable to its KAME default. */
void	key_vars_reset(void);

#endif
