/*
 * xplower.c: an expression's tree (xpexpr.h) lowered into a streamed
 * program (xpstream.h), or refused: then the expression is read on the
 * row's tree.  Each shape is taken only where its streamed answer is the
 * one XPath gives on the whole document: a path is a string (its first
 * node), a count or a test, never compared as a node-set.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/xpath.h>

#include "fieldexpr.h"
#include "names.h"
#include "xmlcompat.h"
#include "xpexpr.h"
#include "xpstream.h"

/* string(string(...)) nests without adding a node: bound the recursion. */
#define MAX_DEPTH	32

struct lowering {
	struct xpstream		*prog;
	const struct nsbinding	*ns;
	size_t			 nns;
	int			 depth;
};

static int	lower(struct lowering *, const struct xp_node *);

static struct xpstream_node *
add_node(struct lowering *lw, enum xpstream_op op, enum xpstream_type type)
{
	struct xpstream_node	*n;

	if (lw->prog->nnodes == XPSTREAM_MAX_NODES)
		return NULL;
	n = &lw->prog->node[lw->prog->nnodes++];
	n->op = op;
	n->type = type;
	return n;
}

/* An operation over the `nargs` nodes that follow it. */
static struct xpstream_node *
add_op(struct lowering *lw, enum xpstream_op op, enum xpstream_type type,
    size_t nargs)
{
	struct xpstream_node	*n;

	if ((n = add_node(lw, op, type)) != NULL)
		n->nargs = nargs;
	return n;
}

static struct xpstream_leaf *
add_leaf(struct lowering *lw, enum xpstream_name name,
    enum xpstream_take take)
{
	struct xpstream_node	*n;
	struct xpstream_leaf	*l;

	if (lw->prog->nleaves == XPSTREAM_MAX_LEAVES || (n = add_node(lw,
	    XPS_LEAF, take == XPS_COUNT ? XPS_NUMERIC : XPS_STRING)) == NULL)
		return NULL;
	n->leaf = lw->prog->nleaves;
	l = &lw->prog->leaf[lw->prog->nleaves++];
	l->name = name;
	l->take = take;
	return l;
}

/* A literal; translate() counts characters: one not UTF-8 is left out. */
static int
lower_literal(struct lowering *lw, const struct xp_node *x)
{
	struct xpstream_node	*n;

	if (x->op != XP_LITERAL || !names_is_utf8(x->text, x->len) ||
	    (n = add_node(lw, XPS_LITERAL, XPS_STRING)) == NULL)
		return -1;
	n->len = x->len;
	n->literal = xstrndup(x->text, x->len);
	return 0;
}

/* The namespace a prefix is bound to by -n; NULL if none is. */
static const char *
namespace_of(const struct lowering *lw, const char *prefix)
{
	size_t	 i;

	for (i = 0; i < lw->nns; i++)
		if (strcmp(lw->ns[i].prefix, prefix) == 0)
			return lw->ns[i].uri;
	return NULL;
}

/* [@a = 'v'] or ['v' = @a]: an attribute of the step's element. */
static int
attribute_test(const struct xp_node *p, struct xpstream_step *to)
{
	const struct xp_node	*a, *v;

	if (p->op != XP_EQ)
		return -1;
	a = p->args[0]->op == XP_PATH ? p->args[0] : p->args[1];
	v = a == p->args[0] ? p->args[1] : p->args[0];
	if (v->op != XP_LITERAL || a->op != XP_PATH || a->absolute ||
	    a->filter != NULL || a->nsteps != 1 ||
	    a->steps[0].axis != AX_ATTRIBUTE || a->steps[0].test != XT_NAME ||
	    a->steps[0].prefix != NULL || a->steps[0].npred != 0)
		return -1;
	to->pred_attr = xstrdup(a->steps[0].local);
	to->pred_value = xstrndup(v->text, v->len);
	return 0;
}

/*
 * A child step: a name (in the namespace its prefix is bound to), or
 * '*', with at most an attribute test.  A step of '*' (or a union) can
 * only be the last, where [1] and [last()] say which node counts.
 */
static int
child_step(struct lowering *lw, const struct xp_step *st,
    struct xpstream_step *to)
{
	const char	*uri;

