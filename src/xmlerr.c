/*
 * xmlerr.c: capturing libxml2's errors as single lines.
 */
#include <string.h>

#include <libxml/parser.h>

#include "xmlerr.h"


/*
 * Keeps the first error: later ones are mostly its consequences.  Warnings
 * say nothing about whether the data can be trusted, so they are not kept.
 */
/*
 * Where in the store: libxml2 gives the position in the text it was
 * reading, which for an error inside an entity's replacement text is a
 * line of that text (and on 2.9 to 2.12, of a parser of its own).  Then
 * the line of the store where the entity is referenced is given instead,
 * without a column.
 */
static void
print_position(struct buf *into, const struct xmlerr_capture *c,
    XMLERR_CONST xmlError *e)
{
	if (c->ctxt != NULL && (e->ctxt != c->ctxt ||
	    xmlcompat_in_entity(c->ctxt))) {
		buf_printf(into, "%lu: ", xmlcompat_document_line(c->ctxt));
		return;
	}
	if (e->line > 0)
		buf_printf(into, "%d:%d: ", e->line, e->int2 > 0 ? e->int2 : 1);
}

static void
record(void *capture, XMLERR_CONST xmlError *e)
{
	struct xmlerr_capture *c = capture;
	struct buf	*into = &c->first;
	const char	*msg;
	size_t		 len;

	if (e == NULL || e->level < XML_ERR_ERROR || into->len > 0)
		return;
	c->code = e->code;
	msg = e->message != NULL ? e->message : "unknown error";
	len = strlen(msg);
	while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
		len--;
	print_position(into, c, e);
	buf_append(into, msg, len);
	/* Some messages carry an embedded newline: keep one line. */
	for (len = 0; len < into->len; len++)
		if (into->data[len] == '\n' || into->data[len] == '\r')
			into->data[len] = ' ';
}

/* Generic (printf-style) reports only come with a structured twin: drop. */
static void
ignore_generic(void *arg, const char *fmt, ...)
{
	(void)arg;
	(void)fmt;
}

void
xmlerr_install(struct xmlerr_capture *c)
{
	xmlSetStructuredErrorFunc(c, record);
	xmlSetGenericErrorFunc(NULL, ignore_generic);
}

/*
 * Errors of a parse, whichever part of libxml2 raises them.  The SAX
 * handler's serror is not used: libxml2 2.9 calls it with the parser
 * context instead of the user data for some errors (SAX2 "huge text node").
 */
void
xmlerr_attach(struct xmlerr_capture *c, xmlParserCtxtPtr ctxt)
{
	c->ctxt = ctxt;
#if LIBXML_VERSION >= 21300
	xmlCtxtSetErrorHandler(ctxt, record, c);
#endif
}

void
xmlerr_uninstall(void)
{
	xmlSetStructuredErrorFunc(NULL, NULL);
	xmlSetGenericErrorFunc(NULL, NULL);
}

const char *
xmlerr_first(const struct xmlerr_capture *c)
{
	return c->first.len > 0 ? c->first.data : NULL;
}

void
xmlerr_free(struct xmlerr_capture *c)
{
	buf_free(&c->first);
}

/*
 * Did libxml2 stop on one of its limits rather than on bad XML?  Codes
 * where the releases agree (entity loop, name too long, 2.11's resource
 * limit); the rest say XML_PARSE_HUGE or amplification in their text.
 */
int
xmlerr_is_limit(const struct xmlerr_capture *c)
{
	const char	*msg = xmlerr_first(c);

	if (c->code == XML_ERR_ENTITY_LOOP || c->code == XML_ERR_NAME_TOO_LONG ||
	    c->code == 114)	/* XML_ERR_RESOURCE_LIMIT, 2.11 on */
		return 1;
	return msg != NULL && (strstr(msg, "XML_PARSE_HUGE") != NULL ||
	    strstr(msg, "mplification") != NULL ||
	    strstr(msg, "too long") != NULL || strstr(msg, "huge") != NULL);
}
