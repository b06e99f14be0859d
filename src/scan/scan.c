/*
 * scan.c: one streaming pass over a store with libxml2's SAX2 interface,
 * for every row set at once.  Each element event, in order: which sets it
 * is a row of (one matcher for all their patterns, rowpath.h); what it
 * leaves for rows below (capture.c); the row tree, when a set's fields
 * need one (rowtree.h); the paths inside open rows (capture.c); then, for
 * each set it is a row of, the row read whole at its start tag when every
 * path of the set is there, or opened until its end tag (rowread.c).
 * The store is read through the front end every mode shares
 * (storeread.h); the SAX user data is the scanner itself, whose first
 * member is that read.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/xpathInternals.h>

#include "scanner.h"
#include "xmlcompat.h"

/* The rows being built hold too much: the store fails, said once. */
static int
row_too_big(struct scanner *s)
{
	if (s->tree.held <= SCAN_MAX_ROW_BYTES)
		return 0;
	scanner_holds_too_much(s);
	return 1;
}

/* Room for twice as many open elements. */
static void
grow_depth(struct scanner *s)
{
	size_t	 old_cap = s->states_cap;

	s->states_cap *= 2;
	s->states = xreallocarray(s->states, s->states_cap,
	    sizeof(*s->states));
	capture_grow(s, old_cap);
}

/*
 * An element's state set, from its parent's: remembered, since a store
 * repeats a few names at a few depths.  The libxml2 releases we build
 * with hand SAX2 every element name from the parse's dictionary.
 */
static uint64_t
step(struct scanner *s, uint64_t parent, const xmlChar *localname)
{
	struct step_memo	*e;
	uint64_t		 h;

	h = ((uint64_t)(uintptr_t)localname * 0x9e3779b97f4a7c15ULL) ^
	    (parent * 0xc2b2ae3d27d4eb4fULL);
	e = &s->memo[h >> (64 - SCAN_STEP_MEMO_BITS)];
	if (e->name != localname || e->parent != parent) {
		e->name = localname;
		e->parent = parent;
		e->state = rowmatch_step(&s->match, parent,
		    (const char *)localname);
	}
	return e->state;
}

/* Enters an element: returns its state set (rows or not, see rowpath.h). */
static uint64_t
enter(struct scanner *s, const xmlChar *localname)
{
	uint64_t	 set;

	set = step(s, s->states[s->depth], localname);
	if (++s->depth == s->states_cap)
		grow_depth(s);
	s->states[s->depth] = set;
	return set;
}

static struct open_row *
push_row(struct scanner *s, struct set_reader *set)
{
	struct open_row	*r;

	if (s->nrows == s->rows_cap) {
		s->rows_cap = s->rows_cap ? s->rows_cap * 2 : 4;
		s->rows = xreallocarray(s->rows, s->rows_cap, sizeof(*s->rows));
		memset(s->rows + s->nrows, 0,
		    (s->rows_cap - s->nrows) * sizeof(*s->rows));
	}
	r = &s->rows[s->nrows++];
	r->set = set;
	r->depth = s->depth;
	r->line = firstrow_line(s);
	r->seq = s->rows_started;
	rowread_open(s, r);
	return r;
}

/* The element is a row of the sets in `rows`: read or open each. */
static void
start_rows(struct scanner *s, uint64_t rows, const struct start_tag *tag)
{
	struct set_reader *set;

	/* row bits rise with the sets' order (rowpath.c) */
	for (; rows != 0 && s->rd.error.len == 0; rows &= rows - 1) {
		set = &s->sets[s->plan->set_of_bit[__builtin_ctzll(rows)]];
		s->rows_started++;
		if (set->plan->complete_at_start)
			rowread_start_tag(s, set, tag, firstrow_line(s));
		else if (capture_open(s, push_row(s, set), tag) == -1)
			return;
	}
}

static void
on_text(void *user, const xmlChar *ch, int len)
{
	struct scanner	*s = user;

	if (s->plan->tree_rows != 0 && (rowtree_text(&s->tree, ch, len),
	    row_too_big(s)))
		return;
	if (s->reading_text > 0)
		capture_text(s, ch, len);
}

/*
 * Text is heard only while some capture reads it (reading_text): the
 * whitespace between elements and the text no path reads are most of a
 * store's text events, a call each.  libxml2 reads the parse's handlers
 * at every event (characters, CDATA, character and predefined entity
 * references, on every release), so they may change as the parse goes.
 * The captures count the readers; the handler is flipped here, after
 * them, when the count leaves or comes back to 0.
 */
