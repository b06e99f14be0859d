/*
 * expo.h: the Prometheus text exposition format (0.0.4) that xml2prom
 * writes: which families, in which order, with which labels, escaped how.
 * Families: for each row set (rowset.h) in the order given, its total_rows,
 * rows, value families in the order given and skipped_values; then the
 * store's own, once.  HELP texts depend on the options
 * only; files come in byte order of their path and groups in byte order of
 * their labels, so the same input always gives the same bytes.
 */
#ifndef XML2PROM_EXPO_H
#define XML2PROM_EXPO_H

#include <stddef.h>
#include <time.h>

#include "buf.h"
#include "rowset.h"

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
};

struct expo_file {
	const char		*path;
	const struct scan_result *result;
	char			*carried_success; /* from the previous output */
};

void	expo_render(struct buf *, const struct expo_params *,
	    struct expo_file *, size_t);
int	expo_check_names(const struct expo_params *, struct buf *err);
void	expo_escape_label_value(struct buf *, const char *, size_t);
void	expo_format_seconds(struct buf *, struct timespec);
void	expo_format_number(struct buf *, double);
char	*expo_previous_success(const struct expo_params *, const char *path,
	    const char *previous);

#endif
