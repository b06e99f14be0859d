/*
 * exponames.c: the check that no two families of a run share a name (see
 * exponames.h).
 */
#include <stdlib.h>
#include <string.h>

#include "exponames.h"
#include "own.h"

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
	for (k = FILES; set->across && k <= FILE_FAILURE; k++)
		add_name(w, set->prefix, own_families[k].suffix, "", by.data);
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
	add_name(&w, ep->prefix, "store_files", "", "xml2prom's own");
	add_name(&w, ep->prefix, "store_label_conflicts", "", "xml2prom's own");
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
