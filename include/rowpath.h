/*
 * rowpath.h: the --rows pattern and its streaming matcher.  Patterns look
 * like '//row', '/store/items/item', 'items//item', '*', or the default,
 * '/' '*' '/' '*' written together: the children of the document element.
 *
 * A pattern is a list of steps, each a local name or '*', each reached from
 * the previous one by '/' (a child) or '//' (a descendant).  A pattern that
 * does not start with '/' may start anywhere in the document, as in XSLT
 * match patterns.  The matcher is a tiny NFA whose state set fits in one
 * 64-bit word per open element, so matching costs a few instructions per
 * element and no allocation.  Several patterns (one per row set) share the
 * word, each its own run of bits: its steps, then the bit that marks its
 * rows; an element is matched against all of them at once.
 */
#ifndef XML2PROM_ROWPATH_H
#define XML2PROM_ROWPATH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bounds.h"
#include "buf.h"

struct rowpath {
	size_t	 nsteps;
	char	*names[ROWPATH_MAX_STEPS];	/* NULL for '*' */
	int	 descendant[ROWPATH_MAX_STEPS];	/* reached by '//' */
};

/*
 * Compiled patterns, their names the patterns' own until interned in the
 * dictionary of a parse (then compared by pointer first).  Bit i of a state set: the element may be followed by step i (names[i]);
 * a pattern's row bit has no step.
 */
struct rowmatch {
	const char	*names[ROWMATCH_BITS];	/* NULL: '*' */
	uint64_t	 stepping;	/* bits that have a step */
	uint64_t	 selfloop;	/* bit i: step i may skip elements */
	uint64_t	 start;		/* the state set of the document */
	uint64_t	 rows;		/* every pattern's row bit */
	uint64_t	 row_bit[ROWMATCH_BITS]; /* pattern k's row bit */
	size_t		 npatterns;
};

int	rowpath_compile(struct rowpath *, const char *, struct buf *err);
int	rowpath_may_nest(const struct rowpath *);
void	rowpath_free(struct rowpath *);
int	rowmatch_fits(const struct rowpath *const *, size_t);
void	rowmatch_init(struct rowmatch *, const struct rowpath *const *,
	    size_t);
void	rowmatch_intern(struct rowmatch *,
	    const char *(*intern)(void *, const char *), void *);

/*
 * The state set of an element named `name` whose parent's set is `parent`.
 * Interned names compare by pointer; the first byte and strcmp() only
 * guard against a name that reached us from outside the dictionary.
 */
static inline uint64_t
rowmatch_step(const struct rowmatch *m, uint64_t parent, const char *name)
{
	uint64_t	 next = parent & m->selfloop;
	uint64_t	 todo = parent & m->stepping;
	unsigned	 i;

	while (todo != 0) {
		i = (unsigned)__builtin_ctzll(todo);
		todo &= todo - 1;
		if (m->names[i] == NULL || m->names[i] == name ||
		    (m->names[i][0] == name[0] && strcmp(m->names[i], name) == 0))
			next |= (uint64_t)1 << (i + 1);
	}
	return next;
}

#endif
