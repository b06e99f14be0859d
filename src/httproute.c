/*
 * httproute.c: what the exporter reads of a request and of its own
 * listen addresses, as pure functions (see httpserve.h), so that the
 * fuzzer drives exactly the code the server runs.  The routes are fixed
 * strings: no part of a URL is ever used as a name of anything.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "defaults.h"
#include "httpserve.h"

enum web_route
web_route(const char *method, const char *path, int query)
{
	int	 known = strcmp(path, "/metrics") == 0 || strcmp(path, "/") == 0;

	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return known ? ROUTE_BAD_METHOD : ROUTE_NOT_FOUND;
	if (!known)
		return ROUTE_NOT_FOUND;
	if (query)
		return ROUTE_QUERY;
	return strcmp(path, "/") == 0 ? ROUTE_LANDING : ROUTE_METRICS;
}

/* Is "q=0", "q=0.0"... (a coding refused) among a token's parameters? */
static int
refused(const char *params, size_t len)
{
	const char	*q;
	size_t		 i;

	for (q = params; q != NULL && q < params + len; q++) {
		q = memchr(q, '=', (size_t)(params + len - q));
		if (q == NULL)
			return 0;
		i = (size_t)(q - params);
		if (i == 0 || (params[i - 1] != 'q' && params[i - 1] != 'Q'))
			continue;
		for (q++; q < params + len && (*q == '0' || *q == '.'); q++)
			continue;
		return q == params + len || *q == ' ' || *q == ';';
	}
	return 0;
}

/*
 * Does an Accept-Encoding list take gzip (RFC 9110 12.5.3)?  "gzip",
 * "x-gzip" or "*", any case, not with q=0.
 */
int
web_accepts_gzip(const char *list)
{
	const char	*token, *end, *semi;
	size_t		 n, len;

	for (token = list; token != NULL && *token != '\0'; token = end) {
		token += strspn(token, " \t,");
		len = strcspn(token, ",");
		end = token + len;
		semi = memchr(token, ';', len);
		n = semi != NULL ? (size_t)(semi - token) : len;
		while (n > 0 && (token[n - 1] == ' ' || token[n - 1] == '\t'))
			n--;
		if (((n == 4 && strncasecmp(token, "gzip", 4) == 0) ||
		    (n == 6 && strncasecmp(token, "x-gzip", 6) == 0) ||
		    (n == 1 && *token == '*')) &&
		    !(semi != NULL && refused(semi, (size_t)(end - semi))))
			return 1;
	}
	return 0;
}

static int
is_port(const char *s)
{
	char		*end;
	unsigned long	 n;

	if (*s < '0' || *s > '9')
		return 0;
	n = strtoul(s, &end, 10);
	return *end == '\0' && n >= 1 && n <= 65535;
}

/*
 * [HOST]:PORT as the exporter-toolkit takes it: "HOST:PORT", ":PORT" (every
 * address), "[V6]:PORT"; HOST alone takes the default port.  *host NULL:
 * every address.  -1 on anything else.
 */
int
web_parse_address(const char *s, char **host, char **port)
{
	const char	*colon, *h = s, *he;

	*host = *port = NULL;
	if (*s == '[') {
		if ((he = strchr(s, ']')) == NULL || he == s + 1)
			return -1;
		h = s + 1;
		colon = he[1] == ':' ? he + 1 : NULL;
		if (he[1] != '\0' && colon == NULL)
			return -1;
	} else {
		colon = strrchr(s, ':');
		he = colon != NULL ? colon : s + strlen(s);
		if (memchr(s, ':', (size_t)(he - s)) != NULL)
			return -1;	/* a bare IPv6 address: brackets */
	}
	if (colon != NULL && !is_port(colon + 1))
		return -1;
	if (he > h)
		*host = xstrndup(h, (size_t)(he - h));
	*port = colon != NULL ? xstrdup(colon + 1) :
	    xstrdup(DEFAULT_TEXT(DEFAULT_WEB_PORT));
	return 0;
}
