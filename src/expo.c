/*
 * expo.c: rendering the exposition text (see expo.h).  Which families
 * are written for which sources (each file read whole, or each store's
 * aggregate under --across-files), in which order, with which labels.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "expo.h"
#include "expofmt.h"
#include "promread.h"
#include "own.h"
#include "scan.h"

/*
 * Whose families are being written: one row set's (its prefix, its model,
 * its tally in each file's result, or in each store's aggregate under
 * --across-files) or, with set NULL, the store's own.
 */
struct scope {
	const struct expo_params *ep;
	const struct rowset	*set;
	size_t			 nth;		/* the set's tally */
	const char		*prefix;
	const char		*where;		/* "path", or "store" */
};

/* The name of a file's own label: path, or --file-label's NAME. */
#define FILE_LABEL_NAME(ep)	((ep)->file_label != NULL ? (ep)->file_label : \
				    "path")

/* The stores' aggregates (across.h), in byte order of their pattern. */
struct aggregates {
	const struct across	**v;
	size_t			 n;
};

/* One set's counts of one file (path=), or of a store's files (store=). */
struct source {
	const char		*where;
	const struct tally	*tally;
};

/*
 * A series' labels: path (or store), the group's labels in --by order
 * (those in `mask`), the family's own label (reason, family) if any, the
 * constant labels, and a histogram bucket's le last.
 */
struct series {
	const char		*path;		/* the file's label value */
	const struct group	*group;		/* NULL: none */
	uint32_t		 mask;
	const char		*own_name;	/* NULL: none */
	const char		*own_value;
	size_t			 own_len;
	const char		*le;		/* NULL: none */
};

static void
series_labels(struct buf *out, const struct scope *sc,
    const struct series *se)
{
	const struct expo_params *ep = sc->ep;
	const char		*v;
	size_t			 i, nth = 0;
	int			 first = 1;

	expo_label_pair(out, &first, sc->where, se->path, strlen(se->path));
	for (i = 0; se->group != NULL && i < sc->set->model.nlabels; i++) {
		if ((se->mask & (UINT32_C(1) << i)) == 0)
			continue;
		v = tally_key_label(se->group, nth++);
		expo_label_pair(out, &first, sc->set->model.labels[i].name, v,
		    strlen(v));
	}
	if (se->own_name != NULL)
		expo_label_pair(out, &first, se->own_name, se->own_value,
		    se->own_len);
	for (i = 0; i < ep->nlabels; i++)
		expo_label_pair(out, &first, ep->labels[i].name,
		    ep->labels[i].value, strlen(ep->labels[i].value));
	if (se->le != NULL)
		expo_label_pair(out, &first, "le", se->le, strlen(se->le));
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
    const struct source *f)
{
	const struct model *m = &sc->set->model;
	struct series	 se = { f->where, NULL, 0, "type", NULL, 0, NULL };
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
		    tally_rows(f->tally, &wanted[i]));
	}
	free(wanted);
}

/* PREFIX_rows for one file: one series per group of every label. */
static void
render_rows(struct buf *out, const struct scope *sc, const struct source *f)
{
	const struct model	*m = &sc->set->model;
	struct series		 se = { f->where, NULL, UINT32_MAX, NULL, NULL,
				    0, NULL };
	const struct group	**sorted, **g;

	if (m->ninclude > 0 && m->nlabels == 1 && m->type_label == 0) {
		render_listed_rows(out, sc, f);
		return;
	}
	sorted = tally_sorted(&f->tally->rows);
	for (g = sorted; *g != NULL; g++) {
		se.group = *g;
		series_start(out, sc, own_families[ROWS].suffix, "", &se);
		buf_printf(out, "%" PRIu64 "\n", (*g)->n);
	}
	free(sorted);
}

