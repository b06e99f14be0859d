/*
 * xmlcompat.h: what differs between the libxml2 releases xml2prom builds
 * against (2.9 to 2.15), in one place.  The parser context's members are
 * becoming private; where a release has a public accessor it is used, and
 * older releases read the member.  Also owns the parser options every
 * parse of a store uses, so the streaming scan and the reference tree of
 * the tests parse alike.
 */
#ifndef XML2PROM_XMLCOMPAT_H
#define XML2PROM_XMLCOMPAT_H

#include <libxml/parser.h>
#include <libxml/xmlversion.h>

/* libxml2 2.12 made the error passed to structured handlers const. */
#if LIBXML_VERSION >= 21200
#define XMLERR_CONST const
#else
#define XMLERR_CONST
#endif

/* A C string where libxml2 takes a const xmlChar *, without BAD_CAST's
 * cast-away of const. */
#define XMLSTR(s)	((const xmlChar *)(s))

int		 xmlcompat_options(void);
void		 xmlcompat_refuse_external(xmlParserCtxtPtr);
xmlDictPtr	 xmlcompat_dict(xmlParserCtxtPtr);
xmlSAXHandlerPtr xmlcompat_sax(xmlParserCtxtPtr);
xmlDocPtr	 xmlcompat_take_doc(xmlParserCtxtPtr);
int		 xmlcompat_well_formed(xmlParserCtxtPtr);
unsigned long	 xmlcompat_document_line(xmlParserCtxtPtr);
int		 xmlcompat_in_entity(xmlParserCtxtPtr);
size_t		 xmlcompat_tag_names(xmlParserCtxtPtr);
void		 xmlcompat_entity_policy(xmlParserCtxtPtr);

#endif
