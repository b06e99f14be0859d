/*
 * optcheck.c: checking what the command line and --config files gave:
 * files, output, modes, numbers and periods, labels, namespaces, the prefix
 * and every row set's model.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include "buf.h"
#include "exponames.h"
#include "names.h"
#include "optint.h"
#include "own.h"
#include "bounds.h"
#include "scan.h"

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
		    strcmp(c->labels[i].name, "type") == 0 ||
		    strcmp(c->labels[i].name, "store") == 0)
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
	if (storelist_is_glob(file)) {
		/* Named after the directory its files are found in. */
		end = strpbrk(file, "*?[");
		while (end > file && end[-1] != '/')
			end--;
	}
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
	if (errno != 0 || n > PERIOD_MAX_MS)
		return 0;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(end, units[i].unit) == 0)
			return n * units[i].ms > PERIOD_MAX_MS ? 0 :
			    n * units[i].ms;
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
	struct stat	 st;

	if (c->dump || c->check || raw->every != NULL || c->watch)
		return usage_error(err, "--survey says what a store holds: not "
		    "with --%s", c->dump ? "dump" : c->check ? "check" :
		    c->watch ? "watch" : "every");
	if (raw->output != NULL || raw->textfile_dir != NULL)
		return usage_error(err, "%s", "--survey prints to standard "
		    "output: no --output or --textfile-dir");
	if (c->nfiles != 1 || storelist_is_glob(c->files[0]) ||
	    (stat(c->files[0], &st) == 0 && S_ISDIR(st.st_mode)))
		return usage_error(err, "%s", "--survey reads one store (not "
		    "a glob or a directory)");
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
		if (parse_unsigned(raw->max_series, 10, MAX_SERIES_LIMIT,
		    &n) == -1 || n == 0)
			return usage_error(err, "%s%s '%s': expected a number "
			    "from 1 to " BOUND_TEXT(MAX_SERIES_LIMIT),
			    where(raw, OPT_MAX_SERIES), raw->max_series_option,
			    raw->max_series);
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
	set->across = so->across;
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

/*
 * --file-order: name or mtime, and only where some set is summed across
 * files (it would change nothing else: a silent no-op is a wrong option).
 */
static int
check_file_order(struct config *c, const struct raw *raw, FILE *err)
{
	const char	*o = raw->file_order;

	if (o == NULL)
		return 0;
	if (strcmp(o, "name") == 0)
		c->expo.file_order = FILE_ORDER_NAME;
	else if (strcmp(o, "mtime") == 0)
		c->expo.file_order = FILE_ORDER_MTIME;
	else
		return usage_error(err, "%s--file-order '%s': expected name or "
		    "mtime", where(raw, OPT_FILE_ORDER), o);
	if (!across_any(c->sets, c->nsets))
		return usage_error(err, "%s--file-order %s: orders the files of "
		    "an --across-files set, and no set is given --across-files",
		    where(raw, OPT_FILE_ORDER), o);
	return 0;
}

/* Is NAME a label some series of the run already carries? */
static const char *
label_taken(const struct config *c, const char *name)
{
	size_t	 i, k;

	if (own_label(name) || strcmp(name, "store") == 0)
		return "xml2prom's own label";
	for (i = 0; i < c->expo.nlabels; i++)
		if (strcmp(c->labels[i].name, name) == 0)
			return "a --label's name";
	for (i = 0; i < c->nsets; i++)
		for (k = 0; k < c->sets[i].model.nlabels; k++)
			if (strcmp(c->sets[i].model.labels[k].name, name) == 0)
				return "a --by label's name";
	return NULL;
}

/* --file-label NAME=WHAT: a label no other series holds; WHAT known. */
static int
check_file_label(struct config *c, const struct raw *raw, FILE *err)
{
	const char	*eq, *taken;
	char		*name;

	if (raw->file_label == NULL)
		return 0;
	if ((eq = strchr(raw->file_label, '=')) == NULL ||
	    storelist_label_kind(eq + 1, &c->naming.kind) == -1)
		return usage_error(err, "%s--file-label '%s': expected NAME=base, "
		    "NAME=stem or NAME=capture", where(raw, OPT_FILE_LABEL),
		    raw->file_label);
	name = own_copy(c, raw->file_label, (size_t)(eq - raw->file_label));
	if (!names_is_label(name))
		return usage_error(err, "%s--file-label: '%s' is not a valid "
		    "label name", where(raw, OPT_FILE_LABEL), name);
	if ((taken = label_taken(c, name)) != NULL)
		return usage_error(err, "%s--file-label: '%s' is %s",
		    where(raw, OPT_FILE_LABEL), name, taken);
	c->naming.label_name = name;
	c->expo.file_label = name;
	return 0;
}

int
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
	if (check_sets(c, err) == -1)
		return -1;
	if (check_file_label(c, raw, err) == -1)
		return -1;
	return check_file_order(c, raw, err);
}
