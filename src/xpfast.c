/*
 * xpfast.c: reading the streamable subset of XPath (see xpfast.h) and
 * computing its strings.  libxml2 has already compiled and dry-run the
 * expression, so it is well-formed XPath; this reader only has to tell
 * whether it is in the subset, and refuses whatever it does not know.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE		/* memmem */
#endif
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "xpfast.h"

/* string(string(...)) nests without adding a node: bound the recursion. */
#define MAX_DEPTH	32

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

/* "..." or '...': XPath literals have no escapes. */
static int
read_literal(struct reader *r)
{
	struct xpfast_node	*n;
	const char		*close;
	char			 quote = *r->p;

	close = memchr(r->p + 1, quote, (size_t)(r->end - r->p - 1));
	if (close == NULL || (n = add_node(r, XPF_LITERAL)) == NULL)
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

/* A relative location path of child steps, the last one may be an
 * attribute: one leaf of the program. */
static int
read_path(struct reader *r)
{
	struct xpfast_leaf	*leaf;
	struct xpfast_node	*n;
	char			*name;
	int			 is_attr;

	if (r->prog->nleaves == XPFAST_MAX_LEAVES ||
	    (n = add_node(r, XPF_LEAF)) == NULL)
		return fail(r);
	n->leaf = r->prog->nleaves;
	leaf = &r->prog->leaf[r->prog->nleaves++];
	do {
		if (next_is(r, "//") || (name = read_step(r, &is_attr)) == NULL)
			return fail(r);
		if (is_attr) {
			leaf->attr = name;
			return next_is(r, "/") ? fail(r) : 0;
		}
		if (leaf->nsteps == XPFAST_MAX_STEPS) {
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
	for (i = 0; i < prog->nnodes; i++)
		free(prog->node[i].literal);
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
