/*
 * reuse.c: whether a run reads a store or takes its last read (see
 * reuse.h).  A kept read is found by the file's path, taken while stat()
 * shows the store unchanged and --reread-after has not passed; a store
 * modified within --settle is not read yet.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "reuse.h"

static int
same_time(struct timespec a, struct timespec b)
{
	return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

static int
before(struct timespec a, struct timespec b)
{
	return a.tv_sec < b.tv_sec || (a.tv_sec == b.tv_sec &&
	    a.tv_nsec < b.tv_nsec);
}

/* A - B in milliseconds. */
static long long
ms_between(struct timespec a, struct timespec b)
{
	return (long long)(a.tv_sec - b.tv_sec) * 1000 +
	    (a.tv_nsec - b.tv_nsec) / 1000000;
}

/*
 * Was the kept read made less than --reread-after ago?  On the wall
 * clock, as the read's own time: a clock set back reads again.
 */
static int
read_lately(const struct config *c, const struct store_id *id)
{
	struct timespec	 now;
	long long	 age;

	clock_gettime(CLOCK_REALTIME, &now);
	age = ms_between(now, id->opened);
	return age >= 0 && (unsigned long long)age < c->reread_after_ms;
}

/*
 * May a resident run write the kept read of PATH again instead of reading
 * it (see run.h)?  Anything but a plain yes reads it again.
 */
static int
still_current(const struct config *c, const char *path,
    const struct scan_result *kept)
{
	const struct store_id	*id = &kept->id;
	struct timespec		 settled = id->opened;
	struct stat		 st;

	settled.tv_sec -= RUN_SETTLED_SECONDS;

	return kept->ok && id->known && strcmp(path, "-") != 0 &&
	    read_lately(c, id) &&
	    stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_dev == id->dev && st.st_ino == id->ino &&
	    st.st_size == id->size && same_time(st.st_mtim, id->mtime) &&
	    same_time(st.st_ctim, id->ctime) &&
	    before(id->mtime, settled) && before(id->ctime, settled);
}

/*
 * --settle: how long until PATH was last modified --settle ago; 0 when it
 * was (or stat cannot tell: the read says why).  A time in the future is
 * settled, so that a skewed clock never holds a store back for good.
 */
static long long
unsettled_for(const struct config *c, const char *path)
{
	struct stat	 st;
	struct timespec	 now;
	long long	 age;

	if (c->settle_ms == 0 || c->check || c->dump ||
	    strcmp(path, "-") == 0 || stat(path, &st) != 0 ||
	    !S_ISREG(st.st_mode))
		return 0;
	clock_gettime(CLOCK_REALTIME, &now);
	age = ms_between(now, st.st_mtim);
	if (age < 0 || (unsigned long long)age >= c->settle_ms)
		return 0;
	return (long long)c->settle_ms - age;
}

/* Has a resident run read this store before (whole or not)? */
static int
was_read(const struct scan_result *kept)
{
	return kept->ok || kept->error != NULL;
}

/*
 * A store modified within --settle is not read yet: a resident run takes
 * its last read KEPT (its times unchanged: last_success says when it was
 * true); with none, the run writes nothing (returns 1).
 */
static int
defer_store(const struct config *c, const char *path, long long wait,
    struct scan_result *r, struct run_memory *mem, struct scan_result *kept)
{
	if (mem != NULL && (mem->settle_wait_ms == 0 ||
	    wait < mem->settle_wait_ms))
		mem->settle_wait_ms = wait;
	if (c->verbose)
		fprintf(stderr, "xml2prom: %s: modified %lld ms ago, within "
		    "--settle %lums: not read yet%s\n", path,
		    (long long)c->settle_ms - wait, c->settle_ms,
		    kept != NULL && was_read(kept) ?
		    ", its last read's counts kept" : "");
	if (kept == NULL || !was_read(kept))
		return 1;
	*r = *kept;
	memset(kept, 0, sizeof(*kept));
	return 0;
}

/* The last run's read of PATH, or NULL (a file new to this run). */
static struct scan_result *
kept_read(struct run_memory *mem, const char *path)
{
	const struct store_file	*f;

	if (mem == NULL || mem->kept == NULL ||
	    (f = storelist_find(&mem->files, path)) == NULL)
		return NULL;
	return &mem->kept[f - mem->files.files];
}

/*
 * Reads PATH into r, or takes its kept read when still current.
 * Returns 1 when it is neither read nor kept (--settle).
 */
int
reuse_read_store(const struct config *c, const char *path,
    const struct scan_params *p, struct scan_result *r,
    struct run_memory *mem)
{
	struct scan_result	*kept = kept_read(mem, path);
	long long		 wait;

	if ((wait = unsettled_for(c, path)) > 0)
		return defer_store(c, path, wait, r, mem, kept);
	if (kept != NULL && still_current(c, path, kept)) {
		*r = *kept;
		memset(kept, 0, sizeof(*kept));
		clock_gettime(CLOCK_REALTIME, &r->finished);
		if (c->verbose)
			fprintf(stderr, "xml2prom: %s: unchanged since its last "
			    "read (same inode, size and times): not read "
			    "again\n", path);
		return 0;
	}
	/* Freed first, so that every read starts from the same heap. */
	if (kept != NULL)
		scan_result_free(kept);
	scan_file(path, p, r);
	return 0;
}
