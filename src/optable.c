/*
 * optable.c: the one table of options (see optable.h), and what is made
 * from it.
 */
#include <stdint.h>
#include <string.h>

#include "defaults.h"
#include "optable.h"

#define REQ	required_argument
#define NONE	no_argument

static const struct optdef optable[] = {
	{ "output", 'o', REQ, SCOPE_RUN, "PATH",
	  "write the metrics to PATH, atomically; '-' = stdout" },
	{ "textfile-dir", 'd', REQ, SCOPE_RUN, "DIR",
	  "write DIR/NAME.prom (default " DEFAULT_TEXTFILE_DIR ")" },
	{ "set", OPT_SET, REQ, SCOPE_SET, "NAME",
	  "start a row set NAME: the options of a set that follow\n"
	  "(-r, -t, -b, -i, -x, --missing, --sum...) are its own" },
	{ "rows", 'r', REQ, SCOPE_SET, "PATTERN",
	  "which elements are rows (default '" DEFAULT_ROWS "')" },
	{ "type", 't', REQ, SCOPE_SET, "EXPR",
	  "XPath giving a row's type (default '" DEFAULT_TYPE "');\n"
	  "the same as --by type=EXPR" },
	{ "by", 'b', REQ, SCOPE_SET, "NAME=EXPR",
	  "a label NAME from XPath EXPR (repeatable, in order)" },
	{ "missing", OPT_MISSING, REQ, SCOPE_SET, "NAME=VALUE",
	  "label value when EXPR is empty (default '" DEFAULT_MISSING "')" },
	{ "sum", OPT_SUM, REQ, SCOPE_SET, "FAMILY[:L,...]=EXPR",
	  "gauge: sum of EXPR over a group's rows" },
	{ "min", OPT_MIN, REQ, SCOPE_SET, "FAMILY[:L,...]=EXPR",
	  "gauge: smallest EXPR in a group" },
	{ "max", OPT_MAX, REQ, SCOPE_SET, "FAMILY[:L,...]=EXPR",
	  "gauge: largest EXPR in a group" },
	{ "first", OPT_FIRST, REQ, SCOPE_SET, "FAMILY[:L,...]=EXPR",
	  "gauge: EXPR of a group's first row in document order" },
	{ "last", OPT_LAST_ROW, REQ, SCOPE_SET, "FAMILY[:L,...]=EXPR",
	  "gauge: EXPR of a group's last row in document order" },
	{ "histogram", OPT_HISTOGRAM, REQ, SCOPE_SET, "FAMILY[:L,...]=EXPR",
	  "histogram of EXPR in a group" },
	{ "buckets", OPT_BUCKETS, REQ, SCOPE_SET, "FAMILY=B1,B2,...",
	  "a histogram's upper bounds\n"
	  "(a group: every --by label, or those after ':')" },
	{ "where", OPT_WHERE, REQ, SCOPE_SET, "EXPR",
	  "count only the rows where XPath boolean(EXPR) holds" },
	{ "across-files", OPT_ACROSS_FILES, NONE, SCOPE_SET, NULL,
	  "one series per group for all the files of each\n"
	  "store (a glob or directory), labelled store=" },
	{ "include-type", 'i', REQ, SCOPE_SET, "TYPE",
	  "report only these types (repeatable)" },
	{ "exclude-type", 'x', REQ, SCOPE_SET, "TYPE",
	  "do not report this type (repeatable)" },
	{ "missing-type", OPT_MISSING_TYPE, REQ, SCOPE_SET, "NAME",
	  "the same as --missing type=NAME" },
	{ "store", OPT_STORE, REQ, SCOPE_RUN, "PATTERN",
	  "read this store too: a path, a glob or a directory\n"
	  "(repeatable; expanded at every run)" },
	{ "file-label", OPT_FILE_LABEL, REQ, SCOPE_RUN, "NAME=WHAT",
	  "label each store's series NAME, from its file's name\n"
	  "(base, stem or capture of the glob's '*'), not path" },
	{ "prefix", 'p', REQ, SCOPE_RUN, "NAME",
	  "metric name prefix (default '" DEFAULT_PREFIX "')" },
	{ "label", 'l', REQ, SCOPE_RUN, "NAME=VALUE",
	  "constant label on every sample (repeatable)" },
	{ "namespace", 'n', REQ, SCOPE_RUN, "P=URI",
	  "bind prefix P in every expression (repeatable)" },
	{ "file-order", OPT_FILE_ORDER, REQ, SCOPE_RUN, "ORDER",
	  "--across-files: the files' order for sums, first\n"
	  "and last: name (default) or mtime" },
	{ "max-series", OPT_MAX_SERIES, REQ, SCOPE_RUN, "N",
	  "fail a store whose output would hold more than N\n"
	  "series (default " DEFAULT_TEXT(DEFAULT_MAX_SERIES) "); also "
	  "--max-types=N" },
	{ "max-types", OPT_MAX_TYPES, REQ, SCOPE_RUN, "N", NULL },
	{ "config", 'c', REQ, SCOPE_RUN, "FILE",
	  "options from FILE, one per line: NAME VALUE;\n"
	  "[NAME] starts a set" },
	{ "mode", OPT_MODE, REQ, SCOPE_RUN, "OCTAL",
	  "output file mode (default " DEFAULT_TEXT(DEFAULT_MODE) ")" },
	{ "dump", OPT_DUMP, NONE, SCOPE_RUN, NULL,
	  "print what was read; write nothing" },
	{ "survey", OPT_SURVEY, NONE, SCOPE_RUN, NULL,
	  "say what FILE holds, and print a --config file that\n"
	  "counts it (with -r: only those rows); write nothing" },
	{ "check", OPT_CHECK, NONE, SCOPE_RUN, NULL,
	  "read, and check the output could be written; write nothing" },
	{ "every", OPT_EVERY, REQ, SCOPE_RUN, "DURATION",
	  "stay resident: run again every DURATION (500ms, 30s,\n"
	  "1m, 1h); an unchanged store is not read again" },
	{ "watch", OPT_WATCH, NONE, SCOPE_RUN, NULL,
	  "stay resident: run again within a second when a\n"
	  "store changes, and every --every (default "
	  DEFAULT_TEXT(DEFAULT_EVERY_SECONDS) "s)" },
	{ "reread-after", OPT_REREAD_AFTER, REQ, SCOPE_RUN, "TIME",
	  "resident: read even an unchanged store every TIME\n"
	  "(default " DEFAULT_TEXT(DEFAULT_REREAD_AFTER_MINUTES)
	  "m; 0: at every run)" },
	{ "settle", OPT_SETTLE, REQ, SCOPE_RUN, "TIME",
	  "do not read a store modified less than TIME ago:\n"
	  "keep its last counts (writers that write in place)" },
	{ "web.listen-address", OPT_WEB_LISTEN, REQ, SCOPE_RUN, "[HOST]:PORT",
	  "stay resident and serve the metrics over HTTP at\n"
	  "/metrics (repeatable; e.g. :" DEFAULT_TEXT(DEFAULT_WEB_PORT) ")" },
	{ "web.systemd-socket", OPT_WEB_SYSTEMD, NONE, SCOPE_RUN, NULL,
	  "serve on the sockets systemd passes (LISTEN_FDS)" },
	{ "web.config.file", OPT_WEB_CONFIG, REQ, SCOPE_RUN, "FILE",
	  "TLS and basic auth, as the Prometheus exporters' web\n"
	  "configuration file" },
	{ "quiet", 'q', NONE, SCOPE_RUN, NULL,
	  "no messages about stores that failed" },
	{ "verbose", 'v', NONE, SCOPE_RUN, NULL,
	  "say what was read and written" },
	{ "help", 'h', NONE, SCOPE_RUN, NULL, "print this help" },
	{ "version", 'V', NONE, SCOPE_RUN, NULL, "print the version" },
};
#define NOPTIONS	(sizeof(optable) / sizeof(optable[0]))

