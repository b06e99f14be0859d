/*
 * httpserve.h: the exporter mode.  xml2prom serves /metrics itself, from
 * the resident loop (resident.h), with libmicrohttpd run from that loop's
 * own poll (no thread, no thread per connection).  A scrape of /metrics
 * is a client of the run (run_render in run.h): the text a one-shot run
 * would write for every store, each store read again only when it changed
 * since its last read (the resident mode's rule), then xml2prom's own
 * series.  A store that fails gives its failure series with status 200.
 * Nothing from a URL is ever a file name: the routes are fixed.
 */
#ifndef XML2PROM_HTTPSERVE_H
#define XML2PROM_HTTPSERVE_H

#include <poll.h>
#include <stddef.h>

#include "bounds.h"
#include "options.h"

struct exporter;

/* What a request asks for, from its method, path and query alone. */
enum web_route {
	ROUTE_METRICS,		/* GET or HEAD /metrics */
	ROUTE_LANDING,		/* GET or HEAD / */
	ROUTE_BAD_METHOD,	/* 405 */
	ROUTE_QUERY,		/* 400: no route takes a query */
	ROUTE_NOT_FOUND		/* 404 */
};

enum web_route	web_route(const char *method, const char *path, int query);
int	web_accepts_gzip(const char *accept_encoding);
int	web_parse_address(const char *, char **host, char **port);

/* NULL after a one-line message; *status then says why (exitcodes.h). */
struct exporter	*exporter_start(const struct config *, int (*)(void),
		    int *status);
void	exporter_reconfigure(struct exporter *, const struct config *);
size_t	exporter_poll_fds(const struct exporter *, struct pollfd *, size_t);
long long exporter_timeout_ms(const struct exporter *);
void	exporter_dispatch(struct exporter *);
void	exporter_stop(struct exporter *);

#endif
