/*
 * promread.c: exposition text read back, line by line (see promread.h).
 * A sample's value is what follows its last space: xml2prom's values hold
 * none, and a label value may.
 */
#include <string.h>

#include "promread.h"

/* '# HELP name text' or '# TYPE name kind'. */
static void
read_comment(struct prom_line *l)
{
	const char	*rest;

	l->kind = PROM_OTHER;
	if (l->len > 7 && memcmp(l->text, "# HELP ", 7) == 0)
		l->kind = PROM_HELP;
	else if (l->len > 7 && memcmp(l->text, "# TYPE ", 7) == 0)
		l->kind = PROM_TYPE;
	else
		return;
	l->name = l->text + 7;
	l->name_len = strcspn(l->name, " \n");
	rest = l->name + l->name_len;
	if (rest < l->text + l->len)
		rest++;
	l->value = rest;
	l->value_len = (size_t)(l->text + l->len - rest);
}

static void
read_sample(struct prom_line *l)
{
	const char	*end = l->text + l->len, *brace;

	while (end > l->text && end[-1] != ' ')
		end--;
	if (end <= l->text + 1) {
		l->kind = PROM_OTHER;
		return;
	}
	l->kind = PROM_SAMPLE;
	l->series = l->text;
	l->series_len = (size_t)(end - 1 - l->text);
	l->value = end;
	l->value_len = (size_t)(l->text + l->len - end);
	brace = memchr(l->series, '{', l->series_len);
	l->name = l->series;
	l->name_len = brace != NULL ? (size_t)(brace - l->series) :
	    l->series_len;
	if (brace != NULL) {
		l->labels = brace;
		l->labels_len = l->series_len - l->name_len;
	}
}

int
promread_next(const char **cursor, struct prom_line *l)
{
	const char	*line = *cursor;

	if (line == NULL || *line == '\0')
		return 0;
	memset(l, 0, sizeof(*l));
	l->text = line;
	l->len = strcspn(line, "\n");
	*cursor = line + l->len + (line[l->len] != '\0');
	if (l->len == 0)
		l->kind = PROM_OTHER;
	else if (line[0] == '#')
		read_comment(l);
	else
		read_sample(l);
	return 1;
}
