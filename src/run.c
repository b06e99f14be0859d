/*
 * run.c: one run (see run.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "collide.h"
#include "dump.h"
#include "exitcodes.h"
#include "expo.h"
#include "options.h"
#include "run.h"
#include "scan.h"
#include "textfile.h"

static void
complain(const struct config *c, const char *msg)
{
	/* Under --dump 2>&1, the rows so far come first, whole lines. */
	fflush(stdout);
	if (!c->quiet)
		fprintf(stderr, "xml2prom: %s\n", msg);
}

/*
 * Is standard error the journal (a systemd unit's)?  systemd says so in
 * JOURNAL_STREAM, the device and inode of the stream it connected.
 */
static int
stderr_is_journal(void)
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

static void
say_what_was_read(const struct config *c, const char *file,
    const struct scan_result *r)
{
	size_t	 i;

	for (i = 0; i < c->nsets; i++)
		say_what_set_read(c, file, &c->sets[i], &r->tally[i]);
}

static int
same_time(struct timespec a, struct timespec b)
{
	return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

static int
before(struct timespec a, struct timespec b)
{
	return a.tv_sec < b.tv_sec || (a.tv_sec == b.tv_sec &&
	    a.tv_nsec < b.tv_nsec);
}

/* A - B in milliseconds. */
static long long
ms_between(struct timespec a, struct timespec b)
{
	return (long long)(a.tv_sec - b.tv_sec) * 1000 +
	    (a.tv_nsec - b.tv_nsec) / 1000000;
}

/*
 * Was the kept read made less than --reread-after ago?  On the wall
 * clock, as the read's own time: a clock set back reads again.
 */
static int
read_lately(const struct config *c, const struct store_id *id)
{
	struct timespec	 now;
	long long	 age;

	clock_gettime(CLOCK_REALTIME, &now);
	age = ms_between(now, id->opened);
	return age >= 0 && (unsigned long long)age < c->reread_after_ms;
}

/*
 * May a resident run write the kept read of PATH again instead of reading
 * it (see run.h)?  Anything but a plain yes reads it again.
 */
static int
still_current(const struct config *c, const char *path,
    const struct scan_result *kept)
{
	const struct store_id	*id = &kept->id;
	struct timespec		 settled = id->opened;
	struct stat		 st;

	settled.tv_sec -= RUN_SETTLED_SECONDS;

	return kept->ok && id->known && strcmp(path, "-") != 0 &&
	    read_lately(c, id) &&
	    stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_dev == id->dev && st.st_ino == id->ino &&
	    st.st_size == id->size && same_time(st.st_mtim, id->mtime) &&
	    same_time(st.st_ctim, id->ctime) &&
	    before(id->mtime, settled) && before(id->ctime, settled);
}

/*
 * --settle: how long until PATH was last modified --settle ago; 0 when it
 * was (or stat cannot tell: the read says why).  A time in the future is
 * settled, so that a skewed clock never holds a store back for good.
 */
static long long
unsettled_for(const struct config *c, const char *path)
{
	struct stat	 st;
	struct timespec	 now;
	long long	 age;

	if (c->settle_ms == 0 || c->check || c->dump ||
	    strcmp(path, "-") == 0 || stat(path, &st) != 0 ||
	    !S_ISREG(st.st_mode))
		return 0;
	clock_gettime(CLOCK_REALTIME, &now);
	age = ms_between(now, st.st_mtim);
	if (age < 0 || (unsigned long long)age >= c->settle_ms)
		return 0;
	return (long long)c->settle_ms - age;
}

/* Has a resident run read this store before (whole or not)? */
static int
was_read(const struct scan_result *kept)
{
	return kept->ok || kept->error != NULL;
}

/*
 * A store modified within --settle is not read yet: a resident run takes
 * its last read (its times unchanged: last_success says when it was
 * true); with none, the run writes nothing (returns 1).
 */
static int
defer_store(const struct config *c, size_t i, long long wait,
    struct scan_result *r, struct run_memory *mem)
{
	const char	*path = c->files[i];

	if (mem != NULL && (mem->settle_wait_ms == 0 ||
	    wait < mem->settle_wait_ms))
		mem->settle_wait_ms = wait;
	if (c->verbose)
		fprintf(stderr, "xml2prom: %s: modified %lld ms ago, within "
		    "--settle %lums: not read yet%s\n", path,
		    (long long)c->settle_ms - wait, c->settle_ms,
		    mem != NULL && was_read(&mem->kept[i]) ?
		    ", its last read's counts kept" : "");
	if (mem == NULL || !was_read(&mem->kept[i]))
		return 1;
	*r = mem->kept[i];
	memset(&mem->kept[i], 0, sizeof(mem->kept[i]));
	return 0;
}

/*
 * Reads FILE i into r, or takes the kept read of it when still current.
 * Returns 1 when it is neither read nor kept (--settle).
 */
static int
read_store(const struct config *c, size_t i, const struct scan_params *p,
    struct scan_result *r, struct run_memory *mem)
{
	long long	 wait;

	if ((wait = unsettled_for(c, c->files[i])) > 0)
		return defer_store(c, i, wait, r, mem);
	if (mem != NULL && still_current(c, c->files[i], &mem->kept[i])) {
		*r = mem->kept[i];
		memset(&mem->kept[i], 0, sizeof(mem->kept[i]));
		clock_gettime(CLOCK_REALTIME, &r->finished);
		if (c->verbose)
			fprintf(stderr, "xml2prom: %s: unchanged since its last "
			    "read (same inode, size and times): not read "
			    "again\n", c->files[i]);
		return 0;
	}
	/* Freed first, so that every read starts from the same heap. */
	if (mem != NULL)
		scan_result_free(&mem->kept[i]);
	scan_file(c->files[i], p, r);
	return 0;
}

/*
 * Reads every FILE; returns how many failed, and in *deferred how many
 * were neither read nor kept (--settle).
 */
static size_t
scan_all(const struct config *c, struct scan_result *results,
    struct run_memory *mem, size_t *deferred)
{
	struct scan_params	 p;
	struct dump		 d;
	size_t			 i, failed = 0;
	int			 warn = !c->quiet && (c->check ||
				    stderr_is_journal());

	memset(&p, 0, sizeof(p));
	p.sets = c->sets;
	p.nsets = c->nsets;
	p.dump = c->dump;
	p.on_row = dump_row;
	p.on_row_arg = &d;
	p.interrupted = mem != NULL ? mem->interrupted : NULL;
	d.out = stdout;
	d.expo = &c->expo;
	if (c->dump && c->verbose)	/* why each field costs what it costs */
		scan_print_plan(stdout, c->sets, c->nsets);
	for (i = 0; i < c->nfiles; i++) {
		d.path = c->files[i];
		if (read_store(c, i, &p, &results[i], mem) != 0) {
			(*deferred)++;
			continue;
		}
		if (p.interrupted != NULL && p.interrupted())
			return failed;
		if (!results[i].ok) {
			failed++;
			complain(c, results[i].error);
		} else if (c->verbose || warn)
			say_what_was_read(c, c->files[i], &results[i]);
		if (c->dump)
			dump_counts(&d, &results[i]);
	}
	return failed;
}

/* A failed store keeps the last-success time found in PREVIOUS. */
static void
render_after(const struct config *c, const char *previous,
    struct scan_result *results, struct buf *out)
{
	struct expo_file	*files;
	size_t			 i;

	files = xcalloc(c->nfiles, sizeof(*files));
	for (i = 0; i < c->nfiles; i++) {
		files[i].path = c->files[i];
		files[i].result = &results[i];
		if (!results[i].ok && previous != NULL)
			files[i].carried_success = expo_previous_success(
			    &c->expo, c->files[i], previous);
	}
	expo_render(out, &c->expo, files, c->nfiles);
	for (i = 0; i < c->nfiles; i++)
		free(files[i].carried_success);
	free(files);
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
static int
check_verdict(const struct config *c, const struct scan_result *results)
{
	size_t	 i, k, unmatched = 0;

	for (i = 0; i < c->nfiles; i++)
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

static void
render(const struct config *c, const struct textfile *tf,
    struct scan_result *results, size_t failed, struct buf *out)
{
	char	*previous = NULL;

	/* A failed store keeps the last-success time of the previous run. */
	if (failed > 0 && tf != NULL)
		previous = textfile_previous(tf);
	render_after(c, previous, results, out);
	free(previous);
}

/*
 * Another .prom file of the directory that holds one of the series this
 * run writes (see collide.h): --check names such files; a run refuses to
 * write (exit 3), leaving the previous file as it was.
 */
static int
check_collisions(const struct config *c, const struct textfile *tf,
    const struct buf *text)
{
	if (collide_check(c, tf, text->data) > 0 && !c->check)
		return EXIT_OUTPUT;
	return EXIT_OK;
}

static int
write_stdout(const struct buf *text)
{
	if (fwrite(text->data, 1, text->len, stdout) != text->len ||
	    fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "xml2prom: standard output: %s\n",
		    strerror(errno));
		return EXIT_OUTPUT;
	}
	return EXIT_OK;
}

/* Under -d: another run's output is refused (see collide.h). */
static int
check_same_output(const struct config *c, const struct textfile *tf)
{
	char		*previous = textfile_previous(tf);
	enum output_owner who = collide_output_owner(c, previous);

	free(previous);
	return who != OUTPUT_OURS ? EXIT_USAGE : EXIT_OK;
}

static int
replace_output(const struct config *c, struct textfile *tf,
    const struct buf *text)
{
	struct buf	 err = { 0 };
	int		 status = EXIT_OK;

	if (check_collisions(c, tf, text) != EXIT_OK)
		return EXIT_OUTPUT;
	if (c->check) {
		if (textfile_probe(tf, c->mode, &err) == -1)
			status = EXIT_OUTPUT;
		else
			printf("xml2prom: check: %s can be written (lock taken, "
			    "temp file created and removed)\n", c->output_path);
	} else if (textfile_replace(tf, text->data, text->len, c->mode,
	    &err) == -1)
		status = EXIT_OUTPUT;
	else if (c->verbose)
		fprintf(stderr, "xml2prom: wrote %s\n", c->output_path);
	if (status != EXIT_OK)
		fprintf(stderr, "xml2prom: %s\n", err.data);
	buf_free(&err);
	return status;
}

/*
 * The reads a resident run keeps for the next: this run's, in place of
 * the last's (those taken again were moved out, the others are freed).
 */
static void
keep_reads(struct run_memory *mem, struct scan_result *results, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		scan_result_free(&mem->kept[i]);	/* not read: none */
		mem->kept[i] = results[i];
	}
}

void
run_memory_forget(struct run_memory *mem)
{
	size_t	 i;

	for (i = 0; i < mem->nkept; i++)
		scan_result_free(&mem->kept[i]);
	free(mem->kept);
	mem->kept = NULL;
	mem->nkept = 0;
}

/* The output, locked; under -d, refused when another run's. */
static int
lock_output(const struct config *c, struct textfile *tf)
{
	struct buf	 err = { 0 };
	int		 status;

	if ((status = textfile_lock(tf, c->output_path, &err)) != 0) {
		fprintf(stderr, "xml2prom: %s\n", err.data);
		textfile_close(tf);
	} else if (c->output_derived &&
	    (status = check_same_output(c, tf)) != EXIT_OK)
		textfile_close(tf);
	buf_free(&err);
	return status;
}

int
run_once(const struct config *c, struct run_memory *mem)
{
	struct textfile		 tf;
	struct scan_result	*results;
	struct buf		 text = { 0 };
	int			 locked = 0, status;
	size_t			 i, failed, deferred = 0;

	if (c->output_path != NULL && !c->dump) {
		if ((status = lock_output(c, &tf)) != EXIT_OK)
			return status;
		locked = 1;
	}
	if (mem != NULL) {
		if (mem->kept == NULL) {
			mem->kept = xcalloc(c->nfiles, sizeof(*mem->kept));
			mem->nkept = c->nfiles;
		}
		mem->settle_wait_ms = 0;
	}
	results = xcalloc(c->nfiles, sizeof(*results));
	failed = scan_all(c, results, mem, &deferred);
	if (mem != NULL && mem->interrupted != NULL && mem->interrupted()) {
		/* Stopped: the previous output stays as it was. */
		status = EXIT_OK;
		goto out;
	}
	if (deferred > 0) {
		/* A store still being written, and no read of it to keep. */
		if (c->verbose)
			fprintf(stderr, "xml2prom: %s: not written: %zu store(s) "
			    "within --settle; the previous output kept\n",
			    c->output_path != NULL ? c->output_path :
			    "standard output", deferred);
		status = EXIT_OK;
		goto out;
	}
	render(c, locked ? &tf : NULL, results, failed, &text);
	status = failed > 0 ? EXIT_FILE : EXIT_OK;
	if (c->dump)
		dump_heading(stdout, c->output_path);
	if (!locked) {
		if (write_stdout(&text) != EXIT_OK)
			status = EXIT_OUTPUT;
	} else if (replace_output(c, &tf, &text) != EXIT_OK)
		status = EXIT_OUTPUT;
	if (c->check && status == EXIT_OK)
		status = check_verdict(c, results);
out:
	if (locked)
		textfile_close(&tf);
	if (mem != NULL)
		keep_reads(mem, results, c->nfiles);
	else
		for (i = 0; i < c->nfiles; i++)
			scan_result_free(&results[i]);
	free(results);
	buf_free(&text);
	return status;
}

/*
 * The exporter's run (see run.h): the stores read as a resident run reads
 * them, the text a one-shot run would write rendered into OUT, nothing
 * locked or written.
 */
int
run_render(const struct config *c, struct run_memory *mem,
    const char *previous, struct buf *out)
{
	struct scan_result	*results;
	size_t			 failed, deferred = 0;
	int			 status;

	if (mem->kept == NULL) {
		mem->kept = xcalloc(c->nfiles, sizeof(*mem->kept));
		mem->nkept = c->nfiles;
	}
	mem->settle_wait_ms = 0;
	results = xcalloc(c->nfiles, sizeof(*results));
	failed = scan_all(c, results, mem, &deferred);
	if (mem->interrupted != NULL && mem->interrupted())
		status = -1;
	else if (deferred > 0) {
		/* A store still written (--settle), never read: what was served. */
		if (previous != NULL)
			buf_puts(out, previous);
		status = EXIT_OK;
	} else {
		render_after(c, previous, results, out);
		status = failed > 0 ? EXIT_FILE : EXIT_OK;
	}
	keep_reads(mem, results, c->nfiles);
	free(results);
	return status;
}
