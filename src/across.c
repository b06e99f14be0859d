/*
 * across.c: a row set's counts summed over the files of a store pattern
 * (see across.h).
 */
#include <stdlib.h>
#include <string.h>

#include "across.h"

static size_t
buckets_of(const struct value_family *f)
{
	return f != NULL && f->agg == AGG_HISTOGRAM ? f->nbounds : 0;
}

/* How many of a table's groups another table lacks. */
static size_t
missing_groups(const struct groups *agg, const struct groups *file)
{
	size_t	 i, n = 0;

	for (i = 0; i < file->nslots; i++)
		if (file->slots[i] != NULL && tally_find(agg,
		    file->slots[i]->key, file->slots[i]->len) == NULL)
			n++;
	return n;
}

/* The series merging FILE into AGG would add, counted as tally.c does. */
size_t
across_new_series(const struct tally *agg, const struct tally *file)
{
	const struct model	*m = file->model;
	size_t			 i, n;

	n = missing_groups(&agg->rows, &file->rows);
	for (i = 0; i < m->nvalues; i++)
		n += missing_groups(&agg->values[i], &file->values[i]) *
		    model_series_per_group(&m->values[i]);
	return n;
}

/* Does a file's pick (of rank `rank`) come before (first) or after
 * (last) the one the aggregate holds? */
static int
picks_over(const struct group *a, const struct value_family *vf,
    uint64_t rank)
{
	if (a->picked_seq == 0)
		return 1;
	return vf->agg == AGG_FIRST ? rank < a->picked_seq :
	    rank > a->picked_seq;
}

/*
 * One group into its aggregate.  The aggregate's picked_seq holds the
 * rank of the file its first (last) value came from.
 */
static void
merge_group(struct group *a, const struct group *f,
    const struct value_family *vf, uint64_t rank)
{
	size_t	 i;

	if (f->n > 0) {
		if (a->n == 0 || f->min < a->min)
			a->min = f->min;
		if (a->n == 0 || f->max > a->max)
			a->max = f->max;
	}
	a->n += f->n;
	a->sum += f->sum;
	for (i = 0; i < buckets_of(vf); i++)
		a->buckets[i] += f->buckets[i];
	if (vf != NULL && vf->agg >= AGG_FIRST && f->picked_seq != 0 &&
	    picks_over(a, vf, rank)) {
		a->picked = f->picked;
		a->picked_seq = rank;
	}
}

/* Every group of a table into the aggregate's; the series it made. */
static size_t
merge_groups(struct groups *agg, const struct groups *file,
    const struct value_family *vf, uint64_t rank)
{
	const struct group	*f;
	struct group		*a;
	size_t			 i, made = 0, before;

	for (i = 0; i < file->nslots; i++) {
		if ((f = file->slots[i]) == NULL)
			continue;
		before = agg->n;
		a = tally_group(agg, f->key, f->len, buckets_of(vf));
		if (agg->n != before)
			made++;
		merge_group(a, f, vf, rank);
	}
	return made;
}

/*
 * FILE's counts into AGG (a tally of the same model), FILE being the
 * rank-th in the file order (from 1).  Sums are added as they come:
 * merge in file order (across.h).  No series guard: check first with
 * across_new_series().
 */
void
across_merge(struct tally *agg, const struct tally *file, uint64_t rank)
{
	const struct model	*m = file->model;
	size_t			 i, made;

	made = merge_groups(&agg->rows, &file->rows, NULL, rank);
	for (i = 0; i < m->nvalues; i++) {
		made += merge_groups(&agg->values[i], &file->values[i],
		    &m->values[i], rank) * model_series_per_group(&m->values[i]);
		agg->skipped[i] += file->skipped[i];
	}
	for (i = 0; i < m->nlabels; i++)
		agg->empty[i] += file->empty[i];
	agg->total_rows += file->total_rows;
	agg->filtered += file->filtered;
	agg->not_where += file->not_where;
	agg->series += made;
	if (agg->output != &agg->series)
		*agg->output += made;
}

static int
timespec_compare(struct timespec a, struct timespec b)
{
	if (a.tv_sec != b.tv_sec)
		return a.tv_sec < b.tv_sec ? -1 : 1;
	return (a.tv_nsec > b.tv_nsec) - (a.tv_nsec < b.tv_nsec);
}

static int
compare_names(const void *a, const void *b)
{
	return strcmp(((const struct across_file *)a)->path,
	    ((const struct across_file *)b)->path);
}

