/*
 * rowread.c: a row ends, and becomes a sample of its set.  Each field's
 * string comes from what its streamed paths captured (capture.c), or from
 * libxml2's XPath on the row's tree (rowtree.h); a label's string is its
 * value (or the label's missing value when empty), a value's string
 * becomes its number as XPath's number() or EXSLT's date:seconds() would
 * make it.  A row --where leaves out is in no count; one whose type -i/-x
 * leave out is counted in total_rows only; a value that is no finite
 * number is skipped, and --dump says why.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xpathInternals.h>

#include "datetime.h"
#include "scanner.h"

/* A set's readers, as its plan says. */
void
rowread_init(struct set_reader *set, const struct plan_set *plan)
{
	set->plan = plan;
	set->m = &plan->rs->model;
}

void
rowread_free(struct set_reader *set)
{
	size_t	 i;

	for (i = 0; i < set->plan->nfields; i++) {
		buf_free(&set->field[i].scratch);
		buf_free(&set->field[i].date_text);
	}
	free(set->pending);
}

/*
 * A field's string, for an XPath field evaluated on the row's tree, into
 * its scratch; for a value that is a number or a boolean, its number in
 * `*number` and 1.
 */
static int
evaluate(struct scanner *s, struct set_reader *set, size_t i,
    xmlNodePtr row, double *number)
{
	const struct plan_field	*f = &set->plan->field[i];
	struct buf		*out = &set->field[i].scratch;
	xmlXPathObjectPtr	 res;
	xmlChar			*str;
	const char		*why;
	int			 is_number = 0;

	s->xpath->node = row;
	res = xmlXPathCompiledEval(f->expr->comp, s->xpath);
	if (res == NULL) {
		why = xmlerr_first(&s->rd.xmlerr);
		scanner_stop(s, FAILURE_PARSE, "the %s expression failed on this "
		    "row: %s", f->option, why != NULL ? why : "unknown error");
		return -1;
	}
	buf_reset(out);
	if (i >= set->m->nlabels && (res->type == XPATH_NUMBER ||
	    res->type == XPATH_BOOLEAN)) {
		*number = xmlXPathCastToNumber(res);
		is_number = 1;
	} else if ((str = xmlXPathCastToString(res)) != NULL) {
		buf_puts(out, (const char *)str);
		xmlFree(str);
	}
	xmlXPathFreeObject(res);
	return is_number;
}

/*
 * date:seconds() of a field's string, remembered: stores repeat their
 * dates (a JUnit suite's timestamp, read by each of its test cases).
 */
static double
date_seconds(struct field_reader *f, const char *p, size_t len)
{
	if (f->date_text.len != len ||
	    memcmp(f->date_text.data, p, len) != 0) {
		buf_reset(&f->date_text);
		buf_append(&f->date_text, p, len);
		f->date_seconds = datetime_seconds(p, len);
	}
	return f->date_seconds;
}

/*
 * A value's number from its string, as XPath's number() or date:seconds;
 * `copy` makes it NUL-terminated for libxml2.
 */
static double
to_number(struct field_reader *f, const struct fieldexpr *te, const char *p,
    size_t len, struct buf *copy)
{
	double			 n;

	if (len == 0)		/* number("") and date:seconds("") alike */
		return NAN;
	if (te->kind == FIELD_STREAMED && te->convert == CONVERT_DATE)
		return date_seconds(f, p, len);
	if (xpstream_plain_number(p, len, &n))
		return n;
	buf_reset(copy);
	buf_append(copy, p, len);
	buf_putc(copy, '\0');
	return xmlXPathCastStringToNumber(XMLSTR(copy->data));
}

/* The strings a row gave each field, or for an XPath value, a number. */
struct row_strings {
	struct xpstream_text	 text[SCAN_MAX_FIELDS];
	int			 is_number[SCAN_MAX_FIELDS];
	double			 number[SCAN_MAX_FIELDS];
};

/*
 * A streamed field's string from its paths' (leaves[]): the path's own
 * when the expression is one path, else computed into its scratch; for a
 * value that is a number or a test, its number.
 */
static int
stream_field(struct scanner *s, struct set_reader *set, size_t i,
    const struct xpstream_text *leaves, struct row_strings *rs)
{
	const struct plan_field	*pf = &set->plan->field[i];
	struct field_reader	*f = &set->field[i];
	const struct xpstream	*prog = &pf->expr->prog;
	struct xpstream_text	*text = &rs->text[i];

	rs->is_number[i] = pf->kind == PLAN_NUMBER;
	if (pf->kind == PLAN_NUMBER) {
		rs->number[i] = xpstream_eval_number(prog, leaves, &f->scratch);
		text->p = NULL;
		text->len = 0;
		return 0;
	}
	if (pf->kind != PLAN_STRING) {	/* one path: its string */
		*text = leaves[0];
		return 0;
	}
	xpstream_eval(prog, leaves, &f->scratch);
	text->p = f->scratch.data;
	text->len = f->scratch.len;
	if (i < set->m->nlabels && text->len > SCAN_MAX_FIELD_LEN) {
		scanner_too_long(s, set, i);
		return -1;
	}
	return 0;
}

