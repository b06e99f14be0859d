/*
 * expo.c: rendering the exposition text.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "expo.h"

enum family {
	TOTAL_ROWS,
	ROWS,
	READ_SUCCESS,
	READ_FAILURE,
	LAST_SUCCESS,
	FILE_SIZE,
	FILE_MODIFIED,
	READ_DURATION,
	NFAMILIES
};

/*
 * HELP texts never depend on the input: two files that give the same
 * family different HELP texts make node_exporter drop the family.
 */
static const struct {
	const char	*suffix;
	const char	*help;
} families[NFAMILIES] = {
	[TOTAL_ROWS] = { "total_rows", "Total rows in store" },
	[ROWS] = { "rows", "Rows in store by type" },
	[READ_SUCCESS] = { "read_success",
	    "1 if the store was read in full by the last run, 0 if not" },
	[READ_FAILURE] = { "read_failure",
	    "1 if the last run could not read the store, labelled with why: "
	    "missing, permission, io, parse, entity, limit or changed" },
	[LAST_SUCCESS] = { "last_success_timestamp_seconds",
	    "Unix time of the last run that read the store in full" },
	[FILE_SIZE] = { "file_size_bytes", "Size of the store file in bytes" },
	[FILE_MODIFIED] = { "file_modified_timestamp_seconds",
	    "Unix time the store file was last modified" },
	[READ_DURATION] = { "read_duration_seconds",
	    "Seconds the last run took to read the store" },
};

void
expo_escape_label_value(struct buf *out, const char *s, size_t len)
{
	const char	*end = s + len, *run = s;

	for (; s < end; s++) {
		if (*s != '\\' && *s != '"' && *s != '\n')
			continue;
		buf_append(out, run, (size_t)(s - run));
		buf_puts(out, *s == '\\' ? "\\\\" : *s == '"' ? "\\\"" : "\\n");
		run = s + 1;
	}
	buf_append(out, run, (size_t)(end - run));
}

static void
escape_help(struct buf *out, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			buf_puts(out, "\\\\");
		else if (*s == '\n')
			buf_puts(out, "\\n");
		else
			buf_putc(out, *s);
	}
}

/* Seconds as an integer when whole, else with no trailing zeros. */
void
expo_format_seconds(struct buf *out, struct timespec t)
{
	char	 frac[16];
	size_t	 n;

	/* Before 1970, tv_sec rounds down: -1.5 s is { -2, 500000000 }. */
	if (t.tv_sec < 0 && t.tv_nsec > 0) {
		buf_putc(out, '-');
		t.tv_sec = -(t.tv_sec + 1);
		t.tv_nsec = 1000000000L - t.tv_nsec;
	}
	buf_printf(out, "%lld", (long long)t.tv_sec);
	if (t.tv_nsec == 0)
		return;
	n = (size_t)snprintf(frac, sizeof(frac), "%09ld", t.tv_nsec);
	while (n > 0 && frac[n - 1] == '0')
		n--;
	buf_putc(out, '.');
	buf_append(out, frac, n);
}

static int
in_list(const char *const *list, size_t n, const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strlen(list[i]) == len && memcmp(list[i], s, len) == 0)
			return 1;
	return 0;
}

int
expo_type_reported(const struct expo_params *ep, const char *type, size_t len)
{
	if (in_list(ep->exclude, ep->nexclude, type, len))
		return 0;
	return ep->ninclude == 0 || in_list(ep->include, ep->ninclude, type, len);
}

/* path, then the family's own label (type or reason) if any, then -l's. */
static void
series_labels(struct buf *out, const struct expo_params *ep, const char *path,
    const char *name, const char *value, size_t len)
{
	size_t	 i;

	buf_puts(out, "{path=\"");
	expo_escape_label_value(out, path, strlen(path));
	if (name != NULL) {
		buf_printf(out, "\",%s=\"", name);
		expo_escape_label_value(out, value, len);
	}
	for (i = 0; i < ep->nlabels; i++) {
		buf_printf(out, "\",%s=\"", ep->labels[i].name);
		expo_escape_label_value(out, ep->labels[i].value,
		    strlen(ep->labels[i].value));
	}
	buf_puts(out, "\"}");
}

static void
sample(struct buf *out, const struct expo_params *ep, enum family f,
    const char *path, const char *type, size_t type_len)
{
	buf_printf(out, "%s_%s", ep->prefix, families[f].suffix);
	series_labels(out, ep, path, type != NULL ? "type" : NULL, type,
	    type_len);
	buf_putc(out, ' ');
}

