/*
 * plan.c: the scan plan (see plan.h), built from the row sets alone
 * before any store is read, and printed for --dump -v.  What a field
 * costs follows from its kind: a row's own attributes are read at its
 * start tag; a path inside the row keeps the row open until its end tag
 * and has text heard while it reads one; an ancestor's attribute or name
 * is kept from every element's start tag (the lineage); an XPath field
 * builds a tree of each row and hears every event.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "plan.h"
#include "scan.h"

/* Where a path's string is found (see plan.h). */
static enum plan_leaf_kind
leaf_kind(const struct xpstream_leaf *l)
{
	if (l->nsteps > 0)
		return LEAF_INSIDE;
	if (l->ancestor || (l->up > 0 && l->name == XPS_NOT_NAME))
		return LEAF_LINEAGE_ATTRIBUTE;
	if (l->up > 0)
		return LEAF_LINEAGE_NAME;
	return l->name == XPS_NOT_NAME ? LEAF_ROW_ATTRIBUTE : LEAF_ROW_NAME;
}

/* A field's kind: its one path's, when its string is that path's. */
static enum plan_field_kind
field_kind(const struct fieldexpr *e, int is_value)
{
	if (e->kind != FIELD_STREAMED)
		return PLAN_TREE;
	if (is_value && xpstream_type(&e->prog) != XPS_STRING)
		return PLAN_NUMBER;
	if (!xpstream_is_leaf(&e->prog))
		return PLAN_STRING;
	switch (leaf_kind(&e->prog.leaf[0])) {
	case LEAF_ROW_ATTRIBUTE:
		return e->prog.leaf[0].attr != NULL ? PLAN_ROW_ATTRIBUTE :
		    PLAN_CHILD;	/* the row's own text: never streamed */
	case LEAF_ROW_NAME:
	case LEAF_LINEAGE_NAME:
		return PLAN_NAME;
	case LEAF_LINEAGE_ATTRIBUTE:
		return PLAN_LINEAGE;
	default:
		return PLAN_CHILD;
	}
}

static void
add_field(struct plan_set *ps, const struct fieldexpr *e, const char *src,
    const char *label, const char *option, int is_value)
{
	struct plan_field	*f = &ps->field[ps->nfields++];

	f->expr = e;
	f->src = src;
	f->label = label;
	f->option = option;
	f->kind = field_kind(e, is_value);
}

/* A set's fields, labels then values then --where, in model.h's order. */
static void
plan_fields(struct plan_set *ps, const struct model *m)
{
	size_t	 i;

	for (i = 0; i < m->nlabels; i++)
		add_field(ps, &m->labels[i].expr, m->labels[i].src,
		    m->labels[i].name, m->labels[i].what, 0);
	for (i = 0; i < m->nvalues; i++)
		add_field(ps, &m->values[i].expr, m->values[i].src,
		    m->values[i].what + 2, m->values[i].what, 1); /* "sum x" */
	if ((ps->has_where = m->where.src != NULL))
		add_field(ps, &m->where.expr, m->where.src, "where", "--where",
		    1);
}

/*
 * A streamed field's paths.  One that is a label's whole expression is
 * held to a label's limit as it is read (the rest may be gigabytes of
 * entities); one inside functions may be longer, as on the row's tree,
 * where only the result is held to it; a value's is a number whatever its
 * length (blanks around it), held to what a row may hold.
 */
static void
plan_leaves(struct scan_plan *plan, struct plan_set *ps, size_t f)
{
	struct plan_field	*pf = &ps->field[f];
	const struct xpstream	*prog = &pf->expr->prog;
	struct plan_leaf	*l;
	size_t			 k;

	pf->first_leaf = ps->nleaves;
	pf->nleaves = prog->nleaves;
	for (k = 0; k < prog->nleaves; k++) {
		l = &ps->leaf[ps->nleaves++];
		l->def = &prog->leaf[k];
		l->kind = leaf_kind(l->def);
		l->field = f;
		l->limit = xpstream_is_leaf(prog) &&
		    f < ps->rs->model.nlabels ? SCAN_MAX_FIELD_LEN :
		    SCAN_MAX_ROW_BYTES;
		if (l->kind == LEAF_LINEAGE_ATTRIBUTE)
			l->lineage = plan->lineage_attrs++;
		else if (l->kind == LEAF_LINEAGE_NAME)
			plan->lineage_names = 1;
		else if (l->kind == LEAF_INSIDE) {
			plan->reads_inside = 1;
			ps->complete_at_start = 0;
			if (l->def->attr == NULL &&
			    l->def->name == XPS_NOT_NAME &&
			    l->def->take != XPS_COUNT)
				plan->text = TEXT_WHILE_READ;
		}
	}
}

