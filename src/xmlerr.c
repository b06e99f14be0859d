/*
 * xmlerr.c: capturing libxml2's errors as single lines.
 */
#include <string.h>

#include <libxml/parser.h>

#include "xmlerr.h"

static void
record_structured(void *arg, XMLERR_CONST xmlError *e)
{
	xmlerr_record(arg, e);
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
	xmlSetStructuredErrorFunc(c, record_structured);
	xmlSetGenericErrorFunc(NULL, ignore_generic);
}

void
xmlerr_uninstall(void)
{
	xmlSetStructuredErrorFunc(NULL, NULL);
	xmlSetGenericErrorFunc(NULL, NULL);
}

/*
 * Keeps the first fatal error and the first plain one; warnings say nothing
 * about whether the data can be trusted, so they are not kept.
 */
void
xmlerr_record(struct xmlerr_capture *c, XMLERR_CONST xmlError *e)
{
	struct buf	*into;
	const char	*msg;
	size_t		 len;

	if (e == NULL || e->level < XML_ERR_ERROR)
		return;
	into = e->level == XML_ERR_FATAL ? &c->first_fatal : &c->first_error;
	if (into->len > 0)
		return;
	msg = e->message != NULL ? e->message : "unknown error";
	len = strlen(msg);
	while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
		len--;
	if (e->line > 0)
		buf_printf(into, "%d:%d: ", e->line, e->int2 > 0 ? e->int2 : 1);
	buf_append(into, msg, len);
	/* Some messages carry an embedded newline: keep one line. */
	for (len = 0; len < into->len; len++)
		if (into->data[len] == '\n' || into->data[len] == '\r')
			into->data[len] = ' ';
}

const char *
xmlerr_first(const struct xmlerr_capture *c)
{
	if (c->first_fatal.len > 0)
		return c->first_fatal.data;
	if (c->first_error.len > 0)
		return c->first_error.data;
	return NULL;
}

void
xmlerr_free(struct xmlerr_capture *c)
{
	buf_free(&c->first_fatal);
	buf_free(&c->first_error);
}
