/*
 * main.c: xml2prom's entry: the options, then one run (run.h), or runs
 * until a signal says stop (resident.h).
 */
#include <stdio.h>

#include <libxml/parser.h>

#include "exitcodes.h"
#include "options.h"
#include "resident.h"
#include "run.h"

int
main(int argc, char **argv)
{
	struct config	 c;
	int		 status;

	LIBXML_TEST_VERSION
	switch (options_parse(&c, argc, argv, stderr)) {
	case OPTIONS_DONE:
		status = fflush(stdout) == EOF ? EXIT_OUTPUT : EXIT_OK;
		break;
	case OPTIONS_USAGE:
		status = EXIT_USAGE;
		break;
	default:
		status = c.every_ms > 0 ? resident_run(&c, argc, argv) :
		    run_once(&c, NULL);
		break;
	}
	config_free(&c);
	xmlCleanupParser();
	return status;
}
