/*
 * fuzz_scan.c: libFuzzer harness over the whole read path: a store's bytes
 * are scanned (parse, row matching, type evaluation, tally) and rendered as
 * exposition text, which must be valid UTF-8 and end with a newline.
 * The first byte picks the --rows pattern and the fields (labels, values
 * of every kind), so that every scanner mode is fuzzed.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "expo.h"
#include "names.h"
#include "scan.h"
#include "storefile.h"

int LLVMFuzzerTestOneInput(const unsigned char *, size_t);

static const char *const patterns[] = { "/*/*", "//row", "*", "/s/row", "s//r" };
/* Each a list of option, argument pairs for model_build(). */
static const char *const models[][8] = {
	{ "by", "type=@type" },
	{ "by", "type=string(name)", "sum", "n=@n", "min", "d:=date:seconds(@d)" },
	{ "by", "type=concat(../@k, @type, count(*))", "by", "s=name",
	  "histogram", "h:s=n", "buckets", "h=0,1,10" },
	{ "by", "type=name", "max", "m=number(k)", "sum", "c=count(*)" }
};
#define NMODELS	(sizeof(models) / sizeof(models[0]))

static void
must(int, const char *);

static void
build(struct model *m, const char *const *spec)
{
	struct model_spec	 sp[4];
	struct buf		 err = { 0 };
	size_t			 n;

	for (n = 0; n < 4 && spec[2 * n] != NULL; n++) {
		sp[n].option = spec[2 * n];
		sp[n].arg = xstrdup(spec[2 * n + 1]);
		sp[n].origin = "";
	}
	must(model_build(m, sp, n, NULL, 0, NULL, 0, &err) == 0, "model");
	m->max_series = 50;
	while (n-- > 0)		/* the model keeps copies */
		free(sp[n].arg);
	buf_free(&err);
}

static void
must(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_scan: %s\n", what);
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static struct rowpath	 rows[5];
	static struct model	 model[NMODELS];
	static int		 ready;
	struct scan_params	 p;
	struct scan_result	 r;
	static char		 prefix[] = "store", prefix_b[] = "store_b";
	struct rowset		 sets[2];
	struct expo_params	 ep = { .prefix = "store" };
	struct expo_file	 f = { 0 };
	struct buf		 out = { 0 }, err = { 0 };
	const char		*path;
	unsigned		 pick;

	if (!ready) {
		for (pick = 0; pick < 5; pick++)
			must(rowpath_compile(&rows[pick], patterns[pick], &err) == 0,
			    "pattern");
		for (pick = 0; pick < NMODELS; pick++)
			build(&model[pick], models[pick]);
		ready = 1;
	}
	if (size == 0)
		return 0;
	pick = data[0];
	data++, size--;
	if ((path = storefile_write(data, size)) == NULL)
		return 0;
	/* One set, or two sharing the pass (the second named 'b'). */
	memset(&p, 0, sizeof(p));
	memset(sets, 0, sizeof(sets));
	sets[0].prefix = prefix;
	sets[0].rows_src = patterns[pick % 5];
	sets[0].rows = rows[pick % 5];
	sets[0].model = model[(pick / 5) % NMODELS];
	sets[1].name = "b";
	sets[1].prefix = prefix_b;
	sets[1].rows_src = patterns[(pick / 20) % 5];
	sets[1].rows = rows[(pick / 20) % 5];
	sets[1].model = model[(pick / 100) % NMODELS];
	p.sets = ep.sets = sets;
	p.nsets = ep.nsets = 1 + (pick >= 128);
	scan_file(path, &p, &r);
	must(r.ok || (r.error != NULL && strchr(r.error, '\n') == NULL),
	    "a failure has a one-line reason");
	f.path = path;
	f.result = &r;
	f.carried_success = NULL;
	expo_render(&out, &ep, &f, 1, NULL, NULL);
	must(out.len > 0 && out.data[out.len - 1] == '\n', "ends with newline");
	must(names_is_utf8(out.data, out.len), "output is UTF-8");
	must(strlen(out.data) == out.len, "no NUL in the output");
	buf_free(&out);
	scan_result_free(&r);
	return 0;
}
