/*
 * reader.c: the plain way to evaluate XPath per row in a stream, as a
 * baseline for xml2prom's XPath fields: xmlTextReader, each row (a child
 * of the root) expanded into a tree, the expression evaluated on it with
 * libxml2's XPath, then the reader moves on and frees the row.  Prints
 * how many rows gave a non-empty string, so the work cannot be skipped.
 *
 * usage: reader EXPR FILE
 */
#include <stdio.h>

#include <libxml/xmlreader.h>
#include <libxml/xpath.h>

int
main(int argc, char **argv)
{
	xmlTextReaderPtr	 r;
	xmlXPathCompExprPtr	 comp;
	xmlXPathContextPtr	 ctx = NULL;
	xmlXPathObjectPtr	 res;
	xmlNodePtr		 row;
	xmlChar			*s;
	unsigned long		 rows = 0, nonempty = 0;
	int			 ret;

	if (argc != 3 || (comp = xmlXPathCompile((const xmlChar *)argv[1])) ==
	    NULL || (r = xmlReaderForFile(argv[2], NULL, 0)) == NULL)
		return 2;
	ret = xmlTextReaderRead(r);
	while (ret == 1) {
		if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT ||
		    xmlTextReaderDepth(r) != 1) {
			ret = xmlTextReaderRead(r);
			continue;
		}
		if ((row = xmlTextReaderExpand(r)) == NULL)
			return 1;
		if (ctx == NULL)
			ctx = xmlXPathNewContext(row->doc);
		ctx->node = row;
		res = xmlXPathCompiledEval(comp, ctx);
		s = xmlXPathCastToString(res);
		nonempty += s[0] != '\0';
		rows++;
		xmlFree(s);
		xmlXPathFreeObject(res);
		ret = xmlTextReaderNext(r);
	}
	printf("%lu rows, %lu with a value\n", rows, nonempty);
	xmlXPathFreeContext(ctx);
	xmlFreeTextReader(r);
	xmlXPathFreeCompExpr(comp);
	return ret == 0 ? 0 : 1;
}