	if (st->axis != AX_CHILD || st->descend || st->abbrev != 0 ||
	    (st->test != XT_NAME && st->test != XT_ANY) || st->npred > 1)
		return -1;
	if (st->test == XT_ANY && st->prefix != NULL)
		return -1;
	if (st->test == XT_NAME) {
		to->name[to->nnames++] = xstrdup(st->local);
		if (st->prefix != NULL) {
			if ((uri = namespace_of(lw, st->prefix)) == NULL)
				return -1;
			to->uri = xstrdup(uri);
		}
	}
	return st->npred == 0 || attribute_test(st->pred[0], to) == 0 ? 0 : -1;
}

static int
is_up(const struct xp_step *st)
{
	return st->abbrev == 'P' && st->npred == 0 && !st->descend;
}

static int
plain_attribute(const struct xp_step *st)
{
	return st->axis == AX_ATTRIBUTE && st->test == XT_NAME &&
	    st->prefix == NULL && !st->descend && st->abbrev != 'P' &&
	    st->abbrev != '.';
}

/*
 * A relative path of child steps, the last one may be an attribute, or
 * '..' steps then an attribute, into `leaf`.  `take`: which nodes.
 */
static int
path_leaf(struct lowering *lw, const struct xp_node *x,
    struct xpstream_leaf *leaf)
{
	const struct xp_step	*st;
	size_t			 i = 0;

	if (x->op != XP_PATH || x->absolute || x->filter != NULL)
		return -1;
	for (; i < x->nsteps && is_up(&x->steps[i]); i++)
		leaf->up++;
	if (i == x->nsteps)
		return -1;
	for (; i < x->nsteps; i++) {
		st = &x->steps[i];
		if (plain_attribute(st) && st->npred == 0 &&
		    i + 1 == x->nsteps) {
			leaf->attr = xstrdup(st->local);
			return 0;
		}
		/* an ancestor's children, or its text: not the row's to see */
		if (leaf->up > 0 || leaf->nsteps == XPSTREAM_MAX_STEPS ||
		    child_step(lw, st, &leaf->step[leaf->nsteps++]) == -1)
			return -1;
		if (leaf->step[leaf->nsteps - 1].nnames == 0 &&
		    i + 1 != x->nsteps)
			return -1;	/* '*' only last */
	}
	return 0;
}

/* The path's first node's string. */
static int
lower_path(struct lowering *lw, const struct xp_node *x)
{
	struct xpstream_leaf	*leaf;

	if ((leaf = add_leaf(lw, XPS_NOT_NAME, XPS_FIRST)) == NULL)
		return -1;
	return path_leaf(lw, x, leaf);
}

/* count(P), or the test boolean(P): how many nodes P reaches. */
static int
lower_count(struct lowering *lw, const struct xp_node *x)
{
	struct xpstream_leaf	*leaf;

	if ((leaf = add_leaf(lw, XPS_NOT_NAME, XPS_COUNT)) == NULL ||
	    path_leaf(lw, x, leaf) == -1)
		return -1;
	/* an ancestor's attribute is kept as a string: no count of it */
	return leaf->up == 0 ? 0 : -1;
}

/* 'a|b|c' of single child steps by name: one step of several names. */
static int
union_step(struct lowering *lw, const struct xp_node *x,
    struct xpstream_step *to)
{
	if (x->op == XP_UNION)
		return union_step(lw, x->args[0], to) == 0 &&
		    union_step(lw, x->args[1], to) == 0 ? 0 : -1;
	if (x->op != XP_PATH || x->absolute || x->filter != NULL ||
	    x->nsteps != 1 || x->steps[0].test != XT_NAME ||
	    x->steps[0].prefix != NULL || x->steps[0].npred != 0 ||
	    to->nnames == XPSTREAM_MAX_UNION)
		return -1;
	return child_step(lw, &x->steps[0], to);
}

/* '*[1]', 'x[last()]': which child; else none given. */
static int
position_of(const struct xp_node *p, enum xpstream_take *take)
{
	if (p->op == XP_NUMBER && strcmp(p->text, "1") == 0)
		*take = XPS_FIRST;
	else if (xpexpr_is_call(p, "last", 0))
		*take = XPS_LAST;
	else
		return -1;
	return 0;
}

/* name(P), local-name(P) of a child: the first of some names, or by place. */
static int
child_name(struct lowering *lw, const struct xp_node *p,
    struct xpstream_leaf *leaf)
{
	struct xp_step	 st;

	leaf->nsteps = 1;
	if (p->op == XP_UNION)
		return union_step(lw, p, &leaf->step[0]);
	if (p->op != XP_PATH || p->absolute || p->filter != NULL ||
	    p->nsteps != 1)
		return -1;
	st = p->steps[0];
	if (st.npred == 1 && position_of(st.pred[0], &leaf->take) == 0)
		st.npred = 0;
	return child_step(lw, &st, &leaf->step[0]);
}

