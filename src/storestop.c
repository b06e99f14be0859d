/*
 * storestop.c: why a store's read stops, said once.  The first reason a
 * guard (entities.c) or a client (the scanner) gives is the one told,
 * with the line the parser is on; later ones are dropped.  The bottom of
 * the front end's one-way order: storeread.c calls entities.c, and both
 * (and their clients) call here, which calls neither.
 */
#include <stdarg.h>

#include <libxml/parser.h>

#include "storeread.h"
#include "xmlcompat.h"

static int	note(struct storeread *, enum failure, const char *, va_list)
		    __attribute__((format(printf, 3, 0)));

/* Keeps the first reason; 0 if it is this one. */
static int
note(struct storeread *rd, enum failure f, const char *fmt, va_list ap)
{
	if (rd->error.len > 0)
		return -1;
	rd->failure = f;
	buf_printf(&rd->error, "%lu: ", xmlcompat_document_line(rd->ctxt));
	buf_vprintf(&rd->error, fmt, ap);
	return 0;
}

/* Stops the parse for a reason of ours. */
void
storeread_vstop(struct storeread *rd, enum failure f, const char *fmt,
    va_list ap)
{
	if (note(rd, f, fmt, ap) == 0)
		xmlStopParser(rd->ctxt);
}

void
storeread_stop(struct storeread *rd, enum failure f, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	storeread_vstop(rd, f, fmt, ap);
	va_end(ap);
}

/*
 * A reason found outside the parser's events (before a read): kept the
 * same way, but the parser is not stopped from inside its own read; the
 * read fails instead.
 */
void
storeread_refuse(struct storeread *rd, enum failure f, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	(void)note(rd, f, fmt, ap);
	va_end(ap);
}
