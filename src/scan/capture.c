/*
 * capture.c: the strings of streamed paths (xpstream.h), taken from the
 * parse events as a row goes by.  A path that ends on the row's attribute,
 * its name or an ancestor's ('@type', 'name(..)', '../@site') is complete
 * at the row's start tag: an ancestor's attributes and name are kept from
 * its own start tag (the lineage).  A path with child steps
 * ('amount/@currency', 'category') follows the elements inside the row and
 * takes the first node it reaches, in document order.
 */
#include <stdlib.h>
#include <string.h>

#include "scanner.h"
#include "xmlcompat.h"

/* Interned names compare by pointer first. */
static int
same_name(const char *want, const xmlChar *name)
{
	return (const char *)name == want ||
	    (want[0] == (char)name[0] && strcmp((const char *)name, want) == 0);
}

/*
 * What the lineage keeps of an element for 'ancestor::T/@x': a byte of
 * flags (it is a T, it has @x), then @x.
 */
#define ANCESTOR_IS_T		1
#define ANCESTOR_HAS_ATTR	2

/* Every set's paths, as the plan has them, and the lineage kept. */
void
capture_init(struct scanner *s)
{
	const struct plan_set	*ps;
	size_t			 i, k;

	for (i = 0; i < s->nsets; i++) {
		ps = s->sets[i].plan;
		s->sets[i].leaf = xcalloc(ps->nleaves > 0 ? ps->nleaves : 1,
		    sizeof(*s->sets[i].leaf));
		for (k = 0; k < ps->nleaves; k++) {
			s->sets[i].leaf[k].plan = &ps->leaf[k];
			s->sets[i].leaf[k].def = ps->leaf[k].def;
		}
	}
	if (s->plan->lineage_attrs > 0)
		s->lineage.attrs = xcalloc(s->states_cap *
		    s->plan->lineage_attrs, sizeof(*s->lineage.attrs));
	if (s->plan->lineage_names)
		s->lineage.names = xcalloc(s->states_cap,
		    sizeof(*s->lineage.names));
}

static void
intern_step(struct scanner *s, struct stream_leaf *l, size_t n)
{
	const struct xpstream_step *st = &l->def->step[n];
	size_t			 i;

	for (i = 0; i < st->nnames; i++)
		l->step[n][i] = scanner_intern(s->ctxt, st->name[i]);
	if (st->pred_attr != NULL)
		l->pred_attr[n] = scanner_intern(s->ctxt, st->pred_attr);
}

/* The paths' names, as the parser's dictionary holds them. */
void
capture_intern(struct scanner *s)
{
	struct stream_leaf	*l;
	size_t			 i, k, n;

	for (i = 0; i < s->nsets; i++)
		for (k = 0; k < s->sets[i].plan->nleaves; k++) {
			l = &s->sets[i].leaf[k];
			/* an ancestor's test is its step 0 */
			for (n = 0; n < l->def->nsteps + l->def->ancestor; n++)
				intern_step(s, l, n);
			if (l->def->attr != NULL)
				l->attr = scanner_intern(s->ctxt, l->def->attr);
		}
}

/* The lineage for twice as many open elements (s->states_cap, already). */
void
capture_grow(struct scanner *s, size_t old_cap)
{
	struct lineage	*lg = &s->lineage;
	size_t		 nattrs = s->plan->lineage_attrs;
	size_t		 n = old_cap * nattrs;

	if (lg->names != NULL)
		lg->names = xreallocarray(lg->names, s->states_cap,
		    sizeof(*lg->names));
	if (n > 0) {
		lg->attrs = xreallocarray(lg->attrs, s->states_cap * nattrs,
		    sizeof(*lg->attrs));
		memset(lg->attrs + n, 0, (s->states_cap - old_cap) * nattrs *
		    sizeof(*lg->attrs));
	}
}

