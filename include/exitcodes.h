/*
 * exitcodes.h: the exit statuses xml2prom promises (see EXIT STATUS in
 * xml2prom(1)).  Scripts and alerts depend on them: never reuse a value.
 */
#ifndef XML2PROM_EXITCODES_H
#define XML2PROM_EXITCODES_H

enum exit_status {
	EXIT_OK = 0,		/* every FILE was read, the output was written */
	EXIT_FILE = 1,		/* at least one FILE failed; output still written */
	EXIT_USAGE = 2,		/* bad command line; nothing read or written */
	EXIT_OUTPUT = 3,	/* output not written; previous file untouched */
	EXIT_LOCKED = 4,	/* another run holds the output's lock */
	EXIT_CHECK = 5		/* --check: all else passed, but a row set
				   matched no row of a store, or a field
				   reads nothing of the row (a constant) */
};

#endif
