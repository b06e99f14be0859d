/*
 * scan.c: one streaming pass over a store with libxml2's SAX2 interface.
 *
 * One set of element handlers reads every field of a row (see model.h):
 *   streamed     an expression of xpfast.h: each of its paths ('@type',
 *                'amount/@currency', 'category', '../@site', 'name(..)')
 *                captured from the parse events as the row goes by (an
 *                ancestor's attributes and name kept from its start tag),
 *                its functions computed from them when the row ends;
 *   xpath        evaluated on a tree of the row (and a skeleton of its open
 *                ancestors, for '../@x'; see rowtree.h), built only when
 *                some field needs one, once per row for all of them.
 * When every path is one of the row's attributes, a row is complete at its
 * start tag and a plain '@name' is not even copied.  The SAX user data is
 * the scanner itself, so that the callbacks libxml2 makes while it expands
 * an entity reach the same state.
 * Entities are expanded by libxml2 (see xmlcompat.c); this file decides
 * which may be: declared internal ones only, within a budget of work.
 */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/xpathInternals.h>

#include "datetime.h"
#include "entgraph.h"
#include "expo.h"
#include "input.h"
#include "rowtree.h"
#include "scan.h"
#include "xmlcompat.h"
#include "xmlerr.h"
#include "xpfast.h"

#define MAX_FIELDS	(MODEL_MAX_LABELS + MODEL_MAX_VALUES)

/* A path of a streamed field, as the scanner matches it. */
struct stream_leaf {
	const struct xpfast_leaf *def;
	const char	*step[XPFAST_MAX_STEPS];	/* interned */
	const char	*attr;				/* interned, or NULL */
	size_t		 lineage;	/* '../@x': its column in s->lineage */
	size_t		 field;
	size_t		 limit;		/* the most text it may hold */
	struct buf	 qname;		/* name(): 'prefix:local', built */
};

/* An open element's name, as the parser's dictionary holds it. */
struct element_name {
	const xmlChar	*localname;
	const xmlChar	*prefix;
};

/* What a start tag gives the paths complete at a row's start. */
struct start_tag {
	struct element_name name;
	int		 nb_attributes;
	const xmlChar	**attributes;
};

/* A path's string being captured for an open row. */
struct capture {
	struct buf	 text;
	size_t		 matched;	/* how many of its steps the open
					   elements inside the row match */
	size_t		 depth;		/* the element whose text is read, or 0 */
	int		 done;		/* its first node was found */
};

/* An open row: the line it starts on and its paths' strings so far. */
struct open_row {
	size_t		 depth;
	unsigned long	 line;
	struct capture	*cap;		/* one per stream_leaf */
};

