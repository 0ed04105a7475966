/*
 * store_domain — portfolio domains and their BackupMX records.  See store.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_zone.h"
#include "util.h"

/* Validate a domain as typed; fills alabel and ulabel or db->err. */
static int
store_domain_name(struct db *db, const char *in, char *alabel, char *ulabel)
{
	char err[VALID_ERR_MAX];

	if (valid_domain(in, alabel, ulabel, err) == -1)
		return store_fail(db, STORE_INVALID, "%s", err);
	return STORE_OK;
}

int
store_domain_insert(struct db *db, const char *alabel, const char *ulabel,
    int64_t owner_id, int external, int64_t *id, int *dup)
{
	sqlite3_stmt *st;
	int64_t now = util_now();

	st = db_prepare(db, "INSERT INTO domain (name, idn, account_id, "
	    "external, created, updated) VALUES (?, ?, ?, ?, ?, ?)", "ssIiII",
	    alabel, ulabel, owner_id, external ? 1 : 0, now, now);
	if (st == NULL || db_run(db, st, dup) == -1)
		return STORE_ERROR;
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(db->h);
	return STORE_OK;
}

int
store_bmx_insert(struct db *db, int64_t domain_id, const char *alabel,
    const char *ulabel, int64_t owner_id, int64_t updater_id,
    const char *delivery_host, int *dup)
{
	sqlite3_stmt *st;
	int64_t now = util_now();

	st = db_prepare(db, "INSERT INTO backupmx (domain_id, domain, idn, "
	    "created, updated, owner_id, updater_id, delivery_host) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?)", "IssIIIIs", domain_id, alabel, ulabel,
	    now, now, owner_id, updater_id, delivery_host);
	if (st != NULL && updater_id == 0)
		sqlite3_bind_null(st, 7);	/* backupmxctl */
	if (st == NULL || db_run(db, st, dup) == -1)
		return STORE_ERROR;
	/* A managed zone gets our MX records in the same transaction. */
	return store_zone_provision(db, domain_id, updater_id);
}

int
domain_add(struct db *db, const struct actor *who, const char *domain,
    const char *owner, int external, int64_t *id)
{
	char alabel[VALID_NAME_MAX], ulabel[VALID_NAME_MAX * 4];
	struct account a;
	int rc, dup = 0;

	if ((rc = store_domain_name(db, domain, alabel, ulabel)) != STORE_OK ||
	    (rc = account_find(db, owner, &a)) != STORE_OK)
		return rc;
	if (!who->admin && a.id != who->account_id)
		return store_fail(db, STORE_NOTFOUND, "no user \"%.64s\"", owner);
	if (db_begin(db) == -1)
		return STORE_ERROR;
	if (store_domain_insert(db, alabel, ulabel, a.id, external, id,
	    &dup) != STORE_OK) {
		db_rollback(db);
		return dup ? store_fail(db, STORE_EXISTS, "domain %s is already "
		    "in a portfolio", alabel) : STORE_ERROR;
	}
	return store_finish(db, who, "domain.add", alabel,
	    external ? "external" : "managed");
}

/* Normalise "host[:port]" for storage: "host" or "host:port". */
static int
store_delivery_host(struct db *db, const char *in, char *out, size_t outsz)
{
	char err[VALID_ERR_MAX];

	if (valid_hostport_norm(in, out, outsz, err) == -1)
		return store_fail(db, STORE_INVALID, "delivery host: %s", err);
	return STORE_OK;
}

int
bmx_add(struct db *db, const struct actor *who, const char *domain,
    const char *deliver_to)
{
	char alabel[VALID_NAME_MAX], ulabel[VALID_NAME_MAX * 4];
	char dhost[VALID_NAME_MAX + 16];
	sqlite3_stmt *st;
	int64_t dom_id, owner_id;
	int rc, dup = 0;

	if ((rc = store_domain_name(db, domain, alabel, ulabel)) != STORE_OK ||
	    (deliver_to != NULL && (rc = store_delivery_host(db, deliver_to,
	    dhost, sizeof(dhost))) != STORE_OK))
		return rc;
	if (db_begin(db) == -1)
		return STORE_ERROR;
	st = db_prepare(db, "SELECT id, account_id FROM domain WHERE name = ? "
	    "AND (? = 1 OR account_id = ?)", "siI", alabel, who->admin,
	    who->account_id);
	if (st == NULL || (rc = db_step(db, st)) != 1) {
		db_rollback(db);
		return rc == 0 ? store_fail(db, STORE_NOTFOUND, "domain %s is "
		    "not in the portfolio", alabel) : STORE_ERROR;
	}
	dom_id = sqlite3_column_int64(st, 0);
	owner_id = sqlite3_column_int64(st, 1);
	db_done(db, st);
	if (store_bmx_insert(db, dom_id, alabel, ulabel, owner_id,
	    who->account_id, deliver_to != NULL ? dhost : NULL, &dup) !=
	    STORE_OK) {
		db_rollback(db);
		return dup ? store_fail(db, STORE_EXISTS, "BackupMX for %s "
		    "already exists", alabel) : STORE_ERROR;
	}
	return store_finish(db, who, "backupmx.add", alabel,
	    deliver_to != NULL ? dhost : NULL);
}

int
bmx_del(struct db *db, const struct actor *who, const char *domain)
{
	char alabel[VALID_NAME_MAX], ulabel[VALID_NAME_MAX * 4];
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_domain_name(db, domain, alabel, ulabel)) != STORE_OK)
		return rc;
	if (db_begin(db) == -1)
		return STORE_ERROR;
	st = db_prepare(db, "DELETE FROM backupmx WHERE domain = ? AND "
	    "(? = 1 OR owner_id = ?)", "siI", alabel, who->admin,
	    who->account_id);
	if (st == NULL || db_run(db, st, NULL) == -1) {
		db_rollback(db);
		return STORE_ERROR;
	}
	if (sqlite3_changes(db->h) == 0) {
		db_rollback(db);
		return store_fail(db, STORE_NOTFOUND, "no BackupMX for %s",
		    alabel);
	}
	if (store_zone_unprovision(db, who, alabel) != STORE_OK) {
		db_rollback(db);
		return STORE_ERROR;
	}
	return store_finish(db, who, "backupmx.del", alabel, NULL);
}

int
bmx_list(struct db *db, const struct actor *who, struct bmx **list, size_t *n)
{
	sqlite3_stmt *st;
	struct bmx *v = NULL, *nv;
	size_t cnt = 0, cap = 0;
	int rc;

	*list = NULL;
	*n = 0;
	st = db_prepare(db, "SELECT " BMX_COLS BMX_FROM "WHERE ? = 1 OR "
	    "b.owner_id = ? ORDER BY b.domain", "iI",
	    who->admin, who->account_id);
	if (st == NULL)
		return STORE_ERROR;
	while ((rc = db_step(db, st)) == 1) {
		if (cnt == cap) {
			cap = cap ? cap * 2 : 16;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL) {
				db_done(db, st);
				free(v);
				return store_fail(db, STORE_ERROR, "%s",
				    "out of memory");
			}
			v = nv;
		}
		bmx_read(st, &v[cnt++]);
	}
	if (rc == -1) {
		free(v);
		return STORE_ERROR;
	}
	*list = v;
	*n = cnt;
	return STORE_OK;
}

void
bmx_list_free(struct bmx *list)
{
	free(list);
}
