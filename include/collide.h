/*
 * collide.h: the series an output would serve twice.  node_exporter serves
 * every .prom file of its directory; a series (a name and its labels) that
 * two files hold is rejected in one of them, with its scrape error still 0,
 * so that a sum over a family silently mixes the two files' numbers.
 * xml2prom refuses to write such an output (--check names the files).
 */
#ifndef XML2PROM_COLLIDE_H
#define XML2PROM_COLLIDE_H

#include <stddef.h>

#include "textfile.h"

/* Called for each other file holding a series of TEXT: the first one. */
typedef void collide_fn(void *arg, const char *file, const char *series);

/*
 * The other *.prom files beside the output that hold a series of TEXT
 * (exposition text, as xml2prom writes it): how many, each told to FN.
 */
size_t	collide_find(const struct textfile *, const char *text,
	    collide_fn *fn, void *arg);

#endif
