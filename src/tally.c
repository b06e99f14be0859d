/*
 * tally.c: the group tables of one store.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tally.h"

#define FNV_OFFSET	0xcbf29ce484222325ULL
#define FNV_PRIME	0x100000001b3ULL

static uint64_t
hash_bytes(const char *p, size_t len)
{
	uint64_t	 h = FNV_OFFSET;

	while (len-- > 0) {
		h ^= (unsigned char)*p++;
		h *= FNV_PRIME;
	}
	return h;
}

static void
groups_init(struct groups *g)
{
	g->nslots = 16;
	g->slots = xcalloc(g->nslots, sizeof(*g->slots));
	g->n = 0;
}

static void
groups_free(struct groups *g)
{
	size_t	 i;

	for (i = 0; i < g->nslots; i++)
		if (g->slots[i] != NULL) {
			free(g->slots[i]->key);
			free(g->slots[i]->buckets);
			free(g->slots[i]->same);
			free(g->slots[i]);
		}
	free(g->slots);
	memset(g, 0, sizeof(*g));
}

static struct group **
find_slot(struct group **slots, size_t nslots, const char *key, size_t len,
    uint64_t hash)
{
	size_t	 i = hash & (nslots - 1);

	while (slots[i] != NULL &&
	    (slots[i]->hash != hash || slots[i]->len != len ||
	    memcmp(slots[i]->key, key, len) != 0))
		i = (i + 1) & (nslots - 1);
	return &slots[i];
}

/* Keeps the load under one half, so probe sequences stay short. */
static void
grow(struct groups *g)
{
	struct group	**old = g->slots;
	size_t		 i, oldn = g->nslots;

	g->nslots *= 2;
	g->slots = xcalloc(g->nslots, sizeof(*g->slots));
	for (i = 0; i < oldn; i++)
		if (old[i] != NULL)
			*find_slot(g->slots, g->nslots, old[i]->key,
			    old[i]->len, old[i]->hash) = old[i];
	free(old);
}

static const struct group *
lookup(const struct groups *g, const char *key, size_t len)
{
	return *find_slot(g->slots, g->nslots, key, len, hash_bytes(key, len));
}

static struct group *
insert(struct groups *g, const char *key, size_t len, size_t nbuckets)
{
	uint64_t	 hash = hash_bytes(key, len);
	struct group	**slot = find_slot(g->slots, g->nslots, key, len, hash);
	struct group	*e = *slot;

	if (e != NULL)
		return e;
	*slot = e = xcalloc(1, sizeof(*e));
	e->key = xmalloc(len + 1);
	memcpy(e->key, key, len);
	e->key[len] = '\0';
	e->len = len;
	e->hash = hash;
	if (nbuckets > 0)
		e->buckets = xcalloc(nbuckets, sizeof(*e->buckets));
	if (++g->n * 2 > g->nslots)
		grow(g);
	return e;
}

/*
 * The group of this key in a table, made if new (with `nbuckets`
 * buckets): for a tally filled from other tallies' groups (across.h),
 * whose keys are already made.  No series guard: the caller's.
 */
struct group *
tally_group(struct groups *g, const char *key, size_t len, size_t nbuckets)
{
	return insert(g, key, len, nbuckets);
}

/* The group of this key in a table, or NULL. */
const struct group *
tally_find(const struct groups *g, const char *key, size_t len)
{
	return lookup(g, key, len);
}

void
tally_init(struct tally *t, const struct model *m)
{
	size_t	 i;

	memset(t, 0, sizeof(*t));
	t->model = m;
	t->output = &t->series;
	groups_init(&t->rows);
	for (i = 0; i < m->nvalues; i++)
		groups_init(&t->values[i]);
}

/*
 * The row sets of one output share its --max-series: each tally counts
 * into `output` too.
 */
void
tally_share_series(struct tally *t, size_t *output)
{
	t->output = output;
}

void
tally_free(struct tally *t)
{
	size_t	 i;

	if (t->model == NULL)
		return;
	groups_free(&t->rows);
	for (i = 0; i < t->model->nvalues; i++)
		groups_free(&t->values[i]);
	buf_free(&t->key);
	memset(t, 0, sizeof(*t));
}

/* The key of a row's group for the labels in `mask` (all: UINT32_MAX). */
static void
make_key(struct buf *key, const struct model *m, const struct row *r,
    uint32_t mask)
{
	size_t	 i;

	buf_reset(key);
	for (i = 0; i < m->nlabels; i++) {
		if ((mask & (UINT32_C(1) << i)) == 0)
			continue;
		buf_append(key, r->label[i], r->label_len[i]);
		buf_putc(key, '\0');
	}
}

/*
 * A row's group in a table keyed by the labels in `mask`, found without
 * building its key: the hash runs over the label values and their NULs
 * as make_key() would lay them out, and the comparison walks the key.
 */
struct tuple {
	const struct row *r;
	uint32_t	 mask;
	uint64_t	 hash;
	size_t		 len;
};