/* PREFIX_skipped_values{path,family}: for every value family, even 0. */
static void
render_skipped(struct buf *out, const struct scope *sc,
    const struct source *f)
{
	const struct model *m = &sc->set->model;
	struct series	 se = { f->where, NULL, 0, "family", NULL, 0, NULL };
	size_t		 i;

	for (i = 0; i < m->nvalues; i++) {
		se.own_value = m->values[i].name;
		se.own_len = strlen(se.own_value);
		series_start(out, sc, own_families[SKIPPED_VALUES].suffix, "", &se);
		buf_printf(out, "%" PRIu64 "\n", f->tally->skipped[i]);
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
    const struct source *f)
{
	const struct value_family *vf = &sc->set->model.values[nth];
	struct series		 se = { f->where, NULL, vf->labels, NULL, NULL,
				    0, NULL };
	const struct group	**sorted, **g;
	double			 v;

	sorted = tally_sorted(&f->tally->values[nth]);
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

/*
 * An --across-files set's families say so, and in which order its files
 * were taken: HELP depends on the options alone.
 */
static void
across_help(const struct scope *sc, struct buf *help)
{
	if (sc->set == NULL || !sc->set->across)
		return;
	buf_printf(help, " (--across-files: over each store's files, in %s "
	    "order, then document order)", sc->ep->file_order ==
	    FILE_ORDER_MTIME ? "modification time" : "name");
}

static void
render_value_families(struct buf *out, const struct scope *sc,
    const struct source *src, size_t nsrc, struct buf *body,
    struct buf *help)
{
	static const char *const helps[] = {
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
		for (i = 0; i < nsrc; i++)
			render_family(body, sc, v, &src[i]);
		if (body->len == 0)
			continue;
		buf_reset(help);
		buf_puts(help, vf->src);
		across_help(sc, help);
		expo_family_header(out, sc->prefix, vf->name,
		    vf->agg == AGG_HISTOGRAM ? "histogram" : "gauge",
		    helps[vf->agg], help->data);
		buf_append(out, body->data, body->len);
	}
}

/* A row set's family for one file read whole, or one store's files. */
static void
render_set_family(struct buf *out, const struct scope *sc, enum family fam,
    const struct source *f)
{
	switch (fam) {
	case TOTAL_ROWS:
		sample(out, sc, fam, f->where);
		buf_printf(out, "%" PRIu64 "\n", f->tally->total_rows);
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
	struct series		 se = { EXPO_FILE_LABEL(f), NULL, 0, NULL, NULL, 0, NULL };

	switch (fam) {
	case READ_SUCCESS:
		sample(out, sc, fam, EXPO_FILE_LABEL(f));
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
		sample(out, sc, fam, EXPO_FILE_LABEL(f));
		if (r->ok)
			expo_format_seconds(out, r->finished);
		else
			buf_puts(out, f->carried_success);
		break;
	case FILE_SIZE:
		if (!r->have_stat)
			return;
		sample(out, sc, fam, EXPO_FILE_LABEL(f));
		buf_printf(out, "%" PRIu64, r->size);
		break;
	case FILE_MODIFIED:
		if (!r->have_stat)
			return;
		sample(out, sc, fam, EXPO_FILE_LABEL(f));
		expo_format_seconds(out, r->mtime);
		break;
	case READ_DURATION:
		sample(out, sc, fam, EXPO_FILE_LABEL(f));
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
		buf_puts(help, own_families[fam].help);
	else if (fam != ROWS)
		buf_printf(help, "%s, set %s (%s)", own_families[fam].help,
		    sc->set->name, sc->set->rows_src);
	else {
		buf_puts(help, "Rows in store by ");
		for (i = 0; i < m->nlabels; i++)
			buf_printf(help, "%s%s", i > 0 ? ", " : "",
			    m->labels[i].name);
		if (sc->set->name != NULL)
			buf_printf(help, ", set %s (%s)", sc->set->name,
			    sc->set->rows_src);
	}
	if (fam < FILES)
		across_help(sc, help);
	return help->data;
}

/* PREFIX_SET_file_failure{store,path,reason}: a file not counted. */
static void
render_file_failures(struct buf *out, const struct scope *sc,
    const struct across *a)
{
	const struct expo_params *ep = sc->ep;
	const char		*reason;
	size_t			 i, k;
	int			 first;

	for (i = 0; i < a->nfailed; i++) {
		buf_printf(out, "%s_%s", sc->prefix,
		    own_families[FILE_FAILURE].suffix);
		first = 1;
		reason = failure_name(a->failed[i].failure);
		expo_label_pair(out, &first, "store", a->store,
		    strlen(a->store));
		expo_label_pair(out, &first, FILE_LABEL_NAME(ep),
		    a->failed[i].label, strlen(a->failed[i].label));
		expo_label_pair(out, &first, "reason", reason, strlen(reason));
		for (k = 0; k < ep->nlabels; k++)
			expo_label_pair(out, &first, ep->labels[k].name,
			    ep->labels[k].value, strlen(ep->labels[k].value));
		buf_puts(out, "} 1\n");
	}
}

/* The families that say which files an --across-files set counted. */
static void
render_across_family(struct buf *out, const struct scope *sc,
    enum family fam, const struct across *a)
{
	switch (fam) {
	case FILES:
		sample(out, sc, fam, a->store);
		buf_printf(out, "%" PRIu64 "\n", a->files);
		break;
	case FILES_FAILED:
		sample(out, sc, fam, a->store);
		buf_printf(out, "%zu\n", a->nfailed);
		break;
	case FILE_FAILURE:
		render_file_failures(out, sc, a);
		break;
	default:
		break;
	}
}

/* One family of a set, written only when some source has a sample. */
static void
render_set_families(struct buf *out, const struct scope *sc,
    enum family fam, const struct source *src, size_t nsrc,
    const struct aggregates *ag, struct buf *body, struct buf *help)
{
	size_t	 i;

	buf_reset(body);
	if (fam >= FILES)
		for (i = 0; i < ag->n; i++)
			render_across_family(body, sc, fam, ag->v[i]);
	else
		for (i = 0; i < nsrc; i++)
			render_set_family(body, sc, fam, &src[i]);
	if (body->len == 0)
		return;
	expo_family_header(out, sc->prefix, own_families[fam].suffix, "gauge",
	    family_help(sc, fam, help), NULL);
	buf_append(out, body->data, body->len);
}

/* One of the store's own families, when some file has a sample of it. */
static void
render_store_families(struct buf *out, const struct scope *sc,
    enum family fam, const struct expo_file *files, size_t nfiles,
    struct buf *body)
{
	size_t	 i;

	buf_reset(body);
	for (i = 0; i < nfiles; i++)
		render_store_family(body, sc, fam, &files[i]);
	if (body->len == 0)
		return;
	expo_family_header(out, sc->prefix, own_families[fam].suffix, "gauge",
	    own_families[fam].help, NULL);
	buf_append(out, body->data, body->len);
}

static int
compare_files(const void *a, const void *b)
{
	return strcmp(EXPO_FILE_LABEL((const struct expo_file *)a),
	    EXPO_FILE_LABEL((const struct expo_file *)b));
}

/* A glob's or a directory's count, one series per such argument. */
static void
render_store_count(struct buf *out, const struct expo_params *ep,
    const struct store_list *stores, int conflicts)
{
	const struct store_pattern *sp;
	size_t			 i, k;
	int			 first;

	for (i = 0; i < stores->npatterns; i++) {
		sp = &stores->patterns[i];
		if (sp->kind == STORE_PLAIN)
			continue;
		first = 1;
		buf_printf(out, "%s_%s", ep->prefix, conflicts ?
		    "store_label_conflicts" : "store_files");
		expo_label_pair(out, &first, "store", sp->arg, strlen(sp->arg));
		for (k = 0; k < ep->nlabels; k++)
			expo_label_pair(out, &first, ep->labels[k].name,
			    ep->labels[k].value, strlen(ep->labels[k].value));
		buf_printf(out, "} %zu\n", conflicts ? sp->conflicts : sp->found);
	}
}

static void
render_store_counts(struct buf *out, const struct expo_params *ep,
    const struct store_list *stores, struct buf *body)
{
	buf_reset(body);
	if (stores != NULL)
		render_store_count(body, ep, stores, 0);
	if (body->len == 0)
		return;
	expo_family_header(out, ep->prefix, "store_files", "gauge", "Files a "
	    "glob or a directory of stores found at the last run", NULL);
	buf_append(out, body->data, body->len);
	buf_reset(body);
	render_store_count(body, ep, stores, 1);
	expo_family_header(out, ep->prefix, "store_label_conflicts", "gauge",
	    "Files of a glob or a directory not read: another file gave "
	    "the same label", NULL);
	buf_append(out, body->data, body->len);
}

/*
 * What a set's families are written from: each file read whole (files
 * sorted), or under --across-files each store's aggregate (sorted).
 */
static struct source *
sources_of(const struct scope *sc, const struct expo_file *files,
    size_t nfiles, const struct aggregates *ag, size_t *n)
{
	struct source	*src;
	size_t		 i;

	*n = 0;
	src = xcalloc((sc->set->across ? ag->n : nfiles) + 1, sizeof(*src));
	for (i = 0; sc->set->across && i < ag->n; i++) {
		src[*n].where = ag->v[i]->store;
		src[(*n)++].tally = &ag->v[i]->tally[sc->nth];
	}
	for (i = 0; !sc->set->across && i < nfiles; i++)
		if (files[i].result->ok) {
			src[*n].where = EXPO_FILE_LABEL(&files[i]);
			src[(*n)++].tally = &files[i].result->tally[sc->nth];
		}
	return src;
}

/* One set's families, in output order. */
static void
render_set(struct buf *out, struct scope *sc, const struct expo_file *files,
    size_t nfiles, const struct aggregates *stores, struct buf *body,
    struct buf *help)
{
	struct source	*src;
	size_t		 nsrc;
	int		 fam;

	sc->where = sc->set->across ? "store" : FILE_LABEL_NAME(sc->ep);
	src = sources_of(sc, files, nfiles, stores, &nsrc);
	render_set_families(out, sc, TOTAL_ROWS, src, nsrc, stores, body,
	    help);
	render_set_families(out, sc, ROWS, src, nsrc, stores, body, help);
	render_value_families(out, sc, src, nsrc, body, help);
	if (sc->set->model.nvalues > 0)
		render_set_families(out, sc, SKIPPED_VALUES, src, nsrc, stores,
		    body, help);
	for (fam = FILES; sc->set->across && fam <= FILE_FAILURE; fam++)
		render_set_families(out, sc, (enum family)fam, src, nsrc,
		    stores, body, help);
	free(src);
}

static int
compare_stores(const void *a, const void *b)
{
	return strcmp((*(const struct across *const *)a)->store,
	    (*(const struct across *const *)b)->store);
}

/*
 * Sorts `files` by path and the stores by pattern, then writes every
 * family that has samples.
 */
void
expo_render(struct buf *out, const struct expo_params *ep,
    struct expo_file *files, size_t nfiles, const struct store_list *stores,
    const struct across_stores *agg)
{
	struct buf		 body = { 0 }, help = { 0 };
	struct scope		 sc = { ep, NULL, 0, NULL, NULL };
	struct aggregates	 ag = { NULL, 0 };
	size_t			 i;
	int			 fam;

	qsort(files, nfiles, sizeof(*files), compare_files);
	ag.n = agg != NULL ? agg->n : 0;
	ag.v = xcalloc(ag.n + 1, sizeof(*ag.v));
	for (i = 0; i < ag.n; i++)
		ag.v[i] = &agg->v[i];
	qsort(ag.v, ag.n, sizeof(*ag.v), compare_stores);
	for (sc.nth = 0; sc.nth < ep->nsets; sc.nth++) {
		sc.set = &ep->sets[sc.nth];
		sc.prefix = sc.set->prefix;
		render_set(out, &sc, files, nfiles, &ag, &body, &help);
	}
	sc.set = NULL;
	sc.prefix = ep->prefix;
	sc.where = FILE_LABEL_NAME(ep);
	for (fam = READ_SUCCESS; fam < NFAMILIES; fam++)
		render_store_families(out, &sc, (enum family)fam, files,
		    nfiles, &body);
	render_store_counts(out, ep, stores, &body);
	free(ag.v);
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
expo_previous_success(const struct expo_params *ep, const char *label,
    const char *previous)
{
	struct scope	 sc = { ep, NULL, 0, ep->prefix, FILE_LABEL_NAME(ep) };
	struct buf	 key = { 0 };
	struct prom_line l;
	const char	*cursor = previous, *value, *eol;
	char		*found = NULL;

	sample(&key, &sc, LAST_SUCCESS, label);	/* 'name{labels} ' */
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