void
capture_free(struct scanner *s)
{
	size_t	 i, k;

	for (i = 0; i < s->rows_cap && s->rows[i].cap != NULL; i++) {
		for (k = 0; k < s->plan->most_leaves; k++)
			buf_free(&s->rows[i].cap[k].text);
		free(s->rows[i].cap);
	}
	for (i = 0; i < s->nsets; i++) {
		for (k = 0; k < s->sets[i].plan->nleaves; k++)
			buf_free(&s->sets[i].leaf[k].qname);
		free(s->sets[i].leaf);
	}
	for (i = 0; i < s->states_cap * s->plan->lineage_attrs; i++)
		buf_free(&s->lineage.attrs[i]);
	free(s->lineage.attrs);
	free(s->lineage.names);
}

/* The value of the attribute NAME (no namespace), NULL when absent. */
static const char *
attribute(const char *name, int n, const xmlChar **attributes, size_t *len)
{
	const xmlChar	**a;
	int		 i;

	for (i = 0, a = attributes; i < n; i++, a += 5)
		if (a[2] == NULL && same_name(name, a[0])) {
			*len = (size_t)(a[4] - a[3]);
			return (const char *)a[3];
		}
	*len = 0;
	return NULL;
}

/* The value, in this start tag, of the attribute a path ends on; NULL
 * when absent. */
const char *
capture_tag_attribute(const struct stream_leaf *l,
    const struct start_tag *tag, size_t *len)
{
	return attribute(l->attr, tag->nb_attributes, tag->attributes, len);
}

/* Does the element take step k of the leaf's path? */
static int
step_matches(const struct stream_leaf *l, size_t k,
    const struct start_tag *tag, const xmlChar *uri)
{
	const struct xpstream_step *st = &l->def->step[k];
	const char	*v;
	size_t		 i, len;

	if (st->nnames > 0) {
		if (st->uri == NULL ? uri != NULL : uri == NULL ||
		    strcmp(st->uri, (const char *)uri) != 0)
			return 0;
		for (i = 0; i < st->nnames; i++)
			if (same_name(l->step[k][i], tag->name.localname))
				break;
		if (i == st->nnames)
			return 0;
	}
	if (st->pred_attr == NULL)
		return 1;
	v = attribute(l->pred_attr[k], tag->nb_attributes, tag->attributes,
	    &len);
	return v != NULL && len == strlen(st->pred_value) &&
	    memcmp(v, st->pred_value, len) == 0;
}

/*
 * An element starts: keep what the '../@x' and 'name(..)' paths of rows
 * below it may read; of an attribute held to a limit, no more than shows
 * it is over.
 */
void
capture_ancestor(struct scanner *s, const struct start_tag *tag,
    const xmlChar *uri)
{
	struct lineage		*lg = &s->lineage;
	const struct stream_leaf *l;
	struct buf		*b;
	const char		*v;
	size_t			 i, k, len, col;

	if (lg->names != NULL)
		lg->names[s->depth] = tag->name;
	if (s->plan->lineage_attrs == 0)
		return;
	b = &lg->attrs[s->depth * s->plan->lineage_attrs];
	for (i = 0; i < s->nsets; i++)
		for (k = 0; k < s->sets[i].plan->nleaves; k++) {
			l = &s->sets[i].leaf[k];
			if (l->plan->kind != LEAF_LINEAGE_ATTRIBUTE)
				continue;
			col = l->plan->lineage;
			buf_reset(&b[col]);
			v = capture_tag_attribute(l, tag, &len);
			if (l->def->ancestor)
				buf_putc(&b[col], (char)((v != NULL ?
				    ANCESTOR_HAS_ATTR : 0) |
				    (step_matches(l, 0, tag, uri) ?
				    ANCESTOR_IS_T : 0)));
			if (v != NULL)
				buf_append(&b[col], v, len > l->plan->limit ?
				    l->plan->limit + 1 : len);
		}
}

/* An open element's entry for the leaf, if it is a T. */
static const struct buf *
ancestor_entry(const struct scanner *s, const struct stream_leaf *l,
    size_t at)
{
	const struct buf	*b;

	b = &s->lineage.attrs[at * s->plan->lineage_attrs + l->plan->lineage];
	return b->len > 0 && (b->data[0] & ANCESTOR_IS_T) != 0 ? b : NULL;
}

