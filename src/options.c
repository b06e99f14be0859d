/*
 * options.c: parsing and checking the command line.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include <libxml/xmlversion.h>

#include "names.h"
#include "optable.h"
#include "own.h"
#include "options.h"
#include "scan.h"
#include "trust.h"

#define VERSION	"1.2.0"

/* An options file is a few lines; a bigger one is a mistake. */
#define CONFIG_MAX_SIZE	(1 << 20)

/* What getopt collected, before it is checked. */
struct raw {
	const char	*output;
	const char	*textfile_dir;
	const char	*prefix;
	const char	*max_series;
	const char	*max_series_option;	/* or its old name */
	const char	*mode;
	const char	*every;
	const char	*reread_after;
	const char	*settle;
	const char	**labels;
	size_t		 nlabels;
	const char	**ns;
	const char	**ns_origin;	/* where each --namespace was given */
	size_t		 nns_origin;
	const char	*origin[OPT_LAST];	/* where each option was given */
	char		**argv;		/* the command line, --config's added */
	const char	**argv_origin;
	int		 argc;
};

/* Where an option was last given: "FILE:LINE: ", or "" for the command line. */
static const char *
where(const struct raw *raw, int opt)
{
	return raw->origin[opt] != NULL ? raw->origin[opt] : "";
}

/*
 * An origin, "FILE:LINE: ", as a place in a sentence: "FILE:LINE", or
 * "the command line".  Its length in LEN, for "%.*s".
 */
static const char *
place(const char *origin, int *len)
{
	size_t	 n = strlen(origin);

	if (n == 0) {
		*len = (int)strlen("the command line");
		return "the command line";
	}
	*len = n >= 2 && strcmp(origin + n - 2, ": ") == 0 ? (int)n - 2 :
	    (int)n;
	return origin;
}

static int usage_error(FILE *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * MSG on one line, whatever a config or a command line put in it: a
 * control character (a CR would hide what came before it on a terminal)
 * is written escaped, as \r or \x1b.
 */
static void
put_escaped(FILE *err, const char *msg)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)msg; *p != '\0'; p++)
		if (*p == '\r')
			fputs("\\r", err);
		else if (*p == '\t')
			fputs("\\t", err);
		else if (*p == '\n')
			fputs("\\n", err);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(err, "\\x%02x", *p);
		else
			fputc(*p, err);
}

static int
usage_error(FILE *err, const char *fmt, ...)
{
	struct buf	 msg = { 0 };
	va_list		 ap;

	va_start(ap, fmt);
	buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	fputs("xml2prom: ", err);
	put_escaped(err, msg.data);
	fputs("\nTry 'xml2prom --help' for more information.\n", err);
	buf_free(&msg);
	return -1;
}

static void
push(const char ***list, size_t *n, const char *s)
{
	*list = xreallocarray(*list, *n + 1, sizeof(**list));
	(*list)[(*n)++] = s;
}

static int
parse_unsigned(const char *s, int base, unsigned long max, unsigned long *out)
{
	char	*end;

	if (*s == '\0' || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	*out = strtoul(s, &end, base);
	return errno != 0 || *end != '\0' || *out > max ? -1 : 0;
}

static int
check_types(FILE *err, const char **list, size_t n, const char *opt)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (list[i][0] == '\0')
			return usage_error(err, "%s: a type is not empty", opt);
		if (!names_is_utf8(list[i], strlen(list[i])))
			return usage_error(err, "%s: not UTF-8", opt);
		if (strlen(list[i]) > SCAN_MAX_FIELD_LEN)
			return usage_error(err, "%s: type too long", opt);
	}
	return 0;
}

static int
check_filters(const struct set_options *so, const struct model *m, FILE *err)
{
	size_t	 i;

	if (check_types(err, so->include, so->ninclude, "--include-type") ||
	    check_types(err, so->exclude, so->nexclude, "--exclude-type"))
		return -1;
	for (i = 0; i < so->ninclude; i++)
		if (model_type_reported(m, so->include[i],
		    strlen(so->include[i])) == 0)
			return usage_error(err, "type '%s' is both included "
			    "and excluded", so->include[i]);
	if ((so->ninclude > 0 || so->nexclude > 0) && m->type_label == -1)
		return usage_error(err, "%s", "--include-type and --exclude-type "
		    "filter on the type label, and --by gave none");
	return 0;
}

/*
 * A copy of S's first LEN bytes that the configuration owns.  The strings
 * parsed are argv's, which a reload (SIGHUP) parses again: never cut them.
 */
static char *
own_copy(struct config *c, const char *s, size_t len)
{
	c->config_strings = xreallocarray(c->config_strings,
	    c->nconfig_strings + 1, sizeof(*c->config_strings));
	c->config_strings[c->nconfig_strings] = xstrndup(s, len);
	return c->config_strings[c->nconfig_strings++];
}

