/*
 * surveyout.h: --survey's printing, shared by the files of src/surveyout/
 * and private to them: the kinds a field can be, a field of a kind of row
 * (a candidate for a label or a value), the proposal being written, and
 * the caps on what it proposes.  survey.h is the public side.
 */
#ifndef XML2PROM_SURVEYOUT_H
#define XML2PROM_SURVEYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "survey.h"

#define MAX_SETS	8	/* proposed; the others are listed */
#define MAX_CATEGORY	16	/* distinct values of a label */
#define LABEL_BUDGET	100	/* groups of one set */
#define MAX_LISTED	200	/* element paths printed */
#define NBUCKETS	5

#define MAX_FIELDS_OF_KIND 128
#define MAX_LABEL_VALUE	40	/* bytes */

enum kind { EMPTY, CATEGORY, NUMBER, DATE, IDENTIFIER, TEXT, LONG, CONSTANT,
    TIME, VERSION, OVER, FLAG };

/* A field of a kind of row: an attribute, a child leaf or its own text. */
struct cand {
	const char		*xml_name;	/* @a, p:child, . */
	const struct survey_field *f;	/* &merged */
	struct survey_field	 merged;	/* over the kind's paths */
	char			*expr;
	char			*name;		/* for labels and families */
	enum kind		 kind;
	uint64_t		 distinct;
	int			 labelled;
};

struct proposal {
	const struct survey	*sv;
	char			*prefixes[64];	/* per namespace bound */
	const char		*uris[64];
	size_t			 nns;
	size_t			 series;	/* every set's estimate */
	size_t			 unwritable;	/* fields of the last kind gathered
						   whose namespace no line can bind */
};

/*
 * A kind of row: every path of one local name, in any namespace (as a
 * --rows pattern matches them), so that
 * a Rule is one kind at whatever depth its Groups put it.  Under --rows,
 * every path the pattern matched.
 */
struct rowkind {
	size_t		*paths;
	size_t		 npaths;
	uint64_t	 count;
	int		 repeats;
	size_t		 useful;	/* what a set would be worth: worth() */
};

/* fieldkind.c: what a field is. */
enum kind	 classify(const struct survey_field *, const char *local,
		    uint64_t rows, uint64_t *distinct);
int		 is_outcome_name(const char *);

/* comment.c: a field, or text from the store, in a comment. */
void	describe(struct buf *, const struct survey_field *, enum kind,
	    uint64_t distinct);
void	print_range(struct buf *, const struct survey_field *, enum kind);
void	put_escaped(struct buf *, const char *, int quote);

/* naming.c: the names a proposal gives. */
char		*metric_name(const char *xml, const char *suffix_if_reserved);
int		 reserved_family(const char *);
char		*set_name(const char *local, char **taken, size_t ntaken);
char		*choose_prefix(struct buf *, const struct survey *,
		    const char *file);
const char	*ns_prefix(struct proposal *, const char *uri,
		    const char *wanted);

/* gather.c: a kind's fields. */
struct cand	*kind_fields(struct proposal *, const struct rowkind *,
		    size_t *n);
void		 cands_free(struct cand *, size_t);
int		 is_markup(const struct survey *, const struct rowkind *);
void		 comment_fields(struct buf *, const struct rowkind *,
		    const struct survey *, struct cand *, size_t);
void		 note_unwritable(struct buf *, const struct proposal *);

/* propose.c: one set's config lines. */
void	propose_set(struct buf *, struct proposal *, const struct rowkind *,
	    const char *name, size_t budget);

/* rank.c: the kinds proposed as sets. */
size_t	find_kinds(const struct survey *, struct rowkind **);
size_t	pick_sets(struct proposal *, struct rowkind *, size_t nk,
	    size_t *sets);

#endif
