/*
 * Tunables: the int variables behind the writable sysctl nodes
 * (ipsec_vars, key_vars).  The MIB writes one on the control thread while
 * the packet path reads it, per packet, on every worker, so each is an
 * _Atomic int: no access is a data race, whatever the thread.  Each
 * variable is independent of the others (a reader never needs two to
 * agree, as with the BSD sysctls they copy), so the fast path reads with
 * a relaxed load, which is the plain load it was on x86-64 and arm64, and
 * a write is seen by the next packet any worker takes.  Other accesses
 * (tests setting a variable) may use the plain operators, which are
 * sequentially consistent atomics on an _Atomic object.
 */
#ifndef SYS_NET_NET_TUNABLE_H
#define SYS_NET_NET_TUNABLE_H

#include <stdatomic.h>

static inline int
net_tunable_get(const _Atomic int *t)
{
	return atomic_load_explicit(t, memory_order_relaxed);
}

static inline void
net_tunable_set(_Atomic int *t, int value)
{
	atomic_store_explicit(t, value, memory_order_relaxed);
}

#endif
