/*
 * datetime_table.c: date:seconds() of each line of standard input, for
 * tests/datetime.sh to compare with libexslt's: the number as XPath writes
 * it (libxml2's own formatting, as xsltproc's), a tab, and all its digits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xpath.h>

#include "datetime.h"

int
main(void)
{
	char	*line = NULL;
	size_t	 cap = 0;
	ssize_t	 n;
	double	 v;
	xmlChar	*s;

	while ((n = getline(&line, &cap, stdin)) != -1) {
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		v = datetime_seconds(line, (size_t)n);
		s = xmlXPathCastNumberToString(v);
		printf("%s\t%.17g\n", (const char *)s, v);
		xmlFree(s);
	}
	free(line);
	return ferror(stdin) ? 1 : 0;
}
