/*
 * zone — checking records, the rules of a zone, serials, the backup MX
 * names and the judgement of MX records.  See zone.h; the master file is
 * in zone_render.c.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"
#include "zone.h"

static void zone_say(char *, size_t, const char *, ...) ATTR_PRINTF(3, 4);

static void
zone_say(char *buf, size_t sz, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sz, fmt, ap);
	va_end(ap);
}

/* --- owner names ---------------------------------------------------------- */

/* One label of an owner name: letters, digits, '-' and '_' (for
 * _dmarc and the like), 1..63 octets, no '-' at either end. */
static int
zone_label_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > 63 || s[0] == '-' || s[len - 1] == '-')
		return 0;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
			return 0;
	return 1;
}

/* Labels of s (ASCII), the first may be '*'; lower-cased into out. */
static int
zone_labels(const char *s, char *out, char *err)
{
	const char *p = s, *dot;
	size_t len, i;

	for (;;) {
		dot = strchr(p, '.');
		len = dot != NULL ? (size_t)(dot - p) : strlen(p);
		if (!(p == s && len == 1 && *p == '*') && !zone_label_ok(p, len)) {
			zone_say(err, VALID_ERR_MAX, "\"%.60s\" is not a usable "
			    "name: use letters, digits, '-' and '_' between "
			    "dots (or @ for the domain itself)", s);
			return -1;
		}
		if (dot == NULL)
			break;
		p = dot + 1;
	}
	for (i = 0; s[i] != '\0'; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[i] = '\0';
	return 0;
}

static int
zone_is_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

/*
 * The owner name relative to zone: "" or "@" is the apex; a name ending
 * in a dot must be inside the zone ("www.example.de." -> "www"); IDN
 * labels become A-labels.
 */
static int
zone_owner(const char *zone, const char *in, char *out, char *err)
{
	char buf[VALID_NAME_MAX], a[VALID_NAME_MAX];
	size_t len = strlen(in), zl = strlen(zone);

	if (len == 0 || strcmp(in, "@") == 0) {
		strcpy(out, "@");
		return 0;
	}
	if (len >= sizeof(buf))
		return zone_say(err, VALID_ERR_MAX, "the name is too long"), -1;
	memcpy(buf, in, len + 1);
	if (buf[len - 1] == '.') {
		buf[--len] = '\0';
		if (strcasecmp(buf, zone) == 0) {
			strcpy(out, "@");
			return 0;
		}
		if (len <= zl + 1 || buf[len - zl - 1] != '.' ||
		    strcasecmp(buf + len - zl, zone) != 0) {
			zone_say(err, VALID_ERR_MAX, "%.80s. is outside this "
			    "zone: give the name relative to %s", buf, zone);
			return -1;
		}
		buf[len - zl - 1] = '\0';
	}
	if (!zone_is_ascii(buf)) {
		if (valid_hostname(buf, a, err) == -1)
			return -1;
		util_strlcpy(buf, a, sizeof(buf));
	}
	if (zone_labels(buf, out, err) == -1)
		return -1;
	if (strlen(out) + 1 + zl > 253) {
		zone_say(err, VALID_ERR_MAX, "the full name would be longer "
		    "than 253 characters");
		return -1;
	}
	return 0;
}

/* --- values --------------------------------------------------------------- */

static const char *const zone_types[] = { "MX", "A", "AAAA", "CNAME", "TXT" };

static int
zone_type(const char *in, char *out, char *err)
{
	size_t i;

	for (i = 0; i < sizeof(zone_types) / sizeof(zone_types[0]); i++)
		if (strcasecmp(in, zone_types[i]) == 0) {
			strcpy(out, zone_types[i]);
			return 0;
		}
	zone_say(err, VALID_ERR_MAX, "choose MX, A, AAAA, CNAME or TXT");
	return -1;
}

static int
zone_addr(const char *in, int family, char *out, char *err)
{
	unsigned char raw[16];
	int af = family == 4 ? AF_INET : AF_INET6;

	if (inet_pton(af, in, raw) != 1) {
		zone_say(err, VALID_ERR_MAX, family == 4 ? "an A record needs "
		    "an IPv4 address such as 192.0.2.10" : "an AAAA record "
		    "needs an IPv6 address such as 2001:db8::10");
		return -1;
	}
	if (inet_ntop(af, raw, out, INET6_ADDRSTRLEN) == NULL)
		return zone_say(err, VALID_ERR_MAX, "bad address"), -1;
	return 0;
}

static int
zone_text(const char *in, char *out, char *err)
{
	const unsigned char *p;
	size_t len = strlen(in);

	if (len == 0)
		return zone_say(err, VALID_ERR_MAX, "the text is empty"), -1;
	if (len > ZONE_TXT_MAX) {
		zone_say(err, VALID_ERR_MAX, "the text is longer than %d "
		    "octets", ZONE_TXT_MAX);
		return -1;
	}
	for (p = (const unsigned char *)in; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f) {
			zone_say(err, VALID_ERR_MAX, "the text holds a line "
			    "break or another control character");
			return -1;
		}
	memcpy(out, in, len + 1);
	return 0;
}

/* The value of a record of type (already checked). */
static int
zone_value(const char *type, const char *in, char *out, char *err)
{
	if (strcmp(type, "MX") == 0 || strcmp(type, "CNAME") == 0)
		return valid_fqdn_dot(in, out, err);
	if (strcmp(type, "A") == 0)
		return zone_addr(in, 4, out, err);
	if (strcmp(type, "AAAA") == 0)
		return zone_addr(in, 6, out, err);
	return zone_text(in, out, err);
}

static int
zone_ttl(const char *in, long *ttl, char *err)
{
	if (in[0] == '\0') {
		*ttl = ZONE_TTL_DEFAULT;
		return 0;
	}
	if (valid_ttl(in, ttl, err) == -1 || *ttl < ZONE_TTL_MIN ||
	    *ttl > ZONE_TTL_MAX) {
		zone_say(err, VALID_ERR_MAX, "TTL must be a number of seconds "
		    "from %d to %d (one week)", ZONE_TTL_MIN, ZONE_TTL_MAX);
		return -1;
	}
	return 0;
}

#define ZONE_IN(s) ((s) != NULL ? (s) : "")

int
zone_rec_check(const char *zone, const struct zone_input *in,
    struct zone_rec *out, char (*errs)[VALID_ERR_MAX])
{
	int bad = 0, i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < ZONE_NFIELDS; i++)
		errs[i][0] = '\0';
	bad += zone_owner(zone, ZONE_IN(in->name), out->name,
	    errs[ZONE_F_NAME]) == -1;
	bad += zone_ttl(ZONE_IN(in->ttl), &out->ttl, errs[ZONE_F_TTL]) == -1;
	if (zone_type(ZONE_IN(in->type), out->type, errs[ZONE_F_TYPE]) == -1)
		return bad + 1;
	if (strcmp(out->type, "MX") == 0)
		bad += valid_mx_pref(ZONE_IN(in->pref), &out->pref,
		    errs[ZONE_F_PREF]) == -1;
	if (ZONE_IN(in->value)[0] == '\0') {
		zone_say(errs[ZONE_F_VALUE], VALID_ERR_MAX, "%s",
		    strcmp(out->type, "MX") == 0 || strcmp(out->type, "CNAME")
		    == 0 ? "give the host, fully qualified with its final dot "
		    "(mail.example.de.)" : "give a value");
		return bad + 1;
	}
	bad += zone_value(out->type, in->value, out->value,
	    errs[ZONE_F_VALUE]) == -1;
	return bad;
}

