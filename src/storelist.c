/*
 * storelist.c: expanding the store arguments into the files a run reads
 * (see storelist.h).
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdint.h>
#include <errno.h>
#include <fnmatch.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include "names.h"
#include "storelist.h"

/* The files being gathered, before they are sorted. */
struct gather {
	struct store_list	*list;
	size_t			 cap;
	int			 quiet;
	size_t			 problems;
};

int
storelist_is_glob(const char *arg)
{
	struct stat	 st;

	/*
	 * A path that is there as written is that path: a store named
	 * "a[1].xml" before stores could be globs is read as it was.
	 */
	return strpbrk(arg, "*?[") != NULL && lstat(arg, &st) != 0;
}

int
storelist_label_kind(const char *what, enum file_label_kind *kind)
{
	if (strcmp(what, "base") == 0)
		*kind = FILE_LABEL_BASE;
	else if (strcmp(what, "stem") == 0)
		*kind = FILE_LABEL_STEM;
	else if (strcmp(what, "capture") == 0)
		*kind = FILE_LABEL_CAPTURE;
	else
		return -1;
	return 0;
}

static void
say(const struct gather *g, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
say(const struct gather *g, const char *fmt, ...)
{
	va_list	 ap;

	if (g->quiet)
		return;
	fflush(stdout);
	fputs("xml2prom: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* A file found by pattern P, PATH now the list's. */
static void
add_file(struct gather *g, char *path, size_t p)
{
	struct store_list	*l = g->list;

	/* Its name becomes a label value, which must be UTF-8. */
	if (!names_is_utf8(path, strlen(path))) {
		say(g, "%s: a file whose name is not UTF-8: not read",
		    l->patterns[p].arg);
		g->problems++;
		free(path);
		return;
	}
	if (l->nfiles == g->cap) {
		g->cap = g->cap == 0 ? 16 : g->cap * 2;
		l->files = xreallocarray(l->files, g->cap, sizeof(*l->files));
	}
	memset(&l->files[l->nfiles], 0, sizeof(l->files[0]));
	l->files[l->nfiles].path = path;
	l->files[l->nfiles++].pattern = p;
	l->patterns[p].found++;
}

/*
 * Is this entry a store?  A regular file, or a link to one; the type
 * readdir gives spares the stat() of all but links (and file systems
 * that give no type).
 */
static int
is_store(const char *path, unsigned char d_type)
{
	struct stat	 st;

	if (d_type == DT_REG)
		return 1;
	if (d_type != DT_LNK && d_type != DT_UNKNOWN)
		return 0;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static void
expand_dir(struct gather *g, size_t p)
{
	const char	*dir = g->list->patterns[p].arg;
	int		 slash = dir[strlen(dir) - 1] == '/';
	struct dirent	*de;
	struct buf	 path = { 0 };
	DIR		*d;

	if ((d = opendir(dir)) == NULL) {
		g->list->patterns[p].error = errno;
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;	/* ., .., and writers' temp files */
		buf_reset(&path);
		buf_printf(&path, "%s%s%s", dir, slash ? "" : "/", de->d_name);
		if (is_store(path.data, de->d_type))
			add_file(g, xstrdup(path.data), p);
	}
	closedir(d);
	buf_free(&path);
}

static int	 glob_errno;

static int
glob_error(const char *path, int e)
{
	(void)path;
	/* A directory of the pattern that is not there: no match. */
	if (glob_errno == 0 && e != ENOENT && e != ENOTDIR)
		glob_errno = e;
	return 0;	/* go on: other directories may match */
}

static void
expand_glob(struct gather *g, size_t p)
{
	glob_t		 gl;
	size_t		 i;
	int		 rc;

	glob_errno = 0;
	memset(&gl, 0, sizeof(gl));
	/* Sorted by the list itself, in byte order, whatever the locale. */
	rc = glob(g->list->patterns[p].arg, GLOB_NOSORT, glob_error, &gl);
	for (i = 0; rc == 0 && i < gl.gl_pathc; i++)
		if (is_store(gl.gl_pathv[i], DT_UNKNOWN))
			add_file(g, xstrdup(gl.gl_pathv[i]), p);
	if (rc == GLOB_NOSPACE)
		g->list->patterns[p].error = ENOMEM;
	else if (g->list->patterns[p].found == 0 && glob_errno != 0)
		g->list->patterns[p].error = glob_errno;
	globfree(&gl);
}

static void
expand_one(struct gather *g, size_t p)
{
	struct store_pattern	*sp = &g->list->patterns[p];
	struct stat		 st;

	if (storelist_is_glob(sp->arg))
		sp->kind = STORE_GLOB;
	else if (stat(sp->arg, &st) == 0 && S_ISDIR(st.st_mode))
		sp->kind = STORE_DIR;
	else
		sp->kind = STORE_PLAIN;
	if (sp->kind == STORE_PLAIN)
		add_file(g, xstrdup(sp->arg), p);
	else if (sp->kind == STORE_DIR)
		expand_dir(g, p);
	else
		expand_glob(g, p);
	if (sp->kind == STORE_PLAIN || sp->found > 0)
		return;
	g->problems++;
	if (sp->error != 0)
		say(g, "%s: no store found: %s", sp->arg, strerror(sp->error));
	else if (sp->kind == STORE_GLOB)
		say(g, "%s: no file matches", sp->arg);
	else
		say(g, "%s: a directory with no store in it (regular files, "
		    "not named .*)", sp->arg);
}

static const char *
base_of(const char *path)
{
	const char	*slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}

static int
ends_with(const char *s, size_t len, const char *suffix)
{
	size_t	 n = strlen(suffix);

	return len > n && memcmp(s + len - n, suffix, n) == 0;
}

static char *
stem_of(const char *path)
{
	const char	*name = base_of(path);
	size_t		 len = strlen(name);

	if (ends_with(name, len, ".xml.gz"))
		len -= 7;
	else if (ends_with(name, len, ".xml") || ends_with(name, len, ".gz"))
		len -= ends_with(name, len, ".xml") ? 4 : 3;
	return xstrndup(name, len);
}

/* Does the first LEN bytes of NAME match PATTERN (of PLEN bytes)? */
static int
matches(const char *pattern, size_t plen, const char *name, size_t len)
{
	char	*p = xstrndup(pattern, plen), *n = xstrndup(name, len);
	int	 rc = fnmatch(p, n, FNM_PERIOD) == 0;

	free(p);
	free(n);
	return rc;
}

/*
 * What the first '*' of the pattern's last component matched in NAME:
 * the shortest text before it that matches, the longest match of '*'
 * (glob's own rule).  NULL when it cannot be told.
 */
static char *
capture_of(const char *pattern, const char *name)
{
	const char	*last = base_of(pattern), *star = strchr(last, '*');
	size_t		 na = star != NULL ? (size_t)(star - last) : 0;
	const char	*after = star != NULL ? star + 1 : NULL;
	size_t		 nb, n = strlen(name), i, j;

	if (star == NULL)
		return xstrdup(name);
	nb = strlen(after);
	for (i = 0; i <= n; i++) {
		if (!matches(last, na, name, i))
			continue;
		for (j = n + 1; j-- > i; )
			if (matches(after, nb, name + j, n - j))
				return xstrndup(name + i, j - i);
	}
	return NULL;
}

static char *
label_of(const struct store_list *l, const struct store_file *f,
    const struct store_naming *naming)
{
	const struct store_pattern *sp = &l->patterns[f->pattern];
	char			*v;

	switch (naming->kind) {
	case FILE_LABEL_BASE:
		return xstrdup(base_of(f->path));
	case FILE_LABEL_STEM:
		return stem_of(f->path);
	case FILE_LABEL_CAPTURE:
		if (sp->kind != STORE_GLOB)
			return xstrdup(base_of(f->path));
		v = capture_of(sp->arg, base_of(f->path));
		return v != NULL ? v : xstrdup(base_of(f->path));
	default:
		return xstrdup(f->path);
	}
}

static int
by_path(const void *a, const void *b)
{
	return strcmp(((const struct store_file *)a)->path,
	    ((const struct store_file *)b)->path);
}

static int
by_label(const void *a, const void *b)
{
	const struct store_file	*fa = *(const struct store_file *const *)a;
	const struct store_file	*fb = *(const struct store_file *const *)b;
	int			 d = strcmp(fa->label, fb->label);

	return d != 0 ? d : strcmp(fa->path, fb->path);
}

static void
say_conflict(struct gather *g, const struct store_file *a,
    const struct store_file *b, const struct store_naming *naming)
{
	const struct store_list	*l = g->list;

	say(g, "%s and %s would both be labelled %s=\"%s\" (found by '%s' and "
	    "'%s'): neither is read; give --file-label another way to tell "
	    "them apart", a->path, b->path, naming->label_name != NULL ?
	    naming->label_name : "path", a->label, l->patterns[a->pattern].arg,
	    l->patterns[b->pattern].arg);
}

/* Two files with one label value: both left out, each counted. */
static void
find_conflicts(struct gather *g, const struct store_naming *naming)
{
	struct store_list	*l = g->list;
	struct store_file	**v;
	size_t			 i;

	v = xcalloc(l->nfiles + 1, sizeof(*v));
	for (i = 0; i < l->nfiles; i++)
		v[i] = &l->files[i];
	if (l->nfiles > 0)
		qsort(v, l->nfiles, sizeof(*v), by_label);
	for (i = 0; i + 1 < l->nfiles; i++) {
		if (strcmp(v[i]->label, v[i + 1]->label) != 0)
			continue;
		say_conflict(g, v[i], v[i + 1], naming);
		v[i]->conflict = v[i + 1]->conflict = 1;
	}
	for (i = 0; i < l->nfiles; i++)
		if (l->files[i].conflict) {
			l->patterns[l->files[i].pattern].conflicts++;
			g->problems++;
		}
	free(v);
}

size_t
storelist_expand(struct store_list *l, char *const *args, size_t nargs,
    const struct store_naming *naming, int quiet)
{
	struct gather	 g = { l, 0, quiet, 0 };
	size_t		 i;

	storelist_free(l);
	l->patterns = xcalloc(nargs + 1, sizeof(*l->patterns));
	l->npatterns = nargs;
	for (i = 0; i < nargs; i++) {
		l->patterns[i].arg = args[i];
		expand_one(&g, i);
	}
	if (l->nfiles > 0)
		qsort(l->files, l->nfiles, sizeof(*l->files), by_path);
	for (i = 0; i < l->nfiles; i++)
		l->files[i].label = label_of(l, &l->files[i], naming);
	find_conflicts(&g, naming);
	return g.problems;
}

/*
 * Could ARG find PATH (its last run's files are not known here)?  A path:
 * itself; a glob: fnmatch as glob(3) matches; a directory: a name in it
 * not starting with '.'.
 */
static int
could_find(const char *arg, const char *path)
{
	size_t		 n = strlen(arg);
	const char	*name;
	struct stat	 st;

	if (strcmp(arg, path) == 0)
		return 1;
	if (storelist_is_glob(arg))
		return fnmatch(arg, path, FNM_PATHNAME | FNM_PERIOD) == 0;
	while (n > 1 && arg[n - 1] == '/')
		n--;
	if (strncmp(arg, path, n) != 0 || path[n] != '/')
		return 0;
	name = path + n + 1;
	return *name != '\0' && *name != '.' && strchr(name, '/') == NULL &&
	    stat(arg, &st) == 0 && S_ISDIR(st.st_mode);
}

int
storelist_could_find(char *const *args, size_t nargs, const char *path)
{
	size_t	 i;

	for (i = 0; i < nargs; i++)
		if (could_find(args[i], path))
			return 1;
	return 0;
}

const struct store_file *
storelist_find(const struct store_list *l, const char *path)
{
	struct store_file	 key;

	if (l->nfiles == 0)
		return NULL;
	key.path = (char *)(uintptr_t)path;
	return bsearch(&key, l->files, l->nfiles, sizeof(*l->files), by_path);
}

int
storelist_same(const struct store_list *a, const struct store_list *b)
{
	const struct store_pattern *pa, *pb;
	size_t			 i;

	if (a->nfiles != b->nfiles || a->npatterns != b->npatterns)
		return 0;
	for (i = 0; i < a->npatterns; i++) {
		pa = &a->patterns[i];
		pb = &b->patterns[i];
		if (pa->kind != pb->kind || pa->found != pb->found ||
		    pa->conflicts != pb->conflicts || pa->error != pb->error)
			return 0;
	}
	for (i = 0; i < a->nfiles; i++)
		if (strcmp(a->files[i].path, b->files[i].path) != 0 ||
		    strcmp(a->files[i].label, b->files[i].label) != 0 ||
		    a->files[i].pattern != b->files[i].pattern ||
		    a->files[i].conflict != b->files[i].conflict)
			return 0;
	return 1;
}

void
storelist_free(struct store_list *l)
{
	size_t	 i;

	for (i = 0; i < l->nfiles; i++) {
		free(l->files[i].path);
		free(l->files[i].label);
	}
	free(l->files);
	free(l->patterns);
	memset(l, 0, sizeof(*l));
}
