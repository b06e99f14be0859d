/*
 * fuzz_web.c: libFuzzer harness over what the exporter reads that others
 * write: the web configuration file (webconfig_parse), a request's method
 * and path (web_route), its Accept-Encoding (web_accepts_gzip), and the
 * listen address (web_parse_address).  The first byte chooses which; the
 * rest is the input (a method and path separated by NUL).  Each must
 * answer without crashing or leaking, and /metrics be routed only when
 * asked for exactly.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "httpserve.h"
#include "webconfig.h"

int LLVMFuzzerTestOneInput(const unsigned char *, size_t);

static void
config(const char *text, size_t len)
{
	struct webconfig	 wc;
	struct buf		 err = { 0 };
	size_t			 i;

	if (webconfig_parse(text, len, "web.yml", &wc, &err) == 0) {
		for (i = 0; i < wc.nusers; i++)
			if (strncmp(wc.users[i].hash, "$2", 2) != 0)
				abort();
		if ((wc.cert_file == NULL) != (wc.key_file == NULL))
			abort();
		(void)webconfig_check_user(&wc, "u", "p");
		webconfig_free(&wc);
	} else if (err.len == 0 || strncmp(err.data, "web.yml:", 8) != 0)
		abort();
	buf_free(&err);
}

static void
route(const char *text, size_t len)
{
	const char	*path = memchr(text, '\0', len);
	enum web_route	 r;

	path = path != NULL ? path + 1 : "";
	r = web_route(text, path, len % 2);
	if (r == ROUTE_METRICS && (strcmp(path, "/metrics") != 0 ||
	    (strcmp(text, "GET") != 0 && strcmp(text, "HEAD") != 0)))
		abort();
}

static void
address(const char *text)
{
	char	*host, *port;

	if (web_parse_address(text, &host, &port) == 0 &&
	    (port == NULL || atoi(port) < 1 || atoi(port) > 65535))
		abort();
	free(host);
	free(port);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char	*text;

	if (size == 0)
		return 0;
	text = malloc(size);
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	switch (data[0] % 4) {
	case 0: config(text, size - 1); break;
	case 1: route(text, size - 1); break;
	case 2: (void)web_accepts_gzip(text); break;
	default: address(text); break;
	}
	free(text);
	return 0;
}
