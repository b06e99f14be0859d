/*
 * xmlcompat.c: libxml2's API differences, and the options of every parse.
 */
#include <libxml/parserInternals.h>

#include "xmlcompat.h"

/*
 * Internal entities are substituted by libxml2 itself (NOENT), so that a
 * value arrives the same way in a start tag, in text and in the tree of a
 * row: expanded to any depth, attribute values normalized (XML 1.0
 * 3.3.3), under libxml2's own amplification limits.  Nothing external is
 * ever loaded: NONET, NO_XXE where the release has it, and a loader that
 * refuses everything (xmlcompat_refuse_external).  BIG_LINES: line numbers
 * past 65535.  NOCDATA: CDATA sections are text, merged with the text
 * around them, as in XPath's data model (section 5.7), not nodes of their
 * own that end a text() early.
 */
int
xmlcompat_options(void)
{
	int	 options = XML_PARSE_NONET | XML_PARSE_NOENT |
		    XML_PARSE_BIG_LINES | XML_PARSE_NOCDATA;

#if LIBXML_VERSION >= 21300
	options |= XML_PARSE_NO_XXE;
#endif
	return options;
}

static xmlParserInputPtr
refuse(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)url, (void)id, (void)ctxt;
	return NULL;
}

/*
 * NOENT alone would have libxml2 2.9 to 2.12 load external parameter
 * entities and external parsed entities: every load goes through this
 * loader, which loads nothing.  (The front end also refuses a reference
 * to an external entity before libxml2 tries: see on_get_entity() in
 * entities.c.)
 */
void
xmlcompat_refuse_external(xmlParserCtxtPtr ctxt)
{
	(void)ctxt;
	xmlSetExternalEntityLoader(refuse);
}

xmlDictPtr
xmlcompat_dict(xmlParserCtxtPtr ctxt)
{
#if LIBXML_VERSION >= 21400
	return xmlCtxtGetDict(ctxt);
#else
	return ctxt->dict;
#endif
}

/* The parse's own copy of its handlers, which it reads at each event. */
xmlSAXHandlerPtr
xmlcompat_sax(xmlParserCtxtPtr ctxt)
{
#if LIBXML_VERSION >= 21400
	return xmlCtxtGetSaxHandler(ctxt);
#else
	return ctxt->sax;
#endif
}

/* The document the SAX2 prolog handlers built (it holds the entities),
 * handed over to the caller to free. */
xmlDocPtr
xmlcompat_take_doc(xmlParserCtxtPtr ctxt)
{
#if LIBXML_VERSION >= 21400
	return xmlCtxtGetDocument(ctxt);
#else
	xmlDocPtr	 doc = ctxt->myDoc;

	ctxt->myDoc = NULL;
	return doc;
#endif
}

/*
 * Well-formed, namespaces included: libxml2 reads on past an undefined
 * prefix, naming the element 'p:k' in its tree but 'k' in its events, so
 * no answer about such a store could be trusted (lxml refuses it too).
 */
int
xmlcompat_well_formed(xmlParserCtxtPtr ctxt)
{
#if LIBXML_VERSION >= 21400
	return (xmlCtxtGetStatus(ctxt) & (XML_STATUS_NOT_WELL_FORMED |
	    XML_STATUS_NOT_NS_WELL_FORMED)) == 0;
#else
	return ctxt->wellFormed && ctxt->nsWellFormed;
#endif
}

/*
 * The line in the store itself, not in an entity's replacement text that
 * libxml2 2.13 and later parse as an input of their own: a row that comes
 * from an entity is reported where the entity is referenced.
 */
unsigned long
xmlcompat_document_line(xmlParserCtxtPtr ctxt)
{
	int	 line = 0;

#if LIBXML_VERSION >= 21500
	if (xmlCtxtGetInputPosition(ctxt, 0, NULL, &line, NULL, NULL) == -1)
		line = 0;
#else
	if (ctxt->inputNr > 0 && ctxt->inputTab[0] != NULL)
		line = ctxt->inputTab[0]->line;
#endif
	return line > 0 ? (unsigned long)line : 0;
}

/* Is the parser inside an entity's text rather than the store itself? */
int
xmlcompat_in_entity(xmlParserCtxtPtr ctxt)
{
#if LIBXML_VERSION >= 21500
	return xmlCtxtGetInputPosition(ctxt, 1, NULL, NULL, NULL, NULL) == 0;
#else
	return ctxt->inputNr > 1;
#endif
}

/*
 * About how many attributes and namespace declarations the start tag being
 * parsed holds so far.  Before 2.12, libxml2 checks each against all those
 * before it, a cost quadratic in their number paid before the tag's event
 * (400 000 attributes: minutes), so the read callback asks this to stop
 * such a tag early.  From 2.12 on the check is hashed: 0.
 */
size_t
xmlcompat_tag_names(xmlParserCtxtPtr ctxt)
{
#if LIBXML_VERSION >= 21200
	(void)ctxt;
	return 0;
#else
	/* maxatts: 5 slots an attribute, doubled as it grows */
	return (size_t)ctxt->maxatts / 10 + (size_t)ctxt->nsNr / 2;
#endif
}

/*
 * The entity budget is xml2prom's (see scan.h), stricter than libxml2's
 * own amplification factor of 5; where a release lets it be set (2.12
 * on), it is raised to 10, so that a difference in how the two count a
 * flat expansion never lets libxml2's decide, and it stays a backstop for
 * nested expansions that libxml2 caches without asking the scanner again.
 */
void
xmlcompat_entity_policy(xmlParserCtxtPtr ctxt)
{
#if LIBXML_VERSION >= 21200
	xmlCtxtSetMaxAmplification(ctxt, 10);
#else
	(void)ctxt;
#endif
}
