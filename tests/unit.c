/*
 * unit.c: unit tests for the pieces with the most edge cases: escaping and
 * number formatting, name checks, the model's checks and the group tables,
 * date:seconds, the --rows matcher, the classification of expressions,
 * the scan plan of each expression and of a few sets,
 * the carry-over of the last success, the merge of files' tallies
 * (--across-files).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "across.h"
#include "datetime.h"
#include "expo.h"
#include "expofmt.h"
#include "model.h"
#include "names.h"
#include "plan.h"
#include "promread.h"
#include "rowpath.h"
#include "rowset.h"
#include "storelist.h"
#include "tally.h"
#include "fieldexpr.h"
#include "xpexpr.h"
#include "xpstream.h"
#include "xpscope.h"

static int	 passed, failed;

#define CHECK(cond) check((cond), #cond, __FILE__, __LINE__)

static void
check(int ok, const char *what, const char *file, int line)
{
	if (ok)
		passed++;
	else {
		failed++;
		printf("not ok - %s:%d: %s\n", file, line, what);
	}
}

static int
escaped_is(const char *in, const char *want)
{
	struct buf	 b = { 0 };
	int		 ok;

	expo_escape_label_value(&b, in, strlen(in));
	ok = strcmp(b.data != NULL ? b.data : "", want) == 0;
	if (!ok)
		printf("# escape(%s) = %s, want %s\n", in, b.data, want);
	buf_free(&b);
	return ok;
}

static void
test_escaping(void)
{
	CHECK(escaped_is("plain", "plain"));
	CHECK(escaped_is("", ""));
	CHECK(escaped_is("a\"b", "a\\\"b"));
	CHECK(escaped_is("back\\slash", "back\\\\slash"));
	CHECK(escaped_is("two\nlines", "two\\nlines"));
	CHECK(escaped_is("\\\"\n", "\\\\\\\"\\n"));
	CHECK(escaped_is("tab\tstays", "tab\tstays"));
	CHECK(escaped_is("Amélie ✓", "Amélie ✓"));
}

static int
seconds_is(long long sec, long nsec, const char *want)
{
	struct buf	 b = { 0 };
	struct timespec	 t = { (time_t)sec, nsec };
	int		 ok;

	expo_format_seconds(&b, t);
	ok = strcmp(b.data, want) == 0;
	if (!ok)
		printf("# seconds(%lld, %ld) = %s, want %s\n", sec, nsec,
		    b.data, want);
	buf_free(&b);
	return ok;
}

static void
test_seconds(void)
{
	CHECK(seconds_is(1700000000, 0, "1700000000"));
	CHECK(seconds_is(0, 0, "0"));
	CHECK(seconds_is(1, 500000000, "1.5"));
	CHECK(seconds_is(0, 1, "0.000000001"));
	CHECK(seconds_is(12, 120000000, "12.12"));
	CHECK(seconds_is(1000000, 0, "1000000"));	/* never 1e+06 */
	/* before 1970: tv_sec rounds down, the text must not */
	CHECK(seconds_is(-2, 500000000, "-1.5"));
	CHECK(seconds_is(-1, 999999999, "-0.000000001"));
	CHECK(seconds_is(-3, 0, "-3"));
}

static void
test_names(void)
{
	CHECK(names_is_metric("store"));
	CHECK(names_is_metric("app:store_1"));
	CHECK(names_is_metric("_x"));
	CHECK(!names_is_metric("1store"));
	CHECK(!names_is_metric("store-rows"));
	CHECK(!names_is_metric(""));
	CHECK(names_is_label("instance_2"));
	CHECK(!names_is_label("__name__"));
	CHECK(!names_is_label("a:b"));
	CHECK(!names_is_label("9a"));
	CHECK(!names_is_label(""));
	CHECK(names_is_utf8("Amélie", strlen("Amélie")));
	CHECK(!names_is_utf8("\xff", 1));
	CHECK(!names_is_utf8("\xc0\xaf", 2));		/* overlong '/' */
	CHECK(!names_is_utf8("\xed\xa0\x80", 3));	/* surrogate */
	CHECK(!names_is_utf8("\xe2\x82", 2));		/* truncated */
	CHECK(names_is_utf8("\xf0\x9f\x93\x9a", 4));
	CHECK(names_is_ncname("row", 3));
	CHECK(names_is_ncname("my-row.v2", 9));
	CHECK(names_is_ncname("élément", strlen("élément")));
	CHECK(!names_is_ncname("-row", 4));
	CHECK(!names_is_ncname("p:row", 5));
	CHECK(!names_is_ncname("", 0));
}

/* A model from option specs ("by", "status=@status"...); 0 if refused. */
static int
build(struct model *m, const char *const *specs, size_t n, struct buf *err)
{
	struct model_spec	 sp[16];
	size_t			 i;
	int			 rc;

	for (i = 0; i < n; i++) {
		sp[i].option = specs[2 * i];
		sp[i].arg = xstrdup(specs[2 * i + 1]);
		sp[i].origin = "";
	}
	rc = model_build(m, sp, n, NULL, 0, NULL, 0, err);
	for (i = 0; i < n; i++)
		free(sp[i].arg);
	if (rc == -1)
		model_free(m);
	return rc == 0;
}

static int
refused(const char *option, const char *arg, const char *want)
{
	const char	*specs[] = { "by", "type=@type", "by", "s=@s",
			    option, arg };
	struct model	 m;
	struct buf	 err = { 0 };
	int		 ok;

	ok = !build(&m, specs, 3, &err) && err.data != NULL &&
	    strstr(err.data, want) != NULL;
	if (!ok)
		printf("# --%s %s: '%s', want '%s'\n", option, arg,
		    err.data != NULL ? err.data : "(accepted)", want);
	else
		buf_free(&err);
	return ok;
}

static void
row_of(struct row *r, const char *type, const char *s, double v)
{
	memset(r, 0, sizeof(*r));
	r->label[0] = type;
	r->label_len[0] = strlen(type);
	r->label[1] = s;
	r->label_len[1] = strlen(s);
	r->value[0] = r->value[1] = v;
	r->has_value[0] = r->has_value[1] = !isnan(v);
}

/*
 * --max-series at its boundary: N series are allowed, N + 1 are not, with
 * one family (a series a group) and with several (a group adds many).
 */
static void
test_series_limit(void)
{
	const char	*one[] = { "by", "type=@type", "by", "s=@s" };
	const char	*many[] = { "by", "type=@type", "by", "s=@s", "sum",
			    "amount=@a" };
	const char	*names[] = { "a", "b", "c" };
	struct model	 m;
	struct tally	 t;
	struct row	 r;
	struct buf	 why = { 0 };
	size_t		 i;

	CHECK(build(&m, one, 2, &why));
	m.max_series = 3;
	tally_init(&t, &m);
	for (i = 0; i < 3; i++) {
		row_of(&r, names[i], "x", NAN);
		CHECK(tally_add(&t, &r, &why) == 0);	/* the 3rd: exactly N */
	}
	CHECK(t.series == 3);
	row_of(&r, "d", "x", NAN);
	CHECK(tally_add(&t, &r, &why) == -1);		/* N + 1 */
	CHECK(t.series == 3 && t.total_rows == 3);
	row_of(&r, "a", "x", NAN);
	CHECK(tally_add(&t, &r, &why) == 0);		/* a known group */
	tally_free(&t);
	model_free(&m);

	/* a new (type, s) group: 1 rows series + 1 sum series */
	CHECK(build(&m, many, 3, &why));
	m.max_series = 4;
	tally_init(&t, &m);
	row_of(&r, "a", "x", 1);
	CHECK(tally_add(&t, &r, &why) == 0);
	row_of(&r, "b", "x", 1);
	CHECK(tally_add(&t, &r, &why) == 0);		/* 4 of 4 */
	CHECK(t.series == 4);
	row_of(&r, "c", "x", 1);
	CHECK(tally_add(&t, &r, &why) == -1);		/* would be 6 */
	m.max_series = 5;
	CHECK(tally_add(&t, &r, &why) == -1);		/* 6 > 5 too */
	m.max_series = 6;
	CHECK(tally_add(&t, &r, &why) == 0);		/* exactly 6 */
	tally_free(&t);
	model_free(&m);
	buf_free(&why);
}

