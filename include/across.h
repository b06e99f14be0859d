/*
 * across.h: a row set's counts over every file of one store pattern
 * (--across-files): each file's tally merged into one, so that the set
 * gives one series per group for the whole pattern, labelled
 * store="PATTERN" instead of path="FILE".
 *
 * The files are merged in one order, the file order (--file-order: by
 * name, or by modification time then name), and within a file the rows
 * are in document order; that order is the whole definition:
 *   counts, buckets, skipped values     add;
 *   smallest, largest                   combine (values are finite
 *                                       numbers: NaN and ±Inf were
 *                                       skipped in the file);
 *   sums                                each file's sum (in document
 *                                       order, as XPath's sum()), added
 *                                       in file order: ((0 + S1) + S2)...;
 *   first, last                         of the first (last) file in file
 *                                       order that has a value, its own.
 * A sum is thus kept from each file's sum, not its rows: a resident run
 * that reads again only the files that changed rebuilds the aggregate
 * from the counts it kept.
 *
 * A file not read whole is not merged: the aggregate counts it as failed,
 * naming it.  So is a file whose groups would take the pattern's
 * aggregates (every --across-files set's together) past --max-series,
 * counted as a store's are: a rows group one series, a value group its
 * family's series per group.
 */
#ifndef XML2PROM_ACROSS_H
#define XML2PROM_ACROSS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "failure.h"
#include "rowset.h"
#include "scan.h"
#include "tally.h"

enum file_order {
	FILE_ORDER_NAME,	/* byte order of the path */
	FILE_ORDER_MTIME	/* modification time, then name */
};

/* One file of a run, as it read it, and the store pattern it came from. */
struct across_file {
	const char		*path;
	const char		*label;		/* its label's value (expo.h) */
	const struct scan_result *result;
	size_t			 pattern;
};

struct across_failed {
	const char	*label;		/* the file's label value */
	enum failure	 failure;
};

/* The aggregates of one store pattern, one per --across-files set. */
struct across {
	const char		*store;		/* the pattern, as given */
	struct tally		 tally[ROWSET_MAX]; /* an across set's, else
						       unused (model NULL) */
	size_t			 series;	/* every set's together */
	uint64_t		 files;		/* merged */
	struct across_failed	*failed;	/* in file order */
	size_t			 nfailed;
};

/* A run's aggregates: one per store pattern. */
struct across_stores {
	struct across		*v;
	size_t			 n;
};

/* The pure part: one tally into another of the same model. */
size_t	across_new_series(const struct tally *agg, const struct tally *file);
void	across_merge(struct tally *agg, const struct tally *file,
	    uint64_t rank);

void	across_sort(struct across_file *, size_t, enum file_order);
void	across_init(struct across *, const char *store,
	    const struct rowset *, size_t nsets);
int	across_add(struct across *, const struct rowset *, size_t nsets,
	    const struct across_file *, uint64_t rank, struct buf *why);
void	across_free(struct across *);
int	across_any(const struct rowset *, size_t nsets);
size_t	across_own_series(const struct rowset *, size_t nsets,
	    const struct scan_result *);
size_t	across_build(struct across_stores *, const struct rowset *,
	    size_t nsets, enum file_order, const char *const *patterns,
	    size_t npatterns, struct across_file *, size_t nfiles,
	    struct buf *said);
void	across_stores_free(struct across_stores *);

#endif
