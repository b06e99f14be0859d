/*
 * run.h: one run of xml2prom, top to bottom: take the output's lock, read
 * every store, render the metrics, replace the output file, and say with
 * the exit status how it went (see exitcodes.h).  A one-shot xml2prom
 * makes one run; a resident one (resident.h) makes one per period or
 * change, keeping between them what the last read of each store found.
 */
#ifndef XML2PROM_RUN_H
#define XML2PROM_RUN_H

#include <stddef.h>

#include "options.h"
#include "scan.h"
#include "storelist.h"

/*
 * What a resident xml2prom keeps from one run to the next: the last read
 * of each file, by its path (a glob's files come and go: a file that
 * vanished has its read freed at the next run, and its series are gone).  A store that stat() shows unchanged since a whole read
 * (same device, inode, size, modification and change times), whose times
 * were at least RUN_SETTLED_SECONDS older than that read's start, is not
 * read again: the run writes that read's counts with a fresh last-success
 * time.  (A change within the same tick of the file system's clock as the
 * read could leave its times as they were; so a store changed that
 * recently is always read again.)
 */
#define RUN_SETTLED_SECONDS	2

/*
 * Nor is a kept read taken once --reread-after has passed since it was
 * made: a writer that changes a store through a shared writable mmap, or
 * an NFS client's attribute cache, can leave every time and size as it was.
 *
 * --settle: a store whose modification time is less than --settle old is
 * not read yet; a resident run takes its last read (with that read's
 * times), and without one (or in a one-shot run) the run writes nothing.
 */

struct run_memory {
	struct store_list	 files;		/* the last run's (storelist.h) */
	struct scan_result	*kept;		/* kept[i]: the last read of
						   files.files[i], or NULL */
	size_t			 nkept;
	int			(*interrupted)(void);	/* 1: abandon the run */
	long long		 settle_wait_ms; /* >0: a store not read yet
						    (--settle), settled then */
};

int	run_once(const struct config *, struct run_memory *);
void	run_memory_forget(struct run_memory *);

/*
 * The exporter's run (httpserve.h): what run_once would write, into OUT
 * (appended); a failed store's last success is taken from PREVIOUS (the
 * text served before, or NULL).  EXIT_OK or EXIT_FILE; -1 when abandoned.
 */
int	run_render(const struct config *, struct run_memory *,
	    const char *previous, struct buf *out);
size_t	run_render_files(const struct config *, struct expo_file *,
	    size_t, const struct store_list *, struct buf *out);

#endif
