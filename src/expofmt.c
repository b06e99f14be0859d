/*
 * expofmt.c: the exposition format's text primitives (see expofmt.h):
 * escaping, numbers and times, a label pair, a family's HELP and TYPE.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expofmt.h"

/* A label value escapes the backslash, the double quote and the newline. */
void
expo_escape_label_value(struct buf *out, const char *s, size_t len)
{
	const char	*end = s + len, *run = s;

	for (; s < end; s++) {
		if (*s != '\\' && *s != '"' && *s != '\n')
			continue;
		buf_append(out, run, (size_t)(s - run));
		buf_puts(out, *s == '\\' ? "\\\\" : *s == '"' ? "\\\"" : "\\n");
		run = s + 1;
	}
	buf_append(out, run, (size_t)(end - run));
}

/* HELP text escapes only the backslash and the newline. */
void
expo_escape_help(struct buf *out, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			buf_puts(out, "\\\\");
		else if (*s == '\n')
			buf_puts(out, "\\n");
		else
			buf_putc(out, *s);
	}
}

/* Seconds as an integer when whole, else with no trailing zeros. */
void
expo_format_seconds(struct buf *out, struct timespec t)
{
	char	 frac[16];
	size_t	 n;

	/* Before 1970, tv_sec rounds down: -1.5 s is { -2, 500000000 }. */
	if (t.tv_sec < 0 && t.tv_nsec > 0) {
		buf_putc(out, '-');
		t.tv_sec = -(t.tv_sec + 1);
		t.tv_nsec = 1000000000L - t.tv_nsec;
	}
	buf_printf(out, "%lld", (long long)t.tv_sec);
	if (t.tv_nsec == 0)
		return;
	n = (size_t)snprintf(frac, sizeof(frac), "%09ld", t.tv_nsec);
	while (n > 0 && frac[n - 1] == '0')
		n--;
	buf_putc(out, '.');
	buf_append(out, frac, n);
}

/*
 * A number as it reads back exactly: an integer below 2^53 as an integer,
 * anything else in the shortest %g form that strtod gives back unchanged.
 */
void
expo_format_number(struct buf *out, double v)
{
	char	 text[32];
	int	 precision;

	if (v == 0) {			/* -0 too */
		buf_putc(out, '0');
		return;
	}
	if (v == floor(v) && fabs(v) < 9007199254740992.0) {
		buf_printf(out, "%.0f", v);
		return;
	}
	for (precision = 1; precision < 17; precision++) {
		snprintf(text, sizeof(text), "%.*g", precision, v);
		if (strtod(text, NULL) == v)
			break;
	}
	buf_printf(out, "%.*g", precision, v);
}

/* NAME="VALUE", opening the braces when it is the first. */
void
expo_label_pair(struct buf *out, int *first, const char *name,
    const char *value, size_t len)
{
	buf_printf(out, "%s%s=\"", *first ? "{" : ",", name);
	expo_escape_label_value(out, value, len);
	buf_putc(out, '"');
	*first = 0;
}

/* "# HELP PREFIX_NAME HELP[EXPR]" and "# TYPE PREFIX_NAME TYPE". */
void
expo_family_header(struct buf *out, const char *prefix, const char *name,
    const char *type, const char *help, const char *expr)
{
	buf_printf(out, "# HELP %s_%s ", prefix, name);
	expo_escape_help(out, help);
	if (expr != NULL)
		expo_escape_help(out, expr);
	buf_printf(out, "\n# TYPE %s_%s %s\n", prefix, name, type);
}
