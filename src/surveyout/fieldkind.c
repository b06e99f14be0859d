/*
 * fieldkind.c: what a surveyed field is (see surveyout.h): a category, a
 * number, a date, an identifier, a time, a version, a flag or free text,
 * from its values and its name, so that a label is proposed only where
 * its values stay few however the store grows.
 */
#include <string.h>
#include <strings.h>

#include "survey.h"
#include "surveyout.h"

/* The attribute's or element's own name in '@p:a', 'c/@a', 'p:c'. */
static const char *
last_name(const char *name)
{
	const char	*s;

	for (s = name; *s != '\0'; s++)
		if (*s == '@' || *s == ':' || *s == '/')
			name = s + 1;
	return name;
}

static int
is_id_name(const char *name)
{
	size_t	 n;

	name = last_name(name);
	n = strlen(name);

	return strcmp(name, "id") == 0 || strcmp(name, "uuid") == 0 ||
	    strcmp(name, "key") == 0 || strcmp(name, "ref") == 0 ||
	    strcmp(name, "idref") == 0 || (n > 2 &&
	    (strcmp(name + n - 2, "id") == 0 ||
	    strcmp(name + n - 2, "Id") == 0 || strcmp(name + n - 2, "ID") == 0 ||
	    strcmp(name + n - 3, "ref") == 0));
}

/* A label's values are words, not sentences. */
static int
short_values(const struct survey_field *f)
{
	size_t	 i;

	for (i = 0; i < f->nvalues; i++)
		if (strlen(f->values[i].text) > MAX_LABEL_VALUE)
			return 0;
	return 1;
}

static int
digits_at(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* 3/12/2026, 03.12.26: one or two digits, twice, then two to four. */
static int
dmy_at(const char *s)
{
	size_t	 a = strspn(s, "0123456789"), b, c;

	if (a < 1 || a > 2 || (s[a] != '/' && s[a] != '.'))
		return 0;
	b = strspn(s + a + 1, "0123456789");
	if (b < 1 || b > 2 || s[a + 1 + b] != s[a])
		return 0;
	c = strspn(s + a + b + 2, "0123456789");
	return c == 4 || (s[a] == '/' && c == 2);
}

/*
 * Does S hold a time of day or a date, however written (17:03:44,
 * 2024-05-01 09:00, 03/12/2026, 3.12.2026)?  Its values grow with the
 * rows, whatever few a sample holds.
 */
static int
looks_like_time(const char *s)
{
	size_t	 i, n = strlen(s);

	for (i = 0; i < n; i++) {
		if (i >= 1 && i + 2 < n && s[i] == ':' &&
		    digits_at(s + i - 1, 1) && digits_at(s + i + 1, 2))
			return 1;
		if (i + 10 <= n && digits_at(s + i, 4) && s[i + 4] == '-' &&
		    digits_at(s + i + 5, 2) && s[i + 7] == '-' &&
		    digits_at(s + i + 8, 2))
			return 1;
		if (dmy_at(s + i))
			return 1;
	}
	return 0;
}

static int
any_time(const struct survey_field *f)
{
	size_t	 i;

	for (i = 0; i < f->nvalues; i++)
		if (looks_like_time(f->values[i].text))
			return 1;
	return 0;
}

static int
is_version_name(const char *name)
{
	const char	*local = last_name(name);

	return strcasecmp(local, "version") == 0 ||
	    strcasecmp(local, "revision") == 0 || strcasecmp(local, "rev") == 0;
}

/* Does the field's name say it is an outcome, what an operator counts? */
int
is_outcome_name(const char *name)
{
	static const char *const outcomes[] = { "result", "status", "state",
	    "severity", "outcome", "verdict", "level", "priority", "health",
	    "conclusion" };
	const char	*local = last_name(name);
	size_t		 i;

	for (i = 0; i < sizeof(outcomes) / sizeof(outcomes[0]); i++)
		if (strcasecmp(local, outcomes[i]) == 0)
			return 1;
	return 0;
}

/*
 * What a field is.  A label must have few values whatever the store's
 * size: not an identifier, nor a time, nor anything distinct in (nearly)
 * every row, which a small sample cannot tell from a category.
 */
enum kind
classify(const struct survey_field *f, const char *local, uint64_t rows,
    uint64_t *distinct)
{
	uint64_t	 n = f->present - f->empty;

	*distinct = survey_distinct(f);
	if (f->longs > 0)
		return LONG;
	if (n == 0)
		return EMPTY;
	if (n >= 2 && *distinct >= n - n / 10 && (is_id_name(local) ||
	    *distinct > MAX_CATEGORY || f->numbers < n))
		return IDENTIFIER;
	if (f->dates == n)
		return DATE;
	if (f->numbers == n)
		return is_version_name(local) ? VERSION : NUMBER;
	if (*distinct == 1 && f->present == rows)
		return CONSTANT;
	if (any_time(f))
		return TIME;
	/* One value where present: a schema's decoration, or a flag. */
	if (*distinct == 1 && !is_outcome_name(local))
		return FLAG;
	if (!f->more_values && *distinct <= MAX_CATEGORY &&
	    short_values(f))
		return CATEGORY;
	return TEXT;
}