/*
 * Each field's string: a streamed field's from what its paths captured
 * (`cap`), an XPath field's from the row's tree.  -1 if the scan stops.
 */
static int
read_fields(struct scanner *s, struct set_reader *set,
    const struct capture *cap, xmlNodePtr row, struct row_strings *rs)
{
	struct xpstream_text	 leaves[XPSTREAM_MAX_LEAVES];
	const struct plan_set	*ps = set->plan;
	const struct plan_field	*f;
	size_t			 i, k, n = ps->nfields;
	int			 rc;

	for (i = 0; i < n; i++) {
		f = &ps->field[i];
		if (f->kind != PLAN_TREE) {
			for (k = 0; k < f->nleaves; k++) {
				leaves[k].p = cap[f->first_leaf + k].text.data;
				leaves[k].len = cap[f->first_leaf + k].text.len;
				leaves[k].count = cap[f->first_leaf + k].count;
			}
			if (stream_field(s, set, i, leaves, rs) == -1)
				return -1;
			continue;
		}
		if ((rc = evaluate(s, set, i, row, &rs->number[i])) == -1)
			return -1;
		rs->is_number[i] = rc;
		rs->text[i].p = set->field[i].scratch.data;
		rs->text[i].len = set->field[i].scratch.len;
		if (i < set->m->nlabels &&
		    rs->text[i].len > SCAN_MAX_FIELD_LEN) {
			scanner_too_long(s, set, i);
			return -1;
		}
	}
	return 0;
}

/* For --dump: why a value was skipped. */
static void
why_skipped(struct row_report *rep, size_t i, const struct fieldexpr *te,
    const struct xpstream_text *text, int is_number, double v)
{
	rep->skip_text[i] = NULL;
	if (is_number) {
		rep->skip_why[i] = isnan(v) ? "not a number (NaN)" :
		    "not a finite number";
		return;
	}
	if (text->len == 0) {
		rep->skip_why[i] = "empty";
		return;
	}
	rep->skip_text[i] = text->p;
	rep->skip_len[i] = text->len;
	if (te->kind == FIELD_STREAMED && te->convert == CONVERT_DATE)
		rep->skip_why[i] = "is not a date";
	else
		rep->skip_why[i] = isnan(v) ? "is not a number" :
		    "is not a finite number";
}

static int
type_reported(const struct set_reader *set, const struct row *r)
{
	int	 t = set->m->type_label;

	return t < 0 || model_type_reported(set->m, r->label[t],
	    r->label_len[t]);
}

/* The row's labels: a field's string, or the label's missing value. */
static void
take_labels(struct set_reader *set, const struct row_strings *rs,
    struct row *r)
{
	const struct model	*m = set->m;
	size_t			 i;

	for (i = 0; i < m->nlabels; i++) {
		if (rs->text[i].len == 0) {
			r->label[i] = m->labels[i].missing;
			r->label_len[i] = strlen(r->label[i]);
			set->tally->empty[i]++;
		} else {
			r->label[i] = rs->text[i].p;
			r->label_len[i] = rs->text[i].len;
		}
	}
}

/* The row's values, each a finite number or skipped (and why). */
static void
take_values(struct scanner *s, struct set_reader *set,
    const struct row_strings *rs, struct row *r, struct row_report *rep)
{
	const struct model	*m = set->m;
	const struct xpstream_text *t;
	size_t			 i, f;

	for (i = 0; i < m->nvalues; i++) {
		f = m->nlabels + i;
		t = &rs->text[f];
		r->value[i] = rs->is_number[f] ? rs->number[f] :
		    to_number(&set->field[f], &m->values[i].expr, t->p, t->len,
		    &s->number_text);
		r->has_value[i] = isfinite(r->value[i]);
		if (!r->has_value[i])
			why_skipped(rep, i, &m->values[i].expr, t,
			    rs->is_number[f], r->value[i]);
	}
}

/* Does boolean(EXPR) of --where, its set's last field, hold for the row? */
static int
passes_where(const struct set_reader *set, const struct row_strings *rs)
{
	size_t	 w = set->plan->nfields - 1;

	/* boolean() gives a number: 0 or 1, streamed or on the tree */
	return rs->is_number[w] ? rs->number[w] != 0 : rs->text[w].len > 0;
}

/*
 * --max-series is the output's, every set's together: past it the whole
 * store fails, said with the set whose row passed it.
 */
static void
stop_over_limit(struct scanner *s, const struct set_reader *set)
{
	const char	*name = set->plan->rs->name;

	scanner_stop(s, FAILURE_LIMIT, "%s%s%s%s", name != NULL ? "set " : "",
	    name != NULL ? name : "", name != NULL ? ": " : "", s->why.data);
}

/*
 * Counts the row whose fields' strings (or numbers) are in `rs`, its
 * place among the rows `seq`; its sums into `later` when not now
 * (tally_add_later).
 */
