/*
 * reference.c: rows grouped on libxml2's own tree of the whole store.
 */
#include <math.h>
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
	const struct model	*m;
	xmlXPathCompExprPtr	 comp[MODEL_MAX_LABELS + MODEL_MAX_VALUES];
	xmlChar			*text[MODEL_MAX_LABELS];
	struct tally		*t;
	int			 failed;
};

static const char *
intern(void *arg, const char *name)
{
	return (const char *)xmlDictLookup(arg, XMLSTR(name), -1);
}

/* Labels as string(EXPR), values as number(EXPR), on the full tree. */
static void
count(struct walk *w, xmlNodePtr row)
{
	const struct model	*m = w->m;
	xmlXPathObjectPtr	 res;
	struct row		 r;
	struct buf		 why = { 0 };
	size_t			 i;

	memset(&r, 0, sizeof(r));
	w->xpath->node = row;
	for (i = 0; i < m->nlabels + m->nvalues && !w->failed; i++) {
		if ((res = xmlXPathCompiledEval(w->comp[i], w->xpath)) == NULL) {
			w->failed = 1;
			break;
		}
		if (i >= m->nlabels) {
			r.value[i - m->nlabels] = xmlXPathCastToNumber(res);
			/* a value is a number however long its text (only
			   labels are limited) */
			r.has_value[i - m->nlabels] =
			    isfinite(r.value[i - m->nlabels]);
		} else {
			w->text[i] = xmlXPathCastToString(res);
			r.label[i] = (const char *)w->text[i];
			r.label_len[i] = strlen(r.label[i]);
			if (r.label_len[i] == 0) {
				r.label[i] = m->labels[i].missing;
				r.label_len[i] = strlen(r.label[i]);
			}
			w->failed = r.label_len[i] > SCAN_MAX_FIELD_LEN;
		}
		xmlXPathFreeObject(res);
	}
	if (!w->failed && tally_add(w->t, &r, &why) == -1)
		w->failed = 1;
	for (i = 0; i < m->nlabels; i++) {
		xmlFree(w->text[i]);
		w->text[i] = NULL;
	}
	buf_free(&why);
}

/*
 * Document order, as XPath's sum() adds: a row is counted before the rows
 * inside it (the scanner holds the sums of rows it reads at their end tag
 * to add them in this order).
 */
static void
walk(struct walk *w, xmlNodePtr node, uint64_t parent)
{
	uint64_t	 set;

	for (; node != NULL && !w->failed; node = node->next) {
		if (node->type != XML_ELEMENT_NODE)
			continue;
		set = rowmatch_step(&w->match, parent,
		    (const char *)node->name);
		if (set & w->match.rows)
			count(w, node);
		walk(w, node->children, set);
	}
}

int
reference_count(const char *data, size_t len, const struct rowpath *rows,
    const struct model *m, struct tally *t)
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
	xmlcompat_entity_policy(ctxt);	/* libxml2's limits as the scanner's */
	doc = xmlCtxtReadMemory(ctxt, data, (int)len, "store.xml", NULL,
	    xmlcompat_options() | XML_PARSE_DTDATTR | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING);
	whole = xmlcompat_well_formed(ctxt);
	xmlFreeParserCtxt(ctxt);
	if (doc == NULL || !whole) {
		xmlFreeDoc(doc);
		return -1;
	}
	w.m = m;
	for (i = 0; i < m->nlabels + m->nvalues; i++)
		if ((w.comp[i] = xmlXPathCompile(XMLSTR(i < m->nlabels ?
		    m->labels[i].src : m->values[i - m->nlabels].src))) == NULL)
			w.failed = 1;
	/* the same namespaces and date:seconds() as the scanner's */
	w.xpath = fieldexpr_context(&m->labels[0].expr, doc);
	if (!w.failed && w.xpath != NULL) {
		rowmatch_init(&w.match, &rows, 1);
		rowmatch_intern(&w.match, intern, doc->dict);
		w.t = t;
		walk(&w, doc->children, w.match.start);
		rc = w.failed ? -1 : 0;
	}
	xmlXPathFreeContext(w.xpath);
	for (i = 0; i < m->nlabels + m->nvalues; i++)
		xmlXPathFreeCompExpr(w.comp[i]);
	xmlFreeDoc(doc);
	return rc;
}
