/*
 * xpfast.c: reading the streamable subset of XPath (see xpfast.h) and
 * computing its strings.  libxml2 has already compiled and dry-run the
 * expression, so it is well-formed XPath; this reader only has to tell
 * whether it is in the subset, and refuses whatever it does not know.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE		/* memmem */
#endif
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "xpfast.h"

/* string(string(...)) nests without adding a node: bound the recursion. */
#define MAX_DEPTH	32

/* translate()'s table: a character kept, dropped, or else where its
 * replacement starts in the third argument. */
#define TR_KEEP		(-1)
#define TR_DROP		(-2)

struct reader {
	const char	*p;
	const char	*end;
	struct xpfast	*prog;
	int		 failed;
	int		 depth;
};

static int	read_expr(struct reader *);

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void
skip_space(struct reader *r)
{
	while (r->p < r->end && is_space((unsigned char)*r->p))
		r->p++;
}

/* Consumes `text` after any space, if it comes next. */
static int
accept(struct reader *r, const char *text)
{
	size_t	 n = strlen(text);

	skip_space(r);
	if ((size_t)(r->end - r->p) < n || memcmp(r->p, text, n) != 0)
		return 0;
	r->p += n;
	return 1;
}

static int
next_is(struct reader *r, const char *text)
{
	const char	*save = r->p;
	int		 yes = accept(r, text);

	r->p = save;
	return yes;
}

