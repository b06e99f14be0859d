/*
 * httpserve.c: the exporter's server (see httpserve.h): one libmicrohttpd
 * daemon per listening socket (httpsetup.c opens them) in external epoll
 * mode, whose epoll descriptor the resident loop polls, and the answers:
 * /metrics, the landing page, the 4xx.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <libxml/xmlversion.h>
#include <microhttpd.h>
#include <zlib.h>

#include "buf.h"
#include "exitcodes.h"
#include "expo.h"
#include "expofmt.h"
#include "httpserve.h"
#include "httpsetup.h"
#include "run.h"
#include "webconfig.h"

struct exporter {
	const struct config	*c;
	struct run_memory	 mem;
	struct buf		 page;		/* the stores' text last served */
	struct MHD_Daemon	*d[EXPORTER_MAX_SOCKETS];
	size_t			 nd;
	struct webconfig	 wc;		/* --web.config.file's */
	char			*cert, *key;	/* PEM, read at start */
	char			*client_ca;	/* PEM, when certificates asked */
};

/*
 * A request's mark, set before its URI is parsed: had it a query?  Then,
 * once its headers were seen: was its body (ignored) read to the end?
 */
static char	 with_query, without_query, query_read, plain_read;

/*
 * The scrape under way's deadline, from its X-Prometheus-Scrape-Timeout-
 * Seconds (zero: none), polled by a re-read through scrape_interrupted:
 * a read's callback takes no argument, and one scrape runs at a time.
 */
static struct timespec	 scrape_deadline;
static int		 deadline_passed;
static int		(*signalled)(void);

static int
scrape_interrupted(void)
{
	struct timespec	 t;

	if (signalled != NULL && signalled())
		return 1;
	if (deadline_passed)
		return 1;
	if (scrape_deadline.tv_sec == 0)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &t);
	if (t.tv_sec > scrape_deadline.tv_sec ||
	    (t.tv_sec == scrape_deadline.tv_sec &&
	    t.tv_nsec >= scrape_deadline.tv_nsec))
		deadline_passed = 1;
	return deadline_passed;
}

/*
 * The deadline of a scrape whose timeout header says SECONDS: its
 * timeout less a margin for the answer to travel, 10% and at most 0.5 s.
 * A header absent, unreadable or not above zero sets none.
 */
static void
set_scrape_deadline(const char *header)
{
	double	 s;
	char	*end;

	memset(&scrape_deadline, 0, sizeof(scrape_deadline));
	deadline_passed = 0;
	if (header == NULL)
		return;
	errno = 0;
	s = strtod(header, &end);
	if (end == header || *end != '\0' || errno != 0 || !isfinite(s) ||
	    s <= 0 || s > 86400)
		return;
	s -= s * 0.1 < 0.5 ? s * 0.1 : 0.5;
	clock_gettime(CLOCK_MONOTONIC, &scrape_deadline);
	scrape_deadline.tv_sec += (time_t)s;
	scrape_deadline.tv_nsec += (long)((s - floor(s)) * 1e9);
	if (scrape_deadline.tv_nsec >= 1000000000L) {
		scrape_deadline.tv_sec++;
		scrape_deadline.tv_nsec -= 1000000000L;
	}
}

static const char landing[] =
    "<!DOCTYPE html>\n<html><head><title>xml2prom</title></head>\n"
    "<body><h1>xml2prom</h1>\n"
    "<p>The counts of XML stores, for Prometheus: "
    "<a href=\"/metrics\">/metrics</a>.</p>\n</body></html>\n";

