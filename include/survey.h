/*
 * survey.h: --survey, what an unknown store holds, in one streaming pass
 * and bounded memory: its element paths with their counts and depth, and
 * for each element its attributes and text with how many elements have
 * them, their distinct values, the most frequent ones, and what they look
 * like (numbers, ISO 8601 dates, identifiers, categories).  survey.c
 * collects; surveyout.c prints it for a person, as comments, and proposes a
 * --config file that counts it.  Every cap below is said in the output
 * when it was reached.
 */
#ifndef XML2PROM_SURVEY_H
#define XML2PROM_SURVEY_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "failure.h"
#include "rowpath.h"

#define SURVEY_MAX_PATHS	2000	/* distinct element paths */
#define SURVEY_MAX_FIELDS	1000	/* attributes, over every path */
#define SURVEY_MAX_ATTRS	64	/* attributes of one path */
#define SURVEY_MAX_VALUES	16	/* distinct values kept, per field */
#define SURVEY_MAX_VALUE_LEN	64	/* of a value kept (then cut) */
#define SURVEY_MAX_TEXT		1024	/* longer text is a "long value" */
#define SURVEY_SKETCH		128	/* hashes kept to estimate distinct */
/*
 * libxml2 keeps every distinct element and attribute name of a parse, so
 * a store of a million names would hold them all: the survey stops there,
 * and says so, with what it saw until then.
 */
#define SURVEY_MAX_NAMES	100000

struct survey_value {
	char		*text;		/* at most SURVEY_MAX_VALUE_LEN bytes */
	size_t		 len;
	uint64_t	 hash;		/* of the whole value */
	uint64_t	 count;
};

/* One field: an attribute of a path, or a path's own text. */
struct survey_field {
	uint64_t	 present;	/* elements that have it */
	uint64_t	 empty;		/* ...empty or blank */
	uint64_t	 numbers;	/* values that are XPath numbers */
	uint64_t	 dates;		/* ...ISO 8601 dates (date:seconds()) */
	uint64_t	 longs;		/* ...longer than SURVEY_MAX_TEXT */
	double		 min, max;	/* of the numbers */
	double		 first, last;	/* of the dates, in seconds */
	struct survey_value values[SURVEY_MAX_VALUES];
	size_t		 nvalues;
	int		 more_values;	/* a value not kept: more than that */
	uint64_t	 sketch[SURVEY_SKETCH];	/* least hashes, ascending */
	size_t		 nsketch;
};

struct survey_attr {
	const void	*key;		/* the parse's interned name: compared, never read after it */
	char		*name;		/* prefix:local as written */
	char		*uri;		/* its namespace, or NULL */
	struct survey_field f;
};

struct survey_path {
	size_t		 parent;	/* index; SIZE_MAX for the root */
	const void	*key_name;	/* interned local name, URI */
	const void	*key_uri;
	char		*name;		/* local name */
	char		*prefix;	/* as first written, or NULL */
	char		*uri;		/* namespace, or NULL */
	size_t		 depth;		/* the root element's is 1 */
	uint64_t	 count;
	uint64_t	 with_children;	/* elements with child elements */
	uint64_t	 mixed;		/* ...and text beside them: markup */
	uint64_t	 max_run;	/* most of it in one parent */
	uint64_t	 run;		/* in the parent element now open */
	uint64_t	 run_parent;	/* that parent's serial number */
	struct survey_attr *attrs;
	size_t		 nattrs;
	struct survey_field *text;	/* NULL until it held text */
	uint64_t	 dropped_attrs;	/* attributes past a cap */
};

struct survey {
	struct survey_path *paths;
	size_t		 npaths;
	uint64_t	 dropped_paths;	/* elements of paths past the cap */
	size_t		 nfields;	/* attributes kept, every path */
	uint64_t	 elements;
	size_t		 max_depth;
	char		*root;		/* the document element's local name */
	const struct rowpath *rows;	/* --survey --rows: only below these */
	const char	*rows_src;	/* ...as given */
	uint64_t	 rows_matched;
	unsigned long	 cut_at_line;	/* stopped there: too many names */
	char		*error;		/* why the store could not be read */
	enum failure	 failure;	/* its kind (storeread.h) */
};

int	survey_file(const char *path, const struct rowpath *rows,
	    const char *rows_src, struct survey *);
void	survey_print(struct buf *, const char *path, const struct survey *,
	    size_t max_series);
void	survey_free(struct survey *);

/* For surveyout.c: what a field's values look like. */
uint64_t survey_distinct(const struct survey_field *);
void	survey_sketch_add(struct survey_field *, uint64_t hash);

#endif
