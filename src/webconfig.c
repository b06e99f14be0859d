/*
 * webconfig.c: reading --web.config.file (see webconfig.h) with libyaml's
 * event parser, and checking a user's password against its bcrypt hash
 * (libxcrypt's crypt_r).
 */
#include <crypt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "buf.h"
#include "webconfig.h"

struct reader {
	yaml_parser_t	 p;
	const char	*file;
	struct buf	*err;
};

static int say(struct reader *, size_t, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static int
say(struct reader *r, size_t line, const char *fmt, ...)
{
	va_list	 ap;

	buf_reset(r->err);
	buf_printf(r->err, "%s:%zu: ", r->file, line);
	va_start(ap, fmt);
	buf_vprintf(r->err, fmt, ap);
	va_end(ap);
	return -1;
}

/* The next event, or -1 after saying where the YAML is bad. */
static int
next(struct reader *r, yaml_event_t *ev)
{
	if (yaml_parser_parse(&r->p, ev))
		return 0;
	return say(r, r->p.problem_mark.line + 1, "%s",
	    r->p.problem != NULL ? r->p.problem : "not YAML");
}

static size_t
line_of(const yaml_event_t *ev)
{
	return ev->start_mark.line + 1;
}

static int
is_null(const yaml_event_t *ev)
{
	const char	*v = (const char *)ev->data.scalar.value;

	return ev->data.scalar.plain_implicit && (strcmp(v, "") == 0 ||
	    strcmp(v, "~") == 0 || strcmp(v, "null") == 0);
}

/* A scalar value into *out (NULL for a YAML null); -1 for anything else. */
static int
scalar_value(struct reader *r, const char *key, char **out)
{
	yaml_event_t	 ev;
	int		 rc = 0;

	if (next(r, &ev) == -1)
		return -1;
	if (ev.type != YAML_SCALAR_EVENT)
		rc = say(r, line_of(&ev), "%s: expected a string", key);
	else if (!is_null(&ev)) {
		free(*out);
		*out = xstrdup((const char *)ev.data.scalar.value);
	}
	yaml_event_delete(&ev);
	return rc;
}

/* Each key of a mapping, to TAKE; a null in its place is an empty one. */
static int
each_key(struct reader *r, const char *what,
    int (*take)(struct reader *, const char *, size_t, struct webconfig *),
    struct webconfig *wc)
{
	yaml_event_t	 ev;
	int		 rc = 0;

	if (next(r, &ev) == -1)
		return -1;
	if (ev.type == YAML_SCALAR_EVENT && is_null(&ev)) {
		yaml_event_delete(&ev);
		return 0;
	}
	if (ev.type != YAML_MAPPING_START_EVENT)
		rc = say(r, line_of(&ev), "%s: expected a mapping", what);
	yaml_event_delete(&ev);
	while (rc == 0 && next(r, &ev) == 0) {
		if (ev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&ev);
			return 0;
		}
		if (ev.type != YAML_SCALAR_EVENT)
			rc = say(r, line_of(&ev), "%s: expected a key", what);
		else
			rc = take(r, (const char *)ev.data.scalar.value,
			    line_of(&ev), wc);
		yaml_event_delete(&ev);
	}
	return -1;
}

/* The toolkit's names (Go's tls.ClientAuthType) that xml2prom honours. */
static int
client_auth_named(const char *name, enum client_auth *auth)
{
	static const struct {
		const char		*name;
		enum client_auth	 auth;
	} names[] = {
		{ "NoClientCert", CLIENT_CERT_NONE },
		{ "RequireAnyClientCert", CLIENT_CERT_ANY },
		{ "VerifyClientCertIfGiven", CLIENT_CERT_IF_GIVEN },
		{ "RequireAndVerifyClientCert", CLIENT_CERT_VERIFIED }
	};
	size_t	 i;

	for (i = 0; name != NULL && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i].name) == 0) {
			*auth = names[i].auth;
			return 0;
		}
	return -1;
}

