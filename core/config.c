/*
 * config — declaration table, parser and defaults.  See config.h.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "util.h"
#include "valid.h"

#define OFF(f) offsetof(struct config, f)
#define DAY (24L * 3600)

const struct config_key config_keys[] = {
	{ "db", CONFIG_PATH, "var/backupmx.db", 0, 0,
	    "the SQLite database", OFF(db) },
	{ "spool_dir", CONFIG_PATH, "var/spool", 0, 0,
	    "where message data lives", OFF(spool_dir) },
	{ "smtp_listen", CONFIG_HOSTPORT, "127.0.0.1:2525", 0, 0,
	    "comma-separated addresses the relay listens on ([::1]:2525 for IPv6)",
	    OFF(smtp_listen) },
	{ "myhostname", CONFIG_NAMES, "backupmx.localhost", 0, 0,
	    "our name in the greeting, EHLO and Received:", OFF(myhostname) },
	{ "mx_names", CONFIG_NAMES, "$myhostname", 0, 0,
	    "space-separated names of every backup MX host of the fleet",
	    OFF(mx_names) },
	{ "probe_interval", CONFIG_DURATION, "300", 1, DAY,
	    "seconds between checks of an unreachable primary",
	    OFF(probe_interval) },
	{ "max_queue_lifetime", CONFIG_DURATION, "14d", 1, 60 * DAY,
	    "then the message is bounced to its sender",
	    OFF(max_queue_lifetime) },
	{ "message_size_limit", CONFIG_INT, "52428800", 1024, 2147483647L,
	    "bytes; advertised in SIZE", OFF(message_size_limit) },
	{ "max_recipients", CONFIG_INT, "100", 1, 100000,
	    "recipients per message", OFF(max_recipients) },
	{ "smtp_timeout", CONFIG_DURATION, "5m", 1, 3600,
	    "how long the relay waits for an SMTP command (then 421 4.4.2)",
	    OFF(smtp_timeout) },
	{ "smtp_data_timeout", CONFIG_DURATION, "10m", 1, 3600,
	    "how long the relay waits for more message text during DATA",
	    OFF(smtp_data_timeout) },
	{ "max_connections", CONFIG_INT, "500", 1, 100000,
	    "SMTP sessions at once; more get 421 4.7.0", OFF(max_connections) },
	{ "max_connections_per_client", CONFIG_INT, "20", 1, 100000,
	    "SMTP sessions at once from one client address",
	    OFF(max_connections_per_client) },
	{ "min_free_space", CONFIG_INT, "104857600", 0, 9223372036854775807L,
	    "bytes that must stay free in spool_dir; below, new mail gets 452 4.3.1",
	    OFF(min_free_space) },
	{ "delivery_port", CONFIG_INT, "25", 1, 65535,
	    "TCP port of the primaries' MX hosts (a delivery host's own :port wins)",
	    OFF(delivery_port) },
	{ "delivery_concurrency", CONFIG_INT, "4", 1, 100,
	    "parallel connections to one destination", OFF(delivery_concurrency) },
	{ "dns_resolver", CONFIG_HOSTPORT, NULL, 0, 0,
	    "IP[:PORT] of the resolver the relay asks (default: the system's)",
	    OFF(dns_resolver) },
	{ "tls_cert", CONFIG_PATH, NULL, 0, 0,
	    "PEM certificate; with tls_key, STARTTLS is offered", OFF(tls_cert) },
	{ "tls_key", CONFIG_PATH, NULL, 0, 0,
	    "PEM private key for tls_cert", OFF(tls_key) },
	{ "panel_listen", CONFIG_LISTEN, "unix:var/run/panel.sock", 0, 0,
	    "where the FastCGI app listens (unix:PATH or 127.0.0.1:PORT)",
	    OFF(panel_listen) },
	{ "panel_url", CONFIG_STR, "http://127.0.0.1:8080", 0, 0,
	    "the panel's external base URL", OFF(panel_url) },
	{ "panel_threads", CONFIG_INT, "8", 1, 256,
	    "FastCGI worker threads (one database connection each)",
	    OFF(panel_threads) },
	{ "session_idle", CONFIG_DURATION, "30m", 1, DAY,
	    "a panel session ends after this long without a request",
	    OFF(session_idle) },
	{ "session_lifetime", CONFIG_DURATION, "12h", 1, 30 * DAY,
	    "a panel session ends this long after sign-in, in use or not",
	    OFF(session_lifetime) },
	{ "login_max_failures", CONFIG_INT, "5", 1, 1000,
	    "failed sign-ins per account or address before a lockout",
	    OFF(login_max_failures) },
	{ "login_lockout", CONFIG_DURATION, "15m", 1, DAY,
	    "how long a lockout lasts (failures count within this window too)",
	    OFF(login_lockout) },
	{ "template_dir", CONFIG_PATH, "templates", 0, 0,
	    "where the panel's page templates are", OFF(template_dir) },
	{ "zone_nameservers", CONFIG_NAMES, "ns1.$myhostname", 0, 0,
	    "space-separated NS names written into managed zones",
	    OFF(zone_nameservers) },
	{ "zone_hostmaster", CONFIG_NAMES, "hostmaster.$myhostname", 0, 0,
	    "the SOA contact of managed zones", OFF(zone_hostmaster) },
	{ "api_rate", CONFIG_INT, "3", 1, 100000,
	    "API requests a second per client address (more get 429)",
	    OFF(api_rate) },
	{ "api_burst", CONFIG_INT, "10", 1, 100000,
	    "the most API requests a client may make at once, before api_rate applies",
	    OFF(api_burst) },
	{ "api_context", CONFIG_INT, "4", 1, 2147483647L,
	    "the X-Domainrobot-Context the API answers to (AutoDNS: 4)",
	    OFF(api_context) },
	{ NULL, CONFIG_STR, NULL, 0, 0, NULL, 0 }
};

static const struct config_key *
config_find(const char *name)
{
	const struct config_key *k;

	for (k = config_keys; k->name != NULL; k++)
		if (strcmp(k->name, name) == 0)
			return k;
	return NULL;
}

static char **
config_str_slot(struct config *cf, const struct config_key *k)
{
	return (char **)(void *)((char *)cf + k->offset);
}

static long *
config_long_slot(struct config *cf, const struct config_key *k)
{
	return (long *)(void *)((char *)cf + k->offset);
}

static int
config_is_numeric(const struct config_key *k)
{
	return k->type == CONFIG_INT || k->type == CONFIG_DURATION;
}

int
config_duration(const char *s, long *out)
{
	char *end;
	long v, mul = 1;

	if (s == NULL || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0)
		return -1;
	switch (*end) {
	case '\0': case 's': mul = 1; break;
	case 'm': mul = 60; break;
	case 'h': mul = 3600; break;
	case 'd': mul = DAY; break;
	default: return -1;
	}
	if (*end != '\0' && end[1] != '\0')
		return -1;
	if (v > LONG_MAX / mul)
		return -1;
	*out = v * mul;
	return 0;
}

static int
config_integer(const char *s, long *out)
{
	char *end;

	if (s == NULL || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	*out = strtol(s, &end, 10);
	return (errno != 0 || *end != '\0') ? -1 : 0;
}

/* Check one "host:port" element of a comma list. */
static int
config_check_hostports(const char *v, char *why, size_t whysz)
{
	char buf[512], host[VALID_NAME_MAX], verr[VALID_ERR_MAX];
	char *tok, *save = NULL;
	int port;

	if (strlen(v) >= sizeof(buf)) {
		snprintf(why, whysz, "value too long");
		return -1;
	}
	strcpy(buf, v);
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ')
			tok++;
		if (valid_hostport(tok, host, &port, 25, verr) == -1) {
			snprintf(why, whysz, "bad address \"%s\": %s", tok, verr);
			return -1;
		}
	}
	return 0;
}

