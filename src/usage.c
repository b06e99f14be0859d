/*
 * usage.c: the one-line usage error of the command line and the config
 * files (see optint.h), whatever bytes they hold, then the pointer to
 * --help.  options.c, confread.c and optcheck.c all write through it.
 */
#include <stdarg.h>
#include <stdio.h>

#include "buf.h"
#include "optint.h"

/*
 * MSG on one line, whatever a config or a command line put in it: a
 * control character (a CR would hide what came before it on a terminal)
 * is written escaped, as \r or \x1b.
 */
static void
put_escaped(FILE *err, const char *msg)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)msg; *p != '\0'; p++)
		if (*p == '\r')
			fputs("\\r", err);
		else if (*p == '\t')
			fputs("\\t", err);
		else if (*p == '\n')
			fputs("\\n", err);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(err, "\\x%02x", *p);
		else
			fputc(*p, err);
}

int
usage_error(FILE *err, const char *fmt, ...)
{
	struct buf	 msg = { 0 };
	va_list		 ap;

	va_start(ap, fmt);
	buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	fputs("xml2prom: ", err);
	put_escaped(err, msg.data);
	fputs("\nTry 'xml2prom --help' for more information.\n", err);
	buf_free(&msg);
	return -1;
}
