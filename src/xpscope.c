/*
 * xpscope.c: a recursive-descent reading of XPath 1.0 (the grammar of the
 * recommendation, section numbers below) that tracks where the nodes of
 * every node-set may lie relative to the row.  The expression has already
 * been compiled by libxml2, so it is well-formed; what this parser does not
 * recognise is refused, never guessed.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

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

enum tok {
	T_END, T_NUMBER, T_LITERAL, T_NAME, T_STAR, T_SLASH, T_DSLASH,
	T_PIPE, T_PLUS, T_MINUS, T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE,
	T_LPAREN, T_RPAREN, T_LBRACKET, T_RBRACKET, T_DOT, T_DOTDOT, T_AT,
	T_COMMA, T_AXIS, T_DOLLAR, T_BAD
};

struct value {
	int		 nodes;		/* a node-set (else a scalar) */
	unsigned	 at;		/* where its nodes may lie */
};

struct scope {
	const char	*src;
	const char	*p;		/* after the current token */
	enum tok	 tok;
	const char	*start;		/* of the current token */
	size_t		 len;
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

static int
is_name_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	    c >= 0x80;
}

static int
is_name_char(int c)
{
	return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' ||
	    c == '.';
}

static const char *
skip_ncname(const char *p)
{
	while (is_name_char((unsigned char)*p))
		p++;
	return p;
}

static const char *
skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

/* Reads one token (3.7); '::' after a name makes it an axis name. */
static void
next(struct scope *sc)
{
	const char	*p = skip_space(sc->p), *q;
	static const struct { const char *text; enum tok tok; } ops[] = {
		{ "//", T_DSLASH }, { "!=", T_NE }, { "<=", T_LE },
		{ ">=", T_GE }, { "..", T_DOTDOT }, { "::", T_BAD },
		{ "/", T_SLASH }, { "|", T_PIPE }, { "+", T_PLUS },
		{ "-", T_MINUS }, { "=", T_EQ }, { "<", T_LT }, { ">", T_GT },
		{ "(", T_LPAREN }, { ")", T_RPAREN }, { "[", T_LBRACKET },
		{ "]", T_RBRACKET }, { "@", T_AT }, { ",", T_COMMA },
		{ "$", T_DOLLAR }, { "*", T_STAR },
	};
	size_t		 i;

	sc->start = p;
	if (*p == '\0') {
		sc->tok = T_END;
		q = p;
	} else if ((*p >= '0' && *p <= '9') || (*p == '.' && p[1] >= '0' &&
	    p[1] <= '9')) {
		q = p;
		while ((*q >= '0' && *q <= '9') || *q == '.')
			q++;
		sc->tok = T_NUMBER;
	} else if (*p == '"' || *p == '\'') {
		if ((q = strchr(p + 1, *p)) == NULL)
			q = p + strlen(p) - 1;
		q++;
		sc->tok = T_LITERAL;
	} else if (is_name_start((unsigned char)*p)) {
		q = skip_ncname(p);
		if (q[0] == ':' && q[1] == '*')
			q += 2;
		else if (q[0] == ':' && is_name_start((unsigned char)q[1]))
			q = skip_ncname(q + 1);
		sc->tok = T_NAME;
		if (strncmp(skip_space(q), "::", 2) == 0) {
			sc->tok = T_AXIS;
			sc->len = (size_t)(q - p);
			sc->p = skip_space(q) + 2;
			return;
		}
	} else {
		sc->tok = T_BAD;
		q = p + 1;
		for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
			if (strncmp(p, ops[i].text, strlen(ops[i].text)) == 0) {
				sc->tok = ops[i].tok;
				q = p + strlen(ops[i].text);
				break;
			}
		if (*p == '.' && sc->tok == T_BAD) {
			sc->tok = T_DOT;
			q = p + 1;
		}
	}
	sc->len = (size_t)(q - p);
	sc->p = q;
}

static int
token_is(const struct scope *sc, enum tok tok, const char *text)
{
	return sc->tok == tok && strlen(text) == sc->len &&
	    strncmp(sc->start, text, sc->len) == 0;
}

/* The token after the current one, without moving. */
static enum tok
peek(const struct scope *sc)
{
	struct scope	 copy = *sc;

	next(&copy);
	return copy.tok;
}

