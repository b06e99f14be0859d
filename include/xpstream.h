/*
 * xpstream.h: the XPath 1.0 string expressions a streaming read answers
 * without a tree: streamed fields.  An expression in this subset is a tree of
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
 * An expression's tree (xpexpr.h) in this subset is lowered into a program
 * whose leaves are the paths and names: the scanner captures each one's
 * string from the parse events (capture.c), then xpstream_eval computes
 * the field's string from them exactly as libxml2's XPath would on the
 * row's tree (the differential fuzzer, tests/fuzz/fuzz_diff.c, holds it
 * to that).  Anything else (predicates, other axes, numbers, other
 * functions, prefixes) is left to libxml2, on the row's tree.
 */
#ifndef XML2PROM_XPSTREAM_H
#define XML2PROM_XPSTREAM_H

#include <stddef.h>

#include "buf.h"

#define XPSTREAM_MAX_LEAVES	8
#define XPSTREAM_MAX_NODES	16
#define XPSTREAM_MAX_STEPS	8

enum xpstream_name {
	XPS_NOT_NAME,			/* the leaf's string is its node's */
	XPS_LOCAL_NAME,			/* local-name() of the row or above */
	XPS_QNAME			/* name(): with the document's prefix */
};

struct xpstream_leaf {
	enum xpstream_name name;
	size_t		 up;		/* '..' steps first: then no child steps,
					   and an attribute or a name */
	size_t		 nsteps;
	char		*step[XPSTREAM_MAX_STEPS]; /* child elements' names */
	char		*attr;		/* the last one's attribute (the row's
					   when nsteps is 0), or NULL: its text */
};

enum xpstream_op {
	XPS_LEAF,
	XPS_LITERAL,
	XPS_CONCAT,
	XPS_BEFORE,		/* substring-before */
	XPS_AFTER,		/* substring-after */
	XPS_NORMALIZE,		/* normalize-space */
	XPS_TRANSLATE
};

/* Nodes in prefix order: a function's arguments follow it. */
struct xpstream_node {
	enum xpstream_op	 op;
	size_t		 nargs;		/* a function's */
	size_t		 leaf;		/* XPS_LEAF: index into leaf[] */
	char		*literal;	/* XPS_LITERAL */
	size_t		 len;
	int		*ascii;		/* XPS_TRANSLATE: what becomes of
					   each ASCII character (xpstream.c) */
};

struct xpstream {
	size_t			 nleaves;
	struct xpstream_leaf	 leaf[XPSTREAM_MAX_LEAVES];
	size_t			 nnodes;
	struct xpstream_node	 node[XPSTREAM_MAX_NODES];
};

/* A string as a row gives it, not NUL-terminated: a path's as the scanner
 * captured it, or a field's. */
struct xpstream_text {
	const char	*p;
	size_t		 len;
};

struct xp_node;

/* 0 with the program in `prog` if the expression is in the subset, else
 * -1 (nothing to free). */
int	xpstream_lower(struct xpstream *prog, const struct xp_node *);
void	xpstream_free(struct xpstream *);

/* The whole expression is one path: its string is its leaf's. */
int	xpstream_is_leaf(const struct xpstream *);

/* The expression's string from its leaves' (text[i] for leaf[i]) into `out`. */
void	xpstream_eval(const struct xpstream *, const struct xpstream_text *text,
	    struct buf *out);

#endif
