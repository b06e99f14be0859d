/*
 * options.h: the command line, parsed and checked into one configuration.
 * Every check that can fail without reading a store happens here, so that
 * a bad option, expression, metric or label name is a usage error before
 * any file is opened.
 */
#ifndef XML2PROM_OPTIONS_H
#define XML2PROM_OPTIONS_H

#include <stdio.h>
#include <sys/types.h>

#include "expo.h"
#include "model.h"
#include "rowpath.h"
#include "typeexpr.h"

#define DEFAULT_TEXTFILE_DIR	"/var/lib/prometheus/node-exporter"
#define DEFAULT_ROWS		"/*/*"
#define DEFAULT_TYPE		"@type"
#define DEFAULT_MISSING_TYPE	"unknown"
#define DEFAULT_PREFIX		"store"
#define DEFAULT_MAX_SERIES	1000
#define DEFAULT_MODE		0644

struct config {
	char			*output_path;	/* NULL: standard output */
	int			 output_derived; /* named after FILE (-d) */
	struct rowpath		 rows;
	struct model		 model;
	struct expo_params	 expo;
	const char		*rows_src;	/* as given, for messages */
	size_t			 max_series;
	mode_t			 mode;
	int			 dump;
	int			 check;		/* --check: write nothing */
	int			 quiet;
	int			 verbose;
	char *const		*files;
	size_t			 nfiles;
	/* storage behind the pointers above */
	const char		**include;
	const char		**exclude;
	struct label		*labels;
	struct nsbinding	*ns;
	size_t			 nns;
	struct model_spec	*specs;		/* --by, --sum..., in order */
	size_t			 nspecs;
	char			**argv;		/* with --config's options */
	char			**config_strings;
	size_t			 nconfig_strings;
};

enum options_result {
	OPTIONS_RUN,		/* go on with the configuration */
	OPTIONS_DONE,		/* --help or --version was printed */
	OPTIONS_USAGE		/* the problem was printed to `err` */
};

enum options_result options_parse(struct config *, int, char **, FILE *err);
void	config_free(struct config *);

#endif
