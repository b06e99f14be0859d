/*
 * reference.c: rows counted on libxml2's own tree of the whole store.
 */
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "reference.h"
#include "scan.h"
#include "xmlcompat.h"

struct walk {
	struct rowmatch		 match;
	xmlXPathContextPtr	 xpath;
	xmlXPathCompExprPtr	 comp;
	const char		*missing;
	struct tally		*t;
	int			 failed;
};

static const char *
intern(void *arg, const char *name)
{
	return (const char *)xmlDictLookup(arg, XMLSTR(name), -1);
}

static void
count(struct walk *w, xmlNodePtr row)
{
	xmlXPathObjectPtr	 res;
	xmlChar			*s;
	const char		*type;
	size_t			 len;

	w->xpath->node = row;
	if ((res = xmlXPathCompiledEval(w->comp, w->xpath)) == NULL ||
	    (s = xmlXPathCastToString(res)) == NULL) {
		xmlXPathFreeObject(res);
		w->failed = 1;
		return;
	}
	type = (const char *)s;
	len = strlen(type);
	if (len == 0) {
		type = w->missing;
		len = strlen(type);
	}
	if (len > SCAN_MAX_TYPE_LEN || tally_add(w->t, type, len) == -1)
		w->failed = 1;
	xmlFree(s);
	xmlXPathFreeObject(res);
}

/* Document order, like the scanner; a row is counted at its end. */
static void
walk(struct walk *w, xmlNodePtr node, uint64_t parent)
{
	uint64_t	 set;

	for (; node != NULL && !w->failed; node = node->next) {
		if (node->type != XML_ELEMENT_NODE)
			continue;
		set = rowmatch_step(&w->match, parent,
		    (const char *)node->name);
		walk(w, node->children, set);
		if (set & w->match.final)
			count(w, node);
	}
}

int
reference_count(const char *data, size_t len, const struct rowpath *rows,
    const char *expr, const struct nsbinding *ns, size_t nns,
    const char *missing, struct tally *t)
{
	struct walk		 w;
	xmlParserCtxtPtr	 ctxt;
	xmlDocPtr		 doc;
	size_t			 i;
	int			 rc = -1, whole;

	memset(&w, 0, sizeof(w));
	if ((ctxt = xmlNewParserCtxt()) == NULL)
		return -1;
	xmlcompat_refuse_external(ctxt);
	doc = xmlCtxtReadMemory(ctxt, data, (int)len, "store.xml", NULL,
	    xmlcompat_options() | XML_PARSE_DTDATTR | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING);
	whole = xmlcompat_well_formed(ctxt);
	xmlFreeParserCtxt(ctxt);
	if (doc == NULL || !whole) {
		xmlFreeDoc(doc);
		return -1;
	}
	w.comp = xmlXPathCompile(XMLSTR(expr));
	w.xpath = xmlXPathNewContext(doc);
	if (w.comp != NULL && w.xpath != NULL) {
		for (i = 0; i < nns; i++)
			xmlXPathRegisterNs(w.xpath, XMLSTR(ns[i].prefix),
			    XMLSTR(ns[i].uri));
		rowmatch_init(&w.match, rows, intern, doc->dict);
		w.missing = missing;
		w.t = t;
		walk(&w, doc->children, ROWMATCH_START);
		rc = w.failed ? -1 : 0;
	}
	xmlXPathFreeContext(w.xpath);
	xmlXPathFreeCompExpr(w.comp);
	xmlFreeDoc(doc);
	return rc;
}