const struct optdef *
optable_find(const char *name, size_t len)
{
	size_t	 i;

	for (i = 0; i < NOPTIONS; i++)
		if (strlen(optable[i].name) == len &&
		    memcmp(optable[i].name, name, len) == 0)
			return &optable[i];
	return NULL;
}

/* The option getopt returned as `code`; NULL for '?' or ':'. */
const struct optdef *
optable_by_code(int code)
{
	size_t	 i;

	for (i = 0; i < NOPTIONS; i++)
		if (optable[i].code == code)
			return &optable[i];
	return NULL;
}

/* getopt_long's table, made once. */
const struct option *
optable_getopt(void)
{
	static struct option	 longs[NOPTIONS + 1];
	size_t			 i;

	if (longs[0].name != NULL)
		return longs;
	for (i = 0; i < NOPTIONS; i++) {
		longs[i].name = optable[i].name;
		longs[i].has_arg = optable[i].has_arg;
		longs[i].val = optable[i].code;
	}
	return longs;
}

/*
 * getopt's short options, "o:d:..."; `in_order` starts them with '-', so
 * that operands are returned in place.
 */
const char *
optable_shorts(int in_order)
{
	static char	 shorts[2 + 2 * NOPTIONS + 1];
	size_t		 i, n = 1;

	if (shorts[1] == '\0') {
		shorts[0] = '-';
		for (i = 0; i < NOPTIONS; i++) {
			if (optable[i].code >= 256)
				continue;
			shorts[n++] = (char)optable[i].code;
			if (optable[i].has_arg == REQ)
				shorts[n++] = ':';
		}
		shorts[n] = '\0';
	}
	return in_order ? shorts : shorts + 1;
}