static void
tuple_init(struct tuple *tu, const struct model *m, const struct row *r,
    uint32_t mask)
{
	uint64_t	 h = FNV_OFFSET;
	size_t		 i, n;
	const char	*p;

	tu->r = r;
	tu->mask = mask;
	tu->len = 0;
	for (i = 0; i < m->nlabels; i++) {
		if ((mask & (UINT32_C(1) << i)) == 0)
			continue;
		for (p = r->label[i], n = r->label_len[i]; n > 0; n--) {
			h ^= (unsigned char)*p++;
			h *= FNV_PRIME;
		}
		h *= FNV_PRIME;		/* ^= '\0' changes nothing */
		tu->len += r->label_len[i] + 1;
	}
	tu->hash = h;
}

static int
tuple_is(const struct group *g, const struct model *m, const struct tuple *tu)
{
	const char	*k = g->key;
	size_t		 i, n;

	if (g->hash != tu->hash || g->len != tu->len)
		return 0;
	for (i = 0; i < m->nlabels; i++) {
		if ((tu->mask & (UINT32_C(1) << i)) == 0)
			continue;
		n = tu->r->label_len[i];
		if (memcmp(k, tu->r->label[i], n) != 0 || k[n] != '\0')
			return 0;
		k += n + 1;
	}
	return 1;
}

/* The tuple's group, or NULL. */
static struct group *
find_tuple(const struct groups *g, const struct model *m,
    const struct tuple *tu)
{
	size_t	 i = tu->hash & (g->nslots - 1);

	while (g->slots[i] != NULL && !tuple_is(g->slots[i], m, tu))
		i = (i + 1) & (g->nslots - 1);
	return g->slots[i];
}

/* The tuple's group, made (with its key) if new. */
static struct group *
get_tuple(struct tally *t, struct groups *g, const struct tuple *tu,
    size_t nbuckets)
{
	struct group	*e = find_tuple(g, t->model, tu);

	if (e != NULL)
		return e;
	make_key(&t->key, t->model, tu->r, tu->mask);
	return insert(g, t->key.data, t->key.len, nbuckets);
}

static int
all_labels(const struct model *m, uint32_t mask)
{
	uint32_t	 all = (UINT32_C(1) << m->nlabels) - 1;

	return (mask & all) == all;
}

/*
 * The series a row of a new rows group would add: that group, and each
 * value family's group, if new.  -1 when the total passes the limit.
 */
static int
guard(struct tally *t, const struct row *r, const struct tuple *full,
    struct buf *why)
{
	const struct model	*m = t->model;
	struct tuple		 tu;
	size_t			 i, added = 1, first = 0, held = *t->output;
	int			 first_set = 0;

	for (i = 0; i < m->nvalues; i++) {
		if (all_labels(m, m->values[i].labels))
			tu = *full;
		else
			tuple_init(&tu, m, r, m->values[i].labels);
		if (find_tuple(&t->values[i], m, &tu) != NULL)
			continue;
		added += model_series_per_group(&m->values[i]);
		if (!first_set && held + added > m->max_series) {
			first = i;
			first_set = 1;
		}
	}
	if (held + added <= m->max_series) {
		t->series += added;
		if (t->output != &t->series)
			*t->output += added;
		return 0;
	}
	buf_reset(why);
	if (m->legacy_limit)
		buf_printf(why, "more than %zu distinct types (see --max-types)",
		    m->max_series);
	else if (first_set)
		buf_printf(why, "more than %zu series (see --max-series): this "
		    "row's groups would make %zu, family '%s' passing the limit",
		    m->max_series, held + added, m->values[first].name);
	else
		buf_printf(why, "more than %zu series (see --max-series): this "
		    "row's group would make %zu", m->max_series,
		    held + added);
	return -1;
}

/*
 * A value into its group, but for its sum.  Counts, buckets, the smallest
 * and the largest do not depend on the order values come in (of 0 and -0,
 * which compare equal, the one kept is written "0" alike); a sum does:
 * floating-point addition is not associative (0.1 + 0.2 + 0.3 is not
 * 0.1 + (0.2 + 0.3)), and XPath's sum() adds in document order, so the
 * sums are added apart, in that order (see tally_add_later).
 */
static void
aggregate(struct group *g, const struct value_family *f, double v)
{
	size_t	 i;

	if (g->n == 0 || v < g->min)
		g->min = v;
	if (g->n == 0 || v > g->max)
		g->max = v;
	g->n++;
	if (f->agg != AGG_HISTOGRAM)
		return;
	for (i = 0; i < f->nbounds; i++)
		if (v <= f->bounds[i]) {
			g->buckets[i]++;
			break;
		}
}

/*
 * First and last go by the rows' document order, not the order they are
 * counted in: a row read at its end tag is counted after the rows inside
 * it, though it comes before them.
 */
static void
pick_in_order(struct group *g, const struct value_family *f, double v,
    uint64_t seq)
{
	if (g->picked_seq != 0 && (f->agg == AGG_FIRST ? seq > g->picked_seq :
	    seq < g->picked_seq))
		return;
	g->picked = v;
	g->picked_seq = seq;
}