/* --- the rules between records -------------------------------------------- */

/* "www.example.de" or "example.de" for messages. */
static void
zone_show_name(const char *zone, const char *name, char *out, size_t sz)
{
	if (strcmp(name, "@") == 0)
		snprintf(out, sz, "%s", zone);
	else
		snprintf(out, sz, "%s.%s", name, zone);
}

static int
zone_same(const struct zone_rec *a, const struct zone_rec *b)
{
	if (strcmp(a->type, b->type) != 0)
		return 0;
	if (strcmp(a->type, "MX") == 0 || strcmp(a->type, "CNAME") == 0)
		return valid_name_eq(a->value, b->value);
	return strcmp(a->value, b->value) == 0;
}

int
zone_rec_conflict(const char *zone, const struct zone_rec *rec,
    const struct zone_rec *list, size_t n, char *err)
{
	char show[VALID_NAME_MAX * 2];
	int cname = strcmp(rec->type, "CNAME") == 0;
	size_t i;

	zone_show_name(zone, rec->name, show, sizeof(show));
	if (cname && strcmp(rec->name, "@") == 0) {
		zone_say(err, ZONE_MSG_MAX, "%s itself cannot be a CNAME: the "
		    "domain's own name holds the SOA and NS records", zone);
		return -1;
	}
	for (i = 0; i < n; i++) {
		const struct zone_rec *o = &list[i];

		if (o->id == rec->id && rec->id != 0)
			continue;
		if (strcmp(o->name, rec->name) != 0)
			continue;
		if (zone_same(rec, o)) {
			if (strcmp(o->type, "MX") == 0)
				zone_say(err, ZONE_MSG_MAX, "%s already has an "
				    "MX record for %s (preference %d)", show,
				    o->value, o->pref);
			else
				zone_say(err, ZONE_MSG_MAX, "%s already has "
				    "this %s record", show, o->type);
			return -1;
		}
		if (cname) {
			zone_say(err, ZONE_MSG_MAX, "%s already has other "
			    "records: a CNAME must be the only record of its "
			    "name", show);
			return -1;
		}
		if (strcmp(o->type, "CNAME") == 0) {
			zone_say(err, ZONE_MSG_MAX, "%s is a CNAME (an alias "
			    "for %s): it can have no other records", show,
			    o->value);
			return -1;
		}
	}
	return 0;
}

