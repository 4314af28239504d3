/*
 * The socket manager's notion of time.  Every timer in the stack (SA and
 * policy lifetimes, larval reaping, ACQUIRE blocking, reassembly) reads
 * net_time_now() rather than the system clock, so that tests can replace
 * the source and run hours of lifetime in microseconds.
 */
#ifndef SYS_NET_NET_CLOCK_H
#define SYS_NET_NET_CLOCK_H

#include <time.h>

typedef time_t (*net_clock_fn)(void);

/* Seconds since the epoch (wall clock: lifetimes are printed as dates). */
time_t	net_time_now(void);

/*
 * Replace the time source; NULL restores the system clock.  Tests use
 * net_clock_set_fake() and net_clock_advance() instead of a function.
 */
void	net_clock_set_source(net_clock_fn fn);
void	net_clock_set_fake(time_t now);
void	net_clock_advance(time_t seconds);

#endif
