/*
 * trust.c: a path walked as the kernel walks it, each directory on the way
 * asked who could have changed it (see trust.h).
 */
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trust.h"

#define MAX_LINKS	40	/* as Linux's MAXSYMLINKS */

/* "root", "user app" or "uid 1234": who owns a directory. */
static void
name_owner(struct buf *why, uid_t uid)
{
	struct passwd	*pw;

	if (uid == 0)
		buf_puts(why, "root");
	else if ((pw = getpwuid(uid)) != NULL)
		buf_printf(why, "user %s", pw->pw_name);
	else
		buf_printf(why, "uid %lu", (unsigned long)uid);
}

/* Why not: DIR, WHAT of it, and who, when UID is given. */
static int
refuse(struct buf *why, const char *dir, const char *what, const uid_t *uid)
{
	buf_printf(why, "%s %s", dir, what);
	if (uid != NULL) {
		buf_putc(why, ' ');
		name_owner(why, *uid);
	}
	return -1;
}

/*
 * May a name looked up in DIR (lstat'ed as D) have been chosen by someone
 * other than root and OWNER?  A sticky directory that others may write is
 * fine for names that root or OWNER made (NEXT, the entry found in it).
 */
static int
check_dir(const char *dir, const struct stat *d, const struct stat *next,
    uid_t owner, struct buf *why)
{
	if (d->st_uid != 0 && d->st_uid != owner)
		return refuse(why, dir, "belongs to", &d->st_uid);
	if ((d->st_mode & (S_IWGRP | S_IWOTH)) == 0)
		return 0;
	if ((d->st_mode & S_ISVTX) == 0)
		return refuse(why, dir, "is writable by others", NULL);
	if (next->st_uid == 0 || next->st_uid == owner)
		return 0;
	return refuse(why, dir, "holds a name made by", &next->st_uid);
}

/* DIR without its last component ("/a/b" -> "/a", "/a" -> "/"). */
static void
up(char *dir)
{
	char	*slash = strrchr(dir, '/');

	if (slash == dir)
		dir[1] = '\0';
	else if (slash != NULL)
		*slash = '\0';
}

static int
cannot_check(struct buf *why, int e)
{
	buf_printf(why, "cannot check its path: %s", strerror(e));
	return -1;
}

/*
 * A walk: the components left, and the directory reached (no link); what
 * the owner rule said of the directories so far, and the first one that
 * others may not search, if any.
 */
struct walk {
	char		 todo[2 * PATH_MAX];
	char		*rest;
	char		 dir[PATH_MAX];
	int		 links;
	struct buf	 refused;	/* empty: the owner rule holds so far */
	char		 closed[PATH_MAX];	/* "": others search them all */
	int		 owner_only;	/* a config: only the owner rule */
};

/* The link NAME found in the walk's directory: its target comes next. */
static int
follow(struct walk *w, const char *name, struct buf *why)
{
	char	 target[PATH_MAX], left[2 * PATH_MAX];
	ssize_t	 n;

	if (++w->links > MAX_LINKS)
		return cannot_check(why, ELOOP);
	if ((n = readlink(name, target, sizeof(target) - 1)) == -1)
		return cannot_check(why, errno);
	target[n] = '\0';
	if (target[0] == '/')
		strcpy(w->dir, "/");
	snprintf(left, sizeof(left), "%s", w->rest != NULL ? w->rest : "");
	if (snprintf(w->todo, sizeof(w->todo), "%s/%s", target, left) >=
	    (int)sizeof(w->todo))
		return cannot_check(why, ENAMETOOLONG);
	w->rest = w->todo;
	return 0;
}

/* The next component, or NULL at the end; "." and ".." done here. */
static const char *
next_component(struct walk *w)
{
	char	*comp;

	while (w->rest != NULL) {
		comp = w->rest + strspn(w->rest, "/");
		if ((w->rest = strchr(comp, '/')) != NULL)
			*w->rest++ = '\0';
		if (strcmp(comp, "..") == 0)
			up(w->dir);
		else if (*comp != '\0' && strcmp(comp, ".") != 0)
			return comp;
	}
	return NULL;
}

