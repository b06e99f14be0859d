/*
 * bounds.h: every bound xml2prom holds its input to, beside the defaults
 * (defaults.h): what one store may hold (a field's text, a row,
 * attributes, entities, a compressed store's expansion), what a command
 * line or a config file may ask (labels, values, buckets, fields, sets,
 * row patterns, series, periods, a config file's size) and what the
 * exporter's clients may take.  A file needing a bound includes this one,
 * not the module that enforces it.  (Caps internal to one module, such as
 * the survey's, the XPath compiler's or the streaming program's, stay in
 * that module's header.)
 */
#ifndef XML2PROM_BOUNDS_H
#define XML2PROM_BOUNDS_H

/* What one store may hold. */

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

/* How much a compressed store may expand before it is taken for a bomb. */
#define INPUT_MAX_EXPANSION	200
#define INPUT_EXPANSION_GRACE	(16u << 20)

/* What a command line or a config file may ask. */

/* Fields of one set: its labels (-t, --by) and its value families. */
#define MODEL_MAX_LABELS	16
#define MODEL_MAX_VALUES	32
#define MODEL_MAX_BUCKETS	64	/* of one --buckets */
/* What the scanner reads per row: every label, value, and --where. */
#define SCAN_MAX_FIELDS		(MODEL_MAX_LABELS + MODEL_MAX_VALUES + 1)

/* Row sets ([NAME] sections), and the steps of their --rows patterns. */
#define ROWSET_MAX		16
#define ROWPATH_MAX_STEPS	32
#define ROWMATCH_BITS		64	/* every pattern's steps, plus one each */

/* --max-series (--max-types): from 1 to this. */
#define MAX_SERIES_LIMIT	1000000

/* --every, --reread-after, --settle: from 1ms to a day. */
#define PERIOD_MAX_MS		86400000ul

/* An options file is a few lines; a bigger one is a mistake. */
#define CONFIG_MAX_SIZE		(1 << 20)

/* What the exporter's clients may take. */

/* At most this many listening sockets (addresses and systemd's). */
#define EXPORTER_MAX_SOCKETS	16

/*
 * The bounds on clients: connections at once, memory per connection
 * (request line and headers included), seconds a connection may stay
 * idle or half-sent.
 */
#define EXPORTER_MAX_CONNECTIONS	2000
#define EXPORTER_CONNECTION_MEMORY	(16 * 1024)
#define EXPORTER_IDLE_SECONDS		15

/* A bound as a message prints it (a plain number only). */
#define BOUND_TEXT(n)		BOUND_TEXT_(n)
#define BOUND_TEXT_(n)		#n

#endif