/*
 * name(P) or local-name(P): P the row (none, or '.'), an ancestor ('..',
 * '../..') or a child: a leaf whose string is that element's name.
 */
static int
lower_name_of(struct lowering *lw, const struct xp_node *x,
    enum xpstream_name which)
{
	struct xpstream_leaf	*leaf;
	const struct xp_node	*p = x->nargs == 1 ? x->args[0] : NULL;
	size_t			 i;

	if (x->nargs > 1 || (leaf = add_leaf(lw, which, XPS_FIRST)) == NULL)
		return -1;
	if (p == NULL)
		return 0;
	if (p->op == XP_PATH && !p->absolute && p->filter == NULL &&
	    p->nsteps == 1 && p->steps[0].abbrev == '.' &&
	    p->steps[0].npred == 0)
		return 0;
	if (p->op == XP_PATH && p->nsteps > 0 && is_up(&p->steps[0])) {
		for (i = 0; i < p->nsteps; i++)
			if (p->absolute || p->filter != NULL ||
			    !is_up(&p->steps[i]))
				return -1;
		leaf->up = p->nsteps;
		return 0;
	}
	return child_name(lw, p, leaf);
}

/*
 * translate(X, "from", "to"): only literals say what to replace, so that
 * the work per character of X is bounded by the expression, not by the
 * store.
 */
static int
lower_translate(struct lowering *lw, const struct xp_node *x)
{
	struct xpstream_node	*n;
	size_t			 tr = lw->prog->nnodes;

	if (x->nargs != 3 || add_node(lw, XPS_TRANSLATE, XPS_STRING) == NULL ||
	    lower(lw, x->args[0]) == -1 || lower_literal(lw, x->args[1]) == -1 ||
	    lower_literal(lw, x->args[2]) == -1)
		return -1;
	n = &lw->prog->node[tr];
	n->nargs = 3;
	n->ascii = xpstream_translation(&lw->prog->node[lw->prog->nnodes - 2],
	    &lw->prog->node[lw->prog->nnodes - 1]);
	return 0;
}

/* An argument that is a node-set would be compared over all its nodes. */
static int
is_node_set(const struct xp_node *x)
{
	return x->op == XP_PATH || x->op == XP_UNION;
}

/* A node of `op` over the arguments, each lowered, none a node-set. */
static int
lower_args(struct lowering *lw, enum xpstream_op op, enum xpstream_type type,
    struct xp_node *const *args, size_t nargs)
{
	size_t	 k;

	if (add_op(lw, op, type, nargs) == NULL)
		return -1;
	for (k = 0; k < nargs; k++)
		if (lower(lw, args[k]) == -1)
			return -1;
	return 0;
}

/* Does path P reach a node (or none, `negated`)?  Its count, tested. */
static int
lower_exists(struct lowering *lw, const struct xp_node *p, int negated)
{
	if ((negated && add_op(lw, XPS_NOT, XPS_BOOL, 1) == NULL) ||
	    add_op(lw, XPS_EXISTS, XPS_BOOL, 1) == NULL)
		return -1;
	return lower_count(lw, p);
}

/* boolean(X) and not(X); of a path, whether it reaches a node. */
static int
lower_test(struct lowering *lw, const struct xp_node *x, int negated)
{
	if (is_node_set(x->args[0]))
		return lower_exists(lw, x->args[0], negated);
	if (negated && add_op(lw, XPS_NOT, XPS_BOOL, 1) == NULL)
		return -1;
	return lower_args(lw, XPS_BOOLEAN, XPS_BOOL, x->args, 1);
}

/*
 * X as a string: X itself when it is one; else a one-argument concat()
 * put before it, which makes the string of what it gives.
 */
static int
lower_string(struct lowering *lw, const struct xp_node *x)
{
	struct xpstream	*prog = lw->prog;
	size_t		 at = prog->nnodes;

	if (lower(lw, x) == -1)
		return -1;
	if (prog->node[at].type == XPS_STRING)
		return 0;
	if (prog->nnodes == XPSTREAM_MAX_NODES)
		return -1;
	memmove(&prog->node[at + 1], &prog->node[at],
	    (prog->nnodes - at) * sizeof(prog->node[0]));
	prog->nnodes++;
	memset(&prog->node[at], 0, sizeof(prog->node[0]));
	prog->node[at].op = XPS_CONCAT;
	prog->node[at].type = XPS_STRING;
	prog->node[at].nargs = 1;
	return 0;
}