static int
is_last(const struct walk *w)
{
	return w->rest == NULL || w->rest[strspn(w->rest, "/")] == '\0';
}

/*
 * The directory D (lstat'ed) in which the walk looks up the name found as
 * E: may others search it, and does the owner rule hold?  A file others
 * may not read is refused at the first directory the rule fails.
 */
static int
judge_dir(struct walk *w, const struct stat *d, const struct stat *e,
    const struct stat *file)
{
	if ((d->st_mode & S_IXOTH) == 0 && w->closed[0] == '\0')
		snprintf(w->closed, sizeof(w->closed), "%s", w->dir);
	if (w->refused.len == 0)
		(void)check_dir(w->dir, d, e, file->st_uid, &w->refused);
	return w->refused.len > 0 && ((file->st_mode & S_IROTH) == 0 ||
	    w->owner_only) ? -1 : 0;
}

/*
 * The walk's end, FILE reached: anyone may read a file that others may
 * read through directories they may all search; any other only by the
 * owner rule.
 */
static int
verdict(const struct walk *w, const struct stat *file, struct buf *why)
{
	if (w->refused.len == 0 || (!w->owner_only &&
	    (file->st_mode & S_IROTH) != 0 && w->closed[0] == '\0'))
		return 0;
	if (w->owner_only)
		buf_puts(why, "a run as root obeys a config file only through "
		    "directories that only root can change: ");
	else {
		if ((file->st_mode & S_IROTH) == 0)
			buf_puts(why, "not readable by others, and ");
		else
			buf_printf(why, "readable by others only past %s, "
			    "which they may not search, and ", w->closed);
		buf_puts(why, "a run as root reads such a store only through "
		    "directories that only root and its owner can change: ");
	}
	buf_append(why, w->refused.data, w->refused.len);
	buf_puts(why, " (see xml2prom(1), SECURITY)");
	return -1;
}

/* Walks PATH from the root directory to FILE, never through a link. */
static int
walk(struct walk *w, const char *path, const struct stat *file,
    struct buf *why)
{
	char		 next[PATH_MAX];
	const char	*comp;
	struct stat	 d, e;

	if (path[0] != '/' && getcwd(w->dir, sizeof(w->dir)) == NULL)
		return cannot_check(why, errno);
	if (snprintf(w->todo, sizeof(w->todo), "%s/%s", path[0] == '/' ? "" :
	    w->dir, path) >= (int)sizeof(w->todo))
		return cannot_check(why, ENAMETOOLONG);
	strcpy(w->dir, "/");
	w->rest = w->todo;
	while ((comp = next_component(w)) != NULL) {
		if (snprintf(next, sizeof(next), "%s/%s", strcmp(w->dir, "/") ?
		    w->dir : "", comp) >= (int)sizeof(next))
			return cannot_check(why, ENAMETOOLONG);
		if (lstat(w->dir, &d) == -1 || lstat(next, &e) == -1)
			return cannot_check(why, errno);
		if (judge_dir(w, &d, &e, file) == -1)
			return verdict(w, file, why);
		if (S_ISLNK(e.st_mode)) {
			if (follow(w, next, why) == -1)
				return -1;
		} else if (!is_last(w))
			snprintf(w->dir, sizeof(w->dir), "%s", next);
		else if (e.st_dev != file->st_dev || e.st_ino != file->st_ino) {
			buf_puts(why, "changed while its path was checked");
			return -1;
		} else
			return verdict(w, file, why);
	}
	return cannot_check(why, ENOENT);
}

static int
trust(const char *path, const struct stat *st, int owner_only,
    struct buf *why)
{
	struct walk	*w;
	int		 rc;

	if (geteuid() != 0)
		return 0;
	w = xcalloc(1, sizeof(*w));	/* 12 KiB: not on the stack */
	w->owner_only = owner_only;
	rc = walk(w, path, st, why);
	buf_free(&w->refused);
	free(w);
	return rc;
}

int
trust_store(const char *path, const struct stat *st, struct buf *why)
{
	return trust(path, st, 0, why);
}

int
trust_config(const char *path, const struct stat *st, struct buf *why)
{
	return trust(path, st, 1, why);
}
