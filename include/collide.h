/*
 * collide.h: the series an output would serve twice.  node_exporter serves
 * every .prom file of its directory; a series (a name and its labels) that
 * two files hold is rejected in one of them, with its scrape error still 0,
 * so that a sum over a family silently mixes the two files' numbers.
 * xml2prom refuses to write such an output (--check names the files).
 * Under -d, the output is named after its store: a previous file that
 * another run wrote (another store of that name, another prefix, other
 * sets) is refused too.  Both read .prom text through promread.h.
 */
#ifndef XML2PROM_COLLIDE_H
#define XML2PROM_COLLIDE_H

#include <stddef.h>

#include "options.h"
#include "textfile.h"

/* Whose a previous output is. */
enum output_owner {
	OUTPUT_OURS,		/* this run's, or no other run's */
	OUTPUT_OTHER_PREFIX,	/* this store's, under another prefix */
	OUTPUT_OTHER_STORE,	/* another store of the same name */
	OUTPUT_OTHER_SETS	/* this store's, other questions asked */
};

/*
 * The other *.prom files beside the output that hold a series of TEXT
 * (exposition text, as xml2prom writes it): how many, each said on
 * stderr (a run) or stdout (--check).
 */
size_t	collide_check(const struct config *, const struct textfile *,
	    const char *text);

/* Whose PREVIOUS (the output's text, or NULL) is; another's is said. */
enum output_owner collide_output_owner(const struct config *,
	    const char *previous);

#endif