static void
test_tally(void)
{
	const char		*specs[] = { "by", "type=@type", "by", "s=@s",
				    "sum", "amount=@a", "histogram",
				    "age:s=@age", "buckets", "age=1,10" };
	const char		*key[] = { "book", "new" };
	struct model		 m;
	struct tally		 t;
	struct row		 r;
	struct buf		 why = { 0 };
	const struct group	**sorted;
	char			 name[16];
	int			 i;

	CHECK(build(&m, specs, 5, &why));
	m.max_series = 40;
	tally_init(&t, &m);
	row_of(&r, "book", "new", 5);
	CHECK(tally_add(&t, &r, &why) == 0);
	row_of(&r, "book", "new", 0.5);
	CHECK(tally_add(&t, &r, &why) == 0);
	row_of(&r, "dvd", "new", NAN);			/* a skipped value */
	CHECK(tally_add(&t, &r, &why) == 0);
	row_of(&r, "book", "old", 50);
	CHECK(tally_add(&t, &r, &why) == 0);
	CHECK(tally_rows(&t, key) == 2);
	CHECK(t.total_rows == 4 && t.rows.n == 3);
	CHECK(t.skipped[0] == 1 && t.skipped[1] == 1);
	/* the sum per (type, s); the histogram per s alone */
	CHECK(t.values[0].n == 3 && t.values[1].n == 2);
	sorted = tally_sorted(&t.values[1]);
	CHECK(strcmp(tally_key_label(sorted[0], 0), "new") == 0);
	CHECK(sorted[0]->n == 2 && sorted[0]->sum == 5.5);
	CHECK(sorted[0]->buckets[0] == 1 && sorted[0]->buckets[1] == 1);
	CHECK(sorted[1]->n == 1 && sorted[1]->buckets[0] == 0 &&
	    sorted[1]->buckets[1] == 0);		/* 50 is past 10 */
	free((void *)sorted);
	sorted = tally_sorted(&t.rows);
	CHECK(strcmp(tally_key_label(sorted[0], 0), "book") == 0 &&
	    strcmp(tally_key_label(sorted[0], 1), "new") == 0);
	CHECK(strcmp(tally_key_label(sorted[1], 1), "old") == 0);
	free((void *)sorted);
	/* series: 3 rows groups + 3 sums + 2 histograms of 2 + 3 = 16 */
	CHECK(t.series == 16);
	for (i = 0; t.series + 7 <= 40; i++) {	/* a new s: 1 + 1 + 5 */
		snprintf(name, sizeof(name), "s%d", i);
		row_of(&r, "cd", name, 1);
		CHECK(tally_add(&t, &r, &why) == 0);
	}
	row_of(&r, "cd", "one-too-many", 1);
	CHECK(tally_add(&t, &r, &why) == -1);
	CHECK(why.data != NULL && strstr(why.data, "--max-series") != NULL);
	row_of(&r, "book", "new", 1);			/* known groups count */
	CHECK(tally_add(&t, &r, &why) == 0);
	tally_free(&t);
	model_free(&m);
	buf_free(&why);

	CHECK(refused("sum", "rows=@a", "xml2prom writes itself"));
	CHECK(refused("sum", "a_total=@a", "counters"));
	CHECK(refused("histogram", "a_bucket=@a", "histogram"));
	CHECK(refused("max", "Amount=@a", "lower case"));
	CHECK(refused("sum", "a:x=@a", "not a label declared"));
	CHECK(refused("sum", "a:s,s=@a", "listed twice"));
	CHECK(refused("sum", "a", "expected FAMILY"));
	CHECK(refused("sum", "a=frob()", "invalid --sum a expression"));
	CHECK(refused("sum", "a=../../x", "outside the row"));
	CHECK(refused("by", "le=@le", "xml2prom writes itself"));
	CHECK(refused("by", "s=@t", "given twice"));
	CHECK(refused("by", "__x=@t", "not a valid label name"));
	CHECK(refused("by", "family=@t", "xml2prom writes itself"));
	CHECK(refused("buckets", "s=1,2", "no --histogram"));
	CHECK(refused("missing", "nope=x", "no label 'nope'"));
	CHECK(refused("missing", "s=", "non-empty"));
}


/* A row of type `type`, label s, every value family given v (NaN: none). */
static void
row_all(struct row *r, const struct model *m, const char *type,
    const char *s, double v, uint64_t seq)
{
	size_t	 i;

	row_of(r, type, s, v);
	for (i = 0; i < m->nvalues; i++) {
		r->value[i] = v;
		r->has_value[i] = isfinite(v);
	}
	r->seq = seq;
}

/* A file's tally of the rows (type, s, value), in document order. */
static void
tally_of_rows(struct tally *t, const struct model *m,
    const char *const *rows, const double *v, size_t n)
{
	struct row	 r;
	struct buf	 why = { 0 };
	size_t		 i;

	tally_init(t, m);
	for (i = 0; i < n; i++) {
		row_all(&r, m, rows[2 * i], rows[2 * i + 1], v[i], i + 1);
		CHECK(tally_add(t, &r, &why) == 0);
	}
	buf_free(&why);
}

static const struct group *
group_of(const struct groups *g, const char *key, size_t len)
{
	return tally_find(g, key, len);
}

enum { V_SUM, V_MIN, V_MAX, V_FIRST, V_LAST, V_HIST };

/*
 * Files' tallies merged (across.h): counts and buckets add, min and max
 * combine, sums add file by file in file order, first and last go by the
 * files' ranks, a group in some files only, an empty file, a failed one,
 * the series guard.
 */
static void
test_across(void)
{
	const char	*specs[] = { "by", "type=@type", "by", "s=@s",
			    "sum", "amount=@a", "min", "lo=@a", "max",
			    "hi=@a", "first", "f=@a", "last", "l=@a",
			    "histogram", "h:s=@a", "buckets", "h=1,10" };
	const char	*rows_a[] = { "book", "new", "book", "new", "dvd",
			    "new" };
	const double	 v_a[] = { 1e16, 5, NAN };
	const char	*rows_b[] = { "book", "new", "book", "new", "cd",
			    "old", "book", "new" };
	const double	 v_b[] = { 1, 1, 20, INFINITY };
	struct rowset	 set;
	struct model	*m = &set.model;
	struct tally	 ta, tb, tc, agg;
	struct scan_result ra, rb, rc, rf;
	struct across_file fa = { "a.xml", "a.xml", &ra, 0 },
			 fb = { "b.xml", "b.xml", &rb, 0 },
			 fc = { "c.xml", "c.xml", &rc, 0 },
			 ff = { "f.xml", "f.xml", &rf, 0 };
	struct across	 ac;
	struct buf	 why = { 0 };
	const struct group *g;
	static const char book_new[] = "book\0new", new_[] = "new";

	memset(&set, 0, sizeof(set));
	set.across = 1;
	CHECK(build(m, specs, 9, &why));
	m->max_series = 1000;
	tally_of_rows(&ta, m, rows_a, v_a, 3);
	tally_of_rows(&tb, m, rows_b, v_b, 4);
	tally_init(&tc, m);				/* an empty file */

	/* the pure merge, in file order a, b, c */
	tally_init(&agg, m);
	CHECK(across_new_series(&agg, &ta) == ta.series);
	across_merge(&agg, &ta, 1);
	/* b's new group, cd old: a rows series, 5 gauges, h's 5 series */
	CHECK(across_new_series(&agg, &tb) == 1 + 5 + 5);
	across_merge(&agg, &tb, 2);
	CHECK(across_new_series(&agg, &tc) == 0);
	across_merge(&agg, &tc, 3);
	CHECK(agg.total_rows == 7 && agg.rows.n == 3);
	CHECK(agg.skipped[V_SUM] == 2 && agg.skipped[V_HIST] == 2);
	g = group_of(&agg.values[V_SUM], book_new, sizeof(book_new));
	/* each file's sum, in file order (see test_across_sums) */
	CHECK(g != NULL && g->n == 4 && g->sum == (1e16 + 5) + (1.0 + 1.0));
	g = group_of(&agg.values[V_MIN], book_new, sizeof(book_new));
	CHECK(g != NULL && g->min == 1);
	g = group_of(&agg.values[V_MAX], book_new, sizeof(book_new));
	CHECK(g != NULL && g->max == 1e16);
	g = group_of(&agg.values[V_FIRST], book_new, sizeof(book_new));
	CHECK(g != NULL && g->picked == 1e16 && g->picked_seq == 1);
	/* b's last book/new value is skipped (Inf): its last is b's 1 */
	g = group_of(&agg.values[V_LAST], book_new, sizeof(book_new));
	CHECK(g != NULL && g->picked == 1 && g->picked_seq == 2);
	/* a group only in b */
	g = group_of(&agg.values[V_LAST], "cd\0old", sizeof("cd\0old"));
	CHECK(g != NULL && g->n == 1 && g->picked == 20);
	/* dvd's value was skipped: its group is there, with no value */
	g = group_of(&agg.values[V_FIRST], "dvd\0new", sizeof("dvd\0new"));
	CHECK(g != NULL && g->n == 0 && g->picked_seq == 0);
	/* histogram by s: new takes 1e16, 5, 1, 1; old takes 20 */
	g = group_of(&agg.values[V_HIST], new_, sizeof(new_));
	CHECK(g != NULL && g->n == 4 && g->buckets[0] == 2 &&
	    g->buckets[1] == 1);
	g = group_of(&agg.values[V_HIST], "old", sizeof("old"));
	CHECK(g != NULL && g->n == 1 && g->buckets[0] == 0 &&
	    g->buckets[1] == 0 && g->sum == 20);
	CHECK(agg.series == ta.series + 11);
	tally_free(&agg);

	/* first and last by rank, whatever order the merges come in */
	tally_init(&agg, m);
	across_merge(&agg, &tb, 2);
	across_merge(&agg, &ta, 1);
	g = group_of(&agg.values[V_FIRST], book_new, sizeof(book_new));
	CHECK(g != NULL && g->picked == 1e16);
	g = group_of(&agg.values[V_LAST], book_new, sizeof(book_new));
	CHECK(g != NULL && g->picked == 1);
	tally_free(&agg);

	/* files of a pattern: a failed one is counted, not merged */
	memset(&ra, 0, sizeof(ra));
	rb = rc = rf = ra;
	ra.ok = rb.ok = rc.ok = 1;
	ra.tally = &ta;
	rb.tally = &tb;
	rc.tally = &tc;
	rf.failure = FAILURE_PARSE;
	across_init(&ac, "*.xml", &set, 1);
	CHECK(across_add(&ac, &set, 1, &fa, 1, &why) == 0);
	CHECK(across_add(&ac, &set, 1, &ff, 2, &why) == 0);
	CHECK(across_add(&ac, &set, 1, &fb, 3, &why) == 0);
	CHECK(across_add(&ac, &set, 1, &fc, 4, &why) == 0);
	CHECK(ac.files == 3 && ac.nfailed == 1 &&
	    strcmp(ac.failed[0].label, "f.xml") == 0 &&
	    ac.failed[0].failure == FAILURE_PARSE);
	CHECK(ac.tally[0].total_rows == 7 && ac.series == ta.series + 11);
	across_free(&ac);

	/* --max-series: exactly N is whole; past it the file is failed,
	   nothing of it merged */
	m->max_series = ta.series + 11;
	across_init(&ac, "*.xml", &set, 1);
	CHECK(across_add(&ac, &set, 1, &fa, 1, &why) == 0);
	CHECK(across_add(&ac, &set, 1, &fb, 2, &why) == 0);
	across_free(&ac);
	m->max_series = ta.series + 10;
	across_init(&ac, "*.xml", &set, 1);
	CHECK(across_add(&ac, &set, 1, &fa, 1, &why) == 0);
	CHECK(across_add(&ac, &set, 1, &fb, 2, &why) == -1);
	CHECK(why.data != NULL && strstr(why.data, "b.xml") != NULL &&
	    strstr(why.data, "--max-series") != NULL);
	CHECK(ac.files == 1 && ac.nfailed == 1 &&
	    ac.failed[0].failure == FAILURE_LIMIT &&
	    ac.tally[0].total_rows == 3 && ac.tally[0].rows.n == 2);
	across_free(&ac);
	tally_free(&ta);
	tally_free(&tb);
	tally_free(&tc);
	model_free(m);
	buf_free(&why);
}

