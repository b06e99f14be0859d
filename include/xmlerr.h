/*
 * xmlerr.h: libxml2's error reports turned into one line each.  libxml2
 * prints multi-line dumps by default; every parse and XPath evaluation runs
 * with these handlers installed so that nothing reaches stderr unasked.
 * Also hides the API differences between libxml2 releases.
 */
#ifndef XML2PROM_XMLERR_H
#define XML2PROM_XMLERR_H

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlversion.h>

#include "buf.h"

/* libxml2 2.12 made the error passed to structured handlers const. */
#if LIBXML_VERSION >= 21200
#define XMLERR_CONST const
#else
#define XMLERR_CONST
#endif

/* A C string where libxml2 takes a const xmlChar *, without BAD_CAST's
 * cast-away of const. */
#define XMLSTR(s)	((const xmlChar *)(s))

struct xmlerr_capture {
	struct buf	 first;		/* "line:col: message" */
};

void	xmlerr_install(struct xmlerr_capture *);
void	xmlerr_attach(struct xmlerr_capture *, xmlParserCtxtPtr);
void	xmlerr_uninstall(void);
const char *xmlerr_first(const struct xmlerr_capture *);
void	xmlerr_free(struct xmlerr_capture *);

#endif
