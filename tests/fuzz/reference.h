/*
 * reference.h: the answer every reading path must give, computed the slow
 * way: libxml2 parses the whole store into its own tree (the same options
 * as the scanner, plus DTD attribute defaults in the tree), rows are found
 * by walking it, and every field's expression is evaluated by libxml2's
 * XPath on each row in the full document.  For tests only.
 */
#ifndef XML2PROM_REFERENCE_H
#define XML2PROM_REFERENCE_H

#include <stddef.h>

#include "rowpath.h"
#include "tally.h"
#include "fieldexpr.h"

/* 0 with the groups in `t` (tally_init'ed by the caller); -1 if the store
 * is not well-formed, or a field is too long or the groups too many. */
int	reference_count(const char *data, size_t len, const struct rowpath *,
	    const struct model *, struct tally *t);

#endif
