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
#include "options.h"
#include "scan.h"

#define VERSION	"1.2.0"

/* An options file is a few lines; a bigger one is a mistake. */
#define CONFIG_MAX_SIZE	(1 << 20)

static const char usage_text[] =
"usage: xml2prom [OPTION]... FILE...\n"
"Count the rows of XML stores by type (or any labels), sum and date their\n"
"values, and write them for node_exporter.\n"
"\n"
"  -o, --output=PATH        write the metrics to PATH, atomically; '-' = stdout\n"
"  -d, --textfile-dir=DIR   write DIR/NAME.prom (default " DEFAULT_TEXTFILE_DIR ")\n"
"  -r, --rows=PATTERN       which elements are rows (default '" DEFAULT_ROWS "')\n"
"  -t, --type=EXPR          XPath giving a row's type (default '" DEFAULT_TYPE "');\n"
"                           the same as --by type=EXPR\n"
"  -b, --by=NAME=EXPR       a label NAME from XPath EXPR (repeatable, in order)\n"
"      --missing=NAME=VALUE label value when EXPR is empty (default '" DEFAULT_MISSING_TYPE "')\n"
"      --sum=FAMILY[:L,...]=EXPR        gauge: sum of EXPR over a group's rows\n"
"      --min=FAMILY[:L,...]=EXPR        gauge: smallest EXPR in a group\n"
"      --max=FAMILY[:L,...]=EXPR        gauge: largest EXPR in a group\n"
"      --histogram=FAMILY[:L,...]=EXPR  histogram of EXPR in a group\n"
"      --buckets=FAMILY=B1,B2,...       a histogram's upper bounds\n"
"                           (a group: every --by label, or those after ':')\n"
"  -i, --include-type=TYPE  report only these types (repeatable)\n"
"  -x, --exclude-type=TYPE  do not report this type (repeatable)\n"
"      --missing-type=NAME  the same as --missing type=NAME\n"
"  -p, --prefix=NAME        metric name prefix (default '" DEFAULT_PREFIX "')\n"
"  -l, --label=NAME=VALUE   constant label on every sample (repeatable)\n"
"  -n, --namespace=P=URI    bind prefix P for the --type expression (repeatable)\n"
"      --max-series=N       fail a store whose output would hold more than N\n"
"                           series (default 1000); also --max-types=N\n"
"  -c, --config=FILE        options from FILE, one per line: NAME VALUE\n"
"      --mode=OCTAL         output file mode (default 0644)\n"
"      --dump               print what was read; write nothing\n"
"      --check              read, and check the output could be written; write nothing\n"
"  -q, --quiet              no messages about stores that failed\n"
"  -v, --verbose            say what was read and written\n"
"  -h, --help               print this help\n"
"  -V, --version            print the version\n"
"\n"
"Exit status: 0 all read; 1 a FILE failed; 2 usage; 3 output not written;\n"
"4 another run holds the lock.  See xml2prom(1).\n";

enum {
	OPT_MISSING_TYPE = 256, OPT_MAX_TYPES, OPT_MODE, OPT_DUMP, OPT_CHECK,
	OPT_MISSING, OPT_SUM, OPT_MIN, OPT_MAX, OPT_HISTOGRAM, OPT_BUCKETS,
	OPT_MAX_SERIES, OPT_LAST
};

static const struct option long_options[] = {
	{ "output",		required_argument, NULL, 'o' },
	{ "textfile-dir",	required_argument, NULL, 'd' },
	{ "rows",		required_argument, NULL, 'r' },
	{ "type",		required_argument, NULL, 't' },
	{ "by",			required_argument, NULL, 'b' },
	{ "missing",		required_argument, NULL, OPT_MISSING },
	{ "sum",		required_argument, NULL, OPT_SUM },
	{ "min",		required_argument, NULL, OPT_MIN },
	{ "max",		required_argument, NULL, OPT_MAX },
	{ "histogram",		required_argument, NULL, OPT_HISTOGRAM },
	{ "buckets",		required_argument, NULL, OPT_BUCKETS },
	{ "max-series",		required_argument, NULL, OPT_MAX_SERIES },
	{ "config",		required_argument, NULL, 'c' },
	{ "include-type",	required_argument, NULL, 'i' },
	{ "exclude-type",	required_argument, NULL, 'x' },
	{ "missing-type",	required_argument, NULL, OPT_MISSING_TYPE },
	{ "prefix",		required_argument, NULL, 'p' },
	{ "label",		required_argument, NULL, 'l' },
	{ "namespace",		required_argument, NULL, 'n' },
	{ "max-types",		required_argument, NULL, OPT_MAX_TYPES },
	{ "mode",		required_argument, NULL, OPT_MODE },
	{ "dump",		no_argument,	   NULL, OPT_DUMP },
	{ "check",		no_argument,	   NULL, OPT_CHECK },
	{ "quiet",		no_argument,	   NULL, 'q' },
	{ "verbose",		no_argument,	   NULL, 'v' },
	{ "help",		no_argument,	   NULL, 'h' },
	{ "version",		no_argument,	   NULL, 'V' },
	{ NULL,			0,		   NULL, 0 }
};

