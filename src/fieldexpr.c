/*
 * fieldexpr.c: a field's expression, read once and classified: streamed,
 * or compiled by libxml2 for the row's tree.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>
#include <libxml/xpathInternals.h>

#include "datetime.h"
#include "fieldexpr.h"
#include "xmlerr.h"
#include "xpexpr.h"
#include "xpscope.h"
#include "xpstream.h"

/* Is 'date' EXSLT's dates-and-times prefix (unless -n bound it)? */
static int
date_is_exslt(const struct fieldexpr *te)
{
	size_t	 i;

	for (i = 0; i < te->nns; i++)
		if (strcmp(te->ns[i].prefix, "date") == 0)
			return strcmp(te->ns[i].uri, DATETIME_EXSLT_URI) == 0;
	return 1;
}

/*
 * A value is read as number() reads it, or as EXSLT's date:seconds():
 * number(X) and date:seconds(X) are X, converted so.  What remains is
 * streamed when its tree lowers into the subset (xpstream.h).
 */
static void
classify(struct fieldexpr *fe, const struct xp_node *x, int is_value)
{
	fe->convert = CONVERT_NUMBER;
	if (is_value && date_is_exslt(fe) && xpexpr_is_call(x, "date:seconds",
	    1)) {
		fe->convert = CONVERT_DATE;
		x = x->args[0];
	} else if (is_value && xpexpr_is_call(x, "number", 1))
		x = x->args[0];
	fe->kind = FIELD_ROW_TREE;
	if (xpstream_lower(&fe->prog, x, fe->ns, fe->nns) == -1)
		return;
	/* date:seconds() of a number or a test: libexslt's, on the tree */
	if (fe->convert == CONVERT_DATE &&
	    xpstream_type(&fe->prog) != XPS_STRING) {
		xpstream_free(&fe->prog);
		return;
	}
	fe->kind = FIELD_STREAMED;
}

xmlXPathContextPtr
fieldexpr_context(const struct fieldexpr *te, xmlDocPtr doc)
{
	xmlXPathContextPtr	 ctx;
	size_t			 i;

	if ((ctx = xmlXPathNewContext(doc)) == NULL)
		return NULL;
	for (i = 0; i < te->nns; i++)
		xmlXPathRegisterNs(ctx, XMLSTR(te->ns[i].prefix),
		    XMLSTR(te->ns[i].uri));
	if (date_is_exslt(te))
		xmlXPathRegisterNs(ctx, XMLSTR("date"),
		    XMLSTR(DATETIME_EXSLT_URI));
	datetime_register(ctx);
	return ctx;
}

/*
 * Evaluates the expression once on an empty row, so that an unknown
 * function, variable or namespace prefix is a usage error now rather than
 * a failure on every store later.
 */
static int
dry_run(const struct fieldexpr *te, xmlXPathCompExprPtr comp)
{
	xmlDocPtr		 doc;
	xmlNodePtr		 row;
	xmlXPathContextPtr	 ctx;
	xmlXPathObjectPtr	 res = NULL;

	doc = xmlNewDoc(XMLSTR("1.0"));
	row = xmlNewDocNode(doc, NULL, XMLSTR("row"), NULL);
	xmlDocSetRootElement(doc, row);
	if ((ctx = fieldexpr_context(te, doc)) != NULL) {
		ctx->node = row;
		res = xmlXPathCompiledEval(comp, ctx);
		xmlXPathFreeContext(ctx);
	}
	if (res == NULL) {
		xmlFreeDoc(doc);
		return -1;
	}
	/* a node-set result points into the document: freed before it */
	xmlXPathFreeObject(res);
	xmlFreeDoc(doc);
	return 0;
}

/* libxml2's compilation, for the row's tree; -1 with libxml2's reason. */
static int
compile_for_tree(struct fieldexpr *fe, const char *src, const char *what,
    struct buf *err)
{
	struct xmlerr_capture	 cap;
	int			 rc = 0;

	memset(&cap, 0, sizeof(cap));
	xmlerr_install(&cap);
	fe->comp = xmlXPathCompile(XMLSTR(src));
	if (fe->comp == NULL || dry_run(fe, fe->comp) == -1) {
		buf_printf(err, "invalid %s expression '%s': %s", what, src,
		    xmlerr_first(&cap) != NULL ? xmlerr_first(&cap) :
		    "not an XPath 1.0 expression");
		rc = -1;
	}
	xmlerr_uninstall();
	xmlerr_free(&cap);
	return rc;
}

/*
 * One parse (xpexpr.h), read by the classification and the scope check.
 * A streamed expression is complete: in the subset, inside the row by
 * construction.  Any other is compiled by libxml2, whose errors (syntax,
 * an unknown function or prefix) are said first, as libxml2 says them.
 */
int
fieldexpr_compile(struct fieldexpr *fe, const char *src, const char *what,
    int is_value, const struct nsbinding *ns, size_t nns, struct buf *err)
{
	struct buf	 why = { 0 };
	struct xp_node	*tree;
	int		 rc = 0;

	memset(fe, 0, sizeof(*fe));
	fe->ns = ns;
	fe->nns = nns;
	fe->kind = FIELD_ROW_TREE;
	if ((tree = xpexpr_parse(src, &why)) != NULL) {
		classify(fe, tree, is_value);
		fe->constant = !xpexpr_reads_node(tree);
	}
	if (fe->kind == FIELD_ROW_TREE &&
	    compile_for_tree(fe, src, what, err) == -1)
		rc = -1;
	else if (tree == NULL || xpscope_check(tree, &fe->demand, &why) == -1) {
		buf_printf(err, "invalid %s expression '%s': %s; an "
		    "expression sees the row, its descendants, and its "
		    "ancestors' names and attributes", what, src, why.data);
		rc = -1;
	}
	xpexpr_free(tree);
	buf_free(&why);
	if (rc == -1)
		fieldexpr_free(fe);
	return rc;
}

void
fieldexpr_free(struct fieldexpr *te)
{
	xpstream_free(&te->prog);
	xpscope_demand_free(&te->demand);
	if (te->comp != NULL)
		xmlXPathFreeCompExpr(te->comp);
	memset(te, 0, sizeof(*te));
}
