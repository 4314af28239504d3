/*
 * Injectable clock.  The fake clock is a plain counter: tests set it, advance
 * it, and every timer of the stack sees the new time on its next check.
 */
#include <stddef.h>

#include "sys/net/net_clock.h"

static net_clock_fn clock_source;
static time_t fake_now;

static time_t
fake_clock(void)
{
	return fake_now;
}

time_t
net_time_now(void)
{
	if (clock_source != NULL)
		return clock_source();
	return time(NULL);
}

void
net_clock_set_source(net_clock_fn fn)
{
	clock_source = fn;
}

void
net_clock_set_fake(time_t now)
{
	fake_now = now;
	clock_source = fake_clock;
}

void
net_clock_advance(time_t seconds)
{
	fake_now += seconds;
}
