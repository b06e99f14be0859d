/*
 * optable.h: every option xml2prom takes, once.  getopt's tables, the
 * --help text, the keys a --config file may use, which options belong to
 * a row set, and the suggestion for a mistyped option are all made from
 * this one table, so that they cannot disagree.
 */
#ifndef XML2PROM_OPTABLE_H
#define XML2PROM_OPTABLE_H

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>

/* Options without a short letter: past any character. */
enum {
	OPT_MISSING_TYPE = 256, OPT_MAX_TYPES, OPT_MODE, OPT_DUMP, OPT_CHECK,
	OPT_MISSING, OPT_SUM, OPT_MIN, OPT_MAX, OPT_HISTOGRAM, OPT_BUCKETS,
	OPT_MAX_SERIES, OPT_SET, OPT_EVERY, OPT_WATCH, OPT_SURVEY,
	OPT_REREAD_AFTER, OPT_SETTLE,
	OPT_WEB_LISTEN, OPT_WEB_CONFIG, OPT_WEB_SYSTEMD,
	OPT_WHERE, OPT_FIRST, OPT_LAST_ROW, OPT_STORE, OPT_FILE_LABEL,
	OPT_ACROSS_FILES, OPT_FILE_ORDER,
	OPT_LAST
};

enum option_scope {
	SCOPE_RUN,		/* the whole run */
	SCOPE_SET		/* the row set last started (rowset.h) */
};

struct optdef {
	const char	*name;		/* the long name, and --config's key */
	int		 code;		/* its short letter, or OPT_* */
	int		 has_arg;	/* getopt's */
	enum option_scope scope;
	const char	*arg;		/* in the help: "PATH" */
	const char	*help;		/* NULL: not listed; '\n' continues */
};

const struct optdef *optable_find(const char *name, size_t len);
const struct optdef *optable_by_code(int);
const char *optable_nearest(const char *name, size_t len);
const struct option *optable_getopt(void);
const char *optable_shorts(int in_order);
void	optable_usage(FILE *);

#endif