/* NAME=VALUE, NAME a label name that is neither reserved nor repeated. */
static int
check_labels(struct config *c, const struct raw *raw, FILE *err)
{
	const char	*eq;
	size_t	 i, j;

	c->labels = xcalloc(raw->nlabels, sizeof(*c->labels));
	for (i = 0; i < raw->nlabels; i++) {
		if ((eq = strchr(raw->labels[i], '=')) == NULL)
			return usage_error(err, "--label '%s': expected NAME=VALUE",
			    raw->labels[i]);
		c->labels[i].name = own_copy(c, raw->labels[i],
		    (size_t)(eq - raw->labels[i]));
		c->labels[i].value = eq + 1;
		c->expo.nlabels = i + 1;
		if (!names_is_label(c->labels[i].name))
			return usage_error(err, "--label: '%s' is not a valid "
			    "label name", c->labels[i].name);
		/* 'type' too: the type label of a run without --by */
		if (own_label(c->labels[i].name) ||
		    strcmp(c->labels[i].name, "type") == 0)
			return usage_error(err, "--label: '%s' is xml2prom's own "
			    "label", c->labels[i].name);
		if (!names_is_utf8(eq + 1, strlen(eq + 1)))
			return usage_error(err, "--label %s: value is not UTF-8",
			    c->labels[i].name);
		for (j = 0; j < i; j++)
			if (strcmp(c->labels[j].name, c->labels[i].name) == 0)
				return usage_error(err, "--label: '%s' given twice",
				    c->labels[i].name);
	}
	c->expo.labels = c->labels;
	return 0;
}

/*
 * A prefix bound once, or again to the same URI: two URIs would make the
 * streamed fields and the row tree answer with different ones.
 */
static int
check_rebound(const struct config *c, const struct raw *raw, size_t i,
    FILE *err)
{
	const char	*first;
	size_t		 j;
	int		 len;

	for (j = 0; j < i; j++)
		if (strcmp(c->ns[j].prefix, c->ns[i].prefix) == 0 &&
		    strcmp(c->ns[j].uri, c->ns[i].uri) != 0) {
			first = place(raw->ns_origin[j], &len);
			return usage_error(err, "%s--namespace %s: bound to '%s' "
			    "already (first at %.*s), not also to '%s'",
			    raw->ns_origin[i], c->ns[i].prefix, c->ns[j].uri,
			    len, first, c->ns[i].uri);
		}
	return 0;
}

static int
check_namespaces(struct config *c, const struct raw *raw, FILE *err)
{
	const char	*eq;
	size_t	 i;

	c->ns = xcalloc(c->nns, sizeof(*c->ns));
	for (i = 0; i < c->nns; i++) {
		if ((eq = strchr(raw->ns[i], '=')) == NULL || eq[1] == '\0')
			return usage_error(err, "--namespace '%s': expected "
			    "PREFIX=URI", raw->ns[i]);
		c->ns[i].prefix = own_copy(c, raw->ns[i],
		    (size_t)(eq - raw->ns[i]));
		if (!names_is_ncname(c->ns[i].prefix, strlen(c->ns[i].prefix)))
			return usage_error(err, "--namespace: '%s' is not a "
			    "valid prefix", c->ns[i].prefix);
		c->ns[i].uri = eq + 1;
		if (check_rebound(c, raw, i, err) == -1)
			return -1;
	}
	return 0;
}

static int
check_files(const struct config *c, FILE *err)
{
	size_t	 i, j;

	if (c->nfiles == 0)
		return usage_error(err, "%s", "no FILE given");
	for (i = 0; i < c->nfiles; i++) {
		if (c->files[i][0] == '\0')
			return usage_error(err, "%s", "empty FILE name");
		/* The name becomes a label value, which must be UTF-8. */
		if (!names_is_utf8(c->files[i], strlen(c->files[i])))
			return usage_error(err, "FILE name is not UTF-8: %s",
			    c->files[i]);
		for (j = 0; j < i; j++)
			if (strcmp(c->files[i], c->files[j]) == 0)
				return usage_error(err, "FILE given twice: %s",
				    c->files[i]);
	}
	return 0;
}

static int
has_suffix(const char *s, size_t len, const char *suffix)
{
	size_t	 n = strlen(suffix);

	return len > n && memcmp(s + len - n, suffix, n) == 0;
}

/*
 * DIR/NAME.prom, NAME being the first FILE's last component (trailing
 * slashes aside) less .xml, .xml.gz or .gz.
 */
static int
derive_output(struct config *c, const char *dir, FILE *err)
{
	const char	*file = c->files[0], *name, *end;
	size_t		 len;
	struct buf	 path = { 0 };

	end = file + strlen(file);
	while (end > file + 1 && end[-1] == '/')
		end--;
	for (name = end; name > file && name[-1] != '/'; name--)
		continue;
	if (strcmp(file, "-") == 0)
		name = "stdin", end = name + 5;
	len = (size_t)(end - name);
	if (len == 0 || (len == 1 && *name == '/') ||
	    (len == 1 && *name == '.') || (len == 2 && name[0] == '.' &&
	    name[1] == '.'))
		return usage_error(err, "cannot name the output after '%s': "
		    "use --output", file);
	if (has_suffix(name, len, ".xml.gz"))
		len -= 7;
	else if (has_suffix(name, len, ".gz") || has_suffix(name, len, ".xml"))
		len -= has_suffix(name, len, ".gz") ? 3 : 4;
	buf_printf(&path, "%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/");
	buf_append(&path, name, len);
	buf_puts(&path, ".prom");
	c->output_path = buf_steal(&path);
	return 0;
}

