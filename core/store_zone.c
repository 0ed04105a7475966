/*
 * store_zone — zones, their records, the BackupMX MX set, provisioning,
 * serials and export.  See store_zone.h.
 *
 * Changes run in BEGIN IMMEDIATE: the zone is read, the rules are checked
 * against every record of the zone, the change is written, the serial
 * raised and the audit entry added, then one commit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_zone.h"
#include "util.h"

#define ZONE_COLS "d.id, d.name, d.idn, a.name, d.external, " \
	"coalesce(d.mailproxy, ''), coalesce(s.serial, 1), b.id IS NOT NULL, " \
	"(SELECT count(*) FROM zone_record r WHERE r.domain_id = d.id) " \
	"FROM domain d JOIN account a ON a.id = d.account_id " \
	"LEFT JOIN zone_serial s ON s.domain_id = d.id " \
	"LEFT JOIN backupmx b ON b.domain_id = d.id "

static void
zst_info_row(sqlite3_stmt *st, struct zone_info *z)
{
	memset(z, 0, sizeof(*z));
	z->domain_id = sqlite3_column_int64(st, 0);
	util_strlcpy(z->domain, db_text(st, 1), sizeof(z->domain));
	util_strlcpy(z->idn, db_text(st, 2), sizeof(z->idn));
	util_strlcpy(z->owner, db_text(st, 3), sizeof(z->owner));
	z->external = sqlite3_column_int(st, 4);
	util_strlcpy(z->mailproxy, db_text(st, 5), sizeof(z->mailproxy));
	z->serial = sqlite3_column_int64(st, 6);
	z->bmx = sqlite3_column_int(st, 7);
	z->nrec = sqlite3_column_int64(st, 8);
}

int
zone_list(struct db *db, const struct actor *who, struct zone_info **list,
    size_t *n)
{
	struct zone_info *v = NULL, *nv;
	sqlite3_stmt *st;
	size_t cnt = 0, cap = 0;
	int rc;

	*list = NULL;
	*n = 0;
	st = db_prepare(db, "SELECT " ZONE_COLS "WHERE ? = 1 OR d.account_id "
	    "= ? ORDER BY d.name", "iI", who->admin, who->account_id);
	if (st == NULL)
		return STORE_ERROR;
	while ((rc = db_step(db, st)) == 1) {
		if (cnt == cap) {
			cap = cap ? cap * 2 : 16;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL) {
				db_done(db, st);
				free(v);
				return store_fail(db, STORE_ERROR, "out of memory");
			}
			v = nv;
		}
		zst_info_row(st, &v[cnt++]);
	}
	if (rc == -1) {
		free(v);
		return STORE_ERROR;
	}
	*list = v;
	*n = cnt;
	return STORE_OK;
}

int
zone_get(struct db *db, const struct actor *who, const char *domain,
    struct zone_info *z)
{
	char a[VALID_NAME_MAX];
	sqlite3_stmt *st;
	int rc;

	memset(z, 0, sizeof(*z));
	if (domain == NULL || valid_domain(domain, a, NULL, NULL) == -1)
		return store_fail(db, STORE_NOTFOUND, "no such zone");
	st = db_prepare(db, "SELECT " ZONE_COLS "WHERE d.name = ? AND "
	    "(? = 1 OR d.account_id = ?)", "siI", a, who->admin,
	    who->account_id);
	if (st == NULL || (rc = db_step(db, st)) == -1)
		return STORE_ERROR;
	if (rc == 0)
		return store_fail(db, STORE_NOTFOUND, "no zone %s", a);
	zst_info_row(st, z);
	db_done(db, st);
	return STORE_OK;
}

/* --- records -------------------------------------------------------------- */

static void
zst_rec_row(sqlite3_stmt *st, struct zone_rec *r)
{
	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(st, 0);
	util_strlcpy(r->name, db_text(st, 1), sizeof(r->name));
	util_strlcpy(r->type, db_text(st, 2), sizeof(r->type));
	r->ttl = (long)sqlite3_column_int64(st, 3);
	r->pref = sqlite3_column_int(st, 4);
	util_strlcpy(r->value, db_text(st, 5), sizeof(r->value));
	r->provisioned = sqlite3_column_int(st, 6);
}

