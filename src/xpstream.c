/*
 * xpstream.c: the streamed subset of XPath (see xpstream.h): lowering an
 * expression's tree into a program, and computing its strings.  The
 * lowering refuses whatever it does not know; the expression is then read
 * on the row's tree.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE		/* memmem */
#endif
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "xpexpr.h"
#include "xpstream.h"

/* string(string(...)) nests without adding a node: bound the recursion. */
#define MAX_DEPTH	32

/* translate()'s table: a character kept, dropped, or else where its
 * replacement starts in the third argument. */
#define TR_KEEP		(-1)
#define TR_DROP		(-2)

/* XPath's whitespace (3.7), as normalize-space() takes it. */
static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The size of the UTF-8 character that starts with byte `c`. */
static size_t
utf8_size(unsigned char c)
{
	return c < 0xc0 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

/* The index of character c[0..n) among those of s[0..len), or -1. */
static long
char_index(const char *s, size_t len, const char *c, size_t n)
{
	size_t	 i;
	long	 k;

	for (i = 0, k = 0; i < len; i += utf8_size((unsigned char)s[i]), k++)
		if (n <= len - i && memcmp(s + i, c, n) == 0)
			return k;
	return -1;
}

/* The k-th character of s[0..len); NULL past the end. */
static const char *
char_at(const char *s, size_t len, long k)
{
	size_t	 i;

	for (i = 0; i < len; i += utf8_size((unsigned char)s[i]), k--)
		if (k == 0)
			return s + i;
	return NULL;
}

/* What translate() with these literals does to each ASCII character, so
 * that the common case costs a lookup per character. */
static int *
translation_table(const struct xpstream_node *from, const struct xpstream_node *to)
{
	int		*t = xcalloc(128, sizeof(*t));
	const char	*rep;
	size_t		 i;
	long		 k;
	int		 c;

	for (c = 0; c < 128; c++)
		t[c] = TR_KEEP;
	for (i = 0, k = 0; i < from->len;
	    i += utf8_size((unsigned char)from->literal[i]), k++) {
		c = (unsigned char)from->literal[i];
		if (c >= 0x80 || t[c] != TR_KEEP)	/* the first one counts */
			continue;
		rep = char_at(to->literal, to->len, k);
		t[c] = rep == NULL ? TR_DROP : (int)(rep - to->literal);
	}
	return t;
}

struct lowering {
	struct xpstream	*prog;
	int		 depth;
};

static int	lower(struct lowering *, const struct xp_node *);

static struct xpstream_node *
add_node(struct lowering *lw, enum xpstream_op op)
{
	struct xpstream_node	*n;

	if (lw->prog->nnodes == XPSTREAM_MAX_NODES)
		return NULL;
	n = &lw->prog->node[lw->prog->nnodes++];
	n->op = op;
	return n;
}

static struct xpstream_leaf *
add_leaf(struct lowering *lw, enum xpstream_name name)
{
	struct xpstream_node	*n;
	struct xpstream_leaf	*l;

	if (lw->prog->nleaves == XPSTREAM_MAX_LEAVES ||
	    (n = add_node(lw, XPS_LEAF)) == NULL)
		return NULL;
	n->leaf = lw->prog->nleaves;
	l = &lw->prog->leaf[lw->prog->nleaves++];
	l->name = name;
	return l;
}

/* A literal; translate() counts characters: one not UTF-8 is left out. */
static int
lower_literal(struct lowering *lw, const struct xp_node *x)
{
	struct xpstream_node	*n;

	if (x->op != XP_LITERAL || !names_is_utf8(x->text, x->len) ||
	    (n = add_node(lw, XPS_LITERAL)) == NULL)
		return -1;
	n->len = x->len;
	n->literal = xstrndup(x->text, x->len);
	return 0;
}

/* A step the subset has: by a name without prefix, no predicate. */
static int
plain_step(const struct xp_step *st, enum xp_axis axis)
{
	return st->axis == axis && st->test == XT_NAME && st->prefix == NULL &&
	    st->npred == 0 && !st->descend && st->abbrev != 'P' &&
	    st->abbrev != '.';
}

static int
is_up(const struct xp_step *st)
{
	return st->abbrev == 'P' && st->npred == 0 && !st->descend;
}

/*
 * A relative path of child steps, the last one may be an attribute, or
 * '..' steps then an attribute: one leaf of the program.
 */
static int
lower_path(struct lowering *lw, const struct xp_node *x)
{
	struct xpstream_leaf	*leaf;
	const struct xp_step	*st;
	size_t			 i = 0;

	if (x->absolute || x->filter != NULL ||
	    (leaf = add_leaf(lw, XPS_NOT_NAME)) == NULL)
		return -1;
	for (; i < x->nsteps && is_up(&x->steps[i]); i++)
		leaf->up++;
	if (i == x->nsteps)
		return -1;
	for (; i < x->nsteps; i++) {
		st = &x->steps[i];
		if (plain_step(st, AX_ATTRIBUTE) && i + 1 == x->nsteps) {
			leaf->attr = xstrdup(st->local);
			return 0;
		}
		/* an ancestor's children, or its text: not the row's to see */
		if (!plain_step(st, AX_CHILD) || leaf->up > 0 ||
		    leaf->nsteps == XPSTREAM_MAX_STEPS)
			return -1;
		leaf->step[leaf->nsteps++] = xstrdup(st->local);
	}
	return 0;
}

/*
 * name(P) or local-name(P): P the row (none, or '.') or an ancestor
 * ('..', '../..'): a leaf whose string is that element's name.
 */
static int
lower_name_of(struct lowering *lw, const struct xp_node *x,
    enum xpstream_name which)
{
	struct xpstream_leaf	*leaf;
	const struct xp_node	*p = x->nargs == 1 ? x->args[0] : NULL;
	size_t			 i;

	if (x->nargs > 1 || (leaf = add_leaf(lw, which)) == NULL)
		return -1;
	if (p == NULL)
		return 0;
	if (p->op != XP_PATH || p->absolute || p->filter != NULL ||
	    p->nsteps == 0)
		return -1;
	if (p->nsteps == 1 && p->steps[0].abbrev == '.' &&
	    p->steps[0].npred == 0)
		return 0;
	for (i = 0; i < p->nsteps; i++)
		if (!is_up(&p->steps[i]))
			return -1;
	leaf->up = p->nsteps;
	return 0;
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

	if (x->nargs != 3 || add_node(lw, XPS_TRANSLATE) == NULL ||
	    lower(lw, x->args[0]) == -1 || lower_literal(lw, x->args[1]) == -1 ||
	    lower_literal(lw, x->args[2]) == -1)
		return -1;
	n = &lw->prog->node[tr];
	n->nargs = 3;
	n->ascii = translation_table(&lw->prog->node[lw->prog->nnodes - 2],
	    &lw->prog->node[lw->prog->nnodes - 1]);
	return 0;
}

static int
lower_call(struct lowering *lw, const struct xp_node *x)
{
	static const struct {
		const char	*name;
		enum xpstream_op op;
		size_t		 min, max;
	} fns[] = {
		{ "concat", XPS_CONCAT, 2, (size_t)-1 },
		{ "substring-before", XPS_BEFORE, 2, 2 },
		{ "substring-after", XPS_AFTER, 2, 2 },
		{ "normalize-space", XPS_NORMALIZE, 1, 1 },
	};
	struct xpstream_node	*n;
	size_t			 i, k;

	/* string(X) is X: every expression here is a string already. */
	if (strcmp(x->text, "string") == 0)
		return x->nargs == 1 ? lower(lw, x->args[0]) : -1;
	if (strcmp(x->text, "translate") == 0)
		return lower_translate(lw, x);
	if (strcmp(x->text, "local-name") == 0)
		return lower_name_of(lw, x, XPS_LOCAL_NAME);
	if (strcmp(x->text, "name") == 0)
		return lower_name_of(lw, x, XPS_QNAME);
	for (i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		if (strcmp(x->text, fns[i].name) != 0)
			continue;
		if (x->nargs < fns[i].min || x->nargs > fns[i].max ||
		    (n = add_node(lw, fns[i].op)) == NULL)
			return -1;
		n->nargs = x->nargs;
		for (k = 0; k < x->nargs; k++)
			if (lower(lw, x->args[k]) == -1)
				return -1;
		return 0;
	}
	return -1;
}

static int
lower(struct lowering *lw, const struct xp_node *x)
{
	int	 rc;

	if (++lw->depth > MAX_DEPTH)
		return -1;
	switch (x->op) {
	case XP_LITERAL:
		rc = lower_literal(lw, x);
		break;
	case XP_CALL:
		rc = lower_call(lw, x);
		break;
	case XP_PATH:
		rc = lower_path(lw, x);
		break;
	default:
		rc = -1;
		break;
	}
	lw->depth--;
	return rc;
}

int
xpstream_lower(struct xpstream *prog, const struct xp_node *x)
{
	struct lowering	 lw = { prog, 0 };

	memset(prog, 0, sizeof(*prog));
	if (lower(&lw, x) == 0)
		return 0;
	xpstream_free(prog);
	return -1;
}

void
xpstream_free(struct xpstream *prog)
{
	size_t	 i, k;

	for (i = 0; i < prog->nleaves; i++) {
		for (k = 0; k < prog->leaf[i].nsteps; k++)
			free(prog->leaf[i].step[k]);
		free(prog->leaf[i].attr);
	}
	for (i = 0; i < prog->nnodes; i++) {
		free(prog->node[i].literal);
		free(prog->node[i].ascii);
	}
	memset(prog, 0, sizeof(*prog));
}

int
xpstream_is_leaf(const struct xpstream *prog)
{
	return prog->nnodes == 1 && prog->node[0].op == XPS_LEAF;
}

static void
truncate_to(struct buf *out, size_t len)
{
	out->len = len;
	if (out->data != NULL)
		out->data[len] = '\0';
}

/*
 * out[start..mid) is the string, out[mid..) what to look for in it: leaves
 * what comes before or after its first occurrence at `start`, or nothing
 * when it does not occur (as libxml2, with xmlStrstr: an empty string
 * occurs at 0).
 */
static void
cut_around(struct buf *out, size_t start, size_t mid, int after)
{
	const char	*hay, *found;
	size_t		 hay_len = mid - start, find_len = out->len - mid;
	size_t		 from;

	if (out->data == NULL)		/* nothing in nothing: nothing */
		return;
	hay = out->data + start;
	if (find_len == 0)
		found = hay;
	else
		found = memmem(hay, hay_len, out->data + mid, find_len);
	if (found == NULL) {
		truncate_to(out, start);
		return;
	}
	if (!after) {
		truncate_to(out, start + (size_t)(found - hay));
		return;
	}
	from = (size_t)(found - hay) + find_len;
	memmove(out->data + start, hay + from, hay_len - from);
	truncate_to(out, start + hay_len - from);
}

/* XPath's normalize-space on out[start..), in place. */
static void
normalize_from(struct buf *out, size_t start)
{
	size_t	 i, w = start;
	int	 pending_space = 0;

	for (i = start; i < out->len; i++) {
		if (is_space((unsigned char)out->data[i])) {
			pending_space = w > start;
			continue;
		}
		if (pending_space)
			out->data[w++] = ' ';
		pending_space = 0;
		out->data[w++] = out->data[i];
	}
	truncate_to(out, w);
}

/*
 * XPath's translate on out[start..): each character found in the second
 * argument (`from`) becomes the one at the same index in the third (`to`),
 * or goes when the third is shorter; the rest stay.  The result is built
 * past the end, then moved into place: a replacement may be longer than
 * what it replaces (4 bytes at most).
 */
static void
translate_from(struct buf *out, size_t start, const struct xpstream_node *tr,
    const struct xpstream_node *from, const struct xpstream_node *to)
{
	size_t		 end = out->len, i, n, rn, w;
	const char	*rep;
	unsigned char	 c;
	long		 k;

	if (end == start)
		return;
	buf_reserve(out, end - start > SIZE_MAX / 4 ? SIZE_MAX :
	    (end - start) * 4);
	for (i = start, w = end; i < end; i += n) {
		c = (unsigned char)out->data[i];
		n = utf8_size(c);
		if (c < 0x80)
			rep = tr->ascii[c] == TR_KEEP ? out->data + i :
			    tr->ascii[c] == TR_DROP ? NULL :
			    to->literal + tr->ascii[c];
		else if ((k = char_index(from->literal, from->len,
		    out->data + i, n)) < 0)
			rep = out->data + i;
		else
			rep = char_at(to->literal, to->len, k);
		if (rep != NULL) {
			rn = utf8_size((unsigned char)*rep);
			memcpy(out->data + w, rep, rn);
			w += rn;
		}
	}
	memmove(out->data + start, out->data + end, w - end);
	truncate_to(out, start + w - end);
}

/* Appends node i's string to `out`; returns the node after its subtree. */
static size_t
eval_node(const struct xpstream *prog, size_t i, const struct xpstream_text *text,
    struct buf *out)
{
	const struct xpstream_node *n = &prog->node[i++];
	size_t			 start = out->len, mid, k;

	switch (n->op) {
	case XPS_LEAF:
		if (text[n->leaf].len > 0)
			buf_append(out, text[n->leaf].p, text[n->leaf].len);
		break;
	case XPS_LITERAL:
		buf_append(out, n->literal, n->len);
		break;
	case XPS_CONCAT:
		for (k = 0; k < n->nargs; k++)
			i = eval_node(prog, i, text, out);
		break;
	case XPS_BEFORE:
	case XPS_AFTER:
		i = eval_node(prog, i, text, out);
		mid = out->len;
		i = eval_node(prog, i, text, out);
		cut_around(out, start, mid, n->op == XPS_AFTER);
		break;
	case XPS_NORMALIZE:
		i = eval_node(prog, i, text, out);
		normalize_from(out, start);
		break;
	case XPS_TRANSLATE:		/* then two literals */
		i = eval_node(prog, i, text, out);
		translate_from(out, start, n, &prog->node[i],
		    &prog->node[i + 1]);
		i += 2;
		break;
	}
	return i;
}

void
xpstream_eval(const struct xpstream *prog, const struct xpstream_text *text,
    struct buf *out)
{
	buf_reset(out);
	(void)eval_node(prog, 0, text, out);
}
