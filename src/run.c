/*
 * run.c: one run (see run.h).  The order of its steps: whether a store is
 * read again is reuse.h's, what is said of the reads runsay.h's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "collide.h"
#include "dump.h"
#include "exitcodes.h"
#include "expo.h"
#include "options.h"
#include "reuse.h"
#include "run.h"
#include "runsay.h"
#include "scan.h"
#include "storelist.h"
#include "textfile.h"

/*
 * One run's files and what was read of them: results[i] is the read of
 * list.files[i] (none for a file of a label conflict).
 */
struct cycle {
	struct store_list	 list;
	struct scan_result	*results;
	size_t			 problems;	/* arguments that found nothing,
						   files left out */
};

/*
 * Reads every file found; returns how many failed, and in *deferred how
 * many were neither read nor kept (--settle).
 */
static size_t
scan_all(const struct config *c, struct cycle *cy, struct run_memory *mem,
    size_t *deferred)
{
	struct scan_params	 p;
	struct dump		 d;
	struct scan_result	*r;
	size_t			 i, failed = 0;
	int			 warn = !c->quiet && (c->check ||
				    runsay_to_journal());

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
	for (i = 0; i < cy->list.nfiles; i++) {
		if (cy->list.files[i].conflict)
			continue;
		d.path = cy->list.files[i].path;
		r = &cy->results[i];
		if (reuse_read_store(c, d.path, &p, r, mem) != 0) {
			(*deferred)++;
			continue;
		}
		if (p.interrupted != NULL && p.interrupted())
			return failed;
		if (!r->ok) {
			failed++;
			runsay_complain(c, r->error);
		} else if (c->verbose || warn)
			runsay_what_was_read(c, d.path, r);
		if (c->dump)
			dump_counts(&d, r);
	}
	return failed;
}

/* One file past --max-series over its glob: failed, as one alone. */
static void
fail_over_limit(const struct config *c, const struct store_file *f,
    const struct store_pattern *sp, struct scan_result *r)
{
	struct buf	 why = { 0 };

	buf_printf(&why, "%s: more than %zu series (see --max-series) over "
	    "the files of %s", f->path, c->max_series, sp->arg);
	scan_result_free(r);
	r->failure = FAILURE_LIMIT;
	r->error = buf_steal(&why);
}

/*
 * The metrics of FILES (found as LIST says) into OUT, with the
 * --across-files sets' aggregates of each store argument; returns how
 * many files those aggregates failed (--max-series), said here.
 */
size_t
run_render_files(const struct config *c, struct expo_file *files,
    size_t nfiles, const struct store_list *list, struct buf *out)
{
	static const struct scan_result conflict = { .failure =
				    FAILURE_CONFLICT };
	struct across_stores	 stores;
	struct across_file	*af;
	struct buf		 said = { 0 };
	const char		**patterns;
	size_t			 i, n = 0, over;

	af = xcalloc(nfiles + list->nfiles + 1, sizeof(*af));
	for (i = 0; i < nfiles; i++, n++) {
		af[n].path = files[i].path;
		af[n].label = EXPO_FILE_LABEL(&files[i]);
		af[n].result = files[i].result;
		af[n].pattern = files[i].pattern;
	}
	/*
	 * A file left out by a label conflict is not in FILES, nor summed:
	 * named by its path, the label it would share being no name.
	 */
	for (i = 0; i < list->nfiles; i++) {
		if (!list->files[i].conflict)
			continue;
		af[n].path = af[n].label = list->files[i].path;
		af[n].result = &conflict;
		af[n++].pattern = list->files[i].pattern;
	}
	patterns = xcalloc(list->npatterns + 1, sizeof(*patterns));
	for (i = 0; i < list->npatterns; i++)
		patterns[i] = list->patterns[i].arg;
	over = across_build(&stores, c->sets, c->nsets, c->expo.file_order,
	    patterns, list->npatterns, af, n, &said);
	if (over > 0 && !c->quiet) {
		fflush(stdout);
		fprintf(stderr, "xml2prom: %s", said.data);
	}
	expo_render(out, &c->expo, files, nfiles, list, &stores);
	across_stores_free(&stores);
	buf_free(&said);
	free(patterns);
	free(af);
	return over;
}

/*
 * --max-series over a glob or a directory counts the series of all its
 * files (in byte order of their path): a file that would pass it fails,
 * as a store that alone would.  Said once per argument, not per file: a
 * directory of thousands would fill the journal.  Returns how many so
 * failed.
 */
static size_t
limit_series(const struct config *c, struct cycle *cy)
{
	const struct store_file	*f;
	struct store_pattern	*sp;
	size_t			*held, *over, i, n = 0;

	held = xcalloc(cy->list.npatterns + 1, sizeof(*held));
	over = xcalloc(cy->list.npatterns + 1, sizeof(*over));
	for (i = 0; i < cy->list.nfiles; i++) {
		f = &cy->list.files[i];
		sp = &cy->list.patterns[f->pattern];
		if (!cy->results[i].ok || sp->kind == STORE_PLAIN ||
		    (held[f->pattern] += across_own_series(c->sets, c->nsets,
		    &cy->results[i])) <= c->max_series)
			continue;
		if (over[f->pattern]++ == 0)
			runsay_over_limit(c, sp, f);
		fail_over_limit(c, f, sp, &cy->results[i]);
		n++;
	}
	free(held);
	free(over);
	return n;
}

