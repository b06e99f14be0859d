/*
 * webconfig.h: the exporter's --web.config.file, in the format of the
 * Prometheus exporter-toolkit (so that an operator's file for any official
 * exporter works): tls_server_config (cert_file, key_file, client_ca_file,
 * client_auth_type, min_version) and basic_auth_users (name: bcrypt hash).
 * Read with libyaml; a key it does not know is refused with FILE:LINE, as
 * is a value it cannot honour, rather than served less safely than asked.
 */
#ifndef XML2PROM_WEBCONFIG_H
#define XML2PROM_WEBCONFIG_H

#include <stddef.h>

#include "buf.h"

struct web_user {
	char	*name;
	char	*hash;		/* bcrypt: $2y$, $2b$ or $2a$ */
};

/*
 * client_auth_type: what a client's certificate must be.  All but none
 * need client_ca_file (the CAs whose names the server's request carries).
 */
enum client_auth {
	CLIENT_CERT_NONE,	/* NoClientCert: none asked */
	CLIENT_CERT_ANY,	/* RequireAnyClientCert: one, not verified */
	CLIENT_CERT_IF_GIVEN,	/* VerifyClientCertIfGiven */
	CLIENT_CERT_VERIFIED	/* RequireAndVerifyClientCert */
};

struct webconfig {
	char		*cert_file;	/* NULL: plain HTTP */
	char		*key_file;
	char		*client_ca_file;
	enum client_auth client_auth;
	int		 tls13_only;	/* min_version: TLS13 */
	struct web_user	*users;		/* none: no authentication */
	size_t		 nusers;
};

int	webconfig_parse(const char *text, size_t len, const char *file,
	    struct webconfig *, struct buf *err);
int	webconfig_read(const char *path, struct webconfig *, struct buf *err);
int	webconfig_check_user(const struct webconfig *, const char *user,
	    const char *password);
void	webconfig_free_users(struct webconfig *);
void	webconfig_free(struct webconfig *);

#endif