static int
check_output(struct config *c, const struct raw *raw, FILE *err)
{
	if (raw->output != NULL && raw->textfile_dir != NULL)
		return usage_error(err, "%s", "--output and --textfile-dir "
		    "exclude each other");
	if (raw->output != NULL && raw->output[0] == '\0')
		return usage_error(err, "%s", "--output: empty path");
	if (raw->textfile_dir != NULL && raw->textfile_dir[0] == '\0')
		return usage_error(err, "%s", "--textfile-dir: empty path");
	if (raw->output != NULL && strcmp(raw->output, "-") != 0 &&
	    !has_suffix(raw->output, strlen(raw->output), ".prom"))
		return usage_error(err, "--output '%s': node_exporter reads "
		    "only files named *.prom", raw->output);
	if (raw->output == NULL && raw->textfile_dir == NULL &&
	    CONFIG_SERVES(c))
		return 0;	/* the exporter alone writes no file */
	if (raw->output != NULL)
		c->output_path = strcmp(raw->output, "-") == 0 ? NULL :
		    xstrdup(raw->output);
	else {
		c->output_derived = 1;
		return derive_output(c, raw->textfile_dir != NULL ?
		    raw->textfile_dir : DEFAULT_TEXTFILE_DIR, err);
	}
	return 0;
}

/*
 * A period: a whole number and its unit, ms, s, m or h (none: seconds),
 * from 1ms to a day.  0 on a bad one.
 */
static unsigned long
parse_period(const char *s)
{
	static const struct { const char *unit; unsigned long ms; } units[] = {
		{ "ms", 1 }, { "s", 1000 }, { "", 1000 }, { "m", 60000 },
		{ "h", 3600000 }
	};
	unsigned long	 n;
	char		*end;
	size_t		 i;

	if (*s < '0' || *s > '9')
		return 0;
	errno = 0;
	n = strtoul(s, &end, 10);
	if (errno != 0 || n > 86400000)
		return 0;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(end, units[i].unit) == 0)
			return n * units[i].ms > 86400000 ? 0 : n * units[i].ms;
	return 0;
}

/*
 * --reread-after and --settle: a period, or 0 (always read; never wait).
 * -1 on a bad one.
 */
static int
parse_bound(const struct raw *raw, int opt, const char *s,
    unsigned long *ms, FILE *err)
{
	if (strcmp(s, "0") == 0) {
		*ms = 0;
		return 0;
	}
	if ((*ms = parse_period(s)) == 0)
		return usage_error(err, "%s--%s '%s': expected 0 or a period "
		    "from 1ms to 24h, such as 500ms, 30s, 5m", where(raw, opt),
		    optable_by_code(opt)->name, s);
	return 0;
}

/* --every, --watch: a resident run writes a file, again and again. */
static int
check_resident(struct config *c, const struct raw *raw, FILE *err)
{
	size_t	 i;

	if (raw->every != NULL && (c->every_ms = parse_period(raw->every)) == 0)
		return usage_error(err, "%s--every '%s': expected a period from "
		    "1ms to 24h, such as 500ms, 30s, 1m", where(raw, OPT_EVERY),
		    raw->every);
	/* The exporter writes a file too only when told when. */
	if ((c->watch || (CONFIG_SERVES(c) && c->output_path != NULL)) &&
	    c->every_ms == 0)
		c->every_ms = DEFAULT_EVERY_SECONDS * 1000;
	c->reread_after_ms = DEFAULT_REREAD_AFTER_MINUTES * 60000;
	if ((raw->settle != NULL && parse_bound(raw, OPT_SETTLE, raw->settle,
	    &c->settle_ms, err) == -1) || (raw->reread_after != NULL &&
	    parse_bound(raw, OPT_REREAD_AFTER, raw->reread_after,
	    &c->reread_after_ms, err) == -1))
		return -1;
	if (c->every_ms == 0 && raw->reread_after != NULL)
		return usage_error(err, "%s", "--reread-after bounds what a "
		    "resident run reuses: give --every or --watch");
	if (c->every_ms == 0)
		return 0;
	if (c->dump || c->check)
		return usage_error(err, "--%s runs again and again: not with "
		    "--%s", c->watch ? "watch" : "every", c->dump ? "dump" :
		    "check");
	if (c->output_path == NULL)
		return usage_error(err, "--%s writes a file again and again: "
		    "give --output FILE or --textfile-dir DIR, not standard "
		    "output", c->watch ? "watch" : "every");
	for (i = 0; i < c->nfiles; i++)
		if (strcmp(c->files[i], "-") == 0)
			return usage_error(err, "--%s reads its stores again "
			    "and again: not standard input", c->watch ?
			    "watch" : "every");
	return 0;
}

