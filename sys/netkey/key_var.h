/*
 * Tunables of the key engine: the net.key.* sysctl variables.  The key
 * engine reads the fields of key_vars with net_tunable_get(), so a value
 * written through the MIB (key_var_mib[], registered by the socket
 * manager) applies to the next message or timer tick, on any thread
 * (net_tunable.h).
 */
#ifndef SYS_NETKEY_KEY_VAR_H
#define SYS_NETKEY_KEY_VAR_H

#include <stddef.h>

#include "sys/net/mib.h"
#include "sys/net/net_tunable.h"

/* Every field is a tunable (net_tunable.h). */
struct key_vars {
	_Atomic int	debug;		/* debug bitmask */
	_Atomic int	spi_trycnt;	/* GETSPI attempts at a random SPI */
	_Atomic int	spi_minval;	/* lower bound of kernel-chosen SPIs */
	_Atomic int	spi_maxval;	/* upper bound of kernel-chosen SPIs */
	_Atomic int	larval_lifetime; /* seconds before LARVAL SAs reaped */
	_Atomic int	blockacq_count;	/* ACQUIREs suppressed per SA index */
	_Atomic int	blockacq_lifetime; /* seconds an ACQUIRE block lasts */
	_Atomic int	esp_keymin;	/* min ESP key bits in proposals */
	_Atomic int	esp_auth;	/* ESP proposals carry auth algs */
	_Atomic int	ah_keymin;	/* min AH key bits in proposals */
	_Atomic int	preferred_oldsa; /* outbound: prefer the older SA */
	_Atomic int	sendspace;	/* PF_KEY send buffer bytes */
	_Atomic int	recvspace;	/* PF_KEY receive buffer bytes */
	_Atomic int	sad_max;	/* SAs the SAD holds at most */
	_Atomic int	spd_max;	/* policies the SPD holds at most */
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
