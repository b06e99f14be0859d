/*
 * input.h: opening a store and feeding its bytes to the parser.  Plain and
 * gzip-compressed stores are told apart by their content, not their name,
 * and decompressed as a stream.  Owns the guards that no parser option
 * covers: only regular files (or '-', standard input), a compressed store
 * that expands like a decompression bomb is refused, and a store that
 * changes while it is read is not trusted.
 */
#ifndef XML2PROM_INPUT_H
#define XML2PROM_INPUT_H

#include <stdint.h>
#include <sys/stat.h>
#include <zlib.h>

#include "bounds.h"
#include "buf.h"
#include "failure.h"

struct input {
	int		 fd;
	gzFile		 gz;
	struct stat	 st;		/* of the open file, before reading */
	uint64_t	 bytes_out;	/* bytes handed to the parser */
	struct buf	 error;		/* why reading stopped, if it did */
	enum failure	 failure;	/* its kind */
	int		(*guard)(void *);	/* -1: read no more */
	void		*guard_arg;
	int		(*interrupted)(void);	/* 1: a signal, read no more */
};

int	input_open(struct input *, const char *path);
int	input_read(void *input, char *, int);	/* libxml2's read callback */
int	input_check_unchanged(struct input *);
void	input_close(struct input *);

#endif
