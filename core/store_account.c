/*
 * store_account — accounts and the audit log.  See store.h.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "store.h"
#include "util.h"

const struct actor actor_cli = { 0, "backupmxctl", "local", 1 };

int
account_valid_name(const char *name, char *err)
{
	size_t i, n = name != NULL ? strlen(name) : 0;

	if (n == 0 || n >= ACCOUNT_NAME_MAX) {
		snprintf(err, VALID_ERR_MAX, "a user name has 1 to %d characters",
		    ACCOUNT_NAME_MAX - 1);
		return -1;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (islower(c) || isdigit(c) ||
		    (i > 0 && (c == '.' || c == '_' || c == '-')))
			continue;
		snprintf(err, VALID_ERR_MAX, "a user name is made of a-z, 0-9, "
		    "'.', '_' and '-', and starts with a letter or digit");
		return -1;
	}
	return 0;
}

int
audit_add(struct db *db, const struct actor *who, const char *action,
    const char *object, const char *detail)
{
	sqlite3_stmt *st;

	st = db_prepare(db, "INSERT INTO audit_log (at, account_id, actor, "
	    "client, action, object, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
	    "Isssss" "s", util_now(), (int64_t)0, who->name, who->client,
	    action, object, detail);
	if (st == NULL)
		return STORE_ERROR;
	if (who->account_id > 0)
		sqlite3_bind_int64(st, 2, who->account_id);
	else
		sqlite3_bind_null(st, 2);
	return db_run(db, st, NULL) == 0 ? STORE_OK : STORE_ERROR;
}

int
store_fail(struct db *db, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(db->err, sizeof(db->err), fmt, ap);
	va_end(ap);
	return rc;
}

int
store_finish(struct db *db, const struct actor *who, const char *action,
    const char *object, const char *detail)
{
	if (audit_add(db, who, action, object, detail) != STORE_OK ||
	    db_commit(db) == -1) {
		db_rollback(db);
		return STORE_ERROR;
	}
	return STORE_OK;
}

int
store_abort(struct db *db, int rc)
{
	db_rollback(db);
	return rc;
}

static int
account_invalid(struct db *db, const char *why)
{
	util_strlcpy(db->err, why, sizeof(db->err));
	return STORE_INVALID;
}

int
account_create(struct db *db, const struct actor *who, const char *name,
    int admin, const char *password, const char *email, int64_t *id)
{
	char err[VALID_ERR_MAX], hash[AUTH_HASH_MAX], mail[VALID_ADDR_MAX];
	sqlite3_stmt *st;
	int64_t now = util_now();
	int dup = 0;

	if (!who->admin)
		return account_invalid(db, "only an admin creates accounts");
	if (account_valid_name(name, err) == -1 ||
	    auth_password_ok(password, err, sizeof(err)) == -1 ||
	    (email != NULL && valid_email(email, mail, err) == -1))
		return account_invalid(db, err);
	if (auth_hash_password(password, hash) == -1)
		return account_invalid(db, "cannot hash the password "
		    "(out of memory)");
	if (db_begin(db) == -1)
		return STORE_ERROR;
	st = db_prepare(db, "INSERT INTO account (name, role, pw_hash, email, "
	    "created, updated) VALUES (?, ?, ?, ?, ?, ?)", "ssssII", name,
	    admin ? "admin" : "customer", hash, email != NULL ? mail : NULL,
	    now, now);
	if (st == NULL || db_run(db, st, &dup) == -1) {
		db_rollback(db);
		if (dup) {
			snprintf(db->err, sizeof(db->err),
			    "user \"%s\" already exists", name);
			return STORE_EXISTS;
		}
		return STORE_ERROR;
	}
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(db->h);
	if (audit_add(db, who, "account.add", name,
	    admin ? "role=admin" : "role=customer") != STORE_OK ||
	    db_commit(db) == -1) {
		db_rollback(db);
		return STORE_ERROR;
	}
	return STORE_OK;
}

int
account_find(struct db *db, const char *name, struct account *a)
{
	sqlite3_stmt *st;
	int rc;

	st = db_prepare(db, "SELECT " ACCOUNT_COLS " FROM account WHERE "
	    "name = ?", "s", name);
	if (st == NULL || (rc = db_step(db, st)) == -1)
		return STORE_ERROR;
	if (rc == 0) {
		snprintf(db->err, sizeof(db->err), "no user \"%.64s\"", name);
		return STORE_NOTFOUND;
	}
	account_read(st, 0, a);
	db_done(db, st);
	return STORE_OK;
}

void
account_read(sqlite3_stmt *st, int col, struct account *a)
{
	memset(a, 0, sizeof(*a));
	a->id = sqlite3_column_int64(st, col);
	util_strlcpy(a->name, db_text(st, col + 1), sizeof(a->name));
	a->admin = strcmp(db_text(st, col + 2), "admin") == 0;
	a->disabled = sqlite3_column_int(st, col + 3);
	util_strlcpy(a->email, db_text(st, col + 4), sizeof(a->email));
	a->created = sqlite3_column_int64(st, col + 5);
}