/* Every record of a zone, in display order. */
static int
zst_load(struct db *db, int64_t domain_id, struct zone_rec **list, size_t *n)
{
	struct zone_rec *v = NULL, *nv;
	sqlite3_stmt *st;
	size_t cnt = 0, cap = 0;
	int rc;

	*list = NULL;
	*n = 0;
	st = db_prepare(db, "SELECT id, name, type, ttl, coalesce(pref, 0), "
	    "value, provisioned FROM zone_record WHERE domain_id = ? ORDER BY "
	    "name <> '@', name, CASE type WHEN 'MX' THEN 0 WHEN 'A' THEN 1 "
	    "WHEN 'AAAA' THEN 2 WHEN 'CNAME' THEN 3 ELSE 4 END, pref, value",
	    "I", domain_id);
	if (st == NULL)
		return STORE_ERROR;
	while ((rc = db_step(db, st)) == 1) {
		if (cnt == cap) {
			cap = cap ? cap * 2 : 16;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL) {
				db_done(db, st);
				free(v);
				return store_fail(db, STORE_ERROR, "out of memory");
			}
			v = nv;
		}
		zst_rec_row(st, &v[cnt++]);
	}
	if (rc == -1) {
		free(v);
		return STORE_ERROR;
	}
	*list = v;
	*n = cnt;
	return STORE_OK;
}

int
zone_records(struct db *db, const struct actor *who, const char *domain,
    struct zone_rec **list, size_t *n)
{
	struct zone_info z;
	int rc;

	*list = NULL;
	*n = 0;
	if ((rc = zone_get(db, who, domain, &z)) != STORE_OK)
		return rc;
	return zst_load(db, z.domain_id, list, n);
}

int
zone_record_get(struct db *db, const struct actor *who, const char *domain,
    int64_t id, struct zone_rec *r)
{
	struct zone_info z;
	sqlite3_stmt *st;
	int rc;

	if ((rc = zone_get(db, who, domain, &z)) != STORE_OK)
		return rc;
	st = db_prepare(db, "SELECT id, name, type, ttl, coalesce(pref, 0), "
	    "value, provisioned FROM zone_record WHERE id = ? AND "
	    "domain_id = ?", "II", id, z.domain_id);
	if (st == NULL || (rc = db_step(db, st)) == -1)
		return STORE_ERROR;
	if (rc == 0)
		return store_fail(db, STORE_NOTFOUND, "no such record");
	zst_rec_row(st, r);
	db_done(db, st);
	return STORE_OK;
}

/* Raise the zone's serial (inside the open transaction). */
static int
zst_touch(struct db *db, int64_t domain_id)
{
	sqlite3_stmt *st;
	int64_t old = 0, next;
	int rc;

	st = db_prepare(db, "SELECT serial FROM zone_serial WHERE domain_id = "
	    "?", "I", domain_id);
	if (st == NULL || (rc = db_step(db, st)) == -1)
		return STORE_ERROR;
	if (rc == 1) {
		old = sqlite3_column_int64(st, 0);
		db_done(db, st);
	}
	next = zone_serial_next(old, util_now());
	if (rc == 1)
		st = db_prepare(db, "UPDATE zone_serial SET serial = ? WHERE "
		    "domain_id = ?", "II", next, domain_id);
	else
		st = db_prepare(db, "INSERT INTO zone_serial (serial, "
		    "domain_id) VALUES (?, ?)", "II", next, domain_id);
	if (st == NULL || db_run(db, st, NULL) == -1)
		return STORE_ERROR;
	return STORE_OK;
}

