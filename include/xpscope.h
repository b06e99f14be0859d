/*
 * xpscope.h: what an XPath 1.0 expression looks at, relative to the row it
 * is evaluated on.  A streaming read keeps only the row (its attributes,
 * namespaces and whole subtree) and its ancestors' names, namespaces and
 * attributes: not their text, not their other children, not the rest of
 * the document.  An expression that would need any of that could only be
 * answered wrongly, so it is refused before any store is read.
 *
 * The check reads the expression's tree (xpexpr.h): an abstract evaluation
 * over the places a node can be in (the row, inside it, an ancestor, the
 * document root, elsewhere), following each axis step from each place.  It is
 * conservative: what it accepts is exactly answerable on the row's tree;
 * a few expressions that happen to be answerable are refused too.
 */
#ifndef XML2PROM_XPSCOPE_H
#define XML2PROM_XPSCOPE_H

#include "buf.h"

/*
 * What the row's tree must hold for the expression: always the row's
 * attributes and namespaces (and its ancestors'); its whole content when
 * `full`; else only its children named in `children` (local names), with
 * their attributes but nothing inside them.  '@type', 'amount/@currency'
 * or 'concat(name(..), @id)' need no text, so no text is built.
 */
#define XPSCOPE_MAX_CHILDREN	8

struct xpscope_demand {
	int		 full;
	int		 kids_text;	/* the children named are kept whole:
					   their text, everything inside */
	size_t		 nchildren;
	char		*children[XPSCOPE_MAX_CHILDREN];
};

struct xp_node;

/* 0 if the expression only looks where a row's tree can see, with what it
 * needs in `demand`; else -1 with the reason in `why`. */
int	xpscope_check(const struct xp_node *, struct xpscope_demand *,
	    struct buf *why);
void	xpscope_demand_merge(struct xpscope_demand *,
	    const struct xpscope_demand *);
void	xpscope_demand_free(struct xpscope_demand *);

#endif