/* --survey reads one store and prints; it writes no output file. */
static int
check_survey(struct config *c, const struct raw *raw, FILE *err)
{
	if (c->dump || c->check || raw->every != NULL || c->watch)
		return usage_error(err, "--survey says what a store holds: not "
		    "with --%s", c->dump ? "dump" : c->check ? "check" :
		    c->watch ? "watch" : "every");
	if (raw->output != NULL || raw->textfile_dir != NULL)
		return usage_error(err, "%s", "--survey prints to standard "
		    "output: no --output or --textfile-dir");
	if (c->nfiles != 1)
		return usage_error(err, "%s", "--survey reads one store");
	if (c->ngiven > 1 || c->given[0].name != NULL ||
	    c->given[0].nspecs > 0)
		return usage_error(err, "%s", "--survey takes --rows, and "
		    "proposes the rest");
	return 0;
}

/* The exporter (httpserve.h) reads its stores at each scrape. */
static int
check_exporter(const struct config *c, FILE *err)
{
	size_t	 i;

	if (!CONFIG_SERVES(c))
		return c->web_config != NULL ? usage_error(err, "%s",
		    "--web.config.file configures the exporter: give "
		    "--web.listen-address or --web.systemd-socket") : 0;
	if (c->dump || c->check || c->survey)
		return usage_error(err, "--web.listen-address serves the "
		    "metrics: not with --%s", c->dump ? "dump" : c->check ?
		    "check" : "survey");
	for (i = 0; i < c->nfiles; i++)
		if (strcmp(c->files[i], "-") == 0)
			return usage_error(err, "%s", "--web.listen-address "
			    "reads its stores at each scrape: not standard "
			    "input");
	return 0;
}

static int
check_modes(struct config *c, const struct raw *raw, FILE *err)
{
	if (check_exporter(c, err) == -1)
		return -1;
	if (c->survey)
		return check_survey(c, raw, err);
	if (c->check && c->dump)
		return usage_error(err, "%s", "--check and --dump exclude "
		    "each other");
	if (c->check && c->output_path == NULL)
		return usage_error(err, "%s", "--check checks an output file, "
		    "not standard output");
	return check_resident(c, raw, err);
}

static int
check_numbers(struct config *c, const struct raw *raw, FILE *err)
{
	unsigned long	 n;

	if (raw->max_series != NULL) {
		if (parse_unsigned(raw->max_series, 10, 1000000, &n) == -1 ||
		    n == 0)
			return usage_error(err, "%s%s '%s': expected a number "
			    "from 1 to 1000000", where(raw, OPT_MAX_SERIES),
			    raw->max_series_option, raw->max_series);
		c->max_series = n;
	}
	if (raw->mode != NULL) {
		if (parse_unsigned(raw->mode, 8, 0777, &n) == -1)
			return usage_error(err, "%s--mode '%s': expected an octal "
			    "mode from 0 to 0777", where(raw, OPT_MODE),
			    raw->mode);
		c->mode = (mode_t)n;
	}
	return 0;
}

/* A set's fields and families, its filter, then the series guard. */
static int
check_model(struct config *c, const struct set_options *so, struct model *m,
    FILE *err)
{
	struct buf	 msg = { 0 };
	const char	**constants;
	size_t		 i;
	int		 rc;

	constants = xcalloc(c->expo.nlabels + 1, sizeof(*constants));
	for (i = 0; i < c->expo.nlabels; i++)
		constants[i] = c->labels[i].name;
	rc = model_build(m, so->specs, so->nspecs, constants,
	    c->expo.nlabels, c->ns, c->nns, &msg);
	free(constants);
	if (rc == -1) {
		usage_error(err, "%s", msg.data);
		buf_free(&msg);
		return -1;
	}
	buf_free(&msg);
	/* said before any store is read; --check fails on them (run.h) */
	if (m->nconstant > 0 && !c->quiet)
		fputs(m->warnings.data, err);
	c->constant_fields += m->nconstant;
	m->include = so->include;
	m->ninclude = so->ninclude;
	m->exclude = so->exclude;
	m->nexclude = so->nexclude;
	m->max_series = c->max_series;
	/* One set counting types alone: its limit is said as it always was. */
	m->legacy_limit = c->ngiven == 1 && m->nvalues == 0 &&
	    m->nlabels == 1 && m->type_label == 0;
	return check_filters(so, m, err);
}

/* A set as given, checked into `set`: its pattern, name, model. */
static int
check_set(struct config *c, const struct set_options *so,
    struct rowset *set, FILE *err)
{
	struct buf	 msg = { 0 }, prefix = { 0 };
	int		 rc = 0;

	set->name = so->name;
	buf_puts(&prefix, c->expo.prefix);
	if (so->name != NULL)
		buf_printf(&prefix, "_%s", so->name);
	set->prefix = buf_steal(&prefix);
	if (so->name != NULL && so->rows == NULL)
		return usage_error(err, "%s--set %s: no --rows: which elements "
		    "are its rows?", so->origin, so->name);
	set->rows_src = so->rows != NULL ? so->rows : DEFAULT_ROWS;
	if (rowpath_compile(&set->rows, set->rows_src, &msg) == -1)
		rc = usage_error(err, "%s%s", so->rows_origin != NULL ?
		    so->rows_origin : "", msg.data);
	buf_free(&msg);
	if (rc == -1)
		return -1;
	return check_model(c, so, &set->model, err);
}

