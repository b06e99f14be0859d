/*
 * firstrow.c: --dump's view of the parse.  What the first row holds (its
 * attributes' and children's names), for an operator whose expression
 * finds nothing; and where each start tag begins, for the line a row is
 * reported on.  It wraps the element handlers only under --dump, so that
 * a run without it pays nothing.
 */
#include "scanner.h"

/*
 * --dump's line for a row: where its start tag begins.  libxml2 reports a
 * start tag once it has read all of it, maybe lines later; the event
 * before it ended where the tag begins.
 */
unsigned long
firstrow_dump_line(const struct scanner *s)
{
	return s->first.event_line != 0 ? s->first.event_line :
	    scanner_line(s);
}

static void
shape_start(void *user, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
    int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
	struct scanner	*s = user;
	struct first_row *fr = &s->first;
	int		 i;

	fr->start(user, localname, prefix, uri, nb_namespaces, namespaces,
	    nb_attributes, nb_defaulted, attributes);
	fr->event_line = scanner_line(s);
	if (fr->done)
		return;
	if (fr->depth == 0 && (s->states[s->depth] & s->match.rows)) {
		fr->depth = s->depth;
		buf_printf(&fr->shape, "line %lu: <%s>, attributes:",
		    scanner_line(s), (const char *)localname);
		for (i = 0; i < nb_attributes; i++)
			buf_printf(&fr->shape, "%s %s", i > 0 ? "," : "",
			    (const char *)attributes[5 * i]);
		if (nb_attributes == 0)
			buf_puts(&fr->shape, " none");
		buf_puts(&fr->shape, "; children:");
	} else if (fr->depth != 0 && s->depth == fr->depth + 1 &&
	    fr->children++ < 16)
		buf_printf(&fr->shape, "%s %s", fr->children > 1 ? "," : "",
		    (const char *)localname);
}

static void
shape_end(void *user, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri)
{
	struct scanner	*s = user;
	struct first_row *fr = &s->first;

	if (!fr->done && fr->depth != 0 && s->depth == fr->depth) {
		if (fr->children == 0)
			buf_puts(&fr->shape, " none");
		else if (fr->children > 16)
			buf_puts(&fr->shape, ", ...");
		fr->done = 1;
	}
	fr->end(user, localname, prefix, uri);
	fr->event_line = scanner_line(s);
}

static void
shape_text(void *user, const xmlChar *ch, int len)
{
	struct scanner	*s = user;

	if (s->first.text != NULL)
		s->first.text(user, ch, len);
	s->first.event_line = scanner_line(s);
}

/* Wraps the scan's element and text handlers. */
void
firstrow_handlers(struct scanner *s, xmlSAXHandler *sax)
{
	s->first.start = sax->startElementNs;
	s->first.end = sax->endElementNs;
	s->first.text = sax->characters;
	sax->startElementNs = shape_start;
	sax->endElementNs = shape_end;
	sax->characters = sax->ignorableWhitespace = shape_text;
}

void
firstrow_free(struct first_row *fr)
{
	buf_free(&fr->shape);
}
