/*
 * survey.c: --survey's one streaming pass (see survey.h).  SAX2 events
 * only, as the scanner's: an element is looked up by its parent's path
 * and its interned name, its attributes by their interned names, and its
 * text, when it has no child element, is a value of the path itself.
 * The store is read through the run's front end (storeread.h), with the
 * run's guards, so the survey refuses what a run refuses, as fast.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xpath.h>

#include "datetime.h"
#include "storeread.h"
#include "survey.h"
#include "xmlcompat.h"
#include "xpstream.h"

/* An open element. */
struct open {
	size_t		 path;		/* SIZE_MAX: past the cap, or outside */
	uint64_t	 serial;
	int		 has_child;
	int		 inside;	/* in a --rows element (or no --rows) */
	uint64_t	 state;		/* --rows matcher */
	size_t		 text_len;	/* SURVEY_MAX_TEXT + 1: too long */
	int		 nonblank;	/* its text so far is not all blank */
};

struct pass {
	struct survey	*sv;
	xmlParserCtxtPtr ctxt;
	struct open	*open;
	size_t		 nopen, capopen;
	struct buf	 text;		/* the open leaf's, capped */
	struct rowmatch	 match;
	int		 matching;
	uint64_t	 serial;
	uint64_t	 over_at;	/* serial when the names first were too many */
	int		 over;
	size_t		*buckets;	/* path lookup: (parent, name, uri) */
	size_t		 nbuckets;
};

static uint64_t
mix(uint64_t h)
{
	/* splitmix64's finish */
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	return h ^ (h >> 31);
}

/*
 * A value's hash, eight bytes at a time, mixed at the end: the sketch
 * needs well-spread bits, not a cryptographic hash.
 */
static uint64_t
hash_bytes(const char *s, size_t n)
{
	uint64_t	 h = 0x9e3779b97f4a7c15ULL ^ n, w;
	uint32_t	 part;
	uint16_t	 half;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	/* The last 0 to 7 bytes, in at most three loads. */
	w = 0;
	if (n & 4) {
		memcpy(&part, s, 4);
		w = part;
		s += 4;
	}
	if (n & 2) {
		memcpy(&half, s, 2);
		w = w << 16 | half;
		s += 2;
	}
	if (n & 1)
		w = w << 8 | (unsigned char)*s;
	return mix(h ^ w);
}

/*
 * A K-minimum-values sketch: the SURVEY_SKETCH least hashes seen.  Their
 * count is the number of distinct values while below K; past it, K-1
 * divided by the K-th least hash (as a fraction of 2^64) estimates it,
 * within about 10%.
 */
void
survey_sketch_add(struct survey_field *f, uint64_t h)
{
	size_t	 lo = 0, hi = f->nsketch;

	if (f->nsketch == SURVEY_SKETCH && h >= f->sketch[SURVEY_SKETCH - 1])
		return;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (f->sketch[mid] < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < f->nsketch && f->sketch[lo] == h)
		return;
	if (f->nsketch == SURVEY_SKETCH)
		f->nsketch--;
	memmove(&f->sketch[lo + 1], &f->sketch[lo],
	    (f->nsketch - lo) * sizeof(f->sketch[0]));
	f->sketch[lo] = h;
	f->nsketch++;
}

uint64_t
survey_distinct(const struct survey_field *f)
{
	double	 kth;

	if (f->nsketch < SURVEY_SKETCH)
		return f->nsketch;
	kth = (double)f->sketch[SURVEY_SKETCH - 1] / 18446744073709551616.0;
	return (uint64_t)((SURVEY_SKETCH - 1) / kth);
}

static void
keep_value(struct survey_field *f, const char *s, size_t n, uint64_t h)
{
	size_t	 i, cut = n > SURVEY_MAX_VALUE_LEN ? SURVEY_MAX_VALUE_LEN : n;

	for (i = 0; i < f->nvalues; i++)
		if (f->values[i].hash == h && f->values[i].len == cut &&
		    memcmp(f->values[i].text, s, cut) == 0) {
			f->values[i].count++;
			return;
		}
	if (f->nvalues == SURVEY_MAX_VALUES) {
		f->more_values = 1;
		return;
	}
	f->values[f->nvalues].text = xstrndup(s, cut);
	f->values[f->nvalues].len = cut;
	f->values[f->nvalues].hash = h;
	f->values[f->nvalues++].count = 1;
}

