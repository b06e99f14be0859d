/*
 * naming.c: the names --survey's proposal gives (see surveyout.h):
 * families and labels from XML names, none that xml2prom reserves, a set's
 * name, the prefix, and a prefix for each namespace a config line binds.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "names.h"
#include "own.h"
#include "survey.h"
#include "surveyout.h"

/* A name for labels and families: [a-zA-Z0-9_], not reserved. */
char *
metric_name(const char *xml, const char *suffix_if_reserved)
{
	struct buf	 b = { 0 };
	const char	*s = xml;

	if (*s == '@')
		s++;
	if (strchr(s, ':') != NULL)
		s = strchr(s, ':') + 1;
	if (!isalpha((unsigned char)*s))
		buf_putc(&b, 'f');
	for (; *s != '\0'; s++)
		buf_putc(&b, isalnum((unsigned char)*s) ?
		    (char)tolower((unsigned char)*s) : '_');
	while (strstr(b.data, "__") != NULL)
		memmove(strstr(b.data, "__"), strstr(b.data, "__") + 1,
		    strlen(strstr(b.data, "__")));
	b.len = strlen(b.data);
	if (suffix_if_reserved != NULL)
		buf_puts(&b, suffix_if_reserved);
	return buf_steal(&b);
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t	 n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Would xml2prom refuse NAME as a family of a set? */
int
reserved_family(const char *name)
{
	return strcmp(name, "total") == 0 || strcmp(name, "count") == 0 ||
	    strcmp(name, "sum") == 0 || strcmp(name, "bucket") == 0 ||
	    strcmp(name, "rows") == 0 || strcmp(name, "total_rows") == 0 ||
	    strcmp(name, "skipped_values") == 0 || own_family(name) ||
	    ends_with(name, "_total") || ends_with(name, "_count") ||
	    ends_with(name, "_sum") || ends_with(name, "_bucket");
}

/*
 * Can a config line hold URI as it is?  The -c reader takes a value to the
 * end of its line, with no quoting: a URI with a line break (a character
 * reference can put one there) would end the line and start another that
 * the store wrote.  Any control character is refused alike.
 */
static int
writable_uri(const char *uri)
{
	const unsigned char	*u = (const unsigned char *)uri;

	for (; *u != '\0'; u++)
		if (*u < 0x20 || *u == 0x7f)
			return 0;
	return 1;
}

/* A prefix from the store, if it is a plain one that no binding has. */
static int
usable_prefix(const struct proposal *pr, const char *p)
{
	size_t	 i;

	if (p == NULL || !isalpha((unsigned char)*p) ||
	    strcmp(p, "date") == 0 || strncasecmp(p, "xml", 3) == 0)
		return 0;
	for (i = 0; p[i] != '\0'; i++)
		if (!isalnum((unsigned char)p[i]) && p[i] != '_' &&
		    p[i] != '-' && p[i] != '.')
			return 0;
	for (i = 0; i < pr->nns; i++)
		if (strcmp(pr->prefixes[i], p) == 0)
			return 0;
	return 1;
}

/*
 * The prefix bound to URI in the proposal, made when first asked, never
 * bound twice; NULL when URI cannot be written (then what is in it is
 * left out).
 */
const char *
ns_prefix(struct proposal *pr, const char *uri, const char *wanted)
{
	struct buf	 b = { 0 };
	size_t		 i, k;

	for (i = 0; i < pr->nns; i++)
		if (strcmp(pr->uris[i], uri) == 0)
			return pr->prefixes[i];
	if (pr->nns == 64 || !writable_uri(uri))
		return NULL;
	if (usable_prefix(pr, wanted))
		buf_puts(&b, wanted);
	else
		for (k = pr->nns + 1;; k++) {
			buf_reset(&b);
			buf_printf(&b, "n%zu", k);
			if (usable_prefix(pr, b.data))
				break;
		}
	pr->uris[pr->nns] = uri;
	pr->prefixes[pr->nns] = buf_steal(&b);
	return pr->prefixes[pr->nns++];
}

char *
set_name(const char *local, char **taken, size_t ntaken)
{
	char	*base = metric_name(local, NULL), *name = xstrdup(base);
	size_t	 i, k = 2, len = strlen(base) + 24;

	for (i = 0; i < ntaken; i++)
		if (strcmp(taken[i], name) == 0) {
			free(name);
			name = xmalloc(len);
			snprintf(name, len, "%s_%zu", base, k++);
			i = (size_t)-1;
		}
	free(base);
	return name;
}

/*
 * Would node_exporter, or the Go and process collectors beside it, own
 * metrics under PREFIX?  A store must not pick names that shadow theirs
 * (node_textfile_scrape_error, say).
 */
static int
foreign_prefix(const char *prefix)
{
	static const char *const owned[] = { "node_", "go_", "process_",
	    "promhttp_" };
	size_t	 i, n = strlen(prefix);

	/* PREFIX_ starts their names: "node" and "node_x" are theirs. */
	for (i = 0; i < sizeof(owned) / sizeof(owned[0]); i++)
		if ((strncmp(prefix, owned[i], strlen(owned[i])) == 0) ||
		    (n + 1 == strlen(owned[i]) &&
		    strncmp(prefix, owned[i], n) == 0))
			return 1;
	return 0;
}

/* NAME (an element's or a file's) as a prefix, or NULL if it cannot be. */
static char *
prefix_from(const char *name, size_t len)
{
	char	*copy = xstrndup(name, len), *prefix;

	prefix = len > 0 ? metric_name(copy, NULL) : NULL;
	free(copy);
	if (prefix != NULL && (reserved_family(prefix) ||
	    !names_is_metric(prefix) || foreign_prefix(prefix))) {
		free(prefix);
		prefix = NULL;
	}
	return prefix;
}

/*
 * The prefix: after the document element, else after the file's name
 * (without its directory and extensions), else "store"; never one that
 * node_exporter's own metrics have.
 */
char *
choose_prefix(struct buf *b, const struct survey *sv, const char *file)
{
	const char	*base = strrchr(file, '/') != NULL ?
			    strrchr(file, '/') + 1 : file;
	char		*prefix = NULL;

	if (sv->root != NULL && (prefix = prefix_from(sv->root,
	    strlen(sv->root))) == NULL)
		buf_puts(b, "# (the document element's name would make a "
		    "prefix that is not valid or not ours)\n");
	if (prefix == NULL)
		prefix = prefix_from(base, strcspn(base, "."));
	return prefix != NULL ? prefix : xstrdup("store");
}
