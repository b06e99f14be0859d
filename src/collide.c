/*
 * collide.c: who else writes this output or its series (see collide.h).
 * The other .prom files of the output's directory that hold one of its
 * series, and, under -d, another run's previous file.  A series is
 * compared as its text up to the value, name and labels as written:
 * xml2prom writes a family's labels in one order, and another tool
 * writing xml2prom's families is not what this guards against.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/hash.h>

#include "collide.h"
#include "storelist.h"
#include "expo.h"
#include "expofmt.h"
#include "promread.h"
#include "xmlcompat.h"

/* Calls FN for each series of TEXT; stops when it returns non-zero. */
static int
each_series(const char *text, int (*fn)(void *, xmlChar *), void *arg)
{
	struct prom_line l;
	int		 stop = 0;

	while (!stop && promread_next(&text, &l))
		if (l.kind == PROM_SAMPLE)
			stop = fn(arg, xmlStrndup(XMLSTR(l.series),
			    (int)l.series_len));
	return stop;
}

static int
add(void *set, xmlChar *series)
{
	(void)xmlHashAddEntry(set, series, set);	/* copies the key */
	xmlFree(series);
	return 0;
}

struct probe {
	xmlHashTablePtr	 set;
	xmlChar		*found;
};

static int
held(void *arg, xmlChar *series)
{
	struct probe	*p = arg;

	if (xmlHashLookup(p->set, series) != NULL) {
		p->found = series;
		return 1;
	}
	xmlFree(series);
	return 0;
}

/* Called for each other file holding a series of TEXT: the first one. */
typedef void collide_fn(void *arg, const char *file, const char *series);

/* The other *.prom files holding a series of TEXT: how many, each to FN. */
static size_t
collide_find(const struct textfile *tf, const char *text, collide_fn *fn,
    void *arg)
{
	struct probe	 p = { NULL, NULL };
	char		**others, **o, *theirs;
	size_t		 n = 0;

	if ((p.set = xmlHashCreate(64)) == NULL)
		return 0;
	each_series(text, add, p.set);
	others = textfile_others(tf);
	for (o = others; *o != NULL; o++) {
		if ((theirs = textfile_read_beside(tf, *o)) != NULL &&
		    each_series(theirs, held, &p)) {
			fn(arg, *o, (const char *)p.found);
			xmlFree(p.found);
			n++;
		}
		free(theirs);
		free(*o);
	}
	free(others);
	xmlHashFree(p.set, NULL);
	return n;
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
 * over the family would mix them.  Each is said: a refusal (a run), or a
 * finding (--check).
 */
size_t
collide_check(const struct config *c, const struct textfile *tf,
    const char *text)
{
	struct clash	 k = { c, tf, !c->check };

	return collide_find(tf, text, tell_clash, &k);
}

/*
 * Is FILE one of this run's stores, its path as escaped in a label?  A
 * file of one of its globs or directories is, found now or not.
 */
static int
is_our_store(const struct config *c, const char *escaped, size_t len)
{
	struct buf	 path = { 0 };
	size_t		 i;
	int		 found;

	for (i = 0; i < len; i++) {
		if (escaped[i] != '\\' || i + 1 == len)
			buf_putc(&path, escaped[i]);
		else if (escaped[++i] == 'n')
			buf_putc(&path, '\n');
		else
			buf_putc(&path, escaped[i]);
	}
	found = storelist_could_find(c->files, c->nfiles,
	    path.data != NULL ? path.data : "");
	buf_free(&path);
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
static enum output_owner
foreign_set(const struct config *c, const struct prom_line *l)
{
	const char	*name = l->name;
	size_t		 n = l->name_len;

	if (l->kind != PROM_TYPE)
		return OUTPUT_OURS;
	if (!has_suffix(name, n, "_total_rows") || writes_family(c, name, n))
		return OUTPUT_OURS;
	fprintf(stderr, "xml2prom: %s holds %.*s, a family this run does not "
	    "write: another run asks other questions of its store, and each "
	    "would replace the other's metrics\n", c->output_path, (int)n,
	    name);
	return OUTPUT_OTHER_SETS;
}

/*
 * A read_success series in the previous file: of another store of the
 * same name, or of this store under another prefix.
 */
static enum output_owner
foreign_store(const struct config *c, const struct prom_line *l)
{
	const char	*line = l->text, *brace = l->labels, *path, *end;
	size_t		 len = l->len, n = l->name_len;
	int		 ours;

	if (l->kind != PROM_SAMPLE || brace == NULL)
		return OUTPUT_OURS;
	if (!has_suffix(line, n, "_read_success") || writes_family(c, line, n))
		return OUTPUT_OURS;
	if (strncmp(brace, "{path=\"", 7) != 0)
		return OUTPUT_OURS;
	path = brace + 7;
	for (end = path; end < line + len && *end != '"'; end++)
		if (*end == '\\' && end + 1 < line + len)
			end++;
	ours = is_our_store(c, path, (size_t)(end - path));
	if (n == strlen(c->expo.prefix) + 13 &&
	    memcmp(line, c->expo.prefix, n - 13) == 0) {
		if (ours)
			return OUTPUT_OURS;
		fprintf(stderr, "xml2prom: %s holds the metrics of %.*s: two "
		    "stores of the same name would overwrite each other; "
		    "name this one's output with --output (or remove %s if "
		    "that store is gone)\n", c->output_path,
		    (int)(end - path), path, c->output_path);
		return OUTPUT_OTHER_STORE;
	}
	fprintf(stderr, "xml2prom: %s holds the metrics of %.*s under the "
	    "prefix %.*s, not %s: two runs asking different questions of one "
	    "store would replace each other's metrics\n", c->output_path,
	    (int)(end - path), path, (int)(n - 13), line, c->expo.prefix);
	return OUTPUT_OTHER_PREFIX;
}

/*
 * Under -d the output is named after the store, so two runs that write it
 * would take turns replacing each other's metrics, every minute: two
 * stores of the same name (/srv/a/store.xml, /srv/b/store.xml), or two
 * questions asked of one store (another --prefix, other sets).  The
 * previous file says whose it is; another run's is said, with how to
 * share.  A run whose own sets changed otherwise (a label, a family
 * added) just replaces it.
 */
enum output_owner
collide_output_owner(const struct config *c, const char *previous)
{
	struct prom_line	 l;
	const char		*cursor;
	enum output_owner	 who = OUTPUT_OURS;
	int			 pass;

	/* Whose store and prefix first, then whose sets. */
	for (pass = 0; pass < 2 && who == OUTPUT_OURS; pass++)
		for (cursor = previous; who == OUTPUT_OURS &&
		    promread_next(&cursor, &l);)
			who = pass == 0 ? foreign_store(c, &l) :
			    foreign_set(c, &l);
	if (who == OUTPUT_OTHER_PREFIX || who == OUTPUT_OTHER_SETS)
		say_how_to_share(c, who == OUTPUT_OTHER_SETS);
	return who;
}
