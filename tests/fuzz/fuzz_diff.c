/*
 * fuzz_diff.c: differential libFuzzer harness for the one-truth promise.
 * The same store is read three ways and must give the same counts:
 *   the scanner as configured (a streaming fast path where the expression
 *   allows one), the scanner forced onto its row trees (the expression
 *   wrapped in concat(..., "")), and libxml2's XPath on its own tree of the
 *   whole store (reference.c).
 * The first two bytes pick the --rows pattern and the expression.  The
 * scanner may refuse a store the reference reads only by a rule on
 * entities or a limit (its own or libxml2's, which differ a little between
 * a SAX parse and a tree); any other disagreement aborts.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "reference.h"
#include "scan.h"

int LLVMFuzzerTestOneInput(const unsigned char *, size_t);

static const char *const patterns[] = {
	"/*/*", "//row", "*", "/s/row", "s//r", "//r", "row", "/*"
};
#define NPATTERNS	(sizeof(patterns) / sizeof(patterns[0]))

/* The fast-path shapes first, then what only a tree answers. */
static const char *const exprs[] = {
	"@type", "string(@type)", "attribute::k", "type", "string(name)",
	"child::k", "k",
	"normalize-space(k)", "string(k/text())", "string(text()[2])",
	"concat(name(..), '/', ../@k, '/', count(ancestor::*))",
	"count(*)", "string(comment())", "string(processing-instruction())",
	"concat(@a, ':', string(k), ':', count(.//node()))",
	"name(*[2])", "string(ancestor::*[1]/@type)", "string(p:k)",
	"string(@p:type)", "local-name(*[last()])", "string(.)",
	"sum(.//@n)", "count(text())", "lang('en')", "string(k[2]/@a)",
	"concat(string(*/text()), count(namespace::*))",
	"string(descendant::*[@type][1]/@type)",
	"concat(@type, string(following-sibling::*[1]))"
};
#define NEXPRS	(sizeof(exprs) / sizeof(exprs[0]))

static const struct nsbinding ns[] = { { "p", "urn:p" } };

static void
must(int cond, const char *what, const char *pattern, const char *expr)
{
	if (!cond) {
		fprintf(stderr, "fuzz_diff: %s (rows '%s', expression '%s')\n",
		    what, pattern, expr);
		abort();
	}
}

static int
same_tally(const struct tally *a, const struct tally *b)
{
	const struct tally_entry **sorted, **e;
	int			 same;

	if (a->total_rows != b->total_rows || a->ntypes != b->ntypes)
		return 0;
	sorted = tally_sorted(a);
	for (same = 1, e = sorted; *e != NULL && same; e++)
		same = tally_rows(b, (*e)->type) == (*e)->rows;
	free(sorted);
	return same;
}

static void
scan_bytes(int fd, const struct rowpath *rows, const struct typeexpr *te,
    struct scan_result *r)
{
	struct scan_params	 p;
	char			 path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	memset(&p, 0, sizeof(p));
	p.rows = rows;
	p.type = te;
	p.missing_type = "unknown";
	p.max_types = 50;
	scan_file(path, &p, r);
}

/* The scanner's answer must be the reference's, or a refusal of its own. */
static void
agree(const struct scan_result *mine, int ref_ok, const struct tally *ref,
    const char *pattern, const char *expr, const char *how)
{
	char	 what[96];

	snprintf(what, sizeof(what), "%s read a store the reference refuses",
	    how);
	must(!mine->ok || ref_ok, what, pattern, expr);
	snprintf(what, sizeof(what), "%s and the reference count differently",
	    how);
	must(!mine->ok || same_tally(&mine->tally, ref), what, pattern, expr);
	snprintf(what, sizeof(what), "%s failed on a store the reference "
	    "reads", how);
	must(mine->ok || !ref_ok || mine->failure == FAILURE_ENTITY ||
	    mine->failure == FAILURE_LIMIT, what, pattern, expr);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static struct rowpath	 rows[NPATTERNS];
	static int		 ready;
	struct typeexpr		 fast, tree;
	struct scan_result	 r_fast, r_tree;
	struct tally		 ref;
	struct buf		 err = { 0 }, forced = { 0 };
	const char		*expr;
	size_t			 i, pick;
	int			 fd, ref_ok;

	if (!ready) {
		for (i = 0; i < NPATTERNS; i++)
			must(rowpath_compile(&rows[i], patterns[i], &err) == 0,
			    "pattern", patterns[i], "");
		ready = 1;
	}
	/* gzip is the scanner's business alone: the reference reads none */
	if (size < 2 || (size >= 4 && data[2] == 0x1f && data[3] == 0x8b))
		return 0;
	pick = data[0] % NPATTERNS;
	expr = exprs[data[1] % NEXPRS];
	data += 2, size -= 2;

	buf_printf(&forced, "concat(%s, \"\")", expr);
	if (typeexpr_compile(&fast, expr, ns, 1, &err) == -1) {
		/* refused before reading (it looks outside the row) */
		must(typeexpr_compile(&tree, forced.data, ns, 1, &err) == -1,
		    "the wrapped expression accepted, the bare one refused",
		    patterns[pick], expr);
		goto out;
	}
	must(typeexpr_compile(&tree, forced.data, ns, 1, &err) == 0,
	    "the wrapped expression refused", patterns[pick], expr);
	must(tree.kind == TYPE_XPATH, "concat() took a fast path",
	    patterns[pick], expr);
	if ((fd = memfd_create("store", 0)) != -1 &&
	    write(fd, data, size) == (ssize_t)size) {
		scan_bytes(fd, &rows[pick], &fast, &r_fast);
		scan_bytes(fd, &rows[pick], &tree, &r_tree);
		tally_init(&ref, 50);
		ref_ok = reference_count((const char *)data, size, &rows[pick],
		    expr, ns, 1, "unknown", &ref) == 0;
		agree(&r_fast, ref_ok, &ref, patterns[pick], expr,
		    fast.kind == TYPE_XPATH ? "the row tree" : "the fast path");
		agree(&r_tree, ref_ok, &ref, patterns[pick], expr,
		    "the row tree (forced)");
		tally_free(&ref);
		scan_result_free(&r_fast);
		scan_result_free(&r_tree);
	}
	if (fd != -1)
		close(fd);
	typeexpr_free(&tree);
	typeexpr_free(&fast);
out:
	buf_free(&err);
	buf_free(&forced);
	return 0;
}
