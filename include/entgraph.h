/*
 * entgraph.h: which internal entities refer to themselves.  XML forbids a
 * parsed entity to refer to itself, directly or through others (WFC: No
 * Recursion); libxml2 finds such a loop only by expanding it, and reports
 * it as a limit on some releases and as an amplification on others.  The
 * scanner asks here before a reference is expanded, so that a loop is the
 * same malformed store on every release.
 */
#ifndef XML2PROM_ENTGRAPH_H
#define XML2PROM_ENTGRAPH_H

#include <stddef.h>

#include <libxml/hash.h>

struct entgraph {
	char		  sigil;	/* '&' general entities, '%' parameter */
	char		**text;		/* each internal entity's replacement
					   text, as declared */
	unsigned char	 *state;	/* per entity: see entgraph.c */
	size_t		  n, cap;
	xmlHashTablePtr	  index;	/* name -> index + 1 */
	size_t		 *stack;	/* the walk's entities, */
	size_t		 *at;		/* and where each one's text is read */
};

/* An internal entity and its replacement text, as declared. */
void	entgraph_declare(struct entgraph *, const char *name,
	    const char *content);
/* Does a reference to NAME lead into a loop? */
int	entgraph_loops(struct entgraph *, const char *name);
void	entgraph_free(struct entgraph *);

#endif