static double
seconds_since(const struct timespec *t0)
{
	struct timespec	 t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	    (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void
own_series(struct buf *out, double took, int timed_out)
{
	buf_printf(out, "# HELP xml2prom_build_info xml2prom's version and "
	    "libxml2's, as labels; always 1.\n"
	    "# TYPE xml2prom_build_info gauge\n"
	    "xml2prom_build_info{libxml2=\"%s\",version=\"%s\"} 1\n",
	    LIBXML_DOTTED_VERSION, options_version());
	buf_puts(out, "# HELP xml2prom_scrape_duration_seconds How long this "
	    "scrape took to read the stores and render their metrics.\n"
	    "# TYPE xml2prom_scrape_duration_seconds gauge\n"
	    "xml2prom_scrape_duration_seconds ");
	expo_format_number(out, took);
	buf_printf(out, "\n# HELP xml2prom_scrape_timed_out 1 when this scrape's "
	    "re-read was abandoned at its timeout "
	    "(X-Prometheus-Scrape-Timeout-Seconds): the stores' series are "
	    "then the last whole read's.\n"
	    "# TYPE xml2prom_scrape_timed_out gauge\n"
	    "xml2prom_scrape_timed_out %d\n", timed_out);
}

/*
 * A re-read abandoned at the scrape's deadline, and no page served before:
 * each store read whole as it was, every other one failed with reason
 * "limit" (the scrape's time is a limit it went past).
 */
static void
render_timed_out(struct exporter *e, struct buf *out)
{
	const struct store_list	*l = &e->mem.files;
	struct scan_result	*r;
	struct expo_file	*files;
	size_t			 i, n = 0;
	char			 why[] = "read abandoned at the scrape's timeout "
				    "(X-Prometheus-Scrape-Timeout-Seconds)";

	r = xcalloc(l->nfiles + 1, sizeof(*r));
	files = xcalloc(l->nfiles + 1, sizeof(*files));
	for (i = 0; i < l->nfiles; i++) {
		if (l->files[i].conflict)
			continue;
		files[n].path = l->files[i].path;
		if (e->c->naming.label_name != NULL)
			files[n].label = l->files[i].label;
		files[n].pattern = l->files[i].pattern;
		if (i < e->mem.nkept && e->mem.kept[i].ok)
			files[n++].result = &e->mem.kept[i];
		else {
			r[i].failure = FAILURE_LIMIT;
			r[i].error = why;
			files[n++].result = &r[i];
		}
	}
	(void)run_render_files(e->c, files, n, l, out);
	free(files);
	free(r);
}

/* The page of /metrics into OUT; -1 when the run was abandoned. */
static int
scrape(struct exporter *e, struct buf *out)
{
	struct timespec	 t0;
	struct buf	 text = { 0 };

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (run_render(e->c, &e->mem, e->page.data, &text) == -1) {
		buf_free(&text);
		if (!deadline_passed)
			return -1;	/* a signal: stopping */
		if (!e->c->quiet)
			fprintf(stderr, "xml2prom: a scrape's re-read was "
			    "abandoned at its timeout: served the %s\n",
			    e->page.data != NULL ? "last whole read" :
			    "failure series (reason \"limit\")");
		if (e->page.data != NULL)
			buf_append(out, e->page.data, e->page.len);
		else
			render_timed_out(e, out);
		own_series(out, seconds_since(&t0), 1);
		return 0;
	}
	buf_free(&e->page);
	e->page = text;
	buf_append(out, e->page.data, e->page.len);
	own_series(out, seconds_since(&t0), 0);
	return 0;
}

/* OUT gzipped (RFC 1952), in place; -1 leaves it as it was. */
static int
gzip_buf(struct buf *out)
{
	z_stream	 z;
	struct buf	 gz = { 0 };

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	buf_reserve(&gz, deflateBound(&z, out->len));
	z.next_in = (Bytef *)out->data;
	z.avail_in = (uInt)out->len;
	z.next_out = (Bytef *)gz.data;
	z.avail_out = (uInt)gz.cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&z);
		buf_free(&gz);
		return -1;
	}
	gz.len = z.total_out;
	deflateEnd(&z);
	buf_free(out);
	*out = gz;
	return 0;
}

static enum MHD_Result
send_text(struct MHD_Connection *conn, unsigned status, const char *type,
    struct buf *body, int gzipped)
{
	struct MHD_Response	*r;
	enum MHD_Result		 ok;
	size_t			 len = body->len;

