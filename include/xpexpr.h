/*
 * xpexpr.h: the one reading of an XPath 1.0 expression.  A field's
 * expression is parsed once, by the grammar of the recommendation, into
 * the tree below; everything else reads that tree: the scope check (what
 * the expression looks at, xpscope.h), the classification of a value
 * (number(), date:seconds(), fieldexpr.h) and the lowering into a
 * streamed program (xpstream.h).  libxml2 compiles the expression too,
 * but only when it is evaluated on a row's tree.
 *
 * The parser refuses what it does not recognise, never guesses; its
 * errors are said as "cannot read the expression near '...'".
 */
#ifndef XML2PROM_XPEXPR_H
#define XML2PROM_XPEXPR_H

#include <stddef.h>

#include "buf.h"

enum xp_op {
	XP_OR, XP_AND, XP_EQ, XP_NE, XP_LT, XP_LE, XP_GT, XP_GE,
	XP_ADD, XP_SUB, XP_MUL, XP_DIV, XP_MOD,	/* two operands */
	XP_NEG,					/* one */
	XP_UNION,				/* two paths */
	XP_NUMBER, XP_LITERAL, XP_VARIABLE,	/* text */
	XP_CALL,				/* text, the arguments */
	XP_PATH					/* see below */
};

enum xp_axis {
	AX_ANCESTOR, AX_ANCESTOR_OR_SELF, AX_ATTRIBUTE, AX_CHILD,
	AX_DESCENDANT, AX_DESCENDANT_OR_SELF, AX_FOLLOWING,
	AX_FOLLOWING_SIBLING, AX_NAMESPACE, AX_PARENT, AX_PRECEDING,
	AX_PRECEDING_SIBLING, AX_SELF, AX_COUNT
};

enum xp_test {
	XT_NAME,		/* a QName: prefix (or NULL) and local */
	XT_ANY,			/* '*', or 'prefix:*' */
	XT_NODE, XT_TEXT, XT_COMMENT, XT_PI
};

struct xp_node;

/* One location step (2.1), with its predicates. */
struct xp_step {
	enum xp_axis	 axis;
	enum xp_test	 test;
	char		*prefix;	/* XT_NAME, XT_ANY: or NULL */
	char		*local;		/* XT_NAME */
	char		 abbrev;	/* '.', '..' as 'P', '@', or 0 */
	int		 descend;	/* after '//' (descendant-or-self::node()) */
	const char	*src;		/* where it starts, for messages */
	struct xp_node	**pred;
	size_t		 npred;
};

/*
 * A node of the expression.  XP_PATH: `absolute` ('/' first) or, when
 * `filter` is set, a FilterExpr (3.3) with its own predicates, then the
 * steps; a relative path starts at the context node.
 */
struct xp_node {
	enum xp_op	 op;
	const char	*src;		/* where it starts in the source */
	char		*text;		/* literal (no quotes), name, number */
	size_t		 len;
	struct xp_node	**args;		/* operands, a call's arguments */
	size_t		 nargs;
	int		 absolute;
	struct xp_node	*filter;
	struct xp_node	**filter_pred;
	size_t		 nfilter_pred;
	struct xp_step	*steps;
	size_t		 nsteps;
};

/* The tree of `src` (kept: the nodes point into it), or NULL and why. */
struct xp_node *xpexpr_parse(const char *src, struct buf *why);
void	xpexpr_free(struct xp_node *);

int	xpexpr_is_call(const struct xp_node *, const char *name, size_t nargs);
int	xpexpr_reads_node(const struct xp_node *);

#endif