/* XML's blanks: space, tab, newline, carriage return, all below '!'. */
static int
is_blank(const char *s, size_t n)
{
	const uint64_t	 blanks = 1ULL << ' ' | 1ULL << '\t' | 1ULL << '\n' |
			    1ULL << '\r';
	size_t		 i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] > ' ' ||
		    ((blanks >> (unsigned char)s[i]) & 1) == 0)
			return 0;
	return 1;
}

/* 2024-05-01 and the like: what date:seconds() reads as a date. */
static int
looks_like_date(const char *s, size_t n)
{
	size_t	 i = s[0] == '-';

	return n >= i + 7 && s[i] >= '0' && s[i] <= '9' && s[i + 4] == '-' &&
	    s[i + 5] >= '0' && s[i + 5] <= '9';
}

/*
 * Is S an XPath number (blanks, an optional '-', digits with at most one
 * '.', blanks), and about what value?  Within a few ulps: enough to tell
 * a value that cannot be a new least or greatest one (see note_kind()).
 * 0 when not such a number, or too many digits to tell.
 */
static int
approximate_number(const char *s, size_t n, double *d)
{
	static const double	 tens[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6,
				    1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14,
				    1e15, 1e16, 1e17 };
	size_t			 i = 0, end = n, digits = 0, fraction = 0;
	uint64_t		 m = 0;
	int			 negative = 0, dot = 0;

	while (i < end && is_blank(s + i, 1))
		i++;
	while (end > i && is_blank(s + end - 1, 1))
		end--;
	if (i < end && s[i] == '-') {
		negative = 1;
		i++;
	}
	for (; i < end; i++) {
		if (s[i] == '.' && !dot) {
			dot = 1;
			continue;
		}
		if (s[i] < '0' || s[i] > '9' || ++digits > 17)
			return 0;
		m = m * 10 + (uint64_t)(s[i] - '0');
		fraction += dot;
	}
	if (digits == 0)
		return 0;
	*d = (double)m / tens[fraction];
	if (negative)
		*d = -*d;
	return 1;
}

/*
 * A number, a date?  Once a value is neither, no later value can make the
 * field all numbers or all dates: they are not looked at again.
 */
static void
note_kind(struct survey_field *f, const char *s, size_t n)
{
	char	 copy[SURVEY_MAX_TEXT + 1];
	double	 d;

	if (f->numbers + f->dates < f->present - f->empty - 1)
		return;
	/*
	 * Exact, or a value strictly inside the range seen (which it cannot
	 * change), or libxml2's reading: the printed range is libxml2's.
	 */
	if (!xpstream_plain_number(s, n, &d) &&
	    !(approximate_number(s, n, &d) && f->numbers > 0 &&
	    d > f->min + fabs(f->min) * 1e-9 &&
	    d < f->max - fabs(f->max) * 1e-9)) {
		memcpy(copy, s, n);
		copy[n] = '\0';
		d = xmlXPathCastStringToNumber((const xmlChar *)copy);
	}
	if (!isnan(d)) {
		if (f->numbers++ == 0 || d < f->min)
			f->min = d;
		if (f->numbers == 1 || d > f->max)
			f->max = d;
	}
	if (looks_like_date(s, n) && !isnan(d = datetime_seconds(s, n))) {
		if (f->dates++ == 0 || d < f->first)
			f->first = d;
		if (f->dates == 1 || d > f->last)
			f->last = d;
	}
}

/* A value; BLANK: it is known to be all blank (1), or not (0), or -1. */
static void
field_add(struct survey_field *f, const char *s, size_t n, int too_long,
    int blank)
{
	uint64_t	 h;

	f->present++;
	if (too_long) {
		f->longs++;
		survey_sketch_add(f, hash_bytes(s, n));
		return;
	}
	if (blank == 1 || (blank == -1 && is_blank(s, n))) {
		f->empty++;
		return;
	}
	h = hash_bytes(s, n);
	survey_sketch_add(f, h);
	/* Past SURVEY_MAX_VALUES no category: the first ones show what it is. */
	if (!f->more_values)
		keep_value(f, s, n, h);
	note_kind(f, s, n);
}

static size_t
bucket_of(const struct pass *p, size_t parent, const void *name,
    const void *uri)
{
	uint64_t	 h = ((uint64_t)(uintptr_t)name * 31 +
			    (uint64_t)(uintptr_t)uri) * 0x9e3779b97f4a7c15ULL;

	return (size_t)((h ^ (h >> 29) ^ parent * 0x85ebca6bULL) &
	    (p->nbuckets - 1));
}

