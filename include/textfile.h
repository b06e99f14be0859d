/*
 * textfile.h: replacing a .prom file so that a reader (node_exporter's
 * textfile collector) only ever sees the old file whole or the new file
 * whole.  Owns the per-output lock, the temp file beside the target (named
 * so that node_exporter ignores it), its mode, every write/fsync/close, the
 * rename, the directory fsync, and the removal of temp files on failure,
 * on SIGINT/SIGTERM/SIGHUP, and after a run that was killed.
 *
 * Names beside DIR/NAME.prom:
 *   DIR/.NAME.prom.lock     the lock (flock), kept between runs
 *   DIR/.NAME.prom.XXXXXX   a temp file while a run writes
 */
#ifndef XML2PROM_TEXTFILE_H
#define XML2PROM_TEXTFILE_H

#include <sys/types.h>

#include "buf.h"

struct textfile {
	char	*path;		/* the target */
	char	*dir;
	char	*base;
	int	 dir_fd;	/* where every name is looked up */
	int	 lock_fd;
	int	 lock_made;	/* this run created the lock file */
};

int	textfile_lock(struct textfile *, const char *path, struct buf *err);
char	*textfile_previous(const struct textfile *);
char	*textfile_read_beside(const struct textfile *, const char *name);
int	textfile_probe(struct textfile *, mode_t, struct buf *err);
char	**textfile_others(const struct textfile *);
int	textfile_replace(struct textfile *, const char *, size_t, mode_t,
	    struct buf *err);
void	textfile_close(struct textfile *);

#endif