static int
zst_insert(struct db *db, int64_t domain_id, const struct zone_rec *r,
    int provisioned, int64_t *id)
{
	sqlite3_stmt *st;
	int64_t now = util_now();
	int mx = strcmp(r->type, "MX") == 0;

	st = db_prepare(db, "INSERT INTO zone_record (domain_id, name, type, "
	    "ttl, pref, value, provisioned, created, updated) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?, ?)", "IssIisiII", domain_id, r->name,
	    r->type, (int64_t)r->ttl, r->pref, r->value, provisioned, now, now);
	if (st != NULL && !mx)
		sqlite3_bind_null(st, 5);
	if (st == NULL || db_run(db, st, NULL) == -1)
		return STORE_ERROR;
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(db->h);
	return STORE_OK;
}

/* "www MX 10 mail.example.de." for the audit log. */
static void
zst_describe(const struct zone_rec *r, char *buf, size_t sz)
{
	if (strcmp(r->type, "MX") == 0)
		snprintf(buf, sz, "%s %ld MX %d %s", r->name, r->ttl, r->pref,
		    r->value);
	else
		snprintf(buf, sz, "%s %ld %s %.200s", r->name, r->ttl, r->type,
		    r->value);
}

/*
 * Begin a change of a managed zone: the zone (scoped) and its records.
 * On failure the transaction is rolled back and the reason is in err.
 */
static int
zst_open(struct db *db, const struct actor *who, const char *domain,
    struct zone_info *z, struct zone_rec **recs, size_t *n)
{
	int rc;

	*recs = NULL;
	*n = 0;
	if (db_begin(db) == -1)
		return STORE_ERROR;
	if ((rc = zone_get(db, who, domain, z)) != STORE_OK)
		return store_abort(db, rc);
	if (z->external) {
		db_rollback(db);
		return store_fail(db, STORE_INVALID, "The zone of %s is not "
		    "managed here: its DNS is hosted elsewhere.", z->idn);
	}
	if ((rc = zst_load(db, z->domain_id, recs, n)) != STORE_OK)
		return store_abort(db, rc);
	return STORE_OK;
}

int
zone_record_add(struct db *db, const struct actor *who, const char *domain,
    const struct zone_rec *rec, int64_t *id_out)
{
	struct zone_info z;
	struct zone_rec *recs, r = *rec;
	char msg[ZONE_MSG_MAX], detail[300];
	size_t n;
	int rc;

	r.id = 0;
	if ((rc = zst_open(db, who, domain, &z, &recs, &n)) != STORE_OK)
		return rc;
	rc = zone_rec_conflict(z.domain, &r, recs, n, msg);
	free(recs);
	if (rc == -1) {
		db_rollback(db);
		return store_fail(db, STORE_INVALID, "%s", msg);
	}
	if (zst_insert(db, z.domain_id, &r, 0, id_out) != STORE_OK ||
	    zst_touch(db, z.domain_id) != STORE_OK)
		return store_abort(db, STORE_ERROR);
	zst_describe(&r, detail, sizeof(detail));
	return store_finish(db, who, "zone.record.add", z.domain, detail);
}

static int
zst_find(const struct zone_rec *recs, size_t n, int64_t id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (recs[i].id == id)
			return (int)i;
	return -1;
}

int
zone_record_update(struct db *db, const struct actor *who, const char *domain,
    int64_t id, const struct zone_rec *rec)
{
	struct zone_info z;
	struct zone_rec *recs, r = *rec;
	char msg[ZONE_MSG_MAX], detail[300];
	sqlite3_stmt *st;
	size_t n;
	int rc, at, keep;

	r.id = id;
	if ((rc = zst_open(db, who, domain, &z, &recs, &n)) != STORE_OK)
		return rc;
	if ((at = zst_find(recs, n, id)) < 0) {
		free(recs);
		db_rollback(db);
		return store_fail(db, STORE_NOTFOUND, "no such record");
	}
	keep = recs[at].provisioned && strcmp(r.type, "MX") == 0 &&
	    valid_name_eq(r.value, recs[at].value);
	rc = zone_rec_conflict(z.domain, &r, recs, n, msg);
	free(recs);
	if (rc == -1) {
		db_rollback(db);
		return store_fail(db, STORE_INVALID, "%s", msg);
	}
	st = db_prepare(db, "UPDATE zone_record SET name = ?, type = ?, ttl = "
	    "?, pref = ?, value = ?, provisioned = ?, updated = ? WHERE id = ? "
	    "AND domain_id = ?", "ssIisiIII", r.name, r.type, (int64_t)r.ttl,
	    r.pref, r.value, keep, util_now(), id, z.domain_id);
	if (st != NULL && strcmp(r.type, "MX") != 0)
		sqlite3_bind_null(st, 4);
	if (st == NULL || db_run(db, st, NULL) == -1 ||
	    zst_touch(db, z.domain_id) != STORE_OK)
		return store_abort(db, STORE_ERROR);
	zst_describe(&r, detail, sizeof(detail));
	return store_finish(db, who, "zone.record.edit", z.domain, detail);
}

