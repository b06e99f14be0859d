/*
 * defaults.h: what xml2prom does when an option is not given, each
 * defined once: the options, the help and the model read them here.
 */
#ifndef XML2PROM_DEFAULTS_H
#define XML2PROM_DEFAULTS_H

#define DEFAULT_TEXTFILE_DIR	"/var/lib/prometheus/node-exporter"
#define DEFAULT_ROWS		"/*/*"
#define DEFAULT_TYPE		"@type"		/* the type label's */
#define DEFAULT_MISSING		"unknown"	/* an empty label's value */
#define DEFAULT_PREFIX		"store"
#define DEFAULT_MAX_SERIES	1000
#define DEFAULT_MODE		0644
#define DEFAULT_EVERY_SECONDS	60	/* --watch's period */
#define DEFAULT_REREAD_AFTER_MINUTES 5 /* the staleness alerts' 5 minutes */
/* --web.listen-address's port when none is given: outside 9100-9999. */
#define DEFAULT_WEB_PORT	10723

/* A number default as the help prints it. */
#define DEFAULT_TEXT(n)		DEFAULT_TEXT_(n)
#define DEFAULT_TEXT_(n)	#n

#endif
