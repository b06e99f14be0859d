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
 * element and no allocation.
 */
#ifndef XML2PROM_ROWPATH_H
#define XML2PROM_ROWPATH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"

#define ROWPATH_MAX_STEPS	32

struct rowpath {
	size_t	 nsteps;
	char	*names[ROWPATH_MAX_STEPS];	/* NULL for '*' */
	int	 descendant[ROWPATH_MAX_STEPS];	/* reached by '//' */
};

/* A compiled pattern bound to one parse: names interned in its dictionary. */
struct rowmatch {
	size_t		 nsteps;
	const char	*names[ROWPATH_MAX_STEPS];
	uint64_t	 selfloop;	/* bit i: step i may skip elements */
	uint64_t	 final;		/* the bit that marks a row */
};

#define ROWMATCH_START	((uint64_t)1)	/* the state set of the document */

int	rowpath_compile(struct rowpath *, const char *, struct buf *err);
int	rowpath_may_nest(const struct rowpath *);
void	rowpath_free(struct rowpath *);
void	rowmatch_init(struct rowmatch *, const struct rowpath *,
	    const char *(*intern)(void *, const char *), void *);

/*
 * The state set of an element named `name` whose parent's set is `parent`.
 * Interned names compare by pointer; the strcmp() only guards against a
 * name that reached us from outside the dictionary.
 */
static inline uint64_t
rowmatch_step(const struct rowmatch *m, uint64_t parent, const char *name)
{
	uint64_t	 next = parent & m->selfloop, todo = parent;
	unsigned	 i;

	while (todo != 0) {
		i = (unsigned)__builtin_ctzll(todo);
		todo &= todo - 1;
		if (i >= m->nsteps)
			continue;
		if (m->names[i] == NULL || m->names[i] == name ||
		    strcmp(m->names[i], name) == 0)
			next |= (uint64_t)1 << (i + 1);
	}
	return next;
}

#endif
