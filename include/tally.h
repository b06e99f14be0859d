/*
 * tally.h: the type -> row count table filled while a store is scanned.
 * Open addressing on an FNV-1a hash, so counting a row costs one hash and
 * usually one comparison, whatever the number of types.  A table refuses a
 * new type past its limit (--max-types) instead of growing without bound.
 */
#ifndef XML2PROM_TALLY_H
#define XML2PROM_TALLY_H

#include <stddef.h>
#include <stdint.h>

struct tally_entry {
	char		*type;	/* NUL-terminated copy */
	size_t		 len;
	uint64_t	 hash;
	uint64_t	 rows;
};

struct tally {
	struct tally_entry	*slots;
	size_t			 nslots;	/* a power of two */
	size_t			 ntypes;
	size_t			 max_types;
	uint64_t		 total_rows;
};

void	tally_init(struct tally *, size_t max_types);
void	tally_free(struct tally *);
int	tally_add(struct tally *, const char *type, size_t len);
uint64_t tally_rows(const struct tally *, const char *type);
const struct tally_entry **tally_sorted(const struct tally *);

#endif
