/*
 * Policy expiry, private to key_spd*.c: key_spd.c links every inserted
 * policy with a lifetime or validtime into the timer's list, so that the
 * once-a-second walk looks only at policies that can expire.
 */
#ifndef SYS_NETKEY_KEY_SPD_TIMER_H
#define SYS_NETKEY_KEY_SPD_TIMER_H

#include "sys/netkey/key_policy.h"

void	key_spd_timer_link(struct ipsec_policy *p);
void	key_spd_timer_unlink(struct ipsec_policy *p);

#endif
