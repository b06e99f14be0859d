/*
 * expofmt.h: the text primitives of the Prometheus exposition format
 * (0.0.4), shared by what writes it (expo.h, dump.h, the exporter) and by
 * what looks for its series (collide.h): label values escape `\`, `"` and
 * newline, HELP texts `\` and newline; numbers and times are written so
 * that they read back exactly.
 */
#ifndef XML2PROM_EXPOFMT_H
#define XML2PROM_EXPOFMT_H

#include <stddef.h>
#include <time.h>

#include "buf.h"

void	expo_escape_label_value(struct buf *, const char *, size_t);
void	expo_escape_help(struct buf *, const char *);
void	expo_format_seconds(struct buf *, struct timespec);
void	expo_format_number(struct buf *, double);

/* NAME="VALUE" after "{" when *first (then cleared), else after ",". */
void	expo_label_pair(struct buf *, int *first, const char *name,
	    const char *value, size_t len);

/* A family's HELP (HELP, then EXPR unless NULL) and TYPE lines. */
void	expo_family_header(struct buf *, const char *prefix, const char *name,
	    const char *type, const char *help, const char *expr);

#endif
