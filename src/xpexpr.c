/*
 * xpexpr.c: a recursive-descent parser of XPath 1.0 (the grammar of the
 * recommendation, section numbers below) into the tree of xpexpr.h.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "names.h"
#include "xmlcompat.h"
#include "xpexpr.h"

/* Nesting deeper than this is no field's expression. */
#define MAX_DEPTH	64

enum tok {
	T_END, T_NUMBER, T_LITERAL, T_NAME, T_STAR, T_SLASH, T_DSLASH,
	T_PIPE, T_PLUS, T_MINUS, T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE,
	T_LPAREN, T_RPAREN, T_LBRACKET, T_RBRACKET, T_DOT, T_DOTDOT, T_AT,
	T_COMMA, T_AXIS, T_DOLLAR, T_BAD
};

struct parser {
	const char	*p;		/* after the current token */
	enum tok	 tok;
	const char	*start;		/* of the current token */
	size_t		 len;
	int		 failed;
	int		 depth;
	struct buf	*why;
};

static const char *const axis_names[AX_COUNT] = {
	"ancestor", "ancestor-or-self", "attribute", "child", "descendant",
	"descendant-or-self", "following", "following-sibling", "namespace",
	"parent", "preceding", "preceding-sibling", "self"
};

static void fail(struct parser *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
fail(struct parser *ps, const char *fmt, ...)
{
	va_list	 ap;

	if (ps->failed)
		return;
	ps->failed = 1;
	va_start(ap, fmt);
	buf_vprintf(ps->why, fmt, ap);
	va_end(ap);
}

static void
cannot_read(struct parser *ps)
{
	fail(ps, "cannot read the expression near '%s'", ps->start);
}

/* ExprWhitespace (3.7) */
static const char *
skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

/*
 * An NCName at p, its length (0 if none): a name with a character past
 * ASCII is held to XML's rules by libxml2's own check.
 */
static size_t
ncname_at(const char *p)
{
	size_t	 n = names_ncname_span(p), i;
	char	*copy;
	int	 bad;

	for (i = 0; i < n && (unsigned char)p[i] < 0x80; i++)
		continue;
	if (i == n)
		return n;
	copy = xstrndup(p, n);
	bad = xmlValidateNCName(XMLSTR(copy), 0) != 0;
	free(copy);
	return bad ? 0 : n;
}

/* A QName or 'prefix:*' at p: its end (p itself if none). */
static const char *
name_end(const char *p)
{
	const char	*q = p + ncname_at(p);

	if (q == p)
		return p;
	if (q[0] == ':' && q[1] == '*')
		return q + 2;
	if (q[0] == ':' && ncname_at(q + 1) > 0)
		return q + 1 + ncname_at(q + 1);
	return q;
}

/* The operators and punctuation (3.7), longest first. */
static enum tok
punctuation(const char *p, size_t *len)
{
	static const struct { const char *text; enum tok tok; } ops[] = {
		{ "//", T_DSLASH }, { "!=", T_NE }, { "<=", T_LE },
		{ ">=", T_GE }, { "..", T_DOTDOT }, { "::", T_BAD },
		{ "/", T_SLASH }, { "|", T_PIPE }, { "+", T_PLUS },
		{ "-", T_MINUS }, { "=", T_EQ }, { "<", T_LT }, { ">", T_GT },
		{ "(", T_LPAREN }, { ")", T_RPAREN }, { "[", T_LBRACKET },
		{ "]", T_RBRACKET }, { "@", T_AT }, { ",", T_COMMA },
		{ "$", T_DOLLAR }, { "*", T_STAR }, { ".", T_DOT },
	};
	size_t	 i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		*len = strlen(ops[i].text);
		if (strncmp(p, ops[i].text, *len) == 0)
			return ops[i].tok;
	}
	*len = 1;
	return T_BAD;
}

/* Reads one token (3.7); '::' after a name makes it an axis name. */
static void
next(struct parser *ps)
{
	const char	*p = skip_space(ps->p), *q;

	ps->start = p;
	if (*p == '\0') {
		ps->tok = T_END;
		q = p;
	} else if ((*p >= '0' && *p <= '9') || (*p == '.' && p[1] >= '0' &&
	    p[1] <= '9')) {
		for (q = p; (*q >= '0' && *q <= '9') || *q == '.'; q++)
			continue;
		ps->tok = T_NUMBER;
	} else if (*p == '"' || *p == '\'') {
		if ((q = strchr(p + 1, *p)) == NULL) {
			ps->tok = T_BAD;
			q = p + strlen(p);
		} else {
			ps->tok = T_LITERAL;
			q++;
		}
	} else if ((q = name_end(p)) != p) {
		ps->tok = T_NAME;
		if (strncmp(skip_space(q), "::", 2) == 0) {
			ps->tok = T_AXIS;
			ps->len = (size_t)(q - p);
			ps->p = skip_space(q) + 2;
			return;
		}
	} else {
		ps->tok = punctuation(p, &ps->len);
		q = p + ps->len;
	}
	ps->len = (size_t)(q - p);
	ps->p = q;
}