static const struct function {
	const char		*name;
	enum xpstream_op	 op;
	enum xpstream_type	 type;
	size_t			 min, max;
	int			 paths;		/* arguments may be paths */
} functions[] = {
	{ "concat", XPS_CONCAT, XPS_STRING, 2, (size_t)-1, 1 },
	{ "substring-before", XPS_BEFORE, XPS_STRING, 2, 2, 1 },
	{ "substring-after", XPS_AFTER, XPS_STRING, 2, 2, 1 },
	{ "normalize-space", XPS_NORMALIZE, XPS_STRING, 1, 1, 1 },
	{ "contains", XPS_CONTAINS, XPS_BOOL, 2, 2, 1 },
	{ "starts-with", XPS_STARTS_WITH, XPS_BOOL, 2, 2, 1 },
	{ "substring", XPS_SUBSTRING, XPS_STRING, 2, 3, 1 },
	{ "string-length", XPS_STRING_LENGTH, XPS_NUMERIC, 1, 1, 1 },
	{ "number", XPS_NUMBER, XPS_NUMERIC, 1, 1, 1 },
	{ "true", XPS_TRUE, XPS_BOOL, 0, 0, 0 },
	{ "false", XPS_FALSE, XPS_BOOL, 0, 0, 0 },
};

static int
lower_call(struct lowering *lw, const struct xp_node *x)
{
	const struct function	*f;
	size_t			 i;

	/* string(X) is X, or X's number or test made a string. */
	if (strcmp(x->text, "string") == 0)
		return x->nargs == 1 ? lower_string(lw, x->args[0]) : -1;
	if (strcmp(x->text, "translate") == 0)
		return lower_translate(lw, x);
	if (strcmp(x->text, "local-name") == 0)
		return lower_name_of(lw, x, XPS_LOCAL_NAME);
	if (strcmp(x->text, "name") == 0)
		return lower_name_of(lw, x, XPS_QNAME);
	if (xpexpr_is_call(x, "count", 1))
		return lower_count(lw, x->args[0]);
	if (xpexpr_is_call(x, "boolean", 1) || xpexpr_is_call(x, "not", 1))
		return lower_test(lw, x, x->text[0] == 'n');
	for (i = 0; i < sizeof(functions) / sizeof(functions[0]); i++) {
		f = &functions[i];
		if (strcmp(x->text, f->name) == 0 && x->nargs >= f->min &&
		    x->nargs <= f->max)
			return lower_args(lw, f->op, f->type, x->args, x->nargs);
	}
	return -1;
}

/*
 * The operators: between values, not node-sets ('amount > 100' is true
 * when any amount is; 'number(amount) > 100' asks the first).
 */
static int
lower_operator(struct lowering *lw, const struct xp_node *x)
{
	static const struct { enum xp_op from; enum xpstream_op to; } ops[] = {
		{ XP_EQ, XPS_EQ }, { XP_NE, XPS_NE }, { XP_LT, XPS_LT },
		{ XP_LE, XPS_LE }, { XP_GT, XPS_GT }, { XP_GE, XPS_GE },
		{ XP_ADD, XPS_ADD }, { XP_SUB, XPS_SUB }, { XP_MUL, XPS_MUL },
		{ XP_DIV, XPS_DIV }, { XP_MOD, XPS_MOD }, { XP_NEG, XPS_NEG },
	};
	size_t	 i, k;

	for (k = 0; k < x->nargs; k++)
		if (is_node_set(x->args[k]))
			return -1;
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (ops[i].from == x->op)
			return lower_args(lw, ops[i].to, ops[i].to <= XPS_GE ?
			    XPS_BOOL : XPS_NUMERIC, x->args, x->nargs);
	return -1;
}

/*
 * '@a[P]': the row's attribute if P holds, P a test of the row's children
 * seen from the attribute ('not(../skipped)').  Else no node: "".
 */