	/* Ours to free once sent: no copy. */
	r = MHD_create_response_from_buffer(len, len > 0 ? buf_steal(body) :
	    NULL, MHD_RESPMEM_MUST_FREE);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (gzipped)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING,
		    "gzip");
	if (status == MHD_HTTP_OK)
		MHD_add_response_header(r, MHD_HTTP_HEADER_VARY,
		    "Accept-Encoding");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ok = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ok;
}

static enum MHD_Result
send_message(struct MHD_Connection *conn, unsigned status, const char *msg)
{
	struct buf	 body = { 0 };

	buf_printf(&body, "%s\n", msg);
	return send_text(conn, status, "text/plain; charset=utf-8", &body, 0);
}

static enum MHD_Result
send_metrics(struct exporter *e, struct MHD_Connection *conn)
{
	struct buf	 body = { 0 };
	const char	*ae;
	int		 gz = 0, abandoned;

	set_scrape_deadline(MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    "X-Prometheus-Scrape-Timeout-Seconds"));
	abandoned = scrape(e, &body) == -1;
	memset(&scrape_deadline, 0, sizeof(scrape_deadline));
	deadline_passed = 0;
	if (abandoned) {
		buf_free(&body);
		return send_message(conn, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "xml2prom is stopping");
	}
	ae = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_ACCEPT_ENCODING);
	if (ae != NULL && web_accepts_gzip(ae))
		gz = gzip_buf(&body) == 0;
	return send_text(conn, MHD_HTTP_OK,
	    "text/plain; version=0.0.4; charset=utf-8", &body, gz);
}

/* basic_auth_users: none, or one of them with the right password. */
static int
authorized(const struct exporter *e, struct MHD_Connection *conn)
{
	char	*user, *password = NULL;
	int	 ok;

	if (e->wc.nusers == 0)
		return 1;
	user = MHD_basic_auth_get_username_password(conn, &password);
	ok = user != NULL && password != NULL &&
	    webconfig_check_user(&e->wc, user, password);
	if (password != NULL) {
		explicit_bzero(password, strlen(password));
		MHD_free(password);
	}
	if (user != NULL)
		MHD_free(user);
	return ok;
}

/*
 * client_auth_type's check, on the TLS session: GnuTLS asked for a
 * certificate (MHD_OPTION_HTTPS_MEM_TRUST) but takes the handshake without
 * one, or with one it cannot verify; so the request is refused here.
 */
static int
client_cert_ok(const struct exporter *e, struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo	*info;
	const gnutls_datum_t		*peers;
	unsigned int			 npeers = 0, status = 0;
	enum client_auth		 want = e->wc.client_auth;

	if (e->client_ca == NULL || want == CLIENT_CERT_NONE)
		return 1;
	info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (info == NULL || info->tls_session == NULL)
		return 0;
	peers = gnutls_certificate_get_peers(info->tls_session, &npeers);
	if (peers == NULL || npeers == 0)
		return want == CLIENT_CERT_IF_GIVEN;
	if (want == CLIENT_CERT_ANY)
		return 1;
	return gnutls_certificate_verify_peers2(info->tls_session,
	    &status) == GNUTLS_E_SUCCESS && status == 0;
}

static enum MHD_Result
refuse_unauthorized(struct MHD_Connection *conn)
{
	struct MHD_Response	*r;
	enum MHD_Result		 ok;
	char			*msg = xstrdup("unauthorized\n");

	r = MHD_create_response_from_buffer(strlen(msg), msg,
	    MHD_RESPMEM_MUST_FREE);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "text/plain; charset=utf-8");
	ok = MHD_queue_basic_auth_fail_response(conn, "xml2prom", r);
	MHD_destroy_response(r);
	return ok;
}

/*
 * libmicrohttpd's handler, called once the headers are in, then for each
 * piece of a body, then at its end: an answer queued before the end would
 * close the connection (no keep-alive), so it waits for that.
 */
