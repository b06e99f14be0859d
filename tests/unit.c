/*
 * unit.c: unit tests for the pieces with the most edge cases: escaping and
 * number formatting, name checks, the tally, the --rows matcher, the
 * classification of --type expressions, the carry-over of the last success.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "expo.h"
#include "names.h"
#include "rowpath.h"
#include "tally.h"
#include "typeexpr.h"
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

static void
test_tally(void)
{
	struct tally			 t;
	const struct tally_entry	**sorted;
	char				 name[16];
	int				 i;

	tally_init(&t, 100);
	CHECK(tally_add(&t, "book", 4) == 0);
	CHECK(tally_add(&t, "dvd", 3) == 0);
	CHECK(tally_add(&t, "book", 4) == 0);
	CHECK(tally_add(&t, "bookshelf", 4) == 0);	/* a prefix: "book" */
	CHECK(tally_rows(&t, "book") == 3);
	CHECK(tally_rows(&t, "dvd") == 1);
	CHECK(tally_rows(&t, "cd") == 0);
	CHECK(t.total_rows == 4);
	for (i = 0; i < 98; i++) {
		snprintf(name, sizeof(name), "t%03d", i);
		CHECK(tally_add(&t, name, strlen(name)) == 0);
	}
	CHECK(t.ntypes == 100);
	CHECK(tally_add(&t, "one-too-many", 12) == -1);
	CHECK(t.ntypes == 100 && t.total_rows == 102);
	CHECK(tally_add(&t, "t050", 4) == 0);		/* known types still count */
	CHECK(tally_rows(&t, "t050") == 2);
	sorted = tally_sorted(&t);
	CHECK(strcmp(sorted[0]->type, "book") == 0);
	CHECK(strcmp(sorted[1]->type, "dvd") == 0);
	CHECK(strcmp(sorted[99]->type, "t097") == 0);
	CHECK(sorted[100] == NULL);
	free((void *)sorted);
	tally_free(&t);

	tally_init(&t, 10);
	CHECK(tally_add(&t, "a\0b", 3) == 0);		/* lengths, not C strings */
	CHECK(tally_add(&t, "a", 1) == 0);
	CHECK(t.ntypes == 2);
	tally_free(&t);
}

static const char *
identity(void *arg, const char *name)
{
	(void)arg;
	return name;
}

/* Runs the matcher down one path of element names; returns row or not. */
static int
matches(const char *pattern, const char *const *path)
{
	struct rowpath	 rp;
	struct rowmatch	 m;
	struct buf	 err = { 0 };
	uint64_t	 set = ROWMATCH_START;

	if (rowpath_compile(&rp, pattern, &err) == -1) {
		printf("# %s\n", err.data);
		buf_free(&err);
		return -1;
	}
	rowmatch_init(&m, &rp, identity, NULL);
	for (; *path != NULL; path++)
		set = rowmatch_step(&m, set, *path);
	rowpath_free(&rp);
	return (set & m.final) != 0;
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

static int
kind_of(const char *expr, enum type_kind want, const char *name)
{
	struct typeexpr	 te;
	struct buf	 err = { 0 };
	int		 ok;

	if (typeexpr_compile(&te, expr, NULL, 0, &err) == -1) {
		buf_free(&err);
		return 0;
	}
	ok = te.kind == want && (name == NULL ? te.name == NULL :
	    te.name != NULL && strcmp(te.name, name) == 0);
	if (!ok)
		printf("# '%s' classified as %d (%s)\n", expr, te.kind,
		    te.name != NULL ? te.name : "-");
	typeexpr_free(&te);
	return ok;
}

static int
type_rejected(const char *expr)
{
	struct typeexpr	 te;
	struct buf	 err = { 0 };
	int		 rejected;

	rejected = typeexpr_compile(&te, expr, NULL, 0, &err) == -1;
	if (!rejected)
		typeexpr_free(&te);
	buf_free(&err);
	return rejected;
}

static void
test_typeexpr(void)
{
	CHECK(kind_of("@type", TYPE_ATTRIBUTE, "type"));
	CHECK(kind_of(" string( @kind ) ", TYPE_ATTRIBUTE, "kind"));
	CHECK(kind_of("attribute::type", TYPE_ATTRIBUTE, "type"));
	CHECK(kind_of("category", TYPE_CHILD_TEXT, "category"));
	CHECK(kind_of("string(category)", TYPE_CHILD_TEXT, "category"));
	CHECK(kind_of("child::category", TYPE_CHILD_TEXT, "category"));
	CHECK(kind_of("category/text()", TYPE_XPATH, NULL));
	CHECK(kind_of("../@type", TYPE_XPATH, NULL));
	CHECK(kind_of("@*", TYPE_XPATH, NULL));
	CHECK(kind_of("*", TYPE_XPATH, NULL));
	CHECK(kind_of("normalize-space(@type)", TYPE_XPATH, NULL));
	CHECK(kind_of("string(@a) ", TYPE_ATTRIBUTE, "a"));
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
	size_t			 i;
	int			 ok;

	if (xpscope_check(expr, &d, &why) == -1) {
		printf("# %s refused: %s\n", expr, why.data);
		buf_free(&why);
		return 0;
	}
	if (d.full)
		buf_puts(&got, "full");
	else
		for (i = 0; i < d.nchildren; i++)
			buf_printf(&got, "%s%s", i > 0 ? "," : "", d.children[i]);
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
	CHECK(demands("string(a)", "full"));		/* text */
	CHECK(demands("string(a[.='v']/@x)", "full"));	/* text in a predicate */
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
	struct expo_params	 ep = { "store", &l, 1, NULL, 0, NULL, 0 };
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

int
main(void)
{
	xmlInitParser();
	test_escaping();
	test_seconds();
	test_names();
	test_tally();
	test_rowpath();
	test_typeexpr();
	test_demand();
	test_previous_success();
	xmlCleanupParser();
	printf("unit: %d passed, %d failed\n", passed, failed);
	return failed == 0 ? 0 : 1;
}
