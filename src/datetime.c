/*
 * datetime.c: date:seconds(), see datetime.h.
 *
 * Follows libexslt's date.c (1.1.35) step for step, because its answers
 * are the reference: the same order of attempts (an xs:time, then a
 * right-truncated date, then a duration), the same bounds, and the same
 * integer and floating-point operations, so that even a fraction of a
 * second rounds the same way.  tests/datetime.sh compares the two on a
 * generated table of inputs.
 */
#include <limits.h>
#include <math.h>
#include <string.h>

#include <libxml/xpathInternals.h>

#include "datetime.h"
#include "xmlcompat.h"

#define SECS_PER_MIN	60
#define SECS_PER_HOUR	3600
#define SECS_PER_DAY	86400
#define MINS_PER_DAY	1440
#define HOURS_PER_DAY	24

/* The string being read; past its end reads as NUL, as in C strings. */
struct cursor {
	const char	*p;
	const char	*end;
};

static int
at(const struct cursor *c, size_t i)
{
	return c->p + i < c->end ? (unsigned char)c->p[i] : 0;
}

static int
is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

/* A date as libexslt holds it: years continuous (1 BCE is 0). */
struct date {
	long	 year;
	int	 mon, day, hour, min;
	double	 sec;
	int	 tzo;		/* minutes east of UTC */
	int	 type;
};

/* libexslt's types that date:seconds() reads, most truncated first. */
enum { GYEAR = 1, GYEARMONTH, DATE, DATETIME };

static int
is_leap(long y)
{
	return (y & 3) == 0 && (y % 25 != 0 || (y & 15) == 0);
}

