/*
 * scan.c: one streaming pass over a store with libxml2's SAX2 interface.
 *
 * Three sets of element handlers, chosen once per store by the kind of
 * --type expression, keep the per-element work to what that kind needs:
 *   attribute    the type is in the start tag: nothing else is looked at;
 *   child text   the text of one child element is collected per row;
 *   xpath        a tree is built for each row (and a skeleton of its open
 *                ancestors, for '../@x'; see rowtree.h), evaluated, freed.
 * The SAX user data is the scanner itself, so that the callbacks libxml2
 * makes while it expands an entity reach the same state.  Entities are
 * expanded by libxml2 (see xmlcompat.c); this file decides which may be:
 * declared internal ones only, within a budget of work.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/xpathInternals.h>

#include "input.h"
#include "rowtree.h"
#include "scan.h"
#include "xmlcompat.h"
#include "xmlerr.h"

/* An open row: the line it starts on and, for a child-text type, that text. */
struct open_row {
	size_t		 depth;
	size_t		 capture_depth;	/* the child being read, or 0 */
	int		 captured;	/* the first such child has ended */
	unsigned long	 line;
	struct buf	 text;
};

struct scanner {
	xmlParserCtxtPtr	 ctxt;
	const struct scan_params *p;
	struct tally		*tally;
	struct scan_result	*result;
	struct rowmatch		 match;
	const char		*type_name;	/* interned, for the fast paths */
	size_t			 missing_len;
	uint64_t		*states;	/* per open element; [0] document */
	size_t			 depth;
	size_t			 states_cap;
	struct open_row		*rows;		/* child text, xpath: open rows */
	size_t			 nrows;
	size_t			 rows_cap;
	struct rowtree		 tree;		/* xpath: the rows being built */
	xmlXPathContextPtr	 xpath;		/* xpath: evaluation context */
	const struct input	*in;
	uint64_t		 entity_work;	/* see on_get_entity */
	startElementNsSAX2Func	 kind_start;	/* --dump: wrapped handlers */
	endElementNsSAX2Func	 kind_end;
	charactersSAXFunc	 kind_text;
	cdataBlockSAXFunc	 kind_cdata;
	unsigned long		 event_line;	/* --dump: where the last event
						   ended: where a tag starts */
	size_t			 shape_depth;	/* --dump: the first row, open */
	int			 shape_done;
	struct buf		 shape;		/* its attributes, children */
	size_t			 shape_children;
	struct buf		 error;		/* our own reason to stop */
	enum failure		 failure;	/* its kind */
	struct xmlerr_capture	 xmlerr;
};

static const char *
intern(void *arg, const char *name)
{
	xmlParserCtxtPtr	 ctxt = arg;

	return (const char *)xmlDictLookup(xmlcompat_dict(ctxt), XMLSTR(name),
	    -1);
}

static unsigned long
current_line(const struct scanner *s)
{
	return xmlcompat_document_line(s->ctxt);
}

static void stop(struct scanner *, enum failure, const char *, ...)
    __attribute__((format(printf, 3, 4)));

/* Stops the parse for a reason of ours; the first reason is the one told. */
static void
stop(struct scanner *s, enum failure f, const char *fmt, ...)
{
	va_list	 ap;

	if (s->error.len > 0)
		return;
	s->failure = f;
	buf_printf(&s->error, "%lu: ", current_line(s));
	va_start(ap, fmt);
	buf_vprintf(&s->error, fmt, ap);
	va_end(ap);
	xmlStopParser(s->ctxt);
}

/*
 * --dump's line for a row: where its start tag begins.  libxml2 reports a
 * start tag once it has read all of it, maybe lines later; the event
 * before it ended where the tag begins.
 */
static unsigned long
row_line(const struct scanner *s)
{
	if (s->p->on_row == NULL)
		return 0;
	return s->event_line != 0 ? s->event_line : current_line(s);
}

static void
count_row(struct scanner *s, const char *type, size_t len, unsigned long line)
{
	if (s->error.len > 0)
		return;
	if (len == 0) {
		type = s->p->missing_type;
		len = s->missing_len;
		s->result->empty_types++;
	}
	if (len > SCAN_MAX_TYPE_LEN) {
		stop(s, FAILURE_LIMIT, "a row's type is longer than %d bytes",
		    SCAN_MAX_TYPE_LEN);
		return;
	}
	if (tally_add(s->tally, type, len) == -1) {
		stop(s, FAILURE_LIMIT, "more than %zu distinct types (see --max-types)",
		    s->tally->max_types);
		return;
	}
	if (s->p->on_row != NULL)
		s->p->on_row(s->p->on_row_arg, line, type, len);
}

