/*
 * resident.c: the resident loop (see resident.h).  Its clock is
 * CLOCK_MONOTONIC, so that a wall clock set back or forward neither skips
 * runs nor runs them in a burst.  Signals are blocked and read from a
 * signalfd, so that they arrive between runs, never inside one; a read
 * under way polls for SIGTERM and SIGINT (see interrupted()).
 */
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fnmatch.h>

#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include "buf.h"
#include "exitcodes.h"
#include "httpserve.h"
#include "resident.h"
#include "run.h"
#include "storelist.h"

/* What a change to a store's directory looks like. */
#define WATCH_EVENTS	(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | \
			 IN_CREATE | IN_DELETE | IN_ATTRIB)
/* The directory itself moved or removed: its watch no longer is the path's. */
#define SELF_EVENTS	(IN_MOVE_SELF | IN_DELETE_SELF)

/*
 * Where a store argument is watched: its directory's watch, and which
 * names there are its: a path's name, a glob's last component (matched
 * by fnmatch, as glob(3) would), or for a directory any name not starting
 * with '.' (storelist.h).
 */
struct watched {
	int		 wd;		/* -1: not watched */
	char		*dir;
	const char	*name;		/* NULL: the directory's every store */
	int		 glob;		/* name is a pattern */
};

struct resident {
	struct config		*c;
	int			 argc;
	char			**argv;
	sigset_t		 signals;
	int			 sig_fd;
	int			 ino_fd;	/* -1: no --watch */
	struct watched		*stores;	/* one per FILE */
	int			 fallback_said;
	struct run_memory	 mem;
	long long		 next_run;	/* ms, CLOCK_MONOTONIC */
	long long		 change_due;	/* 0: no change seen */
	long long		 change_limit;
	long long		 last_change;	/* when a store last changed */
	int			 storm;		/* change runs since quiet */
	long long		 gap;		/* back-off: ms from a run to
						   the next change's */
	long long		 last_run;	/* when the last run ended */
	long long		 settle_due;	/* 0: no store held back */
	long long		 events_rest;	/* inotify read again from */
	int			 stop;
	struct exporter		*web;		/* NULL: no HTTP */
};

