/*
 * xpfast.h: the XPath 1.0 string expressions a streaming read answers
 * without a tree.  An expression in this subset is a tree of
 *   paths      'a/b/@c', 'child::a', '@c', 'attribute::c': child element
 *              steps by local name (no namespace), optionally ending on an
 *              attribute (no namespace); taken as a string, the first such
 *              node in document order: an attribute's value, an element's
 *              text (all its descendant text and CDATA); or '../@c',
 *              '../../@c': an ancestor's attribute
 *   names      name(), local-name() of the row ('.' or no argument) or of
 *              an ancestor ('..', '../..')
 *   literals   "..." or '...'
 *   functions  string(X), concat(X, Y, ...), substring-before(X, Y),
 *              substring-after(X, Y), normalize-space(X),
 *              translate(X, "...", "...") (literals: X's length alone
 *              bounds its work)
 * The paths and names are the program's leaves: the scanner captures each one's
 * string from the parse events, then xpfast_eval computes the field's
 * string from them exactly as libxml2's XPath would on the row's tree (the
 * differential fuzzer, tests/fuzz/fuzz_diff.c, holds it to that).
 * Anything else (predicates, other axes, numbers, other functions,
 * prefixes) is left to libxml2.
 */
#ifndef XML2PROM_XPFAST_H
#define XML2PROM_XPFAST_H

#include <stddef.h>

#include "buf.h"

#define XPFAST_MAX_LEAVES	8
#define XPFAST_MAX_NODES	16
#define XPFAST_MAX_STEPS	8

enum xpfast_name {
	XPF_NOT_NAME,			/* the leaf's string is its node's */
	XPF_LOCAL_NAME,			/* local-name() of the row or above */
	XPF_QNAME			/* name(): with the document's prefix */
};

struct xpfast_leaf {
	enum xpfast_name name;
	size_t		 up;		/* '..' steps first: then no child steps,
					   and an attribute or a name */
	size_t		 nsteps;
	char		*step[XPFAST_MAX_STEPS]; /* child elements' names */
	char		*attr;		/* the last one's attribute (the row's
					   when nsteps is 0), or NULL: its text */
};

enum xpfast_op {
	XPF_LEAF,
	XPF_LITERAL,
	XPF_CONCAT,
	XPF_BEFORE,		/* substring-before */
	XPF_AFTER,		/* substring-after */
	XPF_NORMALIZE,		/* normalize-space */
	XPF_TRANSLATE
};

/* Nodes in prefix order: a function's arguments follow it. */
struct xpfast_node {
	enum xpfast_op	 op;
	size_t		 nargs;		/* a function's */
	size_t		 leaf;		/* XPF_LEAF: index into leaf[] */
	char		*literal;	/* XPF_LITERAL */
	size_t		 len;
	int		*ascii;		/* XPF_TRANSLATE: what becomes of
					   each ASCII character (xpfast.c) */
};

struct xpfast {
	size_t			 nleaves;
	struct xpfast_leaf	 leaf[XPFAST_MAX_LEAVES];
	size_t			 nnodes;
	struct xpfast_node	 node[XPFAST_MAX_NODES];
};

/* A string as a row gives it, not NUL-terminated: a path's as the scanner
 * captured it, or a field's. */
struct xpfast_text {
	const char	*p;
	size_t		 len;
};

/* 0 with the program in `prog` if the expression `src[0..len)` is in the
 * subset, else -1 (nothing to free). */
int	xpfast_compile(struct xpfast *prog, const char *src, size_t len);
void	xpfast_free(struct xpfast *);

/* The whole expression is one path: its string is its leaf's. */
int	xpfast_is_leaf(const struct xpfast *);

/* The expression's string from its leaves' (text[i] for leaf[i]) into `out`. */
void	xpfast_eval(const struct xpfast *, const struct xpfast_text *text,
	    struct buf *out);

#endif
