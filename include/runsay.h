/*
 * runsay.h: what a run says as it reads (run.h): a failed store's one
 * line, the --max-series line of a glob or a directory, and under -v, in
 * the journal and under --check the ways a wrong option reads as success;
 * then --check's verdict.  Standard output is flushed first, so that under
 * --dump 2>&1 the rows so far come first, whole lines; -q says nothing.
 */
#ifndef XML2PROM_RUNSAY_H
#define XML2PROM_RUNSAY_H

#include <stddef.h>

#include "options.h"
#include "scan.h"
#include "storelist.h"

/* "xml2prom: MSG" on standard error, unless -q. */
void	runsay_complain(const struct config *, const char *msg);

/* F, the first file of SP past --max-series: it and those after it fail. */
void	runsay_over_limit(const struct config *, const struct store_pattern *sp,
	    const struct store_file *f);

/* 1 when standard error is the journal (systemd's JOURNAL_STREAM). */
int	runsay_to_journal(void);

/* Each set's counts of FILE (-v), and what they say is likely wrong. */
void	runsay_what_was_read(const struct config *, const char *file,
	    const struct scan_result *);

/* --check's exit status once the output could be written (exitcodes.h). */
int	runsay_check_verdict(const struct config *,
	    const struct scan_result *results, size_t nresults);

#endif