/* What getopt collected, before it is checked. */
struct raw {
	const char	*output;
	const char	*textfile_dir;
	const char	*rows;
	const char	*prefix;
	const char	*max_series;
	const char	*max_series_option;	/* or its old name */
	const char	*mode;
	const char	**labels;
	size_t		 nlabels;
	const char	**ns;
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

static int usage_error(FILE *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static int
usage_error(FILE *err, const char *fmt, ...)
{
	va_list	 ap;

	fputs("xml2prom: ", err);
	va_start(ap, fmt);
	vfprintf(err, fmt, ap);
	va_end(ap);
	fputs("\nTry 'xml2prom --help' for more information.\n", err);
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
		if (strlen(list[i]) > SCAN_MAX_TYPE_LEN)
			return usage_error(err, "%s: type too long", opt);
	}
	return 0;
}

static int
check_filters(struct config *c, FILE *err)
{
	size_t	 i;

	if (check_types(err, c->include, c->expo.ninclude, "--include-type") ||
	    check_types(err, c->exclude, c->expo.nexclude, "--exclude-type"))
		return -1;
	for (i = 0; i < c->expo.ninclude; i++)
		if (expo_type_reported(&c->expo, c->include[i],
		    strlen(c->include[i])) == 0)
			return usage_error(err, "type '%s' is both included "
			    "and excluded", c->include[i]);
	if ((c->expo.ninclude > 0 || c->expo.nexclude > 0) &&
	    c->model.type_label == -1)
		return usage_error(err, "%s", "--include-type and --exclude-type "
		    "filter on the type label, and --by gave none");
	return 0;
}

/* NAME=VALUE, NAME a label name that is neither reserved nor repeated. */
static int
check_labels(struct config *c, const struct raw *raw, FILE *err)
{
	char	*eq;
	size_t	 i, j;

	c->labels = xcalloc(raw->nlabels, sizeof(*c->labels));
	for (i = 0; i < raw->nlabels; i++) {
		if ((eq = strchr(raw->labels[i], '=')) == NULL)
			return usage_error(err, "--label '%s': expected NAME=VALUE",
			    raw->labels[i]);
		*eq = '\0';
		c->labels[i].name = raw->labels[i];
		c->labels[i].value = eq + 1;
		c->expo.nlabels = i + 1;
		if (!names_is_label(c->labels[i].name))
			return usage_error(err, "--label: '%s' is not a valid "
			    "label name", c->labels[i].name);
		if (strcmp(c->labels[i].name, "path") == 0 ||
		    strcmp(c->labels[i].name, "type") == 0 ||
		    strcmp(c->labels[i].name, "reason") == 0 ||
		    strcmp(c->labels[i].name, "family") == 0 ||
		    strcmp(c->labels[i].name, "le") == 0)
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

static int
check_namespaces(struct config *c, const struct raw *raw, FILE *err)
{
	char	*eq;
	size_t	 i;

	c->ns = xcalloc(c->nns, sizeof(*c->ns));
	for (i = 0; i < c->nns; i++) {
		if ((eq = strchr(raw->ns[i], '=')) == NULL || eq[1] == '\0')
			return usage_error(err, "--namespace '%s': expected "
			    "PREFIX=URI", raw->ns[i]);
		*eq = '\0';
		if (!names_is_ncname(raw->ns[i], strlen(raw->ns[i])))
			return usage_error(err, "--namespace: '%s' is not a "
			    "valid prefix", raw->ns[i]);
		c->ns[i].prefix = raw->ns[i];
		c->ns[i].uri = eq + 1;
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

static int
check_modes(const struct config *c, FILE *err)
{
	if (c->check && c->dump)
		return usage_error(err, "%s", "--check and --dump exclude "
		    "each other");
	if (c->check && c->output_path == NULL)
		return usage_error(err, "%s", "--check checks an output file, "
		    "not standard output");
	return 0;
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

/* The fields and families, then the series guard and its old message. */
static int
check_model(struct config *c, FILE *err)
{
	struct model	*m = &c->model;
	struct buf	 msg = { 0 };
	const char	**constants;
	size_t		 i;
	int		 rc;

	constants = xcalloc(c->expo.nlabels + 1, sizeof(*constants));
	for (i = 0; i < c->expo.nlabels; i++)
		constants[i] = c->labels[i].name;
	rc = model_build(m, c->specs, c->nspecs, constants,
	    c->expo.nlabels, c->ns, c->nns, &msg);
	free(constants);
	if (rc == -1) {
		usage_error(err, "%s", msg.data);
		buf_free(&msg);
		return -1;
	}
	buf_free(&msg);
	m->max_series = c->max_series;
	m->legacy_limit = m->nvalues == 0 && m->nlabels == 1 &&
	    m->type_label == 0;
	c->expo.model = m;
	return 0;
}

static int
check_config(struct config *c, struct raw *raw, FILE *err)
{
	struct buf	 msg = { 0 };
	int		 rc = 0;

	if (check_files(c, err) || check_output(c, raw, err) ||
	    check_modes(c, err) || check_numbers(c, raw, err) ||
	    check_labels(c, raw, err) || check_namespaces(c, raw, err) ||
	    check_model(c, err) || check_filters(c, err))
		return -1;
	c->expo.prefix = raw->prefix != NULL ? raw->prefix : DEFAULT_PREFIX;
	if (!names_is_metric(c->expo.prefix))
		return usage_error(err, "%s--prefix '%s': not a valid metric name",
		    where(raw, 'p'), c->expo.prefix);
	if (strchr(c->expo.prefix, ':') != NULL)
		return usage_error(err, "%s--prefix '%s': colons are for "
		    "recording rules, not exporters", where(raw, 'p'),
		    c->expo.prefix);
	c->rows_src = raw->rows != NULL ? raw->rows : DEFAULT_ROWS;
	if (rowpath_compile(&c->rows, c->rows_src, &msg) == -1)
		rc = usage_error(err, "%s%s", where(raw, 'r'), msg.data);
	buf_free(&msg);
	return rc;
}

/* libxml2 gives its version as a number, 21503 for 2.15.3. */
static void
print_version(void)
{
	long	 v = strtol(xmlParserVersion, NULL, 10);

	printf("xml2prom %s (libxml2 %ld.%ld.%ld, built with %s)\n", VERSION,
	    v / 10000, v / 100 % 100, v % 100, LIBXML_DOTTED_VERSION);
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

/* The long option nearest NAME (LEN bytes), within a slip or two. */
static const char *
nearest_name(const char *name, size_t len)
{
	const struct option	*o, *best = NULL;
	size_t			 d, best_d = SIZE_MAX;

	for (o = long_options; o->name != NULL; o++)
		if ((d = distance(name, len, o->name)) < best_d) {
			best_d = d;
			best = o;
		}
	/* Two slips in a long name, one in a short one. */
	return best != NULL && best_d > 0 && best_d <= (len > 5 ? 2 : 1) ?
	    best->name : NULL;
}

static const char *
nearest_option(const char *arg)
{
	if (strncmp(arg, "--", 2) != 0)
		return NULL;
	return nearest_name(arg + 2, strcspn(arg + 2, "="));
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

static void
push_spec(struct config *c, const char *option, const char *arg,
    const char *origin)
{
	struct model_spec	*sp;

	c->specs = xreallocarray(c->specs, c->nspecs + 1, sizeof(*c->specs));
	sp = &c->specs[c->nspecs++];
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

/* Reads argv into `raw` and the lists; -1 on a getopt error. */
static int
collect(struct config *c, struct raw *raw, FILE *err,
    enum options_result *done)
{
	const char	*origin;
	int		 ch;

	optind = 0;	/* GNU: start afresh, so this can run more than once */
	opterr = 0;
	while ((ch = getopt_long(raw->argc, raw->argv,
	    "o:d:r:t:b:c:i:x:p:l:n:qvhV", long_options, NULL)) != -1) {
		origin = raw->argv_origin[optind - 1];
		if (ch >= 0 && ch < OPT_LAST)
			raw->origin[ch] = origin;
		switch (ch) {
		case 'o': raw->output = optarg; break;
		case 'd': raw->textfile_dir = optarg; break;
		case 'r': raw->rows = optarg; break;
		case 't': push_type_spec(c, "type", optarg, origin); break;
		case 'b': push_spec(c, "by", optarg, origin); break;
		case OPT_MISSING: push_spec(c, "missing", optarg, origin); break;
		case OPT_SUM: push_spec(c, "sum", optarg, origin); break;
		case OPT_MIN: push_spec(c, "min", optarg, origin); break;
		case OPT_MAX: push_spec(c, "max", optarg, origin); break;
		case OPT_HISTOGRAM:
			push_spec(c, "histogram", optarg, origin);
			break;
		case OPT_BUCKETS: push_spec(c, "buckets", optarg, origin); break;
		case 'c': break;	/* read by expand_configs() */
		case 'i': push(&c->include, &c->expo.ninclude, optarg); break;
		case 'x': push(&c->exclude, &c->expo.nexclude, optarg); break;
		case 'p': raw->prefix = optarg; break;
		case 'l': push(&raw->labels, &raw->nlabels, optarg); break;
		case 'n': push(&raw->ns, &c->nns, optarg); break;
		case 'q': c->quiet = 1; break;
		case 'v': c->verbose = 1; break;
		case OPT_MISSING_TYPE:
			push_type_spec(c, "missing-type", optarg, origin);
			break;
		case OPT_MAX_TYPES:
		case OPT_MAX_SERIES:
			raw->max_series = optarg;
			raw->max_series_option = ch == OPT_MAX_TYPES ?
			    "--max-types" : "--max-series";
			raw->origin[OPT_MAX_SERIES] = origin;
			break;
		case OPT_MODE: raw->mode = optarg; break;
		case OPT_DUMP: c->dump = 1; break;
		case OPT_CHECK: c->check = 1; break;
		case 'h':
			fputs(usage_text, stdout);
			*done = OPTIONS_DONE;
			return 0;
		case 'V':
			print_version();
			*done = OPTIONS_DONE;
			return 0;
		default:
			return bad_option(err, raw->argv[optind - 1]);
		}
	}
	c->files = raw->argv + optind;
	c->nfiles = (size_t)(raw->argc - optind);
	return 0;
}

static const struct option *
long_option(const char *name, size_t len)
{
	const struct option	*o;

	for (o = long_options; o->name != NULL; o++)
		if (strlen(o->name) == len && memcmp(o->name, name, len) == 0)
			return o;
	return NULL;
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

/* A config line: NAME VALUE or NAME=VALUE, as --NAME=VALUE. */
static int
config_line(struct config *c, struct raw *raw, const char *file,
    unsigned long lineno, char *line, FILE *err)
{
	const struct option	*o;
	const char		*near;
	struct buf		 arg = { 0 }, origin = { 0 };
	size_t			 len = strcspn(line, " \t=");
	const char		*value = line + len;

	/*
	 * What is not an option is not echoed: a --config given a link to a
	 * secret must not print its lines.  A near option's name is ours.
	 */
	if ((o = long_option(line, len)) == NULL && (near = nearest_name(line,
	    len)) != NULL)
		return usage_error(err, "%s:%lu: not an option: did you mean "
		    "'%s'?", file, lineno, near);
	if (o == NULL)
		return usage_error(err, "%s:%lu: not an option (see the "
		    "OPTIONS of xml2prom(1))", file, lineno);
	if (strcmp(o->name, "config") == 0)
		return usage_error(err, "%s:%lu: a config file cannot read "
		    "another", file, lineno);
	if (*value == '=')
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

/* --config FILE: its options, in place of the --config. */
static int
read_config(struct config *c, struct raw *raw, const char *file, FILE *err)
{
	FILE		*f;
	struct stat	 st;
	char		*line = NULL, *p;
	size_t		 cap = 0;
	ssize_t		 n;
	unsigned long	 lineno = 0;
	int		 fd, rc = 0;

	/* O_NONBLOCK: a FIFO must not hang the run before it is refused. */
	fd = open(file, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd == -1)
		return usage_error(err, "--config %s: %s", file, strerror(errno));
	/* A device or a FIFO would be read without end. */
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > CONFIG_MAX_SIZE || (f = fdopen(fd, "r")) == NULL) {
		close(fd);
		return usage_error(err, "--config %s: not a regular file of at "
		    "most %d bytes", file, CONFIG_MAX_SIZE);
	}
	while (rc == 0 && (n = getline(&line, &cap, f)) != -1) {
		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		p = line + strspn(line, " \t");
		if (*p == '\0' || *p == '#')
			continue;
		rc = config_line(c, raw, file, lineno, p, err);
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
		ch = getopt_long(argc, argv, "-o:d:r:t:b:c:i:x:p:l:n:qvhV",
		    long_options, NULL);
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
	c->expo.include = c->include;
	c->expo.exclude = c->exclude;
	if (result == OPTIONS_RUN && check_config(c, &raw, err) == -1)
		result = OPTIONS_USAGE;
	free(raw.labels);
	free(raw.ns);
	c->argv = raw.argv;		/* c->files points into it */
	free(raw.argv_origin);
	return result;
}

void
config_free(struct config *c)
{
	size_t	 i;

	free(c->output_path);
	rowpath_free(&c->rows);
	model_free(&c->model);
	for (i = 0; i < c->nspecs; i++)
		free(c->specs[i].arg);
	free(c->specs);
	for (i = 0; i < c->nconfig_strings; i++)
		free(c->config_strings[i]);
	free(c->config_strings);
	free(c->argv);
	free(c->include);
	free(c->exclude);
	free(c->labels);
	free(c->ns);
	memset(c, 0, sizeof(*c));
}
