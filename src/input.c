/*
 * input.c: reading a store, plain or gzip, as a stream.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "input.h"
#include "trust.h"

static enum failure
errno_failure(int e)
{
	return e == ENOENT || e == ENOTDIR ? FAILURE_MISSING :
	    e == EACCES || e == EPERM ? FAILURE_PERMISSION : FAILURE_IO;
}

/* The first reason to stop is the one told. */
static void
fail(struct input *in, enum failure f, const char *msg)
{
	if (in->error.len > 0)
		return;
	buf_puts(&in->error, msg);
	in->failure = f;
}

/* Why a store that is not a regular file is refused. */
static const char *
not_regular(mode_t mode)
{
	return S_ISCHR(mode) ? "a character device, not a regular file: "
	    "never opened" : S_ISBLK(mode) ? "a block device, not a regular "
	    "file: never opened" : "not a regular file";
}

/*
 * The store PATH, as an O_PATH descriptor, which opens nothing: a device
 * is never opened (opening /dev/watchdog arms it), a FIFO never waited
 * on.  Only a regular file the trust rules allow goes on.
 */
static int
open_path(struct input *in, const char *path)
{
	int	 pfd;

	if ((pfd = open(path, O_PATH | O_CLOEXEC)) == -1) {
		fail(in, errno_failure(errno), strerror(errno));
		return -1;
	}
	if (fstat(pfd, &in->st) == -1)
		fail(in, FAILURE_IO, strerror(errno));
	else if (S_ISDIR(in->st.st_mode))
		fail(in, FAILURE_IO, strerror(EISDIR));
	else if (!S_ISREG(in->st.st_mode))
		fail(in, FAILURE_IO, not_regular(in->st.st_mode));
	else if (trust_store(path, &in->st, &in->error) == -1)
		in->failure = FAILURE_PERMISSION;
	if (in->error.len > 0) {
		close(pfd);
		return -1;
	}
	return pfd;
}

/*
 * The file PFD holds, opened for reading: through /proc, the same inode
 * whatever PATH names now.  Without /proc, PATH again, and the same inode
 * is checked (a device put there in between is opened, but never read).
 */
static int
reopen(struct input *in, int pfd, const char *path)
{
	char		 proc[64];
	struct stat	 now;
	int		 fd;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pfd);
	fd = open(proc, O_RDONLY | O_NOCTTY | O_CLOEXEC);
	if (fd == -1 && errno == ENOENT)
		fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd == -1) {
		fail(in, errno_failure(errno), strerror(errno));
		return -1;
	}
	if (fstat(fd, &now) == -1 || now.st_dev != in->st.st_dev ||
	    now.st_ino != in->st.st_ino) {
		fail(in, FAILURE_CHANGED, "replaced while being opened: read "
		    "again next run");
		close(fd);
		return -1;
	}
	return fd;
}

static int
open_store(struct input *in, const char *path)
{
	int	 pfd, flags;

	if (strcmp(path, "-") == 0) {
		if ((in->fd = dup(STDIN_FILENO)) == -1) {
			fail(in, errno_failure(errno), strerror(errno));
			return -1;
		}
		if (fstat(in->fd, &in->st) == -1)
			fail(in, FAILURE_IO, strerror(errno));
		else if (S_ISDIR(in->st.st_mode))
			fail(in, FAILURE_IO, strerror(EISDIR));
		return in->error.len > 0 ? -1 : 0;
	}
	if ((pfd = open_path(in, path)) == -1)
		return -1;
	in->fd = reopen(in, pfd, path);
	close(pfd);
	if (in->fd == -1)
		return -1;
	/* Opened without /proc: O_NONBLOCK, cleared for the reads. */
	if ((flags = fcntl(in->fd, F_GETFL)) == -1 ||
	    fcntl(in->fd, F_SETFL, flags & ~O_NONBLOCK) == -1) {
		fail(in, FAILURE_IO, strerror(errno));
		return -1;
	}
	return 0;
}