static int
token_is(const struct parser *ps, enum tok tok, const char *text)
{
	return ps->tok == tok && strlen(text) == ps->len &&
	    strncmp(ps->start, text, ps->len) == 0;
}

/* The token after the current one, without moving. */
static enum tok
peek(const struct parser *ps)
{
	struct parser	 copy = *ps;

	next(&copy);
	return copy.tok;
}

static void
expect(struct parser *ps, enum tok tok)
{
	if (ps->tok != tok)
		cannot_read(ps);
	else
		next(ps);
}

static struct xp_node *
new_node(const struct parser *ps, enum xp_op op)
{
	struct xp_node	*n = xcalloc(1, sizeof(*n));

	n->op = op;
	n->src = ps->start;
	return n;
}

static void
add_arg(struct xp_node ***v, size_t *n, struct xp_node *arg)
{
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = arg;
}

static struct xp_node *expr(struct parser *);

/* Predicate* (2.4) */
static void
predicates(struct parser *ps, struct xp_node ***pred, size_t *npred)
{
	while (!ps->failed && ps->tok == T_LBRACKET) {
		next(ps);
		add_arg(pred, npred, expr(ps));
		expect(ps, T_RBRACKET);
	}
}

static int
is_node_type(const struct parser *ps)
{
	return token_is(ps, T_NAME, "node") || token_is(ps, T_NAME, "text") ||
	    token_is(ps, T_NAME, "comment") ||
	    token_is(ps, T_NAME, "processing-instruction");
}

/* NodeTest (2.3): a name, a wildcard or a node type. */
static void
node_test(struct parser *ps, struct xp_step *st)
{
	const char	*colon;

	if (ps->tok == T_NAME && peek(ps) == T_LPAREN) {
		if (!is_node_type(ps)) {
			cannot_read(ps);
			return;
		}
		st->test = ps->start[0] == 'n' ? XT_NODE : ps->start[0] == 't' ?
		    XT_TEXT : ps->start[0] == 'c' ? XT_COMMENT : XT_PI;
		next(ps);
		next(ps);
		if (st->test == XT_PI && ps->tok == T_LITERAL)
			next(ps);
		expect(ps, T_RPAREN);
		return;
	}
	if (ps->tok == T_STAR)
		st->test = XT_ANY;
	else if (ps->tok == T_NAME) {
		colon = memchr(ps->start, ':', ps->len);
		st->test = ps->start[ps->len - 1] == '*' ? XT_ANY : XT_NAME;
		if (colon != NULL)
			st->prefix = xstrndup(ps->start,
			    (size_t)(colon - ps->start));
		if (st->test == XT_NAME)
			st->local = colon != NULL ? xstrndup(colon + 1,
			    (size_t)(ps->start + ps->len - colon - 1)) :
			    xstrndup(ps->start, ps->len);
	} else {
		cannot_read(ps);
		return;
	}
	next(ps);
}

static int
axis_of(struct parser *ps, enum xp_axis *axis)
{
	int	 i;

	for (i = 0; i < AX_COUNT; i++)
		if (strlen(axis_names[i]) == ps->len &&
		    strncmp(ps->start, axis_names[i], ps->len) == 0) {
			*axis = (enum xp_axis)i;
			return 0;
		}
	fail(ps, "unknown axis near '%s'", ps->start);
	return -1;
}

/* Step (2.1) and its abbreviations (2.5). */
static void
step(struct parser *ps, struct xp_step *st)
{
	st->axis = AX_CHILD;
	st->src = ps->start;
	if (ps->tok == T_DOT || ps->tok == T_DOTDOT) {
		st->axis = ps->tok == T_DOT ? AX_SELF : AX_PARENT;
		st->abbrev = ps->tok == T_DOT ? '.' : 'P';
		st->test = XT_NODE;
		next(ps);
		return;
	}
	if (ps->tok == T_AT) {
		st->axis = AX_ATTRIBUTE;
		st->abbrev = '@';
		next(ps);
	} else if (ps->tok == T_AXIS) {
		if (axis_of(ps, &st->axis) == -1)
			return;
		next(ps);
	}
	node_test(ps, st);
	predicates(ps, &st->pred, &st->npred);
}

static struct xp_step *
add_step(struct xp_node *n, int descend)
{
	struct xp_step	*st;

	n->steps = xreallocarray(n->steps, n->nsteps + 1, sizeof(*n->steps));
	st = &n->steps[n->nsteps++];
	memset(st, 0, sizeof(*st));
	st->descend = descend;
	return st;
}