static void
finish_row(struct scanner *s, struct set_reader *set,
    const struct row_strings *rs, unsigned long line, uint64_t seq,
    struct tally_addend *later)
{
	struct row		 r;
	struct row_report	 rep;

	r.seq = seq;
	if (set->plan->has_where && !passes_where(set, rs)) {
		set->tally->not_where++;
		rep.left_out = 1;
		if (s->p->dump)
			s->p->on_row(s->p->on_row_arg, set->plan->rs,
			    line, &r, &rep);
		return;
	}
	take_labels(set, rs, &r);
	rep.reported = !set->plan->filtering || type_reported(set, &r);
	if (!rep.reported)
		tally_filtered(set->tally);
	else {
		take_values(s, set, rs, &r, &rep);
		if (tally_add_later(set->tally, &r, later, &s->why) == -1) {
			stop_over_limit(s, set);
			return;
		}
	}
	if (s->p->dump) {
		rep.left_out = 0;
		s->p->on_row(s->p->on_row_arg, set->plan->rs, line,
		    &r, &rep);
	}
}

/* Every path of the set complete at the row's start tag: so is the row. */
void
rowread_start_tag(struct scanner *s, struct set_reader *set,
    const struct start_tag *tag, unsigned long line)
{
	struct row_strings	 rs;
	struct xpstream_text	 leaves[XPSTREAM_MAX_LEAVES];
	struct stream_leaf	*l;
	const struct plan_set	*ps = set->plan;
	const struct plan_field	*f;
	size_t			 i, k, n = ps->nfields;

	for (i = 0; i < n; i++) {
		f = &ps->field[i];
		if (f->kind == PLAN_ROW_ATTRIBUTE) { /* the commonest, directly */
			l = &set->leaf[f->first_leaf];
			rs.text[i].p = capture_tag_attribute(l, tag,
			    &rs.text[i].len);
			rs.is_number[i] = 0;
			if (rs.text[i].len > l->plan->limit) {
				scanner_too_long(s, set, i);
				return;
			}
			continue;
		}
		for (k = 0; k < f->nleaves; k++) {
			l = &set->leaf[f->first_leaf + k];
			leaves[k].p = capture_start_leaf(s, l, tag,
			    &leaves[k].len);
			leaves[k].count = leaves[k].p != NULL;
			if (leaves[k].len > l->plan->limit) {
				scanner_too_long(s, set, i);
				return;
			}
		}
		if (stream_field(s, set, i, leaves, &rs) == -1)
			return;
	}
	finish_row(s, set, &rs, line, s->rows_started, NULL);
}

/*
 * A row opens.  Rows read at their end tag end in the order of their end
 * tags, after the rows of their set inside them; document order is that
 * of start tags.  Sums are added in document order (see tally.c), so a
 * row inside an open row of its set has the place of its sums reserved
 * now, in that order, and filled when it ends; the outermost adds its
 * own sums when it ends, then theirs.  What is held is bounded as a
 * row's tree is (SCAN_MAX_ROW_BYTES).
 */
void
rowread_open(struct scanner *s, struct open_row *r)
{
	struct set_reader	*set = r->set;
	size_t			 n = set->m->nvalues;

	r->nested = set->open++ > 0;
	if (!r->nested || n == 0)
		return;
	if (set->npending + n > set->pending_cap) {
		set->pending_cap = set->pending_cap > n ?
		    set->pending_cap * 2 : 16 * n;
		set->pending = xreallocarray(set->pending, set->pending_cap,
		    sizeof(*set->pending));
	}
	r->sums = set->npending;
	memset(&set->pending[r->sums], 0, n * sizeof(*set->pending));
	set->npending += n;
	if (set->npending * sizeof(*set->pending) > SCAN_MAX_ROW_BYTES)
		scanner_holds_too_much(s);
}

/* An open row ends: read its fields, count it. */
void
rowread_close(struct scanner *s, struct open_row *r)
{
	struct set_reader	*set = r->set;
	struct row_strings	 rs;
	xmlNodePtr		 tree_row = NULL;

	if (s->rd.error.len > 0)
		return;
	if (set->plan->needs_tree) {
		if ((tree_row = rowtree_current(&s->tree)) == NULL) {
			scanner_stop(s, FAILURE_LIMIT, "%s",
			    "out of memory building a row");
			return;
		}
		if (s->xpath == NULL && (s->xpath = fieldexpr_context(
		    set->plan->field[0].expr, s->tree.doc)) == NULL) {
			scanner_stop(s, FAILURE_LIMIT, "%s",
			    "cannot set up XPath evaluation");
			return;
		}
	}
	if (read_fields(s, r->set, r->cap, tree_row, &rs) == -1)
		return;
	finish_row(s, r->set, &rs, r->line, r->seq,
	    r->nested && set->m->nvalues > 0 ? &set->pending[r->sums] : NULL);
	if (--set->open == 0 && set->npending > 0) {
		tally_add_sums(set->pending, set->npending);
		set->npending = 0;
	}
}
