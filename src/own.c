/*
 * own.c: the names xml2prom writes itself (see own.h).
 */
#include <string.h>

#include "own.h"

/*
 * HELP texts never depend on the input: two files that give the same
 * family different HELP texts make node_exporter drop the family.
 */
const struct own_family own_families[NFAMILIES] = {
	[TOTAL_ROWS] = { "total_rows", "Total rows in store" },
	[ROWS] = { "rows", "Rows in store by type" },
	[SKIPPED_VALUES] = { "skipped_values",
	    "Rows whose value for a family was empty or not a finite number" },
	[FILES] = { "files", "Files of the store counted in full in the "
	    "set's --across-files series" },
	[FILES_FAILED] = { "files_failed", "Files of the store not counted in "
	    "the set's --across-files series: their sums are partial" },
	[FILE_FAILURE] = { "file_failure", "1 for each file of the store not "
	    "counted in the set's --across-files series, labelled with why: "
	    "missing, permission, io, parse, entity, limit, changed or "
	    "conflict" },
	[READ_SUCCESS] = { "read_success",
	    "1 if the store was read in full by the last run, 0 if not" },
	[READ_FAILURE] = { "read_failure",
	    "1 if the last run could not read the store, labelled with why: "
	    "missing, permission, io, parse, entity, limit or changed" },
	[LAST_SUCCESS] = { "last_success_timestamp_seconds",
	    "Unix time of the last run that read the store in full" },
	[FILE_SIZE] = { "file_size_bytes", "Size of the store file in bytes" },
	[FILE_MODIFIED] = { "file_modified_timestamp_seconds",
	    "Unix time the store file was last modified" },
	[READ_DURATION] = { "read_duration_seconds",
	    "Seconds the last run took to read the store" },
};

/* Is SUFFIX one of the families xml2prom writes (PREFIX_SUFFIX)? */
int
own_family(const char *suffix)
{
	int	 f;

	for (f = 0; f < NFAMILIES; f++)
		if (strcmp(own_families[f].suffix, suffix) == 0)
			return 1;
	return 0;
}

/*
 * The labels xml2prom writes itself: path on every series (store, the
 * pattern, on an --across-files set's), reason on
 * read_failure, family on skipped_values, le on a histogram's buckets;
 * and Prometheus' own, "__" first.
 */
int
own_label(const char *name)
{
	static const char *const labels[] = { "path", "store", "reason",
	    "family", "le" };
	size_t	 i;

	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (strcmp(labels[i], name) == 0)
			return 1;
	return strncmp(name, "__", 2) == 0;
}