/*
 * A failed store keeps the last-success time found in PREVIOUS; returns
 * how many files the --across-files aggregates failed.
 */
static size_t
render_after(const struct config *c, const char *previous,
    const struct cycle *cy, struct buf *out)
{
	size_t			 over;
	struct expo_file	*files;
	size_t			 i, n = 0;

	files = xcalloc(cy->list.nfiles + 1, sizeof(*files));
	for (i = 0; i < cy->list.nfiles; i++) {
		if (cy->list.files[i].conflict)
			continue;
		files[n].path = cy->list.files[i].path;
		if (c->naming.label_name != NULL)
			files[n].label = cy->list.files[i].label;
		files[n].pattern = cy->list.files[i].pattern;
		files[n].result = &cy->results[i];
		if (!cy->results[i].ok && previous != NULL)
			files[n].carried_success = expo_previous_success(
			    &c->expo, EXPO_FILE_LABEL(&files[n]), previous);
		n++;
	}
	over = run_render_files(c, files, n, &cy->list, out);
	for (i = 0; i < n; i++)
		free(files[i].carried_success);
	free(files);
	return over;
}

/* Returns how many files the --across-files aggregates failed. */
static size_t
render(const struct config *c, const struct textfile *tf,
    const struct cycle *cy, size_t failed, struct buf *out)
{
	char	*previous = NULL;
	size_t	 over;

	/* A failed store keeps the last-success time of the previous run. */
	if (failed > 0 && tf != NULL)
		previous = textfile_previous(tf);
	over = render_after(c, previous, cy, out);
	free(previous);
	return over;
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
 * the last's (those taken again were moved out; the others, of files
 * read again or gone, are freed).  When the same files were found, the
 * memory's list and array stay where they are and this cycle's go, last
 * made first freed: a resident run's heap is then the same after 10 000
 * cycles as after 10.  Otherwise the cycle's files become the memory's.
 */
static void
keep_reads(struct run_memory *mem, struct cycle *cy)
{
	size_t	 i;

	if (mem->kept != NULL && storelist_same(&mem->files, &cy->list)) {
		for (i = 0; i < mem->nkept; i++) {
			scan_result_free(&mem->kept[i]);
			mem->kept[i] = cy->results[i];
		}
		free(cy->results);
		cy->results = NULL;
		return;		/* cy->list freed by cycle_free() */
	}
	run_memory_forget(mem);
	mem->files = cy->list;
	mem->kept = cy->results;
	mem->nkept = cy->list.nfiles;
	memset(&cy->list, 0, sizeof(cy->list));
	cy->results = NULL;
}

static void
cycle_free(struct cycle *cy)
{
	size_t	 i;

	for (i = 0; cy->results != NULL && i < cy->list.nfiles; i++)
		scan_result_free(&cy->results[i]);
	free(cy->results);
	storelist_free(&cy->list);
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
	storelist_free(&mem->files);
}

/*
 * The store arguments expanded, and every file found read (or its read
 * kept); returns how many failed.  Those within --settle, and neither
 * read nor kept, are counted in *deferred.
 */
static size_t
cycle_read(const struct config *c, struct cycle *cy, struct run_memory *mem,
    size_t *deferred)
{
	size_t	 failed;

	memset(cy, 0, sizeof(*cy));
	cy->problems = storelist_expand(&cy->list, c->files, c->nfiles,
	    &c->naming, c->quiet);
	cy->results = xcalloc(cy->list.nfiles + 1, sizeof(*cy->results));
	if (mem != NULL)
		mem->settle_wait_ms = 0;
	failed = scan_all(c, cy, mem, deferred);
	return failed + limit_series(c, cy);
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
	struct cycle		 cy;
	struct buf		 text = { 0 };
	int			 locked = 0, status;
	size_t			 failed, deferred = 0;

	if (c->output_path != NULL && !c->dump) {
		if ((status = lock_output(c, &tf)) != EXIT_OK)
			return status;
		locked = 1;
	}
	failed = cycle_read(c, &cy, mem, &deferred);
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
	failed += render(c, locked ? &tf : NULL, &cy, failed, &text);
	status = failed + cy.problems > 0 ? EXIT_FILE : EXIT_OK;
	if (c->dump)
		dump_heading(stdout, c->output_path);
	if (!locked) {
		if (write_stdout(&text) != EXIT_OK)
			status = EXIT_OUTPUT;
	} else if (replace_output(c, &tf, &text) != EXIT_OK)
		status = EXIT_OUTPUT;
	if (c->check && status == EXIT_OK)
		status = runsay_check_verdict(c, cy.results, cy.list.nfiles);
out:
	if (locked)
		textfile_close(&tf);
	if (mem != NULL)
		keep_reads(mem, &cy);
	cycle_free(&cy);
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
	struct cycle	 cy;
	size_t		 failed, deferred = 0;
	int		 status;

	failed = cycle_read(c, &cy, mem, &deferred);
	if (mem->interrupted != NULL && mem->interrupted())
		status = -1;
	else if (deferred > 0) {
		/* A store still written (--settle), never read: what was served. */
		if (previous != NULL)
			buf_puts(out, previous);
		status = EXIT_OK;
	} else {
		failed += render_after(c, previous, &cy, out);
		status = failed + cy.problems > 0 ? EXIT_FILE : EXIT_OK;
	}
	keep_reads(mem, &cy);
	cycle_free(&cy);
	return status;
}
