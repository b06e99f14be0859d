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

#include "defaults.h"
#include "expo.h"
#include "model.h"
#include "rowset.h"
#include "storelist.h"
#include "fieldexpr.h"


/* A row set as the command line and --config files give it. */
struct set_options {
	const char		*name;		/* NULL: the unnamed set */
	const char		*origin;	/* where --set was given */
	const char		*rows;		/* NULL: not given */
	const char		*rows_origin;
	struct model_spec	*specs;		/* --by, --sum..., in order */
	size_t			 nspecs;
	const char		**include;	/* -i */
	size_t			 ninclude;
	const char		**exclude;	/* -x */
	size_t			 nexclude;
	int			 across;	/* --across-files */
};

struct config {
	char			*output_path;	/* NULL: standard output */
	int			 output_derived; /* named after FILE (-d) */
	struct rowset		*sets;		/* at least one */
	size_t			 nsets;
	struct expo_params	 expo;
	size_t			 max_series;
	mode_t			 mode;
	int			 dump;
	int			 check;		/* --check: write nothing */
	size_t			 constant_fields; /* that read nothing of
						   the row (said at start) */
	int			 quiet;
	int			 verbose;
	unsigned long		 every_ms;	/* 0: one run, and exit */
	int			 watch;		/* also on a store's change */
	unsigned long		 reread_after_ms; /* resident: read at least this
						    often; 0: every run */
	unsigned long		 settle_ms;	/* not read when modified since */
	int			 survey;	/* --survey: describe, propose */
	const char		**listen;	/* --web.listen-address */
	size_t			 nlisten;
	int			 systemd_socket; /* --web.systemd-socket */
	const char		*web_config;	/* --web.config.file */
	char *const		*files;		/* the store arguments */
	size_t			 nfiles;
	struct store_naming	 naming;	/* --file-label */
	/* storage behind the pointers above */
	struct set_options	*given;		/* the sets, as given */
	size_t			 ngiven;
	struct label		*labels;
	struct nsbinding	*ns;
	size_t			 nns;
	char			**argv;		/* with --config's options */
	char			**file_args;	/* behind files */
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
const char *options_version(void);

/* Does this configuration serve HTTP (httpserve.h)? */
#define CONFIG_SERVES(c)	((c)->nlisten > 0 || (c)->systemd_socket)

#endif