/* Enters an element: returns its state set (row or not, see rowpath.h). */
static uint64_t
enter(struct scanner *s, const xmlChar *localname)
{
	uint64_t	 set;

	set = rowmatch_step(&s->match, s->states[s->depth],
	    (const char *)localname);
	if (++s->depth == s->states_cap) {
		s->states_cap *= 2;
		s->states = xreallocarray(s->states, s->states_cap,
		    sizeof(*s->states));
	}
	s->states[s->depth] = set;
	return set;
}

static int
is_type_name(const struct scanner *s, const xmlChar *name, const xmlChar *uri)
{
	return uri == NULL && ((const char *)name == s->type_name ||
	    strcmp((const char *)name, s->type_name) == 0);
}

/* Attribute: the whole job happens in the start tag. */

static void
attr_start(void *user, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
    int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
	struct scanner	*s = user;
	const xmlChar	**a;
	unsigned long	 line;
	int		 i;

	(void)prefix, (void)uri, (void)nb_namespaces, (void)namespaces;
	(void)nb_defaulted;
	if ((enter(s, localname) & s->match.final) == 0)
		return;
	line = row_line(s);
	for (i = 0, a = attributes; i < nb_attributes; i++, a += 5) {
		if (is_type_name(s, a[0], a[2])) {
			count_row(s, (const char *)a[3],
			    (size_t)(a[4] - a[3]), line);
			return;
		}
	}
	count_row(s, "", 0, line);
}

static void
leave(void *user, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri)
{
	struct scanner	*s = user;

	(void)localname, (void)prefix, (void)uri;
	s->depth--;
}

static void
open_row(struct scanner *s)
{
	struct open_row	*r;

	if (s->nrows == s->rows_cap) {
		s->rows_cap = s->rows_cap ? s->rows_cap * 2 : 4;
		s->rows = xreallocarray(s->rows, s->rows_cap, sizeof(*s->rows));
		memset(s->rows + s->nrows, 0,
		    (s->rows_cap - s->nrows) * sizeof(*s->rows));
	}
	r = &s->rows[s->nrows++];
	r->depth = s->depth;
	r->capture_depth = 0;
	r->captured = 0;
	r->line = row_line(s);
	buf_reset(&r->text);
}

/* Child text: collect the text of each open row's first matching child. */

static void
child_start(void *user, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
    int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
	struct scanner	*s = user;
	struct open_row	*r;
	uint64_t	 set;
	size_t		 i;

	(void)prefix, (void)nb_namespaces, (void)namespaces;
	(void)nb_attributes, (void)nb_defaulted, (void)attributes;
	set = enter(s, localname);
	for (i = 0; i < s->nrows; i++) {
		r = &s->rows[i];
		if (!r->captured && r->capture_depth == 0 &&
		    s->depth == r->depth + 1 && is_type_name(s, localname, uri))
			r->capture_depth = s->depth;
	}
	if (set & s->match.final)
		open_row(s);
}

static void
child_text(void *user, const xmlChar *ch, int len)
{
	struct scanner	*s = user;
	struct open_row	*r;
	size_t		 i, room;

	for (i = 0; i < s->nrows; i++) {
		r = &s->rows[i];
		if (r->capture_depth == 0)
			continue;
		room = SCAN_MAX_TYPE_LEN - r->text.len;
		if ((size_t)len > room) {
			/* Say so now: the rest may be gigabytes of entities. */
			stop(s, FAILURE_LIMIT, "a row's type is longer than %d bytes",
			    SCAN_MAX_TYPE_LEN);
			return;
		}
		buf_append(&r->text, ch, (size_t)len);
	}
}

static void
child_end(void *user, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri)
{
	struct scanner	*s = user;
	struct open_row	*r;
	size_t		 i;

	(void)localname, (void)prefix, (void)uri;
	for (i = 0; i < s->nrows; i++) {
		r = &s->rows[i];
		if (r->capture_depth == s->depth) {
			r->capture_depth = 0;
			r->captured = 1;
		}
	}
	if (s->nrows > 0 && s->rows[s->nrows - 1].depth == s->depth) {
		r = &s->rows[--s->nrows];
		count_row(s, r->text.data, r->text.len, r->line);
	}
	s->depth--;
}

/* XPath: a tree of each row, see rowtree.h. */

