/*
 * scanner.h: the state of one streaming read (see scan.h), private to the
 * files that each own one concern of it.  A row's journey, top to bottom:
 *   scan.c       the scan, read through the front end (storeread.h);
 *                each element event, in order: which sets it is a row
 *                of, what its ancestors leave for rows below, the row
 *                tree, the paths inside open rows
 *   capture.c    the strings of streamed paths, taken from the events as
 *                a row goes by (its attributes, its children's text, its
 *                ancestors' attributes and names)
 *   rowread.c    a row ends: each field's string, from what was captured
 *                or by XPath on the row's tree, then its numbers, then its
 *                sample in the set's tally (or why a value was skipped)
 *   firstrow.c   --dump: what the first row holds
 *   services.c   what every file above calls: stopping with a reason,
 *                the limits, the line, interned names
 * Calls go one way, down: scan.c -> rowread.c -> capture.c, firstrow.c
 * -> services.c (tests/callgraph.sh shows it); scan.c alone sets the
 * parser's handlers.
 */
#ifndef XML2PROM_SCANNER_H
#define XML2PROM_SCANNER_H

#include <stdint.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "buf.h"
#include "entgraph.h"
#include "input.h"
#include "rowtree.h"
#include "scan.h"
#include "storeread.h"
#include "xmlerr.h"
#include "xpstream.h"

/* A path of a streamed field, as the scanner matches it. */
struct stream_leaf {
	const struct xpstream_leaf *def;
	const char	*step[XPSTREAM_MAX_STEPS][XPSTREAM_MAX_UNION];
						/* interned names */
	const char	*pred_attr[XPSTREAM_MAX_STEPS];	/* interned */
	const char	*attr;				/* interned, or NULL */
	size_t		 lineage;	/* '../@x': its column in the lineage */
	size_t		 field;
	size_t		 limit;		/* the most text it may hold */
	struct buf	 qname;		/* name(): 'prefix:local', built */
};

/* One field of a set: a label, then the values, as model.h orders them. */
struct field_reader {
	const struct fieldexpr *expr;
	const char	*label;		/* for messages: "type", "sum x" */
	const char	*option;	/* "--type", "--sum x" */
	size_t		 first_leaf;	/* a streamed field's, in its set's */
	int		 streamed;	/* its string from its paths' */
	int		 one_path;	/* ...which is its one path's */
	int		 row_attribute;	/* ...which is '@x' of the row */
	int		 computes_number; /* a value whose program gives a
					   number or a test, no string */
	struct buf	 scratch;	/* its string for the row being read */
	struct buf	 date_text;	/* date:seconds()'s last string (none
					   yet: empty, which is never asked) */
	double		 date_seconds;	/* its seconds */
};

/* A row set as the scanner reads it. */
struct set_reader {
	size_t		 index;		/* in scan_params.sets */
	const struct model *m;
	struct tally	*tally;
	uint64_t	 row_bit;	/* its rows in the state sets */
	struct field_reader field[SCAN_MAX_FIELDS];
	size_t		 nfields;
	struct stream_leaf *leaf;	/* every streamed field's paths */
	size_t		 nleaves;
	int		 attributes_only; /* its rows end at their start */
	int		 filtering;	/* -i or -x */
	int		 has_where;	/* its last field is --where's */
	size_t		 open;		/* its rows open, nested */
	struct tally_addend *pending;	/* the sums of rows inside the
					   outermost open one, in document
					   order (rowread_open) */
	size_t		 npending;
	size_t		 pending_cap;
};

/* An open element's name, as the parser's dictionary holds it. */
struct element_name {
	const xmlChar	*localname;
	const xmlChar	*prefix;
};

/* What a start tag gives the paths complete at a row's start. */
struct start_tag {
	struct element_name name;
	int		 nb_attributes;
	const xmlChar	**attributes;
};

/* A path's string being captured for an open row. */
struct capture {
	struct buf	 text;
	size_t		 matched;	/* how many of its steps the open
					   elements inside the row match */
	size_t		 depth;		/* the element whose text is read, or 0 */
	int		 done;		/* its first node was found */
	double		 count;		/* XPS_COUNT: the nodes reached */
};

/* An open row of one set: where it starts and its paths' strings so far. */
struct open_row {
	struct set_reader *set;
	size_t		 depth;
	unsigned long	 line;
	uint64_t	 seq;		/* see struct row */
	struct capture	*cap;		/* one per leaf of its set */
	size_t		 pending;	/* leaves not done: the events
					   inside it are theirs to read */
	int		 nested;	/* inside an open row of its set */
	size_t		 sums;		/* nested: its place in set->pending */
};

/*
 * What rows may read of their open ancestors, per open element: the
 * values of the attributes '../@x' paths read (`nattrs` each), and the
 * names 'name(..)' reads (or NULL).
 */