/* One set: its fields' kinds, its paths, and what reading a row needs. */
static void
plan_set(struct scan_plan *plan, size_t i, const struct rowset *rs)
{
	struct plan_set	*ps = &plan->set[i];
	size_t		 f, n = 0;

	ps->index = i;
	ps->rs = rs;
	ps->row_bit = plan->match.row_bit[i];
	plan->set_of_bit[__builtin_ctzll(ps->row_bit)] = i;
	ps->filtering = model_filters(&rs->model);
	ps->complete_at_start = 1;
	plan_fields(ps, &rs->model);
	for (f = 0; f < ps->nfields; f++)
		if (ps->field[f].kind != PLAN_TREE)
			n += ps->field[f].expr->prog.nleaves;
	ps->leaf = xcalloc(n > 0 ? n : 1, sizeof(*ps->leaf));
	for (f = 0; f < ps->nfields; f++) {
		if (ps->field[f].kind != PLAN_TREE) {
			plan_leaves(plan, ps, f);
			continue;
		}
		ps->needs_tree = 1;
		ps->complete_at_start = 0;
		xpscope_demand_merge(&plan->demand, &ps->field[f].expr->demand);
	}
	if (ps->needs_tree)
		plan->tree_rows |= ps->row_bit;
	if (ps->nleaves > plan->most_leaves)
		plan->most_leaves = ps->nleaves;
}

/*
 * The plan of a scan of these sets (which scan_sets_fit), the same for
 * every store: nothing here looks at a parse.
 */
void
plan_build(struct scan_plan *plan, const struct rowset *sets, size_t nsets,
    int dump)
{
	const struct rowpath	*patterns[ROWSET_MAX] = { NULL };
	size_t			 i;

	memset(plan, 0, sizeof(*plan));
	for (i = 0; i < nsets; i++)
		patterns[i] = &sets[i].rows;
	rowmatch_init(&plan->match, patterns, nsets);
	plan->nsets = nsets;
	plan->set = xcalloc(nsets, sizeof(*plan->set));
	plan->text = TEXT_NEVER;
	plan->dump = dump;
	for (i = 0; i < nsets; i++)
		plan_set(plan, i, &sets[i]);
	/* Can rows lie inside rows?  Then the tree keeps them whole. */
	plan->rows_may_nest = nsets > 1 || rowpath_may_nest(&sets[0].rows);
	if (plan->tree_rows != 0 || dump)
		plan->text = TEXT_ALWAYS;
	plan->keeps_lineage = plan->lineage_attrs > 0 || plan->lineage_names;
}

void
plan_free(struct scan_plan *plan)
{
	size_t	 i;

	for (i = 0; i < plan->nsets; i++)
		free(plan->set[i].leaf);
	free(plan->set);
	xpscope_demand_free(&plan->demand);
	memset(plan, 0, sizeof(*plan));
}

/* A path as the scanner follows it: 'a|b/c[@k='v']/@x'. */
static void
put_path(struct buf *b, const struct xpstream_leaf *l)
{
	const struct xpstream_step *st;
	size_t			 k, n;

	for (k = 0; k < l->nsteps; k++) {
		st = &l->step[k];
		if (k > 0)
			buf_putc(b, '/');
		if (st->nnames == 0)
			buf_putc(b, '*');
		for (n = 0; n < st->nnames; n++)
			buf_printf(b, "%s%s", n > 0 ? "|" : "", st->name[n]);
		if (st->pred_attr != NULL)
			buf_printf(b, "[@%s='%s']", st->pred_attr,
			    st->pred_value);
	}
	if (l->attr != NULL)
		buf_printf(b, "%s@%s", l->nsteps > 0 ? "/" : "", l->attr);
}