static void
tree_start(void *user, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
    int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
	struct scanner	*s = user;
	int		 is_row;

	(void)nb_defaulted;
	is_row = (enter(s, localname) & s->match.final) != 0;
	if (is_row)
		open_row(s);
	rowtree_start(&s->tree, localname, prefix, uri, nb_namespaces,
	    namespaces, nb_attributes, attributes, is_row);
}

static void
tree_text(void *user, const xmlChar *ch, int len)
{
	rowtree_text(&((struct scanner *)user)->tree, ch, len, XML_TEXT_NODE);
}

static void
tree_cdata(void *user, const xmlChar *ch, int len)
{
	rowtree_text(&((struct scanner *)user)->tree, ch, len,
	    XML_CDATA_SECTION_NODE);
}

static void
tree_comment(void *user, const xmlChar *value)
{
	rowtree_comment(&((struct scanner *)user)->tree, value);
}

static void
tree_pi(void *user, const xmlChar *target, const xmlChar *data)
{
	rowtree_pi(&((struct scanner *)user)->tree, target, data);
}

static void
evaluate_row(struct scanner *s, xmlNodePtr row, unsigned long line)
{
	xmlXPathObjectPtr	 res;
	xmlChar			*type;
	const char		*why;

	if (row == NULL) {
		stop(s, FAILURE_LIMIT, "%s", "out of memory building a row");
		return;
	}
	if (s->xpath == NULL &&
	    (s->xpath = typeexpr_context(s->p->type, s->tree.doc)) == NULL) {
		stop(s, FAILURE_LIMIT, "%s", "cannot set up XPath evaluation");
		return;
	}
	s->xpath->node = row;
	if ((res = xmlXPathCompiledEval(s->p->type->comp, s->xpath)) == NULL) {
		why = xmlerr_first(&s->xmlerr);
		stop(s, FAILURE_PARSE, "the --type expression failed on this row: %s",
		    why != NULL ? why : "unknown error");
		return;
	}
	if ((type = xmlXPathCastToString(res)) != NULL) {
		count_row(s, (const char *)type, strlen((const char *)type),
		    line);
		xmlFree(type);
	}
	xmlXPathFreeObject(res);
}

static void
tree_end(void *user, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri)
{
	struct scanner	*s = user;
	int		 is_row = (s->states[s->depth] & s->match.final) != 0;

	(void)localname, (void)prefix, (void)uri;
	if (is_row) {
		s->nrows--;
		evaluate_row(s, rowtree_current(&s->tree),
		    s->rows[s->nrows].line);
	}
	rowtree_end(&s->tree, is_row);
	s->depth--;
}

/*
 * --dump: what the first row holds (its attributes' and children's names),
 * for an operator whose expression finds nothing.  Wraps the handlers of
 * the scan's kind, so that a run without --dump pays nothing for it.
 */
static void
shape_start(void *user, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
    int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
	struct scanner	*s = user;
	int		 i;

	s->kind_start(user, localname, prefix, uri, nb_namespaces, namespaces,
	    nb_attributes, nb_defaulted, attributes);
	s->event_line = current_line(s);
	if (s->shape_done)
		return;
	if (s->shape_depth == 0 && (s->states[s->depth] & s->match.final)) {
		s->shape_depth = s->depth;
		buf_printf(&s->shape, "line %lu: <%s>, attributes:",
		    current_line(s), (const char *)localname);
		for (i = 0; i < nb_attributes; i++)
			buf_printf(&s->shape, "%s %s", i > 0 ? "," : "",
			    (const char *)attributes[5 * i]);
		if (nb_attributes == 0)
			buf_puts(&s->shape, " none");
		buf_puts(&s->shape, "; children:");
	} else if (s->shape_depth != 0 && s->depth == s->shape_depth + 1 &&
	    s->shape_children++ < 16)
		buf_printf(&s->shape, "%s %s", s->shape_children > 1 ? "," : "",
		    (const char *)localname);
}

static void
shape_end(void *user, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri)
{
	struct scanner	*s = user;

	if (!s->shape_done && s->shape_depth != 0 &&
	    s->depth == s->shape_depth) {
		if (s->shape_children == 0)
			buf_puts(&s->shape, " none");
		else if (s->shape_children > 16)
			buf_puts(&s->shape, ", ...");
		s->shape_done = 1;
	}
	s->kind_end(user, localname, prefix, uri);
	s->event_line = current_line(s);
}

static void
shape_text(void *user, const xmlChar *ch, int len)
{
	struct scanner	*s = user;

	if (s->kind_text != NULL)
		s->kind_text(user, ch, len);
	s->event_line = current_line(s);
}

