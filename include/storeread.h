/*
 * storeread.h: the one way every mode reads a store (the run's scanner,
 * the survey, the resident mode through the run, and any mode to come),
 * so that every mode fails the same stores for the same reasons in the
 * same time.  It owns opening the store (input.h: plain, gzip or '-'),
 * the parser context and its options (xmlcompat.h), refusing every
 * external load, the entity policy and its budget, the attribute and DTD
 * guards (entities.c), libxml2's errors (xmlerr.h), and the failure's
 * reason (the first one told, storestop.c) and one-line message.  Calls
 * go one way: storeread.c -> entities.c -> storestop.c.
 *
 * A client gives its element and text handlers; the front end owns the
 * rest of the handler table (the prolog's, which enforce the entity
 * policy).  The SAX user data every handler gets is the struct storeread:
 * a client finds its state with storeread_client(), or, for nothing per
 * event, keeps the struct storeread as the first member of its state and
 * casts (the scanner does).  A client's startElementNs calls
 * storeread_start_tag() first and returns when it says -1.
 */
#ifndef XML2PROM_STOREREAD_H
#define XML2PROM_STOREREAD_H

#include <stdint.h>

#include <libxml/parser.h>

#include "buf.h"
#include "entgraph.h"
#include "failure.h"
#include "input.h"
#include "bounds.h"
#include "xmlerr.h"

/* The work entities and defaults make the parser do (entities.c). */
struct entity_policy {
	const struct input	*in;
	uint64_t		 entity_work;
	uint64_t		 defaults_work;
	struct entgraph		 entities;	/* which refer to themselves: */
	struct entgraph		 parameters;	/* general and parameter ones */
	const xmlChar		*declared;	/* the entity just declared */
	size_t			 attribute_decls;
};

struct storeread {
	xmlParserCtxtPtr	 ctxt;
	struct input		 in;
	struct entity_policy	 entities;
	struct xmlerr_capture	 xmlerr;
	struct buf		 error;		/* our own reason to stop */
	enum failure		 failure;	/* its kind */
	void			*client;	/* storeread_client() */
	int			(*guard)(void *client);	/* the client's own,
					   before each read: -1 reads no more */
};

int	storeread_open(struct storeread *, const char *path, void *client);
int	storeread_parse(struct storeread *, const xmlSAXHandler *client_sax,
	    void (*prepare)(void *client, xmlParserCtxtPtr));

/* storestop.c: the first reason to stop is the one told */
void	storeread_stop(struct storeread *, enum failure, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	storeread_vstop(struct storeread *, enum failure, const char *,
	    va_list) __attribute__((format(printf, 3, 0)));
void	storeread_refuse(struct storeread *, enum failure, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
char	*storeread_message(const struct storeread *, const char *path,
	    enum failure *);
void	storeread_close(struct storeread *);

/* entities.c: the guards */
void	entities_init(struct entity_policy *, const struct input *);
void	entities_free(struct entity_policy *);
void	entities_handlers(xmlSAXHandler *);
int	entities_charge_defaults(struct storeread *, int nb_defaulted,
	    int nb_attributes);
void	entities_too_many_attributes(struct storeread *);
int	entities_guard_tag(struct storeread *);

static inline void *
storeread_client(void *user)
{
	return ((struct storeread *)user)->client;
}

/*
 * A start tag's guards: its attributes and namespace declarations
 * counted, its attribute defaults charged (see scan.h).  Inline, so that
 * the run's hot path pays what it paid when they were the scanner's.
 */
static inline int
storeread_start_tag(struct storeread *rd, int nb_namespaces,
    int nb_attributes, int nb_defaulted)
{
	if (nb_attributes + nb_namespaces > SCAN_MAX_ATTRIBUTES) {
		entities_too_many_attributes(rd);
		return -1;
	}
	if (nb_defaulted > 0)
		return entities_charge_defaults(rd, nb_defaulted,
		    nb_attributes);
	return 0;
}

#endif
