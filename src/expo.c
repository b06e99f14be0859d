/*
 * expo.c: rendering the exposition text.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expo.h"

/* In output order; the value families (model.h) come after ROWS. */
enum family {
	TOTAL_ROWS,
	ROWS,
	SKIPPED_VALUES,
	READ_SUCCESS,
	READ_FAILURE,
	LAST_SUCCESS,
	FILE_SIZE,
	FILE_MODIFIED,
	READ_DURATION,
	NFAMILIES
};

/*
 * HELP texts never depend on the input: two files that give the same
 * family different HELP texts make node_exporter drop the family.
 */
static const struct {
	const char	*suffix;
	const char	*help;
} families[NFAMILIES] = {
	[TOTAL_ROWS] = { "total_rows", "Total rows in store" },
	[ROWS] = { "rows", "Rows in store by type" },
	[SKIPPED_VALUES] = { "skipped_values",
	    "Rows whose value for a family was empty or not a finite number" },
	[READ_SUCCESS] = { "read_success",
	    "1 if the store was read in full by the last run, 0 if not" },
	[READ_FAILURE] = { "read_failure",
	    "1 if the last run could not read the store, labelled with why: "
	    "missing, permission, io, parse, entity, limit or changed" },
	[LAST_SUCCESS] = { "last_success_timestamp_seconds",
	    "Unix time of the last run that read the store in full" },
	[FILE_SIZE] = { "file_size_bytes", "Size of the store file in bytes" },
	[FILE_MODIFIED] = { "file_modified_timestamp_seconds",
	    "Unix time the store file was last modified" },
	[READ_DURATION] = { "read_duration_seconds",
	    "Seconds the last run took to read the store" },
};

void
expo_escape_label_value(struct buf *out, const char *s, size_t len)
{
	const char	*end = s + len, *run = s;

	for (; s < end; s++) {
		if (*s != '\\' && *s != '"' && *s != '\n')
			continue;
		buf_append(out, run, (size_t)(s - run));
		buf_puts(out, *s == '\\' ? "\\\\" : *s == '"' ? "\\\"" : "\\n");
		run = s + 1;
	}
	buf_append(out, run, (size_t)(end - run));
}

static void
escape_help(struct buf *out, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			buf_puts(out, "\\\\");
		else if (*s == '\n')
			buf_puts(out, "\\n");
		else
			buf_putc(out, *s);
	}
}

/* Seconds as an integer when whole, else with no trailing zeros. */
void
expo_format_seconds(struct buf *out, struct timespec t)
{
	char	 frac[16];
	size_t	 n;

	/* Before 1970, tv_sec rounds down: -1.5 s is { -2, 500000000 }. */
	if (t.tv_sec < 0 && t.tv_nsec > 0) {
		buf_putc(out, '-');
		t.tv_sec = -(t.tv_sec + 1);
		t.tv_nsec = 1000000000L - t.tv_nsec;
	}
	buf_printf(out, "%lld", (long long)t.tv_sec);
	if (t.tv_nsec == 0)
		return;
	n = (size_t)snprintf(frac, sizeof(frac), "%09ld", t.tv_nsec);
	while (n > 0 && frac[n - 1] == '0')
		n--;
	buf_putc(out, '.');
	buf_append(out, frac, n);
}

static int
in_list(const char *const *list, size_t n, const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strlen(list[i]) == len && memcmp(list[i], s, len) == 0)
			return 1;
	return 0;
}

int
expo_type_reported(const struct expo_params *ep, const char *type, size_t len)
{
	if (in_list(ep->exclude, ep->nexclude, type, len))
		return 0;
	return ep->ninclude == 0 || in_list(ep->include, ep->ninclude, type, len);
}

/*
 * A series' labels: path, the group's labels in --by order (those in
 * `mask`), the family's own label (reason, family) if any, the constant
 * labels, and a histogram bucket's le last.
 */
struct series {
	const char		*path;
	const struct group	*group;		/* NULL: none */
	uint32_t		 mask;
	const char		*own_name;	/* NULL: none */
	const char		*own_value;
	size_t			 own_len;
	const char		*le;		/* NULL: none */
};

static void
label_pair(struct buf *out, int *first, const char *name, const char *value,
    size_t len)
{
	buf_printf(out, "%s%s=\"", *first ? "{" : ",", name);
	expo_escape_label_value(out, value, len);
	buf_putc(out, '"');
	*first = 0;
}

