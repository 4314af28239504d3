/* The one instance of the PF_KEY counters. */
#include "sys/netkey/key_stat.h"

struct pfkeystat pfkeystat;