/*
 * 'ancestor::T[P]/@x' for the row: of the open elements above it that
 * are a T, the one P says (positions count from the row outwards, the
 * last is the outermost; no P: the outermost that has @x, document
 * order), its @x; NULL if none.
 */
static const char *
ancestor_attribute(const struct scanner *s, const struct stream_leaf *l,
    size_t *len)
{
	const struct xpstream_leaf *def = l->def;
	const struct buf	*b, *chosen = NULL;
	size_t			 at, n = 0, k = 0, want = 0;
	int			 any = def->position == 0 && !def->from_last;

	*len = 0;
	for (at = 1; at < s->depth; at++)
		n += ancestor_entry(s, l, at) != NULL;
	if (!any && (def->from_last ? (size_t)def->position >= n :
	    (size_t)def->position > n))
		return NULL;
	if (!any)	/* from the outermost, 1-based */
		want = def->from_last ? (size_t)def->position + 1 :
		    n + 1 - (size_t)def->position;
	for (at = 1; at < s->depth && chosen == NULL; at++) {
		if ((b = ancestor_entry(s, l, at)) == NULL)
			continue;
		if (any ? (b->data[0] & ANCESTOR_HAS_ATTR) != 0 : ++k == want)
			chosen = b;
	}
	if (chosen == NULL || (chosen->data[0] & ANCESTOR_HAS_ATTR) == 0)
		return NULL;
	*len = chosen->len - 1;
	return chosen->data + 1;
}

/* An element's name as name() or local-name() gives it. */
static const char *
element_name(struct stream_leaf *l, const struct element_name *e,
    size_t *len)
{
	buf_reset(&l->qname);
	if (l->def->name == XPS_LOCAL_NAME || e->prefix == NULL) {
		*len = strlen((const char *)e->localname);
		return (const char *)e->localname;
	}
	buf_printf(&l->qname, "%s:%s", e->prefix, e->localname);
	*len = l->qname.len;
	return l->qname.data;
}

/*
 * The string of a path complete at the row's start tag: an attribute or
 * the name of the row, or of an ancestor ('..'; the document above the
 * document element has neither); NULL when empty.
 */
const char *
capture_start_leaf(const struct scanner *s, struct stream_leaf *l,
    const struct start_tag *tag, size_t *len)
{
	const struct xpstream_leaf *def = l->def;
	const struct buf	*b;
	size_t			 at;

	if (def->ancestor)
		return ancestor_attribute(s, l, len);
	if (def->up == 0 && def->name == XPS_NOT_NAME)	/* '@type' */
		return capture_tag_attribute(l, tag, len);
	*len = 0;
	if (def->up >= s->depth)
		return NULL;
	at = s->depth - def->up;
	if (def->name != XPS_NOT_NAME)
		return element_name(l, def->up == 0 ? &tag->name :
		    &s->lineage.names[at], len);
	b = &s->lineage.attrs[at * s->plan->lineage_attrs + l->plan->lineage];
	*len = b->len;
	return b->len > 0 ? b->data : NULL;
}

/* Appends to a path's capture, within its limit. */
static int
capture(struct scanner *s, const struct set_reader *set, size_t k,
    struct capture *c, const char *p, size_t len)
{
	const struct plan_leaf	*pl = set->leaf[k].plan;

	if (len > pl->limit - c->text.len) {
		if (pl->limit == SCAN_MAX_ROW_BYTES)
			scanner_holds_too_much(s);
		else
			scanner_too_long(s, set, pl->field);
		return -1;
	}
	buf_append(&c->text, p, len);
	return 0;
}

