/*
 * options.c: the command line, read with getopt into one configuration,
 * and the checks dispatched (usage.c writes its usage errors).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlversion.h>

#include "bounds.h"
#include "buf.h"
#include "optint.h"
#include "own.h"

#define VERSION	"1.2.0"

static void
push(const char ***list, size_t *n, const char *s)
{
	*list = xreallocarray(*list, *n + 1, sizeof(**list));
	(*list)[(*n)++] = s;
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
