/*
 * dump.c: the --dump listing.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "dump.h"
#include "expofmt.h"

static void
print_label(FILE *out, const char *name, const char *value, size_t len)
{
	struct buf	 quoted = { 0 };

	expo_escape_label_value(&quoted, value, len);
	fprintf(out, "%s=\"%s\"", name, quoted.data != NULL ? quoted.data : "");
	buf_free(&quoted);
}

/* A row of a named set says whose it is: an element may be a row of two. */
void
dump_row(void *arg, const struct rowset *set, unsigned long line,
    const struct row *r, const struct row_report *rep)
{
	const struct dump	*d = arg;
	const struct model	*m = &set->model;
	struct buf		 num = { 0 };
	size_t			 i;

	fprintf(d->out, "%s:%lu: row", d->path, line);
	if (set->name != NULL)
		fprintf(d->out, " of set %s:", set->name);
	if (rep->left_out) {
		fprintf(d->out, " left out: --where '%s' does not hold\n",
		    m->where.src);
		return;
	}
	for (i = 0; i < m->nlabels; i++) {
		fputc(' ', d->out);
		print_label(d->out, m->labels[i].name, r->label[i],
		    r->label_len[i]);
	}
	for (i = 0; rep->reported && i < m->nvalues; i++) {
		if (!r->has_value[i])
			continue;
		buf_reset(&num);
		expo_format_number(&num, r->value[i]);
		fprintf(d->out, " %s=%s", m->values[i].name, num.data);
	}
	fputs(rep->reported ? " reported" : " filtered", d->out);
	for (i = 0; rep->reported && i < m->nvalues; i++) {
		if (r->has_value[i])
			continue;
		fprintf(d->out, "; %s skipped: ", m->values[i].name);
		if (rep->skip_text[i] != NULL) {
			buf_reset(&num);
			expo_escape_label_value(&num, rep->skip_text[i],
			    rep->skip_len[i]);
			fprintf(d->out, "\"%s\" ", num.data);
		}
		fputs(rep->skip_why[i], d->out);
	}
	fputc('\n', d->out);
	buf_free(&num);
}

/* A set's groups, what it left out, and its total. */
static void
dump_set_counts(const struct dump *d, const struct rowset *set,
    const struct tally *t)
{
	const struct model	*m = &set->model;
	const struct group	**sorted, **g;
	const char		*v;
	char			 who[256];
	size_t			 i;

	snprintf(who, sizeof(who), "%s%s%s", set->name != NULL ? " set " : "",
	    set->name != NULL ? set->name : "", set->name != NULL ? ":" : "");
	sorted = tally_sorted(&t->rows);
	for (g = sorted; *g != NULL; g++) {
		fprintf(d->out, "%s:%s count", d->path, who);
		for (i = 0; i < m->nlabels; i++) {
			v = tally_key_label(*g, i);
			fputc(' ', d->out);
			print_label(d->out, m->labels[i].name, v, strlen(v));
		}
		fprintf(d->out, " %" PRIu64 " reported\n", (*g)->n);
	}
	free(sorted);
	if (t->not_where > 0)
		fprintf(d->out, "%s:%s left out %" PRIu64 " rows (--where)\n",
		    d->path, who, t->not_where);
	if (t->filtered > 0)
		fprintf(d->out, "%s:%s filtered %" PRIu64 " rows (-i/-x)\n",
		    d->path, who, t->filtered);
	for (i = 0; i < m->nvalues; i++)
		if (t->skipped[i] > 0)
			fprintf(d->out, "%s:%s skipped %" PRIu64 " values of "
			    "%s\n", d->path, who, t->skipped[i],
			    m->values[i].name);
	fprintf(d->out, "%s:%s total %" PRIu64 "\n", d->path, who,
	    t->total_rows);
	if (set->name != NULL && t->total_rows == 0 && t->not_where == 0)
		fprintf(d->out, "%s:%s no element matches --rows '%s'\n",
		    d->path, who, set->rows_src);
}

void
dump_counts(const struct dump *d, const struct scan_result *r)
{
	size_t	 i;

	if (!r->ok) {
		fprintf(d->out, "%s: failed, no counts reported: %s\n", d->path,
		    r->error);
		return;
	}
	for (i = 0; i < d->expo->nsets; i++)
		dump_set_counts(d, &d->expo->sets[i], &r->tally[i]);
	if (r->first_row != NULL)
		fprintf(d->out, "%s: the first row, %s\n", d->path,
		    r->first_row);
	else
		fprintf(d->out, "%s: no element matches --rows\n", d->path);
}

/* A comment line, so that what follows the counts is still exposition text. */
void
dump_heading(FILE *out, const char *target)
{
	fprintf(out, "# xml2prom --dump: the text that would be written to %s\n",
	    target != NULL ? target : "standard output");
}