/* Every set, then the names they write against each other's. */
static int
check_sets(struct config *c, FILE *err)
{
	struct buf	 msg = { 0 };
	const char	*first;
	size_t		 i, j;
	int		 rc = 0, len;

	for (i = 0; i < c->ngiven; i++)
		for (j = 0; j < i; j++)
			if (c->given[i].name != NULL && c->given[j].name !=
			    NULL && strcmp(c->given[i].name,
			    c->given[j].name) == 0) {
				first = place(c->given[j].origin, &len);
				return usage_error(err, "%s--set %s: given "
				    "twice (first at %.*s)", c->given[i].origin,
				    c->given[i].name, len, first);
			}
	c->sets = xcalloc(c->ngiven, sizeof(*c->sets));
	for (i = 0; i < c->ngiven; i++, c->nsets++)
		if (check_set(c, &c->given[i], &c->sets[i], err) == -1) {
			c->nsets++;	/* freed with the others */
			return -1;
		}
	if (!scan_sets_fit(c->sets, c->nsets))
		return usage_error(err, "the sets' --rows patterns have more "
		    "than %d steps together (one more per set)",
		    ROWMATCH_BITS);
	c->expo.sets = c->sets;
	c->expo.nsets = c->nsets;
	if (expo_check_names(&c->expo, &msg) == -1)
		rc = usage_error(err, "%s", msg.data);
	buf_free(&msg);
	return rc;
}

static int
check_config(struct config *c, struct raw *raw, FILE *err)
{
	const char	*owned;

	if (check_files(c, err) || (!c->survey && check_output(c, raw, err)) ||
	    check_modes(c, raw, err) || check_numbers(c, raw, err) ||
	    check_labels(c, raw, err) || check_namespaces(c, raw, err))
		return -1;
	c->expo.prefix = raw->prefix != NULL ? raw->prefix : DEFAULT_PREFIX;
	if (!names_is_metric(c->expo.prefix))
		return usage_error(err, "%s--prefix '%s': not a valid metric name",
		    where(raw, 'p'), c->expo.prefix);
	if (strchr(c->expo.prefix, ':') != NULL)
		return usage_error(err, "%s--prefix '%s': colons are for "
		    "recording rules, not exporters", where(raw, 'p'),
		    c->expo.prefix);
	if ((owned = names_owned_prefix(c->expo.prefix)) != NULL)
		return usage_error(err, "%s--prefix '%s': names starting "
		    "'%s' are node_exporter's own (as are node_, go_, "
		    "process_ and promhttp_): choose another prefix",
		    where(raw, 'p'), c->expo.prefix, owned);
	return check_sets(c, err);
}

const char *
options_version(void)
{
	return VERSION;
}

/* libxml2 gives its version as a number, 21503 for 2.15.3. */
static void
print_version(void)
{
	long	 v = strtol(xmlParserVersion, NULL, 10);

	printf("xml2prom %s (libxml2 %ld.%ld.%ld, built with %s)\n", VERSION,
	    v / 10000, v / 100 % 100, v % 100, LIBXML_DOTTED_VERSION);
}

static const char *
nearest_option(const char *arg)
{
	if (strncmp(arg, "--", 2) != 0)
		return NULL;
	return optable_nearest(arg + 2, strcspn(arg + 2, "="));
}

static int
bad_option(FILE *err, const char *arg)
{
	char		 shortopt[3] = { '-', (char)optopt, '\0' };
	const char	*near;

	/* getopt leaves optind past a cluster like -qz: name the letter. */
	if (optopt != 0 && optopt < 256)
		arg = shortopt;
	else if ((near = nearest_option(arg)) != NULL)
		return usage_error(err, "unknown option %.*s: did you mean "
		    "--%s?", (int)strcspn(arg, "="), arg, near);
	return usage_error(err, "unknown option or missing argument: %s", arg);
}

/*
 * The set that options of a set go to: the last --set, or before any, the
 * unnamed set.
 */
static struct set_options *
current_set(struct config *c)
{
	if (c->ngiven == 0) {
		c->given = xcalloc(1, sizeof(*c->given));
		c->given[0].origin = "";
		c->ngiven = 1;
	}
	return &c->given[c->ngiven - 1];
}

static int
start_set(struct config *c, const char *name, const char *origin, FILE *err)
{
	struct set_options	*so;

	if (!rowset_valid_name(name))
		return usage_error(err, "%s--set '%s': a set's name is lower "
		    "case letters, digits and '_', not first a digit", origin,
		    name);
	if (c->ngiven == ROWSET_MAX)
		return usage_error(err, "%s--set %s: more than %d sets", origin,
		    name, ROWSET_MAX);
	c->given = xreallocarray(c->given, c->ngiven + 1, sizeof(*c->given));
	so = &c->given[c->ngiven++];
	memset(so, 0, sizeof(*so));
	so->name = name;
	so->origin = origin;
	return 0;
}

