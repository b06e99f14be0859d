/*
 * own.h: the names xml2prom writes itself, in one place: its families
 * (each with its HELP text, in output order) and its labels.  A value
 * family, a --by label or a --label may not take one of them.
 */
#ifndef XML2PROM_OWN_H
#define XML2PROM_OWN_H

/*
 * In output order: a row set's families (its value families, model.h, come
 * after ROWS), then the store's.
 */
enum family {
	TOTAL_ROWS,
	ROWS,
	SKIPPED_VALUES,
	FILES,			/* an --across-files set's (across.h) */
	FILES_FAILED,
	FILE_FAILURE,
	READ_SUCCESS,		/* the first of the store's */
	READ_FAILURE,
	LAST_SUCCESS,
	FILE_SIZE,
	FILE_MODIFIED,
	READ_DURATION,
	NFAMILIES
};

struct own_family {
	const char	*suffix;	/* after PREFIX_ */
	const char	*help;
};

extern const struct own_family own_families[NFAMILIES];

int	own_family(const char *suffix);
int	own_label(const char *name);

#endif