static int
take_tls(struct reader *r, const char *key, size_t line, struct webconfig *wc)
{
	char	*v = NULL;
	int	 rc;

	if (strcmp(key, "cert_file") == 0)
		return scalar_value(r, key, &wc->cert_file);
	if (strcmp(key, "key_file") == 0)
		return scalar_value(r, key, &wc->key_file);
	if (strcmp(key, "client_ca_file") == 0)
		return scalar_value(r, key, &wc->client_ca_file);
	if (strcmp(key, "client_auth_type") == 0) {
		if ((rc = scalar_value(r, key, &v)) == 0 &&
		    client_auth_named(v, &wc->client_auth) == -1)
			rc = say(r, line, "client_auth_type '%s': NoClientCert, "
			    "RequireAnyClientCert, VerifyClientCertIfGiven or "
			    "RequireAndVerifyClientCert", v != NULL ? v : "");
		free(v);
		return rc;
	}
	if (strcmp(key, "min_version") == 0) {
		if ((rc = scalar_value(r, key, &v)) == 0 && v != NULL &&
		    strcmp(v, "TLS12") != 0 && strcmp(v, "TLS13") != 0)
			rc = say(r, line, "min_version '%s': TLS12 or TLS13", v);
		wc->tls13_only = rc == 0 && v != NULL && strcmp(v, "TLS13") == 0;
		free(v);
		return rc;
	}
	return say(r, line, "tls_server_config: unknown key '%s'", key);
}

static int
take_user(struct reader *r, const char *key, size_t line, struct webconfig *wc)
{
	struct web_user	*u;
	char		*hash = NULL;

	if (scalar_value(r, key, &hash) == -1)
		return -1;
	if (hash == NULL || (strncmp(hash, "$2y$", 4) != 0 &&
	    strncmp(hash, "$2b$", 4) != 0 && strncmp(hash, "$2a$", 4) != 0)) {
		free(hash);
		return say(r, line, "basic_auth_users: %s: expected a bcrypt "
		    "hash ($2y$...; htpasswd -nBC 10 %s)", key, key);
	}
	wc->users = xreallocarray(wc->users, wc->nusers + 1, sizeof(*u));
	u = &wc->users[wc->nusers++];
	u->name = xstrdup(key);
	u->hash = hash;
	return 0;
}

static int
take_top(struct reader *r, const char *key, size_t line, struct webconfig *wc)
{
	if (strcmp(key, "tls_server_config") == 0)
		return each_key(r, key, take_tls, wc);
	if (strcmp(key, "basic_auth_users") == 0)
		return each_key(r, key, take_user, wc);
	return say(r, line, "unknown key '%s' (xml2prom takes "
	    "tls_server_config and basic_auth_users)", key);
}

static int
check_tls(struct reader *r, const struct webconfig *wc)
{
	if ((wc->cert_file == NULL) != (wc->key_file == NULL))
		return say(r, 1, "%s", "tls_server_config: give both "
		    "cert_file and key_file");
	if (wc->client_auth != CLIENT_CERT_NONE && wc->client_ca_file == NULL)
		return say(r, 1, "%s", "tls_server_config: client_auth_type "
		    "other than NoClientCert: give client_ca_file");
	if (wc->client_ca_file != NULL && wc->cert_file == NULL)
		return say(r, 1, "%s", "tls_server_config: client_ca_file "
		    "needs cert_file and key_file");
	return 0;
}

int
webconfig_parse(const char *text, size_t len, const char *file,
    struct webconfig *wc, struct buf *err)
{
	struct reader	 r;
	yaml_event_t	 ev;
	int		 rc = 0, depth = 0;

