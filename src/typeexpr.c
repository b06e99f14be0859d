/*
 * typeexpr.c: compiling and classifying a field's expression.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>
#include <libxml/xpathInternals.h>

#include "datetime.h"
#include "typeexpr.h"
#include "xmlerr.h"
#include "xpfast.h"
#include "xpscope.h"

static const char *
skip_space(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

static const char *
trim_end(const char *p, const char *end)
{
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\n' || end[-1] == '\r'))
		end--;
	return end;
}

static int
strip_prefix(const char **p, const char *end, const char *prefix)
{
	size_t	 n = strlen(prefix);

	if ((size_t)(end - *p) < n || memcmp(*p, prefix, n) != 0)
		return 0;
	*p += n;
	return 1;
}

/* Is 'date' EXSLT's dates-and-times prefix (unless -n bound it)? */
static int
date_is_exslt(const struct typeexpr *te)
{
	size_t	 i;

	for (i = 0; i < te->nns; i++)
		if (strcmp(te->ns[i].prefix, "date") == 0)
			return strcmp(te->ns[i].uri, DATETIME_EXSLT_URI) == 0;
	return 1;
}

/* Strips 'fn(' ... ')' around the expression, spaces aside. */
static int
strip_call(const char **p, const char **end, const char *fn)
{
	const char	*q = *p;

	if (!strip_prefix(&q, *end, fn) || *end == q || (*end)[-1] != ')')
		return 0;
	*p = skip_space(q, *end - 1);
	*end = trim_end(*p, *end - 1);
	return 1;
}

/*
 * Recognises the streamable subset (xpfast.h), for a value also inside
 * 'number(...)' or 'date:seconds(...)'.  Anything else is left to XPath.
 */
static void
classify(struct typeexpr *te, const char *src, int is_value)
{
	const char	*p = src, *end = src + strlen(src);

	te->convert = CONVERT_NUMBER;
	p = skip_space(p, end);
	end = trim_end(p, end);
	if (is_value && date_is_exslt(te) && strip_call(&p, &end,
	    "date:seconds("))
		te->convert = CONVERT_DATE;
	else if (is_value)
		(void)strip_call(&p, &end, "number(");
	te->kind = xpfast_compile(&te->prog, p, (size_t)(end - p)) == 0 ?
	    TYPE_STREAM : TYPE_XPATH;
}

xmlXPathContextPtr
typeexpr_context(const struct typeexpr *te, xmlDocPtr doc)
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
dry_run(const struct typeexpr *te, xmlXPathCompExprPtr comp)
{
	xmlDocPtr		 doc;
	xmlNodePtr		 row;
	xmlXPathContextPtr	 ctx;
	xmlXPathObjectPtr	 res = NULL;

	doc = xmlNewDoc(XMLSTR("1.0"));
	row = xmlNewDocNode(doc, NULL, XMLSTR("row"), NULL);
	xmlDocSetRootElement(doc, row);
	if ((ctx = typeexpr_context(te, doc)) != NULL) {
		ctx->node = row;
		res = xmlXPathCompiledEval(comp, ctx);
		xmlXPathFreeContext(ctx);
	}
	xmlFreeDoc(doc);
	if (res == NULL)
		return -1;
	xmlXPathFreeObject(res);
	return 0;
}

int
typeexpr_compile(struct typeexpr *te, const char *src, const char *what,
    int is_value, const struct nsbinding *ns, size_t nns, struct buf *err)
{
	struct xmlerr_capture	 cap;
	struct buf		 why = { 0 };
	xmlXPathCompExprPtr	 comp;
	int			 rc = 0;

	memset(te, 0, sizeof(*te));
	memset(&cap, 0, sizeof(cap));
	te->ns = ns;
	te->nns = nns;
	xmlerr_install(&cap);
	comp = xmlXPathCompile(XMLSTR(src));
	if (comp == NULL || dry_run(te, comp) == -1) {
		buf_printf(err, "invalid %s expression '%s': %s", what, src,
		    xmlerr_first(&cap) != NULL ? xmlerr_first(&cap) :
		    "not an XPath 1.0 expression");
		rc = -1;
	}
	xmlerr_uninstall();
	xmlerr_free(&cap);
	if (rc == -1) {
		xmlXPathFreeCompExpr(comp);
		return -1;
	}
	if (xpscope_check(src, &te->demand, &why) == -1) {
		buf_printf(err, "invalid %s expression '%s': %s; an "
		    "expression sees the row, its descendants, and its "
		    "ancestors' names and attributes", what, src, why.data);
		buf_free(&why);
		xmlXPathFreeCompExpr(comp);
		return -1;
	}
	buf_free(&why);
	classify(te, src, is_value);
	if (te->kind == TYPE_XPATH)
		te->comp = comp;
	else
		xmlXPathFreeCompExpr(comp);
	return 0;
}

void
typeexpr_free(struct typeexpr *te)
{
	xpfast_free(&te->prog);
	xpscope_demand_free(&te->demand);
	if (te->comp != NULL)
		xmlXPathFreeCompExpr(te->comp);
	memset(te, 0, sizeof(*te));
}
