/*
 * httpsetup.h: what the exporter (httpserve.c) sets up before it serves:
 * its listening sockets, the descriptor limit, the PEM files of its TLS.
 * Each failure prints its one-line message here.
 */
#ifndef XML2PROM_HTTPSETUP_H
#define XML2PROM_HTTPSETUP_H

#include <stddef.h>

#include "options.h"

size_t	open_sockets(const struct config *, int *fds, int *status);
void	make_room_for_connections(void);
char	*read_pem(const char *path);

#endif
