/*
 * textfile.c: atomic replacement of the output file.  Every name is looked
 * up in one descriptor of the output's directory, opened once: a directory
 * swapped for another (or for a link) mid-run cannot redirect a write.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exitcodes.h"
#include "textfile.h"

#define TEMP_SUFFIX	"XXXXXX"
#define LOCK_MODE	0644

/*
 * The temp file a signal handler must remove, a name in pending_dir.
 * Armed only while the file exists under that name; the handler uses
 * nothing but unlinkat() and raise().
 */
static char			 pending_temp[NAME_MAX + 1];
static int			 pending_dir = -1;
static volatile sig_atomic_t	 pending_armed;

static void
remove_temp_and_die(int sig)
{
	if (pending_armed)
		unlinkat(pending_dir, pending_temp, 0);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
catch_signals(void)
{
	struct sigaction	 sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = remove_temp_and_die;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static void
split_path(struct textfile *tf, const char *path)
{
	const char	*slash = strrchr(path, '/');

	tf->path = xstrdup(path);
	if (slash == NULL) {
		tf->dir = xstrdup(".");
		tf->base = xstrdup(path);
	} else {
		tf->dir = slash == path ? xstrdup("/") :
		    xstrndup(path, (size_t)(slash - path));
		tf->base = xstrdup(slash + 1);
	}
}

static int
is_stale_temp(const struct textfile *tf, const char *name)
{
	size_t	 n = strlen(tf->base), i;

	if (name[0] != '.' || strncmp(name + 1, tf->base, n) != 0 ||
	    name[n + 1] != '.' || strlen(name + n + 2) != strlen(TEMP_SUFFIX))
		return 0;
	for (i = n + 2; name[i] != '\0'; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= 'A' && name[i] <= 'Z') ||
		    (name[i] >= '0' && name[i] <= '9')))
			return 0;
	return 1;
}

