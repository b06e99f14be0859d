/*
 * services.c: the scanner's services, which every stage calls and which
 * call none of them.  Stopping the parse with a reason (the first one is
 * told), the two limits said the same way from every file, the parse's
 * line and its dictionary's names.  The bottom of the scanner's one-way order
 * (see scanner.h): services, then capture.c and firstrow.c, then
 * rowread.c, then scan.c, which alone touches the parser's handlers.
 */
#include <stdarg.h>

#include <libxml/parser.h>

#include "scanner.h"
#include "xmlcompat.h"

/* Names are compared as the parser's dictionary's pointers first. */
const char *
scanner_intern(void *ctxt, const char *name)
{
	return (const char *)xmlDictLookup(xmlcompat_dict(ctxt), XMLSTR(name),
	    -1);
}

unsigned long
scanner_line(const struct scanner *s)
{
	return xmlcompat_document_line(s->ctxt);
}

/* Stops the parse for a reason of ours; the first reason is the one told. */
void
scanner_stop(struct scanner *s, enum failure f, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	storeread_vstop(&s->rd, f, fmt, ap);
	va_end(ap);
}

void
scanner_too_long(struct scanner *s, const struct set_reader *set,
    size_t field)
{
	scanner_stop(s, FAILURE_LIMIT, "a row's %s is longer than %d bytes",
	    set->plan->field[field].label, SCAN_MAX_FIELD_LEN);
}

void
scanner_holds_too_much(struct scanner *s)
{
	scanner_stop(s, FAILURE_LIMIT, "a row holds more than %u MiB",
	    SCAN_MAX_ROW_BYTES >> 20);
}