/*
 * Sums across files are each file's sum added in file order: with
 * 1e16 in one file and 1, 1 in the next, (0 + 1e16) + 2, where adding
 * the rows one by one would round each 1 away.  Overflow and its
 * opposite meet as the single file's sum would: NaN.
 */
static void
test_across_sums(void)
{
	const char	*specs[] = { "by", "type=@type", "by", "s=@s",
			    "sum", "amount=@a" };
	const char	*rows[] = { "t", "s", "t", "s" };
	const double	 big[] = { 1e16, 0 }, ones[] = { 1, 1 },
			 up[] = { 1.5e308, 1.5e308 },
			 down[] = { -1.5e308, -1.5e308 };
	struct model	 m;
	struct tally	 t1, t2, agg;
	struct buf	 why = { 0 };
	const struct group *g;

	CHECK(build(&m, specs, 3, &why));
	m.max_series = 100;
	tally_of_rows(&t1, &m, rows, big, 2);
	tally_of_rows(&t2, &m, rows, ones, 2);
	tally_init(&agg, &m);
	across_merge(&agg, &t1, 1);
	across_merge(&agg, &t2, 2);
	g = group_of(&agg.values[0], "t\0s", sizeof("t\0s"));
	CHECK(g != NULL && g->sum == 1e16 + 2);
	CHECK(g != NULL && g->sum != ((1e16 + 1) + 1));
	tally_free(&agg);
	tally_free(&t1);
	tally_free(&t2);

	tally_of_rows(&t1, &m, rows, up, 2);
	tally_of_rows(&t2, &m, rows, down, 2);
	tally_init(&agg, &m);
	across_merge(&agg, &t1, 1);
	g = group_of(&agg.values[0], "t\0s", sizeof("t\0s"));
	CHECK(g != NULL && isinf(g->sum) && g->sum > 0);
	across_merge(&agg, &t2, 2);
	CHECK(g != NULL && isnan(g->sum) && g->n == 4);
	tally_free(&agg);
	tally_free(&t1);
	tally_free(&t2);
	model_free(&m);
	buf_free(&why);
}

static void
test_datetime(void)
{
	CHECK(datetime_seconds("1970-01-01T00:00:00Z", 20) == 0);
	CHECK(datetime_seconds("2001-09-09T01:46:40Z", 20) == 1000000000);
	CHECK(datetime_seconds("2001-09-09T01:46:40", 19) == 1000000000);
	CHECK(datetime_seconds("2001-09-09T03:46:40+02:00", 25) == 1000000000);
	CHECK(datetime_seconds("2001-09-08T20:16:40-05:30", 25) == 1000000000);
	CHECK(datetime_seconds("2001-09-09T01:46:40.25Z", 23) == 1000000000.25);
	CHECK(datetime_seconds("2000-02-29", 10) == 951782400);	/* leap */
	CHECK(datetime_seconds("2024-05-01Z", 11) == 1714521600);
	/* libexslt's answers (tests/datetime.sh compares many more) */
	CHECK(isnan(datetime_seconds(" 2024-05-01 ", 12)));	/* no space */
	CHECK(datetime_seconds("2024", 4) == 1704067200);	/* gYear */
	CHECK(datetime_seconds("2024-05", 7) == 1714521600);	/* gYearMonth */
	CHECK(datetime_seconds("-0001-01-01T00:00:00Z", 21) == -62167219200.0);
	CHECK(datetime_seconds("P1DT2H", 6) == 93600);		/* duration */
	CHECK(datetime_seconds("-PT1.5S", 7) == -1.5);
	CHECK(isnan(datetime_seconds("P1M", 3)));		/* months vary */
	CHECK(isnan(datetime_seconds("12:00:00", 8)));		/* a time */
	CHECK(datetime_seconds("1969-12-31T23:59:59Z", 20) == -1);
	CHECK(datetime_seconds("2038-01-19T03:14:08Z", 20) == 2147483648.0);
	CHECK(isnan(datetime_seconds("1900-02-29", 10)));	/* not leap */
	CHECK(isnan(datetime_seconds("2024-13-01", 10)));
	CHECK(isnan(datetime_seconds("2024-04-31", 10)));
	CHECK(isnan(datetime_seconds("2024-05-01T24:00:00", 19)));
	CHECK(isnan(datetime_seconds("2024-05-01T12:00", 16)));
	CHECK(isnan(datetime_seconds("2024-05-01T12:00:00.", 20)));
	CHECK(datetime_seconds("2024-05-01T12:00:00+15:00", 25) ==
	    1714510800);				/* zones to 23:59 */
	CHECK(isnan(datetime_seconds("2024-05-01T12:00:00+24:00", 25)));
	CHECK(isnan(datetime_seconds("2024-5-1", 8)));
	/* ten digits are a gYear, not a Unix time */
	CHECK(datetime_seconds("1714521600", 10) == 54105013666944000.0);
	CHECK(isnan(datetime_seconds("", 0)));
}

static int
number_is(double v, const char *want)
{
	struct buf	 b = { 0 };
	int		 ok;

	expo_format_number(&b, v);
	ok = strcmp(b.data, want) == 0;
	if (!ok)
		printf("# number(%.17g) = %s, want %s\n", v, b.data, want);
	buf_free(&b);
	return ok;
}

static void
test_numbers(void)
{
	CHECK(number_is(0, "0"));
	CHECK(number_is(-0.0, "0"));
	CHECK(number_is(42, "42"));
	CHECK(number_is(-7, "-7"));
	CHECK(number_is(9007199254740991.0, "9007199254740991"));
	CHECK(number_is(9007199254740992.0, "9007199254740992"));
	CHECK(number_is(1e17, "1e+17"));
	CHECK(number_is(0.1, "0.1"));
	CHECK(number_is(0.1 + 0.2, "0.30000000000000004"));
	CHECK(number_is(2120.532, "2120.532"));
	CHECK(number_is(1e-7, "1e-07"));
	CHECK(number_is(1e300, "1e+300"));
}

/*
 * Runs one matcher for the patterns (separated by spaces) down one path of
 * element names; returns a bit per pattern that the last element is a row
 * of, or -1 if a pattern does not compile.
 */
static int
matches_of(const char *patterns, const char *const *path)
{
	struct rowpath		 rp[8];
	const struct rowpath	*p[8];
	struct rowmatch		 m;
	struct buf		 err = { 0 };
	char			*copy = xstrdup(patterns), *word, *save = NULL;
	uint64_t		 set;
	size_t			 n = 0, k;
	int			 rows = 0;

	for (word = strtok_r(copy, " ", &save); word != NULL && n < 8;
	    word = strtok_r(NULL, " ", &save)) {
		if (rowpath_compile(&rp[n], word, &err) == -1) {
			printf("# %s\n", err.data);
			rows = -1;
			break;
		}
		p[n] = &rp[n];
		n++;
	}
	if (rows == 0) {
		rowmatch_init(&m, p, n);
		for (set = m.start; *path != NULL; path++)
			set = rowmatch_step(&m, set, *path);
		for (k = 0; k < n; k++)
			if (set & m.row_bit[k])
				rows |= 1 << k;
	}
	for (k = 0; k < n; k++)
		rowpath_free(&rp[k]);
	free(copy);
	buf_free(&err);
	return rows;
}