static int
days_in_month(long y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Two digits from LO to HI: 0, or 1 (not digits), 2 (out of range). */
static int
two_digits(struct cursor *c, int lo, int hi, int *out)
{
	int	 v;

	if (!is_digit(at(c, 0)) || !is_digit(at(c, 1)))
		return 1;
	v = (at(c, 0) - '0') * 10 + (at(c, 1) - '0');
	if (v < lo || v > hi)
		return 2;
	*out = v;
	c->p += 2;
	return 0;
}

static int
expect(struct cursor *c, char ch)
{
	if (at(c, 0) != ch)
		return 1;
	c->p++;
	return 0;
}

/* 'Z', '+hh:mm', '-hh:mm' or the end; the cursor moves only on success. */
static int
zone(struct cursor *c, struct date *d)
{
	struct cursor	 z = *c;
	int		 neg, h, m;

	if (at(&z, 0) == 0) {
		d->tzo = 0;
		return 0;
	}
	if (at(&z, 0) == 'Z') {
		d->tzo = 0;
		c->p++;
		return 0;
	}
	if (at(&z, 0) != '+' && at(&z, 0) != '-')
		return 1;
	neg = at(&z, 0) == '-';
	z.p++;
	if (two_digits(&z, 0, 23, &h) || expect(&z, ':') ||
	    two_digits(&z, 0, 59, &m))
		return 1;
	d->tzo = neg ? -(h * 60 + m) : h * 60 + m;
	*c = z;
	return 0;
}

/* hh:mm:ss(.s+)?, seconds below 60; the cursor moves only on success. */
static int
time_of_day(struct cursor *c, struct date *d)
{
	struct cursor	 t = *c;
	double		 mult = 1;
	int		 s;

	if (two_digits(&t, 0, 23, &d->hour) || expect(&t, ':') ||
	    two_digits(&t, 0, 59, &d->min) || expect(&t, ':') ||
	    two_digits(&t, 0, 99, &s))
		return 1;
	d->sec = s;
	if (at(&t, 0) == '.') {
		t.p++;
		if (!is_digit(at(&t, 0)))
			return 1;
		for (; is_digit(at(&t, 0)); t.p++) {
			mult /= 10;
			d->sec += (at(&t, 0) - '0') * mult;
		}
	}
	if (d->sec >= 60)
		return 1;
	*c = t;
	return 0;
}

/* [-]CCYY, more digits without a leading zero, never 0000. */
static int
year(struct cursor *c, struct date *d)
{
	const char	*first;
	int		 neg = at(c, 0) == '-';
	long		 y = 0;

	c->p += neg;
	for (first = c->p; is_digit(at(c, 0)); c->p++) {
		if (y >= LONG_MAX / 10)
			return 1;
		y = y * 10 + (at(c, 0) - '0');
	}
	if (c->p - first < 4 || (c->p - first > 4 && *first == '0') ||
	    y == 0)
		return 1;
	d->year = neg ? -y + 1 : y;
	return 0;
}

/*
 * libexslt's RETURN_TYPE_IF_VALID: where a zone (or the end) may follow,
 * a zone that reads whole ends the value as TYPE; one followed by more is
 * an error (-1); anything else goes on (0).
 */
static int
ends_as(struct cursor *c, struct date *d, int type)
{
	int	 ch = at(c, 0);

	if (ch != 0 && ch != 'Z' && ch != '+' && ch != '-')
		return 0;
	if (zone(c, d) != 0)
		return 0;
	if (at(c, 0) != 0)
		return -1;
	d->type = type;
	return 1;
}

/* An xs:time alone, a value date:seconds() does not read. */
static int
is_time(struct cursor c)
{
	struct date	 d;

	memset(&d, 0, sizeof(d));
	return is_digit(at(&c, 0)) && time_of_day(&c, &d) == 0 &&
	    ends_as(&c, &d, DATETIME) == 1;
}

/* gYear, gYearMonth, date or dateTime: its type, or 0. */
static int
parse_date(struct cursor c, struct date *d)
{
	int	 r;

	memset(d, 0, sizeof(*d));
	d->mon = d->day = 1;
	if ((at(&c, 0) == '-' && at(&c, 1) == '-') || is_time(c))
		return 0;	/* gMonthDay, gMonth, gDay; xs:time */
	if (year(&c, d) || (r = ends_as(&c, d, GYEAR)) < 0)
		return 0;
	if (r > 0)
		return d->type;
	if (expect(&c, '-') || two_digits(&c, 1, 12, &d->mon) ||
	    (r = ends_as(&c, d, GYEARMONTH)) < 0)
		return 0;
	if (r > 0)
		return d->type;
	if (expect(&c, '-') || two_digits(&c, 1, 31, &d->day) ||
	    d->day > days_in_month(d->year, d->mon) ||
	    (r = ends_as(&c, d, DATE)) < 0)
		return 0;
	if (r > 0)
		return d->type;
	if (expect(&c, 'T') || time_of_day(&c, d) || zone(&c, d) ||
	    at(&c, 0) != 0)
		return 0;
	return d->type = DATETIME;
}

/* Days from 0001-01-01 to the start of the date's month, as libexslt. */
static long
days_to_month(const struct date *d)
{
	static const long before[] = { 0, 31, 59, 90, 120, 151, 181, 212,
	    243, 273, 304, 334 };
	long	 in_year = before[d->mon - 1] + (d->mon > 2 && is_leap(d->year));
	long	 y = d->year;

	if (y <= 0)
		return (y - 1) * 365 + (y / 4 - y / 100 + y / 400) + in_year - 1;
	return (y - 1) * 365 + ((y - 1) / 4 - (y - 1) / 100 + (y - 1) / 400) +
	    in_year;
}

/* _exsltDateDifference(1970-01-01T00:00:00Z, d) in seconds. */
static double
since_epoch(const struct date *d)
{
	static const struct date epoch = { 1970, 1, 1, 0, 0, 0, 0, DATETIME };
	double	 sec;
	long	 carry, day;

	if (d->year > LONG_MAX / 731 || d->year < LONG_MIN / 731)
		return NAN;
	sec = (double)(d->hour * SECS_PER_HOUR + d->min * SECS_PER_MIN) +
	    d->sec;
	sec += (epoch.tzo - d->tzo) * SECS_PER_MIN;
	carry = (long)floor(sec / SECS_PER_DAY);
	sec = sec - carry * SECS_PER_DAY;
	day = days_to_month(d) - days_to_month(&epoch) + d->day - epoch.day +
	    carry;
	return (double)day * SECS_PER_DAY + sec;
}

/* A duration's items: what each designator adds, in days and seconds. */
struct duration {
	long	 mon, day, secs;
	double	 frac;
};

static int
add_item(struct duration *u, int seq, long num)
{
	static const long per_day[] = { 0, 0, 1, HOURS_PER_DAY, MINS_PER_DAY,
	    SECS_PER_DAY };
	static const long secs_per[] = { 0, 0, 0, SECS_PER_HOUR, SECS_PER_MIN,
	    1 };
	long	 days;

	if (seq == 0) {
		if (num > LONG_MAX / 12)
			return -1;
		u->mon = num * 12;
	} else if (seq == 1) {
		if (u->mon > LONG_MAX - num)
			return -1;
		u->mon += num;
	} else if (seq == 2)
		u->day = num;
	else {
		days = num / per_day[seq];
		if (u->day > LONG_MAX - days)
			return -1;
		u->day += days;
		u->secs += num % per_day[seq] * secs_per[seq];
	}
	return 0;
}

/* One item: digits, a fraction (seconds only), its designator. */
static int
duration_item(struct cursor *c, struct duration *u, unsigned *seq)
{
	static const char desig[] = "YMDHMS";
	long		 num = 0, digit;
	int		 has_digits = 0, has_frac = 0;
	double		 mult = 1.0;

	if (at(c, 0) == 'T') {
		if (*seq > 3)
			return -1;
		c->p++;
		*seq = 3;
	} else if (*seq == 3)
		return -1;
	for (; is_digit(at(c, 0)); c->p++, has_digits = 1) {
		digit = at(c, 0) - '0';
		if (num > LONG_MAX / 10 || num * 10 > LONG_MAX - digit)
			return -1;
		num = num * 10 + digit;
	}
	if (at(c, 0) == '.')
		for (c->p++, has_frac = 1; is_digit(at(c, 0)); c->p++) {
			mult /= 10.0;
			u->frac += (at(c, 0) - '0') * mult;
			has_digits = 1;
		}
	while (at(c, 0) != desig[*seq])
		if (++*seq == 3 || *seq == 6)
			return -1;
	c->p++;
	if (!has_digits || (has_frac && *seq != 5) ||
	    add_item(u, (int)*seq, num) == -1)
		return -1;
	++*seq;
	return 0;
}

/* [-]PnYnMnDTnHnMnS; NaN when it has months or years, or is not one. */
static double
duration_seconds(struct cursor c)
{
	struct duration	 u;
	unsigned	 seq = 0;
	int		 neg = at(&c, 0) == '-';
	long		 days;
	double		 sec;

	memset(&u, 0, sizeof(u));
	c.p += neg;
	if (expect(&c, 'P') || at(&c, 0) == 0)
		return NAN;
	while (at(&c, 0) != 0)
		if (seq >= 6 || duration_item(&c, &u, &seq) == -1)
			return NAN;
	days = u.secs / SECS_PER_DAY;
	if (u.day > LONG_MAX - days)
		return NAN;
	u.day += days;
	sec = (double)(u.secs % SECS_PER_DAY) + u.frac;
	if (neg) {
		u.mon = -u.mon;
		u.day = -u.day;
		if (sec != 0.0) {
			sec = SECS_PER_DAY - sec;
			u.day -= 1;
		}
	}
	return u.mon != 0 ? NAN : (double)u.day * SECS_PER_DAY + sec;
}

double
datetime_seconds(const char *s, size_t len)
{
	struct cursor	 c;
	struct date	 d;

	if (s == NULL)
		return NAN;
	c.p = s;
	c.end = s + len;
	/* A NUL ends a C string: libexslt would see no more. */
	if (memchr(s, '\0', len) != NULL)
		c.end = s + strlen(s);
	if (parse_date(c, &d) != 0)
		return since_epoch(&d);
	/* An xs:time or a gMonthDay parse as dates of other kinds: NaN. */
	return duration_seconds(c);
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