/* RelativeLocationPath (2): Step (('/' | '//') Step)*, into `n`. */
static void
relative_path(struct parser *ps, struct xp_node *n, int descend)
{
	step(ps, add_step(n, descend));
	while (!ps->failed && (ps->tok == T_SLASH || ps->tok == T_DSLASH)) {
		descend = ps->tok == T_DSLASH;
		next(ps);
		step(ps, add_step(n, descend));
	}
}

static int
starts_step(const struct parser *ps)
{
	return ps->tok == T_DOT || ps->tok == T_DOTDOT || ps->tok == T_AT ||
	    ps->tok == T_AXIS || ps->tok == T_STAR ||
	    (ps->tok == T_NAME && (peek(ps) != T_LPAREN || is_node_type(ps)));
}

/* FunctionCall (3.2) */
static struct xp_node *
function_call(struct parser *ps)
{
	struct xp_node	*n = new_node(ps, XP_CALL);

	n->text = xstrndup(ps->start, ps->len);
	n->len = ps->len;
	next(ps);
	expect(ps, T_LPAREN);
	while (!ps->failed && ps->tok != T_RPAREN) {
		if (n->nargs > 0)
			expect(ps, T_COMMA);
		add_arg(&n->args, &n->nargs, expr(ps));
	}
	expect(ps, T_RPAREN);
	return n;
}

/* PrimaryExpr (3.1) */
static struct xp_node *
primary(struct parser *ps)
{
	struct xp_node	*n;

	switch (ps->tok) {
	case T_LPAREN:
		next(ps);
		n = expr(ps);
		expect(ps, T_RPAREN);
		return n;
	case T_LITERAL:
	case T_NUMBER:
		n = new_node(ps, ps->tok == T_LITERAL ? XP_LITERAL : XP_NUMBER);
		n->len = ps->tok == T_LITERAL ? ps->len - 2 : ps->len;
		n->text = xstrndup(ps->start + (ps->tok == T_LITERAL), n->len);
		next(ps);
		return n;
	case T_DOLLAR:
		n = new_node(ps, XP_VARIABLE);
		next(ps);
		if (ps->tok != T_NAME)
			cannot_read(ps);
		else {
			n->text = xstrndup(ps->start, ps->len);
			n->len = ps->len;
			next(ps);
		}
		return n;
	case T_NAME:
		return function_call(ps);
	default:
		cannot_read(ps);
		return new_node(ps, XP_LITERAL);
	}
}

/* PathExpr (3.3): a location path, or a FilterExpr and steps after it. */
static struct xp_node *
path_expr(struct parser *ps)
{
	struct xp_node	*n = new_node(ps, XP_PATH), *f;
	int		 descend;

	if (ps->tok == T_SLASH || ps->tok == T_DSLASH) {
		n->absolute = 1;
		descend = ps->tok == T_DSLASH;
		next(ps);
		if (descend || starts_step(ps))
			relative_path(ps, n, descend);
		return n;
	}
	if (starts_step(ps)) {
		relative_path(ps, n, 0);
		return n;
	}
	f = primary(ps);
	if (ps->tok != T_LBRACKET && ps->tok != T_SLASH &&
	    ps->tok != T_DSLASH) {
		free(n);
		return f;
	}
	n->filter = f;
	predicates(ps, &n->filter_pred, &n->nfilter_pred);
	if (!ps->failed && (ps->tok == T_SLASH || ps->tok == T_DSLASH)) {
		descend = ps->tok == T_DSLASH;
		next(ps);
		relative_path(ps, n, descend);
	}
	return n;
}

static struct xp_node *
binary(const struct parser *ps, enum xp_op op, const char *src,
    struct xp_node *a, struct xp_node *b)
{
	struct xp_node	*n = new_node(ps, op);

	n->src = src;
	add_arg(&n->args, &n->nargs, a);
	add_arg(&n->args, &n->nargs, b);
	return n;
}

/* UnionExpr (3.3) */
static struct xp_node *
union_expr(struct parser *ps)
{
	struct xp_node	*v = path_expr(ps);
	const char	*src = v->src;

	while (!ps->failed && ps->tok == T_PIPE) {
		next(ps);
		v = binary(ps, XP_UNION, src, v, path_expr(ps));
	}
	return v;
}

/* UnaryExpr (3.5) */
static struct xp_node *
unary_expr(struct parser *ps)
{
	struct xp_node	*n;

	if (ps->tok != T_MINUS)
		return union_expr(ps);
	n = new_node(ps, XP_NEG);
	next(ps);
	add_arg(&n->args, &n->nargs, unary_expr(ps));
	return n;
}

