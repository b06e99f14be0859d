/*
 * rank.c: which kinds of row --survey proposes as sets (see surveyout.h):
 * elements of one name that repeat, ranked by what a set of them would
 * be worth to an operator, at most MAX_SETS.
 */
#include <string.h>

#include "survey.h"
#include "surveyout.h"

/*
 * The kinds of rows: elements of one name that repeat somewhere (or,
 * under --rows, the rows), each with its fields.
 */
size_t
find_kinds(const struct survey *sv, struct rowkind **out)
{
	struct rowkind	*k = NULL;
	size_t		 n = 0, i, j;

	for (i = 0; i < sv->npaths; i++) {
		const struct survey_path *sp = &sv->paths[i];

		if (sv->rows != NULL && sp->parent != SIZE_MAX)
			continue;
		for (j = 0; j < n; j++)
			/* By local name: what a --rows pattern tells apart. */
			if (sv->rows != NULL || sv->paths[k[j].paths[0]].key_name ==
			    sp->key_name)
				break;
		if (j == n) {
			k = xreallocarray(k, n + 1, sizeof(*k));
			memset(&k[n++], 0, sizeof(*k));
		}
		k[j].paths = xreallocarray(k[j].paths, k[j].npaths + 1,
		    sizeof(size_t));
		k[j].paths[k[j].npaths++] = i;
		k[j].count += sp->count;
		k[j].repeats |= sp->max_run >= 2 || sv->rows != NULL;
	}
	*out = k;
	return n;
}

/*
 * What a set of this kind would be worth to an operator: an outcome to
 * count by (a result, a status, a severity) most, another category next
 * (three at most), a number or a date (four at most) least; 0: it would
 * use nothing.  OpenSCAP's rule-result (result, severity) so comes
 * before the OVAL criteria that outnumber it.
 */
static size_t
worth(struct proposal *pr, struct rowkind *kd)
{
	struct cand	*c;
	size_t		 n, i, w = 0, others = 0, values = 0;

	c = kind_fields(pr, kd, &n);
	for (i = 0; i < n; i++)
		if (c[i].kind == CATEGORY && is_outcome_name(c[i].xml_name))
			w += c[i].distinct < 2 ? 1 : 8;
		else if (c[i].kind == CATEGORY)
			others++;
		else if (c[i].kind == NUMBER || c[i].kind == DATE)
			values++;
	cands_free(c, n);
	return w + 2 * (others < 3 ? others : 3) + (values < 4 ? values : 4);
}

static int
ranks_before(const struct rowkind *a, const struct rowkind *b)
{
	return a->useful > b->useful || (a->useful == b->useful &&
	    a->count > b->count);
}

/*
 * The kinds proposed as sets: those that repeat and hold something to
 * count by, the most worth first (then the most rows), at most MAX_SETS.
 * (Markup like <br/> in a description repeats too, but has nothing to
 * count by.)
 */
size_t
pick_sets(struct proposal *pr, struct rowkind *k, size_t nk, size_t *sets)
{
	size_t	 n = 0, i, j;

	for (i = 0; i < nk; i++) {
		if (!k[i].repeats || k[i].count < 2 ||
		    is_markup(pr->sv, &k[i]) ||
		    (k[i].useful = worth(pr, &k[i])) == 0)
			continue;
		for (j = n; j > 0 && ranks_before(&k[i], &k[sets[j - 1]]); j--)
			if (j < MAX_SETS)
				sets[j] = sets[j - 1];
		if (j < MAX_SETS)
			sets[j] = i;
		if (n < MAX_SETS)
			n++;
	}
	return n;
}
