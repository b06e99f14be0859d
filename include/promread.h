/*
 * promread.h: reading exposition text back, one line at a time, as
 * xml2prom writes it (expo.h): a sample's series (its name and labels, as
 * written) and value, a HELP or TYPE line's family.  The one reader of
 * .prom text, for the carry-over of the last success (expo.c), the series
 * another file holds and whose an output is (collide.c).
 */
#ifndef XML2PROM_PROMREAD_H
#define XML2PROM_PROMREAD_H

#include <stddef.h>

enum prom_kind {
	PROM_SAMPLE,		/* 'series value' */
	PROM_HELP,		/* '# HELP family ...' */
	PROM_TYPE,		/* '# TYPE family kind' */
	PROM_OTHER		/* a comment, a blank or malformed line */
};

struct prom_line {
	enum prom_kind	 kind;
	const char	*text;		/* the line, without its newline */
	size_t		 len;
	const char	*name;		/* a sample's metric, a HELP's or */
	size_t		 name_len;	/* TYPE's family */
	const char	*series;	/* a sample's 'name{labels}' */
	size_t		 series_len;
	const char	*labels;	/* ...'{...}' in it, or NULL */
	size_t		 labels_len;
	const char	*value;		/* a sample's value; HELP and TYPE: */
	size_t		 value_len;	/* what follows the family */
};

/*
 * The line at *CURSOR (a NUL-terminated text, or NULL): 1 and *CURSOR
 * moved past it, or 0 at the end.
 */
int	promread_next(const char **cursor, struct prom_line *);

#endif
