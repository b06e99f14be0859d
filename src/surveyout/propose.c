/*
 * propose.c: one proposed row set of --survey (see surveyout.h): its
 * labels within the series budget, its sums, histograms and dates, what
 * was left out and why, as config lines with comments.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "own.h"
#include "survey.h"
#include "surveyout.h"

/* A histogram across the range seen: a range, and one a double spans. */
static int
spreads(const struct survey_field *f)
{
	return f->max > f->min && isfinite(f->max - f->min);
}

/* The series a set makes at most: its groups, times its families. */
static size_t
set_series(const struct cand *c, size_t n, uint64_t rows)
{
	size_t	 groups = 1, per_group = 1, fixed = 2, i;

	for (i = 0; i < n; i++)
		if (c[i].labelled)
			groups *= c[i].distinct + (c[i].f->present - c[i].f->empty <
			    rows);
	for (i = 0; i < n; i++)
		if (c[i].kind == NUMBER) {
			per_group++;
			fixed++;	/* its skipped_values */
			if (spreads(c[i].f))
				fixed += NBUCKETS + 4;
		} else if (c[i].kind == DATE)
			fixed += 4;
	return groups * per_group + fixed;
}

/*
 * Numbers and dates, in the order met, while they take at most half the
 * set's budget without a label: a kind of row with a hundred numbers
 * (sysstat's sample) must not pass max-series.  The others are left out.
 */
static void
fit_values(struct cand *c, size_t n, uint64_t rows, size_t budget)
{
	size_t	 i;

	for (i = n; i > 0 && set_series(c, n, rows) > budget / 2; i--)
		if (c[i - 1].kind == NUMBER || c[i - 1].kind == DATE)
			c[i - 1].kind = OVER;
}

/* Labels: the categories, fewest values first, within the budget. */
static void
choose_labels(struct cand *c, size_t n, uint64_t rows, size_t budget)
{
	size_t	 i, best, groups = 1;

	for (;;) {
		best = SIZE_MAX;
		for (i = 0; i < n; i++)
			if (c[i].kind == CATEGORY && !c[i].labelled &&
			    (best == SIZE_MAX || c[i].distinct < c[best].distinct))
				best = i;
		if (best == SIZE_MAX)
			return;
		c[best].labelled = 1;
		if (groups * (c[best].distinct + 1) > LABEL_BUDGET ||
		    set_series(c, n, rows) > budget) {
			c[best].labelled = 0;
			c[best].kind = TEXT;	/* said left out below */
			continue;
		}
		groups *= c[best].distinct + 1;
	}
}

static void
unique_names(struct cand *c, size_t n)
{
	size_t	 i, j;
	char	*renamed;

	for (i = 0; i < n; i++) {
		c[i].name = metric_name(c[i].xml_name, NULL);
		if (strcmp(c[i].expr, ".") == 0) {
			free(c[i].name);
			c[i].name = xstrdup("text");
		}
		for (j = 0; j < i; j++)
			if (strcmp(c[i].name, c[j].name) == 0) {
				renamed = metric_name(c[i].xml_name,
				    c[i].expr[0] == '@' ? "_attr" : "_child");
				free(c[i].name);
				c[i].name = renamed;
			}
	}
}

/*
 * NBUCKETS bounds across [LO, HI], with the fewest digits (6 at least)
 * that keep them strictly increasing as --buckets reads them back; 0 if
 * no precision does (a range of a few ulps).
 */
static int
bucket_bounds(struct buf *out, double lo, double hi)
{
	double	 step = (hi - lo) / NBUCKETS, prev, d;
	char	 s[64];
	int	 prec, ok;
	size_t	 k;

	for (prec = 6; prec <= 17; prec++) {
		buf_reset(out);
		prev = -INFINITY;
		for (k = 1, ok = 1; k <= NBUCKETS && ok; k++) {
			snprintf(s, sizeof(s), "%.*g", prec, k == NBUCKETS ?
			    hi : lo + step * (double)k);
			d = strtod(s, NULL);
			ok = d > prev && isfinite(d);
			prev = d;
			buf_printf(out, "%s%s", k > 1 ? "," : "", s);
		}
		if (ok)
			return 1;
	}
	return 0;
}