static enum MHD_Result
answer(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **mark)
{
	struct buf	 body = { 0 };

	(void)version;
	(void)upload;
	if (*mark == &with_query || *mark == &without_query) {
		*mark = *mark == &with_query ? &query_read : &plain_read;
		return MHD_YES;
	}
	if (*upload_size != 0) {	/* no route takes a body */
		*upload_size = 0;
		return MHD_YES;
	}
	if (!client_cert_ok(cls, conn))
		return send_message(conn, MHD_HTTP_FORBIDDEN, "a client "
		    "certificate from client_ca_file's authorities is needed");
	if (!authorized(cls, conn))
		return refuse_unauthorized(conn);
	switch (web_route(method, url, *mark == &query_read)) {
	case ROUTE_METRICS:
		return send_metrics(cls, conn);
	case ROUTE_LANDING:
		buf_puts(&body, landing);
		return send_text(conn, MHD_HTTP_OK, "text/html; charset=utf-8",
		    &body, 0);
	case ROUTE_BAD_METHOD:
		return send_message(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "only GET and HEAD");
	case ROUTE_QUERY:
		return send_message(conn, MHD_HTTP_BAD_REQUEST,
		    "no query is taken");
	default:
		return send_message(conn, MHD_HTTP_NOT_FOUND,
		    "not found: see /metrics");
	}
}

/* Called with the raw request URI, before libmicrohttpd parses it. */
static void *
mark_query(void *cls, const char *uri, struct MHD_Connection *conn)
{
	(void)cls;
	(void)conn;
	return strchr(uri, '?') != NULL ? &with_query : &without_query;
}


/* GnuTLS' priorities: its defaults, from TLS 1.2 (or 1.3) up. */
#define TLS12_UP	"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"
#define TLS13_UP	"NORMAL:-VERS-ALL:+VERS-TLS1.3"
static char	 tls12_up[] = TLS12_UP, tls13_up[] = TLS13_UP;

static struct MHD_Daemon *
serve_socket(struct exporter *e, int fd)
{
	struct MHD_OptionItem	 tls[] = {
		{ MHD_OPTION_HTTPS_MEM_CERT, 0, e->cert },
		{ MHD_OPTION_HTTPS_MEM_KEY, 0, e->key },
		{ MHD_OPTION_HTTPS_PRIORITIES, 0,
		    e->wc.tls13_only ? tls13_up : tls12_up },
		/* A trust makes GnuTLS ask the client for a certificate. */
		{ e->client_ca != NULL ? MHD_OPTION_HTTPS_MEM_TRUST :
		    MHD_OPTION_END, 0, e->client_ca },
		{ MHD_OPTION_END, 0, NULL }
	};

	return MHD_start_daemon(MHD_USE_EPOLL |
	    (e->cert != NULL ? MHD_USE_TLS : 0), 0, NULL, NULL, answer, e,
	    MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)EXPORTER_MAX_CONNECTIONS,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	    (size_t)EXPORTER_CONNECTION_MEMORY,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)EXPORTER_IDLE_SECONDS,
	    MHD_OPTION_URI_LOG_CALLBACK, mark_query, NULL,
	    MHD_OPTION_ARRAY, e->cert != NULL ? tls : tls + 4,
	    MHD_OPTION_END);
}


/* --web.config.file, and its TLS files; -1 after a message. */
static int
read_web_config(struct exporter *e, const char *path)
{
	struct buf	 err = { 0 };

	if (path == NULL)
		return 0;
	if (webconfig_read(path, &e->wc, &err) == -1) {
		fprintf(stderr, "xml2prom: %s\n", err.data);
		buf_free(&err);
		return -1;
	}
	if (e->wc.cert_file != NULL &&
	    ((e->cert = read_pem(e->wc.cert_file)) == NULL ||
	    (e->key = read_pem(e->wc.key_file)) == NULL))
		return -1;
	if (e->wc.client_ca_file != NULL &&
	    e->wc.client_auth != CLIENT_CERT_NONE &&
	    (e->client_ca = read_pem(e->wc.client_ca_file)) == NULL)
		return -1;
	return 0;
}