static size_t
buckets_of(const struct value_family *f)
{
	return f->agg == AGG_HISTOGRAM ? f->nbounds : 0;
}

/*
 * A new rows group, linked to the groups of the same labels of each
 * family keyed by all of them.
 */
static struct group *
new_rows_group(struct tally *t, const struct tuple *full)
{
	const struct model	*m = t->model;
	struct group		*g = get_tuple(t, &t->rows, full, 0);
	size_t			 i;

	for (i = 0; i < m->nvalues; i++) {
		if (!all_labels(m, m->values[i].labels))
			continue;
		if (g->same == NULL)
			g->same = xcalloc(m->nvalues, sizeof(*g->same));
		g->same[i] = get_tuple(t, &t->values[i], full,
		    buckets_of(&m->values[i]));
	}
	return g;
}

/* The group of family i the row's value goes to. */
static struct group *
value_group(struct tally *t, const struct group *rows, const struct row *r,
    size_t i)
{
	const struct value_family *f = &t->model->values[i];
	struct tuple		 tu;

	if (rows->same != NULL && rows->same[i] != NULL)
		return rows->same[i];
	tuple_init(&tu, t->model, r, f->labels);
	return get_tuple(t, &t->values[i], &tu, buckets_of(f));
}

/*
 * Counts a reported row.  Returns -1, counting nothing, when its groups
 * would take the output past --max-series; `why` says how.  With `later`
 * (one per family), its sums are not added but left there for
 * tally_add_sums(), for a row read before rows that precede it.
 */
int
tally_add_later(struct tally *t, const struct row *r,
    struct tally_addend *later, struct buf *why)
{
	const struct model	*m = t->model;
	struct tuple		 full;
	struct group		*g, *v;
	size_t			 i;

	tuple_init(&full, m, r, UINT32_MAX);
	if ((g = find_tuple(&t->rows, m, &full)) == NULL) {
		/* A new group: the series guard, then its tables. */
		if (guard(t, r, &full, why) == -1)
			return -1;
		g = new_rows_group(t, &full);
	}
	g->n++;
	t->total_rows++;
	for (i = 0; i < m->nvalues; i++) {
		v = value_group(t, g, r, i);	/* made even when skipped */
		if (later != NULL)
			later[i].g = r->has_value[i] ? v : NULL;
		if (!r->has_value[i]) {
			t->skipped[i]++;
			continue;
		}
		if (m->values[i].agg >= AGG_FIRST)
			pick_in_order(v, &m->values[i], r->value[i], r->seq);
		aggregate(v, &m->values[i], r->value[i]);
		if (later != NULL)
			later[i].v = r->value[i];
		else
			v->sum += r->value[i];
	}
	return 0;
}

int
tally_add(struct tally *t, const struct row *r, struct buf *why)
{
	return tally_add_later(t, r, NULL, why);
}

/* Sums left for later, added now in the order given. */
void
tally_add_sums(const struct tally_addend *a, size_t n)
{
	for (; n > 0; a++, n--)
		if (a->g != NULL)
			a->g->sum += a->v;
}

/* A row -i/-x leave out: in total_rows, in no family. */
void
tally_filtered(struct tally *t)
{
	t->total_rows++;
	t->filtered++;
}

/* Rows in the group of these label values (every label, in order). */
uint64_t
tally_rows(const struct tally *t, const char *const *labels)
{
	struct buf		 key = { 0 };
	const struct group	*g;
	uint64_t		 n;
	size_t			 i;

	for (i = 0; i < t->model->nlabels; i++) {
		buf_puts(&key, labels[i]);
		buf_putc(&key, '\0');
	}
	g = lookup(&t->rows, key.data, key.len);
	n = g != NULL ? g->n : 0;
	buf_free(&key);
	return n;
}

static int
compare_groups(const void *a, const void *b)
{
	const struct group	*x = *(const struct group * const *)a;
	const struct group	*y = *(const struct group * const *)b;
	size_t			 n = x->len < y->len ? x->len : y->len;
	int			 c;

	if ((c = memcmp(x->key, y->key, n)) != 0)
		return c;
	return (x->len > y->len) - (x->len < y->len);
}

/* The groups in byte order of their keys, NULL-terminated; free() it. */
const struct group **
tally_sorted(const struct groups *g)
{
	const struct group	**v;
	size_t			 i, n = 0;

	v = xcalloc(g->n + 1, sizeof(*v));
	for (i = 0; i < g->nslots; i++)
		if (g->slots[i] != NULL)
			v[n++] = g->slots[i];
	qsort(v, n, sizeof(*v), compare_groups);
	return v;
}

/* The nth value of a group's key. */
const char *
tally_key_label(const struct group *g, size_t nth)
{
	const char	*p = g->key;

	while (nth-- > 0)
		p += strlen(p) + 1;
	return p;
}
