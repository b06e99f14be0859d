/*
 * names.c: name and value checks for the exposition format and --rows.
 */
#include <string.h>

#include "names.h"

static int
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

int
names_is_metric(const char *s)
{
	if (!is_alpha(*s) && *s != '_' && *s != ':')
		return 0;
	for (s++; *s != '\0'; s++)
		if (!is_alpha(*s) && !is_digit(*s) && *s != '_' && *s != ':')
			return 0;
	return 1;
}

/* Names starting with "__" are reserved for Prometheus itself. */
int
names_is_label(const char *s)
{
	if (strncmp(s, "__", 2) == 0)
		return 0;
	if (!is_alpha(*s) && *s != '_')
		return 0;
	for (s++; *s != '\0'; s++)
		if (!is_alpha(*s) && !is_digit(*s) && *s != '_')
			return 0;
	return 1;
}

/* Well-formed UTF-8: no overlongs, no surrogates, nothing past U+10FFFF. */
int
names_is_utf8(const char *str, size_t len)
{
	const unsigned char	*s = (const unsigned char *)str;
	const unsigned char	*end = s + len;
	unsigned		 cp, min, n;

	while (s < end) {
		if (*s < 0x80) {
			s++;
			continue;
		}
		if ((*s & 0xe0) == 0xc0) {
			n = 1, cp = *s & 0x1f, min = 0x80;
		} else if ((*s & 0xf0) == 0xe0) {
			n = 2, cp = *s & 0x0f, min = 0x800;
		} else if ((*s & 0xf8) == 0xf0) {
			n = 3, cp = *s & 0x07, min = 0x10000;
		} else
			return 0;
		if ((size_t)(end - s) <= n)
			return 0;
		for (s++; n > 0; n--, s++) {
			if ((*s & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (*s & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
	}
	return 1;
}

/*
 * XML's NCName, with any non-ASCII character taken as a name character (the
 * parser checks the document's names; this only has to keep out what would
 * change the meaning of a pattern or an expression).
 */
static int
is_name_char(int c, int first)
{
	return c >= 0x80 || is_alpha(c) || c == '_' ||
	    (!first && (is_digit(c) || c == '-' || c == '.'));
}

int
names_is_ncname(const char *s, size_t len)
{
	size_t	 i;

	if (len == 0 || !names_is_utf8(s, len))
		return 0;
	for (i = 0; i < len; i++)
		if (!is_name_char((unsigned char)s[i], i == 0))
			return 0;
	return 1;
}

/* How many bytes of `s` an NCName starting there takes (0: none). */
size_t
names_ncname_span(const char *s)
{
	size_t	 i;

	for (i = 0; s[i] != '\0' && is_name_char((unsigned char)s[i], i == 0);
	    i++)
		continue;
	return i;
}

/*
 * The prefix of other exporters' names that PREFIX's metrics (PREFIX_...)
 * would take, or NULL.  node_exporter serves a textfile's series among its
 * own, so a file writing node_textfile_scrape_error would hide its own
 * value; Go's and the process collector's names are in every Go exporter.
 */
const char *
names_owned_prefix(const char *prefix)
{
	static const char *const owned[] = {
		"node_", "go_", "process_", "promhttp_"
	};
	size_t	 i, n;

	for (i = 0; i < sizeof(owned) / sizeof(owned[0]); i++) {
		n = strlen(owned[i]) - 1;	/* "node" is "node_..." too */
		if (strncmp(prefix, owned[i], n) == 0 &&
		    (prefix[n] == '\0' || prefix[n] == '_'))
			return owned[i];
	}
	return NULL;
}