static void
hear_text(struct scanner *s)
{
	xmlSAXHandlerPtr	 sax = xmlcompat_sax(s->ctxt);

	if (s->plan->text == TEXT_ALWAYS)
		return;
	sax->characters = sax->ignorableWhitespace =
	    s->reading_text > 0 ? on_text : NULL;
}

static void
on_start(void *user, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
    int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
	struct scanner	*s = user;
	struct start_tag tag;
	uint64_t	 rows;
	int		 was_reading;

	if (storeread_start_tag(&s->rd, nb_namespaces, nb_attributes,
	    nb_defaulted) == -1)
		return;
	rows = enter(s, localname) & s->match.rows;
	tag.name.localname = localname;
	tag.name.prefix = prefix;
	tag.nb_attributes = nb_attributes;
	tag.attributes = attributes;
	if (s->plan->keeps_lineage)
		capture_ancestor(s, &tag, uri);
	if (s->plan->tree_rows != 0 && (rowtree_start(&s->tree, localname, prefix,
	    uri, nb_namespaces, namespaces, nb_attributes, attributes,
	    (rows & s->plan->tree_rows) != 0), row_too_big(s)))
		return;
	if (s->plan->reads_inside && s->nrows > 0) {
		was_reading = s->reading_text > 0;
		capture_step_in(s, &tag, uri);
		if (!was_reading && s->reading_text > 0)
			hear_text(s);
	}
	if (rows != 0)
		start_rows(s, rows, &tag);
}

static void
on_comment(void *user, const xmlChar *value)
{
	struct scanner	*s = user;

	rowtree_comment(&s->tree, value);
	(void)row_too_big(s);
}

static void
on_pi(void *user, const xmlChar *target, const xmlChar *data)
{
	struct scanner	*s = user;

	rowtree_pi(&s->tree, target, data);
	(void)row_too_big(s);
}

/* The rows open at this depth end, read in the order their sets are. */
static void
close_rows(struct scanner *s)
{
	size_t	 first = s->nrows, i;

	while (first > 0 && s->rows[first - 1].depth == s->depth)
		first--;
	for (i = first; i < s->nrows; i++)
		rowread_close(s, &s->rows[i]);
	s->nrows = first;
}

static void
on_end(void *user, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri)
{
	struct scanner	*s = user;
	int		 was_reading;

	(void)localname, (void)prefix, (void)uri;
	if (s->plan->reads_inside) {
		was_reading = s->reading_text > 0;
		capture_step_out(s);
		if (was_reading && s->reading_text == 0)
			hear_text(s);
	}
	if (s->nrows > 0 && s->rows[s->nrows - 1].depth == s->depth)
		close_rows(s);
	if (s->plan->tree_rows != 0)
		rowtree_end(&s->tree, (s->states[s->depth] & s->plan->tree_rows) != 0);
	s->depth--;
}

/*
 * The scanner's handlers (the front end adds the prolog's): text,
 * comments and PIs are listened to only when a field reads them, so an
 * attribute-only scan pays for elements alone.  No cdataBlock: CDATA is
 * text in XPath's data model (see storeread.c).
 */
static void
setup_handlers(struct scanner *s, xmlSAXHandler *sax)
{
	memset(sax, 0, sizeof(*sax));
	sax->startElementNs = on_start;
	sax->endElementNs = on_end;
	if (s->plan->text == TEXT_ALWAYS)
		sax->characters = sax->ignorableWhitespace = on_text;
	if (s->plan->tree_rows != 0) {
		sax->comment = on_comment;
		sax->processingInstruction = on_pi;
	}
	if (s->p->dump)
		firstrow_handlers(s, sax);
}

/* Before the first event: names interned in the parse's dictionary. */
static void
prepare(void *client, xmlParserCtxtPtr ctxt)
{
	struct scanner	*s = client;

	s->ctxt = ctxt;
	rowmatch_intern(&s->match, scanner_intern, ctxt);
	capture_intern(s);
	/* rows inside rows: the tree keeps them whole, what one row's
	 * fields need is not all another's inside it */
	if (s->plan->tree_rows != 0)
		rowtree_init(&s->tree, xmlcompat_dict(ctxt),
		    s->plan->rows_may_nest ? NULL : &s->plan->demand);
}

static void
scanner_free(struct scanner *s)
{
	size_t	 i;

	if (s->xpath != NULL)
		xmlXPathFreeContext(s->xpath);
	rowtree_free(&s->tree);
	capture_free(s);
	for (i = 0; i < s->nsets; i++)
		rowread_free(&s->sets[i]);
	free(s->sets);
	free(s->rows);
	free(s->states);
	buf_free(&s->why);
	buf_free(&s->number_text);
	firstrow_free(&s->first);
	storeread_close(&s->rd);
}

