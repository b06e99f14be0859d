/*
 * rowtree.h: the tree of the row being read, built from the parse events,
 * for the expressions that are evaluated by libxml2's XPath.  It holds the
 * open rows whole (elements, attributes with their DTD defaults, namespace
 * declarations, adjacent text and CDATA coalesced into one text node as
 * XPath's data model has them, comments, processing instructions) and, above them, a
 * skeleton of their ancestors: names, namespaces and attributes only.
 * That is exactly what an expression may look at (see xpscope.h).  Given
 * what the expression needs, rows hold no more: only their attributes, or
 * the attributes of some children, when it reads no text.
 *
 * What the open rows hold is counted in `held` (nodes at about their
 * size, text and values at their length), for the scanner to bound.
 *
 * libxml2's own SAX2 tree builder is not used: from 2.13 on, it makes
 * libxml2 copy an entity's nodes into the tree without reporting them as
 * events, so rows inside entities would be lost to the scanner.
 */
#ifndef XML2PROM_ROWTREE_H
#define XML2PROM_ROWTREE_H

#include <libxml/tree.h>

#include "buf.h"
#include "xpscope.h"

struct rowtree {
	xmlDocPtr	 doc;
	xmlNodePtr	 cur;		/* the innermost open element */
	size_t		 rows_open;	/* rows among the open elements */
	struct buf	 pending;	/* text not yet in a node */
	struct buf	 value;		/* an attribute value, NUL-terminated */
	const struct xpscope_demand *demand; /* NULL: rows whole */
	size_t		 row_depth;	/* below the open row, when pruning */
	size_t		 skipping;	/* open elements not built */
	size_t		 held;		/* about the bytes the open rows hold */
	const xmlChar	*children[XPSCOPE_MAX_CHILDREN]; /* interned */
};

void	rowtree_init(struct rowtree *, xmlDictPtr,
	    const struct xpscope_demand *);
void	rowtree_free(struct rowtree *);
void	rowtree_start(struct rowtree *, const xmlChar *localname,
	    const xmlChar *prefix, const xmlChar *uri, int nb_namespaces,
	    const xmlChar **namespaces, int nb_attributes,
	    const xmlChar **attributes, int is_row);
xmlNodePtr rowtree_current(struct rowtree *);
void	rowtree_end(struct rowtree *, int was_row);
void	rowtree_text(struct rowtree *, const xmlChar *, int);
void	rowtree_comment(struct rowtree *, const xmlChar *);
void	rowtree_pi(struct rowtree *, const xmlChar *target,
	    const xmlChar *data);

#endif