int
zone_record_del(struct db *db, const struct actor *who, const char *domain,
    int64_t id)
{
	struct zone_info z;
	struct zone_rec *recs;
	char detail[300];
	sqlite3_stmt *st;
	size_t n;
	int rc, at;

	if ((rc = zst_open(db, who, domain, &z, &recs, &n)) != STORE_OK)
		return rc;
	if ((at = zst_find(recs, n, id)) < 0) {
		free(recs);
		db_rollback(db);
		return store_fail(db, STORE_NOTFOUND, "no such record");
	}
	zst_describe(&recs[at], detail, sizeof(detail));
	free(recs);
	st = db_prepare(db, "DELETE FROM zone_record WHERE id = ? AND "
	    "domain_id = ?", "II", id, z.domain_id);
	if (st == NULL || db_run(db, st, NULL) == -1 ||
	    zst_touch(db, z.domain_id) != STORE_OK)
		return store_abort(db, STORE_ERROR);
	return store_finish(db, who, "zone.record.del", z.domain, detail);
}

/* --- the BackupMX set ----------------------------------------------------- */

/* Remove the apex MX records for our backup hosts. */
static int
zst_drop_backup(struct db *db, int64_t domain_id, char (*bk)[VALID_NAME_MAX],
    size_t nb)
{
	char host[VALID_NAME_MAX + 1];
	sqlite3_stmt *st;
	size_t i;

	for (i = 0; i < nb; i++) {
		snprintf(host, sizeof(host), "%s.", bk[i]);
		st = db_prepare(db, "DELETE FROM zone_record WHERE domain_id = "
		    "? AND name = '@' AND type = 'MX' AND lower(value) = ?",
		    "Is", domain_id, host);
		if (st == NULL || db_run(db, st, NULL) == -1)
			return STORE_ERROR;
	}
	return STORE_OK;
}

/* The first use of our nb backup hosts at 20, 30, 40 ... (provisioned),
 * replacing any MX record of the apex for one of them; detail lists them. */
static int
zst_add_backup(struct db *db, int64_t domain_id, char (*bk)[VALID_NAME_MAX],
    size_t nb, size_t use, struct sbuf *detail)
{
	struct zone_rec r;
	size_t i;

	if (zst_drop_backup(db, domain_id, bk, nb) != STORE_OK)
		return STORE_ERROR;
	for (i = 0; i < use && i < nb; i++) {
		memset(&r, 0, sizeof(r));
		strcpy(r.name, "@");
		strcpy(r.type, "MX");
		r.ttl = ZONE_TTL_DEFAULT;
		r.pref = zone_backup_pref(i);
		snprintf(r.value, sizeof(r.value), "%s.", bk[i]);
		if (zst_insert(db, domain_id, &r, 1, NULL) != STORE_OK)
			return STORE_ERROR;
		sbuf_printf(detail, "%sMX %d %s", detail->len ? ", " : "",
		    r.pref, r.value);
	}
	return STORE_OK;
}

/* An apex MX record for host (with its dot) at pref 10: an existing one
 * is moved to 10, else one is added. */