static void
series_labels(struct buf *out, const struct expo_params *ep,
    const struct series *se)
{
	const struct model	*m = ep->model;
	const char		*v;
	size_t			 i, nth = 0;
	int			 first = 1;

	label_pair(out, &first, "path", se->path, strlen(se->path));
	for (i = 0; se->group != NULL && i < m->nlabels; i++) {
		if ((se->mask & (UINT32_C(1) << i)) == 0)
			continue;
		v = tally_key_label(se->group, nth++);
		label_pair(out, &first, m->labels[i].name, v, strlen(v));
	}
	if (se->own_name != NULL)
		label_pair(out, &first, se->own_name, se->own_value,
		    se->own_len);
	for (i = 0; i < ep->nlabels; i++)
		label_pair(out, &first, ep->labels[i].name, ep->labels[i].value,
		    strlen(ep->labels[i].value));
	if (se->le != NULL)
		label_pair(out, &first, "le", se->le, strlen(se->le));
	buf_putc(out, '}');
}

static void
sample(struct buf *out, const struct expo_params *ep, enum family f,
    const char *path)
{
	struct series	 se = { path, NULL, 0, NULL, NULL, 0, NULL };

	buf_printf(out, "%s_%s", ep->prefix, families[f].suffix);
	series_labels(out, ep, &se);
	buf_putc(out, ' ');
}

