/*
 * xmlerr.h: libxml2's error reports turned into one line each.  libxml2
 * prints multi-line dumps by default; every parse and XPath evaluation runs
 * with these handlers installed so that nothing reaches stderr unasked.
 */
#ifndef XML2PROM_XMLERR_H
#define XML2PROM_XMLERR_H

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlversion.h>

#include "xmlcompat.h"

#include "buf.h"

struct xmlerr_capture {
	struct buf		 first;	/* "line:col: message" */
	int			 code;	/* its xmlParserErrors code */
	xmlParserCtxtPtr	 ctxt;	/* the parse, once attached */
};

void	xmlerr_install(struct xmlerr_capture *);
void	xmlerr_attach(struct xmlerr_capture *, xmlParserCtxtPtr);
void	xmlerr_uninstall(void);
const char *xmlerr_first(const struct xmlerr_capture *);
int	xmlerr_is_limit(const struct xmlerr_capture *);
void	xmlerr_free(struct xmlerr_capture *);

#endif