static void
propose_number(struct buf *b, const struct cand *c, int grouped)
{
	struct buf	 bounds = { 0 };
	int		 spread = spreads(c->f) &&
			    bucket_bounds(&bounds, c->f->min, c->f->max);

	buf_printf(b, "# %s: ", c->expr);
	print_range(b, c->f, NUMBER);
	buf_printf(b, ": their sum%s", grouped ? " in each group" : "");
	if (spread)
		buf_puts(b, ", and how they spread (buckets from the range "
		    "seen)");
	buf_printf(b, "\nsum %s%s=%s\n", c->name, reserved_family(c->name) ?
	    "_value" : "", c->expr);
	if (spread)
		buf_printf(b, "histogram %s_spread:=%s\nbuckets %s_spread=%s\n",
		    c->name, c->expr, c->name, bounds.data);
	buf_free(&bounds);
}

static void
propose_values(struct buf *b, const struct cand *c, size_t n, int grouped)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (c[i].kind == NUMBER)
			propose_number(b, &c[i], grouped);
		else if (c[i].kind == DATE) {
			buf_printf(b, "# %s: ", c[i].expr);
			print_range(b, c[i].f, DATE);
			buf_printf(b, ": the first and the last\n"
			    "min %s_first:=date:seconds(%s)\n"
			    "max %s_last:=date:seconds(%s)\n", c[i].name,
			    c[i].expr, c[i].name, c[i].expr);
		}
}

static void
propose_left_out(struct buf *b, const struct cand *c, size_t n)
{
	static const char *const why[] = {
		[EMPTY] = "always empty",
		[IDENTIFIER] = "an identifier: as a label, one series per row",
		[TIME] = "times or dates: as a label, more series as the "
		    "store grows",
		[VERSION] = "a version, not a quantity to add up",
		[OVER] = "a number or date past the set's series budget",
		[FLAG] = "one value where present (count it with "
		    "sum NAME=boolean(EXPR))",
		[TEXT] = "free text, or too many values for a label",
		[LONG] = "long text",
		[CONSTANT] = "the same in every row",
	};
	size_t	 i;

	for (i = 0; i < n; i++)
		if (!c[i].labelled && c[i].kind != NUMBER &&
		    c[i].kind != DATE && c[i].kind != CATEGORY)
			buf_printf(b, "# left out: %s, %s\n", c[i].expr,
			    why[c[i].kind]);
}

/* One set: its comment, its block. */
void
propose_set(struct buf *b, struct proposal *pr, const struct rowkind *kd,
    const char *name, size_t budget)
{
	const struct survey_path *sp = &pr->sv->paths[kd->paths[0]];
	struct cand		*c;
	size_t			 n, i, nlabels = 0;

	c = kind_fields(pr, kd, &n);
	unique_names(c, n);
	fit_values(c, n, kd->count, budget);
	choose_labels(c, n, kd->count, budget);
	buf_printf(b, "\n# %s%s: %llu rows in %zu place%s, at most %zu "
	    "series\n[%s]\n", pr->sv->rows != NULL ? "" : "//",
	    pr->sv->rows != NULL ? pr->sv->rows_src : sp->name,
	    (unsigned long long)kd->count, kd->npaths,
	    kd->npaths > 1 ? "s" : "", set_series(c, n, kd->count), name);
	if (pr->sv->rows != NULL)
		buf_printf(b, "rows %s\n", pr->sv->rows_src);
	else
		buf_printf(b, "rows //%s\n", sp->name);
	for (i = 0; i < n; i++)
		if (c[i].labelled) {
			buf_printf(b, "# %s: a category of %llu values%s\n"
			    "by %s%s=%s\n", c[i].expr,
			    (unsigned long long)c[i].distinct,
			    c[i].f->present - c[i].f->empty < kd->count ?
			    " (and 'unknown' where absent)" : "", c[i].name,
			    own_label(c[i].name) ? "_" : "", c[i].expr);
			nlabels++;
		}
	if (nlabels == 0)
		buf_puts(b, "# no category to count the rows by: by their "
		    "element's name\ntype name()\n");
	propose_values(b, c, n, nlabels > 0);
	propose_left_out(b, c, n);
	note_unwritable(b, pr);
	pr->series += set_series(c, n, kd->count);
	cands_free(c, n);
}
