/*
 * fuzz_diff.c: differential libFuzzer harness for the one-truth promise.
 * The same store is read three ways and must give the same groups, sums,
 * minima, maxima, histograms and skipped values:
 *   the scanner as configured (streamed where the fields allow it, see
 *   xpstream.h), the scanner forced onto its row trees (a streamed field
 *   wrapped in concat(..., substring("", count(namespace::*))), which
 *   has its string but is never streamed: xpstream reads no namespace
 *   axis; a number in (...) + 0 * count(namespace::*)),
 *   and libxml2's XPath on
 *   its own tree of the whole store (reference.c).
 * Then both sets, as configured and forced (each on a pattern of its own),
 * are read in one pass: each must still give the reference's answer for
 * its own pattern and fields, whatever the other set shares the pass.
 * The first three bytes pick the --rows patterns, the label's expression
 * and the value's (--sum v=VALUE --histogram h:=VALUE).  The
 * scanner may refuse a store the reference reads only by a rule on
 * entities or a limit (its own or libxml2's, which differ a little between
 * a SAX parse and a tree); any other disagreement aborts.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <math.h>

#include "reference.h"
#include "storefile.h"
#include "expo.h"
#include "scan.h"

int LLVMFuzzerTestOneInput(const unsigned char *, size_t);

static const char *const patterns[] = {
	"/*/*", "//row", "*", "/s/row", "s//r", "//r", "row", "/*"
};
#define NPATTERNS	(sizeof(patterns) / sizeof(patterns[0]))

/* Every expression of tests/expressions: labels and values by kind. */
static const struct {
	const char	*kind;
	const char	*expr;
} expressions[] = {
#include "expressions.h"
};
#define NEXPRESSIONS	(sizeof(expressions) / sizeof(expressions[0]))

static const char	*exprs[NEXPRESSIONS], *values[NEXPRESSIONS];
static size_t		 nexprs, nvalues;

static void
split_expressions(void)
{
	size_t	 i;

	for (i = 0; i < NEXPRESSIONS; i++)
		if (strstr(expressions[i].kind, "-value") != NULL)
			values[nvalues++] = expressions[i].expr;
		else
			exprs[nexprs++] = expressions[i].expr;
}

static const struct nsbinding ns[] = { { "p", "urn:p" } };

static void
must(int cond, const char *what, const char *pattern, const char *expr)
{
	if (!cond) {
		fprintf(stderr, "fuzz_diff: %s (rows '%s', expression '%s')\n",
		    what, pattern, expr);
		abort();
	}
}

/* Sums may differ in their last bits when rows come in another order. */
static int
same_number(double a, double b)
{
	return a == b || fabs(a - b) <= 1e-9 * fmax(fabs(a), fabs(b));
}

static int
same_groups(const struct groups *a, const struct groups *b, size_t nbuckets)
{
	const struct group	**x, **y;
	size_t			 i, k;
	int			 same = a->n == b->n;

	x = tally_sorted(a);
	y = tally_sorted(b);
	for (i = 0; same && x[i] != NULL; i++) {
		same = x[i]->len == y[i]->len &&
		    memcmp(x[i]->key, y[i]->key, x[i]->len) == 0 &&
		    x[i]->n == y[i]->n && same_number(x[i]->sum, y[i]->sum) &&
		    (x[i]->n == 0 || (x[i]->min == y[i]->min &&
		    x[i]->max == y[i]->max));
		for (k = 0; same && k < nbuckets; k++)
			same = x[i]->buckets[k] == y[i]->buckets[k];
	}
	free(x);
	free(y);
	return same;
}

static int
same_tally(const struct tally *a, const struct tally *b)
{
	const struct model	*m = a->model;
	size_t			 i;

	if (a->total_rows != b->total_rows || !same_groups(&a->rows, &b->rows, 0))
		return 0;
	for (i = 0; i < m->nvalues; i++)
		if (a->skipped[i] != b->skipped[i] ||
		    !same_groups(&a->values[i], &b->values[i],
		    m->values[i].agg == AGG_HISTOGRAM ? m->values[i].nbounds : 0))
			return 0;
	return 1;
}

/* --by type=EXPR --sum v=VALUE --histogram h:=VALUE, as options give it. */
static int
make_model(struct model *m, const char *expr, const char *value,
    struct buf *err)
{
	struct buf		 a[3] = { { 0 }, { 0 }, { 0 } };
	struct model_spec	 sp[3] = { { "by", NULL, "" },
				    { "sum", NULL, "" },
				    { "histogram", NULL, "" } };
	size_t			 i;
	int			 rc;

	buf_printf(&a[0], "type=%s", expr);
	buf_printf(&a[1], "v=%s", value);
	buf_printf(&a[2], "h:=%s", value);
	for (i = 0; i < 3; i++)
		sp[i].arg = a[i].data;
	rc = model_build(m, sp, 3, NULL, 0, ns, 1, err);
	for (i = 0; i < 3; i++)
		buf_free(&a[i]);
	m->max_series = 50;
	if (rc == -1)
		model_free(m);
	return rc;
}

/* The sets (the first `n` of them) read in one pass. */
static void
scan_bytes(const char *path, const struct rowset *sets, size_t n,
    struct scan_result *r)
{
	struct scan_params	 p;