static int
is_name_char(int c)
{
	return c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

/* An NCName after any space, as a new string; NULL if none comes next. */
static char *
read_name(struct reader *r)
{
	const char	*start;

	skip_space(r);
	start = r->p;
	while (r->p < r->end && is_name_char((unsigned char)*r->p))
		r->p++;
	if (!names_is_ncname(start, (size_t)(r->p - start))) {
		r->p = start;
		return NULL;
	}
	return xstrndup(start, (size_t)(r->p - start));
}

static struct xpfast_node *
add_node(struct reader *r, enum xpfast_op op)
{
	struct xpfast_node	*n;

	if (r->prog->nnodes == XPFAST_MAX_NODES) {
		r->failed = 1;
		return NULL;
	}
	n = &r->prog->node[r->prog->nnodes++];
	n->op = op;
	return n;
}

static int
fail(struct reader *r)
{
	r->failed = 1;
	return -1;
}

/* The size of the UTF-8 character that starts with byte `c`. */
static size_t
utf8_size(unsigned char c)
{
	return c < 0xc0 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

/* "..." or '...': XPath literals have no escapes.  Characters are counted
 * by translate(): one that is not UTF-8 is left to libxml2. */
static int
read_literal(struct reader *r)
{
	struct xpfast_node	*n;
	const char		*close;
	char			 quote = *r->p;

	close = memchr(r->p + 1, quote, (size_t)(r->end - r->p - 1));
	if (close == NULL ||
	    !names_is_utf8(r->p + 1, (size_t)(close - r->p - 1)) ||
	    (n = add_node(r, XPF_LITERAL)) == NULL)
		return fail(r);
	n->len = (size_t)(close - r->p - 1);
	n->literal = xstrndup(r->p + 1, n->len);
	r->p = close + 1;
	return 0;
}

/*
 * One step: 'name' or 'child::name' (an element), '@name' or
 * 'attribute::name' (*is_attr set).  NULL if the step is anything else:
 * another axis, a wildcard, a node type test such as 'text()'.
 */
static char *
read_step(struct reader *r, int *is_attr)
{
	char	*name;

	*is_attr = accept(r, "@");
	if ((name = read_name(r)) == NULL)
		return NULL;
	if (!*is_attr && accept(r, "::")) {
		if (strcmp(name, "attribute") == 0)
			*is_attr = 1;
		else if (strcmp(name, "child") != 0) {
			free(name);
			return NULL;
		}
		free(name);
		if ((name = read_name(r)) == NULL)
			return NULL;
	}
	if (next_is(r, "(") || next_is(r, "::")) {
		free(name);
		return NULL;
	}
	return name;
}

static struct xpfast_leaf *
add_leaf(struct reader *r)
{
	struct xpfast_node	*n;

	if (r->prog->nleaves == XPFAST_MAX_LEAVES ||
	    (n = add_node(r, XPF_LEAF)) == NULL) {
		r->failed = 1;
		return NULL;
	}
	n->leaf = r->prog->nleaves;
	return &r->prog->leaf[r->prog->nleaves++];
}

/* A relative location path of child steps, the last one may be an
 * attribute, or '..' steps then an attribute: one leaf of the program. */
static int
read_path(struct reader *r)
{
	struct xpfast_leaf	*leaf;
	char			*name;
	int			 is_attr;

	if ((leaf = add_leaf(r)) == NULL)
		return -1;
	while (accept(r, "..")) {
		if (!accept(r, "/"))
			return fail(r);
		leaf->up++;
	}
	do {
		if (next_is(r, "//") || (name = read_step(r, &is_attr)) == NULL)
			return fail(r);
		if (is_attr) {
			leaf->attr = name;
			return next_is(r, "/") ? fail(r) : 0;
		}
		/* an ancestor's children, or its text: not the row's to see */
		if (leaf->up > 0 || leaf->nsteps == XPFAST_MAX_STEPS) {
			free(name);
			return fail(r);
		}
		leaf->step[leaf->nsteps++] = name;
	} while (accept(r, "/"));
	return 0;
}

/* A function's arguments, after its '('; `min`, `max`: how many. */
static int
read_args(struct reader *r, struct xpfast_node *fn, size_t min, size_t max)
{
	size_t	 n = 0;

	if (!accept(r, ")")) {
		do {
			if (read_expr(r) == -1)
				return -1;
			n++;
		} while (accept(r, ","));
		if (!accept(r, ")"))
			return fail(r);
	}
	if (n < min || n > max)
		return fail(r);
	if (fn != NULL)
		fn->nargs = n;
	return 0;
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
translation_table(const struct xpfast_node *from, const struct xpfast_node *to)
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

/*
 * translate(X, "from", "to"), after its '(': only literals say what to
 * replace, so that the work per character of X is bounded by the
 * expression, not by the store.
 */
static int
read_translate(struct reader *r)
{
	struct xpfast_node	*n, *lit;
	size_t			 tr;
	int			 i;

	tr = r->prog->nnodes;
	if (add_node(r, XPF_TRANSLATE) == NULL || read_expr(r) == -1)
		return fail(r);
	lit = &r->prog->node[r->prog->nnodes];
	for (i = 0; i < 2; i++) {
		if (!accept(r, ","))
			return fail(r);
		skip_space(r);
		if (r->p == r->end || (*r->p != '"' && *r->p != '\'') ||
		    read_literal(r) == -1)
			return fail(r);
	}
	n = &r->prog->node[tr];
	n->nargs = 3;
	n->ascii = translation_table(&lit[0], &lit[1]);
	return accept(r, ")") ? 0 : fail(r);
}

/*
 * name(P) or local-name(P), after its '(': P the row (none, or '.') or an
 * ancestor ('..', '../..'): a leaf whose string is that element's name.
 */
static int
read_name_of(struct reader *r, enum xpfast_name which)
{
	struct xpfast_leaf	*leaf;

	if ((leaf = add_leaf(r)) == NULL)
		return -1;
	leaf->name = which;
	if (accept(r, "..")) {
		leaf->up = 1;
		while (accept(r, "/")) {
			if (!accept(r, ".."))
				return fail(r);
			leaf->up++;
		}
	} else
		(void)accept(r, ".");
	return accept(r, ")") ? 0 : fail(r);
}

static int
read_call(struct reader *r, const char *name)
{
	static const struct {
		const char	*name;
		enum xpfast_op	 op;
		size_t		 min, max;
	} fns[] = {
		{ "concat", XPF_CONCAT, 2, (size_t)-1 },
		{ "substring-before", XPF_BEFORE, 2, 2 },
		{ "substring-after", XPF_AFTER, 2, 2 },
		{ "normalize-space", XPF_NORMALIZE, 1, 1 },
	};
	struct xpfast_node	*n;
	size_t			 i;

	/* string(X) is X: every expression here is a string already. */
	if (strcmp(name, "string") == 0)
		return read_args(r, NULL, 1, 1);
	if (strcmp(name, "translate") == 0)
		return read_translate(r);
	if (strcmp(name, "local-name") == 0)
		return read_name_of(r, XPF_LOCAL_NAME);
	if (strcmp(name, "name") == 0)
		return read_name_of(r, XPF_QNAME);
	for (i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
		if (strcmp(name, fns[i].name) == 0) {
			if ((n = add_node(r, fns[i].op)) == NULL)
				return -1;
			return read_args(r, n, fns[i].min, fns[i].max);
		}
	return fail(r);
}

static int
read_expr(struct reader *r)
{
	const char	*start;
	char		*name;
	int		 rc;

	if (++r->depth > MAX_DEPTH)
		return fail(r);
	skip_space(r);
	start = r->p;
	if (r->p < r->end && (*r->p == '"' || *r->p == '\''))
		rc = read_literal(r);
	else if ((name = read_name(r)) != NULL && accept(r, "(")) {
		rc = read_call(r, name);
		free(name);
	} else {
		free(name);
		r->p = start;
		rc = read_path(r);
	}
	r->depth--;
	return r->failed ? -1 : rc;
}

int
xpfast_compile(struct xpfast *prog, const char *src, size_t len)
{
	struct reader	 r;

	memset(prog, 0, sizeof(*prog));
	memset(&r, 0, sizeof(r));
	r.p = src;
	r.end = src + len;
	r.prog = prog;
	if (read_expr(&r) == 0) {
		skip_space(&r);
		if (r.p == r.end && !r.failed)
			return 0;
	}
	xpfast_free(prog);
	return -1;
}

void
xpfast_free(struct xpfast *prog)
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
xpfast_is_leaf(const struct xpfast *prog)
{
	return prog->nnodes == 1 && prog->node[0].op == XPF_LEAF;
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
translate_from(struct buf *out, size_t start, const struct xpfast_node *tr,
    const struct xpfast_node *from, const struct xpfast_node *to)
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
eval_node(const struct xpfast *prog, size_t i, const struct xpfast_text *text,
    struct buf *out)
{
	const struct xpfast_node *n = &prog->node[i++];
	size_t			 start = out->len, mid, k;

	switch (n->op) {
	case XPF_LEAF:
		if (text[n->leaf].len > 0)
			buf_append(out, text[n->leaf].p, text[n->leaf].len);
		break;
	case XPF_LITERAL:
		buf_append(out, n->literal, n->len);
		break;
	case XPF_CONCAT:
		for (k = 0; k < n->nargs; k++)
			i = eval_node(prog, i, text, out);
		break;
	case XPF_BEFORE:
	case XPF_AFTER:
		i = eval_node(prog, i, text, out);
		mid = out->len;
		i = eval_node(prog, i, text, out);
		cut_around(out, start, mid, n->op == XPF_AFTER);
		break;
	case XPF_NORMALIZE:
		i = eval_node(prog, i, text, out);
		normalize_from(out, start);
		break;
	case XPF_TRANSLATE:		/* then two literals */
		i = eval_node(prog, i, text, out);
		translate_from(out, start, n, &prog->node[i],
		    &prog->node[i + 1]);
		i += 2;
		break;
	}
	return i;
}

void
xpfast_eval(const struct xpfast *prog, const struct xpfast_text *text,
    struct buf *out)
{
	buf_reset(out);
	(void)eval_node(prog, 0, text, out);
}
