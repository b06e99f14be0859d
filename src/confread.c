/*
 * confread.c: reading --config files into the command line, each FILE's
 * options in place of its --config, with where each line came from.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include "bounds.h"
#include "buf.h"
#include "optint.h"
#include "own.h"
#include "trust.h"

static void
add_arg(struct raw *raw, char *arg, const char *origin)
{
	raw->argv = xreallocarray(raw->argv, (size_t)raw->argc + 2,
	    sizeof(*raw->argv));
	raw->argv_origin = xreallocarray(raw->argv_origin,
	    (size_t)raw->argc + 2, sizeof(*raw->argv_origin));
	raw->argv[raw->argc] = arg;
	raw->argv_origin[raw->argc++] = origin;
	raw->argv[raw->argc] = NULL;
}

/* A config line '[NAME]' starts a set: it is 'set NAME'. */
static char *
block_header(char *line)
{
	size_t	 len = strlen(line);

	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	if (line[0] != '[' || len < 2 || line[len - 1] != ']')
		return NULL;
	line[len - 1] = '\0';
	return line + 1;
}

/*
 * A config line: NAME VALUE or NAME=VALUE, as --NAME=VALUE; '[NAME]' as
 * --set=NAME.  After a set's block starts, what applies to the whole run
 * is refused: it would read as the set's.
 */
static int
config_line(struct config *c, struct raw *raw, const char *file,
    unsigned long lineno, char *line, int *in_block, FILE *err)
{
	const struct optdef	*o;
	const char		*near;
	struct buf		 arg = { 0 }, origin = { 0 };
	const char		*block = block_header(line);
	const char		*name = block != NULL ? "set" : line;
	size_t			 len = strcspn(name, " \t=");
	const char		*value = block != NULL ? block : line + len;

	/*
	 * What is not an option is not echoed: a --config given a link to a
	 * secret must not print its lines.  A near option's name is ours.
	 */
	if ((o = optable_find(name, len)) == NULL &&
	    (near = optable_nearest(name, len)) != NULL)
		return usage_error(err, "%s:%lu: not an option: did you mean "
		    "'%s'?", file, lineno, near);
	if (o == NULL)
		return usage_error(err, "%s:%lu: not an option (see the "
		    "OPTIONS of xml2prom(1))", file, lineno);
	if (strcmp(o->name, "config") == 0)
		return usage_error(err, "%s:%lu: a config file cannot read "
		    "another", file, lineno);
	if (*in_block && o->scope != SCOPE_SET)
		return usage_error(err, "%s:%lu: '%s' applies to the whole run, "
		    "not to one set: give it before the first [set]", file,
		    lineno, o->name);
	*in_block |= o->code == OPT_SET;
	if (block != NULL)
		;
	else if (*value == '=')
		value++;
	else
		value += strspn(value, " \t");
	if (o->has_arg == no_argument && *value != '\0')
		return usage_error(err, "%s:%lu: '%s' takes no value", file,
		    lineno, o->name);
	if (o->has_arg == required_argument && *value == '\0')
		return usage_error(err, "%s:%lu: '%s' needs a value", file,
		    lineno, o->name);
	buf_printf(&arg, "--%s%s%s", o->name, *value != '\0' ? "=" : "",
	    value);
	buf_printf(&origin, "%s:%lu: ", file, lineno);
	/* Owned by the configuration: specs and files point into them. */
	c->config_strings = xreallocarray(c->config_strings,
	    c->nconfig_strings + 2, sizeof(*c->config_strings));
	c->config_strings[c->nconfig_strings++] = buf_steal(&arg);
	c->config_strings[c->nconfig_strings++] = buf_steal(&origin);
	add_arg(raw, c->config_strings[c->nconfig_strings - 2],
	    c->config_strings[c->nconfig_strings - 1]);
	return 0;
}

/*
 * --config FILE opened for reading: a regular file of at most
 * CONFIG_MAX_SIZE bytes, looked at through O_PATH first so that a device
 * or a FIFO is never opened.  A run as root obeys it (its output, its
 * mode): as sshd does, such a run refuses one that anyone but root may
 * change.
 */