static size_t
min3(size_t a, size_t b, size_t c)
{
	return a < b ? (a < c ? a : c) : (b < c ? b : c);
}

/*
 * Edit distance with transpositions (optimal string alignment), for
 * suggesting the option a typo meant: --rwos is one slip from --rows.
 */
static size_t
distance(const char *a, size_t na, const char *b)
{
	size_t	 nb = strlen(b), i, j, d[32][32];

	if (na >= 32 || nb >= 32)
		return SIZE_MAX;
	for (i = 0; i <= na; i++)
		d[i][0] = i;
	for (j = 0; j <= nb; j++)
		d[0][j] = j;
	for (i = 1; i <= na; i++)
		for (j = 1; j <= nb; j++) {
			d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1,
			    d[i - 1][j - 1] + (a[i - 1] != b[j - 1]));
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < d[i][j])
				d[i][j] = d[i - 2][j - 2] + 1;
		}
	return d[na][nb];
}

/*
 * Names an operator brings from elsewhere, too far from ours for a slip:
 * node_exporter's flag, and the name spelt out.
 */
static const struct { const char *other, *ours; } known_names[] = {
	{ "textfile-directory", "textfile-dir" },
	{ "collector.textfile.directory", "textfile-dir" },
};

/* The long option nearest NAME (LEN bytes), within a slip or two. */
const char *
optable_nearest(const char *name, size_t len)
{
	const struct optdef	*best = NULL;
	size_t			 i, d, best_d = SIZE_MAX;

	for (i = 0; i < sizeof(known_names) / sizeof(known_names[0]); i++)
		if (strlen(known_names[i].other) == len &&
		    memcmp(known_names[i].other, name, len) == 0)
			return known_names[i].ours;
	for (i = 0; i < NOPTIONS; i++)
		if ((d = distance(name, len, optable[i].name)) < best_d) {
			best_d = d;
			best = &optable[i];
		}
	/* Two slips in a long name, one in a short one. */
	return best != NULL && best_d > 0 && best_d <= (len > 5 ? 2 : 1) ?
	    best->name : NULL;
}

/*
 * One option's lines of the help: its names, then its text from column
 * 27 (39 for the long ones); continuation lines at column 27.
 */
static void
usage_line(FILE *out, const struct optdef *o)
{
	const char	*h = o->help, *nl;
	int		 n, column;

	if (o->code < 256)
		n = fprintf(out, "  -%c, --%s", o->code, o->name);
	else
		n = fprintf(out, "      --%s", o->name);
	if (o->arg != NULL)
		n += fprintf(out, "=%s", o->arg);
	column = n < 27 ? 27 : 39;
	fprintf(out, "%*s", column > n ? column - n : 1, "");
	while ((nl = strchr(h, '\n')) != NULL) {
		fprintf(out, "%.*s\n%27s", (int)(nl - h), h, "");
		h = nl + 1;
	}
	fprintf(out, "%s\n", h);
}

void
optable_usage(FILE *out)
{
	size_t	 i;

	fputs("usage: xml2prom [OPTION]... FILE...\n"
	    "Count the rows of XML stores by type (or any labels), sum and "
	    "date their\nvalues, and write them for node_exporter.\n\n", out);
	for (i = 0; i < NOPTIONS; i++)
		if (optable[i].help != NULL)
			usage_line(out, &optable[i]);
	fputs("\nExit status: 0 all read; 1 a FILE failed; 2 usage; 3 output "
	    "not written;\n4 another run holds the lock; 5 --check: a set "
	    "matched no row, or a field\nreads nothing of the row.  See "
	    "xml2prom(1).\n", out);
}