/* A set has one pattern: a second one is another set, or a mistake. */
static int
set_rows(struct config *c, const char *rows, const char *origin, FILE *err)
{
	struct set_options	*so = current_set(c);

	if (so->rows != NULL && so->name == NULL)
		return usage_error(err, "%s--rows '%s': --rows was given "
		    "already ('%s'); to count rows of another kind in the same "
		    "run, give each kind a set: --set NAME --rows PATTERN ...",
		    origin, rows, so->rows);
	if (so->rows != NULL)
		return usage_error(err, "%s--rows '%s': set %s has its --rows "
		    "already ('%s'); start another with --set NAME", origin,
		    rows, so->name, so->rows);
	so->rows = rows;
	so->rows_origin = origin;
	return 0;
}

static void
push_spec(struct config *c, const char *option, const char *arg,
    const char *origin)
{
	struct set_options	*so = current_set(c);
	struct model_spec	*sp;

	so->specs = xreallocarray(so->specs, so->nspecs + 1,
	    sizeof(*so->specs));
	sp = &so->specs[so->nspecs++];
	sp->option = option;
	sp->arg = xstrdup(arg);
	sp->origin = origin;
}

/*
 * -t EXPR is --by type=EXPR, keeping its place among the --by;
 * --missing-type X is --missing type=X.
 */
static void
push_type_spec(struct config *c, const char *option, const char *value,
    const char *origin)
{
	struct buf	 arg = { 0 };

	buf_printf(&arg, "type=%s", value);
	push_spec(c, option, arg.data, origin);
	buf_free(&arg);
}

static void
push_filter(struct config *c, int which, const char *type)
{
	struct set_options	*so = current_set(c);

	if (which == 'i')
		push(&so->include, &so->ninclude, type);
	else
		push(&so->exclude, &so->nexclude, type);
}

/* An option of a row set: the current set's (see current_set()). */
static int
take_set_option(struct config *c, int ch, const char *origin, FILE *err)
{
	switch (ch) {
	case OPT_SET:
		return start_set(c, optarg, origin, err);
	case 'r':
		return set_rows(c, optarg, origin, err);
	case 't':
		push_type_spec(c, "type", optarg, origin);
		return 0;
	case OPT_MISSING_TYPE:
		push_type_spec(c, "missing-type", optarg, origin);
		return 0;
	case 'i':
	case 'x':
		push_filter(c, ch, optarg);
		return 0;
	default:	/* by, missing, sum, min, max, histogram, buckets */
		push_spec(c, optable_by_code(ch)->name, optarg, origin);
		return 0;
	}
}

/* An option of the whole run; --help and --version end the parse. */
static void
take_run_option(struct config *c, struct raw *raw, int ch,
    const char *origin, enum options_result *done)
{
	switch (ch) {
	case 'o': raw->output = optarg; break;
	case 'd': raw->textfile_dir = optarg; break;
	case 'c': break;	/* read by expand_configs() */
	case 'p': raw->prefix = optarg; break;
	case 'l': push(&raw->labels, &raw->nlabels, optarg); break;
	case 'n':
		push(&raw->ns_origin, &raw->nns_origin, origin);
		push(&raw->ns, &c->nns, optarg);
		break;
	case 'q': c->quiet = 1; break;
	case 'v': c->verbose = 1; break;
	case OPT_MAX_TYPES:
	case OPT_MAX_SERIES:
		raw->max_series = optarg;
		raw->max_series_option = ch == OPT_MAX_TYPES ?
		    "--max-types" : "--max-series";
		raw->origin[OPT_MAX_SERIES] = origin;
		break;
	case OPT_MODE: raw->mode = optarg; break;
	case OPT_EVERY: raw->every = optarg; break;
	case OPT_WATCH: c->watch = 1; break;
	case OPT_REREAD_AFTER: raw->reread_after = optarg; break;
	case OPT_SETTLE: raw->settle = optarg; break;
	case OPT_SURVEY: c->survey = 1; break;
	case OPT_DUMP: c->dump = 1; break;
	case OPT_CHECK: c->check = 1; break;
	case OPT_WEB_LISTEN: push(&c->listen, &c->nlisten, optarg); break;
	case OPT_WEB_SYSTEMD: c->systemd_socket = 1; break;
	case OPT_WEB_CONFIG: c->web_config = optarg; break;
	case 'h':
		optable_usage(stdout);
		*done = OPTIONS_DONE;
		break;
	case 'V':
		print_version();
		*done = OPTIONS_DONE;
		break;
	}
}

/* Reads argv into `raw` and the sets; -1 on a usage error. */
static int
collect(struct config *c, struct raw *raw, FILE *err,
    enum options_result *done)
{
	const struct optdef	*o;
	const char		*origin;
	int			 ch;

	optind = 0;	/* GNU: start afresh, so this can run more than once */
	opterr = 0;
	while (*done != OPTIONS_DONE && (ch = getopt_long(raw->argc,
	    raw->argv, optable_shorts(0), optable_getopt(), NULL)) != -1) {
		origin = raw->argv_origin[optind - 1];
		if ((o = optable_by_code(ch)) == NULL)
			return bad_option(err, raw->argv[optind - 1]);
		raw->origin[ch] = origin;
		if (o->scope == SCOPE_RUN)
			take_run_option(c, raw, ch, origin, done);
		else if (take_set_option(c, ch, origin, err) == -1)
			return -1;
	}
	c->files = raw->argv + optind;
	c->nfiles = (size_t)(raw->argc - optind);
	(void)current_set(c);	/* none given: the unnamed one, defaults */
	return 0;
}

