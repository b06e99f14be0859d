/*
 * rowtree.c: building the tree of the open rows from parse events.
 */
#include <string.h>

#include "rowtree.h"
#include "xmlcompat.h"

/* What a node costs beyond its text: about libxml2's structs and ours. */
#define NODE_COST	(sizeof(xmlNode) + 16)
#define ATTR_COST	(sizeof(xmlAttr) + sizeof(xmlNode) + 16)

static void
hold(struct rowtree *t, size_t bytes)
{
	if (t->rows_open > 0)
		t->held += bytes;
}

/*
 * `demand`, when not NULL, is what the expression needs of a row (rows must
 * not nest: a row's ancestors are always built whole).
 */
void
rowtree_init(struct rowtree *t, xmlDictPtr dict,
    const struct xpscope_demand *demand)
{
	size_t	 i;

	memset(t, 0, sizeof(*t));
	t->doc = xmlNewDoc(XMLSTR("1.0"));
	if (t->doc == NULL)
		return;
	/* Names are the parser's: the tree shares its dictionary. */
	t->doc->dict = dict;
	xmlDictReference(dict);
	if (demand != NULL && !demand->full) {
		t->demand = demand;
		for (i = 0; i < demand->nchildren; i++)
			t->children[i] = xmlDictLookup(dict,
			    XMLSTR(demand->children[i]), -1);
	}
}

/* Is this element, inside a row, left out of the row's tree? */
static int
left_out(struct rowtree *t, const xmlChar *localname)
{
	size_t	 i;

	if (t->skipping > 0)
		return 1;
	if (t->row_depth != 1)		/* inside a child kept: whole or not */
		return !t->demand->kids_text;
	for (i = 0; i < t->demand->nchildren; i++)
		if (t->children[i] == localname ||
		    xmlStrEqual(t->children[i], localname))
			return 0;
	return 1;
}

void
rowtree_free(struct rowtree *t)
{
	if (t->doc != NULL)
		xmlFreeDoc(t->doc);
	buf_free(&t->pending);
	buf_free(&t->value);
	memset(t, 0, sizeof(*t));
}

static void
add_child(struct rowtree *t, xmlNodePtr node)
{
	if (node == NULL)
		return;
	if (t->cur != NULL)
		xmlAddChild(t->cur, node);
	else
		xmlFreeNode(node);	/* outside the document element */
}

/*
 * Text is collected and becomes one node when something else comes, as
 * libxml2 coalesces adjacent character events (also across entity
 * boundaries); appending to a node chunk by chunk would be quadratic.
 */
static void
flush_text(struct rowtree *t)
{
	if (t->pending.len == 0)
		return;
	add_child(t, xmlNewDocTextLen(t->doc, XMLSTR(t->pending.data),
	    (int)t->pending.len));
	buf_reset(&t->pending);
}

void
rowtree_text(struct rowtree *t, const xmlChar *ch, int len)
{
	if (t->rows_open == 0 || len <= 0 || (t->demand != NULL &&
	    !(t->demand->kids_text && t->skipping == 0 && t->row_depth > 0)))
		return;
	/* Counted as it comes: a text of gigabytes never becomes a node. */
	hold(t, (size_t)len + (t->pending.len == 0 ? NODE_COST : 0));
	buf_append(&t->pending, ch, (size_t)len);
}

void
rowtree_comment(struct rowtree *t, const xmlChar *value)
{
	if (t->rows_open == 0 || t->demand != NULL)
		return;
	flush_text(t);
	hold(t, NODE_COST + strlen((const char *)value));
	add_child(t, xmlNewDocComment(t->doc, value));
}

void
rowtree_pi(struct rowtree *t, const xmlChar *target, const xmlChar *data)
{
	if (t->rows_open == 0 || t->demand != NULL)
		return;
	flush_text(t);
	hold(t, NODE_COST + (data != NULL ? strlen((const char *)data) : 0));
	add_child(t, xmlNewDocPI(t->doc, target, data));
}

static void
add_attributes(struct rowtree *t, xmlNodePtr node, int n,
    const xmlChar **a)
{
	xmlNsPtr	 ns;
	int		 i;

	for (i = 0; i < n; i++, a += 5) {
		hold(t, ATTR_COST + (size_t)(a[4] - a[3]));
		ns = a[1] != NULL ? xmlSearchNs(t->doc, node, a[1]) : NULL;
		buf_reset(&t->value);
		buf_append(&t->value, a[3], (size_t)(a[4] - a[3]));
		xmlNewNsProp(node, ns, a[0], XMLSTR(t->value.data));
	}
}

/*
 * Every attribute, defaulted ones included: a non-validating processor
 * reports the defaults declared in the internal subset (XML 1.0, 5.1),
 * and the start tag's events carry them.
 */
void
rowtree_start(struct rowtree *t, const xmlChar *localname,
    const xmlChar *prefix, const xmlChar *uri, int nb_namespaces,
    const xmlChar **namespaces, int nb_attributes,
    const xmlChar **attributes, int is_row)
{
	xmlNodePtr	 node;
	int		 i;

	if (t->doc == NULL)
		return;
	if (t->demand != NULL && t->rows_open > 0 && !is_row) {
		t->row_depth++;
		if (left_out(t, localname)) {
			t->skipping++;
			return;
		}
	}
	flush_text(t);
	if ((node = xmlNewDocNode(t->doc, NULL, localname, NULL)) == NULL)
		return;
	for (i = 0; i < nb_namespaces; i++)
		xmlNewNs(node, namespaces[2 * i + 1], namespaces[2 * i]);
	if (t->cur != NULL)
		xmlAddChild(t->cur, node);
	else
		xmlDocSetRootElement(t->doc, node);
	if (uri != NULL)
		xmlSetNs(node, xmlSearchNs(t->doc, node, prefix));
	add_attributes(t, node, nb_attributes, attributes);
	t->cur = node;
	if (is_row)
		t->rows_open++;
	hold(t, NODE_COST * (1 + (size_t)nb_namespaces));
}

/* The element that is about to end, its content complete. */
xmlNodePtr
rowtree_current(struct rowtree *t)
{
	flush_text(t);
	return t->cur;
}

/* Outside any row, an element that ends is never looked at again. */
void
rowtree_end(struct rowtree *t, int was_row)
{
	xmlNodePtr	 node = t->cur;

	if (t->demand != NULL && t->rows_open > 0 && !was_row) {
		t->row_depth--;
		if (t->skipping > 0) {
			t->skipping--;
			return;
		}
	}
	if (node == NULL)
		return;
	flush_text(t);
	if (was_row)
		t->rows_open--;
	t->cur = node->parent != NULL && node->parent->type == XML_ELEMENT_NODE ?
	    node->parent : NULL;
	if (t->rows_open == 0) {
		xmlUnlinkNode(node);
		xmlFreeNode(node);
		t->held = 0;
	}
}