static int
matches(const char *pattern, const char *const *path)
{
	return matches_of(pattern, path);
}

static int
compiles(const char *pattern)
{
	struct rowpath	 rp;
	struct buf	 err = { 0 };
	int		 ok;

	ok = rowpath_compile(&rp, pattern, &err) == 0;
	rowpath_free(&rp);
	buf_free(&err);
	return ok;
}

static void
test_rowpath(void)
{
	const char *const s_r[] = { "s", "r", NULL };
	const char *const s[] = { "s", NULL };
	const char *const s_r_c[] = { "s", "r", "c", NULL };
	const char *const s_g_r[] = { "s", "g", "r", NULL };
	const char *const s_g_h_r[] = { "s", "g", "h", "r", NULL };
	const char *const r_r[] = { "s", "r", "r", NULL };

	CHECK(matches("/*/*", s_r) == 1);
	CHECK(matches("/*/*", s) == 0);
	CHECK(matches("/*/*", s_r_c) == 0);
	CHECK(matches("/s/r", s_r) == 1);
	CHECK(matches("/s/r", s_g_r) == 0);
	CHECK(matches("/x/r", s_r) == 0);
	CHECK(matches("//r", s_r) == 1);
	CHECK(matches("//r", s_g_h_r) == 1);
	CHECK(matches("//r", r_r) == 1);		/* nested rows */
	CHECK(matches("r", s_g_r) == 1);		/* relative: anywhere */
	CHECK(matches("g//r", s_g_h_r) == 1);
	CHECK(matches("g/r", s_g_h_r) == 0);
	CHECK(matches("s//r", s_r) == 1);
	CHECK(matches("/s//h/r", s_g_h_r) == 1);
	/* Several patterns in one matcher: each its own, whatever the others. */
	CHECK(matches_of("//r /s/r", s_r) == 3);
	CHECK(matches_of("//r /s/r", r_r) == 1);
	CHECK(matches_of("/s/r //r/c", s_r_c) == 2);
	CHECK(matches_of("/s/r //r/c", s_r) == 1);
	CHECK(matches_of("g//r /*/*/*/* //h", s_g_h_r) == 3);
	CHECK(matches_of("g//r /*/*/*/* //h", s_g_h_r + 1) == 1);
	CHECK(matches_of("/s /s", s) == 3);
	CHECK(matches_of("x//r s", r_r) == 0);
	CHECK(matches("*", s) == 1);
	CHECK(matches("/*", s) == 1);
	CHECK(matches("/*", s_r) == 0);
	CHECK(!compiles(""));
	CHECK(!compiles("/"));
	CHECK(!compiles("//"));
	CHECK(!compiles("/a/"));
	CHECK(!compiles("/a///b"));
	CHECK(!compiles("/p:a"));
	CHECK(!compiles("/a[1]"));
	CHECK(!compiles("@type"));
	CHECK(compiles("/a//b/*"));
}

/* A streamed program written back as an expression, without spaces. */
static void
describe(const struct xpstream *prog, size_t *i, struct buf *out)
{
	static const char *const fn[] = { "", "", "concat",
	    "substring-before", "substring-after", "normalize-space",
	    "translate", "", "exists", "contains", "starts-with",
	    "substring", "string-length", "number", "boolean", "not",
	    "true", "false", "eq", "ne", "lt", "le", "gt", "ge", "add",
	    "sub", "mul", "div", "mod", "neg", "if" };
	const struct xpstream_node *n = &prog->node[(*i)++];
	const struct xpstream_leaf *l;
	size_t			 k;

	switch (n->op) {
	case XPS_LEAF:
		l = &prog->leaf[n->leaf];
		if (l->name != XPS_NOT_NAME) {
			buf_puts(out, l->name == XPS_QNAME ? "name(" :
			    "local-name(");
			for (k = 0; k < l->up; k++)
				buf_puts(out, k > 0 ? "/.." : "..");
			buf_putc(out, ')');
			break;
		}
		for (k = 0; k < l->up; k++)
			buf_puts(out, "../");
		for (k = 0; k < l->nsteps; k++)
			buf_printf(out, "%s%s", k > 0 ? "/" : "",
			    l->step[k].nnames > 0 ? l->step[k].name[0] : "*");
		if (l->attr != NULL)
			buf_printf(out, "%s@%s", l->nsteps > 0 ? "/" : "",
			    l->attr);
		break;
	case XPS_LITERAL:
		buf_printf(out, "'%s'", n->literal);
		break;
	case XPS_NUMLIT:
		buf_printf(out, "%g", n->number);
		break;
	default:
		buf_printf(out, "%s(", fn[n->op]);
		for (k = 0; k < n->nargs; k++) {
			if (k > 0)
				buf_putc(out, ',');
			describe(prog, i, out);
		}
		buf_putc(out, ')');
	}
}

/* How the expression is read: streamed as `want`, or by XPath (NULL). */
static int
kind_of(const char *expr, const char *want)
{
	struct fieldexpr	 te;
	struct buf	 err = { 0 }, got = { 0 };
	size_t		 i = 0;
	int		 ok;

	if (fieldexpr_compile(&te, expr, "--type", 0, NULL, 0, &err) == -1) {
		printf("# '%s': %s\n", expr, err.data);
		buf_free(&err);
		return 0;
	}
	if (te.kind == FIELD_STREAMED)
		describe(&te.prog, &i, &got);
	ok = want == NULL ? te.kind == FIELD_ROW_TREE :
	    te.kind == FIELD_STREAMED && strcmp(got.data, want) == 0;
	if (!ok)
		printf("# '%s' read as %s\n", expr, te.kind == FIELD_STREAMED ?
		    got.data : "XPath");
	buf_free(&got);
	fieldexpr_free(&te);
	return ok;
}

/*
 * The streamed functions against libxml2's on a row whose attributes are
 * the leaves: <row a="A" b="B"/>, expression over @a and @b.
 */
static int
same_as_xpath(const char *a, const char *b, const char *expr)
{
	struct fieldexpr		 te;
	struct buf		 err = { 0 }, mine = { 0 };
	struct xpstream_text	 leaf[XPSTREAM_MAX_LEAVES];
	xmlDocPtr		 doc;
	xmlNodePtr		 row;
	xmlXPathContextPtr	 ctx;
	xmlXPathObjectPtr	 res;
	xmlChar			*ref;
	size_t			 k;
	int			 ok;

	if (fieldexpr_compile(&te, expr, "--type", 0, NULL, 0, &err) == -1 ||
	    te.kind != FIELD_STREAMED) {
		printf("# '%s' not streamed\n", expr);
		buf_free(&err);
		return 0;
	}
	doc = xmlNewDoc((const xmlChar *)"1.0");
	row = xmlNewDocNode(doc, NULL, (const xmlChar *)"row", NULL);
	xmlDocSetRootElement(doc, row);
	xmlSetProp(row, (const xmlChar *)"a", (const xmlChar *)a);
	xmlSetProp(row, (const xmlChar *)"b", (const xmlChar *)b);
	for (k = 0; k < te.prog.nleaves; k++) {
		leaf[k].p = strcmp(te.prog.leaf[k].attr, "a") == 0 ? a : b;
		leaf[k].len = strlen(leaf[k].p);
		leaf[k].count = 1;	/* both attributes are there */
	}
	xpstream_eval(&te.prog, leaf, &mine);
	ctx = xmlXPathNewContext(doc);
	ctx->node = row;
	res = xmlXPathEval((const xmlChar *)expr, ctx);
	ref = xmlXPathCastToString(res);
	xmlXPathFreeObject(res);
	ok = strcmp(mine.data != NULL ? mine.data : "", (char *)ref) == 0;
	if (!ok)
		printf("# '%s' with a='%s' b='%s': '%s', XPath '%s'\n", expr,
		    a, b, mine.data, (char *)ref);
	xmlFree(ref);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
	buf_free(&mine);
	fieldexpr_free(&te);
	return ok;
}

static int
type_rejected(const char *expr)
{
	struct fieldexpr	 te;
	struct buf	 err = { 0 };
	int		 rejected;

	rejected = fieldexpr_compile(&te, expr, "--type", 0, NULL, 0, &err) == -1;
	if (!rejected)
		fieldexpr_free(&te);
	buf_free(&err);
	return rejected;
}

/* Expressions left to libxml2's XPath on the row's tree. */
static const char *const not_streamed[] = {
	"category/text()",
	"name(./..)",
	"name(../@a)",
	"namespace-uri()",
	"string(../@*)",
	"string(../@date:a)",	/* bound to EXSLT */
	"a/../@b",
	"./@a",
	"translate(@a, @b, 'x')",	/* literals only */
	"translate(@a, 'b', concat('x', 'y'))",
	"@*",
	"a//b",
	"a[1]",
	"a/@b/c",
	"@a | @b",
	"concat(@a, .)",
	"string()",
	"normalize-space()",
	"descendant::a",
	"string(@date:type)",	/* bound to EXSLT */
	"concat(a/b/c/d/e/f/g/h/i, '')",	/* 9 steps */
	"concat(@a,@a,@a,@a,@a,@a,@a,@a,@a)",	/* 9 */
};

/* tests/expressions: each is read the way its kind says. */
static const struct {
	const char	*kind;
	const char	*expr;
} expressions[] = {
#include "expressions.h"
};

