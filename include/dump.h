/*
 * dump.h: --dump, what a person debugging a store wants to see: every row
 * with its line, its labels, its values (or why each was skipped) and
 * whether it is reported, then the counts per group, then the exact
 * exposition text that a normal run would write.
 * Each line starts with the store's name, so it is easy to grep.
 */
#ifndef XML2PROM_DUMP_H
#define XML2PROM_DUMP_H

#include <stdio.h>

#include "expo.h"
#include "scan.h"

struct dump {
	FILE			*out;
	const char		*path;
	const struct expo_params *expo;
};

void	dump_row(void *dump, const struct rowset *, unsigned long line,
	    const struct row *, const struct row_report *);
void	dump_counts(const struct dump *, const struct scan_result *);
void	dump_heading(FILE *, const char *target);

#endif