int
input_open(struct input *in, const char *path)
{
	memset(in, 0, sizeof(*in));
	in->fd = -1;
	if (open_store(in, path) == -1)
		goto fail;
	/* zlib reads a file that is not gzip as it is ("transparent"). */
	if ((in->gz = gzdopen(in->fd, "rb")) == NULL) {
		fail(in, FAILURE_IO, "cannot set up decompression");
		goto fail;
	}
	/* From here gzclose() closes in->fd. */
	gzbuffer(in->gz, 128 * 1024);
	return 0;
fail:
	if (in->fd != -1)
		close(in->fd);
	in->fd = -1;
	return -1;
}

static int
looks_like_bomb(struct input *in)
{
	z_off_t	 consumed;

	if (in->bytes_out <= INPUT_EXPANSION_GRACE || gzdirect(in->gz))
		return 0;
	consumed = gzoffset(in->gz);
	if (consumed <= 0)
		consumed = 1;
	return in->bytes_out / (uint64_t)consumed > INPUT_MAX_EXPANSION;
}

/*
 * zlib's message, without the name it gives the stream ("<fd:3>: "): the
 * caller names the store.
 */
static void
gz_failure(struct input *in, int zerr, const char *msg)
{
	const char	*colon;

	if (zerr == Z_ERRNO) {
		fail(in, errno_failure(errno), strerror(errno));
		return;
	}
	if (msg != NULL && strncmp(msg, "<fd:", 4) == 0 &&
	    (colon = strstr(msg, ": ")) != NULL)
		msg = colon + 2;
	in->failure = FAILURE_IO;
	buf_printf(&in->error, "gzip: %s",
	    msg != NULL && *msg != '\0' ? msg : "corrupt data");
}

int
input_read(void *arg, char *dst, int len)
{
	struct input	*in = arg;
	const char	*msg;
	int		 n, zerr;

	if (in->error.len > 0)
		return -1;
	/* The only moment a start tag being parsed can be stopped. */
	if (in->guard != NULL && in->guard(in->guard_arg) == -1)
		return -1;
	if (in->interrupted != NULL && in->interrupted()) {
		fail(in, FAILURE_IO, "interrupted by a signal");
		return -1;
	}
	n = gzread(in->gz, dst, (unsigned)len);
	/*
	 * A stream cut short ends like a whole one, with 0 bytes: only
	 * gzerror() tells it ended before its trailer ("unexpected end of
	 * file"), and its counts would be partial.
	 */
	if (n <= 0) {
		msg = gzerror(in->gz, &zerr);
		if (n < 0 || zerr != Z_OK) {
			gz_failure(in, zerr, msg);
			return -1;
		}
	}
	in->bytes_out += (uint64_t)n;
	if (looks_like_bomb(in)) {
		in->failure = FAILURE_LIMIT;
		buf_printf(&in->error, "compressed data expands more than %d "
		    "times: refused as a decompression bomb",
		    INPUT_MAX_EXPANSION);
		return -1;
	}
	return n;
}

/*
 * A store rewritten in place while we read it gives counts from neither
 * version.  (One replaced by rename() is fine: we hold the old inode.)
 */
int
input_check_unchanged(struct input *in)
{
	struct stat	 now;

	if (!S_ISREG(in->st.st_mode))
		return 0;
	if (fstat(in->fd, &now) == -1) {
		fail(in, FAILURE_IO, strerror(errno));
		return -1;
	}
	if (now.st_size != in->st.st_size ||
	    now.st_mtim.tv_sec != in->st.st_mtim.tv_sec ||
	    now.st_mtim.tv_nsec != in->st.st_mtim.tv_nsec) {
		/* Said first: whatever the parser made of it follows from it. */
		buf_reset(&in->error);
		buf_printf(&in->error, "changed while being read (%lld bytes "
		    "when opened, %lld now): read again next run",
		    (long long)in->st.st_size, (long long)now.st_size);
		in->failure = FAILURE_CHANGED;
		return -1;
	}
	return 0;
}

void
input_close(struct input *in)
{
	if (in->gz != NULL)
		gzclose(in->gz);
	else if (in->fd != -1)
		close(in->fd);
	in->gz = NULL;
	in->fd = -1;
	buf_free(&in->error);
}