	memset(wc, 0, sizeof(*wc));
	r.file = file;
	r.err = err;
	yaml_parser_initialize(&r.p);
	yaml_parser_set_input_string(&r.p, (const unsigned char *)text, len);
	/* The stream and document around one mapping (or nothing). */
	while (rc == 0 && (rc = next(&r, &ev)) == 0) {
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (ev.type == YAML_MAPPING_START_EVENT && depth == 0) {
			depth = 1;
			yaml_event_delete(&ev);
			continue;
		}
		if (ev.type == YAML_SCALAR_EVENT && depth == 1)
			rc = take_top(&r, (const char *)ev.data.scalar.value,
			    line_of(&ev), wc);
		else if (ev.type == YAML_MAPPING_END_EVENT && depth == 1)
			depth = 2;
		else if (ev.type == YAML_DOCUMENT_START_EVENT && depth == 2)
			rc = say(&r, line_of(&ev), "%s", "one document only");
		else if (ev.type != YAML_STREAM_START_EVENT &&
		    ev.type != YAML_DOCUMENT_START_EVENT &&
		    ev.type != YAML_DOCUMENT_END_EVENT &&
		    !(ev.type == YAML_SCALAR_EVENT && depth == 0 && is_null(&ev)))
			rc = say(&r, line_of(&ev), "%s", "expected a mapping "
			    "of tls_server_config and basic_auth_users");
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&r.p);
	if (rc == 0)
		rc = check_tls(&r, wc);
	if (rc != 0)
		webconfig_free(wc);
	return rc;
}

int
webconfig_read(const char *path, struct webconfig *wc, struct buf *err)
{
	struct buf	 text = { 0 };
	char		 chunk[4096];
	size_t		 n;
	FILE		*f;
	int		 rc;

	if ((f = fopen(path, "re")) == NULL) {
		buf_printf(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 &&
	    text.len < 1024 * 1024)
		buf_append(&text, chunk, n);
	if (ferror(f) || text.len >= 1024 * 1024) {
		buf_printf(err, "%s: %s", path, ferror(f) ? strerror(errno) :
		    "larger than 1 MiB");
		fclose(f);
		buf_free(&text);
		return -1;
	}
	fclose(f);
	rc = webconfig_parse(text.len > 0 ? text.data : "", text.len, path,
	    wc, err);
	buf_free(&text);
	return rc;
}

/* Equal, in a time that depends on the lengths only. */
static int
same_bytes(const char *a, const char *b)
{
	size_t		 na = strlen(a), nb = strlen(b), i;
	unsigned char	 diff = na != nb;

	for (i = 0; i < na && i < nb; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0;
}

/*
 * Is PASSWORD the user's?  An unknown user costs a bcrypt too (against
 * the first user's hash), so that timing does not tell who exists.
 */
int
webconfig_check_user(const struct webconfig *wc, const char *user,
    const char *password)
{
	struct crypt_data	*cd;
	const struct web_user	*u = NULL;
	const char		*out;
	size_t			 i;
	int			 ok;

	if (wc->nusers == 0)
		return 0;
	for (i = 0; i < wc->nusers; i++)
		if (strcmp(wc->users[i].name, user) == 0)
			u = &wc->users[i];
	cd = xcalloc(1, sizeof(*cd));
	out = crypt_r(password, u != NULL ? u->hash : wc->users[0].hash, cd);
	ok = u != NULL && out != NULL && out[0] != '*' &&
	    same_bytes(out, u->hash);
	free(cd);
	return ok;
}

void
webconfig_free_users(struct webconfig *wc)
{
	size_t	 i;

	for (i = 0; i < wc->nusers; i++) {
		free(wc->users[i].name);
		free(wc->users[i].hash);
	}
	free(wc->users);
	wc->users = NULL;
	wc->nusers = 0;
}

void
webconfig_free(struct webconfig *wc)
{
	free(wc->cert_file);
	free(wc->key_file);
	free(wc->client_ca_file);
	webconfig_free_users(wc);
	memset(wc, 0, sizeof(*wc));
}
