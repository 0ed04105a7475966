/*
 * store_admin — account list, disable/enable, contact address.
 * See store_admin.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_admin.h"
#include "util.h"

static int
admin_refuse(struct db *db, int rc, const char *why)
{
	util_strlcpy(db->err, why, sizeof(db->err));
	return rc;
}

static void
account_row_read(sqlite3_stmt *st, struct account_row *r)
{
	memset(r, 0, sizeof(*r));
	r->a.id = sqlite3_column_int64(st, 0);
	util_strlcpy(r->a.name, db_text(st, 1), sizeof(r->a.name));
	r->a.admin = strcmp(db_text(st, 2), "admin") == 0;
	r->a.disabled = sqlite3_column_int(st, 3);
	util_strlcpy(r->a.email, db_text(st, 4), sizeof(r->a.email));
	r->a.created = sqlite3_column_int64(st, 5);
	r->domains = sqlite3_column_int64(st, 6);
}

int
account_list(struct db *db, const struct actor *who, int64_t offset,
    int64_t limit, struct account_row **list, size_t *n)
{
	struct account_row *v = NULL, *nv;
	sqlite3_stmt *st;
	int rc;

	*list = NULL;
	*n = 0;
	if (!who->admin)
		return admin_refuse(db, STORE_NOTFOUND, "not found");
	if (offset < 0 || limit < 0)
		return admin_refuse(db, STORE_INVALID, "bad page");
	st = db_prepare(db, "SELECT a.id, a.name, a.role, a.disabled, "
	    "a.email, a.created, (SELECT count(*) FROM domain d WHERE "
	    "d.account_id = a.id) FROM account a ORDER BY a.name "
	    "LIMIT ? OFFSET ?", "II", limit, offset);
	if (st == NULL)
		return STORE_ERROR;
	while ((rc = db_step(db, st)) == 1) {
		if ((nv = realloc(v, (*n + 1) * sizeof(*v))) == NULL) {
			db_done(db, st);
			rc = admin_refuse(db, -1, "out of memory");
			break;
		}
		v = nv;
		account_row_read(st, &v[(*n)++]);
	}
	if (rc == -1) {
		free(v);
		*n = 0;
		return STORE_ERROR;
	}
	*list = v;
	return STORE_OK;
}

void
account_list_free(struct account_row *list)
{
	free(list);
}

/* The account's id and state; STORE_NOTFOUND when there is none. */
static int
admin_account_state(struct db *db, const char *name, int64_t *id,
    int *disabled)
{
	sqlite3_stmt *st;
	int rc;

	st = db_prepare(db, "SELECT id, disabled FROM account WHERE name = ?",
	    "s", name);
	if (st == NULL || (rc = db_step(db, st)) == -1)
		return STORE_ERROR;
	if (rc == 0) {
		snprintf(db->err, sizeof(db->err), "no user \"%.64s\"", name);
		return STORE_NOTFOUND;
	}
	*id = sqlite3_column_int64(st, 0);
	*disabled = sqlite3_column_int(st, 1);
	db_done(db, st);
	return STORE_OK;
}

int
account_set_disabled(struct db *db, const struct actor *who,
    const char *name, int disabled)
{
	sqlite3_stmt *st;
	int64_t id;
	int now_disabled, rc;

	if (!who->admin)
		return admin_refuse(db, STORE_NOTFOUND, "not found");
	disabled = disabled != 0;
	if (db_begin(db) == -1)
		return STORE_ERROR;
	if ((rc = admin_account_state(db, name, &id, &now_disabled)) !=
	    STORE_OK) {
		db_rollback(db);
		return rc;
	}
	if (disabled && id == who->account_id) {
		db_rollback(db);
		return admin_refuse(db, STORE_INVALID, "you cannot disable "
		    "your own account");
	}
	if (now_disabled == disabled) {
		db_rollback(db);
		return STORE_OK;
	}
	st = db_prepare(db, "UPDATE account SET disabled = ?, updated = ? "
	    "WHERE id = ?", "iII", disabled, util_now(), id);
	if (st == NULL || db_run(db, st, NULL) == -1)
		goto fail;
	/* A disabled account is out at once, not at its next idle expiry. */
	if (disabled && ((st = db_prepare(db, "DELETE FROM session WHERE "
	    "account_id = ?", "I", id)) == NULL || db_run(db, st, NULL) == -1))
		goto fail;
	if (audit_add(db, who, disabled ? "account.disable" :
	    "account.enable", name, NULL) != STORE_OK || db_commit(db) == -1)
		goto fail;
	return STORE_OK;
fail:
	db_rollback(db);
	return STORE_ERROR;
}

int
account_set_email(struct db *db, const struct actor *who, const char *email)
{
	char mail[VALID_ADDR_MAX], err[VALID_ERR_MAX], detail[VALID_ADDR_MAX + 8];
	sqlite3_stmt *st;
	int clear = email == NULL || *email == '\0';

	if (who->account_id <= 0)
		return admin_refuse(db, STORE_NOTFOUND, "no account");
	if (!clear && valid_email(email, mail, err) == -1)
		return admin_refuse(db, STORE_INVALID, err);
	if (db_begin(db) == -1)
		return STORE_ERROR;
	st = db_prepare(db, "UPDATE account SET email = ?, updated = ? "
	    "WHERE id = ?", "sII", clear ? NULL : mail, util_now(),
	    who->account_id);
	snprintf(detail, sizeof(detail), "email=%s", clear ? "" : mail);
	if (st == NULL || db_run(db, st, NULL) == -1 ||
	    sqlite3_changes(db->h) != 1 ||
	    audit_add(db, who, "account.email", who->name, detail) !=
	    STORE_OK || db_commit(db) == -1) {
		db_rollback(db);
		return STORE_ERROR;
	}
	return STORE_OK;
}