struct exporter *
exporter_start(const struct config *c, int (*interrupted)(void),
    int *status)
{
	struct exporter	*e;
	int		 fds[EXPORTER_MAX_SOCKETS];
	size_t		 n, i;

	e = xcalloc(1, sizeof(*e));
	if (read_web_config(e, c->web_config) == -1) {
		exporter_stop(e);
		*status = EXIT_USAGE;
		return NULL;
	}
	if ((n = open_sockets(c, fds, status)) == 0) {
		exporter_stop(e);
		return NULL;
	}
	make_room_for_connections();
	e->c = c;
	signalled = interrupted;
	e->mem.interrupted = scrape_interrupted;
	for (i = 0; i < n; i++) {
		if ((e->d[e->nd] = serve_socket(e, fds[i])) == NULL) {
			fprintf(stderr, "xml2prom: cannot serve HTTP (%s)\n",
			    strerror(errno));
			while (i < n)
				close(fds[i++]);
			exporter_stop(e);
			*status = EXIT_OUTPUT;
			return NULL;
		}
		e->nd++;
	}
	return e;
}

/* SIGHUP's new options: the stores' reads start afresh. */
void
exporter_reconfigure(struct exporter *e, const struct config *c)
{
	struct webconfig	 fresh;
	struct buf		 err = { 0 };

	/* The users again; the TLS files stay those read at start. */
	if (c->web_config != NULL &&
	    webconfig_read(c->web_config, &fresh, &err) == -1)
		fprintf(stderr, "xml2prom: %s: SIGHUP: the users are not "
		    "taken; still serving with the previous ones\n", err.data);
	else {
		if (c->web_config == NULL)
			memset(&fresh, 0, sizeof(fresh));
		webconfig_free_users(&e->wc);
		e->wc.users = fresh.users;
		e->wc.nusers = fresh.nusers;
		fresh.users = NULL;
		fresh.nusers = 0;
		webconfig_free(&fresh);
	}
	buf_free(&err);
	run_memory_forget(&e->mem);
	buf_free(&e->page);
	e->c = c;
}

size_t
exporter_poll_fds(const struct exporter *e, struct pollfd *fds, size_t max)
{
	const union MHD_DaemonInfo	*info;
	size_t				 i, n = 0;

	for (i = 0; i < e->nd && n < max; i++) {
		info = MHD_get_daemon_info(e->d[i], MHD_DAEMON_INFO_EPOLL_FD);
		if (info == NULL)
			continue;
		fds[n].fd = info->epoll_fd;
		fds[n].events = POLLIN;
		fds[n].revents = 0;
		n++;
	}
	return n;
}

/* How long the loop may wait before a daemon has work (-1: no bound). */
long long
exporter_timeout_ms(const struct exporter *e)
{
	MHD_UNSIGNED_LONG_LONG	 t;
	long long		 least = -1;
	size_t			 i;

	for (i = 0; i < e->nd; i++)
		if (MHD_get_timeout(e->d[i], &t) == MHD_YES &&
		    (least == -1 || (long long)t < least))
			least = (long long)t;
	return least;
}

/* Each daemon's ready work, without waiting. */
void
exporter_dispatch(struct exporter *e)
{
	size_t	 i;

	for (i = 0; i < e->nd; i++)
		(void)MHD_run(e->d[i]);
}

void
exporter_stop(struct exporter *e)
{
	size_t	 i;

	if (e == NULL)
		return;
	for (i = 0; i < e->nd; i++)
		MHD_stop_daemon(e->d[i]);
	run_memory_forget(&e->mem);
	buf_free(&e->page);
	webconfig_free(&e->wc);
	free(e->cert);
	free(e->client_ca);
	if (e->key != NULL)
		explicit_bzero(e->key, strlen(e->key));
	free(e->key);
	free(e);
}
