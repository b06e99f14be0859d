/*
 * collide.c: the output's series, and the other .prom files of its
 * directory that hold one of them (see collide.h).  A series is compared
 * as its text up to the value, name and labels as written: xml2prom
 * writes a family's labels in one order, and another tool writing
 * xml2prom's families is not what this guards against.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/hash.h>

#include "collide.h"
#include "xmlcompat.h"

/* The series of a sample line, 'name{labels}' without the value, or NULL. */
static xmlChar *
series_of(const char *line, size_t len)
{
	const char	*end = line + len;

	if (len == 0 || line[0] == '#')
		return NULL;
	while (end > line && end[-1] != ' ')
		end--;
	if (end <= line + 1)
		return NULL;
	return xmlStrndup(XMLSTR(line), (int)(end - 1 - line));
}

/* Calls FN for each series of TEXT; stops when it returns non-zero. */
static int
each_series(const char *text, int (*fn)(void *, xmlChar *), void *arg)
{
	const char	*line, *nl;
	xmlChar		*series;
	int		 stop = 0;

	for (line = text; !stop && *line != '\0'; line = nl + (*nl != '\0')) {
		nl = line + strcspn(line, "\n");
		if ((series = series_of(line, (size_t)(nl - line))) != NULL)
			stop = fn(arg, series);
	}
	return stop;
}

static int
add(void *set, xmlChar *series)
{
	(void)xmlHashAddEntry(set, series, set);	/* copies the key */
	xmlFree(series);
	return 0;
}

struct probe {
	xmlHashTablePtr	 set;
	xmlChar		*found;
};

static int
held(void *arg, xmlChar *series)
{
	struct probe	*p = arg;

	if (xmlHashLookup(p->set, series) != NULL) {
		p->found = series;
		return 1;
	}
	xmlFree(series);
	return 0;
}

size_t
collide_find(const struct textfile *tf, const char *text, collide_fn *fn,
    void *arg)
{
	struct probe	 p = { NULL, NULL };
	char		**others, **o, *theirs;
	size_t		 n = 0;

	if ((p.set = xmlHashCreate(64)) == NULL)
		return 0;
	each_series(text, add, p.set);
	others = textfile_others(tf);
	for (o = others; *o != NULL; o++) {
		if ((theirs = textfile_read_beside(tf, *o)) != NULL &&
		    each_series(theirs, held, &p)) {
			fn(arg, *o, (const char *)p.found);
			xmlFree(p.found);
			n++;
		}
		free(theirs);
		free(*o);
	}
	free(others);
	xmlHashFree(p.set, NULL);
	return n;
}
