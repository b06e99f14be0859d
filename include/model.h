/*
 * model.h: what xml2prom takes from each row and what it writes: a list of
 * fields (labels, then values), each an XPath expression compiled and
 * classified once (fieldexpr.h), and the metric families built from them.
 *
 *   --by NAME=EXPR            a label; -t EXPR is --by type=EXPR, and
 *                             '@type' applies when neither is given
 *   --sum|--min|--max|--histogram FAMILY[:L,...]=EXPR
 *                             a value family, aggregated per group of all
 *                             labels, or of the labels listed after ':'
 *   --first|--last FAMILY[:L,...]=EXPR
 *                             the value of a group's first (last) row in
 *                             document order of the rows' start tags
 *   -i/-x TYPE                which values of the type label are reported
 *   --where EXPR              which rows are the set's at all: those where
 *                             XPath's boolean(EXPR) holds; read as a value
 *                             field of that expression (0 or 1)
 *
 * Everything here is checked before any store is read.
 */
#ifndef XML2PROM_MODEL_H
#define XML2PROM_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "bounds.h"
#include "buf.h"
#include "fieldexpr.h"

enum aggregate {
	AGG_SUM,
	AGG_MIN,
	AGG_MAX,
	AGG_HISTOGRAM,
	AGG_FIRST,
	AGG_LAST
};

struct label_field {
	const char	*name;
	const char	*src;		/* its expression, as given */
	const char	*missing;	/* the value when it is empty */
	char		*what;		/* "--type", "--by NAME": for errors */
	struct fieldexpr	 expr;
};

struct value_family {
	const char	*name;		/* the metric name's suffix */
	const char	*src;
	enum aggregate	 agg;
	uint32_t	 labels;	/* which label fields: bit i = labels[i] */
	const double	*bounds;	/* AGG_HISTOGRAM: upper bounds */
	size_t		 nbounds;
	char		*what;		/* "--sum FAMILY" */
	struct fieldexpr	 expr;
};

/* --where: given, or not (src NULL). */
struct row_filter {
	const char	*src;		/* EXPR, as given */
	const char	*origin;
	struct fieldexpr	 expr;	/* of boolean(EXPR) */
};

struct model {
	struct label_field	 labels[MODEL_MAX_LABELS];
	size_t			 nlabels;
	int			 type_label;	/* its index, or -1 */
	struct value_family	 values[MODEL_MAX_VALUES];
	size_t			 nvalues;
	struct row_filter	 where;
	const char *const	*include;	/* -i: report only these types */
	size_t			 ninclude;
	const char *const	*exclude;	/* -x: never these */
	size_t			 nexclude;
	size_t			 max_series;	/* of the whole output */
	int			 legacy_limit;	/* the --max-types message */
	double			*bounds_storage[MODEL_MAX_VALUES];
	struct model_spec	*specs;		/* copies the names point into */
	size_t			 nspecs;
	struct buf		 warnings;	/* lines: fields that read
						   nothing of the row */
	size_t			 nconstant;	/* how many */
};

/* The specifications as given, in order; `origin` prefixes their errors. */
struct model_spec {
	const char	*option;	/* "by", "type", "sum", "missing",
					   "missing-type", "buckets"... */
	char		*arg;		/* NAME=EXPR */
	const char	*origin;	/* "FILE:LINE: " or "" */
};

int	model_build(struct model *, const struct model_spec *, size_t,
	    const char *const *constant_labels, size_t nconstant,
	    const struct nsbinding *, size_t, struct buf *err);
void	model_free(struct model *);
int	model_type_reported(const struct model *, const char *, size_t);
int	model_filters(const struct model *);
size_t	model_series_per_group(const struct value_family *);

#endif