/* A file never stat'ed (it failed: it is not merged) sorts as time 0. */
static int
compare_mtimes(const void *a, const void *b)
{
	const struct across_file *x = a, *y = b;
	struct timespec		 zero = { 0, 0 };
	int			 c;

	c = timespec_compare(x->result->have_stat ? x->result->mtime : zero,
	    y->result->have_stat ? y->result->mtime : zero);
	return c != 0 ? c : compare_names(a, b);
}

/* The files in the file order. */
void
across_sort(struct across_file *files, size_t n, enum file_order order)
{
	qsort(files, n, sizeof(*files), order == FILE_ORDER_MTIME ?
	    compare_mtimes : compare_names);
}

/*
 * The series a file writes itself: its --across-files sets' groups are
 * written in their store's aggregates, not per file.
 */
size_t
across_own_series(const struct rowset *sets, size_t nsets,
    const struct scan_result *r)
{
	size_t	 k, n = r->series;

	for (k = 0; k < nsets && k < r->ntally; k++)
		if (sets[k].across)
			n -= r->tally[k].series;
	return n;
}

int
across_any(const struct rowset *sets, size_t nsets)
{
	size_t	 i;

	for (i = 0; i < nsets; i++)
		if (sets[i].across)
			return 1;
	return 0;
}

void
across_init(struct across *a, const char *store, const struct rowset *sets,
    size_t nsets)
{
	size_t	 k;

	memset(a, 0, sizeof(*a));
	a->store = store;
	for (k = 0; k < nsets; k++)
		if (sets[k].across) {
			tally_init(&a->tally[k], &sets[k].model);
			tally_share_series(&a->tally[k], &a->series);
		}
}

static void
add_failed(struct across *a, const char *label, enum failure why)
{
	a->failed = xreallocarray(a->failed, a->nfailed + 1,
	    sizeof(*a->failed));
	a->failed[a->nfailed].label = label;
	a->failed[a->nfailed++].failure = why;
}

/*
 * A file into the pattern's aggregates, the rank-th in file order; a file
 * not read whole, or one whose groups would pass --max-series (-1, `why`
 * saying so), is counted failed instead.
 */
int
across_add(struct across *a, const struct rowset *sets, size_t nsets,
    const struct across_file *f, uint64_t rank, struct buf *why)
{
	size_t	 k, added = 0, limit = 0;

	if (!f->result->ok) {
		add_failed(a, f->label, f->result->failure);
		return 0;
	}
	for (k = 0; k < nsets; k++)
		if (sets[k].across) {
			added += across_new_series(&a->tally[k],
			    &f->result->tally[k]);
			limit = sets[k].model.max_series;
		}
	if (a->series + added > limit) {
		buf_reset(why);
		buf_printf(why, "%s: --across-files '%s': more than %zu series "
		    "(see --max-series): this file's groups would make %zu; "
		    "counted as failed", f->path, a->store, limit,
		    a->series + added);
		add_failed(a, f->label, FAILURE_LIMIT);
		return -1;
	}
	for (k = 0; k < nsets; k++)
		if (sets[k].across)
			across_merge(&a->tally[k], &f->result->tally[k], rank);
	a->files++;
	return 0;
}

/*
 * A run's aggregates: its files (sorted here into the file order) merged
 * into their patterns'.  Returns how many files the series guard failed,
 * each said as a line in `said`.  Nothing without an --across-files set.
 */
size_t
across_build(struct across_stores *st, const struct rowset *sets,
    size_t nsets, enum file_order order, const char *const *patterns,
    size_t npatterns, struct across_file *files, size_t nfiles,
    struct buf *said)
{
	struct buf	 why = { 0 };
	size_t		 p, i, over = 0;
	uint64_t	 rank;

	memset(st, 0, sizeof(*st));
	if (!across_any(sets, nsets))
		return 0;
	st->v = xcalloc(npatterns + 1, sizeof(*st->v));
	st->n = npatterns;
	across_sort(files, nfiles, order);
	for (p = 0; p < npatterns; p++) {
		across_init(&st->v[p], patterns[p], sets, nsets);
		for (i = 0, rank = 1; i < nfiles; i++) {
			if (files[i].pattern != p)
				continue;
			if (across_add(&st->v[p], sets, nsets, &files[i],
			    rank++, &why) == -1) {
				buf_printf(said, "%s\n", why.data);
				over++;
			}
		}
	}
	buf_free(&why);
	return over;
}

void
across_stores_free(struct across_stores *st)
{
	size_t	 i;

	for (i = 0; i < st->n; i++)
		across_free(&st->v[i]);
	free(st->v);
	memset(st, 0, sizeof(*st));
}

void
across_free(struct across *a)
{
	size_t	 k;

	for (k = 0; k < ROWSET_MAX; k++)
		tally_free(&a->tally[k]);
	free(a->failed);
	memset(a, 0, sizeof(*a));
}