static void
expect(struct scope *sc, enum tok tok)
{
	if (sc->tok != tok)
		fail(sc, "cannot read the expression near '%s'", sc->start);
	else
		next(sc);
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
	if ((v.at & (AT_ROW | AT_INSIDE | AT_KIDS)) != 0)
		need_all(sc);
}

/* A child of the row chosen by its name: only those are built. */
static unsigned
need_child(struct scope *sc, const char *name, size_t len)
{
	struct xpscope_demand	*d = sc->demand;
	const char		*colon = memchr(name, ':', len);
	size_t			 i;

	if (colon != NULL) {	/* local names: any namespace is kept */
		len -= (size_t)(colon + 1 - name);
		name = colon + 1;
	}
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

enum axis {
	AX_ANCESTOR, AX_ANCESTOR_OR_SELF, AX_ATTRIBUTE, AX_CHILD,
	AX_DESCENDANT, AX_DESCENDANT_OR_SELF, AX_FOLLOWING,
	AX_FOLLOWING_SIBLING, AX_NAMESPACE, AX_PARENT, AX_PRECEDING,
	AX_PRECEDING_SIBLING, AX_SELF, NAXES
};

static const char *const axis_names[NAXES] = {
	"ancestor", "ancestor-or-self", "attribute", "child", "descendant",
	"descendant-or-self", "following", "following-sibling", "namespace",
	"parent", "preceding", "preceding-sibling", "self"
};

#define OUTSIDE	(~0u)	/* a step that leaves what the row's tree holds */

/*
 * Where `axis` leads from one place.  `elements_only`: the node test can
 * only match elements (a name or '*'), which matters at the root, whose
 * only element child is the document element.
 */
static unsigned
step_from(unsigned place, enum axis axis, int elements_only)
{
	unsigned	 ancestors_of_row = AT_ANCESTOR | AT_ROOT;

	switch (place) {
	case AT_ROW:
	case AT_INSIDE:
	case AT_ATTR: {
		unsigned up = place == AT_ROW ? 0 : AT_ROW |
		    (place == AT_INSIDE ? AT_INSIDE : AT_INSIDE);
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
			return place == AT_ROW ? ancestors_of_row :
			    place == AT_INSIDE ? AT_ROW | AT_INSIDE : up;
		case AX_ANCESTOR:
			return (place == AT_ROW ? 0 : up) | ancestors_of_row;
		case AX_ANCESTOR_OR_SELF:
			return place | (place == AT_ROW ? 0 : up) |
			    ancestors_of_row;
		case AX_FOLLOWING_SIBLING:
		case AX_PRECEDING_SIBLING:
			return place == AT_INSIDE ? AT_INSIDE :
			    place == AT_ATTR ? 0 : OUTSIDE;
		default:
			return OUTSIDE;
		}
	}
	case AT_ANCESTOR:
	case AT_ANC_ATTR:
		switch (axis) {
		case AX_SELF:
			return place;
		case AX_ATTRIBUTE:
		case AX_NAMESPACE:
			return place == AT_ANCESTOR ? AT_ANC_ATTR : 0;
		case AX_PARENT:
			return place == AT_ANCESTOR ? ancestors_of_row :
			    AT_ANCESTOR;
		case AX_ANCESTOR:
			return ancestors_of_row;
		case AX_ANCESTOR_OR_SELF:
			return place | ancestors_of_row;
		case AX_DESCENDANT_OR_SELF:
		case AX_CHILD:
		case AX_DESCENDANT:
			return place == AT_ANC_ATTR ?
			    (axis == AX_DESCENDANT_OR_SELF ? place : 0) :
			    OUTSIDE;
		default:
			return place == AT_ANC_ATTR &&
			    (axis == AX_FOLLOWING_SIBLING ||
			    axis == AX_PRECEDING_SIBLING) ? 0 : OUTSIDE;
		}
	case AT_ROOT:
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
demand_step(struct scope *sc, unsigned place, enum axis axis,
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

static struct value expr(struct scope *, unsigned context);

/* Predicate* (2.4): each evaluated with the step's nodes as context. */
static void
predicates(struct scope *sc, unsigned context)
{
	while (!sc->failed && sc->tok == T_LBRACKET) {
		next(sc);
		(void)expr(sc, context);
		expect(sc, T_RBRACKET);
	}
}

static int
is_node_type(const struct scope *sc)
{
	return token_is(sc, T_NAME, "node") || token_is(sc, T_NAME, "text") ||
	    token_is(sc, T_NAME, "comment") ||
	    token_is(sc, T_NAME, "processing-instruction");
}

/* Step (2.1): from the nodes at `from`, to where the step leads. */
static unsigned
step(struct scope *sc, unsigned from)
{
	enum axis	 axis = AX_CHILD;
	const char	*where = sc->start, *name = NULL;
	size_t		 name_len = 0;
	unsigned	 to = 0, place, r;
	int		 elements_only = 1, i;

	if (sc->tok == T_DOT || sc->tok == T_DOTDOT) {
		axis = sc->tok == T_DOT ? AX_SELF : AX_PARENT;
		elements_only = 0;
		next(sc);
	} else {
		if (sc->tok == T_AT) {
			axis = AX_ATTRIBUTE;
			next(sc);
		} else if (sc->tok == T_AXIS) {
			for (i = 0; i < NAXES; i++)
				if (strlen(axis_names[i]) == sc->len &&
				    strncmp(sc->start, axis_names[i],
				    sc->len) == 0)
					break;
			if (i == NAXES) {
				fail(sc, "unknown axis near '%s'", sc->start);
				return 0;
			}
			axis = (enum axis)i;
			next(sc);
		}
		if (sc->tok == T_NAME && peek(sc) == T_LPAREN) {
			if (!is_node_type(sc)) {
				fail(sc, "cannot read the expression near "
				    "'%s'", sc->start);
				return 0;
			}
			elements_only = 0;
			next(sc);
			next(sc);
			if (sc->tok == T_LITERAL)
				next(sc);
			expect(sc, T_RPAREN);
		} else if (sc->tok == T_NAME || sc->tok == T_STAR) {
			if (sc->tok == T_NAME && (sc->len < 2 ||
			    sc->start[sc->len - 1] != '*')) {
				name = sc->start;
				name_len = sc->len;
			}
			next(sc);
		} else
			fail(sc, "cannot read the expression near '%s'",
			    sc->start);
	}
	for (place = 1; place <= AT_LAST; place <<= 1) {
		if ((from & place) == 0)
			continue;
		r = demand_step(sc, place, axis, elements_only, name,
		    name_len);
		if (r == OUTSIDE) {
			fail(sc, "it looks outside the row (at '%.*s')",
			    (int)strcspn(where, "[/|)"), where);
			return 0;
		}
		to |= r;
	}
	if ((to & AT_INSIDE) != 0)
		need_all(sc);
	predicates(sc, to);
	return to;
}

/* '//' between steps: /descendant-or-self::node()/ */
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

/* RelativeLocationPath (2): Step (('/' | '//') Step)* */
static unsigned
relative_path(struct scope *sc, unsigned from)
{
	unsigned	 at = step(sc, from);

	while (!sc->failed && (sc->tok == T_SLASH || sc->tok == T_DSLASH)) {
		if (sc->tok == T_DSLASH)
			at = descend(sc, at);
		next(sc);
		at = step(sc, at);
	}
	return at;
}

static int
starts_step(const struct scope *sc)
{
	return sc->tok == T_DOT || sc->tok == T_DOTDOT || sc->tok == T_AT ||
	    sc->tok == T_AXIS || sc->tok == T_STAR ||
	    (sc->tok == T_NAME && (peek(sc) != T_LPAREN || is_node_type(sc)));
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

/* FunctionCall (3.2) */
static struct value
function_call(struct scope *sc, unsigned context)
{
	const char	*name = sc->start;
	size_t		 len = sc->len, nargs = 0;
	struct value	 arg;

	if (len == 2 && strncmp(name, "id", 2) == 0) {
		fail(sc, "id() looks up the whole document");
		return scalar();
	}
	next(sc);
	expect(sc, T_LPAREN);
	while (!sc->failed && sc->tok != T_RPAREN) {
		if (nargs++ > 0)
			expect(sc, T_COMMA);
		arg = expr(sc, context);
		if (uses_argument_text(name, len))
			need_text(sc, arg);
	}
	expect(sc, T_RPAREN);
	if (nargs == 0 && uses_context_text(name, len))
		need_text(sc, nodes_at(context));
	return scalar();
}

/* PrimaryExpr (3.1) followed by predicates: a FilterExpr (3.3). */
static struct value
filter_expr(struct scope *sc, unsigned context)
{
	struct value	 v = scalar();

	switch (sc->tok) {
	case T_LPAREN:
		next(sc);
		v = expr(sc, context);
		expect(sc, T_RPAREN);
		break;
	case T_LITERAL:
	case T_NUMBER:
		next(sc);
		break;
	case T_NAME:
		v = function_call(sc, context);
		break;
	default:
		fail(sc, "%s", sc->tok == T_DOLLAR ? "it uses a variable" :
		    "cannot read the expression");
		return v;
	}
	if (sc->tok == T_LBRACKET)
		predicates(sc, v.at);
	return v;
}

/* PathExpr (3.3) */
static struct value
path_expr(struct scope *sc, unsigned context)
{
	struct value	 v;
	unsigned	 at;

	if (sc->tok == T_SLASH || sc->tok == T_DSLASH) {
		at = sc->tok == T_DSLASH ? descend(sc, AT_ROOT) : AT_ROOT;
		next(sc);
		if (starts_step(sc))
			at = relative_path(sc, at);
		return nodes_at(at);
	}
	if (starts_step(sc))
		return nodes_at(relative_path(sc, context));
	v = filter_expr(sc, context);
	if (sc->tok == T_SLASH || sc->tok == T_DSLASH) {
		at = sc->tok == T_DSLASH ? descend(sc, v.at) : v.at;
		next(sc);
		return nodes_at(relative_path(sc, at));
	}
	return v;
}

/* UnionExpr (3.3) */
static struct value
union_expr(struct scope *sc, unsigned context)
{
	struct value	 v = path_expr(sc, context), w;

	while (!sc->failed && sc->tok == T_PIPE) {
		next(sc);
		w = path_expr(sc, context);
		v.nodes = 1;
		v.at |= w.at;
	}
	return v;
}

/* UnaryExpr (3.5): negation converts to a number. */
static struct value
unary_expr(struct scope *sc, unsigned context)
{
	struct value	 v;
	int		 negated = 0;

	while (sc->tok == T_MINUS) {
		negated = 1;
		next(sc);
	}
	v = union_expr(sc, context);
	if (negated) {
		need_text(sc, v);
		return scalar();
	}
	return v;
}

/*
 * The binary operators (3.4, 3.5), loosest first.  Every one but 'or' and
 * 'and' compares or computes with the text of node-set operands.
 */
static const struct level {
	const char	*names[4];	/* operator names, else... */
	enum tok	 toks[5];	/* ...operator tokens (T_END ends) */
	int		 uses_text;
} levels[] = {
	{ { "or" }, { T_END }, 0 },
	{ { "and" }, { T_END }, 0 },
	{ { NULL }, { T_EQ, T_NE, T_END }, 1 },
	{ { NULL }, { T_LT, T_LE, T_GT, T_GE, T_END }, 1 },
	{ { NULL }, { T_PLUS, T_MINUS, T_END }, 1 },
	{ { "div", "mod" }, { T_STAR, T_END }, 1 },
};
#define NLEVELS	(sizeof(levels) / sizeof(levels[0]))

static int
is_operator(const struct scope *sc, const struct level *l)
{
	int	 i;

	for (i = 0; l->toks[i] != T_END; i++)
		if (sc->tok == l->toks[i])
			return 1;
	for (i = 0; i < 4 && l->names[i] != NULL; i++)
		if (token_is(sc, T_NAME, l->names[i]))
			return 1;
	return 0;
}

static struct value
binary_expr(struct scope *sc, unsigned context, size_t level)
{
	struct value	 v, w;

	if (level == NLEVELS)
		return unary_expr(sc, context);
	v = binary_expr(sc, context, level + 1);
	while (!sc->failed && is_operator(sc, &levels[level])) {
		next(sc);
		w = binary_expr(sc, context, level + 1);
		if (levels[level].uses_text) {
			need_text(sc, v);
			need_text(sc, w);
		}
		v = scalar();
	}
	return v;
}

static struct value
expr(struct scope *sc, unsigned context)
{
	return binary_expr(sc, context, 0);
}

int
xpscope_check(const char *src, struct xpscope_demand *demand, struct buf *why)
{
	struct scope	 sc;
	struct value	 v;

	memset(&sc, 0, sizeof(sc));
	memset(demand, 0, sizeof(*demand));
	sc.src = sc.p = src;
	sc.why = why;
	sc.demand = demand;
	next(&sc);
	v = expr(&sc, AT_ROW);
	/* The result is taken as a string. */
	need_text(&sc, v);
	if (!sc.failed && sc.tok != T_END)
		fail(&sc, "cannot read the expression near '%s'", sc.start);
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
