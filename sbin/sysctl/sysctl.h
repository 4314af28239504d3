/*
 * sysctl for the socket manager's MIB: pieces shared between its files.
 */
#ifndef SBIN_SYSCTL_SYSCTL_H
#define SBIN_SYSCTL_SYSCTL_H

#include <stdbool.h>

#include "sys/net/mib.h"
#include "sys/net/mib_proto.h"

#define SYSCTL_ITEMS_MAX	MIB_PROTO_ITEMS

/* One name, prefix or name=value of the command line or of a -f file. */
struct sysctl_item {
	char		 name[MIB_NAME_MAX];
	const char	*value;		/* NULL: read */
	const char	*text;		/* as given, for messages */
	int		 line;		/* line of the -f file; 0: argument */
	bool		 ours;		/* in the socket manager's MIB */
	bool		 stats;		/* a statistics node */
	bool		 failed;	/* refused already; nothing to print */
};

struct sysctl_items {
	int			n;
	struct sysctl_item	v[SYSCTL_ITEMS_MAX];
};

/*
 * Add "name" or "name=value" (text is kept, not copied): 0, or -1 after
 * saying what is wrong with it.
 */
int	sysctl_item_add(struct sysctl_items *items, const char *text,
	    int line);

/*
 * The settings of a sysctl.conf-style file: name=value per line, blanks
 * around either, '#' comments and blank lines skipped.  0, or -1 after
 * saying which line is wrong (nothing is added then).
 */
int	sysctl_file_read(struct sysctl_items *items, const char *path);

#endif
