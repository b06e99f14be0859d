/*
 * expo.c: rendering the exposition text.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expo.h"
#include "promread.h"
#include "own.h"
#include "scan.h"

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

/*
 * Whose families are being written: one row set's (its prefix, its model,
 * its tally in each file's result) or, with set NULL, the store's own.
 */
struct scope {
	const struct expo_params *ep;
	const struct rowset	*set;
	size_t			 nth;		/* the set's tally */
	const char		*prefix;
};

static const struct tally *
tally_of(const struct scope *sc, const struct expo_file *f)
{
	return &f->result->tally[sc->nth];
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
series_labels(struct buf *out, const struct scope *sc,
    const struct series *se)
{
	const struct expo_params *ep = sc->ep;
	const char		*v;
	size_t			 i, nth = 0;
	int			 first = 1;

	label_pair(out, &first, "path", se->path, strlen(se->path));
	for (i = 0; se->group != NULL && i < sc->set->model.nlabels; i++) {
		if ((se->mask & (UINT32_C(1) << i)) == 0)
			continue;
		v = tally_key_label(se->group, nth++);
		label_pair(out, &first, sc->set->model.labels[i].name, v,
		    strlen(v));
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

/* A series' name and labels, up to its value. */
static void
series_start(struct buf *out, const struct scope *sc, const char *name,
    const char *suffix, const struct series *se)
{
	buf_printf(out, "%s_%s%s", sc->prefix, name, suffix);
	series_labels(out, sc, se);
	buf_putc(out, ' ');
}

static void
sample(struct buf *out, const struct scope *sc, enum family f,
    const char *path)
{
	struct series	 se = { path, NULL, 0, NULL, NULL, 0, NULL };

	series_start(out, sc, own_families[f].suffix, "", &se);
}

static int
compare_strings(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * PREFIX_rows for one file when the type is the only label and -i lists
 * types: each listed type, even at 0.
 */
static void
render_listed_rows(struct buf *out, const struct scope *sc,
    const struct expo_file *f)
{
	const struct model *m = &sc->set->model;
	struct series	 se = { f->path, NULL, 0, "type", NULL, 0, NULL };
	const char	**wanted;
	size_t		 i;

	wanted = xcalloc(m->ninclude, sizeof(*wanted));
	memcpy(wanted, m->include, m->ninclude * sizeof(*wanted));
	qsort(wanted, m->ninclude, sizeof(*wanted), compare_strings);
	for (i = 0; i < m->ninclude; i++) {
		if (i > 0 && strcmp(wanted[i], wanted[i - 1]) == 0)
			continue;
		if (!model_type_reported(m, wanted[i], strlen(wanted[i])))
			continue;
		se.own_value = wanted[i];
		se.own_len = strlen(wanted[i]);
		series_start(out, sc, own_families[ROWS].suffix, "", &se);
		buf_printf(out, "%" PRIu64 "\n",
		    tally_rows(tally_of(sc, f), &wanted[i]));
	}
	free(wanted);
}

/* PREFIX_rows for one file: one series per group of every label. */
static void
render_rows(struct buf *out, const struct scope *sc,
    const struct expo_file *f)
{
	const struct model	*m = &sc->set->model;
	struct series		 se = { f->path, NULL, UINT32_MAX, NULL, NULL,
				    0, NULL };
	const struct group	**sorted, **g;

	if (m->ninclude > 0 && m->nlabels == 1 && m->type_label == 0) {
		render_listed_rows(out, sc, f);
		return;
	}
	sorted = tally_sorted(&tally_of(sc, f)->rows);
	for (g = sorted; *g != NULL; g++) {
		se.group = *g;
		series_start(out, sc, own_families[ROWS].suffix, "", &se);
		buf_printf(out, "%" PRIu64 "\n", (*g)->n);
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
render_skipped(struct buf *out, const struct scope *sc,
    const struct expo_file *f)
{
	const struct model *m = &sc->set->model;
	struct series	 se = { f->path, NULL, 0, "family", NULL, 0, NULL };
	size_t		 i;

	for (i = 0; i < m->nvalues; i++) {
		se.own_value = m->values[i].name;
		se.own_len = strlen(se.own_value);
		series_start(out, sc, own_families[SKIPPED_VALUES].suffix, "", &se);
		buf_printf(out, "%" PRIu64 "\n", tally_of(sc, f)->skipped[i]);
	}
}

/* One histogram group: cumulative buckets, +Inf, sum, count. */
static void
render_histogram(struct buf *out, const struct scope *sc,
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
		series_start(out, sc, vf->name, "_bucket", se);
		buf_printf(out, "%" PRIu64 "\n", i < vf->nbounds ?
		    cumulative : g->n);
	}
	se->le = NULL;
	series_start(out, sc, vf->name, "_sum", se);
	expo_format_number(out, g->sum);
	buf_putc(out, '\n');
	series_start(out, sc, vf->name, "_count", se);
	buf_printf(out, "%" PRIu64 "\n", g->n);
	buf_free(&le);
}

/*
 * A value family for one file: a group's sum (0 when it has no value),
 * min, max, first or last (no series without a value), or histogram.
 */
static void
render_family(struct buf *out, const struct scope *sc, size_t nth,
    const struct expo_file *f)
{
	const struct value_family *vf = &sc->set->model.values[nth];
	struct series		 se = { f->path, NULL, vf->labels, NULL, NULL,
				    0, NULL };
	const struct group	**sorted, **g;
	double			 v;

	if (!f->result->ok)
		return;
	sorted = tally_sorted(&tally_of(sc, f)->values[nth]);
	for (g = sorted; *g != NULL; g++) {
		se.group = *g;
		if (vf->agg == AGG_HISTOGRAM) {
			render_histogram(out, sc, vf, &se);
			continue;
		}
		if (vf->agg != AGG_SUM && (*g)->n == 0)
			continue;
		v = vf->agg == AGG_SUM ? (*g)->sum : vf->agg == AGG_MIN ?
		    (*g)->min : vf->agg == AGG_MAX ? (*g)->max : (*g)->picked;
		series_start(out, sc, vf->name, "", &se);
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
render_value_families(struct buf *out, const struct scope *sc,
    const struct expo_file *files, size_t nfiles, struct buf *body)
{
	static const char *const help[] = {
		[AGG_SUM] = "Sum over each group's rows of ",
		[AGG_MIN] = "Smallest over each group's rows of ",
		[AGG_MAX] = "Largest over each group's rows of ",
		[AGG_HISTOGRAM] = "Distribution over each group's rows of ",
		[AGG_FIRST] = "Of each group's first row in document order, ",
		[AGG_LAST] = "Of each group's last row in document order, "
	};
	const struct model	*m = &sc->set->model;
	const struct value_family *vf;
	size_t			 v, i;

	for (v = 0; v < m->nvalues; v++) {
		vf = &m->values[v];
		buf_reset(body);
		for (i = 0; i < nfiles; i++)
			render_family(body, sc, v, &files[i]);
		if (body->len == 0)
			continue;
		family_header(out, sc->prefix, vf->name,
		    vf->agg == AGG_HISTOGRAM ? "histogram" : "gauge",
		    help[vf->agg], vf->src);
		buf_append(out, body->data, body->len);
	}
}

/* A row set's family for one file; nothing for a store not read. */
static void
render_set_family(struct buf *out, const struct scope *sc, enum family fam,
    const struct expo_file *f)
{
	if (!f->result->ok)
		return;
	switch (fam) {
	case TOTAL_ROWS:
		sample(out, sc, fam, f->path);
		buf_printf(out, "%" PRIu64 "\n", tally_of(sc, f)->total_rows);
		break;
	case ROWS:
		render_rows(out, sc, f);
		break;
	case SKIPPED_VALUES:
		render_skipped(out, sc, f);
		break;
	default:
		break;
	}
}

/* The store's own family for one file, when it has a sample. */
static void
render_store_family(struct buf *out, const struct scope *sc,
    enum family fam, const struct expo_file *f)
{
	const struct scan_result *r = f->result;
	struct series		 se = { f->path, NULL, 0, NULL, NULL, 0, NULL };

	switch (fam) {
	case READ_SUCCESS:
		sample(out, sc, fam, f->path);
		buf_putc(out, r->ok ? '1' : '0');
		break;
	case READ_FAILURE:
		if (r->ok)
			return;
		se.own_name = "reason";
		se.own_value = failure_name(r->failure);
		se.own_len = strlen(se.own_value);
		series_start(out, sc, own_families[fam].suffix, "", &se);
		buf_putc(out, '1');
		break;
	case LAST_SUCCESS:
		if (!r->ok && f->carried_success == NULL)
			return;
		sample(out, sc, fam, f->path);
		if (r->ok)
			expo_format_seconds(out, r->finished);
		else
			buf_puts(out, f->carried_success);
		break;
	case FILE_SIZE:
		if (!r->have_stat)
			return;
		sample(out, sc, fam, f->path);
		buf_printf(out, "%" PRIu64, r->size);
		break;
	case FILE_MODIFIED:
		if (!r->have_stat)
			return;
		sample(out, sc, fam, f->path);
		expo_format_seconds(out, r->mtime);
		break;
	case READ_DURATION:
		sample(out, sc, fam, f->path);
		expo_format_seconds(out, r->duration);
		break;
	default:
		return;
	}
	buf_putc(out, '\n');
}

/*
 * "Rows in store by type", or by the labels --by gave; a named set's
 * families say whose they are.
 */
static const char *
family_help(const struct scope *sc, enum family fam, struct buf *help)
{
	const struct model *m = &sc->set->model;
	size_t		 i;

	buf_reset(help);
	if (fam != ROWS && sc->set->name == NULL)
		return own_families[fam].help;
	if (fam != ROWS) {
		buf_printf(help, "%s, set %s (%s)", own_families[fam].help,
		    sc->set->name, sc->set->rows_src);
		return help->data;
	}
	buf_puts(help, "Rows in store by ");
	for (i = 0; i < m->nlabels; i++)
		buf_printf(help, "%s%s", i > 0 ? ", " : "", m->labels[i].name);
	if (sc->set->name != NULL)
		buf_printf(help, ", set %s (%s)", sc->set->name,
		    sc->set->rows_src);
	return help->data;
}

/* One family, written only when some file has a sample of it. */
static void
render_family_of_files(struct buf *out, const struct scope *sc,
    enum family fam, const struct expo_file *files, size_t nfiles,
    struct buf *body, struct buf *help)
{
	size_t	 i;

	buf_reset(body);
	for (i = 0; i < nfiles; i++)
		if (sc->set != NULL)
			render_set_family(body, sc, fam, &files[i]);
		else
			render_store_family(body, sc, fam, &files[i]);
	if (body->len == 0)
		return;
	family_header(out, sc->prefix, own_families[fam].suffix, "gauge",
	    sc->set != NULL ? family_help(sc, fam, help) : own_families[fam].help,
	    NULL);
	buf_append(out, body->data, body->len);
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
	struct scope	 sc = { ep, NULL, 0, NULL };
	int		 fam;

	qsort(files, nfiles, sizeof(*files), compare_files);
	for (sc.nth = 0; sc.nth < ep->nsets; sc.nth++) {
		sc.set = &ep->sets[sc.nth];
		sc.prefix = sc.set->prefix;
		render_family_of_files(out, &sc, TOTAL_ROWS, files, nfiles,
		    &body, &help);
		render_family_of_files(out, &sc, ROWS, files, nfiles, &body,
		    &help);
		render_value_families(out, &sc, files, nfiles, &body);
		if (sc.set->model.nvalues > 0)
			render_family_of_files(out, &sc, SKIPPED_VALUES, files,
			    nfiles, &body, &help);
	}
	sc.set = NULL;
	sc.prefix = ep->prefix;
	for (fam = READ_SUCCESS; fam < NFAMILIES; fam++)
		render_family_of_files(out, &sc, (enum family)fam, files,
		    nfiles, &body, &help);
	buf_free(&body);
	buf_free(&help);
}

/*
 * A metric name the run may write, and who writes it, for the check that
 * no two are the same.
 */
struct written_name {
	char		*name;
	char		*by;
};

struct written_names {
	struct written_name *v;
	size_t		 n;
};

static void
add_name(struct written_names *w, const char *prefix, const char *name,
    const char *suffix, const char *by)
{
	struct buf	 b = { 0 };

	w->v = xreallocarray(w->v, w->n + 1, sizeof(*w->v));
	buf_printf(&b, "%s_%s%s", prefix, name, suffix);
	w->v[w->n].name = buf_steal(&b);
	w->v[w->n++].by = xstrdup(by);
}

/* Who writes a set's family: "--set orders" or "--set orders --sum x". */
static void
set_names(struct written_names *w, const struct rowset *set)
{
	static const char *const histogram_suffixes[] = {
		"_bucket", "_sum", "_count"
	};
	const struct model *m = &set->model;
	struct buf	 by = { 0 };
	size_t		 i, k;

	buf_printf(&by, "%s%s%s", set->name != NULL ? "--set " : "",
	    set->name != NULL ? set->name : "--rows ",
	    set->name != NULL ? "" : set->rows_src);
	add_name(w, set->prefix, own_families[TOTAL_ROWS].suffix, "", by.data);
	add_name(w, set->prefix, own_families[ROWS].suffix, "", by.data);
	if (m->nvalues > 0)
		add_name(w, set->prefix, own_families[SKIPPED_VALUES].suffix, "",
		    by.data);
	for (i = 0; i < m->nvalues; i++) {
		buf_reset(&by);
		if (set->name != NULL)
			buf_printf(&by, "--set %s ", set->name);
		buf_puts(&by, m->values[i].what);
		add_name(w, set->prefix, m->values[i].name, "", by.data);
		for (k = 0; m->values[i].agg == AGG_HISTOGRAM && k < 3; k++)
			add_name(w, set->prefix, m->values[i].name,
			    histogram_suffixes[k], by.data);
	}
	buf_free(&by);
}

/*
 * No two families of a run may share a name: a set's and another's, or a
 * set's and the store's own (a set 'read' with a family 'success' would
 * write PREFIX_read_success).  -1 with `err` naming both.
 */
int
expo_check_names(const struct expo_params *ep, struct buf *err)
{
	struct written_names w = { NULL, 0 };
	size_t		 i, j;
	int		 fam, rc = 0;

	for (fam = READ_SUCCESS; fam < NFAMILIES; fam++)
		add_name(&w, ep->prefix, own_families[fam].suffix, "",
		    "xml2prom's own");
	for (i = 0; i < ep->nsets; i++)
		set_names(&w, &ep->sets[i]);
	for (i = 0; i < w.n && rc == 0; i++)
		for (j = i + 1; j < w.n && rc == 0; j++)
			if (strcmp(w.v[i].name, w.v[j].name) == 0) {
				buf_printf(err, "two families would be named "
				    "%s: %s and %s; rename a set or a family",
				    w.v[i].name, w.v[i].by, w.v[j].by);
				rc = -1;
			}
	for (i = 0; i < w.n; i++) {
		free(w.v[i].name);
		free(w.v[i].by);
	}
	free(w.v);
	return rc;
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
	struct scope	 sc = { ep, NULL, 0, ep->prefix };
	struct buf	 key = { 0 };
	struct prom_line l;
	const char	*cursor = previous, *value, *eol;
	char		*found = NULL;

	sample(&key, &sc, LAST_SUCCESS, path);	/* 'name{labels} ' */
	while (promread_next(&cursor, &l)) {
		if (l.kind != PROM_SAMPLE || l.len <= key.len ||
		    memcmp(l.text, key.data, key.len) != 0)
			continue;
		value = l.text + key.len;
		eol = l.text + l.len;
		if (is_plain_number(value, (size_t)(eol - value)))
			found = xstrndup(value, (size_t)(eol - value));
		break;
	}
	buf_free(&key);
	return found;
}
