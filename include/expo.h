/*
 * expo.h: the Prometheus text exposition format (0.0.4) that xml2prom
 * writes: which families, in which order, with which labels, escaped how.
 * Families: for each row set (rowset.h) in the order given, its total_rows,
 * rows, value families in the order given and skipped_values, each a
 * series per file (path=) or, for an --across-files set, per store
 * pattern (store=, across.h), followed by its files, files_failed and
 * file_failure; then the store's own, once.  HELP texts depend on the options
 * only; files come in byte order of their path, stores of their pattern,
 * and groups in byte order of their labels, so the same input always gives the same bytes.
 * Its text primitives (escaping, numbers, times) are expofmt.h's; the
 * check that no two families share a name, exponames.h's.
 */
#ifndef XML2PROM_EXPO_H
#define XML2PROM_EXPO_H

#include <stddef.h>

#include "across.h"
#include "buf.h"
#include "rowset.h"
#include "storelist.h"

struct scan_result;	/* scan.h: what one store gave */

struct label {
	const char	*name;
	const char	*value;
};

struct expo_params {
	const char		*prefix;	/* of the store's families */
	const struct rowset	*sets;
	size_t			 nsets;
	const struct label	*labels;	/* constant, after the others */
	size_t			 nlabels;
	enum file_order		 file_order;	/* --across-files' */
	const char		*file_label;	/* --file-label's NAME; NULL:
						   path */
};

/*
 * A file's series: labelled with `label` (its --file-label value), or
 * with path="PATH" when label is NULL; files are written in byte order of
 * that value.  `pattern` is the store argument it was found by (an index
 * in storelist.h's patterns).
 */
struct expo_file {
	const char		*path;
	const char		*label;		/* NULL: path */
	size_t			 pattern;
	const struct scan_result *result;
	char			*carried_success; /* from the previous output */
};

/* The value of a file's own label: its path, or its --file-label's. */
#define EXPO_FILE_LABEL(f)	((f)->label != NULL ? (f)->label : (f)->path)

/*
 * The files' families; then, for each glob or directory of STORES (NULL:
 * none), PREFIX_store_files{store="ARG"} (how many files it found) and
 * PREFIX_store_label_conflicts{store="ARG"} (how many of them were left
 * out: their label was another file's too, storelist.h).
 */
void	expo_render(struct buf *, const struct expo_params *,
	    struct expo_file *, size_t, const struct store_list *stores,
	    const struct across_stores *);
char	*expo_previous_success(const struct expo_params *, const char *label,
	    const char *previous);

#endif