static int
read_as_listed(const char *kind, const char *expr)
{
	static const struct nsbinding ns[] = { { "p", "urn:p" } };
	struct fieldexpr	 fe;
	struct buf		 err = { 0 };
	int			 is_value = strstr(kind, "-value") != NULL;
	const char		*got;

	if (fieldexpr_compile(&fe, expr, "--type", is_value, ns, 1, &err) == -1)
		got = "refused";
	else
		got = fe.kind == FIELD_STREAMED ? "stream" : "tree";
	fieldexpr_free(&fe);
	buf_free(&err);
	if (strncmp(kind, got, strlen(got)) == 0 &&
	    (kind[strlen(got)] == '\0' || is_value))
		return 1;
	printf("# %s: read as %s, listed as %s\n", expr, got, kind);
	return 0;
}

static void
test_expressions(void)
{
	size_t	 i, n = sizeof(expressions) / sizeof(expressions[0]);

	for (i = 0; i < n; i++)
		CHECK(read_as_listed(expressions[i].kind, expressions[i].expr));
}

/*
 * The scan plan (src/scan/plan.h).  A set of one field, EXPR as a label
 * (--by f=EXPR) or a value (--sum f=EXPR), rows //row; 0 if refused.
 */
static int
plan_one(struct scan_plan *plan, struct rowset *rs, const char *option,
    const char *expr)
{
	static const struct nsbinding ns[] = { { "p", "urn:p" } };
	struct model_spec	 sp;
	struct buf		 arg = { 0 }, err = { 0 };
	int			 rc;

	memset(rs, 0, sizeof(*rs));
	rs->rows_src = "//row";
	buf_printf(&arg, "f=%s", expr);
	sp.option = option;
	sp.arg = arg.data;
	sp.origin = "";
	rc = model_build(&rs->model, &sp, 1, NULL, 0, ns, 1, &err);
	buf_free(&arg);
	buf_free(&err);
	if (rc == -1) {
		model_free(&rs->model);
		return 0;
	}
	CHECK(rowpath_compile(&rs->rows, "//row", &err) == 0);
	plan_build(plan, rs, 1, 0);
	return 1;
}

