/*
 * model.c: building and checking the fields and families (see model.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xpathInternals.h>

#include "defaults.h"
#include "model.h"
#include "names.h"
#include "own.h"
#include "bounds.h"
#include "xmlcompat.h"

/* Prometheus' default histogram buckets (client_golang DefBuckets). */
static const double default_bounds[] = {
	.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10
};

static int spec_error(struct buf *, const struct model_spec *, const char *,
    ...) __attribute__((format(printf, 3, 4)));

static int
spec_error(struct buf *err, const struct model_spec *s, const char *fmt, ...)
{
	va_list	 ap;

	buf_printf(err, "%s--%s: ", s->origin, s->option);
	va_start(ap, fmt);
	buf_vprintf(err, fmt, ap);
	va_end(ap);
	return -1;
}

/* NAME=REST: splits `arg` at its first '='. */
static int
split(const struct model_spec *s, char **name, char **rest, struct buf *err,
    const char *form)
{
	char	*eq = strchr(s->arg, '=');

	if (eq == NULL || eq == s->arg)
		return spec_error(err, s, "'%s': expected %s", s->arg, form);
	*eq = '\0';
	*name = s->arg;
	*rest = eq + 1;
	return 0;
}

static int
find_label(const struct model *m, const char *name, size_t len)
{
	size_t	 i;

	for (i = 0; i < m->nlabels; i++)
		if (strlen(m->labels[i].name) == len &&
		    memcmp(m->labels[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

static int
find_value(const struct model *m, const char *name)
{
	size_t	 i;

	for (i = 0; i < m->nvalues; i++)
		if (strcmp(m->values[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* A field's expression; its errors say where the option was given. */
static int
compile(struct fieldexpr *te, const char *expr, const char *what,
    int is_value, const struct model_spec *s, const struct nsbinding *ns,
    size_t nns, struct buf *err)
{
	struct buf	 msg = { 0 };
	int		 rc;

	if ((rc = fieldexpr_compile(te, expr, what, is_value, ns, nns, &msg)) ==
	    -1)
		buf_printf(err, "%s%s", s->origin, msg.data);
	buf_free(&msg);
	return rc;
}

/*
 * A constant's number, for a --sum of it, which counts rows (times it):
 * the value on an empty row is the value on every row.
 */
static double
constant_number(const struct fieldexpr *fe, const char *src)
{
	xmlDocPtr		 doc = xmlNewDoc(XMLSTR("1.0"));
	xmlXPathContextPtr	 ctx = fieldexpr_context(fe, doc);
	xmlXPathObjectPtr	 res = NULL;
	double			 v = NAN;

	if (ctx != NULL && (res = xmlXPathEvalExpression(XMLSTR(src), ctx)) !=
	    NULL)
		v = xmlXPathCastToNumber(res);
	xmlXPathFreeObject(res);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
	return v;
}

/*
 * A field that reads nothing of the row gives every row the same: said
 * as a warning (options.h), the commonest cause first, a path in quotes
 * in a -c file, whose rest of the line is the expression verbatim.
 */
static void
note_constant(struct model *m, const struct model_spec *s, const char *what,
    const char *src, const char *what_same)
{
	size_t	 n = strlen(src);

	m->nconstant++;
	buf_printf(&m->warnings, "xml2prom: %s%s '%s' reads nothing of the row: every "
	    "row gets the same %s", s->origin, what, src, what_same);
	if (n >= 2 && (src[0] == '"' || src[0] == '\'') && src[n - 1] == src[0])
		buf_printf(&m->warnings, "; in quotes, %.*s is a string, not a "
		    "path: write it without them", (int)(n - 2), src + 1);
	buf_putc(&m->warnings, '\n');
}

static int
add_label(struct model *m, const struct model_spec *s,
    const char *const *constants, size_t nconstants,
    const struct nsbinding *ns, size_t nns, struct buf *err)
{
	struct label_field	*l;
	struct buf		 what = { 0 };
	char			*name = NULL, *expr = NULL;
	size_t			 i;

	if (split(s, &name, &expr, err, "NAME=EXPR") == -1)
		return -1;
	if (!names_is_label(name))
		return spec_error(err, s, "'%s' is not a valid label name", name);
	if (own_label(name))
		return spec_error(err, s, "'%s' is a label xml2prom writes "
		    "itself", name);
	if (find_label(m, name, strlen(name)) != -1)
		return spec_error(err, s, "label '%s' given twice", name);
	for (i = 0; i < nconstants; i++)
		if (strcmp(constants[i], name) == 0)
			return spec_error(err, s, "'%s' is also a --label",
			    name);
	if (m->nlabels == MODEL_MAX_LABELS)
		return spec_error(err, s, "more than %d labels",
		    MODEL_MAX_LABELS);
	l = &m->labels[m->nlabels];
	l->name = name;
	l->src = expr;
	l->missing = DEFAULT_MISSING;
	if (strcmp(s->option, "type") == 0)
		buf_puts(&what, "--type");
	else
		buf_printf(&what, "--by %s", name);
	l->what = buf_steal(&what);
	if (compile(&l->expr, expr, l->what, 0, s, ns, nns, err) == -1)
		return -1;
	if (l->expr.constant)
		note_constant(m, s, l->what, expr, "label (a constant label "
		    "is -l NAME=VALUE)");
	if (strcmp(name, "type") == 0)
		m->type_label = (int)m->nlabels;
	m->nlabels++;
	return 0;
}

static int
set_missing(struct model *m, const char *name, const char *value,
    const struct model_spec *s, struct buf *err)
{
	int	 i = find_label(m, name, strlen(name));

	if (i == -1)
		return spec_error(err, s, "no label '%s' (declare it with "
		    "--by)", name);
	if (value[0] == '\0' || strlen(value) > SCAN_MAX_FIELD_LEN ||
	    !names_is_utf8(value, strlen(value))) {
		buf_printf(err, "%s--%s '%s': must be a non-empty UTF-8 name",
		    s->origin, s->option, value);
		return -1;
	}
	m->labels[i].missing = value;
	return 0;
}

static int
has_suffix(const char *s, const char *suffix)
{
	size_t	 n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* A family name promtool's lint and the built-in families leave free. */
static int
check_family_name(const struct model *m, const struct model_spec *s,
    const char *name, struct buf *err)
{
	static const char *const reserved_suffixes[] = {
		"_total", "_count", "_sum", "_bucket"
	};
	const char	*p;
	size_t		 i;

	for (p = name; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '_'))
			return spec_error(err, s, "'%s': a family name is "
			    "lower case letters, digits and '_'", name);
	if (name[0] == '\0' || (name[0] >= '0' && name[0] <= '9'))
		return spec_error(err, s, "'%s' is not a valid metric name",
		    name);
	/* Written as PREFIX_NAME: 'total' too makes a name ending '_total'. */
	for (i = 0; i < sizeof(reserved_suffixes) / sizeof(*reserved_suffixes);
	    i++)
		if (has_suffix(name, reserved_suffixes[i]) ||
		    strcmp(name, reserved_suffixes[i] + 1) == 0)
			return spec_error(err, s, "'%s': a name ending '%s' "
			    "is for %s; choose another", name,
			    reserved_suffixes[i], i == 0 ? "counters" :
			    "a histogram's own series");
	if (own_family(name))
			return spec_error(err, s, "'%s' is a family xml2prom "
			    "writes itself", name);
	if (find_value(m, name) != -1)
		return spec_error(err, s, "family '%s' given twice", name);
	return 0;
}

/* ':' L,L... after the family name: which labels it is grouped by. */
static int
family_labels(const struct model *m, const struct model_spec *s, char *list,
    uint32_t *mask, struct buf *err)
{
	char		*l, *end;
	uint32_t	 bit;
	int		 i;

	*mask = 0;
	for (l = list; *l != '\0'; l = *end != '\0' ? end + 1 : end) {
		end = l + strcspn(l, ",");
		if ((i = find_label(m, l, (size_t)(end - l))) == -1)
			return spec_error(err, s, "'%.*s' is not a label "
			    "declared with --by (or -t)", (int)(end - l), l);
		bit = UINT32_C(1) << i;
		if (*mask & bit)
			return spec_error(err, s, "label '%.*s' listed twice",
			    (int)(end - l), l);
		*mask |= bit;
	}
	return 0;
}

static int
add_value(struct model *m, const struct model_spec *s,
    const struct nsbinding *ns, size_t nns, struct buf *err)
{
	struct value_family	*f;
	struct buf		 what = { 0 };
	char			*name = NULL, *expr = NULL, *colon;

	if (split(s, &name, &expr, err, "FAMILY[:LABEL,...]=EXPR") == -1)
		return -1;
	if (m->nvalues == MODEL_MAX_VALUES)
		return spec_error(err, s, "more than %d value families",
		    MODEL_MAX_VALUES);
	f = &m->values[m->nvalues];
	f->labels = m->nlabels == 32 ? UINT32_MAX :
	    (UINT32_C(1) << m->nlabels) - 1;
	if ((colon = strchr(name, ':')) != NULL) {
		*colon = '\0';
		if (family_labels(m, s, colon + 1, &f->labels, err) == -1)
			return -1;
	}
	if (check_family_name(m, s, name, err) == -1)
		return -1;
	f->name = name;
	f->src = expr;
	f->agg = strcmp(s->option, "sum") == 0 ? AGG_SUM :
	    strcmp(s->option, "min") == 0 ? AGG_MIN :
	    strcmp(s->option, "max") == 0 ? AGG_MAX :
	    strcmp(s->option, "first") == 0 ? AGG_FIRST :
	    strcmp(s->option, "last") == 0 ? AGG_LAST : AGG_HISTOGRAM;
	if (f->agg == AGG_HISTOGRAM) {
		f->bounds = default_bounds;
		f->nbounds = sizeof(default_bounds) / sizeof(*default_bounds);
	}
	buf_printf(&what, "--%s %s", s->option, name);
	f->what = buf_steal(&what);
	if (compile(&f->expr, expr, f->what, 1, s, ns, nns, err) == -1)
		return -1;
	if (f->expr.constant && !(f->agg == AGG_SUM &&
	    isfinite(constant_number(&f->expr, expr))))
		note_constant(m, s, f->what, expr, "value");
	m->nvalues++;
	return 0;
}

static int
set_buckets(struct model *m, const struct model_spec *s, struct buf *err)
{
	struct value_family	*f;
	char			*name = NULL, *list = NULL, *p, *end;
	double			*b;
	size_t			 n = 0;
	int			 i;

	if (split(s, &name, &list, err, "FAMILY=B1,B2,...") == -1)
		return -1;
	if ((i = find_value(m, name)) == -1 ||
	    m->values[i].agg != AGG_HISTOGRAM)
		return spec_error(err, s, "no --histogram family '%s'", name);
	f = &m->values[i];
	/* A later --buckets for the same family replaces the earlier one. */
	free(m->bounds_storage[i]);
	b = m->bounds_storage[i] = xcalloc(MODEL_MAX_BUCKETS, sizeof(*b));
	f->bounds = default_bounds;
	f->nbounds = sizeof(default_bounds) / sizeof(*default_bounds);
	for (p = list; ; p = end + 1) {
		errno = 0;
		if (n == MODEL_MAX_BUCKETS)
			return spec_error(err, s, "more than %d buckets",
			    MODEL_MAX_BUCKETS);
		b[n] = strtod(p, &end);
		if (end == p || (*end != ',' && *end != '\0') || errno != 0 ||
		    !isfinite(b[n]))
			return spec_error(err, s, "'%s': expected finite "
			    "numbers separated by ','", list);
		if (n > 0 && b[n] <= b[n - 1])
			return spec_error(err, s, "'%s': buckets must be "
			    "strictly increasing", list);
		n++;
		if (*end == '\0')
			break;
	}
	f->bounds = b;
	f->nbounds = n;
	return 0;
}

/*
 * --where EXPR: read as boolean(EXPR), a value field of 0 or 1, streamed
 * when that streams.  EXPR is compiled alone first, so that its errors
 * quote it as given and only a whole expression is wrapped: '@a) or (@b'
 * must not pass as boolean(@a) or (@b).
 */
static int
set_where(struct model *m, const struct model_spec *s,
    const struct nsbinding *ns, size_t nns, struct buf *err)
{
	struct fieldexpr	 alone;
	struct buf		 wrapped = { 0 };
	int			 rc;

	if (m->where.src != NULL)
		return spec_error(err, s, "given twice in one set ('%s', then "
		    "'%s'): join them with 'and'", m->where.src, s->arg);
	if (compile(&alone, s->arg, "--where", 0, s, ns, nns, err) == -1)
		return -1;
	fieldexpr_free(&alone);
	buf_printf(&wrapped, "boolean(%s)", s->arg);
	rc = compile(&m->where.expr, wrapped.data, "--where", 1, s, ns, nns,
	    err);
	buf_free(&wrapped);
	if (rc == -1)
		return -1;
	m->where.src = s->arg;
	m->where.origin = s->origin;
	if (m->where.expr.constant)
		note_constant(m, s, "--where", s->arg, "answer: all rows or "
		    "none");
	return 0;
}

static int
is_value_option(const char *o)
{
	return strcmp(o, "sum") == 0 || strcmp(o, "min") == 0 ||
	    strcmp(o, "max") == 0 || strcmp(o, "histogram") == 0 ||
	    strcmp(o, "first") == 0 || strcmp(o, "last") == 0;
}

/*
 * Labels first (every value family may name any of them), then values,
 * then what refers to them: --missing and --buckets.
 */
int
model_build(struct model *m, const struct model_spec *given, size_t nspecs,
    const char *const *constants,
    size_t nconstants, const struct nsbinding *ns, size_t nns,
    struct buf *err)
{
	struct model_spec	 dflt = { "type", NULL, "" }, *specs;
	char			*name = NULL, *value = NULL;
	size_t			 i;

	memset(m, 0, sizeof(*m));
	m->type_label = -1;
	/* The model's names and expressions point into its own copies. */
	specs = m->specs = xcalloc(nspecs + 1, sizeof(*specs));
	m->nspecs = nspecs + 1;
	for (i = 0; i < nspecs; i++) {
		specs[i] = given[i];
		specs[i].arg = xstrdup(given[i].arg);
	}
	specs[nspecs] = dflt;
	specs[nspecs].arg = xstrdup("type=" DEFAULT_TYPE);
	for (i = 0; i < nspecs; i++)
		if ((strcmp(specs[i].option, "by") == 0 ||
		    strcmp(specs[i].option, "type") == 0) &&
		    add_label(m, &specs[i], constants, nconstants, ns, nns,
		    err) == -1)
			return -1;
	if (m->nlabels == 0 && add_label(m, &specs[nspecs], constants,
	    nconstants, ns, nns, err) == -1)
		return -1;
	for (i = 0; i < nspecs; i++)
		if (is_value_option(specs[i].option) &&
		    add_value(m, &specs[i], ns, nns, err) == -1)
			return -1;
	for (i = 0; i < nspecs; i++) {
		if (strcmp(specs[i].option, "where") == 0 &&
		    set_where(m, &specs[i], ns, nns, err) == -1)
			return -1;
		if (strcmp(specs[i].option, "buckets") == 0 &&
		    set_buckets(m, &specs[i], err) == -1)
			return -1;
		if (strcmp(specs[i].option, "missing-type") == 0 &&
		    m->type_label == -1)
			return spec_error(err, &specs[i], "%s", "no type label "
			    "(--by replaced it): use --missing NAME=VALUE");
		if (strncmp(specs[i].option, "missing", 7) != 0)
			continue;
		if (split(&specs[i], &name, &value, err, "NAME=VALUE") == -1 ||
		    set_missing(m, name, value, &specs[i], err) == -1)
			return -1;
	}
	return 0;
}

void
model_free(struct model *m)
{
	size_t	 i;

	for (i = 0; i <= m->nlabels && i < MODEL_MAX_LABELS; i++) {
		fieldexpr_free(&m->labels[i].expr);
		free(m->labels[i].what);
	}
	for (i = 0; i <= m->nvalues && i < MODEL_MAX_VALUES; i++) {
		fieldexpr_free(&m->values[i].expr);
		free(m->values[i].what);
		free(m->bounds_storage[i]);
	}
	fieldexpr_free(&m->where.expr);
	buf_free(&m->warnings);
	for (i = 0; i < m->nspecs; i++)
		free(m->specs[i].arg);
	free(m->specs);
	memset(m, 0, sizeof(*m));
}

static int
in_list(const char *const *list, size_t n, const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strlen(list[i]) == len && memcmp(list[i], s, len) == 0)
			return 1;
	return 0;
}

/* Is a row of this type reported, by -i and -x? */
int
model_type_reported(const struct model *m, const char *type, size_t len)
{
	if (in_list(m->exclude, m->nexclude, type, len))
		return 0;
	return m->ninclude == 0 || in_list(m->include, m->ninclude, type, len);
}

/* Does -i or -x leave some rows out? */
int
model_filters(const struct model *m)
{
	return m->ninclude > 0 || m->nexclude > 0;
}

/* Series one group adds: a histogram has its buckets, +Inf, sum, count. */
size_t
model_series_per_group(const struct value_family *f)
{
	return f->agg == AGG_HISTOGRAM ? f->nbounds + 3 : 1;
}
