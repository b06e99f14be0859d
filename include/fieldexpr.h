/*
 * fieldexpr.h: one field's expression (a label such as --type, or a value),
 * XPath 1.0 evaluated with the row as context.  An expression in the
 * subset of xpstream.h ('@name', 'amount/@currency', 'string(category)',
 * 'concat(substring-before(@status, "e"), "-", @type)', ...) is read from
 * the parse events without building a tree; for a value, also inside
 * 'number(...)' or EXSLT's 'date:seconds(...)'.  Everything else is
 * evaluated by libxml2 on a tree of the row.
 */
#ifndef XML2PROM_FIELDEXPR_H
#define XML2PROM_FIELDEXPR_H

#include <libxml/xpath.h>

#include "buf.h"
#include "xpstream.h"
#include "xpscope.h"

enum field_kind {
	FIELD_STREAMED,		/* read from the parse events */
	FIELD_ROW_TREE		/* evaluated on the row's tree */
};

/* How a value field turns its string into a number. */
enum field_convert {
	CONVERT_NUMBER,		/* XPath number() */
	CONVERT_DATE		/* date:seconds() */
};

struct nsbinding {
	const char	*prefix;
	const char	*uri;
};

struct fieldexpr {
	enum field_kind		 kind;
	struct xpstream		 prog;	/* FIELD_STREAMED */
	enum field_convert	 convert; /* of a streamed value */
	xmlXPathCompExprPtr	 comp;	/* FIELD_ROW_TREE */
	const struct nsbinding	*ns;
	size_t			 nns;
	struct xpscope_demand	 demand;	/* FIELD_ROW_TREE: the tree it needs */
	int			 constant;	/* reads nothing of the row: the
						   same on every row */
};

/* `what` names the option in errors ("--type"); `is_value`: the field is
 * taken as a number, not a string. */
int	fieldexpr_compile(struct fieldexpr *, const char *src, const char *what,
	    int is_value, const struct nsbinding *, size_t, struct buf *err);
void	fieldexpr_free(struct fieldexpr *);
xmlXPathContextPtr fieldexpr_context(const struct fieldexpr *, xmlDocPtr);

#endif