static void
shape_cdata(void *user, const xmlChar *ch, int len)
{
	struct scanner	*s = user;

	if (s->kind_cdata != NULL)
		s->kind_cdata(user, ch, len);
	s->event_line = current_line(s);
}

/*
 * libxml2's own handlers for the prolog, so that entities declared in an
 * internal subset work.  External entities and DTDs are never loaded:
 * there is no resolveEntity or externalSubset handler, and the parser runs
 * without XML_PARSE_NOENT, XML_PARSE_DTDLOAD and with XML_PARSE_NONET.
 */

static void
on_start_document(void *user)
{
	xmlSAX2StartDocument(((struct scanner *)user)->ctxt);
}

static void
on_internal_subset(void *user, const xmlChar *name, const xmlChar *id,
    const xmlChar *system)
{
	xmlSAX2InternalSubset(((struct scanner *)user)->ctxt, name, id, system);
}

static void
on_entity_decl(void *user, const xmlChar *name, int type, const xmlChar *id,
    const xmlChar *system, xmlChar *content)
{
	xmlSAX2EntityDecl(((struct scanner *)user)->ctxt, name, type, id,
	    system, content);
}

/*
 * Every reference to a general entity asks here, in text and in attribute
 * values alike, however deep.  Only declared internal entities are
 * expanded: a value that depends on an undeclared entity (legal after an
 * unread external DTD) or on an external one (never loaded) is unknown,
 * so the store fails rather than count it under a guess.  Each expansion
 * costs its length in work; a store whose entities make it more work than
 * a plain store many times its size fails at once, on every libxml2
 * release, whatever its own amplification limits.
 */
static xmlEntityPtr
on_get_entity(void *user, const xmlChar *name)
{
	struct scanner	*s = user;
	xmlEntityPtr	 ent;
	uint64_t	 budget;

	ent = xmlSAX2GetEntity(s->ctxt, name);
	if (ent == NULL) {
		stop(s, FAILURE_ENTITY, "entity '%s' is not declared in the document",
		    (const char *)name);
		return NULL;
	}
	if (ent->etype == XML_EXTERNAL_GENERAL_PARSED_ENTITY) {
		stop(s, FAILURE_ENTITY, "entity '%s' is external: xml2prom loads no external "
		    "entity", (const char *)name);
		return NULL;
	}
	if (ent->etype == XML_INTERNAL_PREDEFINED_ENTITY)
		return ent;
	s->entity_work += SCAN_ENTITY_COST + (uint64_t)ent->length;
	budget = SCAN_ENTITY_GRACE + SCAN_ENTITY_FACTOR * s->in->bytes_out;
	if (s->entity_work > budget) {
		stop(s, FAILURE_LIMIT, "entities expand to more than %d times the store's "
		    "size: refused", SCAN_ENTITY_FACTOR);
		return NULL;
	}
	return ent;
}

static xmlEntityPtr
on_get_parameter_entity(void *user, const xmlChar *name)
{
	return xmlSAX2GetParameterEntity(((struct scanner *)user)->ctxt, name);
}

static void
setup_handlers(struct scanner *s, xmlSAXHandler *sax, enum type_kind kind)
{
	memset(sax, 0, sizeof(*sax));
	sax->initialized = XML_SAX2_MAGIC;
	sax->startDocument = on_start_document;
	sax->internalSubset = on_internal_subset;
	sax->entityDecl = on_entity_decl;
	sax->getEntity = on_get_entity;
	sax->getParameterEntity = on_get_parameter_entity;
	switch (kind) {
	case TYPE_ATTRIBUTE:
		sax->startElementNs = attr_start;
		sax->endElementNs = leave;
		break;
	case TYPE_CHILD_TEXT:
		sax->startElementNs = child_start;
		sax->endElementNs = child_end;
		sax->characters = sax->ignorableWhitespace = child_text;
		sax->cdataBlock = child_text;
		break;
	case TYPE_XPATH:
		sax->startElementNs = tree_start;
		sax->endElementNs = tree_end;
		sax->characters = sax->ignorableWhitespace = tree_text;
		sax->cdataBlock = tree_cdata;
		sax->comment = tree_comment;
		sax->processingInstruction = tree_pi;
		break;
	}
	if (s->p->on_row != NULL) {
		s->kind_start = sax->startElementNs;
		s->kind_end = sax->endElementNs;
		s->kind_text = sax->characters;
		s->kind_cdata = sax->cdataBlock;
		sax->startElementNs = shape_start;
		sax->endElementNs = shape_end;
		sax->characters = sax->ignorableWhitespace = shape_text;
		sax->cdataBlock = shape_cdata;
	}
}

