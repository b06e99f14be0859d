/*
 * surveyout.c: what --survey prints (see survey.h).  Every line for a
 * person is a comment, so that the whole output is a --config file that
 * runs as it is: a row set for each kind of element that repeats, labels
 * for its categories within the series budget, sums and histograms for
 * its numbers, the first and last of its dates; each with a comment that
 * says why, and what was left out.  This file prints them in order; the
 * other files of src/surveyout/ (surveyout.h) make the parts.
 */
#include <stdlib.h>
#include <string.h>

#include "survey.h"
#include "surveyout.h"

static void
path_string(struct buf *b, const struct survey *sv, size_t i)
{
	if (sv->paths[i].parent != SIZE_MAX)
		path_string(b, sv, sv->paths[i].parent);
	else if (sv->rows != NULL)
		buf_putc(b, '/');	/* under --rows: //row/child */
	buf_printf(b, "/%s", sv->paths[i].name);
}

static void
list_paths(struct buf *b, const struct survey *sv)
{
	struct buf	 path = { 0 };
	size_t		 i;

	buf_printf(b, "#\n# Element paths, with how many there are and their "
	    "depth (%zu paths):\n", sv->npaths);
	for (i = 0; i < sv->npaths && i < MAX_LISTED; i++) {
		const struct survey_path *sp = &sv->paths[i];

		buf_reset(&path);
		path_string(&path, sv, i);
		buf_puts(b, "#   ");
		put_escaped(b, path.data, 0);
		buf_printf(b, "%*s %10llu  depth %zu", path.len < 40 ?
		    (int)(40 - path.len) : 0, "",
		    (unsigned long long)sp->count, sp->depth);
		if (sp->max_run >= 2)
			buf_printf(b, "  repeats (up to %llu in one parent)",
			    (unsigned long long)sp->max_run);
		if (sp->uri != NULL) {
			buf_puts(b, "  namespace ");
			put_escaped(b, sp->uri, 0);
		}
		buf_putc(b, '\n');
	}
	if (sv->npaths > MAX_LISTED)
		buf_printf(b, "#   ... and %zu more paths\n",
		    sv->npaths - MAX_LISTED);
	if (sv->dropped_paths > 0)
		buf_printf(b, "#   (%llu elements on paths past the first %d "
		    "not surveyed)\n", (unsigned long long)sv->dropped_paths,
		    SURVEY_MAX_PATHS);
	buf_free(&path);
}

static void
describe_rows(struct buf *b, struct proposal *pr, const struct rowkind *k,
    size_t nk)
{
	struct cand	*c;
	size_t		 i, n;

	for (i = 0; i < nk; i++) {
		if (!k[i].repeats || k[i].count < 2 || is_markup(pr->sv, &k[i]))
			continue;
		c = kind_fields(pr, &k[i], &n);
		buf_printf(b, "#\n# %s%s: %llu elements in %zu place%s; what "
		    "they hold (in how many):\n", pr->sv->rows != NULL ? "" :
		    "//", pr->sv->rows != NULL ? pr->sv->rows_src :
		    pr->sv->paths[k[i].paths[0]].name,
		    (unsigned long long)k[i].count, k[i].npaths,
		    k[i].npaths > 1 ? "s" : "");
		comment_fields(b, &k[i], pr->sv, c, n);
		note_unwritable(b, pr);
		cands_free(c, n);
	}
}

/*
 * A store whose elements are in a default namespace: rows match local
 * names, but in an expression an unprefixed name matches no element of
 * it, so say which prefix to bind, and the -n line for a command line.
 */
static void
default_namespace(struct buf *b, struct proposal *pr)
{
	const struct survey_path *root = &pr->sv->paths[0];
	const char	*px;

	if (pr->sv->npaths == 0 || root->uri == NULL || root->prefix != NULL)
		return;
	buf_puts(b, "# The store's elements are in a default namespace (");
	put_escaped(b, root->uri, 0);
	if ((px = ns_prefix(pr, root->uri, NULL)) == NULL) {
		buf_puts(b, "),\n# which no config line can bind: name them "
		    "with *[local-name()='NAME'] in expressions.\n");
		return;
	}
	buf_printf(b, "): an unprefixed name in an expression matches none of "
	    "them.\n# The lines below name them %s:NAME; on a command line, "
	    "bind the prefix with\n#   -n %s=%s\n", px, px, root->uri);
}

static void
print_header(struct buf *b, const char *file, const struct survey *sv)
{
	buf_printf(b, "# xml2prom --survey %s%s", sv->rows != NULL ?
	    "--rows " : "", sv->rows != NULL ? sv->rows_src : "");
	put_escaped(b, file, 0);
	buf_printf(b, ": %llu elements, %zu paths, depth %zu\n",
	    (unsigned long long)sv->elements, sv->npaths, sv->max_depth);
	if (sv->cut_at_line > 0)
		buf_printf(b, "# CUT: the survey stopped at line %lu: the store "
		    "has more than %d distinct element and attribute names,\n"
		    "# which the parser would all keep.  What follows is what "
		    "it saw until then.\n", sv->cut_at_line, SURVEY_MAX_NAMES);
	if (sv->rows != NULL)
		buf_printf(b, "# %llu elements match --rows %s\n",
		    (unsigned long long)sv->rows_matched, sv->rows_src);
}

void
survey_print(struct buf *b, const char *file, const struct survey *sv,
    size_t max_series)
{
	struct proposal	 pr;
	struct rowkind	*kinds;
	size_t		 sets[MAX_SETS], nsets, nkinds, i, budget;
	char		*names[MAX_SETS], *prefix;

	memset(&pr, 0, sizeof(pr));
	pr.sv = sv;
	print_header(b, file, sv);
	list_paths(b, sv);
	nkinds = find_kinds(sv, &kinds);
	describe_rows(b, &pr, kinds, nkinds);
	nsets = pick_sets(&pr, kinds, nkinds, sets);
	buf_puts(b, "#\n# A configuration that counts them, as it is:\n"
	    "#   xml2prom -c THIS_FILE -o - ");
	put_escaped(b, file, 0);
	buf_putc(b, '\n');
	if (nsets == 0)
		buf_puts(b, "# (no kind of element repeats with something to "
		    "count it by: the store's own metrics only)\n");
	prefix = choose_prefix(b, sv, file);
	default_namespace(b, &pr);
	/* describe_rows() bound every namespace the sets' fields need. */
	buf_printf(b, "prefix %s\nmax-series %zu\n", prefix, max_series);
	for (i = 0; i < pr.nns; i++)
		buf_printf(b, "namespace %s=%s\n", pr.prefixes[i], pr.uris[i]);
	budget = nsets > 0 ? (max_series - 10) / nsets : max_series;
	for (i = 0; i < nsets; i++) {
		names[i] = set_name(sv->paths[kinds[sets[i]].paths[0]].name,
		    names, i);
		propose_set(b, &pr, &kinds[sets[i]], names[i], budget);
	}
	if (pr.series > max_series)
		buf_printf(b, "\n# these sets make up to %zu series: past "
		    "max-series %zu, drop a label above\n", pr.series,
		    max_series);
	for (i = 0; i < nsets; i++)
		free(names[i]);
	for (i = 0; i < nkinds; i++)
		free(kinds[i].paths);
	free(kinds);
	for (i = 0; i < pr.nns; i++)
		free(pr.prefixes[i]);
	free(prefix);
}
