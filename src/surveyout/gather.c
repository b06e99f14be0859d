/*
 * gather.c: the fields of a kind of row (see surveyout.h): its
 * attributes, the attributes and text of its children that are at most
 * one per row, and its own text, merged over the kind's paths and
 * classified, and the comment that lists them.
 */
#include <stdlib.h>
#include <string.h>

#include "survey.h"
#include "surveyout.h"

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
int
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

void
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
struct cand *
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
void
note_unwritable(struct buf *b, const struct proposal *pr)
{
	if (pr->unwritable > 0)
		buf_printf(b, "# left out: %zu field%s in a namespace whose URI "
		    "holds a control character (or past 64 namespaces): no "
		    "config line can bind it\n", pr->unwritable,
		    pr->unwritable > 1 ? "s" : "");
}

void
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
