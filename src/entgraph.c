/*
 * entgraph.c: the references between internal entities, and the ones that
 * lead into a loop (see entgraph.h).  A reference walks what it reaches,
 * depth first without recursion (a chain may be as long as the store
 * declares), and the answers are kept until an entity is declared, which
 * may close a loop that an earlier reference could not see.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "entgraph.h"
#include "xmlcompat.h"

enum { UNSEEN, OPEN, SAFE, LOOPS };

/* The entity named by LEN bytes at NAME: its index + 1, or 0. */
static size_t
lookup(const struct entgraph *g, const char *name, size_t len)
{
	xmlChar		*key;
	uintptr_t	 i;

	if (g->index == NULL)
		return 0;
	key = xmlStrndup(XMLSTR(name), (int)len);
	i = key != NULL ? (uintptr_t)xmlHashLookup(g->index, key) : 0;
	xmlFree(key);
	return (size_t)i;
}

void
entgraph_declare(struct entgraph *g, const char *name, const char *content)
{
	if (g->index == NULL && (g->index = xmlHashCreate(16)) == NULL)
		return;
	if (lookup(g, name, strlen(name)) != 0)
		return;		/* the first declaration binds */
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 16;
		g->text = xreallocarray(g->text, g->cap, sizeof(*g->text));
		g->state = xreallocarray(g->state, g->cap, sizeof(*g->state));
		g->stack = xreallocarray(g->stack, g->cap, sizeof(*g->stack));
		g->at = xreallocarray(g->at, g->cap, sizeof(*g->at));
	}
	if (xmlHashAddEntry(g->index, XMLSTR(name),
	    (void *)(uintptr_t)(g->n + 1)) != 0)
		return;
	g->text[g->n++] = xstrdup(content != NULL ? content : "");
	memset(g->state, UNSEEN, g->n);
}

/*
 * The next entity that E's text refers to, from offset *AT on: its index
 * + 1, or 0 at the end.  '&name;' ('%name;' for parameter entities) as
 * libxml2 reads it when it expands the text (character references are
 * replaced there already; undeclared names are said when expanded).
 */
static size_t
next_reference(const struct entgraph *g, size_t e, size_t *at)
{
	const char	*text = g->text[e], *p, *end;
	size_t		 to;

	for (p = text + *at; (p = strchr(p, g->sigil)) != NULL; p = end) {
		end = p + 1 + strcspn(p + 1, ";&% \t\r\n<");
		*at = (size_t)(end - text);
		if (*end == ';' && end > p + 1 && p[1] != '#' &&
		    (to = lookup(g, p + 1, (size_t)(end - p - 1))) != 0)
			return to;
	}
	*at = strlen(text);
	return 0;
}

/* Depth first from START: an open entity met again closes a loop. */
static void
walk(struct entgraph *g, size_t start)
{
	size_t	 depth = 0, e, to;

	g->stack[depth] = start;
	g->at[depth++] = 0;
	g->state[start] = OPEN;
	while (depth > 0) {
		e = g->stack[depth - 1];
		to = next_reference(g, e, &g->at[depth - 1]);
		if (to-- == 0) {		/* e's text is read */
			if (g->state[e] == OPEN)
				g->state[e] = SAFE;
			if (--depth > 0 && g->state[e] == LOOPS)
				g->state[g->stack[depth - 1]] = LOOPS;
		} else if (g->state[to] == OPEN || g->state[to] == LOOPS)
			g->state[e] = LOOPS;
		else if (g->state[to] == UNSEEN) {
			g->state[to] = OPEN;
			g->stack[depth] = to;
			g->at[depth++] = 0;
		}
	}
}

int
entgraph_loops(struct entgraph *g, const char *name)
{
	size_t	 e = lookup(g, name, strlen(name));

	if (e-- == 0)
		return 0;
	if (g->state[e] == UNSEEN)
		walk(g, e);
	return g->state[e] == LOOPS;
}

void
entgraph_free(struct entgraph *g)
{
	size_t	 i;
	char	 sigil;

	for (i = 0; i < g->n; i++)
		free(g->text[i]);
	free(g->text);
	free(g->state);
	free(g->stack);
	free(g->at);
	if (g->index != NULL)
		xmlHashFree(g->index, NULL);
	sigil = g->sigil;
	memset(g, 0, sizeof(*g));
	g->sigil = sigil;	/* which references it reads: kept */
}
