/*
 * floor.c: the least a program can do to count a store's rows by their
 * type attribute with libxml2: SAX2, one start-element handler, no tree,
 * no copies.  xml2prom's benchmark measures itself against this.
 *
 * usage: floor FILE   prints "TYPE COUNT" lines and the total
 */
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>

#define MAX_TYPES 64

static struct {
	char		 name[64];
	size_t		 len;
	unsigned long	 rows;
} types[MAX_TYPES];
static size_t		 ntypes;
static int		 depth;
static unsigned long	 total;

static void
count(const xmlChar *value, size_t len)
{
	size_t	 i;

	for (i = 0; i < ntypes; i++)
		if (types[i].len == len && memcmp(types[i].name, value, len) == 0)
			break;
	if (i == ntypes && ntypes < MAX_TYPES && len < sizeof(types[i].name)) {
		memcpy(types[i].name, value, len);
		types[i].len = len;
		ntypes++;
	}
	if (i < ntypes)
		types[i].rows++;
	total++;
}

static void
start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
    int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
	int	 i;

	(void)ctx, (void)localname, (void)prefix, (void)uri;
	(void)nb_namespaces, (void)namespaces, (void)nb_defaulted;
	if (++depth != 2)
		return;
	for (i = 0; i < nb_attributes; i++, attributes += 5)
		if (strcmp((const char *)attributes[0], "type") == 0) {
			count(attributes[3], (size_t)(attributes[4] - attributes[3]));
			return;
		}
	count((const xmlChar *)"", 0);
}

static void
end(void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri)
{
	(void)ctx, (void)localname, (void)prefix, (void)uri;
	depth--;
}

int
main(int argc, char **argv)
{
	xmlSAXHandler	 sax;
	size_t		 i;

	if (argc != 2) {
		fputs("usage: floor FILE\n", stderr);
		return 2;
	}
	memset(&sax, 0, sizeof(sax));
	sax.initialized = XML_SAX2_MAGIC;
	sax.startElementNs = start;
	sax.endElementNs = end;
	if (xmlSAXUserParseFile(&sax, NULL, argv[1]) != 0) {
		fprintf(stderr, "floor: %s: parse error\n", argv[1]);
		return 1;
	}
	for (i = 0; i < ntypes; i++)
		printf("%.*s %lu\n", (int)types[i].len, types[i].name,
		    types[i].rows);
	printf("total %lu\n", total);
	return 0;
}
