/*
 * rowset.h: a row set, one question asked of a store: which elements are
 * its rows (--rows), what each gives (its model: labels, value families,
 * -i/-x) and the prefix of the families it writes.  One parse answers
 * every set of a run (see scan.h), into one output.
 *
 * A run without --set has one set, unnamed, whose families are named as
 * they always were: PREFIX_rows, PREFIX_total_rows, PREFIX_FAMILY...
 * A set given by --set NAME (a [NAME] block in a --config file) writes
 * PREFIX_NAME_rows, PREFIX_NAME_total_rows, PREFIX_NAME_FAMILY...; the
 * store's own families (PREFIX_read_success...) are written once.  Every
 * name a run may write is checked against every other at start (see
 * expo_check_names()).
 */
#ifndef XML2PROM_ROWSET_H
#define XML2PROM_ROWSET_H

#include <stddef.h>

#include "bounds.h"
#include "buf.h"
#include "model.h"
#include "rowpath.h"

struct rowset {
	const char	*name;		/* NULL: the unnamed set */
	char		*prefix;	/* PREFIX or PREFIX_NAME */
	const char	*rows_src;	/* as given, for messages */
	struct rowpath	 rows;
	struct model	 model;
};

int	rowset_valid_name(const char *);
void	rowset_free(struct rowset *);

#endif