static int
compare_strings(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* store_rows for one file: the reported types, listed ones even at 0. */
static void
render_rows(struct buf *out, const struct expo_params *ep,
    const struct expo_file *f)
{
	const struct tally_entry **sorted, **e;
	const char	**wanted;
	size_t		 i;

	if (ep->ninclude == 0) {
		sorted = tally_sorted(&f->result->tally);
		for (e = sorted; *e != NULL; e++) {
			if (!expo_type_reported(ep, (*e)->type, (*e)->len))
				continue;
			sample(out, ep, ROWS, f->path, (*e)->type, (*e)->len);
			buf_printf(out, "%" PRIu64 "\n", (*e)->rows);
		}
		free(sorted);
		return;
	}
	wanted = xcalloc(ep->ninclude, sizeof(*wanted));
	memcpy(wanted, ep->include, ep->ninclude * sizeof(*wanted));
	qsort(wanted, ep->ninclude, sizeof(*wanted), compare_strings);
	for (i = 0; i < ep->ninclude; i++) {
		if (i > 0 && strcmp(wanted[i], wanted[i - 1]) == 0)
			continue;
		if (!expo_type_reported(ep, wanted[i], strlen(wanted[i])))
			continue;
		sample(out, ep, ROWS, f->path, wanted[i], strlen(wanted[i]));
		buf_printf(out, "%" PRIu64 "\n",
		    tally_rows(&f->result->tally, wanted[i]));
	}
	free(wanted);
}

/* Returns 0 when the family has no sample for this file. */
static int
render_value(struct buf *out, const struct expo_params *ep, enum family fam,
    const struct expo_file *f)
{
	const struct scan_result *r = f->result;

	switch (fam) {
	case TOTAL_ROWS:
		if (!r->ok)
			return 0;
		sample(out, ep, fam, f->path, NULL, 0);
		buf_printf(out, "%" PRIu64, r->tally.total_rows);
		break;
	case ROWS:
		if (!r->ok)
			return 0;
		render_rows(out, ep, f);
		return 1;
	case READ_SUCCESS:
		sample(out, ep, fam, f->path, NULL, 0);
		buf_putc(out, r->ok ? '1' : '0');
		break;
	case READ_FAILURE:
		if (r->ok)
			return 0;
		buf_printf(out, "%s_%s", ep->prefix, families[fam].suffix);
		series_labels(out, ep, f->path, "reason",
		    failure_name(r->failure), strlen(failure_name(r->failure)));
		buf_puts(out, " 1");
		break;
	case LAST_SUCCESS:
		if (!r->ok && f->carried_success == NULL)
			return 0;
		sample(out, ep, fam, f->path, NULL, 0);
		if (r->ok)
			expo_format_seconds(out, r->finished);
		else
			buf_puts(out, f->carried_success);
		break;
	case FILE_SIZE:
		if (!r->have_stat)
			return 0;
		sample(out, ep, fam, f->path, NULL, 0);
		buf_printf(out, "%" PRIu64, r->size);
		break;
	case FILE_MODIFIED:
		if (!r->have_stat)
			return 0;
		sample(out, ep, fam, f->path, NULL, 0);
		expo_format_seconds(out, r->mtime);
		break;
	case READ_DURATION:
		sample(out, ep, fam, f->path, NULL, 0);
		expo_format_seconds(out, r->duration);
		break;
	default:
		return 0;
	}
	buf_putc(out, '\n');
	return 1;
}

static int
compare_files(const void *a, const void *b)
{
	return strcmp(((const struct expo_file *)a)->path,
	    ((const struct expo_file *)b)->path);
}

/* Sorts `files` by path, then writes every family that has samples. */
void
expo_render(struct buf *out, const struct expo_params *ep,
    struct expo_file *files, size_t nfiles)
{
	struct buf	 body = { 0 };
	size_t		 i;
	int		 fam;

	qsort(files, nfiles, sizeof(*files), compare_files);
	for (fam = 0; fam < NFAMILIES; fam++) {
		buf_reset(&body);
		for (i = 0; i < nfiles; i++)
			render_value(&body, ep, (enum family)fam, &files[i]);
		if (body.len == 0)
			continue;
		buf_printf(out, "# HELP %s_%s ", ep->prefix,
		    families[fam].suffix);
		escape_help(out, families[fam].help);
		buf_printf(out, "\n# TYPE %s_%s gauge\n", ep->prefix,
		    families[fam].suffix);
		buf_append(out, body.data, body.len);
	}
	buf_free(&body);
}

static int
is_plain_number(const char *s, size_t len)
{
	size_t	 i, dots = 0;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] == '.')
			dots++;
		else if (s[i] < '0' || s[i] > '9')
			return 0;
	}
	return dots <= 1 && s[0] != '.' && s[len - 1] != '.';
}

/*
 * The value of this file's last-success series in a previous output, so
 * that a failed read does not erase when the store was last read.  Only a
 * series with exactly the same labels counts.
 */
char *
expo_previous_success(const struct expo_params *ep, const char *path,
    const char *previous)
{
	struct buf	 key = { 0 };
	const char	*line, *value, *eol;
	char		*found = NULL;

	buf_printf(&key, "%s_%s", ep->prefix, families[LAST_SUCCESS].suffix);
	series_labels(&key, ep, path, NULL, NULL, 0);
	buf_putc(&key, ' ');
	for (line = previous; line != NULL && *line != '\0';
	    line = eol[0] != '\0' ? eol + 1 : eol) {
		eol = line + strcspn(line, "\n");
		if ((size_t)(eol - line) <= key.len ||
		    memcmp(line, key.data, key.len) != 0)
			continue;
		value = line + key.len;
		if (is_plain_number(value, (size_t)(eol - value)))
			found = xstrndup(value, (size_t)(eol - value));
		break;
	}
	buf_free(&key);
	return found;
}
