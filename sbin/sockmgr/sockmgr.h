/*
 * Pieces of the sockmgr program shared between its files.
 */
#ifndef SBIN_SOCKMGR_SOCKMGR_H
#define SBIN_SOCKMGR_SOCKMGR_H

/*
 * Start the SAD and the SPD with their once-a-second timers on the event
 * loop: 0, or -1 with errno set.  The stop functions free the databases.
 */
int	sockmgr_sad_start(void);
void	sockmgr_sad_stop(void);
int	sockmgr_spd_start(void);
void	sockmgr_spd_stop(void);

#endif