static long long
now_ms(void)
{
	struct timespec	 t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/*
 * A read under way gives up on SIGTERM or SIGINT, so that xml2prom ends
 * within a second even in a read of a large store.  Asked every 16 of
 * libxml2's reads (of 4 KiB or so each): one system call per 64 KiB.
 */
static int
interrupted(void)
{
	static unsigned		 calls;
	static int		 seen;
	sigset_t		 pending;

	if (seen || calls++ % 16 != 0)
		return seen;
	if (sigpending(&pending) == 0 && (sigismember(&pending, SIGTERM) ||
	    sigismember(&pending, SIGINT)))
		seen = 1;
	return seen;
}

/* File systems where inotify sees this host's changes only. */
static const char *
remote_fs_name(long type)
{
	switch (type) {
	case 0x6969: return "nfs";
	case 0x517b: return "smb";
	case (long)0xff534d42: return "cifs";
	case (long)0xfe534d42: return "smb2";
	case 0x65735546: return "fuse";
	case 0x01021997: return "9p";
	case 0x00c36400: return "ceph";
	case 0x5346414f: return "afs";
	default: return NULL;
	}
}

static void
say_fallback(struct resident *r, const char *dir, const char *why)
{
	if (r->c->verbose && !r->fallback_said)
		fprintf(stderr, "xml2prom: --watch: %s: %s: a change is seen "
		    "at the next period (--every %lums) only\n", dir, why,
		    r->c->every_ms);
	r->fallback_said = 1;
}

static int
wd_in_use(const struct resident *r, int wd)
{
	size_t	 i;

	for (i = 0; i < r->c->nfiles; i++)
		if (r->stores[i].wd == wd)
			return 1;
	return 0;
}

/*
 * Store i's directory is now watched as WD (-1: not watched).  A watch
 * it had on another directory (the path's old one, moved away) is
 * removed once no store's directory is that one: watches are a limited
 * resource of the user, shared by all its processes.
 */
static void
set_watch(struct resident *r, size_t i, int wd)
{
	int	 old = r->stores[i].wd;

	r->stores[i].wd = wd;
	if (old != -1 && old != wd && !wd_in_use(r, old))
		(void)inotify_rm_watch(r->ino_fd, old);
}

/*
 * Where store argument ARG is watched: the directory of a path or of a
 * glob's last component, or a directory itself.  A glob whose directories
 * hold a metacharacter too has none (NULL): a new directory is seen at
 * the next period.
 */
static char *
place_store(const char *arg, struct watched *w)
{
	const char	*slash = strrchr(arg, '/');
	struct stat	 st;
	char		*dir;

	w->glob = storelist_is_glob(arg);
	w->name = slash == NULL ? arg : slash + 1;
	if (!w->glob && stat(arg, &st) == 0 && S_ISDIR(st.st_mode)) {
		w->name = NULL;
		return xstrdup(arg);
	}
	dir = slash == NULL ? xstrdup(".") : slash == arg ? xstrdup("/") :
	    xstrndup(arg, (size_t)(slash - arg));
	if (w->glob && storelist_is_glob(dir)) {
		free(dir);
		return NULL;
	}
	return dir;
}

/* Store i's place again: a path may have become a directory, or not. */
static int
replace_store(struct resident *r, size_t i)
{
	struct watched	*w = &r->stores[i];
	char		*dir = place_store(r->c->files[i], w);

	if (dir == NULL) {
		say_fallback(r, r->c->files[i], "a glob of directories");
		set_watch(r, i, -1);
		free(w->dir);
		w->dir = NULL;
		return -1;
	}
	free(w->dir);
	w->dir = dir;
	return 0;
}

/*
 * (Re)adds the watch of each store's directory: one that was moved,
 * removed and made again, or one that could not be watched last time.
 * Adding a watch that exists is cheap and returns it.
 */
static void
watch_stores(struct resident *r)
{
	struct watched	*w;
	struct statfs	 fs;
	const char	*remote;
	size_t		 i;
	int		 wd;

	for (i = 0; r->ino_fd != -1 && i < r->c->nfiles; i++) {
		w = &r->stores[i];
		if (replace_store(r, i) == -1)
			continue;
		if (statfs(w->dir, &fs) == 0 &&
		    (remote = remote_fs_name((long)fs.f_type)) != NULL) {
			say_fallback(r, w->dir, remote);
			set_watch(r, i, -1);
			continue;
		}
		wd = inotify_add_watch(r->ino_fd, w->dir, WATCH_EVENTS |
		    SELF_EVENTS | IN_ONLYDIR);
		if (wd == -1)
			say_fallback(r, w->dir, strerror(errno));
		set_watch(r, i, wd);
	}
}

/*
 * The watched directory WD was moved or removed: its watch is dropped
 * (the kernel drops it on removal, IN_IGNORED), and the stores' paths
 * are watched again at the next run, which the change brings.  Returns 1
 * when WD was a store's.
 */
static int
lose_watch(struct resident *r, int wd, int dropped)
{
	size_t	 i;
	int	 found = 0;

	for (i = 0; i < r->c->nfiles; i++)
		if (r->stores[i].wd == wd) {
			r->stores[i].wd = -1;
			found = 1;
		}
	if (found && !dropped)
		(void)inotify_rm_watch(r->ino_fd, wd);
	return found;
}

static void
forget_stores(struct resident *r)
{
	size_t	 i;

	for (i = 0; r->stores != NULL && i < r->c->nfiles; i++)
		free(r->stores[i].dir);
	free(r->stores);
	r->stores = NULL;
}

static void
name_stores(struct resident *r)
{
	size_t	 i;

	r->stores = xcalloc(r->c->nfiles, sizeof(*r->stores));
	for (i = 0; i < r->c->nfiles; i++)
		r->stores[i].wd = -1;
	r->fallback_said = 0;
}

/* Is NAME, of store i's directory, one of its stores? */
static int
names_a_store(const struct watched *w, const char *name)
{
	if (w->name == NULL)
		return name[0] != '.';
	if (w->glob)
		return fnmatch(w->name, name, FNM_PERIOD) == 0;
	return strcmp(name, w->name) == 0;
}

/* Is this event about one of the stores? */
static int
about_a_store(const struct resident *r, const struct inotify_event *ev)
{
	size_t	 i;

	if (ev->mask & IN_Q_OVERFLOW)
		return 1;	/* events lost */
	for (i = 0; i < r->c->nfiles; i++)
		if (r->stores[i].wd == ev->wd && ev->len > 0 &&
		    names_a_store(&r->stores[i], ev->name))
			return 1;
	return 0;
}

/* The longest back-off: the period, and a minute at most (cron's). */
static long long
gap_limit(const struct resident *r)
{
	long long	 every = (long long)r->c->every_ms;

	return every < RESIDENT_BACKOFF_MAX_MS ? every :
	    RESIDENT_BACKOFF_MAX_MS;
}

/*
 * A change: run once quiet for a moment, and within a second at most;
 * but no sooner than the back-off gap after the last run.  A store quiet
 * for the longest gap is acted on at once again.
 */
static void
note_change(struct resident *r)
{
	long long	 now = now_ms();

	if (now - r->last_change >= gap_limit(r)) {
		r->storm = 0;
		r->gap = 0;
	}
	r->last_change = now;
	if (r->change_due == 0)
		r->change_limit = now + RESIDENT_CHANGE_MS;
	r->change_due = now + RESIDENT_QUIET_MS;
	if (r->change_due > r->change_limit)
		r->change_due = r->change_limit;
	if (r->change_due < r->last_run + r->gap)
		r->change_due = r->last_run + r->gap;
}

/*
 * A run a change brought: from the RESIDENT_BACKOFF_AFTER'th in a row on,
 * the next one waits twice as long as the last.
 */
static void
back_off(struct resident *r)
{
	if (++r->storm < RESIDENT_BACKOFF_AFTER)
		return;
	r->gap = r->gap == 0 ? RESIDENT_BACKOFF_FIRST_MS : r->gap * 2;
	if (r->gap > gap_limit(r))
		r->gap = gap_limit(r);
}

static void
read_changes(struct resident *r)
{
	char				 events[16384]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event	*ev;
	ssize_t				 n;
	char				*p;

	while ((n = read(r->ino_fd, events, sizeof(events))) > 0)
		for (p = events; p < events + n; p += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)(void *)p;
			if (ev->mask & (SELF_EVENTS | IN_IGNORED)) {
				if (lose_watch(r, ev->wd, ev->mask & IN_IGNORED))
					note_change(r);
			} else if (about_a_store(r, ev))
				note_change(r);
		}
	/*
	 * Events of other files of the directory come in storms too: read
	 * at most every RESIDENT_EVENTS_MS, so that a storm wakes us ten
	 * times a second (the kernel queues and merges them meanwhile).
	 */
	r->events_rest = now_ms() + RESIDENT_EVENTS_MS;
}

