/*
 * comment.c: a surveyed field as a comment of --survey shows it (see
 * surveyout.h): its range, its most frequent values, and text from the
 * store escaped onto one line with nothing a terminal obeys.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "survey.h"
#include "surveyout.h"

static void
print_number(struct buf *b, double d)
{
	if (d == floor(d) && fabs(d) < 1e15)
		buf_printf(b, "%.0f", d);
	else
		buf_printf(b, "%.6g", d);
}

static void
print_date(struct buf *b, double seconds)
{
	time_t		 t = (time_t)seconds;
	struct tm	 tm;
	char		 s[64];

	if (gmtime_r(&t, &tm) != NULL &&
	    strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%SZ", &tm) > 0)
		buf_puts(b, s);
	else
		print_number(b, seconds);
}

/* "numbers from 3 to 10.5", "dates from ... to ...": a field's range. */
void
print_range(struct buf *b, const struct survey_field *f, enum kind k)
{
	if (k == NUMBER) {
		buf_puts(b, "numbers from ");
		print_number(b, f->min);
		buf_puts(b, " to ");
		print_number(b, f->max);
	} else {
		buf_puts(b, "dates from ");
		print_date(b, f->first);
		buf_puts(b, " to ");
		print_date(b, f->last);
	}
}

static int
by_count(const void *a, const void *b)
{
	const struct survey_value *x = a, *y = b;

	return x->count < y->count ? 1 : x->count > y->count ? -1 :
	    strcmp(x->text, y->text);
}

/*
 * Text from the store (or a file name) in a comment: on one line whatever
 * it holds, and nothing a terminal obeys.  Control characters (C0, DEL,
 * and C1 as UTF-8 writes them), the backslash and, when QUOTE, the double
 * quote are written as C escapes: a reader sees every byte.
 */
void
put_escaped(struct buf *b, const char *s, int quote)
{
	const unsigned char	*u = (const unsigned char *)s;

	for (; *u != '\0'; u++) {
		if (*u == '\n')
			buf_puts(b, "\\n");
		else if (*u == '\r')
			buf_puts(b, "\\r");
		else if (*u == '\t')
			buf_puts(b, "\\t");
		else if (*u == '\\' || (quote && *u == '"'))
			buf_printf(b, "\\%c", *u);
		else if (*u < 0x20 || *u == 0x7f)
			buf_printf(b, "\\x%02x", *u);
		else if (*u == 0xc2 && u[1] >= 0x80 && u[1] <= 0x9f)
			buf_printf(b, "\\u%04x", *++u);
		else
			buf_putc(b, (char)*u);
	}
}

/* A value as a comment shows it: quoted, escaped, on one line. */
static void
print_value(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	put_escaped(b, s, 1);
	buf_putc(b, '"');
}

void
describe(struct buf *b, const struct survey_field *f, enum kind k,
    uint64_t distinct)
{
	struct survey_value	 top[SURVEY_MAX_VALUES];
	size_t			 i;

	if (f->nsketch < SURVEY_SKETCH)
		buf_printf(b, ", %llu distinct", (unsigned long long)distinct);
	else
		buf_printf(b, ", more than %d distinct (about %llu)",
		    SURVEY_SKETCH, (unsigned long long)distinct);
	if (f->empty > 0)
		buf_printf(b, ", %llu empty", (unsigned long long)f->empty);
	switch (k) {
	case NUMBER:
	case DATE:
		buf_puts(b, ": ");
		print_range(b, f, k);
		return;
	case IDENTIFIER:
		buf_puts(b, ": an identifier, unique per row or nearly");
		return;
	case VERSION:
		buf_puts(b, ": a version, not a quantity");
		return;
	case TIME:
		buf_puts(b, ": times or dates, e.g.");
		break;
	case FLAG:
		buf_puts(b, ": the same where present:");
		break;
	case LONG:
		buf_printf(b, ": long text (%llu values over %d bytes)",
		    (unsigned long long)f->longs, SURVEY_MAX_TEXT);
		return;
	case EMPTY:
		buf_puts(b, ": always empty");
		return;
	case CONSTANT:
		buf_puts(b, ": the same in every row:");
		break;
	default:
		break;
	}
	if (k != CONSTANT && k != TIME && k != FLAG)
		buf_puts(b, k == CATEGORY ? ": a category:" : ": text, e.g.");
	memcpy(top, f->values, f->nvalues * sizeof(top[0]));
	qsort(top, f->nvalues, sizeof(top[0]), by_count);
	for (i = 0; i < f->nvalues && i < 5; i++) {
		buf_puts(b, i > 0 ? ", " : " ");
		print_value(b, top[i].text);
		if (k == CATEGORY)
			buf_printf(b, " %llu", (unsigned long long)top[i].count);
	}
	if (f->nvalues > 5)
		buf_puts(b, ", ...");
}
