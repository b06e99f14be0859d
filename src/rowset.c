/*
 * rowset.c: a row set's name and lifetime (see rowset.h).
 */
#include <stdlib.h>
#include <string.h>

#include "rowset.h"

/* A set's name goes into metric names: lower case, digits and '_'. */
int
rowset_valid_name(const char *name)
{
	const char	*p;

	if (name[0] == '\0' || (name[0] >= '0' && name[0] <= '9'))
		return 0;
	for (p = name; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '_'))
			return 0;
	return 1;
}

void
rowset_free(struct rowset *set)
{
	free(set->prefix);
	rowpath_free(&set->rows);
	model_free(&set->model);
	memset(set, 0, sizeof(*set));
}