static void
start_watching(struct resident *r)
{
	r->ino_fd = -1;
	if (!r->c->watch)
		return;
	r->ino_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (r->ino_fd == -1)
		say_fallback(r, "inotify", strerror(errno));
}

/* SIGHUP: the options again; bad ones keep the running configuration. */
static void
reread(struct resident *r)
{
	struct config		*fresh = xcalloc(1, sizeof(*fresh));

	enum options_result	 parsed;

	parsed = options_parse(fresh, r->argc, r->argv, stderr);
	if (parsed != OPTIONS_RUN || (fresh->every_ms == 0 &&
	    !CONFIG_SERVES(fresh)) || CONFIG_SERVES(fresh) != (r->web != NULL)) {
		if (parsed == OPTIONS_RUN)
			fprintf(stderr, "xml2prom: neither --every nor --watch "
			    "is given now, or --web.* came or went\n");
		fprintf(stderr, "xml2prom: SIGHUP: the options above are "
		    "not taken; still running with the previous ones\n");
		config_free(fresh);
		free(fresh);
		return;
	}
	/* The exporter's reads, freed before the options they were made by. */
	if (r->web != NULL)	/* the sockets stay as they were */
		exporter_reconfigure(r->web, fresh);
	forget_stores(r);
	run_memory_forget(&r->mem);
	config_free(r->c);
	free(r->c);
	r->c = fresh;
	if (r->ino_fd != -1)
		close(r->ino_fd);
	start_watching(r);
	name_stores(r);
	if (r->c->verbose)
		fprintf(stderr, "xml2prom: SIGHUP: options reread\n");
	r->next_run = now_ms();		/* the new configuration, at once */
}

