/*
 * httpsetup.c: what the exporter sets up before it serves (see
 * httpsetup.h): its listening sockets, bound here or passed by systemd,
 * room for its connections' descriptors, and the PEM files its TLS reads.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/resource.h>
#include <sys/socket.h>

#include "buf.h"
#include "exitcodes.h"
#include "httpserve.h"
#include "httpsetup.h"

static int
bind_one(const struct addrinfo *ai)
{
	int	 fd, on = 1, off = 0;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, ai->ai_protocol);
	if (fd == -1)
		return -1;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (ai->ai_family == AF_INET6)	/* [::] takes IPv4 too */
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off,
		    sizeof(off));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) == -1 ||
	    listen(fd, 128) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A socket listening on ADDRESS; -1 after a message. */
static int
listen_on(const char *address, int *status)
{
	struct addrinfo	 hints, *res = NULL, *ai;
	char		*host, *port;
	int		 fd = -1, rc, saved = 0;

	*status = EXIT_USAGE;
	if (web_parse_address(address, &host, &port) == -1) {
		fprintf(stderr, "xml2prom: --web.listen-address '%s': expected "
		    "[HOST]:PORT, such as :%d or 127.0.0.1:%d\n", address,
		    DEFAULT_WEB_PORT, DEFAULT_WEB_PORT);
		return -1;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = host == NULL ? AF_INET6 : AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0)
		fprintf(stderr, "xml2prom: --web.listen-address '%s': %s\n",
		    address, gai_strerror(rc));
	for (ai = res; ai != NULL && fd == -1; ai = ai->ai_next)
		if ((fd = bind_one(ai)) == -1)
			saved = errno;
	if (rc == 0 && fd == -1) {
		*status = EXIT_OUTPUT;
		fprintf(stderr, "xml2prom: --web.listen-address '%s': %s\n",
		    address, strerror(saved));
	}
	freeaddrinfo(res);
	free(host);
	free(port);
	return fd;
}

/*
 * The sockets systemd passed (sd_listen_fds(3)'s protocol, without
 * libsystemd): LISTEN_PID is ours, LISTEN_FDS of them from descriptor 3.
 */
static int
systemd_sockets(int *fds, size_t max)
{
	const char	*pid = getenv("LISTEN_PID"), *n = getenv("LISTEN_FDS");
	long		 i, count;

	if (pid == NULL || n == NULL || atol(pid) != (long)getpid() ||
	    (count = atol(n)) <= 0) {
		fprintf(stderr, "xml2prom: --web.systemd-socket: no socket "
		    "passed (LISTEN_PID, LISTEN_FDS): start xml2prom from "
		    "a socket unit\n");
		return -1;
	}
	if ((size_t)count > max) {
		fprintf(stderr, "xml2prom: --web.systemd-socket: %ld sockets, "
		    "more than %zu\n", count, max);
		return -1;
	}
	for (i = 0; i < count; i++) {
		fds[i] = 3 + (int)i;
		(void)fcntl(fds[i], F_SETFD, FD_CLOEXEC);
		(void)fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) |
		    O_NONBLOCK);
	}
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return (int)count;
}
/*
 * Room for every connection the limit allows, each a descriptor: the
 * soft limit raised to the hard one where that is needed and allowed.
 */
void
make_room_for_connections(void)
{
	struct rlimit	 rl;
	rlim_t		 want = EXPORTER_MAX_CONNECTIONS * 2 + 64;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < want) {
		rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/*
 * The sockets --web.systemd-socket and --web.listen-address ask for, in
 * FDS; 0 after a message, with *STATUS saying why (exitcodes.h).
 */
size_t
open_sockets(const struct config *c, int *fds, int *status)
{
	size_t	 n = 0, i;
	int	 got;

	*status = EXIT_OUTPUT;
	if (c->systemd_socket) {
		if ((got = systemd_sockets(fds, EXPORTER_MAX_SOCKETS)) == -1)
			return 0;
		n = (size_t)got;
	}
	for (i = 0; i < c->nlisten; i++) {
		if (n == EXPORTER_MAX_SOCKETS) {
			fprintf(stderr, "xml2prom: more than %d listening "
			    "sockets\n", EXPORTER_MAX_SOCKETS);
			*status = EXIT_USAGE;
			break;
		}
		if ((fds[n] = listen_on(c->listen[i], status)) == -1)
			break;
		n++;
	}
	if (i < c->nlisten) {
		while (n > 0)
			close(fds[--n]);
		return 0;
	}
	return n;
}

/* A PEM file whole, or NULL after a message. */
char *
read_pem(const char *path)
{
	struct buf	 text = { 0 };
	char		 chunk[4096];
	size_t		 n;
	FILE		*f;

	if ((f = fopen(path, "re")) == NULL) {
		fprintf(stderr, "xml2prom: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 &&
	    text.len < 1024 * 1024)
		buf_append(&text, chunk, n);
	fclose(f);
	if (text.len == 0 || text.len >= 1024 * 1024) {
		fprintf(stderr, "xml2prom: %s: empty or too large\n", path);
		buf_free(&text);
		return NULL;
	}
	return buf_steal(&text);
}
