/*
 * surveyout.c: what --survey prints (see survey.h).  Every line for a
 * person is a comment, so that the whole output is a --config file that
 * runs as it is: a row set for each kind of element that repeats, labels
 * for its categories within the series budget, sums and histograms for
 * its numbers, the first and last of its dates; each with a comment that
 * says why, and what was left out.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "names.h"
#include "own.h"
#include "survey.h"

#define MAX_SETS	8	/* proposed; the others are listed */
#define MAX_CATEGORY	16	/* distinct values of a label */
#define LABEL_BUDGET	100	/* groups of one set */
#define MAX_LISTED	200	/* element paths printed */
#define NBUCKETS	5

#define MAX_FIELDS_OF_KIND 128
#define MAX_LABEL_VALUE	40	/* bytes */

enum kind { EMPTY, CATEGORY, NUMBER, DATE, IDENTIFIER, TEXT, LONG, CONSTANT,
    TIME, VERSION, OVER, FLAG };

/* A field of a kind of row: an attribute, a child leaf or its own text. */
struct cand {
	const char		*xml_name;	/* @a, p:child, . */
	const struct survey_field *f;	/* &merged */
	struct survey_field	 merged;	/* over the kind's paths */
	char			*expr;
	char			*name;		/* for labels and families */
	enum kind		 kind;
	uint64_t		 distinct;
	int			 labelled;
};

struct proposal {
	const struct survey	*sv;
	char			*prefixes[64];	/* per namespace bound */
	const char		*uris[64];
	size_t			 nns;
	size_t			 series;	/* every set's estimate */
	size_t			 unwritable;	/* fields of the last kind gathered
						   whose namespace no line can bind */
};

static void
path_string(struct buf *b, const struct survey *sv, size_t i)
{
	if (sv->paths[i].parent != SIZE_MAX)
		path_string(b, sv, sv->paths[i].parent);
	else if (sv->rows != NULL)
		buf_putc(b, '/');	/* under --rows: //row/child */
	buf_printf(b, "/%s", sv->paths[i].name);
}

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
static int
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
static enum kind
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

static void
print_number(struct buf *b, double d)
{
	if (d == floor(d) && fabs(d) < 1e15)
		buf_printf(b, "%.0f", d);
	else
		buf_printf(b, "%.6g", d);
}