static int
zst_primary(struct db *db, int64_t domain_id, const struct zone_rec *recs,
    size_t n, const char *host)
{
	struct zone_rec r;
	sqlite3_stmt *st;
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(recs[i].name, "@") == 0 &&
		    strcmp(recs[i].type, "MX") == 0 &&
		    valid_name_eq(recs[i].value, host)) {
			st = db_prepare(db, "UPDATE zone_record SET pref = 10, "
			    "updated = ? WHERE id = ?", "II", util_now(),
			    recs[i].id);
			return st == NULL || db_run(db, st, NULL) == -1 ?
			    STORE_ERROR : STORE_OK;
		}
	memset(&r, 0, sizeof(r));
	strcpy(r.name, "@");
	strcpy(r.type, "MX");
	r.ttl = ZONE_TTL_DEFAULT;
	r.pref = 10;
	util_strlcpy(r.value, host, sizeof(r.value));
	return zst_insert(db, domain_id, &r, 0, NULL);
}

/* Remove the apex's own MX records other than keep (MailProxy). */
static int
zst_drop_others(struct db *db, const struct zone_rec *recs, size_t n,
    const char *keep, char (*bk)[VALID_NAME_MAX], size_t nb)
{
	sqlite3_stmt *st;
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(recs[i].name, "@") != 0 ||
		    strcmp(recs[i].type, "MX") != 0 ||
		    valid_name_eq(recs[i].value, keep) ||
		    strcmp(zone_mx_role(recs[i].value, bk, nb, NULL),
		    "BackupMX") == 0)
			continue;
		st = db_prepare(db, "DELETE FROM zone_record WHERE id = ?", "I",
		    recs[i].id);
		if (st == NULL || db_run(db, st, NULL) == -1)
			return STORE_ERROR;
	}
	return STORE_OK;
}

/* The primary of "Add BackupMX entries" into host (with its dot). */
static int
zst_pick_primary(struct db *db, const struct zone_info *z,
    const struct zone_rec *recs, size_t n, const char *primary,
    char (*bk)[VALID_NAME_MAX], size_t nb, char *host)
{
	char err[VALID_ERR_MAX];
	int best = -1;
	size_t i;

	host[0] = '\0';
	if (z->mailproxy[0] != '\0') {
		snprintf(host, VALID_NAME_MAX, "%s.", z->mailproxy);
		return STORE_OK;
	}
	if (primary != NULL && primary[0] != '\0') {
		if (valid_fqdn_dot(primary, host, err) == -1)
			return store_fail(db, STORE_INVALID, "Mail server: %s",
			    err);
		return STORE_OK;
	}
	for (i = 0; i < n; i++)
		if (strcmp(recs[i].name, "@") == 0 &&
		    strcmp(recs[i].type, "MX") == 0 &&
		    strcmp(zone_mx_role(recs[i].value, bk, nb, NULL),
		    "BackupMX") != 0 && (best < 0 || recs[i].pref < best)) {
			best = recs[i].pref;
			util_strlcpy(host, recs[i].value, VALID_NAME_MAX);
		}
	if (best < 0)
		return store_fail(db, STORE_INVALID, "Enter your mail server "
		    "(the host that receives the mail, at MX 10), fully "
		    "qualified with its final dot: mail.%s.", z->domain);
	return STORE_OK;
}