static void
stat_unopened(struct scan_result *r, const char *path)
{
	struct stat	 st;

	if (strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
		r->have_stat = 1;
		r->size = (uint64_t)st.st_size;
		r->mtime = st.st_mtim;
	}
}

static struct timespec
elapsed_since(const struct timespec *start)
{
	struct timespec	 now, d;

	clock_gettime(CLOCK_MONOTONIC, &now);
	d.tv_sec = now.tv_sec - start->tv_sec;
	d.tv_nsec = now.tv_nsec - start->tv_nsec;
	if (d.tv_nsec < 0) {
		d.tv_sec--;
		d.tv_nsec += 1000000000L;
	}
	return d;
}

static void
note_store_id(struct scan_result *r, const struct stat *st)
{
	r->have_stat = 1;
	r->size = (uint64_t)st->st_size;
	r->mtime = st->st_mtim;
	r->id.known = 1;
	r->id.dev = st->st_dev;
	r->id.ino = st->st_ino;
	r->id.size = st->st_size;
	r->id.mtime = st->st_mtim;
	r->id.ctime = st->st_ctim;
	clock_gettime(CLOCK_REALTIME, &r->id.opened);
}

/* Do these sets' patterns fit one matcher? */
int
scan_sets_fit(const struct rowset *sets, size_t n)
{
	const struct rowpath	*patterns[ROWSET_MAX];
	size_t			 i;

	if (n > ROWSET_MAX)
		return 0;
	for (i = 0; i < n; i++)
		patterns[i] = &sets[i].rows;
	return rowmatch_fits(patterns, n);
}

/* Every set's tally and readers, as the plan says. */
static void
scanner_init(struct scanner *s, const struct scan_plan *plan,
    const struct scan_params *p, struct scan_result *r)
{
	struct set_reader	*set;
	size_t			 i;

	s->match = plan->match;
	s->plan = plan;
	s->p = p;
	s->nsets = p->nsets;
	s->sets = xcalloc(p->nsets, sizeof(*s->sets));
	r->tally = xcalloc(p->nsets, sizeof(*r->tally));
	r->ntally = p->nsets;
	for (i = 0; i < p->nsets; i++) {
		set = &s->sets[i];
		set->tally = &r->tally[i];
		tally_init(set->tally, &p->sets[i].model);
		tally_share_series(set->tally, &r->series);
		rowread_init(set, &plan->set[i]);
	}
	s->states_cap = 64;
	s->states = xcalloc(s->states_cap, sizeof(*s->states));
	s->states[0] = s->match.start;
	capture_init(s);
}

void
scan_file(const char *path, const struct scan_params *p,
    struct scan_result *r)
{
	struct scanner	 s;
	struct scan_plan plan;
	xmlSAXHandler	 sax;
	struct timespec	 start;

	memset(r, 0, sizeof(*r));
	memset(&s, 0, sizeof(s));
	clock_gettime(CLOCK_MONOTONIC, &start);
	plan_build(&plan, p->sets, p->nsets, p->dump);
	scanner_init(&s, &plan, p, r);

	if (storeread_open(&s.rd, path, &s) == -1) {
		/* Refused: not even its size and time are told. */
		if (s.rd.in.failure != FAILURE_PERMISSION)
			stat_unopened(r, path);
		r->error = storeread_message(&s.rd, path, &r->failure);
		goto out;
	}
	if (S_ISREG(s.rd.in.st.st_mode))
		note_store_id(r, &s.rd.in.st);
	s.rd.in.interrupted = p->interrupted;
	setup_handlers(&s, &sax);
	if (storeread_parse(&s.rd, &sax, prepare)) {
		r->ok = 1;
		clock_gettime(CLOCK_REALTIME, &r->finished);
	} else
		r->error = storeread_message(&s.rd, path, &r->failure);
	if (s.first.done)
		r->first_row = xstrdup(s.first.shape.data);
out:
	scanner_free(&s);
	plan_free(&plan);
	r->duration = elapsed_since(&start);
}

void
scan_result_free(struct scan_result *r)
{
	size_t	 i;

	free(r->error);
	free(r->first_row);
	for (i = 0; i < r->ntally; i++)
		tally_free(&r->tally[i]);
	free(r->tally);
	memset(r, 0, sizeof(*r));	/* freed twice: nothing */
}
