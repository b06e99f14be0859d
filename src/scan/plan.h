/*
 * plan.h: how one scan reads its row sets, decided once before the parse
 * by a pure function of the sets (plan.c) and read as const by the event
 * handlers: each field's kind, the table of its paths, which sets are
 * complete at a row's start tag, which need a row's tree, whether text
 * is heard, and what the lineage keeps.  Private to src/scan/ and the
 * unit tests; --dump -v prints it (scan_print_plan, scan.h).
 */
#ifndef XML2PROM_PLAN_H
#define XML2PROM_PLAN_H

#include <stdint.h>
#include <stdio.h>

#include "bounds.h"
#include "rowpath.h"
#include "rowset.h"
#include "xpscope.h"
#include "xpstream.h"

#define PLAN_MAX_FIELDS	SCAN_MAX_FIELDS	/* bounds.h: labels, values, --where */

/* Where a path's string is found. */
enum plan_leaf_kind {
	LEAF_ROW_ATTRIBUTE,	/* '@x': in the row's start tag */
	LEAF_ROW_NAME,		/* name(), local-name(): the row's start tag */
	LEAF_LINEAGE_ATTRIBUTE,	/* '../@x', 'ancestor::T/@x': kept from
				   the ancestors' start tags */
	LEAF_LINEAGE_NAME,	/* 'name(..)': kept the same way */
	LEAF_INSIDE		/* child steps: the events inside the row,
				   by its end tag at the latest */
};

/* How a field's string (or number) is made. */
enum plan_field_kind {
	PLAN_ROW_ATTRIBUTE,	/* '@x' alone: straight from the start tag */
	PLAN_NAME,		/* a name alone, the row's or an ancestor's */
	PLAN_LINEAGE,		/* an ancestor's attribute alone */
	PLAN_CHILD,		/* one path inside the row alone: a child's
				   text, attribute or name */
	PLAN_STRING,		/* a string computed from its paths' */
	PLAN_NUMBER,		/* a value computed as a number or a test */
	PLAN_TREE		/* XPath, by libxml2 on the row's tree */
};

/* When the parser's text events are listened to. */
enum plan_text {
	TEXT_NEVER,		/* no path reads text, no tree */
	TEXT_WHILE_READ,	/* only inside an element a path reads */
	TEXT_ALWAYS		/* a row tree or --dump: every text event */
};

/* A streamed field's path. */
struct plan_leaf {
	const struct xpstream_leaf *def;
	enum plan_leaf_kind kind;
	size_t		 field;		/* its field, in its set */
	size_t		 limit;		/* the most text it may hold */
	size_t		 lineage;	/* LEAF_LINEAGE_ATTRIBUTE: its column */
};

struct plan_field {
	enum plan_field_kind kind;
	const struct fieldexpr *expr;
	const char	*src;		/* as given */
	const char	*label;		/* for messages: "type", "sum x" */
	const char	*option;	/* "--type", "--sum x" */
	size_t		 first_leaf;	/* streamed: its paths, in its set's */
	size_t		 nleaves;
};

struct plan_set {
	size_t		 index;		/* in the sets given */
	const struct rowset *rs;
	uint64_t	 row_bit;	/* its rows in the matcher's states */
	struct plan_field field[PLAN_MAX_FIELDS]; /* labels, values, --where */
	size_t		 nfields;
	struct plan_leaf *leaf;		/* every streamed field's paths */
	size_t		 nleaves;
	int		 complete_at_start; /* its rows are read whole at
					   their start tag */
	int		 needs_tree;	/* some field is PLAN_TREE */
	int		 filtering;	/* -i or -x */
	int		 has_where;	/* its last field is --where's */
};

struct scan_plan {
	struct rowmatch	 match;		/* not interned: each parse interns
					   a copy in its dictionary */
	struct plan_set	*set;
	size_t		 nsets;
	size_t		 set_of_bit[ROWMATCH_BITS]; /* a row bit's set */
	uint64_t	 tree_rows;	/* the sets that need a tree */
	int		 rows_may_nest;	/* then the tree keeps rows whole */
	struct xpscope_demand demand;	/* what every tree field needs */
	int		 reads_inside;	/* some path has a child step */
	enum plan_text	 text;
	int		 dump;		/* --dump: the first row's shape too */
	size_t		 lineage_attrs;	/* columns kept per open element */
	int		 lineage_names;	/* names kept per open element */
	int		 keeps_lineage;	/* either: some path reads above its row */
	size_t		 most_leaves;	/* of any set */
};

void	plan_build(struct scan_plan *, const struct rowset *, size_t nsets,
	    int dump);
void	plan_free(struct scan_plan *);
void	plan_print(FILE *, const struct scan_plan *);

#endif
