/*
 * reuse.h: the rule by which a run reads a store again or writes its last
 * read's counts (run.h says when a kept read is still current, and what
 * --settle and --reread-after do).  Only a resident run or the exporter
 * keeps reads (struct run_memory); a one-shot run reads every store.
 */
#ifndef XML2PROM_REUSE_H
#define XML2PROM_REUSE_H

#include "options.h"
#include "run.h"
#include "scan.h"

/*
 * Reads PATH into R with P, or moves its kept read in MEM (NULL: none)
 * into R when still current.  Returns 1 when it is neither read nor kept
 * (within --settle, with no read to keep): R is then untouched.
 */
int	reuse_read_store(const struct config *, const char *path,
	    const struct scan_params *p, struct scan_result *r,
	    struct run_memory *mem);

#endif
