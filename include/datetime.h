/*
 * datetime.h: EXSLT date:seconds() for dates in a store, computed natively
 * so that it needs no libexslt and gives libexslt's answer on every path:
 * an xs:dateTime (2024-05-01T12:30:00, optional fraction), xs:date
 * (2024-05-01), xs:gYearMonth (2024-05) or xs:gYear (2024, -0001 for
 * 1 BCE, more digits without a leading zero), each with an optional zone
 * ('Z' or +hh:mm / -hh:mm, up to 23:59) and read as UTC without one, in
 * seconds since 1970-01-01T00:00:00Z; an xs:duration without years or
 * months (P1DT2H, -PT1.5S) in seconds.  No whitespace around it.
 * Anything else, times and gMonthDay included: NaN.
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