	memset(&p, 0, sizeof(p));
	p.sets = sets;
	p.nsets = n;
	scan_file(path, &p, r);
}

static void
set_of(struct rowset *set, const struct rowpath *rows, const char *src,
    const struct model *m)
{
	memset(set, 0, sizeof(*set));
	set->rows = *rows;
	set->rows_src = src;
	set->model = *m;
}

/* The scanner's answer must be the reference's, or a refusal of its own. */
static void
agree(const struct scan_result *mine, size_t nth, int ref_ok,
    const struct tally *ref, const char *pattern, const char *expr,
    const char *how)
{
	char	 what[96];

	snprintf(what, sizeof(what), "%s read a store the reference refuses",
	    how);
	must(!mine->ok || ref_ok, what, pattern, expr);
	snprintf(what, sizeof(what), "%s and the reference count differently",
	    how);
	must(!mine->ok || same_tally(&mine->tally[nth], ref), what, pattern,
	    expr);
	snprintf(what, sizeof(what), "%s failed on a store the reference "
	    "reads", how);
	must(mine->ok || !ref_ok || mine->failure == FAILURE_ENTITY ||
	    mine->failure == FAILURE_LIMIT, what, pattern, expr);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static struct rowpath	 rows[NPATTERNS];
	static int		 ready;
	struct model		 fast, tree;
	struct scan_result	 r_fast, r_tree, r_both;
	struct rowset		 sets[2];
	struct tally		 ref, ref2;
	struct buf		 err = { 0 }, forced = { 0 }, vforced = { 0 };
	const char		*expr, *value, *path;
	size_t			 i, pick, pick2;
	int			 ref_ok, ref2_ok;

	if (!ready) {
		for (i = 0; i < NPATTERNS; i++)
			must(rowpath_compile(&rows[i], patterns[i], &err) == 0,
			    "pattern", patterns[i], "");
		split_expressions();
		ready = 1;
	}
	/* gzip is the scanner's business alone: the reference reads none */
	if (size < 3 || (size >= 5 && data[3] == 0x1f && data[4] == 0x8b))
		return 0;
	pick = data[0] % NPATTERNS;
	pick2 = (data[0] / NPATTERNS) % NPATTERNS;	/* the second set's */
	expr = exprs[data[1] % nexprs];
	value = values[data[2] % nvalues];
	data += 3, size -= 3;

	/* the same fields, forced onto the row tree */
	buf_printf(&forced, "concat(%s, substring(\"\", count(namespace::*)))", expr);
	if (make_model(&fast, expr, value, &err) == -1) {
		/* refused before reading (it looks outside the row) */
		must(make_model(&tree, forced.data, value, &err) == -1,
		    "the wrapped expression accepted, the bare one refused",
		    patterns[pick], expr);
		goto out;
	}
	if (fast.values[0].expr.kind != FIELD_STREAMED)
		buf_puts(&vforced, value);
	else if (strncmp(value, "number(", 7) == 0 ||
	    strncmp(value, "date:seconds(", 13) == 0)
		buf_printf(&vforced, "(%s) + 0 * count(namespace::*)", value);	/* a number */
	else
		buf_printf(&vforced, "concat(%s, substring(\"\", count(namespace::*)))", value);
	must(make_model(&tree, forced.data, vforced.data, &err) == 0,
	    "the wrapped expression refused", patterns[pick], expr);
	must(tree.labels[0].expr.kind == FIELD_ROW_TREE &&
	    tree.values[0].expr.kind == FIELD_ROW_TREE, "a wrapped field took a "
	    "fast path", patterns[pick], expr);
	if ((path = storefile_write(data, size)) != NULL) {
		set_of(&sets[0], &rows[pick], patterns[pick], &fast);
		set_of(&sets[1], &rows[pick2], patterns[pick2], &tree);
		scan_bytes(path, &sets[0], 1, &r_fast);
		scan_bytes(path, &sets[1], 1, &r_tree);
		scan_bytes(path, sets, 2, &r_both);
		tally_init(&ref, &fast);
		tally_init(&ref2, &tree);
		ref_ok = reference_count((const char *)data, size, &rows[pick],
		    &fast, &ref) == 0;
		ref2_ok = reference_count((const char *)data, size,
		    &rows[pick2], &tree, &ref2) == 0;
		agree(&r_fast, 0, ref_ok, &ref, patterns[pick], expr,
		    fast.labels[0].expr.kind == FIELD_ROW_TREE ||
		    fast.values[0].expr.kind == FIELD_ROW_TREE ? "the row tree" :
		    "the streamed path");
		agree(&r_tree, 0, ref2_ok, &ref2, patterns[pick2], expr,
		    "the row tree (forced)");
		/* Two sets in one pass: each as if it were alone. */
		agree(&r_both, 0, ref_ok, &ref, patterns[pick], expr,
		    "the first of two sets");
		agree(&r_both, 1, ref2_ok, &ref2, patterns[pick2], expr,
		    "the second of two sets (forced)");
		tally_free(&ref);
		tally_free(&ref2);
		scan_result_free(&r_fast);
		scan_result_free(&r_tree);
		scan_result_free(&r_both);
	}
	model_free(&tree);
	model_free(&fast);
out:
	buf_free(&err);
	buf_free(&forced);
	buf_free(&vforced);
	return 0;
}
