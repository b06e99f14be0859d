/*
 * scan.h: reading one store in a single streaming pass and grouping its
 * rows, for every row set of the run at once (rowset.h).  No tree of the
 * document is built: rows are recognised by the sets' --rows matchers as
 * the parser reports elements, and their fields (labels and values, see
 * model.h) are read from the parse events (the paths and string functions
 * of xpstream.h) or, when some field needs more, from one tree of the row
 * alone, shared by every field and freed as soon as the row ends.  Memory
 * is bounded by the largest row, the depth and --max-series, not by the
 * store nor by the number of sets.
 */
#ifndef XML2PROM_SCAN_H
#define XML2PROM_SCAN_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include "bounds.h"
#include "failure.h"
#include "rowpath.h"
#include "rowset.h"
#include "tally.h"
#include "fieldexpr.h"

/* What --dump says of a row beyond its labels and values. */
struct row_report {
	int		 left_out;	/* by --where: nothing else is set */
	int		 reported;	/* not left out by -i/-x */
	const char	*skip_why[MODEL_MAX_VALUES];	/* a skipped value: */
	const char	*skip_text[MODEL_MAX_VALUES];	/* its string, or */
	size_t		 skip_len[MODEL_MAX_VALUES];	/* NULL */
};

/* --dump: called for each row of each set, in document order. */
typedef void scan_row_fn(void *arg, const struct rowset *, unsigned long line,
    const struct row *, const struct row_report *);

/*
 * Which file a read read, and in what state: fstat() of the open file, and
 * the wall clock then.  A resident xml2prom compares it with stat() of the
 * store's path to tell an unchanged store (see run.h).
 */
struct store_id {
	int		 known;		/* a regular file was opened */
	dev_t		 dev;
	ino_t		 ino;
	off_t		 size;
	struct timespec	 mtime;
	struct timespec	 ctime;
	struct timespec	 opened;	/* CLOCK_REALTIME at the fstat() */
};

struct scan_params {
	const struct rowset	*sets;
	size_t			 nsets;
	int			 dump;		/* report rows, the first row */
	scan_row_fn		*on_row;	/* --dump */
	void			*on_row_arg;
	int			(*interrupted)(void); /* 1: stop reading */
};

struct scan_result {
	int		 ok;		/* the whole store was read */
	char		*error;		/* why not: "FILE[:LINE:COL]: ..." */
	enum failure	 failure;	/* its kind */
	struct tally	*tally;		/* one per set */
	size_t		 ntally;
	size_t		 series;	/* every set's, for --max-series */
	char		*first_row;	/* --dump: what the first row holds */
	int		 have_stat;
	uint64_t	 size;
	struct timespec	 mtime;
	struct timespec	 duration;
	struct timespec	 finished;	/* wall clock when the read ended */
	struct store_id	 id;		/* the file read, as opened */
};

int	scan_sets_fit(const struct rowset *, size_t);
void	scan_file(const char *path, const struct scan_params *,
	    struct scan_result *);
void	scan_result_free(struct scan_result *);
/* --dump -v: how a run reads these sets, one block per set (plan.c). */
void	scan_print_plan(FILE *, const struct rowset *, size_t nsets);

#endif