/* --- serials -------------------------------------------------------------- */

/* YYYYMMDD of a UTC time. */
static int64_t
zone_yyyymmdd(int64_t t)
{
	struct util_civil c;

	util_civil(t, &c);
	return c.year * 10000 + c.month * 100 + c.day;
}

int64_t
zone_serial_next(int64_t old, int64_t now)
{
	int64_t today = zone_yyyymmdd(now) * 100;

	return old < today ? today : old + 1;
}

/* --- backup MX names ------------------------------------------------------ */

static pthread_mutex_t zone_lock = PTHREAD_MUTEX_INITIALIZER;
static char zone_backup[ZONE_BACKUP_MAX][VALID_NAME_MAX];
static size_t zone_nbackup;

void
zone_set_backup_hosts(const char *mx_names)
{
	char buf[ZONE_BACKUP_MAX * VALID_NAME_MAX], *tok, *save = NULL;
	char host[VALID_NAME_MAX];
	size_t len;

	pthread_mutex_lock(&zone_lock);
	zone_nbackup = 0;
	util_strlcpy(buf, mx_names != NULL ? mx_names : "", sizeof(buf));
	for (tok = strtok_r(buf, " \t,", &save); tok != NULL &&
	    zone_nbackup < ZONE_BACKUP_MAX; tok = strtok_r(NULL, " \t,",
	    &save)) {
		len = strlen(tok);
		if (len > 1 && tok[len - 1] == '.')
			tok[len - 1] = '\0';
		if (valid_hostname(tok, host, NULL) == 0)
			memcpy(zone_backup[zone_nbackup++], host, sizeof(host));
	}
	pthread_mutex_unlock(&zone_lock);
}

size_t
zone_backup_hosts(char (*out)[VALID_NAME_MAX], size_t max)
{
	size_t i, n;

	pthread_mutex_lock(&zone_lock);
	n = zone_nbackup < max ? zone_nbackup : max;
	for (i = 0; i < n; i++)
		memcpy(out[i], zone_backup[i], VALID_NAME_MAX);
	pthread_mutex_unlock(&zone_lock);
	return n;
}

int
zone_backup_pref(size_t i)
{
	return 20 + 10 * (int)i;
}

/* --- judging MX records --------------------------------------------------- */

static int
zone_is_backup(const char *host, char (*backup)[VALID_NAME_MAX], size_t nb)
{
	size_t i;

	for (i = 0; i < nb; i++)
		if (valid_name_eq(host, backup[i]))
			return 1;
	return 0;
}

const char *
zone_mx_role(const char *host, char (*backup)[VALID_NAME_MAX], size_t nb,
    const char *mailproxy)
{
	if (zone_is_backup(host, backup, nb))
		return "BackupMX";
	if (mailproxy != NULL && mailproxy[0] != '\0' &&
	    valid_name_eq(host, mailproxy))
		return "MailProxy";
	return "mail server";
}

struct zone_judgement {
	struct zone_finding	*out;
	size_t			 max, n;
};

static void zone_find(struct zone_judgement *, enum zone_level,
    const char *, ...) ATTR_PRINTF(3, 4);

static void
zone_find(struct zone_judgement *j, enum zone_level level, const char *fmt,
    ...)
{
	va_list ap;

	if (j->n >= j->max)
		return;
	j->out[j->n].level = level;
	va_start(ap, fmt);
	vsnprintf(j->out[j->n].text, sizeof(j->out[j->n].text), fmt, ap);
	va_end(ap);
	j->n++;
}

/* The best preference of the primary (MailProxy when one is set, else
 * the domain's own mail servers); -1 when there is none. */
static int
zone_primary_pref(const struct zone_mx *mx, size_t n,
    char (*backup)[VALID_NAME_MAX], size_t nb, const char *proxy)
{
	int best = -1;
	size_t i;

	for (i = 0; i < n; i++) {
		if (zone_is_backup(mx[i].host, backup, nb))
			continue;
		if (proxy != NULL && !valid_name_eq(mx[i].host, proxy))
			continue;
		if (best < 0 || mx[i].pref < best)
			best = mx[i].pref;
	}
	return best;
}

