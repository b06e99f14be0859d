/*
 * xpscope.c: where the nodes of every node-set of an expression may lie,
 * relative to the row, read from the expression's tree (xpexpr.h) by an
 * abstract evaluation over the places a node can be in.  Whatever the
 * tree holds that this does not know is refused, never guessed.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "xpexpr.h"
#include "xpscope.h"

/* Where a node may lie, relative to the row (a bit set). */
enum {
	AT_ROW		= 1 << 0,	/* the row element */
	AT_INSIDE	= 1 << 1,	/* a descendant of the row: any kind */
	AT_ATTR		= 1 << 2,	/* attribute or namespace of the above */
	AT_ANCESTOR	= 1 << 3,	/* an ancestor element */
	AT_ANC_ATTR	= 1 << 4,	/* attribute or namespace of one */
	AT_ROOT		= 1 << 5,	/* the document's root node */
	AT_KIDS		= 1 << 6	/* a child of the row chosen by name,
					   only its attributes looked at */
};
#define AT_LAST	AT_KIDS
/* Whose string value the row's tree holds in full. */
#define WHOLE	(AT_ROW | AT_INSIDE | AT_ATTR | AT_ANC_ATTR)

struct value {
	int		 nodes;		/* a node-set (else a scalar) */
	unsigned	 at;		/* where its nodes may lie */
};

struct scope {
	int		 failed;
	struct buf	*why;
	struct xpscope_demand *demand;
};

