/*
 * tally.c: the type -> row count table.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "tally.h"

#define FNV_OFFSET	0xcbf29ce484222325ULL
#define FNV_PRIME	0x100000001b3ULL

static uint64_t
hash_bytes(const char *p, size_t len)
{
	uint64_t	 h = FNV_OFFSET;

	while (len-- > 0) {
		h ^= (unsigned char)*p++;
		h *= FNV_PRIME;
	}
	return h;
}

void
tally_init(struct tally *t, size_t max_types)
{
	memset(t, 0, sizeof(*t));
	t->nslots = 16;
	t->slots = xcalloc(t->nslots, sizeof(*t->slots));
	t->max_types = max_types;
}

void
tally_free(struct tally *t)
{
	size_t	 i;

	for (i = 0; i < t->nslots; i++)
		free(t->slots[i].type);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

static struct tally_entry *
find_slot(struct tally_entry *slots, size_t nslots, const char *type,
    size_t len, uint64_t hash)
{
	size_t	 i = hash & (nslots - 1);

	while (slots[i].type != NULL &&
	    (slots[i].hash != hash || slots[i].len != len ||
	    memcmp(slots[i].type, type, len) != 0))
		i = (i + 1) & (nslots - 1);
	return &slots[i];
}

/* Keeps the load under one half, so probe sequences stay short. */
static void
grow(struct tally *t)
{
	struct tally_entry	*old = t->slots, *e;
	size_t			 i, oldn = t->nslots;

	t->nslots *= 2;
	t->slots = xcalloc(t->nslots, sizeof(*t->slots));
	for (i = 0; i < oldn; i++) {
		if (old[i].type == NULL)
			continue;
		e = find_slot(t->slots, t->nslots, old[i].type, old[i].len,
		    old[i].hash);
		*e = old[i];
	}
	free(old);
}

/*
 * Counts one row of the given type.  Returns -1, counting nothing, when the
 * type is new and the table already holds max_types types.
 */
int
tally_add(struct tally *t, const char *type, size_t len)
{
	uint64_t		 hash = hash_bytes(type, len);
	struct tally_entry	*e;

	e = find_slot(t->slots, t->nslots, type, len, hash);
	if (e->type == NULL) {
		if (t->ntypes >= t->max_types)
			return -1;
		e->type = xstrndup(type, len);
		e->len = len;
		e->hash = hash;
		t->ntypes++;
		if (t->ntypes * 2 > t->nslots)
			grow(t);
		/* grow() moved the entry: find it again. */
		e = find_slot(t->slots, t->nslots, type, len, hash);
	}
	e->rows++;
	t->total_rows++;
	return 0;
}

uint64_t
tally_rows(const struct tally *t, const char *type)
{
	size_t			 len = strlen(type);
	const struct tally_entry *e;

	e = find_slot(t->slots, t->nslots, type, len, hash_bytes(type, len));
	return e->type != NULL ? e->rows : 0;
}

static int
compare_entries(const void *a, const void *b)
{
	const struct tally_entry *x = *(const struct tally_entry * const *)a;
	const struct tally_entry *y = *(const struct tally_entry * const *)b;
	size_t			 n = x->len < y->len ? x->len : y->len;
	int			 c;

	if ((c = memcmp(x->type, y->type, n)) != 0)
		return c;
	return (x->len > y->len) - (x->len < y->len);
}

/* The entries in byte order of their type, NULL-terminated; free() it. */
const struct tally_entry **
tally_sorted(const struct tally *t)
{
	const struct tally_entry **v;
	size_t			 i, n = 0;

	v = xcalloc(t->ntypes + 1, sizeof(*v));
	for (i = 0; i < t->nslots; i++)
		if (t->slots[i].type != NULL)
			v[n++] = &t->slots[i];
	qsort(v, n, sizeof(*v), compare_entries);
	return v;
}
