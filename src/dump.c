/*
 * dump.c: the --dump listing.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "dump.h"

static void
print_type(FILE *out, const char *type, size_t len)
{
	struct buf	 quoted = { 0 };

	expo_escape_label_value(&quoted, type, len);
	fprintf(out, "type=\"%s\"", quoted.data != NULL ? quoted.data : "");
	buf_free(&quoted);
}

static const char *
verdict(const struct expo_params *ep, const char *type, size_t len)
{
	return expo_type_reported(ep, type, len) ? "reported" : "filtered";
}

void
dump_row(void *arg, unsigned long line, const char *type, size_t len)
{
	const struct dump	*d = arg;

	fprintf(d->out, "%s:%lu: row ", d->path, line);
	print_type(d->out, type, len);
	fprintf(d->out, " %s\n", verdict(d->expo, type, len));
}

void
dump_counts(const struct dump *d, const struct scan_result *r)
{
	const struct tally_entry **sorted, **e;

	if (!r->ok) {
		fprintf(d->out, "%s: failed, no counts reported: %s\n", d->path,
		    r->error);
		return;
	}
	sorted = tally_sorted(&r->tally);
	for (e = sorted; *e != NULL; e++) {
		fprintf(d->out, "%s: count ", d->path);
		print_type(d->out, (*e)->type, (*e)->len);
		fprintf(d->out, " %" PRIu64 " %s\n", (*e)->rows,
		    verdict(d->expo, (*e)->type, (*e)->len));
	}
	free(sorted);
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