static void fail(struct scope *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
fail(struct scope *sc, const char *fmt, ...)
{
	va_list	 ap;

	if (sc->failed)
		return;
	sc->failed = 1;
	va_start(ap, fmt);
	buf_vprintf(sc->why, fmt, ap);
	va_end(ap);
}

/* The row's tree must hold everything inside the row. */
static void
need_all(struct scope *sc)
{
	sc->demand->full = 1;
}

/* The string value of these nodes is used: is it in the row's tree? */
static void
need_text(struct scope *sc, struct value v)
{
	if (!v.nodes)
		return;
	if ((v.at & (AT_ANCESTOR | AT_ROOT)) != 0)
		fail(sc, "it uses the text of %s, which a streaming read does "
		    "not keep", (v.at & AT_ANCESTOR) ? "an ancestor of the row" :
		    "the whole document");
	if ((v.at & (AT_ROW | AT_INSIDE)) != 0)
		need_all(sc);
	else if ((v.at & AT_KIDS) != 0)	/* 'string(category)' */
		sc->demand->kids_text = 1;
}

/* A child of the row chosen by its name: only those are built. */
static unsigned
need_child(struct scope *sc, const char *name, size_t len)
{
	struct xpscope_demand	*d = sc->demand;
	size_t			 i;

	/* local names: any namespace is kept */
	for (i = 0; i < d->nchildren; i++)
		if (strlen(d->children[i]) == len &&
		    strncmp(d->children[i], name, len) == 0)
			return AT_KIDS;
	if (d->nchildren == XPSCOPE_MAX_CHILDREN) {
		need_all(sc);
		return AT_INSIDE;
	}
	d->children[d->nchildren++] = xstrndup(name, len);
	return AT_KIDS;
}

static struct value
scalar(void)
{
	struct value	 v = { 0, 0 };

	return v;
}

static struct value nodes_at(unsigned at)
{
	struct value	 v = { 1, at };

	return v;
}

#define OUTSIDE	(~0u)	/* a step that leaves what the row's tree holds */

/* Where `axis` leads from the row, a node inside it, or an attribute. */
static unsigned
from_row(unsigned place, enum xp_axis axis)
{
	unsigned	 ancestors_of_row = AT_ANCESTOR | AT_ROOT;
	unsigned	 up = place == AT_ROW ? 0 : AT_ROW | AT_INSIDE;

	switch (axis) {
	case AX_SELF:
		return place;
	case AX_CHILD:
	case AX_DESCENDANT:
		return place == AT_ATTR ? 0 : AT_INSIDE;
	case AX_DESCENDANT_OR_SELF:
		return place | (place == AT_ATTR ? 0 : AT_INSIDE);
	case AX_ATTRIBUTE:
	case AX_NAMESPACE:
		return place == AT_ATTR ? 0 : AT_ATTR;
	case AX_PARENT:
		return place == AT_ROW ? ancestors_of_row : up;
	case AX_ANCESTOR:
		return up | ancestors_of_row;
	case AX_ANCESTOR_OR_SELF:
		return place | up | ancestors_of_row;
	case AX_FOLLOWING_SIBLING:
	case AX_PRECEDING_SIBLING:
		return place == AT_INSIDE ? AT_INSIDE :
		    place == AT_ATTR ? 0 : OUTSIDE;
	default:
		return OUTSIDE;
	}
}

/* Where `axis` leads from an ancestor or one of its attributes. */
static unsigned
from_ancestor(unsigned place, enum xp_axis axis)
{
	unsigned	 ancestors_of_row = AT_ANCESTOR | AT_ROOT;

	switch (axis) {
	case AX_SELF:
		return place;
	case AX_ATTRIBUTE:
	case AX_NAMESPACE:
		return place == AT_ANCESTOR ? AT_ANC_ATTR : 0;
	case AX_PARENT:
		return place == AT_ANCESTOR ? ancestors_of_row : AT_ANCESTOR;
	case AX_ANCESTOR:
		return ancestors_of_row;
	case AX_ANCESTOR_OR_SELF:
		return place | ancestors_of_row;
	case AX_DESCENDANT_OR_SELF:
	case AX_CHILD:
	case AX_DESCENDANT:
		return place == AT_ANC_ATTR ?
		    (axis == AX_DESCENDANT_OR_SELF ? place : 0) : OUTSIDE;
	default:
		return place == AT_ANC_ATTR && (axis == AX_FOLLOWING_SIBLING ||
		    axis == AX_PRECEDING_SIBLING) ? 0 : OUTSIDE;
	}
}

/*
 * Where `axis` leads from the document's root.  `elements_only`: the node
 * test can only match elements (a name or '*'): the root's only element
 * child is the document element.
 */
static unsigned
from_root(enum xp_axis axis, int elements_only)
{
	switch (axis) {
	case AX_SELF:
	case AX_ANCESTOR_OR_SELF:
		return AT_ROOT;
	case AX_CHILD:
		/* the document element: an ancestor, or the row */
		return elements_only ? AT_ANCESTOR | AT_ROW : OUTSIDE;
	case AX_PARENT:
	case AX_ANCESTOR:
	case AX_ATTRIBUTE:
	case AX_NAMESPACE:
	case AX_FOLLOWING_SIBLING:
	case AX_PRECEDING_SIBLING:
	case AX_FOLLOWING:
	case AX_PRECEDING:
		return 0;
	default:
		return OUTSIDE;
	}
}

/* Where `axis` leads from one place (OUTSIDE: beyond the row's tree). */
static unsigned
step_from(unsigned place, enum xp_axis axis, int elements_only)
{
	switch (place) {
	case AT_ROW:
	case AT_INSIDE:
	case AT_ATTR:
		return from_row(place, axis);
	case AT_ANCESTOR:
	case AT_ANC_ATTR:
		return from_ancestor(place, axis);
	case AT_ROOT:
		return from_root(axis, elements_only);
	default:
		return 0;
	}
}

/*
 * step_from(), and what the row's tree must hold for the step: a child
 * of the row chosen by name needs only that child; whatever goes further
 * into the row needs all of it.
 */
static unsigned
demand_step(struct scope *sc, unsigned place, enum xp_axis axis,
    int elements_only, const char *name, size_t name_len)
{
	if (place == AT_ROW && axis == AX_CHILD && name != NULL)
		return need_child(sc, name, name_len);
	if (place != AT_KIDS)
		return step_from(place, axis, elements_only);
	switch (axis) {
	case AX_SELF:
		return AT_KIDS;
	case AX_ATTRIBUTE:
	case AX_NAMESPACE:
		return AT_ATTR;
	case AX_PARENT:
		return AT_ROW;
	case AX_ANCESTOR:
		return AT_ROW | AT_ANCESTOR | AT_ROOT;
	case AX_ANCESTOR_OR_SELF:
		return AT_KIDS | AT_ROW | AT_ANCESTOR | AT_ROOT;
	default:
		need_all(sc);
		return step_from(AT_INSIDE, axis, elements_only);
	}
}

/* Which core functions (4) convert their node-set arguments to text. */
static int
uses_argument_text(const char *name, size_t len)
{
	static const char *const no_text[] = {
		"count", "boolean", "not", "name", "local-name",
		"namespace-uri", "last", "position", "true", "false"
	};
	size_t	 i;

	for (i = 0; i < sizeof(no_text) / sizeof(no_text[0]); i++)
		if (strlen(no_text[i]) == len &&
		    strncmp(no_text[i], name, len) == 0)
			return 0;
	return 1;
}

/* Called without argument, these use the context node's text. */
static int
uses_context_text(const char *name, size_t len)
{
	static const char *const context_text[] = {
		"string", "string-length", "normalize-space", "number"
	};
	size_t	 i;

	for (i = 0; i < sizeof(context_text) / sizeof(context_text[0]); i++)
		if (strlen(context_text[i]) == len &&
		    strncmp(context_text[i], name, len) == 0)
			return 1;
	return 0;
}

static struct value expr(struct scope *, const struct xp_node *,
    unsigned context);

/* Predicate* (2.4): each evaluated with the step's nodes as context. */
static void
predicates(struct scope *sc, struct xp_node *const *pred, size_t n,
    unsigned context)
{
	size_t	 i;

	for (i = 0; i < n && !sc->failed; i++)
		(void)expr(sc, pred[i], context);
}

/* '//' before a step: /descendant-or-self::node()/ */
static unsigned
descend(struct scope *sc, unsigned from)
{
	unsigned	 place, to = 0, r;

	for (place = 1; place <= AT_LAST; place <<= 1) {
		if ((from & place) == 0)
			continue;
		if ((r = demand_step(sc, place, AX_DESCENDANT_OR_SELF, 0, NULL,
		    0)) == OUTSIDE) {
			fail(sc, "it looks outside the row (at '//')");
			return 0;
		}
		to |= r;
	}
	if ((to & AT_INSIDE) != 0)
		need_all(sc);
	return to;
}

/* Step (2.1): from the nodes at `from`, to where the step leads. */
static unsigned
step(struct scope *sc, const struct xp_step *st, unsigned from)
{
	int		 elements_only = st->test == XT_NAME ||
			    st->test == XT_ANY;
	const char	*name = st->test == XT_NAME ? st->local : NULL;
	unsigned	 to = 0, place, r;

	if (st->descend)
		from = descend(sc, from);
	for (place = 1; place <= AT_LAST && !sc->failed; place <<= 1) {
		if ((from & place) == 0)
			continue;
		r = demand_step(sc, place, st->axis, elements_only, name,
		    name != NULL ? strlen(name) : 0);
		if (r == OUTSIDE) {
			fail(sc, "it looks outside the row (at '%.*s')",
			    (int)strcspn(st->src, "[/|)"), st->src);
			return 0;
		}
		to |= r;
	}
	if ((to & AT_INSIDE) != 0)
		need_all(sc);
	predicates(sc, st->pred, st->npred, to);
	return to;
}

/* A location path, or a filter and the steps after it (3.3). */
static struct value
path(struct scope *sc, const struct xp_node *n, unsigned context)
{
	struct value	 v = nodes_at(n->absolute ? AT_ROOT : context);
	size_t		 i;

	if (n->filter != NULL) {
		v = expr(sc, n->filter, context);
		predicates(sc, n->filter_pred, n->nfilter_pred, v.at);
		if (n->nsteps == 0)
			return v;
	}
	for (i = 0; i < n->nsteps && !sc->failed; i++)
		v.at = step(sc, &n->steps[i], v.at);
	return nodes_at(v.at);
}

/* FunctionCall (3.2) */
static struct value
function_call(struct scope *sc, const struct xp_node *n, unsigned context)
{
	struct value	 arg;
	size_t		 i;

	if (strcmp(n->text, "id") == 0) {
		fail(sc, "id() looks up the whole document");
		return scalar();
	}
	for (i = 0; i < n->nargs && !sc->failed; i++) {
		arg = expr(sc, n->args[i], context);
		if (uses_argument_text(n->text, n->len))
			need_text(sc, arg);
	}
	if (n->nargs == 0 && uses_context_text(n->text, n->len))
		need_text(sc, nodes_at(context));
	return scalar();
}

static struct value
expr(struct scope *sc, const struct xp_node *n, unsigned context)
{
	struct value	 v, w;

	switch (n->op) {
	case XP_NUMBER:
	case XP_LITERAL:
		return scalar();
	case XP_VARIABLE:
		fail(sc, "%s", "it uses a variable");
		return scalar();
	case XP_CALL:
		return function_call(sc, n, context);
	case XP_PATH:
		return path(sc, n, context);
	case XP_UNION:
		v = expr(sc, n->args[0], context);
		w = expr(sc, n->args[1], context);
		v.nodes = 1;
		v.at |= w.at;
		return v;
	case XP_NEG:		/* negation converts to a number */
		need_text(sc, expr(sc, n->args[0], context));
		return scalar();
	default:
		/* Every operator but 'or' and 'and' uses its operands' text. */
		v = expr(sc, n->args[0], context);
		w = expr(sc, n->args[1], context);
		if (n->op != XP_OR && n->op != XP_AND) {
			need_text(sc, v);
			need_text(sc, w);
		}
		return scalar();
	}
}

int
xpscope_check(const struct xp_node *n, struct xpscope_demand *demand,
    struct buf *why)
{
	struct scope	 sc;

	memset(&sc, 0, sizeof(sc));
	memset(demand, 0, sizeof(*demand));
	sc.why = why;
	sc.demand = demand;
	/* The result is taken as a string. */
	need_text(&sc, expr(&sc, n, AT_ROW));
	if (sc.failed) {
		xpscope_demand_free(demand);
		return -1;
	}
	return 0;
}

/* What two expressions on the same tree need: the union. */
void
xpscope_demand_merge(struct xpscope_demand *d, const struct xpscope_demand *add)
{
	size_t	 i, j;

	d->full |= add->full;
	d->kids_text |= add->kids_text;
	for (i = 0; i < add->nchildren && !d->full; i++) {
		for (j = 0; j < d->nchildren; j++)
			if (strcmp(d->children[j], add->children[i]) == 0)
				break;
		if (j < d->nchildren)
			continue;
		if (d->nchildren == XPSCOPE_MAX_CHILDREN)
			d->full = 1;
		else
			d->children[d->nchildren++] =
			    xstrdup(add->children[i]);
	}
}

void
xpscope_demand_free(struct xpscope_demand *d)
{
	size_t	 i;

	for (i = 0; i < d->nchildren; i++)
		free(d->children[i]);
	memset(d, 0, sizeof(*d));
}
