/*
 * names.h: which strings are acceptable as metric names, label names,
 * label values and XML local names.  Checked once, on the command line,
 * so that a bad name is a usage error and never a file node_exporter
 * rejects.
 */
#ifndef XML2PROM_NAMES_H
#define XML2PROM_NAMES_H

#include <stddef.h>

int	names_is_metric(const char *);	/* [a-zA-Z_:][a-zA-Z0-9_:]* */
int	names_is_label(const char *);	/* [a-zA-Z_][a-zA-Z0-9_]*, no "__" */
int	names_is_utf8(const char *, size_t);
int	names_is_ncname(const char *, size_t);
size_t	names_ncname_span(const char *);
const char *names_owned_prefix(const char *);	/* "node_", or NULL */

#endif