/* An XPath name test in EXPR, by its characters alone: a name or '*'. */
static int
name_start(const char *p)
{
	return (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
	    *p == '_';
}

static const char *
skip_name(const char *p)
{
	while (name_start(p) || (*p >= '0' && *p <= '9') || *p == '-' ||
	    *p == '.' || (*p == ':' && p[1] != ':' && p[-1] != ':'))
		p++;
	return p;
}

/*
 * Does EXPR read an element inside the row (a child step), as its text
 * says: a name or '*' that is no attribute ('@x', 'attribute::x'), no
 * function, no ancestor ('ancestor::T'), no operator (div, mod, and, or,
 * '*' after an operand)?
 */
static int
text_reads_child(const char *e)
{
	const char	*p = e, *end, *q;
	int		 operand = 0, axis_not_child = 0, attr = 0;

	while (*p != '\0') {
		if (*p == '"' || *p == '\'') {
			end = strchr(p + 1, *p);
			p = end != NULL ? end + 1 : p + strlen(p);
			operand = 1;
			continue;
		}
		if (*p == '@') {
			attr = 1;
			p++;
			continue;
		}
		if (name_start(p) || (*p == '*' && !operand)) {
			end = *p == '*' ? p + 1 : skip_name(p);
			for (q = end; *q == ' '; q++)
				;
			if (*q == ':' && q[1] == ':') {	/* an axis */
				axis_not_child = strncmp(p, "child", 5) != 0;
				attr = strncmp(p, "attribute", 9) == 0;
				p = q + 2;
				continue;
			}
			if (operand && (strncmp(p, "div", 3) == 0 ||
			    strncmp(p, "mod", 3) == 0 || strncmp(p, "and", 3) == 0 ||
			    strncmp(p, "or", 2) == 0)) {
				operand = 0;
				p = end;
				continue;
			}
			if (*q != '(' && !attr && !axis_not_child)
				return 1;
			operand = *q != '(';
			attr = axis_not_child = 0;
			p = end;
			continue;
		}
		operand = *p == ')' || *p == ']' || (*p >= '0' && *p <= '9') ||
		    (*p == '.' && p[1] != '.' && operand) || (*p == ' ' && operand);
		if (*p == '.' && p[1] == '.')
			operand = 1, p++;
		attr = 0;
		p++;
	}
	return 0;
}

/* XPath's own type of EXPR (libxml2 on a row): a number or a test? */
static int
xpath_gives_number(const struct fieldexpr *fe, const char *expr)
{
	xmlDocPtr		 doc;
	xmlXPathContextPtr	 ctx;
	xmlXPathObjectPtr	 res;
	int			 number;

	doc = xmlReadMemory("<s><row/></s>", 13, "x.xml", NULL, 0);
	ctx = fieldexpr_context(fe, doc);
	ctx->node = xmlDocGetRootElement(doc)->children;
	res = xmlXPathEval((const xmlChar *)expr, ctx);
	number = res != NULL && (res->type == XPATH_NUMBER ||
	    res->type == XPATH_BOOLEAN);
	xmlXPathFreeObject(res);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
	return number;
}

/*
 * Each expression of tests/expressions, planned as its kind lists it,
 * against what its listed kind and its own text say independently: a
 * tree expression costs a tree and every event; a streamed one none, is
 * complete at the row's start tag unless its text reads a child, keeps
 * a lineage when it reads above the row, reads only row attributes when
 * that is all its text names; a value is computed as a number when
 * libxml2 gives one (but for number() and date:seconds() around a path,
 * which the plan converts from its string).
 */
static int
plan_as_listed(const char *kind, const char *expr)
{
	struct scan_plan	 plan;
	struct rowset		 rs;
	const struct plan_set	*ps = NULL;
	const struct plan_field	*f;
	size_t			 k, depth, inside;
	const char		*c;
	int			 is_value = strstr(kind, "-value") != NULL;
	int			 tree = strncmp(kind, "tree", 4) == 0, ok = 1;
	int			 child, above = 0, only_attrs, number, wrapped;

	if (!plan_one(&plan, &rs, is_value ? "sum" : "by", expr))
		return strcmp(kind, "refused") == 0;
	ps = &plan.set[0];
	/* a value alone has the default type label before it */
	f = &ps->field[is_value ? rs.model.nlabels : 0];
	child = text_reads_child(expr);
	/* '..' in a predicate of the row's attribute ('@a[../k]') is the row */
	for (c = expr, depth = 0; *c != '\0'; c++) {
		depth += *c == '[' ? 1 : *c == ']' ? (size_t)-1 : 0;
		above |= depth == 0 && c[0] == '.' && c[1] == '.';
	}
	above |= strstr(expr, "ancestor::") != NULL;
	only_attrs = !child && !above && strstr(expr, "name(") == NULL;
	wrapped = strncmp(expr, "number(", 7) == 0 ||
	    strncmp(expr, "date:seconds(", 13) == 0;
	number = is_value && xpath_gives_number(f->expr, expr);
	if (tree)
		ok = f->kind == PLAN_TREE && ps->needs_tree &&
		    !ps->complete_at_start && plan.tree_rows == ps->row_bit &&
		    plan.text == TEXT_ALWAYS && f->nleaves == 0;
	else {
		ok = f->kind != PLAN_TREE && plan.tree_rows == 0 &&
		    f->first_leaf + f->nleaves <= ps->nleaves &&
		    plan.text != TEXT_ALWAYS &&
		    ps->complete_at_start == !child &&
		    plan.reads_inside == child && plan.keeps_lineage == above &&
		    (number ? f->kind == PLAN_NUMBER || wrapped :
		    f->kind != PLAN_NUMBER);
		for (k = f->first_leaf, inside = 0; ok &&
		    k < f->first_leaf + f->nleaves; k++) {
			ok = !only_attrs ||
			    ps->leaf[k].kind == LEAF_ROW_ATTRIBUTE;
			inside += ps->leaf[k].kind == LEAF_INSIDE;
		}
		ok = ok && (inside > 0) == child;
	}
	if (!ok)
		printf("# %s '%s': planned kind %d, complete at start %d, "
		    "inside %d, lineage %d, text %d; its text: child %d, "
		    "above %d, number %d\n", kind, expr, f->kind,
		    ps->complete_at_start, plan.reads_inside,
		    plan.keeps_lineage, plan.text, child, above, number);
	plan_free(&plan);
	rowset_free(&rs);
	return ok;
}

/* A run's sets, from option specs: each "-r ROWS" starts a set. */
static int
plan_sets(struct scan_plan *plan, struct rowset *rs, size_t *nsets,
    const char *const *specs, size_t n)
{
	struct model_spec	 sp[8];
	char			 args[8][64];
	struct buf		 err = { 0 };
	size_t			 i = 0, nsp, k;

	for (*nsets = 0; i < n; (*nsets)++) {
		memset(&rs[*nsets], 0, sizeof(rs[*nsets]));
		rs[*nsets].rows_src = specs[2 * i + 1];
		if (rowpath_compile(&rs[*nsets].rows, specs[2 * i + 1],
		    &err) == -1)
			return 0;
		for (i++, nsp = 0; i < n && strcmp(specs[2 * i], "-r") != 0;
		    i++, nsp++) {
			sp[nsp].option = specs[2 * i];
			snprintf(args[nsp], sizeof(args[nsp]), "%s",
			    specs[2 * i + 1]);
			sp[nsp].arg = args[nsp];
			sp[nsp].origin = "";
		}
		if (model_build(&rs[*nsets].model, sp, nsp, NULL, 0, NULL, 0,
		    &err) == -1) {
			printf("# %s\n", err.data);
			buf_free(&err);
			return 0;
		}
	}
	for (k = 0; k < *nsets; k++)
		rs[k].name = *nsets > 1 ? rs[k].rows_src : NULL;
	plan_build(plan, rs, *nsets, 0);
	return 1;
}

static void
plan_sets_free(struct scan_plan *plan, struct rowset *rs, size_t nsets)
{
	size_t	 i;

	plan_free(plan);
	for (i = 0; i < nsets; i++) {
		rs[i].name = NULL;
		rowset_free(&rs[i]);
	}
}

/* A few plans, exactly. */
static void
test_plan_exact(void)
{
	static const char *const child[] = { "-r", "/store/row", "by", "t=@type",
	    "sum", "amount=amount" };
	static const char *const lineage[] = { "-r", "//row",
	    "by", "v=../@version", "by", "n=name(..)",
	    "by", "c=concat(@a, ../../@b)", "by", "k=count(amount)" };
	static const char *const two[] = { "-r", "//row", "by", "t=@type",
	    "-r", "//row/line", "by", "x=string(x[1])", "max", "q=@qty" };
	static const char *const where[] = { "-r", "//row", "by", "t=@type",
	    "where", "string(@status) = 'lent'" };
	struct scan_plan	 p;
	struct rowset		 rs[2];
	const struct plan_set	*s;
	size_t			 n;

	CHECK(plan_sets(&p, rs, &n, child, 3));
	s = &p.set[0];
	CHECK(s->nfields == 2 && s->nleaves == 2 && !s->complete_at_start);
	CHECK(s->field[0].kind == PLAN_ROW_ATTRIBUTE);
	CHECK(s->field[1].kind == PLAN_CHILD && s->field[1].first_leaf == 1);
	CHECK(s->leaf[0].kind == LEAF_ROW_ATTRIBUTE &&
	    s->leaf[0].limit == SCAN_MAX_FIELD_LEN);
	CHECK(s->leaf[1].kind == LEAF_INSIDE && s->leaf[1].field == 1 &&
	    s->leaf[1].limit == SCAN_MAX_ROW_BYTES);
	CHECK(p.reads_inside && p.text == TEXT_WHILE_READ && p.tree_rows == 0);
	CHECK(!p.keeps_lineage && p.most_leaves == 2 && !p.rows_may_nest);
	plan_sets_free(&p, rs, n);

	CHECK(plan_sets(&p, rs, &n, lineage, 5));
	s = &p.set[0];
	CHECK(s->field[0].kind == PLAN_LINEAGE && s->leaf[0].lineage == 0);
	CHECK(s->field[1].kind == PLAN_NAME &&
	    s->leaf[1].kind == LEAF_LINEAGE_NAME);
	CHECK(s->field[2].kind == PLAN_STRING && s->field[2].nleaves == 2);
	CHECK(s->leaf[2].kind == LEAF_ROW_ATTRIBUTE &&
	    s->leaf[2].limit == SCAN_MAX_ROW_BYTES);
	CHECK(s->leaf[3].kind == LEAF_LINEAGE_ATTRIBUTE &&
	    s->leaf[3].lineage == 1);
	CHECK(s->field[3].kind == PLAN_STRING &&
	    s->leaf[4].kind == LEAF_INSIDE && s->leaf[4].def->take == XPS_COUNT);
	CHECK(p.lineage_attrs == 2 && p.lineage_names && p.keeps_lineage);
	CHECK(!s->complete_at_start && p.text == TEXT_NEVER);
	plan_sets_free(&p, rs, n);

	CHECK(plan_sets(&p, rs, &n, two, 5));
	CHECK(n == 2 && p.set[0].complete_at_start && !p.set[0].needs_tree);
	CHECK(p.set[1].needs_tree && !p.set[1].complete_at_start);
	CHECK(p.set[1].field[0].kind == PLAN_TREE && p.set[1].nleaves == 1);
	CHECK(p.tree_rows == p.set[1].row_bit && p.set[0].row_bit != 0 &&
	    (p.set[0].row_bit & p.tree_rows) == 0);
	CHECK(p.set_of_bit[__builtin_ctzll(p.set[1].row_bit)] == 1);
	CHECK(p.text == TEXT_ALWAYS && p.rows_may_nest);
	plan_sets_free(&p, rs, n);

	CHECK(plan_sets(&p, rs, &n, where, 3));
	s = &p.set[0];
	CHECK(s->has_where && s->nfields == 2 && s->complete_at_start);
	CHECK(s->field[1].kind == PLAN_NUMBER && s->field[1].nleaves == 1);
	CHECK(p.text == TEXT_NEVER);
	plan_sets_free(&p, rs, n);
}

static void
test_plan(void)
{
	size_t	 i, n = sizeof(expressions) / sizeof(expressions[0]);

	for (i = 0; i < n; i++)
		CHECK(plan_as_listed(expressions[i].kind, expressions[i].expr));
	test_plan_exact();
}

/*
 * The functions and operators a streamed program computes itself, against
 * libxml2's own evaluation, on the values where they could differ: NaN,
 * the infinities, -0, halves, positions out of the string, empty strings,
 * characters of four bytes, numbers as XPath writes them.
 */
static void
test_boundaries(void)
{
	static const char *const values[] = {
		"", "0", "-0", "1", "1.5", "2.5", "-1", "-1.5", "0.5", "0.49999",
		"NaN", "Infinity", "-Infinity", "1e3", " 12 ", "-.5", ".5",
		"0.1", "123456789012345678901", "2147483647", "2147483648",
		"-2147483649", "4294967296.5", "a\xf0\x9f\x98\x80" "b\xe2\x82\xac" "c",
		"\xf0\x9f\x98\x80", "abc"
	};
	static const char *const exprs[] = {
		"substring(@a, @b)", "substring(@a, @b, 2)",
		"substring(@a, 1, @b)", "substring(@a, @b, @b)",
		"substring(@a, -number(@b))", "substring(@a, 0.5, @b)",
		"string-length(@a)", "contains(@a, @b)", "starts-with(@a, @b)",
		"string(number(@a))", "string(-number(@a))",
		"string(number(@a) div number(@b))",
		"string(number(@a) mod number(@b))",
		"string(number(@a) * 3 - number(@b))",
		"string(number(@a) + 0.1 + 0.2)",
		"concat(number(@a) > number(@b), number(@a) <= number(@b))",
		"concat(number(@a) = number(@b), number(@a) != number(@b))",
		"concat(string(@a) = string(@b), string(@a) != string(@b))",
		"concat(boolean(number(@a)), boolean(string(@a)), not(@a))",
		"concat(1 div 3, '|', -0, '|', 0 div 0, '|', 1 div 0)",
		"substring(@b, number(@a))",
	};
	size_t	 i, j, k, nv = sizeof(values) / sizeof(values[0]);
	int	 all;

	/* one check per expression, over every pair of values */
	for (k = 0; k < sizeof(exprs) / sizeof(exprs[0]); k++) {
		for (i = 0, all = 1; i < nv; i++)
			for (j = 0; j < nv; j++)
				all &= same_as_xpath(values[i], values[j],
				    exprs[k]);
		CHECK(all);
	}
}

static void
test_fieldexpr(void)
{
	size_t	 i;

	CHECK(kind_of("@type", "@type"));
	CHECK(kind_of(" string( @kind ) ", "@kind"));
	CHECK(kind_of("attribute::type", "@type"));
	CHECK(kind_of("attribute :: type", "@type"));
	CHECK(kind_of("category", "category"));
	CHECK(kind_of("string(category)", "category"));
	CHECK(kind_of("child::category", "category"));
	CHECK(kind_of("string(@a) ", "@a"));
	CHECK(kind_of("amount/@currency", "amount/@currency"));
	CHECK(kind_of("string(child::a / b/attribute::c)", "a/b/@c"));
	CHECK(kind_of("a/b/c", "a/b/c"));
	CHECK(kind_of("attribute", "attribute"));	/* an element's name */
	CHECK(kind_of("concat(substring-before(@status,\"e\"), \"-\", @type)",
	    "concat(substring-before(@status,'e'),'-',@type)"));
	CHECK(kind_of("normalize-space(string(string(k)))",
	    "normalize-space(k)"));
	CHECK(kind_of("substring-after(a/@b, '')", "substring-after(a/@b,'')"));
	CHECK(kind_of("'constant'", "'constant'"));
	CHECK(kind_of("../@type", "../@type"));
	CHECK(kind_of("string(.. / .. /attribute::site)", "../../@site"));
	CHECK(kind_of("concat(@a, ../@a)", "concat(@a,../@a)"));
	CHECK(kind_of("translate(k, 'abc', \"ABC\")",
	    "translate(k,'abc','ABC')"));
	CHECK(kind_of("name()", "name()"));
	CHECK(kind_of("local-name( . )", "local-name()"));
	CHECK(kind_of("string(name(..))", "name(..)"));
	CHECK(kind_of("concat(local-name(../..), ':', name())",
	    "concat(local-name(../..),':',name())"));
	/* issue 18's shapes: children's names, counts, tests, numbers */
	CHECK(kind_of("name(*)", "name()"));
	CHECK(kind_of("local-name(k)", "local-name()"));
	CHECK(kind_of("*", "*"));
	CHECK(kind_of("concat(@a, 1)", "concat(@a,1)"));
	CHECK(kind_of("count(amount)", "amount"));
	CHECK(kind_of("boolean(note)", "exists(note)"));
	CHECK(kind_of("contains(@status, 'act')",
	    "contains(@status,'act')"));
	CHECK(kind_of("substring(@status, 1, 3)", "substring(@status,1,3)"));
	CHECK(kind_of("string-length(name)", "string-length(name)"));
	CHECK(kind_of("number(amount) > 100", "gt(number(amount),100)"));
	CHECK(kind_of("amount > 100", NULL));		/* over every amount */
	CHECK(kind_of("@a = 'x'", NULL));		/* a node-set */
	CHECK(kind_of("string(@a) = 'x'", "eq(@a,'x')"));
	CHECK(kind_of("string(amount[@currency='EUR']/@currency)",
	    "amount/@currency"));
	CHECK(kind_of("name(name|amount|note)", "name()"));
	CHECK(kind_of("name(*[1])", "name()"));
	CHECK(kind_of("local-name(*[last()])", "local-name()"));
	CHECK(kind_of("@time[not(../skipped)]", "if(@time,not(exists(skipped)))"));
	CHECK(kind_of("name(a[2])", NULL));
	CHECK(kind_of("string(a[1]/b)", NULL));
	CHECK(kind_of("count(../@a)", NULL));		/* kept as a string */
	CHECK(kind_of("ancestor::x/@a", "@a"));
	CHECK(kind_of("ancestor::x[last()-1]/@a", "@a"));
	CHECK(kind_of("ancestor::*/@a", NULL));
	CHECK(kind_of("ancestor::x[position()=2]/@a", NULL));
	CHECK(kind_of("name(ancestor::x)", NULL));
	for (i = 0; i < sizeof(not_streamed) / sizeof(not_streamed[0]); i++)
		CHECK(kind_of(not_streamed[i], NULL));
	CHECK(same_as_xpath("pending", "x", "substring-before(@a, 'e')"));
	CHECK(same_as_xpath("pending", "x", "substring-after(@a, 'e')"));
	CHECK(same_as_xpath("pending", "", "substring-before(@a, @b)"));
	CHECK(same_as_xpath("pending", "", "substring-after(@a, @b)"));
	CHECK(same_as_xpath("", "", "substring-after(@a, @b)"));
	CHECK(same_as_xpath("pending", "zz", "substring-after(@a, @b)"));
	CHECK(same_as_xpath("pending", "pending!", "substring-before(@a, @b)"));
	CHECK(same_as_xpath("a-b-c", "-", "concat(substring-after(@a, @b), "
	    "'|', substring-before(@a, @b))"));
	CHECK(same_as_xpath("  a \t b  ", "", "normalize-space(@a)"));
	CHECK(same_as_xpath("   ", "", "normalize-space(@a)"));
	CHECK(same_as_xpath("x", " y  z ", "normalize-space(concat(@a, @b, ' '))"));
	CHECK(same_as_xpath("\xc3\xa9t\xc3\xa9", "t", "substring-before(@a, @b)"));
	CHECK(same_as_xpath("Hello World", "", "translate(@a, 'lo', 'L')"));
	CHECK(same_as_xpath("abcabc", "", "translate(@a, 'abca', 'ABCD')"));
	CHECK(same_as_xpath("abc", "", "translate(@a, 'abc', '')"));
	CHECK(same_as_xpath("", "", "translate(@a, 'abc', 'xyz')"));
	CHECK(same_as_xpath("abc", "", "translate(@a, '', 'xyz')"));
	CHECK(same_as_xpath("a\xc3\xa9" "b\xe2\x82\xac", "x",
	    "translate(concat(@a, @b), '\xc3\xa9\xe2\x82\xacx', "
	    "'e\xf0\x9f\x98\x80')"));
	CHECK(same_as_xpath("STATUS \xc3\x89T\xc3\x89", "",
	    "translate(@a, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ\xc3\x89', "
	    "'abcdefghijklmnopqrstuvwxyz\xc3\xa9')"));
	CHECK(type_rejected("@"));
	CHECK(type_rejected("]["));
	CHECK(type_rejected("@type ="));
	CHECK(type_rejected("$v"));
	CHECK(type_rejected("no-such-function()"));
	CHECK(type_rejected("x:y"));
}

/* What the row's tree must hold: "full", or the children named, comma-separated. */
static int
demands(const char *expr, const char *want)
{
	struct xpscope_demand	 d;
	struct buf		 why = { 0 }, got = { 0 };
	struct xp_node		*tree;
	size_t			 i;
	int			 ok;

	if ((tree = xpexpr_parse(expr, &why)) == NULL ||
	    xpscope_check(tree, &d, &why) == -1) {
		printf("# %s refused: %s\n", expr, why.data);
		xpexpr_free(tree);
		buf_free(&why);
		return 0;
	}
	xpexpr_free(tree);
	if (d.full)
		buf_puts(&got, "full");
	else
		for (i = 0; i < d.nchildren; i++)
			buf_printf(&got, "%s%s", i > 0 ? "," : "", d.children[i]);
	if (!d.full && d.kids_text)
		buf_puts(&got, "+text");
	ok = strcmp(got.data != NULL ? got.data : "", want) == 0;
	if (!ok)
		printf("# demand(%s) = '%s', want '%s'\n", expr,
		    got.data != NULL ? got.data : "", want);
	xpscope_demand_free(&d);
	buf_free(&got);
	buf_free(&why);
	return ok;
}

static void
test_demand(void)
{
	CHECK(demands("concat(substring-before(@status,'e'),'-',@type)", ""));
	CHECK(demands("concat(name(..), ../@k, count(ancestor::*))", ""));
	CHECK(demands("string(amount/@currency)", "amount"));
	CHECK(demands("concat(a/@x, p:b/@y, count(a))", "a,b"));
	CHECK(demands("string(a[2]/@x)", "a"));
	CHECK(demands("string(a[@k='v']/@x)", "a"));
	CHECK(demands("string(a)", "a+text"));		/* text, a's whole */
	CHECK(demands("string(a[.='v']/@x)", "a+text"));	/* in a predicate */
	CHECK(demands("concat(a, b/@c)", "a,b+text"));
	CHECK(demands("string(a/b/@x)", "full"));	/* grandchildren */
	CHECK(demands("name(*[2])", "full"));		/* any child */
	CHECK(demands("count(node())", "full"));
	CHECK(demands("string(.)", "full"));
	CHECK(demands("count(.//@n)", "full"));
	CHECK(demands("string(comment())", "full"));
	CHECK(demands("lang('en')", ""));
}

static void
test_previous_success(void)
{
	struct label		 l = { "site", "a\"b" };
	struct expo_params	 ep = { .prefix = "store", .labels = &l,
				    .nlabels = 1 };
	char			*v;
	const char		*prev =
	    "# HELP store_last_success_timestamp_seconds x\n"
	    "store_last_success_timestamp_seconds{path=\"/a\",site=\"x\"} 5\n"
	    "store_last_success_timestamp_seconds{path=\"/a\",site=\"a\\\"b\"} 1700000000.25\n"
	    "store_last_success_timestamp_seconds{path=\"/b\",site=\"a\\\"b\"} 1e9\n";

	v = expo_previous_success(&ep, "/a", prev);
	CHECK(v != NULL && strcmp(v, "1700000000.25") == 0);
	free(v);
	CHECK(expo_previous_success(&ep, "/b", prev) == NULL);	/* not plain */
	CHECK(expo_previous_success(&ep, "/c", prev) == NULL);
	CHECK(expo_previous_success(&ep, "/a", "") == NULL);
	ep.prefix = "other";
	CHECK(expo_previous_success(&ep, "/a", prev) == NULL);
}

/* Both readings of one string: the same bits, when ours takes it. */
static int
same_number(const char *text, size_t len, int *taken)
{
	char	 copy[64];
	double	 mine = 0, theirs;

	memcpy(copy, text, len);
	copy[len] = '\0';
	theirs = xmlXPathCastStringToNumber((const xmlChar *)copy);
	*taken = xpstream_plain_number(text, len, &mine);
	return !*taken || memcmp(&mine, &theirs, sizeof(mine)) == 0;
}

/* xpstream_plain_number() reads what libxml2 reads, to the bit, or declines. */
static void
test_plain_numbers(void)
{
	static const char *const cases[] = {
		"0", "-0", "7", "-7", "007", "-007", "42", "999999999999999",
		"-999999999999999", "100000000000000", "9007199254740993",
		"1234567890123456", "", "-", "+1", " 1", "1 ", "1.", "1.0", ".5",
		"1e3", "0x10", "--1", "1-", "12a", "\t3", "٣", "1,000",
		"0.1", "0.2", "0.3", "-0.0", "1.5", "123.45", "-123.45", "1.000",
		"0.1000000000000000", "2.675", "1.005", "0.000000000000000000001",
		"0.0000000000000000000001", "0.00000000000000000000001",
		"1.123456789012345", "1.1234567890123456", "-.5", "1..2",
		"1.2.3", "1.-2", "1.e3", "1.5e3", "1.5 ", "999999999999999.999999999999999",
		"4503599627370495.5", "0.30000000000000004", "9.999999999999999",
	};
	uint64_t state = 1;
	char	 text[64];
	size_t	 i, k, len, accepted = 0, agreed = 0;
	int	 taken;
	double	 mine;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK(same_number(cases[i], strlen(cases[i]), &taken));
		accepted += taken;
	}
	CHECK(accepted > 25);
	/* Every length up to the limits, and one past each, declined. */
	for (k = 1; k <= 16; k++) {
		for (i = 0; i < k; i++)
			text[i] = (char)('1' + (i * 7) % 9);
		CHECK(same_number(text, k, &taken) && taken == (k <= 15));
		memmove(text + 2, text, k);
		memcpy(text, "0.", 2);
		CHECK(same_number(text, k + 2, &taken) && taken == (k <= 15));
	}
	CHECK(xpstream_plain_number("-0", 2, &mine) && signbit(mine));
	CHECK(xpstream_plain_number("-0.0", 4, &mine) && signbit(mine));
	CHECK(!xpstream_plain_number("1.", 2, &mine));
	/*
	 * 300 000 decimals of every shape the reader takes or declines near:
	 * 1 to 16 whole digits, 0 to 8 zeros and 0 to 17 digits after the
	 * point, a sign in one of four.
	 */
	for (i = 0, accepted = 0, agreed = 0; i < 300000; i++) {
		len = 0;
		if ((state = state * 6364136223846793005ULL + 1) >> 62 == 0)
			text[len++] = '-';
		for (k = 1 + (state >> 20) % 16; k > 0; k--)
			text[len++] = (char)('0' + ((state = state * 6364136223846793005ULL + 1) >> 33) % 10);
		if ((state >> 40) % 5 != 0) {
			text[len++] = '.';
			for (k = (state >> 44) % 9; k > 0; k--)
				text[len++] = '0';
			for (k = (state >> 50) % 18; k > 0; k--)
				text[len++] = (char)('0' + ((state = state * 6364136223846793005ULL + 1) >> 33) % 10);
		}
		agreed += same_number(text, len, &taken);
		accepted += taken;
	}
	CHECK(agreed == 300000);
	CHECK(accepted > 100000 && accepted < 300000);
}