static void
add_arg(struct raw *raw, char *arg, const char *origin)
{
	raw->argv = xreallocarray(raw->argv, (size_t)raw->argc + 2,
	    sizeof(*raw->argv));
	raw->argv_origin = xreallocarray(raw->argv_origin,
	    (size_t)raw->argc + 2, sizeof(*raw->argv_origin));
	raw->argv[raw->argc] = arg;
	raw->argv_origin[raw->argc++] = origin;
	raw->argv[raw->argc] = NULL;
}

/* A config line '[NAME]' starts a set: it is 'set NAME'. */
static char *
block_header(char *line)
{
	size_t	 len = strlen(line);

	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	if (line[0] != '[' || len < 2 || line[len - 1] != ']')
		return NULL;
	line[len - 1] = '\0';
	return line + 1;
}

/*
 * A config line: NAME VALUE or NAME=VALUE, as --NAME=VALUE; '[NAME]' as
 * --set=NAME.  After a set's block starts, what applies to the whole run
 * is refused: it would read as the set's.
 */
static int
config_line(struct config *c, struct raw *raw, const char *file,
    unsigned long lineno, char *line, int *in_block, FILE *err)
{
	const struct optdef	*o;
	const char		*near;
	struct buf		 arg = { 0 }, origin = { 0 };
	const char		*block = block_header(line);
	const char		*name = block != NULL ? "set" : line;
	size_t			 len = strcspn(name, " \t=");
	const char		*value = block != NULL ? block : line + len;

	/*
	 * What is not an option is not echoed: a --config given a link to a
	 * secret must not print its lines.  A near option's name is ours.
	 */
	if ((o = optable_find(name, len)) == NULL &&
	    (near = optable_nearest(name, len)) != NULL)
		return usage_error(err, "%s:%lu: not an option: did you mean "
		    "'%s'?", file, lineno, near);
	if (o == NULL)
		return usage_error(err, "%s:%lu: not an option (see the "
		    "OPTIONS of xml2prom(1))", file, lineno);
	if (strcmp(o->name, "config") == 0)
		return usage_error(err, "%s:%lu: a config file cannot read "
		    "another", file, lineno);
	if (*in_block && o->scope != SCOPE_SET)
		return usage_error(err, "%s:%lu: '%s' applies to the whole run, "
		    "not to one set: give it before the first [set]", file,
		    lineno, o->name);
	*in_block |= o->code == OPT_SET;
	if (block != NULL)
		;
	else if (*value == '=')
		value++;
	else
		value += strspn(value, " \t");
	if (o->has_arg == no_argument && *value != '\0')
		return usage_error(err, "%s:%lu: '%s' takes no value", file,
		    lineno, o->name);
	if (o->has_arg == required_argument && *value == '\0')
		return usage_error(err, "%s:%lu: '%s' needs a value", file,
		    lineno, o->name);
	buf_printf(&arg, "--%s%s%s", o->name, *value != '\0' ? "=" : "",
	    value);
	buf_printf(&origin, "%s:%lu: ", file, lineno);
	/* Owned by the configuration: specs and files point into them. */
	c->config_strings = xreallocarray(c->config_strings,
	    c->nconfig_strings + 2, sizeof(*c->config_strings));
	c->config_strings[c->nconfig_strings++] = buf_steal(&arg);
	c->config_strings[c->nconfig_strings++] = buf_steal(&origin);
	add_arg(raw, c->config_strings[c->nconfig_strings - 2],
	    c->config_strings[c->nconfig_strings - 1]);
	return 0;
}

/*
 * --config FILE opened for reading: a regular file of at most
 * CONFIG_MAX_SIZE bytes, looked at through O_PATH first so that a device
 * or a FIFO is never opened.  A run as root obeys it (its output, its
 * mode): as sshd does, such a run refuses one that anyone but root may
 * change.
 */
static FILE *
open_config(const char *file, FILE *err)
{
	struct stat	 st;
	struct buf	 why = { 0 };
	char		 proc[64];
	FILE		*f = NULL;
	int		 pfd, fd = -1;

	if ((pfd = open(file, O_PATH | O_CLOEXEC)) == -1) {
		usage_error(err, "--config %s: %s", file, strerror(errno));
		return NULL;
	}
	if (fstat(pfd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > CONFIG_MAX_SIZE)
		usage_error(err, "--config %s: not a regular file of at most "
		    "%d bytes", file, CONFIG_MAX_SIZE);
	else if (geteuid() == 0 && (st.st_uid != 0 ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)) != 0))
		usage_error(err, "--config %s: a run as root obeys only a "
		    "config file that root alone may change (owner root, not "
		    "writable by group or others)", file);
	else if (trust_config(file, &st, &why) == -1)
		usage_error(err, "--config %s: %s", file, why.data);
	else {
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pfd);
		if ((fd = open(proc, O_RDONLY | O_CLOEXEC)) == -1 &&
		    errno == ENOENT)	/* no /proc: the name, non-blocking */
			fd = open(file, O_RDONLY | O_NONBLOCK | O_NOCTTY |
			    O_CLOEXEC);
		if (fd == -1 || (f = fdopen(fd, "r")) == NULL)
			usage_error(err, "--config %s: %s", file,
			    strerror(errno));
	}
	close(pfd);
	if (f == NULL && fd != -1)
		close(fd);
	buf_free(&why);
	return f;
}