static void
print_date(struct buf *b, double seconds)
{
	time_t		 t = (time_t)seconds;
	struct tm	 tm;
	char		 s[64];

	if (gmtime_r(&t, &tm) != NULL &&
	    strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%SZ", &tm) > 0)
		buf_puts(b, s);
	else
		print_number(b, seconds);
}

/* "numbers from 3 to 10.5", "dates from ... to ...": a field's range. */
static void
print_range(struct buf *b, const struct survey_field *f, enum kind k)
{
	if (k == NUMBER) {
		buf_puts(b, "numbers from ");
		print_number(b, f->min);
		buf_puts(b, " to ");
		print_number(b, f->max);
	} else {
		buf_puts(b, "dates from ");
		print_date(b, f->first);
		buf_puts(b, " to ");
		print_date(b, f->last);
	}
}

static int
by_count(const void *a, const void *b)
{
	const struct survey_value *x = a, *y = b;

	return x->count < y->count ? 1 : x->count > y->count ? -1 :
	    strcmp(x->text, y->text);
}

/*
 * Text from the store (or a file name) in a comment: on one line whatever
 * it holds, and nothing a terminal obeys.  Control characters (C0, DEL,
 * and C1 as UTF-8 writes them), the backslash and, when QUOTE, the double
 * quote are written as C escapes: a reader sees every byte.
 */
static void
put_escaped(struct buf *b, const char *s, int quote)
{
	const unsigned char	*u = (const unsigned char *)s;

	for (; *u != '\0'; u++) {
		if (*u == '\n')
			buf_puts(b, "\\n");
		else if (*u == '\r')
			buf_puts(b, "\\r");
		else if (*u == '\t')
			buf_puts(b, "\\t");
		else if (*u == '\\' || (quote && *u == '"'))
			buf_printf(b, "\\%c", *u);
		else if (*u < 0x20 || *u == 0x7f)
			buf_printf(b, "\\x%02x", *u);
		else if (*u == 0xc2 && u[1] >= 0x80 && u[1] <= 0x9f)
			buf_printf(b, "\\u%04x", *++u);
		else
			buf_putc(b, (char)*u);
	}
}

/* A value as a comment shows it: quoted, escaped, on one line. */
static void
print_value(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	put_escaped(b, s, 1);
	buf_putc(b, '"');
}

static void
describe(struct buf *b, const struct survey_field *f, enum kind k,
    uint64_t distinct)
{
	struct survey_value	 top[SURVEY_MAX_VALUES];
	size_t			 i;

	if (f->nsketch < SURVEY_SKETCH)
		buf_printf(b, ", %llu distinct", (unsigned long long)distinct);
	else
		buf_printf(b, ", more than %d distinct (about %llu)",
		    SURVEY_SKETCH, (unsigned long long)distinct);
	if (f->empty > 0)
		buf_printf(b, ", %llu empty", (unsigned long long)f->empty);
	switch (k) {
	case NUMBER:
	case DATE:
		buf_puts(b, ": ");
		print_range(b, f, k);
		return;
	case IDENTIFIER:
		buf_puts(b, ": an identifier, unique per row or nearly");
		return;
	case VERSION:
		buf_puts(b, ": a version, not a quantity");
		return;
	case TIME:
		buf_puts(b, ": times or dates, e.g.");
		break;
	case FLAG:
		buf_puts(b, ": the same where present:");
		break;
	case LONG:
		buf_printf(b, ": long text (%llu values over %d bytes)",
		    (unsigned long long)f->longs, SURVEY_MAX_TEXT);
		return;
	case EMPTY:
		buf_puts(b, ": always empty");
		return;
	case CONSTANT:
		buf_puts(b, ": the same in every row:");
		break;
	default:
		break;
	}
	if (k != CONSTANT && k != TIME && k != FLAG)
		buf_puts(b, k == CATEGORY ? ": a category:" : ": text, e.g.");
	memcpy(top, f->values, f->nvalues * sizeof(top[0]));
	qsort(top, f->nvalues, sizeof(top[0]), by_count);
	for (i = 0; i < f->nvalues && i < 5; i++) {
		buf_puts(b, i > 0 ? ", " : " ");
		print_value(b, top[i].text);
		if (k == CATEGORY)
			buf_printf(b, " %llu", (unsigned long long)top[i].count);
	}
	if (f->nvalues > 5)
		buf_puts(b, ", ...");
}

/* A name for labels and families: [a-zA-Z0-9_], not reserved. */
static char *
metric_name(const char *xml, const char *suffix_if_reserved)
{
	struct buf	 b = { 0 };
	const char	*s = xml;

	if (*s == '@')
		s++;
	if (strchr(s, ':') != NULL)
		s = strchr(s, ':') + 1;
	if (!isalpha((unsigned char)*s))
		buf_putc(&b, 'f');
	for (; *s != '\0'; s++)
		buf_putc(&b, isalnum((unsigned char)*s) ?
		    (char)tolower((unsigned char)*s) : '_');
	while (strstr(b.data, "__") != NULL)
		memmove(strstr(b.data, "__"), strstr(b.data, "__") + 1,
		    strlen(strstr(b.data, "__")));
	b.len = strlen(b.data);
	if (suffix_if_reserved != NULL)
		buf_puts(&b, suffix_if_reserved);
	return buf_steal(&b);
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t	 n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Would xml2prom refuse NAME as a family of a set? */
static int
reserved_family(const char *name)
{
	return strcmp(name, "total") == 0 || strcmp(name, "count") == 0 ||
	    strcmp(name, "sum") == 0 || strcmp(name, "bucket") == 0 ||
	    strcmp(name, "rows") == 0 || strcmp(name, "total_rows") == 0 ||
	    strcmp(name, "skipped_values") == 0 || own_family(name) ||
	    ends_with(name, "_total") || ends_with(name, "_count") ||
	    ends_with(name, "_sum") || ends_with(name, "_bucket");
}

/*
 * Can a config line hold URI as it is?  The -c reader takes a value to the
 * end of its line, with no quoting: a URI with a line break (a character
 * reference can put one there) would end the line and start another that
 * the store wrote.  Any control character is refused alike.
 */
static int
writable_uri(const char *uri)
{
	const unsigned char	*u = (const unsigned char *)uri;

	for (; *u != '\0'; u++)
		if (*u < 0x20 || *u == 0x7f)
			return 0;
	return 1;
}

/* A prefix from the store, if it is a plain one that no binding has. */
static int
usable_prefix(const struct proposal *pr, const char *p)
{
	size_t	 i;

	if (p == NULL || !isalpha((unsigned char)*p) ||
	    strcmp(p, "date") == 0 || strncasecmp(p, "xml", 3) == 0)
		return 0;
	for (i = 0; p[i] != '\0'; i++)
		if (!isalnum((unsigned char)p[i]) && p[i] != '_' &&
		    p[i] != '-' && p[i] != '.')
			return 0;
	for (i = 0; i < pr->nns; i++)
		if (strcmp(pr->prefixes[i], p) == 0)
			return 0;
	return 1;
}

/*
 * The prefix bound to URI in the proposal, made when first asked, never
 * bound twice; NULL when URI cannot be written (then what is in it is
 * left out).
 */
static const char *
ns_prefix(struct proposal *pr, const char *uri, const char *wanted)
{
	struct buf	 b = { 0 };
	size_t		 i, k;

	for (i = 0; i < pr->nns; i++)
		if (strcmp(pr->uris[i], uri) == 0)
			return pr->prefixes[i];
	if (pr->nns == 64 || !writable_uri(uri))
		return NULL;
	if (usable_prefix(pr, wanted))
		buf_puts(&b, wanted);
	else
		for (k = pr->nns + 1;; k++) {
			buf_reset(&b);
			buf_printf(&b, "n%zu", k);
			if (usable_prefix(pr, b.data))
				break;
		}
	pr->uris[pr->nns] = uri;
	pr->prefixes[pr->nns] = buf_steal(&b);
	return pr->prefixes[pr->nns++];
}

/*
 * A kind of row: every path of one local name, in any namespace (as a
 * --rows pattern matches them), so that
 * a Rule is one kind at whatever depth its Groups put it.  Under --rows,
 * every path the pattern matched.
 */
struct rowkind {
	size_t		*paths;
	size_t		 npaths;
	uint64_t	 count;
	int		 repeats;
	size_t		 useful;	/* what a set would be worth: worth() */
};

static void
merge_field(struct survey_field *to, const struct survey_field *from)
{
	size_t	 i, j;

	if (from->numbers > 0 && (to->numbers == 0 || from->min < to->min))
		to->min = from->min;
	if (from->numbers > 0 && (to->numbers == 0 || from->max > to->max))
		to->max = from->max;
	if (from->dates > 0 && (to->dates == 0 || from->first < to->first))
		to->first = from->first;
	if (from->dates > 0 && (to->dates == 0 || from->last > to->last))
		to->last = from->last;
	to->present += from->present;
	to->empty += from->empty;
	to->numbers += from->numbers;
	to->dates += from->dates;
	to->longs += from->longs;
	to->more_values |= from->more_values;
	for (i = 0; i < from->nvalues; i++) {
		for (j = 0; j < to->nvalues; j++)
			if (strcmp(to->values[j].text, from->values[i].text) == 0)
				break;
		if (j < to->nvalues)
			to->values[j].count += from->values[i].count;
		else if (to->nvalues == SURVEY_MAX_VALUES)
			to->more_values = 1;
		else {
			to->values[j] = from->values[i];
			to->values[j].text = xstrdup(from->values[i].text);
			to->values[to->nvalues++].count = from->values[i].count;
		}
	}
	for (i = 0; i < from->nsketch; i++)
		survey_sketch_add(to, from->sketch[i]);
}

static struct cand *
cand_for(struct cand *c, size_t *n, size_t max, const char *expr,
    const char *xml_name)
{
	size_t	 i;

	for (i = 0; i < *n; i++)
		if (strcmp(c[i].expr, expr) == 0)
			return &c[i];
	if (*n == max)
		return NULL;
	c[*n].expr = xstrdup(expr);
	c[*n].xml_name = xml_name != NULL ? xml_name : c[*n].expr;
	c[*n].f = &c[*n].merged;
	return &c[(*n)++];
}

/*
 * The attributes of SP, as fields of the row: '@a', or 'CHILD/@a' when SP
 * is a child that is at most one per row (nmap's state/@state).
 */
static void
gather_attrs(struct proposal *pr, const struct survey_path *sp,
    const char *child, struct cand *c, size_t *n, size_t max, struct buf *e)
{
	const char	*px;
	struct cand	*k;
	size_t		 i;

	for (i = 0; i < sp->nattrs; i++) {
		buf_reset(e);
		if (child != NULL)
			buf_printf(e, "%s/", child);
		px = sp->attrs[i].uri != NULL ? ns_prefix(pr, sp->attrs[i].uri,
		    NULL) : NULL;
		if (sp->attrs[i].uri != NULL && px == NULL) {
			pr->unwritable++;
			continue;
		}
		/* (key is the parse's interned name, freed with it) */
		if (px != NULL)
			buf_printf(e, "@%s:%s", px, strchr(sp->attrs[i].name,
			    ':') != NULL ? strchr(sp->attrs[i].name, ':') + 1 :
			    sp->attrs[i].name);
		else
			buf_printf(e, "@%s", sp->attrs[i].name);
		if ((k = cand_for(c, n, max, e->data, child != NULL ? NULL :
		    sp->attrs[i].name)))
			merge_field(&k->merged, &sp->attrs[i].f);
	}
}

/* Is a child of this name an element with children anywhere in KD? */
static int
has_children_somewhere(const struct survey *sv, const struct rowkind *kd,
    const struct survey_path *q)
{
	size_t	 i, j;

	for (i = 0; i < sv->npaths; i++)
		for (j = 0; j < kd->npaths; j++)
			if (sv->paths[i].parent == kd->paths[j] &&
			    sv->paths[i].key_name == q->key_name &&
			    sv->paths[i].with_children > 0)
				return 1;
	return 0;
}

/* Is every path of KD inside markup (text mixed with elements)? */
static int
is_markup(const struct survey *sv, const struct rowkind *kd)
{
	size_t	 j;

	for (j = 0; j < kd->npaths; j++)
		if (sv->paths[kd->paths[j]].parent == SIZE_MAX ||
		    sv->paths[sv->paths[kd->paths[j]].parent].mixed == 0)
			return 0;
	return 1;
}

/* The fields of a kind: attributes, child leaves, its own text. */
static size_t
gather(struct proposal *pr, const struct rowkind *kd, struct cand *c,
    size_t max)
{
	const struct survey	*sv = pr->sv;
	const struct survey_path *sp, *q;
	struct buf		 e = { 0 }, child = { 0 };
	const char		*px;
	struct cand		*k;
	size_t			 n = 0, i, j;

	pr->unwritable = 0;
	for (j = 0; j < kd->npaths; j++)
		gather_attrs(pr, &sv->paths[kd->paths[j]], NULL, c, &n, max,
		    &e);
	for (i = 0; i < sv->npaths; i++) {
		q = &sv->paths[i];
		for (j = 0; j < kd->npaths && q->parent != kd->paths[j]; j++)
			;
		if (j == kd->npaths || q->max_run > 1 ||
		    sv->paths[q->parent].mixed > 0)
			continue;
		buf_reset(&child);
		if (q->uri != NULL && (px = ns_prefix(pr, q->uri,
		    q->prefix)) != NULL)
			buf_printf(&child, "%s:%s", px, q->name);
		else if (q->uri != NULL) {
			pr->unwritable += q->nattrs + (q->text != NULL);
			continue;
		} else
			buf_puts(&child, q->name);
		gather_attrs(pr, q, child.data, c, &n, max, &e);
		/* An empty <state/> beside its attributes says nothing. */
		if (q->text != NULL && !has_children_somewhere(sv, kd, q) &&
		    (q->nattrs == 0 || q->text->present > q->text->empty) &&
		    (k = cand_for(c, &n, max, child.data, q->name)))
			merge_field(&k->merged, q->text);
	}
	for (j = 0; j < kd->npaths; j++) {
		sp = &sv->paths[kd->paths[j]];
		if (sp->with_children == 0 && sp->text != NULL &&
		    sp->text->present > sp->text->empty &&
		    (k = cand_for(c, &n, max, ".", sp->name)))
			merge_field(&k->merged, sp->text);
	}
	buf_free(&e);
	buf_free(&child);
	return n;
}

static void
cands_free(struct cand *c, size_t n)
{
	size_t	 i, j;

	for (i = 0; i < n; i++) {
		free(c[i].expr);
		free(c[i].name);
		for (j = 0; j < c[i].merged.nvalues; j++)
			free(c[i].merged.values[j].text);
	}
	free(c);
}

/* A kind's fields, classified; NULL-free array of *n. */
static struct cand *
kind_fields(struct proposal *pr, const struct rowkind *kd, size_t *n)
{
	struct cand	*c = xcalloc(MAX_FIELDS_OF_KIND, sizeof(*c));
	size_t		 i;

	*n = gather(pr, kd, c, MAX_FIELDS_OF_KIND);
	for (i = 0; i < *n; i++)
		c[i].kind = classify(c[i].f, c[i].xml_name, kd->count,
		    &c[i].distinct);
	return c;
}

/* What gather() could not use, said where a kind is described or proposed. */
static void
note_unwritable(struct buf *b, const struct proposal *pr)
{
	if (pr->unwritable > 0)
		buf_printf(b, "# left out: %zu field%s in a namespace whose URI "
		    "holds a control character (or past 64 namespaces): no "
		    "config line can bind it\n", pr->unwritable,
		    pr->unwritable > 1 ? "s" : "");
}

static void
comment_fields(struct buf *b, const struct rowkind *kd, const struct survey *sv,
    struct cand *c, size_t n)
{
	uint64_t	 dropped = 0;
	size_t		 i;

	for (i = 0; i < n; i++) {
		buf_printf(b, "#   %-20s in %llu of %llu", c[i].expr,
		    (unsigned long long)c[i].f->present,
		    (unsigned long long)kd->count);
		describe(b, c[i].f, c[i].kind, c[i].distinct);
		buf_putc(b, '\n');
	}
	for (i = 0; i < kd->npaths; i++)
		dropped += sv->paths[kd->paths[i]].dropped_attrs;
	if (dropped > 0)
		buf_printf(b, "#   (%llu attributes not surveyed: past %d "
		    "per element or %d in all)\n", (unsigned long long)dropped,
		    SURVEY_MAX_ATTRS, SURVEY_MAX_FIELDS);
}

/* A histogram across the range seen: a range, and one a double spans. */
static int
spreads(const struct survey_field *f)
{
	return f->max > f->min && isfinite(f->max - f->min);
}

/* The series a set makes at most: its groups, times its families. */
static size_t
set_series(const struct cand *c, size_t n, uint64_t rows)
{
	size_t	 groups = 1, per_group = 1, fixed = 2, i;

	for (i = 0; i < n; i++)
		if (c[i].labelled)
			groups *= c[i].distinct + (c[i].f->present - c[i].f->empty <
			    rows);
	for (i = 0; i < n; i++)
		if (c[i].kind == NUMBER) {
			per_group++;
			fixed++;	/* its skipped_values */
			if (spreads(c[i].f))
				fixed += NBUCKETS + 4;
		} else if (c[i].kind == DATE)
			fixed += 4;
	return groups * per_group + fixed;
}

/*
 * Numbers and dates, in the order met, while they take at most half the
 * set's budget without a label: a kind of row with a hundred numbers
 * (sysstat's sample) must not pass max-series.  The others are left out.
 */
static void
fit_values(struct cand *c, size_t n, uint64_t rows, size_t budget)
{
	size_t	 i;

	for (i = n; i > 0 && set_series(c, n, rows) > budget / 2; i--)
		if (c[i - 1].kind == NUMBER || c[i - 1].kind == DATE)
			c[i - 1].kind = OVER;
}

/* Labels: the categories, fewest values first, within the budget. */
static void
choose_labels(struct cand *c, size_t n, uint64_t rows, size_t budget)
{
	size_t	 i, best, groups = 1;

	for (;;) {
		best = SIZE_MAX;
		for (i = 0; i < n; i++)
			if (c[i].kind == CATEGORY && !c[i].labelled &&
			    (best == SIZE_MAX || c[i].distinct < c[best].distinct))
				best = i;
		if (best == SIZE_MAX)
			return;
		c[best].labelled = 1;
		if (groups * (c[best].distinct + 1) > LABEL_BUDGET ||
		    set_series(c, n, rows) > budget) {
			c[best].labelled = 0;
			c[best].kind = TEXT;	/* said left out below */
			continue;
		}
		groups *= c[best].distinct + 1;
	}
}

static void
unique_names(struct cand *c, size_t n)
{
	size_t	 i, j;
	char	*renamed;

	for (i = 0; i < n; i++) {
		c[i].name = metric_name(c[i].xml_name, NULL);
		if (strcmp(c[i].expr, ".") == 0) {
			free(c[i].name);
			c[i].name = xstrdup("text");
		}
		for (j = 0; j < i; j++)
			if (strcmp(c[i].name, c[j].name) == 0) {
				renamed = metric_name(c[i].xml_name,
				    c[i].expr[0] == '@' ? "_attr" : "_child");
				free(c[i].name);
				c[i].name = renamed;
			}
	}
}

/*
 * NBUCKETS bounds across [LO, HI], with the fewest digits (6 at least)
 * that keep them strictly increasing as --buckets reads them back; 0 if
 * no precision does (a range of a few ulps).
 */
static int
bucket_bounds(struct buf *out, double lo, double hi)
{
	double	 step = (hi - lo) / NBUCKETS, prev, d;
	char	 s[64];
	int	 prec, ok;
	size_t	 k;

	for (prec = 6; prec <= 17; prec++) {
		buf_reset(out);
		prev = -INFINITY;
		for (k = 1, ok = 1; k <= NBUCKETS && ok; k++) {
			snprintf(s, sizeof(s), "%.*g", prec, k == NBUCKETS ?
			    hi : lo + step * (double)k);
			d = strtod(s, NULL);
			ok = d > prev && isfinite(d);
			prev = d;
			buf_printf(out, "%s%s", k > 1 ? "," : "", s);
		}
		if (ok)
			return 1;
	}
	return 0;
}

static void
propose_number(struct buf *b, const struct cand *c, int grouped)
{
	struct buf	 bounds = { 0 };
	int		 spread = spreads(c->f) &&
			    bucket_bounds(&bounds, c->f->min, c->f->max);

	buf_printf(b, "# %s: ", c->expr);
	print_range(b, c->f, NUMBER);
	buf_printf(b, ": their sum%s", grouped ? " in each group" : "");
	if (spread)
		buf_puts(b, ", and how they spread (buckets from the range "
		    "seen)");
	buf_printf(b, "\nsum %s%s=%s\n", c->name, reserved_family(c->name) ?
	    "_value" : "", c->expr);
	if (spread)
		buf_printf(b, "histogram %s_spread:=%s\nbuckets %s_spread=%s\n",
		    c->name, c->expr, c->name, bounds.data);
	buf_free(&bounds);
}

static void
propose_values(struct buf *b, const struct cand *c, size_t n, int grouped)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (c[i].kind == NUMBER)
			propose_number(b, &c[i], grouped);
		else if (c[i].kind == DATE) {
			buf_printf(b, "# %s: ", c[i].expr);
			print_range(b, c[i].f, DATE);
			buf_printf(b, ": the first and the last\n"
			    "min %s_first:=date:seconds(%s)\n"
			    "max %s_last:=date:seconds(%s)\n", c[i].name,
			    c[i].expr, c[i].name, c[i].expr);
		}
}

static void
propose_left_out(struct buf *b, const struct cand *c, size_t n)
{
	static const char *const why[] = {
		[EMPTY] = "always empty",
		[IDENTIFIER] = "an identifier: as a label, one series per row",
		[TIME] = "times or dates: as a label, more series as the "
		    "store grows",
		[VERSION] = "a version, not a quantity to add up",
		[OVER] = "a number or date past the set's series budget",
		[FLAG] = "one value where present (count it with "
		    "sum NAME=boolean(EXPR))",
		[TEXT] = "free text, or too many values for a label",
		[LONG] = "long text",
		[CONSTANT] = "the same in every row",
	};
	size_t	 i;

	for (i = 0; i < n; i++)
		if (!c[i].labelled && c[i].kind != NUMBER &&
		    c[i].kind != DATE && c[i].kind != CATEGORY)
			buf_printf(b, "# left out: %s, %s\n", c[i].expr,
			    why[c[i].kind]);
}

static char *
set_name(const char *local, char **taken, size_t ntaken)
{
	char	*base = metric_name(local, NULL), *name = xstrdup(base);
	size_t	 i, k = 2, len = strlen(base) + 24;

	for (i = 0; i < ntaken; i++)
		if (strcmp(taken[i], name) == 0) {
			free(name);
			name = xmalloc(len);
			snprintf(name, len, "%s_%zu", base, k++);
			i = (size_t)-1;
		}
	free(base);
	return name;
}

/* One set: its comment, its block. */
static void
propose_set(struct buf *b, struct proposal *pr, const struct rowkind *kd,
    const char *name, size_t budget)
{
	const struct survey_path *sp = &pr->sv->paths[kd->paths[0]];
	struct cand		*c;
	size_t			 n, i, nlabels = 0;

	c = kind_fields(pr, kd, &n);
	unique_names(c, n);
	fit_values(c, n, kd->count, budget);
	choose_labels(c, n, kd->count, budget);
	buf_printf(b, "\n# %s%s: %llu rows in %zu place%s, at most %zu "
	    "series\n[%s]\n", pr->sv->rows != NULL ? "" : "//",
	    pr->sv->rows != NULL ? pr->sv->rows_src : sp->name,
	    (unsigned long long)kd->count, kd->npaths,
	    kd->npaths > 1 ? "s" : "", set_series(c, n, kd->count), name);
	if (pr->sv->rows != NULL)
		buf_printf(b, "rows %s\n", pr->sv->rows_src);
	else
		buf_printf(b, "rows //%s\n", sp->name);
	for (i = 0; i < n; i++)
		if (c[i].labelled) {
			buf_printf(b, "# %s: a category of %llu values%s\n"
			    "by %s%s=%s\n", c[i].expr,
			    (unsigned long long)c[i].distinct,
			    c[i].f->present - c[i].f->empty < kd->count ?
			    " (and 'unknown' where absent)" : "", c[i].name,
			    own_label(c[i].name) ? "_" : "", c[i].expr);
			nlabels++;
		}
	if (nlabels == 0)
		buf_puts(b, "# no category to count the rows by: by their "
		    "element's name\ntype name()\n");
	propose_values(b, c, n, nlabels > 0);
	propose_left_out(b, c, n);
	note_unwritable(b, pr);
	pr->series += set_series(c, n, kd->count);
	cands_free(c, n);
}

static void
list_paths(struct buf *b, const struct survey *sv)
{
	struct buf	 path = { 0 };
	size_t		 i;

	buf_printf(b, "#\n# Element paths, with how many there are and their "
	    "depth (%zu paths):\n", sv->npaths);
	for (i = 0; i < sv->npaths && i < MAX_LISTED; i++) {
		const struct survey_path *sp = &sv->paths[i];

		buf_reset(&path);
		path_string(&path, sv, i);
		buf_puts(b, "#   ");
		put_escaped(b, path.data, 0);
		buf_printf(b, "%*s %10llu  depth %zu", path.len < 40 ?
		    (int)(40 - path.len) : 0, "",
		    (unsigned long long)sp->count, sp->depth);
		if (sp->max_run >= 2)
			buf_printf(b, "  repeats (up to %llu in one parent)",
			    (unsigned long long)sp->max_run);
		if (sp->uri != NULL) {
			buf_puts(b, "  namespace ");
			put_escaped(b, sp->uri, 0);
		}
		buf_putc(b, '\n');
	}
	if (sv->npaths > MAX_LISTED)
		buf_printf(b, "#   ... and %zu more paths\n",
		    sv->npaths - MAX_LISTED);
	if (sv->dropped_paths > 0)
		buf_printf(b, "#   (%llu elements on paths past the first %d "
		    "not surveyed)\n", (unsigned long long)sv->dropped_paths,
		    SURVEY_MAX_PATHS);
	buf_free(&path);
}

/*
 * The kinds of rows: elements of one name that repeat somewhere (or,
 * under --rows, the rows), each with its fields.
 */
static size_t
find_kinds(const struct survey *sv, struct rowkind **out)
{
	struct rowkind	*k = NULL;
	size_t		 n = 0, i, j;

	for (i = 0; i < sv->npaths; i++) {
		const struct survey_path *sp = &sv->paths[i];

		if (sv->rows != NULL && sp->parent != SIZE_MAX)
			continue;
		for (j = 0; j < n; j++)
			/* By local name: what a --rows pattern tells apart. */
			if (sv->rows != NULL || sv->paths[k[j].paths[0]].key_name ==
			    sp->key_name)
				break;
		if (j == n) {
			k = xreallocarray(k, n + 1, sizeof(*k));
			memset(&k[n++], 0, sizeof(*k));
		}
		k[j].paths = xreallocarray(k[j].paths, k[j].npaths + 1,
		    sizeof(size_t));
		k[j].paths[k[j].npaths++] = i;
		k[j].count += sp->count;
		k[j].repeats |= sp->max_run >= 2 || sv->rows != NULL;
	}
	*out = k;
	return n;
}

/*
 * What a set of this kind would be worth to an operator: an outcome to
 * count by (a result, a status, a severity) most, another category next
 * (three at most), a number or a date (four at most) least; 0: it would
 * use nothing.  OpenSCAP's rule-result (result, severity) so comes
 * before the OVAL criteria that outnumber it.
 */
static size_t
worth(struct proposal *pr, struct rowkind *kd)
{
	struct cand	*c;
	size_t		 n, i, w = 0, others = 0, values = 0;

	c = kind_fields(pr, kd, &n);
	for (i = 0; i < n; i++)
		if (c[i].kind == CATEGORY && is_outcome_name(c[i].xml_name))
			w += c[i].distinct < 2 ? 1 : 8;
		else if (c[i].kind == CATEGORY)
			others++;
		else if (c[i].kind == NUMBER || c[i].kind == DATE)
			values++;
	cands_free(c, n);
	return w + 2 * (others < 3 ? others : 3) + (values < 4 ? values : 4);
}

static int
ranks_before(const struct rowkind *a, const struct rowkind *b)
{
	return a->useful > b->useful || (a->useful == b->useful &&
	    a->count > b->count);
}

/*
 * The kinds proposed as sets: those that repeat and hold something to
 * count by, the most worth first (then the most rows), at most MAX_SETS.
 * (Markup like <br/> in a description repeats too, but has nothing to
 * count by.)
 */
static size_t
pick_sets(struct proposal *pr, struct rowkind *k, size_t nk, size_t *sets)
{
	size_t	 n = 0, i, j;

	for (i = 0; i < nk; i++) {
		if (!k[i].repeats || k[i].count < 2 ||
		    is_markup(pr->sv, &k[i]) ||
		    (k[i].useful = worth(pr, &k[i])) == 0)
			continue;
		for (j = n; j > 0 && ranks_before(&k[i], &k[sets[j - 1]]); j--)
			if (j < MAX_SETS)
				sets[j] = sets[j - 1];
		if (j < MAX_SETS)
			sets[j] = i;
		if (n < MAX_SETS)
			n++;
	}
	return n;
}

static void
describe_rows(struct buf *b, struct proposal *pr, const struct rowkind *k,
    size_t nk)
{
	struct cand	*c;
	size_t		 i, n;

	for (i = 0; i < nk; i++) {
		if (!k[i].repeats || k[i].count < 2 || is_markup(pr->sv, &k[i]))
			continue;
		c = kind_fields(pr, &k[i], &n);
		buf_printf(b, "#\n# %s%s: %llu elements in %zu place%s; what "
		    "they hold (in how many):\n", pr->sv->rows != NULL ? "" :
		    "//", pr->sv->rows != NULL ? pr->sv->rows_src :
		    pr->sv->paths[k[i].paths[0]].name,
		    (unsigned long long)k[i].count, k[i].npaths,
		    k[i].npaths > 1 ? "s" : "");
		comment_fields(b, &k[i], pr->sv, c, n);
		note_unwritable(b, pr);
		cands_free(c, n);
	}
}

/*
 * A store whose elements are in a default namespace: rows match local
 * names, but in an expression an unprefixed name matches no element of
 * it, so say which prefix to bind, and the -n line for a command line.
 */
static void
default_namespace(struct buf *b, struct proposal *pr)
{
	const struct survey_path *root = &pr->sv->paths[0];
	const char	*px;

	if (pr->sv->npaths == 0 || root->uri == NULL || root->prefix != NULL)
		return;
	buf_puts(b, "# The store's elements are in a default namespace (");
	put_escaped(b, root->uri, 0);
	if ((px = ns_prefix(pr, root->uri, NULL)) == NULL) {
		buf_puts(b, "),\n# which no config line can bind: name them "
		    "with *[local-name()='NAME'] in expressions.\n");
		return;
	}
	buf_printf(b, "): an unprefixed name in an expression matches none of "
	    "them.\n# The lines below name them %s:NAME; on a command line, "
	    "bind the prefix with\n#   -n %s=%s\n", px, px, root->uri);
}

static void
print_header(struct buf *b, const char *file, const struct survey *sv)
{
	buf_printf(b, "# xml2prom --survey %s%s", sv->rows != NULL ?
	    "--rows " : "", sv->rows != NULL ? sv->rows_src : "");
	put_escaped(b, file, 0);
	buf_printf(b, ": %llu elements, %zu paths, depth %zu\n",
	    (unsigned long long)sv->elements, sv->npaths, sv->max_depth);
	if (sv->cut_at_line > 0)
		buf_printf(b, "# CUT: the survey stopped at line %lu: the store "
		    "has more than %d distinct element and attribute names,\n"
		    "# which the parser would all keep.  What follows is what "
		    "it saw until then.\n", sv->cut_at_line, SURVEY_MAX_NAMES);
	if (sv->rows != NULL)
		buf_printf(b, "# %llu elements match --rows %s\n",
		    (unsigned long long)sv->rows_matched, sv->rows_src);
}

/*
 * Would node_exporter, or the Go and process collectors beside it, own
 * metrics under PREFIX?  A store must not pick names that shadow theirs
 * (node_textfile_scrape_error, say).
 */
static int
foreign_prefix(const char *prefix)
{
	static const char *const owned[] = { "node_", "go_", "process_",
	    "promhttp_" };
	size_t	 i, n = strlen(prefix);

	/* PREFIX_ starts their names: "node" and "node_x" are theirs. */
	for (i = 0; i < sizeof(owned) / sizeof(owned[0]); i++)
		if ((strncmp(prefix, owned[i], strlen(owned[i])) == 0) ||
		    (n + 1 == strlen(owned[i]) &&
		    strncmp(prefix, owned[i], n) == 0))
			return 1;
	return 0;
}

/* NAME (an element's or a file's) as a prefix, or NULL if it cannot be. */
static char *
prefix_from(const char *name, size_t len)
{
	char	*copy = xstrndup(name, len), *prefix;

	prefix = len > 0 ? metric_name(copy, NULL) : NULL;
	free(copy);
	if (prefix != NULL && (reserved_family(prefix) ||
	    !names_is_metric(prefix) || foreign_prefix(prefix))) {
		free(prefix);
		prefix = NULL;
	}
	return prefix;
}

/*
 * The prefix: after the document element, else after the file's name
 * (without its directory and extensions), else "store"; never one that
 * node_exporter's own metrics have.
 */
static char *
choose_prefix(struct buf *b, const struct survey *sv, const char *file)
{
	const char	*base = strrchr(file, '/') != NULL ?
			    strrchr(file, '/') + 1 : file;
	char		*prefix = NULL;

	if (sv->root != NULL && (prefix = prefix_from(sv->root,
	    strlen(sv->root))) == NULL)
		buf_puts(b, "# (the document element's name would make a "
		    "prefix that is not valid or not ours)\n");
	if (prefix == NULL)
		prefix = prefix_from(base, strcspn(base, "."));
	return prefix != NULL ? prefix : xstrdup("store");
}

void
survey_print(struct buf *b, const char *file, const struct survey *sv,
    size_t max_series)
{
	struct proposal	 pr;
	struct rowkind	*kinds;
	size_t		 sets[MAX_SETS], nsets, nkinds, i, budget;
	char		*names[MAX_SETS], *prefix;

	memset(&pr, 0, sizeof(pr));
	pr.sv = sv;
	print_header(b, file, sv);
	list_paths(b, sv);
	nkinds = find_kinds(sv, &kinds);
	describe_rows(b, &pr, kinds, nkinds);
	nsets = pick_sets(&pr, kinds, nkinds, sets);
	buf_puts(b, "#\n# A configuration that counts them, as it is:\n"
	    "#   xml2prom -c THIS_FILE -o - ");
	put_escaped(b, file, 0);
	buf_putc(b, '\n');
	if (nsets == 0)
		buf_puts(b, "# (no kind of element repeats with something to "
		    "count it by: the store's own metrics only)\n");
	prefix = choose_prefix(b, sv, file);
	default_namespace(b, &pr);
	/* describe_rows() bound every namespace the sets' fields need. */
	buf_printf(b, "prefix %s\nmax-series %zu\n", prefix, max_series);
	for (i = 0; i < pr.nns; i++)
		buf_printf(b, "namespace %s=%s\n", pr.prefixes[i], pr.uris[i]);
	budget = nsets > 0 ? (max_series - 10) / nsets : max_series;
	for (i = 0; i < nsets; i++) {
		names[i] = set_name(sv->paths[kinds[sets[i]].paths[0]].name,
		    names, i);
		propose_set(b, &pr, &kinds[sets[i]], names[i], budget);
	}
	if (pr.series > max_series)
		buf_printf(b, "\n# these sets make up to %zu series: past "
		    "max-series %zu, drop a label above\n", pr.series,
		    max_series);
	for (i = 0; i < nsets; i++)
		free(names[i]);
	for (i = 0; i < nkinds; i++)
		free(kinds[i].paths);
	free(kinds);
	for (i = 0; i < pr.nns; i++)
		free(pr.prefixes[i]);
	free(prefix);
}
