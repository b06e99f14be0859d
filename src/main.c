/*
 * main.c: xml2prom's entry: the options, then one run (run.h), runs
 * until a signal says stop (resident.h), or a survey (survey.h).
 */
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>

#include "exitcodes.h"
#include "options.h"
#include "resident.h"
#include "run.h"
#include "survey.h"

/* --survey FILE: what it holds, and a configuration, on standard output. */
static int
survey(const struct config *c)
{
	const struct rowset	*set = &c->sets[0];
	struct survey		 sv;
	struct buf		 out = { 0 };
	int			 status = EXIT_OK;

	if (survey_file(c->files[0], c->given[0].rows != NULL ? &set->rows :
	    NULL, set->rows_src, &sv) == -1) {
		fprintf(stderr, "xml2prom: %s\n", sv.error);
		status = EXIT_FILE;
	} else {
		if (sv.cut_at_line > 0)
			fprintf(stderr, "xml2prom: %s:%lu: more than %d distinct "
			    "names: the survey stops here (see its first "
			    "lines)\n", c->files[0], sv.cut_at_line,
			    SURVEY_MAX_NAMES);
		survey_print(&out, c->files[0], &sv, c->max_series);
		if (fwrite(out.data, 1, out.len, stdout) != out.len ||
		    fflush(stdout) == EOF) {
			perror("xml2prom: standard output");
			status = EXIT_OUTPUT;
		}
	}
	survey_free(&sv);
	buf_free(&out);
	return status;
}

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
		status = c.survey ? survey(&c) : c.every_ms > 0 || CONFIG_SERVES(&c) ?
		    resident_run(&c, argc, argv) : run_once(&c, NULL);
		break;
	}
	config_free(&c);
	xmlCleanupParser();
	return status;
}