int
zone_bmx_set(struct db *db, const struct actor *who, const char *domain,
    const char *primary, int all)
{
	char bk[ZONE_BACKUP_MAX][VALID_NAME_MAX], host[VALID_NAME_MAX];
	struct zone_info z;
	struct zone_rec *recs;
	struct sbuf detail;
	size_t n, nb = zone_backup_hosts(bk, ZONE_BACKUP_MAX);
	char *d;
	int rc;

	if ((rc = zst_open(db, who, domain, &z, &recs, &n)) != STORE_OK)
		return rc;
	if (nb == 0 || (rc = zst_pick_primary(db, &z, recs, n, primary, bk, nb,
	    host)) != STORE_OK) {
		free(recs);
		if (nb == 0)
			store_fail(db, STORE_INVALID, "No backup MX hosts are "
			    "configured (mx_names).");
		return store_abort(db, STORE_INVALID);
	}
	rc = zst_primary(db, z.domain_id, recs, n, host);
	if (rc == STORE_OK && z.mailproxy[0] != '\0')
		rc = zst_drop_others(db, recs, n, host, bk, nb);
	free(recs);
	sbuf_init(&detail);
	sbuf_printf(&detail, "MX 10 %s", host);
	if (rc != STORE_OK || zst_add_backup(db, z.domain_id, bk, nb,
	    all ? nb : 1, &detail) != STORE_OK || zst_touch(db, z.domain_id) != STORE_OK) {
		sbuf_free(&detail);
		return store_abort(db, STORE_ERROR);
	}
	d = sbuf_finish(&detail);
	rc = store_finish(db, who, "zone.backupmx", z.domain, d);
	free(d);
	return rc;
}

int
zone_set_mailproxy(struct db *db, const struct actor *who, const char *domain,
    const char *host)
{
	char h[VALID_NAME_MAX], buf[VALID_NAME_MAX], err[VALID_ERR_MAX];
	struct zone_info z;
	sqlite3_stmt *st;
	size_t len;
	int rc;

	h[0] = '\0';
	if (host != NULL && host[0] != '\0') {
		util_strlcpy(buf, host, sizeof(buf));
		if ((len = strlen(buf)) > 1 && buf[len - 1] == '.')
			buf[len - 1] = '\0';
		if (valid_hostname(buf, h, err) == -1)
			return store_fail(db, STORE_INVALID, "%s", err);
	}
	if (db_begin(db) == -1)
		return STORE_ERROR;
	if ((rc = zone_get(db, who, domain, &z)) != STORE_OK)
		return store_abort(db, rc);
	st = db_prepare(db, "UPDATE domain SET mailproxy = ?, updated = ? "
	    "WHERE id = ?", "sII", h[0] != '\0' ? h : NULL, util_now(),
	    z.domain_id);
	if (st == NULL || db_run(db, st, NULL) == -1)
		return store_abort(db, STORE_ERROR);
	return store_finish(db, who, "domain.mailproxy", z.domain,
	    h[0] != '\0' ? h : "(none)");
}

int
zone_export(struct db *db, const struct actor *who, const char *domain,
    const char *nameservers, const char *hostmaster, char **text)
{
	struct zone_soa soa;
	struct zone_info z;
	struct zone_rec *recs;
	size_t n;
	int rc;

	*text = NULL;
	if ((rc = zone_get(db, who, domain, &z)) != STORE_OK)
		return rc;
	if (z.external)
		return store_fail(db, STORE_INVALID, "the zone of %s is not "
		    "managed here (external domain)", z.domain);
	if ((rc = zst_load(db, z.domain_id, &recs, &n)) != STORE_OK)
		return rc;
	soa.origin = z.domain;
	soa.serial = z.serial;
	soa.nameservers = nameservers;
	soa.hostmaster = hostmaster;
	*text = zone_render(&soa, recs, n);
	free(recs);
	if (*text == NULL)
		return store_fail(db, STORE_ERROR, "cannot write the zone: check "
		    "zone_nameservers and zone_hostmaster");
	return STORE_OK;
}

/* --- provisioning --------------------------------------------------------- */

/* Who provisioned: the account that activated BackupMX, or the CLI. */
static int
zst_updater(struct db *db, int64_t id, struct actor *a, char *name)
{
	sqlite3_stmt *st;
	int rc;

	*a = actor_cli;
	if (id == 0)
		return STORE_OK;
	st = db_prepare(db, "SELECT name, role = 'admin' FROM account WHERE "
	    "id = ?", "I", id);
	if (st == NULL || (rc = db_step(db, st)) == -1)
		return STORE_ERROR;
	if (rc == 1) {
		util_strlcpy(name, db_text(st, 0), ACCOUNT_NAME_MAX);
		a->account_id = id;
		a->name = name;
		a->client = NULL;
		a->admin = sqlite3_column_int(st, 1);
		db_done(db, st);
	}
	return STORE_OK;
}

