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

/*
 * May a resident run write the kept read of PATH again instead of reading
 * it (see run.h)?  Anything but a plain yes reads it again.
 */
static int
still_current(const char *path, const struct scan_result *kept)
{
	const struct store_id	*id = &kept->id;
	struct timespec		 settled = id->opened;
	struct stat		 st;

	settled.tv_sec -= RUN_SETTLED_SECONDS;

	return kept->ok && id->known && strcmp(path, "-") != 0 &&
	    stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_dev == id->dev && st.st_ino == id->ino &&
	    st.st_size == id->size && same_time(st.st_mtim, id->mtime) &&
	    same_time(st.st_ctim, id->ctime) &&
	    before(id->mtime, settled) && before(id->ctime, settled);
}

/* Reads FILE i into r, or takes the kept read of it when still current. */
static void
read_store(const struct config *c, size_t i, const struct scan_params *p,
    struct scan_result *r, struct run_memory *mem)
{
	if (mem != NULL && still_current(c->files[i], &mem->kept[i])) {
		*r = mem->kept[i];
		memset(&mem->kept[i], 0, sizeof(mem->kept[i]));
		clock_gettime(CLOCK_REALTIME, &r->finished);
		if (c->verbose)
			fprintf(stderr, "xml2prom: %s: unchanged since its last "
			    "read (same inode, size and times): not read "
			    "again\n", c->files[i]);
		return;
	}
	/* Freed first, so that every read starts from the same heap. */
	if (mem != NULL)
		scan_result_free(&mem->kept[i]);
	scan_file(c->files[i], p, r);
}

