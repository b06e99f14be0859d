/*
 * buf.h: growable byte buffers and the allocation wrappers every module
 * uses.  Running out of memory is not recoverable in a one-shot tool: the
 * wrappers print one line and exit with EXIT_OUTPUT (nothing is written,
 * the previous output file stays as it was).
 */
#ifndef XML2PROM_BUF_H
#define XML2PROM_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char	*data;	/* always NUL-terminated once anything was added */
	size_t	 len;
	size_t	 cap;
};

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);

void	 buf_reserve(struct buf *, size_t extra);
void	 buf_append(struct buf *, const void *, size_t);
void	 buf_puts(struct buf *, const char *);
void	 buf_putc(struct buf *, char);
void	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 buf_vprintf(struct buf *, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));
void	 buf_reset(struct buf *);
void	 buf_free(struct buf *);
char	*buf_steal(struct buf *);

#endif
