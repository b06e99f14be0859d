/*
 * xpstream.h: the XPath 1.0 expressions a streaming read answers without
 * a tree: streamed fields.  An expression in this subset is a tree of
 *   paths      child steps by name ('a/b', 'child::a', 'p:a' with the
 *              namespace -n binds, '*' any element), each with at most
 *              [@a = 'literal'], the last one may be an attribute ('@c',
 *              'attribute::c'); or '../@c', '../../@c': an ancestor's
 *              attribute.  Taken as a string, the first node in document
 *              order (an attribute's value, an element's text); counted
 *              (count(P)); tested (boolean(P), not(P)); and '@c[P]', the
 *              row's attribute if a test of the row's children holds
 *   names      name(), local-name() of the row ('.' or no argument), of an
 *              ancestor ('..', '../..'), or of a child: the first of some
 *              names ('a|b|c'), '*[1]', '*[last()]'
 *   literals   "...", '...', numbers
 *   functions  string, concat, substring-before, substring-after,
 *              normalize-space, translate (with literals), contains,
 *              starts-with, substring, string-length, number, boolean,
 *              not, true, false
 *   operators  = != < <= > >= + - * div mod, between values that are no
 *              node-set (a path's comparison is over all its nodes)
 * An expression's tree (xpexpr.h) in this subset is lowered into a program
 * whose leaves are the paths and names: the scanner captures each one's
 * string or count from the parse events (capture.c), then xpstream_eval
 * computes the field's value from them exactly as libxml2's XPath would
 * on the row's tree (number to string and string to number are libxml2's
 * own functions; the differential fuzzer, tests/fuzz/fuzz_diff.c, and
 * the unit tests hold the rest to it).  Anything else is left to
 * libxml2, on the row's tree.
 */
#ifndef XML2PROM_XPSTREAM_H
#define XML2PROM_XPSTREAM_H

#include <stddef.h>

#include "buf.h"

#define XPSTREAM_MAX_LEAVES	8
#define XPSTREAM_MAX_NODES	32
#define XPSTREAM_MAX_STEPS	8
#define XPSTREAM_MAX_UNION	4

enum xpstream_name {
	XPS_NOT_NAME,			/* the leaf's string is its node's */
	XPS_LOCAL_NAME,			/* local-name() of the row or above */
	XPS_QNAME			/* name(): with the document's prefix */
};

/* Which of the nodes a leaf's path reaches it takes. */
enum xpstream_take {
	XPS_FIRST,			/* its string: the first's */
	XPS_LAST,			/* a name or attribute: the last's */
	XPS_COUNT			/* how many there are */
};

/*
 * A child step: an element named one of `name` (none: any element) in the
 * namespace `uri` (NULL: none), with attribute `pred_attr` equal to
 * `pred_value` if given.
 */
struct xpstream_step {
	size_t		 nnames;
	char		*name[XPSTREAM_MAX_UNION];
	char		*uri;
	char		*pred_attr;
	char		*pred_value;
};

struct xpstream_leaf {
	enum xpstream_name name;
	enum xpstream_take take;
	size_t		 up;		/* '..' steps first: then no child steps,
					   and an attribute or a name */
	size_t		 nsteps;
	struct xpstream_step step[XPSTREAM_MAX_STEPS];
	char		*attr;		/* the last one's attribute (the row's
					   when nsteps is 0), or NULL: its text,
					   or its name */
	int		 ancestor;	/* 'ancestor::T[P]/@attr', T step[0]'s
					   test (nsteps stays 0) */
	int		 from_last;	/* P is last() - position */
	long		 position;	/* P's number; 0: no P */
};

enum xpstream_op {
	XPS_LEAF,
	XPS_LITERAL,
	XPS_CONCAT,
	XPS_BEFORE,		/* substring-before */
	XPS_AFTER,		/* substring-after */
	XPS_NORMALIZE,		/* normalize-space */
	XPS_TRANSLATE,
	XPS_NUMLIT,		/* a number */
	XPS_EXISTS,		/* a counted leaf: any node? */
	XPS_CONTAINS, XPS_STARTS_WITH, XPS_SUBSTRING, XPS_STRING_LENGTH,
	XPS_NUMBER, XPS_BOOLEAN, XPS_NOT, XPS_TRUE, XPS_FALSE,
	XPS_EQ, XPS_NE, XPS_LT, XPS_LE, XPS_GT, XPS_GE,
	XPS_ADD, XPS_SUB, XPS_MUL, XPS_DIV, XPS_MOD, XPS_NEG,
	XPS_IF			/* its first argument if the second holds */
};

/* What a node gives. */
enum xpstream_type {
	XPS_STRING,
	XPS_NUMERIC,
	XPS_BOOL
};

/* Nodes in prefix order: a function's arguments follow it. */
struct xpstream_node {
	enum xpstream_op	 op;
	enum xpstream_type	 type;
	size_t		 nargs;		/* a function's */
	double		 number;	/* XPS_NUMLIT */
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

/* A leaf as a row gives it: a string, not NUL-terminated, as the scanner
 * captured it; or how many nodes it counted. */
struct xpstream_text {
	const char	*p;
	size_t		 len;
	double		 count;
};

struct xp_node;

struct nsbinding;

/* 0 with the program in `prog` if the expression is in the subset, else
 * -1 (nothing to free).  Prefixed names take the namespaces given. */
int	xpstream_lower(struct xpstream *prog, const struct xp_node *,
	    const struct nsbinding *, size_t);
void	xpstream_free(struct xpstream *);

/* The whole expression is one path: its string is its leaf's. */
int	xpstream_is_leaf(const struct xpstream *);

/* translate()'s table for these literals (xplower.c makes, xpstream.c reads). */
int	*xpstream_translation(const struct xpstream_node *from,
	    const struct xpstream_node *to);

/* The expression's type: a label takes its string, a value its number. */
enum xpstream_type xpstream_type(const struct xpstream *);

/* The expression's string from its leaves' (text[i] for leaf[i]) into `out`. */
void	xpstream_eval(const struct xpstream *, const struct xpstream_text *text,
	    struct buf *out);
/* Its number (the string's, as number() reads it). */
double	xpstream_eval_number(const struct xpstream *,
	    const struct xpstream_text *text, struct buf *scratch);

/*
 * number() of a plain decimal: an optional '-', 1 to 15 digits, and
 * optionally a '.' and at most 15 more after any zeros, 22 places in all;
 * nothing else (no blank, no exponent).  Every libxml2 release from 2.9
 * to 2.15 reads such a string as this does: the whole part and the
 * fraction's digits into doubles exactly, then fraction / 10^places
 * (pow(10, places), exact here) and whole + that, each rounded once.
 * 0 for anything else, which is libxml2's to read.
 */
int	xpstream_plain_number(const char *, size_t, double *);

#endif