static int
compare_strings(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * store_rows for one file when the type is the only label and -i lists
 * types: each listed type, even at 0.
 */
static void
render_listed_rows(struct buf *out, const struct expo_params *ep,
    const struct expo_file *f)
{
	struct series	 se = { f->path, NULL, 0, "type", NULL, 0, NULL };
	const char	**wanted;
	size_t		 i;

	wanted = xcalloc(ep->ninclude, sizeof(*wanted));
	memcpy(wanted, ep->include, ep->ninclude * sizeof(*wanted));
	qsort(wanted, ep->ninclude, sizeof(*wanted), compare_strings);
	for (i = 0; i < ep->ninclude; i++) {
		if (i > 0 && strcmp(wanted[i], wanted[i - 1]) == 0)
			continue;
		if (!expo_type_reported(ep, wanted[i], strlen(wanted[i])))
			continue;
		se.own_value = wanted[i];
		se.own_len = strlen(wanted[i]);
		buf_printf(out, "%s_%s", ep->prefix, families[ROWS].suffix);
		series_labels(out, ep, &se);
		buf_printf(out, " %" PRIu64 "\n",
		    tally_rows(&f->result->tally, &wanted[i]));
	}
	free(wanted);
}

/* store_rows for one file: one series per group of every label. */
static void
render_rows(struct buf *out, const struct expo_params *ep,
    const struct expo_file *f)
{
	struct series		 se = { f->path, NULL, UINT32_MAX, NULL, NULL,
				    0, NULL };
	const struct group	**sorted, **g;

	if (ep->ninclude > 0 && ep->model->nlabels == 1 &&
	    ep->model->type_label == 0) {
		render_listed_rows(out, ep, f);
		return;
	}
	sorted = tally_sorted(&f->result->tally.rows);
	for (g = sorted; *g != NULL; g++) {
		se.group = *g;
		buf_printf(out, "%s_%s", ep->prefix, families[ROWS].suffix);
		series_labels(out, ep, &se);
		buf_printf(out, " %" PRIu64 "\n", (*g)->n);
	}
	free(sorted);
}

/*
 * A number as it reads back exactly: an integer below 2^53 as an integer,
 * anything else in the shortest %g form that strtod gives back unchanged.
 */
void
expo_format_number(struct buf *out, double v)
{
	char	 text[32];
	int	 precision;

	if (v == 0) {			/* -0 too */
		buf_putc(out, '0');
		return;
	}
	if (v == floor(v) && fabs(v) < 9007199254740992.0) {
		buf_printf(out, "%.0f", v);
		return;
	}
	for (precision = 1; precision < 17; precision++) {
		snprintf(text, sizeof(text), "%.*g", precision, v);
		if (strtod(text, NULL) == v)
			break;
	}
	buf_printf(out, "%.*g", precision, v);
}

/* PREFIX_skipped_values{path,family}: for every value family, even 0. */
static void
render_skipped(struct buf *out, const struct expo_params *ep,
    const struct expo_file *f)
{
	struct series	 se = { f->path, NULL, 0, "family", NULL, 0, NULL };
	size_t		 i;

	for (i = 0; i < ep->model->nvalues; i++) {
		se.own_value = ep->model->values[i].name;
		se.own_len = strlen(se.own_value);
		buf_printf(out, "%s_%s", ep->prefix,
		    families[SKIPPED_VALUES].suffix);
		series_labels(out, ep, &se);
		buf_printf(out, " %" PRIu64 "\n",
		    f->result->tally.skipped[i]);
	}
}

/* One histogram group: cumulative buckets, +Inf, sum, count. */
static void
render_histogram(struct buf *out, const struct expo_params *ep,
    const struct value_family *vf, struct series *se)
{
	const struct group	*g = se->group;
	struct buf		 le = { 0 };
	uint64_t		 cumulative = 0;
	size_t			 i;

	for (i = 0; i <= vf->nbounds; i++) {
		buf_reset(&le);
		if (i < vf->nbounds) {
			expo_format_number(&le, vf->bounds[i]);
			cumulative += g->buckets[i];
		} else
			buf_puts(&le, "+Inf");
		se->le = le.data;
		buf_printf(out, "%s_%s_bucket", ep->prefix, vf->name);
		series_labels(out, ep, se);
		buf_printf(out, " %" PRIu64 "\n", i < vf->nbounds ?
		    cumulative : g->n);
	}
	se->le = NULL;
	buf_printf(out, "%s_%s_sum", ep->prefix, vf->name);
	series_labels(out, ep, se);
	buf_putc(out, ' ');
	expo_format_number(out, g->sum);
	buf_printf(out, "\n%s_%s_count", ep->prefix, vf->name);
	series_labels(out, ep, se);
	buf_printf(out, " %" PRIu64 "\n", g->n);
	buf_free(&le);
}

/*
 * A value family for one file: a group's sum (0 when it has no value),
 * min or max (no series without a value), or histogram.
 */
static void
render_family(struct buf *out, const struct expo_params *ep, size_t nth,
    const struct expo_file *f)
{
	const struct value_family *vf = &ep->model->values[nth];
	struct series		 se = { f->path, NULL, vf->labels, NULL, NULL,
				    0, NULL };
	const struct group	**sorted, **g;
	double			 v;

	if (!f->result->ok)
		return;
	sorted = tally_sorted(&f->result->tally.values[nth]);
	for (g = sorted; *g != NULL; g++) {
		se.group = *g;
		if (vf->agg == AGG_HISTOGRAM) {
			render_histogram(out, ep, vf, &se);
			continue;
		}
		if (vf->agg != AGG_SUM && (*g)->n == 0)
			continue;
		v = vf->agg == AGG_SUM ? (*g)->sum : vf->agg == AGG_MIN ?
		    (*g)->min : (*g)->max;
		buf_printf(out, "%s_%s", ep->prefix, vf->name);
		series_labels(out, ep, &se);
		buf_putc(out, ' ');
		expo_format_number(out, v);
		buf_putc(out, '\n');
	}
	free(sorted);
}

static void
family_header(struct buf *out, const char *prefix, const char *name,
    const char *type, const char *help, const char *expr)
{
	buf_printf(out, "# HELP %s_%s ", prefix, name);
	escape_help(out, help);
	if (expr != NULL)
		escape_help(out, expr);
	buf_printf(out, "\n# TYPE %s_%s %s\n", prefix, name, type);
}

static void
render_value_families(struct buf *out, const struct expo_params *ep,
    const struct expo_file *files, size_t nfiles, struct buf *body)
{
	static const char *const help[] = {
		[AGG_SUM] = "Sum over each group's rows of ",
		[AGG_MIN] = "Smallest over each group's rows of ",
		[AGG_MAX] = "Largest over each group's rows of ",
		[AGG_HISTOGRAM] = "Distribution over each group's rows of "
	};
	const struct value_family *vf;
	size_t			 v, i;

	for (v = 0; v < ep->model->nvalues; v++) {
		vf = &ep->model->values[v];
		buf_reset(body);
		for (i = 0; i < nfiles; i++)
			render_family(body, ep, v, &files[i]);
		if (body->len == 0)
			continue;
		family_header(out, ep->prefix, vf->name,
		    vf->agg == AGG_HISTOGRAM ? "histogram" : "gauge",
		    help[vf->agg], vf->src);
		buf_append(out, body->data, body->len);
	}
}

/* Returns 0 when the family has no sample for this file. */
static int
render_value(struct buf *out, const struct expo_params *ep, enum family fam,
    const struct expo_file *f)
{
	const struct scan_result *r = f->result;
	struct series		 se = { f->path, NULL, 0, NULL, NULL, 0, NULL };

	switch (fam) {
	case TOTAL_ROWS:
		if (!r->ok)
			return 0;
		sample(out, ep, fam, f->path);
		buf_printf(out, "%" PRIu64, r->tally.total_rows);
		break;
	case ROWS:
		if (!r->ok)
			return 0;
		render_rows(out, ep, f);
		return 1;
	case SKIPPED_VALUES:
		if (!r->ok)
			return 0;
		render_skipped(out, ep, f);
		return 1;
	case READ_SUCCESS:
		sample(out, ep, fam, f->path);
		buf_putc(out, r->ok ? '1' : '0');
		break;
	case READ_FAILURE:
		if (r->ok)
			return 0;
		se.own_name = "reason";
		se.own_value = failure_name(r->failure);
		se.own_len = strlen(se.own_value);
		buf_printf(out, "%s_%s", ep->prefix, families[fam].suffix);
		series_labels(out, ep, &se);
		buf_puts(out, " 1");
		break;
	case LAST_SUCCESS:
		if (!r->ok && f->carried_success == NULL)
			return 0;
		sample(out, ep, fam, f->path);
		if (r->ok)
			expo_format_seconds(out, r->finished);
		else
			buf_puts(out, f->carried_success);
		break;
	case FILE_SIZE:
		if (!r->have_stat)
			return 0;
		sample(out, ep, fam, f->path);
		buf_printf(out, "%" PRIu64, r->size);
		break;
	case FILE_MODIFIED:
		if (!r->have_stat)
			return 0;
		sample(out, ep, fam, f->path);
		expo_format_seconds(out, r->mtime);
		break;
	case READ_DURATION:
		sample(out, ep, fam, f->path);
		expo_format_seconds(out, r->duration);
		break;
	default:
		return 0;
	}
	buf_putc(out, '\n');
	return 1;
}

/* "Rows in store by type", or by the labels --by gave. */
static const char *
rows_help(const struct expo_params *ep, struct buf *help)
{
	size_t	 i;

	buf_reset(help);
	buf_puts(help, "Rows in store by ");
	for (i = 0; i < ep->model->nlabels; i++)
		buf_printf(help, "%s%s", i > 0 ? ", " : "",
		    ep->model->labels[i].name);
	return help->data;
}

static int
compare_files(const void *a, const void *b)
{
	return strcmp(((const struct expo_file *)a)->path,
	    ((const struct expo_file *)b)->path);
}

/* Sorts `files` by path, then writes every family that has samples. */
void
expo_render(struct buf *out, const struct expo_params *ep,
    struct expo_file *files, size_t nfiles)
{
	struct buf	 body = { 0 }, help = { 0 };
	size_t		 i;
	int		 fam;

	qsort(files, nfiles, sizeof(*files), compare_files);
	for (fam = 0; fam < NFAMILIES; fam++) {
		if (fam == SKIPPED_VALUES)
			render_value_families(out, ep, files, nfiles, &body);
		if (fam == SKIPPED_VALUES && ep->model->nvalues == 0)
			continue;
		buf_reset(&body);
		for (i = 0; i < nfiles; i++)
			render_value(&body, ep, (enum family)fam, &files[i]);
		if (body.len == 0)
			continue;
		family_header(out, ep->prefix, families[fam].suffix, "gauge",
		    fam == ROWS ? rows_help(ep, &help) : families[fam].help,
		    NULL);
		buf_append(out, body.data, body.len);
	}
	buf_free(&body);
	buf_free(&help);
}

static int
is_plain_number(const char *s, size_t len)
{
	size_t	 i, dots = 0;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] == '.')
			dots++;
		else if (s[i] < '0' || s[i] > '9')
			return 0;
	}
	return dots <= 1 && s[0] != '.' && s[len - 1] != '.';
}

/*
 * The value of this file's last-success series in a previous output, so
 * that a failed read does not erase when the store was last read.  Only a
 * series with exactly the same labels counts.
 */
char *
expo_previous_success(const struct expo_params *ep, const char *path,
    const char *previous)
{
	struct buf	 key = { 0 };
	const char	*line, *value, *eol;
	char		*found = NULL;

	sample(&key, ep, LAST_SUCCESS, path);
	for (line = previous; line != NULL && *line != '\0';
	    line = eol[0] != '\0' ? eol + 1 : eol) {
		eol = line + strcspn(line, "\n");
		if ((size_t)(eol - line) <= key.len ||
		    memcmp(line, key.data, key.len) != 0)
			continue;
		value = line + key.len;
		if (is_plain_number(value, (size_t)(eol - value)))
			found = xstrndup(value, (size_t)(eol - value));
		break;
	}
	buf_free(&key);
	return found;
}