struct scanner {
	xmlParserCtxtPtr	 ctxt;
	const struct scan_params *p;
	const struct model	*m;
	struct tally		*tally;
	struct rowmatch		 match;
	const struct typeexpr	*field[MAX_FIELDS]; /* labels, then values */
	const char		*field_label[MAX_FIELDS]; /* for messages: */
	const char		*field_option[MAX_FIELDS]; /* "--type" */
	size_t			 first_leaf[MAX_FIELDS]; /* a streamed one's */
	size_t			 nfields;
	struct stream_leaf	*leaf;		/* every streamed field's paths */
	size_t			 nleaves;
	int			 attributes_only; /* rows end at their start */
	int			 reads_inside;	/* some path has a step */
	int			 keeps_names;	/* some path reads 'name(..)' */
	int			 keeps_lineage;	/* or '../@x' */
	int			 has_tree;
	int			 filtering;	/* -i or -x given */
	uint64_t		*states;	/* per open element; [0] document */
	size_t			 depth;
	size_t			 states_cap;
	struct buf		*lineage;	/* per open element, the values
						   of the attributes '../@x'
						   paths read: nlineage each */
	size_t			 nlineage;
	struct element_name	*names;		/* per open element, for
						   'name(..)'; or NULL */
	struct open_row		*rows;		/* open rows, innermost last */
	size_t			 nrows;
	size_t			 rows_cap;
	struct rowtree		 tree;		/* the rows being built */
	struct xpscope_demand	 demand;	/* what every XPath field needs */
	xmlXPathContextPtr	 xpath;		/* evaluation context */
	struct buf		 scratch[MAX_FIELDS]; /* a row's fields' text */
	struct buf		 why;		/* tally_add's reason to refuse */
	struct buf		 number_text;	/* a value, NUL-terminated */
	const struct input	*in;
	uint64_t		 entity_work;	/* see charge_entities() */
	uint64_t		 defaults_work;
	struct entgraph		 entities;	/* which refer to themselves: */
	struct entgraph		 parameters;	/* general and parameter ones */
	const xmlChar		*declared;	/* the entity just declared */
	size_t			 attribute_decls;
	startElementNsSAX2Func	 kind_start;	/* --dump: wrapped handlers */
	endElementNsSAX2Func	 kind_end;
	charactersSAXFunc	 kind_text;
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
too_long(struct scanner *s, size_t field)
{
	stop(s, FAILURE_LIMIT, "a row's %s is longer than %d bytes",
	    s->field_label[field], SCAN_MAX_TYPE_LEN);
}

static void
holds_too_much(struct scanner *s)
{
	stop(s, FAILURE_LIMIT, "a row holds more than %u MiB",
	    SCAN_MAX_ROW_BYTES >> 20);
}

/* The rows being built hold too much: the store fails, said once. */
static int
row_too_big(struct scanner *s)
{
	if (s->tree.held <= SCAN_MAX_ROW_BYTES)
		return 0;
	holds_too_much(s);
	return 1;
}

/*
 * Work the store makes the parser do beyond its bytes, within a budget
 * that grows with what was read (see scan.h): a store that asks for more
 * fails at once, the same on every release.
 */
static int
charge_entities(struct scanner *s, uint64_t work)
{
	uint64_t	 budget = SCAN_ENTITY_FACTOR * s->in->bytes_out;

	s->entity_work += work;
	if (s->entity_work <= SCAN_ENTITY_GRACE || s->entity_work <= budget)
		return 0;
	stop(s, FAILURE_LIMIT, "entities expand to more than %d times the "
	    "store's size: refused", SCAN_ENTITY_FACTOR);
	return -1;
}

static int
charge_defaults(struct scanner *s, uint64_t work)
{
	s->defaults_work += work;
	if (s->defaults_work <= SCAN_DEFAULTS_GRACE +
	    SCAN_DEFAULTS_FACTOR * s->in->bytes_out)
		return 0;
	stop(s, FAILURE_LIMIT, "attribute defaults expand to more than %d "
	    "times the store's size: refused", SCAN_DEFAULTS_FACTOR);
	return -1;
}

/*
 * libxml2 compares each default it adds with the attributes before it:
 * d*s + d*(d-1)/2 comparisons for d defaults and s specified attributes,
 * each about an eighth of a byte's parse; and each default is one more
 * attribute for every handler.
 */
static uint64_t
defaults_work(int nb_defaulted, int nb_attributes)
{
	uint64_t	 d = (uint64_t)nb_defaulted;
	uint64_t	 specified = (uint64_t)(nb_attributes - nb_defaulted);

	return (d * specified + d * (d - 1) / 2) / 8 + d;
}

/* Room for twice as many open elements. */
static void
grow_depth(struct scanner *s)
{
	size_t	 n = s->states_cap * s->nlineage;

	s->states = xreallocarray(s->states, s->states_cap * 2,
	    sizeof(*s->states));
	if (s->names != NULL)
		s->names = xreallocarray(s->names, s->states_cap * 2,
		    sizeof(*s->names));
	if (n > 0) {
		s->lineage = xreallocarray(s->lineage, n * 2,
		    sizeof(*s->lineage));
		memset(s->lineage + n, 0, n * sizeof(*s->lineage));
	}
	s->states_cap *= 2;
}

/* Enters an element: returns its state set (row or not, see rowpath.h). */
static uint64_t
enter(struct scanner *s, const xmlChar *localname)
{
	uint64_t	 set;

	set = rowmatch_step(&s->match, s->states[s->depth],
	    (const char *)localname);
	if (++s->depth == s->states_cap)
		grow_depth(s);
	s->states[s->depth] = set;
	return set;
}

static int
is_name(const char *want, const xmlChar *name, const xmlChar *uri)
{
	return uri == NULL && ((const char *)name == want ||
	    strcmp((const char *)name, want) == 0);
}

/* The value of the attribute a path ends on, NULL when absent. */
static const char *
leaf_attribute(const struct stream_leaf *l, int n, const xmlChar **attributes,
    size_t *len)
{
	const xmlChar	**a;
	int		 i;

	for (i = 0, a = attributes; i < n; i++, a += 5)
		if (is_name(l->attr, a[0], a[2])) {
			*len = (size_t)(a[4] - a[3]);
			return (const char *)a[3];
		}
	*len = 0;
	return NULL;
}

/* Is this path '../@x', whose value s->lineage keeps? */
static int
reads_ancestor_attribute(const struct xpfast_leaf *def)
{
	return def->up > 0 && def->name == XPF_NOT_NAME;
}

/*
 * An element starts: keep what the '../@x' and 'name(..)' paths of rows
 * below it may read; of an attribute held to a limit, no more than shows
 * it is over.
 */
static void
remember_lineage(struct scanner *s, const xmlChar *localname,
    const xmlChar *prefix, int nb_attributes, const xmlChar **attributes)
{
	struct buf	*b;
	const struct stream_leaf *l;
	const char	*v;
	size_t		 k, len;

	if (s->names != NULL) {
		s->names[s->depth].localname = localname;
		s->names[s->depth].prefix = prefix;
	}
	if (s->nlineage == 0)
		return;
	b = &s->lineage[s->depth * s->nlineage];
	for (k = 0; k < s->nleaves; k++) {
		l = &s->leaf[k];
		if (!reads_ancestor_attribute(l->def))
			continue;
		buf_reset(&b[l->lineage]);
		if ((v = leaf_attribute(l, nb_attributes, attributes, &len)) !=
		    NULL)
			buf_append(&b[l->lineage], v,
			    len > l->limit ? l->limit + 1 : len);
	}
}

/* An element's name as name() or local-name() gives it. */
static const char *
element_name(struct stream_leaf *l, const struct element_name *e,
    size_t *len)
{
	if (l->def->name == XPF_LOCAL_NAME || e->prefix == NULL) {
		*len = strlen((const char *)e->localname);
		return (const char *)e->localname;
	}
	buf_reset(&l->qname);
	buf_printf(&l->qname, "%s:%s", e->prefix, e->localname);
	*len = l->qname.len;
	return l->qname.data;
}

/*
 * The string of a path complete at the row's start tag: an attribute or
 * the name of the row, or of an ancestor ('..'; the document above the
 * document element has neither); NULL when empty.
 */
static const char *
start_leaf(const struct scanner *s, struct stream_leaf *l,
    const struct start_tag *tag, size_t *len)
{
	const struct xpfast_leaf *def = l->def;
	const struct buf	*b;
	size_t			 at;

	if (def->up == 0 && def->name == XPF_NOT_NAME)	/* '@type' */
		return leaf_attribute(l, tag->nb_attributes, tag->attributes,
		    len);
	*len = 0;
	if (def->up >= s->depth)
		return NULL;
	at = s->depth - def->up;
	if (def->name != XPF_NOT_NAME)
		return element_name(l, def->up == 0 ? &tag->name :
		    &s->names[at], len);
	b = &s->lineage[at * s->nlineage + l->lineage];
	*len = b->len;
	return b->len > 0 ? b->data : NULL;
}

/*
 * A field's string, for an XPath field evaluated on the row's tree, into
 * `out`; for a number or a boolean, its number in `*number` and 1.
 */
static int
evaluate(struct scanner *s, size_t field, xmlNodePtr row, struct buf *out,
    double *number)
{
	xmlXPathObjectPtr	 res;
	xmlChar			*str;
	const char		*why;
	int			 is_number = 0;

	s->xpath->node = row;
	res = xmlXPathCompiledEval(s->field[field]->comp, s->xpath);
	if (res == NULL) {
		why = xmlerr_first(&s->xmlerr);
		stop(s, FAILURE_PARSE, "the %s expression failed on this row: %s",
		    s->field_option[field], why != NULL ? why : "unknown error");
		return -1;
	}
	buf_reset(out);
	if (field >= s->m->nlabels && (res->type == XPATH_NUMBER ||
	    res->type == XPATH_BOOLEAN)) {
		*number = xmlXPathCastToNumber(res);
		is_number = 1;
	} else if ((str = xmlXPathCastToString(res)) != NULL) {
		buf_puts(out, (const char *)str);
		xmlFree(str);
	}
	xmlXPathFreeObject(res);
	return is_number;
}

/*
 * A value's number from its string, as XPath's number() or date:seconds;
 * `copy` makes it NUL-terminated for libxml2.
 */
static double
to_number(const struct typeexpr *te, const char *p, size_t len,
    struct buf *copy)
{
	if (len == 0)		/* number("") and date:seconds("") alike */
		return NAN;
	if (te->kind == TYPE_STREAM && te->convert == CONVERT_DATE)
		return datetime_seconds(p, len);
	buf_reset(copy);
	buf_append(copy, p, len);
	buf_putc(copy, '\0');
	return xmlXPathCastStringToNumber(XMLSTR(copy->data));
}

/*
 * A streamed field's string from its paths' (leaves[]): the path's own
 * when the expression is one path, else computed into s->scratch.
 */
static int
stream_field(struct scanner *s, size_t f, const struct xpfast_text *leaves,
    struct xpfast_text *text)
{
	const struct xpfast	*prog = &s->field[f]->prog;