static FILE *
open_config(const char *file, FILE *err)
{
	struct stat	 st;
	struct buf	 why = { 0 };
	char		 proc[64];
	FILE		*f = NULL;
	int		 pfd, fd = -1;

	if ((pfd = open(file, O_PATH | O_CLOEXEC)) == -1) {
		usage_error(err, "--config %s: %s", file, strerror(errno));
		return NULL;
	}
	if (fstat(pfd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > CONFIG_MAX_SIZE)
		usage_error(err, "--config %s: not a regular file of at most "
		    "%d bytes", file, CONFIG_MAX_SIZE);
	else if (geteuid() == 0 && (st.st_uid != 0 ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)) != 0))
		usage_error(err, "--config %s: a run as root obeys only a "
		    "config file that root alone may change (owner root, not "
		    "writable by group or others)", file);
	else if (trust_config(file, &st, &why) == -1)
		usage_error(err, "--config %s: %s", file, why.data);
	else {
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pfd);
		if ((fd = open(proc, O_RDONLY | O_CLOEXEC)) == -1 &&
		    errno == ENOENT)	/* no /proc: the name, non-blocking */
			fd = open(file, O_RDONLY | O_NONBLOCK | O_NOCTTY |
			    O_CLOEXEC);
		if (fd == -1 || (f = fdopen(fd, "r")) == NULL)
			usage_error(err, "--config %s: %s", file,
			    strerror(errno));
	}
	close(pfd);
	if (f == NULL && fd != -1)
		close(fd);
	buf_free(&why);
	return f;
}

/*
 * A line as read (N bytes), its end taken off; NULL if it holds a NUL byte,
 * which would cut it silently.  A UTF-8 byte order mark may start line 1.
 */
static char *
config_text(char *line, ssize_t n, unsigned long lineno)
{
	if (memchr(line, '\0', (size_t)n) != NULL)
		return NULL;
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	if (lineno == 1 && strncmp(line, "\xef\xbb\xbf", 3) == 0)
		line += 3;
	return line + strspn(line, " \t");
}

/* --config FILE: its options, in place of the --config. */
static int
read_config(struct config *c, struct raw *raw, const char *file, FILE *err)
{
	FILE		*f;
	char		*line = NULL, *p;
	size_t		 cap = 0;
	ssize_t		 n;
	unsigned long	 lineno = 0;
	int		 rc = 0, in_block = 0;

	if ((f = open_config(file, err)) == NULL)
		return -1;
	while (rc == 0 && (n = getline(&line, &cap, f)) != -1) {
		lineno++;
		if ((p = config_text(line, n, lineno)) == NULL)
			rc = usage_error(err, "%s:%lu: a NUL byte: a config "
			    "file is text", file, lineno);
		else if (*p != '\0' && *p != '#')
			rc = config_line(c, raw, file, lineno, p, &in_block,
			    err);
	}
	if (rc == 0 && ferror(f))
		rc = usage_error(err, "--config %s: %s", file, strerror(errno));
	free(line);
	fclose(f);
	return rc;
}

/*
 * The command line with each --config FILE replaced by FILE's options, so
 * that one getopt pass reads both in order (a later option overrides an
 * earlier one, as on a command line).  getopt itself finds the --config
 * options, so that '-t -c' stays a --type of '-c'.
 */
int
expand_configs(struct config *c, struct raw *raw, int argc, char **argv,
    FILE *err)
{
	int	 ch, i, next = 1, before;

	add_arg(raw, argv[0], "");
	optind = 0;
	opterr = 0;
	for (;;) {
		before = optind == 0 ? 1 : optind;
		/* '-': operands in place, so that indices stay argv's. */
		ch = getopt_long(argc, argv, optable_shorts(1),
		    optable_getopt(), NULL);
		if (ch == -1)
			break;
		if (ch != 'c')
			continue;
		if (strncmp(argv[before], "-c", 2) != 0 &&
		    strncmp(argv[before], "--", 2) != 0)
			return usage_error(err, "%s", "give -c FILE apart from "
			    "other short options");
		for (i = next; i < before; i++)
			add_arg(raw, argv[i], "");
		if (read_config(c, raw, optarg, err) == -1)
			return -1;
		next = optind;
	}
	/* GNU getopt moves operands after the options: copy what is left. */
	for (i = next; i < argc; i++)
		add_arg(raw, argv[i], "");
	return 0;
}