/* promread: each kind of line, a label value with a space, no last newline. */
static int
is(const char *s, size_t n, const char *want)
{
	return s != NULL && n == strlen(want) && memcmp(s, want, n) == 0;
}

static void
test_promread(void)
{
	const char	*text = "# HELP a_rows Rows, by type.\n"
			    "# TYPE a_rows gauge\n"
			    "a_rows{path=\"/s p\",type=\"x y\"} 12\n"
			    "\n# a comment\nnospace\na_total 3";
	struct prom_line l;

	CHECK(promread_next(&text, &l) && l.kind == PROM_HELP &&
	    is(l.name, l.name_len, "a_rows") &&
	    is(l.value, l.value_len, "Rows, by type."));
	CHECK(promread_next(&text, &l) && l.kind == PROM_TYPE &&
	    is(l.name, l.name_len, "a_rows") &&
	    is(l.value, l.value_len, "gauge"));
	CHECK(promread_next(&text, &l) && l.kind == PROM_SAMPLE &&
	    is(l.name, l.name_len, "a_rows") &&
	    is(l.series, l.series_len, "a_rows{path=\"/s p\",type=\"x y\"}") &&
	    is(l.labels, l.labels_len, "{path=\"/s p\",type=\"x y\"}") &&
	    is(l.value, l.value_len, "12"));
	CHECK(promread_next(&text, &l) && l.kind == PROM_OTHER && l.len == 0);
	CHECK(promread_next(&text, &l) && l.kind == PROM_OTHER);
	CHECK(promread_next(&text, &l) && l.kind == PROM_OTHER &&
	    is(l.text, l.len, "nospace"));
	CHECK(promread_next(&text, &l) && l.kind == PROM_SAMPLE &&
	    is(l.series, l.series_len, "a_total") && l.labels == NULL &&
	    is(l.value, l.value_len, "3"));
	CHECK(!promread_next(&text, &l));
	text = NULL;
	CHECK(!promread_next(&text, &l));
}

