/*
 * datetime.h: EXSLT date:seconds() for dates in a store, computed natively
 * so that it needs no libexslt and gives the same answer on every path.
 * An xs:dateTime (2024-05-01T12:30:00, optional fraction) or an xs:date
 * (2024-05-01), each with an optional zone ('Z' or +hh:mm / -hh:mm); no
 * zone is read as UTC.  Anything else is not a date: NaN.
 */
#ifndef XML2PROM_DATETIME_H
#define XML2PROM_DATETIME_H

#include <stddef.h>

#include <libxml/xpath.h>

#define DATETIME_EXSLT_URI	"http://exslt.org/dates-and-times"

/* Seconds since 1970-01-01T00:00:00Z, or NaN. */
double	datetime_seconds(const char *, size_t);

/* Registers seconds() in DATETIME_EXSLT_URI on an XPath context. */
int	datetime_register(xmlXPathContextPtr);

#endif