/* What a path reads, and where. */
static void
put_leaf(struct buf *b, const struct plan_leaf *pl)
{
	const struct xpstream_leaf *l = pl->def;
	const char	*name = l->name == XPS_LOCAL_NAME ? "local-name" :
			    "name";
	size_t		 k;

	switch (pl->kind) {
	case LEAF_ROW_ATTRIBUTE:
		buf_printf(b, "the row's @%s", l->attr);
		break;
	case LEAF_ROW_NAME:
		buf_printf(b, "the row's %s()", name);
		break;
	case LEAF_LINEAGE_NAME:
		buf_printf(b, "%s(", name);
		for (k = 0; k < l->up; k++)
			buf_puts(b, k > 0 ? "/.." : "..");
		buf_puts(b, ") from the lineage");
		break;
	case LEAF_LINEAGE_ATTRIBUTE:
		if (l->ancestor)
			buf_printf(b, "ancestor::%s/@%s",
			    l->step[0].nnames > 0 ? l->step[0].name[0] : "*",
			    l->attr);
		for (k = 0; !l->ancestor && k < l->up; k++)
			buf_puts(b, "../");
		if (!l->ancestor)
			buf_printf(b, "@%s", l->attr);
		buf_printf(b, " from the lineage (column %zu)", pl->lineage);
		break;
	case LEAF_INSIDE:
		buf_puts(b, l->take == XPS_COUNT ? "the count of " : "");
		put_path(b, l);
		buf_puts(b, l->take == XPS_LAST ? " (the last one's" :
		    l->take == XPS_FIRST ? " (the first one's" : "");
		buf_puts(b, l->take == XPS_COUNT ? "" : l->name != XPS_NOT_NAME ?
		    " name)" : l->attr == NULL ? " text)" : " value)");
		buf_puts(b, " inside the row");
		break;
	}
}

static const char *const field_kinds[] = {
	[PLAN_ROW_ATTRIBUTE] = "at the row's start tag",
	[PLAN_NAME] = "at the row's start tag",
	[PLAN_LINEAGE] = "at the row's start tag",
	[PLAN_CHILD] = "by the row's end tag",
	[PLAN_STRING] = "a string computed from",
	[PLAN_NUMBER] = "a number or a test computed from",
	[PLAN_TREE] = "XPath on a tree of the row (libxml2)",
};

static void
put_field(struct buf *b, const struct plan_set *ps, const struct plan_field *f)
{
	size_t	 k;

	buf_printf(b, "plan:   %s '%s': %s", f->option, f->src,
	    field_kinds[f->kind]);
	if (f->kind == PLAN_STRING || f->kind == PLAN_NUMBER)
		buf_printf(b, " %zu path%s%s", f->nleaves,
		    f->nleaves == 1 ? "" : "s", f->nleaves > 0 ? ":" : "");
	else if (f->kind != PLAN_TREE)
		buf_puts(b, ":");
	for (k = 0; k < f->nleaves; k++) {
		buf_puts(b, k > 0 ? "; " : " ");
		put_leaf(b, &ps->leaf[f->first_leaf + k]);
	}
	buf_putc(b, '\n');
}

static void
put_set(struct buf *b, const struct plan_set *ps)
{
	size_t	 f;

	buf_printf(b, "plan: rows '%s'", ps->rs->rows_src);
	if (ps->rs->name != NULL)
		buf_printf(b, " (set %s)", ps->rs->name);
	buf_puts(b, ps->complete_at_start ? ": each read whole at its start "
	    "tag" : ps->needs_tree ? ": each read at its end tag, on a tree "
	    "of the row" : ": each read at its end tag");
	buf_putc(b, '\n');
	for (f = 0; f < ps->nfields; f++)
		put_field(b, ps, &ps->field[f]);
}

static const char *const text_heard[] = {
	[TEXT_NEVER] = "never",
	[TEXT_WHILE_READ] = "only while a path reads it",
	[TEXT_ALWAYS] = "always",
};

/* One block per set, then what the whole parse listens to. */
void
plan_print(FILE *out, const struct scan_plan *plan)
{
	struct buf	 b = { 0 };
	size_t		 i;

	for (i = 0; i < plan->nsets; i++)
		put_set(&b, &plan->set[i]);
	buf_printf(&b, "plan: the parse: text heard %s; %s; lineage kept: "
	    "%zu attribute%s%s\n", text_heard[plan->text],
	    plan->tree_rows != 0 ? "comments and PIs heard (the tree)" :
	    "no comment nor PI heard", plan->lineage_attrs,
	    plan->lineage_attrs == 1 ? "" : "s",
	    plan->lineage_names ? ", names" : "");
	fputs(b.data, out);
	buf_free(&b);
}

/* --dump -v: the plan a run reads these sets with (--dump aside). */
void
scan_print_plan(FILE *out, const struct rowset *sets, size_t nsets)
{
	struct scan_plan	 plan;

	plan_build(&plan, sets, nsets, 0);
	plan_print(out, &plan);
	plan_free(&plan);
}