static int
lower_filtered_attribute(struct lowering *lw, const struct xp_node *x)
{
	const struct xp_step	*st = &x->steps[0];
	struct xp_node		 attr = *x, inner;
	const struct xp_node	*test = st->pred[0], *p;
	struct xp_step		 plain = *st;
	int			 negated;

	negated = xpexpr_is_call(test, "not", 1);
	p = negated || xpexpr_is_call(test, "boolean", 1) ? test->args[0] : test;
	if (p->op != XP_PATH || p->absolute || p->filter != NULL ||
	    p->nsteps < 2 || !is_up(&p->steps[0]) ||
	    add_op(lw, XPS_IF, XPS_STRING, 2) == NULL)
		return -1;
	plain.npred = 0;
	attr.steps = &plain;
	if (lower_path(lw, &attr) == -1)
		return -1;
	inner = *p;		/* the test, from the row: '..' dropped */
	inner.steps = p->steps + 1;
	inner.nsteps = p->nsteps - 1;
	return lower_exists(lw, &inner, negated);
}

/* A number literal, read as libxml2 reads numbers. */
static int
lower_number(struct lowering *lw, const struct xp_node *x)
{
	struct xpstream_node	*n;

	if ((n = add_node(lw, XPS_NUMLIT, XPS_NUMERIC)) == NULL)
		return -1;
	n->number = xmlXPathCastStringToNumber(XMLSTR(x->text));
	return 0;
}

/* [k], [last()], [last() - n] on the ancestor axis: which one. */
static int
ancestor_position(const struct xp_node *p, struct xpstream_leaf *leaf)
{
	const struct xp_node	*n;
	double			 v;

	if (xpexpr_is_call(p, "last", 0)) {
		leaf->from_last = 1;
		return 0;
	}
	n = p;
	if (p->op == XP_SUB && xpexpr_is_call(p->args[0], "last", 0)) {
		leaf->from_last = 1;
		n = p->args[1];
	}
	if (n->op != XP_NUMBER)
		return -1;
	v = strtod(n->text, NULL);
	if (v != (long)v || v > 1000 || (!leaf->from_last && v < 1))
		return -1;
	leaf->position = (long)v;
	return 0;
}

/*
 * 'ancestor::T/@a' (the outermost T that has @a: document order) or
 * 'ancestor::T[k]/@a', k counted from the row outwards (a reverse axis),
 * or [last() - n]: an ancestor's attribute, from the lineage.
 */
static int
lower_ancestor(struct lowering *lw, const struct xp_node *x)
{
	const struct xp_step	*st = &x->steps[0];
	struct xpstream_leaf	*leaf;
	struct xp_step		 test = *st;

	if (x->absolute || x->filter != NULL || x->nsteps != 2 ||
	    st->axis != AX_ANCESTOR || st->test != XT_NAME || st->npred > 1 ||
	    !plain_attribute(&x->steps[1]) || x->steps[1].npred != 0 ||
	    (leaf = add_leaf(lw, XPS_NOT_NAME, XPS_FIRST)) == NULL)
		return -1;
	leaf->ancestor = 1;
	if (st->npred == 1 && ancestor_position(st->pred[0], leaf) == -1)
		return -1;
	test.axis = AX_CHILD;		/* the same test, as a child step's */
	test.npred = 0;
	if (child_step(lw, &test, &leaf->step[0]) == -1)
		return -1;
	leaf->attr = xstrdup(x->steps[1].local);
	return 0;
}

static int
lower(struct lowering *lw, const struct xp_node *x)
{
	int	 rc = -1;

	if (++lw->depth > MAX_DEPTH)
		return -1;
	switch (x->op) {
	case XP_LITERAL:
		rc = lower_literal(lw, x);
		break;
	case XP_NUMBER:
		rc = lower_number(lw, x);
		break;
	case XP_CALL:
		rc = lower_call(lw, x);
		break;
	case XP_PATH:
		if (x->nsteps == 1 && plain_attribute(&x->steps[0]) &&
		    x->steps[0].npred == 1 && !x->absolute &&
		    x->filter == NULL)
			rc = lower_filtered_attribute(lw, x);
		else if (x->nsteps > 0 && x->steps[0].axis == AX_ANCESTOR)
			rc = lower_ancestor(lw, x);
		else
			rc = lower_path(lw, x);
		break;
	case XP_UNION:
	case XP_VARIABLE:
		break;
	default:
		rc = lower_operator(lw, x);
		break;
	}
	lw->depth--;
	return rc;
}

int
xpstream_lower(struct xpstream *prog, const struct xp_node *x,
    const struct nsbinding *ns, size_t nns)
{
	struct lowering	 lw = { prog, ns, nns, 0 };

	memset(prog, 0, sizeof(*prog));
	if (lower(&lw, x) == 0)
		return 0;
	xpstream_free(prog);
	return -1;
}