/* Reads every FILE; returns how many failed. */
static size_t
scan_all(const struct config *c, struct scan_result *results,
    struct run_memory *mem)
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
	for (i = 0; i < c->nfiles; i++) {
		d.path = c->files[i];
		read_store(c, i, &p, &results[i], mem);
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

static void
render(const struct config *c, const struct textfile *tf,
    struct scan_result *results, size_t failed, struct buf *out)
{
	struct expo_file	*files;
	char			*previous = NULL;
	size_t			 i;

	/* A failed store keeps the last-success time of the previous run. */
	if (failed > 0 && tf != NULL)
		previous = textfile_previous(tf);
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
	free(previous);
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

/* A collision found: where, and what to say of it. */
struct clash {
	const struct config	*c;
	const struct textfile	*tf;
	int			 refusing;	/* a run, not --check */
};

/* The store a series belongs to: its path label, one of this run's. */
static const char *
store_of(const struct config *c, const char *series)
{
	struct buf	 needle = { 0 };
	const char	*store = "this run's stores";
	size_t		 i;

	for (i = 0; i < c->nfiles; i++) {
		buf_reset(&needle);
		buf_puts(&needle, "path=\"");
		expo_escape_label_value(&needle, c->files[i],
		    strlen(c->files[i]));
		buf_putc(&needle, '"');
		if (strstr(series, needle.data) != NULL) {
			store = c->files[i];
			break;
		}
	}
	buf_free(&needle);
	return store;
}

static void
tell_clash(void *arg, const char *file, const char *series)
{
	struct clash	*k = arg;
	const char	*store = store_of(k->c, series);

	if (k->refusing)
		fprintf(stderr, "xml2prom: %s: not written: %s/%s also has "
		    "series of %s (%s): node_exporter rejects series given "
		    "twice; remove the stale file, or give this run another "
		    "--prefix\n", k->c->output_path, k->tf->dir, file, store,
		    series);
	else
		printf("xml2prom: check: %s/%s also has series of %s (%s): "
		    "node_exporter rejects series given twice; remove the "
		    "stale file\n", k->tf->dir, file, store, series);
}

/*
 * Another .prom file of the directory that holds one of the series this
 * run writes: node_exporter would serve one of the two, with no error
 * ("collected before with the same name and label values"), and a sum
 * over the family would mix them.  --check names such files; a run
 * refuses to write (exit 3), leaving the previous file as it was.
 */
static int
check_collisions(const struct config *c, const struct textfile *tf,
    const struct buf *text)
{
	struct clash	 k = { c, tf, !c->check };

	if (collide_find(tf, text->data, tell_clash, &k) > 0 && !c->check)
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

/* Is FILE one of this run's stores, its path as escaped in a label? */
static int
is_our_store(const struct config *c, const char *escaped, size_t len)
{
	struct buf	 mine = { 0 };
	size_t		 i;
	int		 found = 0;

	for (i = 0; i < c->nfiles && !found; i++) {
		buf_reset(&mine);
		expo_escape_label_value(&mine, c->files[i], strlen(c->files[i]));
		found = mine.len == len && memcmp(mine.data, escaped, len) == 0;
	}
	buf_free(&mine);
	return found;
}

/* Does this run write the family NAME (NAME_LEN bytes) for a set? */
static int
writes_family(const struct config *c, const char *name, size_t len)
{
	struct buf	 mine = { 0 };
	size_t		 i, v;
	int		 found = 0;

	for (i = 0; i < c->nsets && !found; i++) {
		buf_reset(&mine);
		buf_printf(&mine, "%s_total_rows", c->sets[i].prefix);
		found = mine.len == len && memcmp(mine.data, name, len) == 0;
		for (v = 0; v < c->sets[i].model.nvalues && !found; v++) {
			buf_reset(&mine);
			buf_printf(&mine, "%s_%s", c->sets[i].prefix,
			    c->sets[i].model.values[v].name);
			found = mine.len == len &&
			    memcmp(mine.data, name, len) == 0;
		}
	}
	buf_free(&mine);
	return found;
}

static int
has_suffix(const char *s, size_t len, const char *suffix)
{
	size_t	 n = strlen(suffix);

	return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

/*
 * How to have two questions of one store, said after each refusal.  Apart,
 * the runs need their own prefixes too: a store's read_success and the
 * like would otherwise be in both files (see collide.h).
 */
static void
say_how_to_share(const struct config *c, int same_prefix)
{
	fprintf(stderr, "xml2prom: %s: ask both questions in one run (--set, "
	    "see ROW SETS in xml2prom(1)), or give this run %s--output (or "
	    "remove %s if that run is gone)\n", c->output_path,
	    same_prefix ? "another --prefix and its own " : "its own ",
	    c->output_path);
}

/*
 * A family in the previous file that some other run writes, seen from its
 * HELP-less TYPE line: a set's total_rows this run does not write.
 */
static int
foreign_set(const struct config *c, const char *line, size_t len)
{
	const char	*name = line + 7;	/* "# TYPE " */
	size_t		 n;

	if (len <= 7 || memcmp(line, "# TYPE ", 7) != 0)
		return 0;
	n = strcspn(name, " \n");
	if (!has_suffix(name, n, "_total_rows") || writes_family(c, name, n))
		return 0;
	fprintf(stderr, "xml2prom: %s holds %.*s, a family this run does not "
	    "write: another run asks other questions of its store, and each "
	    "would replace the other's metrics\n", c->output_path, (int)n,
	    name);
	return 3;
}

/*
 * A read_success series in the previous file: of another store of the
 * same name, or of this store under another prefix.
 */
static int
foreign_store(const struct config *c, const char *line, size_t len)
{
	const char	*brace, *path, *end;
	size_t		 n;
	int		 ours;

	if ((brace = memchr(line, '{', len)) == NULL)
		return 0;
	n = (size_t)(brace - line);
	if (!has_suffix(line, n, "_read_success") || writes_family(c, line, n))
		return 0;
	if (strncmp(brace, "{path=\"", 7) != 0)
		return 0;
	path = brace + 7;
	for (end = path; end < line + len && *end != '"'; end++)
		if (*end == '\\' && end + 1 < line + len)
			end++;
	ours = is_our_store(c, path, (size_t)(end - path));
	if (n == strlen(c->expo.prefix) + 13 &&
	    memcmp(line, c->expo.prefix, n - 13) == 0) {
		if (ours)
			return 0;
		fprintf(stderr, "xml2prom: %s holds the metrics of %.*s: two "
		    "stores of the same name would overwrite each other; "
		    "name this one's output with --output (or remove %s if "
		    "that store is gone)\n", c->output_path,
		    (int)(end - path), path, c->output_path);
		return 2;
	}
	fprintf(stderr, "xml2prom: %s holds the metrics of %.*s under the "
	    "prefix %.*s, not %s: two runs asking different questions of one "
	    "store would replace each other's metrics\n", c->output_path,
	    (int)(end - path), path, (int)(n - 13), line, c->expo.prefix);
	return 1;
}

/*
 * Under -d the output is named after the store, so two runs that write it
 * would take turns replacing each other's metrics, every minute: two
 * stores of the same name (/srv/a/store.xml, /srv/b/store.xml), or two
 * questions asked of one store (another --prefix, other sets).  The
 * previous file says whose it is; another run's is refused.  A run whose
 * own sets changed otherwise (a label, a family added) just replaces it.
 */
static int
check_same_output(const struct config *c, const struct textfile *tf)
{
	char		*previous = textfile_previous(tf);
	const char	*line, *eol;
	size_t		 len;
	int		 pass, found = 0;

	/* Whose store and prefix first, then whose sets. */
	for (pass = 0; pass < 2 && found == 0; pass++)
		for (line = previous; line != NULL && *line != '\0' &&
		    found == 0; line = *eol != '\0' ? eol + 1 : eol) {
			eol = line + strcspn(line, "\n");
			len = (size_t)(eol - line);
			if (pass == 0 && line[0] != '#')
				found = foreign_store(c, line, len);
			else if (pass == 1)
				found = foreign_set(c, line, len);
		}
	if (found == 1 || found == 3)
		say_how_to_share(c, found == 3);
	free(previous);
	return found != 0 ? EXIT_USAGE : EXIT_OK;
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
	size_t			 i, failed;

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
	}
	results = xcalloc(c->nfiles, sizeof(*results));
	failed = scan_all(c, results, mem);
	if (mem != NULL && mem->interrupted != NULL && mem->interrupted()) {
		/* Stopped: the previous output stays as it was. */
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