static size_t
new_path(struct pass *p, size_t parent, const xmlChar *local,
    const xmlChar *prefix, const xmlChar *uri)
{
	struct survey		*sv = p->sv;
	struct survey_path	*sp;

	sv->paths = xreallocarray(sv->paths, sv->npaths + 1,
	    sizeof(*sv->paths));
	sp = &sv->paths[sv->npaths];
	memset(sp, 0, sizeof(*sp));
	sp->parent = parent;
	sp->key_name = local;
	sp->key_uri = uri;
	sp->name = xstrdup((const char *)local);
	sp->prefix = prefix != NULL ? xstrdup((const char *)prefix) : NULL;
	sp->uri = uri != NULL ? xstrdup((const char *)uri) : NULL;
	sp->depth = parent == SIZE_MAX ? 1 : sv->paths[parent].depth + 1;
	sp->run_parent = UINT64_MAX;
	return sv->npaths++;
}

/* The path of a child named LOCAL (in URI) of PARENT; SIZE_MAX past the cap. */
static size_t
find_path(struct pass *p, size_t parent, const xmlChar *local,
    const xmlChar *prefix, const xmlChar *uri)
{
	size_t	 b = bucket_of(p, parent, local, uri), i;

	for (; p->buckets[b] != SIZE_MAX; b = (b + 1) & (p->nbuckets - 1)) {
		i = p->buckets[b];
		if (p->sv->paths[i].parent == parent &&
		    p->sv->paths[i].key_name == local &&
		    p->sv->paths[i].key_uri == uri)
			return i;
	}
	if (p->sv->npaths == SURVEY_MAX_PATHS)
		return SIZE_MAX;
	return p->buckets[b] = new_path(p, parent, local, prefix, uri);
}

static void
take_attr(struct pass *p, struct survey_path *sp, const xmlChar **a)
{
	const xmlChar		*local = a[0], *prefix = a[1], *uri = a[2];
	const char		*v = (const char *)a[3];
	size_t			 n = (size_t)(a[4] - a[3]), i;
	struct survey_attr	*at = NULL;

	for (i = 0; i < sp->nattrs; i++)
		if (sp->attrs[i].key == local && (sp->attrs[i].uri == NULL) ==
		    (uri == NULL) && (uri == NULL ||
		    strcmp(sp->attrs[i].uri, (const char *)uri) == 0)) {
			at = &sp->attrs[i];
			break;
		}
	if (at == NULL) {
		if (sp->nattrs == SURVEY_MAX_ATTRS ||
		    p->sv->nfields == SURVEY_MAX_FIELDS) {
			sp->dropped_attrs++;
			return;
		}
		sp->attrs = xreallocarray(sp->attrs, sp->nattrs + 1,
		    sizeof(*sp->attrs));
		at = &sp->attrs[sp->nattrs++];
		memset(at, 0, sizeof(*at));
		at->key = local;
		at->name = prefix != NULL ? xstrdup((const char *)prefix) :
		    NULL;
		if (at->name != NULL) {
			char *full = xmalloc(strlen(at->name) +
			    strlen((const char *)local) + 2);
			strcpy(full, at->name);
			strcat(full, ":");
			strcat(full, (const char *)local);
			free(at->name);
			at->name = full;
		} else
			at->name = xstrdup((const char *)local);
		at->uri = uri != NULL ? xstrdup((const char *)uri) : NULL;
		p->sv->nfields++;
	}
	field_add(&at->f, v, n, n > SURVEY_MAX_TEXT, -1);
}

/* How many of this path in its parent element: does it repeat? */
static void
count_run(struct survey_path *sp, uint64_t parent_serial)
{
	if (sp->run_parent != parent_serial) {
		sp->run_parent = parent_serial;
		sp->run = 0;
	}
	if (++sp->run > sp->max_run)
		sp->max_run = sp->run;
}

static struct open *
push_open(struct pass *p)
{
	if (p->nopen == p->capopen) {
		p->capopen = p->capopen ? 2 * p->capopen : 64;
		p->open = xreallocarray(p->open, p->capopen, sizeof(*p->open));
	}
	memset(&p->open[p->nopen], 0, sizeof(p->open[0]));
	return &p->open[p->nopen++];
}