/* The MailProxy host at 10 when the zone has no MX record for it. */
static int
zst_provision_proxy(struct db *db, int64_t domain_id, const char *proxy,
    struct sbuf *detail)
{
	char host[VALID_NAME_MAX + 1];
	sqlite3_stmt *st;
	int rc;

	if (proxy[0] == '\0')
		return STORE_OK;
	snprintf(host, sizeof(host), "%s.", proxy);
	st = db_prepare(db, "SELECT 1 FROM zone_record WHERE domain_id = ? AND "
	    "name = '@' AND type = 'MX' AND lower(value) = ?", "Is", domain_id,
	    host);
	if (st == NULL || (rc = db_step(db, st)) == -1)
		return STORE_ERROR;
	if (rc == 1) {
		db_done(db, st);
		return STORE_OK;
	}
	sbuf_printf(detail, ", MX 10 %s (MailProxy)", host);
	return zst_primary(db, domain_id, NULL, 0, host);
}

int
store_zone_provision(struct db *db, int64_t domain_id, int64_t updater_id)
{
	char bk[ZONE_BACKUP_MAX][VALID_NAME_MAX], proxy[VALID_NAME_MAX];
	char alabel[VALID_NAME_MAX], name[ACCOUNT_NAME_MAX];
	size_t nb = zone_backup_hosts(bk, ZONE_BACKUP_MAX);
	struct actor who;
	struct sbuf detail;
	sqlite3_stmt *st;
	char *d;
	int rc, external;

	st = db_prepare(db, "SELECT external, name, coalesce(mailproxy, '') "
	    "FROM domain WHERE id = ?", "I", domain_id);
	if (st == NULL || (rc = db_step(db, st)) == -1)
		return STORE_ERROR;
	if (rc == 0)
		return STORE_OK;
	external = sqlite3_column_int(st, 0);
	util_strlcpy(alabel, db_text(st, 1), sizeof(alabel));
	util_strlcpy(proxy, db_text(st, 2), sizeof(proxy));
	db_done(db, st);
	if (external || nb == 0)
		return STORE_OK;
	sbuf_init(&detail);
	if (zst_add_backup(db, domain_id, bk, nb, nb, &detail) != STORE_OK ||
	    zst_provision_proxy(db, domain_id, proxy, &detail) != STORE_OK ||
	    zst_touch(db, domain_id) != STORE_OK ||
	    zst_updater(db, updater_id, &who, name) != STORE_OK) {
		sbuf_free(&detail);
		return STORE_ERROR;
	}
	d = sbuf_finish(&detail);
	rc = audit_add(db, &who, "zone.provision", alabel, d);
	free(d);
	return rc;
}

int
store_zone_unprovision(struct db *db, const struct actor *who,
    const char *alabel)
{
	sqlite3_stmt *st;
	char detail[48];
	int64_t domain_id;
	int rc, gone;

	st = db_prepare(db, "SELECT id FROM domain WHERE name = ?", "s", alabel);
	if (st == NULL || (rc = db_step(db, st)) == -1)
		return STORE_ERROR;
	if (rc == 0)
		return STORE_OK;
	domain_id = sqlite3_column_int64(st, 0);
	db_done(db, st);
	st = db_prepare(db, "DELETE FROM zone_record WHERE domain_id = ? AND "
	    "provisioned = 1", "I", domain_id);
	if (st == NULL || db_run(db, st, NULL) == -1)
		return STORE_ERROR;
	if ((gone = sqlite3_changes(db->h)) == 0)
		return STORE_OK;
	if (zst_touch(db, domain_id) != STORE_OK)
		return STORE_ERROR;
	snprintf(detail, sizeof(detail), "%d MX record%s removed", gone,
	    gone == 1 ? "" : "s");
	return audit_add(db, who, "zone.unprovision", alabel, detail);
}
