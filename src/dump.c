/*
 * dump.c: the --dump listing.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "dump.h"

static void
print_label(FILE *out, const char *name, const char *value, size_t len)
{
	struct buf	 quoted = { 0 };

	expo_escape_label_value(&quoted, value, len);
	fprintf(out, "%s=\"%s\"", name, quoted.data != NULL ? quoted.data : "");
	buf_free(&quoted);
}

void
dump_row(void *arg, unsigned long line, const struct row *r,
    const struct row_report *rep)
{
	const struct dump	*d = arg;
	const struct model	*m = d->expo->model;
	struct buf		 num = { 0 };
	size_t			 i;

	fprintf(d->out, "%s:%lu: row", d->path, line);
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

void
dump_counts(const struct dump *d, const struct scan_result *r)
{
	const struct model	*m = d->expo->model;
	const struct group	**sorted, **g;
	const char		*v;
	size_t			 i;

	if (!r->ok) {
		fprintf(d->out, "%s: failed, no counts reported: %s\n", d->path,
		    r->error);
		return;
	}
	sorted = tally_sorted(&r->tally.rows);
	for (g = sorted; *g != NULL; g++) {
		fprintf(d->out, "%s: count", d->path);
		for (i = 0; i < m->nlabels; i++) {
			v = tally_key_label(*g, i);
			fputc(' ', d->out);
			print_label(d->out, m->labels[i].name, v, strlen(v));
		}
		fprintf(d->out, " %" PRIu64 " reported\n", (*g)->n);
	}
	free(sorted);
	if (r->tally.filtered > 0)
		fprintf(d->out, "%s: filtered %" PRIu64 " rows (-i/-x)\n",
		    d->path, r->tally.filtered);
	for (i = 0; i < m->nvalues; i++)
		if (r->tally.skipped[i] > 0)
			fprintf(d->out, "%s: skipped %" PRIu64 " values of %s\n",
			    d->path, r->tally.skipped[i], m->values[i].name);
	fprintf(d->out, "%s: total %" PRIu64 "\n", d->path, r->tally.total_rows);
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
