/*
 * entities.c: what the parser may expand, and at what cost.  Entities are
 * expanded by libxml2 (see xmlcompat.c): declared internal ones only,
 * never one that refers to itself, within a budget of work that grows
 * with the bytes read (see scan.h).  These are the front end's guards
 * (storeread.h): every mode's parse has them.  Attribute defaults, which libxml2
 * does not bound, have a budget of their own; attribute declarations and
 * an element's attributes are counted.
 *
 * libxml2's own handlers keep the prolog, so that entities declared in an
 * internal subset work.  External entities and DTDs are never loaded:
 * there is no resolveEntity or externalSubset handler, and the parser runs
 * without XML_PARSE_NOENT, XML_PARSE_DTDLOAD and with XML_PARSE_NONET.
 */
#include <libxml/SAX2.h>

#include "storeread.h"
#include "xmlcompat.h"

void
entities_init(struct entity_policy *e, const struct input *in)
{
	e->in = in;
	e->entities.sigil = '&';
	e->parameters.sigil = '%';
}

void
entities_free(struct entity_policy *e)
{
	entgraph_free(&e->entities);
	entgraph_free(&e->parameters);
}

/*
 * Work the store makes the parser do beyond its bytes, within a budget
 * that grows with what was read (see scan.h): a store that asks for more
 * fails at once, the same on every release.
 */
static int
charge_entities(struct storeread *rd, uint64_t work)
{
	struct entity_policy *e = &rd->entities;
	uint64_t	 budget = SCAN_ENTITY_FACTOR * e->in->bytes_out;

	e->entity_work += work;
	if (e->entity_work <= SCAN_ENTITY_GRACE || e->entity_work <= budget)
		return 0;
	storeread_stop(rd, FAILURE_LIMIT, "entities expand to more than %d times "
	    "the store's size: refused", SCAN_ENTITY_FACTOR);
	return -1;
}

/*
 * libxml2 compares each default it adds with the attributes before it:
 * d*s + d*(d-1)/2 comparisons for d defaults and s specified attributes,
 * each about an eighth of a byte's parse; and each default is one more
 * attribute for every handler.
 */
static uint64_t
defaults_work(int nb_defaulted, int nb_attributes)
{
	uint64_t	 d = (uint64_t)nb_defaulted;
	uint64_t	 specified = (uint64_t)(nb_attributes - nb_defaulted);

	return (d * specified + d * (d - 1) / 2) / 8 + d;
}

int
entities_charge_defaults(struct storeread *rd, int nb_defaulted,
    int nb_attributes)
{
	struct entity_policy *e = &rd->entities;

	e->defaults_work += defaults_work(nb_defaulted, nb_attributes);
	if (e->defaults_work <= SCAN_DEFAULTS_GRACE +
	    SCAN_DEFAULTS_FACTOR * e->in->bytes_out)
		return 0;
	storeread_stop(rd, FAILURE_LIMIT, "attribute defaults expand to more "
	    "than %d times the store's size: refused", SCAN_DEFAULTS_FACTOR);
	return -1;
}

static void
on_start_document(void *user)
{
	xmlSAX2StartDocument(((struct storeread *)user)->ctxt);
}

static void
on_internal_subset(void *user, const xmlChar *name, const xmlChar *id,
    const xmlChar *system)
{
	xmlSAX2InternalSubset(((struct storeread *)user)->ctxt, name, id,
	    system);
}

static void
on_entity_decl(void *user, const xmlChar *name, int type, const xmlChar *id,
    const xmlChar *system, xmlChar *content)
{
	struct storeread *rd = user;

	if (type == XML_INTERNAL_GENERAL_ENTITY)
		entgraph_declare(&rd->entities.entities, (const char *)name,
		    (const char *)content);
	else if (type == XML_INTERNAL_PARAMETER_ENTITY)
		entgraph_declare(&rd->entities.parameters, (const char *)name,
		    (const char *)content);
	xmlSAX2EntityDecl(rd->ctxt, name, type, id, system, content);
	rd->entities.declared = name;	/* the parser's, alive until it asks */
}

/*
 * Is this reference to NAME one to an entity that refers to itself?  Then
 * the store fails.  (libxml2 looks an entity up as it declares it: that
 * is no reference.)
 */
