/*
 * typeexpr.h: one field's expression (a label such as --type, or a value),
 * XPath 1.0 evaluated with the row as context.  The common shapes are
 * recognised so the scanner can read them from the parse events without
 * building a tree:
 *   '@name', 'string(@name)'           the row's attribute (no namespace)
 *   'name', 'string(name)'             the text of the row's first child
 *                                      element of that name (no namespace)
 * and, for a value, either of them inside 'number(...)' or EXSLT's
 * 'date:seconds(...)'.  Everything else is evaluated by libxml2 on a tree
 * of the row.
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

/* How a value field turns its string into a number. */
enum type_convert {
	CONVERT_NUMBER,		/* XPath number() */
	CONVERT_DATE		/* date:seconds() */
};

struct nsbinding {
	const char	*prefix;
	const char	*uri;
};

struct typeexpr {
	enum type_kind		 kind;
	char			*name;	/* TYPE_ATTRIBUTE, TYPE_CHILD_TEXT */
	enum type_convert	 convert; /* of a value's fast path */
	xmlXPathCompExprPtr	 comp;	/* TYPE_XPATH */
	const struct nsbinding	*ns;
	size_t			 nns;
	struct xpscope_demand	 demand;	/* TYPE_XPATH: the tree it needs */
};

/* `what` names the option in errors ("--type"); `is_value`: the field is
 * taken as a number, not a string. */
int	typeexpr_compile(struct typeexpr *, const char *src, const char *what,
	    int is_value, const struct nsbinding *, size_t, struct buf *err);
void	typeexpr_free(struct typeexpr *);
xmlXPathContextPtr typeexpr_context(const struct typeexpr *, xmlDocPtr);

#endif