static int
config_check_names(const char *v, char *why, size_t whysz)
{
	char buf[1024], out[VALID_NAME_MAX], verr[VALID_ERR_MAX];
	char *tok, *save = NULL;
	int n = 0;

	if (strlen(v) >= sizeof(buf)) {
		snprintf(why, whysz, "value too long");
		return -1;
	}
	strcpy(buf, v);
	for (tok = strtok_r(buf, " \t", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t", &save), n++) {
		if (strstr(tok, "$myhostname") != NULL)
			continue;	/* checked after expansion */
		if (valid_hostname(tok, out, verr) == -1) {
			snprintf(why, whysz, "bad host name \"%s\": %s", tok,
			    verr);
			return -1;
		}
	}
	if (n == 0) {
		snprintf(why, whysz, "at least one name is needed");
		return -1;
	}
	return 0;
}

static int
config_check_listen(const char *v, char *why, size_t whysz)
{
	if (strncmp(v, "unix:", 5) == 0) {
		if (v[5] == '\0') {
			snprintf(why, whysz, "unix: needs a path");
			return -1;
		}
		return 0;
	}
	return config_check_hostports(v, why, whysz);
}

/* Validate and store one value.  Returns 0 or -1 with why filled. */
static int
config_set(struct config *cf, const struct config_key *k, const char *v,
    char *why, size_t whysz)
{
	long n;
	char **slot;

	if (config_is_numeric(k)) {
		if ((k->type == CONFIG_INT ? config_integer(v, &n) :
		    config_duration(v, &n)) == -1) {
			snprintf(why, whysz, "%s: \"%s\" is not %s", k->name, v,
			    k->type == CONFIG_INT ? "a number" :
			    "a duration (number with s, m, h or d)");
			return -1;
		}
		if (n < k->min || n > k->max) {
			snprintf(why, whysz, "%s: %ld is out of range (%ld..%ld)",
			    k->name, n, k->min, k->max);
			return -1;
		}
		*config_long_slot(cf, k) = n;
		return 0;
	}
	if (*v == '\0') {
		snprintf(why, whysz, "%s: empty value", k->name);
		return -1;
	}
	if (k->offset == OFF(myhostname) && strstr(v, "$myhostname")) {
		snprintf(why, whysz, "myhostname cannot contain $myhostname");
		return -1;
	}
	if ((k->type == CONFIG_HOSTPORT &&
	    config_check_hostports(v, why, whysz) == -1) ||
	    (k->type == CONFIG_NAMES && config_check_names(v, why, whysz) == -1) ||
	    (k->type == CONFIG_LISTEN && config_check_listen(v, why, whysz) == -1))
		return -1;
	slot = config_str_slot(cf, k);
	free(*slot);
	if ((*slot = strdup(v)) == NULL) {
		snprintf(why, whysz, "out of memory");
		return -1;
	}
	return 0;
}

static void
config_defaults(struct config *cf)
{
	const struct config_key *k;
	char why[CONFIG_ERR_MAX];

	memset(cf, 0, sizeof(*cf));
	for (k = config_keys; k->name != NULL; k++)
		if (k->def != NULL && config_set(cf, k, k->def, why,
		    sizeof(why)) == -1)
			fatal("config default of %s: %s", k->name, why);
}

/* One value with every "$myhostname" replaced; NULL when out of memory.
 * The scan goes on after each inserted name, so it ends whatever the
 * name contains. */
static char *
config_subst(const char *v, const char *host)
{
	size_t hl = strlen(host), n = 0, need, cap = strlen(v) + 1;
	char *out = malloc(cap), *grown;
	const char *src;

	while (out != NULL && *v != '\0') {
		src = v;
		need = 1;
		if (strncmp(v, "$myhostname", 11) == 0) {
			src = host;
			need = hl;
			v += 10;
		}
		v++;
		if (n + need + 1 > cap) {
			cap = 2 * cap + need;
			if ((grown = realloc(out, cap)) == NULL) {
				free(out);
				return NULL;
			}
			out = grown;
		}
		memcpy(out + n, src, need);
		n += need;
	}
	if (out != NULL)
		out[n] = '\0';
	return out;
}

/* Replace "$myhostname" in every string value; names are checked again
 * once expanded. */
static int
config_expand(struct config *cf, const char *name, char *err)
{
	const struct config_key *k;
	char **slot, *n, why[CONFIG_ERR_MAX];

	for (k = config_keys; k->name != NULL; k++) {
		if (config_is_numeric(k))
			continue;
		slot = config_str_slot(cf, k);
		if (*slot == NULL || strstr(*slot, "$myhostname") == NULL)
			continue;
		if ((n = config_subst(*slot, cf->myhostname)) == NULL) {
			snprintf(err, CONFIG_ERR_MAX, "%s: out of memory",
			    name);
			return -1;
		}
		free(*slot);
		*slot = n;
		if (k->type == CONFIG_NAMES &&
		    config_check_names(n, why, sizeof(why)) == -1) {
			snprintf(err, CONFIG_ERR_MAX, "%s: %s: %s", name,
			    k->name, why);
			return -1;
		}
	}
	return 0;
}

static char *
config_trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int
config_line(struct config *cf, char *line, const char *name, int lineno,
    char *err)
{
	const struct config_key *k;
	char *eq, *key, *val, why[CONFIG_ERR_MAX - 64];

	line = config_trim(line);
	if (*line == '\0' || *line == '#')
		return 0;
	if ((eq = strchr(line, '=')) == NULL) {
		snprintf(err, CONFIG_ERR_MAX, "%s:%d: expected \"key = value\"",
		    name, lineno);
		return -1;
	}
	*eq = '\0';
	key = config_trim(line);
	val = config_trim(eq + 1);
	if ((k = config_find(key)) == NULL) {
		snprintf(err, CONFIG_ERR_MAX, "%s:%d: unknown key \"%.64s\"",
		    name, lineno, key);
		return -1;
	}
	if (config_set(cf, k, val, why, sizeof(why)) == -1) {
		snprintf(err, CONFIG_ERR_MAX, "%s:%d: %s", name, lineno, why);
		return -1;
	}
	return 0;
}

int
config_parse(struct config *cf, const char *name, const char *text, char *err)
{
	char *copy, *line, *next;
	int lineno = 0, rc = 0;

	config_defaults(cf);
	if ((copy = strdup(text)) == NULL) {
		snprintf(err, CONFIG_ERR_MAX, "%s: out of memory", name);
		return -1;
	}
	for (line = copy; line != NULL && rc == 0; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		lineno++;
		rc = config_line(cf, line, name, lineno, err);
	}
	free(copy);
	if (rc == 0)
		rc = config_expand(cf, name, err);
	if (rc == 0 && (cf->tls_cert == NULL) != (cf->tls_key == NULL)) {
		snprintf(err, CONFIG_ERR_MAX,
		    "%s: tls_cert and tls_key must be set together", name);
		rc = -1;
	}
	if (rc == -1)
		config_free(cf);
	return rc;
}

int
config_load(struct config *cf, const char *path, int must_exist, char *err)
{
	char *text;
	size_t len;
	int rc;

	if ((text = util_read_file(path, 1 << 20, &len)) == NULL) {
		if (errno == ENOENT && !must_exist) {
			rc = config_parse(cf, path, "", err);
			return rc;
		}
		snprintf(err, CONFIG_ERR_MAX, "%s: %s", path, errno == EFBIG ?
		    "file too large" : strerror(errno));
		return -1;
	}
	if (memchr(text, '\0', len) != NULL) {
		snprintf(err, CONFIG_ERR_MAX, "%s: contains a NUL byte", path);
		free(text);
		return -1;
	}
	rc = config_parse(cf, path, text, err);
	free(text);
	if (rc == 0 && (cf->path = strdup(path)) == NULL) {
		config_free(cf);
		snprintf(err, CONFIG_ERR_MAX, "out of memory");
		return -1;
	}
	return rc;
}

void
config_free(struct config *cf)
{
	const struct config_key *k;

	for (k = config_keys; k->name != NULL; k++)
		if (!config_is_numeric(k))
			free(*config_str_slot(cf, k));
	free(cf->path);
	memset(cf, 0, sizeof(*cf));
}

const char *
config_path(const char *explicit_path)
{
	const char *env;

	if (explicit_path != NULL)
		return explicit_path;
	if ((env = getenv("BACKUPMX_CONF")) != NULL && *env != '\0')
		return env;
	return CONFIG_DEFAULT_PATH;
}

const char *
config_value(const struct config *cf, const char *key, char *buf,
    size_t bufsz)
{
	const struct config_key *k;
	struct config *mcf = (struct config *)(uintptr_t)cf;
	const char *s;

	if ((k = config_find(key)) == NULL)
		return NULL;
	if (config_is_numeric(k))
		snprintf(buf, bufsz, "%ld", *config_long_slot(mcf, k));
	else {
		s = *config_str_slot(mcf, k);
		snprintf(buf, bufsz, "%s", s != NULL ? s : "");
	}
	return buf;
}

char *
config_default_text(void)
{
	const struct config_key *k;
	struct sbuf sb;

	sbuf_init(&sb);
	sbuf_puts(&sb, "# backupmx configuration: key = value; see README.\n"
	    "# Every setting is shown with its default, commented out.\n\n");
	for (k = config_keys; k->name != NULL; k++)
		sbuf_printf(&sb, "# %s\n#%s = %s\n\n", k->help, k->name,
		    k->def != NULL ? k->def : "");
	return sbuf_finish(&sb);
}

int
config_write_default(const char *path, char *err)
{
	char *text = config_default_text();
	size_t len = strlen(text);
	int fd, rc = 0;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0640)) == -1 ||
	    write(fd, text, len) != (ssize_t)len || fsync(fd) == -1) {
		snprintf(err, CONFIG_ERR_MAX, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	if (fd != -1 && close(fd) == -1 && rc == 0) {
		snprintf(err, CONFIG_ERR_MAX, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	free(text);
	return rc;
}

char *
config_table_markdown(void)
{
	const struct config_key *k;
	struct sbuf sb;

	sbuf_init(&sb);
	sbuf_printf(&sb, "| key | default | meaning |\n|---|---|---|\n");
	for (k = config_keys; k->name != NULL; k++) {
		sbuf_printf(&sb, "| `%s` | %s%s%s | %s", k->name,
		    k->def ? "`" : "", k->def ? k->def : "none",
		    k->def ? "`" : "", k->help);
		if (config_is_numeric(k))
			sbuf_printf(&sb, " (%ld..%ld%s)", k->min, k->max,
			    k->type == CONFIG_DURATION ? " s" : "");
		sbuf_printf(&sb, " |\n");
	}
	return sbuf_finish(&sb);
}
