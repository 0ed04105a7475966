/*
 * config — the one configuration file shared by relay, panel and CLI.
 *
 * Every key is declared once, in the table in config.c: name, type,
 * default, bounds and a one-line help text.  The README's table is checked
 * against that declaration (`backupmxctl config --table`).
 *
 * File format: `key = value` lines; `#` starts a comment line; blank lines
 * are ignored.  Durations take an s, m, h or d suffix (plain numbers are
 * seconds).  Defaults may name `$myhostname`, expanded after the file is
 * read.  Relative paths are relative to the working directory.
 *
 * Errors: config_load() returns -1 and writes "file:line: reason" into err.
 * Memory: a struct config owns its strings; config_free() releases them.
 */
#ifndef BMX_CONFIG_H
#define BMX_CONFIG_H

#include <stddef.h>

#define CONFIG_ERR_MAX 512
#define CONFIG_DEFAULT_PATH "var/backupmx.conf"

struct config {
	char	*db;
	char	*spool_dir;
	char	*smtp_listen;
	char	*myhostname;
	char	*mx_names;
	long	 probe_interval;
	long	 max_queue_lifetime;
	long	 message_size_limit;
	long	 max_recipients;
	long	 smtp_timeout;
	long	 smtp_data_timeout;
	long	 max_connections;
	long	 max_connections_per_client;
	long	 min_free_space;
	long	 delivery_port;
	long	 delivery_concurrency;
	char	*dns_resolver;
	char	*tls_cert;
	char	*tls_key;
	char	*panel_listen;
	char	*panel_url;
	long	 panel_threads;
	long	 session_idle;
	long	 session_lifetime;
	long	 login_max_failures;
	long	 login_lockout;
	char	*template_dir;
	char	*zone_nameservers;
	char	*zone_hostmaster;
	long	 api_rate;
	long	 api_burst;
	long	 api_context;
	char	*path;		/* the file that was read, or NULL */
};

enum config_type {
	CONFIG_STR,		/* any non-empty text */
	CONFIG_INT,		/* decimal integer within bounds */
	CONFIG_DURATION,	/* integer with s/m/h/d suffix, in seconds */
	CONFIG_HOSTPORT,	/* host:port or [v6]:port, comma-separated list */
	CONFIG_NAMES,		/* space-separated host names */
	CONFIG_PATH,		/* a file or directory name */
	CONFIG_LISTEN		/* unix:PATH or host:port */
};

struct config_key {
	const char	*name;
	enum config_type type;
	const char	*def;	/* default as text; NULL means "none" */
	long		 min, max;	/* for INT and DURATION */
	const char	*help;
	size_t		 offset;	/* into struct config */
};

/* The declaration table, terminated by a NULL name. */
extern const struct config_key config_keys[];

/*
 * Which file to read: explicit (-c), else $BACKUPMX_CONF, else the default
 * path.  Never NULL.
 */
const char *config_path(const char *explicit_path);

/*
 * Fill cf with defaults, then read path over them.  A missing file is an
 * error only when must_exist is set.  Returns 0 or -1 with err filled.
 */
int config_load(struct config *cf, const char *path, int must_exist,
    char *err);

/* Parse the text of a config file (for tests); name is used in errors. */
int config_parse(struct config *cf, const char *name, const char *text,
    char *err);

/* Release everything cf owns; cf is left zeroed. */
void config_free(struct config *cf);

/* Parse a duration ("90", "90s", "5m", "14d") into seconds. */
int config_duration(const char *s, long *out);

/* The effective value of a key as text (for `backupmxctl config`); buf
 * receives it; returns buf, or NULL for an unknown key. */
const char *config_value(const struct config *cf, const char *key,
    char *buf, size_t bufsz);

/* The default configuration file text, every key commented (malloc'd). */
char *config_default_text(void);

/* Write the default configuration file text (commented) to a new file.
 * Returns 0 or -1 with err filled; refuses to overwrite. */
int config_write_default(const char *path, char *err);

/* The README table (markdown) of every key, to a malloc'd string. */
char *config_table_markdown(void);

#endif