static void
take_signal(struct resident *r)
{
	struct signalfd_siginfo	 si;

	while (read(r->sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			reread(r);
		else
			r->stop = 1;
	}
}

/* Waits for the next run's time, a change or a signal. */
static void
wait_for_work(struct resident *r)
{
	struct pollfd	 fds[2 + EXPORTER_MAX_SOCKETS];
	long long	 due = r->next_run, wait, web_wait, now = now_ms();
	int		 resting = r->events_rest > now;
	size_t		 nfds = 2;
	int		 ready;

	if (r->change_due != 0 && r->change_due < due)
		due = r->change_due;
	if (r->settle_due != 0 && r->settle_due < due)
		due = r->settle_due;
	if (resting && r->events_rest < due)
		due = r->events_rest;
	/* Polled even when due: a signal is taken before the next run. */
	if ((wait = due - now) < 0)
		wait = 0;
	fds[0].fd = r->sig_fd;
	fds[0].events = POLLIN;
	/* -1 (no --watch, or resting from a storm): poll skips it. */
	fds[1].fd = resting ? -1 : r->ino_fd;
	fds[1].events = POLLIN;
	fds[1].revents = 0;
	if (r->web != NULL) {
		nfds += exporter_poll_fds(r->web, fds + 2, EXPORTER_MAX_SOCKETS);
		if ((web_wait = exporter_timeout_ms(r->web)) >= 0 &&
		    web_wait < wait)
			wait = web_wait;
	}
	ready = poll(fds, nfds, wait > INT_MAX ? INT_MAX : (int)wait);
	if (r->web != NULL)
		exporter_dispatch(r->web);
	if (ready <= 0)
		return;
	if (fds[0].revents & POLLIN)
		take_signal(r);
	if (r->ino_fd != -1 && (fds[1].revents & POLLIN))
		read_changes(r);
}

static int
due(long long when, long long now)
{
	return when != 0 && now >= when;
}

static void
run_when_due(struct resident *r)
{
	long long	 now = now_ms();
	int		 changed = due(r->change_due, now);

	if (r->c->output_path == NULL) {	/* the exporter alone */
		r->next_run = LLONG_MAX / 2;
		r->change_due = 0;
		r->settle_due = 0;
		return;
	}
	if (now < r->next_run && !changed && !due(r->settle_due, now))
		return;
	watch_stores(r);
	(void)run_once(r->c, &r->mem);	/* each run says what went wrong */
	/* What a large store's read took, back to the system till the next. */
	malloc_trim(0);
	if (changed)
		back_off(r);
	r->change_due = 0;
	r->last_run = now_ms();
	/* A store held back by --settle: read once it has settled. */
	r->settle_due = r->mem.settle_wait_ms > 0 ? r->last_run +
	    r->mem.settle_wait_ms + 1 : 0;
	/* On the period's beat; a run longer than the period skips beats. */
	if (now >= r->next_run)
		r->next_run += (long long)r->c->every_ms;
	now = now_ms();
	if (r->next_run <= now)
		r->next_run = now + (long long)r->c->every_ms;
}

static void
resident_end(struct resident *r)
{
	exporter_stop(r->web);
	run_memory_forget(&r->mem);
	forget_stores(r);
	if (r->ino_fd != -1)
		close(r->ino_fd);
	close(r->sig_fd);
	config_free(r->c);
	free(r->c);
}

int
resident_run(struct config *c, int argc, char **argv)
{
	struct resident	 r;
	int		 status;

	/*
	 * glibc raises its mmap threshold each time a large block is freed
	 * (up to 32 MiB), so that a row tree or buffer once mapped and
	 * returned is later taken from the heap, which grows a little over
	 * thousands of runs.  Fixed, large blocks are always mapped and
	 * returned whole: the size after 10 000 runs is that after 10.
	 */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	memset(&r, 0, sizeof(r));
	r.c = xcalloc(1, sizeof(*r.c));
	*r.c = *c;		/* ours now, freed as ours */
	memset(c, 0, sizeof(*c));
	r.argc = argc;
	r.argv = argv;
	sigemptyset(&r.signals);
	sigaddset(&r.signals, SIGTERM);
	sigaddset(&r.signals, SIGINT);
	sigaddset(&r.signals, SIGHUP);
	sigprocmask(SIG_BLOCK, &r.signals, NULL);
	if ((r.sig_fd = signalfd(-1, &r.signals, SFD_NONBLOCK |
	    SFD_CLOEXEC)) == -1) {
		fprintf(stderr, "xml2prom: signalfd: %s\n", strerror(errno));
		return EXIT_OUTPUT;
	}
	r.mem.interrupted = interrupted;
	start_watching(&r);
	name_stores(&r);
	r.next_run = now_ms();
	if (CONFIG_SERVES(r.c) &&
	    (r.web = exporter_start(r.c, interrupted, &status)) == NULL) {
		resident_end(&r);
		return status;
	}
	while (!r.stop) {
		run_when_due(&r);
		wait_for_work(&r);
	}
	resident_end(&r);
	return EXIT_OK;
}
