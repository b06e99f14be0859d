/*
 * optint.h: options internals shared by options.c (the command line),
 * confread.c (the --config files), optcheck.c (the checks of what both
 * gave) and usage.c (the usage errors all three write).
 */
#ifndef XML2PROM_OPTINT_H
#define XML2PROM_OPTINT_H

#include <stdio.h>

#include "optable.h"
#include "options.h"

/* What getopt collected, before it is checked. */
struct raw {
	const char	*output;
	const char	*textfile_dir;
	const char	*prefix;
	const char	*max_series;
	const char	*max_series_option;	/* or its old name */
	const char	*mode;
	const char	*every;
	const char	*reread_after;
	const char	*settle;
	const char	**labels;
	size_t		 nlabels;
	const char	**ns;
	const char	**ns_origin;	/* where each --namespace was given */
	size_t		 nns_origin;
	const char	*origin[OPT_LAST];	/* where each option was given */
	char		**argv;		/* the command line, --config's added */
	const char	**argv_origin;
	int		 argc;
};

int	usage_error(FILE *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
int	expand_configs(struct config *, struct raw *, int, char **, FILE *);
int	check_config(struct config *, struct raw *, FILE *);

#endif