/* The primary: the mail server, or MailProxy in its place. */
static int
zone_judge_primary(struct zone_judgement *j, const struct zone_mx *mx,
    size_t n, char (*backup)[VALID_NAME_MAX], size_t nb, const char *proxy)
{
	int best = zone_primary_pref(mx, n, backup, nb, proxy);
	size_t i;

	if (proxy != NULL && best < 0)
		zone_find(j, ZONE_BAD, "MailProxy missing: %s must be an MX "
		    "record at preference 10, in place of your mail server",
		    proxy);
	else if (best < 0)
		zone_find(j, ZONE_BAD, "No MX record for your own mail server:"
		    " add it at preference 10 (without it, our backup MX is "
		    "the best MX and cannot deliver the mail anywhere)");
	for (i = 0; i < n && proxy != NULL; i++)
		if (!zone_is_backup(mx[i].host, backup, nb) &&
		    !valid_name_eq(mx[i].host, proxy))
			zone_find(j, ZONE_WARN, "MX %d %s. bypasses MailProxy: "
			    "with MailProxy, %s takes the place of your mail "
			    "server", mx[i].pref, mx[i].host, proxy);
	for (i = 0; i < n; i++)
		if (!zone_is_backup(mx[i].host, backup, nb) && (proxy == NULL ||
		    valid_name_eq(mx[i].host, proxy)))
			zone_find(j, ZONE_GOOD, "MX %d %s. is your %s", mx[i].pref,
			    mx[i].host, proxy != NULL ? "MailProxy" :
			    "mail server");
	return best;
}

/* Each of our hosts: present, and worse than the primary. */
static void
zone_judge_backup(struct zone_judgement *j, const struct zone_mx *mx,
    size_t n, char (*backup)[VALID_NAME_MAX], size_t nb, int primary)
{
	size_t i, k, present = 0;

	for (i = 0; i < n; i++) {
		if (!zone_is_backup(mx[i].host, backup, nb))
			continue;
		present++;
		if (primary >= 0 && mx[i].pref < primary)
			zone_find(j, ZONE_BAD, "MX %d %s.: the backup MX has a "
			    "better preference than your primary (%d): senders "
			    "would deliver to the backup first", mx[i].pref,
			    mx[i].host, primary);
		else if (primary >= 0 && mx[i].pref == primary)
			zone_find(j, ZONE_WARN, "MX %d %s.: the backup MX has "
			    "the same preference as your primary: senders "
			    "would pick either at random", mx[i].pref,
			    mx[i].host);
		else
			zone_find(j, ZONE_GOOD, "MX %d %s. is a backup MX",
			    mx[i].pref, mx[i].host);
	}
	if (present == 0 && nb > 0) {
		zone_find(j, ZONE_BAD, "backup MX missing: add MX %d %s.",
		    zone_backup_pref(0), backup[0]);
		return;
	}
	for (k = 0; k < nb && present > 0; k++) {
		for (i = 0; i < n && !valid_name_eq(mx[i].host, backup[k]); i++)
			;
		if (i < n)
			continue;
		if (k == 0)
			zone_find(j, ZONE_WARN, "backup MX %s. missing: it is "
			    "the one to use (at MX %d) when you use a single "
			    "backup server", backup[0], zone_backup_pref(0));
		else if (present > 1)
			zone_find(j, ZONE_WARN, "backup MX %s. missing: use "
			    "all our backup servers (MX %d) or only %s.",
			    backup[k], zone_backup_pref(k), backup[0]);
	}
}

size_t
zone_mx_judge(const struct zone_mx *mx, size_t n,
    char (*backup)[VALID_NAME_MAX], size_t nbackup, const char *mailproxy,
    struct zone_finding *out, size_t max)
{
	struct zone_judgement j = { out, max, 0 };
	int primary;

	if (mailproxy != NULL && mailproxy[0] == '\0')
		mailproxy = NULL;
	if (n == 0) {
		zone_find(&j, ZONE_BAD, "No MX records at all: mail goes to "
		    "the domain's own address and never to a backup MX. Add "
		    "your mail server at preference 10 and MX %d %s.",
		    zone_backup_pref(0), nbackup > 0 ? backup[0] : "");
		return j.n;
	}
	primary = zone_judge_primary(&j, mx, n, backup, nbackup, mailproxy);
	zone_judge_backup(&j, mx, n, backup, nbackup, primary);
	return j.n;
}
