/*
 * bounds.h: every bound on what one store may hold (a field's text, a row,
 * attributes, entities), beside the defaults (defaults.h), so that a file
 * needing a bound need not include the scanner.
 */
#ifndef XML2PROM_BOUNDS_H
#define XML2PROM_BOUNDS_H

/*
 * A label longer than this is bad data, not a label value.  A value is
 * read as a number however long it is (number() allows blanks around
 * it), within what a row may hold.
 */
#define SCAN_MAX_FIELD_LEN	1024

/*
 * What one element or row may hold.  A row's tree (see rowtree.h) or the
 * text a field reads is held in memory: at most SCAN_MAX_ROW_BYTES.  An
 * element's attributes (defaults included) and namespace declarations, and
 * the attribute declarations of the internal subset, are compared with
 * each other by libxml2: at most SCAN_MAX_ATTRIBUTES and
 * SCAN_MAX_ATTRIBUTE_DECLS.  Past them a store fails with reason "limit".
 */
#define SCAN_MAX_ROW_BYTES	(32u << 20)
#define SCAN_MAX_ATTRIBUTES	1024
#define SCAN_MAX_ATTRIBUTE_DECLS 10000

/*
 * The work entities may cost (see charge_entities() in entities.c): each
 * reference SCAN_ENTITY_COST plus the length of what it expands to, at most
 * SCAN_ENTITY_FACTOR times the bytes read so far or SCAN_ENTITY_GRACE,
 * whichever is more.  One policy on every libxml2 release: stricter than
 * the strictest one's own limit (2.11: 5 times, past 1 000 000 bytes,
 * which nothing lifts), so that xml2prom's budget decides, never a
 * release's.  Attribute defaults, which libxml2 does not bound, have a
 * budget of their own: what libxml2 compares them with (see
 * defaults_work()) at most SCAN_DEFAULTS_FACTOR times the bytes read, past
 * SCAN_DEFAULTS_GRACE.
 */
#define SCAN_ENTITY_COST	64
#define SCAN_ENTITY_FACTOR	4
#define SCAN_ENTITY_GRACE	500000
#define SCAN_DEFAULTS_FACTOR	20
#define SCAN_DEFAULTS_GRACE	(16u << 20)

#endif