/* The directory's entries, read through its descriptor. */
static DIR *
open_listing(const struct textfile *tf)
{
	DIR	*d;
	int	 fd;

	if ((fd = openat(tf->dir_fd, ".", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return NULL;
	if ((d = fdopendir(fd)) == NULL)
		close(fd);
	return d;
}

/* Only called with the lock held: no other run is writing these. */
static void
remove_stale_temps(const struct textfile *tf)
{
	DIR		*d;
	struct dirent	*de;

	if ((d = open_listing(tf)) == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (is_stale_temp(tf, de->d_name))
			(void)unlinkat(tf->dir_fd, de->d_name, 0);
	closedir(d);
}

/*
 * Debian ships the textfile directory as root's, 0755, and root's own
 * services write files there by name: giving it to another user would let
 * that user plant links for them.  Say which directory, which user, and
 * what to do, not the name of a lock file nobody has heard of.
 */
static void
not_writable(struct buf *err, const char *dir)
{
	struct passwd	*pw = getpwuid(geteuid());
	char		 uid[32];
	const char	*user = uid;

	snprintf(uid, sizeof(uid), "uid %lu", (unsigned long)geteuid());
	if (pw != NULL)
		user = pw->pw_name;
	buf_printf(err, "%s: not writable by user %s, which xml2prom runs as: "
	    "in a container, chown %lu the directory mounted there (a bind "
	    "mount keeps the host's owner); on a host, run it as root without "
	    "capabilities, as the shipped units and cron file do, or give it a "
	    "directory of its own (see xml2prom(1), SECURITY)", dir, user,
	    (unsigned long)geteuid());
}

/*
 * The lock file is opened, never followed or waited on: a symlink there
 * could make a root run create a file anywhere, and a FIFO would block
 * every run.  Its mode is set whatever the umask, so that a run as root
 * under umask 077 does not lock out later runs as the service user; but
 * only on a file with one name, or a hard link to a secret planted there
 * would make a root run publish it.
 */
static int
open_lock(const struct textfile *tf, const char *name, const char *path,
    struct buf *err)
{
	struct stat	 st;
	int		 fd;

	fd = openat(tf->dir_fd, name, O_RDONLY | O_CREAT | O_NOFOLLOW |
	    O_NONBLOCK | O_NOCTTY | O_CLOEXEC, LOCK_MODE);
	if (fd == -1 && errno == EACCES)
		not_writable(err, tf->dir);
	else if (fd == -1)
		buf_printf(err, "%s: %s", path, errno == ELOOP ?
		    "a symbolic link, not a lock file: remove it" :
		    strerror(errno));
	if (fd == -1)
		return -1;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		buf_printf(err, "%s: not a regular file, not a lock file: "
		    "remove it", path);
		close(fd);
		return -1;
	}
	if (st.st_uid == geteuid() && st.st_nlink == 1 &&
	    (st.st_mode & 07777) != LOCK_MODE)
		(void)fchmod(fd, LOCK_MODE);
	return fd;
}

/*
 * No run writes into a directory that everyone may write, sticky or not
 * (as /tmp): anyone could hold its lock forever, so that every run exits
 * 4 and the output silently goes stale, or plant links under the names
 * other collectors write.  A run as root, moreover, writes only into a
 * directory of root's, named without a link at its end, that no other
 * user may write at all: one that another user owns or may write would
 * let that user swap it for a link, or plant links in it, and have root
 * write where they choose.  (The components above are Debian's layout to
 * keep; see SECURITY in xml2prom(1).)
 */
static int
open_directory(struct textfile *tf, struct buf *err)
{
	struct stat	 st;
	int		 as_root = geteuid() == 0;

	tf->dir_fd = open(tf->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
	    (as_root ? O_NOFOLLOW : 0));
	if (tf->dir_fd == -1) {
		buf_printf(err, "%s: %s", tf->dir, as_root && (errno == ENOTDIR ||
		    errno == ELOOP) && lstat(tf->dir, &st) == 0 &&
		    S_ISLNK(st.st_mode) ? "a symbolic link, which a run as root "
		    "does not follow: name the directory itself" :
		    strerror(errno));
		return -1;
	}
	if (fstat(tf->dir_fd, &st) == -1) {
		buf_printf(err, "%s: %s", tf->dir, strerror(errno));
		return -1;
	}
	if ((st.st_mode & S_IWOTH) != 0 || (as_root && (st.st_uid != 0 ||
	    (st.st_mode & S_IWGRP) != 0))) {
		buf_printf(err, "%s: %s writes only into a directory that "
		    "only %s can change, and this one is %s (mode %04o; see "
		    "xml2prom(1), SECURITY)", tf->dir, as_root ? "a run as root" :
		    "xml2prom", as_root ? "root" : "its owner",
		    as_root && st.st_uid != 0 ? "not root's" : "writable by others",
		    (unsigned)(st.st_mode & 07777));
		return -1;
	}
	return 0;
}

/*
 * The uid of a process holding a flock on the file FD names, from
 * /proc/locks, or -1 when none can be told (no /proc, or hidden, as under
 * the units' ProcSubset=pid).
 */
static long
lock_holder_uid(int fd)
{
	struct stat	 st, ps;
	char		 line[256], proc[64];
	unsigned long	 ino;
	long		 pid, uid = -1;
	FILE		*f;

	if (fstat(fd, &st) == -1 || (f = fopen("/proc/locks", "re")) == NULL)
		return -1;
	while (uid == -1 && fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "%*d: FLOCK %*s %*s %ld %*x:%*x:%lu", &pid,
		    &ino) == 2 && ino == (unsigned long)st.st_ino) {
			snprintf(proc, sizeof(proc), "/proc/%ld", pid);
			if (stat(proc, &ps) == 0)
				uid = (long)ps.st_uid;
		}
	fclose(f);
	return uid;
}

/*
 * A lock held by another user (or in a file of another user's) is no run
 * of this service that the next will follow: anyone who may open the file
 * could hold it forever and silence every run.  Say whose, and fail
 * (exit 3), so that the unit fails too.
 */
static int
lock_held(const struct textfile *tf, const char *path, const char *lock,
    struct buf *err)
{
	struct stat	 st;
	long		 uid = -1;

	/* Unless /proc tells, the file's owner stands for the holder. */
	if ((uid = lock_holder_uid(tf->lock_fd)) == -1 &&
	    fstat(tf->lock_fd, &st) == 0)
		uid = (long)st.st_uid;
	if (uid != -1 && uid != (long)geteuid()) {
		buf_printf(err, "%s: %s is held by uid %ld, not this run's "
		    "user: no run of this service; stop it, or remove the "
		    "file", path, lock, uid);
		return EXIT_OUTPUT;
	}
	buf_printf(err, "%s: another run holds %s", path, lock);
	return EXIT_LOCKED;
}

/*
 * Takes the output's lock without waiting: a run that finds it held exits,
 * so runs started every minute never pile up behind a slow one.  Returns
 * EXIT_OK, EXIT_LOCKED or EXIT_OUTPUT.
 */
int
textfile_lock(struct textfile *tf, const char *path, struct buf *err)
{
	struct buf	 lock = { 0 }, name = { 0 };
	struct stat	 st;

	memset(tf, 0, sizeof(*tf));
	tf->lock_fd = tf->dir_fd = -1;
	split_path(tf, path);
	if (tf->base[0] == '\0') {
		buf_printf(err, "%s: not a file name", path);
		return EXIT_OUTPUT;
	}
	if (open_directory(tf, err) == -1)
		return EXIT_OUTPUT;
	if (fstatat(tf->dir_fd, tf->base, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    !S_ISREG(st.st_mode)) {
		/* rename() would replace a device, a FIFO or a symlink. */
		buf_printf(err, "%s: not a regular file, not replacing it "
		    "(use -o - for standard output)", path);
		return EXIT_OUTPUT;
	}
	buf_printf(&lock, "%s/.%s.lock", tf->dir, tf->base);
	buf_printf(&name, ".%s.lock", tf->base);
	tf->lock_made = fstatat(tf->dir_fd, name.data, &st,
	    AT_SYMLINK_NOFOLLOW) == -1 && errno == ENOENT;
	tf->lock_fd = open_lock(tf, name.data, lock.data, err);
	buf_free(&name);
	if (tf->lock_fd == -1) {
		buf_free(&lock);
		return EXIT_OUTPUT;
	}
	if (flock(tf->lock_fd, LOCK_EX | LOCK_NB) == -1) {
		int	 status = EXIT_OUTPUT;

		if (errno == EWOULDBLOCK)
			status = lock_held(tf, path, lock.data, err);
		else
			buf_printf(err, "%s: %s", lock.data, strerror(errno));
		buf_free(&lock);
		return status;
	}
	buf_free(&lock);
	catch_signals();
	remove_stale_temps(tf);
	return EXIT_OK;
}

/* The current output file, or NULL when there is none (or it is odd). */
char *
textfile_previous(const struct textfile *tf)
{
	return textfile_read_beside(tf, tf->base);
}

/*
 * The text (at most 16 MiB) of a regular file NAME beside the output,
 * never through a link, or NULL.
 */
char *
textfile_read_beside(const struct textfile *tf, const char *name)
{
	struct buf	 text = { 0 };
	struct stat	 st;
	char		 chunk[8192];
	ssize_t		 n;
	int		 fd;

	fd = openat(tf->dir_fd, name, O_RDONLY | O_NONBLOCK | O_NOFOLLOW |
	    O_NOCTTY | O_CLOEXEC);
	if (fd == -1)
		return NULL;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return NULL;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) > 0 && text.len < (16u << 20))
		buf_append(&text, chunk, (size_t)n);
	close(fd);
	if (n != 0) {
		buf_free(&text);
		return NULL;
	}
	return buf_steal(&text);
}

static int
write_all(int fd, const char *p, size_t len)
{
	ssize_t	 n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * mkostemp() in the directory's descriptor: NAME's XXXXXX made random,
 * the file created exclusively, never through a link.
 */
static int
create_at(int dir_fd, char *name)
{
	static const char alnum[] =
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	unsigned char	 r[sizeof(TEMP_SUFFIX) - 1];
	char		*x = name + strlen(name) - sizeof(r);
	size_t		 i;
	int		 fd, tries;

	for (tries = 0; tries < 100; tries++) {
		if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
			return -1;
		for (i = 0; i < sizeof(r); i++)
			x[i] = alnum[r[i] % (sizeof(alnum) - 1)];
		fd = openat(dir_fd, name, O_RDWR | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0600);
		if (fd != -1 || errno != EEXIST)
			return fd;
	}
	errno = EEXIST;
	return -1;
}

static int
create_temp(struct textfile *tf, struct buf *err)
{
	sigset_t	 all, old;
	int		 fd, n;

	n = snprintf(pending_temp, sizeof(pending_temp), ".%s.%s", tf->base,
	    TEMP_SUFFIX);
	if (n < 0 || (size_t)n >= sizeof(pending_temp)) {
		buf_printf(err, "%s: name too long", tf->path);
		return -1;
	}
	/* No signal between the file's creation and the handler knowing. */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	pending_dir = tf->dir_fd;
	fd = create_at(tf->dir_fd, pending_temp);
	if (fd != -1)
		pending_armed = 1;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (fd == -1 && errno == EACCES)
		not_writable(err, tf->dir);
	else if (fd == -1)
		buf_printf(err, "%s: cannot create a temp file: %s", tf->dir,
		    strerror(errno));
	return fd;
}

/*
 * Writes the whole text to a temp file beside the target and renames it
 * over the target.  Returns 0, or -1 with the target untouched and the temp
 * file gone (unless only the final directory fsync failed).
 */
int
textfile_replace(struct textfile *tf, const char *text, size_t len,
    mode_t mode, struct buf *err)
{
	const char	*step;
	int		 fd;

	if ((fd = create_temp(tf, err)) == -1)
		return -1;
	step = "fchmod";
	if (fchmod(fd, mode) == -1)
		goto fail;
	step = "write";
	if (write_all(fd, text, len) == -1)
		goto fail;
	step = "fsync";
	if (fsync(fd) == -1)
		goto fail;
	step = "close";
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	step = "rename";
	if (renameat(tf->dir_fd, pending_temp, tf->dir_fd, tf->base) == -1)
		goto fail;
	pending_armed = 0;
	if (fsync(tf->dir_fd) == -1) {
		buf_printf(err, "%s: written, but fsync of %s failed: %s",
		    tf->path, tf->dir, strerror(errno));
		return -1;
	}
	return 0;
fail:
	buf_printf(err, "%s: %s: %s", tf->path, step, strerror(errno));
	if (fd != -1)
		close(fd);
	unlinkat(tf->dir_fd, pending_temp, 0);
	pending_armed = 0;
	return -1;
}

void
textfile_close(struct textfile *tf)
{
	if (tf->lock_fd != -1)
		close(tf->lock_fd);
	if (tf->dir_fd != -1)
		close(tf->dir_fd);
	free(tf->path);
	free(tf->dir);
	free(tf->base);
	memset(tf, 0, sizeof(*tf));
	tf->lock_fd = tf->dir_fd = -1;
}

/*
 * --check: proves the real run could write, by creating a temp file beside
 * the output with the output's mode and removing it.  Writes nothing else:
 * a lock file this run created is removed too, while still held.
 */
int
textfile_probe(struct textfile *tf, mode_t mode, struct buf *err)
{
	int	 fd, rc = 0;

	if ((fd = create_temp(tf, err)) == -1)
		return -1;
	if (fchmod(fd, mode) == -1) {
		buf_printf(err, "%s: fchmod: %s", tf->path, strerror(errno));
		rc = -1;
	}
	close(fd);
	unlinkat(tf->dir_fd, pending_temp, 0);
	pending_armed = 0;
	if (tf->lock_made) {
		char	 lock[NAME_MAX + 1];

		if (snprintf(lock, sizeof(lock), ".%s.lock", tf->base) <
		    (int)sizeof(lock))
			(void)unlinkat(tf->dir_fd, lock, 0);
	}
	return rc;
}

/*
 * The names of the other *.prom files of the output's directory,
 * NULL-terminated.
 */
char **
textfile_others(const struct textfile *tf)
{
	DIR		*d;
	struct dirent	*de;
	char		**v = NULL;
	size_t		 n = 0, len;

	if ((d = open_listing(tf)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			len = strlen(de->d_name);
			if (len <= 5 || de->d_name[0] == '.' ||
			    strcmp(de->d_name + len - 5, ".prom") != 0 ||
			    strcmp(de->d_name, tf->base) == 0)
				continue;
			v = xreallocarray(v, n + 2, sizeof(*v));
			v[n++] = xstrdup(de->d_name);
		}
		closedir(d);
	}
	v = xreallocarray(v, n + 1, sizeof(*v));
	v[n] = NULL;
	return v;
}
