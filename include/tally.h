/*
 * tally.h: what one store counted, grouped: a table per family keyed by
 * the family's label tuple, filled row by row in one pass.
 *
 * A key is the label values in --by order, each ended by a NUL (a value
 * read from XML holds none), so keys sort as their tuples do.  Tables are
 * open addressing on an FNV-1a hash: a row costs one hash and usually one
 * comparison per family, whatever the number of groups; a family keyed by
 * every label costs no lookup of its own, its group linked to the rows
 * group of the same labels.  The series guard (--max-series) is checked
 * as a group is first seen, so memory stays bounded by it whatever the
 * store holds.  A tally may also be filled from other tallies' groups
 * (tally_group(), across.h), whose keys are made already.
 */
#ifndef XML2PROM_TALLY_H
#define XML2PROM_TALLY_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "model.h"

struct group {
	char		*key;
	size_t		 len;
	uint64_t	 hash;
	uint64_t	 n;	/* rows; for a value family, values taken */
	double		 sum, min, max;
	double		 picked;	/* AGG_FIRST, AGG_LAST: the value of */
	uint64_t	 picked_seq;	/* the row picked so far (0: none) */
	uint64_t	*buckets; /* AGG_HISTOGRAM: values <= bound i, not yet
				     cumulative */
	struct group	**same;	/* a rows group's: family i's group of the
				   same labels when it is keyed by all of
				   them (else NULL), found once */
};

/* Groups stay where they were made: a table holds pointers to them. */
struct groups {
	struct group	**slots;	/* NULL: an empty slot */
	size_t		 nslots;	/* a power of two */
	size_t		 n;
};

/* One row as the scan read it: labels (never empty) and values. */
struct row {
	const char	*label[MODEL_MAX_LABELS];
	size_t		 label_len[MODEL_MAX_LABELS];
	double		 value[MODEL_MAX_VALUES];
	int		 has_value[MODEL_MAX_VALUES];	/* else skipped */
	uint64_t	 seq;		/* its start tag's place among the rows'
					   (from 1): the document order */
};

struct tally {
	const struct model *model;
	struct groups	 rows;		/* by every label */
	struct groups	 values[MODEL_MAX_VALUES]; /* by each family's labels */
	uint64_t	 skipped[MODEL_MAX_VALUES];
	uint64_t	 empty[MODEL_MAX_LABELS]; /* rows given the missing value */
	uint64_t	 total_rows;
	uint64_t	 filtered;	/* rows -i/-x left out */
	uint64_t	 not_where;	/* rows --where left out: in no count */
	size_t		 series;	/* the series these groups make */
	size_t		*output;	/* the output's, every set's */
	struct buf	 key;		/* scratch: a new group's key */
};

/* A value's addition to its group's sum, held back (tally_add_later). */
struct tally_addend {
	struct group	*g;	/* NULL: none (skipped, not reported) */
	double		 v;
};

void	tally_init(struct tally *, const struct model *);
void	tally_share_series(struct tally *, size_t *);
void	tally_free(struct tally *);
int	tally_add(struct tally *, const struct row *, struct buf *why);
int	tally_add_later(struct tally *, const struct row *,
	    struct tally_addend *later, struct buf *why);
void	tally_add_sums(const struct tally_addend *, size_t);
void	tally_filtered(struct tally *);
uint64_t tally_rows(const struct tally *, const char *const *labels);
struct group *tally_group(struct groups *, const char *key, size_t len,
	    size_t nbuckets);
const struct group *tally_find(const struct groups *, const char *key,
	    size_t len);
const struct group **tally_sorted(const struct groups *);
const char *tally_key_label(const struct group *, size_t nth);

#endif
