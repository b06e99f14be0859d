/*
 * typeexpr.h: the --type expression, an XPath 1.0 expression whose string
 * value is a row's type.  The common shapes are recognised so the scanner
 * can read them from the parse events without building a tree:
 *   '@name', 'string(@name)'           the row's attribute (no namespace)
 *   'name', 'string(name)'             the text of the row's first child
 *                                      element of that name (no namespace)
 * Everything else is evaluated by libxml2 on a tree of the row.
 */
#ifndef XML2PROM_TYPEEXPR_H
#define XML2PROM_TYPEEXPR_H

#include <libxml/xpath.h>

#include "buf.h"
#include "xpscope.h"

enum type_kind {
	TYPE_ATTRIBUTE,
	TYPE_CHILD_TEXT,
	TYPE_XPATH
};

struct nsbinding {
	const char	*prefix;
	const char	*uri;
};

struct typeexpr {
	enum type_kind		 kind;
	char			*name;	/* TYPE_ATTRIBUTE, TYPE_CHILD_TEXT */
	xmlXPathCompExprPtr	 comp;	/* TYPE_XPATH */
	const struct nsbinding	*ns;
	size_t			 nns;
	struct xpscope_demand	 demand;	/* TYPE_XPATH: the tree it needs */
};

int	typeexpr_compile(struct typeexpr *, const char *,
	    const struct nsbinding *, size_t, struct buf *err);
void	typeexpr_free(struct typeexpr *);
xmlXPathContextPtr typeexpr_context(const struct typeexpr *, xmlDocPtr);

#endif