/*
 * An element's path: its parent's path and its name.  Under --rows, only
 * rows and what they hold, a row's path starting at the row.
 */
static void
on_start(void *ctx, const xmlChar *local, const xmlChar *prefix,
    const xmlChar *uri, int nns, const xmlChar **ns, int nattrs,
    int ndefaulted, const xmlChar **attrs)
{
	struct pass		*p = storeread_client(ctx);
	struct open		*o, *up;
	struct survey_path	*sp;
	size_t			 parent = SIZE_MAX;
	int			 i, is_row;

	(void)ns;
	if (storeread_start_tag(ctx, nns, nattrs, ndefaulted) == -1)
		return;
	o = push_open(p);
	up = p->nopen > 1 ? &p->open[p->nopen - 2] : NULL;
	buf_reset(&p->text);	/* the parent's text, now not a leaf's */
	if (up != NULL) {
		if (!up->has_child && up->path != SIZE_MAX && up->nonblank)
			p->sv->paths[up->path].mixed++;
		up->has_child = 1;
		up->text_len = 0;
	}
	o->serial = ++p->serial;
	o->path = SIZE_MAX;
	if (p->sv->elements++ == 0)
		p->sv->root = xstrdup((const char *)local);
	if (p->nopen > p->sv->max_depth)
		p->sv->max_depth = p->nopen;
	o->state = rowmatch_step(&p->match, up != NULL ? up->state :
	    p->match.start, (const char *)local);
	is_row = p->matching && (o->state & p->match.rows) != 0;
	o->inside = !p->matching || is_row || (up != NULL && up->inside);
	if (!o->inside)
		return;
	if (is_row)
		p->sv->rows_matched++;
	else if (up != NULL && up->inside) {
		if (up->path == SIZE_MAX) {	/* below a path past the cap */
			p->sv->dropped_paths++;
			return;
		}
		parent = up->path;
	}
	if ((o->path = find_path(p, parent, local, prefix, uri)) == SIZE_MAX) {
		p->sv->dropped_paths++;
		return;
	}
	sp = &p->sv->paths[o->path];
	sp->count++;
	count_run(sp, up != NULL ? up->serial : 0);
	for (i = 0; i < nattrs; i++)
		take_attr(p, sp, attrs + 5 * i);
}

/*
 * An open leaf's text, in a buffer reserved once for SURVEY_MAX_TEXT
 * bytes (on_characters() never keeps more): one copy, no check.
 */
static void
text_add(struct buf *text, const xmlChar *s, size_t n)
{
	memcpy(text->data + text->len, s, n);
	text->len += n;
	text->data[text->len] = '\0';
}

static void
on_characters(void *ctx, const xmlChar *s, int len)
{
	struct pass	*p = storeread_client(ctx);
	struct open	*o;
	size_t		 room;

	if (p->nopen == 0)
		return;
	o = &p->open[p->nopen - 1];
	if (o->path == SIZE_MAX)
		return;
	if (!o->nonblank && !is_blank((const char *)s, (size_t)len)) {
		o->nonblank = 1;
		/* Text after a child: said once per element, at its first. */
		if (o->has_child)
			p->sv->paths[o->path].mixed++;
	}
	if (o->has_child)
		return;
	if (o->text_len > SURVEY_MAX_TEXT)
		return;		/* already too long: a long value */
	if (o->text_len + (size_t)len > SURVEY_MAX_TEXT) {
		room = SURVEY_MAX_TEXT - o->text_len;
		text_add(&p->text, s, room > (size_t)len ? (size_t)len : room);
		o->text_len = SURVEY_MAX_TEXT + 1;
		return;
	}
	text_add(&p->text, s, (size_t)len);
	o->text_len += (size_t)len;
}

static void
on_end(void *ctx, const xmlChar *local, const xmlChar *prefix,
    const xmlChar *uri)
{
	struct pass		*p = storeread_client(ctx);
	struct open		*o = &p->open[p->nopen - 1];
	struct survey_path	*sp;

	(void)local;
	(void)prefix;
	(void)uri;
	if (o->path != SIZE_MAX) {
		sp = &p->sv->paths[o->path];
		if (o->has_child)
			sp->with_children++;
		else {
			if (sp->text == NULL)
				sp->text = xcalloc(1, sizeof(*sp->text));
			field_add(sp->text, p->text.data != NULL ?
			    p->text.data : "", p->text.len,
			    o->text_len > SURVEY_MAX_TEXT, !o->nonblank);
		}
	}
	buf_reset(&p->text);
	p->nopen--;
}