static int
refers_to_itself(struct storeread *rd, struct entgraph *g, const xmlChar *name)
{
	int	 declaring = rd->entities.declared != NULL &&
		    xmlStrEqual(name, rd->entities.declared);

	rd->entities.declared = NULL;
	if (declaring || !entgraph_loops(g, (const char *)name))
		return 0;
	storeread_stop(rd, FAILURE_PARSE, "%sentity '%s' refers to itself: a "
	    "reference loop", g->sigil == '%' ? "parameter " : "",
	    (const char *)name);
	return 1;
}

/*
 * Every reference to a general entity asks here, in text and in attribute
 * values alike, however deep.  Only declared internal entities are
 * expanded: a value that depends on an undeclared entity (legal after an
 * unread external DTD) or on an external one (never loaded) is unknown,
 * so the store fails rather than count it under a guess.  One that refers
 * to itself, through others or not, is malformed (a parse failure), said
 * before libxml2 would expand it.  Each expansion costs its length in
 * work; a store whose entities make it more work than a plain store a few
 * times its size fails at once, by xml2prom's budget on every release
 * (see scan.h).
 */
static xmlEntityPtr
on_get_entity(void *user, const xmlChar *name)
{
	struct storeread *rd = user;
	xmlEntityPtr	 ent;

	ent = xmlSAX2GetEntity(rd->ctxt, name);
	if (ent == NULL) {
		storeread_stop(rd, FAILURE_ENTITY, "entity '%s' is not declared "
		    "in the document", (const char *)name);
		return NULL;
	}
	if (ent->etype == XML_EXTERNAL_GENERAL_PARSED_ENTITY) {
		storeread_stop(rd, FAILURE_ENTITY, "entity '%s' is external: "
		    "xml2prom loads no external entity", (const char *)name);
		return NULL;
	}
	if (ent->etype == XML_INTERNAL_PREDEFINED_ENTITY)
		return ent;
	if (refers_to_itself(rd, &rd->entities.entities, name))
		return NULL;
	if (charge_entities(rd, SCAN_ENTITY_COST + (uint64_t)ent->length) == -1)
		return NULL;
	return ent;
}

static xmlEntityPtr
on_get_parameter_entity(void *user, const xmlChar *name)
{
	struct storeread *rd = user;

	if (refers_to_itself(rd, &rd->entities.parameters, name))
		return NULL;
	return xmlSAX2GetParameterEntity(rd->ctxt, name);
}

/*
 * Attribute declarations are only counted: libxml2 keeps their defaults
 * itself, and compares each element's with its attributes.
 */
static void
on_attribute_decl(void *user, const xmlChar *elem, const xmlChar *name,
    int type, int def, const xmlChar *value, xmlEnumerationPtr tree)
{
	struct storeread *rd = user;

	(void)elem, (void)name, (void)type, (void)def, (void)value;
	xmlFreeEnumeration(tree);
	if (++rd->entities.attribute_decls > SCAN_MAX_ATTRIBUTE_DECLS)
		storeread_stop(rd, FAILURE_LIMIT, "the document declares more "
		    "than %d attributes", SCAN_MAX_ATTRIBUTE_DECLS);
}

/*
 * Asked before each read: a start tag too big to reach its event (see
 * xmlcompat_tag_names) fails here, said as its event would have.  The
 * parser is not stopped from inside its own read: the read fails.
 */
int
entities_guard_tag(struct storeread *rd)
{
	if (rd->error.len > 0)
		return -1;
	if (rd->ctxt == NULL || xmlcompat_tag_names(rd->ctxt) <= 2 * SCAN_MAX_ATTRIBUTES)
		return 0;
	storeread_refuse(rd, FAILURE_LIMIT, "an element has more than %d "
	    "attributes and namespace declarations", SCAN_MAX_ATTRIBUTES);
	return -1;
}

/* A start tag's event with too many: see storeread_start_tag(). */
void
entities_too_many_attributes(struct storeread *rd)
{
	storeread_stop(rd, FAILURE_LIMIT, "an element has more than %d "
	    "attributes and namespace declarations", SCAN_MAX_ATTRIBUTES);
}

/* The prolog's handlers. */
void
entities_handlers(xmlSAXHandler *sax)
{
	sax->startDocument = on_start_document;
	sax->internalSubset = on_internal_subset;
	sax->entityDecl = on_entity_decl;
	sax->attributeDecl = on_attribute_decl;
	sax->getEntity = on_get_entity;
	sax->getParameterEntity = on_get_parameter_entity;
}