/* A row opens: its paths start afresh, those complete at its start done. */
int
capture_open(struct scanner *s, struct open_row *r,
    const struct start_tag *tag)
{
	struct set_reader *set = r->set;
	struct capture	*c;
	const char	*v;
	size_t		 k, len;

	if (r->cap == NULL)
		r->cap = xcalloc(s->plan->most_leaves, sizeof(*r->cap));
	r->pending = 0;
	for (k = 0; k < set->plan->nleaves; k++) {
		c = &r->cap[k];
		buf_reset(&c->text);
		c->matched = c->depth = 0;
		c->count = 0;
		c->done = set->leaf[k].def->nsteps == 0;
		if (!c->done) {
			r->pending++;
			continue;
		}
		v = capture_start_leaf(s, &set->leaf[k], tag, &len);
		if (set->leaf[k].def->take == XPS_COUNT)
			c->count = v != NULL;
		else if (v != NULL && capture(s, set, k, c, v, len) == -1)
			return -1;
	}
	return 0;
}

/*
 * The element is a node the path reaches: counted, or its name, its
 * attribute or (from now until it ends) its text taken.  The first node
 * found is the path's (document order), or the last for [last()].
 */
static int
take_node(struct scanner *s, struct open_row *r, size_t k,
    struct capture *c, const struct start_tag *tag)
{
	const struct set_reader	*set = r->set;
	struct stream_leaf	*l = &set->leaf[k];
	const char		*v;
	size_t			 len;

	if (l->def->take == XPS_COUNT) {
		c->count += l->attr == NULL ||
		    capture_tag_attribute(l, tag, &len) != NULL;
		return 0;
	}
	if (l->def->name != XPS_NOT_NAME)
		v = element_name(l, &tag->name, &len);
	else if (l->attr == NULL) {
		c->depth = s->depth;
		s->reading_text++;	/* heard from now: see scan.c */
		return 0;
	} else if ((v = capture_tag_attribute(l, tag, &len)) == NULL)
		return 0;
	c->done = l->def->take == XPS_FIRST;
	r->pending -= c->done;
	buf_reset(&c->text);
	return capture(s, set, k, c, v, len);
}

/*
 * An element starts inside open rows: the paths it takes one step further
 * in each; the last step takes the node.
 */
void
capture_step_in(struct scanner *s, const struct start_tag *tag,
    const xmlChar *uri)
{
	const struct stream_leaf *l;
	struct open_row	*r;
	struct capture	*c;
	size_t		 i, k, step;

	for (i = 0; i < s->nrows; i++) {
		r = &s->rows[i];
		if (r->pending == 0)
			continue;
		step = s->depth - r->depth;
		for (k = 0; k < r->set->plan->nleaves; k++) {
			l = &r->set->leaf[k];
			c = &r->cap[k];
			if (c->done || c->matched != step - 1 ||
			    step > l->def->nsteps ||
			    !step_matches(l, step - 1, tag, uri))
				continue;
			c->matched = step;
			if (step == l->def->nsteps &&
			    take_node(s, r, k, c, tag) == -1)
				return;
		}
	}
}

/* Text inside open rows, for the paths reading it (if any is). */
void
capture_text(struct scanner *s, const xmlChar *ch, int len)
{
	struct open_row	*r;
	struct capture	*c;
	size_t		 i, k;

	if (s->reading_text == 0)
		return;
	for (i = 0; i < s->nrows; i++) {
		r = &s->rows[i];
		for (k = 0; k < r->set->plan->nleaves; k++) {
			c = &r->cap[k];
			if (c->depth != 0 && capture(s, r->set, k, c,
			    (const char *)ch, (size_t)len) == -1)
				return;
		}
	}
}

/* An element inside open rows ends: the paths it took a step further. */
void
capture_step_out(struct scanner *s)
{
	struct open_row	*r;
	struct capture	*c;
	size_t		 i, k, step;

	for (i = 0; i < s->nrows; i++) {
		r = &s->rows[i];
		if (r->pending == 0)
			continue;
		step = s->depth - r->depth;
		for (k = 0; k < r->set->plan->nleaves; k++) {
			c = &r->cap[k];
			if (c->depth == s->depth) {
				c->depth = 0;
				c->done = 1;
				r->pending--;
				s->reading_text--;
			}
			if (step > 0 && c->matched == step)
				c->matched--;
		}
	}
}
