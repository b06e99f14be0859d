/*
 * xpstream.c: a streamed program's answer (see xpstream.h), from the
 * strings and counts its leaves captured: each node's string, number or
 * test as XPath 1.0 and libxml2 give it.  Conversions between numbers and
 * strings are libxml2's own functions, so that they agree on every
 * release.  (xplower.c makes the programs.)
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE		/* memmem */
#endif
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xpath.h>

#include "xmlcompat.h"
#include "xpstream.h"

/* translate()'s table: a character kept, dropped, or else where its
 * replacement starts in the third argument. */
#define TR_KEEP		(-1)
#define TR_DROP		(-2)

/* The node after node i's subtree. */
static size_t
skip(const struct xpstream *prog, size_t i)
{
	size_t	 k, n = prog->node[i].nargs;

	if (prog->node[i].op == XPS_TRANSLATE)
		return skip(prog, i + 1) + 2;
	for (i++, k = 0; k < n; k++)
		i = skip(prog, i);
	return i;
}

/* XPath's whitespace (3.7), as normalize-space() takes it. */
static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The size of the UTF-8 character that starts with byte `c`. */
static size_t
utf8_size(unsigned char c)
{
	return c < 0xc0 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

/* The index of character c[0..n) among those of s[0..len), or -1. */
static long
char_index(const char *s, size_t len, const char *c, size_t n)
{
	size_t	 i;
	long	 k;

	for (i = 0, k = 0; i < len; i += utf8_size((unsigned char)s[i]), k++)
		if (n <= len - i && memcmp(s + i, c, n) == 0)
			return k;
	return -1;
}

/* The k-th character of s[0..len); NULL past the end. */
static const char *
char_at(const char *s, size_t len, long k)
{
	size_t	 i;

	for (i = 0; i < len; i += utf8_size((unsigned char)s[i]), k--)
		if (k == 0)
			return s + i;
	return NULL;
}

/* What translate() with these literals does to each ASCII character, so
 * that the common case costs a lookup per character. */
int *
xpstream_translation(const struct xpstream_node *from, const struct xpstream_node *to)
{
	int		*t = xcalloc(128, sizeof(*t));
	const char	*rep;
	size_t		 i;
	long		 k;
	int		 c;

	for (c = 0; c < 128; c++)
		t[c] = TR_KEEP;
	for (i = 0, k = 0; i < from->len;
	    i += utf8_size((unsigned char)from->literal[i]), k++) {
		c = (unsigned char)from->literal[i];
		if (c >= 0x80 || t[c] != TR_KEEP)	/* the first one counts */
			continue;
		rep = char_at(to->literal, to->len, k);
		t[c] = rep == NULL ? TR_DROP : (int)(rep - to->literal);
	}
	return t;
}

static void
free_step(struct xpstream_step *st)
{
	size_t	 i;

	for (i = 0; i < st->nnames; i++)
		free(st->name[i]);
	free(st->uri);
	free(st->pred_attr);
	free(st->pred_value);
}

void
xpstream_free(struct xpstream *prog)
{
	size_t	 i, k;

	for (i = 0; i < prog->nleaves; i++) {
		for (k = 0; k < prog->leaf[i].nsteps +
		    (size_t)prog->leaf[i].ancestor; k++)
			free_step(&prog->leaf[i].step[k]);
		free(prog->leaf[i].attr);
	}
	for (i = 0; i < prog->nnodes; i++) {
		free(prog->node[i].literal);
		free(prog->node[i].ascii);
	}
	memset(prog, 0, sizeof(*prog));
}

int
xpstream_is_leaf(const struct xpstream *prog)
{
	return prog->nnodes == 1 && prog->node[0].op == XPS_LEAF &&
	    prog->leaf[0].take != XPS_COUNT;
}

static void
truncate_to(struct buf *out, size_t len)
{
	out->len = len;
	if (out->data != NULL)
		out->data[len] = '\0';
}

/*
 * out[start..mid) is the string, out[mid..) what to look for in it: leaves
 * what comes before or after its first occurrence at `start`, or nothing
 * when it does not occur (as libxml2, with xmlStrstr: an empty string
 * occurs at 0).
 */
static void
cut_around(struct buf *out, size_t start, size_t mid, int after)
{
	const char	*hay, *found;
	size_t		 hay_len = mid - start, find_len = out->len - mid;
	size_t		 from;

	if (out->data == NULL)		/* nothing in nothing: nothing */
		return;
	hay = out->data + start;
	if (find_len == 0)
		found = hay;
	else
		found = memmem(hay, hay_len, out->data + mid, find_len);
	if (found == NULL) {
		truncate_to(out, start);
		return;
	}
	if (!after) {
		truncate_to(out, start + (size_t)(found - hay));
		return;
	}
	from = (size_t)(found - hay) + find_len;
	memmove(out->data + start, hay + from, hay_len - from);
	truncate_to(out, start + hay_len - from);
}

/* XPath's normalize-space on out[start..), in place. */
static void
normalize_from(struct buf *out, size_t start)
{
	size_t	 i, w = start;
	int	 pending_space = 0;

	for (i = start; i < out->len; i++) {
		if (is_space((unsigned char)out->data[i])) {
			pending_space = w > start;
			continue;
		}
		if (pending_space)
			out->data[w++] = ' ';
		pending_space = 0;
		out->data[w++] = out->data[i];
	}
	truncate_to(out, w);
}

/*
 * XPath's translate on out[start..): each character found in the second
 * argument (`from`) becomes the one at the same index in the third (`to`),
 * or goes when the third is shorter; the rest stay.  The result is built
 * past the end, then moved into place: a replacement may be longer than
 * what it replaces (4 bytes at most).
 */
static void
translate_from(struct buf *out, size_t start, const struct xpstream_node *tr,
    const struct xpstream_node *from, const struct xpstream_node *to)
{
	size_t		 end = out->len, i, n, rn, w;
	const char	*rep;
	unsigned char	 c;
	long		 k;

	if (end == start)
		return;
	buf_reserve(out, end - start > SIZE_MAX / 4 ? SIZE_MAX :
	    (end - start) * 4);
	for (i = start, w = end; i < end; i += n) {
		c = (unsigned char)out->data[i];
		n = utf8_size(c);
		if (c < 0x80)
			rep = tr->ascii[c] == TR_KEEP ? out->data + i :
			    tr->ascii[c] == TR_DROP ? NULL :
			    to->literal + tr->ascii[c];
		else if ((k = char_index(from->literal, from->len,
		    out->data + i, n)) < 0)
			rep = out->data + i;
		else
			rep = char_at(to->literal, to->len, k);
		if (rep != NULL) {
			rn = utf8_size((unsigned char)*rep);
			memcpy(out->data + w, rep, rn);
			w += rn;
		}
	}
	memmove(out->data + start, out->data + end, w - end);
	truncate_to(out, start + w - end);
}

/* A node's value: a string (appended to the buffer), a number or a test. */
struct value {
	enum xpstream_type	 type;
	double			 number;
	int			 test;
};

static size_t	eval(const struct xpstream *, size_t,
		    const struct xpstream_text *, struct buf *, struct value *);

/* Node i's string, appended to `out`; returns the node after its subtree. */
static size_t
eval_string(const struct xpstream *prog, size_t i,
    const struct xpstream_text *text, struct buf *out)
{
	struct value	 v;
	xmlChar		*s;

	i = eval(prog, i, text, out, &v);
	if (v.type == XPS_NUMERIC) {
		if ((s = xmlXPathCastNumberToString(v.number)) != NULL) {
			buf_puts(out, (const char *)s);
			xmlFree(s);
		}
	} else if (v.type == XPS_BOOL)
		buf_puts(out, v.test ? "true" : "false");
	return i;
}

/* 10^k for k <= 22: exact in a double, as pow(10.0, k) returns them. */
static const double exact_ten[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
	1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

/* Up to 15 digits at p[*i..] into *v (exactly: below 2^53); their count. */
static size_t
read_digits(const char *p, size_t len, size_t *i, int64_t *v)
{
	size_t	 n = 0;

	for (*v = 0; *i < len && p[*i] >= '0' && p[*i] <= '9'; (*i)++, n++) {
		if (n == 15)
			return 16;
		*v = *v * 10 + (p[*i] - '0');
	}
	return n;
}

int
xpstream_plain_number(const char *p, size_t len, double *n)
{
	size_t		 i = len > 0 && p[0] == '-', zeros = 0, places;
	int64_t		 whole, fraction;
	double		 v;

	places = read_digits(p, len, &i, &whole);
	if (places == 0 || places > 15)
		return 0;
	v = (double)whole;
	if (i < len) {
		if (p[i++] != '.')
			return 0;
		while (i < len && p[i] == '0')
			i++, zeros++;
		places = read_digits(p, len, &i, &fraction);
		if (i < len || places > 15 || zeros + places == 0 ||
		    zeros + places >= sizeof(exact_ten) / sizeof(exact_ten[0]))
			return 0;
		/* libxml2's two roundings: the quotient, then the sum */
		v += (double)fraction / exact_ten[zeros + places];
	}
	*n = p[0] == '-' ? -v : v;	/* "-0": -0 */
	return 1;
}

/* Node i's number, as number() reads a string; `out` is left as it was. */
static size_t
eval_number(const struct xpstream *prog, size_t i,
    const struct xpstream_text *text, struct buf *out, double *n)
{
	struct value	 v;
	size_t		 start = out->len;

	i = eval(prog, i, text, out, &v);
	if (v.type == XPS_NUMERIC)
		*n = v.number;
	else if (v.type == XPS_BOOL)
		*n = v.test ? 1 : 0;
	else if (out->len == start || !xpstream_plain_number(out->data + start,
	    out->len - start, n)) {	/* (data is NULL while nothing was put) */
		buf_putc(out, '\0');
		*n = xmlXPathCastStringToNumber(XMLSTR(out->data + start));
	}
	truncate_to(out, start);
	return i;
}

/* Node i as boolean() takes it; `out` is left as it was. */
static size_t
eval_test(const struct xpstream *prog, size_t i,
    const struct xpstream_text *text, struct buf *out, int *t)
{
	struct value	 v;
	size_t		 start = out->len;

	i = eval(prog, i, text, out, &v);
	if (v.type == XPS_BOOL)
		*t = v.test;
	else if (v.type == XPS_NUMERIC)
		*t = !(v.number == 0 || isnan(v.number));
	else
		*t = out->len > start;
	truncate_to(out, start);
	return i;
}

/* out[pos..], which may be nothing at all yet. */
static const char *
text_at(const struct buf *out, size_t pos)
{
	return out->data != NULL ? out->data + pos : "";
}

/* The number of characters of s[0..len), as xmlUTF8Strlen counts them. */
static size_t
utf8_length(const char *s, size_t len)
{
	size_t	 i, n = 0;

	for (i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xc0) != 0x80;
	return n;
}

/* XPath's round() of a position, as libxml2's substring() makes it. */
static double
round_half_up(double x)
{
	double	 r = floor(x);

	return x - r >= 0.5 ? r + 1.0 : r;
}

/*
 * substring(S, START[, LEN]) of out[start..): libxml2's bounds (as ints,
 * NaN and the infinities included), then the characters from i to j.
 */
static void
substring_from(struct buf *out, size_t start, double in, int has_len,
    double le)
{
	int		 i = 1, j = INT_MAX;
	double		 end;
	const char	*s = text_at(out, start), *from, *to;
	size_t		 len = out->len - start;

	if (!(in < INT_MAX))
		i = INT_MAX;
	else if (in >= 1.0)
		i = (int)in + (in - floor(in) >= 0.5);
	if (has_len) {
		end = round_half_up(in) + round_half_up(le);
		if (!(end >= 1.0))
			j = 1;
		else if (end < INT_MAX)
			j = (int)end;
	}
	if (len == 0 || i >= j || (from = char_at(s, len, i - 1)) == NULL) {
		truncate_to(out, start);
		return;
	}
	to = char_at(s, len, (long)j - 1);
	len = (to != NULL ? (size_t)(to - from) : len - (size_t)(from - s));
	memmove(out->data + start, from, len);
	truncate_to(out, start + len);
}

/* contains() and starts-with() of out[start..mid) and out[mid..). */
static int
string_test(const struct buf *out, size_t start, size_t mid, int prefix)
{
	size_t	 hay = mid - start, needle = out->len - mid;

	if (needle == 0)
		return 1;
	if (prefix)
		return needle <= hay &&
		    memcmp(out->data + start, out->data + mid, needle) == 0;
	return memmem(text_at(out, start), hay, out->data + mid, needle) !=
	    NULL;
}

/* '=' and '!=' between values: booleans, else numbers, else strings. */
static size_t
eval_equal(const struct xpstream *prog, size_t i,
    const struct xpstream_text *text, struct buf *out, int *eq)
{
	const struct xpstream_node *a = &prog->node[i], *b;
	size_t		 start = out->len, mid;
	double		 x, y;
	int		 s, t;

	b = &prog->node[skip(prog, i)];
	if (a->type == XPS_BOOL || b->type == XPS_BOOL) {
		i = eval_test(prog, i, text, out, &s);
		i = eval_test(prog, i, text, out, &t);
		*eq = s == t;
	} else if (a->type == XPS_NUMERIC || b->type == XPS_NUMERIC) {
		i = eval_number(prog, i, text, out, &x);
		i = eval_number(prog, i, text, out, &y);
		*eq = x == y;
	} else {
		i = eval_string(prog, i, text, out);
		mid = out->len;
		i = eval_string(prog, i, text, out);
		*eq = out->len - mid == mid - start && memcmp(text_at(out,
		    start), text_at(out, mid), mid - start) == 0;
		truncate_to(out, start);
	}
	return i;
}

/* The relational and arithmetic operators, over numbers. */
static size_t
eval_arithmetic(const struct xpstream *prog, size_t i,
    const struct xpstream_text *text, struct buf *out, enum xpstream_op op,
    struct value *v)
{
	double	 x, y = 0;

	i = eval_number(prog, i, text, out, &x);
	if (op != XPS_NEG)
		i = eval_number(prog, i, text, out, &y);
	switch (op) {
	case XPS_LT: v->test = x < y; break;
	case XPS_LE: v->test = x <= y; break;
	case XPS_GT: v->test = x > y; break;
	case XPS_GE: v->test = x >= y; break;
	case XPS_ADD: v->number = x + y; break;
	case XPS_SUB: v->number = x - y; break;
	case XPS_MUL: v->number = x * y; break;
	case XPS_DIV: v->number = x / y; break;
	case XPS_MOD: v->number = fmod(x, y); break;
	default: v->number = -x; break;
	}
	return i;
}

/* The string functions (xpstream.h) of node n, whose arguments follow. */
static size_t
eval_strings(const struct xpstream *prog, const struct xpstream_node *n,
    size_t i, const struct xpstream_text *text, struct buf *out)
{
	size_t	 start = out->len, mid, k;
	double	 from, len = 0;
	int	 t;

	switch (n->op) {
	case XPS_CONCAT:
		for (k = 0; k < n->nargs; k++)
			i = eval_string(prog, i, text, out);
		break;
	case XPS_BEFORE:
	case XPS_AFTER:
		i = eval_string(prog, i, text, out);
		mid = out->len;
		i = eval_string(prog, i, text, out);
		cut_around(out, start, mid, n->op == XPS_AFTER);
		break;
	case XPS_NORMALIZE:
		i = eval_string(prog, i, text, out);
		normalize_from(out, start);
		break;
	case XPS_TRANSLATE:		/* then two literals */
		i = eval_string(prog, i, text, out);
		translate_from(out, start, n, &prog->node[i],
		    &prog->node[i + 1]);
		i += 2;
		break;
	case XPS_SUBSTRING:
		i = eval_string(prog, i, text, out);
		i = eval_number(prog, i, text, out, &from);
		if (n->nargs == 3)
			i = eval_number(prog, i, text, out, &len);
		substring_from(out, start, from, n->nargs == 3, len);
		break;
	default:			/* XPS_IF */
		i = eval_string(prog, i, text, out);
		i = eval_test(prog, i, text, out, &t);
		if (!t)
			truncate_to(out, start);
		break;
	}
	return i;
}

/* The tests and numbers of node n, whose arguments follow. */
static size_t
eval_values(const struct xpstream *prog, const struct xpstream_node *n,
    size_t i, const struct xpstream_text *text, struct buf *out,
    struct value *v)
{
	size_t	 start = out->len, mid;

	switch (n->op) {
	case XPS_NUMLIT: v->number = n->number; break;
	case XPS_TRUE: v->test = 1; break;
	case XPS_FALSE: v->test = 0; break;
	case XPS_NUMBER: i = eval_number(prog, i, text, out, &v->number); break;
	case XPS_BOOLEAN: i = eval_test(prog, i, text, out, &v->test); break;
	case XPS_NOT:
		i = eval_test(prog, i, text, out, &v->test);
		v->test = !v->test;
		break;
	case XPS_EXISTS:
		i = eval_number(prog, i, text, out, &v->number);
		v->test = v->number > 0;
		break;
	case XPS_STRING_LENGTH:
		i = eval_string(prog, i, text, out);
		v->number = (double)utf8_length(text_at(out, start),
		    out->len - start);
		truncate_to(out, start);
		break;
	case XPS_CONTAINS:
	case XPS_STARTS_WITH:
		i = eval_string(prog, i, text, out);
		mid = out->len;
		i = eval_string(prog, i, text, out);
		v->test = string_test(out, start, mid, n->op == XPS_STARTS_WITH);
		truncate_to(out, start);
		break;
	case XPS_EQ:
	case XPS_NE:
		i = eval_equal(prog, i, text, out, &v->test);
		v->test = n->op == XPS_EQ ? v->test : !v->test;
		break;
	default:
		i = eval_arithmetic(prog, i, text, out, n->op, v);
		break;
	}
	return i;
}

/* Node i's value; returns the node after its subtree. */
static size_t
eval(const struct xpstream *prog, size_t i, const struct xpstream_text *text,
    struct buf *out, struct value *v)
{
	const struct xpstream_node *n = &prog->node[i++];
	const struct xpstream_text *t;

	v->type = n->type;
	switch (n->op) {
	case XPS_LEAF:
		t = &text[n->leaf];
		if (prog->leaf[n->leaf].take == XPS_COUNT)
			v->number = t->count;
		else if (t->len > 0)
			buf_append(out, t->p, t->len);
		return i;
	case XPS_LITERAL:
		buf_append(out, n->literal, n->len);
		return i;
	default:
		return n->type == XPS_STRING ? eval_strings(prog, n, i, text,
		    out) : eval_values(prog, n, i, text, out, v);
	}
}

enum xpstream_type
xpstream_type(const struct xpstream *prog)
{
	return prog->node[0].type;
}

void
xpstream_eval(const struct xpstream *prog, const struct xpstream_text *text,
    struct buf *out)
{
	buf_reset(out);
	(void)eval_string(prog, 0, text, out);
}

double
xpstream_eval_number(const struct xpstream *prog,
    const struct xpstream_text *text, struct buf *scratch)
{
	double	 n;

	buf_reset(scratch);
	(void)eval_number(prog, 0, text, scratch, &n);
	return n;
}