static void
setup(struct pass *p, xmlSAXHandler *sax)
{
	memset(sax, 0, sizeof(*sax));
	sax->startElementNs = on_start;
	sax->endElementNs = on_end;
	sax->characters = on_characters;
	sax->ignorableWhitespace = on_characters;
	buf_reserve(&p->text, SURVEY_MAX_TEXT + 1);
	p->nbuckets = 4096;	/* a power of two, over twice SURVEY_MAX_PATHS */
	p->buckets = xmalloc(p->nbuckets * sizeof(*p->buckets));
	memset(p->buckets, 0xff, p->nbuckets * sizeof(*p->buckets));
}

/*
 * Read no more once the parser holds SURVEY_MAX_NAMES names, and a start
 * tag has had its event since: the tag in progress may be one the front
 * end refuses at its event, as the run does (libxml2 2.12 on count a
 * tag's names only there: see xmlcompat_tag_names), so the survey does
 * not cut first.  Four times as many cut at once: the names stay bounded.
 */
static int
guard_names(void *arg)
{
	struct pass	*p = arg;
	size_t		 names;

	if (p->ctxt == NULL ||
	    (names = xmlDictSize(xmlcompat_dict(p->ctxt))) <= SURVEY_MAX_NAMES)
		return 0;
	if (!p->over) {
		p->over = 1;
		p->over_at = p->serial;
	}
	if (p->serial == p->over_at && names <= 4 * (size_t)SURVEY_MAX_NAMES)
		return 0;
	if (p->sv->cut_at_line == 0)
		p->sv->cut_at_line = xmlcompat_document_line(p->ctxt);
	return -1;
}

static const char *
intern_name(void *arg, const char *name)
{
	return (const char *)xmlDictLookup(arg, (const xmlChar *)name, -1);
}

static void
prepare(void *client, xmlParserCtxtPtr ctxt)
{
	struct pass	*p = client;

	p->ctxt = ctxt;
	if (p->matching)
		rowmatch_intern(&p->match, intern_name, xmlcompat_dict(ctxt));
}

/*
 * The one pass, through the front end the run reads with; whether it read
 * the whole store (or stopped where the survey's name cap cut it).
 */
static int
parse(struct pass *p, struct storeread *rd)
{
	xmlSAXHandler		 sax;
	int			 whole;

	setup(p, &sax);
	rd->guard = guard_names;
	whole = storeread_parse(rd, &sax, prepare);
	return whole || (p->sv->cut_at_line > 0 && rd->error.len == 0 &&
	    rd->in.error.len == 0);
}

int
survey_file(const char *path, const struct rowpath *rows,
    const char *rows_src, struct survey *sv)
{
	struct pass		 p;
	struct storeread	 rd;
	const struct rowpath	*patterns[1] = { rows };
	int			 ok = 0;

	memset(sv, 0, sizeof(*sv));
	memset(&p, 0, sizeof(p));
	p.sv = sv;
	sv->rows = rows;
	sv->rows_src = rows_src;
	p.matching = rows != NULL;
	if (p.matching)
		rowmatch_init(&p.match, patterns, 1);
	if (storeread_open(&rd, path, &p) == 0)
		ok = parse(&p, &rd);
	if (!ok)
		sv->error = storeread_message(&rd, path, &sv->failure);
	storeread_close(&rd);
	buf_free(&p.text);
	free(p.open);
	free(p.buckets);
	return ok ? 0 : -1;
}

static void
field_free(struct survey_field *f)
{
	size_t	 i;

	for (i = 0; i < f->nvalues; i++)
		free(f->values[i].text);
}

void
survey_free(struct survey *sv)
{
	size_t	 i, j;

	for (i = 0; i < sv->npaths; i++) {
		struct survey_path *sp = &sv->paths[i];

		free(sp->name);
		free(sp->prefix);
		free(sp->uri);
		for (j = 0; j < sp->nattrs; j++) {
			free(sp->attrs[j].name);
			free(sp->attrs[j].uri);
			field_free(&sp->attrs[j].f);
		}
		free(sp->attrs);
		if (sp->text != NULL)
			field_free(sp->text);
		free(sp->text);
	}
	free(sv->paths);
	free(sv->root);
	free(sv->error);
	memset(sv, 0, sizeof(*sv));
}
