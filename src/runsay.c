/*
 * runsay.c: what a run says of its reads on standard error, and --check's
 * verdict on standard output (see runsay.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exitcodes.h"
#include "runsay.h"

void
runsay_complain(const struct config *c, const char *msg)
{
	/* Under --dump 2>&1, the rows so far come first, whole lines. */
	fflush(stdout);
	if (!c->quiet)
		fprintf(stderr, "xml2prom: %s\n", msg);
}

/* The first file of SP past --max-series; those after it fail too. */
void
runsay_over_limit(const struct config *c, const struct store_pattern *sp,
    const struct store_file *f)
{
	struct buf	 msg = { 0 };

	buf_printf(&msg, "%s: more than %zu series (see --max-series) over its "
	    "files: %s and every file after it failed, reason \"limit\"",
	    sp->arg, c->max_series, f->path);
	runsay_complain(c, msg.data);
	buf_free(&msg);
}

/*
 * Is standard error the journal (a systemd unit's)?  systemd says so in
 * JOURNAL_STREAM, the device and inode of the stream it connected.
 */
int
runsay_to_journal(void)
{
	const char	*js = getenv("JOURNAL_STREAM");
	unsigned long	 dev, ino;
	struct stat	 st;

	return js != NULL && sscanf(js, "%lu:%lu", &dev, &ino) == 2 &&
	    fstat(STDERR_FILENO, &st) == 0 && st.st_dev == (dev_t)dev &&
	    st.st_ino == (ino_t)ino;
}

/* "FILE: " or, for a named set, "FILE: set NAME: ". */
static void
whose(struct buf *b, const char *file, const struct rowset *set)
{
	buf_reset(b);
	buf_printf(b, "%s: ", file);
	if (set->name != NULL)
		buf_printf(b, "set %s: ", set->name);
}

/*
 * -v: the counts.  With them, in the journal and under --check always,
 * the ways a wrong option reads as success: no element matches --rows,
 * none passes --where, a label is empty for every row, a value skipped
 * for every row.  (Not by default elsewhere: a store may legitimately be
 * empty, and cron mails stderr every minute.)
 */
static void
say_what_set_read(const struct config *c, const char *file,
    const struct rowset *set, const struct tally *t)
{
	const struct model	*m = &set->model;
	struct buf		 who = { 0 };
	size_t			 i;

	whose(&who, file, set);
	if (!c->verbose)
		;
	else if (m->nlabels == 1 && m->type_label == 0)
		fprintf(stderr, "xml2prom: %s%llu rows, %zu types\n", who.data,
		    (unsigned long long)t->total_rows, t->rows.n);
	else
		fprintf(stderr, "xml2prom: %s%llu rows, %zu groups\n", who.data,
		    (unsigned long long)t->total_rows, t->rows.n);
	if (c->verbose && t->total_rows > 0 && t->not_where > 0)
		fprintf(stderr, "xml2prom: %s%llu more left out by --where\n",
		    who.data, (unsigned long long)t->not_where);
	if (t->total_rows == 0 && t->not_where > 0)
		fprintf(stderr, "xml2prom: %s%llu elements match --rows '%s', "
		    "none passes --where '%s'\n", who.data,
		    (unsigned long long)t->not_where, set->rows_src,
		    m->where.src);
	else if (t->total_rows == 0)
		fprintf(stderr, "xml2prom: %sno element matches --rows '%s' "
		    "(--dump shows what the rows hold)\n", who.data,
		    set->rows_src);
	for (i = 0; t->total_rows > 0 && i < m->nlabels; i++)
		if (t->empty[i] == t->total_rows)
			fprintf(stderr, "xml2prom: %s%s '%s' is empty for every "
			    "row, all counted as '%s' (--dump shows what the "
			    "rows hold)\n", who.data, m->labels[i].what,
			    m->labels[i].src, m->labels[i].missing);
	for (i = 0; t->total_rows > 0 && i < m->nvalues; i++)
		if (t->skipped[i] > 0 && t->skipped[i] == t->total_rows -
		    t->filtered)
			fprintf(stderr, "xml2prom: %s%s '%s' gave no number "
			    "for any row (--dump says why)\n", who.data,
			    m->values[i].what, m->values[i].src);
	buf_free(&who);
}

void
runsay_what_was_read(const struct config *c, const char *file,
    const struct scan_result *r)
{
	size_t	 i;

	for (i = 0; i < c->nsets; i++)
		say_what_set_read(c, file, &c->sets[i], &r->tally[i]);
}

/*
 * --check's own verdict, once the stores were read and the output could
 * be written: a row set that matched no element of a store would count
 * nothing, every minute; a field that reads nothing of the row
 * (options.h) gives every row the same.  A label empty for every row, a
 * value never a number, or no row passing --where are said, not failed:
 * a status label is empty while every test passes, and no port may be
 * open today.
 */
int
runsay_check_verdict(const struct config *c, const struct scan_result *results,
    size_t nresults)
{
	size_t	 i, k, unmatched = 0;

	for (i = 0; i < nresults; i++)
		for (k = 0; results[i].ok && k < c->nsets; k++)
			if (results[i].tally[k].total_rows == 0 &&
			    results[i].tally[k].not_where == 0)
				unmatched++;
	if (unmatched == 0 && c->constant_fields == 0)
		return EXIT_OK;
	printf("xml2prom: check: failed:");
	if (unmatched > 0)
		printf(" %zu row set%s matched no row%s", unmatched,
		    unmatched == 1 ? "" : "s", c->constant_fields > 0 ? "," : "");
	if (c->constant_fields > 0)
		printf(" %zu field%s nothing of the row", c->constant_fields,
		    c->constant_fields == 1 ? " reads" : "s read");
	printf(" (said above)\n");
	return EXIT_CHECK;
}