/* The binary operators (3.4, 3.5), loosest first. */
static const struct level {
	const char	*names[2];	/* operator names, else... */
	enum tok	 toks[4];	/* ...operator tokens (T_END ends) */
	enum xp_op	 ops[4];
} levels[] = {
	{ { "or" }, { T_END }, { XP_OR } },
	{ { "and" }, { T_END }, { XP_AND } },
	{ { NULL }, { T_EQ, T_NE, T_END }, { XP_EQ, XP_NE } },
	{ { NULL }, { T_LT, T_LE, T_GT, T_GE }, { XP_LT, XP_LE, XP_GT, XP_GE } },
	{ { NULL }, { T_PLUS, T_MINUS, T_END }, { XP_ADD, XP_SUB } },
	{ { "div", "mod" }, { T_STAR, T_END }, { XP_MUL, XP_DIV, XP_MOD } },
};
#define NLEVELS	(sizeof(levels) / sizeof(levels[0]))

/* The operator at the current token, or -1. */
static int
operator_at(const struct parser *ps, const struct level *l, enum xp_op *op)
{
	size_t	 i, ntoks;

	for (ntoks = 0; ntoks < 4 && l->toks[ntoks] != T_END; ntoks++)
		if (ps->tok == l->toks[ntoks]) {
			*op = l->ops[ntoks];
			return 0;
		}
	for (i = 0; i < 2 && l->names[i] != NULL; i++)
		if (token_is(ps, T_NAME, l->names[i])) {
			*op = l->ops[ntoks + i];
			return 0;
		}
	return -1;
}

static struct xp_node *
binary_expr(struct parser *ps, size_t level)
{
	struct xp_node	*v;
	const char	*src = ps->start;
	enum xp_op	 op;

	if (level == NLEVELS)
		return unary_expr(ps);
	v = binary_expr(ps, level + 1);
	while (!ps->failed && operator_at(ps, &levels[level], &op) == 0) {
		next(ps);
		v = binary(ps, op, src, v, binary_expr(ps, level + 1));
	}
	return v;
}

static struct xp_node *
expr(struct parser *ps)
{
	struct xp_node	*n;

	if (++ps->depth > MAX_DEPTH) {
		fail(ps, "%s", "the expression nests too deep");
		ps->depth--;
		return new_node(ps, XP_LITERAL);
	}
	n = binary_expr(ps, 0);
	ps->depth--;
	return n;
}

struct xp_node *
xpexpr_parse(const char *src, struct buf *why)
{
	struct parser	 ps;
	struct xp_node	*n;

	memset(&ps, 0, sizeof(ps));
	ps.p = src;
	ps.why = why;
	next(&ps);
	n = expr(&ps);
	if (!ps.failed && ps.tok != T_END)
		cannot_read(&ps);
	if (ps.failed) {
		xpexpr_free(n);
		return NULL;
	}
	return n;
}

static void
free_all(struct xp_node **v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		xpexpr_free(v[i]);
	free(v);
}

void
xpexpr_free(struct xp_node *n)
{
	size_t	 i;

	if (n == NULL)
		return;
	free(n->text);
	free_all(n->args, n->nargs);
	xpexpr_free(n->filter);
	free_all(n->filter_pred, n->nfilter_pred);
	for (i = 0; i < n->nsteps; i++) {
		free(n->steps[i].prefix);
		free(n->steps[i].local);
		free_all(n->steps[i].pred, n->steps[i].npred);
	}
	free(n->steps);
	free(n);
}

/* Is this a call of NAME with NARGS arguments? */
int
xpexpr_is_call(const struct xp_node *n, const char *name, size_t nargs)
{
	return n->op == XP_CALL && strcmp(n->text, name) == 0 &&
	    n->nargs == nargs;
}

/*
 * Can the expression's value depend on the node it is evaluated on?  No
 * when it is made of literals, numbers and operators, and calls whose
 * every argument is so: '"state/@state"', 'concat("a", 1 + 2)', 'true()'.
 * Any path, variable, or call without arguments but true() and false()
 * (string(), name(), position(), EXSLT's date:seconds() of now) may.
 * lang() reads the context node whatever its argument.
 */
int
xpexpr_reads_node(const struct xp_node *n)
{
	size_t	 i;

	switch (n->op) {
	case XP_NUMBER:
	case XP_LITERAL:
		return 0;
	case XP_CALL:
		if (n->nargs == 0)
			return strcmp(n->text, "true") != 0 &&
			    strcmp(n->text, "false") != 0;
		if (strcmp(n->text, "lang") == 0)
			return 1;
		break;
	case XP_PATH:
	case XP_UNION:
	case XP_VARIABLE:
		return 1;
	default:
		break;
	}
	for (i = 0; i < n->nargs; i++)
		if (xpexpr_reads_node(n->args[i]))
			return 1;
	return 0;
}
