/*
 * rowpath.c: parsing the --rows pattern and binding it to a parse.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "names.h"
#include "rowpath.h"

static int
bad(struct buf *err, const char *src, const char *why)
{
	buf_printf(err, "invalid --rows pattern '%s': %s", src, why);
	return -1;
}

int
rowpath_compile(struct rowpath *rp, const char *src, struct buf *err)
{
	const char	*p = src, *end;
	int		 descendant;

	memset(rp, 0, sizeof(*rp));
	if (*p == '\0')
		return bad(err, src, "empty");
	if (*p != '/')
		descendant = 1;		/* relative: may start anywhere */
	else if (p[1] == '/') {
		descendant = 1;
		p += 2;
	} else {
		descendant = 0;
		p += 1;
	}
	for (;;) {
		if (rp->nsteps == ROWPATH_MAX_STEPS)
			return bad(err, src, "too many steps");
		end = p + strcspn(p, "/");
		if (end == p)
			return bad(err, src, "empty step");
		if (end - p == 1 && *p == '*')
			rp->names[rp->nsteps] = NULL;
		else if (names_is_ncname(p, (size_t)(end - p)))
			rp->names[rp->nsteps] = xstrndup(p, (size_t)(end - p));
		else if (memchr(p, ':', (size_t)(end - p)) != NULL) {
			rowpath_free(rp);
			return bad(err, src, "names match local names: "
			    "drop the namespace prefix");
		} else {
			rowpath_free(rp);
			return bad(err, src, "a step is a name or '*'");
		}
		rp->descendant[rp->nsteps++] = descendant;
		if (*end == '\0')
			return 0;
		p = end + 1;
		descendant = 0;
		if (*p == '/') {
			descendant = 1;
			p++;
		}
		if (*p == '\0') {
			rowpath_free(rp);
			return bad(err, src, "ends with '/'");
		}
	}
}

/*
 * Can a row lie inside another row?  Only a step reached by '//' (or a
 * pattern that starts anywhere) lets rows sit at different depths.
 */
int
rowpath_may_nest(const struct rowpath *rp)
{
	size_t	 i;

	for (i = 0; i < rp->nsteps; i++)
		if (rp->descendant[i])
			return 1;
	return 0;
}

void
rowpath_free(struct rowpath *rp)
{
	size_t	 i;

	for (i = 0; i < rp->nsteps; i++)
		free(rp->names[i]);
	memset(rp, 0, sizeof(*rp));
}

/* Do these patterns fit one state word together? */
int
rowmatch_fits(const struct rowpath *const *rp, size_t n)
{
	size_t	 k, bits = 0;

	for (k = 0; k < n; k++)
		bits += rp[k]->nsteps + 1;
	return bits <= ROWMATCH_BITS;
}

void
rowmatch_init(struct rowmatch *m, const struct rowpath *const *rp, size_t n)
{
	size_t	 i, k, at = 0;

	memset(m, 0, sizeof(*m));
	m->npatterns = n;
	for (k = 0; k < n; k++) {
		m->start |= (uint64_t)1 << at;
		for (i = 0; i < rp[k]->nsteps; i++, at++) {
			m->names[at] = rp[k]->names[i];
			m->stepping |= (uint64_t)1 << at;
			if (rp[k]->descendant[i])
				m->selfloop |= (uint64_t)1 << at;
		}
		m->row_bit[k] = (uint64_t)1 << at++;
		m->rows |= m->row_bit[k];
	}
}

void
rowmatch_intern(struct rowmatch *m,
    const char *(*intern)(void *, const char *), void *arg)
{
	size_t	 i;

	for (i = 0; i < ROWMATCH_BITS; i++)
		if (m->names[i] != NULL)
			m->names[i] = intern(arg, m->names[i]);
}
