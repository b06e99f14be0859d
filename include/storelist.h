/*
 * storelist.h: the files a run reads, as its store arguments (the FILE
 * operands and --store) name them, expanded afresh at every run and, in
 * the resident and exporter modes, at every cycle.  A store argument is
 * one of three kinds:
 *
 *   a plain path (no '*', '?' or '[', and not a directory): that file, as
 *   before globs were taken, whether it exists or not;
 *   a glob: the regular files glob(3) finds, in byte order (a match that
 *   is a directory, a FIFO, a device or a socket is no store: skipped);
 *   a directory: its regular files, in byte order, but those whose name
 *   starts with '.', which writers use for the temp file they rename into
 *   place (rsync's .NAME.XXXXXX, many editors and atomic writers).
 *
 * A link found is followed when its target is a regular file; whether a
 * run as root may read it is the read's own rule (trust.h), as for a
 * named store.
 *
 * Each file's series carry its `path` label, or with --file-label
 * NAME=WHAT a label NAME derived from its name (WHAT: base, stem or
 * capture).  Two files that would carry the same value (two arguments
 * finding the same path, or two names giving one stem) are a conflict:
 * neither is read, each is said, and the run fails (exit 1); they are
 * never merged.
 */
#ifndef XML2PROM_STORELIST_H
#define XML2PROM_STORELIST_H

#include <stddef.h>

#include "buf.h"

enum store_kind {
	STORE_PLAIN,		/* a path: that file */
	STORE_GLOB,		/* glob(3)'s regular files */
	STORE_DIR		/* a directory's regular files, no dot-files */
};

/* --file-label NAME=WHAT: what a file's label value is made of. */
enum file_label_kind {
	FILE_LABEL_PATH,	/* none given: path="the path as found" */
	FILE_LABEL_BASE,	/* the last component */
	FILE_LABEL_STEM,	/* the same less .xml.gz, .xml or .gz */
	FILE_LABEL_CAPTURE	/* what the last component's first '*'
				   matched; a name without one: its base */
};

/* One store argument, as expanded by the last run. */
struct store_pattern {
	const char		*arg;		/* as given */
	enum store_kind		 kind;
	size_t			 found;		/* files found */
	size_t			 conflicts;	/* of them, left out: their
						   label was another's too */
	int			 error;		/* errno of glob/opendir, 0 */
};

/* One file found. */
struct store_file {
	char			*path;		/* as read, and its path label */
	size_t			 pattern;	/* index in the patterns */
	char			*label;		/* the label's value: path, or
						   derived (--file-label) */
	int			 conflict;	/* left out: label not its own */
};

/*
 * The files found, in byte order of their path; the patterns in the order
 * given.  A file of a conflict is listed (conflict set), not read.
 */
struct store_list {
	struct store_file	*files;
	size_t			 nfiles;
	struct store_pattern	*patterns;
	size_t			 npatterns;
};

struct store_naming {
	const char		*label_name;	/* NULL: "path" */
	enum file_label_kind	 kind;
};

/*
 * Is ARG a glob: does it hold a metacharacter ('*', '?' or '[') and name
 * nothing as it is written?  (A file or directory that is there is that
 * store, whatever its name holds.)
 */
int	storelist_is_glob(const char *arg);

/*
 * Expands the NARGS store arguments into LIST (emptied first).  Says on
 * stderr, unless QUIET, each argument that found nothing (a glob that
 * matched no file, an empty directory) and each conflict.  Returns the
 * number of arguments that found nothing plus the files left out by
 * conflicts: more than 0 fails the run (exit 1), its output written.
 */
size_t	storelist_expand(struct store_list *, char *const *args, size_t nargs,
	    const struct store_naming *, int quiet);

/* The file whose path is PATH, or NULL (a binary search). */
const struct store_file *storelist_find(const struct store_list *,
	    const char *path);

/*
 * Could one of the NARGS arguments find PATH, now or at another run?
 * (Whose is a series of a previous output, collide.h.)
 */
int	storelist_could_find(char *const *args, size_t nargs, const char *path);

/* Did two expansions find the same, to the byte (files, labels, counts)? */
int	storelist_same(const struct store_list *, const struct store_list *);

void	storelist_free(struct store_list *);

/* WHAT of --file-label NAME=WHAT; -1 when it is none of them. */
int	storelist_label_kind(const char *what, enum file_label_kind *);

#endif
