/*
 * expo.h: the Prometheus text exposition format (0.0.4) that xml2prom
 * writes: which families, in which order, with which labels, escaped how.
 * Families: total_rows, rows, the value families in the order given,
 * skipped_values, then the self-metrics.  HELP texts depend on the options
 * only; files come in byte order of their path and groups in byte order of
 * their labels, so the same input always gives the same bytes.
 */
#ifndef XML2PROM_EXPO_H
#define XML2PROM_EXPO_H

#include <stddef.h>
#include <time.h>

#include "buf.h"
#include "scan.h"

struct label {
	const char	*name;
	const char	*value;
};

struct expo_params {
	const char		*prefix;
	const struct model	*model;		/* labels and value families */
	const struct label	*labels;	/* after path and type */
	size_t			 nlabels;
	const char *const	*include;	/* report only these types */
	size_t			 ninclude;
	const char *const	*exclude;	/* never report these */
	size_t			 nexclude;
};

struct expo_file {
	const char		*path;
	const struct scan_result *result;
	char			*carried_success; /* from the previous output */
};

void	expo_render(struct buf *, const struct expo_params *,
	    struct expo_file *, size_t);
int	expo_type_reported(const struct expo_params *, const char *, size_t);
void	expo_escape_label_value(struct buf *, const char *, size_t);
void	expo_format_seconds(struct buf *, struct timespec);
void	expo_format_number(struct buf *, double);
char	*expo_previous_success(const struct expo_params *, const char *path,
	    const char *previous);

#endif
