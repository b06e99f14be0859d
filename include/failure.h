/*
 * failure.h: why a store could not be read, as the small fixed set of
 * reasons the metrics carry (PREFIX_read_failure{reason}), so that an alert
 * can route on the kind of problem without parsing free text.
 */
#ifndef XML2PROM_FAILURE_H
#define XML2PROM_FAILURE_H

enum failure {
	FAILURE_NONE,
	FAILURE_MISSING,	/* no such file */
	FAILURE_PERMISSION,	/* not allowed to read it */
	FAILURE_IO,		/* not a file, a read error, corrupt gzip */
	FAILURE_PARSE,		/* not well-formed XML, bad encoding */
	FAILURE_ENTITY,		/* an undeclared or external entity */
	FAILURE_LIMIT,		/* refused by a limit: sizes, depth, bombs */
	FAILURE_CHANGED,	/* rewritten while it was read */
	FAILURE_CONFLICT	/* not read: another file of the run would
				   carry the same label (storelist.h); only
				   an --across-files set's file_failure says
				   it, the file having no series of its own */
};

static inline const char *
failure_name(enum failure f)
{
	static const char *const names[] = {
		"", "missing", "permission", "io", "parse", "entity", "limit",
		"changed", "conflict"
	};

	return names[f];
}

#endif