/*
 * A line as read (N bytes), its end taken off; NULL if it holds a NUL byte,
 * which would cut it silently.  A UTF-8 byte order mark may start line 1.
 */
static char *
config_text(char *line, ssize_t n, unsigned long lineno)
{
	if (memchr(line, '\0', (size_t)n) != NULL)
		return NULL;
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	if (lineno == 1 && strncmp(line, "\xef\xbb\xbf", 3) == 0)
		line += 3;
	return line + strspn(line, " \t");
}

/* --config FILE: its options, in place of the --config. */
static int
read_config(struct config *c, struct raw *raw, const char *file, FILE *err)
{
	FILE		*f;
	char		*line = NULL, *p;
	size_t		 cap = 0;
	ssize_t		 n;
	unsigned long	 lineno = 0;
	int		 rc = 0, in_block = 0;

	if ((f = open_config(file, err)) == NULL)
		return -1;
	while (rc == 0 && (n = getline(&line, &cap, f)) != -1) {
		lineno++;
		if ((p = config_text(line, n, lineno)) == NULL)
			rc = usage_error(err, "%s:%lu: a NUL byte: a config "
			    "file is text", file, lineno);
		else if (*p != '\0' && *p != '#')
			rc = config_line(c, raw, file, lineno, p, &in_block,
			    err);
	}
	if (rc == 0 && ferror(f))
		rc = usage_error(err, "--config %s: %s", file, strerror(errno));
	free(line);
	fclose(f);
	return rc;
}

/*
 * The command line with each --config FILE replaced by FILE's options, so
 * that one getopt pass reads both in order (a later option overrides an
 * earlier one, as on a command line).  getopt itself finds the --config
 * options, so that '-t -c' stays a --type of '-c'.
 */
static int
expand_configs(struct config *c, struct raw *raw, int argc, char **argv,
    FILE *err)
{
	int	 ch, i, next = 1, before;

	add_arg(raw, argv[0], "");
	optind = 0;
	opterr = 0;
	for (;;) {
		before = optind == 0 ? 1 : optind;
		/* '-': operands in place, so that indices stay argv's. */
		ch = getopt_long(argc, argv, optable_shorts(1),
		    optable_getopt(), NULL);
		if (ch == -1)
			break;
		if (ch != 'c')
			continue;
		if (strncmp(argv[before], "-c", 2) != 0 &&
		    strncmp(argv[before], "--", 2) != 0)
			return usage_error(err, "%s", "give -c FILE apart from "
			    "other short options");
		for (i = next; i < before; i++)
			add_arg(raw, argv[i], "");
		if (read_config(c, raw, optarg, err) == -1)
			return -1;
		next = optind;
	}
	/* GNU getopt moves operands after the options: copy what is left. */
	for (i = next; i < argc; i++)
		add_arg(raw, argv[i], "");
	return 0;
}

enum options_result
options_parse(struct config *c, int argc, char **argv, FILE *err)
{
	struct raw		 raw;
	enum options_result	 result = OPTIONS_RUN;

	memset(c, 0, sizeof(*c));
	memset(&raw, 0, sizeof(raw));
	c->max_series = DEFAULT_MAX_SERIES;
	c->mode = DEFAULT_MODE;
	if (expand_configs(c, &raw, argc, argv, err) == -1 ||
	    collect(c, &raw, err, &result) == -1)
		result = OPTIONS_USAGE;
	if (result == OPTIONS_RUN && check_config(c, &raw, err) == -1)
		result = OPTIONS_USAGE;
	free(raw.labels);
	free(raw.ns);
	free(raw.ns_origin);
	c->argv = raw.argv;		/* c->files points into it */
	free(raw.argv_origin);
	return result;
}

void
config_free(struct config *c)
{
	size_t	 i, j;

	free(c->output_path);
	free(c->listen);
	for (i = 0; i < c->nsets; i++)
		rowset_free(&c->sets[i]);
	free(c->sets);
	for (i = 0; i < c->ngiven; i++) {
		for (j = 0; j < c->given[i].nspecs; j++)
			free(c->given[i].specs[j].arg);
		free(c->given[i].specs);
		free(c->given[i].include);
		free(c->given[i].exclude);
	}
	free(c->given);
	for (i = 0; i < c->nconfig_strings; i++)
		free(c->config_strings[i]);
	free(c->config_strings);
	free(c->argv);
	free(c->labels);
	free(c->ns);
	memset(c, 0, sizeof(*c));
}