	if (xpfast_is_leaf(prog)) {
		*text = leaves[0];
		return 0;
	}
	xpfast_eval(prog, leaves, &s->scratch[f]);
	text->p = s->scratch[f].data;
	text->len = s->scratch[f].len;
	if (text->len > SCAN_MAX_TYPE_LEN) {
		too_long(s, f);
		return -1;
	}
	return 0;
}

/*
 * Each field's string into text[]: a streamed field's from what its paths
 * captured (`cap`), an XPath field's from the row's tree (kept in
 * s->scratch); an XPath value that is a number straight into numbers[].
 * -1 if the scan stops.
 */
static int
read_fields(struct scanner *s, const struct capture *cap, xmlNodePtr row,
    struct xpfast_text *text, double *numbers, int *is_number)
{
	struct xpfast_text	 leaves[XPFAST_MAX_LEAVES];
	size_t			 i, k, first;
	int			 rc;

	for (i = 0; i < s->nfields; i++) {
		is_number[i] = 0;
		if (s->field[i]->kind == TYPE_STREAM) {
			first = s->first_leaf[i];
			for (k = 0; k < s->field[i]->prog.nleaves; k++) {
				leaves[k].p = cap[first + k].text.data;
				leaves[k].len = cap[first + k].text.len;
			}
			if (stream_field(s, i, leaves, &text[i]) == -1)
				return -1;
			continue;
		}
		if ((rc = evaluate(s, i, row, &s->scratch[i], &numbers[i])) == -1)
			return -1;
		is_number[i] = rc;
		text[i].p = s->scratch[i].data;
		text[i].len = s->scratch[i].len;
		if (!is_number[i] && text[i].len > SCAN_MAX_TYPE_LEN) {
			too_long(s, i);
			return -1;
		}
	}
	return 0;
}

/* For --dump: why a value was skipped. */
static void
why_skipped(struct row_report *rep, size_t i, const struct typeexpr *te,
    const struct xpfast_text *text, int is_number, double v)
{
	rep->skip_text[i] = NULL;
	if (is_number) {
		rep->skip_why[i] = isnan(v) ? "not a number (NaN)" :
		    "not a finite number";
		return;
	}
	if (text->len == 0) {
		rep->skip_why[i] = "empty";
		return;
	}
	rep->skip_text[i] = text->p;
	rep->skip_len[i] = text->len;
	if (te->kind == TYPE_STREAM && te->convert == CONVERT_DATE)
		rep->skip_why[i] = "is not a date";
	else
		rep->skip_why[i] = isnan(v) ? "is not a number" :
		    "is not a finite number";
}

static int
label_reported(const struct scanner *s, const struct row *r)
{
	int	 t = s->m->type_label;

	return t < 0 || expo_type_reported(s->p->filter, r->label[t],
	    r->label_len[t]);
}

/*
 * Counts the row whose fields' strings are in text[], or for an XPath
 * value that gave a number, in numbers[].
 */
static void
finish_row(struct scanner *s, const struct xpfast_text *text,
    const int *is_number, const double *numbers, unsigned long line)
{
	const struct model	 *m = s->m;
	const struct xpfast_text *t;
	struct row		  r;
	struct row_report	  rep;
	size_t			  i, nl = m->nlabels;

	for (i = 0; i < nl; i++) {
		if (text[i].len == 0) {
			r.label[i] = m->labels[i].missing;
			r.label_len[i] = strlen(r.label[i]);
			s->tally->empty[i]++;
		} else {
			r.label[i] = text[i].p;
			r.label_len[i] = text[i].len;
		}
	}
	rep.reported = !s->filtering || label_reported(s, &r);
	if (!rep.reported)
		tally_filtered(s->tally);
	for (i = 0; rep.reported && i < m->nvalues; i++) {
		t = &text[nl + i];
		r.value[i] = is_number[nl + i] ? numbers[nl + i] :
		    to_number(&m->values[i].expr, t->p, t->len,
		    &s->number_text);
		r.has_value[i] = isfinite(r.value[i]);
		if (!r.has_value[i])
			why_skipped(&rep, i, &m->values[i].expr, t,
			    is_number[nl + i], r.value[i]);
	}
	if (rep.reported && tally_add(s->tally, &r, &s->why) == -1) {
		stop(s, FAILURE_LIMIT, "%s", s->why.data);
		return;
	}
	if (s->p->on_row != NULL)
		s->p->on_row(s->p->on_row_arg, line, &r, &rep);
}

/* Every path complete at the row's start tag: so is the row. */
static void
row_from_start_tag(struct scanner *s, const struct start_tag *tag,
    unsigned long line)
{
	static const double no_numbers[MAX_FIELDS];	/* none is from XPath */
	struct xpfast_text text[MAX_FIELDS];
	struct xpfast_text leaves[XPFAST_MAX_LEAVES];
	struct stream_leaf *l;
	int		 is_number[MAX_FIELDS];
	size_t		 i, k;

	for (i = 0; i < s->nfields; i++) {
		for (k = 0; k < s->field[i]->prog.nleaves; k++) {
			l = &s->leaf[s->first_leaf[i] + k];
			leaves[k].p = start_leaf(s, l, tag, &leaves[k].len);
			if (leaves[k].len > l->limit) {
				too_long(s, i);
				return;
			}
		}
		if (stream_field(s, i, leaves, &text[i]) == -1)
			return;
		is_number[i] = 0;
	}
	finish_row(s, text, is_number, no_numbers, line);
}

/* Appends to a path's capture, within its limit. */
static int
capture(struct scanner *s, size_t k, struct capture *c, const char *p,
    size_t len)
{
	if (len > s->leaf[k].limit - c->text.len) {
		if (s->leaf[k].limit == SCAN_MAX_ROW_BYTES)
			holds_too_much(s);
		else
			too_long(s, s->leaf[k].field);
		return -1;
	}
	buf_append(&c->text, p, len);
	return 0;
}

static void
open_row(struct scanner *s, const struct start_tag *tag)
{
	struct open_row	*r;
	struct capture	*c;
	const char	*v;
	size_t		 k, len;

	if (s->nrows == s->rows_cap) {
		s->rows_cap = s->rows_cap ? s->rows_cap * 2 : 4;
		s->rows = xreallocarray(s->rows, s->rows_cap, sizeof(*s->rows));
		memset(s->rows + s->nrows, 0,
		    (s->rows_cap - s->nrows) * sizeof(*s->rows));
	}
	r = &s->rows[s->nrows++];
	r->depth = s->depth;
	r->line = row_line(s);
	if (r->cap == NULL)
		r->cap = xcalloc(s->nleaves, sizeof(*r->cap));
	for (k = 0; k < s->nleaves; k++) {
		c = &r->cap[k];
		buf_reset(&c->text);
		c->matched = c->depth = 0;
		c->done = s->leaf[k].def->nsteps == 0;
		if (c->done && (v = start_leaf(s, &s->leaf[k], tag, &len)) !=
		    NULL && capture(s, k, c, v, len) == -1)
			return;
	}
}

/*
 * An element starts inside open rows: the paths it takes one step further
 * in each; the last step starts reading the element's text, or takes its
 * attribute.  The first node found is the path's (document order).
 */
static void
match_paths(struct scanner *s, const xmlChar *localname, const xmlChar *uri,
    int nb_attributes, const xmlChar **attributes)
{
	const struct stream_leaf *l;
	struct capture	*c;
	const char	*v;
	size_t		 i, k, step, len;

	for (i = 0; i < s->nrows; i++) {
		step = s->depth - s->rows[i].depth;
		for (k = 0; k < s->nleaves; k++) {
			l = &s->leaf[k];
			c = &s->rows[i].cap[k];
			if (c->done || c->matched != step - 1 ||
			    step > l->def->nsteps ||
			    !is_name(l->step[step - 1], localname, uri))
				continue;
			c->matched = step;
			if (step < l->def->nsteps)
				continue;
			if (l->attr == NULL)
				c->depth = s->depth;
			else if ((v = leaf_attribute(l, nb_attributes,
			    attributes, &len)) != NULL) {
				c->done = 1;
				if (capture(s, k, c, v, len) == -1)
					return;
			}
		}
	}
}

static void
on_start(void *user, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
    int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
	struct scanner	*s = user;
	struct start_tag tag;
	int		 is_row;

	if (nb_attributes + nb_namespaces > SCAN_MAX_ATTRIBUTES) {
		stop(s, FAILURE_LIMIT, "an element has more than %d attributes "
		    "and namespace declarations", SCAN_MAX_ATTRIBUTES);
		return;
	}
	if (nb_defaulted > 0 && charge_defaults(s, defaults_work(nb_defaulted,
	    nb_attributes)) == -1)
		return;
	is_row = (enter(s, localname) & s->match.final) != 0;
	if (s->keeps_lineage)
		remember_lineage(s, localname, prefix, nb_attributes,
		    attributes);
	if (s->has_tree && (rowtree_start(&s->tree, localname, prefix, uri,
	    nb_namespaces, namespaces, nb_attributes, attributes, is_row),
	    row_too_big(s)))
		return;
	if (s->reads_inside && s->nrows > 0)
		match_paths(s, localname, uri, nb_attributes, attributes);
	if (!is_row)
		return;
	tag.name.localname = localname;
	tag.name.prefix = prefix;
	tag.nb_attributes = nb_attributes;
	tag.attributes = attributes;
	if (s->attributes_only) {
		if (s->error.len == 0)
			row_from_start_tag(s, &tag, row_line(s));
		return;
	}
	open_row(s, &tag);
}

/* Text inside open rows, for the paths reading it. */
static void
capture_text(struct scanner *s, const xmlChar *ch, int len)
{
	struct capture	*c;
	size_t		 i, k;

	for (i = 0; i < s->nrows; i++)
		for (k = 0; k < s->nleaves; k++) {
			c = &s->rows[i].cap[k];
			if (c->depth != 0 && capture(s, k, c,
			    (const char *)ch, (size_t)len) == -1)
				return;
		}
}

static void
on_text(void *user, const xmlChar *ch, int len)
{
	struct scanner	*s = user;

	if (s->has_tree && (rowtree_text(&s->tree, ch, len), row_too_big(s)))
		return;
	if (s->reads_inside)
		capture_text(s, ch, len);
}

static void
on_comment(void *user, const xmlChar *value)
{
	struct scanner	*s = user;

	if (s->has_tree) {
		rowtree_comment(&s->tree, value);
		(void)row_too_big(s);
	}
}

static void
on_pi(void *user, const xmlChar *target, const xmlChar *data)
{
	struct scanner	*s = user;

	if (s->has_tree) {
		rowtree_pi(&s->tree, target, data);
		(void)row_too_big(s);
	}
}

/* The innermost open row ends: read its fields, count it. */
static void
close_row(struct scanner *s)
{
	struct open_row	*r = &s->rows[--s->nrows];
	struct xpfast_text text[MAX_FIELDS];
	int		 is_number[MAX_FIELDS];
	double		 numbers[MAX_FIELDS];
	xmlNodePtr	 tree_row = NULL;

	if (s->error.len > 0)
		return;
	if (s->has_tree) {
		if ((tree_row = rowtree_current(&s->tree)) == NULL) {
			stop(s, FAILURE_LIMIT, "%s", "out of memory building a row");
			return;
		}
		if (s->xpath == NULL && (s->xpath = typeexpr_context(
		    s->field[0], s->tree.doc)) == NULL) {
			stop(s, FAILURE_LIMIT, "%s", "cannot set up XPath evaluation");
			return;
		}
	}
	if (read_fields(s, r->cap, tree_row, text, numbers, is_number) == -1)
		return;
	finish_row(s, text, is_number, numbers, r->line);
}

/* An element inside open rows ends: the paths it took a step further. */
static void
unmatch_paths(struct scanner *s)
{
	struct capture	*c;
	size_t		 i, k, step;

	for (i = 0; i < s->nrows; i++) {
		step = s->depth - s->rows[i].depth;
		for (k = 0; k < s->nleaves; k++) {
			c = &s->rows[i].cap[k];
			if (c->depth == s->depth) {
				c->depth = 0;
				c->done = 1;
			}
			if (step > 0 && c->matched == step)
				c->matched--;
		}
	}
}

static void
on_end(void *user, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri)
{
	struct scanner	*s = user;
	int		 is_row;

	(void)localname, (void)prefix, (void)uri;
	if (s->reads_inside)
		unmatch_paths(s);
	is_row = s->nrows > 0 && s->rows[s->nrows - 1].depth == s->depth;
	if (is_row)
		close_row(s);
	if (s->has_tree)
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
	struct scanner	*s = user;

	if (type == XML_INTERNAL_GENERAL_ENTITY)
		entgraph_declare(&s->entities, (const char *)name,
		    (const char *)content);
	else if (type == XML_INTERNAL_PARAMETER_ENTITY)
		entgraph_declare(&s->parameters, (const char *)name,
		    (const char *)content);
	xmlSAX2EntityDecl(s->ctxt, name, type, id, system, content);
	s->declared = name;	/* the parser's, alive until it asks */
}

/*
 * Is this reference to NAME one to an entity that refers to itself?  Then
 * the store fails.  (libxml2 looks an entity up as it declares it: that
 * is no reference.)
 */
static int
refers_to_itself(struct scanner *s, struct entgraph *g, const xmlChar *name)
{
	int	 declaring = s->declared != NULL &&
		    xmlStrEqual(name, s->declared);

	s->declared = NULL;
	if (declaring || !entgraph_loops(g, (const char *)name))
		return 0;
	stop(s, FAILURE_PARSE, "%sentity '%s' refers to itself: a reference "
	    "loop", g->sigil == '%' ? "parameter " : "", (const char *)name);
	return 1;
}

/*
 * Every reference to a general entity asks here, in text and in attribute
 * values alike, however deep.  Only declared internal entities are
 * expanded: a value that depends on an undeclared entity (legal after an
 * unread external DTD) or on an external one (never loaded) is unknown,
 * so the store fails rather than count it under a guess.  One that refers
 * to itself, through others or not, is malformed (a parse failure), said
 * before libxml2 would expand it.  Each expansion costs its length in
 * work; a store whose entities make it more work than a plain store a few
 * times its size fails at once, by xml2prom's budget on every release
 * (see scan.h).
 */
static xmlEntityPtr
on_get_entity(void *user, const xmlChar *name)
{
	struct scanner	*s = user;
	xmlEntityPtr	 ent;

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
	if (refers_to_itself(s, &s->entities, name))
		return NULL;
	if (charge_entities(s, SCAN_ENTITY_COST + (uint64_t)ent->length) == -1)
		return NULL;
	return ent;
}

/*
 * Attribute declarations are only counted: libxml2 keeps their defaults
 * itself, and compares each element's with its attributes.
 */
static void
on_attribute_decl(void *user, const xmlChar *elem, const xmlChar *name,
    int type, int def, const xmlChar *value, xmlEnumerationPtr tree)
{
	struct scanner	*s = user;

	(void)elem, (void)name, (void)type, (void)def, (void)value;
	xmlFreeEnumeration(tree);
	if (++s->attribute_decls > SCAN_MAX_ATTRIBUTE_DECLS)
		stop(s, FAILURE_LIMIT, "the document declares more than %d "
		    "attributes", SCAN_MAX_ATTRIBUTE_DECLS);
}

/*
 * Asked before each read: a start tag too big to reach its event (see
 * xmlcompat_tag_names) fails here, said as its event would have.  The
 * parser is not stopped from inside its own read: the read fails.
 */
static int
guard_tag(void *arg)
{
	struct scanner	*s = arg;

	if (s->error.len > 0)
		return -1;
	if (xmlcompat_tag_names(s->ctxt) <= 2 * SCAN_MAX_ATTRIBUTES)
		return 0;
	s->failure = FAILURE_LIMIT;
	buf_printf(&s->error, "%lu: an element has more than %d attributes "
	    "and namespace declarations", current_line(s), SCAN_MAX_ATTRIBUTES);
	return -1;
}

static xmlEntityPtr
on_get_parameter_entity(void *user, const xmlChar *name)
{
	struct scanner	*s = user;

	if (refers_to_itself(s, &s->parameters, name))
		return NULL;
	return xmlSAX2GetParameterEntity(s->ctxt, name);
}

/*
 * One handler set; text, comments and PIs are listened to only when a
 * field reads them, so an attribute-only scan pays for elements alone.
 * There is no cdataBlock handler: XPath's data model has no CDATA nodes
 * (a text node holds all adjacent text, CDATA included), and without one
 * libxml2 reports a CDATA section as characters, on every release.
 */
static void
setup_handlers(struct scanner *s, xmlSAXHandler *sax)
{
	memset(sax, 0, sizeof(*sax));
	sax->initialized = XML_SAX2_MAGIC;
	sax->startDocument = on_start_document;
	sax->internalSubset = on_internal_subset;
	sax->entityDecl = on_entity_decl;
	sax->attributeDecl = on_attribute_decl;
	sax->getEntity = on_get_entity;
	sax->getParameterEntity = on_get_parameter_entity;
	sax->startElementNs = on_start;
	sax->endElementNs = on_end;
	if (s->reads_inside || s->has_tree)
		sax->characters = sax->ignorableWhitespace = on_text;
	if (s->has_tree) {
		sax->comment = on_comment;
		sax->processingInstruction = on_pi;
	}
	if (s->p->on_row != NULL) {
		s->kind_start = sax->startElementNs;
		s->kind_end = sax->endElementNs;
		s->kind_text = sax->characters;
		sax->startElementNs = shape_start;
		sax->endElementNs = shape_end;
		sax->characters = sax->ignorableWhitespace = shape_text;
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

/* Names are compared as the parser's dictionary's pointers first. */
static void
intern_leaf(struct scanner *s, struct stream_leaf *l)
{
	size_t	 k;

	for (k = 0; k < l->def->nsteps; k++)
		l->step[k] = intern(s->ctxt, l->def->step[k]);
	if (l->def->attr != NULL)
		l->attr = intern(s->ctxt, l->def->attr);
}

static void
parse(struct scanner *s, struct input *in)
{
	xmlSAXHandler	 sax;
	size_t		 i;

	setup_handlers(s, &sax);
	s->ctxt = xmlCreateIOParserCtxt(&sax, s, input_read, NULL, in,
	    XML_CHAR_ENCODING_NONE);
	if (s->ctxt == NULL) {
		buf_puts(&s->error, "0: cannot create an XML parser");
		return;
	}
	xmlerr_attach(&s->xmlerr, s->ctxt);
	xmlCtxtUseOptions(s->ctxt, xmlcompat_options());
	xmlcompat_refuse_external(s->ctxt);
	xmlcompat_entity_policy(s->ctxt);
	rowmatch_init(&s->match, s->p->rows, intern, s->ctxt);
	for (i = 0; i < s->nleaves; i++)
		intern_leaf(s, &s->leaf[i]);
	if (s->has_tree)
		rowtree_init(&s->tree, xmlcompat_dict(s->ctxt),
		    rowpath_may_nest(s->p->rows) ? NULL : &s->demand);
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
	size_t	 i, f, k;

	if (s->xpath != NULL)
		xmlXPathFreeContext(s->xpath);
	rowtree_free(&s->tree);
	if (s->ctxt != NULL) {
		xmlFreeDoc(xmlcompat_take_doc(s->ctxt));
		xmlFreeParserCtxt(s->ctxt);
	}
	for (i = 0; i < s->rows_cap && s->rows[i].cap != NULL; i++) {
		for (k = 0; k < s->nleaves; k++)
			buf_free(&s->rows[i].cap[k].text);
		free(s->rows[i].cap);
	}
	for (k = 0; k < s->nleaves; k++)
		buf_free(&s->leaf[k].qname);
	free(s->leaf);
	for (f = 0; f < s->nfields; f++)
		buf_free(&s->scratch[f]);
	buf_free(&s->why);
	buf_free(&s->number_text);
	xpscope_demand_free(&s->demand);
	free(s->rows);
	for (i = 0; i < s->states_cap * s->nlineage; i++)
		buf_free(&s->lineage[i]);
	free(s->lineage);
	free(s->names);
	free(s->states);
	buf_free(&s->error);
	buf_free(&s->shape);
	xmlerr_free(&s->xmlerr);
	entgraph_free(&s->entities);
	entgraph_free(&s->parameters);
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

/*
 * A streamed field's paths.  One that is the whole expression is held to
 * a field's limit as it is read (the rest may be gigabytes of entities);
 * one inside functions may be longer, as on the row's tree, where only
 * the result is held to it.
 */
static void
add_leaves(struct scanner *s, size_t f)
{
	const struct xpfast	*prog = &s->field[f]->prog;
	struct stream_leaf	*l;
	size_t			 k;

	s->first_leaf[f] = s->nleaves;
	for (k = 0; k < prog->nleaves; k++) {
		l = &s->leaf[s->nleaves++];
		l->def = &prog->leaf[k];
		l->field = f;
		l->limit = xpfast_is_leaf(prog) ? SCAN_MAX_TYPE_LEN :
		    SCAN_MAX_ROW_BYTES;
		if (reads_ancestor_attribute(l->def))
			l->lineage = s->nlineage++;
		else if (l->def->up > 0)	/* 'name(..)' */
			s->keeps_names = 1;
		if (l->def->nsteps > 0) {
			s->reads_inside = 1;
			s->attributes_only = 0;
		}
	}
}

/* The model's fields, labels then values, and what reading them needs. */
static void
scanner_init(struct scanner *s, const struct scan_params *p,
    struct scan_result *r)
{
	const struct model	*m = p->model;
	const struct typeexpr	*te;
	size_t			 i, nleaves;

	s->p = p;
	s->m = m;
	s->tally = &r->tally;
	for (i = 0; i < m->nlabels; i++) {
		s->field[s->nfields] = &m->labels[i].expr;
		s->field_label[s->nfields] = m->labels[i].name;
		s->field_option[s->nfields++] = m->labels[i].what;
	}
	for (i = 0; i < m->nvalues; i++) {
		s->field[s->nfields] = &m->values[i].expr;
		s->field_label[s->nfields] = m->values[i].what + 2;
		s->field_option[s->nfields++] = m->values[i].what;
	}
	s->filtering = p->filter != NULL && (p->filter->ninclude > 0 ||
	    p->filter->nexclude > 0);
	for (i = 0, nleaves = 0; i < s->nfields; i++)
		if (s->field[i]->kind == TYPE_STREAM)
			nleaves += s->field[i]->prog.nleaves;
	s->leaf = xcalloc(nleaves, sizeof(*s->leaf));
	s->attributes_only = 1;
	for (i = 0; i < s->nfields; i++) {
		te = s->field[i];
		if (te->kind == TYPE_STREAM) {
			add_leaves(s, i);
			continue;
		}
		s->attributes_only = 0;
		s->has_tree = 1;
		xpscope_demand_merge(&s->demand, &te->demand);
	}
	s->states_cap = 64;
	s->states = xcalloc(s->states_cap, sizeof(*s->states));
	s->states[0] = ROWMATCH_START;
	if (s->nlineage > 0)
		s->lineage = xcalloc(s->states_cap * s->nlineage,
		    sizeof(*s->lineage));
	if (s->keeps_names)
		s->names = xcalloc(s->states_cap, sizeof(*s->names));
	s->keeps_lineage = s->keeps_names || s->nlineage > 0;
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
	tally_init(&r->tally, p->model);
	scanner_init(&s, p, r);

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
	s.entities.sigil = '&';
	s.parameters.sigil = '%';
	in.guard = guard_tag;
	in.guard_arg = &s;
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