static void
describe_failure(struct scan_result *r, const char *path, struct input *in,
    struct scanner *s)
{
	struct buf	 msg = { 0 };
	const char	*xml = xmlerr_first(&s->xmlerr);

	if (in->error.len > 0) {
		buf_printf(&msg, "%s: %s", path, in->error.data);
		r->failure = in->failure;
	} else if (s->error.len > 0) {
		buf_printf(&msg, "%s:%s", path, s->error.data);
		r->failure = s->failure;
	} else if (xml != NULL) {
		buf_printf(&msg, "%s:%s", path, xml);
		r->failure = xmlerr_is_limit(&s->xmlerr) ? FAILURE_LIMIT :
		    FAILURE_PARSE;
	} else {
		buf_printf(&msg, "%s: not well-formed XML", path);
		r->failure = FAILURE_PARSE;
	}
	r->error = buf_steal(&msg);
}

static void
parse(struct scanner *s, struct input *in)
{
	xmlSAXHandler	 sax;

	setup_handlers(s, &sax, s->p->type->kind);
	s->ctxt = xmlCreateIOParserCtxt(&sax, s, input_read, NULL, in,
	    XML_CHAR_ENCODING_NONE);
	if (s->ctxt == NULL) {
		buf_puts(&s->error, "0: cannot create an XML parser");
		return;
	}
	xmlerr_attach(&s->xmlerr, s->ctxt);
	xmlCtxtUseOptions(s->ctxt, xmlcompat_options());
	xmlcompat_refuse_external(s->ctxt);
	rowmatch_init(&s->match, s->p->rows, intern, s->ctxt);
	if (s->p->type->name != NULL)
		s->type_name = intern(s->ctxt, s->p->type->name);
	if (s->p->type->kind == TYPE_XPATH)
		rowtree_init(&s->tree, xmlcompat_dict(s->ctxt),
		    rowpath_may_nest(s->p->rows) ? NULL : &s->p->type->demand);
	(void)xmlParseDocument(s->ctxt);
}

static int
parsed_whole(const struct scanner *s, const struct input *in)
{
	return s->ctxt != NULL && xmlcompat_well_formed(s->ctxt) &&
	    s->error.len == 0 && in->error.len == 0;
}

static void
scanner_free(struct scanner *s)
{
	size_t	 i;

	if (s->xpath != NULL)
		xmlXPathFreeContext(s->xpath);
	rowtree_free(&s->tree);
	if (s->ctxt != NULL) {
		xmlFreeDoc(xmlcompat_take_doc(s->ctxt));
		xmlFreeParserCtxt(s->ctxt);
	}
	for (i = 0; i < s->rows_cap; i++)
		buf_free(&s->rows[i].text);
	free(s->rows);
	free(s->states);
	buf_free(&s->error);
	buf_free(&s->shape);
	xmlerr_free(&s->xmlerr);
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

void
scan_file(const char *path, const struct scan_params *p,
    struct scan_result *r)
{
	struct scanner	 s;
	struct input	 in;
	struct timespec	 start;

	memset(r, 0, sizeof(*r));
	memset(&s, 0, sizeof(s));
	clock_gettime(CLOCK_MONOTONIC, &start);
	tally_init(&r->tally, p->max_types);
	s.p = p;
	s.tally = &r->tally;
	s.result = r;
	s.missing_len = strlen(p->missing_type);
	s.states_cap = 64;
	s.states = xcalloc(s.states_cap, sizeof(*s.states));
	s.states[0] = ROWMATCH_START;

	if (input_open(&in, path) == -1) {
		stat_unopened(r, path);
		describe_failure(r, path, &in, &s);
		goto out;
	}
	if (S_ISREG(in.st.st_mode)) {
		r->have_stat = 1;
		r->size = (uint64_t)in.st.st_size;
		r->mtime = in.st.st_mtim;
	}
	s.in = &in;
	xmlerr_install(&s.xmlerr);
	parse(&s, &in);
	xmlerr_uninstall();
	/* A store cut or rewritten under us is said so, however it parsed. */
	if (s.shape_done)
		r->first_row = xstrdup(s.shape.data);
	if (input_check_unchanged(&in) == 0 && parsed_whole(&s, &in)) {
		r->ok = 1;
		clock_gettime(CLOCK_REALTIME, &r->finished);
	} else
		describe_failure(r, path, &in, &s);
out:
	input_close(&in);
	scanner_free(&s);
	r->duration = elapsed_since(&start);
}

void
scan_result_free(struct scan_result *r)
{
	free(r->error);
	free(r->first_row);
	tally_free(&r->tally);
}
