/*
 * exponames.h: every metric name a run may write, and who writes it (the
 * store's own families, each row set's and each of its value families'),
 * checked before any store is read so that no two families of the output
 * share a name.
 */
#ifndef XML2PROM_EXPONAMES_H
#define XML2PROM_EXPONAMES_H

#include "buf.h"
#include "expo.h"

/*
 * 0, or -1 with `err` naming the name and both of its writers (a set
 * 'read' with a family 'success' would write PREFIX_read_success).
 */
int	expo_check_names(const struct expo_params *, struct buf *err);

#endif
