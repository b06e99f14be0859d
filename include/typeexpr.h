/*
 * typeexpr.h: one field's expression (a label such as --type, or a value),
 * XPath 1.0 evaluated with the row as context.  An expression in the
 * subset of xpfast.h ('@name', 'amount/@currency', 'string(category)',
 * 'concat(substring-before(@status, "e"), "-", @type)', ...) is read from
 * the parse events without building a tree; for a value, also inside
 * 'number(...)' or EXSLT's 'date:seconds(...)'.  Everything else is
 * evaluated by libxml2 on a tree of the row.
 */
#ifndef XML2PROM_TYPEEXPR_H
#define XML2PROM_TYPEEXPR_H

#include <libxml/xpath.h>

#include "buf.h"
#include "xpfast.h"
#include "xpscope.h"

enum type_kind {
	TYPE_STREAM,		/* read from the parse events */
	TYPE_XPATH		/* evaluated on the row's tree */
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
	struct xpfast		 prog;	/* TYPE_STREAM */
	enum type_convert	 convert; /* of a streamed value */
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
