/*
 * trust.h: what a run as root may read through a path that another user
 * could have redirected.  Root reads anything, so a store named in a
 * directory its application's user owns could be made a link to
 * /etc/shadow, and its lines would become label values in a world-readable
 * .prom file.  Like OpenSSH's safe_path(), a file is trusted when every
 * directory in which a name of its path is looked up, links followed as
 * the kernel follows them, could be changed by no one but root and the
 * file's owner.  Otherwise only a file that any user could read by that
 * path is: one others may read, every directory on the way searchable by
 * others (a 0644 file in root's 0700 directory is no one's to publish).
 */
#ifndef XML2PROM_TRUST_H
#define XML2PROM_TRUST_H

#include <sys/stat.h>

#include "buf.h"

/*
 * 0 when a run as root may read ST, the file open as PATH; -1 with the
 * reason in WHY.  Any file is trusted by a run that is not root's.
 */
int	trust_store(const char *path, const struct stat *st, struct buf *why);

/*
 * The same for a config file ST of root's, which a run as root obeys:
 * every directory on its path could be changed by root alone (a name of
 * root's in a sticky directory aside), whoever may read it.
 */
int	trust_config(const char *path, const struct stat *st, struct buf *why);

#endif
