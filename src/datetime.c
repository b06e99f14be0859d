/*
 * datetime.c: date:seconds(), see datetime.h.
 */
#include <math.h>
#include <string.h>

#include <libxml/xpathInternals.h>

#include "datetime.h"
#include "xmlcompat.h"

/* Reads exactly n digits. */
static int
digits(const char **p, const char *end, int n, long *out)
{
	long	 v = 0;

	if (end - *p < n)
		return -1;
	for (; n > 0; n--, (*p)++) {
		if (**p < '0' || **p > '9')
			return -1;
		v = v * 10 + (**p - '0');
	}
	*out = v;
	return 0;
}

static int
expect_char(const char **p, const char *end, char c)
{
	if (*p == end || **p != c)
		return -1;
	(*p)++;
	return 0;
}

static int
is_leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static long
days_in_month(long y, long m)
{
	static const long days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Days from 1970-01-01 to y-m-d, proleptic Gregorian (Hinnant's). */
static long
days_from_civil(long y, long m, long d)
{
	long	 era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* 'Z', '+hh:mm', '-hh:mm' or nothing: the zone's offset in seconds. */
static int
zone(const char **p, const char *end, long *offset)
{
	long	 h, m;
	int	 sign;

	*offset = 0;
	if (*p == end)
		return 0;
	if (**p == 'Z') {
		(*p)++;
		return 0;
	}
	if (**p != '+' && **p != '-')
		return -1;
	sign = **p == '-' ? -1 : 1;
	(*p)++;
	if (digits(p, end, 2, &h) || expect_char(p, end, ':') ||
	    digits(p, end, 2, &m) || m > 59 || h > 14 || (h == 14 && m > 0))
		return -1;
	*offset = sign * (h * 3600 + m * 60);
	return 0;
}

/* hh:mm:ss(.s+)?, the fraction added to *frac. */
static int
time_of_day(const char **p, const char *end, long *secs, double *frac)
{
	long		 h, m, s;
	const char	*start;
	double		 scale = 0.1;

	if (digits(p, end, 2, &h) || expect_char(p, end, ':') ||
	    digits(p, end, 2, &m) || expect_char(p, end, ':') ||
	    digits(p, end, 2, &s) || h > 23 || m > 59 || s > 59)
		return -1;
	*secs = h * 3600 + m * 60 + s;
	if (*p == end || **p != '.')
		return 0;
	start = ++(*p);
	for (; *p < end && **p >= '0' && **p <= '9'; (*p)++, scale /= 10)
		*frac += (**p - '0') * scale;
	return *p == start ? -1 : 0;
}

double
datetime_seconds(const char *s, size_t len)
{
	const char	*p = s, *end;
	long		 y, mo, d, secs = 0, offset;
	double		 frac = 0;

	if (s == NULL)
		return NAN;
	end = s + len;
	/* XML Schema allows whitespace around a value (collapse). */
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\n' || end[-1] == '\r'))
		end--;
	if (digits(&p, end, 4, &y) || expect_char(&p, end, '-') ||
	    digits(&p, end, 2, &mo) || expect_char(&p, end, '-') ||
	    digits(&p, end, 2, &d) || y == 0 || mo < 1 || mo > 12 || d < 1 ||
	    d > days_in_month(y, mo))
		return NAN;
	if (p < end && *p == 'T') {
		p++;
		if (time_of_day(&p, end, &secs, &frac) == -1)
			return NAN;
	}
	if (zone(&p, end, &offset) == -1 || p != end)
		return NAN;
	return (double)(days_from_civil(y, mo, d) * 86400 + secs - offset) +
	    frac;
}

/* date:seconds(string): the string's instant; one argument only. */
static void
seconds_function(xmlXPathParserContextPtr ctxt, int nargs)
{
	xmlChar	*s;
	double	 v;

	if (nargs != 1) {
		xmlXPathSetArityError(ctxt);
		return;
	}
	if ((s = xmlXPathPopString(ctxt)) == NULL) {
		xmlXPathSetError(ctxt, XPATH_MEMORY_ERROR);
		return;
	}
	v = datetime_seconds((const char *)s, strlen((const char *)s));
	xmlFree(s);
	xmlXPathReturnNumber(ctxt, v);
}

int
datetime_register(xmlXPathContextPtr ctx)
{
	return xmlXPathRegisterFuncNS(ctx, XMLSTR("seconds"),
	    XMLSTR(DATETIME_EXSLT_URI), seconds_function);
}