struct lineage {
	struct buf		*attrs;
	size_t			 nattrs;
	struct element_name	*names;
};

/* --dump: the first row's shape, from wrapped element handlers. */
struct first_row {
	startElementNsSAX2Func	 start;		/* the handlers wrapped */
	endElementNsSAX2Func	 end;
	charactersSAXFunc	 text;
	unsigned long		 event_line;	/* where the last event ended:
						   where a tag starts */
	size_t			 depth;		/* the first row, open */
	int			 done;
	struct buf		 shape;		/* its attributes, children */
	size_t			 children;
};

/*
 * One step of the row matcher, remembered: within a parse an element
 * name is a pointer into the parser's dictionary, so a parent's state
 * and a name pointer always step to the same state.
 */
#define SCAN_STEP_MEMO_BITS	6
#define SCAN_STEP_MEMO		(1 << SCAN_STEP_MEMO_BITS)
struct step_memo {
	uint64_t	 parent;
	const xmlChar	*name;		/* NULL: empty */
	uint64_t	 state;
};

/*
 * The front end's read comes first: it is the SAX user data, and so the
 * scanner itself to every handler (see storeread.h).
 */
struct scanner {
	struct storeread	 rd;		/* first: see above */
	xmlParserCtxtPtr	 ctxt;		/* rd's, for short */
	const struct scan_params *p;
	struct rowmatch		 match;
	struct set_reader	*sets;
	size_t			 nsets;
	size_t			 set_of_bit[ROWMATCH_BITS]; /* a row bit's set */
	size_t			 most_leaves;	/* of any set */
	uint64_t		 tree_rows;	/* sets whose fields need a tree */
	int			 reads_inside;	/* some path has a child step */
	size_t			 reading_text;	/* captures inside their element */
	int			 hears_all_text; /* a row tree or --dump: else
						   text only while read */
	int			 keeps_lineage;	/* some reads above its row */
	struct step_memo	 memo[SCAN_STEP_MEMO];
	uint64_t		*states;	/* per open element; [0] document */
	size_t			 depth;
	size_t			 states_cap;
	struct lineage		 lineage;
	uint64_t		 rows_started;	/* of every set: the last
						   row's seq (struct row) */
	struct open_row		*rows;		/* open rows, innermost last */
	size_t			 nrows;
	size_t			 rows_cap;
	struct rowtree		 tree;		/* the rows being built */
	struct xpscope_demand	 demand;	/* what every XPath field needs */
	xmlXPathContextPtr	 xpath;		/* evaluation context */
	struct buf		 why;		/* tally_add's reason to refuse */
	struct buf		 number_text;	/* a value, NUL-terminated */
	struct first_row	 first;
};

/* services.c: the bottom, called by every stage */
const char *scanner_intern(void *ctxt, const char *name);
void	scanner_stop(struct scanner *, enum failure, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
unsigned long scanner_line(const struct scanner *);
void	scanner_too_long(struct scanner *, const struct set_reader *,
	    size_t field);
void	scanner_holds_too_much(struct scanner *);

/* capture.c */
void	capture_init(struct scanner *);
void	capture_free(struct scanner *);
void	capture_intern(struct scanner *);
void	capture_ancestor(struct scanner *, const struct start_tag *,
	    const xmlChar *uri);
void	capture_grow(struct scanner *, size_t old_cap);
const char *capture_tag_attribute(const struct stream_leaf *,
	    const struct start_tag *, size_t *len);
const char *capture_start_leaf(const struct scanner *, struct stream_leaf *,
	    const struct start_tag *, size_t *len);
int	capture_open(struct scanner *, struct open_row *,
	    const struct start_tag *);
void	capture_step_in(struct scanner *, const struct start_tag *,
	    const xmlChar *uri);
void	capture_text(struct scanner *, const xmlChar *, int);
void	capture_step_out(struct scanner *);

/* rowread.c */
void	rowread_init(struct scanner *, struct set_reader *, size_t index);
void	rowread_free(struct set_reader *);
void	rowread_start_tag(struct scanner *, struct set_reader *,
	    const struct start_tag *, unsigned long line);
void	rowread_open(struct scanner *, struct open_row *);
void	rowread_close(struct scanner *, struct open_row *);

/* firstrow.c */
void	firstrow_handlers(struct scanner *, xmlSAXHandler *);
void	firstrow_free(struct first_row *);
unsigned long firstrow_dump_line(const struct scanner *);

/* A row's line, for --dump (0 without: a run without it pays no call). */
static inline unsigned long
firstrow_line(const struct scanner *s)
{
	return s->p->dump ? firstrow_dump_line(s) : 0;
}

#endif