/* Does the expression read anything of the node it is evaluated on? */
static int
reads_node(const char *expr)
{
	struct buf	 why = { 0 };
	struct xp_node	*tree = xpexpr_parse(expr, &why);
	int		 reads = tree == NULL ? -1 : xpexpr_reads_node(tree);

	xpexpr_free(tree);
	buf_free(&why);
	return reads;
}

static void
test_constant(void)
{
	static const char *const constants[] = {
		"\"state/@state\"", "'@type'", "3", "-1 + 2 * 3", "true()",
		"false()", "concat(\"a\", 1 + 2)", "not(\"\")",
		"string-length(\"abc\") > 2", "number(\"5\")",
	};
	static const char *const readers[] = {
		"@type", ".", "string()", "name()", "position()", "last()",
		"normalize-space()", "number()", "string-length()",
		"concat(\"a\", @b)", "lang(\"en\")", "a | b", "/", "..",
		"count(*) + 1", "not(x)", "\"a\" = @b", "-@n",
	};
	size_t	 i;

	for (i = 0; i < sizeof(constants) / sizeof(*constants); i++)
		CHECK(reads_node(constants[i]) == 0);
	for (i = 0; i < sizeof(readers) / sizeof(*readers); i++)
		CHECK(reads_node(readers[i]) == 1);
}

/* The label each file of DIR/PATTERN gets by KIND, joined by spaces. */
static int
labels_are(const char *dir, const char *pattern, enum file_label_kind kind,
    const char *want, size_t want_problems)
{
	struct store_naming	 naming = { "x", kind };
	struct store_list	 l = { 0 };
	struct buf		 arg = { 0 }, got = { 0 };
	char			*args[1];
	size_t			 i, problems;
	int			 same;

	buf_printf(&arg, "%s/%s", dir, pattern);
	args[0] = arg.data;
	problems = storelist_expand(&l, args, 1, &naming, 1);
	for (i = 0; i < l.nfiles; i++)
		buf_printf(&got, "%s%s%s", i > 0 ? " " : "", l.files[i].label,
		    l.files[i].conflict ? "!" : "");
	same = strcmp(got.data != NULL ? got.data : "", want) == 0 &&
	    problems == want_problems;
	if (!same)
		printf("# %s: '%s', %zu problems\n", pattern,
		    got.data != NULL ? got.data : "", problems);
	storelist_free(&l);
	buf_free(&arg);
	buf_free(&got);
	return same;
}

static void
test_storelist(void)
{
	char	 dir[] = "/tmp/xml2prom-unit.XXXXXX";
	const char *names[] = { "scan-a.xml", "scan-bb.xml.gz", "scan-a.gz",
	    ".scan-c.xml", "other.txt" };
	struct buf path = { 0 };
	size_t	 i;
	FILE	*f;

	CHECK(storelist_is_glob("a*") && storelist_is_glob("a?") &&
	    storelist_is_glob("[ab]") && !storelist_is_glob("/srv/a.xml"));
	if (mkdtemp(dir) == NULL)
		return;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		buf_reset(&path);
		buf_printf(&path, "%s/%s", dir, names[i]);
		if ((f = fopen(path.data, "w")) != NULL)
			fclose(f);
	}
	/* Byte order; a glob's '*' does not match a leading '.'. */
	CHECK(labels_are(dir, "scan-*", FILE_LABEL_BASE,
	    "scan-a.gz scan-a.xml scan-bb.xml.gz", 0));
	CHECK(labels_are(dir, "scan-*.xml*", FILE_LABEL_CAPTURE, "a bb", 0));
	CHECK(labels_are(dir, "*-*.x?l", FILE_LABEL_CAPTURE, "scan", 0));
	CHECK(labels_are(dir, "scan-?*", FILE_LABEL_CAPTURE,
	    ".gz .xml b.xml.gz", 0));
	/* Two stems of one value: both marked, both counted. */
	CHECK(labels_are(dir, "scan-*", FILE_LABEL_STEM, "scan-a! scan-a! "
	    "scan-bb", 2));
	CHECK(labels_are(dir, "none-*", FILE_LABEL_STEM, "", 1));
	CHECK(labels_are(dir, "", FILE_LABEL_BASE,
	    "other.txt scan-a.gz scan-a.xml scan-bb.xml.gz", 0));
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		buf_reset(&path);
		buf_printf(&path, "%s/%s", dir, names[i]);
		unlink(path.data);
	}
	rmdir(dir);
	buf_free(&path);
}

int
main(void)
{
	xmlInitParser();
	test_escaping();
	test_seconds();
	test_names();
	test_tally();
	test_series_limit();
	test_across();
	test_across_sums();
	test_datetime();
	test_numbers();
	test_plain_numbers();
	test_rowpath();
	test_fieldexpr();
	test_expressions();
	test_plan();
	test_boundaries();
	test_demand();
	test_constant();
	test_previous_success();
	test_promread();
	test_storelist();
	xmlCleanupParser();
	printf("unit: %d passed, %d failed\n", passed, failed);
	return failed == 0 ? 0 : 1;
}
