/*
 * main.c: xml2prom's one job, top to bottom: take the output's lock, read
 * every store, render the metrics, replace the output file, and say with
 * the exit status how it went (see exitcodes.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "dump.h"
#include "exitcodes.h"
#include "expo.h"
#include "options.h"
#include "scan.h"
#include "textfile.h"

static void
complain(const struct config *c, const char *msg)
{
	if (!c->quiet)
		fprintf(stderr, "xml2prom: %s\n", msg);
}

/* Reads every FILE; returns how many failed. */
static size_t
scan_all(const struct config *c, struct scan_result *results)
{
	struct scan_params	 p;
	struct dump		 d;
	size_t			 i, failed = 0;

	memset(&p, 0, sizeof(p));
	p.rows = &c->rows;
	p.type = &c->type;
	p.missing_type = c->missing_type;
	p.max_types = c->max_types;
	d.out = stdout;
	d.expo = &c->expo;
	if (c->dump) {
		p.on_row = dump_row;
		p.on_row_arg = &d;
	}
	for (i = 0; i < c->nfiles; i++) {
		d.path = c->files[i];
		scan_file(c->files[i], &p, &results[i]);
		if (!results[i].ok) {
			failed++;
			complain(c, results[i].error);
		} else if (c->verbose)
			fprintf(stderr, "xml2prom: %s: %llu rows, %zu types\n",
			    c->files[i],
			    (unsigned long long)results[i].tally.total_rows,
			    results[i].tally.ntypes);
		if (c->dump)
			dump_counts(&d, &results[i]);
	}
	return failed;
}

static void
render(const struct config *c, const struct textfile *tf,
    struct scan_result *results, size_t failed, struct buf *out)
{
	struct expo_file	*files;
	char			*previous = NULL;
	size_t			 i;

	/* A failed store keeps the last-success time of the previous run. */
	if (failed > 0 && tf != NULL)
		previous = textfile_previous(tf);
	files = xcalloc(c->nfiles, sizeof(*files));
	for (i = 0; i < c->nfiles; i++) {
		files[i].path = c->files[i];
		files[i].result = &results[i];
		if (!results[i].ok && previous != NULL)
			files[i].carried_success = expo_previous_success(
			    &c->expo, c->files[i], previous);
	}
	expo_render(out, &c->expo, files, c->nfiles);
	for (i = 0; i < c->nfiles; i++)
		free(files[i].carried_success);
	free(files);
	free(previous);
}

static int
write_stdout(const struct buf *text)
{
	if (fwrite(text->data, 1, text->len, stdout) != text->len ||
	    fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "xml2prom: standard output: %s\n",
		    strerror(errno));
		return EXIT_OUTPUT;
	}
	return EXIT_OK;
}

static int
run(const struct config *c)
{
	struct textfile		 tf;
	struct scan_result	*results;
	struct buf		 text = { 0 }, err = { 0 };
	int			 locked = 0, status;
	size_t			 i, failed;

	if (c->output_path != NULL && !c->dump) {
		if ((status = textfile_lock(&tf, c->output_path, &err)) != 0) {
			fprintf(stderr, "xml2prom: %s\n", err.data);
			textfile_close(&tf);
			buf_free(&err);
			return status;
		}
		locked = 1;
	}
	results = xcalloc(c->nfiles, sizeof(*results));
	failed = scan_all(c, results);
	render(c, locked ? &tf : NULL, results, failed, &text);
	status = failed > 0 ? EXIT_FILE : EXIT_OK;
	if (c->dump)
		dump_heading(stdout, c->output_path);
	if (!locked) {
		if (write_stdout(&text) != EXIT_OK)
			status = EXIT_OUTPUT;
	} else if (textfile_replace(&tf, text.data, text.len, c->mode,
	    &err) == -1) {
		fprintf(stderr, "xml2prom: %s\n", err.data);
		status = EXIT_OUTPUT;
	} else if (c->verbose)
		fprintf(stderr, "xml2prom: wrote %s\n", c->output_path);
	if (locked)
		textfile_close(&tf);
	for (i = 0; i < c->nfiles; i++)
		scan_result_free(&results[i]);
	free(results);
	buf_free(&text);
	buf_free(&err);
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
		status = run(&c);
		break;
	}
	config_free(&c);
	xmlCleanupParser();
	return status;
}
