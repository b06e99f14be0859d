/*
 * resident.h: xml2prom staying resident, for hosts and containers with no
 * cron (--every, --watch).  Each run is a one-shot run (run.h): the same
 * lock, atomic write, failure semantics and metrics.  Between runs it
 * waits for the period, for a store's change (inotify on the store's
 * directory, so that a store replaced by rename is seen), or for a signal:
 * SIGTERM and SIGINT end it with status 0, abandoning a read under way and
 * leaving the last output whole; SIGHUP rereads the options and --config
 * files, keeping the running configuration when they are bad.
 */
#ifndef XML2PROM_RESIDENT_H
#define XML2PROM_RESIDENT_H

#include "options.h"

/*
 * A change is acted on once the store's directory has been quiet for
 * RESIDENT_QUIET_MS, and at most RESIDENT_CHANGE_MS after the first event.
 */
#define RESIDENT_QUIET_MS	200
#define RESIDENT_CHANGE_MS	900

/*
 * Back-off: after RESIDENT_BACKOFF_AFTER runs in a row that changes
 * brought, the next change is acted on no sooner than
 * RESIDENT_BACKOFF_FIRST_MS after the last run, then twice that, and so
 * on up to the period or RESIDENT_BACKOFF_MAX_MS, whichever is shorter; a
 * store quiet for that long is acted on promptly again.  A store that
 * never stops changing is so read once a period (a minute at most), as
 * cron would, plus a few reads while the gap grows.
 */
#define RESIDENT_BACKOFF_AFTER		2
#define RESIDENT_BACKOFF_FIRST_MS	1000
#define RESIDENT_BACKOFF_MAX_MS		60000

/* inotify's queue is read at most this often (events of other files). */
#define RESIDENT_EVENTS_MS	100

int	resident_run(struct config *, int argc, char **argv);

#endif
