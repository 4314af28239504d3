/*
 * Tunables of the key engine: the net.key.* sysctl variables.  The key
 * engine reads the fields of key_vars directly, so a value written through
 * the MIB (key_var_mib[], registered by the socket manager) applies to the
 * next message or timer tick.
 */
#ifndef SYS_NETKEY_KEY_VAR_H
#define SYS_NETKEY_KEY_VAR_H

#include <stddef.h>

#include "sys/net/mib.h"

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

/*
 * The net.key.* MIB nodes, both spellings of renamed names included, and
 * net.key.stats; for mib_register().
 */
extern const struct mib_node key_var_mib[];
extern const size_t key_var_mib_count;

/* Restore every variable to its KAME default. */
void	key_vars_reset(void);

#endif
