/*
 * fuzz_options.c: libFuzzer harness over the command line: NUL-separated
 * arguments go through the same parser and checks as xml2prom's argv.  It
 * must accept or refuse each line without crashing or leaking, and what it
 * accepts must be usable (a prefix that is a metric name, an output path).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "options.h"

int LLVMFuzzerTestOneInput(const unsigned char *, size_t);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static char	 name[] = "xml2prom";
	static FILE	*sink;
	struct config	 c;
	char		*copy, *argv[64];
	int		 argc = 1;
	size_t		 i;

	if (sink == NULL) {
		sink = fopen("/dev/null", "w");
		/* --help and --version print to stdout. */
		if (freopen("/dev/null", "w", stdout) == NULL)
			abort();
	}
	copy = malloc(size + 1);
	memcpy(copy, data, size);
	copy[size] = '\0';
	argv[0] = name;
	argv[argc++] = copy;
	for (i = 0; i < size && argc < 63; i++)
		if (copy[i] == '\0')
			argv[argc++] = copy + i + 1;
	argv[argc] = NULL;
	if (options_parse(&c, argc, argv, sink) == OPTIONS_RUN) {
		if (!names_is_metric(c.expo.prefix) || c.nfiles == 0)
			abort();
	}
	config_free(&c);
	free(copy);
	return 0;
}
